/* cnn.c -- the convolutional network of bp_cnn.h, assembled from the
   batch forms of bp_conv.h, bp_pool.h, bp_reshape.h and bp_batch.h;
   derivations/17-cnn.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_cnn.h"
#include "backprop/bp_mlp_batch.h"
#include "backprop/bp_pool.h"
#include "backprop/bp_reshape.h"
#include "lib/valid.h"
#include "lib/formulas/cnn_trusted.h"
#include "lib/formulas/layers_trusted.h"

/* The sizes of a network, no parameters: 0 on success (cnn_trusted.h). */
int
cnn_sizes (bp_cnn *s, size_t rows, size_t cols, size_t C1, size_t C2, size_t H,
           size_t n)
{
  if (rows < 4 || cols < 4 || C1 == 0 || C2 == 0 || n == 0)
    return -1;
  *s = (bp_cnn) { .rows = rows, .cols = cols, .C1 = C1, .C2 = C2, .H = H, .n = n };
  s->conv1 = (bp_conv_shape) { 1, rows, cols, C1, BP_CNN_K, BP_CNN_PAD };
  s->conv2 = (bp_conv_shape) { C1, rows / 2, cols / 2, C2, BP_CNN_K, BP_CNN_PAD };
  s->features = C2 * (rows / 4) * (cols / 4);
  return 0;
}

bp_cnn *
bp_cnn_alloc (size_t rows, size_t cols, size_t C1, size_t C2, size_t H, size_t n)
{
  bp_cnn s;
  if (cnn_sizes (&s, rows, cols, C1, C2, H, n) != 0)
    GSL_ERROR_NULL ("bp_cnn_alloc: sizes must be positive and the image at least 4 x 4",
                    GSL_EINVAL);
  if (matrix_too_large (C2, 25 * C1) || matrix_too_large (H ? H : n, s.features))
    GSL_ERROR_NULL ("bp_cnn_alloc: sizes too large: a weight matrix overflows size_t",
                    GSL_EINVAL);
  bp_cnn *net = malloc (sizeof *net);
  if (net == NULL)
    GSL_ERROR_NULL ("bp_cnn_alloc: out of memory", GSL_ENOMEM);
  *net = s;
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K;
  net->K1 = gsl_matrix_calloc (C1, k2);
  net->b1 = gsl_vector_calloc (C1);
  net->K2 = gsl_matrix_calloc (C2, C1 * k2);
  net->b2 = gsl_vector_calloc (C2);
  if (H > 0)
    {
      net->W3 = gsl_matrix_calloc (H, s.features);
      net->b3 = gsl_vector_calloc (H);
    }
  net->W4 = gsl_matrix_calloc (n, H ? H : s.features);
  net->b4 = gsl_vector_calloc (n);
  if (!net->K1 || !net->b1 || !net->K2 || !net->b2 || (H && (!net->W3 || !net->b3))
      || !net->W4 || !net->b4)
    {
      bp_cnn_free (net);
      GSL_ERROR_NULL ("bp_cnn_alloc: out of memory", GSL_ENOMEM);
    }
  return net;
}

void
bp_cnn_free (bp_cnn *net)
{
  if (net == NULL)
    return;
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    {
      if (b[k].M) gsl_matrix_free (b[k].M);
      if (b[k].v) gsl_vector_free (b[k].v);
    }
  free (net);
}

size_t
bp_cnn_blocks (const bp_cnn *net, bp_cnn_block blocks[BP_CNN_MAX_BLOCKS])
{
  if (!net || !blocks)
    GSL_ERROR_VAL ("bp_cnn_blocks: net and blocks must not be NULL", GSL_EFAULT, 0);
  size_t k = 0;
  blocks[k++] = (bp_cnn_block) { "K1", net->K1, NULL };
  blocks[k++] = (bp_cnn_block) { "b1", NULL, net->b1 };
  blocks[k++] = (bp_cnn_block) { "K2", net->K2, NULL };
  blocks[k++] = (bp_cnn_block) { "b2", NULL, net->b2 };
  if (net->H > 0)
    {
      blocks[k++] = (bp_cnn_block) { "W3", net->W3, NULL };
      blocks[k++] = (bp_cnn_block) { "b3", NULL, net->b3 };
    }
  blocks[k++] = (bp_cnn_block) { "W4", net->W4, NULL };
  blocks[k++] = (bp_cnn_block) { "b4", NULL, net->b4 };
  return k;
}

