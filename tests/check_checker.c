/* check_checker.c -- suites bp_check (the teeth) and bp_gradcheck: the numeric checker itself, on
   functions with known derivatives, and its teeth: deliberately wrong
   gradients must fail, at the element that is wrong.
   derivations/00-numeric-check.md */
#include <config.h>
#include <float.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_deriv.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_complex_step.h"
#include "failalloc.h"
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
  test_numeric_gradient (known_f, NULL, &t.vector, BP_CHECK_STEP, num, err);
  for (size_t i = 0; i < 4; i++)
    {
      ck_assert_double_eq_tol (gsl_vector_get (num, i), gsl_vector_get (g, i), 1e-8);
      ck_assert (gsl_vector_get (err, i) < 1e-6);
    }
  test_gradient_pass (known_f, NULL, &t.vector, g, BP_CHECK_RTOL, BP_CHECK_ATOL, "known f");
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
  test_jacobian_pass (known_fv, NULL, &t.vector, &J.matrix, BP_CHECK_RTOL, BP_CHECK_ATOL,
                      "known J");
  /* and a wrong entry is caught where it is */
  gsl_matrix *Jw = gsl_matrix_alloc (3, 2);
  gsl_matrix_memcpy (Jw, &J.matrix);
  gsl_matrix_set (Jw, 2, 1, 3 * b * b + 1e-4);
  const test_plain q = { .fv = known_fv };
  bp_gradcheck_result *r;
  ck_assert_int_eq (test_plain_check (&q, &t.vector, NULL, Jw, BP_GRADCHECK_CENTRAL,
                                      BP_CHECK_STEP, BP_CHECK_RTOL, BP_CHECK_ATOL, &r),
                    GSL_FAILURE);
  ck_assert_uint_eq (r->run[0].n_failed, 1);
  ck_assert_uint_eq (r->run[0].worst.output, 2);     /* output 2, element 1 */
  ck_assert_uint_eq (r->run[0].worst.row, 1);
  ck_assert_int_eq (gsl_matrix_uchar_get (r->run[0].block[0].mask, 2, 1),
                    BP_GRADCHECK_ELEMENT_FAIL);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (Jw);
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

/* the example's loss of one block (params: an EXAMPLE_BLOCK) as
   bp_gradcheck's loss */
static int
block_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  *L = example_loss_of_block (p->vector[0], params);
  return 0;
}

/* The teeth check each wrong gradient element by element and by the
   directions (localized by group testing): the same elements named. */
static const unsigned teeth_method[2] = { BP_GRADCHECK_CENTRAL, BP_GRADCHECK_DIRECTIONAL };

/* bp_gradcheck of blk's loss at t against g by method (defaults
   otherwise); *res the result, its one block's figures in *b */
static int
check_block (void *blk, const gsl_vector *t, const gsl_vector *g, unsigned method,
             bp_gradcheck_result **res, const bp_gradcheck_block_result **b)
{
  bp_gradcheck_function f = { .loss = block_loss, .params = blk };
  bp_gradcheck_block theta = { .vector = t }, a = { .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = method;
  const int status = bp_gradcheck (&f, 1, &theta, &a, &o, res);
  *b = *res ? &(*res)->run[0].block[0] : NULL;
  return status;
}

START_TEST (test_check_catches_off_by_1e4)
{
  /* one element of dL/dW off by 1e-4: one failure, at that element, by
     each method */
  example *ex = test_example (_i);
  bp_model_workspace *w = ex->ws;
  const size_t k = w->n * w->m;
  gsl_matrix *dW = gsl_matrix_alloc (w->n, w->m);
  gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  gsl_rng *rng = test_rng (100 + _i);
  const size_t bad = gsl_rng_uniform_int (rng, k);
  test_chain_to_dL_dv (ex);
  bp_linear_grad_weights (w->dL_dv, w->u, dW);
  bp_reshape (ex->W, t);
  bp_reshape (dW, g);
  *gsl_vector_ptr (g, bad) += 1e-4;
  for (size_t j = 0; j < 2; j++)
    {
      bp_gradcheck_result *res;
      const bp_gradcheck_block_result *b;
      ck_assert_int_eq (check_block (EXAMPLE_BLOCK (ex, EX_W), t, g, teeth_method[j], &res, &b),
                        GSL_FAILURE);
      ck_assert_uint_eq (b->n_failed, 1);
      ck_assert_uint_eq (b->worst[0].row, bad);
      ck_assert_double_eq (b->worst[0].analytic, gsl_vector_get (g, bad));
      ck_assert_double_eq_tol (b->worst[0].analytic - b->worst[0].numeric, 1e-4, 1e-8);
      bp_gradcheck_result_free (res);
    }
  gsl_matrix_free (dW);
  gsl_vector_free (t);
  gsl_vector_free (g);
  gsl_rng_free (rng);
  example_free (ex);
}
END_TEST

START_TEST (test_check_catches_flipped_sign)
{
  /* -dL/db: every element fails (none is 0 with these labels), by each
     method */
  example *ex = test_example (_i);
  gsl_vector *g = right_dL_db (ex);
  size_t nonzero = 0;
  for (size_t i = 0; i < g->size; i++)
    nonzero += fabs (gsl_vector_get (g, i)) > 1e-6;
  for (size_t j = 0; j < 2; j++)
    {
      bp_gradcheck_result *res;
      const bp_gradcheck_block_result *b;
      ck_assert_int_eq (check_block (EXAMPLE_BLOCK (ex, EX_B), ex->b, g, teeth_method[j], &res,
                                     &b), GSL_SUCCESS);
      bp_gradcheck_result_free (res);
      gsl_vector_scale (g, -1.0);
      ck_assert_int_eq (check_block (EXAMPLE_BLOCK (ex, EX_B), ex->b, g, teeth_method[j], &res,
                                     &b), GSL_FAILURE);
      ck_assert_uint_ge (b->n_failed, nonzero);
      const bp_gradcheck_element *e = &b->worst[0];
      ck_assert_double_eq (e->analytic, gsl_vector_get (g, e->row));
      ck_assert_double_eq_tol (e->analytic, -e->numeric, 1e-6 * fabs (e->numeric));
      ck_assert (b->hints & BP_GRADCHECK_HINT_SIGN);
      gsl_vector_scale (g, -1.0);
      bp_gradcheck_result_free (res);
    }
  gsl_vector_free (g);
  example_free (ex);
}
END_TEST

START_TEST (test_check_catches_shifted_index)
{
  /* g'_i = g_{i+1} (cyclically): caught by each method; the worst element
     is one whose shifted value differs from its own */
  example *ex = test_example (_i);
  gsl_vector *g = right_dL_db (ex), *s = gsl_vector_alloc (g->size);
  for (size_t i = 0; i < g->size; i++)
    gsl_vector_set (s, i, gsl_vector_get (g, (i + 1) % g->size));
  for (size_t j = 0; j < 2; j++)
    {
      bp_gradcheck_result *res;
      const bp_gradcheck_block_result *b;
      ck_assert_int_eq (check_block (EXAMPLE_BLOCK (ex, EX_B), ex->b, s, teeth_method[j], &res,
                                     &b), GSL_FAILURE);
      const size_t k = b->worst[0].row;
      ck_assert_double_eq (b->worst[0].analytic, gsl_vector_get (g, (k + 1) % g->size));
      ck_assert (fabs (gsl_vector_get (g, (k + 1) % g->size) - gsl_vector_get (g, k)) > 1e-6);
      bp_gradcheck_result_free (res);
    }
  gsl_vector_free (g);
  gsl_vector_free (s);
  example_free (ex);
}
END_TEST

START_TEST (test_check_catches_transposed_W)
{
  /* dL/du computed with W instead of W^T (a square W: 6 classes, 2x3
     image), by each method */
  gsl_rng *rng = test_rng (200 + _i);
  example *ex = example_alloc (6, 2, 3, 0.5, _i % 2 ? LABELS_SOFT : LABELS_ONE_HOT,
                                     rng);
  bp_model_workspace *w = ex->ws;
  gsl_vector *u = gsl_vector_alloc (6), *wrong = gsl_vector_alloc (6);
  gsl_vector *right = gsl_vector_alloc (6);
  test_chain_to_dL_dv (ex);
  gsl_vector_memcpy (u, w->u);
  bp_linear_grad_input (ex->W, w->dL_dv, right);
  gsl_blas_dgemv (CblasNoTrans, 1.0, ex->W, w->dL_dv, 0.0, wrong);
  for (size_t j = 0; j < 2; j++)
    {
      bp_gradcheck_result *res;
      const bp_gradcheck_block_result *b;
      ck_assert_int_eq (check_block (EXAMPLE_BLOCK (ex, EX_U), u, right, teeth_method[j], &res,
                                     &b), GSL_SUCCESS);
      bp_gradcheck_result_free (res);
      ck_assert_int_eq (check_block (EXAMPLE_BLOCK (ex, EX_U), u, wrong, teeth_method[j], &res,
                                     &b), GSL_FAILURE);
      const size_t k = b->worst[0].row;
      ck_assert_double_eq (b->worst[0].analytic, gsl_vector_get (wrong, k));
      ck_assert_double_eq_tol (b->worst[0].numeric, gsl_vector_get (right, k), 1e-8);
      bp_gradcheck_result_free (res);
    }
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
  bp_softmax (v, y);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      gsl_matrix_set (J, i, j, (i == j ? 1.0 : 0.0) - gsl_vector_get (y, j));
  const test_plain q = { .fv = example_softmax };
  bp_gradcheck_result *r;
  ck_assert_int_eq (test_plain_check (&q, v, NULL, J, BP_GRADCHECK_CENTRAL, BP_CHECK_STEP,
                                      BP_CHECK_RTOL, BP_CHECK_ATOL, &r), GSL_FAILURE);
  ck_assert_uint_gt (r->run[0].n_failed, 0);
  const bp_gradcheck_element *w = &r->run[0].worst;
  const size_t i = w->output, j = w->row;
  ck_assert_double_eq (w->analytic, gsl_matrix_get (J, i, j));
  ck_assert_double_eq_tol (w->numeric,
                           gsl_vector_get (y, i) * ((i == j) - gsl_vector_get (y, j)), 1e-8);
  bp_gradcheck_result_free (r);
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

/* --- bp_gradcheck: the one checker over blocks (bp_gradcheck.h) -------- */

/* The layer of the manual: y = tanh(W x + b), L = 1/2 |y - t|^2, blocks
   W (R x C), b (R), x (C).  Its gradients by hand (derivation 00, the
   example): delta = (y - t) (.) (1 - y^2), dL/dW = delta x^T,
   dL/db = delta, dL/dx = W^T delta. */
enum { LR = 3, LC = 3 };
typedef struct
{
  gsl_vector *t;
} layer;

static int
layer_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const layer *ly = params;
  const gsl_matrix *W = p->block[0];
  const gsl_vector *b = p->vector[1], *x = p->vector[2];
  double s = 0.0;
  for (size_t i = 0; i < W->size1; i++)
    {
      double v = gsl_vector_get (b, i);
      for (size_t j = 0; j < W->size2; j++)
        v += gsl_matrix_get (W, i, j) * gsl_vector_get (x, j);
      const double d = tanh (v) - gsl_vector_get (ly->t, i);
      s += 0.5 * d * d;
    }
  *L = s;
  return 0;
}

static int
layer_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  const layer *ly = params;
  const gsl_matrix_complex *W = p->block[0];
  const gsl_vector_complex *b = p->vector[1], *x = p->vector[2];
  gsl_complex s = GSL_COMPLEX_ZERO;
  for (size_t i = 0; i < W->size1; i++)
    {
      gsl_complex v = gsl_vector_complex_get (b, i);
      for (size_t j = 0; j < W->size2; j++)
        v = gsl_complex_add (v, gsl_complex_mul (gsl_matrix_complex_get (W, i, j),
                                                 gsl_vector_complex_get (x, j)));
      const gsl_complex d = gsl_complex_sub_real (gsl_complex_tanh (v),
                                                  gsl_vector_get (ly->t, i));
      s = gsl_complex_add (s, gsl_complex_mul_real (gsl_complex_mul (d, d), 0.5));
    }
  *L = s;
  return 0;
}

/* the right gradients at W, b, x into dW, db, dx */
static void
layer_grad (const gsl_matrix *W, const gsl_vector *b, const gsl_vector *x,
            const gsl_vector *t, gsl_matrix *dW, gsl_vector *db, gsl_vector *dx)
{
  gsl_vector *delta = gsl_vector_alloc (W->size1);
  gsl_vector_memcpy (delta, b);
  gsl_blas_dgemv (CblasNoTrans, 1.0, W, x, 1.0, delta);
  for (size_t i = 0; i < delta->size; i++)
    {
      const double y = tanh (gsl_vector_get (delta, i));
      gsl_vector_set (delta, i, (y - gsl_vector_get (t, i)) * (1.0 - y * y));
    }
  gsl_matrix_set_zero (dW);
  gsl_blas_dger (1.0, delta, x, dW);
  gsl_vector_memcpy (db, delta);
  gsl_blas_dgemv (CblasTrans, 1.0, W, delta, 0.0, dx);
  gsl_vector_free (delta);
}

/* A seeded layer problem: the point, its right gradients. */
typedef struct
{
  gsl_matrix *W, *dW;
  gsl_vector *b, *x, *db, *dx;
  layer ly;
  bp_gradcheck_function F;
  bp_gradcheck_block blocks[3], grads[3];
} layer_problem;

static void
layer_problem_init (layer_problem *p, int seed)
{
  gsl_rng *rng = test_rng (900 + seed);
  p->W = gsl_matrix_alloc (LR, LC);
  p->dW = gsl_matrix_alloc (LR, LC);
  p->b = gsl_vector_alloc (LR);
  p->db = gsl_vector_alloc (LR);
  p->x = gsl_vector_alloc (LC);
  p->dx = gsl_vector_alloc (LC);
  p->ly.t = gsl_vector_alloc (LR);
  for (size_t i = 0; i < LR; i++)
    {
      for (size_t j = 0; j < LC; j++)
        gsl_matrix_set (p->W, i, j, gsl_rng_uniform (rng) * 2.0 - 1.0);
      gsl_vector_set (p->b, i, gsl_rng_uniform (rng) - 0.5);
      gsl_vector_set (p->ly.t, i, gsl_rng_uniform (rng) * 2.0 - 1.0);
    }
  for (size_t j = 0; j < LC; j++)
    gsl_vector_set (p->x, j, gsl_rng_uniform (rng) * 2.0 - 1.0);
  layer_grad (p->W, p->b, p->x, p->ly.t, p->dW, p->db, p->dx);
  p->F = (bp_gradcheck_function) { .loss = layer_loss, .closs = layer_closs,
                                   .params = &p->ly };
  p->blocks[0] = (bp_gradcheck_block) { .name = "W", .matrix = p->W };
  p->blocks[1] = (bp_gradcheck_block) { .name = "b", .vector = p->b };
  p->blocks[2] = (bp_gradcheck_block) { .name = "x", .vector = p->x };
  p->grads[0] = (bp_gradcheck_block) { .matrix = p->dW };
  p->grads[1] = (bp_gradcheck_block) { .vector = p->db };
  p->grads[2] = (bp_gradcheck_block) { .vector = p->dx };
  gsl_rng_free (rng);
}

static void
layer_problem_free (layer_problem *p)
{
  gsl_matrix_free (p->W);
  gsl_matrix_free (p->dW);
  gsl_vector_free (p->b);
  gsl_vector_free (p->db);
  gsl_vector_free (p->x);
  gsl_vector_free (p->dx);
  gsl_vector_free (p->ly.t);
}

static const unsigned every_method[4] = {
  BP_GRADCHECK_CENTRAL, BP_GRADCHECK_COMPLEX_STEP, BP_GRADCHECK_DIRECTIONAL,
  BP_GRADCHECK_TAYLOR };

/* the report of r as a string (free it) */
static char *
report_of (const bp_gradcheck_result *r)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *s = open_memstream (&buf, &len);
  ck_assert_int_eq (bp_gradcheck_fprintf (s, r), GSL_SUCCESS);
  fclose (s);
  return buf;
}

