/* check_complex_step.c -- the complex-step oracle
   (derivations/13-complex-step.md) through bp_gradcheck's
   BP_GRADCHECK_COMPLEX_STEP: suites cstep_gradient, cstep_jacobian,
   bp_complex_activation_forward and bp_net_cforward (the complex forward
   of each row of the table).  Every analytic formula of the one-layer classifier,
   the activations and the two-layer network must agree with the complex
   step to BP_CSTEP_RTOL = 1e-13 relative, for every partial. */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"
#include "verify/cstep_example.h"
#include "backprop/bp_net.h"
#include "verify/verify.h"

#define RTOL BP_CSTEP_RTOL
#define ATOL BP_CSTEP_ATOL

/* --- the complex step on functions with known derivatives ------------- */

/* f(t) = sum_j e^{t_j} sin(t_j) + t_0 t_1^2;
   df/dt_j = e^{t_j}(sin t_j + cos t_j) + [j=0] t_1^2 + [j=1] 2 t_0 t_1 */
static double complex
known_f (const gsl_vector_complex *t, void *params)
{
  (void) params;
  double complex s = 0.0, z[2];
  for (size_t j = 0; j < t->size; j++)
    {
      const double *p = t->data + 2 * j * t->stride;
      const double complex tj = CMPLX (p[0], p[1]);
      if (j < 2)
        z[j] = tj;
      s += cexp (tj) * csin (tj);
    }
  return s + z[0] * z[1] * z[1];
}

START_TEST (test_cstep_gradient_known)
{
  gsl_rng *rng = test_rng (_i);
  const size_t n = 2 + gsl_rng_uniform_int (rng, 8);
  gsl_vector *t = test_logits (rng, n, 3.0), *g = gsl_vector_alloc (n);
  gsl_vector *exact = gsl_vector_alloc (n);
  const double t0 = gsl_vector_get (t, 0), t1 = gsl_vector_get (t, 1);
  for (size_t j = 0; j < n; j++)
    {
      const double tj = gsl_vector_get (t, j);
      gsl_vector_set (exact, j, exp (tj) * (sin (tj) + cos (tj))
                      + (j == 0 ? t1 * t1 : 0.0) + (j == 1 ? 2.0 * t0 * t1 : 0.0));
    }
  test_cstep_pass (known_f, NULL, t, exact, RTOL, ATOL, "e^t sin t + t0 t1^2");
  /* and theta is left as it was */
  ck_assert_double_eq (gsl_vector_get (t, 0), t0);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_vector_free (exact);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_cstep_gradient_detects_error)
{
  /* a gradient wrong by 1e-11 relative -- invisible to central
     differences at rtol 1e-6 -- fails the complex-step comparison */
  gsl_vector *t = gsl_vector_alloc (3), *g = gsl_vector_alloc (3);
  gsl_vector_set (t, 0, 0.5);
  gsl_vector_set (t, 1, -1.0);
  gsl_vector_set (t, 2, 2.0);
  for (size_t j = 0; j < 3; j++)
    {
      const double tj = gsl_vector_get (t, j);
      gsl_vector_set (g, j, exp (tj) * (sin (tj) + cos (tj)) + (j == 0 ? 1.0 : 0.0)
                      + (j == 1 ? -1.0 : 0.0));    /* t1^2 = 1, 2 t0 t1 = -1 */
    }
  const test_plain q = { .cf = known_f };
  bp_gradcheck_result *r;
  ck_assert_int_eq (test_plain_check (&q, t, g, NULL, BP_GRADCHECK_COMPLEX_STEP, 1e-20,
                                      RTOL, ATOL, &r), GSL_SUCCESS);
  bp_gradcheck_result_free (r);
  gsl_vector_set (g, 2, gsl_vector_get (g, 2) * (1.0 + 1e-11));
  ck_assert_int_eq (test_plain_check (&q, t, g, NULL, BP_GRADCHECK_COMPLEX_STEP, 1e-20,
                                      RTOL, ATOL, &r), GSL_FAILURE);
  ck_assert_uint_eq (r->run[0].n_failed, 1);
  ck_assert_uint_eq (r->run[0].worst.row, 2);
  bp_gradcheck_result_free (r);
  gsl_vector_free (t);
  gsl_vector_free (g);
}
END_TEST

static double
re_at (const gsl_vector_complex *v, size_t i)
{
  const gsl_complex z = gsl_vector_complex_get (v, i);
  return GSL_REAL (z);
}

static double
im_at (const gsl_vector_complex *v, size_t i)
{
  const gsl_complex z = gsl_vector_complex_get (v, i);
  return GSL_IMAG (z);
}