size_t
bp_cnn_count (const bp_cnn *net)
{
  if (!net)
    GSL_ERROR_VAL ("bp_cnn_count: net must not be NULL", GSL_EFAULT, 0);
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K, last = net->H ? net->H : net->features;
  return net->C1 * (k2 + 1) + net->C2 * (net->C1 * k2 + 1)
         + net->H * (net->features + 1) + net->n * (last + 1);
}

int
bp_cnn_same_shape (const bp_cnn *a, const bp_cnn *b)
{
  if (!a || !b)
    GSL_ERROR_VAL ("bp_cnn_same_shape: a and b must not be NULL", GSL_EFAULT, 0);
  return a->rows == b->rows && a->cols == b->cols && a->C1 == b->C1 && a->C2 == b->C2
         && a->H == b->H && a->n == b->n;
}

/* (17.9) */
int
bp_cnn_init (bp_cnn *net, gsl_rng *rng)
{
  if (!net || !rng)
    GSL_ERROR ("bp_cnn_init: net and rng must not be NULL", GSL_EFAULT);
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    if (b[k].M)
      matrix_gaussian (b[k].M, 2.0 / (double) b[k].M->size2, rng);   /* fan-in: a row */
    else
      gsl_vector_set_zero (b[k].v);
  return GSL_SUCCESS;
}

/* ---- the workspace ---------------------------------------------------- */

