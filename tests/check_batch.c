/* check_batch.c -- one suite per mini-batch formula (bp_batch.h,
   derivations/14-mini-batch.md): each checked row by row against the
   single-example function it batches, and the gradients against GSL's
   central differences through bp_gradcheck. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include "testutil.h"

/* A batch problem: W n x m, b n, U B x m, T B x n (one-hot for even i,
   soft for odd i), V, Y, G B x n.  Sizes from the RNG of i (the slides'
   10 x 784 for i = 0, with a batch of 5 to keep the 7840 numeric
   partials of dL/dW quick); logits up to +-1000 for i >= TEST_LARGE_FROM. */
typedef struct
{
  size_t B, n, m;
  gsl_matrix *W, *U, *T, *V, *Y, *G, *dW;
  gsl_vector *b, *db;
} problem;

static problem *
problem_alloc (int i)
{
  gsl_rng *rng = test_rng (i);
  problem *p = malloc (sizeof *p);
  p->B = i == 0 ? 5 : 1 + gsl_rng_uniform_int (rng, 9);
  p->n = i == 0 ? 10 : 2 + gsl_rng_uniform_int (rng, 9);
  p->m = i == 0 ? 784 : 1 + gsl_rng_uniform_int (rng, 20);
  const double wscale = i >= TEST_LARGE_FROM ? 1000.0 / (double) p->m * 2 : 0.05;
  p->W = gsl_matrix_alloc (p->n, p->m);
  p->U = gsl_matrix_alloc (p->B, p->m);
  p->T = gsl_matrix_calloc (p->B, p->n);
  p->V = gsl_matrix_alloc (p->B, p->n);
  p->Y = gsl_matrix_alloc (p->B, p->n);
  p->G = gsl_matrix_alloc (p->B, p->n);
  p->dW = gsl_matrix_alloc (p->n, p->m);
  p->b = gsl_vector_alloc (p->n);
  p->db = gsl_vector_alloc (p->n);
  for (size_t k = 0; k < p->n * p->m; k++)
    p->W->data[k] = wscale * (2 * gsl_rng_uniform (rng) - 1);
  for (size_t k = 0; k < p->n; k++)
    gsl_vector_set (p->b, k, 0.1 * (2 * gsl_rng_uniform (rng) - 1));
  for (size_t k = 0; k < p->B * p->m; k++)
    p->U->data[k] = gsl_rng_uniform (rng);
  for (size_t r = 0; r < p->B; r++)
    {
      gsl_vector_view t = gsl_matrix_row (p->T, r);
      example_fill_labels (i % 2 == 0 ? LABELS_ONE_HOT : LABELS_SOFT, rng,
                              &t.vector);
    }
  gsl_rng_free (rng);
  return p;
}

static void
problem_free (problem *p)
{
  gsl_matrix_free (p->W);
  gsl_matrix_free (p->U);
  gsl_matrix_free (p->T);
  gsl_matrix_free (p->V);
  gsl_matrix_free (p->Y);
  gsl_matrix_free (p->G);
  gsl_matrix_free (p->dW);
  gsl_vector_free (p->b);
  gsl_vector_free (p->db);
  free (p);
}

