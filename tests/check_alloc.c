/* check_alloc.c -- every allocator of the library under each of its
   allocations failing in turn (issue 24: make check catches every wrong
   line, the out-of-memory paths included).  Through tests/failalloc.c's
   seam, allocation n = 1, 2, ... of one call fails until the call makes
   fewer than n; each time the call must report the failure (NULL, or
   GSL_ENOMEM); the last time it must succeed, and free what it made (the
   blocks allocated less those freed: 0), as must every failing round
   (GSL 2.7's gsl_matrix_alloc keeps the matrix struct when its block
   cannot be allocated: the library allocates through src/lib/alloc.h,
   which does not).  A result that claims memory
   it could not get is the bug these tests catch: an allocation test
   whose || became && hands back a workspace with a NULL buffer.  The
   same seam guards each block's end: a pass that writes past one of its
   buffers is seen when the buffer is freed.  `make
   check-oom' runs the whole program this way (tests/oom/run.sh). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector_float.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_model.h"
#include "backprop/bp_model_file.h"
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include "lib/formulas/cnn_chain.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/formulas/winograd.h"
#include "failalloc.h"
#include "testutil.h"

/* One round of a call under test: make the object with allocation n
   failing (NULL: refused), then free it; made, what was made. */
typedef void *(*make_fn) (const void *arg);
typedef void (*free_fn) (void *p);

/* make (arg) with each of its allocations failing in turn, then none:
   NULL exactly when one failed, and nothing left allocated after any
   run (after release when none failed) */
static void
each_allocation_failing (make_fn make, free_fn release, const void *arg, const char *what)
{
  if (!failalloc_works ())
    return;
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (unsigned long n = 1;; n++)
    {
      failalloc_arm (n);
      void *p = make (arg);
      if (p != NULL)
        release (p);
      const unsigned long made = failalloc_disarm ();
      ck_assert_msg (failalloc_live () == 0, "%s, allocation %lu failing: %ld block(s) not "
                     "freed", what, n, failalloc_live ());
      if (made < n)
        {
          ck_assert_msg (p != NULL, "%s failed with no allocation failing", what);
          ck_assert_msg (n > 1, "%s allocated nothing", what);
          break;
        }
      ck_assert_msg (p == NULL, "%s returned an object although its allocation %lu of "
                     "%lu failed", what, n, made);
    }
  gsl_set_error_handler (old);
}

static void *
make_model_workspace (const void *arg)
{
  (void) arg;
  return bp_model_workspace_alloc (3, 4);
}

static void
free_model_workspace (void *p)
{
  bp_model_workspace_free (p);
}

/* bp_model_workspace_alloc (model.c): u, v, y, dL/dy, J, dL/dv, dL/du */
START_TEST (test_model_workspace_alloc_each_failing)
{
  each_allocation_failing (make_model_workspace, free_model_workspace, NULL,
                           "bp_model_workspace_alloc");
}
END_TEST

static void *
make_batch_workspace (const void *arg)
{
  (void) arg;
  return bp_batch_workspace_alloc (2, 3, 4);
}

static void
free_batch_workspace (void *p)
{
  bp_batch_workspace_free (p);
}

/* bp_batch_workspace_alloc (batch.c): U, T, V, Y, dL/dV, dL/dW, dL/db */
START_TEST (test_batch_workspace_alloc_each_failing)
{
  each_allocation_failing (make_batch_workspace, free_batch_workspace, NULL,
                           "bp_batch_workspace_alloc");
}
END_TEST

static void *
make_mlp_batch_workspace (const void *arg)
{
  (void) arg;
  return mlp_batch_workspace_alloc (2, 4, 5, 3);
}

static void
free_mlp_batch_workspace (void *p)
{
  mlp_batch_workspace_free (p);
}

/* mlp_batch_workspace_alloc (mlp_batch_source.c): Z, A, V, Y, dL/dV,
   dL/dA, dL/dZ */
START_TEST (test_mlp_batch_workspace_alloc_each_failing)
{
  each_allocation_failing (make_mlp_batch_workspace, free_mlp_batch_workspace, NULL,
                           "mlp_batch_workspace_alloc");
}
END_TEST

static void *
make_cnn_chain (const void *arg)
{
  const size_t H = *(const size_t *) arg;
  return cnn_chain_alloc (8, 8, 2, 3, H, 3);
}