bp_cnn_workspace *
bp_cnn_workspace_alloc (size_t B, const bp_cnn *net)
{
  if (!net)
    GSL_ERROR_NULL ("bp_cnn_workspace_alloc: net must not be NULL", GSL_EFAULT);
  const size_t hw = net->rows * net->cols, hw2 = (net->rows / 2) * (net->cols / 2);
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K;
  if (B == 0)
    GSL_ERROR_NULL ("bp_cnn_workspace_alloc: B must be positive", GSL_EINVAL);
  if (matrix_too_large (B * hw, k2 * (net->C1 > net->C2 ? net->C1 : net->C2))
      || matrix_too_large (B * hw2, k2 * net->C1))
    GSL_ERROR_NULL ("bp_cnn_workspace_alloc: sizes too large: the lowered images "
                    "overflow size_t", GSL_EINVAL);
  bp_cnn_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("bp_cnn_workspace_alloc: out of memory", GSL_ENOMEM);
  w->B = B;
  cnn_sizes (&w->shape, net->rows, net->cols, net->C1, net->C2, net->H, net->n);
  const size_t C1 = net->C1, C2 = net->C2, hw4 = (net->rows / 4) * (net->cols / 4);
  w->cols1 = gsl_vector_alloc (k2 * B * hw);
  w->Z1 = gsl_vector_alloc (C1 * B * hw);
  w->A1 = gsl_vector_alloc (C1 * B * hw);
  w->G1 = gsl_vector_alloc (C1 * B * hw);
  w->P1 = gsl_vector_alloc (C1 * B * hw2);
  w->dP1 = gsl_vector_alloc (C1 * B * hw2);
  w->cols2 = gsl_vector_alloc (C1 * k2 * B * hw2);
  w->Z2 = gsl_vector_alloc (C2 * B * hw2);
  w->A2 = gsl_vector_alloc (C2 * B * hw2);
  w->G2 = gsl_vector_alloc (C2 * B * hw2);
  w->P2 = gsl_vector_alloc (C2 * B * hw4);
  w->dP2 = gsl_vector_alloc (C2 * B * hw4);
  w->F = gsl_matrix_alloc (B, net->features);
  w->dF = gsl_matrix_alloc (B, net->features);
  int ok = w->cols1 && w->Z1 && w->A1 && w->G1 && w->P1 && w->dP1 && w->cols2 && w->Z2
           && w->A2 && w->G2 && w->P2 && w->dP2 && w->F && w->dF;
  if (ok && net->H > 0)
    {
      w->Z3 = gsl_matrix_alloc (B, net->H);
      w->A3 = gsl_matrix_alloc (B, net->H);
      w->dA3 = gsl_matrix_alloc (B, net->H);
      ok = w->Z3 && w->A3 && w->dA3;
    }
  if (ok)
    {
      w->V = gsl_matrix_alloc (B, net->n);
      w->Y = gsl_matrix_alloc (B, net->n);
      w->dV = gsl_matrix_alloc (B, net->n);
      ok = w->V && w->Y && w->dV;
    }
  if (!ok)
    {
      bp_cnn_workspace_free (w);
      GSL_ERROR_NULL ("bp_cnn_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
bp_cnn_workspace_free (bp_cnn_workspace *w)
{
  if (w == NULL)
    return;
  gsl_vector *v[] = { w->cols1, w->Z1, w->A1, w->G1, w->P1, w->dP1,
                      w->cols2, w->Z2, w->A2, w->G2, w->P2, w->dP2 };
  gsl_matrix *m[] = { w->F, w->dF, w->Z3, w->A3, w->dA3, w->V, w->Y, w->dV };
  for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
    if (v[k]) gsl_vector_free (v[k]);
  for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
    if (m[k]) gsl_matrix_free (m[k]);
  free (w);
}

/* The workspace's matrices for a batch of b examples: the per-channel
   buffers viewed as C x (b hw), contiguous; the others' first b rows. */
typedef struct
{
  gsl_matrix_view X0, cols1, Z1, A1, G1, P1, dP1, cols2, Z2, A2, G2, P2, dP2;
  gsl_matrix_view F, dF, Z3, A3, dA3, V, Y, dV;
} batch_views;

static gsl_matrix_view
channels (gsl_vector *buf, size_t C, size_t columns)
{
  return gsl_matrix_view_vector (buf, C, columns);
}

static gsl_matrix_view
first_rows (gsl_matrix *M, size_t b)
{
  return gsl_matrix_submatrix (M, 0, 0, b, M->size2);
}

static batch_views
views (bp_cnn_workspace *w, const gsl_matrix *U)
{
  const bp_cnn *s = &w->shape;
  const size_t b = U->size1, k2 = (size_t) BP_CNN_K * BP_CNN_K, hw = s->rows * s->cols;
  const size_t hw2 = (s->rows / 2) * (s->cols / 2), hw4 = (s->rows / 4) * (s->cols / 4);
  batch_views r = { 0 };   /* Z3, A3, dA3 stay empty when H = 0 */
  /* U's b rows of rows cols pixels, contiguous, are one channel of b images */
  r.X0 = gsl_matrix_view_array (U->data, 1, b * hw);
  r.cols1 = channels (w->cols1, k2, b * hw);
  r.Z1 = channels (w->Z1, s->C1, b * hw);
  r.A1 = channels (w->A1, s->C1, b * hw);
  r.G1 = channels (w->G1, s->C1, b * hw);
  r.P1 = channels (w->P1, s->C1, b * hw2);
  r.dP1 = channels (w->dP1, s->C1, b * hw2);
  r.cols2 = channels (w->cols2, s->C1 * k2, b * hw2);
  r.Z2 = channels (w->Z2, s->C2, b * hw2);
  r.A2 = channels (w->A2, s->C2, b * hw2);
  r.G2 = channels (w->G2, s->C2, b * hw2);
  r.P2 = channels (w->P2, s->C2, b * hw4);
  r.dP2 = channels (w->dP2, s->C2, b * hw4);
  r.F = first_rows (w->F, b);
  r.dF = first_rows (w->dF, b);
  if (s->H > 0)
    {
      r.Z3 = first_rows (w->Z3, b);
      r.A3 = first_rows (w->A3, b);
      r.dA3 = first_rows (w->dA3, b);
    }
  r.V = first_rows (w->V, b);
  r.Y = first_rows (w->Y, b);
  r.dV = first_rows (w->dV, b);
  return r;
}

/* ---- the chain, trusting its arguments -------------------------------- */

/* The ReLUs and poolings in their trusted forms (layers_trusted.h): the
   public entries below checked U, T and the parameters once; what the
   layers make is checked at the logits. */

/* (17.1)-(17.3): U to the logits V */
static int
forward (const bp_cnn *net, batch_views *r)
{
  const size_t rows = net->rows, cols = net->cols;
  int status = bp_batch_conv (&net->conv1, net->K1, net->b1, &r->X0.matrix,
                              &r->cols1.matrix, &r->Z1.matrix);
  if (status != GSL_SUCCESS)
    return status;
  relu_batch_trusted (&r->Z1.matrix, &r->A1.matrix);
  maxpool_trusted (&r->A1.matrix, rows, cols, &r->P1.matrix);
  status = bp_batch_conv (&net->conv2, net->K2, net->b2, &r->P1.matrix,
                            &r->cols2.matrix, &r->Z2.matrix);
  if (status != GSL_SUCCESS)
    return status;
  relu_batch_trusted (&r->Z2.matrix, &r->A2.matrix);
  maxpool_trusted (&r->A2.matrix, rows / 2, cols / 2, &r->P2.matrix);
  status = bp_batch_flatten (&r->P2.matrix, (rows / 4) * (cols / 4), &r->F.matrix);
  if (status != GSL_SUCCESS || net->H == 0)
    return status == GSL_SUCCESS
           ? bp_batch_linear (net->W4, net->b4, &r->F.matrix, &r->V.matrix) : status;
  status = bp_batch_linear (net->W3, net->b3, &r->F.matrix, &r->Z3.matrix);
  if (status == GSL_SUCCESS)
    relu_batch_trusted (&r->Z3.matrix, &r->A3.matrix);
  if (status == GSL_SUCCESS)
    status = bp_batch_linear (net->W4, net->b4, &r->A3.matrix, &r->V.matrix);
  return status;
}

/* (17.5)-(17.8): dL/dV = (Y - T)/B, then each layer's gradients, from the top */
static int
backward (const bp_cnn *net, const gsl_matrix *T, batch_views *r, bp_cnn *g,
          gsl_matrix *dL_dU)
{
  const size_t rows = net->rows, cols = net->cols;
  int status = bp_batch_softmax (&r->V.matrix, &r->Y.matrix);
  if (status == GSL_SUCCESS)
    status = bp_batch_softmax_cross_entropy_grad (T, &r->Y.matrix, &r->dV.matrix);
  /* the fully connected layers */
  const gsl_matrix *below = net->H ? &r->A3.matrix : &r->F.matrix;
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_weights (&r->dV.matrix, below, g->W4);
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_bias (&r->dV.matrix, g->b4);
  if (status == GSL_SUCCESS && net->H == 0)
    status = bp_batch_grad_input (net->W4, &r->dV.matrix, &r->dF.matrix);
  if (status == GSL_SUCCESS && net->H > 0)
    {
      status = bp_batch_grad_input (net->W4, &r->dV.matrix, &r->dA3.matrix);
      if (status == GSL_SUCCESS)   /* dL/dZ3 in place of dL/dA3 */
        relu_batch_backward_trusted (&r->Z3.matrix, &r->dA3.matrix, &r->dA3.matrix);
      if (status == GSL_SUCCESS)
        status = bp_batch_grad_weights (&r->dA3.matrix, &r->F.matrix, g->W3);
      if (status == GSL_SUCCESS)
        status = bp_batch_grad_bias (&r->dA3.matrix, g->b3);
      if (status == GSL_SUCCESS)
        status = bp_batch_grad_input (net->W3, &r->dA3.matrix, &r->dF.matrix);
    }
  /* flatten, pool, relu, convolution 2 */
  if (status == GSL_SUCCESS)
    status = bp_batch_flatten_inverse (&r->dF.matrix, (rows / 4) * (cols / 4),
                                       &r->dP2.matrix);
  if (status != GSL_SUCCESS)
    return status;
  maxpool_backward_trusted (&r->A2.matrix, rows / 2, cols / 2, &r->dP2.matrix,
                            &r->G2.matrix);
  /* dL/dZ2 in place of dL/dA2 */
  relu_batch_backward_trusted (&r->Z2.matrix, &r->G2.matrix, &r->G2.matrix);
  status = bp_batch_conv_grad_weights (&net->conv2, &r->G2.matrix, &r->cols2.matrix,
                                         g->K2);
  if (status == GSL_SUCCESS)
    status = bp_conv_grad_bias (&r->G2.matrix, g->b2);
  if (status == GSL_SUCCESS)   /* cols2 is free once dL/dK2 is made */
    status = bp_batch_conv_grad_input (&net->conv2, net->K2, &r->G2.matrix,
                                       &r->cols2.matrix, &r->dP1.matrix);
  /* pool, relu, convolution 1 */
  if (status != GSL_SUCCESS)
    return status;
  maxpool_backward_trusted (&r->A1.matrix, rows, cols, &r->dP1.matrix, &r->G1.matrix);
  relu_batch_backward_trusted (&r->Z1.matrix, &r->G1.matrix, &r->G1.matrix);
  status = bp_batch_conv_grad_weights (&net->conv1, &r->G1.matrix, &r->cols1.matrix,
                                         g->K1);
  if (status == GSL_SUCCESS)
    status = bp_conv_grad_bias (&r->G1.matrix, g->b1);
  if (status == GSL_SUCCESS && dL_dU != NULL)
    {
      gsl_matrix_view dX0 = gsl_matrix_view_array (dL_dU->data, 1,
                                                   dL_dU->size1 * dL_dU->size2);
      status = bp_batch_conv_grad_input (&net->conv1, net->K1, &r->G1.matrix,
                                         &r->cols1.matrix, &dX0.matrix);
    }
  return status;
}

int
cnn_trusted (const bp_cnn *net, const gsl_matrix *U, const gsl_matrix *T,
             bp_cnn_workspace *w, bp_cnn *grad, gsl_matrix *dL_dU, double *L)
{
  batch_views r = views (w, U);
  int status = forward (net, &r);
  if (status != GSL_SUCCESS)
    return status;
  if (!matrix_finite (&r.V.matrix))
    return GSL_EOVRFLW;
  if (grad == NULL)
    return GSL_SUCCESS;
  *L = bp_batch_softmax_cross_entropy (T, &r.V.matrix);
  return backward (net, T, &r, grad, dL_dU);
}

/* ---- the public entries: every argument checked once ------------------ */

int
cnn_finite (const bp_cnn *net)
{
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    if (b[k].M ? !matrix_finite (b[k].M) : (b[k].v && !vector_finite (b[k].v)))
      return 0;
  return 1;
}

static int
cnn_check (const char *fn, const bp_cnn *net, const gsl_matrix *U, const gsl_matrix *T,
           const bp_cnn_workspace *w)
{
  if (!bp_cnn_same_shape (net, &w->shape))
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  if (U->size1 == 0 || U->size1 > w->B || U->size2 != net->rows * net->cols
      || U->tda != U->size2 || (T && (T->size1 != U->size1 || T->size2 != net->n)))
    GSL_ERROR ("bp_cnn: U must be b x (rows cols), 1 <= b <= B, contiguous, and T "
               "b x n", GSL_EBADLEN);
  if (!cnn_finite (net) || !matrix_finite (U) || (T && !matrix_finite (T)))
    GSL_ERROR ("bp_cnn: a parameter, U or T has a NaN or infinite element", GSL_EDOM);
  if (T && !matrix_rows_sum_to_one (T))
    GSL_ERROR ("bp_cnn: every row of T must sum to 1", GSL_EDOM);
  return GSL_SUCCESS;
}

double
bp_cnn_forward (const bp_cnn *net, const gsl_matrix *U, const gsl_matrix *T,
                bp_cnn_workspace *w)
{
  if (!net || !U || !w)
    GSL_ERROR_VAL ("bp_cnn_forward: net, U and w must not be NULL", GSL_EFAULT, GSL_NAN);
  if (cnn_check ("bp_cnn_forward: net must have the workspace's shape", net, U, T, w))
    return GSL_NAN;
  batch_views r = views (w, U);
  if (forward (net, &r) != GSL_SUCCESS)
    return GSL_NAN;
  return T ? bp_batch_softmax_cross_entropy (T, &r.V.matrix) : 0.0;
}

/* 1 when the memory of two blocks overlaps */
static int
block_overlap (bp_cnn_block x, bp_cnn_block y)
{
  if (x.M && y.M)
    return matrices_overlap (x.M, y.M);
  if (x.M && y.v)
    return vector_matrix_overlap (y.v, x.M);
  if (y.M && x.v)
    return vector_matrix_overlap (x.v, y.M);
  return x.v && y.v && vectors_overlap (x.v, y.v);
}

/* 1 when a block of a overlaps the matrix A, or (b not NULL) a block of b */
static int
cnn_overlaps (const bp_cnn *a, const gsl_matrix *A, const bp_cnn *b)
{
  bp_cnn_block x[BP_CNN_MAX_BLOCKS], y[BP_CNN_MAX_BLOCKS];
  const size_t nx = bp_cnn_blocks (a, x), ny = b ? bp_cnn_blocks (b, y) : 0;
  for (size_t i = 0; i < nx; i++)
    {
      if (A && block_overlap (x[i], (bp_cnn_block) { "", (gsl_matrix *) A, NULL }))
        return 1;
      for (size_t j = 0; j < ny; j++)
        if (block_overlap (x[i], y[j]))
          return 1;
    }
  return 0;
}

int
bp_cnn_backward (const bp_cnn *net, const gsl_matrix *U, const gsl_matrix *T,
                 bp_cnn_workspace *w, bp_cnn *grad, gsl_matrix *dL_dU, double *L)
{
  if (!net || !U || !T || !w || !grad)
    GSL_ERROR ("bp_cnn_backward: net, U, T, w and grad must not be NULL", GSL_EFAULT);
  if (!bp_cnn_same_shape (net, grad))
    GSL_ERROR ("bp_cnn_backward: grad must have the network's shape", GSL_EBADLEN);
  int status = cnn_check ("bp_cnn_backward: net must have the workspace's shape",
                          net, U, T, w);
  if (status != GSL_SUCCESS)
    return status;
  if (dL_dU && (dL_dU->size1 != U->size1 || dL_dU->size2 != U->size2
                || dL_dU->tda != dL_dU->size2))
    GSL_ERROR ("bp_cnn_backward: dL_dU must have U's shape, contiguous", GSL_EBADLEN);
  if (cnn_overlaps (grad, NULL, net) || cnn_overlaps (grad, U, NULL)
      || cnn_overlaps (grad, T, NULL)
      || (dL_dU && (cnn_overlaps (net, dL_dU, NULL) || cnn_overlaps (grad, dL_dU, NULL)
                    || matrices_overlap (dL_dU, U) || matrices_overlap (dL_dU, T))))
    GSL_ERROR ("bp_cnn_backward: grad or dL_dU overlaps net, U, T or each other "
               "(bp_common.h)", GSL_EINVAL);
  batch_views r = views (w, U);
  status = forward (net, &r);
  const double loss = status == GSL_SUCCESS
                      ? bp_batch_softmax_cross_entropy (T, &r.V.matrix) : GSL_NAN;
  if (status == GSL_SUCCESS)
    status = backward (net, T, &r, grad, dL_dU);
  if (status == GSL_SUCCESS && L != NULL)
    *L = loss;
  return status;
}
