/* check_templates.c -- each templated forward formula (src/lib/formulas/
   templates_on.h: one source, instantiated for double, double complex and
   float), and each batch formula (double and float), against its double
   instantiation:
     complex: on real arguments (imaginary parts 0) the real parts equal
       the double results bit for bit and the imaginary parts are 0, so
       the complex step differentiates the very arithmetic that runs
       (derivations/13-complex-step.md);
     float: on arguments that are floats (so both see the same numbers)
       within the sum of two rounding-error bounds, float's and double's,
       each derived from the unit roundoff u (FLT_EPSILON/2, DBL_EPSILON/2)
       and the operations' count: the standard model fl(a op b) =
       (a op b)(1 + d), |d| <= u, and gamma_k = k u / (1 - k u), which
       bounds a product of k factors (1 + d_i) (Higham, Accuracy and
       Stability of Numerical Algorithms, 2nd ed., Lemma 3.1), with glibc's
       maxima for its functions (manual, "Known Maximum Errors in Math
       Functions", x86_64: exp, log 1 ulp; tanh 2 ulp), 1 ulp <= 2 u |f|.
   Below FLT_MIN the relative model fails (gradual underflow): there an
   operation errs by at most FLT_TRUE_MIN / 2 absolutely and a libm
   function by 1 ulp = FLT_TRUE_MIN; where a result can be subnormal
   (softmax's, sigmoid's tails) it comes from one libm call and one
   rounding, times factors at most 1: UNDERFLOW = 2 FLT_TRUE_MIN more
   (and double's, negligible).  Each bound is stated at its test. */
#include <config.h>
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_reshape.h"
#include "backprop/bp_linear.h"
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "backprop/bp_conv.h"
#include "backprop/bp_pool.h"
#include "backprop/bp_batch.h"
#include "lib/formulas/float.h"
#include "lib/formulas/layers_trusted.h"

#define LOOPS 8

static const double UF = FLT_EPSILON / 2, UD = DBL_EPSILON / 2;
static const double UNDERFLOW = 2 * ((double) FLT_TRUE_MIN + DBL_TRUE_MIN);

/* gamma_k for unit roundoff u */
static double
gamma_ (double k, double u)
{
  return k * u / (1.0 - k * u);
}

/* gamma_k of float plus gamma_k of double: both results' errors */
static double
gammas (double k)
{
  return gamma_ (k, UF) + gamma_ (k, UD);
}

/* N(0, sigma^2) rounded to float: an argument both arithmetics hold */
static double
draw (gsl_rng *r, double sigma)
{
  return (float) gsl_ran_gaussian (r, sigma);
}

static gsl_vector *
vector_drawn (gsl_rng *r, size_t n, double sigma)
{
  gsl_vector *v = gsl_vector_alloc (n);
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (v, i, draw (r, sigma));
  return v;
}

static gsl_matrix *
matrix_drawn (gsl_rng *r, size_t n, size_t m, double sigma)
{
  gsl_matrix *A = gsl_matrix_alloc (n, m);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < m; j++)
      gsl_matrix_set (A, i, j, draw (r, sigma));
  return A;
}

/* labels summing to 1, floats: 3/4 and 1/4 on two classes (or 1) */
static gsl_vector *
labels_drawn (gsl_rng *r, size_t n)
{
  gsl_vector *l = gsl_vector_calloc (n);
  const size_t a = gsl_rng_uniform_int (r, n), b = gsl_rng_uniform_int (r, n);
  gsl_vector_set (l, a, 0.75);
  gsl_vector_set (l, b, gsl_vector_get (l, b) + 0.25);
  return l;
}

static gsl_vector_complex *
cvector_of (const gsl_vector *a)
{
  gsl_vector_complex *z = gsl_vector_complex_alloc (a->size);
  cstep_vector_from_real (a, z);
  return z;
}

static gsl_matrix_complex *
cmatrix_of (const gsl_matrix *A)
{
  gsl_matrix_complex *Z = gsl_matrix_complex_alloc (A->size1, A->size2);
  cstep_matrix_from_real (A, Z);
  return Z;
}

static gsl_vector_float *
fvector_of (const gsl_vector *a)
{
  gsl_vector_float *f = gsl_vector_float_alloc (a->size);
  for (size_t i = 0; i < a->size; i++)
    gsl_vector_float_set (f, i, (float) gsl_vector_get (a, i));
  return f;
}

static gsl_matrix_float *
fmatrix_of (const gsl_matrix *A)
{
  gsl_matrix_float *F = gsl_matrix_float_alloc (A->size1, A->size2);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      gsl_matrix_float_set (F, i, j, (float) gsl_matrix_get (A, i, j));
  return F;
}

/* the real part is d's bits and the imaginary part 0 */
static void
assert_same_bits (double d, double complex z, const char *what, size_t i)
{
  const double re = creal (z);
  ck_assert_msg (memcmp (&d, &re, sizeof d) == 0 && cimag (z) == 0.0,
                 "%s[%zu]: complex %.17g%+.17gi, double %.17g", what, i, re, cimag (z), d);
}

static void
assert_vector_bits (const gsl_vector *d, const gsl_vector_complex *z, const char *what)
{
  for (size_t i = 0; i < d->size; i++)
    {
      const double *p = z->data + 2 * i * z->stride;   /* real, imaginary */
      assert_same_bits (gsl_vector_get (d, i), CMPLX (p[0], p[1]), what, i);
    }
}

static void
assert_matrix_bits (const gsl_matrix *D, const gsl_matrix_complex *Z, const char *what)
{
  for (size_t i = 0; i < D->size1; i++)
    {
      gsl_vector_const_view d = gsl_matrix_const_row (D, i);
      gsl_vector_complex_const_view z = gsl_matrix_complex_const_row (Z, i);
      assert_vector_bits (&d.vector, &z.vector, what);
    }
}

/* |f - d| <= bound */
static void
assert_within (double f, double d, double bound, const char *what, size_t i)
{
  ck_assert_msg (fabs (f - d) <= bound, "%s[%zu]: float %.9g, double %.17g, |diff| %.3g > bound %.3g",
                 what, i, f, d, fabs (f - d), bound);
}

/* --- reshape: a copy, so float equals double exactly --------------------- */

START_TEST (test_reshape)
{
  gsl_rng *r = test_rng (_i);
  const size_t rows = 1 + gsl_rng_uniform_int (r, 28), cols = 1 + gsl_rng_uniform_int (r, 28);
  gsl_matrix *x = matrix_drawn (r, rows, cols, 1.0);
  gsl_vector *u = gsl_vector_alloc (rows * cols);
  gsl_vector_complex *uc = gsl_vector_complex_alloc (rows * cols);
  gsl_vector_float *uf = gsl_vector_float_alloc (rows * cols);
  gsl_matrix_complex *xc = cmatrix_of (x);
  gsl_matrix_float *xf = fmatrix_of (x);
  ck_assert_int_eq (bp_reshape (x, u), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_reshape (xc, uc), GSL_SUCCESS);
  ck_assert_int_eq (float_reshape (xf, uf), GSL_SUCCESS);
  assert_vector_bits (u, uc, "reshape");
  for (size_t i = 0; i < u->size; i++)
    assert_within (gsl_vector_float_get (uf, i), gsl_vector_get (u, i), 0.0, "reshape", i);
  gsl_matrix_free (x); gsl_vector_free (u); gsl_vector_complex_free (uc);
  gsl_vector_float_free (uf); gsl_matrix_complex_free (xc); gsl_matrix_float_free (xf);
  gsl_rng_free (r);
}
END_TEST

/* --- linear: v_i = b_i + sum_j W_ij u_j ---------------------------------
   m products and m additions in any order (BLAS may block or fuse them):
   |fl(v_i) - v_i| <= gamma_{m+1} S_i, S_i = |b_i| + sum_j |W_ij u_j|
   (Higham, eq. (3.5), with b as one more term).  S_i itself is summed in
   double: its own error is gamma^d_{m+1} S_i, a factor taken in. */

START_TEST (test_linear)
{
  gsl_rng *r = test_rng (_i);
  const size_t n = _i == 0 ? 10 : 1 + gsl_rng_uniform_int (r, 12);
  const size_t m = _i == 0 ? 784 : 1 + gsl_rng_uniform_int (r, 800);
  gsl_matrix *W = matrix_drawn (r, n, m, 0.1);
  gsl_vector *b = vector_drawn (r, n, 1.0), *u = vector_drawn (r, m, 1.0);
  gsl_vector *v = gsl_vector_alloc (n);
  gsl_matrix_complex *Wc = cmatrix_of (W);
  gsl_vector_complex *bc = cvector_of (b), *uc = cvector_of (u);
  gsl_vector_complex *vc = gsl_vector_complex_alloc (n);
  gsl_matrix_float *Wf = fmatrix_of (W);
  gsl_vector_float *bf = fvector_of (b), *uf = fvector_of (u), *vf = gsl_vector_float_alloc (n);
  ck_assert_int_eq (bp_linear (W, b, u, v), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_linear (Wc, bc, uc, vc), GSL_SUCCESS);
  ck_assert_int_eq (float_linear (Wf, bf, uf, vf), GSL_SUCCESS);
  assert_vector_bits (v, vc, "linear");
  for (size_t i = 0; i < n; i++)
    {
      double S = fabs (gsl_vector_get (b, i));
      for (size_t j = 0; j < m; j++)
        S += fabs (gsl_matrix_get (W, i, j) * gsl_vector_get (u, j));
      const double k = (double) m + 1;
      assert_within (gsl_vector_float_get (vf, i), gsl_vector_get (v, i),
                     gammas (k) * S * (1 + gamma_ (k, UD)), "linear", i);
    }
  gsl_matrix_free (W); gsl_vector_free (b); gsl_vector_free (u); gsl_vector_free (v);
  gsl_matrix_complex_free (Wc); gsl_vector_complex_free (bc); gsl_vector_complex_free (uc);
  gsl_vector_complex_free (vc); gsl_matrix_float_free (Wf); gsl_vector_float_free (bf);
  gsl_vector_float_free (uf); gsl_vector_float_free (vf);
  gsl_rng_free (r);
}
END_TEST

