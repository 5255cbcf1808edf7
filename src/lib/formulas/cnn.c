/* cnn.c -- the convolutional network of cnn_chain.h, assembled from the
   batch forms of bp_conv.h, bp_pool.h, bp_reshape.h and bp_batch.h;
   derivations/17-cnn.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_batch.h"
#include "lib/formulas/cnn_chain.h"
#include "backprop/bp_pool.h"
#include "backprop/bp_reshape.h"
#include "lib/alloc.h"
#include "lib/valid.h"
#include "lib/formulas/cnn_trusted.h"
#include "lib/formulas/layers_trusted.h"
#include "lib/formulas/float.h"
#include "lib/formulas/winograd.h"

/* The sizes of a network, no parameters: 0 on success (cnn_trusted.h). */
int
cnn_sizes (cnn_chain *s, size_t rows, size_t cols, size_t C1, size_t C2, size_t H,
           size_t n)
{
  if (rows < 4 || cols < 4 || C1 == 0 || C2 == 0 || n == 0)
    return -1;
  *s = (cnn_chain) { .rows = rows, .cols = cols, .C1 = C1, .C2 = C2, .H = H, .n = n };
  s->conv1 = (bp_conv_shape) { .channels_in = 1, .height = rows, .width = cols,
                              .channels_out = C1, .k = BP_CNN_K, .pad = BP_CNN_PAD };
  s->conv2 = (bp_conv_shape) { .channels_in = C1, .height = rows / 2, .width = cols / 2,
                              .channels_out = C2, .k = BP_CNN_K, .pad = BP_CNN_PAD };
  s->features = C2 * (rows / 4) * (cols / 4);
  return 0;
}

cnn_chain *
cnn_chain_alloc (size_t rows, size_t cols, size_t C1, size_t C2, size_t H, size_t n)
{
  cnn_chain s;
  if (cnn_sizes (&s, rows, cols, C1, C2, H, n) != 0)
    GSL_ERROR_NULL ("cnn_chain_alloc: sizes must be positive and the image at least 4 x 4",
                    GSL_EINVAL);
  if (matrix_too_large (C2, 25 * C1) || matrix_too_large (H ? H : n, s.features))
    GSL_ERROR_NULL ("cnn_chain_alloc: sizes too large: a weight matrix overflows size_t",
                    GSL_EINVAL);
  cnn_chain *net = malloc (sizeof *net);
  if (net == NULL)
    GSL_ERROR_NULL ("cnn_chain_alloc: out of memory", GSL_ENOMEM);
  *net = s;
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K;
  net->K1 = matrix_calloc (C1, k2);
  net->b1 = gsl_vector_calloc (C1);
  net->K2 = matrix_calloc (C2, C1 * k2);
  net->b2 = gsl_vector_calloc (C2);
  if (H > 0)
    {
      net->W3 = matrix_calloc (H, s.features);
      net->b3 = gsl_vector_calloc (H);
    }
  net->W4 = matrix_calloc (n, H ? H : s.features);
  net->b4 = gsl_vector_calloc (n);
  if (!net->K1 || !net->b1 || !net->K2 || !net->b2 || (H && (!net->W3 || !net->b3))
      || !net->W4 || !net->b4)
    {
      cnn_chain_free (net);
      GSL_ERROR_NULL ("cnn_chain_alloc: out of memory", GSL_ENOMEM);
    }
  return net;
}

void
cnn_chain_free (cnn_chain *net)
{
  if (net == NULL)
    return;
  cnn_chain_block b[CNN_CHAIN_MAX_BLOCKS];
  const size_t count = cnn_chain_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    {
      if (b[k].M) gsl_matrix_free (b[k].M);
      if (b[k].v) gsl_vector_free (b[k].v);
    }
  free (net);
}

