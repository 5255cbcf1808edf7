/* check_model.c -- suites bp_model_forward (slides 3-4,
   derivations/01-forward-pass.md) and bp_model_backward (slide 17,
   derivations/09-whole-chain.md). */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

START_TEST (test_model_forward_by_hand)
{
  /* x = [[1, 2]] (1x2), W = [[1, 0], [0, 1], [1, 1]], b = (0, 0, -3):
     u = (1, 2), v = (1, 2, 0), y = e^v / (e + e^2 + 1);
     labels (0, 1, 0): L = -log(e^2 / (e + e^2 + 1)) = log(e + e^2 + 1) - 2 */
  const double xd[] = { 1, 2 }, Wd[] = { 1, 0, 0, 1, 1, 1 }, bd[] = { 0, 0, -3 };
  const double ld[] = { 0, 1, 0 };
  gsl_matrix_const_view x = gsl_matrix_const_view_array (xd, 1, 2);
  gsl_matrix_const_view W = gsl_matrix_const_view_array (Wd, 3, 2);
  gsl_vector_const_view b = gsl_vector_const_view_array (bd, 3);
  gsl_vector_const_view l = gsl_vector_const_view_array (ld, 3);
  bp_model_workspace *w = bp_model_workspace_alloc (3, 2);
  const double L = bp_model_forward (&W.matrix, &b.vector, &x.matrix, &l.vector, w);
  const double e = exp (1.0);
  ck_assert_double_eq_tol (L, log (e + e * e + 1.0) - 2.0, 1e-15);
  ck_assert_double_eq (gsl_vector_get (w->v, 0), 1.0);
  ck_assert_double_eq (gsl_vector_get (w->v, 1), 2.0);
  ck_assert_double_eq (gsl_vector_get (w->v, 2), 0.0);
  ck_assert_double_eq_tol (gsl_vector_get (w->y, 2), 1.0 / (e + e * e + 1.0), 1e-16);
  bp_model_workspace_free (w);
}
END_TEST