/* The forward pass and the backward formulas of the batch. */
static void
problem_run (problem *p)
{
  ck_assert_int_eq (bp_batch_linear (p->W, p->b, p->U, p->V), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_softmax (p->V, p->Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (p->T, p->Y, p->G), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_grad_weights (p->G, p->U, p->dW), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_grad_bias (p->G, p->db), GSL_SUCCESS);
}

/* The batch loss as a function of V, of W and of b, for the checker. */
static double
loss_of_V (const gsl_vector *theta, void *params)
{
  problem *p = params;
  gsl_matrix_const_view V = gsl_matrix_const_view_vector (theta, p->B, p->n);
  return bp_batch_softmax_cross_entropy (p->T, &V.matrix);
}

static double
loss_of_W (const gsl_vector *theta, void *params)
{
  problem *p = params;
  gsl_matrix_const_view W = gsl_matrix_const_view_vector (theta, p->n, p->m);
  bp_batch_linear (&W.matrix, p->b, p->U, p->V);
  return bp_batch_softmax_cross_entropy (p->T, p->V);
}

static double
loss_of_b (const gsl_vector *theta, void *params)
{
  problem *p = params;
  bp_batch_linear (p->W, theta, p->U, p->V);
  return bp_batch_softmax_cross_entropy (p->T, p->V);
}

static gsl_vector *
flat_copy (const gsl_matrix *A)
{
  gsl_vector *v = gsl_vector_alloc (A->size1 * A->size2);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      gsl_vector_set (v, i * A->size2 + j, gsl_matrix_get (A, i, j));
  return v;
}

/* |a - e| <= 1e-12 max(1, |e|) */
#define assert_close(a, e) \
  ck_assert_double_le (fabs ((a) - (e)), 1e-12 * fmax (1.0, fabs (e)))

/* --- bp_batch_linear --------------------------------------------------- */

START_TEST (test_batch_linear_rows)
{
  /* row k of U W^T + 1 b^T is bp_linear (W, b, u_k) */
  problem *p = problem_alloc (_i);
  gsl_vector *v = gsl_vector_alloc (p->n);
  ck_assert_int_eq (bp_batch_linear (p->W, p->b, p->U, p->V), GSL_SUCCESS);
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view u = gsl_matrix_const_row (p->U, k);
      bp_linear (p->W, p->b, &u.vector, v);
      for (size_t i = 0; i < p->n; i++)
        assert_close (gsl_matrix_get (p->V, k, i), gsl_vector_get (v, i));
    }
  gsl_vector_free (v);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_linear_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *U = gsl_matrix_calloc (2, 4);
  gsl_matrix *U5 = gsl_matrix_calloc (2, 5), *V = gsl_matrix_calloc (2, 3);
  gsl_matrix *V1 = gsl_matrix_calloc (1, 3);
  gsl_vector *b = gsl_vector_calloc (3), *b2 = gsl_vector_calloc (2);
  ck_assert_int_eq (bp_batch_linear (W, b, U5, V), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_linear (W, b2, U, V), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_linear (W, b, U, V1), GSL_EBADLEN);
  gsl_matrix_free (W);
  gsl_matrix_free (U);
  gsl_matrix_free (U5);
  gsl_matrix_free (V);
  gsl_matrix_free (V1);
  gsl_vector_free (b);
  gsl_vector_free (b2);
  gsl_set_error_handler (old);
}
END_TEST

/* V ending just before U in one array shares no byte with it, and with
   U ending just before V: both accepted (bp_common.h refuses only an
   output that overlaps an input), V the same as into a matrix apart (assert_close). */
START_TEST (test_batch_linear_output_beside_input)
{
  problem *p = problem_alloc (1);
  const size_t B = p->B, n = p->n, m = p->m;
  ck_assert_int_eq (bp_batch_linear (p->W, p->b, p->U, p->V), GSL_SUCCESS);
  double *block = malloc ((B * n + B * m) * sizeof *block);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (int v_first = 0; v_first < 2; v_first++)
    {
      gsl_matrix_view V = gsl_matrix_view_array (block + (v_first ? 0 : B * m), B, n);
      gsl_matrix_view U = gsl_matrix_view_array (block + (v_first ? B * n : 0), B, m);
      gsl_matrix_memcpy (&U.matrix, p->U);
      ck_assert_msg (bp_batch_linear (p->W, p->b, &U.matrix, &V.matrix) == GSL_SUCCESS,
                     "V just %s U: refused", v_first ? "before" : "after");
      for (size_t k = 0; k < B; k++)
        for (size_t i = 0; i < n; i++)
          assert_close (gsl_matrix_get (&V.matrix, k, i), gsl_matrix_get (p->V, k, i));
    }
  gsl_set_error_handler (old);
  free (block);
  problem_free (p);
}
END_TEST

