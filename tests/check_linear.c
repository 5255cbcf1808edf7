/* check_linear.c -- suites bp_linear (slides 3, 11), bp_linear_grad_input
   (dL/du, slide 11), bp_linear_grad_bias (dL/db, slide 13) and
   bp_linear_grad_weights (dL/dW, slides 15-16); derivations/05-dL-du.md,
   06-dL-db.md, 07-dL-dW.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

START_TEST (test_linear_by_hand)
{
  /* W = [[1 2 3], [-1 0 2]], u = (1, -1, 2), b = (0.5, -3):
     v = (1 - 2 + 6 + 0.5, -1 + 0 + 4 - 3) = (5.5, 0) */
  const double Wd[] = { 1, 2, 3, -1, 0, 2 }, ud[] = { 1, -1, 2 }, bd[] = { 0.5, -3 };
  gsl_matrix_const_view W = gsl_matrix_const_view_array (Wd, 2, 3);
  gsl_vector_const_view u = gsl_vector_const_view_array (ud, 3);
  gsl_vector_const_view b = gsl_vector_const_view_array (bd, 2);
  gsl_vector *v = gsl_vector_alloc (2);
  ck_assert_int_eq (bp_linear (&W.matrix, &b.vector, &u.vector, v), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (v, 0), 5.5);
  ck_assert_double_eq (gsl_vector_get (v, 1), 0.0);
  gsl_vector_free (v);
}
END_TEST

START_TEST (test_linear_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (2, 3);
  gsl_vector *b2 = gsl_vector_calloc (2), *b3 = gsl_vector_calloc (3);
  gsl_vector *u3 = gsl_vector_calloc (3), *u2 = gsl_vector_calloc (2);
  gsl_vector *v2 = gsl_vector_calloc (2);
  ck_assert_int_eq (bp_linear (W, b2, u2, v2), GSL_EBADLEN);  /* u */
  ck_assert_int_eq (bp_linear (W, b3, u3, v2), GSL_EBADLEN);  /* b */
  ck_assert_int_eq (bp_linear (W, b2, u3, u3), GSL_EBADLEN);  /* v */
  gsl_matrix_free (W);
  gsl_vector_free (b2);
  gsl_vector_free (b3);
  gsl_vector_free (u3);
  gsl_vector_free (u2);
  gsl_vector_free (v2);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_linear_adjacent_not_overlapping)
{
  /* v directly before u in one array (and u, then v): blocks that touch
     without sharing an element do not overlap, and v = W u + b is
     written; v sharing u's first element is refused.  The values of
     test_linear_by_hand: v = (5.5, 0) */
  const double Wd[] = { 1, 2, 3, -1, 0, 2 }, bd[] = { 0.5, -3 };
  gsl_matrix_const_view W = gsl_matrix_const_view_array (Wd, 2, 3);
  gsl_vector_const_view b = gsl_vector_const_view_array (bd, 2);
  double vu[5] = { 9, 9, 1, -1, 2 }, uv[5] = { 1, -1, 2, 9, 9 };
  gsl_vector_view v1 = gsl_vector_view_array (vu, 2), u1 = gsl_vector_view_array (vu + 2, 3);
  ck_assert_int_eq (bp_linear (&W.matrix, &b.vector, &u1.vector, &v1.vector), GSL_SUCCESS);
  ck_assert_double_eq (vu[0], 5.5);
  ck_assert_double_eq (vu[1], 0.0);
  gsl_vector_view u2 = gsl_vector_view_array (uv, 3), v2 = gsl_vector_view_array (uv + 3, 2);
  ck_assert_int_eq (bp_linear (&W.matrix, &b.vector, &u2.vector, &v2.vector), GSL_SUCCESS);
  ck_assert_double_eq (uv[3], 5.5);
  ck_assert_double_eq (uv[4], 0.0);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector_view v3 = gsl_vector_view_array (vu + 1, 2);
  ck_assert_int_eq (bp_linear (&W.matrix, &b.vector, &u1.vector, &v3.vector), GSL_EINVAL);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
linear_suite (void)
{
  Suite *s = suite_create ("bp_linear");
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_linear_by_hand);
  tcase_add_test (tc, test_linear_bad_sizes);
  tcase_add_test (tc, test_linear_adjacent_not_overlapping);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_linear_grad_input_numeric)
{
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  test_chain_to_dL_dv (ex);
  gsl_vector *u = gsl_vector_alloc (w->m), *g = gsl_vector_alloc (w->m);
  gsl_vector_memcpy (u, w->u);
  ck_assert_int_eq (bp_linear_grad_input (ex->W, w->dL_dv, g), GSL_SUCCESS);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_U),
                     u, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/du");
  gsl_vector_free (u);
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_linear_grad_input_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (2, 3);
  gsl_vector *a2 = gsl_vector_calloc (2), *a3 = gsl_vector_calloc (3);
  ck_assert_int_eq (bp_linear_grad_input (W, a3, a3), GSL_EBADLEN);
  ck_assert_int_eq (bp_linear_grad_input (W, a2, a2), GSL_EBADLEN);
  gsl_matrix_free (W);
  gsl_vector_free (a2);
  gsl_vector_free (a3);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