static void
free_cnn_chain (void *p)
{
  cnn_chain_free (p);
}

/* cnn_chain_alloc (cnn.c): K1 b1 K2 b2, W3 b3 when H > 0, W4 b4 */
START_TEST (test_cnn_chain_alloc_each_failing)
{
  const size_t H[] = { 0, 4 };
  for (size_t k = 0; k < 2; k++)
    each_allocation_failing (make_cnn_chain, free_cnn_chain, &H[k], "cnn_chain_alloc");
}
END_TEST

/* A network of every row (double and float32) at a small shape: 8 x 8
   images, 3 classes; the cnn with and without its hidden layer */
static const bp_net_shape net_shapes[] = {
  { 8, 8, 3, 0, { 0 }, BP_RELU, 0, 0 },
  { 8, 8, 3, 1, { 5 }, BP_TANH, 0, 0 },
  { 8, 8, 3, 2, { 6, 4 }, BP_SIGMOID, 0, 0 },
  { 8, 8, 3, 3, { 6, 4, 5 }, BP_RELU, 0, 0 },
  { 8, 8, 3, 1, { 4 }, BP_RELU, 2, 3 },
  { 8, 8, 3, 0, { 0 }, BP_RELU, 2, 3 },
};
#define N_SHAPES (sizeof net_shapes / sizeof net_shapes[0])

/* every (row, shape) that bp_net_alloc takes, made and initialized:
   into nets (at most max), their count */
static size_t
every_net (bp_net **nets, size_t max)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_rng *rng = test_rng (24);
  size_t count = 0;
  const bp_net_type *T;
  for (size_t k = 0; (T = bp_net_type_at (k)) != NULL; k++)
    for (size_t s = 0; s < N_SHAPES && count < max; s++)
      {
        bp_net *net = bp_net_alloc (T, &net_shapes[s]);
        if (net == NULL)
          continue;
        ck_assert_int_eq (bp_net_init (net, rng), GSL_SUCCESS);
        nets[count++] = net;
      }
  gsl_rng_free (rng);
  gsl_set_error_handler (old);
  return count;
}

/* A row and a shape, for bp_net_alloc */
typedef struct
{
  const bp_net_type *type;
  const bp_net_shape *shape;
} net_args;

static void *
make_net (const void *arg)
{
  const net_args *a = arg;
  return bp_net_alloc (a->type, a->shape);
}

static void
free_net (void *p)
{
  bp_net_free (p);
}

/* bp_net_alloc (net.c) of every row and shape it takes: the net, theta
   and the gradient (double or float32), the blocks' views */
START_TEST (test_net_alloc_each_failing)
{
  size_t made = 0;
  const bp_net_type *T;
  for (size_t k = 0; (T = bp_net_type_at (k)) != NULL; k++)
    for (size_t s = 0; s < N_SHAPES; s++)
      {
        gsl_error_handler_t *old = gsl_set_error_handler_off ();
        bp_net *net = bp_net_alloc (T, &net_shapes[s]);
        gsl_set_error_handler (old);
        if (net == NULL)
          continue;
        bp_net_free (net);
        const net_args a = { T, &net_shapes[s] };
        each_allocation_failing (make_net, free_net, &a, T->name);
        made++;
      }
  ck_assert_uint_ge (made, 8);
}
END_TEST

static void *
make_net_workspace (const void *arg)
{
  return bp_net_workspace_alloc (arg, 2);
}

static void
free_net_workspace (void *p)
{
  bp_net_workspace_free (p);
}

/* bp_net_workspace_alloc (net.c) over every row: the row's workspace
   (linear: batch.c; mlp: mlp_batch_source.c; deep: deep_row_source.c;
   cnn: cnn_source.c; in double and float32) and the batch's buffers
   (net.c; a float32 row's U, T, dU and V) */
START_TEST (test_net_workspace_alloc_each_failing)
{
  bp_net *nets[64];
  const size_t count = every_net (nets, 64);
  ck_assert_uint_ge (count, 8);
  for (size_t k = 0; k < count; k++)
    {
      char what[128];
      bp_net_describe (nets[k], what, sizeof what);
      each_allocation_failing (make_net_workspace, free_net_workspace, nets[k], what);
      bp_net_free (nets[k]);
    }
}
END_TEST

