/* check_pool.c -- suites bp_maxpool (eq. 16.1), bp_maxpool_backward (16.2),
   bp_avgpool (16.3), bp_avgpool_backward (16.4) and flatten (bp_reshape of
   a C x (H W) image, 16.5); derivations/16-pooling.md.  The backward
   passes are checked against GSL's central differences and the complex
   step of L = sum G . Y (dL/dY = G) on the shapes below, odd sizes and
   batches included; max-pooling's rule at ties by hand, and the numeric
   derivative at a tie shown to disagree (a point of no derivative). */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_nan.h>
#include "testutil.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_gradcheck.h"
#include "lib/formulas/cnn_chain.h"

/* channels, images per row (a batch), H, W */
static const size_t shapes[][4] = {
  { 1, 1, 4, 4 }, { 2, 1, 6, 4 }, { 3, 1, 5, 7 }, { 1, 2, 2, 2 }, { 2, 3, 4, 6 },
  { 2, 2, 3, 5 },
};
#define N_SHAPES ((int) (sizeof shapes / sizeof shapes[0]))

typedef enum { MAX, AVG } pool;

typedef struct
{
  size_t C, n, H, W;
  gsl_matrix *X, *G, *Y;
  pool kind;
} point;

/* X of distinct values 0.05 apart in a random order, so that no two
   elements of a window come within the numeric steps of a tie. */
static point *
point_alloc (int i, pool kind)
{
  point *pt = malloc (sizeof *pt);
  gsl_rng *rng = test_rng (i);
  pt->C = shapes[i][0];
  pt->n = shapes[i][1];
  pt->H = shapes[i][2];
  pt->W = shapes[i][3];
  pt->kind = kind;
  const size_t cols = pt->n * pt->H * pt->W, ycols = pt->n * (pt->H / 2) * (pt->W / 2);
  const size_t total = pt->C * cols;
  double *v = malloc (total * sizeof *v);
  for (size_t t = 0; t < total; t++)
    v[t] = 0.05 * ((double) t - (double) total / 2.0);
  gsl_ran_shuffle (rng, v, total, sizeof *v);
  pt->X = gsl_matrix_alloc (pt->C, cols);
  for (size_t t = 0; t < total; t++)
    pt->X->data[t] = v[t];
  free (v);
  pt->G = gsl_matrix_alloc (pt->C, ycols);
  for (size_t t = 0; t < pt->C * ycols; t++)
    pt->G->data[t] = 2.0 * gsl_rng_uniform (rng) - 1.0;
  pt->Y = gsl_matrix_alloc (pt->C, ycols);
  gsl_rng_free (rng);
  return pt;
}

static void
point_free (point *pt)
{
  gsl_matrix_free (pt->X);
  gsl_matrix_free (pt->G);
  gsl_matrix_free (pt->Y);
  free (pt);
}

static double
loss (const gsl_vector *theta, void *params)
{
  point *pt = params;
  gsl_matrix_const_view X = gsl_matrix_const_view_vector (theta, pt->C, pt->X->size2);
  if (pt->kind == MAX)
    bp_maxpool (&X.matrix, pt->H, pt->W, pt->Y);
  else
    bp_avgpool (&X.matrix, pt->H, pt->W, pt->Y);
  double sum = 0.0;
  for (size_t t = 0; t < pt->Y->size1 * pt->Y->size2; t++)
    sum += pt->G->data[t] * pt->Y->data[t];
  return sum;
}

static double complex
closs (const gsl_vector_complex *theta, void *params)
{
  point *pt = params;
  gsl_matrix_complex_const_view X
    = gsl_matrix_complex_const_view_array (theta->data, pt->C, pt->X->size2);
  gsl_matrix_complex *Y = gsl_matrix_complex_alloc (pt->Y->size1, pt->Y->size2);
  if (pt->kind == MAX)
    bp_complex_maxpool (&X.matrix, pt->H, pt->W, Y);
  else
    bp_complex_avgpool (&X.matrix, pt->H, pt->W, Y);
  double complex sum = 0.0;
  for (size_t t = 0; t < Y->size1 * Y->size2; t++)
    sum += pt->G->data[t] * (Y->data[2 * t] + I * Y->data[2 * t + 1]);
  gsl_matrix_complex_free (Y);
  return sum;
}