/* logits of n classes, scale sigma; loops from 4 on: sigma 30 and
   v_0 = 100, so that exp(v) overflows float (above 88.7) unless shifted */
static gsl_vector *
logits_drawn (gsl_rng *r, size_t n, int i)
{
  gsl_vector *v = vector_drawn (r, n, i >= LOOPS / 2 ? 30.0 : 2.0);
  if (i >= LOOPS / 2)
    gsl_vector_set (v, 0, 100.0);
  return v;
}

/* D = max_k |v_k - c|, c = max v: the largest exponent's magnitude */
static double
spread (const gsl_vector *v)
{
  return gsl_vector_max (v) - gsl_vector_min (v);
}

/* --- softmax: y_i = e_i / sum_k e_k, e_k = exp(v_k - c) -----------------
   d_k = fl(v_k - c) = (v_k - c)(1 + delta): e_k is off by the factor
   exp(d_k delta) (1 + eps), |eps| <= 2u (exp's 1 ulp): relative
   (|d_k| + 2) u.  The sum adds gamma_{n-1}, 1/sum and the product u each:
   |fl(y_i) - y_i| <= gamma_{K_i} y_i, K_i = |d_i| + D + n + 5, D = max |d_k|
   (first order; gamma_ covers the products of the factors). */

/* the bound above for element i of y = Softmax(v) */
static double
softmax_bound (const gsl_vector *v, const gsl_vector *y, size_t i)
{
  const double D = spread (v), c = gsl_vector_max (v);
  const double K = fabs (gsl_vector_get (v, i) - c) + D + (double) v->size + 5;
  return gammas (K) * gsl_vector_get (y, i) + UNDERFLOW;
}

START_TEST (test_softmax)
{
  gsl_rng *r = test_rng (_i);
  const size_t n = 1 + gsl_rng_uniform_int (r, 12);
  gsl_vector *v = logits_drawn (r, n, _i), *y = gsl_vector_alloc (n);
  gsl_vector_complex *vc = cvector_of (v), *yc = gsl_vector_complex_alloc (n);
  gsl_vector_float *vf = fvector_of (v), *yf = gsl_vector_float_alloc (n);
  ck_assert_int_eq (bp_softmax (v, y), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_softmax (vc, yc), GSL_SUCCESS);
  ck_assert_int_eq (float_softmax (vf, yf), GSL_SUCCESS);
  assert_vector_bits (y, yc, "softmax");
  for (size_t i = 0; i < n; i++)
    assert_within (gsl_vector_float_get (yf, i), gsl_vector_get (y, i),
                   softmax_bound (v, y, i), "softmax", i);
  gsl_vector_free (v); gsl_vector_free (y); gsl_vector_complex_free (vc);
  gsl_vector_complex_free (yc); gsl_vector_float_free (vf); gsl_vector_float_free (yf);
  gsl_rng_free (r);
}
END_TEST

/* bp_softmax and float_softmax refuse a NaN in any element of a view of
   stride 3 alone, the last too (GSL_EDOM): the finiteness test steps by
   the view's stride (arith.h, doubles_finite and floats_finite); the
   elements between the view's are finite. */
START_TEST (test_softmax_strided_not_finite)
{
  enum { N = 4, STRIDE = 3 };
  double d[N * STRIDE];
  float f[N * STRIDE];
  gsl_vector *y = gsl_vector_alloc (N);
  gsl_vector_float *yf = gsl_vector_float_alloc (N);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t e = 0; e < N; e++)
    {
      for (size_t k = 0; k < N * STRIDE; k++)
        {
          d[k] = 0.25 * (double) k;
          f[k] = 0.25f * (float) k;
        }
      d[e * STRIDE] = GSL_NAN;
      f[e * STRIDE] = (float) GSL_NAN;
      gsl_vector_view v = gsl_vector_view_array_with_stride (d, STRIDE, N);
      gsl_vector_float_view vf = gsl_vector_float_view_array_with_stride (f, STRIDE, N);
      ck_assert_msg (bp_softmax (&v.vector, y) == GSL_EDOM, "double: NaN in element %zu", e);
      ck_assert_msg (float_softmax (&vf.vector, yf) == GSL_EDOM, "float: NaN in element %zu", e);
    }
  gsl_set_error_handler (old);
  gsl_vector_free (y);
  gsl_vector_float_free (yf);
}
END_TEST

/* --- cross-entropy: L = -sum_i labels_i log y_i --------------------------
   y in (0, 1], floats.  Each term: log's 1 ulp (2u) and the product's u;
   the sum of at most n terms gamma_{n-1}:
   |fl(L) - L| <= gamma_{n+2} sum_i |labels_i log y_i|. */

START_TEST (test_cross_entropy)
{
  gsl_rng *r = test_rng (_i);
  const size_t n = 1 + gsl_rng_uniform_int (r, 64);
  gsl_vector *y = gsl_vector_alloc (n), *l = gsl_vector_alloc (n);
  for (size_t i = 0; i < n; i++)
    {
      /* y in (0, 1], most in [1/2, 1), where glibc's clog (y + 0i)
         differs from log y for 8% of the floats; soft labels, so that
         every log y counts */
      gsl_vector_set (y, i, (float) (i == 0 ? 1.0 : i % 4 == 0 ? gsl_rng_uniform_pos (r)
                                                   : 0.5 + gsl_rng_uniform (r) / 2));
      gsl_vector_set (l, i, (float) gsl_rng_uniform_pos (r));
    }
  gsl_vector_complex *yc = cvector_of (y);
  gsl_vector_float *yf = fvector_of (y), *lf = fvector_of (l);
  const double L = bp_cross_entropy (l, y);
  assert_same_bits (L, bp_complex_cross_entropy (l, yc), "cross_entropy", 0);
  /* and each term alone, where a last-bit difference of one log is not
     absorbed by the sum's rounding */
  gsl_vector *one = gsl_vector_alloc (1);
  gsl_vector_set (one, 0, 1.0);
  for (size_t i = 0; i < n; i++)
    {
      gsl_vector_const_view yi = gsl_vector_const_subvector (y, i, 1);
      gsl_vector_complex_const_view yci = gsl_vector_complex_const_subvector (yc, i, 1);
      assert_same_bits (bp_cross_entropy (one, &yi.vector),
                        bp_complex_cross_entropy (one, &yci.vector), "-log y", i);
    }
  gsl_vector_free (one);
  double S = 0.0;
  for (size_t i = 0; i < n; i++)
    S += fabs (gsl_vector_get (l, i) * log (gsl_vector_get (y, i)));
  assert_within (float_cross_entropy (lf, yf), L, gammas ((double) n + 2) * S,
                 "cross_entropy", 0);
  gsl_vector_free (y); gsl_vector_free (l); gsl_vector_complex_free (yc);
  gsl_vector_float_free (yf); gsl_vector_float_free (lf);
  gsl_rng_free (r);
}
END_TEST

/* --- softmax cross-entropy: L = sum_i labels_i (lse - v_i) ---------------
   lse = c + log s, s = sum_k exp(v_k - c).  s is off by the relative
   sigma <= (D + 2) u + gamma_{n-1} (as in softmax), so log s by sigma
   plus log's 2u |log s|; c + log s adds u |lse|: lse's error
   E = (D + n + 1) u + 2u |log s| + u |lse|.  Each lse - v_i adds
   u |lse - v_i|, the product u, the sum gamma_{n-1}:
   |fl(L) - L| <= sum_i |labels_i| (E + gamma_{n+1} |lse - v_i|),
   with gamma_ in place of each k u (first order). */

/* the bound above for L(v) against labels l */
static double
sce_bound (const gsl_vector *l, const gsl_vector *v)
{
  const size_t n = v->size;
  const double c = gsl_vector_max (v), D = spread (v);
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += exp (gsl_vector_get (v, k) - c);
  const double lse = c + log (s), nn = (double) n;
  const double E = gammas (D + nn + 1) + gammas (2) * fabs (log (s)) + gammas (1) * fabs (lse);
  double bound = 0.0;
  for (size_t i = 0; i < n; i++)
    bound += fabs (gsl_vector_get (l, i))
             * (E + gammas (nn + 1) * fabs (lse - gsl_vector_get (v, i)));
  return bound;
}

