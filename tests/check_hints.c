/* check_hints.c -- suite bp_gradcheck_shapes_hints: the report names an
   element of a block of any rank by its N-d index (o,c,i,j), and the
   hints name the bugs of issue 18's trial by their patterns, on
   f(theta) = sum c_p theta_p (the numeric gradient is c, up to rounding;
   a wrong analytic array is wrong by far more than any tolerance).
   derivations/00-numeric-check.md, eq. (0.14) */
#include <config.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "failalloc.h"
#include "testutil.h"

static int
linear_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const gsl_vector *c = params;
  *L = 0.0;
  for (size_t q = 0; q < c->size; q++)
    *L += gsl_vector_get (c, q) * gsl_vector_get (p->vector[0], q);
  return 0;
}

/* c_p = 1 + p: no two elements equal */
static gsl_vector *
distinct (size_t n)
{
  gsl_vector *c = gsl_vector_alloc (n);
  for (size_t p = 0; p < n; p++)
    gsl_vector_set (c, p, (double) (1 + p));
  return c;
}

/* bp_gradcheck by central differences of f = c . theta, theta an r x
   (n / r) matrix of the given rank and shape (rank 0: none), against the
   analytic side A (of theta's shape); the status into *status */
static bp_gradcheck_result *
linear_check (const gsl_vector *c, size_t r, size_t rank, const size_t *shape,
              const gsl_matrix *A, int *status)
{
  gsl_matrix *theta = gsl_matrix_alloc (r, c->size / r);
  gsl_matrix_set_all (theta, 0.5);
  bp_gradcheck_function F = { .loss = linear_loss, .params = (void *) c };
  const bp_gradcheck_block blk = { .name = "K", .matrix = theta, .rank = rank,
                                   .shape = shape };
  const bp_gradcheck_block ana = { .matrix = A };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *res = NULL;
  *status = bp_gradcheck (&F, 1, &blk, &ana, &o, &res);
  gsl_matrix_free (theta);
  return res;
}

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

/* A (r x n / r) = c, as the matrix of theta's shape */
static gsl_matrix *
right_analytic (const gsl_vector *c, size_t r)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c->size / r);
  memcpy (A->data, c->data, c->size * sizeof (double));
  return A;
}

START_TEST (test_report_nd_index)
{
  /* a conv kernel O x C x KH x KW = 2 x 3 x 2 x 2, held as a 6 x 4
     matrix: element (1,2,0,1) wrong is named K(1,2,0,1), the block
     K (2 x 3 x 2 x 2); without a shape, the matrix's (row,col) */
  const size_t shape[4] = { 2, 3, 2, 2 }, at[4] = { 1, 2, 0, 1 };
  gsl_vector *c = distinct (24);
  gsl_matrix *A = right_analytic (c, 6);
  const size_t p = ((at[0] * shape[1] + at[1]) * shape[2] + at[2]) * shape[3] + at[3];
  A->data[p] += 3.0;
  int status;
  bp_gradcheck_result *r = linear_check (c, 6, 4, shape, A, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  ck_assert_uint_eq (r->run[0].block[0].rank, 4);
  char *rep = report_of (r), want[64];
  snprintf (want, sizeof want, "      K(%zu,%zu,%zu,%zu)  analytic", at[0], at[1], at[2], at[3]);
  ck_assert_msg (strstr (rep, want), "%s\nwanted: %s", rep, want);
  ck_assert_msg (strstr (rep, "  K (2 x 3 x 2 x 2): 24 checked, 23 passed"), "%s", rep);
  free (rep);
  bp_gradcheck_result_free (r);
  r = linear_check (c, 6, 0, NULL, A, &status);
  rep = report_of (r);
  snprintf (want, sizeof want, "      K(%zu,%zu)  analytic", p / 4, p % 4);
  ck_assert_msg (strstr (rep, want), "%s\nwanted: %s", rep, want);
  ck_assert_msg (strstr (rep, "  K (6 x 4): 24 checked"), "%s", rep);
  free (rep);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_report_nd_shape_refused)
{
  /* a shape whose product is not the block's size, a rank beyond
     BP_GRADCHECK_MAX_RANK, no shape for a rank: refused, naming it */
  const size_t wrong[3] = { 2, 3, 5 }, ones[9] = { 24, 1, 1, 1, 1, 1, 1, 1, 1 };
  gsl_vector *c = distinct (24);
  gsl_matrix *A = right_analytic (c, 6);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  int status;
  ck_assert_ptr_null (linear_check (c, 6, 3, wrong, A, &status));
  ck_assert_int_eq (status, GSL_EBADLEN);
  ck_assert_ptr_null (linear_check (c, 6, 9, ones, A, &status));
  ck_assert_int_eq (status, GSL_EINVAL);
  ck_assert_ptr_null (linear_check (c, 6, 2, NULL, A, &status));
  ck_assert_int_eq (status, GSL_EFAULT);
  gsl_set_error_handler (old);
  /* the same right side with a valid shape of rank 8 passes */
  bp_gradcheck_result *r = linear_check (c, 6, 8, ones, A, &status);
  ck_assert_int_eq (status, GSL_SUCCESS);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

/* block k of res into *out (without the arrays res owns), res's report
   into *rep (free it); res is freed.  Returns the block's hints. */
static unsigned
keep_block (bp_gradcheck_result *res, size_t k, bp_gradcheck_block_result *out, char **rep)
{
  *out = res->run[0].block[k];
  out->worst = NULL;
  out->analytic = out->numeric = out->abserr = NULL;
  out->mask = NULL;
  *rep = report_of (res);
  bp_gradcheck_result_free (res);
  return out->hints;
}

/* the hints of a check of c (r rows, the given rank and shape) against A,
   its report into *rep (free it) */
static unsigned
hints_of (const gsl_vector *c, size_t r, size_t rank, const size_t *shape,
          const gsl_matrix *A, bp_gradcheck_block_result *out, char **rep)
{
  int status;
  bp_gradcheck_result *res = linear_check (c, r, rank, shape, A, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  return keep_block (res, 0, out, rep);
}

START_TEST (test_hint_one_element)
{
  /* one element of a 2 x 3 x 2 x 2 kernel wrong: "only K(1,2,0,1) is
     wrong"; two wrong elements apart (no axis in common): not that hint */
  const size_t shape[4] = { 2, 3, 2, 2 };
  gsl_vector *c = distinct (24);
  gsl_matrix *A = right_analytic (c, 6);
  A->data[((1 * 3 + 2) * 2 + 0) * 2 + 1] *= -3.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 6, 4, shape, A, &b, &rep) & BP_GRADCHECK_HINT_ONE,
                     BP_GRADCHECK_HINT_ONE);
  ck_assert_msg (strstr (rep, "    hint: K: only K(1,2,0,1) is wrong"), "%s", rep);
  ck_assert (b.factor == 0.0);          /* no factor hint (one element): 0 */
  free (rep);
  A->data[((0 * 3 + 1) * 2 + 1) * 2 + 0] += 7.0;
  ck_assert_uint_eq (hints_of (c, 6, 4, shape, A, &b, &rep), 0);
  ck_assert_msg (!strstr (rep, "hint:"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

/* f = c . theta, undefined (nonzero) wherever theta_2 is moved from 0.5 */
static int
pinned_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  if (gsl_vector_get (p->vector[0], 2) != 0.5)
    return 1;
  return linear_loss (p, params, L);
}

START_TEST (test_hint_one_counts_inconclusive)
{
  /* two of 4 elements wrong (FAIL) and one that cannot be differenced
     (f undefined on both sides: INCONCLUSIVE): three bad elements, so
     not "only one is wrong".  Mutant: the bad count n_failed +
     n_inconclusive as n_failed - n_inconclusive (1) */
  gsl_vector *c = distinct (4);
  double th[4] = { 0.5, 0.5, 0.5, 0.5 }, ad[4] = { 1.0, 2.0, 3.0, 4.0 };
  ad[0] = -5.0;
  ad[1] = 9.0;
  gsl_vector_view t = gsl_vector_view_array (th, 4), a = gsl_vector_view_array (ad, 4);
  bp_gradcheck_function F = { .loss = pinned_loss, .params = c };
  const bp_gradcheck_block blk = { .name = "K", .vector = &t.vector },
      ana = { .vector = &a.vector };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *r = NULL;
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
  gsl_set_error_handler (old);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert_uint_eq (b->n_failed, 2);
  ck_assert_uint_eq (b->n_inconclusive, 1);
  ck_assert_uint_eq (b->hints & BP_GRADCHECK_HINT_ONE, 0);
  bp_gradcheck_result_free (r);
  gsl_vector_free (c);
}
END_TEST

/* f = c . theta, undefined wherever theta_2 is moved from 4 */
static int
pinned_at_4_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  if (gsl_vector_get (p->vector[0], 2) != 4.0)
    return 1;
  return linear_loss (p, params, L);
}

START_TEST (test_block_steps_of_differenced_elements)
{
  /* a block's h_min and h_max are the steps of the elements it
     differenced: theta_2 = 4 (step 4 times the others') cannot be moved
     (INCONCLUSIVE, no difference), so both are the step of the others at
     |theta| = 0.5: eq. (0.5)'s opts.h max(1, |theta|) = 1e-4 (f is
     linear: its noise, at most rounding, gives (sigma / |f|)^(1/3) below
     opts.h), not theta_2's 4e-4.  Mutants: an element with a step counted
     even without a difference (diff != NONE && h > 0 as ||), or only
     then (diff == NONE) */
  gsl_vector *c = distinct (4);
  double th[4] = { 0.5, -0.5, 4.0, 0.5 }, ad[4] = { 1.0, 2.0, 3.0, 4.0 };
  gsl_vector_view t = gsl_vector_view_array (th, 4), a = gsl_vector_view_array (ad, 4);
  bp_gradcheck_function F = { .loss = pinned_at_4_loss, .params = c };
  const bp_gradcheck_block blk = { .name = "K", .vector = &t.vector },
      ana = { .vector = &a.vector };
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, NULL, &r), GSL_CONTINUE);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert_uint_eq (b->n_inconclusive, 1);
  ck_assert_uint_eq (b->n_passed, 3);
  ck_assert_int_eq (b->worst[0].diff, BP_GRADCHECK_DIFF_NONE);
  ck_assert_msg (b->h_min == BP_CHECK_STEP && b->h_max == BP_CHECK_STEP, "h_min %g, h_max %g",
                 b->h_min, b->h_max);
  bp_gradcheck_result_free (r);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_edge)
{
  /* a 4 x 5 gradient wrong in its last column (padding): the edge hint at
     axis 1, index 4; wrong in its first and last rows: axis 0, both ends;
     wrong at (1,1) and (2,3), inside: neither edge nor slice */
  gsl_vector *c = distinct (20);
  gsl_matrix *A = right_analytic (c, 4);
  for (size_t i = 0; i < 4; i++)
    *gsl_matrix_ptr (A, i, 4) = 0.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_EDGE,
                     BP_GRADCHECK_HINT_EDGE);
  ck_assert_uint_eq (b.hint_axis, 1);
  ck_assert_uint_eq (b.hint_index, 4);
  ck_assert_msg (strstr (rep, "failures only at index 4 of axis 1 (of 5, its last): padding"),
                 "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  A = right_analytic (c, 4);
  for (size_t j = 0; j < 5; j++)
    {
      *gsl_matrix_ptr (A, 0, j) += 0.5;
      *gsl_matrix_ptr (A, 3, j) += 0.5;
    }
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep), BP_GRADCHECK_HINT_EDGE);
  ck_assert_uint_eq (b.hint_axis, 0);
  ck_assert_uint_eq (b.hint_index, BP_GRADCHECK_NONE);
  ck_assert_msg (strstr (rep, "failures only at the first and last index of axis 0 (of 4)"),
                 "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  A = right_analytic (c, 4);
  *gsl_matrix_ptr (A, 1, 1) += 0.5;
  *gsl_matrix_ptr (A, 2, 3) += 0.5;
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep)
                     & (BP_GRADCHECK_HINT_EDGE | BP_GRADCHECK_HINT_SLICE), 0);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_slice)
{
  /* a 2 x 3 x 2 x 2 kernel wrong in channel 1 of every output: the slice
     hint at axis 1, index 1; channel 1 of output 0 and channel 2 of
     output 1: no slice */
  const size_t shape[4] = { 2, 3, 2, 2 };
  gsl_vector *c = distinct (24);
  gsl_matrix *A = right_analytic (c, 6);
  for (size_t o = 0; o < 2; o++)
    for (size_t q = 0; q < 4; q++)
      A->data[(o * 3 + 1) * 4 + q] *= 2.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 6, 4, shape, A, &b, &rep) & BP_GRADCHECK_HINT_SLICE,
                     BP_GRADCHECK_HINT_SLICE);
  ck_assert_uint_eq (b.hint_axis, 1);
  ck_assert_uint_eq (b.hint_index, 1);
  ck_assert_msg (strstr (rep, "failures only at index 1 of axis 1 (of 3): one channel"),
                 "%s", rep);
  free (rep);
  for (size_t q = 0; q < 4; q++)
    {
      A->data[(1 * 3 + 1) * 4 + q] = c->data[(1 * 3 + 1) * 4 + q];
      A->data[(1 * 3 + 2) * 4 + q] *= 2.0;
    }
  ck_assert_uint_eq (hints_of (c, 6, 4, shape, A, &b, &rep)
                     & (BP_GRADCHECK_HINT_EDGE | BP_GRADCHECK_HINT_SLICE), 0);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_transpose_on_the_bound)
{
  /* The comparison's INCONCLUSIVE band is closed: |a - e| = tol + 2 err
     is not a FAIL (rules.c, eq. 0.3).  A 2 x 2 gradient [[1, 2], [0, 4]]
     transposed, whose a_01 (due 0, the transpose's e_10) is moved to
     e_10 + tol + 2 err_10 exactly: e_10 = 0 (f does not depend on
     theta_10) and tol = atol, so a_01 = atol + 2 err_10 and the
     difference is a_01 itself.  The transpose hint still holds.
     Mutant: rules.c's '<= allowed' as '<' (a_01 FAILs against e_10) */
  gsl_vector *c = gsl_vector_alloc (4);
  const double cd[4] = { 1.0, 2.0, 0.0, 4.0 };
  memcpy (c->data, cd, sizeof cd);
  gsl_matrix *A = gsl_matrix_alloc (2, 2);
  for (size_t i = 0; i < 2; i++)
    for (size_t j = 0; j < 2; j++)
      gsl_matrix_set (A, i, j, cd[j * 2 + i]);
  int status;
  bp_gradcheck_result *res = linear_check (c, 2, 0, NULL, A, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_block_result *b = &res->run[0].block[0];
  ck_assert (b->hints & BP_GRADCHECK_HINT_TRANSPOSE);
  const double e10 = gsl_matrix_get (b->numeric, 1, 0), err = gsl_matrix_get (b->abserr, 1, 0);
  ck_assert (e10 == 0.0 && err > 0.0);
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  const double a = o.atol + 2.0 * err;
  ck_assert (o.rtol * a <= o.atol && fabs (a - e10) == o.atol + 2.0 * err);
  bp_gradcheck_result_free (res);
  gsl_matrix_set (A, 0, 1, a);
  res = linear_check (c, 2, 0, NULL, A, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  b = &res->run[0].block[0];
  ck_assert (gsl_matrix_get (b->numeric, 1, 0) == e10 && gsl_matrix_get (b->abserr, 1, 0) == err);
  ck_assert_uint_eq (b->n_failed, 2);
  ck_assert_msg (b->hints & BP_GRADCHECK_HINT_TRANSPOSE, "hints %u", b->hints);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

/* 1 + sum_j (j + 1) w_j^2 / 2 rounded to float, w a 1 x 3 row: noise of
   about 1e-7 */
static int
float_row_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const gsl_matrix *w = p->block[0];
  double s = 1.0;
  for (size_t j = 0; j < w->size2; j++)
    s += 0.5 * (double) (j + 1) * gsl_matrix_get (w, 0, j) * gsl_matrix_get (w, 0, j);
  *L = (float) s;
  return 0;
}

START_TEST (test_hint_layout_not_of_a_row)
{
  /* "transposed and reshaped" needs two rows and two columns: a 1 x c
     block read as c x 1 is itself.  Each analytic value is put just
     inside the estimate the hints allow (rtol |e| + 2 err, eq. 0.3)
     above its numeric value: beyond the noise's resolution two of them
     FAIL, yet each is "near" itself, which a 1 x 3 layout test would
     take for the relaid memory.  Mutant: relaid()'s r < 2 || c < 2 as
     && (the layout hint) */
  double th[3] = { 0.3, 0.7, 1.1 }, ad[3], e[3];
  for (size_t j = 0; j < 3; j++)
    ad[j] = (double) (j + 1) * th[j];
  gsl_matrix_view t = gsl_matrix_view_array (th, 1, 3), a = gsl_matrix_view_array (ad, 1, 3);
  const bp_gradcheck_function F = { .loss = float_row_loss };
  const bp_gradcheck_block blk = { .name = "w", .matrix = &t.matrix },
      ana = { .matrix = &a.matrix };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_SUCCESS);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert (b->noise_found);
  for (size_t j = 0; j < 3; j++)
    {
      e[j] = gsl_matrix_get (b->numeric, 0, j);
      const double u = gsl_matrix_get (b->abserr, 0, j);
      ad[j] = e[j] + 0.999 * (fmax (o.atol, o.rtol * fabs (e[j])) + 2.0 * u);
    }
  bp_gradcheck_result_free (r);
  ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
  b = &r->run[0].block[0];
  ck_assert_uint_ge (b->n_failed + b->n_inconclusive, 2);
  for (size_t j = 0; j < 3; j++)
    ck_assert (gsl_matrix_get (b->numeric, 0, j) == e[j]);   /* as in the first run */
  ck_assert_msg (!(b->hints & BP_GRADCHECK_HINT_LAYOUT), "hints %u", b->hints);
  bp_gradcheck_result_free (r);
}
END_TEST

/* 1 + sum_j (j + 1) (b_j^2 + x_j^2) / 2 rounded to float, b and x two
   1 x 3 rows: each row's gradient the other's at the same point */
static int
float_twin_rows_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  double s = 1.0;
  for (size_t j = 0; j < 3; j++)
    {
      const double b = gsl_matrix_get (p->block[0], 0, j), x = gsl_matrix_get (p->block[1], 0, j);
      s += 0.5 * (double) (j + 1) * (b * b + x * x);
    }
  *L = (float) s;
  return 0;
}

