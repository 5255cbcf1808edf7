/* oomshim.c -- an LD_PRELOAD module failing allocations on purpose, as
   SQLite's tests do (issue 14): malloc, calloc and realloc are counted
   from the moment the program starts its own work (its first call of
   getopt_long, or at once with BP_OOM_ARM=start), and
     BP_OOM_FAIL=N          the Nth call fails (returns NULL, errno ENOMEM);
     BP_OOM_MODE=from       every call from the Nth on fails (default: once);
     BP_OOM_COUNT=FILE      at exit, the number of calls counted is written
                            to FILE (the run's last allocation: the range
                            of N to try), by a process that was armed.
   Calls before arming (the dynamic loader, libraries' constructors) pass;
   so do those made while dlsym looks the real functions up (a static
   buffer serves them), and malloc's calls from OpenBLAS itself: its
   SkylakeX small-matrix dgemm kernel uses the scratch it mallocs without
   looking at the result (a crash no caller can prevent: OpenBLAS's
   limitation, stated in doc/robustness.md), so they are neither counted
   nor failed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc) (size_t);
static void *(*real_calloc) (size_t, size_t);
static void *(*real_realloc) (void *, size_t);
static void (*real_free) (void *);
static int (*real_getopt_long) (int, char *const *, const char *,
                                const struct option *, int *);

static unsigned long fail_at, counted;
static int from_on, armed, ever_armed, looking_up;

/* what dlsym asks for while the real functions are looked up */
static char early[1 << 16];
static size_t early_used;

static void *
early_alloc (size_t n)
{
  n = (n + 15) & ~(size_t) 15;
  if (early_used + n > sizeof early)
    return NULL;
  void *p = early + early_used;
  early_used += n;
  return p;
}

static int
is_early (const void *p)
{
  return (const char *) p >= early && (const char *) p < early + sizeof early;
}

static void
look_up (void)
{
  if (real_malloc != NULL || looking_up)
    return;
  looking_up = 1;
  real_malloc = (void *(*) (size_t)) dlsym (RTLD_NEXT, "malloc");
  real_calloc = (void *(*) (size_t, size_t)) dlsym (RTLD_NEXT, "calloc");
  real_realloc = (void *(*) (void *, size_t)) dlsym (RTLD_NEXT, "realloc");
  real_free = (void (*) (void *)) dlsym (RTLD_NEXT, "free");
  real_getopt_long = (int (*) (int, char *const *, const char *, const struct option *,
                               int *)) dlsym (RTLD_NEXT, "getopt_long");
  const char *n = getenv ("BP_OOM_FAIL"), *mode = getenv ("BP_OOM_MODE"),
             *arm = getenv ("BP_OOM_ARM");
  fail_at = n ? strtoul (n, NULL, 10) : 0;
  from_on = mode && strcmp (mode, "from") == 0;
  armed = arm && strcmp (arm, "start") == 0;
  looking_up = 0;
}

/* 1 when this call is to fail */
static int
fails (void)
{
  if (!armed)
    return 0;
  counted++;
  return fail_at != 0 && (counted == fail_at || (from_on && counted > fail_at));
}

/* 1 when the code at address pc is OpenBLAS's */
static int
in_openblas (const void *pc)
{
  Dl_info info;
  return dladdr (pc, &info) != 0 && info.dli_fname != NULL
         && strstr (info.dli_fname, "libopenblas") != NULL;
}

void *
malloc (size_t n)
{
  if (real_malloc == NULL)
    {
      if (looking_up)
        return early_alloc (n);
      look_up ();
    }
  if (in_openblas (__builtin_return_address (0)))
    return real_malloc (n);
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_malloc (n);
}

void *
calloc (size_t a, size_t b)
{
  if (real_calloc == NULL)
    {
      if (looking_up)
        {
          void *p = (b == 0 || a <= sizeof early / b) ? early_alloc (a * b) : NULL;
          if (p)
            memset (p, 0, a * b);
          return p;
        }
      look_up ();
    }
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_calloc (a, b);
}

void *
realloc (void *p, size_t n)
{
  if (real_realloc == NULL)
    look_up ();
  if (is_early (p))
    {
      void *q = malloc (n);
      if (q)
        memcpy (q, p, n);   /* early blocks are never large */
      return q;
    }
  if (fails ())
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_realloc (p, n);
}

void
free (void *p)
{
  if (p == NULL || is_early (p))
    return;
  if (real_free == NULL)
    look_up ();
  if (real_free != NULL)   /* NULL only while dlsym is at work: leaked */
    real_free (p);
}

int
getopt_long (int argc, char *const *argv, const char *opts, const struct option *lo,
             int *li)
{
  look_up ();
  armed = ever_armed = 1;
  return real_getopt_long (argc, argv, opts, lo, li);
}

__attribute__ ((destructor)) static void
report (void)
{
  const char *file = getenv ("BP_OOM_COUNT");
  armed = 0;
  if (file == NULL || !ever_armed)   /* a wrapper, not the program */
    return;
  FILE *f = fopen (file, "w");
  if (f)
    {
      fprintf (f, "%lu\n", counted);
      fclose (f);
    }
}