/* GSL's central differences and the complex step against dL/dX */
static void
check_both (point *pt, const gsl_matrix *dX, const char *what)
{
  gsl_vector_const_view theta = gsl_vector_const_view_array (pt->X->data,
                                                             pt->X->size1 * pt->X->size2);
  gsl_vector_const_view g = gsl_vector_const_view_array (dX->data, dX->size1 * dX->size2);
  test_gradient_pass (loss, pt, &theta.vector, &g.vector, BP_CHECK_RTOL, BP_CHECK_ATOL, what);
  test_cstep_pass (closs, pt, &theta.vector, &g.vector, BP_CSTEP_RTOL,
                           BP_CSTEP_ATOL, what);
}

/* the maximum and the mean of window (i, j) of image m, channel c,
   from the definition */
static double
window (const point *pt, size_t c, size_t m, size_t i, size_t j, pool kind)
{
  double best = -GSL_DBL_MAX, sum = 0.0;
  for (size_t a = 0; a < 2; a++)
    for (size_t e = 0; e < 2; e++)
      {
        const double x = gsl_matrix_get (pt->X, c, (m * pt->H + 2 * i + a) * pt->W + 2 * j + e);
        best = x > best ? x : best;
        sum += x;
      }
  return kind == MAX ? best : sum / 4.0;
}

static void
forward_equals_definition (int i, pool kind)
{
  point *pt = point_alloc (i, kind);
  const size_t Ho = pt->H / 2, Wo = pt->W / 2;
  if (kind == MAX)
    ck_assert_int_eq (bp_maxpool (pt->X, pt->H, pt->W, pt->Y), GSL_SUCCESS);
  else
    ck_assert_int_eq (bp_avgpool (pt->X, pt->H, pt->W, pt->Y), GSL_SUCCESS);
  for (size_t c = 0; c < pt->C; c++)
    for (size_t m = 0; m < pt->n; m++)
      for (size_t a = 0; a < Ho; a++)
        for (size_t e = 0; e < Wo; e++)
          ck_assert_double_eq_tol (gsl_matrix_get (pt->Y, c, (m * Ho + a) * Wo + e),
                                   window (pt, c, m, a, e, kind), 1e-15);
  point_free (pt);
}

/* --- max-pooling ------------------------------------------------------- */

START_TEST (test_maxpool_equals_definition) { forward_equals_definition (_i, MAX); }
END_TEST

START_TEST (test_maxpool_by_hand)
{
  /* 4 x 4 -> 2 x 2: the windows' maxima 6, 8, 14, 16 of 1..16 in a
     shuffled order (the max of each window written out below) */
  const double xd[] = { 1, 6, 8, 3,
                        5, 2, 4, 7,
                        9, 14, 16, 12,
                        13, 10, 11, 15 };
  gsl_matrix_const_view X = gsl_matrix_const_view_array (xd, 1, 16);
  gsl_matrix *Y = gsl_matrix_alloc (1, 4);
  ck_assert_int_eq (bp_maxpool (&X.matrix, 4, 4, Y), GSL_SUCCESS);
  ck_assert_double_eq (gsl_matrix_get (Y, 0, 0), 6);    /* max(1, 6, 5, 2) */
  ck_assert_double_eq (gsl_matrix_get (Y, 0, 1), 8);    /* max(8, 3, 4, 7) */
  ck_assert_double_eq (gsl_matrix_get (Y, 0, 2), 14);   /* max(9, 14, 13, 10) */
  ck_assert_double_eq (gsl_matrix_get (Y, 0, 3), 16);   /* max(16, 12, 11, 15) */
  gsl_matrix_free (Y);
}
END_TEST

START_TEST (test_maxpool_bad_input)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *X = gsl_matrix_calloc (2, 16), *Y = gsl_matrix_calloc (2, 4);
  gsl_matrix *Y3 = gsl_matrix_calloc (2, 3);
  ck_assert_int_eq (bp_maxpool (X, 1, 16, Y), GSL_EINVAL);   /* H < 2 */
  ck_assert_int_eq (bp_maxpool (X, 3, 5, Y), GSL_EBADLEN);   /* 16 columns, H W = 15 */
  ck_assert_int_eq (bp_maxpool (X, 2, 4, Y), GSL_SUCCESS);   /* two 2 x 4 images */
  ck_assert_int_eq (bp_maxpool (X, 2, 4, Y3), GSL_EBADLEN);  /* Y 2 x (2 1 2) */
  gsl_matrix_free (Y3);
  gsl_matrix_set (X, 1, 3, GSL_NAN);
  ck_assert_int_eq (bp_maxpool (X, 4, 4, Y), GSL_EDOM);
  gsl_matrix_free (X);
  gsl_matrix_free (Y);
  gsl_set_error_handler (old);
}
END_TEST

