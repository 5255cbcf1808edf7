/* alloc_all.c -- every allocator of the library, and the functions that
   allocate inside (the readers and writers of files, bp_model_backward),
   called once each with well-formed arguments, for tests/oom/run.sh: under
   the shim any one of their allocations may fail, and each must then
   return NULL or an error code, never crash.  Prints how many calls were
   refused; exit 0 when it ran to the end.  Argument: the folder of the
   small data set. */
#include <config.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "backprop.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/mlp_chain.h"

static int refused;

/* f(theta) = |theta|^2 / 2 for bp_gradcheck */
static int
half_square (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  double s = 0.0;
  for (size_t i = 0; i < p->vector[0]->size; i++)
    s += gsl_vector_get (p->vector[0], i) * gsl_vector_get (p->vector[0], i);
  *L = 0.5 * s;
  return 0;
}

/* bp_net_cforward's scratch, made at a workspace's first call (each
   allocation of it failing must give GSL_ENOMEM) and reused by the
   second: the complex blocks and U zeros, T one-hot */
static void
cforward_every_row (const bp_net *net)
{
  bp_net_workspace *w = bp_net_workspace_alloc (net, 1);
  gsl_matrix_complex *M[BP_NET_MAX_BLOCKS] = { NULL };
  int ok = w != NULL;
  for (size_t k = 0; k < net->n_blocks; k++)
    ok = (M[k] = gsl_matrix_complex_calloc (net->layout[k].size1,
                                           net->layout[k].size2 ? net->layout[k].size2 : 1))
         && ok;
  gsl_matrix_complex *U = gsl_matrix_complex_calloc (1, net->shape.rows * net->shape.cols);
  gsl_matrix *T = gsl_matrix_calloc (1, net->shape.n);
  if (ok && U && T)
    {
      gsl_matrix_set (T, 0, 0, 1.0);
      gsl_complex L;
      for (int twice = 0; twice < 2; twice++)
        if (bp_net_cforward (net, (const gsl_matrix_complex *const *) M, U, T, w, &L)
            != GSL_SUCCESS)
          refused++;
    }
  else
    refused++;
  for (size_t k = 0; k < net->n_blocks; k++)
    if (M[k]) gsl_matrix_complex_free (M[k]);
  if (U) gsl_matrix_complex_free (U);
  if (T) gsl_matrix_free (T);
  bp_net_workspace_free (w);
}

/* the forward and backward pass of two examples with a workspace of its
   own: a workspace must be NULL when one of its buffers could not be
   allocated, not come back with a NULL buffer the backward pass then
   writes (cnn_source.c's chain of tests, one && made ||, session 9) */
static void
backward_every_row (bp_net *net)
{
  bp_net_workspace *w = bp_net_workspace_alloc (net, 2);
  gsl_matrix *U = gsl_matrix_calloc (2, net->shape.rows * net->shape.cols);
  gsl_matrix *T = gsl_matrix_calloc (2, net->shape.n);
  if (w && U && T)
    {
      gsl_matrix_set (T, 0, 0, 1.0);
      gsl_matrix_set (T, 1, net->shape.n - 1, 1.0);
      double L;
      if (bp_net_backward (net, U, T, w, NULL, &L) != GSL_SUCCESS)
        refused++;
    }
  else
    refused++;
  if (U) gsl_matrix_free (U);
  if (T) gsl_matrix_free (T);
  bp_net_workspace_free (w);
}

/* the checker's result arrays, element-wise and after the directions'
   localization: each allocation failing alone, not only the first, must
   end the check with GSL_ENOMEM (a gradient wrong in one element, so the
   directions localize it) */
static void
gradcheck_wrong_gradient (void)
{
  gsl_vector *t = gsl_vector_alloc (8), *g = gsl_vector_alloc (8);
  if (t && g)
    {
      for (size_t i = 0; i < 8; i++)
        gsl_vector_set (t, i, 0.25 * (double) i - 1.0);
      gsl_vector_memcpy (g, t);
      gsl_vector_set (g, 5, gsl_vector_get (g, 5) + 1.0);
      const bp_gradcheck_function f = { .loss = half_square };
      const bp_gradcheck_block theta = { "theta", NULL, t }, grad = { "theta", NULL, g };
      bp_gradcheck_options o;
      bp_gradcheck_options_default (&o);
      o.method = BP_GRADCHECK_CENTRAL | BP_GRADCHECK_DIRECTIONAL;
      o.threads = 1;
      bp_gradcheck_result *r = NULL;
      if (bp_gradcheck (&f, 1, &theta, &grad, &o, &r) != GSL_FAILURE)
        refused++;
      bp_gradcheck_result_free (r);
    }
  else
    refused++;
  gsl_vector_free (t);
  gsl_vector_free (g);
}

