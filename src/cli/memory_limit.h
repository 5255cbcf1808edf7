/* memory_limit.h -- (internal) running under an address-space limit
   (ulimit -v, RLIMIT_AS) with OpenBLAS.

   OpenBLAS 0.3.21 gives each thread that calls it a buffer of 128 MiB of
   address space (BUFFER_SIZE, 32 << 22 on x86_64), taken on the first
   call, and when the mmap fails its blas_memory_alloc (driver/others/
   memory.c) tries again forever at 100% CPU instead of failing (fixed
   upstream in 0.3.30, OpenBLAS PR #5303).  Under `ulimit -v 300000' the
   checker's second OpenMP thread wanted a second buffer and backprop
   spun forever.  So, before a command starts, when the address space is
   limited and the CBLAS is OpenBLAS:
     1. everything runs on one thread (OpenMP and OpenBLAS), so that one
        buffer is all OpenBLAS ever takes.  OpenBLAS starts its own pool
        of threads when it is loaded, before main, and each takes its
        buffer as it starts (and spins there when it cannot: the program
        then hung at exit, joining it), so the program first runs itself
        again (execv /proc/self/exe) with OPENBLAS_NUM_THREADS=1 and
        OMP_NUM_THREADS=1 in its environment, unless they are set;
     2. that buffer is taken now, when there is room for it: a trial mmap
        of its size first, then blas_memory_alloc, whose buffer OpenBLAS
        keeps for every later call;
     3. when there is no room, the program says so and exits 4 rather
        than hang.
   With GSL's CBLAS (no such buffer) nothing is done: a failed malloc is
   reported as usual. */
#ifndef BP_MEMORY_LIMIT_H
#define BP_MEMORY_LIMIT_H

/* What OpenBLAS 0.3.21 maps for one buffer: 128 MiB and a page, rounded
   up (measured: /proc/self/maps after blas_memory_alloc). */
#define OPENBLAS_BUFFER_BYTES ((size_t) 130 << 20)

/* Step 1: when the address space is limited, OpenBLAS is loaded and
   OPENBLAS_NUM_THREADS is not set, set it (and OMP_NUM_THREADS) to 1 and
   run argv again; returns only when nothing is to be done or exec
   failed. */
void memory_limit_reexec (char **argv);

/* Steps 2 and 3, for the command cmd; 0 to go on, -1 after printing
   why the command cannot be carried out. */
int memory_limit_prepare (const char *cmd);

#endif /* BP_MEMORY_LIMIT_H */
