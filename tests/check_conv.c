/* check_conv.c -- suites bp_conv (eq. 15.1), bp_conv_grad_weights (dL/dK,
   15.2), bp_conv_grad_input (dL/dX, 15.3), bp_conv_grad_bias (dL/db, 15.4)
   and bp_batch_conv (im2col, 15.5-15.8); derivations/15-convolution.md.
   Each gradient is checked against GSL's central differences and the
   complex step of L = sum G . Y (so dL/dY = G, a random matrix) on the
   shapes of the table below; the forward pass against a direct loop over
   an explicitly padded copy of the input, and by hand. */
#include <config.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_gradcheck.h"
#include <gsl/gsl_nan.h>

/* C_in, H, W, C_out, k, p: "same" padding, none, k > H, k = 1, even k,
   padding wider than k - 1, non-square images. */
static const bp_conv_shape shapes[] = {
  { 1, 5, 5, 1, 3, 1 },
  { 2, 4, 6, 3, 2, 0 },
  { 3, 7, 5, 2, 5, 2 },
  { 1, 3, 3, 2, 5, 1 },
  { 3, 4, 4, 2, 1, 0 },
  { 2, 5, 4, 2, 3, 2 },
};
#define N_SHAPES ((int) (sizeof shapes / sizeof shapes[0]))

static size_t
ho (const bp_conv_shape *s)
{
  return s->height + 2 * s->pad - s->k + 1;
}

static size_t
wo (const bp_conv_shape *s)
{
  return s->width + 2 * s->pad - s->k + 1;
}

static gsl_matrix *
random_matrix (gsl_rng *rng, size_t r, size_t c)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      gsl_matrix_set (A, i, j, 2.0 * gsl_rng_uniform (rng) - 1.0);
  return A;
}

/* A point of the loss L = sum G . conv(K, b, X): the argument checked
   is the one named by which, read from theta. */
typedef enum { ARG_X, ARG_K, ARG_B } argument;

typedef struct
{
  bp_conv_shape s;
  gsl_matrix *K, *X, *G, *Y;
  gsl_vector *b;
  argument which;
} point;

static point *
point_alloc (int i, size_t batch)
{
  point *pt = malloc (sizeof *pt);
  gsl_rng *rng = test_rng (i);
  pt->s = shapes[i];
  const bp_conv_shape *s = &pt->s;
  pt->K = random_matrix (rng, s->channels_out, s->channels_in * s->k * s->k);
  pt->X = random_matrix (rng, s->channels_in, batch * s->height * s->width);
  pt->G = random_matrix (rng, s->channels_out, batch * ho (s) * wo (s));
  pt->Y = gsl_matrix_alloc (s->channels_out, batch * ho (s) * wo (s));
  pt->b = gsl_vector_alloc (s->channels_out);
  for (size_t o = 0; o < s->channels_out; o++)
    gsl_vector_set (pt->b, o, gsl_rng_uniform (rng) - 0.5);
  gsl_rng_free (rng);
  return pt;
}

static void
point_free (point *pt)
{
  gsl_matrix_free (pt->K);
  gsl_matrix_free (pt->X);
  gsl_matrix_free (pt->G);
  gsl_matrix_free (pt->Y);
  gsl_vector_free (pt->b);
  free (pt);
}

static double
dot (const gsl_matrix *A, const gsl_matrix *B)
{
  double sum = 0.0;
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      sum += gsl_matrix_get (A, i, j) * gsl_matrix_get (B, i, j);
  return sum;
}

/* the argument of pt named by which, as a flat vector (a view) */
static gsl_vector_view
argument_of (point *pt)
{
  switch (pt->which)
    {
    case ARG_X:
      return gsl_vector_view_array (pt->X->data, pt->X->size1 * pt->X->size2);
    case ARG_K:
      return gsl_vector_view_array (pt->K->data, pt->K->size1 * pt->K->size2);
    default:
      return gsl_vector_subvector (pt->b, 0, pt->b->size);
    }
}

/* L(theta) = sum G . conv(...) with theta in place of the argument */
static double
loss (const gsl_vector *theta, void *params)
{
  point *pt = params;
  gsl_vector_view arg = argument_of (pt);
  gsl_vector *saved = gsl_vector_alloc (theta->size);
  gsl_vector_memcpy (saved, &arg.vector);
  gsl_vector_memcpy (&arg.vector, theta);
  bp_conv (&pt->s, pt->K, pt->b, pt->X, pt->Y);
  gsl_vector_memcpy (&arg.vector, saved);
  gsl_vector_free (saved);
  return dot (pt->G, pt->Y);
}

static gsl_matrix_complex *
complex_of (const gsl_matrix *A)
{
  gsl_matrix_complex *Z = gsl_matrix_complex_alloc (A->size1, A->size2);
  cstep_matrix_from_real (A, Z);
  return Z;
}

