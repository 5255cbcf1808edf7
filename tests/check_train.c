/* check_train.c -- suites bp_sgd_learning_rate, bp_sgd_update,
   bp_net_train_epoch and bp_net_evaluate of the one-layer row
   (bp_net_linear): one SGD step equals the mean of the
   single-example gradients of bp_model_backward; a few epochs on the
   Fashion-MNIST subset of tests/data lift the test accuracy far above
   chance, deterministically for a seed. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

/* --- bp_sgd_learning_rate, bp_sgd_update -------------------------------- */

START_TEST (test_learning_rate_cosine)
{
  /* eta_0 (1 + cos(pi t/T)) / 2: eta_0 at 0, eta_0/2 at T/2, 0 at T */
  bp_sgd_params p = bp_net_linear->defaults;
  p.lr = 0.4;
  ck_assert_double_eq (bp_sgd_learning_rate (&p, 0, 100), 0.4);
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 50, 100), 0.2, 1e-15);
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 100, 100), 0.0, 1e-15);
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 25, 100),
                           0.2 * (1 + sqrt (0.5)), 1e-15);
}
END_TEST

START_TEST (test_learning_rate_clamped)
{
  /* Past the schedule's end (t > T) the rate stays 0: cos(pi t/T) would
     rise again, to eta_0 at t = 2T (it did) */
  bp_sgd_params p = bp_net_linear->defaults;
  p.lr = 0.4;
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 101, 100), 0.0, 1e-15);
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 150, 100), 0.0, 1e-15);
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 200, 100), 0.0, 1e-15);
  ck_assert_double_eq_tol (bp_sgd_learning_rate (&p, 100000, 100), 0.0, 1e-15);
  /* and never increases along a run that overshoots */
  for (size_t t = 1; t < 300; t++)
    ck_assert_double_le (bp_sgd_learning_rate (&p, t, 100),
                         bp_sgd_learning_rate (&p, t - 1, 100));
}
END_TEST

START_TEST (test_sgd_update_by_hand)
{
  /* mu 0.5, velocity (1, 2), grad (1, 1), eta 0.1, theta (0, 0):
     velocity = (0.5 + 1, 1 + 1) = (1.5, 2); theta = -0.1 (1.5, 2) */
  gsl_vector *g = gsl_vector_alloc (2), *v = gsl_vector_alloc (2), *t = gsl_vector_calloc (2);
  gsl_vector_set_all (g, 1.0);
  gsl_vector_set (v, 0, 1.0);
  gsl_vector_set (v, 1, 2.0);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, g, v, t), GSL_SUCCESS);
  ck_assert_double_eq (gsl_vector_get (v, 0), 1.5);
  ck_assert_double_eq (gsl_vector_get (v, 1), 2.0);
  ck_assert_double_eq_tol (gsl_vector_get (t, 0), -0.15, 1e-16);
  ck_assert_double_eq_tol (gsl_vector_get (t, 1), -0.2, 1e-16);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *t3 = gsl_vector_calloc (3);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, g, v, t3), GSL_EBADLEN);
  gsl_set_error_handler (old);
  gsl_vector_free (g);
  gsl_vector_free (v);
  gsl_vector_free (t);
  gsl_vector_free (t3);
}
END_TEST

START_TEST (test_sgd_update_one_shared_element)
{
  /* velocity = buf[0..2] and theta = buf[2..4] share buf[2] alone: the
     two spans touch at one end (the last element of one is the first of
     the other), and the update refuses them, in either order */
  double buf[5] = { 0.0 };
  gsl_vector *g = gsl_vector_calloc (3);
  gsl_vector_view lo = gsl_vector_view_array (buf, 3), hi = gsl_vector_view_array (buf + 2, 3);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, g, &lo.vector, &hi.vector), GSL_EINVAL);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, g, &hi.vector, &lo.vector), GSL_EINVAL);
  /* buf[0..2] and buf[3..5) do not meet: accepted */
  double far[6] = { 0.0 };
  gsl_vector_view a = gsl_vector_view_array (far, 3), b = gsl_vector_view_array (far + 3, 3);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, g, &a.vector, &b.vector), GSL_SUCCESS);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, g, &b.vector, &a.vector), GSL_SUCCESS);
  gsl_set_error_handler (old);
  gsl_vector_free (g);
}
END_TEST