#define TRY_ALLOC(type, call, freer)            \
  do {                                          \
    type *p_ = (call);                          \
    if (p_ == NULL)                             \
      refused++;                                \
    freer (p_);                                 \
  } while (0)

/* A library ending the program when it cannot allocate (libgomp calls
   exit (1)) exits 4 here, as the program's main does (doc/robustness.md):
   1 would read as a crash of ours to tests/oom/run.sh. */
static int returned;

static void
library_exit (void)
{
  if (!returned)
    _exit (4);
}

int
main (int argc, char **argv)
{
  getopt_long (argc, argv, "", NULL, NULL);   /* the shim counts from here */
  atexit (library_exit);
  const char *data = argc > 1 ? argv[1] : "tests/data";
  gsl_set_error_handler_off ();
  TRY_ALLOC (bp_model_workspace, bp_model_workspace_alloc (10, 784), bp_model_workspace_free);
  TRY_ALLOC (bp_batch_workspace, bp_batch_workspace_alloc (64, 10, 784),
             bp_batch_workspace_free);
  TRY_ALLOC (mlp_chain, mlp_chain_alloc (784, 16, 10, BP_RELU), mlp_chain_free);
  TRY_ALLOC (mlp_chain_workspace, mlp_chain_workspace_alloc (784, 16, 10), mlp_chain_workspace_free);
  const bp_net_shape ls = { .rows = 28, .cols = 28, .n = 10 };
  bp_net *lin = bp_net_alloc (bp_net_linear, &ls);
  if (lin != NULL)
    TRY_ALLOC (bp_net_trainer, bp_net_trainer_alloc (lin, 100, 64), bp_net_trainer_free);
  else
    refused++;
  bp_net_free (lin);

  /* files: read the data set, write and read both kinds of model */
  char images[4096], labels[4096], model[64], err[256];
  snprintf (images, sizeof images, "%s/t10k-images-idx3-ubyte.gz", data);
  snprintf (labels, sizeof labels, "%s/t10k-labels-idx1-ubyte.gz", data);
  snprintf (model, sizeof model, "oom-run.alloc-%ld", (long) getpid ());
  bp_dataset d;
  if (bp_dataset_read (images, labels, 10, &d, err, sizeof err) == GSL_SUCCESS)
    bp_dataset_free (&d);
  else
    refused++;
  gsl_matrix *W = gsl_matrix_calloc (10, 784), *G = gsl_matrix_alloc (10, 784),
             *x = gsl_matrix_calloc (28, 28), *gx = gsl_matrix_alloc (28, 28);
  gsl_vector *b = gsl_vector_calloc (10), *gb = gsl_vector_alloc (10),
             *t = gsl_vector_calloc (10);
  if (W && G && x && gx && b && gb && t)
    {
      gsl_vector_set (t, 3, 1.0);
      if (bp_model_backward (W, b, x, t, G, gb, gx, NULL) != GSL_SUCCESS)
        refused++;
    }
  else
    refused++;
  /* the model file of a network of every row, written and read back;
     its complex forward, its backward pass */
  const bp_net_shape shapes[] = { { .rows = 28, .cols = 28, .n = 10 },
                                  { .rows = 2, .cols = 2, .n = 2, .n_hidden = 1,
                                    .hidden = { 3 }, .act = BP_TANH },
                                  { .rows = 4, .cols = 4, .n = 2, .C1 = 1, .C2 = 2 } };
  const bp_net_type *types[] = { bp_net_linear, bp_net_mlp, bp_net_cnn };
  for (size_t k = 0; k < 3; k++)
    {
      bp_net *one = bp_net_alloc (types[k], &shapes[k]), *back = NULL;
      if (one == NULL)
        refused++;
      else if (bp_model_file_write (model, one, NULL, err, sizeof err) != GSL_SUCCESS)
        refused++;
      else if (bp_model_file_read (model, &back, NULL, err, sizeof err) != GSL_SUCCESS)
        refused++;
      if (one)
        {
          cforward_every_row (one);
          backward_every_row (one);
        }
      bp_net_free (back);
      bp_net_free (one);
    }
  unlink (model);
  gradcheck_wrong_gradient ();
  gsl_matrix_free (W);
  gsl_matrix_free (G);
  gsl_matrix_free (x);
  gsl_matrix_free (gx);
  gsl_vector_free (b);
  gsl_vector_free (gb);
  gsl_vector_free (t);
  printf ("alloc_all: %d calls refused\n", refused);
  returned = 1;
  return 0;
}
