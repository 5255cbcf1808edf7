/* check_net.c -- one generic suite over every row of the network table
   (bp_net.h, visited by bp_net_type_at) and the one trainer (bp_train.h):
   - backward against the checker: bp_gradcheck over net->block, with
     net->grad_block as the analytic side, and dL/dU the same way;
   - the trainer's step against a per-block momentum update written here
     from eq. (14.8) of derivations/14-mini-batch.md;
   - a run saved to a model file after one epoch (parameters, velocity and
     RNG), read back and resumed equals the uninterrupted run bit for bit,
     and the file read and written again is the same bytes;
   - the deep row with one hidden layer is the mlp row, bit for bit. */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include <gsl/gsl_math.h>
#include "testutil.h"
#ifdef __GLIBC__
# if __GLIBC_PREREQ (2, 33)
#  include <malloc.h>
#  define HAVE_MALLINFO2 1
# endif
#endif

/* The cases: every double row of the table (bp_net_type_at), at each of
   these small shapes its layout accepts (the test images are 8 x 8, 3
   classes; the cnn needs its images a multiple of 4), found when the
   suite is made (test_net_cases): a new row is tested here without a new
   case, and test_every_row_has_a_case fails for a row none of the shapes
   fits. */
static const test_net_case shapes[] = {
  { NULL, 0, { 0, 0 }, BP_RELU, 0, 0 },
  { NULL, 1, { 5, 0 }, BP_TANH, 0, 0 },
  { NULL, 1, { 4, 0 }, BP_SIGMOID, 0, 0 },
  { NULL, 2, { 6, 4 }, BP_TANH, 0, 0 },
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

static bp_net_shape
shape_of (const test_net_case *c)
{
  return test_net_case_shape (c, ROWS, COLS, CLASSES);
}

/* A network of case i, its parameters drawn N(0, 0.5^2) (the linear row
   starts at zero: random here, so that the gradients are not special). */
static bp_net *
case_net (int i, gsl_rng *rng)
{
  const bp_net_shape s = shape_of (&cases[i]);
  const bp_net_type *T = bp_net_type_by_name (cases[i].row);
  ck_assert_ptr_nonnull (T);
  bp_net *net = bp_net_alloc (T, &s);
  ck_assert_ptr_nonnull (net);
  for (size_t k = 0; k < net->size; k++)
    gsl_vector_set (net->theta, k, gsl_ran_gaussian (rng, 0.5));
  return net;
}

/* Every double row of the table has a case (and so every test of this
   suite), and every float32 row is the twin of one (check_net_float.c
   tests the float rows the same way). */
START_TEST (test_every_row_has_a_case)
{
  test_net_rows_have_cases (BP_NET_FLOAT64, cases, N_CASES, MAX_CASES, "check_net.c");
  for (size_t k = 0; bp_net_type_at (k) != NULL; k++)
    ck_assert_msg (test_net_double_of (bp_net_type_at (k)) != NULL,
                   "row %s: the twin of no double row", bp_net_type_at (k)->name);
}
END_TEST

/* b examples: pixels uniform in [0, 1], one-hot labels */
static void
batch (gsl_rng *rng, gsl_matrix *U, gsl_matrix *T)
{
  for (size_t r = 0; r < U->size1; r++)
    {
      for (size_t j = 0; j < U->size2; j++)
        gsl_matrix_set (U, r, j, gsl_rng_uniform (rng));
      gsl_vector_view t = gsl_matrix_row (T, r);
      gsl_vector_set_basis (&t.vector, gsl_rng_uniform_int (rng, T->size2));
    }
}

/* --- backward against the checker ------------------------------------- */

typedef struct
{
  bp_net *net;             /* a scratch network the point is copied into */
  bp_net_workspace *ws;
  const gsl_matrix *U, *T;
} loss_params;

/* the mean loss at the checker's point: its blocks copied into theta */
static int
net_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  loss_params *lp = params;
  for (size_t k = 0; k < p->n_blocks; k++)
    {
      gsl_vector_view to = gsl_vector_subvector (lp->net->theta, lp->net->offset[k],
                                                 p->vector[k]->size);
      gsl_vector_memcpy (&to.vector, p->vector[k]);
    }
  return bp_net_forward (lp->net, lp->U, lp->T, lp->ws, NULL, L);
}

/* the mean loss as a function of U (the one block) */
static int
input_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  loss_params *lp = params;
  return bp_net_forward (lp->net, p->block[0], lp->T, lp->ws, NULL, L);
}

static void
assert_checked (int status, bp_gradcheck_result *r, const char *what, int i)
{
  if (status != GSL_SUCCESS && r)
    bp_gradcheck_fprintf (stderr, r);
  ck_assert_msg (status == GSL_SUCCESS, "%s of case %d (%s): verdict %d", what, i,
                 cases[i].row, status);
  ck_assert_uint_gt (r->run[0].n_checked, 0);
  bp_gradcheck_result_free (r);
}

