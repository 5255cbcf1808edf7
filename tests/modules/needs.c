/* needs.c -- a test module of `backprop check' (tests/check.sh): its
   loss calls a function of libbpgone (gone.c), which the loader cannot
   find: a missing dependency, reported by name. */
#include <stddef.h>

int bp_test_gone (void);
int needs_loss (size_t n, const double *theta, double *L);

int
needs_loss (size_t n, const double *theta, double *L)
{
  *L = (double) bp_test_gone () + (n ? theta[0] : 0.0);
  return 0;
}
