/* blas_threads.c -- see blas_threads.h */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef HAVE_DLFCN_H
# include <dlfcn.h>
#endif
#ifdef _OPENMP
# include <omp.h>
#endif
#include "verify/i18n.h"
#include "cli/cli.h"
#include "cli/blas_threads.h"

#define REEXEC_MARK "BACKPROP_BLAS_REEXEC"

#if defined HAVE_DLFCN_H && defined RTLD_DEFAULT
static void *
openblas_symbol (const char *name)
{
  return dlsym (RTLD_DEFAULT, name);
}
#else
static void *
openblas_symbol (const char *name)
{
  (void) name;
  return NULL;
}
#endif

void
loop_threads_like_blas (int n)
{
#ifdef _OPENMP
  const char *blas = getenv ("OPENBLAS_NUM_THREADS"), *omp = getenv ("OMP_NUM_THREADS");
  const char *from = omp ? "OMP_NUM_THREADS" : blas ? "OPENBLAS_NUM_THREADS" : NULL;
  /* OMP_NUM_THREADS may be a list ("4,2"): its first number */
  const long want = from ? strtol (omp ? omp : blas, NULL, 10) : n;
  const long cap = THREADS_PER_CORE_MAX * (long) omp_get_num_procs ();
  if (want > cap)
    {
      fprintf (stderr, _("%s: warning: %s=%s is more than %d threads per core: %ld "
                  "threads\n"), program_name, from, getenv (from), THREADS_PER_CORE_MAX, cap);
      omp_set_num_threads ((int) cap);
    }
  else if (omp == NULL)
    omp_set_num_threads (want > 0 ? (int) want : n);
#else
  (void) n;
#endif
}

int
blas_threads_default (int n)
{
  if (getenv ("OPENBLAS_NUM_THREADS") != NULL)
    return 0;
  void (*set) (int) = (void (*) (int)) openblas_symbol ("openblas_set_num_threads");
  if (set == NULL)
    return 0;
  set (n);
  return 1;
}

/* The kernels OpenBLAS runs, or NULL when the CBLAS is not OpenBLAS. */
static const char *
corename (void)
{
  char *(*get) (void) = (char *(*) (void)) openblas_symbol ("openblas_get_corename");
  return get ? get () : NULL;
}

/* OpenBLAS's name for the best kernels this CPU can run (cpuid and the
   OS's saved state, as libgcc checks them), or NULL when none above the
   generic ones applies. */
static const char *
cpu_coretype (void)
{
#if defined __x86_64__ && defined __GNUC__
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    return "SKYLAKEX";
  if (__builtin_cpu_supports ("avx2"))
    return "HASWELL";
#endif
  return NULL;
}

/* 1 when kernels core are at least as good as want (AVX-512 ones for
   SKYLAKEX; AVX2 or AVX-512 ones for HASWELL). */
static int
good_enough (const char *core, const char *want)
{
  static const char *const avx512[] = { "skylakex", "cooperlake", "sapphirerapids" };
  static const char *const avx2[] = { "haswell", "zen", "skylakex", "cooperlake",
                                      "sapphirerapids" };
  const char *const *list = strcmp (want, "SKYLAKEX") == 0 ? avx512 : avx2;
  const size_t k = strcmp (want, "SKYLAKEX") == 0 ? 3 : 5;
  for (size_t i = 0; i < k; i++)
    if (strcasecmp (core, list[i]) == 0)
      return 1;
  return 0;
}

void
blas_kernels_default (char **argv)
{
  const char *core = corename (), *want = cpu_coretype ();
  /* cppcheck-suppress knownConditionTrueFalse ; want is NULL only off x86-64 GCC */
  if (core == NULL || want == NULL || getenv ("OPENBLAS_CORETYPE") != NULL
      || getenv (REEXEC_MARK) != NULL || good_enough (core, want))
    return;
  if (setenv ("OPENBLAS_CORETYPE", want, 1) != 0 || setenv (REEXEC_MARK, "1", 1) != 0)
    return;
  fflush (NULL);
  execv ("/proc/self/exe", argv);
  unsetenv ("OPENBLAS_CORETYPE");   /* execv failed: go on with what runs */
}

void
blas_describe (char *buf, size_t len)
{
  const char *core = corename ();
  if (core == NULL)
    {
      snprintf (buf, len, "%s", BP_CBLAS);
      return;
    }
  char *(*config) (void) = (char *(*) (void)) openblas_symbol ("openblas_get_config");
  const char *set = getenv ("OPENBLAS_CORETYPE");
  snprintf (buf, len, _("%s, kernels %s%s%s%s"), config ? config () : "OpenBLAS", core,
            set ? " (OPENBLAS_CORETYPE=" : "", set ? set : "",
            set ? (getenv (REEXEC_MARK) ? _(", set by backprop)") : _(", set by the user)"))
                : "");
}