START_TEST (test_gradcheck_right_layer_passes)
{
  /* the right gradients of the three blocks pass by every method, one call */
  layer_problem p;
  layer_problem_init (&p, _i);
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_ALL;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r), GSL_SUCCESS);
  ck_assert_int_eq (r->verdict, BP_GRADCHECK_PASS);
  ck_assert_uint_eq (r->n_runs, 4);
  for (size_t j = 0; j < 4; j++)
    {
      ck_assert_uint_eq (r->run[j].method, every_method[j]);
      ck_assert_msg (r->run[j].verdict == BP_GRADCHECK_PASS, "method %u: %s",
                     r->run[j].method, r->run[j].reason);
    }
  const bp_gradcheck_run *c = &r->run[0];
  ck_assert_uint_eq (c->n_checked, LR * LC + LR + LC);
  ck_assert_uint_eq (c->block[0].rows, LR);
  ck_assert_uint_eq (c->block[0].cols, LC);
  ck_assert_uint_eq (c->block[1].cols, 1);
  ck_assert_double_ge (r->run[3].slope, 1.75);
  /* the numeric side is GSL's derivative of the element, not the analytic one */
  ck_assert_double_eq_tol (gsl_matrix_get (c->block[0].numeric, 1, 2),
                           gsl_matrix_get (p.dW, 1, 2), 1e-8);
  bp_gradcheck_result_free (r);
  /* the gradient by a callback gives the same */
  layer_problem_free (&p);
}
END_TEST

/* The wrong gradients of today's teeth, on the layer's blocks. */
enum { WRONG_TRANSPOSED_W, WRONG_SIGN_b, WRONG_SHIFT_x, WRONG_OFF_1E4, N_WRONG };

static void
make_wrong (layer_problem *p, int which)
{
  switch (which)
    {
    case WRONG_TRANSPOSED_W: gsl_matrix_transpose (p->dW); break;
    case WRONG_SIGN_b: gsl_vector_scale (p->db, -1.0); break;
    case WRONG_SHIFT_x:
      {
        const double first = gsl_vector_get (p->dx, 0);
        for (size_t i = 0; i + 1 < LC; i++)
          gsl_vector_set (p->dx, i, gsl_vector_get (p->dx, i + 1));
        gsl_vector_set (p->dx, LC - 1, first);
        break;
      }
    default: *gsl_matrix_ptr (p->dW, 2, 1) += 1e-4; break;
    }
}

START_TEST (test_gradcheck_wrong_layer_every_method)
{
  /* each wrong gradient fails by every method (the Taylor test aside for
     one element off by 1e-4: not PASS there); the element-wise methods
     and the localized directions name the very elements, with the hint */
  const int which = _i % N_WRONG;
  const size_t bad_block = which == WRONG_SIGN_b ? 1 : which == WRONG_SHIFT_x ? 2 : 0;
  layer_problem p;
  layer_problem_init (&p, _i);
  layer_problem right;
  layer_problem_init (&right, _i);
  make_wrong (&p, which);
  for (size_t j = 0; j < 4; j++)
    {
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = every_method[j];
      o.seed = (unsigned long) _i;
      bp_gradcheck_result *r = NULL;
      const int status = bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r);
      const bp_gradcheck_run *run = &r->run[0];
      if (o.method == BP_GRADCHECK_TAYLOR)
        {
          if (which == WRONG_OFF_1E4)
            ck_assert_msg (run->verdict != BP_GRADCHECK_PASS, "%s", run->reason);
          else
            ck_assert_msg (status == GSL_FAILURE && run->slope < 1.25, "%s", run->reason);
          bp_gradcheck_result_free (r);
          continue;
        }
      ck_assert_int_eq (status, GSL_FAILURE);
      ck_assert_int_eq (r->verdict, BP_GRADCHECK_FAIL);
      if (o.method == BP_GRADCHECK_DIRECTIONAL)
        ck_assert (run->localized);
      /* the failing elements are exactly the wrong ones */
      for (size_t k = 0; k < 3; k++)
        {
          const bp_gradcheck_block_result *b = &run->block[k];
          for (size_t i = 0; i < b->mask->size1; i++)
            for (size_t c = 0; c < b->mask->size2; c++)
              {
                const double a = gsl_matrix_get (b->analytic, i, c);
                const gsl_matrix *A0 = k == 0 ? right.dW : NULL;
                const double a0 = A0 ? gsl_matrix_get (A0, i, c)
                                     : gsl_vector_get (k == 1 ? right.db : right.dx, i);
                const int wrong = fabs (a - a0) > 1e-6 * fmax (1.0, fabs (a0));
                ck_assert_msg ((gsl_matrix_uchar_get (b->mask, i, c)
                                == BP_GRADCHECK_ELEMENT_FAIL) == wrong,
                               "method %u block %zu (%zu,%zu)", o.method, k, i, c);
              }
        }
      const bp_gradcheck_block_result *b = &run->block[bad_block];
      ck_assert_uint_gt (b->n_failed, 0);
      ck_assert_uint_eq (run->worst.block, bad_block);
      const unsigned want[N_WRONG] = { BP_GRADCHECK_HINT_TRANSPOSE, BP_GRADCHECK_HINT_SIGN,
                                       BP_GRADCHECK_HINT_SHIFT, 0 };
      if (want[which])
        ck_assert_msg (b->hints & want[which], "method %u: hints %u", o.method, b->hints);
      else
        {
          ck_assert_uint_eq (b->hints, BP_GRADCHECK_HINT_ONE);
          ck_assert_uint_eq (b->n_failed, 1);
          ck_assert_uint_eq (b->worst[0].row, 2);
          ck_assert_uint_eq (b->worst[0].col, 1);
          ck_assert_double_eq_tol (b->worst[0].analytic - b->worst[0].numeric, 1e-4, 1e-8);
        }
      if (which == WRONG_SHIFT_x)
        ck_assert_int_eq (b->shift, 1);
      bp_gradcheck_result_free (r);
    }
  layer_problem_free (&p);
  layer_problem_free (&right);
}
END_TEST

/* f(t) = (t_0 + 2 t_1^2, sin t_0 t_1): a 2 x 2 Jacobian that is not symmetric */
static int
two_by_two (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  (void) params;
  const double a = gsl_vector_get (p->vector[0], 0), b = gsl_vector_get (p->vector[0], 1);
  gsl_vector_set (out, 0, a + 2.0 * b * b);
  gsl_vector_set (out, 1, sin (a * b));
  return 0;
}

static int
two_by_two_c (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *out)
{
  (void) params;
  const gsl_complex a = gsl_vector_complex_get (p->vector[0], 0);
  const gsl_complex b = gsl_vector_complex_get (p->vector[0], 1);
  gsl_vector_complex_set (out, 0, gsl_complex_add (a, gsl_complex_mul_real (
                                                          gsl_complex_mul (b, b), 2.0)));
  gsl_vector_complex_set (out, 1, gsl_complex_sin (gsl_complex_mul (a, b)));
  return 0;
}

/* a layer y = x (.) x (n = m = 3), its VJP dx = c x (.) dy (params: c,
   2 right), and its complex form for the complex step */
static int
square_layer (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  (void) params;
  for (size_t i = 0; i < out->size; i++)
    gsl_vector_set (out, i, gsl_pow_2 (gsl_vector_get (p->vector[0], i)));
  return 0;
}

static int
square_layer_c (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *out)
{
  (void) params;
  for (size_t i = 0; i < out->size; i++)
    {
      const gsl_complex x = gsl_vector_complex_get (p->vector[0], i);
      gsl_vector_complex_set (out, i, gsl_complex_mul (x, x));
    }
  return 0;
}

static int
square_layer_vjp (const bp_gradcheck_point *p, void *params, const gsl_vector *dy,
                  gsl_matrix *const dx[])
{
  const double c = *(const double *) params;
  for (size_t i = 0; i < dy->size; i++)
    gsl_matrix_set (dx[0], i, 0, c * gsl_vector_get (p->vector[0], i)
                    * gsl_vector_get (dy, i));
  return 0;
}

/* a grad callback that is never to be called */
static int
dummy_grad (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  (void) p;
  (void) params;
  (void) g;
  return GSL_FAILURE;
}

/* square_layer's VJP (c = 2) that records each new cotangent it is given */
typedef struct
{
  size_t n;
  double dy[8][3];
} dy_log;

static int
logged_vjp (const bp_gradcheck_point *p, void *params, const gsl_vector *dy,
            gsl_matrix *const dx[])
{
  dy_log *log = params;
  int same = log->n > 0;
  for (size_t i = 0; same && i < 3; i++)
    same = log->dy[log->n - 1][i] == gsl_vector_get (dy, i);
  if (!same && log->n < 8)
    {
      for (size_t i = 0; i < 3; i++)
        log->dy[log->n][i] = gsl_vector_get (dy, i);
      log->n++;
    }
  for (size_t i = 0; i < dy->size; i++)
    gsl_matrix_set (dx[0], i, 0, 2.0 * gsl_vector_get (p->vector[0], i)
                    * gsl_vector_get (dy, i));
  return 0;
}

START_TEST (test_gradcheck_vjp_draws_n_cotangents)
{
  /* the VJP form checks n_cotangents cotangents (0: 3), bp_gradcheck.h:
     dy = 2 u - 1 for u from gsl_rng_uniform_pos of MT19937 seeded with
     opts.seed, m at a time.  vjp sees exactly those, drawn here the same
     way, and no more.  Mutant: the draws' loop j < draws as j <= draws
     (one cotangent more) */
  double xd[3] = { 0.5, -1.25, 2.0 };
  gsl_vector_view x = gsl_vector_view_array (xd, 3);
  for (size_t want = 1; want <= 3; want++)
    {
      dy_log log = { .n = 0 };
      const bp_gradcheck_function F = { .vloss = square_layer, .m = 3, .params = &log,
                                        .vjp = logged_vjp,
                                        .n_cotangents = want == 3 ? 0 : want };
      const bp_gradcheck_block blk = { .name = "x", .vector = &x.vector };
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = BP_GRADCHECK_CENTRAL;
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, &o, NULL), GSL_SUCCESS);
      ck_assert_uint_eq (log.n, want);
      gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
      gsl_rng_set (rng, o.seed);
      for (size_t j = 0; j < want; j++)
        for (size_t i = 0; i < 3; i++)
          ck_assert (log.dy[j][i] == 2.0 * gsl_rng_uniform_pos (rng) - 1.0);
      gsl_rng_free (rng);
    }
}
END_TEST

/* f = x / 1024 and its complex form, exact in both */
static int
small_slope_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  *L = gsl_vector_get (p->vector[0], 0) / 1024.0;
  return 0;
}

static int
small_slope_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  (void) params;
  *L = gsl_complex_div_real (gsl_vector_complex_get (p->vector[0], 0), 1024.0);
  return 0;
}

START_TEST (test_complex_step_tolerance_scaled_by_the_values)
{
  /* the complex step's verdict, eq. (0.3): tau = max(atol, rtol max(|a|,
     |e|)) with no estimate (Im f(x + ih) / h is exact: e = 2^-10).  An
     analytic 2^-10 + 2^-21 (off by 4.8e-7) misses tau = 1e-6 2^-10 (about
     1e-9) and FAILs; off by 2^-32 (2.3e-10, below atol) it passes.
     Mutant: the tolerance scaled by 1 instead of the values (tau =
     rtol), which passes the first */
  double x = 0.5, g[2] = { 0x1p-10 + 0x1p-21, 0x1p-10 + 0x1p-32 };
  gsl_vector_view xv = gsl_vector_view_array (&x, 1);
  const bp_gradcheck_block blk = { .name = "x", .vector = &xv.vector };
  const bp_gradcheck_function F = { .loss = small_slope_loss, .closs = small_slope_closs };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_COMPLEX_STEP;
  for (int pass = 0; pass < 2; pass++)
    {
      gsl_vector_view gv = gsl_vector_view_array (&g[pass], 1);
      const bp_gradcheck_block ana = { .vector = &gv.vector };
      bp_gradcheck_result *r = NULL;
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r),
                        pass ? GSL_SUCCESS : GSL_FAILURE);
      ck_assert_uint_eq (r->run[0].method, BP_GRADCHECK_COMPLEX_STEP);
      ck_assert (r->run[0].worst.numeric == 0x1p-10);
      ck_assert (r->run[0].worst.tol == fmax (o.atol, o.rtol * g[pass]));
      bp_gradcheck_result_free (r);
    }
}
END_TEST

START_TEST (test_worst_ratio_of_the_allowance)
{
  /* the worst element's rho = |a - e| / (tau + 2 eps): by the complex
     step (eps = 0, e = 2^-10 exact), a off by 2^-21 has rho = 2^-21 /
     tau at the defaults; with rtol = atol = 0 (tau = 0) it has rho = inf,
     and a = e has rho = 0 (0 / 0 read as 0: the element is the run's
     worst, above the initial -1).  Mutants: rho = |a - e| tau; an
     allowance of 0 divided by (0 / 0 = NaN: no worst element kept);
     |a - e| > 1 for inf */
  double x = 0.5, g = 0x1p-10 + 0x1p-21;
  gsl_vector_view xv = gsl_vector_view_array (&x, 1), gv = gsl_vector_view_array (&g, 1);
  const bp_gradcheck_block blk = { .name = "x", .vector = &xv.vector },
      ana = { .vector = &gv.vector };
  const bp_gradcheck_function F = { .loss = small_slope_loss, .closs = small_slope_closs };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_COMPLEX_STEP;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
  ck_assert (r->run[0].worst.ratio == 0x1p-21 / fmax (o.atol, o.rtol * g));
  bp_gradcheck_result_free (r);
  o.rtol = o.atol = 0.0;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
  ck_assert (r->run[0].worst.ratio == HUGE_VAL);
  bp_gradcheck_result_free (r);
  g = 0x1p-10;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_SUCCESS);
  ck_assert (r->run[0].worst.numeric == 0x1p-10);
  ck_assert (r->run[0].worst.ratio == 0.0);
  bp_gradcheck_result_free (r);
}
END_TEST

/* small_slope_closs at the point itself, NaN where the complex step
   moves it: f undefined off the point */
static int
nan_off_point_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  small_slope_closs (p, params, L);
  if (!p->is_base)
    *L = gsl_complex_rect (GSL_NAN, GSL_NAN);
  return 0;
}

START_TEST (test_worst_ratio_of_an_undefined_element)
{
  /* an element whose numeric value is NaN (f undefined at its step)
     ranks above every number: rho = inf, whatever tau (NaN compares
     false: |a - NaN| / (tau + 2 eps) would be NaN, below every ratio,
     and no worst element kept; with tau = 0, a ratio of 0).  Mutant:
     core_compare_res()'s '!(diff == diff) || !(allowed == allowed)' as
     '&&' (the allowance tau + 2 eps is a number here) */
  double x = 0.5, g = 0x1p-10;
  gsl_vector_view xv = gsl_vector_view_array (&x, 1), gv = gsl_vector_view_array (&g, 1);
  const bp_gradcheck_block blk = { .name = "x", .vector = &xv.vector },
      ana = { .vector = &gv.vector };
  const bp_gradcheck_function F = { .loss = small_slope_loss, .closs = nan_off_point_closs };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_COMPLEX_STEP;
  for (int zero = 0; zero < 2; zero++)
    {
      if (zero)
        o.rtol = o.atol = 0.0;
      bp_gradcheck_result *r = NULL;
      bp_gradcheck (&F, 1, &blk, &ana, &o, &r);
      ck_assert_ptr_nonnull (r);
      const bp_gradcheck_element *w = &r->run[0].worst;
      ck_assert_msg (isnan (w->numeric) && w->ratio == HUGE_VAL,
                     "tau %s: worst numeric %g, ratio %g", zero ? "0" : "default", w->numeric,
                     w->ratio);
      bp_gradcheck_result_free (r);
    }
}
END_TEST

START_TEST (test_max_rel_err_over_values_above_atol)
{
  /* a block's largest relative error |a - e| / max(|a|, |e|), over the
     elements whose max(|a|, |e|) is above atol only (eq. 0.3's scale):
     by the complex step (e exact) at atol = 0, x_0 off by 2^-21 of
     2^-10 and x_1 (f does not depend on it) with a = e = 0: the figure
     is x_0's 2^-21 / (2^-10 + 2^-21).  Mutants: x_1's 0 / 0 taken (scale
     >= atol, or scale > atol || ...: NaN) */
  double x[2] = { 0.5, 0.25 }, g[2] = { 0x1p-10 + 0x1p-21, 0.0 };
  test_block tb;
  test_block_init (&tb, x, g, 2);
  const bp_gradcheck_function F = { .loss = small_slope_loss, .closs = small_slope_closs };
  bp_gradcheck_options o = test_options (BP_GRADCHECK_COMPLEX_STEP);
  o.atol = 0.0;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &tb.x, &tb.grad, &o, &r), GSL_FAILURE);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert_uint_eq (b->n_failed, 1);
  ck_assert_uint_eq (b->n_passed, 1);
  ck_assert_msg (b->max_rel_err == 0x1p-21 / (0x1p-10 + 0x1p-21), "max_rel_err %g",
                 b->max_rel_err);
  bp_gradcheck_result_free (r);
}
END_TEST