START_TEST (test_softmax_cross_entropy)
{
  gsl_rng *r = test_rng (_i);
  const size_t n = 1 + gsl_rng_uniform_int (r, 12);
  gsl_vector *v = logits_drawn (r, n, _i), *l = labels_drawn (r, n);
  gsl_vector_complex *vc = cvector_of (v);
  gsl_vector_float *vf = fvector_of (v), *lf = fvector_of (l);
  const double L = bp_softmax_cross_entropy (l, v);
  assert_same_bits (L, bp_complex_softmax_cross_entropy (l, vc), "softmax_cross_entropy", 0);
  /* and L = log (1 + e^-|v_i|) alone (v = (0, -|v_i|), labels (1, 0)):
     the log of a sum in (1, 2] not hidden by the shift's magnitude */
  gsl_vector *two = gsl_vector_calloc (2), *first = gsl_vector_calloc (2);
  gsl_vector_complex *twoc = gsl_vector_complex_alloc (2);
  gsl_vector_set (first, 0, 1.0);
  for (size_t i = 0; i < n; i++)
    {
      gsl_vector_set (two, 1, -fabs (gsl_vector_get (v, i)) / 8);
      cstep_vector_from_real (two, twoc);
      assert_same_bits (bp_softmax_cross_entropy (first, two),
                        bp_complex_softmax_cross_entropy (first, twoc), "log (1 + e^-x)", i);
    }
  gsl_vector_free (two); gsl_vector_free (first); gsl_vector_complex_free (twoc);
  assert_within (float_softmax_cross_entropy (lf, vf), L, sce_bound (l, v),
                 "softmax_cross_entropy", 0);
  gsl_vector_free (v); gsl_vector_free (l); gsl_vector_complex_free (vc);
  gsl_vector_float_free (vf); gsl_vector_float_free (lf);
  gsl_rng_free (r);
}
END_TEST

/* --- the activations -----------------------------------------------------
   relu: a choice, exact.  sigmoid: t = exp(-|z|) (|z| exact) 2u, 1 + t u,
   the quotient u, and t/(1+t)'s numerator 2u more: gamma_6 relative.
   tanh: tanh's 2 ulp, 4u: gamma_4 relative.  z includes +0, -0 and, from
   loop 4 on, |z| up to about 90. */

START_TEST (test_activations)
{
  static const double K[] = { [BP_RELU] = 0, [BP_SIGMOID] = 6, [BP_TANH] = 4 };
  gsl_rng *r = test_rng (_i);
  const size_t n = 2 + gsl_rng_uniform_int (r, 300);
  gsl_vector *z = logits_drawn (r, n, _i), *h = gsl_vector_alloc (n);
  gsl_vector_set (z, 0, 0.0);
  gsl_vector_set (z, 1, -0.0);
  gsl_vector_complex *zc = cvector_of (z), *hc = gsl_vector_complex_alloc (n);
  gsl_vector_float *zf = fvector_of (z), *hf = gsl_vector_float_alloc (n);
  for (bp_activation a = BP_RELU; a <= BP_TANH; a++)
    {
      const char *what = bp_activation_name (a);
      ck_assert_int_eq (bp_activation_forward (a, z, h), GSL_SUCCESS);
      ck_assert_int_eq (bp_complex_activation_forward (a, zc, hc), GSL_SUCCESS);
      ck_assert_int_eq (float_activation_forward (a, zf, hf), GSL_SUCCESS);
      assert_vector_bits (h, hc, what);
      for (size_t i = 0; i < n; i++)
        assert_within (gsl_vector_float_get (hf, i), gsl_vector_get (h, i),
                       gammas (K[a]) * fabs (gsl_vector_get (h, i)) + UNDERFLOW, what, i);
    }
  gsl_vector_free (z); gsl_vector_free (h); gsl_vector_complex_free (zc);
  gsl_vector_complex_free (hc); gsl_vector_float_free (zf); gsl_vector_float_free (hf);
  gsl_rng_free (r);
}
END_TEST

/* --- convolution: Y[o,i,j] = b_o + sum_{c,a,e} K[o,c,a,e] X[c,...] --------
   C_in k k products (the padding's as 0) and as many additions, in a
   fixed order: |fl(Y) - Y| <= gamma_{C_in k k + 1} S, S = |b_o| +
   sum |K X|, as for linear. */

static bp_conv_shape
shape_drawn (gsl_rng *r)
{
  return (bp_conv_shape) { 1 + gsl_rng_uniform_int (r, 3), 3 + gsl_rng_uniform_int (r, 6),
                           3 + gsl_rng_uniform_int (r, 6), 1 + gsl_rng_uniform_int (r, 4),
                           1 + gsl_rng_uniform_int (r, 3), gsl_rng_uniform_int (r, 2) };
}