START_TEST (test_cstep_strided_vectors)
{
  /* views with a stride (every other element of a longer vector): element
     i is at 2 i stride doubles, read and written there (a 2 i / stride
     indexing went unnoticed while every vector was contiguous) */
  const size_t n = 4;
  gsl_vector *a = gsl_vector_alloc (n);
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (a, i, 0.3 * (double) i - 0.5);
  gsl_vector_complex *big = gsl_vector_complex_calloc (2 * n);
  gsl_vector_complex_view z = gsl_vector_complex_subvector_with_stride (big, 1, 2, n);
  gsl_vector_complex *plain = gsl_vector_complex_alloc (n);
  cstep_vector_from_real (a, &z.vector);
  for (size_t i = 0; i < n; i++)
    {
      ck_assert_double_eq (re_at (big, 2 * i + 1),
                           gsl_vector_get (a, i));
      ck_assert_double_eq (re_at (big, 2 * i), 0.0);
    }
  /* the softmax of the strided view equals that of a plain copy */
  gsl_vector_complex *y1 = gsl_vector_complex_alloc (n);
  gsl_vector_complex *ybig = gsl_vector_complex_calloc (3 * n);
  gsl_vector_complex_view y2 = gsl_vector_complex_subvector_with_stride (ybig, 2, 3, n);
  gsl_vector_complex_memcpy (plain, &z.vector);
  ck_assert_int_eq (bp_complex_softmax (plain, y1), GSL_SUCCESS);
  ck_assert_int_eq (bp_complex_softmax (&z.vector, &y2.vector), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      ck_assert_double_eq (re_at (y1, i),
                           re_at (ybig, 3 * i + 2));
      ck_assert_double_eq (im_at (y1, i),
                           im_at (ybig, 3 * i + 2));
    }
  gsl_vector_free (a);
  gsl_vector_complex_free (big);
  gsl_vector_complex_free (plain);
  gsl_vector_complex_free (y1);
  gsl_vector_complex_free (ybig);
}
END_TEST

/* Off the real axis: bp_complex_softmax and the complex sigmoid divide by
   sums with imaginary parts of order 1 (arith.h's cdiv_exact, both of
   its branches: |Re b| >= |Im b| and below), against C's own complex
   cexp and division: y_i = e^{v_i} / sum_k e^{v_k}, 1 / (1 + e^{-z});
   and the complex tanh against ctanh.  The complex step's tiny
   imaginary parts never reach the Im b^2 terms of Smith's denominator
   (nor tanh's (t s)^2), so only such arguments check them. */
static void
assert_complex_near (double complex got, double complex want)
{
  ck_assert_msg (cabs (got - want) <= 1e-13 * cabs (want),
                 "got %.17g%+.17gi, want %.17g%+.17gi", creal (got), cimag (got),
                 creal (want), cimag (want));
}

START_TEST (test_complex_division_off_the_real_axis)
{
  /* the sum after the shift (v_k* = v_0 here) mostly real, then mostly
     imaginary: e^{v_k - v_0} turned by 1.5 to 1.7 rad */
  static const double v[2][4][2] = {
    { { 0.2, 0.3 }, { -0.4, 0.1 }, { 0.1, -0.2 }, { -0.3, 0.6 } },
    { { 0.0, 0.0 }, { -0.1, 1.5 }, { -0.1, 1.6 }, { -0.2, 1.7 } },
  };
  gsl_vector_complex *x = gsl_vector_complex_alloc (4), *y = gsl_vector_complex_alloc (4);
  for (int t = 0; t < 2; t++)
    {
      double complex sum = 0.0;
      for (size_t i = 0; i < 4; i++)
        {
          gsl_vector_complex_set (x, i, gsl_complex_rect (v[t][i][0], v[t][i][1]));
          sum += cexp (CMPLX (v[t][i][0], v[t][i][1]) - CMPLX (v[t][0][0], v[t][0][1]));
        }
      /* the branch of the division each case is for */
      ck_assert_int_eq (fabs (creal (sum)) >= fabs (cimag (sum)), t == 0);
      ck_assert_int_eq (bp_complex_softmax (x, y), GSL_SUCCESS);
      double complex all = 0.0;
      for (size_t i = 0; i < 4; i++)
        all += cexp (CMPLX (v[t][i][0], v[t][i][1]));
      for (size_t i = 0; i < 4; i++)
        {
          const gsl_complex yi = gsl_vector_complex_get (y, i);
          assert_complex_near (CMPLX (GSL_REAL (yi), GSL_IMAG (yi)),
                               cexp (CMPLX (v[t][i][0], v[t][i][1])) / all);
        }
    }
  /* sigmoid: 1 / (1 + e^-z) for Re z >= 0, e^z / (1 + e^z) below; the
     denominator 1 + t mostly real at |Im z| = 0.5, mostly imaginary at 2 */
  static const double z[4][2] = { { 0.5, 0.5 }, { 0.1, 2.0 }, { -0.5, 0.5 }, { -0.1, -2.0 } };
  for (size_t i = 0; i < 4; i++)
    gsl_vector_complex_set (x, i, gsl_complex_rect (z[i][0], z[i][1]));
  ck_assert_int_eq (bp_complex_activation_forward (BP_SIGMOID, x, y), GSL_SUCCESS);
  for (size_t i = 0; i < 4; i++)
    {
      const double complex zi = CMPLX (z[i][0], z[i][1]);
      const double complex d = 1.0 + cexp (z[i][0] >= 0 ? -zi : zi);
      ck_assert_int_eq (fabs (creal (d)) >= fabs (cimag (d)), i % 2 == 0);
      const gsl_complex yi = gsl_vector_complex_get (y, i);
      assert_complex_near (CMPLX (GSL_REAL (yi), GSL_IMAG (yi)), 1.0 / (1.0 + cexp (-zi)));
    }
  /* tanh (x + iy), arith.h's ctanh_exact by tanh x and tan y, against C's
     ctanh: its real and imaginary parts over the same 1 + (t s)^2 */
  static const double w[3][2] = { { 0.5, 0.5 }, { -0.3, 1.0 }, { 0.2, -0.7 } };
  gsl_vector_complex_view x3 = gsl_vector_complex_subvector (x, 0, 3),
                          y3 = gsl_vector_complex_subvector (y, 0, 3);
  for (size_t i = 0; i < 3; i++)
    gsl_vector_complex_set (&x3.vector, i, gsl_complex_rect (w[i][0], w[i][1]));
  ck_assert_int_eq (bp_complex_activation_forward (BP_TANH, &x3.vector, &y3.vector),
                    GSL_SUCCESS);
  for (size_t i = 0; i < 3; i++)
    {
      const gsl_complex yi = gsl_vector_complex_get (&y3.vector, i);
      assert_complex_near (CMPLX (GSL_REAL (yi), GSL_IMAG (yi)),
                           ctanh (CMPLX (w[i][0], w[i][1])));
    }
  gsl_vector_complex_free (x);
  gsl_vector_complex_free (y);
}
END_TEST