static void *
make_trainer (const void *arg)
{
  return bp_net_trainer_alloc (arg, 10, 2);
}

static void
free_trainer (void *p)
{
  bp_net_trainer_free (p);
}

/* bp_net_trainer_alloc (train.c): the workspace, the velocity, the order */
START_TEST (test_trainer_alloc_each_failing)
{
  bp_net *nets[64];
  const size_t count = every_net (nets, 64);
  for (size_t k = 0; k < count; k++)
    {
      each_allocation_failing (make_trainer, free_trainer, nets[k], "bp_net_trainer_alloc");
      bp_net_free (nets[k]);
    }
}
END_TEST

/* bp_net_cforward's arguments: the net's blocks, a batch of two */
typedef struct
{
  const bp_net *net;
  gsl_matrix_complex *block[BP_NET_MAX_BLOCKS];
  gsl_matrix_complex *U;
  gsl_matrix *T;
  int status;
  int unrecovered;   /* failed passes whose workspace failed again after */
} cforward_args;

/* A workspace and a complex forward pass, status into a->status (GSL_ENOMEM
   when the workspace could not be made); the workspace, its scratch made,
   or NULL when the pass failed: an error, or *L NaN (net_cmean's answer
   for an example it could not evaluate, an allocation of the complex
   product's parts included) */
static void *
make_cforward (const void *arg)
{
  cforward_args *a = (cforward_args *) arg;
  bp_net_workspace *w = bp_net_workspace_alloc (a->net, 2);
  if (w == NULL)
    {
      a->status = GSL_ENOMEM;
      return NULL;
    }
  gsl_complex L;
  a->status = bp_net_cforward (a->net, (const gsl_matrix_complex *const *) a->block, a->U,
                               a->T, w, &L);
  if (a->status != GSL_SUCCESS || !isfinite (GSL_REAL (L)))
    {
      /* the one failing allocation is spent: the same workspace (its
         scratch kept or not) must now give the loss */
      const int again = bp_net_cforward (a->net, (const gsl_matrix_complex *const *) a->block,
                                         a->U, a->T, w, &L);
      if (again != GSL_SUCCESS || !isfinite (GSL_REAL (L)))
        a->unrecovered++;
      bp_net_workspace_free (w);
      return NULL;
    }
  return w;
}

/* bp_net_cforward (net.c) over every row that has one: its scratch (the
   dense rows' net_dense_cws_alloc, linear's, the cnn's cnn_cws_alloc) and
   the complex products' parts (arith.h's zgemv_by_dgemv): GSL_ENOMEM, or
   a NaN loss, for any allocation failing, and the same workspace right
   the next time (a scratch kept with a buffer missing fails for good);
   each scratch freed with its workspace */
START_TEST (test_net_cforward_each_failing)
{
  bp_net *nets[64];
  const size_t count = every_net (nets, 64);
  size_t tried = 0;
  for (size_t k = 0; k < count; k++)
    {
      bp_net *net = nets[k];
      if (net->type->cforward != NULL)
        {
          cforward_args a = { .net = net };
          for (size_t j = 0; j < net->n_blocks; j++)
            {
              const gsl_matrix *M = &net->theta_M[j].matrix;
              a.block[j] = gsl_matrix_complex_alloc (M->size1, M->size2);
              for (size_t r = 0; r < M->size1; r++)
                for (size_t c = 0; c < M->size2; c++)
                  gsl_matrix_complex_set (a.block[j], r, c,
                                          gsl_complex_rect (gsl_matrix_get (M, r, c),
                                                            r == 0 && c == 0 ? 1e-20 : 0.0));
            }
          const size_t m = net->shape.rows * net->shape.cols;
          a.U = gsl_matrix_complex_calloc (2, m);   /* imaginary parts 0 */
          a.T = gsl_matrix_calloc (2, net->shape.n);
          for (size_t i = 0; i < 2 * m; i++)
            a.U->data[2 * i] = (double) (i % 7) / 7.0;
          gsl_matrix_set (a.T, 0, 1, 1.0);
          gsl_matrix_set (a.T, 1, 2, 1.0);
          char what[160] = "bp_net_cforward of a ";
          bp_net_describe (net, what + 21, sizeof what - 21);
          each_allocation_failing (make_cforward, free_net_workspace, &a, what);
          ck_assert_int_eq (a.status, GSL_SUCCESS);
          ck_assert_msg (a.unrecovered == 0, "%s: %d workspace(s) failed again after the "
                         "allocation that failed", what, a.unrecovered);
          for (size_t j = 0; j < net->n_blocks; j++)
            gsl_matrix_complex_free (a.block[j]);
          gsl_matrix_complex_free (a.U);
          gsl_matrix_free (a.T);
          tried++;
        }
      bp_net_free (net);
    }
  ck_assert_uint_ge (tried, 4);
}
END_TEST