START_TEST (test_gradcheck_vjp_complex_step)
{
  /* the VJP form by the complex step alone: L = <dy, F(x)> through
     cvloss, Im L(x + ih) / h = <dy, J e_j> against vjp's dx_j; the
     right VJP passes, one without its factor 2 fails */
  double xd[3] = { 0.5, -1.25, 2.0 };
  gsl_vector_view x = gsl_vector_view_array (xd, 3);
  for (int wrong = 0; wrong < 2; wrong++)
    {
      double c = wrong ? 1.0 : 2.0;
      const bp_gradcheck_function F = { .vloss = square_layer, .cvloss = square_layer_c,
                                        .m = 3, .params = &c, .vjp = square_layer_vjp };
      const bp_gradcheck_block blk = { .name = "x", .vector = &x.vector };
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = BP_GRADCHECK_COMPLEX_STEP;
      bp_gradcheck_result *r = NULL;
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, &o, &r),
                        wrong ? GSL_FAILURE : GSL_SUCCESS);
      ck_assert_uint_eq (r->run[0].method, BP_GRADCHECK_COMPLEX_STEP);
      ck_assert_uint_eq (r->run[0].n_failed, wrong ? 3 : 0);
      ck_assert_uint_eq (r->run[0].n_passed, wrong ? 0 : 3);
      bp_gradcheck_result_free (r);
    }
  /* the VJP form's analytic side is vjp alone: analytic arrays, or a
     grad callback, are refused, each on its own */
  double c = 2.0;
  gsl_matrix *J = gsl_matrix_calloc (3, 3);
  const bp_gradcheck_block blk = { .name = "x", .vector = &x.vector }, ana = { .matrix = J };
  bp_gradcheck_function F = { .vloss = square_layer, .m = 3, .params = &c,
                              .vjp = square_layer_vjp };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_gradcheck_result *r = (bp_gradcheck_result *) 1;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, NULL, &r), GSL_EINVAL);
  ck_assert_ptr_null (r);
  F.grad = dummy_grad;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, NULL, &r), GSL_EINVAL);
  /* and it needs the forward function: vloss with m >= 1, each refused
     without the other (GSL_EFAULT) */
  F.grad = NULL;
  F.m = 0;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, NULL, &r), GSL_EFAULT);
  F.m = 3;
  F.vloss = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, NULL, &r), GSL_EFAULT);
  gsl_set_error_handler (old);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_gradcheck_transposed_jacobian)
{
  /* J^T in place of J: both off-diagonal elements fail, both are listed,
     and the hint says transpose, by every element-wise method */
  const double td[] = { 0.7, -0.4 };
  const double a = td[0], b = td[1];
  const double Jd[] = { 1.0, 4.0 * b, b * cos (a * b), a * cos (a * b) };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  gsl_matrix *JT = gsl_matrix_alloc (2, 2);
  gsl_matrix_const_view J = gsl_matrix_const_view_array (Jd, 2, 2);
  gsl_matrix_transpose_memcpy (JT, &J.matrix);
  bp_gradcheck_function F = { .vloss = two_by_two, .cvloss = two_by_two_c, .m = 2 };
  const bp_gradcheck_block blk = { .name = "theta", .vector = &t.vector };
  const bp_gradcheck_block ana = { .matrix = JT };
  for (size_t j = 0; j < 3; j++)
    {
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = every_method[j];
      bp_gradcheck_result *r = NULL;
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
      const bp_gradcheck_block_result *B = &r->run[0].block[0];
      ck_assert_uint_eq (B->n_failed, 2);
      ck_assert_uint_eq (B->n_worst, 2);
      ck_assert_uint_eq (gsl_matrix_uchar_get (B->mask, 0, 1), BP_GRADCHECK_ELEMENT_FAIL);
      ck_assert_uint_eq (gsl_matrix_uchar_get (B->mask, 1, 0), BP_GRADCHECK_ELEMENT_FAIL);
      ck_assert_uint_eq (gsl_matrix_uchar_get (B->mask, 0, 0), BP_GRADCHECK_ELEMENT_PASS);
      ck_assert_uint_eq (B->worst[0].output + B->worst[1].output, 1);
      ck_assert_uint_eq (B->worst[0].row + B->worst[1].row, 1);
      ck_assert_uint_ne (B->worst[0].row, B->worst[0].output);
      ck_assert (B->hints & BP_GRADCHECK_HINT_TRANSPOSE);
      char *rep = report_of (r);
      ck_assert_msg (strstr (rep, "theta out 0 (1,0)") && strstr (rep, "theta out 1 (0,0)"),
                     "%s", rep);
      ck_assert_msg (strstr (rep, "hint: theta: analytic = transpose of numeric"), "%s", rep);
      free (rep);
      bp_gradcheck_result_free (r);
    }
  gsl_matrix_free (JT);
}
END_TEST

START_TEST (test_gradcheck_missing_factor)
{
  /* dL/dW without a factor 2 (half of it): the factor hint with c = 2,
     printed; and a factor 1/B (a batch mean forgotten: B = 4 times it) */
  const double c = _i == 0 ? 2.0 : 0.25;
  layer_problem p;
  layer_problem_init (&p, 3);
  gsl_matrix_scale (p.dW, 1.0 / c);
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, NULL, &r), GSL_FAILURE);
  const bp_gradcheck_block_result *B = &r->run[0].block[0];
  ck_assert_uint_eq (B->n_failed, LR * LC);
  ck_assert_uint_eq (B->hints, BP_GRADCHECK_HINT_FACTOR);
  ck_assert_double_eq_tol (B->factor, c, 1e-6 * c);
  ck_assert_uint_eq (r->run[0].block[1].n_failed, 0);
  char *rep = report_of (r);
  char want[96];
  snprintf (want, sizeof want, "hint: W: numeric = %.6g x analytic: a missing factor %.6g",
            c, c);
  ck_assert_msg (strstr (rep, want), "%s\nwanted: %s", rep, want);
  free (rep);
  bp_gradcheck_result_free (r);
  layer_problem_free (&p);
}
END_TEST

/* f(t) = sum_i sin t_i computed in single precision (float32 noise) */
static int
float32_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  float s = 0.0f;
  for (size_t i = 0; i < p->vector[0]->size; i++)
    s += sinf ((float) gsl_vector_get (p->vector[0], i));
  *L = (double) s;
  return 0;
}

START_TEST (test_gradcheck_float32_never_passes)
{
  /* a float32 function whose gradient is 5e-4 too large: GSL's error
     estimate is large enough to excuse it, so it is never PASS (it was,
     by the older rule |a - e| <= tol + 2 err) */
  const double td[] = { 0.3, -1.1, 0.8, 2.0 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 4);
  gsl_vector *g = gsl_vector_alloc (4);
  for (size_t i = 0; i < 4; i++)
    gsl_vector_set (g, i, cos (td[i]) + 5e-4);
  bp_gradcheck_function F = { .loss = float32_loss };
  const bp_gradcheck_block blk = { .vector = &t.vector }, ana = { .vector = g };
  bp_gradcheck_result *r = NULL;
  const int status = bp_gradcheck (&F, 1, &blk, &ana, NULL, &r);
  ck_assert_int_ne (status, GSL_SUCCESS);
  ck_assert_int_ne (r->verdict, BP_GRADCHECK_PASS);
  if (r->verdict == BP_GRADCHECK_INCONCLUSIVE)
    ck_assert_msg (strstr (r->run[0].reason, "estimate")
                   && strstr (r->run[0].reason, "single precision?"), "%s", r->run[0].reason);
  bp_gradcheck_result_free (r);
  gsl_vector_free (g);
}
END_TEST

/* f(t) = sum_i max(t_i, 0): a kink at 0 */
static int
relu_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  double s = 0.0;
  for (size_t i = 0; i < p->vector[0]->size; i++)
    s += fmax (gsl_vector_get (p->vector[0], i), 0.0);
  *L = s;
  return 0;
}

START_TEST (test_gradcheck_relu_kink)
{
  /* ReLU at 0: left derivative 0, right 1.  An analytic 0 or 1 (either
     one-sided derivative; any value between) is a kink, not a failure;
     2 is outside [0, 1]: FAIL */
  const double td[] = { 0.0, 0.5, -0.5 };
  const double a0[] = { 0.0, 1.0, 0.25, 2.0 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 3);
  bp_gradcheck_function F = { .loss = relu_loss };
  const bp_gradcheck_block blk = { .name = "z", .vector = &t.vector };
  for (size_t c = 0; c < 4; c++)
    {
      double gd[] = { a0[c], 1.0, 0.0 };
      gsl_vector_view g = gsl_vector_view_array (gd, 3);
      const bp_gradcheck_block ana = { .vector = &g.vector };
      bp_gradcheck_result *r = NULL;
      const int status = bp_gradcheck (&F, 1, &blk, &ana, NULL, &r);
      const bp_gradcheck_block_result *B = &r->run[0].block[0];
      const bp_gradcheck_element *e = &B->worst[0];
      ck_assert_uint_eq (B->n_worst, 1);
      ck_assert_uint_eq (e->row, 0);
      ck_assert_double_eq_tol (e->left, 0.0, 1e-9);
      ck_assert_double_eq_tol (e->right, 1.0, 1e-9);
      if (c < 3)
        {
          ck_assert_int_eq (status, GSL_SUCCESS);
          ck_assert_uint_eq (B->n_kinks, 1);
          ck_assert_int_eq (e->status, BP_GRADCHECK_ELEMENT_KINK);
          char *rep = report_of (r);
          ck_assert_msg (strstr (rep, "1 kinks") && strstr (rep, "kink  left"), "%s", rep);
          free (rep);
        }
      else
        {
          ck_assert_int_eq (status, GSL_FAILURE);
          ck_assert_int_eq (e->status, BP_GRADCHECK_ELEMENT_FAIL);
        }
      bp_gradcheck_result_free (r);
    }
}
END_TEST

/* 1 + |t_0| rounded to float: a kink at 0 (sides -1 and +1) in noise of
   about 2^-24 */
static double
float_abs_at (double x, void *params)
{
  (void) params;
  return (float) (1.0 + fabs (x));
}

static int
float_abs_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  *L = float_abs_at (gsl_vector_get (p->vector[0], 0), params);
  return 0;
}

START_TEST (test_gradcheck_kink_slack)
{
  /* eq. (0.10): a is a KINK when it lies between the one-sided values l
     and r within tol + 2 max(e_l, e_r), e the one-sided estimates (GSL's
     and the noise's 91 sigma / h, eq. 0.6).  At 0 of 1 + |t| in float,
     a = r + 1.5 max(e_l, e_r) + 2e-6 (2e-6 > tol = 1e-6 |a|) is a KINK;
     e_l, e_r are recomputed here by GSL at the element's step.
     Mutant: kink()'s slack 2 max(e_l, e_r) as 1 max (FAIL) */
  double td = 0.0, gd = 0.5;
  gsl_vector_view t = gsl_vector_view_array (&td, 1), g = gsl_vector_view_array (&gd, 1);
  bp_gradcheck_function F = { .loss = float_abs_loss };
  const bp_gradcheck_block blk = { .name = "t", .vector = &t.vector }, ana = { .vector = &g.vector };
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, NULL, &r), GSL_SUCCESS);
  const bp_gradcheck_block_result *B = &r->run[0].block[0];
  ck_assert_uint_eq (B->n_kinks, 1);
  ck_assert (B->noise_found);
  const double h = B->worst[0].h, sigma = B->noise - 2.0 * DBL_EPSILON * 1.0;
  gsl_function G = { .function = float_abs_at };
  double l, el, rr, er;
  gsl_deriv_backward (&G, 0.0, h, &l, &el);
  gsl_deriv_forward (&G, 0.0, h, &rr, &er);
  ck_assert (l == B->worst[0].left && rr == B->worst[0].right && l < 0.0 && rr > 0.0);
  const double m = fmax (el, er) + 91.0 * fmax (sigma, 0.0) / h;
  ck_assert_msg (m > 1e-5, "estimate %g", m);
  bp_gradcheck_result_free (r);
  gd = rr + 1.5 * m + 2e-6;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, NULL, &r), GSL_SUCCESS);
  B = &r->run[0].block[0];
  ck_assert (B->worst[0].h == h);
  ck_assert_msg (B->n_kinks == 1 && B->worst[0].status == BP_GRADCHECK_ELEMENT_KINK,
                 "a %.17g, r %.17g, estimate %g: status %d", gd, rr, m,
                 (int) B->worst[0].status);
  bp_gradcheck_result_free (r);
}
END_TEST

/* sqrt(t_0) + t_1^2, undefined (nonzero) for t_0 < 0 */
static int
sqrt_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double a = gsl_vector_get (p->vector[0], 0), b = gsl_vector_get (p->vector[0], 1);
  if (a < 0.0)
    return 1;
  *L = sqrt (a) + b * b;
  return 0;
}

/* t_0^2 + t_1^2, defined only where t_0 is exactly 0.5: undefined on both
   sides of t_0 */
static int
isolated_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double a = gsl_vector_get (p->vector[0], 0), b = gsl_vector_get (p->vector[0], 1);
  *L = a * a + b * b;
  return a == 0.5 ? 0 : 1;
}

/* t^2 defined only up to 0.5 + 1e-5 (NaN beyond): undefined just past 0.5 */
static int
edge_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double a = gsl_vector_get (p->vector[0], 0);
  *L = a <= 0.5 + 1e-5 ? a * a : GSL_NAN;
  return 0;
}

/* t^2 for t = 0.5 and where GSL's central rule at h = 1e-4 (the
   default step, f having no noise) and the one-sided rules at the
   seventh step h 10^-6 look to the right: 0.5 + h/2, 0.5 + h (within
   1e-3 h), (0.5, 0.5 + 1.5e-10]; undefined (nonzero) elsewhere */
static int
seventh_step_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double t = gsl_vector_get (p->vector[0], 0), u = t - 0.5, h = 1e-4;
  *L = t * t;
  return !(u == 0.0 || (u > 0.0 && u <= 1.5e-10) || fabs (u - 0.5 * h) < 1e-3 * h
           || fabs (u - h) < 1e-3 * h);
}

START_TEST (test_gradcheck_one_sided_seventh_step)
{
  /* eq. (0.9): the central rule at 0.5 sees f undefined below, so the
     forward rule is tried at h, h/10, ..., h/10^6; only the seventh,
     h/10^6 = 1e-10 (points 0.5 + 1e-10 k/4), keeps within f's domain.
     The element is one-sided, at that step, and its value agrees with
     2t = 1 within its error.  Mutant: one_sided()'s 'j <= 6' as '<'
     (six steps: none defined, the element undefined, DIFF_NONE) */
  const double td[] = { 0.5 };
  double gd[] = { 1.0 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 1);
  gsl_vector_view g = gsl_vector_view_array (gd, 1);
  const bp_gradcheck_function F = { .loss = seventh_step_loss };
  const bp_gradcheck_block blk = { .vector = &t.vector }, ana = { .vector = &g.vector };
  bp_gradcheck_result *r = NULL;
  const int status = bp_gradcheck (&F, 1, &blk, &ana, NULL, &r);
  ck_assert_ptr_nonnull (r);
  const bp_gradcheck_block_result *B = &r->run[0].block[0];
  ck_assert_msg (B->n_one_sided == 1, "status %d, %zu one-sided: %s", status,
                 (size_t) B->n_one_sided, r->run[0].reason);
  ck_assert_msg (fabs (B->h_min - 1e-10) <= 1e-6 * 1e-10, "step %.17g", B->h_min);
  const double e = gsl_matrix_get (B->numeric, 0, 0), err = gsl_matrix_get (B->abserr, 0, 0);
  ck_assert_msg (fabs (e - 1.0) <= err, "numeric %.17g, error %g", e, err);
  ck_assert_int_ne (status, GSL_FAILURE);
  bp_gradcheck_result_free (r);
}
END_TEST

/* a grad callback that fails with the code in params */
static int
failing_grad (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  (void) p;
  (void) g;
  return *(const int *) params;
}

/* the GSL errors reported: their number, the last one's code and reason
   (copied: bp_gradcheck's reason lives on its stack) */
static struct
{
  int count, code;
  char reason[256];
} seen_errors;

static void
copy_error (const char *reason, const char *file, int line, int gsl_errno)
{
  (void) file;
  (void) line;
  seen_errors.count++;
  seen_errors.code = gsl_errno;
  snprintf (seen_errors.reason, sizeof seen_errors.reason, "%s", reason);
}

