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
  ex->net = bp_mlp_alloc (m, H, n, act);
  ex->grad = bp_mlp_alloc (m, H, n, act);
  ex->x = gsl_matrix_alloc (rows, cols);
  ex->labels = gsl_vector_calloc (n);
  ex->ws = bp_mlp_workspace_alloc (m, H, n);
  if (!ex->net || !ex->grad || !ex->x || !ex->labels || !ex->ws)
    {
      mlp_example_free (ex);
      GSL_ERROR_NULL ("mlp_example_alloc: out of memory", GSL_ENOMEM);
    }
  bp_mlp_randomize (ex->net, rng);
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
  bp_mlp_free (ex->net);
  bp_mlp_free (ex->grad);
  gsl_matrix_free (ex->x);
  gsl_vector_free (ex->labels);
  bp_mlp_workspace_free (ex->ws);
  free (ex);
}

/* The loss with one parameter replaced by theta: a shallow copy of the
   network pointing at a view of theta (not written through). */
static double
loss_with (const mlp_example *ex, gsl_matrix *W1, gsl_vector *b1,
           gsl_matrix *W2, gsl_vector *b2, const gsl_matrix *x)
{
  bp_mlp net = *ex->net;
  net.W1 = W1 ? W1 : net.W1;
  net.b1 = b1 ? b1 : net.b1;
  net.W2 = W2 ? W2 : net.W2;
  net.b2 = b2 ? b2 : net.b2;
  return bp_mlp_forward (&net, x ? x : ex->x, ex->labels, ex->ws);
}

/* theta as a (const) matrix of the shape of A; bp_mlp_forward only reads it */
#define AS_MATRIX(theta, A) \
  gsl_matrix_const_view_vector ((theta), (A)->size1, (A)->size2).matrix

double
mlp_example_loss_of_W1 (const gsl_vector *vecW1, void *params)
{
  const mlp_example *ex = params;
  gsl_matrix W1 = AS_MATRIX (vecW1, ex->net->W1);
  return loss_with (ex, &W1, NULL, NULL, NULL, NULL);
}

double
mlp_example_loss_of_b1 (const gsl_vector *b1, void *params)
{
  gsl_vector b = *b1;
  return loss_with (params, NULL, &b, NULL, NULL, NULL);
}

double
mlp_example_loss_of_W2 (const gsl_vector *vecW2, void *params)
{
  const mlp_example *ex = params;
  gsl_matrix W2 = AS_MATRIX (vecW2, ex->net->W2);
  return loss_with (ex, NULL, NULL, &W2, NULL, NULL);
}

double
mlp_example_loss_of_b2 (const gsl_vector *b2, void *params)
{
  gsl_vector b = *b2;
  return loss_with (params, NULL, NULL, NULL, &b, NULL);
}

double
mlp_example_loss_of_x (const gsl_vector *vecx, void *params)
{
  const mlp_example *ex = params;
  gsl_matrix x = AS_MATRIX (vecx, ex->x);
  return loss_with (ex, NULL, NULL, NULL, NULL, &x);
}
