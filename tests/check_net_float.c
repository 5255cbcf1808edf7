/* check_net_float.c -- one generic suite over every float32 row of the
   network table (bp_net.h, visited by bp_net_type_at, as check_net.c over
   the double rows; a float row no shape fits fails the suite) and the
   one trainer over them (bp_train.h):
   - each float row's loss, gradients and dL/dU against its double row on
     the same float-representable parameters and batch, within a bound
     from float's epsilon and the length of the longest sum (the double
     row itself is checked against the checker in check_net);
   - a float row's starting point is the double row's, rounded;
   - a float run resumed (parameters, velocity, RNG) equals the
     uninterrupted run bit for bit, and a float model file with its
     training state round-trips to the same bytes;
   - the small CNN trains in float32 on the subset of tests/data. */
#include <config.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include "backprop/bp_model_file.h"
#include "testutil.h"

/* The cases: every float32 row of the table (bp_net_type_at), at each of
   these small shapes its layout accepts, found when the suite is made
   (test_net_cases, as check_net does for the double rows): a new float
   row is tested here without a new case, and test_every_float_row_has_a_case
   fails for a float row none of the shapes fits. */
static const test_net_case shapes[] = {
  { NULL, 0, { 0, 0 }, BP_RELU, 0, 0 },
  { NULL, 1, { 5, 0 }, BP_TANH, 0, 0 },
  { NULL, 1, { 4, 0 }, BP_RELU, 0, 0 },
  { NULL, 2, { 5, 4 }, BP_TANH, 0, 0 },
  { NULL, 2, { 4, 3 }, BP_RELU, 0, 0 },
  { NULL, 0, { 0, 0 }, BP_RELU, 2, 3 },
  { NULL, 1, { 4, 0 }, BP_RELU, 2, 2 },
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])
#define MAX_CASES 64
static test_net_case cases[MAX_CASES];
static int N_CASES;
#define ROWS 8
#define COLS 8
#define CLASSES 3

/* The float row of case i, its double twin, the same parameters drawn
   N(0, 0.5^2) and rounded to float. */
static void
case_nets (int i, gsl_rng *rng, bp_net **d, bp_net **f)
{
  const bp_net_shape s = test_net_case_shape (&cases[i], ROWS, COLS, CLASSES);
  const bp_net_type *F = bp_net_type_by_name (cases[i].row);
  ck_assert_ptr_nonnull (F);
  ck_assert_int_eq (F->dtype, BP_NET_FLOAT32);
  ck_assert_ptr_eq (F->float32, F);
  const bp_net_type *D = test_net_double_of (F);
  ck_assert_ptr_nonnull (D);
  ck_assert_ptr_eq (D->float32, F);
  *d = bp_net_alloc (D, &s);
  *f = bp_net_alloc (F, &s);
  ck_assert_ptr_nonnull (*d);
  ck_assert_ptr_nonnull (*f);
  ck_assert_uint_eq ((*d)->size, (*f)->size);
  for (size_t k = 0; k < (*d)->size; k++)
    {
      const float x = (float) gsl_ran_gaussian (rng, 0.5);
      gsl_vector_set ((*d)->theta, k, x);
      (*f)->theta_float->data[k] = x;
    }
}

/* Every float32 row of the table has a case (and so every test of this
   suite), and is the twin of a double row. */
START_TEST (test_every_float_row_has_a_case)
{
  test_net_rows_have_cases (BP_NET_FLOAT32, cases, N_CASES, MAX_CASES, "check_net_float.c");
  for (int i = 0; i < N_CASES; i++)
    ck_assert_ptr_nonnull (test_net_double_of (bp_net_type_by_name (cases[i].row)));
}
END_TEST

/* b examples: pixels k / 255 rounded to float (as the float batch reads
   them), one-hot labels */
static void
batch (gsl_rng *rng, gsl_matrix *U, gsl_matrix *T)
{
  for (size_t r = 0; r < U->size1; r++)
    {
      for (size_t j = 0; j < U->size2; j++)
        gsl_matrix_set (U, r, j, (float) ((double) gsl_rng_uniform_int (rng, 256) / 255.0));
      gsl_vector_view t = gsl_matrix_row (T, r);
      gsl_vector_set_basis (&t.vector, gsl_rng_uniform_int (rng, T->size2));
    }
}

/* |a - e| <= N eps_f (1 + max |e|): float's epsilon per rounding, N the
   roundings along the longest chain of sums a result passes through
   (each of at most N terms adds its rounding, the inputs exact floats;
   derivations/14-mini-batch.md, "Float32").  For these networks N is
   the sum of the layers' fan-ins over the batch: b (m + 25 C1 + sum H_l + n). */
