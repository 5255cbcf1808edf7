/* failalloc.c -- failalloc.h: malloc, calloc and realloc of the test
   program, which the shared library's calls reach before the C library's
   (the executable comes first in the dynamic symbols' lookup); each
   forwards to glibc's __libc_malloc, __libc_calloc or __libc_realloc,
   which free() takes back (and valgrind replaces as it does malloc), and
   while armed fails its nth call (NULL, errno ENOMEM). */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include "failalloc.h"

#if defined __SANITIZE_ADDRESS__
#define FAILALLOC_OFF 1
#elif defined __has_feature
#if __has_feature (address_sanitizer)
#define FAILALLOC_OFF 1
#endif
#endif

#ifndef FAILALLOC_OFF
extern void *__libc_malloc (size_t n);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *p, size_t n);

static unsigned long fail_at, counted;
static int armed;

/* 1 when this call is the one to fail */
static int
fails (void)
{
  if (!armed || ++counted != fail_at)
    return 0;
  errno = ENOMEM;
  return 1;
}

void *
malloc (size_t n)
{
  return fails () ? NULL : __libc_malloc (n);
}

void *
calloc (size_t n, size_t size)
{
  return fails () ? NULL : __libc_calloc (n, size);
}

void *
realloc (void *p, size_t n)
{
  return fails () ? NULL : __libc_realloc (p, n);
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
#endif
