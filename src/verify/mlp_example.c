/* mlp_example.c -- see mlp_example.h */
#include <config.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_blas.h>
#include "verify/mlp_example.h"

int
example_activation (const gsl_vector *z, void *params, gsl_vector *h)
{
  return bp_activation_forward (*(const bp_activation *) params, z, h);
}

/* sum_i c_i f(z_i) */
double
example_activation_loss (const gsl_vector *z, void *params)
{
  const activation_probe *p = params;
  double L;
  if (bp_activation_forward (p->act, z, p->h) != GSL_SUCCESS
      || gsl_blas_ddot (p->c, p->h, &L) != GSL_SUCCESS)
    return GSL_NAN;
  return L;
}

mlp_example *
mlp_example_alloc (size_t n, size_t H, size_t rows, size_t cols,
                      bp_activation act, enum label_kind kind, gsl_rng *rng)
{
  const size_t m = rows * cols;
  mlp_example *ex = calloc (1, sizeof *ex);
  if (ex == NULL)
    GSL_ERROR_NULL ("mlp_example_alloc: out of memory", GSL_ENOMEM);
  ex->net = mlp_chain_alloc (m, H, n, act);
  ex->grad = mlp_chain_alloc (m, H, n, act);
  ex->x = gsl_matrix_alloc (rows, cols);
  ex->labels = gsl_vector_calloc (n);
  ex->ws = mlp_chain_workspace_alloc (m, H, n);
  if (!ex->net || !ex->grad || !ex->x || !ex->labels || !ex->ws)
    {
      mlp_example_free (ex);
      GSL_ERROR_NULL ("mlp_example_alloc: out of memory", GSL_ENOMEM);
    }
  mlp_chain_randomize (ex->net, rng);
  for (size_t i = 0; i < H; i++)
    gsl_vector_set (ex->net->b1, i, gsl_ran_gaussian (rng, 0.1));
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (ex->net->b2, i, gsl_ran_gaussian (rng, 0.1));
  example_fill_input (kind, rng, ex->x, ex->labels);
  return ex;
}

void
mlp_example_free (mlp_example *ex)
{
  if (ex == NULL)
    return;
  mlp_chain_free (ex->net);
  mlp_chain_free (ex->grad);
  gsl_matrix_free (ex->x);
  gsl_vector_free (ex->labels);
  mlp_chain_workspace_free (ex->ws);
  free (ex);
}

/* L with block `block' replaced by theta (a vector block as one column):
   a shallow copy of the network pointing at theta (not written through). */
double
mlp_example_loss (const mlp_example *ex, size_t block, const gsl_matrix *theta)
{
  mlp_chain net = *ex->net;
  const gsl_matrix *x = ex->x;
  gsl_matrix T = *theta;
  gsl_vector t = gsl_matrix_column (&T, 0).vector;
  switch (block)
    {
    case MLP_W1: net.W1 = &T; break;
    case MLP_B1: net.b1 = &t; break;
    case MLP_W2: net.W2 = &T; break;
    case MLP_B2: net.b2 = &t; break;
    default: x = theta; break;
    }
  return mlp_chain_forward (&net, x, ex->labels, ex->ws);
}