/* the same in complex arithmetic, theta complex */
static double complex
closs (const gsl_vector_complex *theta, void *params)
{
  point *pt = params;
  const bp_conv_shape *s = &pt->s;
  gsl_matrix_complex *K = complex_of (pt->K), *X = complex_of (pt->X);
  gsl_matrix_complex *Y = gsl_matrix_complex_alloc (pt->Y->size1, pt->Y->size2);
  gsl_vector_complex *b = gsl_vector_complex_alloc (pt->b->size);
  cstep_vector_from_real (pt->b, b);
  gsl_vector_complex_view arg
    = pt->which == ARG_X ? gsl_vector_complex_view_array (X->data, X->size1 * X->size2)
    : pt->which == ARG_K ? gsl_vector_complex_view_array (K->data, K->size1 * K->size2)
    : gsl_vector_complex_subvector (b, 0, b->size);
  gsl_vector_complex_memcpy (&arg.vector, theta);
  bp_complex_conv (s, K, b, X, Y);
  double complex sum = 0.0;
  for (size_t o = 0; o < Y->size1; o++)
    for (size_t t = 0; t < Y->size2; t++)
      {
        gsl_complex y = gsl_matrix_complex_get (Y, o, t);
        sum += gsl_matrix_get (pt->G, o, t) * (GSL_REAL (y) + I * GSL_IMAG (y));
      }
  gsl_matrix_complex_free (K);
  gsl_matrix_complex_free (X);
  gsl_matrix_complex_free (Y);
  gsl_vector_complex_free (b);
  return sum;
}

/* Check grad (flat) of argument which against both oracles. */
static void
check_both (point *pt, argument which, const gsl_vector *grad, const char *what)
{
  pt->which = which;
  gsl_vector_view arg = argument_of (pt);
  gsl_vector *theta = gsl_vector_alloc (arg.vector.size);
  gsl_vector_memcpy (theta, &arg.vector);
  test_gradient_pass (loss, pt, theta, grad, BP_CHECK_RTOL, BP_CHECK_ATOL, what);
  test_cstep_pass (closs, pt, theta, grad, BP_CSTEP_RTOL, BP_CSTEP_ATOL, what);
  gsl_vector_free (theta);
}

/* --- the forward pass -------------------------------------------------- */

/* Y by the definition, independently of the library: copy X into a
   zero image of (H + 2p) x (W + 2p), then a valid correlation. */
static gsl_matrix *
naive_conv (const bp_conv_shape *s, const gsl_matrix *K, const gsl_vector *b,
            const gsl_matrix *X)
{
  const size_t P = s->pad, Hp = s->height + 2 * P, Wp = s->width + 2 * P, k = s->k;
  gsl_matrix *Y = gsl_matrix_alloc (s->channels_out, ho (s) * wo (s));
  gsl_matrix *Xp = gsl_matrix_calloc (s->channels_in, Hp * Wp);
  for (size_t c = 0; c < s->channels_in; c++)
    for (size_t r = 0; r < s->height; r++)
      for (size_t q = 0; q < s->width; q++)
        gsl_matrix_set (Xp, c, (r + P) * Wp + q + P, gsl_matrix_get (X, c, r * s->width + q));
  for (size_t o = 0; o < s->channels_out; o++)
    for (size_t i = 0; i < ho (s); i++)
      for (size_t j = 0; j < wo (s); j++)
        {
          double y = gsl_vector_get (b, o);
          for (size_t c = 0; c < s->channels_in; c++)
            for (size_t a = 0; a < k; a++)
              for (size_t e = 0; e < k; e++)
                y += gsl_matrix_get (K, o, c * k * k + a * k + e)
                     * gsl_matrix_get (Xp, c, (i + a) * Wp + j + e);
          gsl_matrix_set (Y, o, i * wo (s) + j, y);
        }
  gsl_matrix_free (Xp);
  return Y;
}

static void
assert_matrix_close (const gsl_matrix *A, const gsl_matrix *E, double tol, const char *what)
{
  ck_assert_uint_eq (A->size1, E->size1);
  ck_assert_uint_eq (A->size2, E->size2);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      {
        const double a = gsl_matrix_get (A, i, j), e = gsl_matrix_get (E, i, j);
        ck_assert_msg (fabs (a - e) <= tol * fmax (1.0, fabs (e)),
                       "%s [%zu,%zu]: %.17g, expected %.17g", what, i, j, a, e);
      }
}

START_TEST (test_conv_equals_padded_loop)
{
  point *pt = point_alloc (_i, 1);
  ck_assert_int_eq (bp_conv (&pt->s, pt->K, pt->b, pt->X, pt->Y), GSL_SUCCESS);
  gsl_matrix *E = naive_conv (&pt->s, pt->K, pt->b, pt->X);
  assert_matrix_close (pt->Y, E, 1e-14, "Y");
  gsl_matrix_free (E);
  point_free (pt);
}
END_TEST