START_TEST (test_hint_sum_not_from_a_block_of_its_size)
{
  /* the sum hint names a block x with more elements than b (an axis of
     b's length and others to sum over): a block of b's own size is one
     slice, whose "sum" is itself.  b and x are twin rows of a noisy f
     (their numeric gradients alike), b's analytic values just inside the
     estimate the hints allow (rtol |e| + 2 err) above its numeric ones,
     as in test_hint_layout_not_of_a_row: two or more FAIL beyond the
     noise's resolution, yet each is "near" x's value.  Mutant: summed()'s
     `!x->abserr || size <= n` as `&&` (x of b's size taken: the sum hint
     at x's element 0) */
  double tb[3] = { 0.3, 0.7, 1.1 }, tx[3] = { 0.3, 0.7, 1.1 }, ab[3], ax[3];
  for (size_t j = 0; j < 3; j++)
    ab[j] = ax[j] = (double) (j + 1) * tb[j];
  gsl_matrix_view b_t = gsl_matrix_view_array (tb, 1, 3), x_t = gsl_matrix_view_array (tx, 1, 3);
  gsl_matrix_view b_a = gsl_matrix_view_array (ab, 1, 3), x_a = gsl_matrix_view_array (ax, 1, 3);
  const bp_gradcheck_function F = { .loss = float_twin_rows_loss };
  const bp_gradcheck_block blk[2] = { { .name = "b", .matrix = &b_t.matrix },
                                      { .name = "x", .matrix = &x_t.matrix } };
  const bp_gradcheck_block ana[2] = { { .matrix = &b_a.matrix }, { .matrix = &x_a.matrix } };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 2, blk, ana, &o, &r), GSL_SUCCESS);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  ck_assert (b->noise_found);
  for (size_t j = 0; j < 3; j++)
    {
      const double e = gsl_matrix_get (b->numeric, 0, j), u = gsl_matrix_get (b->abserr, 0, j);
      ab[j] = e + 0.999 * (fmax (o.atol, o.rtol * fabs (e)) + 2.0 * u);
    }
  bp_gradcheck_result_free (r);
  ck_assert_int_eq (bp_gradcheck (&F, 2, blk, ana, &o, &r), GSL_FAILURE);
  b = &r->run[0].block[0];
  ck_assert_uint_ge (b->n_failed, 1);
  ck_assert_uint_eq (r->run[0].block[1].n_failed, 0);
  ck_assert_msg (!(b->hints & BP_GRADCHECK_HINT_SUM), "sum hint from block %zu", b->sum_block);
  bp_gradcheck_result_free (r);
}
END_TEST

