/* deep.c -- the perceptron of L = n_hidden + 1 layers as a row of the
   table,  A_0 = U,  Z_l = A_{l-1} W_l^T + 1 b_l^T,  A_l = f(Z_l) (l < L),
   V = A_{L-1} W_L^T + 1 b_L^T,  and the chain backwards
     dL/dV = (Y - T)/B,
     dL/dW_l = dL/dZ_l^T A_{l-1},  dL/db_l = dL/dZ_l^T 1,
     dL/dA_{l-1} = dL/dZ_l W_l,    dL/dZ_{l-1} = f'(Z_{l-1}) (.) dL/dA_{l-1},
   each step a function of bp_batch.h (dL/dZ_L = dL/dV).
   derivations/12-two-layer-network.md, "More hidden layers" */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/layers_trusted.h"

/* h_l: the units of layer l, h_0 = m, h_L = n */
static size_t
units (const bp_net_shape *s, size_t l)
{
  return l == 0 ? net_inputs (s) : l <= s->n_hidden ? s->hidden[l - 1] : s->n;
}

static int
deep_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  const size_t L = s->n_hidden + 1;
  if (net_inputs (s) == 0 || s->n == 0 || s->n_hidden == 0
      || s->n_hidden > BP_NET_MAX_HIDDEN || s->C1 || s->C2
      || bp_activation_name (s->act) == NULL)
    return GSL_EINVAL;
  for (size_t l = 1; l <= L; l++)
    {
      if (units (s, l) == 0)
        return GSL_EINVAL;
      b[2 * l - 2] = (bp_net_block_shape) { net_weight_name[l], units (s, l),
                                            units (s, l - 1), 1 };
      b[2 * l - 1] = (bp_net_block_shape) { net_bias_name[l], units (s, l), 0, 0 };
    }
  *count = 2 * L;
  return GSL_SUCCESS;
}

/* W_l ~ N(0, 2/h_{l-1}) for ReLU (He), N(0, 2/(h_{l-1} + h_l)) otherwise
   and for the softmax layer (Glorot), b_l = 0: mlp_chain_init's, layer by
   layer (the same draws for one hidden layer). */
static int
deep_init (bp_net *net, gsl_rng *rng)
{
  const size_t L = net->shape.n_hidden + 1;
  for (size_t l = 1; l <= L; l++)
    {
      const double in = (double) units (&net->shape, l - 1);
      const double out = (double) units (&net->shape, l);
      const int he = l < L && net->shape.act == BP_RELU;
      matrix_gaussian (net_matrix (net, 2 * l - 2), he ? 2.0 / in : 2.0 / (in + out), rng);
      gsl_vector_set_zero (net_vector (net, 2 * l - 1));
    }
  return GSL_SUCCESS;
}

/* Z_l, A_l, dL/dA_l, dL/dZ_l of the hidden layers (index l - 1), and the
   logits' V, Y, dL/dV. */
typedef struct
{
  size_t hidden;
  gsl_matrix *Z[BP_NET_MAX_HIDDEN], *A[BP_NET_MAX_HIDDEN];
  gsl_matrix *dA[BP_NET_MAX_HIDDEN], *dZ[BP_NET_MAX_HIDDEN];
  gsl_matrix *V, *Y, *dV;
} deep_ws;

static void
deep_ws_free (void *p)
{
  deep_ws *w = p;
  if (w == NULL)
    return;
  gsl_matrix **all[] = { w->Z, w->A, w->dA, w->dZ };
  for (size_t k = 0; k < 4; k++)
    for (size_t l = 0; l < w->hidden; l++)
      if (all[k][l]) gsl_matrix_free (all[k][l]);
  if (w->V) gsl_matrix_free (w->V);
  if (w->Y) gsl_matrix_free (w->Y);
  if (w->dV) gsl_matrix_free (w->dV);
  free (w);
}

