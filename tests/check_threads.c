/* check_threads.c -- suites bp_deriv_gradient_threads,
   bp_deriv_jacobian_threads, example_partial (the losses `backprop
   verify' evaluates from the point), bp_check_directional_gradient and
   bp_check_directional_jacobian: the fast checker agrees with the plain
   one, and the directional check still catches each deliberately wrong
   gradient of check_checker.c; and every entry point of the checker
   refuses what the others refuse.  derivations/00-numeric-check.md */
#include <config.h>
#include <float.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <complex.h>
#include <string.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_complex_step.h"
#include "verify/example_partial.h"
#include "testutil.h"

/* f(t) = sum_i sin(t_i) + t_0 t_1^2 (as check_checker.c), pure: thread-safe */
static double
known_f (const gsl_vector *t, void *params)
{
  (void) params;
  double s = 0.0;
  for (size_t i = 0; i < t->size; i++)
    s += sin (gsl_vector_get (t, i));
  return s + gsl_vector_get (t, 0) * pow (gsl_vector_get (t, 1), 2);
}

static double
known_partial (const gsl_vector *t, size_t j, void *params)
{
  (void) j;
  return known_f (t, params);
}

/* f(t) = (t_0 t_1, exp t_0, sum_i t_i^3) */
static int
known_fv (const gsl_vector *t, void *params, gsl_vector *out)
{
  (void) params;
  double cubes = 0.0;
  for (size_t i = 0; i < t->size; i++)
    cubes += pow (gsl_vector_get (t, i), 3);
  gsl_vector_set (out, 0, gsl_vector_get (t, 0) * gsl_vector_get (t, 1));
  gsl_vector_set (out, 1, exp (gsl_vector_get (t, 0)));
  gsl_vector_set (out, 2, cubes);
  return GSL_SUCCESS;
}

static int
known_partial_fv (const gsl_vector *t, size_t j, void *params, gsl_vector *out)
{
  (void) j;
  return known_fv (t, params, out);
}

static int
failing_partial_fv (const gsl_vector *t, size_t j, void *params, gsl_vector *out)
{
  known_partial_fv (t, j, params, out);
  return j == 3 ? GSL_EDOM : GSL_SUCCESS;
}

static gsl_vector *
spread_vector (size_t n)
{
  gsl_vector *t = gsl_vector_alloc (n);
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (t, i, 0.37 * (double) i - 2.0);
  return t;
}

/* --- bp_deriv_gradient_threads ---------------------------------------- */

START_TEST (test_gradient_threads_equals_serial)
{
  /* the same steps and the same gsl_deriv_central per coordinate: the
     numbers are those of bp_deriv_gradient, bit for bit, for 1 or 2 threads */
  const size_t n = 203;
  gsl_vector *t = spread_vector (n);
  gsl_vector *g = gsl_vector_alloc (n), *e = gsl_vector_alloc (n);
  gsl_vector *g1 = gsl_vector_alloc (n), *e1 = gsl_vector_alloc (n);
  void *params[2] = { NULL, NULL };
  ck_assert_int_eq (bp_deriv_gradient (known_f, NULL, t, BP_CHECK_STEP, g, e), GSL_SUCCESS);
  for (size_t threads = 1; threads <= 2; threads++)
    {
      ck_assert_int_eq (bp_deriv_gradient_threads (known_partial, params, threads, t,
                                                   BP_CHECK_STEP, g1, e1), GSL_SUCCESS);
      for (size_t i = 0; i < n; i++)
        {
          ck_assert_double_eq (gsl_vector_get (g1, i), gsl_vector_get (g, i));
          ck_assert_double_eq (gsl_vector_get (e1, i), gsl_vector_get (e, i));
        }
    }
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_vector_free (e);
  gsl_vector_free (g1);
  gsl_vector_free (e1);
}
END_TEST

