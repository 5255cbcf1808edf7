/* check_mlp.c -- suites mlp_chain_forward and mlp_chain_backward: the two-layer
   network u = reshape(x), z = W1 u + b1, h = f(z), v = W2 h + b2,
   y = Softmax(v), L = CE(labels, y) (derivations/12-two-layer-network.md).
   Every gradient (W1, b1, W2, b2, x) against gsl_deriv_central, for each
   activation, on several sizes and seeds. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"
#include "verify/verify.h"

/* Loop index k: configuration k / 3 (sizes and seed), activation k % 3. */
#define MLP_CONFIGS 6
#define MLP_LOOPS (3 * MLP_CONFIGS)

/* Configuration 0 is the slides' image: 10 classes, 28 x 28, with H = 8;
   the others draw n in 2..10, H in 1..8 and a 1..6 x 1..6 image.  Even
   configurations have one-hot labels, odd ones soft labels. */
static mlp_example *
config_example (int k)
{
  const int i = k / 3;
  const bp_activation act = (bp_activation) (k % 3);
  gsl_rng *rng = test_rng (200 + i);
  size_t n = 10, H = 8, rows = 28, cols = 28;
  if (i != 0)
    {
      n = 2 + gsl_rng_uniform_int (rng, 9);
      H = 1 + gsl_rng_uniform_int (rng, 8);
      rows = 1 + gsl_rng_uniform_int (rng, 6);
      cols = 1 + gsl_rng_uniform_int (rng, 6);
    }
  mlp_example *ex = mlp_example_alloc (n, H, rows, cols, act,
                                             i % 2 ? LABELS_SOFT : LABELS_ONE_HOT,
                                             rng);
  gsl_rng_free (rng);
  return ex;
}

/* The numeric gradient of L in the block theta (mlp_block_loss, as
   `backprop verify' checks it), compared with grad; vectors are 1-column
   views. */
static void
check_part (mlp_example *ex, size_t block, const gsl_matrix *theta,
            const gsl_matrix *grad, const char *what)
{
  mlp_block_params b = { ex, block, NULL, NULL };
  const bp_gradcheck_function f = { mlp_block_loss, NULL, 0, NULL, NULL, NULL, &b, NULL, 0 };
  test_gradcheck_pass (&f, theta, grad, BP_GRADCHECK_CENTRAL, BP_CHECK_RTOL,
                       BP_CHECK_ATOL, what);
}

static gsl_matrix
column (gsl_vector *v)
{
  return gsl_matrix_view_vector (v, v->size, 1).matrix;
}

START_TEST (test_mlp_backward_numeric)
{
  mlp_example *ex = config_example (_i);
  mlp_chain *net = ex->net, *g = ex->grad;
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  double L = NAN;
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, ex->labels, ex->ws, g, dL_dx, &L),
                    GSL_SUCCESS);
  ck_assert_double_eq (L, mlp_chain_forward (net, ex->x, ex->labels, ex->ws));
  if (net->act == BP_RELU)
    /* central differences must not straddle ReLU's kink at 0: every
       z_j is further from 0 than a step of 1e-4 can move it */
    for (size_t j = 0; j < net->H; j++)
      ck_assert_msg (fabs (gsl_vector_get (ex->ws->z, j)) > 1e-2,
                     "z_%zu = %g is near the kink of ReLU; choose another seed",
                     j, gsl_vector_get (ex->ws->z, j));
  gsl_matrix b1 = column (net->b1), db1 = column (g->b1);
  gsl_matrix b2 = column (net->b2), db2 = column (g->b2);
  const char *name = bp_activation_name (net->act);
  ck_assert_ptr_nonnull (name);
  check_part (ex, MLP_W2, net->W2, g->W2, "dL/dW2");
  check_part (ex, MLP_B2, &b2, &db2, "dL/db2");
  check_part (ex, MLP_W1, net->W1, g->W1, "dL/dW1");
  check_part (ex, MLP_B1, &b1, &db1, "dL/db1");
  check_part (ex, MLP_X, ex->x, dL_dx, "dL/dx");
  gsl_matrix_free (dL_dx);
  mlp_example_free (ex);
}
END_TEST