START_TEST (test_conv_by_hand)
{
  /* X = [[1 2 3], [4 5 6], [7 8 9]], K = [[1 0], [0 -1]], b = 10, p = 0:
     Y[i,j] = 10 + X[i,j] - X[i+1,j+1] = 10 - 4 everywhere: [[6 6], [6 6]].
     With p = 1 (Y 4 x 4), Y[0,0] = 10 + 0 - X[0,0] = 9,
     Y[1,1] = 10 + 1 - 5 = 6, Y[3,3] = 10 + 9 - 0 = 19, Y[0,3] = 10 + 0 - 0. */
  const double xd[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, kd[] = { 1, 0, 0, -1 }, bd[] = { 10 };
  gsl_matrix_const_view X = gsl_matrix_const_view_array (xd, 1, 9);
  gsl_matrix_const_view K = gsl_matrix_const_view_array (kd, 1, 4);
  gsl_vector_const_view b = gsl_vector_const_view_array (bd, 1);
  bp_conv_shape s = { 1, 3, 3, 1, 2, 0 };
  gsl_matrix *Y = gsl_matrix_alloc (1, 4), *Y1 = gsl_matrix_alloc (1, 16);
  ck_assert_int_eq (bp_conv (&s, &K.matrix, &b.vector, &X.matrix, Y), GSL_SUCCESS);
  for (size_t t = 0; t < 4; t++)
    ck_assert_double_eq (gsl_matrix_get (Y, 0, t), 6.0);
  s.pad = 1;
  ck_assert_int_eq (bp_conv (&s, &K.matrix, &b.vector, &X.matrix, Y1), GSL_SUCCESS);
  ck_assert_double_eq (gsl_matrix_get (Y1, 0, 0), 9.0);
  ck_assert_double_eq (gsl_matrix_get (Y1, 0, 5), 6.0);
  ck_assert_double_eq (gsl_matrix_get (Y1, 0, 15), 19.0);
  ck_assert_double_eq (gsl_matrix_get (Y1, 0, 3), 10.0);
  gsl_matrix_free (Y);
  gsl_matrix_free (Y1);
}
END_TEST

START_TEST (test_conv_bad_shape)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *K = gsl_matrix_calloc (1, 9), *X = gsl_matrix_calloc (1, 4);
  gsl_matrix *Y = gsl_matrix_calloc (1, 4);
  gsl_vector *b = gsl_vector_calloc (1);
  const bp_conv_shape too_big = { 1, 2, 2, 1, 3, 0 };   /* k > H + 2p */
  const bp_conv_shape zero = { 0, 2, 2, 1, 3, 1 };
  const bp_conv_shape ok = { 1, 2, 2, 1, 3, 1 };        /* Ho = 2 + 2 - 3 + 1 = 2 */
  ck_assert_int_eq (bp_conv (&too_big, K, b, X, Y), GSL_EINVAL);
  ck_assert_int_eq (bp_conv (&zero, K, b, X, Y), GSL_EINVAL);
  ck_assert_int_eq (bp_conv (&ok, K, b, X, Y), GSL_SUCCESS);
  /* a 0 in each other field alone, with a pad that leaves k <= W + 2p:
     refused by the shape's test (EINVAL), not by the matrices' sizes */
  const bp_conv_shape zeros[] = { { 1, 0, 2, 1, 3, 2 }, { 1, 2, 0, 1, 3, 2 },
                                  { 1, 2, 2, 0, 3, 1 }, { 1, 2, 2, 1, 0, 1 } };
  for (size_t z = 0; z < sizeof zeros / sizeof zeros[0]; z++)
    {
      ck_assert_int_eq (bp_conv (&zeros[z], K, b, X, Y), GSL_EINVAL);
      ck_assert_int_eq (bp_conv_grad_input (&zeros[z], K, Y, X), GSL_EINVAL);
      ck_assert_int_eq (bp_conv_grad_weights (&zeros[z], X, Y, K), GSL_EINVAL);
    }
  ck_assert_int_eq (bp_conv_grad_input (&too_big, K, Y, X), GSL_EINVAL);
  ck_assert_int_eq (bp_conv_grad_weights (&too_big, X, Y, K), GSL_EINVAL);
  /* sizes whose products wrap (issue 21): H W to 0, a divide by zero in
     the batch forms; C_in k k to 0; the padded image past SIZE_MAX, in
     its height, and in its width alone: W + 2p = SIZE_MAX + 2 wraps to 1,
     H + 2p does not, and every later test passes */
  const size_t big = (size_t) 1 << 32;
  /* the fourth in the height alone too; and C_in k fits, C_in k k does
     not (C_in = 2, k = 2^32 - 1 = H = W: every other product fits); and
     (H + 2p) (W + 2p) = (2^32 + 1)^2 wraps, H = W = 1, p = 2^31, while
     (H + 2p) (W + p) would not */
  const bp_conv_shape wraps[] = { { 1, big, big, 1, 1, 0 }, { big, 2, 2, 1, big, big },
                                  { 1, 2, 2, 1, 3, SIZE_MAX / 2 },
                                  { 1, 1, SIZE_MAX / 2 + 2, 1, 1, SIZE_MAX / 4 + 1 },
                                  { 1, SIZE_MAX / 2 + 2, 1, 1, 1, SIZE_MAX / 4 + 1 },
                                  { 2, big - 1, big - 1, 1, big - 1, 0 },
                                  { 1, 1, 1, 1, 1, big / 2 } };
  gsl_matrix *cols = gsl_matrix_calloc (1, 4);
  for (size_t w = 0; w < sizeof wraps / sizeof wraps[0]; w++)
    {
      ck_assert_int_eq (bp_conv (&wraps[w], K, b, X, Y), GSL_EINVAL);
      ck_assert_int_eq (bp_batch_conv (&wraps[w], K, b, X, cols, Y), GSL_EINVAL);
      ck_assert_int_eq (bp_batch_conv_grad_input (&wraps[w], K, Y, cols, X), GSL_EINVAL);
    }
  /* the padding's bound is tight: H + 2p or W + 2p = SIZE_MAX - 1 wraps
     nothing, so the shape passes and X's size is what is refused */
  const bp_conv_shape edges[] = { { 1, SIZE_MAX - 1, 1, 1, 1, 0 }, { 1, 1, SIZE_MAX - 1, 1, 1, 0 } };
  for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++)
    {
      ck_assert_int_eq (bp_conv (&edges[e], K, b, X, Y), GSL_EBADLEN);
      ck_assert_int_eq (bp_batch_conv (&edges[e], K, b, X, cols, Y), GSL_EBADLEN);
    }
  gsl_matrix_free (cols);
  gsl_matrix_free (K);
  gsl_matrix_free (X);
  gsl_matrix_free (Y);
  gsl_vector_free (b);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