START_TEST (test_gradient_threads_bad_input)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *t = spread_vector (4), *g = gsl_vector_alloc (3);
  gsl_vector *g4 = gsl_vector_alloc (4);
  void *params[1] = { NULL };
  ck_assert_int_eq (bp_deriv_gradient_threads (known_partial, params, 1, t,
                                               BP_CHECK_STEP, g, NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_deriv_gradient_threads (known_partial, params, 0, t,
                                               BP_CHECK_STEP, g4, NULL), GSL_EINVAL);
  ck_assert_int_eq (bp_deriv_gradient_threads (known_partial, params, 1, t, 0.0, g4, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (bp_check_gradient_threads (known_partial, params, 1, t, g, 1e-6, 1e-9,
                                               NULL), GSL_EBADLEN);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_vector_free (g4);
  gsl_set_error_handler (old);
}
END_TEST

/* --- bp_deriv_jacobian_threads ---------------------------------------- */

START_TEST (test_jacobian_threads_equals_serial)
{
  const size_t n = 37;
  gsl_vector *t = spread_vector (n);
  gsl_matrix *J = gsl_matrix_alloc (3, n), *E = gsl_matrix_alloc (3, n);
  gsl_matrix *J1 = gsl_matrix_alloc (3, n), *E1 = gsl_matrix_alloc (3, n);
  void *params[2] = { NULL, NULL };
  ck_assert_int_eq (bp_deriv_jacobian (known_fv, NULL, t, BP_CHECK_STEP, J, E), GSL_SUCCESS);
  ck_assert_int_eq (bp_deriv_jacobian_threads (known_partial_fv, params, 2, t, BP_CHECK_STEP,
                                               J1, E1), GSL_SUCCESS);
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < n; j++)
      {
        ck_assert_double_eq (gsl_matrix_get (J1, i, j), gsl_matrix_get (J, i, j));
        ck_assert_double_eq (gsl_matrix_get (E1, i, j), gsl_matrix_get (E, i, j));
      }
  /* and the analytic Jacobian passes: rows t_1, t_0, 0...; e^t_0, 0...; 3 t_j^2 */
  gsl_matrix_set_zero (J);
  gsl_matrix_set (J, 0, 0, gsl_vector_get (t, 1));
  gsl_matrix_set (J, 0, 1, gsl_vector_get (t, 0));
  gsl_matrix_set (J, 1, 0, exp (gsl_vector_get (t, 0)));
  for (size_t j = 0; j < n; j++)
    gsl_matrix_set (J, 2, j, 3 * pow (gsl_vector_get (t, j), 2));
  bp_check_result r;
  ck_assert_int_eq (bp_check_jacobian_threads (known_partial_fv, params, 2, t, J,
                                               BP_CHECK_RTOL, BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r.n_checked, 3 * n);
  /* an error of the function is reported */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_deriv_jacobian_threads (failing_partial_fv, params, 2, t,
                                               BP_CHECK_STEP, J1, NULL), GSL_EDOM);
  gsl_set_error_handler (old);
  gsl_vector_free (t);
  gsl_matrix_free (J);
  gsl_matrix_free (E);
  gsl_matrix_free (J1);
  gsl_matrix_free (E1);
}
END_TEST

/* --- example_partial ----------------------------------------------- */

/* How far two evaluations of the loss at the same point may differ when
   they compute v = W u + b in different orders: each v_i is within
   gamma_{m+1} S_i of the exact value (S_i = |b_i| + sum_k |w_ik u_k|,
   gamma_k = k eps / (1 - k eps), Higham's bound for a sum of products),
   so the two within 2 gamma S_i + eps |v_i| (one more addition); L moves
   by at most sum_i |dL/dv_i| = sum_i |y_i - labels_i| <= 2 times that;
   softmax and cross-entropy add their own rounding, 8 n eps (|L| + 1). */
static double
rounding_bound (const gsl_matrix *W, const gsl_vector *b, const gsl_vector *u, double L)
{
  const size_t n = W->size1, m = W->size2;
  const double eps = DBL_EPSILON, gamma = (m + 1) * eps / (1 - (m + 1) * eps);
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double S = fabs (gsl_vector_get (b, i));
      for (size_t k = 0; k < m; k++)
        S += fabs (gsl_matrix_get (W, i, k) * gsl_vector_get (u, k));
      worst = fmax (worst, (2 * gamma + eps) * S);
    }
  return 2 * worst + 8 * n * eps * (fabs (L) + 1);
}