/* v = W u + b (bp_complex_linear) with W and u both off the real axis,
   where Re v takes - Im W Im u (arith.h's zgemv_by_dgemv, its second
   dgemv); by hand, every product exact in double:
   (1+2i)(2-i) + (3-i)(1+i) + (0.5+0.25i) = (4+3i) + (4+2i) + 0.5+0.25i = 8.5+5.25i,
   (0.5-0.5i)(2-i) + (-2+i)(1+i) - 1 = (0.5-1.5i) + (-3-i) - 1 = -3.5-2.5i */
START_TEST (test_complex_linear_both_parts)
{
  static const double W[2][2][2] = { { { 1, 2 }, { 3, -1 } }, { { 0.5, -0.5 }, { -2, 1 } } };
  static const double u[2][2] = { { 2, -1 }, { 1, 1 } }, b[2][2] = { { 0.5, 0.25 }, { -1, 0 } };
  static const double want[2][2] = { { 8.5, 5.25 }, { -3.5, -2.5 } };
  gsl_matrix_complex *Wm = gsl_matrix_complex_alloc (2, 2);
  gsl_vector_complex *uv = gsl_vector_complex_alloc (2), *bv = gsl_vector_complex_alloc (2);
  gsl_vector_complex *v = gsl_vector_complex_alloc (2);
  for (size_t i = 0; i < 2; i++)
    {
      for (size_t j = 0; j < 2; j++)
        gsl_matrix_complex_set (Wm, i, j, gsl_complex_rect (W[i][j][0], W[i][j][1]));
      gsl_vector_complex_set (uv, i, gsl_complex_rect (u[i][0], u[i][1]));
      gsl_vector_complex_set (bv, i, gsl_complex_rect (b[i][0], b[i][1]));
    }
  ck_assert_int_eq (bp_complex_linear (Wm, bv, uv, v), GSL_SUCCESS);
  for (size_t i = 0; i < 2; i++)
    {
      const gsl_complex vi = gsl_vector_complex_get (v, i);
      ck_assert_msg (GSL_REAL (vi) == want[i][0] && GSL_IMAG (vi) == want[i][1],
                     "v_%zu = %.17g%+.17gi, want %g%+gi", i, GSL_REAL (vi), GSL_IMAG (vi),
                     want[i][0], want[i][1]);
    }
  gsl_matrix_complex_free (Wm);
  gsl_vector_complex_free (uv);
  gsl_vector_complex_free (bv);
  gsl_vector_complex_free (v);
}
END_TEST

/* Smith's division (arith.h's cdiv_exact) at its tie |Re b| = |Im b|
   takes the first branch, r = Im b / Re b, as its comment says.  The
   sigmoid's t / (1 + t) at Re z < 0 with t = e^z = -1/2 - i/2 exactly:
   b = 1/2 - i/2, r = -1, d = 1, Re = (-1/2 + 1/2) / 1 = +0, Im =
   (-1/2 - 1/2) / 1 = -1 (the other branch: d = -1 and Re = +0 / -1 =
   -0).  z = -0.3465735902799727 + 22.776546738526 i, where glibc's cos
   and sin agree (y is -3 pi/4 + 4 (2 pi) to the double) and
   exp (x) cos (y) is -1/2 to the bit: the test checks that first. */
START_TEST (test_complex_division_at_the_tie)
{
  const double x = -0.3465735902799727, y = 22.776546738526;
  ck_assert_msg (cos (y) == sin (y) && exp (x) * cos (y) == -0.5,
                 "this libm's e^z is not -1/2 - i/2 to the bit: pick another z");
  gsl_vector_complex *zv = gsl_vector_complex_alloc (1), *s = gsl_vector_complex_alloc (1);
  gsl_vector_complex_set (zv, 0, gsl_complex_rect (x, y));
  ck_assert_int_eq (bp_complex_activation_forward (BP_SIGMOID, zv, s), GSL_SUCCESS);
  const gsl_complex si = gsl_vector_complex_get (s, 0);
  ck_assert_msg (GSL_REAL (si) == 0.0 && !signbit (GSL_REAL (si)) && GSL_IMAG (si) == -1.0,
                 "sigmoid (z) = %g%+gi, want +0 - 1i", GSL_REAL (si), GSL_IMAG (si));
  gsl_vector_complex_free (zv);
  gsl_vector_complex_free (s);
}
END_TEST

static Suite *
cstep_gradient_suite (void)
{
  Suite *s = suite_create ("cstep_gradient");
  TCase *tc = tcase_create ("known");
  tcase_add_loop_test (tc, test_cstep_gradient_known, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_cstep_gradient_detects_error);
  tcase_add_test (tc, test_cstep_strided_vectors);
  tcase_add_test (tc, test_complex_division_off_the_real_axis);
  tcase_add_test (tc, test_complex_linear_both_parts);
  tcase_add_test (tc, test_complex_division_at_the_tie);
  suite_add_tcase (s, tc);
  return s;
}

/* --- the complex step of a Jacobian: softmax --------------------------- */