START_TEST (test_gradcheck_grad_callback_error_named)
{
  /* bp_gradcheck.h: an error of the gradient callback is returned, and
     reported through gsl_error as the callback's; GSL_ENOMEM as out of
     memory.  Mutant: core_run()'s 'status != GSL_ENOMEM' as '==' (the
     callback's GSL_ERANGE returned with no error reported, its
     GSL_ENOMEM reported as the callback's).  The callback's GSL_EDOM is
     the callback's too, not "f is undefined at the point itself" (f is
     defined there) */
  const double td[] = { 0.5 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 1);
  const bp_gradcheck_block blk = { .vector = &t.vector };
  const int code[3] = { GSL_ERANGE, GSL_ENOMEM, GSL_EDOM };
  const char *said[3] = { "bp_gradcheck: the gradient callback reported an error",
                          "bp_gradcheck: out of memory",
                          "bp_gradcheck: the gradient callback reported an error" };
  gsl_error_handler_t *old = gsl_set_error_handler (copy_error);
  for (int c = 0; c < 3; c++)
    {
      const bp_gradcheck_function F = { .loss = test_half_square_loss, .grad = failing_grad,
                                        .params = (void *) &code[c] };
      seen_errors.count = 0;
      bp_gradcheck_result *r = NULL;
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, NULL, &r), code[c]);
      ck_assert_ptr_null (r);
      ck_assert_int_eq (seen_errors.count, 1);
      ck_assert_int_eq (seen_errors.code, code[c]);
      ck_assert_str_eq (seen_errors.reason, said[c]);
    }
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_gradcheck_undefined_counted_of_three)
{
  /* isolated_loss with a third element it ignores: only t_0 is undefined
     on both sides, so the reason counts 1 such element of 3 (t_1 and t_2
     pass).  Mutant: elementwise_reason()'s 'undefined += diff == NONE'
     as '!=' (counts the other 2; with two elements it counted 1 too) */
  const double id[] = { 0.5, 0.25, 1.0 };
  double igd[] = { 1.0, 0.5, 0.0 };
  gsl_vector_const_view it = gsl_vector_const_view_array (id, 3);
  gsl_vector_view ig = gsl_vector_view_array (igd, 3);
  bp_gradcheck_function I_ = { .loss = isolated_loss };
  const bp_gradcheck_block iblk = { .vector = &it.vector }, iana = { .vector = &ig.vector };
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&I_, 1, &iblk, &iana, NULL, &r), GSL_CONTINUE);
  ck_assert_uint_eq (r->run[0].n_inconclusive, 1);
  ck_assert_uint_eq (r->run[0].n_passed, 2);
  ck_assert_msg (strstr (r->run[0].reason, "1 of 3 elements inconclusive: f undefined on "
                         "both sides of 1"), "%s", r->run[0].reason);
  bp_gradcheck_result_free (r);
}
END_TEST

START_TEST (test_gradcheck_one_sided)
{
  /* sqrt at 1e-6 (step 1e-4 would cross 0): a forward difference, said
     in the result and the report, and not FAIL; t^2 at the edge of its
     domain: a backward difference that PASSes */
  const double td[] = { 1e-6, 0.3 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  double gd[] = { 0.5 / sqrt (1e-6), 0.6 };
  gsl_vector_view g = gsl_vector_view_array (gd, 2);
  bp_gradcheck_function F = { .loss = sqrt_loss };
  const bp_gradcheck_block blk = { .name = "t", .vector = &t.vector };
  const bp_gradcheck_block ana = { .vector = &g.vector };
  bp_gradcheck_result *r = NULL;
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.k = 2;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_SUCCESS);
  const bp_gradcheck_block_result *B = &r->run[0].block[0];
  ck_assert_uint_eq (B->n_one_sided, 1);
  ck_assert_uint_eq (B->n_failed, 0);
  ck_assert_double_eq_tol (gsl_matrix_get (B->numeric, 0, 0), gd[0], 1e-6 * gd[0]);
  ck_assert_int_eq (B->worst ? 1 : 0, 0);
  char *rep = report_of (r);
  ck_assert_msg (strstr (rep, "1 one-sided"), "%s", rep);
  free (rep);
  bp_gradcheck_result_free (r);

  const double ed[] = { 0.5 };
  double egd[] = { 1.0 };
  gsl_vector_const_view et = gsl_vector_const_view_array (ed, 1);
  gsl_vector_view eg = gsl_vector_view_array (egd, 1);
  bp_gradcheck_function E = { .loss = edge_loss };
  const bp_gradcheck_block eblk = { .vector = &et.vector }, eana = { .vector = &eg.vector };
  ck_assert_int_eq (bp_gradcheck (&E, 1, &eblk, &eana, NULL, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r->run[0].block[0].n_one_sided, 1);
  bp_gradcheck_result_free (r);
  /* undefined on both sides of t_0: that element is inconclusive, and
     the reason says why; t_1 cannot be moved either (t_0 stays 0.5) */
  const double id[] = { 0.5, 0.25 };
  double igd[] = { 1.0, 0.5 };
  gsl_vector_const_view it = gsl_vector_const_view_array (id, 2);
  gsl_vector_view ig = gsl_vector_view_array (igd, 2);
  bp_gradcheck_function I_ = { .loss = isolated_loss };
  const bp_gradcheck_block iblk = { .vector = &it.vector }, iana = { .vector = &ig.vector };
  ck_assert_int_eq (bp_gradcheck (&I_, 1, &iblk, &iana, NULL, &r), GSL_CONTINUE);
  ck_assert_uint_eq (r->run[0].block[0].n_inconclusive, 1);
  ck_assert_int_eq (r->run[0].block[0].worst[0].diff, BP_GRADCHECK_DIFF_NONE);
  ck_assert_msg (strstr (r->run[0].reason, "f undefined on both sides of 1"), "%s",
                 r->run[0].reason);
  bp_gradcheck_result_free (r);
  /* a wrong one is still caught one-sidedly, named backward */
  egd[0] = 1.1;
  ck_assert_int_eq (bp_gradcheck (&E, 1, &eblk, &eana, &o, &r), GSL_FAILURE);
  ck_assert_int_eq (r->run[0].block[0].worst[0].diff, BP_GRADCHECK_DIFF_BACKWARD);
  rep = report_of (r);
  ck_assert_msg (strstr (rep, "backward  FAIL"), "%s", rep);
  free (rep);
  bp_gradcheck_result_free (r);
}
END_TEST

START_TEST (test_gradcheck_worst_is_worst)
{
  /* two failing elements: the worst is the one furthest past its
     allowance, not the first (every failure used to score the same) */
  /* max_rel_err is relative (0.1 / max(|a|, |e|)), not the difference */
  layer_problem p;
  layer_problem_init (&p, 1);
  *gsl_vector_ptr (p.db, 0) += 1e-3;
  *gsl_vector_ptr (p.db, 2) += 1e-1;
  bp_gradcheck_result *res = NULL;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, NULL, &res), GSL_FAILURE);
  const bp_gradcheck_block_result *B = &res->run[0].block[1];
  ck_assert_uint_eq (B->n_worst, 2);
  ck_assert_uint_eq (B->worst[0].row, 2);
  ck_assert_uint_eq (B->worst[1].row, 0);
  ck_assert_uint_eq (res->run[0].worst.row, 2);
  ck_assert_double_gt (B->worst[0].ratio, B->worst[1].ratio);
  const double rel = 0.1 / fmax (fabs (gsl_matrix_get (B->analytic, 2, 0)),
                                 fabs (gsl_matrix_get (B->numeric, 2, 0)));
  ck_assert_double_eq_tol (B->max_rel_err, rel, 1e-6 * rel);
  bp_gradcheck_result_free (res);
  layer_problem_free (&p);
}
END_TEST

/* f = 3, whatever the point */
static int
constant_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) p;
  (void) params;
  *L = 3.0;
  return 0;
}

START_TEST (test_gradcheck_worst_first_of_equal_ratios)
{
  /* a constant f and its zero gradient: every difference is exactly 0,
     so every element, and every direction, has ratio 0.  The run's worst
     is then the first of them, as the blocks' worst lists order equal
     ratios (by_ratio): element (0, 0) of the CENTRAL run, direction 0 of
     the DIRECTIONAL one.  Mutants: fill_blocks()'s and run_directional()'s
     'el->ratio > worst' as '>=' (the last of equal ratios) */
  double t[3] = { 0.5, -1.0, 2.0 }, g[3] = { 0.0, 0.0, 0.0 };
  gsl_vector_view tv = gsl_vector_view_array (t, 3), gv = gsl_vector_view_array (g, 3);
  const bp_gradcheck_function F = { .loss = constant_loss };
  const bp_gradcheck_block blk = { .name = "theta", .vector = &tv.vector },
      grad = { .name = "theta", .vector = &gv.vector };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_CENTRAL | BP_GRADCHECK_DIRECTIONAL;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &grad, &o, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r->n_runs, 2);
  for (size_t j = 0; j < r->n_runs; j++)
    {
      const bp_gradcheck_run *run = &r->run[j];
      const int central = run->method == BP_GRADCHECK_CENTRAL;
      ck_assert_uint_eq (run->n_checked, central ? 3 : o.n_directions);
      ck_assert_uint_gt (run->n_checked, 1);
      ck_assert_double_eq (run->worst.ratio, 0.0);
      ck_assert_double_eq (run->worst.numeric, 0.0);
      ck_assert_uint_eq (run->worst.block, central ? 0 : BP_GRADCHECK_NONE);
      ck_assert_uint_eq (run->worst.row, 0);
    }
  bp_gradcheck_result_free (r);
}
END_TEST

/* the gradient callback of the layer: W, b, x from the point */
static int
layer_grad_cb (const bp_gradcheck_point *pt, void *params, gsl_matrix *const g[])
{
  const layer *ly = params;
  gsl_vector_view db = gsl_matrix_column (g[1], 0), dx = gsl_matrix_column (g[2], 0);
  layer_grad (pt->block[0], pt->vector[1], pt->vector[2], ly->t, g[0], &db.vector,
              &dx.vector);
  return 0;
}

START_TEST (test_gradcheck_callback_and_threads)
{
  /* the analytic side by a callback equals the arrays; 1 and 2 threads
     give bit-identical results */
  layer_problem p;
  layer_problem_init (&p, 2);
  *gsl_vector_ptr (p.dx, 1) += 1e-3;
  bp_gradcheck_result *r[3] = { NULL };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_CENTRAL | BP_GRADCHECK_COMPLEX_STEP;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r[0]), GSL_FAILURE);
  o.threads = 2;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r[1]), GSL_FAILURE);
  /* the right gradient: by the callback and by the arrays */
  bp_gradcheck_function G = p.F;
  G.grad = layer_grad_cb;
  bp_gradcheck_result *cb = NULL;
  ck_assert_int_eq (bp_gradcheck (&G, 3, p.blocks, NULL, &o, &cb), GSL_SUCCESS);
  layer_grad (p.W, p.b, p.x, p.ly.t, p.dW, p.db, p.dx);
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r[2]), GSL_SUCCESS);
  for (size_t k = 0; k < 3; k++)
    ck_assert (gsl_matrix_equal (cb->run[0].block[k].analytic, r[2]->run[0].block[k].analytic));
  bp_gradcheck_result_free (cb);
  for (size_t j = 0; j < 2; j++)
    for (size_t k = 0; k < 3; k++)
      {
        const bp_gradcheck_block_result *a = &r[0]->run[j].block[k], *b = &r[1]->run[j].block[k];
        const size_t bytes = a->numeric->size1 * a->numeric->size2 * sizeof (double);
        ck_assert (memcmp (a->numeric->data, b->numeric->data, bytes) == 0);
        ck_assert (memcmp (a->abserr->data, b->abserr->data, bytes) == 0);
        ck_assert (memcmp (a->mask->data, b->mask->data, bytes / sizeof (double)) == 0);
        ck_assert_uint_eq (a->n_failed, b->n_failed);
      }
  ck_assert_uint_eq (r[1]->run[0].block[2].n_failed, 1);
  for (size_t j = 0; j < 3; j++)
    bp_gradcheck_result_free (r[j]);
  layer_problem_free (&p);
}
END_TEST

START_TEST (test_gradcheck_jacobian_shape_refused)
{
  /* a vector f of m = 2 outputs of a block of n = 2: J must be m x n; one
     of 2 x 3, 3 x 2 (one side right) or 1 x 4 (m n elements) is refused
     with GSL_EBADLEN, nothing returned.  Mutant: core_shape_ok's
     size1 == m && size2 == n as || (accepts 2 x 3 and 3 x 2) */
  const double td[] = { 0.7, -0.4 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  bp_gradcheck_function F = { .vloss = two_by_two, .m = 2 };
  const bp_gradcheck_block blk = { .name = "theta", .vector = &t.vector };
  const size_t shapes[4][2] = { { 2, 3 }, { 3, 2 }, { 1, 4 }, { 2, 2 } };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t c = 0; c < 4; c++)
    {
      gsl_matrix *J = gsl_matrix_calloc (shapes[c][0], shapes[c][1]);
      const bp_gradcheck_block ana = { .matrix = J };
      bp_gradcheck_result *r = (bp_gradcheck_result *) &F;
      const int st = bp_gradcheck (&F, 1, &blk, &ana, NULL, &r);
      if (c < 3)
        {
          ck_assert_msg (st == GSL_EBADLEN, "J %zu x %zu: status %d", shapes[c][0],
                         shapes[c][1], st);
          ck_assert_ptr_null (r);
        }
      else
        {
          ck_assert_int_eq (st, GSL_FAILURE);   /* J = 0 is the wrong Jacobian */
          bp_gradcheck_result_free (r);
        }
      gsl_matrix_free (J);
    }
  gsl_set_error_handler (old);
}
END_TEST

/* f(t) = t_0 + 2 t_1^2, as a vector f of one output */
static int
one_output (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  (void) params;
  const double a = gsl_vector_get (p->vector[0], 0), b = gsl_vector_get (p->vector[0], 1);
  gsl_vector_set (out, 0, a + 2.0 * b * b);
  return 0;
}

START_TEST (test_gradcheck_jacobian_vector_of_one_output)
{
  /* a vector f with m = 1 takes its 1 x n Jacobian as a vector of n
     (core_shape_ok): (1, 4 t_1) passes; a vector of n + 1 is refused, and
     so is a vector of n for m = 2 (J must be 2 x 2), with GSL_EBADLEN and
     nothing returned.  Mutants: core_shape_ok's 'f->m == 1 &&
     a->vector->size == n' as 'f->m != 1', 'size != n' (the right vector
     refused) and '||' (the wrong ones accepted) */
  const double td[] = { 0.7, -0.4 }, gd[] = { 1.0, 4.0 * -0.4, 0.0 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  const bp_gradcheck_block blk = { .name = "theta", .vector = &t.vector };
  const bp_gradcheck_function one = { .vloss = one_output, .m = 1 },
      two = { .vloss = two_by_two, .m = 2 };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t c = 0; c < 3; c++)
    {
      gsl_vector_const_view g = gsl_vector_const_view_array (gd, c == 1 ? 3 : 2);
      const bp_gradcheck_block ana = { .vector = &g.vector };
      bp_gradcheck_result *r = (bp_gradcheck_result *) &one;
      const int st = bp_gradcheck (c < 2 ? &one : &two, 1, &blk, &ana, NULL, &r);
      if (c == 0)
        {
          ck_assert_int_eq (st, GSL_SUCCESS);
          bp_gradcheck_result_free (r);
        }
      else
        {
          ck_assert_msg (st == GSL_EBADLEN, "case %zu: status %d", c, st);
          ck_assert_ptr_null (r);
        }
    }
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_gradcheck_refuses_bad_options)
{
  /* every option out of range: GSL_EINVAL; NaN in a block: GSL_EDOM;
     NULL: GSL_EFAULT; a shape mismatch: GSL_EBADLEN; nothing returned */
  layer_problem p;
  layer_problem_init (&p, 0);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_gradcheck_options o;
  bp_gradcheck_result *r = (bp_gradcheck_result *) &o;
  for (int c = 0; c < 18; c++)
    {
      bp_gradcheck_options_default (&o);
      switch (c)
        {
        case 0: o.rtol = GSL_NAN; break;
        case 1: o.rtol = -1e-6; break;
        case 2: o.rtol = GSL_POSINF; break;
        case 3: o.atol = GSL_NAN; break;
        case 4: o.atol = -1.0; break;
        case 5: o.atol = GSL_POSINF; break;
        case 6: o.h = 0.0; break;
        case 7: o.h = -1e-4; break;
        case 8: o.h = GSL_POSINF; break;
        case 9: o.h = GSL_NAN; break;
        case 10: o.h_complex = 0.0; break;
        case 11: o.threads = 0; break;
        case 12: o.method = 0; break;
        case 13: o.method = 16; break;
        case 14: o.n_directions = 0; break;
        case 15: o.taylor_n = 2; break;
        case 16: o.arg_type = 2; break;
        default: o.taylor_h = GSL_NAN; break;
        }
      ck_assert_msg (bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r) == GSL_EINVAL,
                     "option case %d", c);
      ck_assert_ptr_null (r);
    }
  ck_assert_int_eq (bp_gradcheck (&p.F, 0, p.blocks, p.grads, NULL, &r), GSL_EINVAL);
  ck_assert_int_eq (bp_gradcheck (NULL, 3, p.blocks, p.grads, NULL, &r), GSL_EFAULT);
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, NULL, p.grads, NULL, &r), GSL_EFAULT);
  bp_gradcheck_function nog = p.F;
  ck_assert_int_eq (bp_gradcheck (&nog, 3, p.blocks, NULL, NULL, &r), GSL_EFAULT);
  nog.closs = NULL;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_COMPLEX_STEP;
  ck_assert_int_eq (bp_gradcheck (&nog, 3, p.blocks, p.grads, &o, &r), GSL_EFAULT);
  o.method = BP_GRADCHECK_ALL;           /* all it can: the complex step left out */
  ck_assert_int_eq (bp_gradcheck (&nog, 3, p.blocks, p.grads, &o, &r), GSL_SUCCESS);
  ck_assert_uint_eq (r->n_runs, 3);
  bp_gradcheck_result_free (r);
  bp_gradcheck_block bad[3] = { p.grads[0], p.grads[2], p.grads[2] };
  gsl_vector *b4 = gsl_vector_calloc (LR + 1);
  bad[1].vector = b4;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, bad, NULL, &r), GSL_EBADLEN);
  gsl_vector_free (b4);
  bad[1] = (bp_gradcheck_block) { .vector = p.db, .matrix = p.dW };
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, bad, NULL, &r), GSL_EINVAL);
  *gsl_vector_ptr (p.x, 1) = GSL_NAN;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, NULL, &r), GSL_EDOM);
  ck_assert_ptr_null (r);
  /* f undefined at the point itself */
  const double td[] = { -1.0, 0.0 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  bp_gradcheck_function S = { .loss = sqrt_loss };
  const bp_gradcheck_block sb = { .vector = &t.vector }, sa = { .vector = &t.vector };
  ck_assert_int_eq (bp_gradcheck (&S, 1, &sb, &sa, NULL, &r), GSL_EDOM);
  unsigned m = 0;
  ck_assert_int_eq (bp_gradcheck_method_parse ("taylor", &m), GSL_SUCCESS);
  ck_assert_uint_eq (m, BP_GRADCHECK_TAYLOR);
  ck_assert_int_eq (bp_gradcheck_method_parse ("gsl", &m), GSL_SUCCESS);
  ck_assert_uint_eq (m, BP_GRADCHECK_CENTRAL);
  ck_assert_int_eq (bp_gradcheck_method_parse ("newton", &m), GSL_EINVAL);
  ck_assert_str_eq (bp_gradcheck_verdict_name (BP_GRADCHECK_INCONCLUSIVE), "INCONCLUSIVE");
  gsl_set_error_handler (old);
  layer_problem_free (&p);
}
END_TEST

