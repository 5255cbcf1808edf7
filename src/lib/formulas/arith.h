/* arith.h -- (internal) what templates_on.h's complex arithmetic needs
   beyond C's operators, and the typed argument checks of the templated
   formulas.  The complex functions are the analytic ones, written so that
   on a real argument (imaginary part 0) each reduces to the very real
   operation the double instantiation performs: glibc's cexp, clog, ctanh
   and zgemv do not (clog (y + 0i) differs from log y in the last bit for
   a quarter of y in (0, 2); ctanh computes sinh cosh / (sinh^2 + 1); zgemv
   accumulates in another order than dgemv).  derivations/13-complex-step.md */
#ifndef BP_ARITH_H
#define BP_ARITH_H
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_vector_float.h>
#include <gsl/gsl_matrix_float.h>
#include "lib/cmplx.h"
#include "lib/alloc.h"
#include "lib/valid.h"

/* e^{x+iy} = e^x (cos y + i sin y): e^x exactly when y = 0 */
static inline double complex
cexp_exact (double complex z)
{
  const double e = exp (creal (z)), y = cimag (z);
  return CMPLX (e * cos (y), e * sin (y));
}

/* log z = log |z| + i arg z (principal branch): log x when y = 0, x > 0,
   since |x + 0i| = hypot (x, 0) = x exactly */
static inline double complex
clog_exact (double complex z)
{
  return CMPLX (log (cabs (z)), carg (z));
}

/* tanh (x + iy) = (t + i s) / (1 + i t s), t = tanh x, s = tan y:
   ((t + s t s) + i (s - t t s)) / (1 + (t s)^2), which is t when y = 0 */
static inline double complex
ctanh_exact (double complex z)
{
  const double t = tanh (creal (z)), s = tan (cimag (z)), ts = t * s;
  const double d = 1.0 + ts * ts;
  return CMPLX ((t + s * ts) / d, (s - t * ts) / d);
}

/* a / b by Smith's algorithm (CACM 5(8), 1962): with |Re b| >= |Im b|,
   r = Im b / Re b, a / b = ((Re a + Im a r) + i (Im a - Re a r)) / (Re b + Im b r),
   which is Re a / Re b when the imaginary parts are 0 */
static inline double complex
cdiv_exact (double complex a, double complex b)
{
  const double ar = creal (a), ai = cimag (a), br = creal (b), bi = cimag (b);
  if (fabs (br) >= fabs (bi))
    {
      const double r = bi / br, d = br + bi * r;
      return CMPLX ((ar + ai * r) / d, (ai - ar * r) / d);
    }
  const double r = br / bi, d = bi + br * r;
  return CMPLX ((ar * r + ai) / d, (ai * r - ar) / d);
}

/* stores z as GSL stores a complex element: real part first */
static inline void
cstore (double *p, double complex z)
{
  p[0] = creal (z);
  p[1] = cimag (z);
}

/* v += W u for complex W, u, v, by four dgemv over the parts:
   Re v += Re W Re u - Im W Im u, Im v += Re W Im u + Im W Re u.
   The first is the double instantiation's very dgemv, and the second
   adds -0 on real arguments, so Re v is its result bit for bit.
   GSL_ENOMEM when the parts cannot be allocated. */