START_TEST (test_backward_against_checker)
{
  gsl_rng *rng = test_rng (_i);
  bp_net *net = case_net (_i, rng), *scratch = case_net (_i, rng);
  const size_t b = 3, m = ROWS * COLS;
  bp_net_workspace *ws = bp_net_workspace_alloc (net, b);
  gsl_matrix *U = gsl_matrix_alloc (b, m), *T = gsl_matrix_alloc (b, CLASSES);
  gsl_matrix *dU = gsl_matrix_alloc (b, m);
  batch (rng, U, T);
  double L;
  ck_assert_int_eq (bp_net_backward (net, U, T, ws, dU, &L), GSL_SUCCESS);
  ck_assert (isfinite (L) && L > 0.0);

  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.threads = 1;   /* one scratch network */
  loss_params lp = { scratch, ws, U, T };
  bp_gradcheck_function f = { .loss = net_loss, .params = &lp };
  bp_gradcheck_result *r = NULL;
  int status = bp_gradcheck (&f, net->n_blocks, net->block, net->grad_block, &o, &r);
  assert_checked (status, r, "the parameters' gradient", _i);

  /* dL/dU, at the network's own parameters */
  lp.net = net;
  f.loss = input_loss;
  bp_gradcheck_block u = { .name = "U", .matrix = U },
      du = { .name = "dL/dU", .matrix = dU };
  status = bp_gradcheck (&f, 1, &u, &du, &o, &r);
  assert_checked (status, r, "dL/dU", _i);

  gsl_matrix_free (U);
  gsl_matrix_free (T);
  gsl_matrix_free (dU);
  bp_net_workspace_free (ws);
  bp_net_free (net);
  bp_net_free (scratch);
  gsl_rng_free (rng);
}
END_TEST

/* --- the trainer ------------------------------------------------------ */

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

static void
dataset_free (bp_dataset *d)
{
  free (d->images);
  free (d->labels);
}

static const bp_sgd_params sgd = { .batch = 4, .lr = 0.1, .momentum = 0.9,
                                   .weight_decay = 1e-2, .epochs = 2 };

/* Two epochs of the trainer against the update of eq. (14.8) written
   here, block by block: g = dL/dtheta (+ lambda theta for a weight
   block), v <- mu v + g, theta <- theta - eta_t v, each batch's gradient
   from bp_net_backward on the batch the trainer's shuffle makes. */
START_TEST (test_trainer_is_eq_14_8)
{
  gsl_rng *rng = test_rng (10 + _i);
  const size_t count = 10, per_epoch = 3;   /* batches of 4, 4, 2 */
  bp_dataset d = dataset (rng, count);
  bp_net *net = case_net (_i, rng), *ref = bp_net_alloc (net->type, &net->shape);
  gsl_vector_memcpy (ref->theta, net->theta);
  bp_net_trainer *t = bp_net_trainer_alloc (net, count, sgd.batch);
  bp_net_workspace *ws = bp_net_workspace_alloc (ref, sgd.batch);
  gsl_rng *shuffle = gsl_rng_clone (rng);
  gsl_vector *vel = gsl_vector_calloc (net->size);
  gsl_matrix *U = gsl_matrix_alloc (sgd.batch, ROWS * COLS);
  gsl_matrix *T = gsl_matrix_alloc (sgd.batch, CLASSES);
  size_t order[10], step = 0;
  for (size_t e = 0; e < sgd.epochs; e++)
    {
      ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, e, rng, t, NULL, NULL, net, NULL),
                        GSL_SUCCESS);
      for (size_t j = 0; j < count; j++)
        order[j] = j;
      gsl_ran_shuffle (shuffle, order, count, sizeof order[0]);
      for (size_t start = 0; start < count; start += sgd.batch, step++)
        {
          const size_t b = count - start < sgd.batch ? count - start : sgd.batch;
          gsl_matrix_view Ub = gsl_matrix_submatrix (U, 0, 0, b, U->size2);
          gsl_matrix_view Tb = gsl_matrix_submatrix (T, 0, 0, b, T->size2);
          ck_assert_int_eq (bp_dataset_batch (&d, order + start, &Ub.matrix, &Tb.matrix),
                            GSL_SUCCESS);
          ck_assert_int_eq (bp_net_backward (ref, &Ub.matrix, &Tb.matrix, ws, NULL, NULL),
                            GSL_SUCCESS);
          /* (14.9): eta_t = eta (1 + cos(pi t / T)) / 2 */
          const double eta = sgd.lr * 0.5
            * (1.0 + cos (M_PI * (double) step / (double) (sgd.epochs * per_epoch)));
          for (size_t k = 0; k < ref->n_blocks; k++)
            for (size_t j = ref->offset[k]; j < ref->offset[k] + ref->theta_v[k].vector.size; j++)
              {
                double *th = gsl_vector_ptr (ref->theta, j), *v = gsl_vector_ptr (vel, j);
                const double g = gsl_vector_get (ref->grad, j)
                                 + (ref->layout[k].decay ? sgd.weight_decay * *th : 0.0);
                *v = sgd.momentum * *v + g;
                *th -= eta * *v;
              }
        }
    }
  ck_assert_uint_eq (step, sgd.epochs * per_epoch);
  /* the same arithmetic but for a fused multiply-add's rounding in the
     decay term: agreement to a few units in the last place */
  for (size_t j = 0; j < net->size; j++)
    {
      const double a = gsl_vector_get (net->theta, j), e = gsl_vector_get (ref->theta, j);
      ck_assert_msg (fabs (a - e) <= 1e-14 * (1.0 + fabs (e)),
                     "case %d (%s) parameter %zu: trainer %.17g, eq. (14.8) %.17g", _i,
                     cases[_i].row, j, a, e);
      ck_assert (fabs (gsl_vector_get (t->velocity, j) - gsl_vector_get (vel, j))
                 <= 1e-14 * (1.0 + fabs (gsl_vector_get (vel, j))));
    }
  gsl_matrix_free (U);
  gsl_matrix_free (T);
  gsl_vector_free (vel);
  gsl_rng_free (shuffle);
  bp_net_workspace_free (ws);
  bp_net_trainer_free (t);
  bp_net_free (ref);
  bp_net_free (net);
  dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