size_t
cnn_chain_blocks (const cnn_chain *net, cnn_chain_block blocks[CNN_CHAIN_MAX_BLOCKS])
{
  if (MISSING (net) || MISSING (blocks))
    GSL_ERROR_VAL ("cnn_chain_blocks: net and blocks must not be NULL", GSL_EFAULT, 0);
  size_t k = 0;
  blocks[k++] = (cnn_chain_block) { "K1", net->K1, NULL };
  blocks[k++] = (cnn_chain_block) { "b1", NULL, net->b1 };
  blocks[k++] = (cnn_chain_block) { "K2", net->K2, NULL };
  blocks[k++] = (cnn_chain_block) { "b2", NULL, net->b2 };
  if (net->H > 0)
    {
      blocks[k++] = (cnn_chain_block) { "W3", net->W3, NULL };
      blocks[k++] = (cnn_chain_block) { "b3", NULL, net->b3 };
    }
  blocks[k++] = (cnn_chain_block) { "W4", net->W4, NULL };
  blocks[k++] = (cnn_chain_block) { "b4", NULL, net->b4 };
  return k;
}

size_t
cnn_chain_count (const cnn_chain *net)
{
  if (MISSING (net))
    GSL_ERROR_VAL ("cnn_chain_count: net must not be NULL", GSL_EFAULT, 0);
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K, last = net->H ? net->H : net->features;
  return net->C1 * (k2 + 1) + net->C2 * (net->C1 * k2 + 1)
         + net->H * (net->features + 1) + net->n * (last + 1);
}

int
cnn_chain_same_shape (const cnn_chain *a, const cnn_chain *b)
{
  if (MISSING (a) || MISSING (b))
    GSL_ERROR_VAL ("cnn_chain_same_shape: a and b must not be NULL", GSL_EFAULT, 0);
  return a->rows == b->rows && a->cols == b->cols && a->C1 == b->C1 && a->C2 == b->C2
         && a->H == b->H && a->n == b->n;
}

/* (17.9) */
int
cnn_chain_init (cnn_chain *net, gsl_rng *rng)
{
  if (MISSING (net) || MISSING (rng))
    GSL_ERROR ("cnn_chain_init: net and rng must not be NULL", GSL_EFAULT);
  cnn_chain_block b[CNN_CHAIN_MAX_BLOCKS];
  const size_t count = cnn_chain_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    if (b[k].M)
      matrix_gaussian (b[k].M, 2.0 / (double) b[k].M->size2, rng);   /* fan-in: a row */
    else
      gsl_vector_set_zero (b[k].v);
  return GSL_SUCCESS;
}

/* the workspace and the chain once for double and float: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/cnn_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/cnn_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* ---- the public entries: every argument checked once ------------------ */

int
cnn_finite (const cnn_chain *net)
{
  cnn_chain_block b[CNN_CHAIN_MAX_BLOCKS];
  const size_t count = cnn_chain_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    if (b[k].M ? !matrix_finite (b[k].M) : (b[k].v && !vector_finite (b[k].v)))
      return 0;
  return 1;
}

static int
cnn_check (const char *fn, const cnn_chain *net, const gsl_matrix *U, const gsl_matrix *T,
           const cnn_chain_workspace *w)
{
  if (!cnn_chain_same_shape (net, &w->shape))
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  if (U->size1 == 0 || U->size1 > w->B || U->size2 != net->rows * net->cols
      || U->tda != U->size2 || (T && (T->size1 != U->size1 || T->size2 != net->n)))
    GSL_ERROR ("cnn_chain: U must be b x (rows cols), 1 <= b <= B, contiguous, and T "
               "b x n", GSL_EBADLEN);
  if (!cnn_finite (net) || !matrix_finite (U) || (T && !matrix_finite (T)))
    GSL_ERROR ("cnn_chain: a parameter, U or T has a NaN or infinite element", GSL_EDOM);
  if (T && !matrix_rows_sum_to_one (T))
    GSL_ERROR ("cnn_chain: every row of T must sum to 1", GSL_EDOM);
  return GSL_SUCCESS;
}

