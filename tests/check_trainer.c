/* check_trainer.c -- the one trainer (src/lib/train/train.c) and what
   bp_train.h promises of it beyond one step: the schedule's step count
   over a multi-step epoch, a run's divergence returned (not aborted)
   under GSL's default handler, the trainer's allocation refusing a count
   whose order overflows, and the spreads of mlp_chain_randomize and
   mlp_chain_init.  derivations/14-mini-batch.md, derivations/12-two-layer-network.md */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include "testutil.h"

START_TEST (test_schedule_over_multi_step_epochs)
{
  /* count = 4 B (B = 2, 8 examples), 2 epochs, momentum 0, no decay: 8
     steps, step t at eta_t = lr (1 + cos(pi t / 8)) / 2 (eq. (14.9)), each
     on the mean gradient of its batch by the slides' chain
     bp_model_backward, the batches in the order gsl_ran_shuffle gives the
     identity with a copy of the RNG.  A wrong count of batches per epoch
     (ceil(8/2) = 4; (8+2+1)/2 = 5) shifts every rate after the first. */
  enum { n = 3, m = 20, count = 8, B = 2, epochs = 2 };
  gsl_rng *rng = test_rng (1);
  bp_dataset d = test_tiny_dataset (rng, count);
  gsl_matrix *W, *Wr = gsl_matrix_alloc (n, m);
  gsl_vector *b, *br = gsl_vector_alloc (n);
  bp_net *net = test_linear_net (&d, &W, &b);
  for (size_t k = 0; k < n * m; k++)
    W->data[k] = gsl_rng_uniform (rng) - 0.5;
  for (size_t k = 0; k < n; k++)
    gsl_vector_set (b, k, gsl_rng_uniform (rng) - 0.5);
  gsl_matrix_memcpy (Wr, W);
  gsl_vector_memcpy (br, b);
  gsl_rng *copy = gsl_rng_clone (rng);

  const double lr = 0.7;
  bp_sgd_params p = { B, lr, 0.0, 0.0, epochs };
  bp_net_trainer *t = bp_net_trainer_alloc (net, count, B);
  for (size_t e = 0; e < epochs; e++)
    ck_assert_int_eq (bp_net_train_epoch (&d, &p, e, rng, t, NULL, NULL, net, NULL),
                      GSL_SUCCESS);

  /* the reference, one example at a time */
  gsl_matrix *x = gsl_matrix_alloc (4, 5), *dW = gsl_matrix_alloc (n, m);
  gsl_matrix *dx = gsl_matrix_alloc (4, 5), *sumW = gsl_matrix_alloc (n, m);
  gsl_vector *labels = gsl_vector_alloc (n), *db = gsl_vector_alloc (n);
  gsl_vector *sumb = gsl_vector_alloc (n);
  size_t order[count], step = 0;
  for (size_t e = 0; e < epochs; e++)
    {
      for (size_t k = 0; k < count; k++)
        order[k] = k;
      gsl_ran_shuffle (copy, order, count, sizeof order[0]);
      for (size_t start = 0; start < count; start += B, step++)
        {
          gsl_matrix_set_zero (sumW);
          gsl_vector_set_zero (sumb);
          for (size_t r = 0; r < B; r++)
            {
              const size_t k = order[start + r];
              for (size_t j = 0; j < m; j++)
                x->data[j] = d.images[k * m + j] / 255.0;
              gsl_vector_set_basis (labels, d.labels[k]);
              bp_model_backward (Wr, br, x, labels, dW, db, dx, NULL);
              gsl_matrix_add (sumW, dW);
              gsl_vector_add (sumb, db);
            }
          const double eta = lr * (1.0 + cos (M_PI * (double) step / 8.0)) / 2.0;
          gsl_matrix_scale (sumW, -eta / B);
          gsl_vector_scale (sumb, -eta / B);
          gsl_matrix_add (Wr, sumW);
          gsl_vector_add (br, sumb);
        }
    }
  for (size_t k = 0; k < n * m; k++)
    ck_assert_msg (fabs (W->data[k] - Wr->data[k]) <= 1e-13, "W[%zu]: %.17g, by hand %.17g",
                   k, W->data[k], Wr->data[k]);
  for (size_t k = 0; k < n; k++)
    ck_assert_double_le (fabs (gsl_vector_get (b, k) - gsl_vector_get (br, k)), 1e-13);

  bp_net_trainer_free (t);
  bp_net_free (net);
  bp_dataset_free (&d);
  gsl_matrix_free (Wr);
  gsl_matrix_free (x);
  gsl_matrix_free (dW);
  gsl_matrix_free (dx);
  gsl_matrix_free (sumW);
  gsl_vector_free (br);
  gsl_vector_free (labels);
  gsl_vector_free (db);
  gsl_vector_free (sumb);
  gsl_rng_free (rng);
  gsl_rng_free (copy);
}
END_TEST

