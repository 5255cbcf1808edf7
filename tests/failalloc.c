/* failalloc.c -- make check's allocation-failure seam (failalloc.h). */
#include <config.h>
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
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

/* glibc's own allocator, under the names it exports for wrappers */
void *__libc_malloc (size_t n);
void *__libc_calloc (size_t a, size_t b);
void *__libc_realloc (void *p, size_t n);
void __libc_free (void *p);

static unsigned long fail_at, counted;
static long live;
static int armed;

/* the blocks counted calls made and not yet freed: a free is matched by
   its pointer, not by its caller (libgomp frees its team by a tail call,
   whose return address is its caller's) */
#define LIVE_SLOTS 4096
static void *made[LIVE_SLOTS];

static size_t
slot_of (const void *p)
{
  return ((size_t) p >> 4) % LIVE_SLOTS;
}

static void
made_add (void *p)
{
  if (p == NULL)
    return;
  for (size_t k = slot_of (p), i = 0; i < LIVE_SLOTS; i++, k = (k + 1) % LIVE_SLOTS)
    if (made[k] == NULL)
      {
        made[k] = p;
        live++;
        return;
      }
  live++;   /* full: counted, never matched (a leak reported) */
}

static void
made_remove (void *p)
{
  if (p == NULL)
    return;
  for (size_t k = slot_of (p), i = 0; i < LIVE_SLOTS; i++, k = (k + 1) % LIVE_SLOTS)
    if (made[k] == p)
      {
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

/* 1 when this counted call is to fail */
static int
fails (void)
{
  return ++counted == fail_at;
}

void *
malloc (size_t n)
{
  if (!counts (__builtin_return_address (0)))
    return __libc_malloc (n);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  void *p = __libc_malloc (n);
  made_add (p);
  return p;
}

void *
calloc (size_t a, size_t b)
{
  if (!counts (__builtin_return_address (0)))
    return __libc_calloc (a, b);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  void *p = __libc_calloc (a, b);
  made_add (p);
  return p;
}

void *
realloc (void *p, size_t n)
{
  if (!counts (__builtin_return_address (0)))
    return __libc_realloc (p, n);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  void *q = __libc_realloc (p, n);
  if (q != NULL)
    {
      made_remove (p);
      made_add (q);
    }
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

#endif