/* Every row's forward and backward passes on a full batch (b = B), and
   bp_net_evaluate of a set of B examples (its batch index of B, filled
   for one full batch), write only into their buffers: a workspace made,
   used and freed with the seam armed (no allocation failing), no block's
   end written past (the float32 rows' batch rounded into w->U_float,
   w->T_float, B x m and B x n, by net.c's to_float) */
START_TEST (test_net_passes_stay_in_their_buffers)
{
  if (!failalloc_works ())
    return;
  bp_net *nets[64];
  const size_t count = every_net (nets, 64);
  gsl_rng *rng = test_rng (25);
  for (size_t k = 0; k < count; k++)
    {
      bp_net *net = nets[k];
      const size_t m = net->shape.rows * net->shape.cols, n = net->shape.n, B = 3;
      gsl_matrix *U = gsl_matrix_alloc (B, m), *T = gsl_matrix_calloc (B, n);
      gsl_matrix *dU = gsl_matrix_alloc (B, m);
      for (size_t i = 0; i < B * m; i++)
        U->data[i] = gsl_rng_uniform (rng);
      for (size_t i = 0; i < B; i++)
        gsl_matrix_set (T, i, i % n, 1.0);
      char what[128];
      bp_net_describe (net, what, sizeof what);
      unsigned char images[3 * 64], labels[3];
      ck_assert_uint_le (B * m, sizeof images);
      for (size_t i = 0; i < B * m; i++)
        images[i] = (unsigned char) gsl_rng_uniform_int (rng, 256);
      for (size_t i = 0; i < B; i++)
        labels[i] = (unsigned char) (i % n);
      const bp_dataset d = { B, net->shape.rows, net->shape.cols, n, images, labels };
      failalloc_arm (0);
      bp_net_workspace *w = bp_net_workspace_alloc (net, B);
      double L = 0.0, accuracy, loss;
      const int fwd = w ? bp_net_forward (net, U, T, w, NULL, &L) : GSL_ENOMEM;
      const int bwd = w ? bp_net_backward (net, U, T, w, dU, &L) : GSL_ENOMEM;
      const int eval = w ? bp_net_evaluate (&d, net, w, NULL, &accuracy, &loss) : GSL_ENOMEM;
      bp_net_workspace_free (w);
      failalloc_disarm ();
      ck_assert_msg (fwd == GSL_SUCCESS && bwd == GSL_SUCCESS && eval == GSL_SUCCESS,
                     "%s: forward %d, backward %d, evaluate %d", what, fwd, bwd, eval);
      ck_assert_msg (failalloc_overruns () == 0, "%s: %lu block(s) written past their end",
                     what, failalloc_overruns ());
      ck_assert_msg (failalloc_live () == 0, "%s: %ld block(s) not freed", what,
                     failalloc_live ());
      gsl_matrix_free (U);
      gsl_matrix_free (T);
      gsl_matrix_free (dU);
      bp_net_free (net);
    }
  gsl_rng_free (rng);
}
END_TEST

/* The Winograd batch forms (winograd_source.c) on shape s and B images
   of random inputs: when failing, each form's two allocations (U or D,
   and the threads' buffer) failing alone must give GSL_ENOMEM and leave
   nothing; otherwise the three run and must succeed */