static double
bound (const bp_net_shape *s, size_t b, double scale)
{
  size_t fan_in = s->rows * s->cols + 25 * (s->C1 + 1) + s->n;
  for (size_t l = 0; l < s->n_hidden; l++)
    fan_in += s->hidden[l];
  return (double) b * (double) fan_in * FLT_EPSILON * (1.0 + scale);
}

START_TEST (test_float_row_is_double_row)
{
  gsl_rng *rng = test_rng (60 + _i);
  bp_net *d, *f;
  case_nets (_i, rng, &d, &f);
  const size_t b = 3, m = ROWS * COLS;
  bp_net_workspace *wd = bp_net_workspace_alloc (d, b), *wf = bp_net_workspace_alloc (f, b);
  gsl_matrix *U = gsl_matrix_alloc (b, m), *T = gsl_matrix_alloc (b, CLASSES);
  gsl_matrix *dUd = gsl_matrix_alloc (b, m), *dUf = gsl_matrix_alloc (b, m);
  batch (rng, U, T);
  double Ld, Lf;
  ck_assert_int_eq (bp_net_backward (d, U, T, wd, dUd, &Ld), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_backward (f, U, T, wf, dUf, &Lf), GSL_SUCCESS);
  ck_assert_msg (fabs (Lf - Ld) <= bound (&d->shape, b, fabs (Ld)),
                 "case %d: loss float %.9g, double %.17g", _i, Lf, Ld);
  double gmax = 0.0;
  for (size_t k = 0; k < d->size; k++)
    gmax = fmax (gmax, fabs (gsl_vector_get (d->grad, k)));
  ck_assert (gmax > 0.0);
  for (size_t k = 0; k < d->size; k++)
    {
      const double e = gsl_vector_get (d->grad, k), a = f->grad_float->data[k];
      ck_assert_msg (fabs (a - e) <= bound (&d->shape, b, gmax),
                     "case %d (%s) gradient %zu: float %.9g, double %.17g", _i,
                     f->type->name, k, a, e);
    }
  const double umax = gsl_matrix_max (dUd) > -gsl_matrix_min (dUd) ? gsl_matrix_max (dUd)
                      : -gsl_matrix_min (dUd);
  for (size_t r = 0; r < b; r++)
    for (size_t j = 0; j < m; j++)
      ck_assert_msg (fabs (gsl_matrix_get (dUf, r, j) - gsl_matrix_get (dUd, r, j))
                     <= bound (&d->shape, b, umax), "case %d dL/dU(%zu,%zu)", _i, r, j);
  /* the logits of the forward pass too */
  gsl_matrix_view Vd, Vf;
  ck_assert_int_eq (bp_net_forward (d, U, NULL, wd, &Vd, NULL), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_forward (f, U, NULL, wf, &Vf, NULL), GSL_SUCCESS);
  for (size_t r = 0; r < b; r++)
    for (size_t j = 0; j < CLASSES; j++)
      ck_assert (fabs (gsl_matrix_get (&Vf.matrix, r, j) - gsl_matrix_get (&Vd.matrix, r, j))
                 <= bound (&d->shape, b, fabs (gsl_matrix_get (&Vd.matrix, r, j))));
  gsl_matrix_free (U);
  gsl_matrix_free (T);
  gsl_matrix_free (dUd);
  gsl_matrix_free (dUf);
  bp_net_workspace_free (wd);
  bp_net_workspace_free (wf);
  bp_net_free (d);
  bp_net_free (f);
  gsl_rng_free (rng);
}
END_TEST

/* The float row starts where the double row does, rounded: the same
   draws from the same seed. */
START_TEST (test_float_init_is_double_rounded)
{
  gsl_rng *r1 = test_rng (70 + _i), *r2 = test_rng (70 + _i);
  bp_net *d, *f;
  case_nets (_i, r1, &d, &f);
  gsl_rng_set (r1, 7);
  gsl_rng_set (r2, 7);
  ck_assert_int_eq (bp_net_init (d, r1), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_init (f, r2), GSL_SUCCESS);
  for (size_t k = 0; k < d->size; k++)
    ck_assert (f->theta_float->data[k] == (float) gsl_vector_get (d->theta, k));
  ck_assert_uint_eq (gsl_rng_get (r1), gsl_rng_get (r2));   /* as many draws */
  bp_net_free (d);
  bp_net_free (f);
  gsl_rng_free (r1);
  gsl_rng_free (r2);
}
END_TEST