START_TEST (test_cstep_softmax_jacobian)
{
  gsl_rng *rng = test_rng (_i);
  const size_t n = (_i == 0) ? 10 : 2 + gsl_rng_uniform_int (rng, 11);
  gsl_vector *v = test_logits (rng, n, _i >= TEST_LARGE_FROM ? 500.0 : 5.0);
  gsl_vector *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  bp_softmax (v, y);
  bp_softmax_jacobian (y, J);
  const test_plain q = { .cfv = cstep_example_softmax };
  test_plain_pass (&q, v, NULL, J, BP_GRADCHECK_COMPLEX_STEP, RTOL, ATOL, "bp_softmax_jacobian");
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
  gsl_rng_free (rng);
}
END_TEST

/* bp_complex_softmax refuses a NaN or an infinity in any part of any
   element alone, the last element's imaginary part too (GSL_EDOM): the
   finiteness test reads both parts of each element (arith.h,
   doubles_finite with 2 doubles an element). */
START_TEST (test_complex_softmax_not_finite_in_one_part)
{
  const size_t n = 3;
  gsl_vector_complex *v = gsl_vector_complex_alloc (n), *y = gsl_vector_complex_alloc (n);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t e = 0; e < 2 * n; e++)
    for (int inf = 0; inf < 2; inf++)
      {
        for (size_t i = 0; i < n; i++)
          gsl_vector_complex_set (v, i, gsl_complex_rect ((double) i, 0.5));
        v->data[e] = inf ? GSL_POSINF : GSL_NAN;
        ck_assert_msg (bp_complex_softmax (v, y) == GSL_EDOM, "%s in part %zu of element %zu: "
                       "not refused", inf ? "inf" : "NaN", e % 2, e / 2);
      }
  for (size_t i = 0; i < n; i++)
    gsl_vector_complex_set (v, i, gsl_complex_rect ((double) i, 0.5));
  ck_assert_int_eq (bp_complex_softmax (v, y), GSL_SUCCESS);
  gsl_set_error_handler (old);
  gsl_vector_complex_free (v);
  gsl_vector_complex_free (y);
}
END_TEST

static Suite *
cstep_jacobian_suite (void)
{
  Suite *s = suite_create ("cstep_jacobian");
  TCase *tc = tcase_create ("softmax");
  tcase_add_loop_test (tc, test_cstep_softmax_jacobian, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_complex_softmax_not_finite_in_one_part);
  suite_add_tcase (s, tc);
  return s;
}

/* --- the activations ---------------------------------------------------- */

/* z of loop index k: activation k % 3, |z| <= 5 or <= 30 (saturated);
   for ReLU |z| >= 0.1, away from the kink (but see the test at 0). */
static gsl_vector *
activation_z (int k, bp_activation *act)
{
  const int i = k / 3;
  *act = (bp_activation) (k % 3);
  gsl_rng *rng = test_rng (300 + i);
  const size_t n = 1 + gsl_rng_uniform_int (rng, 12);
  gsl_vector *z = test_logits (rng, n, i >= TEST_LARGE_FROM ? 30.0 : 5.0);
  if (*act == BP_RELU)
    for (size_t j = 0; j < n; j++)
      {
        const double zj = gsl_vector_get (z, j);
        gsl_vector_set (z, j, copysign (0.1 + fabs (zj), zj));
      }
  gsl_rng_free (rng);
  return z;
}

START_TEST (test_cstep_activation_jacobian)
{
  bp_activation act;
  gsl_vector *z = activation_z (_i, &act);
  const size_t n = z->size;
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  bp_activation_jacobian (act, z, J);
  const test_plain q = { .cfv = cstep_example_activation, .params = &act };
  test_plain_pass (&q, z, NULL, J, BP_GRADCHECK_COMPLEX_STEP, RTOL, ATOL,
                   bp_activation_name (act));
  gsl_vector_free (z);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_cstep_activation_backward)
{
  bp_activation act;
  gsl_vector *z = activation_z (_i, &act);
  const size_t n = z->size;
  gsl_rng *rng = test_rng (400 + _i);
  gsl_vector *c = test_logits (rng, n, 1.0), *dL_dz = gsl_vector_alloc (n);
  cstep_activation_probe probe = { act, c, gsl_vector_complex_alloc (n) };
  bp_activation_backward (act, z, c, dL_dz);
  test_cstep_pass (cstep_example_activation_loss, &probe, z, dL_dz, RTOL, ATOL,
                   bp_activation_name (act));
  gsl_vector_free (z);
  gsl_vector_free (c);
  gsl_vector_free (dL_dz);
  gsl_vector_complex_free (probe.h);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_cstep_relu_at_zero)
{
  /* the piecewise extension gives 0 at Re z = 0, the convention of
     bp_relu_backward, where central differences would give 1/2 */
  bp_activation act = BP_RELU;
  gsl_vector *z = gsl_vector_calloc (2);
  gsl_matrix *J = gsl_matrix_calloc (2, 2);
  const test_plain q = { .cfv = cstep_example_activation, .params = &act };
  bp_gradcheck_result *r;
  ck_assert_int_eq (test_plain_check (&q, z, NULL, J, BP_GRADCHECK_COMPLEX_STEP, 1e-20,
                                      RTOL, ATOL, &r), GSL_SUCCESS);
  ck_assert_double_eq (gsl_matrix_get (r->run[0].block[0].numeric, 0, 0), 0.0);
  ck_assert_double_eq (gsl_matrix_get (r->run[0].block[0].numeric, 1, 1), 0.0);
  bp_gradcheck_result_free (r);
  gsl_vector_free (z);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_csigmoid_far_off_the_reals)
{
  /* sigma(x + iy) = (1 + tanh (z/2)) / 2 with tanh (a + ib) = (sinh 2a
     + i sin 2b) / (cosh 2a + cos 2b): sigma = (1 + (sinh x + i sin y) /
     (cosh x + cos y)) / 2.  At y = 2, 1 + e^-z has |Im| > |Re| (e^-2i =
     -0.416 - 0.909i), the branch of Smith's division (arith.h cdiv_exact)
     that small steps never take; at y = 0.5 the other branch, with
     Im (1 + e^-z) far from the step's 1e-20.  x < 0 takes the t / (1 + t)
     side, whose numerator has an imaginary part, x >= 0 the 1 / (1 + t) */
  const double x[5] = { -0.2, 0.0, 0.2, -0.5, 0.5 }, y[5] = { 2.0, 2.0, 2.0, 0.5, 0.5 };
  gsl_vector_complex *z = gsl_vector_complex_alloc (5), *h = gsl_vector_complex_alloc (5);
  for (size_t k = 0; k < 5; k++)
    gsl_vector_complex_set (z, k, gsl_complex_rect (x[k], y[k]));
  ck_assert_int_eq (bp_complex_activation_forward (BP_SIGMOID, z, h), GSL_SUCCESS);
  for (size_t k = 0; k < 5; k++)
    {
      const double d = cosh (x[k]) + cos (y[k]);
      const double re = (1.0 + sinh (x[k]) / d) / 2.0, im = sin (y[k]) / d / 2.0;
      const gsl_complex got = gsl_vector_complex_get (h, k);
      ck_assert_double_eq_tol (GSL_REAL (got), re, 1e-14 * fabs (re));
      ck_assert_double_eq_tol (GSL_IMAG (got), im, 1e-14 * fabs (im));
    }
  gsl_vector_complex_free (z);
  gsl_vector_complex_free (h);
}
END_TEST