START_TEST (test_partial_losses_equal_full_ones)
{
  /* at points moved in one coordinate by amounts from 1e-9 to 1 (and not at
     all), each partial loss equals the plain loss of example.c */
  example *ex = test_example (_i);
  const size_t n = ex->W->size1, m = ex->W->size2;
  example_partials *P = example_partials_alloc (ex, 1);
  gsl_rng *rng = test_rng (400 + _i);
  gsl_vector *vecW = gsl_vector_alloc (n * m), *vecx = gsl_vector_alloc (m);
  gsl_vector *u = gsl_vector_alloc (m);
  gsl_matrix *W1 = gsl_matrix_alloc (n, m), *x1 = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  ck_assert_ptr_nonnull (P);
  for (int trial = 0; trial < 40; trial++)
    {
      const double step = pow (10.0, -9.0 + 9.0 * gsl_rng_uniform (rng)) * (trial % 5 != 0);
      const size_t jW = gsl_rng_uniform_int (rng, n * m), ju = gsl_rng_uniform_int (rng, m);
      bp_reshape (ex->W, vecW);
      bp_reshape (ex->x, vecx);
      bp_reshape (ex->x, u);
      *gsl_vector_ptr (vecW, jW) += step;
      *gsl_vector_ptr (vecx, ju) += step;
      *gsl_vector_ptr (u, ju) += step;
      gsl_matrix_const_view Wv = gsl_matrix_const_view_vector (vecW, n, m);
      gsl_matrix_const_view xv = gsl_matrix_const_view_vector (vecx, ex->x->size1,
                                                               ex->x->size2);
      gsl_matrix_memcpy (W1, &Wv.matrix);
      gsl_matrix_memcpy (x1, &xv.matrix);
      gsl_vector *ux = gsl_vector_alloc (m), *u0 = gsl_vector_alloc (m);
      bp_reshape (x1, ux);
      bp_reshape (ex->x, u0);
      /* W moved */
      double full = example_loss_of_block (vecW, EXAMPLE_BLOCK (ex, EX_W));
      double part = example_partial_loss_of_W (vecW, jW, P->params[0]);
      ck_assert_double_eq_tol (part, full, rounding_bound (W1, ex->b, u0, full));
      /* u moved */
      full = example_loss_of_block (u, EXAMPLE_BLOCK (ex, EX_U));
      part = example_partial_loss_of_u (u, ju, P->params[0]);
      ck_assert_double_eq_tol (part, full, rounding_bound (ex->W, ex->b, u, full));
      /* x moved: its j is not used */
      full = example_loss_of_block (vecx, EXAMPLE_BLOCK (ex, EX_X));
      part = example_partial_loss_of_x (vecx, 0, P->params[0]);
      ck_assert_double_eq_tol (part, full, rounding_bound (ex->W, ex->b, ux, full));
      gsl_vector_free (ux);
      gsl_vector_free (u0);
    }
  example_partials_free (P);
  gsl_vector_free (vecW);
  gsl_vector_free (vecx);
  gsl_vector_free (u);
  gsl_matrix_free (W1);
  gsl_matrix_free (x1);
  gsl_rng_free (rng);
  example_free (ex);
}
END_TEST

START_TEST (test_partial_x_sees_every_moved_element)
{
  /* x moved in several elements at once: the comparison finds them all */
  example *ex = test_example (_i);
  const size_t m = ex->W->size2;
  example_partials *P = example_partials_alloc (ex, 1);
  gsl_vector *vecx = gsl_vector_alloc (m), *ux = gsl_vector_alloc (m);
  bp_reshape (ex->x, vecx);
  for (size_t k = 0; k < m; k += 2)
    *gsl_vector_ptr (vecx, k) += 0.01 * (double) (k + 1);
  gsl_matrix_const_view xv = gsl_matrix_const_view_vector (vecx, ex->x->size1, ex->x->size2);
  bp_reshape (&xv.matrix, ux);
  const double full = example_loss_of_block (vecx, EXAMPLE_BLOCK (ex, EX_X));
  /* each of the m/2 column updates adds one more rounding of v */
  const double tol = (double) m * rounding_bound (ex->W, ex->b, ux, full);
  ck_assert_double_eq_tol (example_partial_loss_of_x (vecx, 0, P->params[0]), full, tol);
  gsl_vector_free (vecx);
  gsl_vector_free (ux);
  example_partials_free (P);
  example_free (ex);
}
END_TEST