/* a strided vector's span ends at its last element, (n - 1) stride on:
   velocity (or theta) buf[0], buf[3], buf[6], buf[9] and grad buf[8..11]
   share buf[9]: refused; theta (or velocity) elsewhere */
START_TEST (test_sgd_update_strided_shared_element)
{
  double buf[12] = { 0.0 }, other[4] = { 0.0 };
  gsl_vector_view s = gsl_vector_view_array_with_stride (buf, 3, 4);
  gsl_vector_view g = gsl_vector_view_array (buf + 8, 4), o = gsl_vector_view_array (other, 4);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, &g.vector, &s.vector, &o.vector), GSL_EINVAL);
  ck_assert_int_eq (bp_sgd_update (0.1, 0.5, &g.vector, &o.vector, &s.vector), GSL_EINVAL);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_sgd_update_strided)
{
  /* grad, velocity and theta as views of strides (2, 3, 4), or one of
     them strided and the others not (the trainer passes flat buffers; a
     caller may pass columns): the update visits element k of each at k
     times its own stride and nothing between.  mu 0.5, eta 0.25,
     velocity (1, 2, 3), grad (4, 5, 6), theta 1: velocity = (0.5 + 4,
     1 + 5, 1.5 + 6) = (4.5, 6, 7.5); theta = 1 - 0.25 velocity =
     (-0.125, -0.5, -0.875), all exact */
  static const size_t strides[4][3] = { { 2, 3, 4 }, { 2, 1, 1 }, { 1, 3, 1 }, { 1, 1, 4 } };
  const size_t sg = strides[_i][0], sv = strides[_i][1], st = strides[_i][2];
  double gb[3 * 4 + 1], vb[3 * 4 + 1], tb[3 * 4 + 1];
  for (size_t k = 0; k < 13; k++)
    {
      gb[k] = -100.0;
      vb[k] = -200.0;
      tb[k] = -300.0;
    }
  for (size_t k = 0; k < 3; k++)
    {
      gb[sg * k] = 4.0 + (double) k;
      vb[sv * k] = 1.0 + (double) k;
      tb[st * k] = 1.0;
    }
  gsl_vector_view g = gsl_vector_view_array_with_stride (gb, sg, 3);
  gsl_vector_view v = gsl_vector_view_array_with_stride (vb, sv, 3);
  gsl_vector_view t = gsl_vector_view_array_with_stride (tb, st, 3);
  ck_assert_int_eq (bp_sgd_update (0.25, 0.5, &g.vector, &v.vector, &t.vector), GSL_SUCCESS);
  const double vel[3] = { 4.5, 6.0, 7.5 }, th[3] = { -0.125, -0.5, -0.875 };
  for (size_t k = 0; k < 3; k++)
    {
      ck_assert_double_eq (vb[sv * k], vel[k]);
      ck_assert_double_eq (tb[st * k], th[k]);
      ck_assert_double_eq (gb[sg * k], 4.0 + (double) k);
    }
  /* the elements between and past the views are untouched */
  for (size_t k = 0; k < 13; k++)
    {
      if (k % sg || k >= 3 * sg)
        ck_assert_double_eq (gb[k], -100.0);
      if (k % sv || k >= 3 * sv)
        ck_assert_double_eq (vb[k], -200.0);
      if (k % st || k >= 3 * st)
        ck_assert_double_eq (tb[k], -300.0);
    }
}
END_TEST

