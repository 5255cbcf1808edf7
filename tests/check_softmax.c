/* check_softmax.c -- suites bp_softmax, bp_softmax_jacobian (slide 8,
   derivations/04-softmax-jacobian.md) and bp_softmax_backward (slides 6, 7,
   9, derivations/03-chain-rule-dL-dv.md). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

/* --- bp_softmax: forward values ------------------------------------- */

START_TEST (test_softmax_equal_logits)
{
  /* softmax of n equal logits is 1/n each, whatever their value */
  const double values[] = { 0.0, 3.5, -700.0, 700.0 };
  for (size_t k = 0; k < 4; k++)
    {
      gsl_vector *v = gsl_vector_alloc (5), *y = gsl_vector_alloc (5);
      gsl_vector_set_all (v, values[k]);
      ck_assert_int_eq (bp_softmax (v, y), GSL_SUCCESS);
      for (size_t i = 0; i < 5; i++)
        ck_assert_double_eq_tol (gsl_vector_get (y, i), 0.2, 1e-15);
      gsl_vector_free (v);
      gsl_vector_free (y);
    }
}
END_TEST

START_TEST (test_softmax_by_hand)
{
  /* v = (0, log 2, log 5): e^v = (1, 2, 5), sum 8 */
  gsl_vector *v = gsl_vector_alloc (3), *y = gsl_vector_alloc (3);
  gsl_vector_set (v, 0, 0.0);
  gsl_vector_set (v, 1, log (2.0));
  gsl_vector_set (v, 2, log (5.0));
  bp_softmax (v, y);
  ck_assert_double_eq_tol (gsl_vector_get (y, 0), 1.0 / 8, 1e-15);
  ck_assert_double_eq_tol (gsl_vector_get (y, 1), 2.0 / 8, 1e-15);
  ck_assert_double_eq_tol (gsl_vector_get (y, 2), 5.0 / 8, 1e-15);
  gsl_vector_free (v);
  gsl_vector_free (y);
}
END_TEST

