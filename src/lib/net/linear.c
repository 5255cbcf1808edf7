/* linear.c -- the one-layer classifier v = W u + b as a row of the table:
   the batch formulas of bp_batch.h on views into the network's buffers.
   derivations/14-mini-batch.md */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_complex_step.h"
#include "lib/valid.h"
#include "lib/net/net.h"

static int
linear_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  if (s->rows == 0 || s->cols == 0 || s->n == 0 || s->n_hidden != 0 || s->C1 || s->C2)
    return GSL_EINVAL;
  b[0] = (bp_net_block_shape) { "W", s->n, net_inputs (s), 1 };
  b[1] = (bp_net_block_shape) { "b", s->n, 0, 0 };
  *count = 2;
  return GSL_SUCCESS;
}

static int
linear_init (bp_net *net, gsl_rng *rng)
{
  (void) rng;
  gsl_vector_set_zero (net->theta);   /* the softmax classifier's loss is convex */
  return GSL_SUCCESS;
}

typedef struct
{
  gsl_matrix *V, *Y, *G;   /* B x n: logits, probabilities, dL/dV */
} linear_ws;

static void
linear_ws_free (void *p)
{
  linear_ws *w = p;
  if (w == NULL)
    return;
  if (w->V) gsl_matrix_free (w->V);
  if (w->Y) gsl_matrix_free (w->Y);
  if (w->G) gsl_matrix_free (w->G);
  free (w);
}

static void *
linear_ws_alloc (const bp_net *net, size_t B)
{
  linear_ws *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->V = gsl_matrix_alloc (B, net->shape.n);
  w->Y = gsl_matrix_alloc (B, net->shape.n);
  w->G = gsl_matrix_alloc (B, net->shape.n);
  if (!w->V || !w->Y || !w->G)
    {
      linear_ws_free (w);
      return NULL;
    }
  return w;
}

static gsl_matrix_view
rows_of (gsl_matrix *M, size_t b)
{
  return gsl_matrix_submatrix (M, 0, 0, b, M->size2);
}

/* V = U W^T + 1 b^T (14.2), L = mean CE (14.4) */
static int
linear_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
                gsl_matrix_view *V, double *L)
{
  linear_ws *w = ws;
  *V = rows_of (w->V, U->size1);
  int status = bp_batch_linear (net_matrix (net, 0), net_vector (net, 1), U, &V->matrix);
  if (status != GSL_SUCCESS)
    return status;
  if (!matrix_finite (&V->matrix))
    return GSL_EOVRFLW;   /* diverged: finite W, b, infinite logits */
  if (T)
    *L = bp_batch_softmax_cross_entropy (T, &V->matrix);
  return GSL_SUCCESS;
}

/* Y = Softmax(V), dL/dV = (Y - T)/B (14.5), dL/dW = dL/dV^T U (14.6),
   dL/db = dL/dV^T 1 (14.7), dL/dU = dL/dV W */
static int
linear_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
                 gsl_matrix *dL_dU, double *L)
{
  linear_ws *w = ws;
  gsl_matrix_view V, Y = rows_of (w->Y, U->size1), G = rows_of (w->G, U->size1);
  int status = linear_forward (net, U, T, ws, &V, L);
  if (status == GSL_SUCCESS)
    status = bp_batch_softmax (&V.matrix, &Y.matrix);
  if (status == GSL_SUCCESS)
    status = bp_batch_softmax_cross_entropy_grad (T, &Y.matrix, &G.matrix);
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_weights (&G.matrix, U, net_grad_matrix (net, 0));
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_bias (&G.matrix, net_grad_vector (net, 1));
  if (status == GSL_SUCCESS && dL_dU)
    status = bp_batch_grad_input (net_matrix (net, 0), &G.matrix, dL_dU);
  return status;
}

/* v = W u + b, y = Softmax(v), L = -sum t_i log y_i: the slides' forward
   pass (1.2)-(1.4), in complex arithmetic; scratch holds v and y. */
static int
linear_cexample (const bp_net *net, const gsl_matrix_complex *const block[],
                 const gsl_vector_complex *u, const gsl_vector *t, void *scratch,
                 gsl_complex *L)
{
  (void) net;
  gsl_vector_complex **vy = scratch;
  gsl_vector_complex_const_view b = gsl_matrix_complex_const_column (block[1], 0);
  if (bp_complex_linear (block[0], &b.vector, u, vy[0]) != GSL_SUCCESS
      || bp_complex_softmax (vy[0], vy[1]) != GSL_SUCCESS)
    return GSL_EFAILED;
  const double complex Lu = bp_complex_cross_entropy (t, vy[1]);
  GSL_SET_COMPLEX (L, creal (Lu), cimag (Lu));
  return GSL_SUCCESS;
}

static int
linear_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                 const gsl_matrix_complex *U, const gsl_matrix *T, gsl_complex *L)
{
  gsl_vector_complex *vy[2] = { gsl_vector_complex_alloc (net->shape.n),
                                gsl_vector_complex_alloc (net->shape.n) };
  int status = vy[0] && vy[1] ? net_cmean (net, block, U, T, linear_cexample, vy, L)
                              : GSL_ENOMEM;
  for (size_t k = 0; k < 2; k++)
    if (vy[k]) gsl_vector_complex_free (vy[k]);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("bp_net_cforward: out of memory", GSL_ENOMEM);
  return status;
}

static void
linear_describe (const bp_net *net, char *buf, size_t len)
{
  snprintf (buf, len, "one-layer classifier %zu -> %zu", net_inputs (&net->shape),
            net->shape.n);
}

static const bp_net_type linear_type = {
  "linear", linear_layout, linear_init, linear_ws_alloc, linear_ws_free,
  linear_forward, linear_backward, linear_cforward, linear_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 0.0, .epochs = 10 },
  256
};

const bp_net_type *bp_net_linear = &linear_type;