static Suite *
sgd_suite (void)
{
  Suite *s = suite_create ("bp_sgd_update");
  TCase *tc = tcase_create ("update");
  tcase_add_test (tc, test_learning_rate_cosine);
  tcase_add_test (tc, test_learning_rate_clamped);
  tcase_add_test (tc, test_sgd_update_by_hand);
  tcase_add_test (tc, test_sgd_update_one_shared_element);
  tcase_add_test (tc, test_sgd_update_strided_shared_element);
  tcase_add_loop_test (tc, test_sgd_update_strided, 0, 4);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_net_train_epoch ------------------------------------------------- */

START_TEST (test_train_step_is_mean_gradient)
{
  /* One epoch of one batch holding every example, momentum 0 (_i even) or
     0.9 (_i odd, the first step has zero velocity so it is the same), and
     no weight decay (_i < 2) or lambda = 0.1 (_i >= 2):
     W' = W - eta ((1/B) sum_k dL_k/dW + lambda W), b' = b - eta (1/B)
     sum_k dL_k/db (b is not decayed; derivations/14-mini-batch.md,
     eq. (14.10)), with dL_k/dW from the slides' chain bp_model_backward on
     image k / 255 and its one-hot label, and lambda W added here. */
  gsl_rng *rng = test_rng (_i);
  const size_t count = 7;
  bp_dataset d = test_tiny_dataset (rng, count);
  gsl_matrix *W, *W0 = gsl_matrix_alloc (3, 20);
  gsl_vector *b, *b0 = gsl_vector_alloc (3);
  bp_net *net = test_linear_net (&d, &W, &b);
  for (size_t k = 0; k < 60; k++)
    W->data[k] = gsl_rng_uniform (rng) - 0.5;
  for (size_t k = 0; k < 3; k++)
    gsl_vector_set (b, k, gsl_rng_uniform (rng) - 0.5);
  gsl_matrix_memcpy (W0, W);
  gsl_vector_memcpy (b0, b);

  const double lambda = _i >= 2 ? 0.1 : 0.0;
  bp_sgd_params p = { count, 0.3, _i % 2 ? 0.9 : 0.0, lambda, 1 };
  bp_net_trainer *t = bp_net_trainer_alloc (net, count, count);
  double loss;
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, t, NULL, NULL, net, &loss),
                    GSL_SUCCESS);

  gsl_matrix *x = gsl_matrix_alloc (4, 5), *dW = gsl_matrix_alloc (3, 20);
  gsl_matrix *dx = gsl_matrix_alloc (4, 5), *sumW = gsl_matrix_calloc (3, 20);
  gsl_vector *labels = gsl_vector_alloc (3), *db = gsl_vector_alloc (3);
  gsl_vector *sumb = gsl_vector_calloc (3);
  double sumL = 0.0;
  for (size_t k = 0; k < count; k++)
    {
      for (size_t j = 0; j < 20; j++)
        x->data[j] = d.images[k * 20 + j] / 255.0;
      gsl_vector_set_basis (labels, d.labels[k]);
      double L;
      bp_model_backward (W0, b0, x, labels, dW, db, dx, &L);
      gsl_matrix_add (sumW, dW);
      gsl_vector_add (sumb, db);
      sumL += L;
    }
  for (size_t k = 0; k < 60; k++)
    ck_assert_double_le (fabs (W->data[k] - (W0->data[k] - 0.3 * (sumW->data[k] / (double) count
                                                                + lambda * W0->data[k]))),
                         1e-14);
  for (size_t k = 0; k < 3; k++)
    ck_assert_double_le (fabs (gsl_vector_get (b, k)
                               - (gsl_vector_get (b0, k) - 0.3 * gsl_vector_get (sumb, k) / (double) count)),
                         1e-14);
  /* the epoch's loss is the mean loss before the update */
  ck_assert_double_le (fabs (loss - sumL / (double) count), 1e-13);

  bp_net_trainer_free (t);
  bp_net_free (net);
  bp_dataset_free (&d);
  gsl_matrix_free (W0);
  gsl_matrix_free (x);
  gsl_matrix_free (dW);
  gsl_matrix_free (dx);
  gsl_matrix_free (sumW);
  gsl_vector_free (b0);
  gsl_vector_free (labels);
  gsl_vector_free (db);
  gsl_vector_free (sumb);
  gsl_rng_free (rng);
}
END_TEST

/* Train on the 500 images of tests/data for `epochs' epochs with seed; the
   per-epoch training losses go to losses, the final W to *W. */
static double
train_subset (unsigned long seed, size_t epochs, double *losses, gsl_matrix **Wout)
{
  bp_dataset train, test;
  test_load_subset ("train", &train);
  test_load_subset ("t10k", &test);
  bp_sgd_params p = bp_net_linear->defaults;
  p.epochs = epochs;
  gsl_matrix *W;
  bp_net *net = test_linear_net (&train, &W, NULL);
  bp_net_trainer *t = bp_net_trainer_alloc (net, train.count, p.batch);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  for (size_t e = 0; e < epochs; e++)
    ck_assert_int_eq (bp_net_train_epoch (&train, &p, e, rng, t, NULL, NULL, net,
                                          &losses[e]), GSL_SUCCESS);
  double accuracy;
  ck_assert_int_eq (bp_net_evaluate (&test, net, t->ws, NULL, &accuracy, NULL), GSL_SUCCESS);
  *Wout = gsl_matrix_alloc (W->size1, W->size2);
  gsl_matrix_memcpy (*Wout, W);
  gsl_rng_free (rng);
  bp_net_trainer_free (t);
  bp_net_free (net);
  bp_dataset_free (&train);
  bp_dataset_free (&test);
  return accuracy;
}

