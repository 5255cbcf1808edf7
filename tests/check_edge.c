/* check_edge.c -- numerical edge cases (issue 6): logits near the ends of
   the double range and all equal; labels that are soft, zero, or do not
   sum to 1; NaN and infinity in the inputs of the checked entry points.
   One suite per function exercised, named "edge_<function>".  Expected
   values are derived by hand in the comments. */
#include <config.h>
#include <float.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

static gsl_error_handler_t *old_handler;

static void
record_errors (void)
{
  old_handler = test_record_errors ();
}

static void
restore_errors (void)
{
  gsl_set_error_handler (old_handler);
}

/* A vector of n given values. */
static gsl_vector *
vec (size_t n, const double *d)
{
  gsl_vector *v = gsl_vector_alloc (n);
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (v, i, d[i]);
  return v;
}

/* The values that are not finite, put in turn into every input. */
static const double bad_values[] = { NAN, INFINITY, -INFINITY };
#define N_BAD 3

/* --- bp_softmax ------------------------------------------------------ */

START_TEST (test_softmax_huge_logits)
{
  /* v = (1e300, -1e300, 0): max 1e300, shifted (0, -2e300, -1e300), whose
     exponentials are (1, 0, 0) in double: y = (1, 0, 0) exactly.
     v = (DBL_MAX, -DBL_MAX): v_2 - max v = -2 DBL_MAX rounds to -inf,
     exp(-inf) = 0: y = (1, 0), its true value to double precision. */
  const double d1[] = { 1e300, -1e300, 0.0 }, d2[] = { DBL_MAX, -DBL_MAX };
  gsl_vector *v1 = vec (3, d1), *y1 = gsl_vector_alloc (3);
  gsl_vector *v2 = vec (2, d2), *y2 = gsl_vector_alloc (2);
  ck_assert_int_eq (bp_softmax (v1, y1), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (y1, 0), 1.0);
  ck_assert_double_eq (gsl_vector_get (y1, 1), 0.0);
  ck_assert_double_eq (gsl_vector_get (y1, 2), 0.0);
  ck_assert_int_eq (bp_softmax (v2, y2), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (y2, 0), 1.0);
  ck_assert_double_eq (gsl_vector_get (y2, 1), 0.0);
  gsl_vector_free (v1);
  gsl_vector_free (y1);
  gsl_vector_free (v2);
  gsl_vector_free (y2);
}
END_TEST

START_TEST (test_softmax_equal_extreme_logits)
{
  /* n equal logits: every v_i - max v = 0, y_i = 1/n exactly (n = 4),
     also at the ends of the range, where unshifted exp would be inf or 0 */
  const double values[] = { 1e300, -1e300, DBL_MAX, -DBL_MAX, DBL_MIN };
  for (size_t k = 0; k < 5; k++)
    {
      gsl_vector *v = gsl_vector_alloc (4), *y = gsl_vector_alloc (4);
      gsl_vector_set_all (v, values[k]);
      ck_assert_int_eq (bp_softmax (v, y), GSL_SUCCESS);
      for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq (gsl_vector_get (y, i), 0.25);
      gsl_vector_free (v);
      gsl_vector_free (y);
    }
}
END_TEST

START_TEST (test_softmax_not_finite)
{
  /* NaN or +-inf in any place: GSL_EDOM, and y is left as it was */
  for (size_t b = 0; b < N_BAD; b++)
    for (size_t pos = 0; pos < 3; pos++)
      {
        const double d[] = { 1.0, 2.0, 3.0 };
        gsl_vector *v = vec (3, d), *y = gsl_vector_alloc (3);
        gsl_vector_set (v, pos, bad_values[b]);
        gsl_vector_set_all (y, 7.0);
        record_errors ();
        ck_assert_int_eq (bp_softmax (v, y), GSL_EDOM);
        ck_assert_int_eq (test_errors.code, GSL_EDOM);
        restore_errors ();
        for (size_t i = 0; i < 3; i++)
          ck_assert_double_eq (gsl_vector_get (y, i), 7.0);
        gsl_vector_free (v);
        gsl_vector_free (y);
      }
}
END_TEST

static Suite *
edge_softmax_suite (void)
{
  Suite *s = suite_create ("edge_bp_softmax");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_softmax_huge_logits);
  tcase_add_test (tc, test_softmax_equal_extreme_logits);
  tcase_add_test (tc, test_softmax_not_finite);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_softmax_cross_entropy ----------------------------------------- */

