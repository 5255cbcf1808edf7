/* check_reshape.c -- suites bp_reshape (slide 3) and bp_reshape_inverse
   (slide 17: dL/dx); derivations/08-reshape-and-dL-dx.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

START_TEST (test_reshape_by_hand)
{
  /* x = [[1 2 3], [4 5 6]] -> u = (1 2 3 4 5 6), row-major */
  gsl_matrix *x = gsl_matrix_alloc (2, 3);
  gsl_vector *u = gsl_vector_alloc (6);
  for (size_t r = 0; r < 2; r++)
    for (size_t c = 0; c < 3; c++)
      gsl_matrix_set (x, r, c, (double) (3 * r + c + 1));
  ck_assert_int_eq (bp_reshape (x, u), GSL_SUCCESS);
  for (size_t k = 0; k < 6; k++)
    ck_assert_double_eq (gsl_vector_get (u, k), (double) (k + 1));
  gsl_matrix_free (x);
  gsl_vector_free (u);
}
END_TEST

START_TEST (test_reshape_round_trip)
{
  /* reshape^-1(reshape(x)) = x for every configuration's image shape */
  example *ex = test_example (_i);
  gsl_vector *u = gsl_vector_alloc (ex->x->size1 * ex->x->size2);
  gsl_matrix *back = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  bp_reshape (ex->x, u);
  bp_reshape_inverse (u, back);
  ck_assert (gsl_matrix_equal (back, ex->x));
  gsl_vector_free (u);
  gsl_matrix_free (back);
  example_free (ex);
}
END_TEST

START_TEST (test_reshape_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *x = gsl_matrix_calloc (2, 3);
  gsl_vector *u = gsl_vector_calloc (5);
  ck_assert_int_eq (bp_reshape (x, u), GSL_EBADLEN);
  ck_assert_int_eq (bp_reshape_inverse (u, x), GSL_EBADLEN);
  gsl_matrix_free (x);
  gsl_vector_free (u);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
reshape_suite (void)
{
  Suite *s = suite_create ("bp_reshape");
  TCase *tc = tcase_create ("reshape");
  tcase_add_test (tc, test_reshape_by_hand);
  tcase_add_loop_test (tc, test_reshape_round_trip, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_reshape_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_reshape_inverse_numeric)
{
  /* dL/dx = reshape^-1(W^T dL/dv) against the numeric gradient of x -> L */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  const size_t k = ex->x->size1 * ex->x->size2;
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  gsl_vector *x = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  test_chain_to_dL_dv (ex);
  bp_linear_grad_input (ex->W, w->dL_dv, w->dL_du);
  ck_assert_int_eq (bp_reshape_inverse (w->dL_du, dL_dx), GSL_SUCCESS);
  bp_reshape (ex->x, x);
  bp_reshape (dL_dx, g);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_X),
                     x, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dx");
  gsl_matrix_free (dL_dx);
  gsl_vector_free (x);
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

static Suite *
reshape_inverse_suite (void)
{
  Suite *s = suite_create ("bp_reshape_inverse");
  TCase *tc = tcase_create ("dL_dx");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_reshape_inverse_numeric, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { reshape_suite, reshape_inverse_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