/* Sizes whose product H W wraps (issue 21): to 0 (a divide by zero), and
   to 16 with (H/2)(W/2) wrapping to 4, which passed the shape checks for
   one 4 x 4 image and then read and wrote far past X and Y.  H = 2a,
   W = 2b with a b = 4 (mod 2^64): a odd, b = 4 a^-1 (Newton's iteration
   for the inverse modulo 2^64). */
START_TEST (test_pool_sizes_overflow)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const size_t a = ((size_t) 1 << 40) + 3;
  size_t inv = a;   /* a a = 1 (mod 8): 3 bits; each step doubles them */
  for (int k = 0; k < 6; k++)
    inv *= 2 - a * inv;
  ck_assert (a * inv == 1);
  const size_t H[2] = { (size_t) 1 << 32, 2 * a }, W[2] = { (size_t) 1 << 32, 2 * (4 * inv) };
  ck_assert ((H[1] / 2) * (W[1] / 2) == 4 && H[1] * W[1] == 16);
  gsl_matrix *X = gsl_matrix_calloc (2, 16), *Y = gsl_matrix_calloc (2, 4);
  gsl_matrix *dX = gsl_matrix_calloc (2, 16);
  for (int k = 0; k < 2; k++)
    {
      ck_assert_int_eq (bp_maxpool (X, H[k], W[k], Y), GSL_EBADLEN);
      ck_assert_int_eq (bp_avgpool (X, H[k], W[k], Y), GSL_EBADLEN);
      ck_assert_int_eq (bp_maxpool_backward (X, H[k], W[k], Y, dX), GSL_EBADLEN);
      ck_assert_int_eq (bp_avgpool_backward (Y, H[k], W[k], dX), GSL_EBADLEN);
    }
  gsl_matrix_free (X);
  gsl_matrix_free (Y);
  gsl_matrix_free (dX);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
maxpool_suite (void)
{
  Suite *s = suite_create ("bp_maxpool");
  TCase *tc = tcase_create ("forward");
  tcase_add_loop_test (tc, test_maxpool_equals_definition, 0, N_SHAPES);
  tcase_add_test (tc, test_maxpool_by_hand);
  tcase_add_test (tc, test_maxpool_bad_input);
  tcase_add_test (tc, test_pool_sizes_overflow);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_maxpool_backward_numeric)
{
  point *pt = point_alloc (_i, MAX);
  gsl_matrix *dX = gsl_matrix_alloc (pt->X->size1, pt->X->size2);
  ck_assert_int_eq (bp_maxpool_backward (pt->X, pt->H, pt->W, pt->G, dX), GSL_SUCCESS);
  check_both (pt, dX, "max-pooling dL/dX");
  gsl_matrix_free (dX);
  point_free (pt);
}
END_TEST

/* L = sum G . maxpool(X) at the checker's point (one block, X) */
static int
gradcheck_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  *L = loss (p->vector[0], params);
  return 0;
}

/* A window of four equal values and one of two tied maxima: the first in
   row-major order gets the whole gradient.  Central differences there see
   max(x + h, x, ...) - max(x - h, x, ...) = h, half the slope: they give
   1/2 for each tied value, which no rule gives.  The checker (bp_gradcheck)
   then takes the one-sided derivatives, 0 and dL/dY, finds the rule's
   value between them and reports the six tied elements as kinks -- points
   where max-pooling has no derivative -- not as failures; a gradient
   outside [0, dL/dY] there still fails.  The complex step agrees with the
   rule exactly. */