START_TEST (test_divergence_returned_not_aborted)
{
  /* GSL's default handler (abort) stays on: --lr 1e308 makes finite
     parameters give infinite logits, which the loop returns as
     GSL_EOVRFLW; a refusal through the handler would abort the test's
     process and fail it. */
  gsl_set_error_handler (NULL);
  gsl_rng *rng = test_rng (2);
  bp_dataset d = test_tiny_dataset (rng, 9);
  bp_sgd_params p = { 3, 1e308, 0.9, 0.0, 2 };
  gsl_matrix *W;
  gsl_vector *b;
  bp_net *lin = test_linear_net (&d, &W, &b);
  bp_net_trainer *t = bp_net_trainer_alloc (lin, 9, 3);
  int s = GSL_SUCCESS;
  for (size_t e = 0; e < 2 && s == GSL_SUCCESS; e++)
    s = bp_net_train_epoch (&d, &p, e, rng, t, NULL, NULL, lin, NULL);
  ck_assert_int_eq (s, GSL_EOVRFLW);
  const bp_net_shape ms = { .rows = 4, .cols = 5, .n = 3, .n_hidden = 1, .hidden = { 4 },
                            .act = BP_RELU };
  bp_net *net = bp_net_alloc (bp_net_mlp, &ms);
  bp_net_init (net, rng);
  bp_net_trainer *mt = bp_net_trainer_alloc (net, 9, 3);
  s = GSL_SUCCESS;
  for (size_t e = 0; e < 2 && s == GSL_SUCCESS; e++)
    s = bp_net_train_epoch (&d, &p, e, rng, mt, NULL, NULL, net, NULL);
  ck_assert_int_eq (s, GSL_EOVRFLW);
  /* the last update overflows with every loss finite (W's row 0 at 1e300,
     logits about 1e301; the decay's lambda W times eta = 1e10 is 1e310):
     the epoch's end finds it */
  bp_sgd_params q = { 9, 1e10, 0.0, 1.0, 1 };
  bp_net_trainer *t9 = bp_net_trainer_alloc (lin, 9, 9);
  gsl_matrix_set_zero (W);
  gsl_vector_set_zero (b);
  for (size_t j = 0; j < 20; j++)
    gsl_matrix_set (W, 0, j, 1e300);
  ck_assert_int_eq (bp_net_train_epoch (&d, &q, 0, rng, t9, NULL, NULL, lin, NULL),
                    GSL_EOVRFLW);
  bp_net_trainer_free (t9);
  /* finite logits, an infinite loss: W's row 0 at 1e307 and row 1 at
     -1e307 give v_0 - v_1 about 2e308 for the images of class 1 (20
     pixels summing to about 10, never near 18, where v_0 itself would
     overflow): the batch's loss is infinite, the step refused */
  bp_sgd_params r = { 9, 0.1, 0.0, 0.0, 1 };
  t9 = bp_net_trainer_alloc (lin, 9, 9);
  gsl_vector_set_zero (b);
  for (size_t j = 0; j < 20; j++)
    {
      gsl_matrix_set (W, 0, j, 1e307);
      gsl_matrix_set (W, 1, j, -1e307);
      gsl_matrix_set (W, 2, j, 0.0);
    }
  int has_class_1 = 0;
  for (size_t k = 0; k < 9; k++)
    has_class_1 |= d.labels[k] == 1;
  ck_assert (has_class_1);
  ck_assert_int_eq (bp_net_train_epoch (&d, &r, 0, rng, t9, NULL, NULL, lin, NULL),
                    GSL_EOVRFLW);
  bp_net_trainer_free (t9);
  /* and evaluating a finite model with overflowing logits: the same */
  gsl_matrix_set_all (W, 1e308);   /* 20 pixels of mean 1/2: about 1e309 */
  gsl_vector_set_zero (b);
  ck_assert_int_eq (bp_net_evaluate (&d, lin, t->ws, NULL, NULL, NULL), GSL_EOVRFLW);
  bp_net_trainer_free (t);
  bp_net_trainer_free (mt);
  bp_net_free (net);
  bp_net_free (lin);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_trainer_alloc_overflow)
{
  /* count * sizeof (size_t) wraps to 8: refused, not a 1-element order
     written past its end */
  const size_t wrap = SIZE_MAX / sizeof (size_t) + 2;
  gsl_error_handler_t *old = test_record_errors ();
  const bp_net_shape s = { .rows = 2, .cols = 2, .n = 3 };
  bp_net *net = bp_net_alloc (bp_net_linear, &s);
  test_errors.code = 0;
  ck_assert_ptr_null (bp_net_trainer_alloc (net, wrap, 2));
  ck_assert_int_eq (test_errors.code, GSL_EINVAL);   /* a bad size, not out of memory */
  bp_net_free (net);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_overlap_refused)
{
  /* bp_sgd_update with any two of grad, velocity, theta overlapping (the
     same vector, or views one element apart) gave wrong numbers with
     GSL_SUCCESS; now GSL_EINVAL. */
  gsl_error_handler_t *old = test_record_errors ();
  gsl_vector *a = gsl_vector_calloc (6), *c = gsl_vector_calloc (3);
  gsl_vector_view x = gsl_vector_subvector (a, 0, 3), y = gsl_vector_subvector (a, 1, 3);
  gsl_vector_view z = gsl_vector_subvector (a, 3, 3);
  test_errors.code = 0;
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, &x.vector, &y.vector, c), GSL_EINVAL);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, c, &x.vector, &y.vector), GSL_EINVAL);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, &x.vector, c, &x.vector), GSL_EINVAL);
  ck_assert_int_eq (test_errors.code, GSL_EINVAL);
  /* disjoint views of one block are fine */
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, &x.vector, &z.vector, c), GSL_SUCCESS);
  gsl_set_error_handler (old);
  gsl_vector_free (a);
  gsl_vector_free (c);
}
END_TEST