static Suite *
batch_linear_suite (void)
{
  Suite *s = suite_create ("bp_batch_linear");
  TCase *tc = tcase_create ("V");
  tcase_add_loop_test (tc, test_batch_linear_rows, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_linear_bad_sizes);
  tcase_add_test (tc, test_batch_linear_output_beside_input);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_softmax --------------------------------------------------- */

START_TEST (test_batch_softmax_rows)
{
  problem *p = problem_alloc (_i);
  gsl_vector *y = gsl_vector_alloc (p->n);
  bp_batch_linear (p->W, p->b, p->U, p->V);
  ck_assert_int_eq (bp_batch_softmax (p->V, p->Y), GSL_SUCCESS);
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view v = gsl_matrix_const_row (p->V, k);
      bp_softmax (&v.vector, y);
      for (size_t i = 0; i < p->n; i++)
        ck_assert_double_eq (gsl_matrix_get (p->Y, k, i), gsl_vector_get (y, i));
    }
  /* in place: Y may be V */
  ck_assert_int_eq (bp_batch_softmax (p->V, p->V), GSL_SUCCESS);
  for (size_t k = 0; k < p->B * p->n; k++)
    ck_assert_double_eq (p->V->data[k], p->Y->data[k]);
  gsl_vector_free (y);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_softmax_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *V = gsl_matrix_calloc (2, 3), *Y = gsl_matrix_calloc (3, 3);
  ck_assert_int_eq (bp_batch_softmax (V, Y), GSL_EBADLEN);
  gsl_matrix_free (V);
  gsl_matrix_free (Y);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
batch_softmax_suite (void)
{
  Suite *s = suite_create ("bp_batch_softmax");
  TCase *tc = tcase_create ("Y");
  tcase_add_loop_test (tc, test_batch_softmax_rows, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_softmax_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_softmax_cross_entropy ------------------------------------- */

START_TEST (test_batch_loss_mean)
{
  /* the mean of bp_softmax_cross_entropy over the rows; and, for moderate
     logits, of the slides' -sum labels log Softmax(v) */
  problem *p = problem_alloc (_i);
  bp_batch_linear (p->W, p->b, p->U, p->V);
  bp_batch_softmax (p->V, p->Y);
  double sum = 0.0, sum_ce = 0.0;
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view t = gsl_matrix_const_row (p->T, k);
      gsl_vector_const_view v = gsl_matrix_const_row (p->V, k);
      gsl_vector_const_view y = gsl_matrix_const_row (p->Y, k);
      sum += bp_softmax_cross_entropy (&t.vector, &v.vector);
      sum_ce += bp_cross_entropy (&t.vector, &y.vector);
    }
  const double L = bp_batch_softmax_cross_entropy (p->T, p->V);
  assert_close (L, sum / (double) p->B);
  if (_i < TEST_LARGE_FROM)
    ck_assert_double_le (fabs (L - sum_ce / (double) p->B), 1e-12 * fmax (1.0, L));
  problem_free (p);
}
END_TEST

START_TEST (test_batch_loss_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *T = gsl_matrix_calloc (2, 3), *V = gsl_matrix_calloc (2, 4);
  ck_assert (isnan (bp_batch_softmax_cross_entropy (T, V)));
  gsl_matrix_free (T);
  gsl_matrix_free (V);
  gsl_set_error_handler (old);
}
END_TEST

/* a batch of no rows (a hand-made struct: GSL allocates none): the mean
   is 0/0, refused with GSL_EBADLEN through the handler, not a NaN
   returned silently */
START_TEST (test_batch_loss_empty_batch)
{
  double buf[3] = { 0.0, 1.0, 0.0 };
  gsl_matrix T = { .size1 = 0, .size2 = 3, .tda = 3, .data = buf, .block = NULL, .owner = 0 };
  gsl_matrix V = T;
  gsl_error_handler_t *old = test_record_errors ();
  ck_assert (isnan (bp_batch_softmax_cross_entropy (&T, &V)));
  ck_assert_int_eq (test_errors.code, GSL_EBADLEN);
  gsl_set_error_handler (old);
}
END_TEST

/* a NaN or an infinity in V alone, or in Labels alone, is GSL_EDOM
   through the handler (the loss NaN), refused by the batch's own test
   (its message), not by the example's bp_softmax_cross_entropy after:
   each of the two is checked */
START_TEST (test_batch_loss_not_finite_in_one)
{
  gsl_matrix *T = gsl_matrix_calloc (2, 3), *V = gsl_matrix_calloc (2, 3);
  gsl_matrix_set (T, 0, 1, 1.0);
  gsl_matrix_set (T, 1, 2, 1.0);
  gsl_error_handler_t *old = test_record_errors ();
  const double bad[2] = { GSL_NAN, GSL_POSINF };
  for (int which = 0; which < 2; which++)
    for (int b = 0; b < 2; b++)
      {
        gsl_matrix *M = which ? T : V;
        const double saved = gsl_matrix_get (M, 1, 0);
        gsl_matrix_set (M, 1, 0, bad[b]);
        test_errors.code = 0;
        test_errors.reason = NULL;
        ck_assert (isnan (bp_batch_softmax_cross_entropy (T, V)));
        const char *want = "bp_batch_softmax_cross_entropy: Labels or V";
        ck_assert_msg (test_errors.code == GSL_EDOM && test_errors.reason
                       && strncmp (test_errors.reason, want, strlen (want)) == 0,
                       "%s %s: handler given %d, \"%s\"", which ? "Labels" : "V",
                       b ? "inf" : "NaN", test_errors.code,
                       test_errors.reason ? test_errors.reason : "");
        gsl_matrix_set (M, 1, 0, saved);
      }
  gsl_set_error_handler (old);
  gsl_matrix_free (T);
  gsl_matrix_free (V);
}
END_TEST

static Suite *
batch_loss_suite (void)
{
  Suite *s = suite_create ("bp_batch_softmax_cross_entropy");
  TCase *tc = tcase_create ("L");
  tcase_add_loop_test (tc, test_batch_loss_mean, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_loss_bad_sizes);
  tcase_add_test (tc, test_batch_loss_empty_batch);
  tcase_add_test (tc, test_batch_loss_not_finite_in_one);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_softmax_cross_entropy_grad -------------------------------- */

START_TEST (test_batch_grad_V_rows)
{
  /* row k is bp_softmax_cross_entropy_grad (t_k, y_k) / B */
  problem *p = problem_alloc (_i);
  gsl_vector *g = gsl_vector_alloc (p->n);
  problem_run (p);
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view t = gsl_matrix_const_row (p->T, k);
      gsl_vector_const_view y = gsl_matrix_const_row (p->Y, k);
      bp_softmax_cross_entropy_grad (&t.vector, &y.vector, g);
      for (size_t i = 0; i < p->n; i++)
        assert_close (gsl_matrix_get (p->G, k, i), gsl_vector_get (g, i) / (double) p->B);
    }
  gsl_vector_free (g);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_V_numeric)
{
  problem *p = problem_alloc (_i);
  problem_run (p);
  gsl_vector *theta = flat_copy (p->V), *grad = flat_copy (p->G);
  test_gradient_pass (loss_of_V, p, theta, grad, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dV");
  gsl_vector_free (theta);
  gsl_vector_free (grad);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_V_extreme)
{
  /* logits of +-1000: the loss and dL/dV stay finite and exact.
     Row 0: v = (1000, -1000), label class 1: L_0 = lse - v_1
            = 1000 + log(1 + e^-2000) + 1000 = 2000 (e^-2000 is 0 in double);
            y = (1, 0), dL/dv = (1 - 0, 0 - 1) = (1, -1).
     Row 1: v = (-1000, 1000), label class 1: L_1 = 0, dL/dv = (0, 0).
     Mean: L = 1000; dL/dV = rows / 2. */
  gsl_matrix *V = gsl_matrix_alloc (2, 2), *T = gsl_matrix_calloc (2, 2);
  gsl_matrix *Y = gsl_matrix_alloc (2, 2), *G = gsl_matrix_alloc (2, 2);
  gsl_matrix_set (V, 0, 0, 1000.0);
  gsl_matrix_set (V, 0, 1, -1000.0);
  gsl_matrix_set (V, 1, 0, -1000.0);
  gsl_matrix_set (V, 1, 1, 1000.0);
  gsl_matrix_set (T, 0, 1, 1.0);
  gsl_matrix_set (T, 1, 1, 1.0);
  ck_assert_double_eq (bp_batch_softmax_cross_entropy (T, V), 1000.0);
  bp_batch_softmax (V, Y);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (T, Y, G), GSL_SUCCESS);
  const double expected[2][2] = { { 0.5, -0.5 }, { 0.0, 0.0 } };
  for (size_t k = 0; k < 2; k++)
    for (size_t i = 0; i < 2; i++)
      ck_assert_double_eq (gsl_matrix_get (G, k, i), expected[k][i]);
  gsl_matrix_free (V);
  gsl_matrix_free (T);
  gsl_matrix_free (Y);
  gsl_matrix_free (G);
}
END_TEST

START_TEST (test_batch_grad_V_random_extreme)
{
  /* random logits in [-1000, 1000]: every loss and gradient finite, each
     row of dL/dV sums to 0 (sum y = sum labels = 1), and the gradient
     matches central differences */
  gsl_rng *rng = test_rng (_i);
  problem *p = problem_alloc (_i);
  for (size_t k = 0; k < p->B * p->n; k++)
    p->V->data[k] = 1000.0 * (2 * gsl_rng_uniform (rng) - 1);
  const double L = bp_batch_softmax_cross_entropy (p->T, p->V);
  ck_assert (isfinite (L));
  bp_batch_softmax (p->V, p->Y);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (p->T, p->Y, p->G), GSL_SUCCESS);
  for (size_t k = 0; k < p->B; k++)
    {
      double sum = 0.0;
      for (size_t i = 0; i < p->n; i++)
        {
          ck_assert (isfinite (gsl_matrix_get (p->G, k, i)));
          sum += gsl_matrix_get (p->G, k, i);
        }
      ck_assert_double_le (fabs (sum), 1e-15);
    }
  gsl_vector *theta = flat_copy (p->V), *grad = flat_copy (p->G);
  test_gradient_pass (loss_of_V, p, theta, grad, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dV at logits of +-1000");
  gsl_vector_free (theta);
  gsl_vector_free (grad);
  problem_free (p);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_batch_grad_V_errors)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *T = gsl_matrix_calloc (2, 3), *Y = gsl_matrix_calloc (2, 3);
  gsl_matrix *G = gsl_matrix_calloc (2, 3), *G4 = gsl_matrix_calloc (2, 4);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (T, Y, G4), GSL_EBADLEN);
  /* labels that do not sum to 1: the fused form does not hold */
  gsl_matrix_set (T, 0, 0, 1.0);
  gsl_matrix_set (T, 1, 0, 0.5);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (T, Y, G), GSL_EDOM);
  gsl_matrix_free (T);
  gsl_matrix_free (Y);
  gsl_matrix_free (G);
  gsl_matrix_free (G4);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