START_TEST (test_threads_catch_off_by_1e4)
{
  /* the path of `backprop verify': right dL/dW passes on 2 threads; one
     element off by 1e-4 fails, at that element */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  const size_t k = w->n * w->m;
  example_partials *P = example_partials_alloc (ex, 2);
  gsl_matrix *dW = gsl_matrix_alloc (w->n, w->m);
  gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  gsl_rng *rng = test_rng (100 + _i);
  const size_t bad = gsl_rng_uniform_int (rng, k);
  bp_check_result r;
  test_chain_to_dL_dv (ex);
  bp_linear_grad_weights (w->dL_dv, w->u, dW);
  bp_reshape (ex->W, t);
  bp_reshape (dW, g);
  ck_assert_int_eq (bp_check_gradient_threads (example_partial_loss_of_W, P->params, 2,
                                               t, g, BP_CHECK_RTOL, BP_CHECK_ATOL, &r),
                    GSL_SUCCESS);
  ck_assert_uint_eq (r.n_checked, k);
  *gsl_vector_ptr (g, bad) += 1e-4;
  ck_assert_int_eq (bp_check_gradient_threads (example_partial_loss_of_W, P->params, 2,
                                               t, g, BP_CHECK_RTOL, BP_CHECK_ATOL, &r),
                    GSL_FAILURE);
  ck_assert_uint_eq (r.n_failed, 1);
  ck_assert_uint_eq (r.worst_index, bad);
  ck_assert_double_eq_tol (r.worst_analytic - r.worst_numeric, 1e-4, 1e-8);
  example_partials_free (P);
  gsl_matrix_free (dW);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_rng_free (rng);
  example_free (ex);
}
END_TEST

/* --- bp_check_directional_gradient ------------------------------------ */

/* The analytic gradients of the example: dL/dW and dL/dx as vectors
   (row-major), dL/du, dL/db. */
typedef struct
{
  gsl_vector *W, *x, *u, *b;
} gradients;

static gradients
right_gradients (example *ex)
{
  bp_model_workspace *w = ex->ws;
  gradients g = { gsl_vector_alloc (w->n * w->m), gsl_vector_alloc (w->m),
                  gsl_vector_alloc (w->m), gsl_vector_alloc (w->n) };
  gsl_matrix *dW = gsl_matrix_alloc (w->n, w->m);
  test_chain_to_dL_dv (ex);
  bp_linear_grad_weights (w->dL_dv, w->u, dW);
  bp_reshape (dW, g.W);
  bp_linear_grad_input (ex->W, w->dL_dv, g.u);
  gsl_vector_memcpy (g.x, g.u);       /* reshape^-1 then reshape: the same order */
  bp_linear_grad_bias (w->dL_dv, g.b);
  gsl_matrix_free (dW);
  return g;
}

static void
gradients_free (gradients *g)
{
  gsl_vector_free (g->W);
  gsl_vector_free (g->x);
  gsl_vector_free (g->u);
  gsl_vector_free (g->b);
}