START_TEST (test_sce_huge_logits)
{
  /* v = (1e300, -1e300): lse = 1e300 + log(1 + 0) = 1e300.
     labels (1, 0): L = lse - v_1 = 0.  labels (0, 1): L = lse - v_2 = 2e300,
     finite.  v = (DBL_MAX, -DBL_MAX), labels (1, 0): L = 0, the label-0
     term being 0 although lse - v_2 = 2 DBL_MAX is inf (0 inf would be
     NaN); labels (0, 1): the true loss 2 DBL_MAX exceeds DBL_MAX: +inf. */
  const double d1[] = { 1e300, -1e300 }, d2[] = { DBL_MAX, -DBL_MAX };
  const double one_first[] = { 1.0, 0.0 }, one_second[] = { 0.0, 1.0 };
  gsl_vector *v1 = vec (2, d1), *v2 = vec (2, d2);
  gsl_vector *l1 = vec (2, one_first), *l2 = vec (2, one_second);
  ck_assert_double_eq (bp_softmax_cross_entropy (l1, v1), 0.0);
  ck_assert_double_eq (bp_softmax_cross_entropy (l2, v1), 2e300);
  ck_assert_double_eq (bp_softmax_cross_entropy (l1, v2), 0.0);
  const double L = bp_softmax_cross_entropy (l2, v2);
  ck_assert (isinf (L) && L > 0.0);
  gsl_vector_free (v1);
  gsl_vector_free (v2);
  gsl_vector_free (l1);
  gsl_vector_free (l2);
}
END_TEST

START_TEST (test_sce_equal_logits)
{
  /* 4 equal logits c: lse = c + log 4, L = sum_i labels_i log 4.
     one-hot or soft summing to 1: log 4; (1, 1, 0, 0): 2 log 4; zero: 0.
     For c = 1e300, c + log 4 rounds to c: L is then 0 (lse - c = 0), the
     true value log 4 being below the spacing of doubles near 1e300;
     so the exact values are asserted for moderate c only. */
  const double values[] = { 0.0, -50.0, 700.0 };
  const double hot[] = { 0, 0, 1, 0 }, soft[] = { 0.1, 0.2, 0.3, 0.4 };
  const double two[] = { 1, 1, 0, 0 }, zero[] = { 0, 0, 0, 0 };
  gsl_vector *lh = vec (4, hot), *ls = vec (4, soft), *l2 = vec (4, two);
  gsl_vector *l0 = vec (4, zero);
  for (size_t k = 0; k < 3; k++)
    {
      gsl_vector *v = gsl_vector_alloc (4);
      gsl_vector_set_all (v, values[k]);
      ck_assert_double_eq_tol (bp_softmax_cross_entropy (lh, v), log (4.0), 1e-12);
      ck_assert_double_eq_tol (bp_softmax_cross_entropy (ls, v), log (4.0), 1e-12);
      ck_assert_double_eq_tol (bp_softmax_cross_entropy (l2, v), 2 * log (4.0), 1e-12);
      ck_assert_double_eq (bp_softmax_cross_entropy (l0, v), 0.0);
      gsl_vector_free (v);
    }
  gsl_vector_free (lh);
  gsl_vector_free (ls);
  gsl_vector_free (l2);
  gsl_vector_free (l0);
}
END_TEST

