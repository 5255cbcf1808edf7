/* check_cross_entropy.c -- suites bp_cross_entropy and
   bp_cross_entropy_grad (slide 5, derivations/02-cross-entropy-dL-dy.md),
   bp_softmax_cross_entropy and bp_softmax_cross_entropy_grad (the
   simplification, derivations/10-simplification-y-minus-labels.md). */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

START_TEST (test_cross_entropy_by_hand)
{
  /* labels (0, 1, 0), y (0.2, 0.5, 0.3): L = -log 0.5 = log 2;
     labels (0.25, 0.75), y (0.5, 0.5): L = -(0.25 + 0.75) log 0.5 = log 2 */
  const double l1[] = { 0, 1, 0 }, y1[] = { 0.2, 0.5, 0.3 };
  const double l2[] = { 0.25, 0.75 }, y2[] = { 0.5, 0.5 };
  gsl_vector_const_view L1 = gsl_vector_const_view_array (l1, 3);
  gsl_vector_const_view Y1 = gsl_vector_const_view_array (y1, 3);
  gsl_vector_const_view L2 = gsl_vector_const_view_array (l2, 2);
  gsl_vector_const_view Y2 = gsl_vector_const_view_array (y2, 2);
  ck_assert_double_eq_tol (bp_cross_entropy (&L1.vector, &Y1.vector), log (2.0), 1e-15);
  ck_assert_double_eq_tol (bp_cross_entropy (&L2.vector, &Y2.vector), log (2.0), 1e-15);
}
END_TEST

START_TEST (test_cross_entropy_zero_label_zero_y)
{
  /* a class with label 0 and y 0 contributes 0 log 0 = 0, not NaN */
  const double l[] = { 1, 0 }, y[] = { 1, 0 };
  gsl_vector_const_view L = gsl_vector_const_view_array (l, 2);
  gsl_vector_const_view Y = gsl_vector_const_view_array (y, 2);
  ck_assert_double_eq (bp_cross_entropy (&L.vector, &Y.vector), 0.0);
}
END_TEST

START_TEST (test_cross_entropy_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *a2 = gsl_vector_calloc (2), *a3 = gsl_vector_calloc (3);
  ck_assert (isnan (bp_cross_entropy (a2, a3)));
  gsl_vector_free (a2);
  gsl_vector_free (a3);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
cross_entropy_suite (void)
{
  Suite *s = suite_create ("bp_cross_entropy");
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_cross_entropy_by_hand);
  tcase_add_test (tc, test_cross_entropy_zero_label_zero_y);
  tcase_add_test (tc, test_cross_entropy_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_cross_entropy_grad_numeric)
{
  /* dL/dy = -labels/y against the numeric gradient of y -> L at y = Softmax(v) */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w);
  gsl_vector *y = gsl_vector_alloc (w->n), *g = gsl_vector_alloc (w->n);
  gsl_vector_memcpy (y, w->y);
  ck_assert_int_eq (bp_cross_entropy_grad (ex->labels, y, g), GSL_SUCCESS);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_Y),
                     y, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dy");
  gsl_vector_free (y);
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_cross_entropy_grad_by_hand)
{
  /* labels (0, 0.5, 0.5), y (0.5, 0.25, 0.25): dL/dy = (0, -2, -2) */
  const double l[] = { 0, 0.5, 0.5 }, y[] = { 0.5, 0.25, 0.25 };
  gsl_vector_const_view L = gsl_vector_const_view_array (l, 3);
  gsl_vector_const_view Y = gsl_vector_const_view_array (y, 3);
  gsl_vector *g = gsl_vector_alloc (3);
  bp_cross_entropy_grad (&L.vector, &Y.vector, g);
  ck_assert_double_eq (gsl_vector_get (g, 0), 0.0);
  ck_assert_double_eq (gsl_vector_get (g, 1), -2.0);
  ck_assert_double_eq (gsl_vector_get (g, 2), -2.0);
  gsl_vector_free (g);
}
END_TEST

START_TEST (test_cross_entropy_grad_y_zero)
{
  /* as documented: label 0 -> 0 (even where y = 0); label > 0, y = 0 -> -inf */
  const double l[] = { 0, 1 }, y[] = { 0, 0 };
  gsl_vector_const_view L = gsl_vector_const_view_array (l, 2);
  gsl_vector_const_view Y = gsl_vector_const_view_array (y, 2);
  gsl_vector *g = gsl_vector_alloc (2);
  bp_cross_entropy_grad (&L.vector, &Y.vector, g);
  ck_assert_double_eq (gsl_vector_get (g, 0), 0.0);
  ck_assert (isinf (gsl_vector_get (g, 1)) && gsl_vector_get (g, 1) < 0);
  gsl_vector_free (g);
}
END_TEST