START_TEST (test_conv)
{
  gsl_rng *r = test_rng (_i);
  const bp_conv_shape s = shape_drawn (r);
  const size_t k = s.k, Ho = s.height + 2 * s.pad - k + 1, Wo = s.width + 2 * s.pad - k + 1;
  gsl_matrix *K = matrix_drawn (r, s.channels_out, s.channels_in * k * k, 1.0);
  gsl_matrix *X = matrix_drawn (r, s.channels_in, s.height * s.width, 1.0);
  gsl_vector *b = vector_drawn (r, s.channels_out, 1.0);
  gsl_matrix *Y = gsl_matrix_alloc (s.channels_out, Ho * Wo);
  gsl_matrix *A = gsl_matrix_alloc (s.channels_out, Ho * Wo);   /* S */
  gsl_matrix *Ka = gsl_matrix_alloc (K->size1, K->size2), *Xa = gsl_matrix_alloc (X->size1, X->size2);
  gsl_vector *ba = gsl_vector_alloc (b->size);
  gsl_matrix_complex *Kc = cmatrix_of (K), *Xc = cmatrix_of (X);
  gsl_matrix_complex *Yc = gsl_matrix_complex_alloc (s.channels_out, Ho * Wo);
  gsl_vector_complex *bc = cvector_of (b);
  gsl_matrix_float *Kf = fmatrix_of (K), *Xf = fmatrix_of (X);
  gsl_matrix_float *Yf = gsl_matrix_float_alloc (s.channels_out, Ho * Wo);
  gsl_vector_float *bf = fvector_of (b);
  ck_assert_int_eq (bp_conv (&s, K, b, X, Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_conv (&s, Kc, bc, Xc, Yc), GSL_SUCCESS);
  ck_assert_int_eq (float_conv (&s, Kf, bf, Xf, Yf), GSL_SUCCESS);
  assert_matrix_bits (Y, Yc, "conv");
  /* S by the same formula on |K|, |b|, |X| (all its terms >= 0) */
  gsl_matrix_memcpy (Ka, K); gsl_matrix_memcpy (Xa, X); gsl_vector_memcpy (ba, b);
  for (size_t t = 0; t < Ka->size1 * Ka->size2; t++) Ka->data[t] = fabs (Ka->data[t]);
  for (size_t t = 0; t < Xa->size1 * Xa->size2; t++) Xa->data[t] = fabs (Xa->data[t]);
  for (size_t t = 0; t < ba->size; t++) ba->data[t] = fabs (ba->data[t]);
  bp_conv (&s, Ka, ba, Xa, A);
  const double count = (double) (s.channels_in * k * k + 1);
  for (size_t o = 0; o < Y->size1; o++)
    for (size_t t = 0; t < Y->size2; t++)
      assert_within (gsl_matrix_float_get (Yf, o, t), gsl_matrix_get (Y, o, t),
                     gammas (count) * gsl_matrix_get (A, o, t) * (1 + gamma_ (count, UD)),
                     "conv", o * Y->size2 + t);
  gsl_matrix_free (K); gsl_matrix_free (X); gsl_vector_free (b); gsl_matrix_free (Y);
  gsl_matrix_free (A); gsl_matrix_free (Ka); gsl_matrix_free (Xa); gsl_vector_free (ba);
  gsl_matrix_complex_free (Kc); gsl_matrix_complex_free (Xc); gsl_matrix_complex_free (Yc);
  gsl_vector_complex_free (bc); gsl_matrix_float_free (Kf); gsl_matrix_float_free (Xf);
  gsl_matrix_float_free (Yf); gsl_vector_float_free (bf);
  gsl_rng_free (r);
}
END_TEST

/* --- pooling: max a choice, exact; average: 3 additions and an exact
   quarter: |fl(Y) - Y| <= gamma_3 sum |X| / 4.  Ties included (loop 1
   rounds X to a few values). */

START_TEST (test_pool)
{
  gsl_rng *r = test_rng (_i);
  const size_t C = 1 + gsl_rng_uniform_int (r, 3), count = 1 + gsl_rng_uniform_int (r, 3);
  const size_t H = 2 + gsl_rng_uniform_int (r, 7), W = 2 + gsl_rng_uniform_int (r, 7);
  gsl_matrix *X = matrix_drawn (r, C, count * H * W, 1.0);
  if (_i == 1)
    for (size_t t = 0; t < X->size1 * X->size2; t++)
      X->data[t] = round (X->data[t]);
  const size_t cols = count * (H / 2) * (W / 2);
  gsl_matrix *Y = gsl_matrix_alloc (C, cols), *Xa = gsl_matrix_alloc (C, count * H * W);
  gsl_matrix *A = gsl_matrix_alloc (C, cols);
  gsl_matrix_complex *Xc = cmatrix_of (X), *Yc = gsl_matrix_complex_alloc (C, cols);
  gsl_matrix_float *Xf = fmatrix_of (X), *Yf = gsl_matrix_float_alloc (C, cols);
  ck_assert_int_eq (bp_maxpool (X, H, W, Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_maxpool (Xc, H, W, Yc), GSL_SUCCESS);
  ck_assert_int_eq (float_maxpool (Xf, H, W, Yf), GSL_SUCCESS);
  assert_matrix_bits (Y, Yc, "maxpool");
  for (size_t t = 0; t < C * cols; t++)
    assert_within (Yf->data[t], Y->data[t], 0.0, "maxpool", t);
  ck_assert_int_eq (bp_avgpool (X, H, W, Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_avgpool (Xc, H, W, Yc), GSL_SUCCESS);
  ck_assert_int_eq (float_avgpool (Xf, H, W, Yf), GSL_SUCCESS);
  assert_matrix_bits (Y, Yc, "avgpool");
  gsl_matrix_memcpy (Xa, X);
  for (size_t t = 0; t < Xa->size1 * Xa->size2; t++)
    Xa->data[t] = fabs (Xa->data[t]);
  bp_avgpool (Xa, H, W, A);   /* sum |X| / 4, exact to gamma^d_3 */
  for (size_t t = 0; t < C * cols; t++)
    assert_within (Yf->data[t], Y->data[t], gammas (3) * A->data[t] * (1 + gamma_ (3, UD)),
                   "avgpool", t);
  gsl_matrix_free (X); gsl_matrix_free (Y); gsl_matrix_free (Xa); gsl_matrix_free (A);
  gsl_matrix_complex_free (Xc); gsl_matrix_complex_free (Yc);
  gsl_matrix_float_free (Xf); gsl_matrix_float_free (Yf);
  gsl_rng_free (r);
}
END_TEST

/* === the batch formulas (batch_source.c, mlp_batch_source.c,
   conv_batch_source.c, pool_backward_source.c, reshape_batch_source.c):
   float against double on the same float arguments, each element within
   its bound.  A GEMM's element is a dot product of k terms (k - 1 sums,
   in BLAS's order, with or without FMA): |fl - exact| <= gamma_k S, S the
   sum of the terms' magnitudes (Higham, eq. (3.5)); S by the same double
   formula on |arguments| (every term >= 0, so exact to gamma^d_k). */

/* a copy of M with |M| elements */
static gsl_matrix *
matrix_abs (const gsl_matrix *M)
{
  gsl_matrix *A = gsl_matrix_alloc (M->size1, M->size2);
  for (size_t i = 0; i < M->size1; i++)
    for (size_t j = 0; j < M->size2; j++)
      gsl_matrix_set (A, i, j, fabs (gsl_matrix_get (M, i, j)));
  return A;
}

static gsl_vector *
vector_abs (const gsl_vector *v)
{
  gsl_vector *a = gsl_vector_alloc (v->size);
  for (size_t i = 0; i < v->size; i++)
    gsl_vector_set (a, i, fabs (gsl_vector_get (v, i)));
  return a;
}

/* each element of Ff within gammas (k) S (1 + gamma^d_k) of D's; k = 0:
   equal */
static void
assert_matrix_within (const gsl_matrix_float *Ff, const gsl_matrix *D, double k,
                      const gsl_matrix *S, const char *what)
{
  for (size_t i = 0; i < D->size1; i++)
    for (size_t j = 0; j < D->size2; j++)
      assert_within (gsl_matrix_float_get (Ff, i, j), gsl_matrix_get (D, i, j),
                     k == 0 ? 0.0 : gammas (k) * gsl_matrix_get (S, i, j) * (1 + gamma_ (k, UD)),
                     what, i * D->size2 + j);
}

static void
assert_vector_within (const gsl_vector_float *f, const gsl_vector *d, double k,
                      const gsl_vector *S, const char *what)
{
  for (size_t i = 0; i < d->size; i++)
    assert_within (gsl_vector_float_get (f, i), gsl_vector_get (d, i),
                   gammas (k) * gsl_vector_get (S, i) * (1 + gamma_ (k, UD)), what, i);
}

/* V = 1 b^T + U W^T: m + 1 terms; dL/dW = dL/dV^T U: B terms; dL/db: B
   terms; dL/dU = dL/dV W: n terms */
START_TEST (test_batch_linear)
{
  gsl_rng *r = test_rng (_i);
  const size_t B = 1 + gsl_rng_uniform_int (r, 9), m = 1 + gsl_rng_uniform_int (r, 60);
  const size_t n = 1 + gsl_rng_uniform_int (r, 12);
  gsl_matrix *W = matrix_drawn (r, n, m, 1.0), *U = matrix_drawn (r, B, m, 1.0);
  gsl_matrix *dV = matrix_drawn (r, B, n, 1.0);
  gsl_vector *b = vector_drawn (r, n, 1.0);
  gsl_matrix *Wa = matrix_abs (W), *Ua = matrix_abs (U), *dVa = matrix_abs (dV);
  gsl_vector *ba = vector_abs (b);
  gsl_matrix_float *Wf = fmatrix_of (W), *Uf = fmatrix_of (U), *dVf = fmatrix_of (dV);
  gsl_vector_float *bf = fvector_of (b);
  gsl_matrix *V = gsl_matrix_alloc (B, n), *S = gsl_matrix_alloc (B, n);
  gsl_matrix *dW = gsl_matrix_alloc (n, m), *SW = gsl_matrix_alloc (n, m);
  gsl_matrix *dU = gsl_matrix_alloc (B, m), *SU = gsl_matrix_alloc (B, m);
  gsl_vector *db = gsl_vector_alloc (n), *Sb = gsl_vector_alloc (n);
  gsl_matrix_float *Vf = gsl_matrix_float_alloc (B, n), *dWf = gsl_matrix_float_alloc (n, m);
  gsl_matrix_float *dUf = gsl_matrix_float_alloc (B, m);
  gsl_vector_float *dbf = gsl_vector_float_alloc (n);
  ck_assert_int_eq (bp_batch_linear (W, b, U, V), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_linear (Wf, bf, Uf, Vf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_linear (Wa, ba, Ua, S), GSL_SUCCESS);
  assert_matrix_within (Vf, V, (double) m + 1, S, "batch_linear");
  ck_assert_int_eq (bp_batch_grad_weights (dV, U, dW), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_grad_weights (dVf, Uf, dWf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_grad_weights (dVa, Ua, SW), GSL_SUCCESS);
  assert_matrix_within (dWf, dW, (double) B, SW, "batch_grad_weights");
  ck_assert_int_eq (bp_batch_grad_bias (dV, db), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_grad_bias (dVf, dbf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_grad_bias (dVa, Sb), GSL_SUCCESS);
  assert_vector_within (dbf, db, (double) B, Sb, "batch_grad_bias");
  ck_assert_int_eq (bp_batch_grad_input (W, dV, dU), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_grad_input (Wf, dVf, dUf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_grad_input (Wa, dVa, SU), GSL_SUCCESS);
  assert_matrix_within (dUf, dU, (double) n, SU, "batch_grad_input");
  gsl_matrix *D[] = { W, U, dV, Wa, Ua, dVa, V, S, dW, SW, dU, SU };
  for (size_t t = 0; t < sizeof D / sizeof D[0]; t++) gsl_matrix_free (D[t]);
  gsl_vector_free (b); gsl_vector_free (ba); gsl_vector_free (db); gsl_vector_free (Sb);
  gsl_matrix_float *F[] = { Wf, Uf, dVf, Vf, dWf, dUf };
  for (size_t t = 0; t < sizeof F / sizeof F[0]; t++) gsl_matrix_float_free (F[t]);
  gsl_vector_float_free (bf); gsl_vector_float_free (dbf);
  gsl_rng_free (r);
}
END_TEST

/* Softmax row by row (softmax_bound); the mean loss: each row's L_k in
   float within sce_bound, added and divided in double, whose B + 1
   roundings add gamma^d_{B+1} sum |L_k|; dL/dV = (Y - T)/B: the
   difference, 1/B and the product, gamma_3 |Y - T| / B */
START_TEST (test_batch_softmax)
{
  gsl_rng *r = test_rng (_i);
  const size_t B = 1 + gsl_rng_uniform_int (r, 9), n = 1 + gsl_rng_uniform_int (r, 12);
  gsl_matrix *V = gsl_matrix_alloc (B, n), *T = gsl_matrix_alloc (B, n);
  gsl_matrix *Y = gsl_matrix_alloc (B, n), *G = gsl_matrix_alloc (B, n);
  for (size_t k = 0; k < B; k++)
    {
      gsl_vector *v = logits_drawn (r, n, _i), *l = labels_drawn (r, n);
      gsl_matrix_set_row (V, k, v);
      gsl_matrix_set_row (T, k, l);
      gsl_vector_free (v); gsl_vector_free (l);
    }
  gsl_matrix_float *Vf = fmatrix_of (V), *Tf = fmatrix_of (T);
  gsl_matrix_float *Yf = gsl_matrix_float_alloc (B, n), *Gf = gsl_matrix_float_alloc (B, n);
  ck_assert_int_eq (bp_batch_softmax (V, Y), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_softmax (Vf, Yf), GSL_SUCCESS);
  double bound = 0.0, sum = 0.0;
  for (size_t k = 0; k < B; k++)
    {
      gsl_vector_const_view v = gsl_matrix_const_row (V, k), y = gsl_matrix_const_row (Y, k);
      gsl_vector_const_view l = gsl_matrix_const_row (T, k);
      for (size_t i = 0; i < n; i++)
        assert_within (gsl_matrix_float_get (Yf, k, i), gsl_matrix_get (Y, k, i),
                       softmax_bound (&v.vector, &y.vector, i), "batch_softmax", k * n + i);
      bound += sce_bound (&l.vector, &v.vector);
      sum += fabs (bp_softmax_cross_entropy (&l.vector, &v.vector));
    }
  assert_within (float_batch_softmax_cross_entropy (Tf, Vf),
                 bp_batch_softmax_cross_entropy (T, V),
                 (bound + 2 * gamma_ ((double) B + 1, UD) * sum) / (double) B,
                 "batch_softmax_cross_entropy", 0);
  /* the gradient from the same float probabilities */
  for (size_t t = 0; t < B * n; t++)
    Y->data[t] = Yf->data[t];
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (T, Y, G), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_softmax_cross_entropy_grad (Tf, Yf, Gf), GSL_SUCCESS);
  for (size_t t = 0; t < B * n; t++)
    assert_within (Gf->data[t], G->data[t],
                   gammas (3) * fabs (Y->data[t] - T->data[t]) / (double) B + UNDERFLOW,
                   "batch_softmax_cross_entropy_grad", t);
  gsl_matrix_free (V); gsl_matrix_free (T); gsl_matrix_free (Y); gsl_matrix_free (G);
  gsl_matrix_float_free (Vf); gsl_matrix_float_free (Tf); gsl_matrix_float_free (Yf);
  gsl_matrix_float_free (Gf);
  gsl_rng_free (r);
}
END_TEST

/* The activations on a batch: forward as test_activations; backward
   dL/dz = f'(z) dL/dh.  relu: 1 or 0 times dL/dh, exact.  sigmoid'
   = t/((1+t)(1+t)), t = exp(-|z|): t 2u, 1 + t u + 2u (t's, t/(1+t) <= 1),
   twice in the square with its product's u, the quotient u, the product
   with dL/dh u: 2 + 2 (3) + 1 + 1 + 1 = 11, gamma_11 relative; tanh' =
   4t/((1+t)(1+t)), t = exp(-2|z|) (-2|z| and 4t exact): the same 11. */
START_TEST (test_batch_activations)
{
  static const double K[] = { [BP_RELU] = 0, [BP_SIGMOID] = 6, [BP_TANH] = 4 };
  static const double KB[] = { [BP_RELU] = 0, [BP_SIGMOID] = 11, [BP_TANH] = 11 };
  gsl_rng *r = test_rng (_i);
  const size_t B = 1 + gsl_rng_uniform_int (r, 9), H = 1 + gsl_rng_uniform_int (r, 40);
  gsl_matrix *Z = matrix_drawn (r, B, H, 3.0), *G = matrix_drawn (r, B, H, 1.0);
  gsl_matrix *A = gsl_matrix_alloc (B, H), *dZ = gsl_matrix_alloc (B, H);
  gsl_matrix_float *Zf = fmatrix_of (Z), *Gf = fmatrix_of (G);
  gsl_matrix_float *Af = gsl_matrix_float_alloc (B, H), *dZf = gsl_matrix_float_alloc (B, H);
  for (bp_activation a = BP_RELU; a <= BP_TANH; a++)
    {
      const char *what = bp_activation_name (a);
      ck_assert_int_eq (bp_batch_activation_forward (a, Z, A), GSL_SUCCESS);
      ck_assert_int_eq (float_batch_activation_forward (a, Zf, Af), GSL_SUCCESS);
      ck_assert_int_eq (bp_batch_activation_backward (a, Z, G, dZ), GSL_SUCCESS);
      ck_assert_int_eq (float_batch_activation_backward (a, Zf, Gf, dZf), GSL_SUCCESS);
      for (size_t t = 0; t < B * H; t++)
        {
          assert_within (Af->data[t], A->data[t],
                         gammas (K[a]) * fabs (A->data[t]) + UNDERFLOW, what, t);
          assert_within (dZf->data[t], dZ->data[t],
                         gammas (KB[a]) * fabs (dZ->data[t]) * (1 + gamma_ (KB[a], UD))
                         + UNDERFLOW, what, t);
        }
    }
  gsl_matrix_free (Z); gsl_matrix_free (G); gsl_matrix_free (A); gsl_matrix_free (dZ);
  gsl_matrix_float_free (Zf); gsl_matrix_float_free (Gf); gsl_matrix_float_free (Af);
  gsl_matrix_float_free (dZf);
  gsl_rng_free (r);
}
END_TEST

/* The convolution's batch forms: im2col a copy (exact); Y = K cols +
   b 1^T: C_in k k + 1 terms; dL/dK = dL/dY cols^T: B Ho Wo terms;
   dL/dX = col2im (K^T dL/dY): each pixel a sum of at most k k sums of
   C_out products, C_out + k k terms in all; max- and average-pooling's
   backward passes a choice and an exact quarter: equal. */
START_TEST (test_batch_conv)
{
  gsl_rng *r = test_rng (_i);
  const bp_conv_shape s = shape_drawn (r);
  const size_t B = 1 + gsl_rng_uniform_int (r, 3), k = s.k;
  const size_t Ho = s.height + 2 * s.pad - k + 1, Wo = s.width + 2 * s.pad - k + 1;
  const size_t Ci = s.channels_in, Co = s.channels_out, hw = s.height * s.width;
  gsl_matrix *K = matrix_drawn (r, Co, Ci * k * k, 1.0), *X = matrix_drawn (r, Ci, B * hw, 1.0);
  gsl_matrix *dY = matrix_drawn (r, Co, B * Ho * Wo, 1.0);
  gsl_vector *b = vector_drawn (r, Co, 1.0);
  gsl_matrix *Ka = matrix_abs (K), *Xa = matrix_abs (X), *dYa = matrix_abs (dY);
  gsl_vector *ba = vector_abs (b);
  gsl_matrix_float *Kf = fmatrix_of (K), *Xf = fmatrix_of (X), *dYf = fmatrix_of (dY);
  gsl_vector_float *bf = fvector_of (b);
  gsl_matrix *cols = gsl_matrix_alloc (Ci * k * k, B * Ho * Wo);
  gsl_matrix *colsa = gsl_matrix_alloc (Ci * k * k, B * Ho * Wo);
  gsl_matrix *Y = gsl_matrix_alloc (Co, B * Ho * Wo), *S = gsl_matrix_alloc (Co, B * Ho * Wo);
  gsl_matrix *dK = gsl_matrix_alloc (Co, Ci * k * k), *SK = gsl_matrix_alloc (Co, Ci * k * k);
  gsl_matrix *dX = gsl_matrix_alloc (Ci, B * hw), *SX = gsl_matrix_alloc (Ci, B * hw);
  gsl_matrix_float *colsf = gsl_matrix_float_alloc (Ci * k * k, B * Ho * Wo);
  gsl_matrix_float *Yf = gsl_matrix_float_alloc (Co, B * Ho * Wo);
  gsl_matrix_float *dKf = gsl_matrix_float_alloc (Co, Ci * k * k);
  gsl_matrix_float *dXf = gsl_matrix_float_alloc (Ci, B * hw);
  ck_assert_int_eq (bp_batch_conv (&s, K, b, X, cols, Y), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_conv (&s, Kf, bf, Xf, colsf, Yf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv (&s, Ka, ba, Xa, colsa, S), GSL_SUCCESS);
  assert_matrix_within (colsf, cols, 0, NULL, "im2col");
  assert_matrix_within (Yf, Y, (double) (Ci * k * k + 1), S, "batch_conv");
  ck_assert_int_eq (bp_batch_conv_grad_weights (&s, dY, cols, dK), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_conv_grad_weights (&s, dYf, colsf, dKf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_weights (&s, dYa, colsa, SK), GSL_SUCCESS);
  assert_matrix_within (dKf, dK, (double) (B * Ho * Wo), SK, "batch_conv_grad_weights");
  ck_assert_int_eq (bp_batch_conv_grad_input (&s, K, dY, cols, dX), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_conv_grad_input (&s, Kf, dYf, colsf, dXf), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_input (&s, Ka, dYa, colsa, SX), GSL_SUCCESS);
  assert_matrix_within (dXf, dX, (double) (Co + k * k), SX, "batch_conv_grad_input");
  /* pooling backward on the input's first two rows and columns' worth */
  if (s.height >= 2 && s.width >= 2)
    {
      const size_t pc = B * (s.height / 2) * (s.width / 2);
      gsl_matrix *dP = matrix_drawn (r, Ci, pc, 1.0), *dXp = gsl_matrix_alloc (Ci, B * hw);
      gsl_matrix_float *dPf = fmatrix_of (dP), *dXpf = gsl_matrix_float_alloc (Ci, B * hw);
      ck_assert_int_eq (bp_maxpool_backward (X, s.height, s.width, dP, dXp), GSL_SUCCESS);
      ck_assert_int_eq (float_maxpool_backward (Xf, s.height, s.width, dPf, dXpf),
                        GSL_SUCCESS);
      assert_matrix_within (dXpf, dXp, 0, NULL, "maxpool_backward");
      ck_assert_int_eq (bp_avgpool_backward (dP, s.height, s.width, dXp), GSL_SUCCESS);
      ck_assert_int_eq (float_avgpool_backward (dPf, s.height, s.width, dXpf),
                        GSL_SUCCESS);
      assert_matrix_within (dXpf, dXp, 0, NULL, "avgpool_backward");
      gsl_matrix_free (dP); gsl_matrix_free (dXp);
      gsl_matrix_float_free (dPf); gsl_matrix_float_free (dXpf);
    }
  /* the CNN's flatten of Y (C_out x (B Ho Wo)) and back: copies */
  gsl_matrix *F = gsl_matrix_alloc (B, Co * Ho * Wo), *Yb = gsl_matrix_alloc (Co, B * Ho * Wo);
  gsl_matrix_float *Ff = gsl_matrix_float_alloc (B, Co * Ho * Wo);
  gsl_matrix_float *Ybf = gsl_matrix_float_alloc (Co, B * Ho * Wo);
  ck_assert_int_eq (bp_batch_flatten (Y, Ho * Wo, F), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_flatten (Yf, Ho * Wo, Ff), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_flatten_inverse (Ff, Ho * Wo, Ybf), GSL_SUCCESS);
  for (size_t t = 0; t < Y->size1 * Y->size2; t++)
    ck_assert_msg (Ybf->data[t] == Yf->data[t], "flatten_inverse (flatten) [%zu]", t);
  ck_assert_int_eq (bp_batch_flatten_inverse (F, Ho * Wo, Yb), GSL_SUCCESS);
  for (size_t n = 0; n < B; n++)
    for (size_t c = 0; c < Co; c++)
      for (size_t t = 0; t < Ho * Wo; t++)
        ck_assert_msg (gsl_matrix_float_get (Ff, n, c * Ho * Wo + t)
                       == gsl_matrix_float_get (Yf, c, n * Ho * Wo + t), "flatten");
  gsl_matrix *D[] = { K, X, dY, Ka, Xa, dYa, cols, colsa, Y, S, dK, SK, dX, SX, F, Yb };
  for (size_t t = 0; t < sizeof D / sizeof D[0]; t++) gsl_matrix_free (D[t]);
  gsl_vector_free (b); gsl_vector_free (ba);
  gsl_matrix_float *Fl[] = { Kf, Xf, dYf, colsf, Yf, dKf, dXf, Ff, Ybf };
  for (size_t t = 0; t < sizeof Fl / sizeof Fl[0]; t++) gsl_matrix_float_free (Fl[t]);
  gsl_vector_float_free (bf);
  gsl_rng_free (r);
}
END_TEST

/* The CNN chain's max-pooling (cnn_source.c): the forward pass keeps each
   window's maximum (best) and the backward pass routes by it with ReLU's
   derivative in the same pass.  Its values are those of the public path,
   bp_maxpool_backward (which finds the maxima again) then ReLU's backward,
   bit for bit, in double and in float: the same choices and products.
   Z rounded to integers on odd loops: ties in every window; ReLU's zeros
   tie too.  Odd H or W: the last row or column in no window.  W up to 32
   from LOOPS / 2: the trusted passes' loops over a row's windows run whole
   vectors and a remainder. */
START_TEST (test_maxpool_relu_backward)
{
  gsl_rng *r = test_rng (_i);
  const size_t C = 1 + gsl_rng_uniform_int (r, 3), count = 1 + gsl_rng_uniform_int (r, 3);
  const size_t H = 2 + gsl_rng_uniform_int (r, 7);
  const size_t W = 2 + gsl_rng_uniform_int (r, _i >= LOOPS / 2 ? 31 : 7);
  const size_t cols = count * (H / 2) * (W / 2);
  gsl_matrix *Z = matrix_drawn (r, C, count * H * W, 2.0), *dY = matrix_drawn (r, C, cols, 1.0);
  if (_i % 2 == 1)
    for (size_t t = 0; t < Z->size1 * Z->size2; t++)
      Z->data[t] = round (Z->data[t]);
  gsl_matrix *A = gsl_matrix_alloc (C, count * H * W), *P = gsl_matrix_alloc (C, cols);
  gsl_matrix *Pt = gsl_matrix_alloc (C, cols), *dA = gsl_matrix_alloc (C, count * H * W);
  gsl_matrix *dZ = gsl_matrix_alloc (C, count * H * W), *dZt = gsl_matrix_alloc (C, count * H * W);
  gsl_matrix_float *Zf = fmatrix_of (Z), *dYf = fmatrix_of (dY);
  gsl_matrix_float *Af = gsl_matrix_float_alloc (C, count * H * W);
  gsl_matrix_float *Pf = gsl_matrix_float_alloc (C, cols), *Ptf = gsl_matrix_float_alloc (C, cols);
  gsl_matrix_float *dAf = gsl_matrix_float_alloc (C, count * H * W);
  gsl_matrix_float *dZf = gsl_matrix_float_alloc (C, count * H * W);
  gsl_matrix_float *dZtf = gsl_matrix_float_alloc (C, count * H * W);
  unsigned char *best = malloc (C * cols), *bestf = malloc (C * cols);
  ck_assert_ptr_nonnull (best);
  ck_assert_ptr_nonnull (bestf);
  /* double: the public path, then the chain's */
  ck_assert_int_eq (bp_batch_activation_forward (BP_RELU, Z, A), GSL_SUCCESS);
  ck_assert_int_eq (bp_maxpool (A, H, W, P), GSL_SUCCESS);
  ck_assert_int_eq (bp_maxpool_backward (A, H, W, dY, dA), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_activation_backward (BP_RELU, Z, dA, dZ), GSL_SUCCESS);
  maxpool_trusted (A, H, W, Pt, best);
  maxpool_relu_backward_trusted (best, Z, H, W, dY, dZt);
  ck_assert_msg (memcmp (P->data, Pt->data, C * cols * sizeof (double)) == 0,
                 "maxpool_trusted with best: not bp_maxpool's values");
  for (size_t t = 0; t < C * count * H * W; t++)
    ck_assert_msg (memcmp (dZ->data + t, dZt->data + t, sizeof (double)) == 0,
                   "maxpool_relu_backward_trusted[%zu] %.17g, the public path %.17g", t,
                   dZt->data[t], dZ->data[t]);
  /* float */
  ck_assert_int_eq (float_batch_activation_forward (BP_RELU, Zf, Af), GSL_SUCCESS);
  ck_assert_int_eq (float_maxpool (Af, H, W, Pf), GSL_SUCCESS);
  ck_assert_int_eq (float_maxpool_backward (Af, H, W, dYf, dAf), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_activation_backward (BP_RELU, Zf, dAf, dZf), GSL_SUCCESS);
  maxpool_float_trusted (Af, H, W, Ptf, bestf);
  maxpool_float_relu_backward_trusted (bestf, Zf, H, W, dYf, dZtf);
  ck_assert_msg (memcmp (Pf->data, Ptf->data, C * cols * sizeof (float)) == 0,
                 "maxpool_float_trusted with best: not float_maxpool's values");
  for (size_t t = 0; t < C * count * H * W; t++)
    ck_assert_msg (memcmp (dZf->data + t, dZtf->data + t, sizeof (float)) == 0,
                   "maxpool_float_relu_backward_trusted[%zu] %.9g, the public path %.9g", t,
                   (double) dZtf->data[t], (double) dZf->data[t]);
  gsl_matrix *D[] = { Z, dY, A, P, Pt, dA, dZ, dZt };
  for (size_t t = 0; t < sizeof D / sizeof D[0]; t++) gsl_matrix_free (D[t]);
  gsl_matrix_float *Fl[] = { Zf, dYf, Af, Pf, Ptf, dAf, dZf, dZtf };
  for (size_t t = 0; t < sizeof Fl / sizeof Fl[0]; t++) gsl_matrix_float_free (Fl[t]);
  free (best);
  free (bestf);
  gsl_rng_free (r);
}
END_TEST

/* maxpool_relu_backward_trusted writes dL/dZ's elements alone: each
   image's relu' pass covers its H W elements, k < H W.  dL/dZ and Z are
   views of C x (H W + 1) matrices; the column past each view holds 7 in
   dL/dZ's and -1 in Z's (relu' 0 there), and stays 7.  In double and
   float (pool_backward_source.c, one image of 4 x 4, two channels). */
START_TEST (test_maxpool_relu_backward_in_its_view)
{
  enum { C = 2, H = 4, W = 4, HW = H * W, COLS = (H / 2) * (W / 2) };
  gsl_matrix *Zp = gsl_matrix_alloc (C, HW + 1), *dZp = gsl_matrix_alloc (C, HW + 1);
  gsl_matrix *dY = gsl_matrix_alloc (C, COLS), *P = gsl_matrix_alloc (C, COLS);
  gsl_matrix_float *Zpf = gsl_matrix_float_alloc (C, HW + 1);
  gsl_matrix_float *dZpf = gsl_matrix_float_alloc (C, HW + 1);
  gsl_matrix_float *dYf = gsl_matrix_float_alloc (C, COLS), *Pf = gsl_matrix_float_alloc (C, COLS);
  unsigned char best[C * COLS], bestf[C * COLS];
  for (size_t c = 0; c < C; c++)
    {
      for (size_t k = 0; k < HW; k++)
        {
          gsl_matrix_set (Zp, c, k, 1.0 + (double) ((5 * k + c) % HW));   /* relu' 1 */
          gsl_matrix_float_set (Zpf, c, k, 1.0f + (float) ((5 * k + c) % HW));
        }
      gsl_matrix_set (Zp, c, HW, -1.0);
      gsl_matrix_float_set (Zpf, c, HW, -1.0f);
      gsl_matrix_set (dZp, c, HW, 7.0);
      gsl_matrix_float_set (dZpf, c, HW, 7.0f);
    }
  gsl_matrix_set_all (dY, 1.0);
  gsl_matrix_float_set_all (dYf, 1.0f);
  gsl_matrix_view Z = gsl_matrix_submatrix (Zp, 0, 0, C, HW);
  gsl_matrix_view dZ = gsl_matrix_submatrix (dZp, 0, 0, C, HW);
  gsl_matrix_float_view Zf = gsl_matrix_float_submatrix (Zpf, 0, 0, C, HW);
  gsl_matrix_float_view dZf = gsl_matrix_float_submatrix (dZpf, 0, 0, C, HW);
  maxpool_trusted (&Z.matrix, H, W, P, best);   /* Z > 0: relu (Z) = Z */
  maxpool_relu_backward_trusted (best, &Z.matrix, H, W, dY, &dZ.matrix);
  maxpool_float_trusted (&Zf.matrix, H, W, Pf, bestf);
  maxpool_float_relu_backward_trusted (bestf, &Zf.matrix, H, W, dYf, &dZf.matrix);
  for (size_t c = 0; c < C; c++)
    {
      ck_assert_msg (gsl_matrix_get (dZp, c, HW) == 7.0,
                     "double: the element past row %zu of dL/dZ written (%g)", c,
                     gsl_matrix_get (dZp, c, HW));
      ck_assert_msg (gsl_matrix_float_get (dZpf, c, HW) == 7.0f,
                     "float: the element past row %zu of dL/dZ written (%g)", c,
                     (double) gsl_matrix_float_get (dZpf, c, HW));
    }
  gsl_matrix_free (Zp);
  gsl_matrix_free (dZp);
  gsl_matrix_free (dY);
  gsl_matrix_free (P);
  gsl_matrix_float_free (Zpf);
  gsl_matrix_float_free (dZpf);
  gsl_matrix_float_free (dYf);
  gsl_matrix_float_free (Pf);
}
END_TEST

/* float_maxpool refuses X with a NaN or an infinity in any channel, the
   rows after the first included (arith.h's matrix_floats_finite, row r
   at r tda): GSL_EDOM, Y untouched */
START_TEST (test_float_maxpool_not_finite_in_a_later_channel)
{
  enum { C = 3, H = 4, W = 4 };
  gsl_matrix_float *X = gsl_matrix_float_alloc (C, H * W);
  gsl_matrix_float *Y = gsl_matrix_float_alloc (C, (H / 2) * (W / 2));
  const float bad[2] = { NAN, INFINITY };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t r = 1; r < C; r++)
    for (size_t b = 0; b < 2; b++)
      {
        gsl_matrix_float_set_all (X, 0.5f);
        gsl_matrix_float_set_all (Y, 3.0f);
        gsl_matrix_float_set (X, r, H * W - 1, bad[b]);
        ck_assert_msg (float_maxpool (X, H, W, Y) == GSL_EDOM,
                       "a %s in row %zu of X not refused", b ? "infinity" : "NaN", r);
        for (size_t t = 0; t < Y->size1 * Y->size2; t++)
          ck_assert (Y->data[t] == 3.0f);
      }
  gsl_set_error_handler (old);
  gsl_matrix_float_free (X);
  gsl_matrix_float_free (Y);
}
END_TEST

/* A view's finiteness test reads the view alone (arith.h's
   doubles_finite, floats_finite: m atomics an element, k < m): X a view of
   C x H W of a C x (H W + 1) matrix whose last column is NaN is finite,
   and maxpool takes it, in double and in float */
START_TEST (test_maxpool_finite_view_beside_a_nan)
{
  enum { C = 2, H = 4, W = 4, HW = H * W };
  gsl_matrix *Xp = gsl_matrix_alloc (C, HW + 1), *Y = gsl_matrix_alloc (C, HW / 4);
  gsl_matrix_float *Xpf = gsl_matrix_float_alloc (C, HW + 1);
  gsl_matrix_float *Yf = gsl_matrix_float_alloc (C, HW / 4);
  for (size_t c = 0; c < C; c++)
    {
      for (size_t k = 0; k < HW; k++)
        {
          gsl_matrix_set (Xp, c, k, (double) k);
          gsl_matrix_float_set (Xpf, c, k, (float) k);
        }
      gsl_matrix_set (Xp, c, HW, NAN);
      gsl_matrix_float_set (Xpf, c, HW, NAN);
    }
  gsl_matrix_view X = gsl_matrix_submatrix (Xp, 0, 0, C, HW);
  gsl_matrix_float_view Xf = gsl_matrix_float_submatrix (Xpf, 0, 0, C, HW);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_maxpool (&X.matrix, H, W, Y), GSL_SUCCESS);
  ck_assert_int_eq (float_maxpool (&Xf.matrix, H, W, Yf), GSL_SUCCESS);
  gsl_set_error_handler (old);
  gsl_matrix_free (Xp);
  gsl_matrix_free (Y);
  gsl_matrix_float_free (Xpf);
  gsl_matrix_float_free (Yf);
}
END_TEST

/* maxpool_relu_backward_trusted zeroes what no window covers: with W odd
   (H even) the last column, whatever dL/dZ held before (7 here) */
START_TEST (test_maxpool_relu_backward_odd_width)
{
  enum { C = 1, H = 4, W = 5, HW = H * W, COLS = (H / 2) * (W / 2) };
  gsl_matrix *Z = gsl_matrix_alloc (C, HW), *dZ = gsl_matrix_alloc (C, HW);
  gsl_matrix *dY = gsl_matrix_alloc (C, COLS), *P = gsl_matrix_alloc (C, COLS);
  unsigned char best[C * COLS];
  for (size_t k = 0; k < HW; k++)
    gsl_matrix_set (Z, 0, k, 1.0 + (double) ((3 * k) % HW));   /* relu' 1 */
  gsl_matrix_set_all (dY, 1.0);
  gsl_matrix_set_all (dZ, 7.0);
  maxpool_trusted (Z, H, W, P, best);
  maxpool_relu_backward_trusted (best, Z, H, W, dY, dZ);
  for (size_t i = 0; i < H; i++)
    ck_assert_msg (gsl_matrix_get (dZ, 0, i * W + W - 1) == 0.0,
                   "row %zu's last column, in no window: %g", i,
                   gsl_matrix_get (dZ, 0, i * W + W - 1));
  gsl_matrix_free (Z);
  gsl_matrix_free (dZ);
  gsl_matrix_free (dY);
  gsl_matrix_free (P);
}
END_TEST

/* float labels sum to 1 within n u, u = FLT_EPSILON / 2 (arith.h's
   matrix_float_rows_sum_to_one): three thirds rounded to float (their
   sum 1 + 3e-8) are taken, a row summing to 1.25 is GSL_EDOM, and
   so is one past the bound by u, one at it taken.  Mutant: '<= tol'
   as '< tol' */
START_TEST (test_float_labels_sum_to_one)
{
  gsl_matrix_float *T = gsl_matrix_float_alloc (1, 3), *Y = gsl_matrix_float_alloc (1, 3);
  gsl_matrix_float *G = gsl_matrix_float_alloc (1, 3);
  gsl_matrix_float_set_all (Y, 1.0f / 3.0f);
  gsl_matrix_float_set_all (T, 1.0f / 3.0f);
  ck_assert_int_eq (float_batch_softmax_cross_entropy_grad (T, Y, G), GSL_SUCCESS);
  gsl_matrix_float_set (T, 0, 0, 0.5f);
  gsl_matrix_float_set (T, 0, 1, 0.5f);
  gsl_matrix_float_set (T, 0, 2, 0.25f);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (float_batch_softmax_cross_entropy_grad (T, Y, G), GSL_EDOM);
  /* at the bound itself: 1/2, 1/2 and 3 u, exact in float, sum to
     1 + 3 u exactly in double, taken (|sum - 1| <= n u); 4 u is not */
  gsl_matrix_float_set (T, 0, 0, 0.5f);
  gsl_matrix_float_set (T, 0, 1, 0.5f);
  gsl_matrix_float_set (T, 0, 2, (float) (3 * UF));
  ck_assert_int_eq (float_batch_softmax_cross_entropy_grad (T, Y, G), GSL_SUCCESS);
  gsl_matrix_float_set (T, 0, 2, (float) (4 * UF));
  ck_assert_int_eq (float_batch_softmax_cross_entropy_grad (T, Y, G), GSL_EDOM);
  gsl_set_error_handler (old);
  gsl_matrix_float_free (T);
  gsl_matrix_float_free (Y);
  gsl_matrix_float_free (G);
}
END_TEST

/* The chains' loss, softmax and dL/dV in one pass
   (batch_softmax_cross_entropy_trusted) against the three public
   functions one after the other, bit for bit, in double and in float:
   each exp made once instead of twice, the same operations on the same
   operands.  B from 1 to 9 (1/B rounded for most), labels soft (3/4,
   1/4) or one class, logits that overflow float's exp unshifted (loops
   from LOOPS / 2). */
START_TEST (test_softmax_cross_entropy_trusted)
{
  gsl_rng *r = test_rng (_i);
  const size_t B = 1 + gsl_rng_uniform_int (r, 9), n = 1 + gsl_rng_uniform_int (r, 12);
  gsl_matrix *V = gsl_matrix_alloc (B, n), *T = gsl_matrix_alloc (B, n);
  for (size_t k = 0; k < B; k++)
    {
      gsl_vector *v = logits_drawn (r, n, _i), *l = labels_drawn (r, n);
      gsl_matrix_set_row (V, k, v);
      gsl_matrix_set_row (T, k, l);
      gsl_vector_free (v); gsl_vector_free (l);
    }
  gsl_matrix *Y = gsl_matrix_alloc (B, n), *G = gsl_matrix_alloc (B, n);
  gsl_matrix *Yt = gsl_matrix_alloc (B, n), *Gt = gsl_matrix_alloc (B, n);
  gsl_matrix_float *Vf = fmatrix_of (V), *Tf = fmatrix_of (T);
  gsl_matrix_float *Yf = gsl_matrix_float_alloc (B, n), *Gf = gsl_matrix_float_alloc (B, n);
  gsl_matrix_float *Ytf = gsl_matrix_float_alloc (B, n), *Gtf = gsl_matrix_float_alloc (B, n);
  /* double: the public path, then the chains' */
  const double L = bp_batch_softmax_cross_entropy (T, V);
  ck_assert_int_eq (bp_batch_softmax (V, Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (T, Y, G), GSL_SUCCESS);
  const double Lt = batch_softmax_cross_entropy_trusted (T, V, Yt, Gt);
  ck_assert_msg (memcmp (&L, &Lt, sizeof L) == 0, "loss %.17g, the public path %.17g", Lt, L);
  for (size_t t = 0; t < B * n; t++)
    ck_assert_msg (memcmp (Y->data + t, Yt->data + t, sizeof (double)) == 0
                   && memcmp (G->data + t, Gt->data + t, sizeof (double)) == 0,
                   "[%zu]: y %.17g, dL/dv %.17g; the public path %.17g, %.17g", t,
                   Yt->data[t], Gt->data[t], Y->data[t], G->data[t]);
  /* float */
  const double Lf = float_batch_softmax_cross_entropy (Tf, Vf);
  ck_assert_int_eq (float_batch_softmax (Vf, Yf), GSL_SUCCESS);
  ck_assert_int_eq (float_batch_softmax_cross_entropy_grad (Tf, Yf, Gf), GSL_SUCCESS);
  const double Ltf = batch_float_softmax_cross_entropy_trusted (Tf, Vf, Ytf, Gtf);
  ck_assert_msg (memcmp (&Lf, &Ltf, sizeof Lf) == 0, "float loss %.17g, the public path %.17g",
                 Ltf, Lf);
  for (size_t t = 0; t < B * n; t++)
    ck_assert_msg (memcmp (Yf->data + t, Ytf->data + t, sizeof (float)) == 0
                   && memcmp (Gf->data + t, Gtf->data + t, sizeof (float)) == 0,
                   "float [%zu]: y %.9g, dL/dv %.9g; the public path %.9g, %.9g", t,
                   (double) Ytf->data[t], (double) Gtf->data[t], (double) Yf->data[t],
                   (double) Gf->data[t]);
  gsl_matrix *D[] = { V, T, Y, G, Yt, Gt };
  for (size_t t = 0; t < sizeof D / sizeof D[0]; t++) gsl_matrix_free (D[t]);
  gsl_matrix_float *Fl[] = { Vf, Tf, Yf, Gf, Ytf, Gtf };
  for (size_t t = 0; t < sizeof Fl / sizeof Fl[0]; t++) gsl_matrix_float_free (Fl[t]);
  gsl_rng_free (r);
}
END_TEST

/* A convolution bias's gradient sums B Ho Wo terms (50176 for a batch of
   64 images of 28 x 28): accumulated in double (ACCUM, templates_on.h)
   float's result is the sum, exact to gamma^d_N S, rounded once:
   |fl - exact| <= u |sum| + gamma^d_N S, and double's own gamma^d_N S.
   A float accumulator would add up to gamma_N S, here about 10^4 times
   u |sum|. */
START_TEST (test_conv_grad_bias)
{
  gsl_rng *r = test_rng (_i);
  const size_t C = 1 + gsl_rng_uniform_int (r, 3), N = 20000 + gsl_rng_uniform_int (r, 40000);
  gsl_matrix *dY = matrix_drawn (r, C, N, 1.0), *dYa = matrix_abs (dY);
  gsl_matrix_float *dYf = fmatrix_of (dY);
  gsl_vector *db = gsl_vector_alloc (C), *S = gsl_vector_alloc (C);
  gsl_vector_float *dbf = gsl_vector_float_alloc (C);
  ck_assert_int_eq (bp_conv_grad_bias (dY, db), GSL_SUCCESS);
  ck_assert_int_eq (float_conv_grad_bias (dYf, dbf), GSL_SUCCESS);
  ck_assert_int_eq (bp_conv_grad_bias (dYa, S), GSL_SUCCESS);
  for (size_t o = 0; o < C; o++)
    assert_within (gsl_vector_float_get (dbf, o), gsl_vector_get (db, o),
                   UF * fabs (gsl_vector_get (db, o))
                   + 3 * gamma_ ((double) N, UD) * gsl_vector_get (S, o), "conv_grad_bias", o);
  gsl_matrix_free (dY); gsl_matrix_free (dYa); gsl_matrix_float_free (dYf);
  gsl_vector_free (db); gsl_vector_free (S); gsl_vector_float_free (dbf);
  gsl_rng_free (r);
}
END_TEST

static Suite *
templates_suite (void)
{
  Suite *s = suite_create ("templates");
  TCase *tc = tcase_create ("complex bit for bit, float within its bound");
  tcase_add_loop_test (tc, test_reshape, 0, LOOPS);
  tcase_add_loop_test (tc, test_linear, 0, LOOPS);
  tcase_add_loop_test (tc, test_softmax, 0, LOOPS);
  tcase_add_test (tc, test_softmax_strided_not_finite);
  tcase_add_loop_test (tc, test_cross_entropy, 0, LOOPS);
  tcase_add_loop_test (tc, test_softmax_cross_entropy, 0, LOOPS);
  tcase_add_loop_test (tc, test_activations, 0, LOOPS);
  tcase_add_loop_test (tc, test_conv, 0, LOOPS);
  tcase_add_loop_test (tc, test_pool, 0, LOOPS);
  suite_add_tcase (s, tc);
  TCase *tb = tcase_create ("the batch formulas: float within its bound");
  tcase_add_loop_test (tb, test_batch_linear, 0, LOOPS);
  tcase_add_loop_test (tb, test_batch_softmax, 0, LOOPS);
  tcase_add_loop_test (tb, test_batch_activations, 0, LOOPS);
  tcase_add_loop_test (tb, test_batch_conv, 0, LOOPS);
  tcase_add_loop_test (tb, test_conv_grad_bias, 0, LOOPS);
  tcase_add_loop_test (tb, test_maxpool_relu_backward, 0, LOOPS);
  tcase_add_test (tb, test_maxpool_relu_backward_in_its_view);
  tcase_add_test (tb, test_float_maxpool_not_finite_in_a_later_channel);
  tcase_add_test (tb, test_maxpool_finite_view_beside_a_nan);
  tcase_add_test (tb, test_float_labels_sum_to_one);
  tcase_add_test (tb, test_maxpool_relu_backward_odd_width);
  tcase_add_loop_test (tb, test_softmax_cross_entropy_trusted, 0, LOOPS);
  suite_add_tcase (s, tb);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { templates_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