/* f(t) = t_0^2: its directional derivative at 1 along a unit d = +-1 is +-2 */
static double
square_f (const gsl_vector *t, void *params)
{
  (void) params;
  return gsl_vector_get (t, 0) * gsl_vector_get (t, 0);
}

START_TEST (test_gradcheck_directions_unit)
{
  /* directions are unit vectors: in one dimension the analytic
     directional derivative is exactly +-2 (an unnormalised Gaussian d
     would scale it, and the step, by |d|) */
  gsl_vector *t = gsl_vector_alloc (1), *g = gsl_vector_alloc (1);
  gsl_vector_set (t, 0, 1.0);
  gsl_vector_set (g, 0, 2.5);            /* wrong, so the worst is reported */
  const test_plain q = { .f = square_f };
  bp_gradcheck_result *r;
  ck_assert_int_eq (test_plain_check (&q, t, g, NULL, BP_GRADCHECK_DIRECTIONAL, BP_CHECK_STEP,
                                      1e-6, 1e-9, &r), GSL_FAILURE);
  const bp_gradcheck_element *d = &r->run[0].worst_direction;
  ck_assert_double_eq_tol (fabs (d->analytic), 2.5, 1e-15);
  ck_assert_double_eq_tol (fabs (d->numeric), 2.0, 1e-9);
  bp_gradcheck_result_free (r);
  gsl_vector_free (t);
  gsl_vector_free (g);
}
END_TEST

/* f(t) = (t_0 t_1, e^t_0), failing (GSL_EDOM) away from the point */
static int
failing_fv (const gsl_vector *t, void *params, gsl_vector *out)
{
  const double *t0 = params;
  gsl_vector_set (out, 0, gsl_vector_get (t, 0) * gsl_vector_get (t, 1));
  gsl_vector_set (out, 1, exp (gsl_vector_get (t, 0)));
  return gsl_vector_get (t, 0) == *t0 && gsl_vector_get (t, 1) == t0[1] ? GSL_SUCCESS : GSL_EDOM;
}

static int
plain_square (const bp_gradcheck_point *p, void *params, double *L)
{
  const test_plain *q = params;
  *L = q->f (p->vector[0], q->params);
  return 0;
}

static int
plain_failing (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  const test_plain *q = params;
  return q->fv (p->vector[0], q->params, out);
}

START_TEST (test_deriv_refuses_zero_step_and_keeps_f_errors)
{
  /* h = 0 is refused (it gave NaN and GSL_SUCCESS); a vector function
     that fails away from the point makes the element-wise and the
     directional Jacobian fail: not a PASS (the error was lost once) */
  double td[] = { 0.5, 2.0 };
  gsl_vector_view t = gsl_vector_view_array (td, 2);
  gsl_vector *g = gsl_vector_alloc (2);
  gsl_matrix *J = gsl_matrix_alloc (2, 2);
  gsl_matrix_set_zero (J);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const test_plain sq = { .f = square_f }, fq = { .fv = failing_fv, .params = td };
  const bp_gradcheck_function F = { .loss = plain_square, .params = (void *) &sq },
    FV = { .vloss = plain_failing, .m = 2, .params = (void *) &fq };
  const bp_gradcheck_block tb = { .name = "t", .vector = &t.vector },
      gb = { .name = "g", .vector = g },
    Jb = { .name = "J", .matrix = J };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.h = 0.0;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &tb, &gb, &o, &r), GSL_EINVAL);
  ck_assert_int_eq (bp_gradcheck (&FV, 1, &tb, &Jb, &o, &r), GSL_EINVAL);
  ck_assert_ptr_null (r);
  for (unsigned method = BP_GRADCHECK_CENTRAL; method <= BP_GRADCHECK_DIRECTIONAL;
       method *= 2)
    {
      if (method == BP_GRADCHECK_COMPLEX_STEP)
        continue;
      bp_gradcheck_options_default (&o);
      o.method = method;
      const int s = bp_gradcheck (&FV, 1, &tb, &Jb, &o, &r);
      ck_assert_msg (s != GSL_SUCCESS, "method %u passed", method);
      bp_gradcheck_result_free (r);
      r = NULL;
    }
  gsl_set_error_handler (old);
  gsl_vector_free (g);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_gradcheck_report)
{
  /* the report's key lines: verdict, the run, the block's counts, its
     worst element with (row, col), analytic, numeric and method, a hint */
  layer_problem p;
  layer_problem_init (&p, 4);
  gsl_vector_scale (p.db, -1.0);
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.k = 1;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&p.F, 3, p.blocks, p.grads, &o, &r), GSL_FAILURE);
  char *rep = report_of (r);
  const bp_gradcheck_element *w = &r->run[0].block[1].worst[0];
  char line[200];
  snprintf (line, sizeof line, "      b(%zu,0)  analytic % .10e  numeric % .10e  estimate %.2e"
            "  tolerance %.2e  step %.2e%s  central  FAIL\n", w->row, w->analytic, w->numeric,
            w->abserr, w->tol, w->h, w->retried ? " (retried)" : "");
  const char *want[] = {
    "gradient check: FAIL (3 blocks, scalar f: gradients; rtol 1e-06, atol 1e-09)\n",
    "central differences (gsl_deriv_central): FAIL: 3 of 15 elements differ",
    "  W (3 x 3): 9 checked, 9 passed, 0 inconclusive, 0 failed, 0 kinks, 0 one-sided: PASS\n",
    "  b (3 x 1): 3 checked, 0 passed, 0 inconclusive, 3 failed, 0 kinks, 0 one-sided: FAIL\n",
    "    worst 1 (by |a - e| / (tol + 2 estimate)):\n", line,
    "    hint: b: analytic = -numeric: a flipped sign?\n" };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_msg (strstr (rep, want[i]), "missing: %s\nin:\n%s", want[i], rep);
  free (rep);
  /* a stream that cannot be written: GSL_EFAILED, not a silent success */
  FILE *full = fopen ("/dev/full", "w");
  if (full)
    {
      gsl_error_handler_t *old = gsl_set_error_handler_off ();
      ck_assert_int_eq (bp_gradcheck_fprintf (full, r), GSL_EFAILED);
      gsl_set_error_handler (old);
      fclose (full);
    }
  bp_gradcheck_result_free (r);
  layer_problem_free (&p);
}
END_TEST

/* y = Softmax(v), in real and complex arithmetic */
static int
softmax_out (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  (void) params;
  return bp_softmax (p->vector[0], out);
}

static int
softmax_cout (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *out)
{
  (void) params;
  return bp_complex_softmax (p->vector[0], out);
}

START_TEST (test_gradcheck_jacobian_without_y_i)
{
  /* J'_ij = 1[i=j] - y_j, the y_i factor dropped: FAIL by every method,
     and the element-wise ones find every wrong element (all of them:
     y_i < 1); the right J passes by every method */
  gsl_rng *rng = test_rng (400 + _i);
  const size_t n = 2 + gsl_rng_uniform_int (rng, 6);
  gsl_vector *v = test_logits (rng, n, 3.0), *y = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n), *Jw = gsl_matrix_alloc (n, n);
  bp_softmax (v, y);
  bp_softmax_jacobian (y, J);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      gsl_matrix_set (Jw, i, j, (i == j ? 1.0 : 0.0) - gsl_vector_get (y, j));
  bp_gradcheck_function F = { .vloss = softmax_out, .cvloss = softmax_cout, .m = n };
  const bp_gradcheck_block blk = { .name = "v", .vector = v };
  const bp_gradcheck_block right = { .matrix = J }, wrong = { .matrix = Jw };
  for (size_t k = 0; k < 4; k++)
    {
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = every_method[k];
      o.seed = (unsigned long) _i;
      bp_gradcheck_result *r = NULL;
      ck_assert_msg (bp_gradcheck (&F, 1, &blk, &right, &o, &r) == GSL_SUCCESS, "method %u: %s",
                     o.method, r ? r->run[0].reason : "");
      bp_gradcheck_result_free (r);
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &wrong, &o, &r), GSL_FAILURE);
      if (k != 3)
        {
          const bp_gradcheck_block_result *B = &r->run[0].block[0];
          ck_assert_uint_eq (B->n_failed, n * n);
          const bp_gradcheck_element *w = &B->worst[0];
          ck_assert_double_eq (w->analytic, gsl_matrix_get (Jw, w->output, w->row));
          ck_assert_double_eq_tol (w->numeric, gsl_matrix_get (J, w->output, w->row), 1e-8);
        }
      bp_gradcheck_result_free (r);
    }
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_matrix_free (J);
  gsl_matrix_free (Jw);
  gsl_rng_free (rng);
}
END_TEST

/* --- directions: their tolerance, their figures, the localization ------- */

/* L(theta) = sum_k a_k theta_k^2, a_k = 1 + k/n, and dL/dtheta_k =
   2 a_k theta_k: the quad module of `backprop check' (tests/modules/quad.c
   on branch consumers) as bp_gradcheck callbacks.  params: NULL for the
   plain sum; a quad_base for the incremental form, L(theta0) + a_k (x^2 -
   x0^2) when one element moved (as backprop verify's partial losses). */
typedef struct
{
  const gsl_vector *theta0;
  double L0;
} quad_base;

static double
quad_a (size_t k, size_t n)
{
  return 1.0 + (double) k / (double) n;
}

static double
quad_sum (const gsl_vector *t)
{
  double s = 0.0;
  for (size_t k = 0; k < t->size; k++)
    s += quad_a (k, t->size) * t->data[k] * t->data[k];
  return s;
}

static int
quad_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const quad_base *b = params;
  const gsl_vector *t = p->vector[0];
  if (b && p->moved_block == 0)
    {
      const size_t k = p->moved_row;
      const double x = t->data[k], x0 = gsl_vector_get (b->theta0, k);
      *L = b->L0 + quad_a (k, t->size) * (x * x - x0 * x0);
    }
  else
    *L = quad_sum (t);
  return 0;
}

static int
quad_grad (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  (void) params;
  const gsl_vector *t = p->vector[0];
  for (size_t k = 0; k < t->size; k++)
    gsl_matrix_set (g[0], k, 0, 2.0 * quad_a (k, t->size) * t->data[k]);
  return 0;
}

/* theta_k uniform in (-1, 1) from seed, as `backprop check --seed' */
static gsl_vector *
quad_point (size_t n, unsigned long seed)
{
  gsl_vector *t = gsl_vector_alloc (n);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  for (size_t k = 0; k < n; k++)
    gsl_vector_set (t, k, 2.0 * gsl_rng_uniform_pos (rng) - 1.0);
  gsl_rng_free (rng);
  return t;
}

static const unsigned long quad_seeds[] = { 1, 2, 4 };

START_TEST (test_gradcheck_directions_large_n)
{
  /* the right gradient of quad at n = 10,000 (atol 1e-7): the line's
     derivative carries the rounding of a sum of 10^4 terms of L ~ 5000
     (about 4e-7, beyond rtol |g . d| when g . d is small), which the
     direction's tolerance scaled by its terms (0.11a), rtol |g| / sqrt(n)
     in RMS, covers: no direction disagrees, nothing is localized.  With
     rtol |g . d| alone, seeds 1, 2 and 4 had a direction inconclusive. */
  const unsigned long seed = quad_seeds[_i];
  gsl_vector *t = quad_point (10000, seed);
  bp_gradcheck_function f = { .loss = quad_loss, .grad = quad_grad };
  bp_gradcheck_block b = { .name = "theta", .vector = t };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.atol = 1e-7;
  o.seed = seed;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, NULL, &o, &res), GSL_SUCCESS);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_uint_eq (run->n_directions_failed, 0);
  ck_assert_int_eq (run->localized, 0);
  ck_assert_int_eq (run->verdict, BP_GRADCHECK_PASS);
  bp_gradcheck_result_free (res);
  gsl_vector_free (t);
}
END_TEST

START_TEST (test_gradcheck_directions_noise)
{
  /* the right gradient of quad at n = 200,000, default tolerances: the
     rounding of the 2e5-term sum made directions FAIL and INCONCLUSIVE
     at rtol and GSL's estimate alone, and the group testing descended
     into nearly every half (9152 directions, 33 s).  Judged at the
     resolution of f's noise along the line (eq. 0.11b), and localized
     only on a FAIL beyond it (0.12a): no direction disagrees, nothing is
     localized. */
  gsl_vector *t = quad_point (200000, 1);
  bp_gradcheck_function f = { .loss = quad_loss, .grad = quad_grad };
  bp_gradcheck_block b = { .name = "theta", .vector = t };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.seed = 1;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, NULL, &o, &res), GSL_SUCCESS);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_uint_eq (run->n_directions_failed, 0);
  ck_assert_int_eq (run->localized, 0);
  ck_assert_uint_eq (run->n_localizing, 0);
  ck_assert_int_eq (run->verdict, BP_GRADCHECK_PASS);
  bp_gradcheck_result_free (res);
  gsl_vector_free (t);
}
END_TEST

/* f(theta) = sum_i exp(10 theta_i): along a line its fifth derivative is
   10^4 times its first */
static int
exp10_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const gsl_vector *t = p->vector[0];
  double s = 0.0;
  for (size_t i = 0; i < t->size; i++)
    s += exp (10.0 * t->data[i]);
  *L = s;
  return 0;
}

START_TEST (test_gradcheck_inconclusive_not_localized)
{
  /* the right gradient of exp10_loss at n = 64 with rtol 1e-12, atol
     1e-15: every direction's |a - e| (the rounding of f over the step,
     ~1e-9, f's noise not above GSL's own rounding term) exceeds the
     tolerance but lies within GSL's estimate: INCONCLUSIVE, none FAILs.
     Only a FAIL starts the localization (eq. 0.12a): the run stays
     INCONCLUSIVE and nothing is localized */
  enum { N = 64 };
  gsl_vector *t = gsl_vector_alloc (N), *g = gsl_vector_alloc (N);
  for (size_t i = 0; i < N; i++)
    {
      gsl_vector_set (t, i, 0.01 * (double) (i % 7));
      gsl_vector_set (g, i, 10.0 * exp (10.0 * gsl_vector_get (t, i)));
    }
  bp_gradcheck_function f = { .loss = exp10_loss };
  bp_gradcheck_block b = { .name = "theta", .vector = t }, a = { .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.rtol = 1e-12;
  o.atol = 1e-15;
  o.seed = 1;
  bp_gradcheck_result *res;
  bp_gradcheck (&f, 1, &b, &a, &o, &res);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_uint_gt (run->n_inconclusive, 0);
  ck_assert_uint_eq (run->n_failed, 0);
  ck_assert_int_eq (run->localized, 0);
  ck_assert_uint_eq (run->n_localizing, 0);
  ck_assert_int_eq (run->verdict, BP_GRADCHECK_INCONCLUSIVE);
  bp_gradcheck_result_free (res);
  gsl_vector_free (g);
  gsl_vector_free (t);
}
END_TEST

/* f(theta) = c (theta_0 + theta_1): g = (c, c), so along a unit d the
   terms' scale sqrt((c d_0)^2 + (c d_1)^2) is |c| whatever d */
static int
sum2_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  *L = *(const double *) params * (p->vector[0]->data[0] + p->vector[0]->data[1]);
  return 0;
}