/* Two epochs in one run; one epoch, saved to a model file with its
   training state (parameters, velocity, RNG), read back into a new
   network, trainer and RNG and run on: the same bits (what `backprop
   train --resume' relies on), and the file written again from what was
   read is the same bytes (the save/load round trip of every row). */
START_TEST (test_resume_equals_uninterrupted)
{
  gsl_rng *rng = test_rng (20 + _i);
  const size_t count = 10;
  bp_dataset d = dataset (rng, count);
  bp_net *whole = case_net (_i, rng), *half = bp_net_alloc (whole->type, &whole->shape);
  gsl_vector_memcpy (half->theta, whole->theta);
  gsl_rng *r1 = gsl_rng_clone (rng), *r2 = gsl_rng_clone (rng);
  bp_net_trainer *t1 = bp_net_trainer_alloc (whole, count, sgd.batch);
  bp_net_trainer *t2 = bp_net_trainer_alloc (half, count, sgd.batch);
  for (size_t e = 0; e < 2; e++)
    ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, e, r1, t1, NULL, NULL, whole, NULL),
                      GSL_SUCCESS);
  ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, 0, r2, t2, NULL, NULL, half, NULL),
                    GSL_SUCCESS);
  /* through a model file, as `backprop train' saves it */
  bp_train_state st = { 1, sgd.epochs, sgd.batch, 0, 1, sgd.lr, sgd.momentum,
                        sgd.weight_decay, t2->velocity, gsl_rng_size (r2),
                        gsl_rng_state (r2), NULL }, rs;
  bp_net *resumed = test_model_file_round_trip (half, &st, "check_net", _i, &rs);
  ck_assert (gsl_vector_equal (resumed->theta, half->theta));
  bp_net_trainer *t3 = bp_net_trainer_alloc (resumed, count, sgd.batch);
  gsl_vector_memcpy (t3->velocity, rs.velocity);
  gsl_rng *r3 = gsl_rng_alloc (gsl_rng_mt19937);
  ck_assert_uint_eq (rs.rng_size, gsl_rng_size (r3));
  memcpy (gsl_rng_state (r3), rs.rng_state, rs.rng_size);
  ck_assert_int_eq (bp_net_train_epoch (&d, &sgd, 1, r3, t3, NULL, NULL, resumed, NULL),
                    GSL_SUCCESS);
  gsl_matrix_const_view a = gsl_matrix_const_view_vector (whole->theta, 1, whole->size);
  gsl_matrix_const_view b = gsl_matrix_const_view_vector (resumed->theta, 1, whole->size);
  test_assert_same_bits (&a.matrix, &b.matrix, cases[_i].row);
  ck_assert (gsl_vector_equal (t1->velocity, t3->velocity));
  ck_assert_int_ne (memcmp (half->theta->data, whole->theta->data,
                            whole->size * sizeof (double)), 0);   /* it moved on */
  bp_train_state_free (&rs);
  bp_net_trainer_free (t1);
  bp_net_trainer_free (t2);
  bp_net_trainer_free (t3);
  gsl_rng_free (r1);
  gsl_rng_free (r2);
  gsl_rng_free (r3);
  bp_net_free (whole);
  bp_net_free (half);
  bp_net_free (resumed);
  dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

/* --- the deep row with one hidden layer is the mlp row ----------------- */

START_TEST (test_deep_of_one_layer_is_mlp)
{
  const bp_net_shape s = { .rows = ROWS, .cols = COLS, .n = CLASSES, .n_hidden = 1,
                           .hidden = { 7 }, .act = _i == 0 ? BP_RELU : BP_TANH };
  bp_net *mlp = bp_net_alloc (bp_net_mlp, &s), *deep = bp_net_alloc (bp_net_deep, &s);
  gsl_rng *r1 = test_rng (30 + _i), *r2 = test_rng (30 + _i), *data = test_rng (40);
  ck_assert_int_eq (bp_net_init (mlp, r1), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_init (deep, r2), GSL_SUCCESS);
  gsl_matrix_const_view a = gsl_matrix_const_view_vector (mlp->theta, 1, mlp->size);
  gsl_matrix_const_view b = gsl_matrix_const_view_vector (deep->theta, 1, deep->size);
  test_assert_same_bits (&a.matrix, &b.matrix, "the initialisations");
  bp_net_workspace *w1 = bp_net_workspace_alloc (mlp, 5), *w2 = bp_net_workspace_alloc (deep, 5);
  gsl_matrix *U = gsl_matrix_alloc (5, ROWS * COLS), *T = gsl_matrix_alloc (5, CLASSES);
  batch (data, U, T);
  double L1, L2;
  ck_assert_int_eq (bp_net_backward (mlp, U, T, w1, NULL, &L1), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_backward (deep, U, T, w2, NULL, &L2), GSL_SUCCESS);
  ck_assert (memcmp (&L1, &L2, sizeof L1) == 0);
  gsl_matrix_const_view ga = gsl_matrix_const_view_vector (mlp->grad, 1, mlp->size);
  gsl_matrix_const_view gb = gsl_matrix_const_view_vector (deep->grad, 1, deep->size);
  test_assert_same_bits (&ga.matrix, &gb.matrix, "the gradients");
  gsl_matrix_free (U);
  gsl_matrix_free (T);
  bp_net_workspace_free (w1);
  bp_net_workspace_free (w2);
  bp_net_free (mlp);
  bp_net_free (deep);
  gsl_rng_free (r1);
  gsl_rng_free (r2);
  gsl_rng_free (data);
}
END_TEST