START_TEST (test_cross_entropy_grad_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *a2 = gsl_vector_calloc (2), *a3 = gsl_vector_calloc (3);
  ck_assert_int_eq (bp_cross_entropy_grad (a2, a2, a3), GSL_EBADLEN);
  ck_assert_int_eq (bp_cross_entropy_grad (a2, a3, a3), GSL_EBADLEN);
  gsl_vector_free (a2);
  gsl_vector_free (a3);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
cross_entropy_grad_suite (void)
{
  Suite *s = suite_create ("bp_cross_entropy_grad");
  TCase *tc = tcase_create ("dL_dy");
  tcase_add_loop_test (tc, test_cross_entropy_grad_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_cross_entropy_grad_by_hand);
  tcase_add_test (tc, test_cross_entropy_grad_y_zero);
  tcase_add_test (tc, test_cross_entropy_grad_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_softmax_cross_entropy_equals_slide_form)
{
  /* log-sum-exp form = -sum labels log Softmax(v) where the latter is finite */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  const double L = bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w);
  ck_assert_double_eq_tol (bp_softmax_cross_entropy (ex->labels, w->v), L,
                           1e-12 * fmax (1.0, fabs (L)));
  example_free (ex);
}
END_TEST

START_TEST (test_softmax_cross_entropy_huge_logits)
{
  /* v = (1000, 0), labels (0, 1): L = log(e^1000 + 1) - 0 = 1000 + log(1 + e^-1000)
     = 1000 in double; the slide form gives -log(Softmax(v)_2) = -log 0 = inf */
  const double vd[] = { 1000, 0 }, ld[] = { 0, 1 };
  gsl_vector_const_view v = gsl_vector_const_view_array (vd, 2);
  gsl_vector_const_view l = gsl_vector_const_view_array (ld, 2);
  gsl_vector *y = gsl_vector_alloc (2), *g = gsl_vector_alloc (2);
  ck_assert_double_eq (bp_softmax_cross_entropy (&l.vector, &v.vector), 1000.0);
  bp_softmax (&v.vector, y);
  ck_assert (isinf (bp_cross_entropy (&l.vector, y)));
  /* dL/dv = y - labels = (1, -1), finite */
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (&l.vector, y, g), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (g, 0), 1.0);
  ck_assert_double_eq (gsl_vector_get (g, 1), -1.0);
  gsl_vector_free (y);
  gsl_vector_free (g);
}
END_TEST

static Suite *
softmax_cross_entropy_suite (void)
{
  Suite *s = suite_create ("bp_softmax_cross_entropy");
  TCase *tc = tcase_create ("loss_of_logits");
  tcase_add_loop_test (tc, test_softmax_cross_entropy_equals_slide_form, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_softmax_cross_entropy_huge_logits);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_softmax_cross_entropy_grad_equals_chain)
{
  /* y - labels = J^T dL/dy (slide 9 multiplied out) */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  gsl_vector *g = gsl_vector_alloc (w->n);
  test_chain_to_dL_dv (ex);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (ex->labels, w->y, g), GSL_SUCCESS);
  gsl_matrix_const_view gm = gsl_matrix_const_view_vector (g, g->size, 1);
  gsl_matrix_const_view em = gsl_matrix_const_view_vector (w->dL_dv, w->n, 1);
  verify_diff r;
  verify_compare (&gm.matrix, &em.matrix, 1e-12, 1e-15, &r);
  ck_assert_msg (r.n_failed == 0, "y - labels vs J^T dL/dy: %zu of %zu differ; worst [%zu]: "
                 "%.17g, %.17g", r.n_failed, r.n_checked, r.worst_row, r.worst_a, r.worst_e);
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_softmax_cross_entropy_grad_numeric)
{
  /* y - labels against the numeric gradient of the log-sum-exp loss, with
     logits up to +-500 and labels on every class (no restriction needed) */
  gsl_rng *rng = test_rng (_i);
  const size_t n = (_i == 0) ? 10 : 2 + gsl_rng_uniform_int (rng, 11);
  gsl_vector *v = test_logits (rng, n, _i >= TEST_LARGE_FROM ? 500.0 : 5.0);
  example *ex = example_alloc (n, 1, 1, 0.05,
                                     _i % 2 ? LABELS_SOFT : LABELS_ONE_HOT, rng);
  gsl_vector *y = gsl_vector_alloc (n), *g = gsl_vector_alloc (n);
  bp_softmax (v, y);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (ex->labels, y, g), GSL_SUCCESS);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_V_STABLE),
                     v, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "y - labels");
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (g);
  example_free (ex);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_softmax_cross_entropy_grad_refuses_unnormalised)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const double l[] = { 0.5, 0.6 }, y[] = { 0.5, 0.5 };
  gsl_vector_const_view L = gsl_vector_const_view_array (l, 2);
  gsl_vector_const_view Y = gsl_vector_const_view_array (y, 2);
  gsl_vector *g = gsl_vector_alloc (2), *g3 = gsl_vector_alloc (3);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (&L.vector, &Y.vector, g), GSL_EDOM);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (&L.vector, &Y.vector, g3), GSL_EBADLEN);
  gsl_vector_free (g);
  gsl_vector_free (g3);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
softmax_cross_entropy_grad_suite (void)
{
  Suite *s = suite_create ("bp_softmax_cross_entropy_grad");
  TCase *tc = tcase_create ("y_minus_labels");
  tcase_add_loop_test (tc, test_softmax_cross_entropy_grad_equals_chain, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_softmax_cross_entropy_grad_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_softmax_cross_entropy_grad_refuses_unnormalised);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { cross_entropy_suite, cross_entropy_grad_suite,
                                      softmax_cross_entropy_suite,
                                      softmax_cross_entropy_grad_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