START_TEST (test_mlp_backward_without_dx)
{
  /* dL_dx = NULL skips dL/du and dL/dx and changes nothing else */
  mlp_example *ex = config_example (_i);
  mlp_chain *g2 = mlp_chain_alloc (ex->net->m, ex->net->H, ex->net->n, ex->net->act);
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  mlp_chain_backward (ex->net, ex->x, ex->labels, ex->ws, ex->grad, dL_dx, NULL);
  ck_assert_int_eq (mlp_chain_backward (ex->net, ex->x, ex->labels, ex->ws, g2, NULL, NULL),
                    GSL_SUCCESS);
  ck_assert (gsl_matrix_equal (ex->grad->W1, g2->W1));
  ck_assert (gsl_vector_equal (ex->grad->b1, g2->b1));
  ck_assert (gsl_matrix_equal (ex->grad->W2, g2->W2));
  ck_assert (gsl_vector_equal (ex->grad->b2, g2->b2));
  gsl_matrix_free (dL_dx);
  mlp_chain_free (g2);
  mlp_example_free (ex);
}
END_TEST

START_TEST (test_mlp_backward_bad_input)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  mlp_example *ex = config_example (3);     /* soft labels */
  mlp_chain *net = ex->net;
  mlp_chain *wrong = mlp_chain_alloc (net->m, net->H + 1, net->n, net->act);
  gsl_matrix *x_wrong = gsl_matrix_alloc (net->m + 1, 1);
  gsl_matrix *dx_wrong = gsl_matrix_alloc (ex->x->size2 + 1, ex->x->size1);
  gsl_vector *labels_wrong = gsl_vector_alloc (net->n + 1);
  gsl_vector_set_all (labels_wrong, 1.0 / (double) (net->n + 1));
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, ex->labels, ex->ws, wrong, NULL, NULL),
                    GSL_EBADLEN);
  /* a grad whose W1 alone is of another shape (one input more): b1, W2
     and b2 fit, and are left as they were */
  mlp_chain *wide = mlp_chain_alloc (net->m + 1, net->H, net->n, net->act);
  gsl_vector_set_all (wide->b1, 7.0);
  gsl_matrix_set_all (wide->W2, 7.0);
  gsl_vector_set_all (wide->b2, 7.0);
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, ex->labels, ex->ws, wide, NULL, NULL),
                    GSL_EBADLEN);
  ck_assert (gsl_vector_max (wide->b1) == 7.0 && gsl_vector_min (wide->b1) == 7.0);
  ck_assert (gsl_matrix_max (wide->W2) == 7.0 && gsl_matrix_min (wide->W2) == 7.0);
  ck_assert (gsl_vector_max (wide->b2) == 7.0 && gsl_vector_min (wide->b2) == 7.0);
  mlp_chain_free (wide);
  ck_assert_int_eq (mlp_chain_backward (wrong, ex->x, ex->labels, ex->ws, ex->grad, NULL, NULL),
                    GSL_EBADLEN);
  ck_assert_int_eq (mlp_chain_backward (net, x_wrong, ex->labels, ex->ws, ex->grad, NULL, NULL),
                    GSL_EBADLEN);
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, labels_wrong, ex->ws, ex->grad, NULL, NULL),
                    GSL_EBADLEN);
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, ex->labels, ex->ws, ex->grad, dx_wrong, NULL),
                    GSL_EBADLEN);
  /* dL/dv = y - labels holds only for labels summing to 1 */
  gsl_vector_scale (ex->labels, 2.0);
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, ex->labels, ex->ws, ex->grad, NULL, NULL),
                    GSL_EDOM);
  ck_assert (isnan (mlp_chain_forward (net, x_wrong, NULL, ex->ws)));
  ck_assert_ptr_null (mlp_chain_alloc (0, 1, 1, BP_RELU));
  ck_assert_ptr_null (mlp_chain_alloc (1, 1, 1, (bp_activation) 9));
  ck_assert_ptr_null (mlp_chain_workspace_alloc (1, 0, 1));
  mlp_chain_free (wrong);
  gsl_matrix_free (x_wrong);
  gsl_matrix_free (dx_wrong);
  gsl_vector_free (labels_wrong);
  mlp_example_free (ex);
  gsl_set_error_handler (old);
}
END_TEST

/* labels that are grad's b2, or lie in grad's W2: an output over an
   input, GSL_EINVAL (valid.h's mlp_overlaps_vector, each block alone);
   labels (1, 0, ...) copied there first, so that the sizes and values
   are right and only the overlap is wrong */
