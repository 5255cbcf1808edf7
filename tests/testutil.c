/* testutil.c -- see testutil.h */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include <gsl/gsl_errno.h>
#include "testutil.h"

gsl_rng *
test_rng (int i)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 1000u + (unsigned long) i);
  return rng;
}

gsl_vector *
test_logits (gsl_rng *rng, size_t n, double scale)
{
  gsl_vector *v = gsl_vector_alloc (n);
  for (size_t k = 0; k < n; k++)
    gsl_vector_set (v, k, scale * (2.0 * gsl_rng_uniform (rng) - 1.0));
  return v;
}

void
test_chain_to_dL_dv (example *ex)
{
  bp_model_workspace *w = ex->ws;
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w);
  bp_cross_entropy_grad (ex->labels, w->y, w->dL_dy);
  bp_softmax_jacobian (w->y, w->J);
  bp_softmax_backward (w->J, w->dL_dy, w->dL_dv);
}

/* Put the labels of ex only on classes with y_i >= 1e-3. */
static void
support_labels (example *ex, int one_hot, gsl_rng *rng)
{
  const gsl_vector *y = ex->ws->y;
  double sum = 0.0;
  gsl_vector_set_zero (ex->labels);
  if (one_hot)
    {
      gsl_vector_set (ex->labels, gsl_vector_max_index (y), 1.0);
      return;
    }
  for (size_t k = 0; k < y->size; k++)
    if (gsl_vector_get (y, k) >= 1e-3)
      {
        const double l = gsl_rng_uniform_pos (rng);
        gsl_vector_set (ex->labels, k, l);
        sum += l;
      }
  gsl_vector_scale (ex->labels, 1.0 / sum);
}

example *
test_example (int i)
{
  gsl_rng *rng = test_rng (i);
  size_t n = 10, rows = 28, cols = 28;
  if (i != 0)
    {
      n = 2 + gsl_rng_uniform_int (rng, 11);
      rows = 1 + gsl_rng_uniform_int (rng, 6);
      cols = 1 + gsl_rng_uniform_int (rng, 6);
    }
  const int one_hot = (i % 2 == 0);
  example *ex = example_alloc (n, rows, cols, 0.05,
                                     one_hot ? LABELS_ONE_HOT : LABELS_SOFT, rng);
  if (i >= TEST_LARGE_FROM)
    {
      bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
      const double s = 500.0 / fmax (gsl_vector_max (ex->ws->v), -gsl_vector_min (ex->ws->v));
      gsl_matrix_scale (ex->W, s);
      gsl_vector_scale (ex->b, s);
      bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
      support_labels (ex, one_hot, rng);
    }
  gsl_rng_free (rng);
  return ex;
}

int
test_run_suites (Suite *(*const makers[]) (void), size_t count)
{
  int failed = 0;
  for (size_t k = 0; k < count; k++)
    {
      SRunner *sr = srunner_create (makers[k] ());
      srunner_run_all (sr, CK_ENV);
      failed += srunner_ntests_failed (sr);
      srunner_free (sr);
    }
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *
test_data_dir (void)
{
  const char *dir = getenv ("BP_TEST_DATA");
  return dir != NULL && dir[0] != '\0' ? dir : BP_TEST_DATA_DIR;
}

bp_dataset
test_tiny_dataset (gsl_rng *rng, size_t count)
{
  bp_dataset d = { count, 4, 5, 3, malloc (count * 20), malloc (count) };
  for (size_t k = 0; k < count * 20; k++)
    d.images[k] = (unsigned char) gsl_rng_uniform_int (rng, 256);
  for (size_t k = 0; k < count; k++)
    d.labels[k] = (unsigned char) gsl_rng_uniform_int (rng, 3);
  return d;
}

bp_net *
test_linear_net (const bp_dataset *d, gsl_matrix **W, gsl_vector **b)
{
  const bp_net_shape s = { .rows = d->rows, .cols = d->cols, .n = d->n_classes };
  bp_net *net = bp_net_alloc (bp_net_linear, &s);
  ck_assert_ptr_nonnull (net);
  if (W)
    *W = &net->theta_M[0].matrix;
  if (b)
    *b = &net->theta_v[1].vector;
  return net;
}

void
test_load_subset (const char *prefix, bp_dataset *d)
{
  char images[1024], labels[1024], err[1024] = "";
  snprintf (images, sizeof images, "%s/%s-images-idx3-ubyte.gz", test_data_dir (), prefix);
  snprintf (labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", test_data_dir (), prefix);
  ck_assert_msg (bp_dataset_read (images, labels, 10, d, err, sizeof err) == GSL_SUCCESS,
                 "%s", err);
}

void
test_gradcheck_pass (const bp_gradcheck_function *f, const gsl_matrix *theta,
                     const gsl_matrix *grad, unsigned method, double rtol, double atol,
                     const char *what)
{
  const bp_gradcheck_block t = { what, theta, NULL }, g = { what, grad, NULL };
  bp_gradcheck_options o;
  bp_gradcheck_result *r = NULL;
  bp_gradcheck_options_default (&o);
  o.method = method;
  o.rtol = rtol;
  o.atol = atol;
  const int s = bp_gradcheck (f, 1, &t, &g, &o, &r);
  ck_assert_ptr_nonnull (r);
  const bp_gradcheck_run *run = &r->run[0];
  const bp_gradcheck_element *w = &run->worst;
  ck_assert_msg (s == GSL_SUCCESS && run->n_checked == theta->size1 * theta->size2,
                 "%s: %zu of %zu elements disagree (%s); worst [%zu,%zu]: "
                 "analytic %.17g, numeric %.17g, error estimate %.3e", what,
                 run->n_failed + run->n_inconclusive, run->n_checked, run->reason,
                 w->row, w->col, w->analytic, w->numeric, w->abserr);
  bp_gradcheck_result_free (r);
}

void
test_assert_same_bits (const gsl_matrix *A, const gsl_matrix *B, const char *what)
{
  ck_assert_msg (A->size1 == B->size1 && A->size2 == B->size2, "%s: shapes differ", what);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      {
        const double a = gsl_matrix_get (A, i, j), b = gsl_matrix_get (B, i, j);
        ck_assert_msg (memcmp (&a, &b, sizeof a) == 0, "%s: [%zu,%zu] is %.17g, not %.17g",
                       what, i, j, a, b);
      }
}

int
test_set_threads (int n)
{
#ifdef _OPENMP
  const int before = omp_get_max_threads ();
  omp_set_num_threads (n);
  return before;
#else
  (void) n;
  return 1;
#endif
}
