/* cmplx.h -- (internal) CMPLX of C11 where <complex.h> lacks it: glibc
   defines it only for GCC >= 4.7 (by __builtin_complex), not for clang,
   which has the same builtin.  CMPLX (x, y) is x + i y exactly, even for
   an infinite or NaN y, which x + I * y is not. */
#ifndef BP_CMPLX_H
#define BP_CMPLX_H
#include <complex.h>

#ifndef CMPLX
# ifdef __clang__
#  define CMPLX(x, y) __builtin_complex ((double) (x), (double) (y))
# else
#  define CMPLX(x, y) \
  (((union { double complex z; double p[2]; }) { .p = { (x), (y) } }).z)
# endif
#endif

#endif /* BP_CMPLX_H */