static Suite *
cstep_activation_suite (void)
{
  Suite *s = suite_create ("bp_complex_activation_forward");
  TCase *tc = tcase_create ("activations");
  tcase_add_loop_test (tc, test_cstep_activation_jacobian, 0, 3 * TEST_CONFIGS);
  tcase_add_loop_test (tc, test_cstep_activation_backward, 0, 3 * TEST_CONFIGS);
  tcase_add_test (tc, test_cstep_relu_at_zero);
  tcase_add_test (tc, test_csigmoid_far_off_the_reals);
  suite_add_tcase (s, tc);
  return s;
}

/* --- the one-layer classifier of the slides ----------------------------- */

/* A vector as a 1-column matrix, a block of bp_gradcheck. */
static gsl_matrix
column (const gsl_vector *v)
{
  return gsl_matrix_const_view_vector (v, v->size, 1).matrix;
}

/* The complex-step gradient of L in the block theta (example_block_closs,
   as `backprop verify --method complex-step' checks it) against grad. */
static void
model_part (cstep_example *cx, size_t block, const gsl_matrix *theta,
            const gsl_matrix *grad, const char *what)
{
  example_block_params b = { cx->ex, block, NULL, cx };
  const bp_gradcheck_function f = { example_block_loss, NULL, 0, NULL, example_block_closs,
                                    NULL, &b, NULL, 0 };
  test_gradcheck_pass (&f, theta, grad, BP_GRADCHECK_COMPLEX_STEP, RTOL, ATOL, what);
}

/* Configuration 0 is the slides' model: W 10 x 784, b, a 28 x 28 x. */
START_TEST (test_cstep_model_gradients)
{
  example *ex = test_example (_i);
  cstep_example *cx = cstep_example_alloc (ex);
  const size_t n = ex->W->size1, m = ex->W->size2;
  gsl_matrix *dW = gsl_matrix_alloc (n, m), *dx = gsl_matrix_alloc (ex->x->size1,
                                                                     ex->x->size2);
  gsl_vector *db = gsl_vector_alloc (n);
  double L;
  ck_assert_int_eq (bp_model_backward (ex->W, ex->b, ex->x, ex->labels, dW, db, dx, &L),
                    GSL_SUCCESS);
  /* the linear row's complex forward pass is the real one on the real
     axis, bit for bit */
  gsl_matrix_complex_view cb = gsl_matrix_complex_view_vector (cx->b, n, 1);
  const gsl_matrix_complex *M[2] = { cx->W, &cb.matrix };
  const double complex Lc = cstep_net_loss (cx->net, M, cx->x, ex->labels, cx->ws);
  ck_assert_msg (creal (Lc) == L, "complex loss %.17g, real loss %.17g", creal (Lc), L);
  ck_assert_double_eq (cimag (Lc), 0.0);
  const gsl_matrix b = column (ex->b), gb = column (db);
  model_part (cx, EX_B, &b, &gb, "dL/db");
  model_part (cx, EX_W, ex->W, dW, "dL/dW");
  model_part (cx, EX_X, ex->x, dx, "dL/dx");
  gsl_matrix_free (dW);
  gsl_matrix_free (dx);
  gsl_vector_free (db);
  cstep_example_free (cx);
  example_free (ex);
}
END_TEST

/* The single steps: dL/dy (slide 5), dL/dv by J^T dL/dy (slides 6-9),
   dL/du (10-11), and y - labels against the stable loss of v. */