START_TEST (test_sce_any_labels)
{
  /* For any labels, bp_softmax_cross_entropy(labels, v) is
     -sum labels_i log Softmax(v)_i = bp_cross_entropy(labels,
     bp_softmax(v)), an independent computation by the slides' forms;
     logits moderate so that no y_i underflows.  Labels: soft summing to 1
     (loop 0), summing to 2.5 (1), all zero (2), with a negative one (3). */
  gsl_rng *rng = test_rng (_i);
  const size_t n = 7;
  gsl_vector *v = test_logits (rng, n, 20.0), *y = gsl_vector_alloc (n);
  gsl_vector *l = gsl_vector_alloc (n);
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      gsl_vector_set (l, i, gsl_rng_uniform (rng));
      sum += gsl_vector_get (l, i);
    }
  const double scale[] = { 1.0, 2.5, 0.0, 1.0 };
  gsl_vector_scale (l, scale[_i] / sum);
  if (_i == 3)
    gsl_vector_set (l, 2, -0.5);
  ck_assert_int_eq (bp_softmax (v, y), GSL_SUCCESS);
  const double expect = bp_cross_entropy (l, y);
  const double L = bp_softmax_cross_entropy (l, v);
  ck_assert_msg (fabs (L - expect) <= 1e-12 * fmax (1.0, fabs (expect)),
                 "labels %d: L = %.17g, expected %.17g", _i, L, expect);
  if (_i == 2)
    ck_assert_double_eq (L, 0.0);
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (l);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_sce_not_finite)
{
  /* NaN or +-inf in v or labels: NaN returned, GSL_EDOM reported */
  const double dv[] = { 1.0, -2.0, 0.5 }, dl[] = { 0.2, 0.3, 0.5 };
  for (size_t b = 0; b < N_BAD; b++)
    for (size_t pos = 0; pos < 6; pos++)
      {
        gsl_vector *v = vec (3, dv), *l = vec (3, dl);
        gsl_vector_set (pos < 3 ? v : l, pos % 3, bad_values[b]);
        record_errors ();
        ck_assert (isnan (bp_softmax_cross_entropy (l, v)));
        ck_assert_int_eq (test_errors.code, GSL_EDOM);
        restore_errors ();
        gsl_vector_free (v);
        gsl_vector_free (l);
      }
}
END_TEST

static Suite *
edge_sce_suite (void)
{
  Suite *s = suite_create ("edge_bp_softmax_cross_entropy");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_sce_huge_logits);
  tcase_add_test (tc, test_sce_equal_logits);
  tcase_add_loop_test (tc, test_sce_any_labels, 0, 4);
  tcase_add_test (tc, test_sce_not_finite);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_softmax_cross_entropy_grad ------------------------------------ */

START_TEST (test_sceg_huge_and_equal_logits)
{
  /* y = Softmax(1e300, -1e300) = (1, 0); labels (0, 1): y - labels = (1, -1).
     y = Softmax(c, c, c, c) = 1/4 each; labels (0.1, 0.2, 0.3, 0.4):
     y - labels = (0.15, 0.05, -0.05, -0.15). */
  const double d1[] = { 1e300, -1e300 }, l1d[] = { 0.0, 1.0 };
  const double l2d[] = { 0.1, 0.2, 0.3, 0.4 };
  const double expect2[] = { 0.15, 0.05, -0.05, -0.15 };
  gsl_vector *v1 = vec (2, d1), *y1 = gsl_vector_alloc (2), *l1 = vec (2, l1d);
  gsl_vector *g1 = gsl_vector_alloc (2);
  gsl_vector *v2 = gsl_vector_alloc (4), *y2 = gsl_vector_alloc (4);
  gsl_vector *l2 = vec (4, l2d), *g2 = gsl_vector_alloc (4);
  gsl_vector_set_all (v2, -1e300);
  bp_softmax (v1, y1);
  bp_softmax (v2, y2);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (l1, y1, g1), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (g1, 0), 1.0);
  ck_assert_double_eq (gsl_vector_get (g1, 1), -1.0);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (l2, y2, g2), GSL_SUCCESS);
  for (size_t i = 0; i < 4; i++)
    ck_assert_double_eq_tol (gsl_vector_get (g2, i), expect2[i], 1e-15);
  gsl_vector_free (v1);
  gsl_vector_free (y1);
  gsl_vector_free (l1);
  gsl_vector_free (g1);
  gsl_vector_free (v2);
  gsl_vector_free (y2);
  gsl_vector_free (l2);
  gsl_vector_free (g2);
}
END_TEST

START_TEST (test_sceg_labels_not_summing_to_one)
{
  /* y - labels is dL/dv only when sum labels = 1: labels all zero, summing
     to 2, to 1 + 1e-6, or holding a NaN are refused with GSL_EDOM and the
     output is left as it was */
  const double y[] = { 0.25, 0.25, 0.5 };
  const double bad[][3] = { { 0, 0, 0 }, { 1, 1, 0 }, { 0.5, 0.5, 1e-6 },
                            { NAN, 0.5, 0.5 }, { INFINITY, 0, 0 } };
  gsl_vector *yv = vec (3, y), *g = gsl_vector_alloc (3);
  for (size_t k = 0; k < 5; k++)
    {
      gsl_vector *l = vec (3, bad[k]);
      gsl_vector_set_all (g, 7.0);
      record_errors ();
      ck_assert_int_eq (bp_softmax_cross_entropy_grad (l, yv, g), GSL_EDOM);
      ck_assert_int_eq (test_errors.code, GSL_EDOM);
      restore_errors ();
      for (size_t i = 0; i < 3; i++)
        ck_assert_double_eq (gsl_vector_get (g, i), 7.0);
      gsl_vector_free (l);
    }
  gsl_vector_free (yv);
  gsl_vector_free (g);
}
END_TEST

