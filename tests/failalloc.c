/* failalloc.c -- make check's allocation-failure seam (failalloc.h). */
#include <config.h>
#ifndef _GNU_SOURCE
# define _GNU_SOURCE   /* NOLINT(bugprone-reserved-identifier): dladdr */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "failalloc.h"

#if defined __SANITIZE_ADDRESS__
# define FAILALLOC_OFF 1
#elif defined __has_feature
# if __has_feature (address_sanitizer)
#  define FAILALLOC_OFF 1
# endif
#endif

#if defined __GLIBC__ && !defined FAILALLOC_OFF

/* glibc's own allocator, under the names it exports for wrappers
   (reserved names: glibc's, not ours) */
void *__libc_malloc (size_t n);              /* NOLINT(bugprone-reserved-identifier) */
void *__libc_calloc (size_t a, size_t b);    /* NOLINT(bugprone-reserved-identifier) */
void *__libc_realloc (void *p, size_t n);    /* NOLINT(bugprone-reserved-identifier) */
void __libc_free (void *p);                  /* NOLINT(bugprone-reserved-identifier) */

static unsigned long fail_at, counted;
static long live;
static int armed;

/* the blocks counted calls made and not yet freed: a free is matched by
   its pointer, not by its caller (libgomp frees its team by a tail call,
   whose return address is its caller's) */
#define LIVE_SLOTS 4096
static void *made[LIVE_SLOTS];
static size_t made_size[LIVE_SLOTS];

/* each counted block gets GUARD bytes more, set to GUARD_BYTE, and
   checked when it is freed armed: a write past the block's end */
#define GUARD 16
#define GUARD_BYTE 0xa5
static unsigned long overruns;

/* failalloc_pad's tail: pad_count doubles of pad_value after each block */
static size_t pad_count;
static double pad_value;

static void
guard_set (void *p, size_t n)
{
  memset ((unsigned char *) p + n, GUARD_BYTE, GUARD);
}

static void
guard_check (const void *p, size_t n)
{
  const unsigned char *g = (const unsigned char *) p + n;
  for (size_t k = 0; k < GUARD; k++)
    if (g[k] != GUARD_BYTE)
      {
        overruns++;
        return;
      }
}

static size_t
slot_of (const void *p)
{
  return ((size_t) p >> 4) % LIVE_SLOTS;
}

/* p, a block of n bytes (and its guard), made by a counted call */
static void
made_add (void *p, size_t n)
{
  if (p == NULL)
    return;
  guard_set (p, n);
  for (size_t k = slot_of (p), i = 0; i < LIVE_SLOTS; i++, k = (k + 1) % LIVE_SLOTS)
    if (made[k] == NULL)
      {
        made[k] = p;
        made_size[k] = n;
        live++;
        return;
      }
  live++;   /* full: counted, never matched (a leak reported) */
}

/* p freed or moved: its guard checked */
static void
made_remove (void *p)
{
  if (p == NULL)
    return;
  for (size_t k = slot_of (p), i = 0; i < LIVE_SLOTS; i++, k = (k + 1) % LIVE_SLOTS)
    if (made[k] == p)
      {
        guard_check (p, made_size[k]);
        made[k] = NULL;
        live--;
        return;
      }
}


void
failalloc_arm (unsigned long n)
{
  fail_at = n;
  counted = 0;
  live = 0;
  overruns = 0;
  memset (made, 0, sizeof made);
  armed = 1;
}

unsigned long
failalloc_disarm (void)
{
  armed = 0;
  return counted;
}

long
failalloc_live (void)
{
  return live;
}

unsigned long
failalloc_overruns (void)
{
  return overruns;
}

/* 1 when this program's malloc is reached: not under valgrind, which
   puts its own in place of every malloc, the program's too */
int
failalloc_works (void)
{
  static int works = -1;
  if (works < 0)
    {
      void *(*volatile probe) (size_t) = malloc;
      failalloc_arm (1);
      void *p = probe (16);
      failalloc_disarm ();
      works = p == NULL;
      free (p);
    }
  return works;
}

/* 1 when the call from pc is the program's or the library's, not
   OpenBLAS's or the OpenMP runtime's (dladdr allocates nothing) */
static int
counts (const void *pc)
{
  Dl_info info;
  if (!armed)
    return 0;
  if (dladdr (pc, &info) != 0 && info.dli_fname != NULL
      && (strstr (info.dli_fname, "libopenblas") || strstr (info.dli_fname, "libgomp")))
    return 0;
  return 1;
}

/* the bytes to ask for n and the pad's tail, or 0 when they overflow */
static size_t
padded (size_t n)
{
  const size_t tail = pad_count * sizeof (double);
  return n <= SIZE_MAX - tail ? n + tail : 0;
}

/* p's tail after its n bytes filled with pad_value */
static void *
fill (unsigned char *p, size_t n)
{
  for (size_t k = 0; p && k < pad_count; k++)
    memcpy (p + n + k * sizeof (double), &pad_value, sizeof (double));
  return p;
}

void
failalloc_pad (double value, size_t count)
{
  pad_value = value;
  pad_count = count;
}

/* 1 when this counted call is to fail */
static int
fails (void)
{
  return ++counted == fail_at;
}

void *
malloc (size_t n)
{
  if (pad_count && padded (n))
    return fill (__libc_malloc (padded (n)), n);
  if (!counts (__builtin_return_address (0)))
    return __libc_malloc (n);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  void *p = n <= SIZE_MAX - GUARD ? __libc_malloc (n + GUARD) : NULL;
  made_add (p, n);
  return p;
}

void *
calloc (size_t a, size_t b)
{
  if (pad_count && (b == 0 || a <= SIZE_MAX / b) && padded (a * b))
    return fill (__libc_calloc (1, padded (a * b)), a * b);
  if (!counts (__builtin_return_address (0)))
    return __libc_calloc (a, b);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  void *p = b == 0 || a <= (SIZE_MAX - GUARD) / b ? __libc_calloc (1, a * b + GUARD) : NULL;
  made_add (p, a * b);
  return p;
}

void *
realloc (void *p, size_t n)
{
  if (pad_count && padded (n))
    return fill (__libc_realloc (p, padded (n)), n);
  if (!counts (__builtin_return_address (0)))
    return __libc_realloc (p, n);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  made_remove (p);   /* its guard checked before it moves */
  void *q = n <= SIZE_MAX - GUARD ? __libc_realloc (p, n + GUARD) : NULL;
  made_add (q, n);
  return q;
}

void
free (void *p)
{
  if (armed)
    made_remove (p);
  __libc_free (p);
}

#else

int
failalloc_works (void)
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

long
failalloc_live (void)
{
  return 0;
}

unsigned long
failalloc_overruns (void)
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
