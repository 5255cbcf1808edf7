/* cmplx.h -- (internal) CMPLX of C11 where <complex.h> lacks it: glibc
   defines it only for GCC >= 4.7 (by __builtin_complex), not for clang,
   which has the same builtin.  CMPLX (x, y) is x + i y exactly, even for
   an infinite or NaN y, which x + I * y is not.  And the element accessors of GSL's complex
   vectors and matrices as double complex. */
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

#include <gsl/gsl_vector_complex_double.h>
#include <gsl/gsl_matrix_complex_double.h>

/* Elements as double complex, whichever gsl_complex GSL was built with:
   GSL stores an element as two doubles (real, imaginary), element i of a
   vector at 2 i stride, element (i, j) of a matrix at 2 (i tda + j). */
static inline double complex
cget (const gsl_vector_complex *v, size_t i)
{
  const double *p = v->data + 2 * i * v->stride;
  return CMPLX (p[0], p[1]);
}

static inline void
cset (gsl_vector_complex *v, size_t i, double complex z)
{
  double *p = v->data + 2 * i * v->stride;
  p[0] = creal (z);
  p[1] = cimag (z);
}

static inline double complex
cmget (const gsl_matrix_complex *A, size_t i, size_t j)
{
  const double *p = A->data + 2 * (i * A->tda + j);
  return CMPLX (p[0], p[1]);
}

static inline void
cmset (gsl_matrix_complex *A, size_t i, size_t j, double complex z)
{
  double *p = A->data + 2 * (i * A->tda + j);
  p[0] = creal (z);
  p[1] = cimag (z);
}

#endif /* BP_CMPLX_H */