START_TEST (test_cstep_model_steps)
{
  example *ex = test_example (_i);
  cstep_example *cx = cstep_example_alloc (ex);
  bp_model_workspace *w = ex->ws;
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w);
  gsl_vector *u = gsl_vector_alloc (w->m), *v = gsl_vector_alloc (w->n);
  gsl_vector *y = gsl_vector_alloc (w->n), *fused = gsl_vector_alloc (w->n);
  gsl_vector_memcpy (u, w->u);
  gsl_vector_memcpy (v, w->v);
  gsl_vector_memcpy (y, w->y);
  bp_cross_entropy_grad (ex->labels, y, w->dL_dy);
  bp_softmax_jacobian (y, w->J);
  bp_softmax_backward (w->J, w->dL_dy, w->dL_dv);
  bp_linear_grad_input (ex->W, w->dL_dv, w->dL_du);
  bp_softmax_cross_entropy_grad (ex->labels, y, fused);
  const gsl_matrix my = column (y), mv = column (v), mu = column (u);
  const gsl_matrix gy = column (w->dL_dy), gv = column (w->dL_dv), gu = column (w->dL_du);
  const gsl_matrix gf = column (fused);
  model_part (cx, EX_Y, &my, &gy, "dL/dy");
  model_part (cx, EX_V, &mv, &gv, "dL/dv");
  model_part (cx, EX_U, &mu, &gu, "dL/du");
  model_part (cx, EX_V_STABLE, &mv, &gf, "y - labels");
  gsl_vector_free (u);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (fused);
  cstep_example_free (cx);
  example_free (ex);
}
END_TEST

/* With logits up to +-500 the softmax saturates: y_l = 1 - 7e-13 for the
   labelled class, and dL/dv_l = y_l - 1, from a y_l rounded to 1e-16, is
   only good to ~1e-4 relative -- in the analytic chain, whatever its order.
   The complex step has no such subtraction (see shift_of in
   complex_step.c) and is the better witness here: it is held to 1e-13
   against a reference that avoids the cancellation, in long double:
   dL/dv_k = y_k for k != l, dL/dv_l = -sum_{k != l} y_k (sum y = 1),
   dL/du = W^T dL/dv.  The labels sit all on argmax y (test_example
   puts them on classes with y >= 1e-3: here only that one). */
START_TEST (test_cstep_model_saturated)
{
  example *ex = test_example (_i);
  cstep_example *cx = cstep_example_alloc (ex);
  bp_model_workspace *w = ex->ws;
  const size_t n = w->n, m = w->m, l = gsl_vector_max_index (ex->labels);
  gsl_vector *u = gsl_vector_alloc (m), *ref = gsl_vector_alloc (m);
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w);
  gsl_vector_memcpy (u, w->u);
  ck_assert_uint_eq (l, gsl_vector_max_index (w->v));
  ck_assert_double_eq (gsl_vector_get (ex->labels, l), 1.0);
  long double y[n], sum = 0.0L, others = 0.0L;
  for (size_t k = 0; k < n; k++)
    {
      long double vk = gsl_vector_get (ex->b, k);
      for (size_t j = 0; j < m; j++)
        vk += (long double) gsl_matrix_get (ex->W, k, j) * gsl_vector_get (u, j);
      y[k] = vk;
    }
  const long double vl = y[l];
  for (size_t k = 0; k < n; k++)
    sum += (y[k] = expl (y[k] - vl));
  for (size_t k = 0; k < n; k++)
    if ((y[k] /= sum), k != l)
      others += y[k];
  y[l] = -others;                                   /* dL/dv, accurately */
  for (size_t j = 0; j < m; j++)
    {
      long double d = 0.0L;
      for (size_t k = 0; k < n; k++)
        d += (long double) gsl_matrix_get (ex->W, k, j) * y[k];
      gsl_vector_set (ref, j, (double) d);
    }
  /* the complex step of L(u) against the reference */
  const gsl_matrix mu = column (u), mref = column (ref);
  model_part (cx, EX_U, &mu, &mref, "dL/du, saturated, against the long double reference");
  gsl_vector_free (u);
  gsl_vector_free (ref);
  cstep_example_free (cx);
  example_free (ex);
}
END_TEST