static Suite *
edge_sceg_suite (void)
{
  Suite *s = suite_create ("edge_bp_softmax_cross_entropy_grad");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_sceg_huge_and_equal_logits);
  tcase_add_test (tc, test_sceg_labels_not_summing_to_one);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_model_forward, bp_model_backward ------------------------------ */

/* A 3-class model of a 2x2 image, every input finite. */
typedef struct
{
  gsl_matrix *W, *x, *dW, *dx;
  gsl_vector *b, *labels, *db;
} model;

static model
model_alloc (void)
{
  model m = { gsl_matrix_alloc (3, 4), gsl_matrix_alloc (2, 2),
              gsl_matrix_alloc (3, 4), gsl_matrix_alloc (2, 2),
              gsl_vector_alloc (3), gsl_vector_alloc (3), gsl_vector_alloc (3) };
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 4; j++)
      gsl_matrix_set (m.W, i, j, 0.1 * (double) (i + 1) - 0.05 * (double) j);
  gsl_matrix_set_all (m.x, 0.5);
  gsl_vector_set_all (m.b, 0.1);
  gsl_vector_set_all (m.labels, 1.0 / 3.0);
  gsl_matrix_set_all (m.dW, 7.0);
  gsl_matrix_set_all (m.dx, 7.0);
  gsl_vector_set_all (m.db, 7.0);
  return m;
}

static void
model_free (model *m)
{
  gsl_matrix_free (m->W);
  gsl_matrix_free (m->x);
  gsl_matrix_free (m->dW);
  gsl_matrix_free (m->dx);
  gsl_vector_free (m->b);
  gsl_vector_free (m->labels);
  gsl_vector_free (m->db);
}

/* Put value into input k (0 W, 1 b, 2 x, 3 labels) of m at element e. */
static void
model_poison (model *m, int k, size_t e, double value)
{
  switch (k)
    {
    case 0: gsl_matrix_set (m->W, e % 3, e % 4, value); break;
    case 1: gsl_vector_set (m->b, e % 3, value); break;
    case 2: gsl_matrix_set (m->x, e % 2, (e / 2) % 2, value); break;
    default: gsl_vector_set (m->labels, e % 3, value); break;
    }
}

START_TEST (test_model_forward_not_finite)
{
  /* NaN or +-inf in W, b, x or labels: NaN returned, GSL_EDOM reported;
     the same model with finite inputs gives a finite loss */
  bp_model_workspace *w = bp_model_workspace_alloc (3, 4);
  model ok = model_alloc ();
  ck_assert (isfinite (bp_model_forward (ok.W, ok.b, ok.x, ok.labels, w)));
  model_free (&ok);
  for (int k = 0; k < 4; k++)
    for (size_t b = 0; b < N_BAD; b++)
      for (size_t e = 0; e < 4; e++)
        {
          model m = model_alloc ();
          model_poison (&m, k, e, bad_values[b]);
          record_errors ();
          ck_assert (isnan (bp_model_forward (m.W, m.b, m.x, m.labels, w)));
          ck_assert_int_eq (test_errors.code, GSL_EDOM);
          restore_errors ();
          model_free (&m);
        }
  bp_model_workspace_free (w);
}
END_TEST

/* 1 when every element of m equals 7 (the outputs were not written). */
static int
untouched (const model *m)
{
  for (size_t i = 0; i < 3; i++)
    {
      if (gsl_vector_get (m->db, i) != 7.0)
        return 0;
      for (size_t j = 0; j < 4; j++)
        if (gsl_matrix_get (m->dW, i, j) != 7.0)
          return 0;
    }
  for (size_t i = 0; i < 2; i++)
    for (size_t j = 0; j < 2; j++)
      if (gsl_matrix_get (m->dx, i, j) != 7.0)
        return 0;
  return 1;
}