static void
winograd_forms (const bp_conv_shape *s, size_t B, gsl_rng *rng, int failing)
{
  const size_t HW = s->height * s->width;
  const size_t HoWo = (s->height + 2 * s->pad - 4) * (s->width + 2 * s->pad - 4);
  size_t lr, lc;
  conv_lowered_size (s, B, &lr, &lc);
  gsl_matrix *K = gsl_matrix_alloc (s->channels_out, s->channels_in * 25);
  gsl_matrix *X = gsl_matrix_alloc (s->channels_in, B * HW);
  gsl_matrix *dY = gsl_matrix_alloc (s->channels_out, B * HoWo);
  gsl_matrix *Y = gsl_matrix_alloc (s->channels_out, B * HoWo);
  gsl_matrix *dK = gsl_matrix_alloc (s->channels_out, s->channels_in * 25);
  gsl_matrix *dX = gsl_matrix_alloc (s->channels_in, B * HW);
  gsl_matrix *cols = gsl_matrix_alloc (lr, lc);
  gsl_vector *b = gsl_vector_alloc (s->channels_out);
  gsl_matrix *in[] = { K, X, dY };
  for (size_t m = 0; m < 3; m++)
    for (size_t i = 0; i < in[m]->size1 * in[m]->size2; i++)
      in[m]->data[i] = gsl_rng_uniform (rng) - 0.5;
  gsl_vector_set_all (b, 0.25);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (int f = 0; f < 3; f++)
    for (unsigned long n = failing ? 1 : 0; n <= (failing ? 2 : 0); n++)
      {
        if (failing)
          failalloc_arm (n);
        const int st = f == 0   ? bp_batch_conv (s, K, b, X, cols, Y)
                       : f == 1 ? bp_batch_conv_grad_weights (s, dY, cols, dK)
                                : bp_batch_conv_grad_input (s, K, dY, cols, dX);
        if (!failing)
          {
            ck_assert_msg (st == GSL_SUCCESS, "form %d: %d", f, st);
            continue;
          }
        const unsigned long made = failalloc_disarm ();
        ck_assert_msg (made >= n && st == GSL_ENOMEM && failalloc_live () == 0,
                       "form %d, allocation %lu of %lu failing: %d, %ld left", f, n, made, st,
                       failalloc_live ());
      }
  gsl_set_error_handler (old);
  gsl_matrix *all[] = { K, X, dY, Y, dK, dX, cols };
  for (size_t m = 0; m < sizeof all / sizeof all[0]; m++)
    gsl_matrix_free (all[m]);
  gsl_vector_free (b);
}

/* The Winograd batch forms write only into their buffers: each
   thread's slot of transform scratch (conv.c's wino_scratch) is used to
   its last element when a chunk's tile rows fill wino_rows (tw) (8
   images of 4 x 4 tiles: 32 rows of 4; 9 images make a second chunk of
   1), and a wide image (tw = 128, one tile row a transform) pads into the
   most of it.  Run with the seam armed (no allocation failing), the
   matrices made then too: no block's end written past, none left.  Then
   each allocation failing alone */
START_TEST (test_winograd_stays_in_its_buffers)
{
  if (!failalloc_works ())
    return;
  const struct
  {
    bp_conv_shape s;
    size_t B;
  } cases[] = {
    { { .channels_in = 2, .height = 8, .width = 8, .channels_out = 2, .k = 5, .pad = 2,
        .algorithm = BP_CONV_WINOGRAD }, 9 },
    { { .channels_in = 1, .height = 36, .width = 256, .channels_out = 1, .k = 5, .pad = 2,
        .algorithm = BP_CONV_WINOGRAD }, 1 },
  };
  gsl_rng *rng = test_rng (26);
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
      failalloc_arm (0);
      winograd_forms (&cases[c].s, cases[c].B, rng, 0);
      failalloc_disarm ();
      ck_assert_msg (failalloc_overruns () == 0, "case %zu: %lu block(s) written past their end",
                     c, failalloc_overruns ());
      ck_assert_msg (failalloc_live () == 0, "case %zu: %ld block(s) not freed", c,
                     failalloc_live ());
      winograd_forms (&cases[c].s, cases[c].B, rng, 1);
    }
  gsl_rng_free (rng);
}
END_TEST

/* bp_model_file_read (model_file.c) of every row's file with a training
   state and its history, with each of its allocations failing in turn:
   the network's blocks, the state's buffer, its velocity, RNG state and
   history (read_state).  Not each_allocation_failing: the C library's
   stdio reads unbuffered when its buffer cannot be allocated, so a read
   may succeed with an allocation failed; then what it read must be the
   file's.  A failing round is not checked for leaks (GSL 2.7's
   gsl_matrix_alloc keeps the struct when the block fails: above).
   One read first, unarmed: stdio's and the message catalog's blocks,
   made once per process, are not the read's. */