double
cnn_chain_forward (const cnn_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                cnn_chain_workspace *w)
{
  if (MISSING (net) || MISSING (U) || MISSING (w))
    GSL_ERROR_VAL ("cnn_chain_forward: net, U and w must not be NULL", GSL_EFAULT, GSL_NAN);
  if (GIVEN_MISSING (T))
    GSL_ERROR_VAL ("cnn_chain_forward: T has NULL data", GSL_EFAULT, GSL_NAN);
  if (cnn_check ("cnn_chain_forward: net must have the workspace's shape", net, U, T, w))
    return GSL_NAN;
  cnn_views r = cnn_views_of (w, U);
  if (cnn_forward (net, &r) != GSL_SUCCESS)
    return GSL_NAN;
  return T ? bp_batch_softmax_cross_entropy (T, &r.V.matrix) : 0.0;
}

/* 1 when the memory of two blocks overlaps */
static int
block_overlap (cnn_chain_block x, cnn_chain_block y)
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
cnn_overlaps (const cnn_chain *a, const gsl_matrix *A, const cnn_chain *b)
{
  cnn_chain_block x[CNN_CHAIN_MAX_BLOCKS], y[CNN_CHAIN_MAX_BLOCKS];
  const size_t nx = cnn_chain_blocks (a, x), ny = b ? cnn_chain_blocks (b, y) : 0;
  for (size_t i = 0; i < nx; i++)
    {
      if (A && block_overlap (x[i], (cnn_chain_block) { "", (gsl_matrix *) A, NULL }))
        return 1;
      for (size_t j = 0; j < ny; j++)
        if (block_overlap (x[i], y[j]))
          return 1;
    }
  return 0;
}

int
cnn_chain_backward (const cnn_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                 cnn_chain_workspace *w, cnn_chain *grad, gsl_matrix *dL_dU, double *L)
{
  if (MISSING (net) || MISSING (U) || MISSING (T) || MISSING (w) || MISSING (grad))
    GSL_ERROR ("cnn_chain_backward: net, U, T, w and grad must not be NULL", GSL_EFAULT);
  if (GIVEN_MISSING (dL_dU))
    GSL_ERROR ("cnn_chain_backward: dL_dU has NULL data", GSL_EFAULT);
  if (!cnn_chain_same_shape (net, grad))
    GSL_ERROR ("cnn_chain_backward: grad must have the network's shape", GSL_EBADLEN);
  int status = cnn_check ("cnn_chain_backward: net must have the workspace's shape",
                          net, U, T, w);
  if (status != GSL_SUCCESS)
    return status;
  if (dL_dU && (dL_dU->size1 != U->size1 || dL_dU->size2 != U->size2
                || dL_dU->tda != dL_dU->size2))
    GSL_ERROR ("cnn_chain_backward: dL_dU must have U's shape, contiguous", GSL_EBADLEN);
  if (cnn_overlaps (grad, NULL, net) || cnn_overlaps (grad, U, NULL)
      || cnn_overlaps (grad, T, NULL)
      || (dL_dU && (cnn_overlaps (net, dL_dU, NULL) || cnn_overlaps (grad, dL_dU, NULL)
                    || matrices_overlap (dL_dU, U) || matrices_overlap (dL_dU, T))))
    GSL_ERROR ("cnn_chain_backward: grad or dL_dU overlaps net, U, T or each other "
               "(bp_common.h)", GSL_EINVAL);
  cnn_views r = cnn_views_of (w, U);
  status = cnn_forward (net, &r);
  const double loss = status == GSL_SUCCESS
                      ? bp_batch_softmax_cross_entropy (T, &r.V.matrix) : GSL_NAN;
  if (status == GSL_SUCCESS)
    status = cnn_backward (net, T, &r, grad, dL_dU);
  if (status == GSL_SUCCESS && L != NULL)
    *L = loss;
  return status;
}