START_TEST (test_maxpool_ties)
{
  const double xd[] = { 3, 3, 1, 5,
                        3, 3, 5, 0 };   /* windows: all 3s; 5 at (0,3) and (1,2) */
  gsl_matrix_const_view X = gsl_matrix_const_view_array (xd, 1, 8);
  const double gd[] = { 2, -1 };
  gsl_matrix_const_view G = gsl_matrix_const_view_array (gd, 1, 2);
  gsl_matrix *dX = gsl_matrix_alloc (1, 8);
  ck_assert_int_eq (bp_maxpool_backward (&X.matrix, 2, 4, &G.matrix, dX), GSL_SUCCESS);
  const double expect[] = { 2, 0, 0, -1, 0, 0, 0, 0 };
  for (size_t t = 0; t < 8; t++)
    ck_assert_double_eq (gsl_matrix_get (dX, 0, t), expect[t]);

  point pt = { 1, 1, 2, 4, NULL, (gsl_matrix *) &G.matrix, gsl_matrix_alloc (1, 2), MAX };
  pt.X = (gsl_matrix *) &X.matrix;
  gsl_vector_const_view theta = gsl_vector_const_view_array (xd, 8);
  gsl_vector_view g = gsl_vector_view_array (dX->data, 8);
  bp_gradcheck_function F = { .loss = gradcheck_loss, .params = &pt };
  const bp_gradcheck_block blk = { .name = "X", .vector = &theta.vector };
  const bp_gradcheck_block ana = { .name = "dL/dX", .vector = &g.vector };
  bp_gradcheck_result *res = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, NULL, &res), GSL_SUCCESS);
  ck_assert_int_eq (res->verdict, BP_GRADCHECK_PASS);
  ck_assert_uint_eq (res->run[0].block[0].n_kinks, 6);
  ck_assert_uint_eq (res->run[0].block[0].n_failed, 0);
  for (size_t t = 0; t < 8; t++)   /* the kinks are the tied elements */
    ck_assert_int_eq (gsl_matrix_uchar_get (res->run[0].block[0].mask, t, 0),
                      (t == 2 || t == 7) ? BP_GRADCHECK_ELEMENT_PASS
                                         : BP_GRADCHECK_ELEMENT_KINK);
  bp_gradcheck_result_free (res);
  /* twice the gradient at the first 3 is outside [0, 2]: a failure */
  gsl_vector_set (&g.vector, 0, 4.0);
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, NULL, &res), GSL_FAILURE);
  ck_assert_uint_eq (res->run[0].block[0].n_failed, 1);
  bp_gradcheck_result_free (res);
  gsl_vector_set (&g.vector, 0, 2.0);
  /* the tied 5s: numeric -1/2 each, where the rule gives -1 and 0 */
  gsl_vector *num = gsl_vector_alloc (8);
  test_numeric_gradient (loss, &pt, &theta.vector, BP_CHECK_STEP, num, NULL);
  ck_assert_double_eq_tol (gsl_vector_get (num, 3), -0.5, 1e-8);
  ck_assert_double_eq_tol (gsl_vector_get (num, 6), -0.5, 1e-8);
  gsl_vector_free (num);
  /* the complex step moves only imaginary parts: no tie is broken, and
     bp_complex_maxpool's pick by the real parts follows the rule exactly */
  test_cstep_pass (closs, &pt, &theta.vector, &g.vector, BP_CSTEP_RTOL, BP_CSTEP_ATOL,
                   "dL/dX at the ties");
  gsl_matrix_free (pt.Y);
  gsl_matrix_free (dX);
}
END_TEST

/* bp_maxpool and its backward pass write every element of Y and dL/dX
   whatever they held, and give the same bits on two threads as on one
   (the channels shared out, pool.c): one thread into zeroed outputs
   against two into outputs full of NaN, on enough images for pool.c to
   use its threads. */
