/* blas_threads.h -- (internal) the thread count of the CBLAS, where it has
   one to set.  backprop calls GSL's BLAS through whatever CBLAS configure
   linked; OpenBLAS (pthreads build) splits a product over its own threads
   as soon as it is a few thousand elements, which for the many small
   products of the numeric checker costs far more than it gains (a thread
   wake-up per 16x784 dgemv: `backprop verify' took 4.5 s instead of 1 s).
   The checker's parallelism is its own OpenMP threads instead. */
#ifndef BP_BLAS_THREADS_H
#define BP_BLAS_THREADS_H

/* Unless the user set OPENBLAS_NUM_THREADS (which is then obeyed), ask the
   CBLAS for n threads through openblas_set_num_threads, looked up at run
   time so that any CBLAS links (gslcblas has no threads: nothing to do).
   Returns 1 when the count was set, 0 otherwise. */
int blas_threads_default (int n);

#endif /* BP_BLAS_THREADS_H */