START_TEST (test_directional_passes_right_gradients)
{
  example *ex = test_example (_i);
  gradients g = right_gradients (ex);
  gsl_vector *vecW = gsl_vector_alloc (g.W->size), *vecx = gsl_vector_alloc (g.x->size);
  gsl_vector *u = gsl_vector_alloc (g.u->size);
  gsl_rng *rng = test_rng (500 + _i);
  bp_check_result r;
  bp_reshape (ex->W, vecW);
  bp_reshape (ex->x, vecx);
  gsl_vector_memcpy (u, ex->ws->u);
  ck_assert_int_eq (bp_check_directional_gradient (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_W),
                                                   vecW, g.W,
                                                   BP_CHECK_DIRECTIONS, rng, BP_CHECK_RTOL,
                                                   BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r.n_checked, BP_CHECK_DIRECTIONS);
  test_assert_pass (r, "dL/dW");
  ck_assert_int_eq (bp_check_directional_gradient (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_X),
                                                   vecx, g.x,
                                                   BP_CHECK_DIRECTIONS, rng, BP_CHECK_RTOL,
                                                   BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_int_eq (bp_check_directional_gradient (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_U),
                                                   u, g.u,
                                                   BP_CHECK_DIRECTIONS, rng, BP_CHECK_RTOL,
                                                   BP_CHECK_ATOL, &r), GSL_SUCCESS);
  ck_assert_int_eq (bp_check_directional_gradient (example_loss_of_block, EXAMPLE_BLOCK (ex, EX_B),
                                                   ex->b, g.b,
                                                   BP_CHECK_DIRECTIONS, rng, BP_CHECK_RTOL,
                                                   BP_CHECK_ATOL, &r), GSL_SUCCESS);
  gradients_free (&g);
  gsl_vector_free (vecW);
  gsl_vector_free (vecx);
  gsl_vector_free (u);
  gsl_rng_free (rng);
  example_free (ex);
}
END_TEST

START_TEST (test_directional_bad_input)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_rng *rng = test_rng (0);
  gsl_vector *t = spread_vector (4), *g = gsl_vector_alloc (3), *g4 = gsl_vector_alloc (4);
  gsl_matrix *J = gsl_matrix_alloc (3, 3);
  ck_assert_int_eq (bp_check_directional_gradient (known_f, NULL, t, g, 4, rng, 1e-6, 1e-9,
                                                   NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_check_directional_gradient (known_f, NULL, t, g4, 0, rng, 1e-6, 1e-9,
                                                   NULL), GSL_EINVAL);
  ck_assert_int_eq (bp_check_directional_jacobian (known_fv, NULL, t, J, 4, rng, 1e-6, 1e-9,
                                                   NULL), GSL_EBADLEN);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_vector_free (g4);
  gsl_matrix_free (J);
  gsl_rng_free (rng);
  gsl_set_error_handler (old);
}
END_TEST

/* --- bp_check_directional_jacobian ------------------------------------ */