START_TEST (test_softmax_large_logits)
{
  /* logits up to +-1000 overflow exp() unshifted; the shifted form gives
     a finite distribution summing to 1, equal to the one of v - c */
  gsl_rng *rng = test_rng (_i);
  gsl_vector *v = test_logits (rng, 10, 1000.0), *y = gsl_vector_alloc (10);
  gsl_vector *vs = gsl_vector_alloc (10), *ys = gsl_vector_alloc (10);
  ck_assert_int_eq (bp_softmax (v, y), GSL_SUCCESS);
  double sum = 0.0;
  for (size_t i = 0; i < 10; i++)
    {
      ck_assert (isfinite (gsl_vector_get (y, i)));
      ck_assert (gsl_vector_get (y, i) >= 0.0);
      sum += gsl_vector_get (y, i);
    }
  ck_assert_double_eq_tol (sum, 1.0, 1e-14);
  gsl_vector_memcpy (vs, v);
  gsl_vector_add_constant (vs, -123.0);
  bp_softmax (vs, ys);
  for (size_t i = 0; i < 10; i++)
    ck_assert_double_eq_tol (gsl_vector_get (ys, i), gsl_vector_get (y, i), 1e-12);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (vs);
  gsl_vector_free (ys);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_softmax_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *v = gsl_vector_alloc (3), *y = gsl_vector_alloc (4);
  gsl_vector_set_zero (v);
  ck_assert_int_eq (bp_softmax (v, y), GSL_EBADLEN);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
softmax_suite (void)
{
  Suite *s = suite_create ("bp_softmax");
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_softmax_equal_logits);
  tcase_add_test (tc, test_softmax_by_hand);
  tcase_add_loop_test (tc, test_softmax_large_logits, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_softmax_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_softmax_jacobian: J = dy/dv against gsl_deriv_central -------- */

/* Logits of configuration i: moderate (|v| <= 5) below TEST_LARGE_FROM,
   up to +-500 from there on; n from 2 to 12, or the slides' 10. */
static gsl_vector *
config_logits (int i)
{
  gsl_rng *rng = test_rng (i);
  const size_t n = (i == 0) ? 10 : 2 + gsl_rng_uniform_int (rng, 11);
  gsl_vector *v = test_logits (rng, n, i >= TEST_LARGE_FROM ? 500.0 : 5.0);
  gsl_rng_free (rng);
  return v;
}

START_TEST (test_softmax_jacobian_numeric)
{
  gsl_vector *v = config_logits (_i);
  const size_t n = v->size;
  gsl_vector *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  bp_softmax (v, y);
  ck_assert_int_eq (bp_softmax_jacobian (y, J), GSL_SUCCESS);
  test_jacobian_pass (example_softmax, NULL, v, J, BP_CHECK_RTOL, BP_CHECK_ATOL, "softmax Jacobian");
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_softmax_jacobian_by_hand)
{
  /* y = (1/4, 3/4): J = [[3/16, -3/16], [-3/16, 3/16]] */
  gsl_vector *y = gsl_vector_alloc (2);
  gsl_matrix *J = gsl_matrix_alloc (2, 2);
  gsl_vector_set (y, 0, 0.25);
  gsl_vector_set (y, 1, 0.75);
  bp_softmax_jacobian (y, J);
  ck_assert_double_eq (gsl_matrix_get (J, 0, 0), 3.0 / 16);
  ck_assert_double_eq (gsl_matrix_get (J, 0, 1), -3.0 / 16);
  ck_assert_double_eq (gsl_matrix_get (J, 1, 0), -3.0 / 16);
  ck_assert_double_eq (gsl_matrix_get (J, 1, 1), 3.0 / 16);
  gsl_vector_free (y);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_softmax_jacobian_symmetric)
{
  /* J_ij = y_i(1[i=j] - y_j) = J_ji: why slide 17 may drop the transpose */
  gsl_vector *v = config_logits (_i);
  const size_t n = v->size;
  gsl_vector *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  bp_softmax (v, y);
  bp_softmax_jacobian (y, J);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      ck_assert_double_eq (gsl_matrix_get (J, i, j), gsl_matrix_get (J, j, i));
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
}
END_TEST

static Suite *
softmax_jacobian_suite (void)
{
  Suite *s = suite_create ("bp_softmax_jacobian");
  TCase *tc = tcase_create ("jacobian");
  tcase_add_loop_test (tc, test_softmax_jacobian_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_softmax_jacobian_by_hand);
  tcase_add_loop_test (tc, test_softmax_jacobian_symmetric, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_softmax_backward: dL/dv = J^T dL/dy -------------------------- */

START_TEST (test_softmax_backward_numeric)
{
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  test_chain_to_dL_dv (ex);
  gsl_vector *v = gsl_vector_alloc (w->n);
  gsl_vector_memcpy (v, w->v);
  ck_assert_int_eq (bp_softmax_backward (w->J, w->dL_dy, w->dL_dv), GSL_SUCCESS);
  gsl_vector *dL_dv = gsl_vector_alloc (w->n);
  gsl_vector_memcpy (dL_dv, w->dL_dv);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_V),
                     v, dL_dv, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dv");
  gsl_vector_free (v);
  gsl_vector_free (dL_dv);
  example_free (ex);
}
END_TEST

/* (3.2) holds for any y(v), and the softmax J is symmetric, so the test
   above cannot tell J^T from J.  Here y = A v with A random and
   non-symmetric (J = A) and L(y) = 1/2 sum_i c_i y_i^2 (dL/dy = c .* y):
   dL/dv = A^T (c .* y) must match the central differences of
   v -> L(A v), which know nothing of J. */
typedef struct
{
  const gsl_matrix *A;
  const gsl_vector *c;
} linear_loss;

static double
loss_of_linear (const gsl_vector *v, void *params)
{
  const linear_loss *p = params;
  double L = 0.0;
  for (size_t i = 0; i < p->A->size1; i++)
    {
      double yi = 0.0;
      for (size_t j = 0; j < v->size; j++)
        yi += gsl_matrix_get (p->A, i, j) * gsl_vector_get (v, j);
      L += 0.5 * gsl_vector_get (p->c, i) * yi * yi;
    }
  return L;
}

START_TEST (test_softmax_backward_nonsymmetric_J)
{
  gsl_rng *rng = test_rng (_i);
  const size_t n = 2 + gsl_rng_uniform_int (rng, 11);
  gsl_matrix *A = gsl_matrix_alloc (n, n);
  gsl_vector *c = gsl_vector_alloc (n), *v = gsl_vector_alloc (n);
  gsl_vector *y = gsl_vector_alloc (n), *dL_dy = gsl_vector_alloc (n);
  gsl_vector *dL_dv = gsl_vector_alloc (n);
  double asym = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      gsl_vector_set (c, i, gsl_rng_uniform_pos (rng) + 0.5);
      gsl_vector_set (v, i, 2.0 * gsl_rng_uniform (rng) - 1.0);
      for (size_t j = 0; j < n; j++)
        gsl_matrix_set (A, i, j, 2.0 * gsl_rng_uniform (rng) - 1.0);
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      asym = fmax (asym, fabs (gsl_matrix_get (A, i, j) - gsl_matrix_get (A, j, i)));
  ck_assert_msg (asym > 0.1, "A is nearly symmetric (%g): the test would prove nothing", asym);
  gsl_blas_dgemv (CblasNoTrans, 1.0, A, v, 0.0, y);
  gsl_vector_memcpy (dL_dy, y);
  gsl_vector_mul (dL_dy, c);
  ck_assert_int_eq (bp_softmax_backward (A, dL_dy, dL_dv), GSL_SUCCESS);
  linear_loss p = { A, c };
  test_gradient_pass (loss_of_linear, &p, v, dL_dv, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dv = J^T dL/dy with a non-symmetric J");
  gsl_matrix_free (A);
  gsl_vector_free (c);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (dL_dy);
  gsl_vector_free (dL_dv);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_softmax_backward_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *J = gsl_matrix_calloc (3, 3);
  gsl_vector *a = gsl_vector_calloc (3), *b = gsl_vector_calloc (4);
  ck_assert_int_eq (bp_softmax_backward (J, a, b), GSL_EBADLEN);
  ck_assert_int_eq (bp_softmax_backward (J, b, a), GSL_EBADLEN);
  gsl_matrix_free (J);
  gsl_vector_free (a);
  gsl_vector_free (b);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
softmax_backward_suite (void)
{
  Suite *s = suite_create ("bp_softmax_backward");
  TCase *tc = tcase_create ("dL_dv");
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_softmax_backward_numeric, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_softmax_backward_nonsymmetric_J, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_softmax_backward_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { softmax_suite, softmax_jacobian_suite,
                                      softmax_backward_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