START_TEST (test_gradcheck_direction_tolerance)
{
  /* eq. (0.11a): tol = max(atol, rtol max(|a|, |e|, s)) with s = |c| here;
     some direction must have |g . d| < |c| (cancellation), where rtol
     |g . d| alone would be smaller */
  double c = 3.0;
  const double gd[] = { c, c }, td[] = { 0.25, -0.5 };
  gsl_vector_const_view t = gsl_vector_const_view_array (td, 2);
  gsl_vector_const_view g = gsl_vector_const_view_array (gd, 2);
  bp_gradcheck_function f = { .loss = sum2_loss, .params = &c };
  bp_gradcheck_block b = { .vector = &t.vector }, a = { .vector = &g.vector };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.n_directions = 1;
  o.rtol = 1e-3;
  size_t cancelled = 0;
  for (unsigned long seed = 0; seed < 8; seed++)
    {
      o.seed = seed;
      bp_gradcheck_result *res;
      ck_assert_int_eq (bp_gradcheck (&f, 1, &b, &a, &o, &res), GSL_SUCCESS);
      const bp_gradcheck_element *d = &res->run[0].worst_direction;
      const double expect = fmax (o.atol, o.rtol * fmax (fmax (fabs (d->analytic),
                                                               fabs (d->numeric)), c));
      ck_assert_double_eq_tol (d->tol, expect, 1e-15 * expect);
      cancelled += fabs (d->analytic) < 0.9 * c;
      bp_gradcheck_result_free (res);
    }
  ck_assert_uint_gt (cancelled, 0);
}
END_TEST

START_TEST (test_gradcheck_localized_elements_decide)
{
  /* quad at n = 10,000 with rtol 1e-8, atol 1e-7, evaluated incrementally
     when one element moved: the lines carry the sum's rounding (~4e-7 >
     rtol and atol), which made directions disagree and sent them to the
     localization.  Judged at the resolution of f's noise along the line
     (eq. 0.11b) they pass, the worst at that resolution (its tolerance
     beyond rtol and atol), and nothing is localized; the report shows
     the worst direction's figures. */
  gsl_vector *t = quad_point (10000, 1);
  quad_base base = { .theta0 = t, .L0 = quad_sum (t) };
  bp_gradcheck_function f = { .loss = quad_loss, .grad = quad_grad, .params = &base };
  bp_gradcheck_block b = { .name = "theta", .vector = t };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.rtol = 1e-8;
  o.atol = 1e-7;
  o.seed = 1;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, NULL, &o, &res), GSL_SUCCESS);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_uint_eq (run->n_directions_failed, 0);
  ck_assert_int_eq (run->localized, 0);
  ck_assert_int_eq (run->verdict, BP_GRADCHECK_PASS);
  ck_assert_int_eq (res->verdict, BP_GRADCHECK_PASS);
  ck_assert_int_eq (run->worst_direction.status, BP_GRADCHECK_ELEMENT_PASS);
  const bp_gradcheck_element *wd = &run->worst_direction;
  ck_assert_double_gt (wd->tol, fmax (o.atol, o.rtol * fmax (fabs (wd->analytic),
                                                             fabs (wd->numeric))));
  ck_assert_uint_eq (run->worst_direction.block, BP_GRADCHECK_NONE);
  /* the report shows the worst direction's figures */
  char *rep = report_of (res), line[160];
  snprintf (line, sizeof line, "    worst direction %zu  analytic % .10e  numeric % .10e  "
            "estimate %.2e", run->worst_direction.row, run->worst_direction.analytic,
            run->worst_direction.numeric, run->worst_direction.abserr);
  ck_assert_msg (strstr (rep, line) != NULL, "no '%s' in:\n%s", line, rep);
  free (rep);
  bp_gradcheck_result_free (res);
  gsl_vector_free (t);
}
END_TEST

START_TEST (test_gradcheck_direction_figures)
{
  /* a passing directional run fills the run's error figures over the
     directions: with one direction, that direction's |a - e|, relative
     error and estimate; with 16, at least the worst's */
  gsl_vector *t = quad_point (50, 3);
  bp_gradcheck_function f = { .loss = quad_loss, .grad = quad_grad };
  bp_gradcheck_block b = { .vector = t };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.n_directions = 1;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, NULL, &o, &res), GSL_SUCCESS);
  const bp_gradcheck_run *run = &res->run[0];
  const bp_gradcheck_element *d = &run->worst_direction;
  const double diff = fabs (d->analytic - d->numeric);
  ck_assert (diff > 0.0 && d->abserr > 0.0);
  ck_assert_double_eq (run->max_abs_err, diff);
  ck_assert_double_eq (run->max_rel_err, diff / fmax (fabs (d->analytic), fabs (d->numeric)));
  ck_assert_double_eq (run->max_est_err, d->abserr);
  bp_gradcheck_result_free (res);
  o.n_directions = 16;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, NULL, &o, &res), GSL_SUCCESS);
  run = &res->run[0];
  d = &run->worst_direction;
  ck_assert (run->max_abs_err >= fabs (d->analytic - d->numeric) && run->max_abs_err > 0.0);
  ck_assert (run->max_est_err >= d->abserr && run->max_est_err > 0.0);
  ck_assert (run->max_rel_err > 0.0);
  bp_gradcheck_result_free (res);
  gsl_vector_free (t);
}
END_TEST

/* --- localization by group testing, eq. (0.12a) --------------------------- */

/* L = (1 / 2N) sum_q (1 + q / N) theta_q^2 over the elements q of every
   block in their order (N of them: a mean, as losses are), plus
   |theta_kink| when kink < N; its gradient into the blocks' arrays g
   (vector or matrix, as the blocks), the kink's right derivative (+1)
   at theta_kink = 0. */
typedef struct
{
  size_t N, kink;
} mq_params;

static double
mq_w (size_t q, size_t N)
{
  return 1.0 + (double) q / (double) N;
}

static int
mq_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const mq_params *m = params;
  double s = 0.0, kink = 0.0;
  size_t q = 0;
  for (size_t k = 0; k < p->n_blocks; k++)
    for (size_t i = 0; i < p->vector[k]->size; i++, q++)
      {
        const double x = p->vector[k]->data[i];
        s += mq_w (q, m->N) * x * x;
        if (q == m->kink)
          kink = fabs (x);
      }
  *L = s / (2.0 * (double) m->N) + kink;
  return 0;
}

/* the gradient of mq_loss at the blocks' point into the arrays g */
static void
mq_gradient (const mq_params *m, size_t n_blocks, const bp_gradcheck_block b[],
             const bp_gradcheck_block g[])
{
  size_t q = 0;
  for (size_t k = 0; k < n_blocks; k++)
    {
      gsl_vector_const_view bm = b[k].matrix
        ? gsl_vector_const_view_array (b[k].matrix->data, b[k].matrix->size1 * b[k].matrix->size2)
        : gsl_vector_const_subvector (b[k].vector, 0, b[k].vector->size);
      double *gd = g[k].matrix ? g[k].matrix->data : g[k].vector->data;
      for (size_t i = 0; i < bm.vector.size; i++, q++)
        gd[i] = mq_w (q, m->N) * gsl_vector_get (&bm.vector, i) / (double) m->N
                + (q == m->kink ? 1.0 : 0.0);
    }
}

/* the progress seen: calls, the last (done, total) of each method */
typedef struct
{
  size_t calls, done, total;
  int backwards;
} seen_progress;

static void
note_progress (unsigned method, size_t done, size_t total, void *arg)
{
  seen_progress *s = arg;
  ck_assert_uint_eq (method, BP_GRADCHECK_DIRECTIONAL);
  ck_assert_uint_le (done, total);
  s->backwards |= s->total == total && done < s->done;
  s->calls++;
  s->done = done;
  s->total = total;
}

enum { BIG_N = 100000, BAD_J = 73421 };

START_TEST (test_gradcheck_localize_one_among_1e5)
{
  /* one element among 10^5 missing its 1/N (off by ~1e-3, where the
     gradient is ~1e-5): the directions disagree, group testing names it
     after checking at most 2 n_directions elements one by one, not 10^5;
     the progress reaches every element */
  gsl_vector *t = quad_point (BIG_N, 7), *g = gsl_vector_alloc (BIG_N);
  mq_params m = { .N = BIG_N, .kink = BIG_N };
  bp_gradcheck_block b = { .name = "theta", .vector = t }, a = { .vector = g };
  mq_gradient (&m, 1, &b, &a);
  const double right = gsl_vector_get (g, BAD_J);
  gsl_vector_set (g, BAD_J, right * BIG_N);
  bp_gradcheck_function f = { .loss = mq_loss, .params = &m };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.seed = 3;
  seen_progress seen = { 0 };
  o.progress = note_progress;
  o.progress_arg = &seen;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, &a, &o, &res), GSL_FAILURE);
  const bp_gradcheck_run *run = &res->run[0];
  const bp_gradcheck_block_result *B = &run->block[0];
  ck_assert_int_eq (run->localized, 1);
  ck_assert_uint_gt (run->n_directions_failed, 0);
  ck_assert_uint_le (run->n_checked, 2 * o.n_directions);
  ck_assert_uint_gt (run->n_localizing, 0);
  ck_assert_uint_eq (B->n_failed, 1);
  ck_assert_uint_eq (B->n_inconclusive, 0);
  ck_assert_uint_eq (B->worst[0].row, BAD_J);
  ck_assert_uint_eq (run->worst.row, BAD_J);
  ck_assert_int_eq (gsl_matrix_uchar_get (B->mask, BAD_J, 0), BP_GRADCHECK_ELEMENT_FAIL);
  ck_assert_double_eq_tol (B->worst[0].numeric, right, 1e-9);
  ck_assert_int_eq (seen.backwards, 0);
  ck_assert_uint_gt (seen.calls, o.n_directions);
  ck_assert_uint_eq (seen.done, BIG_N);
  ck_assert_uint_eq (seen.total, BIG_N);
  bp_gradcheck_result_free (res);
  gsl_vector_free (g);
  gsl_vector_free (t);
}
END_TEST

START_TEST (test_gradcheck_directions_progress_counts)
{
  /* a passing directional run (no localization): the progress is called
     after each direction with the directions done so far, 1 .. n, of n
     (bp_gradcheck.h).  Mutant: run_directional()'s 'progress (pb, j + 1,
     ...)' as 'j' (0 .. n - 1: the last call short of the total) */
  enum { N = 12 };
  gsl_vector *t = quad_point (N, 5), *g = gsl_vector_alloc (N);
  mq_params m = { .N = N, .kink = N };
  bp_gradcheck_block b = { .name = "theta", .vector = t }, a = { .vector = g };
  mq_gradient (&m, 1, &b, &a);
  bp_gradcheck_function f = { .loss = mq_loss, .params = &m };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.n_directions = 5;
  seen_progress seen = { 0 };
  o.progress = note_progress;
  o.progress_arg = &seen;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, &a, &o, &res), GSL_SUCCESS);
  ck_assert_int_eq (res->run[0].localized, 0);
  ck_assert_int_eq (seen.backwards, 0);
  ck_assert_uint_eq (seen.calls, 5);
  ck_assert_uint_eq (seen.done, 5);
  ck_assert_uint_eq (seen.total, 5);
  bp_gradcheck_result_free (res);
  gsl_vector_free (g);
  gsl_vector_free (t);
}
END_TEST

/* f = cbrt (x0 x1 (x0 + x1)): homogeneous of degree 1, so along a
   direction d from 0 its derivative is cbrt (d0 d1 (d0 + d1)), while
   along either axis f is 0 */
static int
cbrt_cubic_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double x0 = gsl_vector_get (p->vector[0], 0), x1 = gsl_vector_get (p->vector[0], 1);
  *L = cbrt (x0 * x1 * (x0 + x1));
  return 0;
}

START_TEST (test_gradcheck_localized_worst_of_zero_ratios)
{
  /* at theta = 0 with the analytic gradient 0: the directions disagree
     (f' along d is cbrt (d0 d1 (d0 + d1)), not 0), the localization
     checks both elements, and each is 0 along its axis: a = e = 0, ratio
     0.  The run's worst element is then the first of them, above the
     initial -1 (eq. 0.3's rho >= 0).  Mutant: group_fill()'s 'worst =
     -1.0' as '-0.0' (no element above it: no worst kept) */
  double x[2] = { 0.0, 0.0 }, g[2] = { 0.0, 0.0 };
  test_block tb;
  test_block_init (&tb, x, g, 2);
  const bp_gradcheck_function F = { .loss = cbrt_cubic_loss };
  bp_gradcheck_options o = test_options (BP_GRADCHECK_DIRECTIONAL);
  bp_gradcheck_result *r = NULL;
  bp_gradcheck (&F, 1, &tb.x, &tb.grad, &o, &r);
  ck_assert_ptr_nonnull (r);
  const bp_gradcheck_run *run = &r->run[0];
  ck_assert_int_eq (run->localized, 1);
  ck_assert_uint_eq (run->block[0].n_checked, 2);
  ck_assert_uint_eq (run->block[0].n_passed, 2);
  ck_assert_msg (run->worst.block == 0 && run->worst.row == 0 && run->worst.ratio == 0.0,
                 "worst: block %zu row %zu ratio %g", run->worst.block, run->worst.row,
                 run->worst.ratio);
  bp_gradcheck_result_free (r);
}
END_TEST

START_TEST (test_gradcheck_localize_several_blocks)
{
  /* four wrong elements in three blocks of 20,000 elements in all, one at
     the end of b and one at the start of x (a range may span two
     blocks): exactly those FAIL, each named in its block, after at most
     4 x 2 n_directions elements checked one by one */
  enum { R = 120, C = 100, NB = 5000, NX = 3000 };
  gsl_matrix *W = gsl_matrix_alloc (R, C), *dW = gsl_matrix_alloc (R, C);
  gsl_vector *bv = quad_point (NB, 11), *xv = quad_point (NX, 12), *w = quad_point (R * C, 13);
  gsl_vector *db = gsl_vector_alloc (NB), *dx = gsl_vector_alloc (NX);
  memcpy (W->data, w->data, R * C * sizeof (double));
  mq_params m = { .N = R * C + NB + NX, .kink = SIZE_MAX };
  const bp_gradcheck_block blk[3] = { { .name = "W", .matrix = W },
      { .name = "b", .vector = bv },
                                      { .name = "x", .vector = xv } };
  const bp_gradcheck_block grads[3] = { { .matrix = dW }, { .vector = db }, { .vector = dx } };
  mq_gradient (&m, 3, blk, grads);
  *gsl_matrix_ptr (dW, 17, 42) += 1e-3;
  *gsl_matrix_ptr (dW, 88, 3) -= 1e-3;
  *gsl_vector_ptr (db, NB - 1) *= -1.0;
  *gsl_vector_ptr (db, NB - 1) += 1e-3;
  *gsl_vector_ptr (dx, 0) += 1e-3;
  bp_gradcheck_function f = { .loss = mq_loss, .params = &m };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.seed = 5;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 3, blk, grads, &o, &res), GSL_FAILURE);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_int_eq (run->localized, 1);
  ck_assert_uint_le (run->n_checked, 4 * 2 * o.n_directions);
  ck_assert_uint_eq (run->n_failed, 4);
  const size_t wrong[4][3] = { { 0, 17, 42 }, { 0, 88, 3 }, { 1, NB - 1, 0 }, { 2, 0, 0 } };
  for (size_t k = 0; k < 3; k++)
    {
      const gsl_matrix_uchar *mask = run->block[k].mask;
      for (size_t i = 0; i < mask->size1; i++)
        for (size_t j = 0; j < mask->size2; j++)
          {
            int is_wrong = 0;
            for (size_t e = 0; e < 4; e++)
              is_wrong |= wrong[e][0] == k && wrong[e][1] == i && wrong[e][2] == j;
            ck_assert_msg ((gsl_matrix_uchar_get (mask, i, j) == BP_GRADCHECK_ELEMENT_FAIL)
                           == is_wrong, "block %zu (%zu,%zu)", k, i, j);
          }
    }
  ck_assert_uint_eq (run->block[0].n_failed, 2);
  ck_assert_uint_eq (run->block[1].worst[0].row, NB - 1);
  ck_assert_uint_eq (run->block[2].worst[0].row, 0);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (W);
  gsl_matrix_free (dW);
  gsl_vector_free (bv);
  gsl_vector_free (xv);
  gsl_vector_free (w);
  gsl_vector_free (db);
  gsl_vector_free (dx);
}
END_TEST