/* --- the deeper perceptron learns on the subset --------------------- */

/* `train --hidden 32,16' on the small data set of tests/data, through the
   one trainer: the training loss falls every epoch and the test accuracy
   ends far above chance (10 classes: 10%). */
START_TEST (test_deep_trains_on_subset)
{
  /* tests/data's 28 x 28 images of 10 classes */
  const bp_net_shape s = { .rows = 28, .cols = 28, .n = 10,
                           .n_hidden = 2, .hidden = { 32, 16 }, .act = BP_RELU };
  ck_assert_ptr_eq (bp_net_type_of (&s), bp_net_deep);
  bp_net *net = bp_net_alloc (bp_net_deep, &s);
  gsl_rng *rng = test_rng (50);
  ck_assert_int_eq (bp_net_init (net, rng), GSL_SUCCESS);
  bp_sgd_params p = bp_net_deep->defaults;
  p.epochs = 4;
  double loss[4];
  const double accuracy = test_train_subset (net, &p, rng, loss);
  for (size_t e = 1; e < p.epochs; e++)
    ck_assert_msg (loss[e] < loss[e - 1], "epoch %zu: loss %g, before %g", e + 1, loss[e],
                   loss[e - 1]);
  ck_assert_msg (accuracy > 0.5, "test accuracy %g", accuracy);
  bp_net_free (net);
  gsl_rng_free (rng);
}
END_TEST

/* --- the workspace's bytes ------------------------------------------- */

/* bp_net_workspace_bytes, which sizes the evaluation's batch, against
   what the allocator hands out (glibc's mallinfo2; every buffer from the
   heap, none mapped with its pages rounded): from B = 200 to B = 600
   examples the workspace grows by 400 times one example's bytes, within
   16 bytes a buffer (malloc's rounding of each of at most 32).  A buffer
   left out of a row's count is at least 400 x 8 bytes (the CNN's argmax
   bytes of its second pooling, C2 hw/16 = 8 an example).  Under an
   allocator glibc does not count (a sanitizer's, valgrind's): said, not
   checked. */
START_TEST (test_workspace_bytes)
{
#ifdef HAVE_MALLINFO2
  mallopt (M_MMAP_THRESHOLD, 32 << 20);
  const size_t probe = (size_t) 1 << 20, h0 = mallinfo2 ().uordblks;
  char *p = malloc (probe);
  ck_assert_ptr_nonnull (p);
  const size_t seen = mallinfo2 ().uordblks - h0;
  free (p);
  if (seen < probe || seen > probe + 64)
    {
      fprintf (stderr, "test_workspace_bytes: this allocator is not glibc's: not checked\n");
      return;
    }
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  const bp_net *base = case_net (_i, rng);
  const bp_net_type *rows[] = { base->type, base->type->float32 };
  for (size_t r = 0; r < 2 && rows[r]; r++)
    {
      bp_net *net = bp_net_alloc (rows[r], &base->shape);
      ck_assert_ptr_nonnull (net);
      /* each measured after a workspace of its size was made and freed:
         its small structs then come from malloc's cache (tcache), which
         mallinfo2 counts as in use, both times alike */
      bp_net_workspace_free (bp_net_workspace_alloc (net, 200));
      const size_t a = mallinfo2 ().uordblks;
      bp_net_workspace *w1 = bp_net_workspace_alloc (net, 200);
      const size_t b = mallinfo2 ().uordblks;
      bp_net_workspace_free (bp_net_workspace_alloc (net, 600));
      const size_t c = mallinfo2 ().uordblks;
      bp_net_workspace *w3 = bp_net_workspace_alloc (net, 600);
      const size_t d = mallinfo2 ().uordblks;
      ck_assert (w1 && w3);
      const double got = (double) (d - c) - (double) (b - a);
      const double want = (double) bp_net_workspace_bytes (net, 600)
                          - (double) bp_net_workspace_bytes (net, 200);
      ck_assert_msg (fabs (got - want) <= 32 * 16, "%s: the workspace of 600 examples "
                     "took %g bytes more than that of 200, bp_net_workspace_bytes says %g",
                     rows[r]->name, got, want);
      ck_assert_uint_eq (bp_net_workspace_bytes (net, 300),
                         300 * bp_net_workspace_bytes (net, 1));
      /* the evaluation's batch: the row's, or what max_bytes holds, at least 1 */
      const size_t one = bp_net_workspace_bytes (net, 1);
      ck_assert_uint_eq (bp_net_eval_batch (net, SIZE_MAX), rows[r]->eval_batch);
      ck_assert_uint_eq (bp_net_eval_batch (net, 3 * one + one / 2), 3);
      ck_assert_uint_eq (bp_net_eval_batch (net, one - 1), 1);
      bp_net_workspace_free (w1);
      bp_net_workspace_free (w3);
      bp_net_free (net);
    }
  bp_net_free ((bp_net *) base);
  gsl_rng_free (rng);
#else
  fprintf (stderr, "test_workspace_bytes: no mallinfo2 (glibc 2.33): not checked\n");
#endif
}
END_TEST

