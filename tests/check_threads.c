/* check_threads.c -- suites example_partial (the losses `backprop verify'
   evaluates from the point, checked on threads), directional (random
   directions agree with the element-wise checker and still catch a
   wrong Jacobian) and one_checker_refusals (every method of
   bp_gradcheck refuses the same input).  derivations/00-numeric-check.md */
#include <config.h>
#include <float.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <string.h>
#include <gsl/gsl_nan.h>
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

static gsl_vector *
spread_vector (size_t n)
{
  gsl_vector *t = gsl_vector_alloc (n);
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (t, i, 0.37 * (double) i - 2.0);
  return t;
}

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
  const double eps = DBL_EPSILON, gamma = (double) (m + 1) * eps / (1 - (double) (m + 1) * eps);
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double S = fabs (gsl_vector_get (b, i));
      for (size_t k = 0; k < m; k++)
        S += fabs (gsl_matrix_get (W, i, k) * gsl_vector_get (u, k));
      worst = fmax (worst, (2 * gamma + eps) * S);
    }
  return 2 * worst + 8 * (double) n * eps * (fabs (L) + 1);
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

/* example_partial_loss_of_W as bp_gradcheck's callback: the moved
   element's index (0 at the point) and the calling thread's workspace */
static int
partial_W (const bp_gradcheck_point *pt, void *params, double *L)
{
  example_partials *P = params;
  const size_t j = pt->moved_block == BP_GRADCHECK_NONE ? 0 : pt->moved_row;
  *L = example_partial_loss_of_W (pt->vector[0], j, P->params[pt->thread]);
  return isfinite (*L) ? 0 : 1;
}

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
  test_chain_to_dL_dv (ex);
  bp_linear_grad_weights (w->dL_dv, w->u, dW);
  bp_reshape (ex->W, t);
  bp_reshape (dW, g);
  const bp_gradcheck_function f = { .loss = partial_W, .params = P };
  const bp_gradcheck_block theta = { .name = "W", .vector = t },
      a = { .name = "dL/dW", .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.threads = 2;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &theta, &a, &o, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r->run[0].n_checked, k);
  bp_gradcheck_result_free (r);
  *gsl_vector_ptr (g, bad) += 1e-4;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &theta, &a, &o, &r), GSL_FAILURE);
  const bp_gradcheck_element *e = &r->run[0].worst;
  ck_assert_uint_eq (r->run[0].n_failed, 1);
  ck_assert_uint_eq (e->row, bad);
  ck_assert_double_eq_tol (e->analytic - e->numeric, 1e-4, 1e-8);
  bp_gradcheck_result_free (r);
  example_partials_free (P);
  gsl_matrix_free (dW);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_rng_free (rng);
  example_free (ex);
}
END_TEST

/* --- the directions ------------------------------------------------------ */

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

/* bp_gradcheck's directions for f at t against g (J): PASS or not */
static int
directional (const test_plain *q, const gsl_vector *t, const gsl_vector *g,
             const gsl_matrix *J, bp_gradcheck_result **r)
{
  return test_plain_check (q, t, g, J, BP_GRADCHECK_DIRECTIONAL, BP_CHECK_STEP,
                           BP_CHECK_RTOL, BP_CHECK_ATOL, r);
}

START_TEST (test_directional_passes_right_gradients)
{
  example *ex = test_example (_i);
  gradients g = right_gradients (ex);
  gsl_vector *vecW = gsl_vector_alloc (g.W->size), *vecx = gsl_vector_alloc (g.x->size);
  gsl_vector *u = gsl_vector_alloc (g.u->size);
  bp_reshape (ex->W, vecW);
  bp_reshape (ex->x, vecx);
  gsl_vector_memcpy (u, ex->ws->u);
  const size_t blocks[4] = { EX_W, EX_X, EX_U, EX_B };
  const gsl_vector *at[4] = { vecW, vecx, u, ex->b }, *grad[4] = { g.W, g.x, g.u, g.b };
  for (size_t k = 0; k < 4; k++)
    {
      const test_plain q = { .f = example_loss_of_block,
                             .params = EXAMPLE_BLOCK (ex, blocks[k]) };
      bp_gradcheck_result *r;
      ck_assert_int_eq (directional (&q, at[k], grad[k], NULL, &r), GSL_SUCCESS);
      ck_assert_uint_eq (r->run[0].n_directions, BP_CHECK_DIRECTIONS);
      bp_gradcheck_result_free (r);
    }
  gradients_free (&g);
  gsl_vector_free (vecW);
  gsl_vector_free (vecx);
  gsl_vector_free (u);
  example_free (ex);
}
END_TEST