START_TEST (test_train_subset_learns)
{
  /* chance is 10%; 5 epochs on 500 images reach about 73% on the 200
     test images (measured), so 50% leaves room for another BLAS's rounding
     yet fails for any real mistake in the gradient or the update */
  double losses[5];
  gsl_matrix *W;
  const double accuracy = train_subset (1, 5, losses, &W);
  ck_assert_msg (accuracy >= 0.5, "test accuracy %.3f after 5 epochs", accuracy);
  ck_assert_msg (losses[4] < 0.5 * losses[0], "training loss %.4f -> %.4f",
                 losses[0], losses[4]);
  for (size_t e = 0; e < 5; e++)
    ck_assert (isfinite (losses[e]));
  gsl_matrix_free (W);
}
END_TEST

START_TEST (test_train_deterministic)
{
  /* the same seed gives the same W bit for bit; another seed another W */
  double losses[2];
  gsl_matrix *W1, *W2, *W3;
  train_subset (7, 2, losses, &W1);
  train_subset (7, 2, losses, &W2);
  train_subset (8, 2, losses, &W3);
  ck_assert (gsl_matrix_equal (W1, W2));
  ck_assert (!gsl_matrix_equal (W1, W3));
  gsl_matrix_free (W1);
  gsl_matrix_free (W2);
  gsl_matrix_free (W3);
}
END_TEST

/* the progress calls of an epoch: done, total, and the mean loss of the
   examples done so far */
typedef struct
{
  size_t calls, done[8], total[8];
  double mean[8];
} progress_record;

static int
record_progress (size_t done, size_t total, double loss, void *arg)
{
  progress_record *r = arg;
  if (r->calls < 8)
    {
      r->done[r->calls] = done;
      r->total[r->calls] = total;
      r->mean[r->calls] = loss;
    }
  r->calls++;
  return 0;
}

/* progress is called after each batch of 2 of 5 examples with 2, 4, 5
   done of 5, and the mean loss so far: after the last batch it is the
   epoch's loss, the same sum over the same count */