START_TEST (test_maxpool_same_bits_on_threads)
{
  /* enough images of the shape for pool.c to use its threads */
  const size_t C = shapes[_i][0], H = shapes[_i][2], W = shapes[_i][3];
  const size_t n = 32768 / (C * H * W) + 1;
  gsl_rng *rng = test_rng (_i);
  gsl_matrix *X = gsl_matrix_alloc (C, n * H * W), *G = gsl_matrix_alloc (C, n * (H / 2) * (W / 2));
  for (size_t t = 0; t < X->size1 * X->size2; t++)
    X->data[t] = (double) gsl_rng_uniform_int (rng, 8);   /* ties too */
  for (size_t t = 0; t < G->size1 * G->size2; t++)
    G->data[t] = 2.0 * gsl_rng_uniform (rng) - 1.0;
  gsl_matrix *Y[2], *dX[2];
  const int before = test_set_threads (1);
  for (int t = 0; t < 2; t++)
    {
      Y[t] = gsl_matrix_alloc (G->size1, G->size2);
      dX[t] = gsl_matrix_alloc (X->size1, X->size2);
      gsl_matrix_set_all (Y[t], t ? GSL_NAN : 0.0);
      gsl_matrix_set_all (dX[t], t ? GSL_NAN : 0.0);
      test_set_threads (t + 1);
      ck_assert_int_eq (bp_maxpool (X, H, W, Y[t]), GSL_SUCCESS);
      ck_assert_int_eq (bp_maxpool_backward (X, H, W, G, dX[t]), GSL_SUCCESS);
    }
  test_set_threads (before);
  test_assert_same_bits (Y[0], Y[1], "max-pooling Y");
  test_assert_same_bits (dX[0], dX[1], "max-pooling dL/dX");
  for (int t = 0; t < 2; t++)
    {
      gsl_matrix_free (Y[t]);
      gsl_matrix_free (dX[t]);
    }
  gsl_matrix_free (X);
  gsl_matrix_free (G);
  gsl_rng_free (rng);
}
END_TEST

/* Inside the CNN's chain (cnn_chain.h) max-pooling trusts its input and
   passes a NaN on, so that an overflow inside reaches the logits, where
   the chain looks.  Finite arguments that overflow: 8 x 8 images, one
   channel each; K1's centre tap 10 on two pixels of 1e308 makes conv1's
   output infinite at (7,5) and (7,7), the first pooling's at (3,2) and
   (3,3); K2's taps, -1 but +1 at (4,3), give conv2's outputs (1,1) and
   (1,2) inf - inf = NaN, its others below them -inf (ReLU: 0).  Those
   NaN are in no pooling window's first place: a pick that skipped them
   would hand finite features on and the loss would look finite. */
START_TEST (test_maxpool_nan_reaches_logits)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  cnn_chain *net = cnn_chain_alloc (8, 8, 1, 1, 0, 2);
  cnn_chain *grad = cnn_chain_alloc (8, 8, 1, 1, 0, 2);
  cnn_chain_workspace *w = cnn_chain_workspace_alloc (1, net);
  gsl_matrix *U = gsl_matrix_alloc (1, 64), *T = gsl_matrix_calloc (1, 2);
  gsl_matrix_set (net->K1, 0, 2 * 5 + 2, 10.0);
  gsl_matrix_set_all (net->K2, -1.0);
  gsl_matrix_set (net->K2, 0, 4 * 5 + 3, 1.0);
  gsl_matrix_set_all (net->W4, 0.1);
  gsl_matrix_set_all (U, 0.5);
  gsl_matrix_set (U, 0, 7 * 8 + 5, 1e308);
  gsl_matrix_set (U, 0, 7 * 8 + 7, 1e308);
  gsl_matrix_set (T, 0, 0, 1.0);
  ck_assert (isnan (cnn_chain_forward (net, U, T, w)));
  ck_assert_int_ne (cnn_chain_backward (net, U, T, w, grad, NULL, NULL), GSL_SUCCESS);
  gsl_matrix_free (U);
  gsl_matrix_free (T);
  cnn_chain_workspace_free (w);
  cnn_chain_free (grad);
  cnn_chain_free (net);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
maxpool_backward_suite (void)
{
  Suite *s = suite_create ("bp_maxpool_backward");
  TCase *tc = tcase_create ("dL_dX");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_maxpool_backward_numeric, 0, N_SHAPES);
  tcase_add_test (tc, test_maxpool_ties);
  tcase_add_loop_test (tc, test_maxpool_same_bits_on_threads, 0, N_SHAPES);
  tcase_add_test (tc, test_maxpool_nan_reaches_logits);
  suite_add_tcase (s, tc);
  return s;
}

/* --- average pooling --------------------------------------------------- */

START_TEST (test_avgpool_equals_definition) { forward_equals_definition (_i, AVG); }
END_TEST