conv_suite (void)
{
  Suite *s = suite_create ("bp_conv");
  TCase *tc = tcase_create ("forward");
  tcase_add_loop_test (tc, test_conv_equals_padded_loop, 0, N_SHAPES);
  tcase_add_test (tc, test_conv_by_hand);
  tcase_add_test (tc, test_conv_bad_shape);
  suite_add_tcase (s, tc);
  return s;
}

/* --- dL/dK ------------------------------------------------------------- */

START_TEST (test_conv_grad_weights_numeric)
{
  point *pt = point_alloc (_i, 1);
  const bp_conv_shape *s = &pt->s;
  gsl_matrix *dK = gsl_matrix_alloc (pt->K->size1, pt->K->size2);
  ck_assert_int_eq (bp_conv_grad_weights (s, pt->X, pt->G, dK), GSL_SUCCESS);
  gsl_vector_view g = gsl_vector_view_array (dK->data, dK->size1 * dK->size2);
  check_both (pt, ARG_K, &g.vector, "dL/dK");
  gsl_matrix_free (dK);
  point_free (pt);
}
END_TEST

START_TEST (test_conv_grad_weights_by_hand)
{
  /* X = [[1 2], [3 4]], dL/dY = [[1 -1], [0 2]], k = 1, p = 0:
     dL/dK = sum X . dL/dY = 1 - 2 + 0 + 8 = 7 */
  const double xd[] = { 1, 2, 3, 4 }, gd[] = { 1, -1, 0, 2 };
  gsl_matrix_const_view X = gsl_matrix_const_view_array (xd, 1, 4);
  gsl_matrix_const_view G = gsl_matrix_const_view_array (gd, 1, 4);
  const bp_conv_shape s = { 1, 2, 2, 1, 1, 0 };
  gsl_matrix *dK = gsl_matrix_alloc (1, 1);
  gsl_matrix_set_all (dK, 99.0);   /* overwritten, not added to */
  ck_assert_int_eq (bp_conv_grad_weights (&s, &X.matrix, &G.matrix, dK), GSL_SUCCESS);
  ck_assert_double_eq (gsl_matrix_get (dK, 0, 0), 7.0);
  gsl_matrix_free (dK);
}
END_TEST

static Suite *
conv_grad_weights_suite (void)
{
  Suite *s = suite_create ("bp_conv_grad_weights");
  TCase *tc = tcase_create ("dL_dK");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_conv_grad_weights_numeric, 0, N_SHAPES);
  tcase_add_test (tc, test_conv_grad_weights_by_hand);
  suite_add_tcase (s, tc);
  return s;
}