batch_grad_V_suite (void)
{
  Suite *s = suite_create ("bp_batch_softmax_cross_entropy_grad");
  TCase *tc = tcase_create ("dL_dV");
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_batch_grad_V_rows, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_batch_grad_V_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_grad_V_extreme);
  tcase_add_loop_test (tc, test_batch_grad_V_random_extreme, 1, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_grad_V_errors);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_grad_weights ---------------------------------------------- */

START_TEST (test_batch_grad_W_rows)
{
  /* dL/dV^T U = sum_k bp_linear_grad_weights (g_k, u_k) */
  problem *p = problem_alloc (_i);
  gsl_matrix *sum = gsl_matrix_calloc (p->n, p->m), *one = gsl_matrix_alloc (p->n, p->m);
  problem_run (p);
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view g = gsl_matrix_const_row (p->G, k);
      gsl_vector_const_view u = gsl_matrix_const_row (p->U, k);
      bp_linear_grad_weights (&g.vector, &u.vector, one);
      gsl_matrix_add (sum, one);
    }
  for (size_t k = 0; k < p->n * p->m; k++)
    assert_close (p->dW->data[k], sum->data[k]);
  gsl_matrix_free (sum);
  gsl_matrix_free (one);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_W_numeric)
{
  problem *p = problem_alloc (_i);
  problem_run (p);
  gsl_vector *theta = flat_copy (p->W), *grad = flat_copy (p->dW);
  test_gradient_pass (loss_of_W, p, theta, grad, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dW");
  gsl_vector_free (theta);
  gsl_vector_free (grad);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_W_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *G = gsl_matrix_calloc (2, 3), *U = gsl_matrix_calloc (3, 4);
  gsl_matrix *U2 = gsl_matrix_calloc (2, 4), *dW = gsl_matrix_calloc (3, 5);
  ck_assert_int_eq (bp_batch_grad_weights (G, U, dW), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_grad_weights (G, U2, dW), GSL_EBADLEN);
  gsl_matrix_free (G);
  gsl_matrix_free (U);
  gsl_matrix_free (U2);
  gsl_matrix_free (dW);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
batch_grad_W_suite (void)
{
  Suite *s = suite_create ("bp_batch_grad_weights");
  TCase *tc = tcase_create ("dL_dW");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_batch_grad_W_rows, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_batch_grad_W_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_grad_W_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_grad_bias ------------------------------------------------- */

START_TEST (test_batch_grad_b_rows)
{
  /* dL/dV^T 1 = sum_k bp_linear_grad_bias (g_k) */
  problem *p = problem_alloc (_i);
  gsl_vector *sum = gsl_vector_calloc (p->n), *one = gsl_vector_alloc (p->n);
  problem_run (p);
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view g = gsl_matrix_const_row (p->G, k);
      bp_linear_grad_bias (&g.vector, one);
      gsl_vector_add (sum, one);
    }
  for (size_t i = 0; i < p->n; i++)
    assert_close (gsl_vector_get (p->db, i), gsl_vector_get (sum, i));
  gsl_vector_free (sum);
  gsl_vector_free (one);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_b_numeric)
{
  problem *p = problem_alloc (_i);
  problem_run (p);
  gsl_vector *theta = gsl_vector_alloc (p->n);
  gsl_vector_memcpy (theta, p->b);
  test_gradient_pass (loss_of_b, p, theta, p->db, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/db");
  gsl_vector_free (theta);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_b_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *G = gsl_matrix_calloc (2, 3);
  gsl_vector *db = gsl_vector_calloc (2);
  ck_assert_int_eq (bp_batch_grad_bias (G, db), GSL_EBADLEN);
  gsl_matrix_free (G);
  gsl_vector_free (db);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
batch_grad_b_suite (void)
{
  Suite *s = suite_create ("bp_batch_grad_bias");
  TCase *tc = tcase_create ("dL_db");
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_batch_grad_b_rows, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_batch_grad_b_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_grad_b_bad_sizes);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_grad_input ------------------------------------------------ */

/* The batch loss as a function of U. */
static double
loss_of_U (const gsl_vector *theta, void *params)
{
  problem *p = params;
  gsl_matrix_const_view U = gsl_matrix_const_view_vector (theta, p->B, p->m);
  bp_batch_linear (p->W, p->b, &U.matrix, p->V);
  return bp_batch_softmax_cross_entropy (p->T, p->V);
}

START_TEST (test_batch_grad_U_rows)
{
  /* row k of dL/dV W is bp_linear_grad_input (W, g_k): each example's own
     input gradient, not summed */
  problem *p = problem_alloc (_i);
  gsl_matrix *dU = gsl_matrix_alloc (p->B, p->m);
  gsl_vector *du = gsl_vector_alloc (p->m);
  problem_run (p);
  ck_assert_int_eq (bp_batch_grad_input (p->W, p->G, dU), GSL_SUCCESS);
  for (size_t k = 0; k < p->B; k++)
    {
      gsl_vector_const_view g = gsl_matrix_const_row (p->G, k);
      bp_linear_grad_input (p->W, &g.vector, du);
      for (size_t j = 0; j < p->m; j++)
        assert_close (gsl_matrix_get (dU, k, j), gsl_vector_get (du, j));
    }
  gsl_vector_free (du);
  gsl_matrix_free (dU);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_U_numeric)
{
  problem *p = problem_alloc (_i);
  gsl_matrix *dU = gsl_matrix_alloc (p->B, p->m);
  problem_run (p);
  bp_batch_grad_input (p->W, p->G, dU);
  gsl_vector *theta = flat_copy (p->U), *grad = flat_copy (dU);
  test_gradient_pass (loss_of_U, p, theta, grad, BP_CHECK_RTOL, BP_CHECK_ATOL, "dL/dU");
  gsl_vector_free (theta);
  gsl_vector_free (grad);
  gsl_matrix_free (dU);
  problem_free (p);
}
END_TEST

START_TEST (test_batch_grad_U_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *G = gsl_matrix_calloc (2, 3);
  gsl_matrix *G2 = gsl_matrix_calloc (2, 2), *dU = gsl_matrix_calloc (2, 4);
  gsl_matrix *dU5 = gsl_matrix_calloc (2, 5), *dU1 = gsl_matrix_calloc (1, 4);
  ck_assert_int_eq (bp_batch_grad_input (W, G2, dU), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_grad_input (W, G, dU5), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_grad_input (W, G, dU1), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_grad_input (W, G, dU), GSL_SUCCESS);
  gsl_matrix_free (W);
  gsl_matrix_free (G);
  gsl_matrix_free (G2);
  gsl_matrix_free (dU);
  gsl_matrix_free (dU5);
  gsl_matrix_free (dU1);
  gsl_set_error_handler (old);
}
END_TEST

/* dL/dU of the wrong rows alone, or the wrong columns alone, is refused
   by bp_batch_grad_input's own test (its message, once), not by the
   product (dgemm) after it */
START_TEST (test_batch_grad_U_wrong_shape_message)
{
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *G = gsl_matrix_calloc (2, 3);
  gsl_matrix *dU5 = gsl_matrix_calloc (2, 5), *dU1 = gsl_matrix_calloc (1, 4);
  gsl_matrix *dU[2] = { dU5, dU1 };
  const char *want = "bp_batch_grad_input: dL_dU must be B x m";
  gsl_error_handler_t *old = test_record_errors ();
  for (int k = 0; k < 2; k++)
    {
      test_errors.code = 0;
      test_errors.reason = NULL;
      ck_assert_int_eq (bp_batch_grad_input (W, G, dU[k]), GSL_EBADLEN);
      ck_assert_msg (test_errors.reason && strncmp (test_errors.reason, want, strlen (want)) == 0,
                     "dL/dU %zu x %zu refused with \"%s\"", dU[k]->size1, dU[k]->size2,
                     test_errors.reason ? test_errors.reason : "");
    }
  gsl_set_error_handler (old);
  gsl_matrix_free (W);
  gsl_matrix_free (G);
  gsl_matrix_free (dU5);
  gsl_matrix_free (dU1);
}
END_TEST

static Suite *
batch_grad_U_suite (void)
{
  Suite *s = suite_create ("bp_batch_grad_input");
  TCase *tc = tcase_create ("dL_dU");
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_batch_grad_U_rows, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_batch_grad_U_numeric, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_batch_grad_U_bad_sizes);
  tcase_add_test (tc, test_batch_grad_U_wrong_shape_message);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_batch_workspace ------------------------------------------------- */

START_TEST (test_batch_workspace_views)
{
  bp_batch_workspace *w = bp_batch_workspace_alloc (8, 3, 5);
  ck_assert_ptr_nonnull (w);
  gsl_matrix_view U, V;
  ck_assert_int_eq (bp_batch_workspace_view (w, 3, &U, NULL, &V, NULL, NULL), GSL_SUCCESS);
  ck_assert_uint_eq (U.matrix.size1, 3);
  ck_assert_uint_eq (U.matrix.size2, 5);
  ck_assert_ptr_eq (U.matrix.data, w->U->data);
  ck_assert_uint_eq (V.matrix.size1, 3);
  ck_assert_uint_eq (V.matrix.size2, 3);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_batch_workspace_view (w, 9, &U, NULL, NULL, NULL, NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_workspace_view (w, 0, &U, NULL, NULL, NULL, NULL), GSL_EBADLEN);
  ck_assert_ptr_null (bp_batch_workspace_alloc (0, 3, 5));
  gsl_set_error_handler (old);
  bp_batch_workspace_free (w);
}
END_TEST

static Suite *
batch_workspace_suite (void)
{
  Suite *s = suite_create ("bp_batch_workspace");
  TCase *tc = tcase_create ("views");
  tcase_add_test (tc, test_batch_workspace_views);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = {
    batch_linear_suite, batch_softmax_suite, batch_loss_suite, batch_grad_V_suite,
    batch_grad_W_suite, batch_grad_b_suite, batch_grad_U_suite, batch_workspace_suite
  };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
