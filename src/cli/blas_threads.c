/* blas_threads.c -- see blas_threads.h */
#include <config.h>
#include <stdlib.h>
#ifdef HAVE_DLFCN_H
# include <dlfcn.h>
#endif
#include "cli/blas_threads.h"

int
blas_threads_default (int n)
{
#if defined HAVE_DLFCN_H && defined RTLD_DEFAULT
  if (getenv ("OPENBLAS_NUM_THREADS") != NULL)
    return 0;
  void (*set) (int) = (void (*) (int)) dlsym (RTLD_DEFAULT, "openblas_set_num_threads");
  if (set == NULL)
    return 0;
  set (n);
  return 1;
#else
  (void) n;
  return 0;
#endif
}