START_TEST (test_model_backward_not_finite)
{
  /* NaN or +-inf in W, b, x or labels: GSL_EDOM, outputs untouched */
  for (int k = 0; k < 4; k++)
    for (size_t b = 0; b < N_BAD; b++)
      for (size_t e = 0; e < 4; e++)
        {
          model m = model_alloc ();
          double L = 7.0;
          model_poison (&m, k, e, bad_values[b]);
          record_errors ();
          ck_assert_int_eq (bp_model_backward (m.W, m.b, m.x, m.labels, m.dW, m.db,
                                               m.dx, &L), GSL_EDOM);
          ck_assert_int_eq (test_errors.code, GSL_EDOM);
          restore_errors ();
          ck_assert (untouched (&m));
          ck_assert_double_eq (L, 7.0);
          model_free (&m);
        }
}
END_TEST

START_TEST (test_model_backward_y_zero)
{
  /* W = (1000, -1000)^T (2x1), b = 0, x = [[1]]: v = (1000, -1000),
     y = (1, e^-2000) = (1, 0) in double.  labels (0, 1): the slides'
     dL/dy_2 = -1/0 = -inf, and J^T dL/dy would be 0 (-inf) = NaN:
     refused with GSL_EOVRFLW, outputs untouched.  labels (1, 0) are
     fine: dL/dv = y - labels = (0, 0), so dL/db = (0, 0). */
  gsl_matrix *W = gsl_matrix_alloc (2, 1), *x = gsl_matrix_alloc (1, 1);
  gsl_matrix *dW = gsl_matrix_alloc (2, 1), *dx = gsl_matrix_alloc (1, 1);
  gsl_vector *b = gsl_vector_calloc (2), *l = gsl_vector_calloc (2);
  gsl_vector *db = gsl_vector_alloc (2);
  gsl_matrix_set (W, 0, 0, 1000.0);
  gsl_matrix_set (W, 1, 0, -1000.0);
  gsl_matrix_set (x, 0, 0, 1.0);
  gsl_vector_set (l, 1, 1.0);
  gsl_vector_set_all (db, 7.0);
  record_errors ();
  ck_assert_int_eq (bp_model_backward (W, b, x, l, dW, db, dx, NULL), GSL_EOVRFLW);
  ck_assert_int_eq (test_errors.code, GSL_EOVRFLW);
  restore_errors ();
  ck_assert_double_eq (gsl_vector_get (db, 0), 7.0);
  gsl_vector_set (l, 0, 1.0);
  gsl_vector_set (l, 1, 0.0);
  ck_assert_int_eq (bp_model_backward (W, b, x, l, dW, db, dx, NULL), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (db, 0), 0.0);
  ck_assert_double_eq (gsl_vector_get (db, 1), 0.0);
  gsl_matrix_free (W);
  gsl_matrix_free (x);
  gsl_matrix_free (dW);
  gsl_matrix_free (dx);
  gsl_vector_free (b);
  gsl_vector_free (l);
  gsl_vector_free (db);
}
END_TEST

static Suite *
edge_model_forward_suite (void)
{
  Suite *s = suite_create ("edge_bp_model_forward");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_model_forward_not_finite);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
edge_model_backward_suite (void)
{
  Suite *s = suite_create ("edge_bp_model_backward");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_model_backward_not_finite);
  tcase_add_test (tc, test_model_backward_y_zero);
  suite_add_tcase (s, tc);
  return s;
}

/* --- the checker: bp_gradcheck at non-finite points ------------------- */

/* f(theta) = sum theta_i^2, gradient 2 theta */
static int
sum_squares (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const gsl_vector *theta = p->vector[0];
  double s = 0.0;
  for (size_t i = 0; i < theta->size; i++)
    s += gsl_vector_get (theta, i) * gsl_vector_get (theta, i);
  *L = s;
  return 0;
}

/* f(theta) = theta^2 elementwise, Jacobian diag(2 theta) */
static int
squares (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  (void) params;
  const gsl_vector *theta = p->vector[0];
  for (size_t i = 0; i < theta->size; i++)
    gsl_vector_set (out, i, gsl_vector_get (theta, i) * gsl_vector_get (theta, i));
  return GSL_SUCCESS;
}