START_TEST (test_avgpool_by_hand)
{
  /* 2 x 5 (the last column in no window): (1+2+6+7)/4 = 4, (3+4+8+9)/4 = 6 */
  const double xd[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  gsl_matrix_const_view X = gsl_matrix_const_view_array (xd, 1, 10);
  gsl_matrix *Y = gsl_matrix_alloc (1, 2);
  ck_assert_int_eq (bp_avgpool (&X.matrix, 2, 5, Y), GSL_SUCCESS);
  ck_assert_double_eq (gsl_matrix_get (Y, 0, 0), 4.0);
  ck_assert_double_eq (gsl_matrix_get (Y, 0, 1), 6.0);
  gsl_matrix_free (Y);
}
END_TEST

static Suite *
avgpool_suite (void)
{
  Suite *s = suite_create ("bp_avgpool");
  TCase *tc = tcase_create ("forward");
  tcase_add_loop_test (tc, test_avgpool_equals_definition, 0, N_SHAPES);
  tcase_add_test (tc, test_avgpool_by_hand);
  suite_add_tcase (s, tc);
  return s;
}

START_TEST (test_avgpool_backward_numeric)
{
  point *pt = point_alloc (_i, AVG);
  gsl_matrix *dX = gsl_matrix_alloc (pt->X->size1, pt->X->size2);
  ck_assert_int_eq (bp_avgpool_backward (pt->G, pt->H, pt->W, dX), GSL_SUCCESS);
  check_both (pt, dX, "average-pooling dL/dX");
  gsl_matrix_free (dX);
  point_free (pt);
}
END_TEST

static Suite *
avgpool_backward_suite (void)
{
  Suite *s = suite_create ("bp_avgpool_backward");
  TCase *tc = tcase_create ("dL_dX");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_avgpool_backward_numeric, 0, N_SHAPES);
  suite_add_tcase (s, tc);
  return s;
}

/* --- flatten ----------------------------------------------------------- */

/* flatten(X)[c H W + r W + q] = X[c, r, q] is bp_reshape of the C x (H W)
   matrix, and dL/dX = bp_reshape_inverse (dL/du): checked through
   max-pooling, u = flatten(maxpool(X)), against both oracles. */
START_TEST (test_flatten_index)
{
  const size_t C = 3, H = 2, W = 4;
  gsl_matrix *X = gsl_matrix_alloc (C, H * W);
  gsl_vector *u = gsl_vector_alloc (C * H * W);
  for (size_t c = 0; c < C; c++)
    for (size_t r = 0; r < H; r++)
      for (size_t q = 0; q < W; q++)
        gsl_matrix_set (X, c, r * W + q, 100.0 * (double) c + 10.0 * (double) r + (double) q);
  ck_assert_int_eq (bp_reshape (X, u), GSL_SUCCESS);
  for (size_t c = 0; c < C; c++)
    for (size_t r = 0; r < H; r++)
      for (size_t q = 0; q < W; q++)
        ck_assert_double_eq (gsl_vector_get (u, c * H * W + r * W + q),
                             100.0 * (double) c + 10.0 * (double) r + (double) q);
  gsl_matrix_free (X);
  gsl_vector_free (u);
}
END_TEST

START_TEST (test_flatten_backward_numeric)
{
  point *pt = point_alloc (_i, MAX);
  gsl_vector *g = gsl_vector_alloc (pt->G->size1 * pt->G->size2);
  gsl_matrix *dY = gsl_matrix_alloc (pt->G->size1, pt->G->size2);
  gsl_matrix *dX = gsl_matrix_alloc (pt->X->size1, pt->X->size2);
  /* dL/du = G read flat; dL/dY = reshape^-1 (dL/du); dL/dX by max-pooling */
  gsl_vector_view gflat = gsl_vector_view_array (pt->G->data, g->size);
  gsl_vector_memcpy (g, &gflat.vector);
  ck_assert_int_eq (bp_reshape_inverse (g, dY), GSL_SUCCESS);
  ck_assert_int_eq (bp_maxpool_backward (pt->X, pt->H, pt->W, dY, dX), GSL_SUCCESS);
  check_both (pt, dX, "flatten dL/dX");
  gsl_vector_free (g);
  gsl_matrix_free (dY);
  gsl_matrix_free (dX);
  point_free (pt);
}
END_TEST

static Suite *
flatten_suite (void)
{
  Suite *s = suite_create ("flatten");
  TCase *tc = tcase_create ("reshape");
  tcase_add_test (tc, test_flatten_index);
  tcase_add_loop_test (tc, test_flatten_backward_numeric, 0, N_SHAPES);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { maxpool_suite, maxpool_backward_suite,
                                      avgpool_suite, avgpool_backward_suite,
                                      flatten_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