/* --- dL/dX ------------------------------------------------------------- */

START_TEST (test_conv_grad_input_numeric)
{
  point *pt = point_alloc (_i, 1);
  gsl_matrix *dX = gsl_matrix_alloc (pt->X->size1, pt->X->size2);
  ck_assert_int_eq (bp_conv_grad_input (&pt->s, pt->K, pt->G, dX), GSL_SUCCESS);
  gsl_vector_view g = gsl_vector_view_array (dX->data, dX->size1 * dX->size2);
  check_both (pt, ARG_X, &g.vector, "dL/dX");
  gsl_matrix_free (dX);
  point_free (pt);
}
END_TEST

/* dL/dX by scattering each output's gradient back over its window, the
   transpose of the forward loop (the library gathers instead). */
START_TEST (test_conv_grad_input_equals_scatter)
{
  point *pt = point_alloc (_i, 1);
  const bp_conv_shape *s = &pt->s;
  const size_t k = s->k, P = s->pad;
  gsl_matrix *dX = gsl_matrix_alloc (pt->X->size1, pt->X->size2);
  gsl_matrix *E = gsl_matrix_calloc (pt->X->size1, pt->X->size2);
  ck_assert_int_eq (bp_conv_grad_input (s, pt->K, pt->G, dX), GSL_SUCCESS);
  for (size_t o = 0; o < s->channels_out; o++)
    for (size_t i = 0; i < ho (s); i++)
      for (size_t j = 0; j < wo (s); j++)
        for (size_t c = 0; c < s->channels_in; c++)
          for (size_t a = 0; a < k; a++)
            for (size_t e = 0; e < k; e++)
              {
                const long r = (long) (i + a) - (long) P, q = (long) (j + e) - (long) P;
                if (r < 0 || q < 0 || r >= (long) s->height || q >= (long) s->width)
                  continue;
                const size_t t = (size_t) r * s->width + (size_t) q;
                gsl_matrix_set (E, c, t, gsl_matrix_get (E, c, t)
                                + gsl_matrix_get (pt->G, o, i * wo (s) + j)
                                  * gsl_matrix_get (pt->K, o, (c * k + a) * k + e));
              }
  assert_matrix_close (dX, E, 1e-13, "dL/dX");
  gsl_matrix_free (dX);
  gsl_matrix_free (E);
  point_free (pt);
}
END_TEST

static Suite *
conv_grad_input_suite (void)
{
  Suite *s = suite_create ("bp_conv_grad_input");
  TCase *tc = tcase_create ("dL_dX");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_conv_grad_input_numeric, 0, N_SHAPES);
  tcase_add_loop_test (tc, test_conv_grad_input_equals_scatter, 0, N_SHAPES);
  suite_add_tcase (s, tc);
  return s;
}

/* --- dL/db ------------------------------------------------------------- */

START_TEST (test_conv_grad_bias_numeric)
{
  point *pt = point_alloc (_i, 1);
  gsl_vector *db = gsl_vector_alloc (pt->b->size);
  ck_assert_int_eq (bp_conv_grad_bias (pt->G, db), GSL_SUCCESS);
  check_both (pt, ARG_B, db, "dL/db");
  gsl_vector_free (db);
  point_free (pt);
}
END_TEST

static Suite *
conv_grad_bias_suite (void)
{
  Suite *s = suite_create ("bp_conv_grad_bias");
  TCase *tc = tcase_create ("dL_db");
  tcase_add_loop_test (tc, test_conv_grad_bias_numeric, 0, N_SHAPES);
  suite_add_tcase (s, tc);
  return s;
}

/* --- all three at once: bp_gradcheck over the blocks K, b, X ----------- */

static int
blocks_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  point *pt = params;
  if (bp_conv (&pt->s, p->block[0], p->vector[1], p->block[2], pt->Y) != GSL_SUCCESS)
    return 1;
  *L = dot (pt->G, pt->Y);
  return 0;
}

static int
blocks_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  point *pt = params;
  gsl_matrix_complex *Y = gsl_matrix_complex_alloc (pt->Y->size1, pt->Y->size2);
  if (Y == NULL || bp_complex_conv (&pt->s, p->block[0], p->vector[1], p->block[2], Y))
    {
      gsl_matrix_complex_free (Y);
      return 1;
    }
  double re = 0.0, im = 0.0;
  for (size_t t = 0; t < Y->size1 * Y->size2; t++)
    {
      re += pt->G->data[t] * Y->data[2 * t];
      im += pt->G->data[t] * Y->data[2 * t + 1];
    }
  GSL_SET_COMPLEX (L, re, im);
  gsl_matrix_complex_free (Y);
  return 0;
}

/* dL/dK, dL/db and dL/dX in one bp_gradcheck of three blocks, by central
   differences (BP_CHECK_RTOL) and by the complex step (BP_CSTEP_RTOL). */
