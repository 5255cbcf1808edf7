/* failalloc.c -- an LD_PRELOAD shim for tests/verify-oom.sh: in a process
   named backprop (the libtool wrapper's shell is spared), the
   BP_FAIL_AT-th call of malloc, calloc or realloc from main on returns
   NULL, as on a machine out of memory; every other call is the C
   library's.  Calls before main (the start-up of libgomp and OpenBLAS,
   which exit by themselves when it fails) are not counted: main is
   reached through a wrapped __libc_start_main. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *malloc (size_t n);
void *calloc (size_t k, size_t n);
void *realloc (void *p, size_t n);

static long calls;
static int in_main;

typedef int (*main_fn) (int, char **, char **);
static main_fn real_main;

static int
counted_main (int argc, char **argv, char **envp)
{
  in_main = 1;
  return real_main (argc, argv, envp);
}

int __libc_start_main (main_fn main, int argc, char **argv, void (*init) (void),
                       void (*fini) (void), void (*rtld_fini) (void), void *stack_end);

int
__libc_start_main (main_fn main, int argc, char **argv, void (*init) (void),
                   void (*fini) (void), void (*rtld_fini) (void), void *stack_end)
{
  int (*real) (main_fn, int, char **, void (*) (void), void (*) (void),
               void (*) (void), void *);
  *(void **) &real = dlsym (RTLD_NEXT, "__libc_start_main");
  real_main = main;
  return real (counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* whether this call is the one to fail */
static int
fail_now (void)
{
  static long at = -1;
  if (at < 0)
    {
      const char *s = getenv ("BP_FAIL_AT");
      const char *name = program_invocation_short_name;
      at = (s && (strcmp (name, "backprop") == 0 || strcmp (name, "lt-backprop") == 0))
        ? atol (s) : 0;
    }
  if (at > 0 && in_main && ++calls == at)
    {
      errno = ENOMEM;
      return 1;
    }
  return 0;
}

void *
malloc (size_t n)
{
  static void *(*real) (size_t);
  if (!real)
    *(void **) &real = dlsym (RTLD_NEXT, "malloc");
  return fail_now () ? NULL : real (n);
}

/* dlsym may itself call calloc: until the real one is known, a small
   static arena serves */
void *
calloc (size_t k, size_t n)
{
  static void *(*real) (size_t, size_t);
  static char arena[4096];
  static size_t used;
  static int looking;
  if (!real)
    {
      if (looking)
        {
          void *p = arena + used;
          used += (k * n + 15) & ~(size_t) 15;
          return used <= sizeof arena ? p : NULL;
        }
      looking = 1;
      *(void **) &real = dlsym (RTLD_NEXT, "calloc");
      looking = 0;
    }
  return fail_now () ? NULL : real (k, n);
}

void *
realloc (void *p, size_t n)
{
  static void *(*real) (void *, size_t);
  if (!real)
    *(void **) &real = dlsym (RTLD_NEXT, "realloc");
  return fail_now () ? NULL : real (p, n);
}