/* a vector f of n = 40 elements, m = 2: f_0 = sum (i + 1) x_i^2,
   f_1 = sum sin x_i */
static int
two_outputs_40 (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  (void) params;
  const gsl_vector *x = p->vector[0];
  double f0 = 0.0, f1 = 0.0;
  for (size_t i = 0; i < x->size; i++)
    {
      const double v = gsl_vector_get (x, i);
      f0 += (double) (i + 1) * v * v;
      f1 += sin (v);
    }
  gsl_vector_set (out, 0, f0);
  gsl_vector_set (out, 1, f1);
  return 0;
}

START_TEST (test_gradcheck_localize_vector_f_reason)
{
  /* a vector f (m = 2) with J(1,23) wrong, by the directions: localized,
     and the reason's "to K elements" counts elements, not (output,
     element) entries: K = the columns of the Jacobian's numeric side
     that group testing filled (the others stay NaN) */
  enum { N = 40 };
  gsl_vector *t = gsl_vector_alloc (N);
  gsl_matrix *J = gsl_matrix_alloc (2, N);
  for (size_t i = 0; i < N; i++)
    {
      const double v = 0.05 * (double) i - 0.9;
      gsl_vector_set (t, i, v);
      gsl_matrix_set (J, 0, i, 2.0 * (double) (i + 1) * v);
      gsl_matrix_set (J, 1, i, cos (v));
    }
  *gsl_matrix_ptr (J, 1, 23) += 0.5;
  const bp_gradcheck_function F = { .vloss = two_outputs_40, .m = 2 };
  const bp_gradcheck_block blk = { .name = "x", .vector = t }, ana = { .matrix = J };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  bp_gradcheck_result *res = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &res), GSL_FAILURE);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_int_eq (run->localized, 1);
  ck_assert_int_eq (gsl_matrix_uchar_get (run->block[0].mask, 1, 23),
                    BP_GRADCHECK_ELEMENT_FAIL);
  /* f is smooth at every element: each is differenced on both sides */
  ck_assert_uint_eq (run->block[0].n_one_sided, 0);
  ck_assert_uint_eq (run->n_one_sided, 0);
  size_t k = 0;
  for (size_t i = 0; i < N; i++)
    if (!isnan (gsl_matrix_get (run->block[0].numeric, 0, i)))
      k++;
  char want[64];
  snprintf (want, sizeof want, " to %zu elements: ", k);
  ck_assert_msg (k >= 1 && strstr (run->reason, want), "'%s' lacks '%s'", run->reason, want);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (J);
  gsl_vector_free (t);
}
END_TEST

START_TEST (test_gradcheck_right_1e5_not_localized)
{
  /* the right gradient at n = 10^5: every direction agrees, nothing is
     localized or differenced element-wise */
  gsl_vector *t = quad_point (BIG_N, 7), *g = gsl_vector_alloc (BIG_N);
  mq_params m = { .N = BIG_N, .kink = BIG_N };
  bp_gradcheck_block b = { .vector = t }, a = { .vector = g };
  mq_gradient (&m, 1, &b, &a);
  bp_gradcheck_function f = { .loss = mq_loss, .params = &m };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  o.seed = 3;
  bp_gradcheck_result *res;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, &a, &o, &res), GSL_SUCCESS);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_uint_eq (run->n_directions_failed, 0);
  ck_assert_int_eq (run->localized, 0);
  ck_assert_uint_eq (run->n_localizing, 0);
  ck_assert_uint_eq (run->n_checked, o.n_directions);
  ck_assert_ptr_null (run->block[0].mask);
  bp_gradcheck_result_free (res);
  gsl_vector_free (g);
  gsl_vector_free (t);
}
END_TEST

START_TEST (test_gradcheck_localized_is_elementwise)
{
  /* n = 2000, element 1000 wrong and element 1001 a kink (|theta| at 0,
     analytic its right derivative): the elements group testing names get
     the CENTRAL run's very values, estimates and statuses (FAIL, KINK);
     those it clears are PASS and not differenced (NaN) */
  enum { N = 2000 };
  gsl_vector *t = quad_point (N, 21), *g = gsl_vector_alloc (N);
  gsl_vector_set (t, 1001, 0.0);
  mq_params m = { .N = N, .kink = 1001 };
  bp_gradcheck_block b = { .vector = t }, a = { .vector = g };
  mq_gradient (&m, 1, &b, &a);
  *gsl_vector_ptr (g, 1000) += 1e-2;
  bp_gradcheck_function f = { .loss = mq_loss, .params = &m };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_CENTRAL;
  bp_gradcheck_result *c, *d;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, &a, &o, &c), GSL_FAILURE);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  ck_assert_int_eq (bp_gradcheck (&f, 1, &b, &a, &o, &d), GSL_FAILURE);
  const bp_gradcheck_block_result *C = &c->run[0].block[0], *D = &d->run[0].block[0];
  ck_assert_int_eq (d->run[0].localized, 1);
  ck_assert_int_eq (gsl_matrix_uchar_get (C->mask, 1000, 0), BP_GRADCHECK_ELEMENT_FAIL);
  ck_assert_int_eq (gsl_matrix_uchar_get (C->mask, 1001, 0), BP_GRADCHECK_ELEMENT_KINK);
  size_t checked = 0;
  for (size_t i = 0; i < N; i++)
    {
      const double e = gsl_matrix_get (D->numeric, i, 0);
      if (isnan (e))
        {
          ck_assert_int_eq (gsl_matrix_uchar_get (D->mask, i, 0), BP_GRADCHECK_ELEMENT_PASS);
          continue;
        }
      checked++;
      ck_assert_double_eq (e, gsl_matrix_get (C->numeric, i, 0));
      ck_assert_double_eq (gsl_matrix_get (D->abserr, i, 0), gsl_matrix_get (C->abserr, i, 0));
      ck_assert_int_eq (gsl_matrix_uchar_get (D->mask, i, 0),
                        gsl_matrix_uchar_get (C->mask, i, 0));
    }
  ck_assert_uint_eq (checked, D->n_checked);
  ck_assert_uint_lt (checked, N);
  ck_assert (!isnan (gsl_matrix_get (D->numeric, 1000, 0)));
  ck_assert (!isnan (gsl_matrix_get (D->numeric, 1001, 0)));
  ck_assert_uint_eq (D->n_failed, 1);
  ck_assert_uint_eq (D->n_kinks, 1);
  ck_assert_double_eq (D->worst[0].numeric, C->worst[0].numeric);
  ck_assert_int_eq (d->verdict, c->verdict);
  bp_gradcheck_result_free (c);
  bp_gradcheck_result_free (d);
  gsl_vector_free (g);
  gsl_vector_free (t);
}
END_TEST

/* f = x^3 */
static int
cube_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double x = gsl_vector_get (p->vector[0], 0);
  *L = x * x * x;
  return 0;
}

START_TEST (test_gradcheck_kept_step_on_a_tie)
{
  /* f = x^3 at 0: GSL's five-point value is exact (0) at any step, its
     estimate |r5 - r3| / h = h^2 > 0 above the rounding, so
     gsl_deriv_central tries a second, far smaller step (h (3 eps / 2)^(1/3))
     and gets 0 again.  Both steps give the value: the element keeps the
     larger (its noise error 3 sigma / h the smaller), the block's step of
     eq. (0.5), at least opts.h, or a rung above it (0.7; f has no noise,
     so the ladder only climbs).  The gradient is 1 off, so the element
     FAILs and is reported with its step. */
  const bp_gradcheck_function F = { .loss = cube_loss };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *r = test_gradcheck_scalar (&F, 0.0, 1.0, GSL_FAILURE);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert_uint_eq (b->n_failed, 1);
  ck_assert_uint_ge (b->n_worst, 1);
  ck_assert_int_eq (b->worst[0].diff, BP_GRADCHECK_DIFF_CENTRAL);
  ck_assert_double_eq (b->worst[0].numeric, 0.0);
  ck_assert_msg (b->worst[0].h >= o.h, "step %g, opts.h %g", b->worst[0].h, o.h);
  bp_gradcheck_result_free (r);
}
END_TEST

/* f = 1000 + x^2 in double */
static int
offset_square_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const double x = gsl_vector_get (p->vector[0], 0);
  *L = 1000.0 + x * x;
  return 0;
}

START_TEST (test_gradcheck_ladder_three_rungs)
{
  /* eq. (0.7): an element that does not pass is differenced again at 4,
     16 and 64 times its block's step (at most 0.1 max(1, |x0|)), and no
     further.  f = 1000 + x^2 in double at x0 = 0.3 (its rounding, below
     2 DBL_EPSILON |f|, is no noise): the gradient 0.5 off FAILs at every
     rung, and the largest step, the cheapest for a quadratic (GSL's
     rounding error shrinks as 1 / h, there is no truncation), is kept. */
  const bp_gradcheck_function F = { .loss = offset_square_loss };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *r = test_gradcheck_scalar (&F, 0.3, 2.0 * 0.3 + 0.5, GSL_FAILURE);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert_uint_eq (b->n_failed, 1);
  ck_assert_uint_eq (b->n_retried, 1);
  /* the block's step, eq. (0.5): opts.h max(1, |x0|), (sigma / |f|)^(1/3)
     being at most DBL_EPSILON^(1/3) < opts.h; the cap 0.1 is above 64 of it */
  ck_assert_double_lt (64.0 * o.h, 0.1);
  ck_assert_uint_ge (b->n_worst, 1);
  ck_assert_msg (b->worst[0].h == 64.0 * o.h, "step %g, opts.h %g", b->worst[0].h, o.h);
  bp_gradcheck_result_free (r);
}
END_TEST

/* f = sum (x_ij + x_ij^2 / 2) + 2 sum y_i over a 2 x 3 block x and a
   vector y of 4 (not linear: the Taylor run fits a slope) */
static int
two_blocks_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  *L = 0.0;
  for (size_t i = 0; i < 6; i++)
    *L += p->block[0]->data[i] * (1.0 + 0.5 * p->block[0]->data[i]);
  for (size_t i = 0; i < 4; i++)
    *L += 2.0 * gsl_vector_get (p->vector[1], i);
  return 0;
}

START_TEST (test_gradcheck_directions_block_shapes)
{
  /* the directional and the Taylor runs' blocks carry their own shapes
     (x 2 x 3, y 4 x 1), as the element-wise run's do.  Mutants:
     run_directional()'s rows[k + 1] (block 0 reported with y's 4 rows),
     run_taylor()'s cols[k + 1] (block 0 with y's 1 column) */
  gsl_matrix *x = gsl_matrix_alloc (2, 3), *gx = gsl_matrix_alloc (2, 3);
  gsl_vector *y = gsl_vector_alloc (4), *gy = gsl_vector_alloc (4);
  gsl_matrix_set_all (x, 0.25);
  gsl_matrix_set_all (gx, 1.25);
  gsl_vector_set_all (y, -0.5);
  gsl_vector_set_all (gy, 2.0);
  const bp_gradcheck_function F = { .loss = two_blocks_loss };
  const bp_gradcheck_block blk[2] = { { .name = "x", .matrix = x }, { .name = "y", .vector = y } };
  const bp_gradcheck_block ana[2] = { { .matrix = gx }, { .vector = gy } };
  for (int m = 0; m < 2; m++)
    {
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = m ? BP_GRADCHECK_TAYLOR : BP_GRADCHECK_DIRECTIONAL;
      bp_gradcheck_result *r = NULL;
      ck_assert_int_eq (bp_gradcheck (&F, 2, blk, ana, &o, &r), GSL_SUCCESS);
      ck_assert_uint_eq (r->run[0].method, o.method);
      ck_assert_uint_eq (r->run[0].block[0].rows, 2);
      ck_assert_uint_eq (r->run[0].block[0].cols, 3);
      ck_assert_uint_eq (r->run[0].block[1].rows, 4);
      ck_assert_uint_eq (r->run[0].block[1].cols, 1);
      bp_gradcheck_result_free (r);
    }
  gsl_matrix_free (x);
  gsl_matrix_free (gx);
  gsl_vector_free (y);
  gsl_vector_free (gy);
}
END_TEST


/* bp_gradcheck by method with its allocation n failing alone, for every
   n up to the last (after one run unarmed: what the process allocates
   once, the message catalog's binding, is not counted, so the Nth call
   is the same in every run): each run ends with GSL_ENOMEM or, where the
   failure was absorbed, with the FAIL (GSL_FAILURE); none crashes; no
   run leaves a block allocated once its result is freed */
static void
each_allocation_failing (const bp_gradcheck_function *f, const bp_gradcheck_block *theta,
                         const bp_gradcheck_block *grad, unsigned method)
{
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = method;
  o.threads = 1;
  bp_gradcheck_result *r0 = NULL;
  ck_assert_int_eq (bp_gradcheck (f, 1, theta, grad, &o, &r0), GSL_FAILURE);
  bp_gradcheck_result_free (r0);
  size_t n_enomem = 0;
  for (unsigned long n = 1;; n++)
    {
      bp_gradcheck_result *r = NULL;
      failalloc_arm (n);
      const int status = bp_gradcheck (f, 1, theta, grad, &o, &r);
      bp_gradcheck_result_free (r);
      const unsigned long calls = failalloc_disarm ();
      ck_assert_msg (status == GSL_ENOMEM || status == GSL_FAILURE,
                     "method %u, allocation %lu failing: status %d", method, n, status);
      n_enomem += status == GSL_ENOMEM;
      ck_assert_msg (failalloc_live () == 0, "method %u, allocation %lu failing: %ld "
                     "block(s) not freed", method, n, failalloc_live ());
      if (calls < n)
        {
          ck_assert_int_eq (status, GSL_FAILURE);   /* none failed: the FAIL */
          ck_assert_uint_gt (n, 5);
          break;
        }
    }
  ck_assert_uint_gt (n_enomem, 0);
}

START_TEST (test_gradcheck_each_allocation_failing)
{
  /* bp_gradcheck.h: out of memory is GSL_ENOMEM.  A gradient of
     |theta|^2 / 2 wrong in one of 8 elements, checked by central
     differences and by the directions (which localize it), with its Nth
     allocation failing alone, for every N up to the last: every run ends
     with GSL_ENOMEM or, where the failure was absorbed, with the FAIL
     (GSL_FAILURE), and none crashes on a NULL (tests/oom/alloc_all's
     scenario, run by `make check' too); then by the Taylor test alone.  Mutants: an allocation test
     `!x || !y' as `!x && !y', each seen crashing here:
     problem_init()'s rows and cols, fill_blocks()'s and group_fill()'s
     analytic and numeric, group_fill()'s mask and sorted, run_taylor()'s
     lh and lr */
  if (!failalloc_works ())
    {
      fprintf (stderr, "test_gradcheck_each_allocation_failing: not checked: malloc "
               "is not the test's own (AddressSanitizer, valgrind)\n");
      return;
    }
  double t[8], g[8];
  for (size_t i = 0; i < 8; i++)
    t[i] = g[i] = 0.25 * (double) i - 1.0;
  g[5] += 1.0;
  gsl_vector_view tv = gsl_vector_view_array (t, 8), gv = gsl_vector_view_array (g, 8);
  const bp_gradcheck_function f = { .loss = test_half_square_loss };
  const bp_gradcheck_block theta = { .name = "theta", .vector = &tv.vector },
      grad = { .name = "theta", .vector = &gv.vector };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  each_allocation_failing (&f, &theta, &grad, BP_GRADCHECK_CENTRAL | BP_GRADCHECK_DIRECTIONAL);
  each_allocation_failing (&f, &theta, &grad, BP_GRADCHECK_TAYLOR);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_vjp_each_allocation_failing)
{
  /* the VJP form's own buffers (dy, and y and its complex twin per
     thread): a VJP without its factor 2 checked by central differences,
     the complex step and the directions, with each allocation failing
     alone, ends with GSL_ENOMEM or the FAIL, never a crash; and, run
     armed without a failure, writes past none of its blocks (failalloc's
     guards).  Mutants: params_alloc()'s 'ok = y[t] && (...)' as '||' (a
     y that failed used: SIGSEGV), its loop 't < threads' as '<=' (y[t]
     written one past the array); worker_alloc()'s cache loop 'c < 8' as
     '<=' (a ninth vector, stored past cache_v and never freed: a leak,
     each_allocation_failing's blocks left) */
  if (!failalloc_works ())
    {
      fprintf (stderr, "test_vjp_each_allocation_failing: not checked: malloc "
               "is not the test's own (AddressSanitizer, valgrind)\n");
      return;
    }
  double xd[3] = { 0.5, -1.25, 2.0 }, c = 1.0;
  gsl_vector_view x = gsl_vector_view_array (xd, 3);
  const bp_gradcheck_function F = { .vloss = square_layer, .cvloss = square_layer_c,
                                    .m = 3, .params = &c, .vjp = square_layer_vjp };
  const bp_gradcheck_block blk = { .name = "x", .vector = &x.vector };
  const unsigned method = BP_GRADCHECK_CENTRAL | BP_GRADCHECK_COMPLEX_STEP
                          | BP_GRADCHECK_DIRECTIONAL;
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  each_allocation_failing (&F, &blk, NULL, method);
  /* the same layer as a plain vector f against the Jacobian diag (x_i),
     without its factor 2: the element-wise workers' cached outputs */
  const bp_gradcheck_function G = { .vloss = square_layer, .m = 3 };
  gsl_matrix *J = gsl_matrix_calloc (3, 3);
  for (size_t i = 0; i < 3; i++)
    gsl_matrix_set (J, i, i, xd[i]);
  const bp_gradcheck_block jac = { .matrix = J };
  each_allocation_failing (&G, &blk, &jac, BP_GRADCHECK_CENTRAL | BP_GRADCHECK_DIRECTIONAL);
  gsl_matrix_free (J);
  gsl_set_error_handler (old);
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = method;
  o.threads = 2;
  bp_gradcheck_result *r = NULL;
  failalloc_arm (0);
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, &o, &r), GSL_FAILURE);
  bp_gradcheck_result_free (r);
  failalloc_disarm ();
  ck_assert_uint_eq (failalloc_overruns (), 0);
}
END_TEST

