/* memory_limit.c -- see memory_limit.h */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#ifdef HAVE_DLFCN_H
# include <dlfcn.h>
#endif
#ifdef _OPENMP
# include <omp.h>
#endif
#include "verify/i18n.h"
#include "cli/cli.h"
#include "cli/memory_limit.h"

void
memory_limit_reexec (char **argv)
{
#if defined HAVE_DLFCN_H && defined RTLD_DEFAULT
  struct rlimit rl;
  if (getrlimit (RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY
      || getenv ("OPENBLAS_NUM_THREADS") != NULL
      || dlsym (RTLD_DEFAULT, "blas_memory_alloc") == NULL)
    return;
  if (setenv ("OPENBLAS_NUM_THREADS", "1", 1) != 0
      || (getenv ("OMP_NUM_THREADS") == NULL && setenv ("OMP_NUM_THREADS", "1", 1) != 0))
    return;
  execv ("/proc/self/exe", argv);   /* returns only on failure: go on */
#else
  (void) argv;
#endif
}

int
memory_limit_prepare (const char *cmd)
{
#if defined HAVE_DLFCN_H && defined RTLD_DEFAULT
  struct rlimit rl;
  if (getrlimit (RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return 0;
  void *(*alloc) (int) = (void *(*) (int)) dlsym (RTLD_DEFAULT, "blas_memory_alloc");
  void (*release) (void *) = (void (*) (void *)) dlsym (RTLD_DEFAULT, "blas_memory_free");
  void (*threads) (int) = (void (*) (int)) dlsym (RTLD_DEFAULT, "openblas_set_num_threads");
  if (alloc == NULL || release == NULL || threads == NULL)
    return 0;   /* not OpenBLAS */
# ifdef _OPENMP
  omp_set_num_threads (1);
# endif
  threads (1);
  void *trial = mmap (NULL, OPENBLAS_BUFFER_BYTES, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (trial == MAP_FAILED)
    {
      fprintf (stderr, _("%s: %s: the address-space limit (ulimit -v %llu) leaves no room "
                  "for OpenBLAS's %zu MiB buffer: raise it (backprop needs about 200 MiB "
                  "of address space with OpenBLAS)\n"), program_name, cmd,
               (unsigned long long) (rl.rlim_cur / 1024), OPENBLAS_BUFFER_BYTES >> 20);
      return -1;
    }
  munmap (trial, OPENBLAS_BUFFER_BYTES);
  release (alloc (0));   /* taken now, kept by OpenBLAS for later calls */
#else
  (void) cmd;
#endif
  return 0;
}
