/* check_checker.c -- suite bp_check: the numeric checker itself, on
   functions with known derivatives, and its teeth: deliberately wrong
   gradients must fail, at the element that is wrong.
   derivations/00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include "testutil.h"

/* f(t) = sum_i sin(t_i) + t_0 t_1^2: df/dt_i = cos t_i + [i=0] t_1^2 + [i=1] 2 t_0 t_1 */
static double
known_f (const gsl_vector *t, void *params)
{
  (void) params;
  double s = 0.0;
  for (size_t i = 0; i < t->size; i++)
    s += sin (gsl_vector_get (t, i));
  return s + gsl_vector_get (t, 0) * pow (gsl_vector_get (t, 1), 2);
}

START_TEST (test_check_known_gradient)
{
  const double td[] = { 0.3, -1.2, 2.0, 40.0 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 4);
  gsl_vector *g = gsl_vector_alloc (4), *num = gsl_vector_alloc (4), *err = gsl_vector_alloc (4);
  for (size_t i = 0; i < 4; i++)
    gsl_vector_set (g, i, cos (td[i]));
  *gsl_vector_ptr (g, 0) += td[1] * td[1];
  *gsl_vector_ptr (g, 1) += 2 * td[0] * td[1];
  ck_assert_int_eq (bp_deriv_gradient (known_f, NULL, &t.vector, BP_CHECK_STEP, num, err),
                    GSL_SUCCESS);
  for (size_t i = 0; i < 4; i++)
    {
      ck_assert_double_eq_tol (gsl_vector_get (num, i), gsl_vector_get (g, i), 1e-8);
      ck_assert (gsl_vector_get (err, i) < 1e-6);
    }
  bp_check_result r;
  ck_assert_int_eq (bp_check_gradient (known_f, NULL, &t.vector, g, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r.n_checked, 4);
  ck_assert_uint_eq (r.n_failed, 0);
  gsl_vector_free (g);
  gsl_vector_free (num);
  gsl_vector_free (err);
}
END_TEST

/* f(t) = (t_0 t_1, exp t_0, t_1^3): J = [[t_1, t_0], [e^t_0, 0], [0, 3 t_1^2]] */
static int
known_fv (const gsl_vector *t, void *params, gsl_vector *out)
{
  (void) params;
  const double a = gsl_vector_get (t, 0), b = gsl_vector_get (t, 1);
  gsl_vector_set (out, 0, a * b);
  gsl_vector_set (out, 1, exp (a));
  gsl_vector_set (out, 2, b * b * b);
  return GSL_SUCCESS;
}

START_TEST (test_check_known_jacobian)
{
  const double a = 0.7, b = -2.0;
  const double td[] = { a, b }, Jd[] = { b, a, exp (a), 0, 0, 3 * b * b };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  gsl_matrix_const_view J = gsl_matrix_const_view_array (Jd, 3, 2);
  bp_check_result r;
  ck_assert_int_eq (bp_check_jacobian (known_fv, NULL, &t.vector, &J.matrix, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r.n_checked, 6);
  /* and a wrong entry is caught where it is */
  gsl_matrix *Jw = gsl_matrix_alloc (3, 2);
  gsl_matrix_memcpy (Jw, &J.matrix);
  gsl_matrix_set (Jw, 2, 1, 3 * b * b + 1e-4);
  ck_assert_int_eq (bp_check_jacobian (known_fv, NULL, &t.vector, Jw, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_uint_eq (r.n_failed, 1);
  ck_assert_uint_eq (r.worst_row, 2);
  ck_assert_uint_eq (r.worst_col, 1);
  ck_assert_uint_eq (r.worst_index, 5);
  gsl_matrix_free (Jw);
}
END_TEST

START_TEST (test_check_compare_rules)
{
  /* allowance max(atol, rtol max|.|) + 2 err: exactly at it passes, past it fails;
     NaN always fails */
  const double ad[] = { 1.0, 100.0, 0.0, NAN }, ed[] = { 1.0 + 1e-6, 100.0, 3e-9, 0.0 };
  const double errd[] = { 0.0, 0.0, 1e-9, 0.0 };
  gsl_vector_const_view a = gsl_vector_const_view_array (ad, 4);
  gsl_vector_const_view e = gsl_vector_const_view_array (ed, 4);
  gsl_vector_const_view err = gsl_vector_const_view_array (errd, 4);
  bp_check_result r;
  bp_check_compare_vector (&a.vector, &e.vector, &err.vector, 2e-6, 1e-9, &r);
  ck_assert_uint_eq (r.n_checked, 4);
  ck_assert_uint_eq (r.n_failed, 1);            /* only the NaN */
  ck_assert_uint_eq (r.worst_index, 3);
  ck_assert_double_eq (r.max_est_err, 1e-9);
  bp_check_compare_vector (&a.vector, &e.vector, NULL, 2e-6, 1e-9, &r);
  ck_assert_uint_eq (r.n_failed, 2);            /* element 2 now exceeds atol */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *short_v = gsl_vector_calloc (3);
  ck_assert_int_eq (bp_check_compare_vector (&a.vector, short_v, NULL, 1e-6, 1e-9, &r),
                    GSL_EBADLEN);
  gsl_vector_free (short_v);
  gsl_set_error_handler (old);
}
END_TEST

/* --- teeth: wrong gradients of the slides' model --------------------- */

/* dL/db of ex, right (slide 13) */
static gsl_vector *
right_dL_db (example *ex)
{
  gsl_vector *g = gsl_vector_alloc (ex->ws->n);
  test_chain_to_dL_dv (ex);
  bp_linear_grad_bias (ex->ws->dL_dv, g);
  return g;
}

START_TEST (test_check_catches_off_by_1e4)
{
  /* one element of dL/dW off by 1e-4: one failure, at that element */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  const size_t k = w->n * w->m;
  gsl_matrix *dW = gsl_matrix_alloc (w->n, w->m);
  gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  gsl_rng *rng = test_rng (100 + _i);
  const size_t bad = gsl_rng_uniform_int (rng, k);
  bp_check_result r;
  test_chain_to_dL_dv (ex);
  bp_linear_grad_weights (w->dL_dv, w->u, dW);
  bp_reshape (ex->W, t);
  bp_reshape (dW, g);
  *gsl_vector_ptr (g, bad) += 1e-4;
  ck_assert_int_eq (bp_check_gradient (example_loss_of_W, ex, t, g, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_uint_eq (r.n_failed, 1);
  ck_assert_uint_eq (r.worst_index, bad);
  ck_assert_uint_eq (r.worst_row, bad);
  ck_assert_double_eq (r.worst_analytic, gsl_vector_get (g, bad));
  ck_assert_double_eq_tol (r.worst_analytic - r.worst_numeric, 1e-4, 1e-8);
  gsl_matrix_free (dW);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_rng_free (rng);
  example_free (ex);
}
END_TEST

START_TEST (test_check_catches_flipped_sign)
{
  /* -dL/db: every element fails (none is 0 with these labels) */
  example *ex = test_example (_i);
  gsl_vector *g = right_dL_db (ex);
  bp_check_result r;
  ck_assert_int_eq (bp_check_gradient (example_loss_of_b, ex, ex->b, g, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_SUCCESS);
  size_t nonzero = 0;
  for (size_t i = 0; i < g->size; i++)
    nonzero += fabs (gsl_vector_get (g, i)) > 1e-6;
  gsl_vector_scale (g, -1.0);
  ck_assert_int_eq (bp_check_gradient (example_loss_of_b, ex, ex->b, g, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_uint_ge (r.n_failed, nonzero);
  ck_assert_double_eq (r.worst_analytic, gsl_vector_get (g, r.worst_index));
  ck_assert_double_eq_tol (r.worst_analytic, -r.worst_numeric, 1e-6 * fabs (r.worst_numeric));
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_check_catches_shifted_index)
{
  /* g'_i = g_{i+1} (cyclically): caught; the worst element is one whose
     shifted value differs from its own */
  example *ex = test_example (_i);
  gsl_vector *g = right_dL_db (ex), *s = gsl_vector_alloc (g->size);
  bp_check_result r;
  for (size_t i = 0; i < g->size; i++)
    gsl_vector_set (s, i, gsl_vector_get (g, (i + 1) % g->size));
  ck_assert_int_eq (bp_check_gradient (example_loss_of_b, ex, ex->b, s, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_FAILURE);
  const size_t k = r.worst_index;
  ck_assert_double_eq (r.worst_analytic, gsl_vector_get (g, (k + 1) % g->size));
  ck_assert (fabs (gsl_vector_get (g, (k + 1) % g->size) - gsl_vector_get (g, k)) > 1e-6);
  gsl_vector_free (g);
  gsl_vector_free (s);
  example_free (ex);
}
END_TEST

START_TEST (test_check_catches_transposed_W)
{
  /* dL/du computed with W instead of W^T (a square W: 6 classes, 2x3 image) */
  gsl_rng *rng = test_rng (200 + _i);
  example *ex = example_alloc (6, 2, 3, 0.5, _i % 2 ? LABELS_SOFT : LABELS_ONE_HOT,
                                     rng);
  bp_model_workspace *w = ex->ws;
  gsl_vector *u = gsl_vector_alloc (6), *wrong = gsl_vector_alloc (6);
  gsl_vector *right = gsl_vector_alloc (6);
  bp_check_result r;
  test_chain_to_dL_dv (ex);
  gsl_vector_memcpy (u, w->u);
  bp_linear_grad_input (ex->W, w->dL_dv, right);
  gsl_blas_dgemv (CblasNoTrans, 1.0, ex->W, w->dL_dv, 0.0, wrong);
  ck_assert_int_eq (bp_check_gradient (example_loss_of_u, ex, u, right, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_int_eq (bp_check_gradient (example_loss_of_u, ex, u, wrong, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_double_eq (r.worst_analytic, gsl_vector_get (wrong, r.worst_index));
  ck_assert_double_eq_tol (r.worst_numeric, gsl_vector_get (right, r.worst_index), 1e-8);
  gsl_vector_free (u);
  gsl_vector_free (wrong);
  gsl_vector_free (right);
  example_free (ex);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_check_catches_jacobian_without_y_i)
{
  /* J'_ij = 1[i=j] - y_j (the y_i factor dropped): caught, and the worst
     element (i, j) is reported with the wrong value there */
  gsl_rng *rng = test_rng (300 + _i);
  const size_t n = 2 + gsl_rng_uniform_int (rng, 11);
  gsl_vector *v = test_logits (rng, n, 5.0), *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  bp_check_result r;
  bp_softmax (v, y);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      gsl_matrix_set (J, i, j, (i == j ? 1.0 : 0.0) - gsl_vector_get (y, j));
  ck_assert_int_eq (bp_check_jacobian (example_softmax, NULL, v, J, BP_CHECK_RTOL,
                                       BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_uint_gt (r.n_failed, 0);
  const size_t i = r.worst_row, j = r.worst_col;
  ck_assert_double_eq (r.worst_analytic, gsl_matrix_get (J, i, j));
  ck_assert_double_eq_tol (r.worst_numeric,
                           gsl_vector_get (y, i) * ((i == j) - gsl_vector_get (y, j)), 1e-8);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
check_suite (void)
{
  Suite *s = suite_create ("bp_check");
  TCase *known = tcase_create ("known_functions");
  tcase_add_test (known, test_check_known_gradient);
  tcase_add_test (known, test_check_known_jacobian);
  tcase_add_test (known, test_check_compare_rules);
  suite_add_tcase (s, known);
  TCase *teeth = tcase_create ("teeth");
  tcase_set_timeout (teeth, 300);
  tcase_add_loop_test (teeth, test_check_catches_off_by_1e4, 0, TEST_CONFIGS);
  /* With logits of +-500 and labels on the winning class, dL/db = y - labels
     is 0 to within 1e-40 or so: a sign or index fault there changes nothing,
     so these two run on the moderate configurations only. */
  tcase_add_loop_test (teeth, test_check_catches_flipped_sign, 0, TEST_LARGE_FROM);
  tcase_add_loop_test (teeth, test_check_catches_shifted_index, 0, TEST_LARGE_FROM);
  tcase_add_loop_test (teeth, test_check_catches_transposed_W, 0, TEST_CONFIGS);
  tcase_add_loop_test (teeth, test_check_catches_jacobian_without_y_i, 0, TEST_CONFIGS);
  suite_add_tcase (s, teeth);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { check_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