linear_grad_input_suite (void)
{
  Suite *s = suite_create ("bp_linear_grad_input");
  TCase *tc = tcase_create ("dL_du");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_linear_grad_input_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_linear_grad_input_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_linear_grad_bias_numeric)
{
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  test_chain_to_dL_dv (ex);
  gsl_vector *g = gsl_vector_alloc (w->n);
  ck_assert_int_eq (bp_linear_grad_bias (w->dL_dv, g), GSL_SUCCESS);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_B),
                     ex->b, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/db");
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_linear_grad_bias_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *a2 = gsl_vector_calloc (2), *a3 = gsl_vector_calloc (3);
  ck_assert_int_eq (bp_linear_grad_bias (a2, a3), GSL_EBADLEN);
  gsl_vector_free (a2);
  gsl_vector_free (a3);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
linear_grad_bias_suite (void)
{
  Suite *s = suite_create ("bp_linear_grad_bias");
  TCase *tc = tcase_create ("dL_db");
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_linear_grad_bias_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_linear_grad_bias_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_linear_grad_weights_numeric)
{
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  const size_t k = w->n * w->m;
  test_chain_to_dL_dv (ex);
  gsl_matrix *dL_dW = gsl_matrix_alloc (w->n, w->m);
  gsl_vector *theta = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  ck_assert_int_eq (bp_linear_grad_weights (w->dL_dv, w->u, dL_dW), GSL_SUCCESS);
  bp_reshape (ex->W, theta);
  bp_reshape (dL_dW, g);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_W),
                     theta, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dW");
  gsl_matrix_free (dL_dW);
  gsl_vector_free (theta);
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_linear_grad_weights_by_hand)
{
  /* dL/dv = (1, -2), u = (3, 0, 5): dL/dW = [[3 0 5], [-6 0 -10]] */
  const double gd[] = { 1, -2 }, ud[] = { 3, 0, 5 };
  const double expect[] = { 3, 0, 5, -6, 0, -10 };
  gsl_vector_const_view g = gsl_vector_const_view_array (gd, 2);
  gsl_vector_const_view u = gsl_vector_const_view_array (ud, 3);
  gsl_matrix *dW = gsl_matrix_alloc (2, 3);
  gsl_matrix_set_all (dW, 99.0);   /* must be overwritten, not added to */
  bp_linear_grad_weights (&g.vector, &u.vector, dW);
  for (size_t i = 0; i < 2; i++)
    for (size_t j = 0; j < 3; j++)
      ck_assert_double_eq (gsl_matrix_get (dW, i, j), expect[3 * i + j]);
  gsl_matrix_free (dW);
}
END_TEST

START_TEST (test_linear_grad_weights_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *a2 = gsl_vector_calloc (2), *a3 = gsl_vector_calloc (3);
  gsl_matrix *M = gsl_matrix_calloc (2, 3);
  ck_assert_int_eq (bp_linear_grad_weights (a3, a2, M), GSL_EBADLEN);
  ck_assert_int_eq (bp_linear_grad_weights (a2, a2, M), GSL_EBADLEN);
  gsl_vector_free (a2);
  gsl_vector_free (a3);
  gsl_matrix_free (M);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
linear_grad_weights_suite (void)
{
  Suite *s = suite_create ("bp_linear_grad_weights");
  TCase *tc = tcase_create ("dL_dW");
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_linear_grad_weights_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_linear_grad_weights_by_hand);
  tcase_add_test (tc, test_linear_grad_weights_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { linear_suite, linear_grad_input_suite,
                                      linear_grad_bias_suite,
                                      linear_grad_weights_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