/* --- refused sizes ---------------------------------------------------- */

START_TEST (test_refused)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net_shape s = { .rows = ROWS, .cols = COLS, .n = CLASSES };
  ck_assert_ptr_null (bp_net_alloc (bp_net_mlp, &s));      /* no hidden layer */
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));     /* (deep.c's layout) */
  s.n_hidden = 1;
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));   /* a hidden layer */
  ck_assert_ptr_null (bp_net_alloc (bp_net_mlp, &s));      /* of 0 units */
  s.hidden[0] = 3;
  s.n = 0;
  ck_assert_ptr_null (bp_net_alloc (bp_net_mlp, &s));
  s.n = CLASSES;
  s.n_hidden = BP_NET_MAX_HIDDEN + 1;
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));
  s = (bp_net_shape) { .rows = 3, .cols = COLS, .n = CLASSES, .C1 = 2, .C2 = 2 };
  ck_assert_ptr_null (bp_net_alloc (bp_net_cnn, &s));      /* under 4 x 4 */
  /* convolution channels, C1 or C2 alone, are no mlp's (mlp.c's layout) */
  s = (bp_net_shape) { .rows = ROWS, .cols = COLS, .n = CLASSES, .n_hidden = 1,
                       .hidden = { 3 }, .C1 = 2 };
  ck_assert_ptr_null (bp_net_alloc (bp_net_mlp, &s));
  s.C1 = 0;
  s.C2 = 2;
  ck_assert_ptr_null (bp_net_alloc (bp_net_mlp, &s));
  ck_assert_ptr_null (bp_net_type_by_name ("two-layer"));
  /* nor a linear classifier's, C1 or C2 alone (linear.c's layout) */
  s = (bp_net_shape) { .rows = ROWS, .cols = COLS, .n = CLASSES, .C1 = 2 };
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));
  s.C1 = 0;
  s.C2 = 2;
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));
  /* nor an image of no rows, or of no columns, alone */
  s = (bp_net_shape) { .rows = 0, .cols = COLS, .n = CLASSES };
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));
  s = (bp_net_shape) { .rows = ROWS, .cols = 0, .n = CLASSES };
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));
  /* a deep net of BP_NET_MAX_HIDDEN hidden layers is made, one of an
     unknown activation is not (deep.c's layout) */
  s = (bp_net_shape) { .rows = ROWS, .cols = COLS, .n = CLASSES,
                       .n_hidden = BP_NET_MAX_HIDDEN, .act = BP_TANH };
  for (size_t l = 0; l < BP_NET_MAX_HIDDEN; l++)
    s.hidden[l] = 3;
  bp_net *deepest = bp_net_alloc (bp_net_deep, &s);
  ck_assert_ptr_nonnull (deepest);
  bp_net_free (deepest);
  s.act = (bp_activation) 3;
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));
  /* nor one of no inputs (an image of no rows), its classes there */
  s = (bp_net_shape) { .rows = 0, .cols = COLS, .n = CLASSES, .n_hidden = 1,
                       .hidden = { 3 }, .act = BP_TANH };
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));
  /* W of 16 x (2^60 + 1): 16 (2^60 + 1) elements overflow size_t (to 16) */
  s = (bp_net_shape) { .rows = 1, .cols = ((size_t) 1 << 60) + 1, .n = 16 };
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));
  /* inputs m = rows cols of (2^(w-1) + 1) x 2 wrap to 2, a valid size on
     their own: every row's layout reads m, so each must refuse them */
  s = (bp_net_shape) { .rows = SIZE_MAX / 2 + 2, .cols = 2, .n = CLASSES, .n_hidden = 1,
                       .hidden = { 3 }, .act = BP_RELU, .C1 = 0, .C2 = 0 };
  ck_assert_ptr_null (bp_net_alloc (bp_net_mlp, &s));
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));
  s.n_hidden = 0;
  ck_assert_ptr_null (bp_net_alloc (bp_net_linear, &s));
  gsl_set_error_handler (old);
}
END_TEST

/* net_same_shape compares the depth: the workspace of a deep net of two
   hidden layers (6, 4) is refused for the net of three (6, 4, 5) whose
   first two are the same, and the other way round, by forward and
   backward's own test (their message, once), before the row runs (whose
   products of the wrong shapes would refuse it too) */