START_TEST (test_model_forward_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_model_workspace *w = bp_model_workspace_alloc (3, 4);
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *W2 = gsl_matrix_calloc (2, 4);
  gsl_matrix *x = gsl_matrix_calloc (2, 2), *x3 = gsl_matrix_calloc (3, 1);
  gsl_vector *b = gsl_vector_calloc (3), *l = gsl_vector_calloc (3), *l2 = gsl_vector_calloc (2);
  ck_assert (isfinite (bp_model_forward (W, b, x, l, w)));
  ck_assert (isnan (bp_model_forward (W2, b, x, l, w)));
  ck_assert (isnan (bp_model_forward (W, b, x3, l, w)));
  ck_assert (isnan (bp_model_forward (W, b, x, l2, w)));
  ck_assert_ptr_null (bp_model_workspace_alloc (0, 4));
  bp_model_workspace_free (w);
  gsl_matrix_free (W);
  gsl_matrix_free (W2);
  gsl_matrix_free (x);
  gsl_matrix_free (x3);
  gsl_vector_free (b);
  gsl_vector_free (l);
  gsl_vector_free (l2);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
model_forward_suite (void)
{
  Suite *s = suite_create ("bp_model_forward");
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_model_forward_by_hand);
  tcase_add_test (tc, test_model_forward_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

/* bp_model_backward's results for ex, freshly allocated. */
typedef struct
{
  gsl_matrix *dW, *dx;
  gsl_vector *db;
  double L;
} grads;

static grads
backward (const example *ex)
{
  grads g = { gsl_matrix_alloc (ex->W->size1, ex->W->size2),
              gsl_matrix_alloc (ex->x->size1, ex->x->size2),
              gsl_vector_alloc (ex->b->size), 0.0 };
  ck_assert_int_eq (bp_model_backward (ex->W, ex->b, ex->x, ex->labels, g.dW, g.db,
                                       g.dx, &g.L), GSL_SUCCESS);
  return g;
}

static void
grads_free (grads *g)
{
  gsl_matrix_free (g->dW);
  gsl_matrix_free (g->dx);
  gsl_vector_free (g->db);
}

START_TEST (test_model_backward_equals_chain)
{
  /* slide 17 in one call = the chain step by step, to the last bit */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  grads g = backward (ex);
  gsl_matrix *dW = gsl_matrix_alloc (w->n, w->m);
  gsl_matrix *dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  gsl_vector *db = gsl_vector_alloc (w->n);
  test_chain_to_dL_dv (ex);
  bp_linear_grad_bias (w->dL_dv, db);
  bp_linear_grad_weights (w->dL_dv, w->u, dW);
  bp_linear_grad_input (ex->W, w->dL_dv, w->dL_du);
  bp_reshape_inverse (w->dL_du, dx);
  ck_assert (gsl_matrix_equal (g.dW, dW));
  ck_assert (gsl_vector_equal (g.db, db));
  ck_assert (gsl_matrix_equal (g.dx, dx));
  ck_assert_double_eq (g.L, bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w));
  grads_free (&g);
  gsl_matrix_free (dW);
  gsl_matrix_free (dx);
  gsl_vector_free (db);
  example_free (ex);
}
END_TEST

START_TEST (test_model_backward_numeric)
{
  /* every partial of W, b and x against gsl_deriv_central */
  example *ex = test_example (_i);
  grads g = backward (ex);
  const size_t kW = ex->W->size1 * ex->W->size2, kx = ex->x->size1 * ex->x->size2;
  gsl_vector *tW = gsl_vector_alloc (kW), *gW = gsl_vector_alloc (kW);
  gsl_vector *tx = gsl_vector_alloc (kx), *gx = gsl_vector_alloc (kx);
  bp_reshape (ex->W, tW);
  bp_reshape (g.dW, gW);
  bp_reshape (ex->x, tx);
  bp_reshape (g.dx, gx);
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_W),
                     tW, gW, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dW");
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_B),
                     ex->b, g.db, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/db");
  test_gradient_pass (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_X),
                     tx, gx, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dx");
  grads_free (&g);
  gsl_vector_free (tW);
  gsl_vector_free (gW);
  gsl_vector_free (tx);
  gsl_vector_free (gx);
  example_free (ex);
}
END_TEST