START_TEST (test_mlp_backward_grad_over_labels)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  mlp_example *ex = config_example (3);
  mlp_chain *net = ex->net, *g = ex->grad;
  const size_t n = net->n;
  gsl_vector_set_basis (g->b2, 0);
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, g->b2, ex->ws, g, NULL, NULL), GSL_EINVAL);
  gsl_vector_view in_W2 = gsl_vector_view_array (g->W2->data, n);
  gsl_vector_set_basis (&in_W2.vector, 0);
  ck_assert_int_eq (mlp_chain_backward (net, ex->x, &in_W2.vector, ex->ws, g, NULL, NULL),
                    GSL_EINVAL);
  mlp_example_free (ex);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
mlp_backward_suite (void)
{
  Suite *s = suite_create ("mlp_chain_backward");
  TCase *tc = tcase_create ("gradients");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_mlp_backward_numeric, 0, MLP_LOOPS);
  tcase_add_loop_test (tc, test_mlp_backward_without_dx, 0, 6);
  tcase_add_test (tc, test_mlp_backward_bad_input);
  tcase_add_test (tc, test_mlp_backward_grad_over_labels);
  suite_add_tcase (s, tc);
  return s;
}

/* --- mlp_chain_forward --------------------------------------------------- */

/* 1 input, 1 hidden unit, 2 classes: x = 2, W1 = 3, b1 = -1, so z = 5;
   W2 = (1, -1)^T, b2 = 0, so v = (f(5), -f(5)) and, with labels (1, 0),
   L = log(1 + e^{-2 f(5)}). */
static double
tiny_loss (bp_activation act, double *y0)
{
  mlp_chain *net = mlp_chain_alloc (1, 1, 2, act);
  mlp_chain_workspace *w = mlp_chain_workspace_alloc (1, 1, 2);
  gsl_matrix *x = gsl_matrix_alloc (1, 1);
  gsl_vector *labels = gsl_vector_calloc (2);
  gsl_matrix_set (x, 0, 0, 2.0);
  gsl_matrix_set (net->W1, 0, 0, 3.0);
  gsl_vector_set (net->b1, 0, -1.0);
  gsl_matrix_set (net->W2, 0, 0, 1.0);
  gsl_matrix_set (net->W2, 1, 0, -1.0);
  gsl_vector_set (labels, 0, 1.0);
  const double L = mlp_chain_forward (net, x, labels, w);
  *y0 = gsl_vector_get (w->y, 0);
  ck_assert_double_eq (gsl_vector_get (w->z, 0), 5.0);
  mlp_chain_free (net);
  mlp_chain_workspace_free (w);
  gsl_matrix_free (x);
  gsl_vector_free (labels);
  return L;
}

START_TEST (test_mlp_forward_by_hand)
{
  /* f(5) = 5 (ReLU), 1/(1 + e^-5) (sigmoid), tanh 5; y_0 = 1/(1 + e^{-2 f(5)}) */
  const double f5[] = { 5.0, 1.0 / (1.0 + exp (-5.0)), tanh (5.0) };
  for (int a = 0; a < 3; a++)
    {
      double y0;
      const double L = tiny_loss ((bp_activation) a, &y0);
      ck_assert_double_eq_tol (L, log1p (exp (-2.0 * f5[a])), 1e-15);
      ck_assert_double_eq_tol (y0, 1.0 / (1.0 + exp (-2.0 * f5[a])), 1e-15);
    }
}
END_TEST

START_TEST (test_mlp_forward_zero_weights)
{
  /* all parameters 0: v = 0, y uniform, L = log n for one-hot labels */
  mlp_example *ex = config_example (3 * _i);
  mlp_chain *net = ex->net;
  gsl_matrix_set_zero (net->W1);
  gsl_vector_set_zero (net->b1);
  gsl_matrix_set_zero (net->W2);
  gsl_vector_set_zero (net->b2);
  gsl_vector_set_zero (ex->labels);
  gsl_vector_set (ex->labels, 0, 1.0);
  const double L = mlp_chain_forward (net, ex->x, ex->labels, ex->ws);
  ck_assert_double_eq_tol (L, log ((double) net->n), 1e-14);
  for (size_t k = 0; k < net->n; k++)
    ck_assert_double_eq_tol (gsl_vector_get (ex->ws->y, k), 1.0 / (double) net->n, 1e-15);
  ck_assert_double_eq (mlp_chain_forward (net, ex->x, NULL, ex->ws), 0.0);
  mlp_example_free (ex);
}
END_TEST

static Suite *
mlp_forward_suite (void)
{
  Suite *s = suite_create ("mlp_chain_forward");
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_mlp_forward_by_hand);
  tcase_add_loop_test (tc, test_mlp_forward_zero_weights, 0, MLP_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { mlp_forward_suite, mlp_backward_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