static Suite *
cstep_model_suite (void)
{
  Suite *s = suite_create ("bp_net_cforward, linear");
  TCase *tc = tcase_create ("one layer");
  tcase_set_timeout (tc, 120);
  /* moderate logits, where the analytic formulas are accurate to ~1e-16 */
  tcase_add_loop_test (tc, test_cstep_model_gradients, 0, TEST_LARGE_FROM);
  tcase_add_loop_test (tc, test_cstep_model_steps, 0, TEST_LARGE_FROM);
  /* saturated softmax: configurations 4 to 7 */
  tcase_add_loop_test (tc, test_cstep_model_saturated, TEST_LARGE_FROM, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

/* --- the two-layer network ------------------------------------------------ */

/* Loop index k: activation k % 3; configuration k / 3: 0 has the slides'
   10 classes and H = 16 on a 7 x 4 image (rows, cols, m = 28, H and n all
   different, so no size1/size2 mix-up goes unseen; the slides' 28 x 28
   cost 12 544 complex forward passes of 12 544 products for W1 alone,
   95 % of the suite), the others drawn sizes. */
static mlp_example *
mlp_config (int k)
{
  const int i = k / 3;
  gsl_rng *rng = test_rng (500 + i);
  size_t n = 10, H = 16, rows = 7, cols = 4;
  if (i != 0)
    {
      n = 2 + gsl_rng_uniform_int (rng, 9);
      H = 1 + gsl_rng_uniform_int (rng, 8);
      rows = 1 + gsl_rng_uniform_int (rng, 6);
      cols = 1 + gsl_rng_uniform_int (rng, 6);
    }
  mlp_example *ex = mlp_example_alloc (n, H, rows, cols, (bp_activation) (k % 3),
                                             i % 2 ? LABELS_SOFT : LABELS_ONE_HOT,
                                             rng);
  gsl_rng_free (rng);
  return ex;
}

/* The complex-step gradient of L in the block theta (mlp_block_closs,
   as `backprop verify --method complex-step' checks it) against grad. */
static void
mlp_part (cstep_mlp_example *cx, size_t block, const gsl_matrix *theta,
          const gsl_matrix *grad, const char *what)
{
  mlp_block_params b = { cx->ex, block, NULL, cx };
  const bp_gradcheck_function f = { mlp_block_loss, NULL, 0, NULL, mlp_block_closs, NULL,
                                    &b, NULL, 0 };
  test_gradcheck_pass (&f, theta, grad, BP_GRADCHECK_COMPLEX_STEP, RTOL, ATOL, what);
}

START_TEST (test_cstep_mlp_gradients)
{
  mlp_example *ex = mlp_config (_i);
  cstep_mlp_example *cx = cstep_mlp_example_alloc (ex);
  mlp_chain *net = ex->net, *g = ex->grad;
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  double L;
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, ex->labels, ex->ws, g, dL_dx, &L),
                    GSL_SUCCESS);
  gsl_matrix_complex_view cb1 = gsl_matrix_complex_view_vector (cx->b1, net->H, 1);
  gsl_matrix_complex_view cb2 = gsl_matrix_complex_view_vector (cx->b2, net->n, 1);
  const gsl_matrix_complex *M[4] = { cx->W1, &cb1.matrix, cx->W2, &cb2.matrix };
  const double complex Lc = cstep_net_loss (cx->net, M, cx->x, ex->labels, cx->ws);
  ck_assert_msg (creal (Lc) == L, "complex loss %.17g, real loss %.17g", creal (Lc), L);
  ck_assert_double_eq (cimag (Lc), 0.0);
  gsl_matrix b1 = gsl_matrix_view_vector (net->b1, net->H, 1).matrix;
  gsl_matrix db1 = gsl_matrix_view_vector (g->b1, net->H, 1).matrix;
  gsl_matrix b2 = gsl_matrix_view_vector (net->b2, net->n, 1).matrix;
  gsl_matrix db2 = gsl_matrix_view_vector (g->b2, net->n, 1).matrix;
  mlp_part (cx, MLP_W2, net->W2, g->W2, "dL/dW2");
  mlp_part (cx, MLP_B2, &b2, &db2, "dL/db2");
  mlp_part (cx, MLP_W1, net->W1, g->W1, "dL/dW1");
  mlp_part (cx, MLP_B1, &b1, &db1, "dL/db1");
  mlp_part (cx, MLP_X, ex->x, dL_dx, "dL/dx");
  gsl_matrix_free (dL_dx);
  cstep_mlp_example_free (cx);
  mlp_example_free (ex);
}
END_TEST

static Suite *
cstep_mlp_suite (void)
{
  Suite *s = suite_create ("bp_net_cforward, mlp");
  TCase *tc = tcase_create ("two layers");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_cstep_mlp_gradients, 0, 3 * 6);
  suite_add_tcase (s, tc);
  return s;
}

/* --- every row of the table ------------------------------------------------ */

/* A network and a batch: the loss of the blocks at p, real (bp_net_forward
   on a copy of the network) and complex (bp_net_cforward). */
typedef struct
{
  bp_net *net, *at;            /* at: net's shape, theta of the point */
  bp_net_workspace *ws;
  gsl_matrix *U, *T;
  gsl_matrix_complex *Uc;
} row_case;

static int
row_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  row_case *c = params;
  for (size_t k = 0; k < p->n_blocks; k++)
    {
      gsl_matrix_view dst = gsl_matrix_view_vector (&c->at->theta_v[k].vector,
                                                    p->block[k]->size1, p->block[k]->size2);
      gsl_matrix_memcpy (&dst.matrix, p->block[k]);
    }
  return bp_net_forward (c->at, c->U, c->T, c->ws, NULL, L) != GSL_SUCCESS;
}

static int
row_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  const row_case *c = params;
  return bp_net_cforward (c->net, p->block, c->Uc, c->T, c->ws, L) != GSL_SUCCESS
         || !isfinite (GSL_REAL (*L)) || !isfinite (GSL_IMAG (*L));
}

/* The cases: every double row of the table (bp_net_type_at), at each of
   these shapes it takes (4 x 4 images, a multiple of 4 for the cnn; 5
   classes), found when the suite is made (test_net_cases, as check_net
   does): a new row's complex forward is tested without a new case, and
   test_every_row_has_a_cforward_case fails for a row none of them fits. */
static const test_net_case shapes[] = {
  { NULL, 0, { 0 }, BP_RELU, 0, 0 },
  { NULL, 1, { 6 }, BP_TANH, 0, 0 },
  { NULL, 3, { 6, 4, 3 }, BP_SIGMOID, 0, 0 },
  { NULL, 1, { 3 }, BP_RELU, 2, 3 },
  /* the most hidden layers a row takes: its complex scratch is full */
  { NULL, BP_NET_MAX_HIDDEN, { 3, 3, 3, 3, 3, 3, 3, 3 }, BP_TANH, 0, 0 },
};
_Static_assert (BP_NET_MAX_HIDDEN == 8, "the last shape lists BP_NET_MAX_HIDDEN layers");
#define N_SHAPES (sizeof shapes / sizeof shapes[0])
#define MAX_CASES 32
static test_net_case cases[MAX_CASES];
static int N_CASES;
#define IMG 4
#define CLASSES 5

