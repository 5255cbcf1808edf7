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
/* C11 stores a double complex as its two parts, real first */
static inline double complex
cmplx_ (double x, double y)
{
  union { double complex z; double part[2]; } u;
  u.part[0] = x;
  u.part[1] = y;
  return u.z;
}
#  define CMPLX(x, y) cmplx_ ((x), (y))
# endif
#endif

#endif /* BP_CMPLX_H */
