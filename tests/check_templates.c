/* check_templates.c -- each templated forward formula (src/lib/formulas/
   templates_on.h: one source, instantiated for double, double complex and
   float) against its double instantiation:
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
#include <string.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_reshape.h"
#include "backprop/bp_linear.h"
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "backprop/bp_conv.h"
#include "backprop/bp_pool.h"
#include "lib/formulas/float.h"

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
  const double D = spread (v), c = gsl_vector_max (v);
  for (size_t i = 0; i < n; i++)
    {
      const double K = fabs (gsl_vector_get (v, i) - c) + D + (double) n + 5;
      assert_within (gsl_vector_float_get (yf, i), gsl_vector_get (y, i),
                     gammas (K) * gsl_vector_get (y, i) + UNDERFLOW, "softmax", i);
    }
  gsl_vector_free (v); gsl_vector_free (y); gsl_vector_complex_free (vc);
  gsl_vector_complex_free (yc); gsl_vector_float_free (vf); gsl_vector_float_free (yf);
  gsl_rng_free (r);
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
  assert_within (float_softmax_cross_entropy (lf, vf), L, bound, "softmax_cross_entropy", 0);
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

static Suite *
templates_suite (void)
{
  Suite *s = suite_create ("templates");
  TCase *tc = tcase_create ("complex bit for bit, float within its bound");
  tcase_add_loop_test (tc, test_reshape, 0, LOOPS);
  tcase_add_loop_test (tc, test_linear, 0, LOOPS);
  tcase_add_loop_test (tc, test_softmax, 0, LOOPS);
  tcase_add_loop_test (tc, test_cross_entropy, 0, LOOPS);
  tcase_add_loop_test (tc, test_softmax_cross_entropy, 0, LOOPS);
  tcase_add_loop_test (tc, test_activations, 0, LOOPS);
  tcase_add_loop_test (tc, test_conv, 0, LOOPS);
  tcase_add_loop_test (tc, test_pool, 0, LOOPS);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { templates_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
