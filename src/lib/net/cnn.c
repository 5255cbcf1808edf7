/* cnn.c -- the convolutional network of bp_cnn.h as a row of the table:
   its chain (cnn_trusted) on views into the network's buffers.
   derivations/17-cnn.md */
#include <config.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_cnn.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/cnn_trusted.h"

/* The sizes of bp_cnn.h for s; 0 on success. */
static int
cnn_of_shape (const bp_net_shape *s, bp_cnn *c)
{
  if (s->n_hidden > 1 || (s->n_hidden == 1 && s->hidden[0] == 0))
    return -1;
  return cnn_sizes (c, s->rows, s->cols, s->C1, s->C2, s->n_hidden ? s->hidden[0] : 0,
                    s->n);
}

static int
cnn_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  bp_cnn c;
  if (cnn_of_shape (s, &c) != 0)
    return GSL_EINVAL;
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K, k = c.H ? 2 : 0;
  b[0] = (bp_net_block_shape) { "K1", c.C1, k2, 1 };
  b[1] = (bp_net_block_shape) { "b1", c.C1, 0, 0 };
  b[2] = (bp_net_block_shape) { "K2", c.C2, k2 * c.C1, 1 };
  b[3] = (bp_net_block_shape) { "b2", c.C2, 0, 0 };
  if (c.H)
    {
      b[4] = (bp_net_block_shape) { "W3", c.H, c.features, 1 };
      b[5] = (bp_net_block_shape) { "b3", c.H, 0, 0 };
    }
  b[4 + k] = (bp_net_block_shape) { "W4", c.n, c.H ? c.H : c.features, 1 };
  b[5 + k] = (bp_net_block_shape) { "b4", c.n, 0, 0 };
  *count = 6 + k;
  return GSL_SUCCESS;
}

/* The parameters (grad = 0) or gradients (grad = 1) as the bp_cnn the
   chain takes: views in bp_cnn_blocks' order, nothing allocated. */
static bp_cnn
as_cnn (const bp_net *net, int grad)
{
  bp_cnn c;
  cnn_of_shape (&net->shape, &c);   /* the layout accepted it */
  gsl_matrix **M[] = { &c.K1, NULL, &c.K2, NULL, &c.W3, NULL, &c.W4, NULL };
  gsl_vector **v[] = { NULL, &c.b1, NULL, &c.b2, NULL, &c.b3, NULL, &c.b4 };
  for (size_t k = 0, j = 0; k < net->n_blocks; k++, j++)
    {
      if (j == 4 && c.H == 0)
        j = 6;   /* no W3, b3 */
      if (M[j])
        *M[j] = grad ? net_grad_matrix (net, k) : net_matrix (net, k);
      else
        *v[j] = grad ? net_grad_vector (net, k) : net_vector (net, k);
    }
  return c;
}

static int
cnn_init (bp_net *net, gsl_rng *rng)
{
  bp_cnn c = as_cnn (net, 0);
  return bp_cnn_init (&c, rng);
}

static void *
cnn_ws_alloc (const bp_net *net, size_t B)
{
  bp_cnn c;
  cnn_of_shape (&net->shape, &c);
  return bp_cnn_workspace_alloc (B, &c);
}

static void
cnn_ws_free (void *w)
{
  bp_cnn_workspace_free (w);
}

/* (17.1)-(17.4) */
static int
cnn_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
             gsl_matrix_view *V, double *L)
{
  bp_cnn_workspace *w = ws;
  const bp_cnn c = as_cnn (net, 0);
  *V = gsl_matrix_submatrix (w->V, 0, 0, U->size1, w->V->size2);
  int status = cnn_trusted (&c, U, NULL, w, NULL, NULL, NULL);
  if (status == GSL_SUCCESS && T)
    *L = bp_batch_softmax_cross_entropy (T, &V->matrix);
  return status;
}

/* (17.5)-(17.8) */
static int
cnn_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
              gsl_matrix *dL_dU, double *L)
{
  const bp_cnn c = as_cnn (net, 0);
  bp_cnn g = as_cnn (net, 1);
  return cnn_trusted (&c, U, T, ws, &g, dL_dU, L);
}

static void
cnn_describe (const bp_net *net, char *buf, size_t len)
{
  bp_cnn c = { 0 };
  (void) cnn_of_shape (&net->shape, &c);   /* accepted when net was made */
  char hidden[64] = "";
  if (c.H)
    snprintf (hidden, sizeof hidden, " -> %zu relu", c.H);
  snprintf (buf, len, "convolutional network %zux%zu -> conv%d %zu relu maxpool -> "
            "conv%d %zu relu maxpool -> %zu%s -> %zu", c.rows, c.cols, BP_CNN_K, c.C1,
            BP_CNN_K, c.C2, c.features, hidden, c.n);
}

static const bp_net_type cnn_type = {
  "cnn", cnn_layout, cnn_init, cnn_ws_alloc, cnn_ws_free, cnn_forward, cnn_backward,
  NULL, cnn_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4, .epochs = 15 },
  64   /* the lowered images take 25 C1 doubles a pixel: a smaller batch */
};

const bp_net_type *bp_net_cnn = &cnn_type;
