/* mlp.c -- the two-layer network v = W2 f(W1 u + b1) + b2 as a row of the
   table: the batch chain of bp_mlp_batch.h (mlp_batch_trusted) on views
   into the network's buffers.  derivations/12-two-layer-network.md */
#include <config.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_mlp_batch.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/mlp_batch_trusted.h"

static int
mlp_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  const size_t m = net_inputs (s), H = s->hidden[0];
  if (m == 0 || s->n == 0 || s->n_hidden != 1 || H == 0 || s->C1 || s->C2
      || bp_activation_name (s->act) == NULL)
    return GSL_EINVAL;
  b[0] = (bp_net_block_shape) { "W1", H, m, 1 };
  b[1] = (bp_net_block_shape) { "b1", H, 0, 0 };
  b[2] = (bp_net_block_shape) { "W2", s->n, H, 1 };
  b[3] = (bp_net_block_shape) { "b2", s->n, 0, 0 };
  *count = 4;
  return GSL_SUCCESS;
}

/* The network's parameters (grad = 0) or gradients (grad = 1) as the
   bp_mlp the chain takes: views, nothing allocated. */
static bp_mlp
as_mlp (const bp_net *net, int grad)
{
  const bp_net_shape *s = &net->shape;
  if (grad)
    return (bp_mlp) { net_inputs (s), s->hidden[0], s->n, s->act,
                      net_grad_matrix (net, 0), net_grad_vector (net, 1),
                      net_grad_matrix (net, 2), net_grad_vector (net, 3) };
  return (bp_mlp) { net_inputs (s), s->hidden[0], s->n, s->act,
                    net_matrix (net, 0), net_vector (net, 1),
                    net_matrix (net, 2), net_vector (net, 3) };
}

static int
mlp_init (bp_net *net, gsl_rng *rng)
{
  bp_mlp m = as_mlp (net, 0);
  return bp_mlp_init (&m, rng);
}

static void *
mlp_ws_alloc (const bp_net *net, size_t B)
{
  const bp_net_shape *s = &net->shape;
  return mlp_batch_workspace_alloc (B, net_inputs (s), s->hidden[0], s->n);
}

static void
mlp_ws_free (void *w)
{
  mlp_batch_workspace_free (w);
}

static int
mlp_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
             gsl_matrix_view *V, double *L)
{
  bp_mlp_batch_workspace *w = ws;
  const bp_mlp m = as_mlp (net, 0);
  *V = gsl_matrix_submatrix (w->V, 0, 0, U->size1, w->n);
  int status = mlp_batch_trusted (&m, U, NULL, w, NULL, NULL);
  if (status == GSL_SUCCESS && T)
    *L = bp_batch_softmax_cross_entropy (T, &V->matrix);
  return status;
}

/* the chain of bp_mlp_batch.h; dL/dU = dL/dZ W1 from the dL/dZ it leaves */
static int
mlp_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
              gsl_matrix *dL_dU, double *L)
{
  bp_mlp_batch_workspace *w = ws;
  const bp_mlp m = as_mlp (net, 0);
  bp_mlp g = as_mlp (net, 1);
  int status = mlp_batch_trusted (&m, U, T, w, &g, L);
  if (status == GSL_SUCCESS && dL_dU)
    {
      gsl_matrix_view dZ = gsl_matrix_submatrix (w->dL_dZ, 0, 0, U->size1, w->H);
      status = bp_batch_grad_input (m.W1, &dZ.matrix, dL_dU);
    }
  return status;
}

static void
mlp_describe (const bp_net *net, char *buf, size_t len)
{
  const bp_net_shape *s = &net->shape;
  snprintf (buf, len, "two-layer network %zu -> %zu %s -> %zu", net_inputs (s),
            s->hidden[0], bp_activation_name (s->act), s->n);
}

static const bp_net_type mlp_type = {
  "mlp", mlp_layout, mlp_init, mlp_ws_alloc, mlp_ws_free, mlp_forward, mlp_backward,
  net_dense_cforward, mlp_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-5, .epochs = 30 },
  256
};

const bp_net_type *bp_net_mlp = &mlp_type;