/* A right r x c gradient stored column-major (its c x r transpose's
   memory): the layout hint, "transposed and reshaped (the c x r ..." */
static void
assert_layout_hint (size_t r, size_t c)
{
  gsl_vector *v = distinct (r * c);
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      A->data[j * r + i] = v->data[i * c + j];
  bp_gradcheck_block_result b;
  char *rep, want[80];
  ck_assert_uint_eq (hints_of (v, r, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_LAYOUT,
                     BP_GRADCHECK_HINT_LAYOUT);
  snprintf (want, sizeof want, "analytic = numeric transposed and reshaped (the %zu x %zu",
            c, r);
  ck_assert_msg (strstr (rep, want), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (v);
}

START_TEST (test_hint_layout)
{
  /* a right 2 x 3 gradient stored column-major: "transposed and
     reshaped"; a square 3 x 3 one transposed: the transpose hint, not
     this one */
  assert_layout_hint (2, 3);
  gsl_vector *c = distinct (9);
  gsl_matrix *A = gsl_matrix_alloc (3, 3);
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 3; j++)
      A->data[j * 3 + i] = c->data[i * 3 + j];
  bp_gradcheck_block_result b;
  char *rep;
  const unsigned h = hints_of (c, 3, 0, NULL, A, &b, &rep);
  ck_assert_msg ((h & BP_GRADCHECK_HINT_TRANSPOSE) && !(h & BP_GRADCHECK_HINT_LAYOUT),
                 "hints %u", h);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

/* f(X, b) = sum_p w_p (X_p + b_j(p)), b broadcast along X's axis of
   stride `stride' and length n (a bias added over the batch), j(p) =
   p / stride mod n; with v, f = sum_p w_p X_p + sum_j v_j b_j instead
   (b not broadcast) */
typedef struct
{
  const gsl_vector *w, *v;
  size_t stride, n;
  int rounded;          /* f rounded to float: noise of about 1e-7 |f| */
  unsigned method;      /* bias_check's method; 0: central differences */
  const double *x0;     /* X's values; NULL: 0.5 everywhere */
} bias_params;

static int
bias_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const bias_params *q = params;
  const double *x = p->vector[0]->data, *b = p->vector[1]->data;
  *L = 0.0;
  for (size_t i = 0; i < q->w->size; i++)
    *L += q->w->data[i] * (x[i] + (q->v ? 0.0 : b[i / q->stride % q->n]));
  for (size_t j = 0; q->v && j < q->n; j++)
    *L += q->v->data[j] * b[j];
  if (q->rounded)
    *L = (float) *L;
  return 0;
}

/* bp_gradcheck of bias_loss by central differences (or q->method): X (r x
   size / r, of the given rank and shape) named X, b (1 x n) named b,
   against AX and Ab; the status into *status */
static bp_gradcheck_result *
bias_check (const bias_params *q, size_t r, size_t rank, const size_t *shape,
            const gsl_matrix *AX, const gsl_matrix *Ab, int *status)
{
  gsl_matrix *X = gsl_matrix_alloc (r, q->w->size / r), *b = gsl_matrix_alloc (1, q->n);
  gsl_matrix_set_all (X, 0.5);
  if (q->x0)
    memcpy (X->data, q->x0, q->w->size * sizeof (double));
  gsl_matrix_set_all (b, -0.25);
  bp_gradcheck_function F = { .loss = bias_loss, .params = (void *) q };
  const bp_gradcheck_block blk[2] = { { .name = "X", .matrix = X, .rank = rank,
                                        .shape = shape },
                                      { .name = "b", .matrix = b } };
  const bp_gradcheck_block ana[2] = { { .matrix = AX }, { .matrix = Ab } };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  if (q->method)
    o.method = q->method;
  bp_gradcheck_result *res = NULL;
  *status = bp_gradcheck (&F, 2, blk, ana, &o, &res);
  gsl_matrix_free (X);
  gsl_matrix_free (b);
  return res;
}

/* b's right gradient: the sums of w over the broadcast axes, 1 x n */
static gsl_matrix *
bias_sums (const bias_params *q)
{
  gsl_matrix *A = gsl_matrix_calloc (1, q->n);
  for (size_t i = 0; i < q->w->size; i++)
    A->data[i / q->stride % q->n] += q->w->data[i];
  return A;
}

/* b's hints (block 1) of a check that fails, its report into *rep */
static unsigned
bias_hints_of (const bias_params *q, size_t r, size_t rank, const size_t *shape,
               const gsl_matrix *AX, const gsl_matrix *Ab, bp_gradcheck_block_result *out,
               char **rep)
{
  int status;
  bp_gradcheck_result *res = bias_check (q, r, rank, shape, AX, Ab, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  ck_assert_uint_eq (res->run[0].block[0].n_failed, 0);
  return keep_block (res, 1, out, rep);
}

START_TEST (test_hint_factor_not_below_atol)
{
  /* the factor hint e = c a takes c from the FAILing element of largest
     |a|, and only when that |a| is above atol (a smaller a is zero to
     the tolerance): f = (4e-9, 2e-9) . theta against a = e / 4, the
     largest |a| exactly atol = 1e-9, both elements off by more than
     atol: no factor hint; at atol = 5e-10 the hint, c = 4.  Mutants:
     |a| = atol taken (amax >= atol), or the test skipped unless c is
     also not finite (&&) */
  static const double cd[2] = { 4e-9, 2e-9 };
  gsl_vector_const_view c = gsl_vector_const_view_array (cd, 2);
  double th[2] = { 0.5, 0.5 }, ad[2] = { 1e-9, 5e-10 };
  gsl_vector_view t = gsl_vector_view_array (th, 2), a = gsl_vector_view_array (ad, 2);
  bp_gradcheck_function F = { .loss = linear_loss, .params = (void *) &c.vector };
  const bp_gradcheck_block blk = { .name = "K", .vector = &t.vector },
      ana = { .vector = &a.vector };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  for (int below = 0; below < 2; below++)
    {
      o.atol = below ? 5e-10 : 1e-9;
      bp_gradcheck_result *r = NULL;
      ck_assert_int_eq (bp_gradcheck (&F, 1, &blk, &ana, &o, &r), GSL_FAILURE);
      const bp_gradcheck_block_result *b = &r->run[0].block[0];
      ck_assert_uint_eq (b->n_failed, 2);
      ck_assert_uint_eq (b->hints & BP_GRADCHECK_HINT_FACTOR, below ? BP_GRADCHECK_HINT_FACTOR : 0);
      if (below)
        ck_assert_msg (fabs (b->factor - 4.0) < 1e-6, "factor %g", b->factor);
      bp_gradcheck_result_free (r);
    }
}
END_TEST

START_TEST (test_hint_factor_not_near_minus_one)
{
  /* c within 1e-3 of -1 is no factor hint (eq. e = c a, c neither 1 nor
     -1): a = -e / 1.0005 (not an exact negation: no sign hint either);
     a = -e / 1.01, the factor hint c = -1.01.  Mutant: the test of -1
     made a second test of +1 */
  gsl_vector *c = distinct (4);
  for (int far = 0; far < 2; far++)
    {
      gsl_matrix *A = right_analytic (c, 2);
      gsl_matrix_scale (A, far ? -1.0 / 1.01 : -1.0 / 1.0005);
      bp_gradcheck_block_result b;
      char *rep;
      const unsigned h = hints_of (c, 2, 0, NULL, A, &b, &rep);
      ck_assert_uint_eq (h & (BP_GRADCHECK_HINT_FACTOR | BP_GRADCHECK_HINT_SIGN),
                         far ? BP_GRADCHECK_HINT_FACTOR : 0);
      if (far)
        ck_assert_msg (fabs (b.factor + 1.01) < 1e-6, "factor %g", b.factor);
      free (rep);
      gsl_matrix_free (A);
    }
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_layout_of_two_elements)
{
  /* the layout hint a_p = e[p mod r, p div r] (a 2 x 3 block read in
     column order) where only two elements differ: e = (1 2 3; 2 2 3)
     read so gives (1 2 2; 2 3 3), wrong at (0,2) and (1,1) alone.
     Mutant: the hint asked only for three failing elements or more */
  static const double cd[6] = { 1.0, 2.0, 3.0, 2.0, 2.0, 3.0 };
  gsl_vector_const_view c = gsl_vector_const_view_array (cd, 6);
  gsl_matrix *A = gsl_matrix_alloc (2, 3);
  for (size_t p = 0; p < 6; p++)
    A->data[p] = cd[(p % 2) * 3 + p / 2];
  bp_gradcheck_block_result b;
  char *rep;
  const unsigned h = hints_of (&c.vector, 2, 0, NULL, A, &b, &rep);
  ck_assert_uint_eq (b.n_failed, 2);
  ck_assert_msg (h & BP_GRADCHECK_HINT_LAYOUT, "hints %u\n%s", h, rep);
  free (rep);
  gsl_matrix_free (A);
}
END_TEST

START_TEST (test_hint_moved_of_two_elements)
{
  /* the moved hint (a row's two failing elements sum to their numeric
     values: a value put at the wrong index) with just those two wrong:
     K (1 x 4), e = (1 2 3 4), a = (1 5 0 4).  Mutant: the hint asked
     only for three failing elements or more */
  gsl_vector *c = distinct (4);
  gsl_matrix *A = right_analytic (c, 1);
  A->data[1] = 5.0;
  A->data[2] = 0.0;
  bp_gradcheck_block_result b;
  char *rep;
  const unsigned h = hints_of (c, 1, 0, NULL, A, &b, &rep);
  ck_assert_uint_eq (b.n_failed, 2);
  ck_assert_msg (h & BP_GRADCHECK_HINT_MOVED, "hints %u\n%s", h, rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_one_not_of_a_single_element)
{
  /* "only this element is wrong" says something only in a block of more
     than one: a 1 x 1 block wrong has no such hint.  Mutant: rows cols
     >= 1 */
  gsl_vector *c = distinct (1);
  gsl_matrix *A = right_analytic (c, 1);
  A->data[0] = 3.0;
  bp_gradcheck_block_result b;
  char *rep;
  const unsigned h = hints_of (c, 1, 0, NULL, A, &b, &rep);
  ck_assert_uint_eq (b.n_failed, 1);
  ck_assert_msg (!(h & BP_GRADCHECK_HINT_ONE), "hints %u\n%s", h, rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_sum_in_the_localized_run)
{
  /* the sum hint of a scalar f's directional run, localized by group
     testing (eq. 0.12a): b (3) added to every row of X (4 x 3), X's
     gradient doubled and b's taken from row 2 of X's right one: both
     blocks fail whole, so the localized run has X's numeric gradient
     (w) everywhere; b's numeric one is its column sums and b's analytic
     one X(2,:): the sum hint at X's element 2 * 3, as by central
     differences.  Mutant: the localized run's hints across blocks taken
     as a Jacobian's (m >= 0: always), which has no sum hint */
  gsl_vector *w = distinct (12);
  bias_params q = { .w = w, .stride = 1, .n = 3, .method = BP_GRADCHECK_DIRECTIONAL };
  gsl_matrix *AX = right_analytic (w, 4), *Ab = gsl_matrix_alloc (1, 3);
  gsl_matrix_const_view row2 = gsl_matrix_const_submatrix (AX, 2, 0, 1, 3);
  gsl_matrix_memcpy (Ab, &row2.matrix);
  gsl_matrix_scale (AX, 2.0);
  int status;
  bp_gradcheck_result *res = bias_check (&q, 4, 0, NULL, AX, Ab, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_run *run = &res->run[0];
  ck_assert_uint_eq (run->method, BP_GRADCHECK_DIRECTIONAL);
  ck_assert (run->localized);
  ck_assert_uint_eq (run->block[0].n_failed, 12);
  const bp_gradcheck_block_result *b = &run->block[1];
  ck_assert_uint_eq (b->n_failed, 3);
  ck_assert_msg (b->hints & BP_GRADCHECK_HINT_SUM, "hints %u", b->hints);
  ck_assert_uint_eq (b->sum_block, 0);
  ck_assert_uint_eq (b->sum_axis, 1);
  ck_assert_uint_eq (b->sum_index, (size_t) 2 * 3);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (AX);
  gsl_matrix_free (Ab);
  gsl_vector_free (w);
}
END_TEST

START_TEST (test_hint_sum)
{
  /* a bias b (3) added to every row of X (4 x 3), its gradient taken
     from row 2 of X's alone, the sum over the batch missing: the sum
     hint, X(2,:); the right b passes; b's gradient doubled (a factor),
     or row 2 of X's where b is not broadcast (f = w.X + v.b): not it */
  gsl_vector *w = distinct (12), *v = distinct (3);
  bias_params q = { .w = w, .stride = 1, .n = 3 };
  gsl_matrix *AX = right_analytic (w, 4), *Ab = bias_sums (&q);
  int status;
  bp_gradcheck_result *res = bias_check (&q, 4, 0, NULL, AX, Ab, &status);
  ck_assert_int_eq (status, GSL_SUCCESS);
  ck_assert_uint_eq (res->run[0].hints, 0);
  ck_assert (res->run[0].block[1].factor == 0.0);     /* no factor hint: 0 */
  bp_gradcheck_result_free (res);
  gsl_matrix_const_view row2 = gsl_matrix_const_submatrix (AX, 2, 0, 1, 3);
  gsl_matrix_memcpy (Ab, &row2.matrix);
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_hints_of (&q, 4, 0, NULL, AX, Ab, &b, &rep) & BP_GRADCHECK_HINT_SUM,
                     BP_GRADCHECK_HINT_SUM);
  ck_assert_uint_eq (b.sum_block, 0);
  ck_assert_uint_eq (b.sum_axis, 1);
  ck_assert_uint_eq (b.sum_index, 2 * 3);
  ck_assert (b.factor == 0.0);
  ck_assert_msg (strstr (rep, "    hint: b: analytic = X(2,:) of X's gradient, numeric = the"
                         " sum of all such slices: a sum over a broadcast or batch axis"),
                 "%s", rep);
  free (rep);
  gsl_matrix_free (Ab);
  Ab = bias_sums (&q);
  gsl_matrix_scale (Ab, 2.0);
  ck_assert_uint_eq (bias_hints_of (&q, 4, 0, NULL, AX, Ab, &b, &rep),
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_msg (!strstr (rep, "batch axis"), "%s", rep);
  free (rep);
  q.v = v;
  gsl_matrix_memcpy (Ab, &row2.matrix);
  ck_assert_uint_eq (bias_hints_of (&q, 4, 0, NULL, AX, Ab, &b, &rep)
                     & BP_GRADCHECK_HINT_SUM, 0);
  ck_assert_msg (!strstr (rep, "batch axis"), "%s", rep);
  free (rep);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (v);
  gsl_vector_free (w);
}
END_TEST

START_TEST (test_hint_sum_no_slice_past_the_gradient)
{
  /* test_hint_sum's bias with b's gradient 100 in every element, a value
     no row of X's gradient (1 .. 12) holds: the sum hint searches X's
     rows and finds none, and must not search past X's last one.  Every
     block allocated during the check is followed by 8 doubles of 100
     (failalloc_pad), so a slice read past the end of X's numeric
     gradient would equal b's analytic one.  Mutant: one_slice()'s
     `outer < size` as `<=` (the sum hint at X's element 12, out of the
     block; until now only make check-valgrind saw that read) */
  if (!failalloc_works ())
    {
      fprintf (stderr, "test_hint_sum_no_slice_past_the_gradient: not checked: "
               "malloc is not the test's own (AddressSanitizer, valgrind)\n");
      return;
    }
  gsl_vector *w = distinct (12);
  const bias_params q = { .w = w, .stride = 1, .n = 3 };
  gsl_matrix *AX = right_analytic (w, 4), *Ab = gsl_matrix_alloc (1, 3);
  gsl_matrix_set_all (Ab, 100.0);
  int status;
  failalloc_pad (100.0, 8);
  bp_gradcheck_result *res = bias_check (&q, 4, 0, NULL, AX, Ab, &status);
  failalloc_pad (0.0, 0);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_block_result *b = &res->run[0].block[1];
  ck_assert_uint_eq (b->n_failed, 3);
  ck_assert_msg ((b->hints & BP_GRADCHECK_HINT_SUM) == 0, "sum hint at X's element %zu",
                 b->sum_index);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (w);
}
END_TEST

START_TEST (test_hint_sum_noisy)
{
  /* test_hint_sum's bias taken from row 2 of X's gradient, f rounded to
     float: the sum of X's numeric column j differs from b's numeric
     value by more than the tolerance (the noise over the step), and the
     sum hint still holds, within the two estimates added (b's and the
     column's).  Mutant: broadcast()'s estimate b's - the column's */
  gsl_vector *w = gsl_vector_alloc (12);
  for (size_t p = 0; p < 12; p++)
    gsl_vector_set (w, p, sqrt (2.0 + (double) p));    /* off the float grid */
  const bias_params q = { .w = w, .stride = 1, .n = 3, .rounded = 1 };
  gsl_matrix *AX = right_analytic (w, 4), *Ab = gsl_matrix_alloc (1, 3);
  gsl_matrix_const_view row2 = gsl_matrix_const_submatrix (AX, 2, 0, 1, 3);
  gsl_matrix_memcpy (Ab, &row2.matrix);
  int status;
  bp_gradcheck_result *res = bias_check (&q, 4, 0, NULL, AX, Ab, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_block_result *x = &res->run[0].block[0], *b = &res->run[0].block[1];
  ck_assert_uint_eq (x->n_failed, 0);
  ck_assert (b->noise_found);
  size_t beyond = 0;
  for (size_t j = 0; j < 3; j++)
    {
      double sum = 0.0, err = 0.0;
      for (size_t i = 0; i < 4; i++)
        {
          sum += gsl_matrix_get (x->numeric, i, j);
          err += gsl_matrix_get (x->abserr, i, j);
        }
      const double e = gsl_matrix_get (b->numeric, 0, j);
      beyond += fabs (sum - e) > fmax (BP_CHECK_ATOL, BP_CHECK_RTOL * fmax (fabs (sum), fabs (e)))
                && err > gsl_matrix_get (b->abserr, 0, j);
    }
  ck_assert_uint_gt (beyond, 0);
  ck_assert_msg (b->hints & BP_GRADCHECK_HINT_SUM, "hints %u", b->hints);
  ck_assert_uint_eq (b->sum_index, 2 * 3);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (w);
}
END_TEST

START_TEST (test_hint_sum_channel)
{
  /* a bias per channel of X (N x C x H x W = 2 x 3 x 2 x 2), its
     gradient taken at X(1,:,0,1) alone: the sum hint along axis 1 */
  const size_t shape[4] = { 2, 3, 2, 2 }, at[4] = { 1, 0, 0, 1 };
  gsl_vector *w = distinct (24);
  const bias_params q = { .w = w, .stride = 4, .n = 3 };
  gsl_matrix *AX = right_analytic (w, 6), *Ab = gsl_matrix_alloc (1, 3);
  const size_t first = ((at[0] * 3 + at[1]) * 2 + at[2]) * 2 + at[3];
  for (size_t c = 0; c < 3; c++)
    gsl_matrix_set (Ab, 0, c, w->data[first + c * 4]);
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_hints_of (&q, 6, 4, shape, AX, Ab, &b, &rep) & BP_GRADCHECK_HINT_SUM,
                     BP_GRADCHECK_HINT_SUM);
  ck_assert_uint_eq (b.sum_axis, 1);
  ck_assert_uint_eq (b.sum_index, first);
  ck_assert_msg (strstr (rep, "    hint: b: analytic = X(1,:,0,1) of X's gradient"), "%s", rep);
  free (rep);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (w);
}
END_TEST

/* f = c . (A, B, C) flattened, the three blocks A (2 x 3), B (5 x 2),
   C (1 x 4) */
static int
three_block_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const gsl_vector *c = params;
  size_t q = 0;
  *L = 0.0;
  for (size_t k = 0; k < 3; k++)
    for (size_t i = 0; i < p->vector[k]->size; i++)
      *L += gsl_vector_get (c, q++) * gsl_vector_get (p->vector[k], i);
  return 0;
}

START_TEST (test_hint_factor_axis_of_each_block)
{
  /* A's gradient divided by 5, of three blocks whose only axis of length
     5 is B's axis 0 (B is block 1, after A and before C): the factor
     hint names it, each other block being searched once */
  gsl_vector *c = distinct (20);
  const size_t r[3] = { 2, 5, 1 }, n[3] = { 6, 10, 4 };
  gsl_matrix *theta[3], *A[3];
  bp_gradcheck_block blk[3], ana[3];
  const char *names[3] = { "A", "B", "C" };
  size_t at = 0;
  for (size_t k = 0; k < 3; k++)
    {
      theta[k] = gsl_matrix_alloc (r[k], n[k] / r[k]);
      gsl_matrix_set_all (theta[k], 0.5);
      A[k] = gsl_matrix_alloc (r[k], n[k] / r[k]);
      memcpy (A[k]->data, c->data + at, n[k] * sizeof (double));
      at += n[k];
      blk[k] = (bp_gradcheck_block) { .name = names[k], .matrix = theta[k] };
      ana[k] = (bp_gradcheck_block) { .matrix = A[k] };
    }
  gsl_matrix_scale (A[0], 1.0 / 5.0);
  bp_gradcheck_function F = { .loss = three_block_loss, .params = c };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *res = NULL;
  ck_assert_int_eq (bp_gradcheck (&F, 3, blk, ana, &o, &res), GSL_FAILURE);
  const bp_gradcheck_block_result *b = &res->run[0].block[0];
  ck_assert_uint_eq (b->hints & BP_GRADCHECK_HINT_FACTOR, BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b->factor_block, 1);
  ck_assert_uint_eq (b->factor_axis, 0);
  bp_gradcheck_result_free (res);
  for (size_t k = 0; k < 3; k++)
    {
      gsl_matrix_free (theta[k]);
      gsl_matrix_free (A[k]);
    }
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_sum_no_straddling_slice)
{
  /* b's gradient read one element late from X's (4 x 3, b broadcast
     along axis 1): X(0,1), X(0,2), X(1,0), consecutive in memory but no
     slice X(i,:): no sum hint.  A slice of axis 1 starts at 3 i, so
     one_slice tries q = 3 i alone; a start at 3 i + 1 would name this
     straddling run "X(0,:)+1" as the slice */
  gsl_vector *w = distinct (12);
  const bias_params q = { .w = w, .stride = 1, .n = 3 };
  gsl_matrix *AX = right_analytic (w, 4), *Ab = gsl_matrix_alloc (1, 3);
  for (size_t j = 0; j < 3; j++)
    gsl_matrix_set (Ab, 0, j, w->data[1 + j]);
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_hints_of (&q, 4, 0, NULL, AX, Ab, &b, &rep) & BP_GRADCHECK_HINT_SUM,
                     0);
  ck_assert_msg (!strstr (rep, "batch axis"), "%s", rep);
  free (rep);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (w);
}
END_TEST

/* the hints of a check of K (n distinct elements in r rows, the given
   rank and shape) whose analytic gradient is the right one divided by
   f; the block's result into *b */
static unsigned
divided_hints_of (size_t n, size_t r, size_t rank, const size_t *shape, double f,
                  bp_gradcheck_block_result *b)
{
  gsl_vector *c = distinct (n);
  gsl_matrix *A = right_analytic (c, r);
  gsl_matrix_scale (A, 1.0 / f);
  char *rep;
  const unsigned hints = hints_of (c, r, rank, shape, A, b, &rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
  return hints;
}

START_TEST (test_hint_factor_axes_all_eight)
{
  /* the factor as the product of a run of axes, up to all
     BP_GRADCHECK_MAX_RANK of them: K of shape 2 x ... x 2 (8 axes, 256
     elements, held 16 x 16) with analytic = numeric / 256 (a mean over
     every element where the sum is due): no single axis nor a shorter
     run has 256, all 8 axes from axis 0 do.  Mutant: runs of at most 7
     axes tried (span < MAX_RANK) */
  const size_t shape[8] = { 2, 2, 2, 2, 2, 2, 2, 2 };
  bp_gradcheck_block_result b;
  ck_assert_uint_eq (divided_hints_of (256, 16, 8, shape, 256.0, &b) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, 0);
  ck_assert_uint_eq (b.factor_axis, 0);
  ck_assert_uint_eq (b.factor_axes, 8);
}
END_TEST

START_TEST (test_hint_factor_axis_not_of_length_1)
{
  /* a factor c = 1.0010005 (beyond the factor hint's 1e-3 of 1; 1 / c
     is within 1e-3 of 1) is no axis's length: K (1 x 3) has an axis of
     length 1, which is no factor (len >= 2).  Mutant: len >= 1 */
  bp_gradcheck_block_result b;
  ck_assert_uint_eq (divided_hints_of (3, 1, 0, NULL, 1.0010005, &b) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, BP_GRADCHECK_NONE);
}
END_TEST

START_TEST (test_hint_factor_axis)
{
  /* K (4 x 3) with analytic = numeric / 4: the factor is the length of
     K's axis 0; / 3.2: a factor, of no axis (not
     rounded to axis 1's 3); b's gradient the mean over
     X's 5 rows where the sum is due: the length of X's axis 0 (the batch) */
  gsl_vector *c = distinct (12);
  gsl_matrix *A = right_analytic (c, 4);
  gsl_matrix_scale (A, 1.0 / 4.0);
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep), BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, 0);
  ck_assert_uint_eq (b.factor_axis, 0);
  ck_assert_msg (strstr (rep, "a missing factor 4 (or 1/0.25)? 4 is the length of axis 0 of K:"
                         " the batch size"), "%s", rep);
  free (rep);
  gsl_matrix_scale (A, 4.0 / 3.2);
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep), BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, BP_GRADCHECK_NONE);
  ck_assert_msg (strstr (rep, "a missing factor 3.2 (or 1/0.3125)?\n"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  /* K (2 x 6) / 2: the smallest axis length a factor can be (mutant:
     factor_axis()'s len >= 2 as > 2) */
  A = right_analytic (c, 2);
  gsl_matrix_scale (A, 0.5);
  ck_assert_uint_eq (hints_of (c, 2, 0, NULL, A, &b, &rep), BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, 0);
  ck_assert_uint_eq (b.factor_axis, 0);
  ck_assert_msg (strstr (rep, "2 is the length of axis 0 of K"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
  gsl_vector *w = distinct (15);
  gsl_vector_mul (w, w);       /* squares: the mean of the rows is none of them */
  const bias_params q = { .w = w, .stride = 1, .n = 3 };
  gsl_matrix *AX = right_analytic (w, 5), *Ab = bias_sums (&q);
  gsl_matrix_scale (Ab, 1.0 / 5.0);
  ck_assert_uint_eq (bias_hints_of (&q, 5, 0, NULL, AX, Ab, &b, &rep),
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, 0);
  ck_assert_uint_eq (b.factor_axis, 0);
  ck_assert_msg (strstr (rep, "5 is the length of axis 0 of X: the batch size"), "%s", rep);
  free (rep);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (w);
}
END_TEST

START_TEST (test_hint_factor_of_failing_elements_only)
{
  /* K (3 x 4) with row 0's analytic = numeric / 4, the others right: the
     factor hint's c = e / a is taken from a FAILing element (the largest
     |a| among them, eq. 0.14's "e = c a at every failing element"), so 4;
     an element that passes (e = a, c = 1) must not give it.  Mutant: the
     element test "FAIL && |a| > amax && e finite" as "(FAIL && |a| > amax)
     || e finite", which takes the last element, K(2,3), which passes: c = 1,
     no factor */
  gsl_vector *c = distinct (12);
  gsl_matrix *A = right_analytic (c, 3);
  for (size_t j = 0; j < 4; j++)
    *gsl_matrix_ptr (A, 0, j) /= 4.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 3, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_msg (fabs (b.factor - 4.0) < 1e-6, "factor %.17g", b.factor);
  ck_assert_msg (strstr (rep, "a missing factor 4 (or 1/0.25)?"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_slice_not_of_a_length_1_axis)
{
  /* K of shape 3 x 1 x 2 (a 3 x 2 matrix) wrong at index 1 of axis 0
     (K(1,0,0) and K(1,0,1)): the slice hint at axis 0, index 1.  Axis 1,
     of length 1, holds every failure at its one index 0, which says
     nothing: located() names an axis only when its length is 2 or more.
     Mutant: the length of axis d + 1 tested instead (axis 0 skipped for
     axis 1's length 1, then axis 1 named for axis 2's length 2: an edge
     at index 0 of axis 1) */
  const size_t shape[3] = { 3, 1, 2 };
  gsl_vector *c = distinct (6);
  gsl_matrix *A = right_analytic (c, 3);
  *gsl_matrix_ptr (A, 1, 0) += 0.5;
  *gsl_matrix_ptr (A, 1, 1) += 0.5;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 3, 3, shape, A, &b, &rep)
                     & (BP_GRADCHECK_HINT_SLICE | BP_GRADCHECK_HINT_EDGE),
                     BP_GRADCHECK_HINT_SLICE);
  ck_assert_uint_eq (b.hint_axis, 0);
  ck_assert_uint_eq (b.hint_index, 1);
  ck_assert_msg (strstr (rep, "failures only at index 1 of axis 0 (of 3)"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_zero)
{
  /* rows 1 and 2 of a 4 x 5 gradient never written (0): "analytic = 0 at
     every failing element"; the same rows doubled (wrong, not 0): no such
     hint; the right gradient: PASS, no hint */
  gsl_vector *c = distinct (20);
  gsl_matrix *A = right_analytic (c, 4);
  for (size_t j = 0; j < 5; j++)
    *gsl_matrix_ptr (A, 1, j) = *gsl_matrix_ptr (A, 2, j) = 0.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_ZERO,
                     BP_GRADCHECK_HINT_ZERO);
  ck_assert_msg (strstr (rep, "hint: K: analytic = 0 at every failing element, numeric not"),
                 "%s", rep);
  free (rep);
  for (size_t j = 0; j < 5; j++)
    {
      *gsl_matrix_ptr (A, 1, j) = 2.0 * c->data[5 + j];
      *gsl_matrix_ptr (A, 2, j) = 2.0 * c->data[10 + j];
    }
  ck_assert_uint_eq (hints_of (c, 4, 0, NULL, A, &b, &rep)
                     & (BP_GRADCHECK_HINT_ZERO | BP_GRADCHECK_HINT_MASK), 0);
  ck_assert_msg (!strstr (rep, "analytic = 0"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  A = right_analytic (c, 4);
  int status;
  bp_gradcheck_result *r = linear_check (c, 4, 0, NULL, A, &status);
  ck_assert_int_eq (status, GSL_SUCCESS);
  ck_assert_uint_eq (r->run[0].block[0].hints, 0);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_mask)
{
  /* c_p = 0 at every odd p (a dead ReLU's units) but the analytic side
     passes the upstream gradient through there: "numeric = 0 at every
     failing element"; wrong instead at even p (where c is not 0): not
     that hint */
  gsl_vector *c = distinct (12);
  for (size_t p = 1; p < 12; p += 2)
    gsl_vector_set (c, p, 0.0);
  gsl_matrix *A = right_analytic (c, 3);
  for (size_t p = 1; p < 12; p += 2)
    A->data[p] = (double) p;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 3, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_MASK,
                     BP_GRADCHECK_HINT_MASK);
  ck_assert_msg (strstr (rep, "hint: K: numeric = 0 at every failing element, analytic not"),
                 "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  A = right_analytic (c, 3);
  for (size_t p = 0; p < 12; p += 4)
    A->data[p] += 1.5;
  ck_assert_uint_eq (hints_of (c, 3, 0, NULL, A, &b, &rep)
                     & (BP_GRADCHECK_HINT_ZERO | BP_GRADCHECK_HINT_MASK), 0);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_range)
{
  /* a fused 2 x 3 x 12 block (q, k, v of 4 channels each) wrong in v,
     channels 8 to 11, at every (b, t): the range hint at axis 2, 8 to 11;
     wrong at channels 8 and 11 only (a gap): none; wrong in 8 to 11 where
     the gradient is 0 outside them (the range is only where it lives): none */
  const size_t shape[3] = { 2, 3, 12 };
  gsl_vector *c = distinct (72);
  gsl_matrix *A = right_analytic (c, 6);
  for (size_t p = 0; p < 72; p++)
    if (p % 12 >= 8)
      A->data[p] *= 3.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 6, 3, shape, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE,
                     BP_GRADCHECK_HINT_RANGE);
  ck_assert_uint_eq (b.hint_axis, 2);
  ck_assert_uint_eq (b.hint_index, 8);
  ck_assert_uint_eq (b.hint_last, 11);
  ck_assert_msg (strstr (rep, "failures only at indices 8 to 11 of axis 2 (of 12): one part"),
                 "%s", rep);
  free (rep);
  for (size_t p = 0; p < 72; p++)
    if (p % 12 == 9 || p % 12 == 10)
      A->data[p] = c->data[p];
  ck_assert_uint_eq (hints_of (c, 6, 3, shape, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE, 0);
  free (rep);
  for (size_t p = 0; p < 72; p++)
    if (p % 12 < 8)
      c->data[p] = A->data[p] = 0.0;
    else
      A->data[p] = 3.0 * c->data[p];
  ck_assert_uint_eq (hints_of (c, 6, 3, shape, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE, 0);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_range_axis_of_four_first_of_equal_parts)
{
  /* a 4 x 4 block wrong at rows 1-2 x columns 1-2: each axis' failures
     fill half of it (2 of 4, at most 2/3), so the range hint is that of
     the first axis of the smallest part, axis 0; an axis of 4 is long
     enough (hints.c located(): dims[d] >= 4).  Then the part measured
     on its own axis, and the 2/3 cap */
  const size_t shape[2] = { 4, 4 };
  gsl_vector *c = distinct (16);
  gsl_matrix *A = right_analytic (c, 4);
  for (size_t p = 0; p < 16; p++)
    if (p / 4 >= 1 && p / 4 <= 2 && p % 4 >= 1 && p % 4 <= 2)
      A->data[p] *= 3.0;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 4, 2, shape, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE,
                     BP_GRADCHECK_HINT_RANGE);
  ck_assert_uint_eq (b.hint_axis, 0);
  ck_assert_uint_eq (b.hint_index, 1);
  ck_assert_uint_eq (b.hint_last, 2);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
  /* 9 x 4 wrong at rows 1-3 x columns 1-2: a third of axis 0, half of
     axis 1: axis 0, the part its own length's (3 / 9, not 3 / 4) */
  const size_t tall[2] = { 9, 4 };
  c = distinct (36);
  A = right_analytic (c, 9);
  for (size_t p = 0; p < 36; p++)
    if (p / 4 >= 1 && p / 4 <= 3 && p % 4 >= 1 && p % 4 <= 2)
      A->data[p] *= 3.0;
  ck_assert_uint_eq (hints_of (c, 9, 2, tall, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE,
                     BP_GRADCHECK_HINT_RANGE);
  ck_assert_uint_eq (b.hint_axis, 0);
  ck_assert_uint_eq (b.hint_index, 1);
  ck_assert_uint_eq (b.hint_last, 3);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
  /* 7 x 2 wrong at rows 1-4 (4 of 7, at most 2/3): the hint; at rows
     1-5 (5 of 7, more than 2/3: 3 len <= 2 dims fails): none */
  const size_t seven[2] = { 7, 2 };
  for (size_t last = 4; last <= 5; last++)
    {
      c = distinct (14);
      A = right_analytic (c, 7);
      for (size_t p = 0; p < 14; p++)
        if (p / 2 >= 1 && p / 2 <= last)
          A->data[p] *= 3.0;
      ck_assert_uint_eq (hints_of (c, 7, 2, seven, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE,
                         last == 4 ? BP_GRADCHECK_HINT_RANGE : 0);
      free (rep);
      gsl_matrix_free (A);
      gsl_vector_free (c);
    }
}
END_TEST

START_TEST (test_hint_moved)
{
  /* logits 3 x 6 whose one-hot term went to the next index in rows 0 and
     2 (a_p - e_p = +2, a_p+1 - e_p+1 = -2): the "moved" hint; the same
     two elements both 2 too large (not a term moved): none */
  gsl_vector *c = distinct (18);
  gsl_matrix *A = right_analytic (c, 3);
  for (size_t r = 0; r < 3; r += 2)
    {
      *gsl_matrix_ptr (A, r, 1) += 2.0;
      *gsl_matrix_ptr (A, r, 2) -= 2.0;
    }
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 3, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_MOVED,
                     BP_GRADCHECK_HINT_MOVED);
  ck_assert_msg (strstr (rep, "hint: K: each failing row of axis 1 has two wrong elements,"
                         " wrong by opposite amounts"), "%s", rep);
  free (rep);
  for (size_t r = 0; r < 3; r += 2)
    *gsl_matrix_ptr (A, r, 2) += 4.0;
  ck_assert_uint_eq (hints_of (c, 3, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_MOVED, 0);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_factor_axes)
{
  /* logits B x T x V = 2 x 3 x 8 with the mean over B T left out
     (analytic = 6 numeric): "6 is the product of the lengths of axes 0
     to 1"; a factor 5: of no axis nor product */
  const size_t shape[3] = { 2, 3, 8 };
  gsl_vector *c = distinct (48);
  gsl_matrix *A = right_analytic (c, 6);
  gsl_matrix_scale (A, 6.0);
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 6, 3, shape, A, &b, &rep), BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, 0);
  ck_assert_uint_eq (b.factor_axis, 0);
  ck_assert_uint_eq (b.factor_axes, 2);
  ck_assert_msg (strstr (rep, "6 is the product of the lengths of axes 0 to 1 of K: the batch"),
                 "%s", rep);
  free (rep);
  gsl_matrix_scale (A, 5.0 / 6.0);
  ck_assert_uint_eq (hints_of (c, 6, 3, shape, A, &b, &rep), BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, BP_GRADCHECK_NONE);
  ck_assert_msg (!strstr (rep, "the batch size"), "%s", rep);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

/* The VJP form of a bias broadcast over R rows: y (R x n), y_rj = b_j;
   the backward sums dy over the rows (how 0), takes the last row only
   (1) or doubles the sum (2).  how 3: no bias, y_0j = 2 b_j and the rest
   0, its backward dy's row 0 without the 2.  how 4: b's last element
   reaches the last row alone, the backward the last row; how 5: the
   backward the last row, its last element plus 1.  by_col: y held n x R
   (y_jr at j R + r), the bias broadcast over its columns */
typedef struct
{
  size_t R, n;
  int how;
  int row;              /* the bias a 1 x n block (else n x 1) */
  int by_col;
} bias_vjp_params;

/* y's element (r, j) of the bias of q: its index in y and dy */
static size_t
bias_at (const bias_vjp_params *q, size_t r, size_t j)
{
  return q->by_col ? j * q->R + r : r * q->n + j;
}

static int
bias_forward (const bp_gradcheck_point *p, void *params, gsl_vector *y)
{
  const bias_vjp_params *q = params;
  for (size_t r = 0; r < q->R; r++)
    for (size_t j = 0; j < q->n; j++)
      {
        const double b = gsl_vector_get (p->vector[0], j);
        const int last_alone = q->how == 4 && j + 1 == q->n && r + 1 != q->R;
        gsl_vector_set (y, bias_at (q, r, j), q->how == 3 ? (r == 0 ? 2.0 * b : 0.0)
                                         : last_alone ? 0.0 : b);
      }
  return 0;
}

static int
bias_backward (const bp_gradcheck_point *p, void *params, const gsl_vector *dy,
               gsl_matrix *const dx[])
{
  (void) p;
  const bias_vjp_params *q = params;
  for (size_t j = 0; j < q->n; j++)
    {
      double s = 0.0;
      for (size_t r = 0; r < q->R; r++)
        s = q->how == 1 || q->how >= 4 ? gsl_vector_get (dy, bias_at (q, r, j))
            : q->how == 3 ? gsl_vector_get (dy, j) : s + gsl_vector_get (dy, bias_at (q, r, j));
      if (q->how == 5 && j + 1 == q->n)
        s += 1.0;
      gsl_matrix_set (dx[0], q->row ? 0 : j, q->row ? j : 0, q->how == 2 ? 2.0 * s : s);
    }
  return 0;
}

/* the VJP check of the bias of params (how), its status into *status */
static bp_gradcheck_result *
bias_vjp_check (bias_vjp_params *q, int *status)
{
  gsl_matrix *x = q->row ? gsl_matrix_alloc (1, q->n) : gsl_matrix_alloc (q->n, 1);
  for (size_t j = 0; j < q->n; j++)
    x->data[j] = 0.25 * (double) (j + 1);
  const bp_gradcheck_function F = { .vloss = bias_forward, .m = q->R * q->n,
                                    .params = q, .vjp = bias_backward };
  const bp_gradcheck_block blk = { .name = "bias", .matrix = x };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *res = NULL;
  *status = bp_gradcheck (&F, 1, &blk, NULL, &o, &res);
  gsl_matrix_free (x);
  return res;
}

/* the hints of the failing VJP check of the bias of q, its report into
   *rep (free it), as hints_of */
static unsigned
bias_vjp_hints_of (bias_vjp_params *q, bp_gradcheck_block_result *out, char **rep)
{
  int status;
  bp_gradcheck_result *res = bias_vjp_check (q, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  return keep_block (res, 0, out, rep);
}

START_TEST (test_hint_sum_of_dy_for_a_row_bias)
{
  /* the same hint for a bias held as a 1 x 3 block: dy read as R x n,
     n = 1 x 3 = 3 elements of the bias: "(the cotangent read as 5 x 3)".
     Mutant: n = rows / cols (0 here; an n x 1 bias gives 3 either way) */
  bias_vjp_params q = { .R = 5, .n = 3, .how = 1, .row = 1 };
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_vjp_hints_of (&q, &b, &rep) & BP_GRADCHECK_HINT_SUM, BP_GRADCHECK_HINT_SUM);
  ck_assert_msg (strstr (rep, "hint: bias: analytic = row 4 of dy (the cotangent read as 5 x 3),"
                         " numeric = the sum of its rows"), "%s", rep);
  free (rep);
}
END_TEST

START_TEST (test_hint_sum_of_dy_over_columns)
{
  /* y held n x R, the bias broadcast over its 5 columns, the backward
     taking the last column: the hint read with dy as n x R (axis 1),
     column 4; each sum over exactly the R elements of its row of dy.
     Mutant: hints_vjp()'s 'r < R' as 'r <= R' (the next row's first
     element summed too) */
  bias_vjp_params q = { .R = 5, .n = 3, .how = 1, .by_col = 1 };
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_vjp_hints_of (&q, &b, &rep) & BP_GRADCHECK_HINT_SUM, BP_GRADCHECK_HINT_SUM);
  ck_assert_uint_eq (b.sum_block, BP_GRADCHECK_NONE);
  ck_assert_uint_eq (b.sum_axis, 1);
  ck_assert_uint_eq (b.sum_index, 4);
  free (rep);
}
END_TEST

START_TEST (test_hint_sum_of_dy)
{
  /* a layer's backward giving the bias the last of dy's 5 rows, not their
     sum: "analytic = row 4 of dy (the cotangent read as 5 x 3)"; twice
     the sum (wrong, but a sum): no such hint; dy's row 0 where the
     gradient is 2 dy's row 0 (no broadcast: numeric is not the sum of
     the rows): none; the right sum: PASS */
  bias_vjp_params q = { .R = 5, .n = 3, .how = 1 };
  int status;
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_vjp_hints_of (&q, &b, &rep) & BP_GRADCHECK_HINT_SUM, BP_GRADCHECK_HINT_SUM);
  ck_assert_uint_eq (b.sum_block, BP_GRADCHECK_NONE);
  ck_assert_uint_eq (b.sum_index, 4);
  ck_assert_msg (strstr (rep, "hint: bias: analytic = row 4 of dy (the cotangent read as 5 x 3),"
                         " numeric = the sum of its rows"), "%s", rep);
  free (rep);
  q.how = 2;
  ck_assert_uint_eq (bias_vjp_hints_of (&q, &b, &rep) & BP_GRADCHECK_HINT_SUM, 0);
  ck_assert_msg (!strstr (rep, "of dy"), "%s", rep);
  free (rep);
  q.how = 3;
  ck_assert_uint_eq (bias_vjp_hints_of (&q, &b, &rep) & BP_GRADCHECK_HINT_SUM, 0);
  free (rep);
  q.how = 0;
  bp_gradcheck_result *r = bias_vjp_check (&q, &status);
  ck_assert_int_eq (status, GSL_SUCCESS);
  ck_assert_uint_eq (r->run[0].hints, 0);
  bp_gradcheck_result_free (r);
}
END_TEST

START_TEST (test_report_russian)
{
  /* the library's report in the program's locale, with no binding of
     the program's own: under ru_RU.UTF-8 with the build's po/ru.gmo (as
     BACKPROP_LOCALEDIR), the header, the block line and the hint in
     Russian, the numbers as in the C report; skipped (with a note) where
     the locale or the catalog is missing */
  char dir[] = "/tmp/bp-ru.XXXXXX", sub[64], mo[96], cwd[512];
  if (access ("po/ru.gmo", R_OK) != 0 || !getcwd (cwd, sizeof cwd)
      || !setlocale (LC_ALL, "ru_RU.UTF-8"))
    {
      fprintf (stderr, "test_report_russian: skipped (no po/ru.gmo or ru_RU.UTF-8)\n");
      return;
    }
  setlocale (LC_NUMERIC, "C");
  ck_assert_ptr_nonnull (mkdtemp (dir));
  snprintf (sub, sizeof sub, "%s/ru", dir);
  ck_assert_int_eq (mkdir (sub, 0700), 0);
  snprintf (sub, sizeof sub, "%s/ru/LC_MESSAGES", dir);
  ck_assert_int_eq (mkdir (sub, 0700), 0);
  snprintf (mo, sizeof mo, "%s/backprop.mo", sub);
  char gmo[600];
  snprintf (gmo, sizeof gmo, "%s/po/ru.gmo", cwd);
  ck_assert_int_eq (symlink (gmo, mo), 0);
  setenv ("BACKPROP_LOCALEDIR", dir, 1);
  unsetenv ("LANGUAGE");
  gsl_vector *c = distinct (12);
  gsl_matrix *A = right_analytic (c, 4);
  gsl_matrix_scale (A, 0.5);
  int status;
  bp_gradcheck_result *r = linear_check (c, 4, 0, NULL, A, &status);
  char *ru = report_of (r);
  setlocale (LC_ALL, "C");
  char *en = report_of (r);
  unsetenv ("BACKPROP_LOCALEDIR");
  unlink (mo);
  rmdir (sub);
  snprintf (sub, sizeof sub, "%s/ru", dir);
  rmdir (sub);
  rmdir (dir);
  ck_assert_msg (strstr (ru, "проверка градиента: НЕВЕРНО (1 блок, f скалярная: градиенты;"),
                 "%s", ru);
  ck_assert_msg (strstr (ru, "  K (4 x 3): проверено 12, верно 0, неясно 0, неверно 12"), "%s", ru);
  ck_assert_msg (strstr (ru, "    подсказка: K: численный = 2 × аналитический: потерян"
                         " множитель 2"), "%s", ru);
  ck_assert_msg (!strstr (ru, "hint:") && !strstr (ru, "checked,"), "%s", ru);
  ck_assert_msg (strstr (en, "gradient check: FAIL (1 block, scalar f: gradients;"), "%s", en);
  ck_assert_msg (strstr (en, "    hint: K: numeric = 2 x analytic"), "%s", en);
  /* the numbers of the element lines: the same in both */
  const char *pe = strstr (en, "analytic "), *pr = strstr (ru, "аналитический ");
  ck_assert_ptr_nonnull (pe);
  ck_assert_ptr_nonnull (pr);
  double a_en, a_ru;
  ck_assert_int_eq (sscanf (pe + strlen ("analytic "), "%lf", &a_en), 1);
  ck_assert_int_eq (sscanf (pr + strlen ("аналитический "), "%lf", &a_ru), 1);
  ck_assert_double_eq (a_en, a_ru);
  free (ru);
  free (en);
  bp_gradcheck_result_free (r);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_sum_of_dy_over_two_rows)
{
  /* test_hint_sum_of_dy's bias over R = 2 rows, the backward taking the
     last: the sum hint, row 1 (two rows are a sum too).  Mutant:
     hints_vjp()'s R < 2 as R <= 2 */
  bias_vjp_params q = { .R = 2, .n = 3, .how = 1 };
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (bias_vjp_hints_of (&q, &b, &rep) & BP_GRADCHECK_HINT_SUM, BP_GRADCHECK_HINT_SUM);
  ck_assert_uint_eq (b.sum_index, 1);
  ck_assert_uint_eq (b.sum_count, 2);
  free (rep);
}
END_TEST

START_TEST (test_hint_sum_of_dy_to_the_last_element)
{
  /* The VJP sum hint holds only when every element agrees to within its
     own estimate: b's last element reaching dy's last row alone (its
     numeric is not a sum), or the backward's last element off by 1,
     gives no hint, with the blocks allocated during the check followed
     by 8 estimates of 1e300 (failalloc_pad), which an estimate read
     past the block would take.  Mutants: hints_vjp()'s abserr[j] as
     [j + 1] in the sums' test (how 4) and in the row's (how 5) */
  if (!failalloc_works ())
    {
      fprintf (stderr, "test_hint_sum_of_dy_to_the_last_element: not checked: "
               "malloc is not the test's own (AddressSanitizer, valgrind)\n");
      return;
    }
  for (int how = 4; how <= 5; how++)
    {
      bias_vjp_params q = { .R = 5, .n = 3, .how = how };
      int status;
      failalloc_pad (1e300, 8);
      bp_gradcheck_result *res = bias_vjp_check (&q, &status);
      failalloc_pad (0.0, 0);
      ck_assert_int_eq (status, GSL_FAILURE);
      const bp_gradcheck_block_result *b = &res->run[0].block[0];
      ck_assert_uint_gt (b->n_failed, 0);
      ck_assert_msg ((b->hints & BP_GRADCHECK_HINT_SUM) == 0, "how %d: sum hint, row %zu",
                     how, b->sum_index);
      bp_gradcheck_result_free (res);
    }
}
END_TEST

START_TEST (test_hint_layout_of_two_columns)
{
  /* test_hint_layout's case for a right 3 x 2 gradient: two columns
     too.  Mutant: relaid()'s c < 2 as c <= 2 */
  assert_layout_hint (3, 2);
}
END_TEST

START_TEST (test_hint_range_of_rows_first_not_lowest)
{
  /* K (6 x 3) wrong at (1, 1) and (2, 0): rows 1 to 2 of axis 0, the
     range hint, though the second failure has the lower column and axis
     1 (of 3) is too short for a range.  Mutants: located()'s lo[d] from
     idx[d + 1] (rows 2 to 2) and its axis test dims[d + 1] >= 4 (axis 1) */
  gsl_vector *c = distinct (18);
  gsl_matrix *A = right_analytic (c, 6);
  gsl_matrix_set (A, 1, 1, 3.0 * gsl_matrix_get (A, 1, 1));
  gsl_matrix_set (A, 2, 0, 3.0 * gsl_matrix_get (A, 2, 0));
  bp_gradcheck_block_result b;
  char *rep;
  ck_assert_uint_eq (hints_of (c, 6, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE,
                     BP_GRADCHECK_HINT_RANGE);
  ck_assert_uint_eq (b.hint_axis, 0);
  ck_assert_uint_eq (b.hint_index, 1);
  ck_assert_uint_eq (b.hint_last, 2);
  free (rep);
  /* and at (3, 1), (4, 0) too: rows 1 to 4, 2/3 of the axis, the most a
     range may hold.  Mutant: located()'s 3 len <= 2 dims[d] as < */
  gsl_matrix_set (A, 3, 1, 3.0 * gsl_matrix_get (A, 3, 1));
  gsl_matrix_set (A, 4, 0, 3.0 * gsl_matrix_get (A, 4, 0));
  ck_assert_uint_eq (hints_of (c, 6, 0, NULL, A, &b, &rep) & BP_GRADCHECK_HINT_RANGE,
                     BP_GRADCHECK_HINT_RANGE);
  ck_assert_uint_eq (b.hint_axis, 0);
  ck_assert_uint_eq (b.hint_index, 1);
  ck_assert_uint_eq (b.hint_last, 4);
  free (rep);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

START_TEST (test_hint_factor_not_near_one)
{
  /* analytic = numeric / 1.0005: c within 1e-3 of 1 is no factor hint
     (a rounding, not a missing factor); / 1.0015 is one.  Mutant:
     factor()'s c == 0.0 || fabs (c - 1.0) < 1e-3 as && */
  bp_gradcheck_block_result b;
  ck_assert_uint_eq (divided_hints_of (3, 1, 0, NULL, 1.0005, &b) & BP_GRADCHECK_HINT_FACTOR, 0);
  ck_assert_uint_eq (divided_hints_of (3, 1, 0, NULL, 1.0015, &b) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
}
END_TEST

START_TEST (test_hint_factor_axis_within_its_margin)
{
  /* K (1 x 10), analytic = numeric / 10.005: the factor is axis 1's
     length 10 to 5e-4 of it, within the margin 1e-3 len; / 10.02 (2e-3)
     is no axis's.  Mutant: factor_axis()'s 1e-3 * len as 1e-3 / len */
  bp_gradcheck_block_result b;
  ck_assert_uint_eq (divided_hints_of (10, 1, 0, NULL, 10.005, &b) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, 0);
  ck_assert_uint_eq (b.factor_axis, 1);
  ck_assert_uint_eq (divided_hints_of (10, 1, 0, NULL, 10.02, &b) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, BP_GRADCHECK_NONE);
}
END_TEST

START_TEST (test_hint_factor_axes_not_across_length_1)
{
  /* K of shape 2 x 1 x 3, analytic = numeric / 6: the run of axes 0 to
     2 multiplies to 6 only through its axis of length 1, which a run
     may not hold: no axis.  Mutant: factor_axis()'s span == 1 || !ones
     as span != 1 */
  const size_t shape[3] = { 2, 1, 3 };
  bp_gradcheck_block_result b;
  ck_assert_uint_eq (divided_hints_of (6, 2, 3, shape, 6.0, &b) & BP_GRADCHECK_HINT_FACTOR,
                     BP_GRADCHECK_HINT_FACTOR);
  ck_assert_uint_eq (b.factor_block, BP_GRADCHECK_NONE);
}
END_TEST

START_TEST (test_hint_sum_slice_within_its_estimate)
{
  /* a bias b (3) per row of X (3 x 4), f rounded to float, X(0,1) = 100
     and the rest 0.5: the step, max (1, |x|) h, makes X(0,1)'s estimate
     about 100 times smaller than X(1,1)'s and X(2,1)'s.  b's analytic
     gradient X's numeric column 1 plus 1.5 its estimates: beyond the
     tolerance, within the estimates, the sum hint at column 1 (element
     1).  Mutants: slice_equal()'s estimate at q + j / stride (X(0,1)'s
     for every j) and q - j * stride (before X's gradient) */
  double x0[12];
  for (size_t p = 0; p < 12; p++)
    x0[p] = p == 1 ? 100.0 : 0.5;
  gsl_vector *w = gsl_vector_alloc (12);
  for (size_t p = 0; p < 12; p++)
    gsl_vector_set (w, p, sqrt (2.0 + (double) p));    /* off the float grid */
  const bias_params q = { .w = w, .stride = 4, .n = 3, .rounded = 1, .x0 = x0 };
  gsl_matrix *AX = right_analytic (w, 3), *Ab = gsl_matrix_alloc (1, 3);
  for (size_t j = 0; j < 3; j++)
    gsl_matrix_set (Ab, 0, j, gsl_matrix_get (AX, j, 1));
  int status;
  bp_gradcheck_result *res = bias_check (&q, 3, 0, NULL, AX, Ab, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_block_result *x = &res->run[0].block[0];
  int needed = 0;
  for (size_t j = 0; j < 3; j++)
    {
      const double e = gsl_matrix_get (x->numeric, j, 1), u = gsl_matrix_get (x->abserr, j, 1);
      const double a = e + 1.5 * u;
      const double tol = fmax (BP_CHECK_ATOL, BP_CHECK_RTOL * fmax (fabs (a), fabs (e)));
      gsl_matrix_set (Ab, 0, j, a);
      needed += j > 0 && 1.5 * u > tol + 2.0 * gsl_matrix_get (x->abserr, 0, 1);
    }
  ck_assert_int_eq (needed, 2);     /* X(0,1)'s estimate would not do */
  bp_gradcheck_result_free (res);
  res = bias_check (&q, 3, 0, NULL, AX, Ab, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_block_result *b = &res->run[0].block[1];
  ck_assert_uint_gt (b->n_failed, 0);
  ck_assert_msg (b->hints & BP_GRADCHECK_HINT_SUM, "hints %u", b->hints);
  ck_assert_uint_eq (b->sum_axis, 0);
  ck_assert_uint_eq (b->sum_index, 1);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (Ab);
  gsl_matrix_free (AX);
  gsl_vector_free (w);
}
END_TEST

START_TEST (test_hint_factor_of_the_first_largest)
{
  /* f = (2, 2 + 4e-7, 1) . theta against (1, 1, 0.5): every element
     FAILs, each with e = c a for c = 2 or 2 + 4e-7 within the
     tolerance; the factor is the c of the first element of the largest
     |a|, e_0 / a_0, not the second's.  Mutant: factor()'s |a| > amax as
     >= (the last of equal |a|) */
  gsl_vector *c = gsl_vector_alloc (3);
  gsl_vector_set (c, 0, 2.0);
  gsl_vector_set (c, 1, 2.0 + 4e-7);
  gsl_vector_set (c, 2, 1.0);
  gsl_matrix *A = gsl_matrix_alloc (1, 3);
  gsl_matrix_set (A, 0, 0, 1.0);
  gsl_matrix_set (A, 0, 1, 1.0);
  gsl_matrix_set (A, 0, 2, 0.5);
  int status;
  bp_gradcheck_result *res = linear_check (c, 1, 0, NULL, A, &status);
  ck_assert_int_eq (status, GSL_FAILURE);
  const bp_gradcheck_block_result *b = &res->run[0].block[0];
  ck_assert_uint_eq (b->n_failed, 3);
  ck_assert_msg (b->hints & BP_GRADCHECK_HINT_FACTOR, "hints %u", b->hints);
  const double c0 = gsl_matrix_get (b->numeric, 0, 0), c1 = gsl_matrix_get (b->numeric, 0, 1);
  ck_assert (c0 != c1);
  ck_assert_double_eq (b->factor, c0);
  bp_gradcheck_result_free (res);
  gsl_matrix_free (A);
  gsl_vector_free (c);
}
END_TEST

static Suite *
shapes_suite (void)
{
  Suite *s = suite_create ("bp_gradcheck_shapes");
  TCase *tc = tcase_create ("shapes");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_report_nd_index);
  tcase_add_test (tc, test_report_nd_shape_refused);
  tcase_add_test (tc, test_hint_one_element);
  tcase_add_test (tc, test_hint_one_counts_inconclusive);
  tcase_add_test (tc, test_block_steps_of_differenced_elements);
  tcase_add_test (tc, test_hint_edge);
  tcase_add_test (tc, test_hint_slice);
  tcase_add_test (tc, test_hint_layout);
  tcase_add_test (tc, test_hint_layout_not_of_a_row);
  tcase_add_test (tc, test_hint_sum_not_from_a_block_of_its_size);
  tcase_add_test (tc, test_hint_transpose_on_the_bound);
  tcase_add_test (tc, test_hint_sum);
  tcase_add_test (tc, test_hint_sum_in_the_localized_run);
  tcase_add_test (tc, test_hint_factor_not_below_atol);
  tcase_add_test (tc, test_hint_factor_not_near_minus_one);
  tcase_add_test (tc, test_hint_layout_of_two_elements);
  tcase_add_test (tc, test_hint_moved_of_two_elements);
  tcase_add_test (tc, test_hint_one_not_of_a_single_element);
  tcase_add_test (tc, test_hint_sum_of_dy_for_a_row_bias);
  tcase_add_test (tc, test_hint_factor_axes_all_eight);
  tcase_add_test (tc, test_hint_factor_axis_not_of_length_1);
  tcase_add_test (tc, test_hint_sum_noisy);
  tcase_add_test (tc, test_hint_sum_no_slice_past_the_gradient);
  tcase_add_test (tc, test_hint_sum_channel);
  tcase_add_test (tc, test_hint_sum_no_straddling_slice);
  tcase_add_test (tc, test_hint_factor_axis_of_each_block);
  tcase_add_test (tc, test_hint_factor_axis);
  tcase_add_test (tc, test_hint_factor_of_failing_elements_only);
  tcase_add_test (tc, test_hint_slice_not_of_a_length_1_axis);
  tcase_add_test (tc, test_hint_zero);
  tcase_add_test (tc, test_hint_mask);
  tcase_add_test (tc, test_hint_range);
  tcase_add_test (tc, test_hint_range_axis_of_four_first_of_equal_parts);
  tcase_add_test (tc, test_hint_moved);
  tcase_add_test (tc, test_hint_factor_axes);
  tcase_add_test (tc, test_hint_sum_of_dy);
  tcase_add_test (tc, test_hint_sum_of_dy_over_columns);
  tcase_add_test (tc, test_hint_sum_of_dy_over_two_rows);
  tcase_add_test (tc, test_hint_sum_of_dy_to_the_last_element);
  tcase_add_test (tc, test_hint_layout_of_two_columns);
  tcase_add_test (tc, test_hint_range_of_rows_first_not_lowest);
  tcase_add_test (tc, test_hint_factor_not_near_one);
  tcase_add_test (tc, test_hint_factor_axis_within_its_margin);
  tcase_add_test (tc, test_hint_factor_axes_not_across_length_1);
  tcase_add_test (tc, test_hint_sum_slice_within_its_estimate);
  tcase_add_test (tc, test_hint_factor_of_the_first_largest);
  tcase_add_test (tc, test_report_russian);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { shapes_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