START_TEST (test_model_backward_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *dW = gsl_matrix_calloc (3, 4);
  gsl_matrix *dW2 = gsl_matrix_calloc (4, 3);
  gsl_matrix *x = gsl_matrix_calloc (2, 2), *dx = gsl_matrix_calloc (2, 2);
  gsl_matrix *dx2 = gsl_matrix_calloc (1, 4);
  gsl_vector *b = gsl_vector_calloc (3), *db = gsl_vector_calloc (3), *db2 = gsl_vector_calloc (2);
  gsl_vector *l = gsl_vector_calloc (3), *l4 = gsl_vector_calloc (4);
  gsl_vector_set (l, 0, 1.0);
  ck_assert_int_eq (bp_model_backward (W, b, x, l, dW, db, dx, NULL), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_backward (W, b, x, l, dW2, db, dx, NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_model_backward (W, b, x, l, dW, db2, dx, NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_model_backward (W, b, x, l, dW, db, dx2, NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_model_backward (W, b, x, l4, dW, db, dx, NULL), GSL_EBADLEN);
  gsl_matrix_free (W);
  gsl_matrix_free (dW);
  gsl_matrix_free (dW2);
  gsl_matrix_free (x);
  gsl_matrix_free (dx);
  gsl_matrix_free (dx2);
  gsl_vector_free (b);
  gsl_vector_free (db);
  gsl_vector_free (db2);
  gsl_vector_free (l);
  gsl_vector_free (l4);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_model_backward_empty_overlaps_nothing)
{
  /* an empty x (0 rows, or 0 columns) is refused for its shape, never as
     an overlap, wherever its data points (valid.h: empty blocks overlap
     nothing): x into the middle of dL_dW and dL_dx into b's, or dL_dx
     into W's or b's, or x into dL_dW's (each shape) */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *dW = gsl_matrix_calloc (3, 4);
  gsl_vector *b = gsl_vector_calloc (3), *db = gsl_vector_calloc (3), *l = gsl_vector_calloc (3);
  double other[4] = { 0.0 };
  gsl_vector_set (l, 0, 1.0);
  /* 0 x 2, x inside dL_dW */
  gsl_matrix x0 = { .size1 = 0, .size2 = 2, .tda = 2, .data = dW->data + 5 };
  gsl_matrix dx0 = { .size1 = 0, .size2 = 2, .tda = 2, .data = b->data + 1 };
  ck_assert_int_eq (bp_model_backward (W, b, &x0, l, dW, db, &dx0, NULL), GSL_EBADLEN);
  /* 0 x 2, dL_dx inside W */
  dx0.data = W->data + 5;
  ck_assert_int_eq (bp_model_backward (W, b, &x0, l, dW, db, &dx0, NULL), GSL_EBADLEN);
  /* 2 x 0, dL_dx inside W */
  gsl_matrix x2 = { .size1 = 2, .size2 = 0, .tda = 1, .data = other };
  gsl_matrix dx2 = { .size1 = 2, .size2 = 0, .tda = 1, .data = W->data + 5 };
  ck_assert_int_eq (bp_model_backward (W, b, &x2, l, dW, db, &dx2, NULL), GSL_EBADLEN);
  /* 2 x 0, dL_dx inside b */
  dx2.data = b->data + 1;
  ck_assert_int_eq (bp_model_backward (W, b, &x2, l, dW, db, &dx2, NULL), GSL_EBADLEN);
  /* 2 x 0, x inside dL_dW (the input's side of the test) */
  x2.data = dW->data + 5;
  dx2.data = other;
  ck_assert_int_eq (bp_model_backward (W, b, &x2, l, dW, db, &dx2, NULL), GSL_EBADLEN);
  gsl_matrix_free (W);
  gsl_matrix_free (dW);
  gsl_vector_free (b);
  gsl_vector_free (db);
  gsl_vector_free (l);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_model_backward_overlap_to_the_last_element)
{
  /* a matrix's memory runs from its first element to its last, (size1 -
     1) tda + size2 of them (valid.h's matrix_span): x of 3 x 2 and dL_dx
     right after it in one array are apart (taken); x of 2 x 3 and dL_dx
     starting at x's last element overlap (refused) */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (3, 6), *dW = gsl_matrix_calloc (3, 6);
  gsl_vector *b = gsl_vector_calloc (3), *db = gsl_vector_calloc (3), *l = gsl_vector_calloc (3);
  double blk[12] = { 0.0 };
  gsl_vector_set (l, 0, 1.0);
  gsl_matrix x = { .size1 = 3, .size2 = 2, .tda = 2, .data = blk };
  gsl_matrix dx = { .size1 = 3, .size2 = 2, .tda = 2, .data = blk + 6 };
  ck_assert_int_eq (bp_model_backward (W, b, &x, l, dW, db, &dx, NULL), GSL_SUCCESS);
  x = (gsl_matrix) { .size1 = 2, .size2 = 3, .tda = 3, .data = blk };
  dx = (gsl_matrix) { .size1 = 2, .size2 = 3, .tda = 3, .data = blk + 5 };
  ck_assert_int_eq (bp_model_backward (W, b, &x, l, dW, db, &dx, NULL), GSL_EINVAL);
  gsl_matrix_free (W);
  gsl_matrix_free (dW);
  gsl_vector_free (b);
  gsl_vector_free (db);
  gsl_vector_free (l);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
model_backward_suite (void)
{
  Suite *s = suite_create ("bp_model_backward");
  TCase *tc = tcase_create ("slide_17");
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_model_backward_equals_chain, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_model_backward_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_model_backward_bad_sizes);
  tcase_add_test (tc, test_model_backward_empty_overlaps_nothing);
  tcase_add_test (tc, test_model_backward_overlap_to_the_last_element);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { model_forward_suite, model_backward_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