START_TEST (test_progress_mean_loss)
{
  gsl_rng *rng = test_rng (3);
  bp_dataset d = test_tiny_dataset (rng, 5);
  bp_net *net = test_linear_net (&d, NULL, NULL);
  bp_net_trainer *t = bp_net_trainer_alloc (net, 5, 2);
  bp_sgd_params p = bp_net_linear->defaults;
  progress_record r = { 0 };
  double loss = 0.0;
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, t, record_progress, &r, net, &loss),
                    GSL_SUCCESS);
  ck_assert_uint_eq (r.calls, 3);
  const size_t done[3] = { 2, 4, 5 };
  for (size_t k = 0; k < 3; k++)
    {
      ck_assert_uint_eq (r.done[k], done[k]);
      ck_assert_uint_eq (r.total[k], 5);
      ck_assert (isfinite (r.mean[k]) && r.mean[k] > 0.0);
    }
  ck_assert_msg (r.mean[2] == loss, "the last mean %.17g, the epoch's loss %.17g", r.mean[2],
                 loss);
  bp_net_trainer_free (t);
  bp_net_free (net);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_train_bad_sizes)
{
  gsl_rng *rng = test_rng (0);
  bp_dataset d = test_tiny_dataset (rng, 5);
  bp_sgd_params p = bp_net_linear->defaults;
  /* a network of 4 x 4 images (16 inputs) for the data's 4 x 5 */
  const bp_net_shape s16 = { .rows = 4, .cols = 4, .n = 3 };
  bp_net *net = bp_net_alloc (bp_net_linear, &s16), *fits = test_linear_net (&d, NULL, NULL);
  bp_net_trainer *t = bp_net_trainer_alloc (net, 5, 2), *t6 = bp_net_trainer_alloc (fits, 6, 2);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_rng *before = gsl_rng_clone (rng);
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, t, NULL, NULL, net, NULL),
                    GSL_EBADLEN);
  /* refused before anything is done: the epoch's shuffle drew nothing */
  ck_assert_uint_eq (gsl_rng_get (rng), gsl_rng_get (before));
  gsl_rng_free (before);
  /* a trainer made for 6 examples, or for another network */
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, t6, NULL, NULL, fits, NULL),
                    GSL_EBADLEN);
  ck_assert_int_eq (bp_net_evaluate (&d, net, t->ws, NULL, NULL, NULL), GSL_EBADLEN);
  ck_assert_int_eq (bp_net_evaluate (&d, fits, t->ws, NULL, NULL, NULL), GSL_EBADLEN);
  ck_assert_ptr_null (bp_net_trainer_alloc (fits, 0, 2));
  ck_assert_ptr_null (bp_net_trainer_alloc (fits, 5, 0));
  /* a trainer of a relu net for a tanh net: the same row and sizes,
     another shape (the activation) */
  const bp_net_shape relu = { .rows = 4, .cols = 5, .n = 3, .n_hidden = 1, .hidden = { 3 },
                              .act = BP_RELU };
  bp_net_shape tanh_s = relu;
  tanh_s.act = BP_TANH;
  bp_net *nr = bp_net_alloc (bp_net_mlp, &relu), *nt = bp_net_alloc (bp_net_mlp, &tanh_s);
  bp_net_trainer *tr = bp_net_trainer_alloc (nr, 5, 2);
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, tr, NULL, NULL, nt, NULL),
                    GSL_EBADLEN);
  bp_net_trainer_free (tr);
  bp_net_free (nr);
  bp_net_free (nt);
  /* 5 x 4 images for the data's 4 x 5: the same 20 inputs and 3 classes,
     the images read across */
  const bp_net_shape s54 = { .rows = 5, .cols = 4, .n = 3 };
  bp_net *across = bp_net_alloc (bp_net_linear, &s54);
  bp_net_trainer *ta = bp_net_trainer_alloc (across, 5, 2);
  ck_assert_int_eq (bp_net_train_epoch (&d, &p, 0, rng, ta, NULL, NULL, across, NULL),
                    GSL_EBADLEN);
  ck_assert_int_eq (bp_net_evaluate (&d, across, ta->ws, NULL, NULL, NULL), GSL_EBADLEN);
  gsl_set_error_handler (old);
  bp_net_trainer_free (ta);
  bp_net_free (across);
  bp_net_trainer_free (t);
  bp_net_trainer_free (t6);
  bp_net_free (net);
  bp_net_free (fits);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

/* bp_net_evaluate refuses a workspace made for another network by its
   own test, once, when the row or the shape differs alone: the same row
   (linear) of 4 x 4 images for the data's 4 x 5, and another row (deep)
   of the mlp's very shape.  Mutant: bp_net_evaluate's `ws->type !=
   net->type || !net_same_shape` as `&&` (the first pair then reached
   forward's own test, whose message differs) */
