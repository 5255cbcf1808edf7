/* failalloc.c -- failalloc.h: malloc, calloc and realloc of the test
   program, which the shared library's calls reach before the C library's
   (the executable comes first in the dynamic symbols' lookup); each
   forwards to glibc's __libc_malloc, __libc_calloc or __libc_realloc,
   which free() takes back (and valgrind replaces as it does malloc).
   Armed, it fails its nth call (NULL, errno ENOMEM); padded, it asks for
   a tail of doubles more and fills it with a value. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "failalloc.h"

#if defined __SANITIZE_ADDRESS__
#define FAILALLOC_OFF 1
#elif defined __has_feature
#if __has_feature (address_sanitizer)
#define FAILALLOC_OFF 1
#endif
#endif

#ifndef FAILALLOC_OFF
/* glibc's own allocator entry points (reserved names: glibc's, not ours) */
extern void *__libc_malloc (size_t n);                 /* NOLINT(bugprone-reserved-identifier) */
extern void *__libc_calloc (size_t n, size_t size);    /* NOLINT(bugprone-reserved-identifier) */
extern void *__libc_realloc (void *p, size_t n);       /* NOLINT(bugprone-reserved-identifier) */

static unsigned long fail_at, counted;
static int armed;
static size_t pad_count;
static double pad_value;

/* 1 when this call is the one to fail */
static int
fails (void)
{
  if (!armed || ++counted != fail_at)
    return 0;
  errno = ENOMEM;
  return 1;
}

/* the bytes to ask for n: n and the tail, or 0 when they overflow */
static size_t
padded (size_t n)
{
  const size_t tail = pad_count * sizeof (double);
  return n <= (size_t) -1 - tail ? n + tail : 0;
}

/* p's tail after its n bytes filled with pad_value */
static void *
fill (unsigned char *p, size_t n)
{
  for (size_t k = 0; p && k < pad_count; k++)
    memcpy (p + n + k * sizeof (double), &pad_value, sizeof (double));
  return p;
}

void *
malloc (size_t n)
{
  if (fails ())
    return NULL;
  return pad_count && padded (n) ? fill (__libc_malloc (padded (n)), n) : __libc_malloc (n);
}

void *
calloc (size_t n, size_t size)
{
  if (fails ())
    return NULL;
  if (!pad_count || (size && n > (size_t) -1 / size) || !padded (n * size))
    return __libc_calloc (n, size);
  return fill (__libc_calloc (1, padded (n * size)), n * size);
}

void *
realloc (void *p, size_t n)
{
  if (fails ())
    return NULL;
  return pad_count && padded (n) ? fill (__libc_realloc (p, padded (n)), n)
                                 : __libc_realloc (p, n);
}

int
failalloc_available (void)
{
  /* a tool that replaces malloc by name (valgrind) replaces this one too */
  void *(*volatile m) (size_t) = malloc;   /* called, not folded as a builtin */
  failalloc_arm (1);
  void *p = m (1);
  failalloc_disarm ();
  free (p);
  return counted == 1;
}

void
failalloc_arm (unsigned long n)
{
  fail_at = n;
  counted = 0;
  armed = 1;
}

unsigned long
failalloc_disarm (void)
{
  armed = 0;
  return counted;
}

void
failalloc_pad (double value, size_t count)
{
  pad_value = value;
  pad_count = count;
}
#else
int
failalloc_available (void)
{
  return 0;
}

void
failalloc_arm (unsigned long n)
{
  (void) n;
}

unsigned long
failalloc_disarm (void)
{
  return 0;
}

void
failalloc_pad (double value, size_t count)
{
  (void) value;
  (void) count;
}
#endif