START_TEST (test_directional_jacobian)
{
  /* the softmax Jacobian y_i (1[i=j] - y_j) passes; without its y_i factor
     (J'_ij = 1[i=j] - y_j) it fails: w^T (J' - J) d is 0 only on a set of
     directions of probability 0 */
  gsl_rng *rng = test_rng (300 + _i);
  const size_t n = 2 + gsl_rng_uniform_int (rng, 11);
  gsl_vector *v = test_logits (rng, n, 5.0), *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n), *Jw = gsl_matrix_alloc (n, n);
  bp_check_result r;
  bp_softmax (v, y);
  bp_softmax_jacobian (y, J);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      gsl_matrix_set (Jw, i, j, (i == j ? 1.0 : 0.0) - gsl_vector_get (y, j));
  ck_assert_int_eq (bp_check_directional_jacobian (example_softmax, NULL, v, J,
                                                   BP_CHECK_DIRECTIONS, rng, BP_CHECK_RTOL,
                                                   BP_CHECK_ATOL, &r), GSL_SUCCESS);
  test_assert_pass (r, "softmax Jacobian");
  ck_assert_int_eq (bp_check_directional_jacobian (example_softmax, NULL, v, Jw,
                                                   BP_CHECK_DIRECTIONS, rng, BP_CHECK_RTOL,
                                                   BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_uint_ge (r.n_failed, BP_CHECK_DIRECTIONS / 2);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
  gsl_matrix_free (Jw);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
gradient_threads_suite (void)
{
  Suite *s = suite_create ("bp_deriv_gradient_threads");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, test_gradient_threads_equals_serial);
  tcase_add_test (tc, test_gradient_threads_bad_input);
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_threads_catch_off_by_1e4, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
jacobian_threads_suite (void)
{
  Suite *s = suite_create ("bp_deriv_jacobian_threads");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, test_jacobian_threads_equals_serial);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
partial_suite (void)
{
  Suite *s = suite_create ("example_partial");
  TCase *tc = tcase_create ("core");
  tcase_add_loop_test (tc, test_partial_losses_equal_full_ones, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_partial_x_sees_every_moved_element, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
directional_gradient_suite (void)
{
  Suite *s = suite_create ("bp_check_directional_gradient");
  TCase *tc = tcase_create ("core");
  tcase_add_loop_test (tc, test_directional_passes_right_gradients, 0, TEST_CONFIGS);
  tcase_add_test (tc, test_directional_bad_input);
  suite_add_tcase (s, tc);
  /* the teeth of the directions: check_checker.c's test_check_catches_*,
     through bp_gradcheck by every element and by directions */
  return s;
}

static Suite *
directional_jacobian_suite (void)
{
  Suite *s = suite_create ("bp_check_directional_jacobian");
  TCase *tc = tcase_create ("core");
  tcase_add_loop_test (tc, test_directional_jacobian, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

/* --- every entry point refuses what the others refuse ------------------ */

/* The complex forms of known_f and known_fv for the complex step */
static double complex
known_cf (const gsl_vector_complex *t, void *params)
{
  (void) params;
  double complex s = 0.0;
  for (size_t i = 0; i < t->size; i++)
    s += csin (GSL_REAL (gsl_vector_complex_get (t, i))
               + I * GSL_IMAG (gsl_vector_complex_get (t, i)));
  return s;
}

static int
known_cfv (const gsl_vector_complex *t, void *params, gsl_vector_complex *out)
{
  (void) params;
  gsl_vector_complex_set_zero (out);
  gsl_vector_complex_set (out, 0, gsl_vector_complex_get (t, 0));
  return GSL_SUCCESS;
}

static int
known_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  *L = known_f (p->vector[0], params);
  return 0;
}

/* The entry points of the checker, each called by call_entry below. */
enum { EN = 4, EM = 3 };
static const struct
{
  const char *name;
  int has_h, has_tol;
} entries[] = {
  { "bp_deriv_gradient", 1, 0 }, { "bp_deriv_jacobian", 1, 0 },
  { "bp_deriv_gradient_threads", 1, 0 }, { "bp_deriv_jacobian_threads", 1, 0 },
  { "bp_cstep_gradient", 1, 0 }, { "bp_cstep_jacobian", 1, 0 },
  { "bp_check_gradient", 0, 1 }, { "bp_check_jacobian", 0, 1 },
  { "bp_check_gradient_threads", 0, 1 }, { "bp_check_jacobian_threads", 0, 1 },
  { "bp_check_directional_gradient", 0, 1 }, { "bp_check_directional_jacobian", 0, 1 },
  { "bp_cstep_check_gradient", 0, 1 }, { "bp_cstep_check_jacobian", 0, 1 },
  { "bp_gradcheck (central)", 1, 1 }, { "bp_gradcheck (directional)", 1, 1 },
  { "bp_gradcheck (Taylor)", 1, 1 },
};

/* Entry point k at theta (n = 4) with step h (where it takes one) and
   tolerances rtol, atol (where it takes them), against zero gradients. */
static int
call_entry (size_t k, const gsl_vector *t, double h, double rtol, double atol)
{
  void *params[2] = { NULL, NULL };
  gsl_vector *g = gsl_vector_calloc (EN);
  gsl_matrix *J = gsl_matrix_calloc (EM, EN);
  gsl_rng *rng = test_rng (1);
  static const unsigned methods[3] = { BP_GRADCHECK_CENTRAL, BP_GRADCHECK_DIRECTIONAL,
                                       BP_GRADCHECK_TAYLOR };
  bp_gradcheck_function F = { .loss = known_loss };
  const bp_gradcheck_block b = { .vector = t }, a = { .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  int s;
  switch (k)
    {
    case 0: s = bp_deriv_gradient (known_f, NULL, t, h, g, NULL); break;
    case 1: s = bp_deriv_jacobian (known_fv, NULL, t, h, J, NULL); break;
    case 2: s = bp_deriv_gradient_threads (known_partial, params, 2, t, h, g, NULL); break;
    case 3: s = bp_deriv_jacobian_threads (known_partial_fv, params, 2, t, h, J, NULL); break;
    case 4: s = bp_cstep_gradient (known_cf, NULL, t, h, g); break;
    case 5: s = bp_cstep_jacobian (known_cfv, NULL, t, h, J); break;
    case 6: s = bp_check_gradient (known_f, NULL, t, g, rtol, atol, NULL); break;
    case 7: s = bp_check_jacobian (known_fv, NULL, t, J, rtol, atol, NULL); break;
    case 8:
      s = bp_check_gradient_threads (known_partial, params, 2, t, g, rtol, atol, NULL);
      break;
    case 9:
      s = bp_check_jacobian_threads (known_partial_fv, params, 2, t, J, rtol, atol, NULL);
      break;
    case 10:
      s = bp_check_directional_gradient (known_f, NULL, t, g, 4, rng, rtol, atol, NULL);
      break;
    case 11:
      s = bp_check_directional_jacobian (known_fv, NULL, t, J, 4, rng, rtol, atol, NULL);
      break;
    case 12: s = bp_cstep_check_gradient (known_cf, NULL, t, g, rtol, atol, NULL); break;
    case 13: s = bp_cstep_check_jacobian (known_cfv, NULL, t, J, rtol, atol, NULL); break;
    default:
      o.method = methods[k - 14];
      o.h = h;
      o.rtol = rtol;
      o.atol = atol;
      o.threads = 2;
      s = bp_gradcheck (&F, 1, &b, &a, &o, NULL);
      break;
    }
  gsl_vector_free (g);
  gsl_matrix_free (J);
  gsl_rng_free (rng);
  return s;
}

START_TEST (test_every_entry_point_refuses_the_same)
{
  /* a NaN or infinite theta: GSL_EDOM everywhere (the threaded twins
     accepted it); a step 0, negative, infinite or NaN: GSL_EINVAL
     everywhere a step is taken (they accepted an infinite one); a NaN,
     negative or infinite rtol or atol: GSL_EINVAL everywhere a tolerance
     is taken.  The well-formed call is refused by none. */
  const size_t n_entries = sizeof entries / sizeof entries[0];
  const double bad_h[] = { 0.0, -1e-4, GSL_POSINF, GSL_NAN };
  const double bad_tol[] = { GSL_NAN, -1e-6, GSL_POSINF };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *t = spread_vector (EN);
  for (size_t k = 0; k < n_entries; k++)
    {
      const double h = strstr (entries[k].name, "cstep") ? BP_CSTEP_STEP : BP_CHECK_STEP;
      const int ok = call_entry (k, t, h, 1e-6, 1e-9);
      ck_assert_msg (ok <= 0, "%s refuses a well-formed call: %d", entries[k].name, ok);
      for (int nonfinite = 0; nonfinite < 2; nonfinite++)
        {
          gsl_vector_set (t, 2, nonfinite ? GSL_POSINF : GSL_NAN);
          ck_assert_msg (call_entry (k, t, h, 1e-6, 1e-9) == GSL_EDOM,
                         "%s: theta with %s", entries[k].name, nonfinite ? "inf" : "NaN");
          gsl_vector_set (t, 2, -1.26);
        }
      for (size_t j = 0; entries[k].has_h && j < 4; j++)
        ck_assert_msg (call_entry (k, t, bad_h[j], 1e-6, 1e-9) == GSL_EINVAL,
                       "%s: h = %g", entries[k].name, bad_h[j]);
      for (size_t j = 0; entries[k].has_tol && j < 3; j++)
        {
          ck_assert_msg (call_entry (k, t, h, bad_tol[j], 1e-9) == GSL_EINVAL,
                         "%s: rtol = %g", entries[k].name, bad_tol[j]);
          ck_assert_msg (call_entry (k, t, h, 1e-6, bad_tol[j]) == GSL_EINVAL,
                         "%s: atol = %g", entries[k].name, bad_tol[j]);
        }
    }
  gsl_vector_free (t);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
refusal_suite (void)
{
  Suite *s = suite_create ("one_checker_refusals");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, test_every_entry_point_refuses_the_same);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { gradient_threads_suite, jacobian_threads_suite,
                                      partial_suite, directional_gradient_suite,
                                      directional_jacobian_suite, refusal_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
