/* blas_threads.h -- (internal) the CBLAS's threads and kernels, where it
   has them to set.  backprop calls GSL's BLAS through whatever CBLAS
   configure linked; OpenBLAS is reached at run time (dlsym), so any CBLAS
   links (gslcblas has neither threads nor kernels: nothing to do).

   Threads: OpenBLAS (pthreads build) splits a product over its own threads
   as soon as it is a few thousand elements, which for the many small
   products of the numeric checker costs far more than it gains (a thread
   wake-up per 16x784 dgemv: `backprop verify' took 4.5 s instead of 1 s),
   and for training on 2 shared cores is slower than one thread as soon as
   another process is busy (doc/performance.md, "Threads").  The checker's
   parallelism is its own OpenMP threads instead.

   Kernels: OpenBLAS 0.3.21 does not know recent Xeons and falls back to
   its generic Prescott (SSE3) kernels, 4x slower in dgemm than its
   SkylakeX ones on an AVX-512 CPU; it reads OPENBLAS_CORETYPE once, in
   its constructor, before main.  blas_kernels_default re-executes the
   program with the variable set when that helps. */
#ifndef BP_BLAS_THREADS_H
#define BP_BLAS_THREADS_H
#include <stddef.h>

/* Unless the user set OPENBLAS_NUM_THREADS (which is then obeyed), ask the
   CBLAS for n threads through openblas_set_num_threads.  Returns 1 when
   the count was set, 0 otherwise. */
int blas_threads_default (int n);

/* Unless the user set OMP_NUM_THREADS, the library's OpenMP loops (the
   CNN's im2col and pooling) get as many threads as BLAS: the
   OPENBLAS_NUM_THREADS given, else n (train and eval; not verify, whose
   checker takes OpenMP's default).  A count from the environment above
   THREADS_PER_CORE_MAX per core is cut to that, with a warning (libgomp
   crashed starting OMP_NUM_THREADS=100000 threads). */
#define THREADS_PER_CORE_MAX 8
void loop_threads_like_blas (int n);

/* When the CBLAS is OpenBLAS running kernels below what the CPU has
   (__builtin_cpu_supports: avx512f -> SKYLAKEX, avx2 -> HASWELL) and the
   user has not set OPENBLAS_CORETYPE, set it and execv /proc/self/exe
   with argv (BACKPROP_BLAS_REEXEC=1 marks the second start, so it happens
   at most once).  Returns only when nothing was done or execv failed. */
void blas_kernels_default (char **argv);

/* One line naming the CBLAS and the kernels it runs, e.g.
   "OpenBLAS 0.3.21 ... kernels SkylakeX (OPENBLAS_CORETYPE=SKYLAKEX, set by
   backprop)", into buf. */
void blas_describe (char *buf, size_t len);

#endif /* BP_BLAS_THREADS_H */
