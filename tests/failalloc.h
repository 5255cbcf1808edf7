/* failalloc.h -- make check's allocation-failure seam (issue 24): the
   program that links tests/failalloc.c has malloc, calloc, realloc and
   free of its own (the library's calls and GSL's reach them), passing
   each call to the C library's until failalloc_arm.  From then on the
   calls are counted, the Nth fails (NULL, errno ENOMEM), and the blocks
   made less those freed are counted: a leak.  The calls of OpenBLAS and
   of the OpenMP runtime pass uncounted (their scratch and thread pools
   are theirs to keep; OpenBLAS does not look at malloc's result).
   Padded, every block gets a tail of chosen doubles (what a read one
   past its end sees), so that such a read changes a result in make check
   where otherwise only valgrind reports it.  tests/oom/oomshim.c fails
   allocations the same way in whole programs (make check-oom). */
#ifndef BP_FAILALLOC_H
#define BP_FAILALLOC_H

#include <stddef.h>

/* 0 when the seam is not built (AddressSanitizer owns malloc) or not
   reached (valgrind puts its own malloc in the program's place): the
   tests that need it then pass without running */
int failalloc_works (void);

/* Count the allocations from now on and fail the nth (0: none). */
void failalloc_arm (unsigned long n);

/* Stop counting: the number of allocations counted since arming. */
unsigned long failalloc_disarm (void);

/* The blocks allocated since arming less those freed (what armed code
   leaked, when it freed what it made). */
long failalloc_live (void);

/* The blocks made since arming whose end was written past, as found when
   they were freed or moved while armed: each counted block has 16 bytes
   more, set to a pattern, checked then. */
unsigned long failalloc_overruns (void);

/* From now on every block (counted or not) gets count doubles more after
   its bytes, each value (count 0: none).  A padded block has no guard. */
void failalloc_pad (double value, size_t count);

#endif