START_TEST (test_conv_gradcheck_blocks)
{
  point *pt = point_alloc (_i, 1);
  const bp_conv_shape *s = &pt->s;
  gsl_matrix *dK = gsl_matrix_alloc (pt->K->size1, pt->K->size2);
  gsl_matrix *dX = gsl_matrix_alloc (pt->X->size1, pt->X->size2);
  gsl_vector *db = gsl_vector_alloc (pt->b->size);
  ck_assert_int_eq (bp_conv_grad_weights (s, pt->X, pt->G, dK), GSL_SUCCESS);
  ck_assert_int_eq (bp_conv_grad_bias (pt->G, db), GSL_SUCCESS);
  ck_assert_int_eq (bp_conv_grad_input (s, pt->K, pt->G, dX), GSL_SUCCESS);
  const bp_gradcheck_block blocks[] = { { .name = "K", .matrix = pt->K },
                                        { .name = "b", .vector = pt->b },
                                        { .name = "X", .matrix = pt->X } };
  const bp_gradcheck_block analytic[] = { { .name = "dL/dK", .matrix = dK },
                                          { .name = "dL/db", .vector = db },
                                          { .name = "dL/dX", .matrix = dX } };
  bp_gradcheck_function F = { .loss = blocks_loss, .closs = blocks_closs, .params = pt };
  bp_gradcheck_options opts;
  bp_gradcheck_options_default (&opts);
  const unsigned methods[] = { BP_GRADCHECK_CENTRAL, BP_GRADCHECK_COMPLEX_STEP };
  const double rtol[] = { BP_CHECK_RTOL, BP_CSTEP_RTOL }, atol[] = { BP_CHECK_ATOL,
                                                                    BP_CSTEP_ATOL };
  for (size_t m = 0; m < 2; m++)
    {
      bp_gradcheck_result *r = NULL;
      opts.method = methods[m];
      opts.rtol = rtol[m];
      opts.atol = atol[m];
      const int status = bp_gradcheck (&F, 3, blocks, analytic, &opts, &r);
      ck_assert_ptr_nonnull (r);
      if (status != GSL_SUCCESS)
        bp_gradcheck_fprintf (stderr, r);
      ck_assert_int_eq (status, GSL_SUCCESS);
      ck_assert_uint_eq (r->run[0].n_checked, dK->size1 * dK->size2 + db->size
                                              + dX->size1 * dX->size2);
      ck_assert_uint_eq (r->run[0].n_kinks, 0);
      bp_gradcheck_result_free (r);
    }
  gsl_matrix_free (dK);
  gsl_matrix_free (dX);
  gsl_vector_free (db);
  point_free (pt);
}
END_TEST

static Suite *
conv_gradcheck_suite (void)
{
  Suite *s = suite_create ("bp_conv_gradients");
  TCase *tc = tcase_create ("gradcheck");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_conv_gradcheck_blocks, 0, N_SHAPES);
  suite_add_tcase (s, tc);
  return s;
}

/* --- the batch forms --------------------------------------------------- */

#define BATCH 3

/* columns n H W ... (n+1) H W - 1 of A, example n of a batch */
static gsl_matrix_view
example_of (gsl_matrix *A, size_t n, size_t per)
{
  return gsl_matrix_submatrix (A, 0, n * per, A->size1, per);
}

/* bp_batch_conv and its gradients on BATCH examples against the
   single-example functions, example by example (dL/dK: their sum). */
