/* undef.c -- a test module of `backprop check' (tests/check.sh): its
   loss calls a function no library defines.  Loaded with immediate
   binding, it is a loading error naming the symbol (lazily bound, ld.so
   killed the program at the first call). */
#include <stddef.h>

int bp_test_nowhere (void);
int undef_loss (size_t n, const double *theta, double *L);

int
undef_loss (size_t n, const double *theta, double *L)
{
  *L = (double) bp_test_nowhere () + (n ? theta[0] : 0.0);
  return 0;
}