/* A data set of count images of the test's size, classes at random. */
static bp_dataset
dataset (gsl_rng *rng, size_t count)
{
  bp_dataset d = { count, ROWS, COLS, CLASSES, NULL, NULL };
  d.images = malloc (count * ROWS * COLS);
  d.labels = malloc (count);
  for (size_t k = 0; k < count * ROWS * COLS; k++)
    d.images[k] = (unsigned char) gsl_rng_uniform_int (rng, 256);
  for (size_t k = 0; k < count; k++)
    d.labels[k] = (unsigned char) gsl_rng_uniform_int (rng, CLASSES);
  return d;
}

static const bp_sgd_params sgd = { .batch = 4, .lr = 0.1, .momentum = 0.9,
                                   .weight_decay = 1e-2, .epochs = 2 };

/* Two epochs in one run; one epoch, saved to a model file with its
   training state, read back and run on: the same bits, and the file
   written again from what was read is the same bytes. */
START_TEST (test_float_resume_equals_uninterrupted)
{
  gsl_rng *rng = test_rng (80 + _i);
  const size_t count = 10;
  bp_dataset d = dataset (rng, count);
  bp_net *dd, *whole;
  case_nets (_i, rng, &dd, &whole);
  bp_net *half = bp_net_alloc (whole->type, &whole->shape);
  gsl_vector_float_memcpy (half->theta_float, whole->theta_float);
  gsl_rng *r1 = gsl_rng_clone (rng), *r2 = gsl_rng_clone (rng), *r0 = gsl_rng_clone (rng);
  bp_net_trainer *t1 = bp_net_trainer_alloc (whole, count, sgd.batch);
  bp_net_trainer *t2 = bp_net_trainer_alloc (half, count, sgd.batch);
  ck_assert_ptr_null (t1->velocity);
  for (size_t e = 0; e < 2; e++)
    ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, e, r1, t1, NULL, NULL, whole, NULL),
                      GSL_SUCCESS);
  ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, 0, r2, t2, NULL, NULL, half, NULL),
                    GSL_SUCCESS);
  /* through a model file, as `backprop train' saves it */
  gsl_vector *vel = gsl_vector_alloc (half->size);
  for (size_t k = 0; k < half->size; k++)
    gsl_vector_set (vel, k, t2->velocity_float->data[k]);
  bp_train_state st = { 1, sgd.epochs, sgd.batch, 0, 1, sgd.lr, sgd.momentum,
                        sgd.weight_decay, vel, gsl_rng_size (r2), gsl_rng_state (r2),
                        NULL };
  bp_train_state rs;
  bp_net *resumed = test_model_file_round_trip (half, &st, "check_net_float", _i, &rs);
  bp_net_trainer *t3 = bp_net_trainer_alloc (resumed, count, sgd.batch);
  for (size_t k = 0; k < resumed->size; k++)
    t3->velocity_float->data[k] = (float) gsl_vector_get (rs.velocity, k);
  gsl_rng *r3 = gsl_rng_alloc (gsl_rng_mt19937);
  memcpy (gsl_rng_state (r3), rs.rng_state, rs.rng_size);
  ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, 1, r3, t3, NULL, NULL, resumed, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (whole->theta_float->data, resumed->theta_float->data,
                            whole->size * sizeof (float)), 0);
  ck_assert_int_eq (memcmp (t1->velocity_float->data, t3->velocity_float->data,
                            whole->size * sizeof (float)), 0);
  ck_assert_int_ne (memcmp (half->theta_float->data, whole->theta_float->data,
                            whole->size * sizeof (float)), 0);   /* it moved on */
  /* the two epochs (3 steps each: the cosine schedule's second half in
     the second) are the double twin's, to float rounding */
  bp_net_trainer *t0 = bp_net_trainer_alloc (dd, count, sgd.batch);
  for (size_t e = 0; e < 2; e++)
    ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, e, r0, t0, NULL, NULL, dd, NULL),
                      GSL_SUCCESS);
  for (size_t k = 0; k < dd->size; k++)
    ck_assert_msg (fabs (whole->theta_float->data[k] - gsl_vector_get (dd->theta, k))
                   <= 1e-4 * (1.0 + fabs (gsl_vector_get (dd->theta, k))),
                   "case %d (%s) parameter %zu: float %.9g, double %.17g", _i,
                   whole->type->name, k, whole->theta_float->data[k],
                   gsl_vector_get (dd->theta, k));
  bp_net_trainer_free (t0);
  gsl_rng_free (r0);
  bp_train_state_free (&rs);
  gsl_vector_free (vel);
  bp_net_trainer_free (t1);
  bp_net_trainer_free (t2);
  bp_net_trainer_free (t3);
  gsl_rng_free (r1);
  gsl_rng_free (r2);
  gsl_rng_free (r3);
  bp_net_free (dd);
  bp_net_free (whole);
  bp_net_free (half);
  bp_net_free (resumed);
  free (d.images);
  free (d.labels);
  gsl_rng_free (rng);
}
END_TEST