static void *
deep_ws_alloc (const bp_net *net, size_t B)
{
  deep_ws *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->hidden = net->shape.n_hidden;
  int ok = 1;
  for (size_t l = 0; l < w->hidden; l++)
    {
      const size_t h = net->shape.hidden[l];
      if (matrix_too_large (B, h))
        ok = 0;
      else
        {
          w->Z[l] = gsl_matrix_alloc (B, h);
          w->A[l] = gsl_matrix_alloc (B, h);
          w->dA[l] = gsl_matrix_alloc (B, h);
          w->dZ[l] = gsl_matrix_alloc (B, h);
          ok = ok && w->Z[l] && w->A[l] && w->dA[l] && w->dZ[l];
        }
    }
  w->V = gsl_matrix_alloc (B, net->shape.n);
  w->Y = gsl_matrix_alloc (B, net->shape.n);
  w->dV = gsl_matrix_alloc (B, net->shape.n);
  if (!ok || !w->V || !w->Y || !w->dV)
    {
      deep_ws_free (w);
      return NULL;
    }
  return w;
}

/* deep_ws_alloc's bytes per example: Z, A, dA, dZ of each hidden layer,
   V, Y, dV (n each) */
static size_t
deep_example_bytes (const bp_net *net)
{
  size_t bytes = 0;
  for (size_t l = 0; l < net->shape.n_hidden; l++)
    bytes_add (&bytes, 4, net->shape.hidden[l], sizeof (double));
  bytes_add (&bytes, 3, net->shape.n, sizeof (double));
  return bytes;
}

static int
deep_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
              gsl_matrix_view *V, double *L)
{
  deep_ws *w = ws;
  const size_t b = U->size1, hidden = w->hidden;
  const gsl_matrix *below = U;
  gsl_matrix_view A[BP_NET_MAX_HIDDEN];
  int status = GSL_SUCCESS;
  for (size_t l = 0; l < hidden && status == GSL_SUCCESS; l++)
    {
      gsl_matrix_view Z = net_rows_of (w->Z[l], b);
      A[l] = net_rows_of (w->A[l], b);
      status = bp_batch_linear (net_matrix (net, 2 * l), net_vector (net, 2 * l + 1),
                                below, &Z.matrix);
      if (status == GSL_SUCCESS)
        status = bp_batch_activation_forward (net->shape.act, &Z.matrix, &A[l].matrix);
      below = &A[l].matrix;
    }
  *V = net_rows_of (w->V, b);
  if (status == GSL_SUCCESS)
    status = bp_batch_linear (net_matrix (net, 2 * hidden),
                              net_vector (net, 2 * hidden + 1), below, &V->matrix);
  if (status != GSL_SUCCESS)
    return status;
  if (!matrix_finite (&V->matrix))
    return GSL_EOVRFLW;   /* diverged: finite parameters, infinite logits */
  if (T)
    *L = bp_batch_softmax_cross_entropy (T, &V->matrix);
  return GSL_SUCCESS;
}

static int
deep_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
               gsl_matrix *dL_dU, double *L)
{
  deep_ws *w = ws;
  const size_t b = U->size1, hidden = w->hidden;
  gsl_matrix_view V, Y = net_rows_of (w->Y, b), dZ = net_rows_of (w->dV, b);
  int status = deep_forward (net, U, T, ws, &V, L);
  if (status == GSL_SUCCESS)
    status = bp_batch_softmax (&V.matrix, &Y.matrix);
  if (status == GSL_SUCCESS)                                   /* (Y - T)/B */
    status = bp_batch_softmax_cross_entropy_grad (T, &Y.matrix, &dZ.matrix);
  for (size_t l = hidden + 1; l-- > 0 && status == GSL_SUCCESS;)   /* layer l + 1 */
    {
      gsl_matrix_view A = l ? net_rows_of (w->A[l - 1], b) : (gsl_matrix_view) { *U };
      status = bp_batch_grad_weights (&dZ.matrix, &A.matrix, net_grad_matrix (net, 2 * l));
      if (status == GSL_SUCCESS)
        status = bp_batch_grad_bias (&dZ.matrix, net_grad_vector (net, 2 * l + 1));
      if (status != GSL_SUCCESS || (l == 0 && dL_dU == NULL))
        break;
      if (l == 0)
        {
          status = bp_batch_grad_input (net_matrix (net, 0), &dZ.matrix, dL_dU);
          break;
        }
      gsl_matrix_view dA = net_rows_of (w->dA[l - 1], b), Zb = net_rows_of (w->Z[l - 1], b);
      gsl_matrix_view dZb = net_rows_of (w->dZ[l - 1], b);
      status = bp_batch_grad_input (net_matrix (net, 2 * l), &dZ.matrix, &dA.matrix);
      if (status == GSL_SUCCESS)                               /* f' */
        status = bp_batch_activation_backward (net->shape.act, &Zb.matrix, &dA.matrix,
                                               &dZb.matrix);
      dZ = dZb;
    }
  return status;
}