START_TEST (test_workspace_of_a_deeper_net)
{
  const bp_net_shape s2 = { .rows = ROWS, .cols = COLS, .n = CLASSES, .n_hidden = 2,
                            .hidden = { 6, 4 }, .act = BP_TANH };
  bp_net_shape s3 = s2;
  s3.n_hidden = 3;
  s3.hidden[2] = 5;
  bp_net *n2 = bp_net_alloc (bp_net_deep, &s2), *n3 = bp_net_alloc (bp_net_deep, &s3);
  ck_assert_ptr_nonnull (n2);
  ck_assert_ptr_nonnull (n3);
  gsl_rng *r = test_rng (51);
  ck_assert_int_eq (bp_net_init (n2, r), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_init (n3, r), GSL_SUCCESS);
  bp_net_workspace *w2 = bp_net_workspace_alloc (n2, 5), *w3 = bp_net_workspace_alloc (n3, 5);
  gsl_matrix *U = gsl_matrix_alloc (5, ROWS * COLS), *T = gsl_matrix_alloc (5, CLASSES);
  batch (r, U, T);
  double L;
  ck_assert_int_eq (bp_net_forward (n2, U, T, w2, NULL, &L), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_forward (n3, U, T, w3, NULL, &L), GSL_SUCCESS);
  gsl_error_handler_t *old = test_record_errors ();
  const char *fwd = "bp_net_forward: the workspace was made for another network";
  const char *bwd = "bp_net_backward: the workspace was made for another network";
  const struct { bp_net *net; bp_net_workspace *w; } pair[2] = { { n3, w2 }, { n2, w3 } };
  for (int k = 0; k < 2; k++)
    {
      test_errors.count = 0;
      test_errors.reason = NULL;
      ck_assert_int_eq (bp_net_forward (pair[k].net, U, T, pair[k].w, NULL, &L), GSL_EBADLEN);
      ck_assert_msg (test_errors.count == 1 && test_errors.reason && strcmp (test_errors.reason, fwd) == 0,
                     "forward, pair %d: %d error(s), the last \"%s\"", k, test_errors.count,
                     test_errors.reason ? test_errors.reason : "");
      test_errors.count = 0;
      test_errors.reason = NULL;
      ck_assert_int_eq (bp_net_backward (pair[k].net, U, T, pair[k].w, NULL, &L), GSL_EBADLEN);
      ck_assert_msg (test_errors.count == 1 && test_errors.reason && strcmp (test_errors.reason, bwd) == 0,
                     "backward, pair %d: %d error(s), the last \"%s\"", k, test_errors.count,
                     test_errors.reason ? test_errors.reason : "");
    }
  gsl_set_error_handler (old);
  gsl_matrix_free (U);
  gsl_matrix_free (T);
  bp_net_workspace_free (w2);
  bp_net_workspace_free (w3);
  bp_net_free (n2);
  bp_net_free (n3);
  gsl_rng_free (r);
}
END_TEST

/* a workspace made for a net of type T and shape sa, used for one of
   shape sb: bp_net_forward refuses it by its own test (its message,
   once) */
static void
assert_workspace_refused (const bp_net_type *T, const bp_net_shape *sa, const bp_net_shape *sb)
{
  bp_net *a = bp_net_alloc (T, sa), *b = bp_net_alloc (T, sb);
  ck_assert_ptr_nonnull (a);
  ck_assert_ptr_nonnull (b);
  bp_net_workspace *w = bp_net_workspace_alloc (a, 2);
  ck_assert_ptr_nonnull (w);
  const size_t m = sb->rows * sb->cols;
  gsl_matrix *U = gsl_matrix_calloc (2, m), *Y = gsl_matrix_calloc (2, CLASSES);
  gsl_matrix_set (Y, 0, 0, 1.0);
  gsl_matrix_set (Y, 1, 1, 1.0);
  gsl_error_handler_t *old = test_record_errors ();
  test_errors.count = 0;
  test_errors.reason = NULL;
  double L;
  ck_assert_int_eq (bp_net_forward (b, U, Y, w, NULL, &L), GSL_EBADLEN);
  const char *want = "bp_net_forward: the workspace was made for another network";
  ck_assert_msg (test_errors.count == 1 && test_errors.reason && strcmp (test_errors.reason, want) == 0,
                 "%d error(s), the last \"%s\"", test_errors.count, test_errors.reason ? test_errors.reason : "");
  gsl_set_error_handler (old);
  gsl_matrix_free (U);
  gsl_matrix_free (Y);
  bp_net_workspace_free (w);
  bp_net_free (a);
  bp_net_free (b);
}

/* net_same_shape compares the rows and the columns each: the workspace
   of a net of 4 x 5 images refused for one of 5 x 5 (the columns the
   same) */
START_TEST (test_workspace_of_other_rows)
{
  const bp_net_shape s45 = { .rows = 4, .cols = 5, .n = CLASSES };
  bp_net_shape s55 = s45;
  s55.rows = 5;
  assert_workspace_refused (bp_net_linear, &s45, &s55);
}
END_TEST

/* net_same_shape compares the second layer's channels: the workspace
   of a cnn of 2 and 2 channels refused for one of 2 and 3 (C1 the same) */
START_TEST (test_workspace_of_other_channels)
{
  const bp_net_shape s22 = { .rows = ROWS, .cols = COLS, .n = CLASSES, .C1 = 2, .C2 = 2 };
  bp_net_shape s23 = s22;
  s23.C2 = 3;
  assert_workspace_refused (bp_net_cnn, &s22, &s23);
}
END_TEST