/* `train --conv 4,8 --dtype float32' on the small data set of tests/data:
   the training loss falls every epoch and the test accuracy ends far
   above chance (10 classes: 10%). */
START_TEST (test_float_cnn_trains_on_subset)
{
  /* tests/data's 28 x 28 images of 10 classes */
  const bp_net_shape s = { .rows = 28, .cols = 28, .n = 10, .act = BP_RELU, .C1 = 4, .C2 = 8 };
  bp_net *net = bp_net_alloc (bp_net_cnn->float32, &s);
  ck_assert_ptr_eq (net->type, bp_net_cnn_float);
  gsl_rng *rng = test_rng (90);
  ck_assert_int_eq (bp_net_init (net, rng), GSL_SUCCESS);
  bp_sgd_params p = bp_net_cnn_float->defaults;
  p.epochs = 3;
  double loss[3];
  const double accuracy = test_train_subset (net, &p, rng, loss);
  for (size_t e = 1; e < p.epochs; e++)
    ck_assert_msg (loss[e] < loss[e - 1], "epoch %zu: loss %g, before %g", e + 1, loss[e],
                   loss[e - 1]);
  ck_assert_msg (accuracy > 0.5, "test accuracy %g", accuracy);
  bp_net_free (net);
  gsl_rng_free (rng);
}
END_TEST

/* A float32 row's bp_gradcheck_blocks have the name only (bp_net.h):
   block k and grad_block k both named layout k's name, for every block
   of every float32 row */
START_TEST (test_float_blocks_named)
{
  static const bp_net_shape named[] = {
    { 8, 8, 3, 0, { 0 }, BP_RELU, 0, 0 },
    { 8, 8, 3, 1, { 5 }, BP_TANH, 0, 0 },
    { 8, 8, 3, 2, { 6, 4 }, BP_SIGMOID, 0, 0 },
    { 8, 8, 3, 1, { 4 }, BP_RELU, 2, 3 },
  };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  size_t seen = 0;
  const bp_net_type *T;
  for (size_t r = 0; (T = bp_net_type_at (r)) != NULL; r++)
    for (size_t k = 0; T->dtype == BP_NET_FLOAT32 && k < sizeof named / sizeof named[0]; k++)
      {
        bp_net *net = bp_net_alloc (T, &named[k]);
        if (net == NULL)
          continue;
        seen++;
        for (size_t b = 0; b < net->n_blocks; b++)
          {
            ck_assert_msg (net->block[b].name && net->grad_block[b].name
                           && strcmp (net->block[b].name, net->layout[b].name) == 0
                           && strcmp (net->grad_block[b].name, net->layout[b].name) == 0,
                           "%s, block %zu: named %s and %s, not %s", T->name, b,
                           net->block[b].name ? net->block[b].name : "(none)",
                           net->grad_block[b].name ? net->grad_block[b].name : "(none)",
                           net->layout[b].name);
          }
        bp_net_free (net);
      }
  gsl_set_error_handler (old);
  ck_assert_uint_ge (seen, 4);
}
END_TEST

static Suite *
net_float_suite (void)
{
  Suite *s = suite_create ("bp_net float32");
  TCase *tc = tcase_create ("every float row");
  tcase_set_timeout (tc, 300);
  N_CASES = test_net_cases (shapes, N_SHAPES, ROWS, COLS, CLASSES, BP_NET_FLOAT32, cases,
                            MAX_CASES);
  tcase_add_test (tc, test_every_float_row_has_a_case);
  tcase_add_test (tc, test_float_blocks_named);
  tcase_add_loop_test (tc, test_float_row_is_double_row, 0, N_CASES);
  tcase_add_loop_test (tc, test_float_init_is_double_rounded, 0, N_CASES);
  tcase_add_loop_test (tc, test_float_resume_equals_uninterrupted, 0, N_CASES);
  tcase_add_test (tc, test_float_cnn_trains_on_subset);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { net_float_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