/* The sample variance of M's elements. */
static double
variance (const gsl_matrix *M)
{
  return gsl_stats_variance (M->data, 1, M->size1 * M->size2);
}

START_TEST (test_mlp_spreads)
{
  /* mlp_chain_randomize: W1 ~ N(0, 2/m) for ReLU, W2 ~ N(0, 1/H);
     mlp_chain_init: W1 ~ N(0, 2/m) (He) for ReLU, N(0, 2/(m+H)) (Glorot)
     otherwise, W2 ~ N(0, 2/(H+n)).  With 40,000 and 20,000 draws the
     sample variance is within 3% of its value (its relative standard
     deviation is sqrt(2/N) < 1%); a spread of 1 instead of 1/sqrt(H)
     is 400 times too wide. */
  enum { m = 100, H = 400, n = 50 };
  gsl_rng *rng = test_rng (4);
  mlp_chain *net = mlp_chain_alloc (m, H, n, BP_RELU);
  ck_assert_int_eq (mlp_chain_randomize (net, rng), GSL_SUCCESS);
  ck_assert_double_le (fabs (variance (net->W1) / (2.0 / m) - 1.0), 0.03);
  ck_assert_double_le (fabs (variance (net->W2) / (1.0 / H) - 1.0), 0.03);
  ck_assert_int_eq (mlp_chain_init (net, rng), GSL_SUCCESS);
  ck_assert_double_le (fabs (variance (net->W1) / (2.0 / m) - 1.0), 0.03);
  ck_assert_double_le (fabs (variance (net->W2) / (2.0 / (H + n)) - 1.0), 0.03);
  mlp_chain_free (net);
  net = mlp_chain_alloc (m, H, n, BP_TANH);
  ck_assert_int_eq (mlp_chain_init (net, rng), GSL_SUCCESS);
  ck_assert_double_le (fabs (variance (net->W1) / (2.0 / (m + H)) - 1.0), 0.03);
  mlp_chain_free (net);
  gsl_rng_free (rng);
}
END_TEST

/* Stops the epoch once done reaches *(size_t *) arg; counts its calls in
   calls. */
static size_t calls;

static int
stop_at (size_t done, size_t total, double loss, void *arg)
{
  (void) total;
  (void) loss;
  calls++;
  return done >= *(const size_t *) arg;
}

START_TEST (test_progress_stops_between_batches)
{
  /* 8 examples in batches of 2: a progress function that returns 1 after
     the second step ends the epoch there (GSL_CONTINUE, 2 calls, W moved,
     *loss untouched); one that returns 1 after the last step leaves a
     finished epoch (GSL_SUCCESS, 4 calls, *loss written). */
  enum { n = 3, m = 20, count = 8, B = 2 };
  gsl_rng *rng = test_rng (3);
  bp_dataset d = test_tiny_dataset (rng, count);
  gsl_matrix *W, *W0 = gsl_matrix_calloc (n, m);
  bp_net *net = test_linear_net (&d, &W, NULL);
  bp_sgd_params p = { B, 0.5, 0.0, 0.0, 1 };
  bp_net_trainer *t = bp_net_trainer_alloc (net, count, B);
  double loss = -1.0;
  size_t at = 2 * B;
  calls = 0;
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, t, stop_at, &at, net, &loss),
                    GSL_CONTINUE);
  ck_assert_uint_eq (calls, 2);
  ck_assert (loss == -1.0);
  ck_assert (!gsl_matrix_equal (W, W0));
  at = count;
  calls = 0;
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, t, stop_at, &at, net, &loss),
                    GSL_SUCCESS);
  ck_assert_uint_eq (calls, count / B);
  ck_assert (loss >= 0.0);
  bp_net_trainer_free (t);
  bp_net_free (net);
  gsl_matrix_free (W0);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
trainer_suite (void)
{
  Suite *s = suite_create ("training loop");
  TCase *tc = tcase_create ("loop");
  tcase_add_test (tc, test_schedule_over_multi_step_epochs);
  tcase_add_test (tc, test_divergence_returned_not_aborted);
  tcase_add_test (tc, test_trainer_alloc_overflow);
  tcase_add_test (tc, test_overlap_refused);
  tcase_add_test (tc, test_mlp_spreads);
  tcase_add_test (tc, test_progress_stops_between_batches);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { trainer_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