/* bp_gradcheck of f at theta against the analytic side a (a vector or
   a matrix) with step h; the result freed, *n_failed its failures */
static int
check_at (const bp_gradcheck_function *f, const gsl_vector *theta,
          const bp_gradcheck_block *a, double h, size_t *n_failed)
{
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.h = h;
  const bp_gradcheck_block t = { .name = "theta", .vector = theta };
  bp_gradcheck_result *r = NULL;
  const int s = bp_gradcheck (f, 1, &t, a, &o, &r);
  if (n_failed)
    *n_failed = r ? r->run[0].n_failed : 0;
  if (r && r->run[0].n_failed)
    ck_assert_uint_eq (r->run[0].worst.row, 0);
  bp_gradcheck_result_free (r);
  return s;
}

START_TEST (test_check_gradient_not_finite)
{
  /* theta = (1, 2): a correct gradient (2, 4) passes; NaN or +-inf in
     theta is GSL_EDOM; an infinite step GSL_EINVAL; a NaN in the
     analytic gradient is what the checker is for: GSL_FAILURE, the NaN
     element (0) counted as failed */
  const double t[] = { 1.0, 2.0 }, g[] = { 2.0, 4.0 };
  gsl_vector *theta = vec (2, t), *grad = vec (2, g);
  const bp_gradcheck_function f = { .loss = sum_squares };
  const bp_gradcheck_block a = { .name = "grad", .vector = grad };
  size_t failed;
  ck_assert_int_eq (check_at (&f, theta, &a, 1e-4, NULL), GSL_SUCCESS);
  for (size_t b = 0; b < N_BAD; b++)
    {
      gsl_vector_set (theta, 1, bad_values[b]);
      record_errors ();
      ck_assert_int_eq (check_at (&f, theta, &a, 1e-4, NULL), GSL_EDOM);
      ck_assert_int_eq (test_errors.code, GSL_EDOM);
      gsl_vector_set (theta, 1, 2.0);
      ck_assert_int_eq (check_at (&f, theta, &a, INFINITY, NULL), GSL_EINVAL);
      restore_errors ();
    }
  gsl_vector_set (grad, 0, NAN);
  ck_assert_int_eq (check_at (&f, theta, &a, 1e-4, &failed), GSL_FAILURE);
  ck_assert_uint_eq (failed, 1);
  gsl_vector_free (theta);
  gsl_vector_free (grad);
}
END_TEST

START_TEST (test_check_jacobian_not_finite)
{
  /* theta = (1, 2): J = diag(2, 4) passes; NaN or +-inf in theta is
     GSL_EDOM for a vector f too */
  const double t[] = { 1.0, 2.0 };
  gsl_vector *theta = vec (2, t);
  gsl_matrix *J = gsl_matrix_calloc (2, 2);
  gsl_matrix_set (J, 0, 0, 2.0);
  gsl_matrix_set (J, 1, 1, 4.0);
  const bp_gradcheck_function f = { .vloss = squares, .m = 2 };
  const bp_gradcheck_block a = { .name = "J", .matrix = J };
  ck_assert_int_eq (check_at (&f, theta, &a, 1e-4, NULL), GSL_SUCCESS);
  for (size_t b = 0; b < N_BAD; b++)
    {
      gsl_vector_set (theta, 0, bad_values[b]);
      record_errors ();
      ck_assert_int_eq (check_at (&f, theta, &a, 1e-4, NULL), GSL_EDOM);
      ck_assert_int_eq (test_errors.code, GSL_EDOM);
      restore_errors ();
      gsl_vector_set (theta, 0, 1.0);
    }
  gsl_vector_free (theta);
  gsl_matrix_free (J);
}
END_TEST

static Suite *
edge_check_gradient_suite (void)
{
  Suite *s = suite_create ("edge_bp_gradcheck");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_check_gradient_not_finite);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
edge_check_jacobian_suite (void)
{
  Suite *s = suite_create ("edge_bp_gradcheck_jacobian");
  TCase *tc = tcase_create ("edge");
  tcase_add_test (tc, test_check_jacobian_not_finite);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { edge_softmax_suite, edge_sce_suite,
                                      edge_sceg_suite, edge_model_forward_suite,
                                      edge_model_backward_suite,
                                      edge_check_gradient_suite,
                                      edge_check_jacobian_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