START_TEST (test_every_row_has_a_cforward_case)
{
  test_net_rows_have_cases (BP_NET_FLOAT64, cases, N_CASES, MAX_CASES, "check_complex_step.c");
  for (int i = 0; i < N_CASES; i++)
    ck_assert_msg (bp_net_type_by_name (cases[i].row)->cforward != NULL,
                   "row %s has no complex forward", cases[i].row);
}
END_TEST

/* Loop index k: the case k / 3, a batch of 1 + k % 3 examples.  The
   complex step of bp_net_cforward against bp_net_backward's gradient,
   every block; and on the real axis the loss of bp_net_forward (the batch
   formulas: to rounding). */
START_TEST (test_cstep_rows)
{
  gsl_rng *rng = test_rng (700 + _i);
  const test_net_case *tc = &cases[_i / 3];
  bp_net_shape shape = test_net_case_shape (tc, IMG, IMG, CLASSES);
  /* the units past n_hidden are no layer's: the net ignores them, even
     ones that could not be allocated */
  for (size_t l = shape.n_hidden; l < BP_NET_MAX_HIDDEN; l++)
    shape.hidden[l] = (size_t) 1 << 40;
  const bp_net_type *type = bp_net_type_by_name (tc->row);
  const size_t b = 1 + (size_t) _i % 3, m = IMG * IMG;
  row_case c = { bp_net_alloc (type, &shape), bp_net_alloc (type, &shape), NULL,
                 gsl_matrix_alloc (b, m), gsl_matrix_calloc (b, CLASSES),
                 gsl_matrix_complex_alloc (b, m) };
  ck_assert_ptr_nonnull (c.net);
  c.ws = bp_net_workspace_alloc (c.net, b);
  for (size_t i = 0; i < c.net->size; i++)
    gsl_vector_set (c.net->theta, i, gsl_ran_gaussian (rng, 0.5));
  gsl_vector_memcpy (c.at->theta, c.net->theta);
  for (size_t i = 0; i < b; i++)
    {
      for (size_t j = 0; j < m; j++)
        {
          gsl_matrix_set (c.U, i, j, gsl_rng_uniform (rng));
          cmset (c.Uc, i, j, gsl_matrix_get (c.U, i, j));
        }
      gsl_matrix_set (c.T, i, gsl_rng_uniform_int (rng, CLASSES), 1.0);
    }
  double L;
  ck_assert_int_eq (bp_net_backward (c.net, c.U, c.T, c.ws, NULL, &L), GSL_SUCCESS);
  /* NULL past n_blocks: no block of the net, never looked at */
  const gsl_matrix_complex *M[BP_NET_MAX_BLOCKS] = { NULL };
  gsl_matrix_complex *Mc[BP_NET_MAX_BLOCKS];
  for (size_t k = 0; k < c.net->n_blocks; k++)
    {
      const gsl_matrix *B = c.net->block[k].matrix;
      gsl_matrix_const_view col = gsl_matrix_const_view_vector (&c.net->theta_v[k].vector,
                                                                c.net->theta_v[k].vector.size,
                                                                1);
      if (B == NULL)
        B = &col.matrix;
      M[k] = Mc[k] = gsl_matrix_complex_alloc (B->size1, B->size2);
      cstep_matrix_from_real (B, Mc[k]);
    }
  gsl_complex Lc;
  ck_assert_int_eq (bp_net_cforward (c.net, M, c.Uc, c.T, c.ws, &Lc), GSL_SUCCESS);
  ck_assert_msg (fabs (GSL_REAL (Lc) - L) <= 1e-14 * fabs (L),
                 "complex loss %.17g, real loss %.17g", GSL_REAL (Lc), L);
  ck_assert_double_eq (GSL_IMAG (Lc), 0.0);
  const bp_gradcheck_function f = { row_loss, NULL, 0, NULL, row_closs, NULL, &c, NULL, 0 };
  bp_gradcheck_options o;
  bp_gradcheck_result *r = NULL;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_COMPLEX_STEP;
  o.rtol = RTOL;
  o.atol = ATOL;
  ck_assert_int_eq (bp_gradcheck (&f, c.net->n_blocks, c.net->block, c.net->grad_block, &o,
                                  &r), GSL_SUCCESS);
  ck_assert_msg (r->verdict == BP_GRADCHECK_PASS, "%s, batch of %zu: %s",
                 type->name, b, bp_gradcheck_verdict_name (r->verdict));
  bp_gradcheck_result_free (r);
  for (size_t k = 0; k < c.net->n_blocks; k++)
    gsl_matrix_complex_free (Mc[k]);
  bp_net_workspace_free (c.ws);
  bp_net_free (c.net);
  bp_net_free (c.at);
  gsl_matrix_free (c.U);
  gsl_matrix_free (c.T);
  gsl_matrix_complex_free (c.Uc);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
cstep_rows_suite (void)
{
  Suite *s = suite_create ("bp_net_cforward, every row");
  TCase *tc = tcase_create ("rows");
  tcase_set_timeout (tc, 120);
  N_CASES = test_net_cases (shapes, N_SHAPES, IMG, IMG, CLASSES, BP_NET_FLOAT64, cases,
                            MAX_CASES);
  tcase_add_test (tc, test_every_row_has_a_cforward_case);
  tcase_add_loop_test (tc, test_cstep_rows, 0, 3 * N_CASES);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = {
    cstep_gradient_suite, cstep_jacobian_suite, cstep_activation_suite,
    cstep_model_suite, cstep_mlp_suite, cstep_rows_suite
  };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