/* a batch of no rows is refused (net.c: 1 <= b <= B), not run as an
   empty batch: U a 0 x m matrix whose data points somewhere; and one of
   B + 1 rows */
START_TEST (test_empty_batch_refused)
{
  const bp_net_shape s = { .rows = ROWS, .cols = COLS, .n = CLASSES };
  bp_net *net = bp_net_alloc (bp_net_linear, &s);
  bp_net_workspace *w = bp_net_workspace_alloc (net, 2);
  double data[ROWS * COLS] = { 0 }, tdata[CLASSES] = { 0 }, L = 0.0;
  gsl_matrix U = { .size1 = 0, .size2 = ROWS * COLS, .tda = ROWS * COLS, .data = data },
             T = { .size1 = 0, .size2 = CLASSES, .tda = CLASSES, .data = tdata };
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_net_forward (net, &U, &T, w, NULL, &L), GSL_EBADLEN);
  ck_assert_int_eq (bp_net_forward (net, &U, NULL, w, NULL, NULL), GSL_EBADLEN);
  /* nor a batch of more rows than the workspace's B = 2, of the right
     width (mutant: 'size1 > B || size2 != m' as '&&') */
  gsl_matrix *U3 = gsl_matrix_calloc (3, ROWS * COLS);
  ck_assert_int_eq (bp_net_forward (net, U3, NULL, w, NULL, NULL), GSL_EBADLEN);
  gsl_matrix_free (U3);
  gsl_set_error_handler (old);
  bp_net_workspace_free (w);
  bp_net_free (net);
}
END_TEST

/* bp_net_workspace_bytes saturates at SIZE_MAX when a sum of buffers
   overflows size_t, no product alone (valid.h's bytes_add): a linear
   net's shape with m = SIZE_MAX / 8 inputs, whose batch row U (8 m =
   SIZE_MAX - 7 bytes) and row buffers (3 n doubles) add past SIZE_MAX.
   No net of that shape can be made; bp_net_workspace_bytes reads the
   net's type and shape alone, so a bp_net holding just those asks it. */
START_TEST (test_workspace_bytes_saturate)
{
  const bp_net fake = { .type = bp_net_linear,
                        .shape = { .rows = 1, .cols = SIZE_MAX / 8, .n = 2 } };
  ck_assert_uint_eq (bp_net_workspace_bytes (&fake, 1), SIZE_MAX);
}
END_TEST

START_TEST (test_workspace_of_another_net)
{
  /* a workspace fits the network it was made for: one of the same row
     but another shape (7 hidden units, not 8), or of the same shape but
     another row (mlp, deep), is refused by forward and backward alike */
  const bp_net_shape s7 = { .rows = ROWS, .cols = COLS, .n = CLASSES, .n_hidden = 1,
                            .hidden = { 7 }, .act = BP_RELU };
  bp_net_shape s8 = s7;
  s8.hidden[0] = 8;
  bp_net *a = bp_net_alloc (bp_net_mlp, &s7), *b = bp_net_alloc (bp_net_mlp, &s8);
  bp_net *c = bp_net_alloc (bp_net_deep, &s7);
  gsl_rng *r = test_rng (50);
  ck_assert_int_eq (bp_net_init (a, r), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_init (b, r), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_init (c, r), GSL_SUCCESS);
  bp_net_workspace *w = bp_net_workspace_alloc (a, 5);
  gsl_matrix *U = gsl_matrix_alloc (5, ROWS * COLS), *T = gsl_matrix_alloc (5, CLASSES);
  batch (r, U, T);
  double L;
  ck_assert_int_eq (bp_net_forward (a, U, T, w, NULL, &L), GSL_SUCCESS);
  /* no T: the loss is 0 (bp_net.h) */
  double L0 = 5.0;
  ck_assert_int_eq (bp_net_forward (a, U, NULL, w, NULL, &L0), GSL_SUCCESS);
  ck_assert_double_eq (L0, 0.0);
  /* the units past n_hidden are no layer's: a net that differs only there
     has the same shape, and uses the workspace */
  bp_net_shape extra = s7;
  extra.hidden[1] = 99;
  bp_net *e = bp_net_alloc (bp_net_mlp, &extra);
  ck_assert_int_eq (bp_net_init (e, r), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_forward (e, U, T, w, NULL, &L), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_backward (e, U, T, w, NULL, &L), GSL_SUCCESS);
  bp_net_free (e);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_net_forward (b, U, T, w, NULL, &L), GSL_EBADLEN);
  ck_assert_int_eq (bp_net_backward (b, U, T, w, NULL, &L), GSL_EBADLEN);
  ck_assert_int_eq (bp_net_forward (c, U, T, w, NULL, &L), GSL_EBADLEN);
  ck_assert_int_eq (bp_net_backward (c, U, T, w, NULL, &L), GSL_EBADLEN);
  /* dL/dU written over U itself: an output overlapping an input */
  ck_assert_int_eq (bp_net_backward (a, U, T, w, U, &L), GSL_EINVAL);
  gsl_set_error_handler (old);
  gsl_matrix_free (U);
  gsl_matrix_free (T);
  bp_net_workspace_free (w);
  bp_net_free (a);
  bp_net_free (b);
  bp_net_free (c);
  gsl_rng_free (r);
}
END_TEST

