/* failalloc.h -- allocation faults inside a Check test (issue 24): the
   test program's own malloc, calloc and realloc, which fail the Nth call
   made while armed (once), as tests/oom/oomshim.c does for `make
   check-oom', and can put a tail of chosen doubles after every block
   (what a read one past the end sees), so that `make check' (and `make
   mutation') sees an allocation test that lets a NULL through, or such a
   read, which otherwise only valgrind reports.  Linked into the suites
   that use it alone. */
#ifndef BP_TESTS_FAILALLOC_H
#define BP_TESTS_FAILALLOC_H

#include <stddef.h>

/* 1 when this build can fail allocations: not under AddressSanitizer
   (whose own malloc the test program's would bypass: left out), nor
   under a tool that replaces malloc by name (valgrind: seen at run time) */
int failalloc_available (void);

/* Count the calls from now on and fail the nth (n >= 1) */
void failalloc_arm (unsigned long n);

/* Stop counting; returns the calls counted since failalloc_arm (when
   below n, the nth call never came: nothing failed) */
unsigned long failalloc_disarm (void);

/* From now on every block gets count doubles more after its bytes, each
   value (count 0: none) */
void failalloc_pad (double value, size_t count);

#endif