START_TEST (test_batch_conv_equals_single)
{
  point *pt = point_alloc (_i, BATCH);
  const bp_conv_shape *s = &pt->s;
  const size_t hw = s->height * s->width, howo = ho (s) * wo (s);
  const size_t kk = s->channels_in * s->k * s->k;
  gsl_matrix *cols = gsl_matrix_alloc (kk, BATCH * howo);
  gsl_matrix *dK = gsl_matrix_alloc (s->channels_out, kk);
  gsl_matrix *dX = gsl_matrix_alloc (s->channels_in, BATCH * hw);
  gsl_matrix *dK1 = gsl_matrix_alloc (s->channels_out, kk);
  gsl_matrix *sum_dK = gsl_matrix_calloc (s->channels_out, kk);
  gsl_matrix *Y1 = gsl_matrix_alloc (s->channels_out, howo);
  gsl_matrix *dX1 = gsl_matrix_alloc (s->channels_in, hw);
  ck_assert_int_eq (bp_batch_conv (s, pt->K, pt->b, pt->X, cols, pt->Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_weights (s, pt->G, cols, dK), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_input (s, pt->K, pt->G, cols, dX), GSL_SUCCESS);
  for (size_t n = 0; n < BATCH; n++)
    {
      gsl_matrix_view Xn = example_of (pt->X, n, hw), Gn = example_of (pt->G, n, howo);
      gsl_matrix_view Yn = example_of (pt->Y, n, howo), dXn = example_of (dX, n, hw);
      bp_conv (s, pt->K, pt->b, &Xn.matrix, Y1);
      assert_matrix_close (&Yn.matrix, Y1, 1e-13, "batch Y");
      bp_conv_grad_input (s, pt->K, &Gn.matrix, dX1);
      assert_matrix_close (&dXn.matrix, dX1, 1e-13, "batch dL/dX");
      bp_conv_grad_weights (s, &Xn.matrix, &Gn.matrix, dK1);
      gsl_matrix_add (sum_dK, dK1);
    }
  assert_matrix_close (dK, sum_dK, 1e-13, "batch dL/dK");
  gsl_matrix_free (cols);
  gsl_matrix_free (dK);
  gsl_matrix_free (dX);
  gsl_matrix_free (dK1);
  gsl_matrix_free (sum_dK);
  gsl_matrix_free (Y1);
  gsl_matrix_free (dX1);
  point_free (pt);
}
END_TEST

START_TEST (test_batch_conv_bad_sizes)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const bp_conv_shape s = { 1, 2, 2, 1, 1, 0 };
  gsl_matrix *K = gsl_matrix_calloc (1, 1), *X = gsl_matrix_calloc (1, 7);
  gsl_matrix *cols = gsl_matrix_calloc (1, 8), *Y = gsl_matrix_calloc (1, 8);
  gsl_vector *b = gsl_vector_calloc (1);
  /* 7 columns: not a whole number of 2 x 2 images */
  ck_assert_int_eq (bp_batch_conv (&s, K, b, X, cols, Y), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_conv_grad_input (&s, K, Y, cols, X), GSL_EBADLEN);
  gsl_matrix_free (K);
  gsl_matrix_free (X);
  gsl_matrix_free (cols);
  gsl_matrix_free (Y);
  gsl_vector_free (b);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_batch_conv_grad_weights_bad_width)
{
  /* 3 x 3 images, k = 2: Ho = Wo = 2, Ho Wo = 4.  dL/dY (and cols) of
     6 columns: a multiple of Wo, not of Ho Wo (no whole number of
     images): refused; of 8 columns (B = 2): accepted */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const bp_conv_shape s = { 1, 3, 3, 1, 2, 0 };
  const size_t HoWo = (3 - 2 + 1) * (3 - 2 + 1);
  gsl_matrix *dK = gsl_matrix_calloc (1, 4);
  for (size_t B2 = 6; B2 <= 8; B2 += 2)
    {
      gsl_matrix *dY = gsl_matrix_calloc (1, B2), *cols = gsl_matrix_calloc (4, B2);
      ck_assert_int_eq (bp_batch_conv_grad_weights (&s, dY, cols, dK),
                        B2 % HoWo == 0 ? GSL_SUCCESS : GSL_EBADLEN);
      gsl_matrix_free (dY);
      gsl_matrix_free (cols);
    }
  gsl_matrix_free (dK);
  gsl_set_error_handler (old);
}
END_TEST

/* One image of H W = 2^16 (2^16 + 1) columns (k = 1: Ho Wo = H W) is
   B = 1: X's width is accepted and K's is what is refused, by
   bp_batch_conv and bp_batch_conv_grad_input alike (the batch's count
   C H W by B Ho Wo fits size_t; H W by H W Ho Wo would not).  X is a
   struct over one double: nothing is read before K's test.  And a dL/dY
   of no columns is refused as dL/dY, not later as cols. */
START_TEST (test_batch_conv_one_big_image)
{
  const size_t H = (size_t) 1 << 16;
  const bp_conv_shape s = { 1, H, H + 1, 1, 1, 0 };
  double one = 0.0;
  gsl_matrix X = { .size1 = 1, .size2 = H * (H + 1), .tda = H * (H + 1), .data = &one };
  gsl_matrix *K = gsl_matrix_calloc (2, 1), *cols = gsl_matrix_calloc (1, 1);
  gsl_vector *b = gsl_vector_calloc (1);
  gsl_error_handler_t *old = test_record_errors ();
  const char *fwd = "bp_batch_conv: K must be", *back = "bp_batch_conv_grad_input: K must be";
  ck_assert_int_eq (bp_batch_conv (&s, K, b, &X, cols, cols), GSL_EBADLEN);
  ck_assert_msg (strncmp (test_error_reason (), fwd, strlen (fwd)) == 0,
                 "bp_batch_conv refused \"%s\"", test_error_reason ());
  ck_assert_int_eq (bp_batch_conv_grad_input (&s, K, cols, cols, &X), GSL_EBADLEN);
  ck_assert_msg (strncmp (test_error_reason (), back, strlen (back)) == 0,
                 "bp_batch_conv_grad_input refused \"%s\"", test_error_reason ());
  const bp_conv_shape s3 = { 1, 3, 3, 1, 2, 0 };
  gsl_matrix dY = { .size1 = 1, .size2 = 0, .tda = 1, .data = &one };
  gsl_matrix *cols3 = gsl_matrix_calloc (4, 4), *dK = gsl_matrix_calloc (1, 4);
  const char *dy = "bp_batch_conv_grad_weights: dL_dY must be";
  ck_assert_int_eq (bp_batch_conv_grad_weights (&s3, &dY, cols3, dK), GSL_EBADLEN);
  ck_assert_msg (strncmp (test_error_reason (), dy, strlen (dy)) == 0,
                 "dL/dY of no columns: refused \"%s\"", test_error_reason ());
  gsl_set_error_handler (old);
  gsl_matrix_free (cols3);
  gsl_matrix_free (dK);
  gsl_matrix_free (K);
  gsl_matrix_free (cols);
  gsl_vector_free (b);
}
END_TEST