START_TEST (test_model_file_read_each_failing)
{
  if (!failalloc_works ())
    return;
  bp_net *nets[64];
  const size_t count = every_net (nets, 64);
  char path[64];
  snprintf (path, sizeof path, "alloc-%ld-model", (long) getpid ());
  static unsigned char rng_state[16] = "sixteen bytes..";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t k = 0; k < count; k++)
    {
      gsl_vector *velocity = gsl_vector_alloc (nets[k]->size);
      gsl_matrix *history = gsl_matrix_alloc (2, BP_HISTORY_FIELDS);
      for (size_t j = 0; j < velocity->size; j++)
        gsl_vector_set (velocity, j, 0.25 * (double) (j % 8) - 0.5);   /* float32 too */
      for (size_t j = 0; j < 2 * BP_HISTORY_FIELDS; j++)
        history->data[j] = 1.0 / (double) (j + 3);
      const bp_train_state st = { .epoch = 2, .epochs = 5, .batch = 64, .validation = 100,
                                  .seed = 7, .lr = 0.03, .momentum = 0.9,
                                  .weight_decay = 5e-4, .velocity = velocity,
                                  .rng_size = sizeof rng_state, .rng_state = rng_state,
                                  .history = history };
      ck_assert_int_eq (bp_model_file_write (path, nets[k], &st, NULL, 0), GSL_SUCCESS);
      char what[128];
      bp_net_describe (nets[k], what, sizeof what);
      bp_net *net0;   /* one read unarmed: what the process makes once */
      bp_train_state got0;
      ck_assert_int_eq (bp_model_file_read (path, &net0, &got0, NULL, 0), GSL_SUCCESS);
      bp_net_free (net0);
      bp_train_state_free (&got0);
      for (unsigned long n = 1;; n++)
        {
          bp_net *net;
          bp_train_state got;
          failalloc_arm (n);
          const int status = bp_model_file_read (path, &net, &got, NULL, 0);
          int same = 0;
          if (status == GSL_SUCCESS)
            {
              same = (net->theta ? gsl_vector_equal (net->theta, nets[k]->theta)
                      : gsl_vector_float_equal (net->theta_float, nets[k]->theta_float))
                     && gsl_vector_equal (got.velocity, velocity) && got.history != NULL
                     && gsl_matrix_equal (got.history, history)
                     && got.rng_size == sizeof rng_state
                     && memcmp (got.rng_state, rng_state, sizeof rng_state) == 0;
              bp_net_free (net);
              bp_train_state_free (&got);
            }
          const unsigned long made = failalloc_disarm ();
          ck_assert_msg (status == GSL_SUCCESS || made >= n,
                         "%s: read failed (%d) with no allocation failing", what, status);
          ck_assert_msg (status != GSL_SUCCESS || same,
                         "%s: read with allocation %lu of %lu failing, not what was written",
                         what, n, made);
          ck_assert_msg (status == GSL_SUCCESS || net == NULL, "%s", what);
          ck_assert_msg (status != GSL_SUCCESS || failalloc_live () == 0,
                         "%s: %ld block(s) not freed", what, failalloc_live ());
          if (made < n)
            break;
        }
      unlink (path);
      gsl_vector_free (velocity);
      gsl_matrix_free (history);
      bp_net_free (nets[k]);
    }
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
alloc_suite (void)
{
  Suite *s = suite_create ("allocation failures");
  TCase *tc = tcase_create ("each allocation failing");
  tcase_add_test (tc, test_model_workspace_alloc_each_failing);
  tcase_add_test (tc, test_batch_workspace_alloc_each_failing);
  tcase_add_test (tc, test_mlp_batch_workspace_alloc_each_failing);
  tcase_add_test (tc, test_cnn_chain_alloc_each_failing);
  tcase_add_test (tc, test_net_alloc_each_failing);
  tcase_add_test (tc, test_net_workspace_alloc_each_failing);
  tcase_add_test (tc, test_trainer_alloc_each_failing);
  tcase_add_test (tc, test_net_cforward_each_failing);
  tcase_add_test (tc, test_net_passes_stay_in_their_buffers);
  tcase_add_test (tc, test_winograd_stays_in_its_buffers);
  tcase_add_test (tc, test_model_file_read_each_failing);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { alloc_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