/* f = |x|^2 / 2 of 4 elements, recording the farthest point from
   far_theta that f is given */
static const double far_theta[4] = { 0.5, -0.25, 0.75, 0.1 };
static double far_seen;

static int
far_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  double s = 0.0, d2 = 0.0;
  for (size_t i = 0; i < 4; i++)
    {
      const double x = gsl_vector_get (p->vector[0], i);
      s += 0.5 * x * x;
      d2 += (x - far_theta[i]) * (x - far_theta[i]);
    }
  far_seen = fmax (far_seen, sqrt (d2));
  *L = s;
  return 0;
}

START_TEST (test_gradcheck_passing_direction_not_climbed)
{
  /* eq. (0.11a): a direction that does not pass is compared again at 4,
     16 and 64 times its step; one that passes is not.  f = |x|^2 / 2 in
     double, its right gradient, directions alone, opts.h = 1e-3: the
     line's step is h = max(opts.h, min((sigma / |f|)^(1/3), 1e-2))
     max(1, max|theta|) = 1e-3 (the rounding's (eps)^(1/3) is 6e-6), every
     direction passes there, and no point f is given lies farther than h
     from theta (the noise line's are 9e-6 c away, c <= 1e2 when its noise
     is found by then).  Mutant: the ladder's `r < 3 && status != PASS`
     as `||` (three rungs for every direction: points 64 h away) */
  double x[4], g[4];
  for (size_t i = 0; i < 4; i++)
    x[i] = g[i] = far_theta[i];
  test_block tb;
  test_block_init (&tb, x, g, 4);
  const bp_gradcheck_function F = { .loss = far_loss };
  bp_gradcheck_options o = test_options (BP_GRADCHECK_DIRECTIONAL);
  o.h = 1e-3;
  far_seen = 0.0;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &tb.x, &tb.grad, &o, NULL), GSL_SUCCESS);
  ck_assert_msg (far_seen <= 1e-3 * (1.0 + 1e-12), "a point %g from theta", far_seen);
}
END_TEST

static Suite *
gradcheck_suite (void)
{
  Suite *s = suite_create ("bp_gradcheck");
  TCase *tc = tcase_create ("blocks");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_gradcheck_right_layer_passes, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_gradcheck_wrong_layer_every_method, 0, 2 * N_WRONG);
  tcase_add_test (tc, test_gradcheck_transposed_jacobian);
  tcase_add_test (tc, test_gradcheck_vjp_complex_step);
  tcase_add_test (tc, test_complex_step_tolerance_scaled_by_the_values);
  tcase_add_test (tc, test_worst_ratio_of_the_allowance);
  tcase_add_test (tc, test_worst_ratio_of_an_undefined_element);
  tcase_add_test (tc, test_max_rel_err_over_values_above_atol);
  tcase_add_test (tc, test_gradcheck_vjp_draws_n_cotangents);
  tcase_add_loop_test (tc, test_gradcheck_jacobian_without_y_i, 0, TEST_CONFIGS);
  tcase_add_loop_test (tc, test_gradcheck_missing_factor, 0, 2);
  tcase_add_test (tc, test_gradcheck_float32_never_passes);
  tcase_add_test (tc, test_gradcheck_relu_kink);
  tcase_add_test (tc, test_gradcheck_kink_slack);
  tcase_add_test (tc, test_gradcheck_one_sided);
  tcase_add_test (tc, test_gradcheck_one_sided_seventh_step);
  tcase_add_test (tc, test_gradcheck_grad_callback_error_named);
  tcase_add_test (tc, test_gradcheck_undefined_counted_of_three);
  tcase_add_test (tc, test_gradcheck_worst_is_worst);
  tcase_add_test (tc, test_gradcheck_worst_first_of_equal_ratios);
  tcase_add_test (tc, test_gradcheck_callback_and_threads);
  tcase_add_test (tc, test_gradcheck_refuses_bad_options);
  tcase_add_test (tc, test_gradcheck_jacobian_shape_refused);
  tcase_add_test (tc, test_gradcheck_jacobian_vector_of_one_output);
  tcase_add_test (tc, test_gradcheck_directions_unit);
  tcase_add_test (tc, test_deriv_refuses_zero_step_and_keeps_f_errors);
  tcase_add_test (tc, test_gradcheck_report);
  tcase_add_test (tc, test_gradcheck_kept_step_on_a_tie);
  tcase_add_test (tc, test_gradcheck_ladder_three_rungs);
  tcase_add_test (tc, test_gradcheck_each_allocation_failing);
  tcase_add_test (tc, test_vjp_each_allocation_failing);
  suite_add_tcase (s, tc);
  TCase *dir = tcase_create ("directions");
  tcase_set_timeout (dir, 120);
  tcase_add_loop_test (dir, test_gradcheck_directions_large_n, 0,
                       sizeof quad_seeds / sizeof quad_seeds[0]);
  tcase_add_test (dir, test_gradcheck_passing_direction_not_climbed);
  tcase_add_test (dir, test_gradcheck_directions_noise);
  tcase_add_test (dir, test_gradcheck_inconclusive_not_localized);
  tcase_add_test (dir, test_gradcheck_direction_tolerance);
  tcase_add_test (dir, test_gradcheck_localized_elements_decide);
  tcase_add_test (dir, test_gradcheck_direction_figures);
  tcase_add_test (dir, test_gradcheck_localize_one_among_1e5);
  tcase_add_test (dir, test_gradcheck_directions_progress_counts);
  tcase_add_test (dir, test_gradcheck_localized_worst_of_zero_ratios);
  tcase_add_test (dir, test_gradcheck_localize_several_blocks);
  tcase_add_test (dir, test_gradcheck_localize_vector_f_reason);
  tcase_add_test (dir, test_gradcheck_right_1e5_not_localized);
  tcase_add_test (dir, test_gradcheck_localized_is_elementwise);
  tcase_add_test (dir, test_gradcheck_directions_block_shapes);
  suite_add_tcase (s, dir);
  return s;
}

/* --- the hints and the callbacks' contract, on f(theta) = sum c_ij theta_ij
   (the numeric gradient is C, up to rounding; wrong analytic arrays are
   wrong by far more than any tolerance) ------------------------------ */

static int
linear_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const gsl_matrix *C = params;
  *L = 0.0;
  for (size_t i = 0; i < C->size1; i++)
    for (size_t j = 0; j < C->size2; j++)
      *L += gsl_matrix_get (C, i, j) * gsl_matrix_get (p->block[0], i, j);
  return 0;
}

/* bp_gradcheck by central differences of f = sum c_ij theta_ij against A */
static bp_gradcheck_result *
linear_check (gsl_matrix *C, const gsl_matrix *A)
{
  gsl_matrix *theta = gsl_matrix_calloc (C->size1, C->size2);
  gsl_matrix_set_all (theta, 0.5);
  bp_gradcheck_function F = { .loss = linear_loss, .params = C };
  const bp_gradcheck_block blk = { .name = "t", .matrix = theta };
  const bp_gradcheck_block ana = { .matrix = A };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_CENTRAL;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
  gsl_matrix_free (theta);
  return r;
}

/* C (r x c) with c_ij = 1 + c i + j: no two elements equal */
static gsl_matrix *
distinct (size_t r, size_t c)
{
  gsl_matrix *C = gsl_matrix_alloc (r, c);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      gsl_matrix_set (C, i, j, (double) (1 + c * i + j));
  return C;
}

START_TEST (test_hint_transpose_refuted_in_row_0)
{
  /* a_12 = e_21 and a_21 = e_12 (a transposed pair): the transpose hint;
     a third wrong element in row 0, a_01 = e_01 + 5, not e_10: no hint,
     for a_ij = e_ji must hold at every failing element, row 0's too */
  gsl_matrix *C = distinct (3, 3), *A = gsl_matrix_alloc (3, 3);
  gsl_matrix_memcpy (A, C);
  gsl_matrix_set (A, 1, 2, gsl_matrix_get (C, 2, 1));
  gsl_matrix_set (A, 2, 1, gsl_matrix_get (C, 1, 2));
  bp_gradcheck_result *r = linear_check (C, A);
  ck_assert_uint_eq (r->run[0].block[0].n_failed, 2);
  ck_assert (r->run[0].block[0].hints & BP_GRADCHECK_HINT_TRANSPOSE);
  bp_gradcheck_result_free (r);
  gsl_matrix_set (A, 0, 1, gsl_matrix_get (C, 0, 1) + 5.0);
  ck_assert_double_ne (gsl_matrix_get (A, 0, 1), gsl_matrix_get (C, 1, 0));
  r = linear_check (C, A);
  const bp_gradcheck_block_result *B = &r->run[0].block[0];
  ck_assert_uint_eq (B->n_failed, 3);
  ck_assert_uint_eq (gsl_matrix_uchar_get (B->mask, 0, 1), BP_GRADCHECK_ELEMENT_FAIL);
  ck_assert_msg (!(B->hints & BP_GRADCHECK_HINT_TRANSPOSE), "hints %u", B->hints);
  char *rep = report_of (r);
  ck_assert_msg (!strstr (rep, "transpose"), "%s", rep);
  free (rep);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (A);
  gsl_matrix_free (C);
}
END_TEST

START_TEST (test_hint_shift_minus_1)
{
  /* a[p] = e[p - 1] (cyclically) over a vector block: the shift hint
     with s = -1, printed as such; a[p] = e[p + 1]: s = +1 */
  const long want[2] = { -1, 1 };
  for (size_t w = 0; w < 2; w++)
    {
      const size_t n = 5;
      gsl_matrix *C = distinct (n, 1), *A = gsl_matrix_alloc (n, 1);
      for (size_t p = 0; p < n; p++)
        gsl_matrix_set (A, p, 0, gsl_matrix_get (C, (p + n + (size_t) want[w]) % n, 0));
      bp_gradcheck_result *r = linear_check (C, A);
      const bp_gradcheck_block_result *B = &r->run[0].block[0];
      ck_assert_uint_eq (B->n_failed, n);
      ck_assert_msg (B->hints & BP_GRADCHECK_HINT_SHIFT, "hints %u", B->hints);
      ck_assert_int_eq (B->shift, want[w]);
      char *rep = report_of (r), line[64];
      snprintf (line, sizeof line, "an index shifted by %+ld?", want[w]);
      ck_assert_msg (strstr (rep, line), "%s\nwanted: %s", rep, line);
      free (rep);
      bp_gradcheck_result_free (r);
      gsl_matrix_free (A);
      gsl_matrix_free (C);
    }
}
END_TEST

START_TEST (test_hint_factor_printed_with_reciprocal)
{
  /* a = e / 4 everywhere: the factor hint with c = 4, printed as c and
     as 1/(1/c) */
  const double c = 4.0;
  gsl_matrix *C = distinct (2, 3), *A = gsl_matrix_alloc (2, 3);
  gsl_matrix_memcpy (A, C);
  gsl_matrix_scale (A, 1.0 / c);
  bp_gradcheck_result *r = linear_check (C, A);
  ck_assert_uint_eq (r->run[0].block[0].hints, BP_GRADCHECK_HINT_FACTOR);
  char *rep = report_of (r), want[96];
  snprintf (want, sizeof want, "a missing factor %.6g (or 1/%.6g)?", c, 1.0 / c);
  ck_assert_msg (strstr (rep, want), "%s\nwanted: %s", rep, want);
  free (rep);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (A);
  gsl_matrix_free (C);
}
END_TEST

/* The point's contract (bp_gradcheck.h): is_base is 1 exactly when the
   point is the base point; with moved_block = k it differs from the base
   in that one element at most; vector[k] holds block[k]'s elements. */
typedef struct
{
  gsl_matrix *C, *base;
  size_t calls, along, broken;
} contract;

static void
contract_check (const bp_gradcheck_point *p, contract *ct)
{
  const gsl_matrix *X = p->block[0];
  size_t differ = 0, elsewhere = 0;
  for (size_t i = 0; i < X->size1; i++)
    for (size_t j = 0; j < X->size2; j++)
      {
        const size_t d = gsl_matrix_get (X, i, j) != gsl_matrix_get (ct->base, i, j) ? 1u : 0u;
        differ += d;
        elsewhere += d && (p->moved_block != 0 || i != p->moved_row || j != p->moved_col)
                     ? 1u : 0u;
        ct->broken += gsl_vector_get (p->vector[0], i * X->size2 + j) != gsl_matrix_get (X, i, j);
      }
  ct->calls++;
  if (p->is_base)
    ct->broken += differ != 0 || p->moved_block != BP_GRADCHECK_NONE;
  else if (p->moved_block == BP_GRADCHECK_NONE)
    ct->along++;
  else
    ct->broken += elsewhere != 0;
}

static int
contract_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  contract *ct = params;
  contract_check (p, ct);
  return linear_loss (p, ct->C, L);
}

/* the analytic side, at the base point: C with element (1, 1) wrong */
static int
contract_grad (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  contract *ct = params;
  contract_check (p, ct);
  ct->broken += !p->is_base;
  gsl_matrix_memcpy (g[0], ct->C);
  *gsl_matrix_ptr (g[0], 1, 1) += 10.0;
  return 0;
}

START_TEST (test_gradcheck_point_contract_after_directions)
{
  /* every callback of a check by central differences, directions (which
     fail here, and are localized element by element after them) and the
     Taylor test is told the truth about its point: a callback that
     evaluates incrementally from the base point computes f */
  contract ct = { .C = distinct (3, 2), .base = gsl_matrix_alloc (3, 2) };
  for (size_t i = 0; i < 6; i++)
    ct.base->data[i] = 0.25 * (double) i - 0.5;
  bp_gradcheck_function F = { .loss = contract_loss, .grad = contract_grad, .params = &ct };
  const bp_gradcheck_block blk = { .name = "t", .matrix = ct.base };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL | BP_GRADCHECK_CENTRAL | BP_GRADCHECK_TAYLOR;
  o.threads = 1;
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, NULL, &o, &r), GSL_FAILURE);
  ck_assert_uint_eq (ct.broken, 0);
  ck_assert_uint_gt (ct.along, 0);
  ck_assert_uint_gt (ct.calls, ct.along);
  for (size_t j = 0; j < r->n_runs; j++)
    if (r->run[j].method == BP_GRADCHECK_DIRECTIONAL)
      ck_assert_uint_gt (r->run[j].n_directions_failed, 0);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (ct.base);
  gsl_matrix_free (ct.C);
}
END_TEST

static Suite *
hints_suite (void)
{
  Suite *s = suite_create ("bp_gradcheck_hints");
  TCase *tc = tcase_create ("hints");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_hint_transpose_refuted_in_row_0);
  tcase_add_test (tc, test_hint_shift_minus_1);
  tcase_add_test (tc, test_hint_factor_printed_with_reciprocal);
  tcase_add_test (tc, test_gradcheck_point_contract_after_directions);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { check_suite, gradcheck_suite, hints_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