/* bp_batch_conv and its gradients write every element of cols, Y, dL/dK,
   dL/db and dL/dX whatever they held, and give the same bits on two
   threads as on one: im2col's rows and col2im's images are shared out,
   each element computed as on one thread (conv.c).  One thread into
   zeroed outputs against two into outputs full of NaN, on batches large
   enough for conv.c to use its threads. */
START_TEST (test_batch_conv_same_bits_on_threads)
{
  /* a batch whose lowered matrix is large enough for conv.c's threads */
  const bp_conv_shape *s = &shapes[_i];
  const size_t hw = s->height * s->width, howo = ho (s) * wo (s);
  const size_t kk = s->channels_in * s->k * s->k, batch = 32768 / (kk * howo) + 1;
  point *pt = point_alloc (_i, batch);
  gsl_matrix *out[2][4];
  gsl_vector *db[2];
  const int before = test_set_threads (1);
  for (int t = 0; t < 2; t++)
    {
      out[t][0] = gsl_matrix_alloc (kk, batch * howo);
      out[t][1] = gsl_matrix_alloc (s->channels_out, batch * howo);
      out[t][2] = gsl_matrix_alloc (s->channels_out, kk);
      out[t][3] = gsl_matrix_alloc (s->channels_in, batch * hw);
      db[t] = gsl_vector_alloc (s->channels_out);
      for (int m = 0; m < 4; m++)
        gsl_matrix_set_all (out[t][m], t ? GSL_NAN : 0.0);
      gsl_vector_set_all (db[t], t ? GSL_NAN : 0.0);
      test_set_threads (t + 1);
      ck_assert_int_eq (bp_batch_conv (s, pt->K, pt->b, pt->X, out[t][0], out[t][1]),
                        GSL_SUCCESS);
      ck_assert_int_eq (bp_batch_conv_grad_weights (s, pt->G, out[t][0], out[t][2]),
                        GSL_SUCCESS);
      ck_assert_int_eq (bp_conv_grad_bias (pt->G, db[t]), GSL_SUCCESS);
      ck_assert_int_eq (bp_batch_conv_grad_input (s, pt->K, pt->G, out[t][0], out[t][3]),
                        GSL_SUCCESS);
    }
  test_set_threads (before);
  static const char *const names[] = { "cols (its dL/dcols after dL/dX)", "Y", "dL/dK",
                                       "dL/dX" };
  for (int m = 0; m < 4; m++)
    {
      test_assert_same_bits (out[0][m], out[1][m], names[m]);
      gsl_matrix_free (out[0][m]);
      gsl_matrix_free (out[1][m]);
    }
  gsl_matrix_view b0 = gsl_matrix_view_vector (db[0], 1, db[0]->size);
  gsl_matrix_view b1 = gsl_matrix_view_vector (db[1], 1, db[1]->size);
  test_assert_same_bits (&b0.matrix, &b1.matrix, "dL/db");
  gsl_vector_free (db[0]);
  gsl_vector_free (db[1]);
  point_free (pt);
}
END_TEST

static Suite *
batch_conv_suite (void)
{
  Suite *s = suite_create ("bp_batch_conv");
  TCase *tc = tcase_create ("im2col");
  tcase_add_loop_test (tc, test_batch_conv_equals_single, 0, N_SHAPES);
  tcase_add_test (tc, test_batch_conv_bad_sizes);
  tcase_add_test (tc, test_batch_conv_grad_weights_bad_width);
  tcase_add_test (tc, test_batch_conv_one_big_image);
  tcase_add_loop_test (tc, test_batch_conv_same_bits_on_threads, 0, N_SHAPES);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { conv_suite, conv_grad_weights_suite,
                                      conv_grad_input_suite, conv_grad_bias_suite,
                                      conv_gradcheck_suite, batch_conv_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