static inline int
zgemv_by_dgemv (const gsl_matrix_complex *W, const gsl_vector_complex *u,
                gsl_vector_complex *v)
{
  const size_t n = W->size1, m = W->size2;
  gsl_matrix *Wr = matrix_alloc (n, m), *Wi = matrix_alloc (n, m);
  gsl_vector *ur = gsl_vector_alloc (m), *ui = gsl_vector_alloc (m);
  gsl_vector *vr = gsl_vector_alloc (n), *vi = gsl_vector_alloc (n);
  int status = GSL_ENOMEM;
  if (Wr && Wi && ur && ui && vr && vi)
    {
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
          {
            gsl_matrix_set (Wr, i, j, creal (cmget (W, i, j)));
            gsl_matrix_set (Wi, i, j, cimag (cmget (W, i, j)));
          }
      for (size_t j = 0; j < m; j++)
        {
          gsl_vector_set (ur, j, creal (cget (u, j)));
          gsl_vector_set (ui, j, cimag (cget (u, j)));
        }
      for (size_t i = 0; i < n; i++)
        {
          gsl_vector_set (vr, i, creal (cget (v, i)));
          gsl_vector_set (vi, i, cimag (cget (v, i)));
        }
      status = gsl_blas_dgemv (CblasNoTrans, 1.0, Wr, ur, 1.0, vr);
      status = status ? status : gsl_blas_dgemv (CblasNoTrans, -1.0, Wi, ui, 1.0, vr);
      status = status ? status : gsl_blas_dgemv (CblasNoTrans, 1.0, Wr, ui, 1.0, vi);
      status = status ? status : gsl_blas_dgemv (CblasNoTrans, 1.0, Wi, ur, 1.0, vi);
      for (size_t i = 0; i < n && status == GSL_SUCCESS; i++)
        cset (v, i, CMPLX (gsl_vector_get (vr, i), gsl_vector_get (vi, i)));
    }
  if (Wr) gsl_matrix_free (Wr);
  if (Wi) gsl_matrix_free (Wi);
  if (ur) gsl_vector_free (ur);
  if (ui) gsl_vector_free (ui);
  if (vr) gsl_vector_free (vr);
  if (vi) gsl_vector_free (vi);
  return status;
}

/* 1 when the n elements of m ATOMICs each, stride apart, are finite */
static inline int
doubles_finite (const double *p, size_t n, size_t stride, size_t m)
{
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < m; k++)
      if (!isfinite (p[i * stride + k]))
        return 0;
  return 1;
}

static inline int
floats_finite (const float *p, size_t n, size_t stride, size_t m)
{
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < m; k++)
      if (!isfinite (p[i * stride + k]))
        return 0;
  return 1;
}

/* the rows of a matrix, tda apart */
static inline int
matrix_doubles_finite (const double *p, size_t rows, size_t cols, size_t tda, size_t m)
{
  for (size_t r = 0; r < rows; r++)
    if (!doubles_finite (p + r * tda, cols, m, m))
      return 0;
  return 1;
}

static inline int
matrix_floats_finite (const float *p, size_t rows, size_t cols, size_t tda, size_t m)
{
  for (size_t r = 0; r < rows; r++)
    if (!floats_finite (p + r * tda, cols, m, m))
      return 0;
  return 1;
}

/* 1 when every row of the float labels T sums to 1 within n u, u =
   FLT_EPSILON/2: n labels that summed to 1 before each was rounded to
   float (valid.h's matrix_rows_sum_to_one for double); added in double,
   whose own error is far below.  A NaN fails. */
static inline int
matrix_float_rows_sum_to_one (const gsl_matrix_float *T)
{
  const double tol = (double) T->size2 * (FLT_EPSILON / 2);
  for (size_t k = 0; k < T->size1; k++)
    {
      double sum = 0.0;
      for (size_t i = 0; i < T->size2; i++)
        sum += gsl_matrix_float_get (T, k, i);
      if (!(fabs (sum - 1.0) <= tol))
        return 0;
    }
  return 1;
}

/* 1 when the a_bytes at a and the b_bytes at b meet (valid.h's
   blocks_overlap); empty blocks meet nothing */
static inline int
data_overlap (const void *a, size_t a_bytes, const void *b, size_t b_bytes)
{
  if (a_bytes == 0 || b_bytes == 0)
    return 0;
  return blocks_overlap ((uintptr_t) a, (uintptr_t) a + a_bytes - 1,
                         (uintptr_t) b, (uintptr_t) b + b_bytes - 1);
}

#endif /* BP_ARITH_H */