START_TEST (test_evaluate_workspace_of_another_network)
{
  gsl_rng *rng = test_rng (0);
  bp_dataset d = test_tiny_dataset (rng, 5);
  const bp_net_shape s16 = { .rows = 4, .cols = 4, .n = 3 },
    one = { .rows = 4, .cols = 5, .n = 3, .n_hidden = 1, .hidden = { 3 }, .act = BP_RELU };
  bp_net *fits = test_linear_net (&d, NULL, NULL), *small = bp_net_alloc (bp_net_linear, &s16),
    *mlp = bp_net_alloc (bp_net_mlp, &one), *deep = bp_net_alloc (bp_net_deep, &one);
  ck_assert (fits && small && mlp && deep);
  bp_net_workspace *w16 = bp_net_workspace_alloc (small, 2),
    *wdeep = bp_net_workspace_alloc (deep, 2), *wmlp = bp_net_workspace_alloc (mlp, 2);
  ck_assert (w16 && wdeep && wmlp);
  /* each workspace is its own network's */
  ck_assert_int_eq (bp_net_evaluate (&d, mlp, wmlp, NULL, NULL, NULL), GSL_SUCCESS);
  ck_assert_int_eq (bp_net_evaluate (&d, deep, wdeep, NULL, NULL, NULL), GSL_SUCCESS);
  const struct { bp_net *net; bp_net_workspace *ws; } pair[] = {
    { fits, w16 }, { mlp, wdeep }, { deep, wmlp } };
  const char *want = "bp_net_evaluate: the workspace was made for another network";
  gsl_error_handler_t *old = test_record_errors ();
  for (size_t k = 0; k < sizeof pair / sizeof pair[0]; k++)
    {
      test_errors.count = 0;
      test_errors.reason = NULL;
      ck_assert_int_eq (bp_net_evaluate (&d, pair[k].net, pair[k].ws, NULL, NULL, NULL),
                        GSL_EBADLEN);
      ck_assert_msg (test_errors.count == 1 && test_errors.reason
                     && strcmp (test_errors.reason, want) == 0,
                     "pair %zu: %d error(s), the last \"%s\"", k, test_errors.count,
                     test_errors.reason ? test_errors.reason : "");
    }
  gsl_set_error_handler (old);
  bp_net_workspace_free (w16);
  bp_net_workspace_free (wdeep);
  bp_net_workspace_free (wmlp);
  bp_net_free (fits);
  bp_net_free (small);
  bp_net_free (mlp);
  bp_net_free (deep);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
train_suite (void)
{
  Suite *s = suite_create ("bp_net_train_epoch");
  TCase *tc = tcase_create ("epochs");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_train_step_is_mean_gradient, 0, 4);
  tcase_add_test (tc, test_train_subset_learns);
  tcase_add_test (tc, test_train_deterministic);
  tcase_add_test (tc, test_train_bad_sizes);
  tcase_add_test (tc, test_progress_mean_loss);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_net_evaluate ---------------------------------------------------- */

START_TEST (test_evaluate_constant_classifier)
{
  /* W = 0, b = e_1: every image is classified as class 1, so the accuracy
     is the share of label 1, column 1 of the confusion matrix holds the
     label counts, and the loss of an example is lse(0, 1, 0) - v_label
     = log(2 + e) - 1[label = 1] */
  gsl_rng *rng = test_rng (3);
  bp_dataset d = test_tiny_dataset (rng, 11);
  gsl_vector *b;
  bp_net *net = test_linear_net (&d, NULL, &b);
  gsl_vector_set (b, 1, 1.0);
  bp_net_workspace *ws = bp_net_workspace_alloc (net, 4);
  gsl_matrix_ulong *C = gsl_matrix_ulong_alloc (3, 3);
  double accuracy, loss;
  ck_assert_int_eq (bp_net_evaluate (&d, net, ws, C, &accuracy, &loss), GSL_SUCCESS);
  size_t count[3] = { 0 };
  double L = 0.0;
  const double lse = log (2.0 + exp (1.0));
  for (size_t k = 0; k < 11; k++)
    {
      count[d.labels[k]]++;
      L += lse - (d.labels[k] == 1 ? 1.0 : 0.0);
    }
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 3; j++)
      ck_assert_uint_eq (gsl_matrix_ulong_get (C, i, j), j == 1 ? count[i] : 0);
  ck_assert_double_eq_tol (accuracy, (double) count[1] / 11.0, 1e-15);
  ck_assert_double_eq_tol (loss, L / 11, 1e-14);
  gsl_matrix_ulong_free (C);
  bp_net_workspace_free (ws);
  bp_net_free (net);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_count_predictions_at_the_end)
{
  /* no rows of V from first = count: nothing to count, and accepted (the
     last batch of an evaluation ends there); from count + 1, refused */
  gsl_rng *rng = test_rng (4);
  bp_dataset d = test_tiny_dataset (rng, 4);
  double buf[3] = { 0.0 };
  const gsl_matrix V0 = { .size1 = 0, .size2 = 3, .tda = 3, .data = buf };
  gsl_matrix_ulong *C = gsl_matrix_ulong_calloc (3, 3);
  size_t right = 7;
  ck_assert_int_eq (bp_count_predictions (&d, 4, &V0, C, &right), GSL_SUCCESS);
  ck_assert_uint_eq (right, 7);
  ck_assert (gsl_matrix_ulong_isnull (C));
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_count_predictions (&d, 5, &V0, C, &right), GSL_EBADLEN);
  gsl_set_error_handler (old);
  gsl_matrix_ulong_free (C);
  bp_dataset_free (&d);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
evaluate_suite (void)
{
  Suite *s = suite_create ("bp_net_evaluate");
  TCase *tc = tcase_create ("accuracy");
  tcase_add_test (tc, test_evaluate_constant_classifier);
  tcase_add_test (tc, test_count_predictions_at_the_end);
  tcase_add_test (tc, test_evaluate_workspace_of_another_network);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { sgd_suite, train_suite, evaluate_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