START_TEST (test_directional_jacobian)
{
  /* the softmax Jacobian y_i (1[i=j] - y_j) passes; without its y_i factor
     (J'_ij = 1[i=j] - y_j) it fails: w^T (J' - J) d is 0 only on a set of
     directions of probability 0 */
  gsl_rng *rng = test_rng (300 + _i);
  const size_t n = 2 + gsl_rng_uniform_int (rng, 11);
  gsl_vector *v = test_logits (rng, n, 5.0), *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n), *Jw = gsl_matrix_alloc (n, n);
  bp_softmax (v, y);
  bp_softmax_jacobian (y, J);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      gsl_matrix_set (Jw, i, j, (i == j ? 1.0 : 0.0) - gsl_vector_get (y, j));
  const test_plain q = { .fv = example_softmax };
  bp_gradcheck_result *r;
  ck_assert_int_eq (directional (&q, v, NULL, J, &r), GSL_SUCCESS);
  bp_gradcheck_result_free (r);
  ck_assert_int_eq (directional (&q, v, NULL, Jw, &r), GSL_FAILURE);
  ck_assert_uint_ge (r->run[0].n_directions_failed, BP_CHECK_DIRECTIONS / 2);
  bp_gradcheck_result_free (r);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
  gsl_matrix_free (Jw);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
partial_suite (void)
{
  Suite *s = suite_create ("example_partial");
  TCase *tc = tcase_create ("core");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_partial_losses_equal_full_ones, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_partial_x_sees_every_moved_element, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_threads_catch_off_by_1e4, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
directional_suite (void)
{
  Suite *s = suite_create ("directional");
  TCase *tc = tcase_create ("core");
  tcase_add_loop_test (tc, test_directional_passes_right_gradients, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_directional_jacobian, 0, TEST_CONFIGS);
  suite_add_tcase (s, tc);
  /* the teeth of the directions: check_checker.c's test_check_catches_*,
     through bp_gradcheck by every element and by directions */
  return s;
}

/* --- every method refuses what the others refuse -------------------------- */

static int
known_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  *L = known_f (p->vector[0], params);
  return 0;
}

static const struct
{
  const char *name;
  unsigned method;
} entries[] = {
  { "central", BP_GRADCHECK_CENTRAL }, { "directional", BP_GRADCHECK_DIRECTIONAL },
  { "Taylor", BP_GRADCHECK_TAYLOR },
};

/* Method k at theta (n = 4) with step h and tolerances rtol, atol, on 2
   threads, against zero gradients. */
static int
call_entry (size_t k, const gsl_vector *t, double h, double rtol, double atol)
{
  gsl_vector *g = gsl_vector_calloc (t->size);
  bp_gradcheck_function F = { .loss = known_loss };
  const bp_gradcheck_block b = { .vector = t }, a = { .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = entries[k].method;
  o.h = h;
  o.rtol = rtol;
  o.atol = atol;
  o.threads = 2;
  const int s = bp_gradcheck (&F, 1, &b, &a, &o, NULL);
  gsl_vector_free (g);
  return s;
}

START_TEST (test_every_entry_point_refuses_the_same)
{
  /* a NaN or infinite theta: GSL_EDOM by every method; a step 0,
     negative, infinite or NaN: GSL_EINVAL; a NaN, negative or infinite
     rtol or atol: GSL_EINVAL.  The well-formed call is refused by none. */
  const size_t n_entries = sizeof entries / sizeof entries[0];
  const double bad_h[] = { 0.0, -1e-4, GSL_POSINF, GSL_NAN };
  const double bad_tol[] = { GSL_NAN, -1e-6, GSL_POSINF };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *t = spread_vector (4);
  for (size_t k = 0; k < n_entries; k++)
    {
      const double h = BP_CHECK_STEP;
      const int ok = call_entry (k, t, h, 1e-6, 1e-9);
      ck_assert_msg (ok <= 0, "%s refuses a well-formed call: %d", entries[k].name, ok);
      for (int nonfinite = 0; nonfinite < 2; nonfinite++)
        {
          gsl_vector_set (t, 2, nonfinite ? GSL_POSINF : GSL_NAN);
          ck_assert_msg (call_entry (k, t, h, 1e-6, 1e-9) == GSL_EDOM,
                         "%s: theta with %s", entries[k].name, nonfinite ? "inf" : "NaN");
          gsl_vector_set (t, 2, -1.26);
        }
      for (size_t j = 0; j < 4; j++)
        ck_assert_msg (call_entry (k, t, bad_h[j], 1e-6, 1e-9) == GSL_EINVAL,
                       "%s: h = %g", entries[k].name, bad_h[j]);
      for (size_t j = 0; j < 3; j++)
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
  Suite *(*const suites[]) (void) = { partial_suite, directional_suite, refusal_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