START_TEST (test_describe)
{
  /* "L-layer network m -> h_1 f -> ... -> n" (bp_net.h), the units past
     n_hidden no layer's; into a short buffer, snprintf's prefix of it */
  bp_net_shape s = { .rows = 4, .cols = 4, .n = 5, .n_hidden = 3, .hidden = { 6, 4, 3, 9, 9 },
                     .act = BP_SIGMOID };
  bp_net *deep = bp_net_alloc (bp_net_deep, &s);
  const char *want = "4-layer network 16 -> 6 sigmoid -> 4 sigmoid -> 3 sigmoid -> 5";
  char buf[256];
  ck_assert_int_eq (bp_net_describe (deep, buf, sizeof buf), GSL_SUCCESS);
  ck_assert_str_eq (buf, want);
  for (size_t len = 1; len <= strlen (want); len++)
    {
      memset (buf, 'x', sizeof buf);
      ck_assert_int_eq (bp_net_describe (deep, buf, len), GSL_SUCCESS);
      ck_assert_uint_eq (strlen (buf), len - 1);
      ck_assert (strncmp (buf, want, len - 1) == 0);
      for (size_t k = len; k < sizeof buf; k++)   /* nothing written past len */
        ck_assert_int_eq (buf[k], 'x');
    }
  memset (buf, 'x', sizeof buf);
  ck_assert_int_eq (bp_net_describe (deep, buf, 0), GSL_SUCCESS);
  ck_assert_int_eq (buf[0], 'x');
  bp_net_free (deep);
}
END_TEST

/* The rows' training defaults are backprop(1)'s for `backprop train`
   (10 epochs, batch 64, rate 0.05, momentum 0.9, no weight decay; 30
   epochs and 5e-5 with --hidden; 15 and 5e-4 with --conv), and each
   float32 row has its float64 twin's.  Mutants: linear.c's
   `.weight_decay = 0.0` as 1.0, in the float64 row and in the float32
   one */
START_TEST (test_row_defaults)
{
  const struct { const bp_net_type *row; size_t epochs; double decay; } want[] = {
    { bp_net_linear, 10, 0.0 }, { bp_net_mlp, 30, 5e-5 }, { bp_net_deep, 30, 5e-5 },
    { bp_net_cnn, 15, 5e-4 } };
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
    for (int f = 0; f < 2; f++)
      {
        const bp_net_type *row = f ? want[k].row->float32 : want[k].row;
        if (row == NULL)
          continue;
        const bp_sgd_params *p = &row->defaults;
        ck_assert_msg (p->epochs == want[k].epochs && p->batch == 64 && p->lr == 0.05
                       && p->momentum == 0.9 && p->weight_decay == want[k].decay,
                       "%s: %zu epochs, batch %zu, rate %g, momentum %g, decay %g", row->name,
                       p->epochs, p->batch, p->lr, p->momentum, p->weight_decay);
      }
}
END_TEST

/* convolution channels, C1 or C2 alone, are no deep net's either (deep.c's
   layout), as they are no mlp's or linear classifier's (test_refused).
   Mutant: deep_layout()'s `n_hidden > BP_NET_MAX_HIDDEN || C1` as `&&`
   (C1 then refused only beside too many hidden layers) */
START_TEST (test_deep_refuses_channels)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net_shape s = { .rows = ROWS, .cols = COLS, .n = CLASSES, .n_hidden = 2,
                     .hidden = { 3, 4 }, .act = BP_TANH };
  bp_net *net = bp_net_alloc (bp_net_deep, &s);
  ck_assert_ptr_nonnull (net);   /* the same shape without channels is made */
  bp_net_free (net);
  s.C1 = 2;
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));
  s.C1 = 0;
  s.C2 = 2;
  ck_assert_ptr_null (bp_net_alloc (bp_net_deep, &s));
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
net_suite (void)
{
  Suite *s = suite_create ("bp_net");
  TCase *tc = tcase_create ("every row");
  tcase_set_timeout (tc, 300);
  N_CASES = test_net_cases (shapes, N_SHAPES, ROWS, COLS, CLASSES, BP_NET_FLOAT64, cases,
                            MAX_CASES);
  tcase_add_test (tc, test_every_row_has_a_case);
  tcase_add_loop_test (tc, test_backward_against_checker, 0, N_CASES);
  tcase_add_loop_test (tc, test_trainer_is_eq_14_8, 0, N_CASES);
  tcase_add_loop_test (tc, test_resume_equals_uninterrupted, 0, N_CASES);
  tcase_add_loop_test (tc, test_deep_of_one_layer_is_mlp, 0, 2);
  tcase_add_loop_test (tc, test_workspace_bytes, 0, N_CASES);
  tcase_add_test (tc, test_refused);
  tcase_add_test (tc, test_deep_refuses_channels);
  tcase_add_test (tc, test_row_defaults);
  tcase_add_test (tc, test_workspace_of_another_net);
  tcase_add_test (tc, test_workspace_of_a_deeper_net);
  tcase_add_test (tc, test_workspace_bytes_saturate);
  tcase_add_test (tc, test_workspace_of_other_rows);
  tcase_add_test (tc, test_workspace_of_other_channels);
  tcase_add_test (tc, test_empty_batch_refused);
  tcase_add_test (tc, test_describe);
  tcase_add_test (tc, test_deep_trains_on_subset);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { net_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