/* The hidden layers' Z_l (A_l = f(Z_l) in place), index l - 1, and V. */
typedef struct
{
  gsl_vector_complex *Z[BP_NET_MAX_HIDDEN], *V;
} dense_cscratch;

static int
dense_cexample (const bp_net *net, const gsl_matrix_complex *const block[],
                const gsl_vector_complex *u, const gsl_vector *t, void *scratch,
                gsl_complex *L)
{
  const dense_cscratch *w = scratch;
  const size_t hidden = net->shape.n_hidden;
  const gsl_vector_complex *below = u;
  for (size_t l = 0; l <= hidden; l++)
    {
      gsl_vector_complex *out = l < hidden ? w->Z[l] : w->V;
      gsl_vector_complex_const_view b = gsl_matrix_complex_const_column (block[2 * l + 1], 0);
      if (bp_complex_linear (block[2 * l], &b.vector, below, out) != GSL_SUCCESS
          || (l < hidden
              && bp_complex_activation_forward (net->shape.act, out, out) != GSL_SUCCESS))
        return GSL_EFAILED;
      below = out;
    }
  const double complex Lu = bp_complex_softmax_cross_entropy (t, w->V);
  GSL_SET_COMPLEX (L, creal (Lu), cimag (Lu));
  return GSL_SUCCESS;
}

int
net_dense_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                    const gsl_matrix_complex *U, const gsl_matrix *T, void *cws,
                    gsl_complex *L)
{
  return net_cmean (net, block, U, T, dense_cexample, cws, L);
}

void
net_dense_cws_free (void *cws)
{
  dense_cscratch *w = cws;
  for (size_t l = 0; l < BP_NET_MAX_HIDDEN; l++)
    if (w->Z[l]) gsl_vector_complex_free (w->Z[l]);
  if (w->V) gsl_vector_complex_free (w->V);
  free (w);
}

void *
net_dense_cws_alloc (const bp_net *net)
{
  dense_cscratch *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  int ok = (w->V = gsl_vector_complex_alloc (net->shape.n)) != NULL;
  for (size_t l = 0; l < net->shape.n_hidden; l++)
    ok = (w->Z[l] = gsl_vector_complex_alloc (net->shape.hidden[l])) && ok;
  if (ok)
    return w;
  net_dense_cws_free (w);
  return NULL;
}

static void
deep_describe (const bp_net *net, char *buf, size_t len)
{
  const bp_net_shape *s = &net->shape;
  int at = snprintf (buf, len, "%zu-layer network %zu", s->n_hidden + 1, net_inputs (s));
  for (size_t l = 0; l < s->n_hidden && at >= 0 && (size_t) at < len; l++)
    at += snprintf (buf + at, len - (size_t) at, " -> %zu %s", s->hidden[l],
                    bp_activation_name (s->act));
  if (at >= 0 && (size_t) at < len)
    snprintf (buf + at, len - (size_t) at, " -> %zu", s->n);
}

static const bp_net_type deep_type = {
  "deep", deep_layout, deep_init, deep_ws_alloc, deep_ws_free, deep_forward,
  deep_backward, net_dense_cforward, deep_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-5, .epochs = 30 },
  256, BP_NET_FLOAT64, NULL, NULL, NULL,   /* no float32 row yet */
  net_dense_cws_alloc, net_dense_cws_free, deep_example_bytes
};

const bp_net_type *bp_net_deep = &deep_type;
