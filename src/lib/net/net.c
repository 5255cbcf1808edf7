/* net.c -- a network of any row: the one parameter buffer and the one
   gradient buffer, the block views, and the checked entries that dispatch
   to the row; see bp_net.h. */
#include <config.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_net.h"
#include "lib/valid.h"
#include "lib/net/net.h"

const char *const net_weight_name[10] = { "W", "W1", "W2", "W3", "W4", "W5", "W6",
                                          "W7", "W8", "W9" };
const char *const net_bias_name[10] = { "b", "b1", "b2", "b3", "b4", "b5", "b6",
                                        "b7", "b8", "b9" };

const bp_net_type *
bp_net_type_by_name (const char *name)
{
  if (name == NULL)
    return NULL;
  const bp_net_type *rows[] = { bp_net_linear, bp_net_mlp, bp_net_deep, bp_net_cnn };
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
    if (strcmp (rows[k]->name, name) == 0)
      return rows[k];
  return NULL;
}

const bp_net_type *
bp_net_type_of (const bp_net_shape *s)
{
  if (!s)
    GSL_ERROR_NULL ("bp_net_type_of: s must not be NULL", GSL_EFAULT);
  return s->C1 > 0 ? bp_net_cnn
         : s->n_hidden == 0 ? bp_net_linear
         : s->n_hidden == 1 ? bp_net_mlp : bp_net_deep;
}

/* The elements of a block. */
static size_t
block_size (const bp_net_block_shape *b)
{
  return b->size1 * (b->size2 ? b->size2 : 1);
}

/* The views of block k into theta and grad. */
static void
set_views (bp_net *net, size_t k)
{
  const bp_net_block_shape *b = &net->layout[k];
  const size_t at = net->offset[k], c = b->size2 ? b->size2 : 1;
  net->theta_v[k] = gsl_vector_subvector (net->theta, at, block_size (b));
  net->grad_v[k] = gsl_vector_subvector (net->grad, at, block_size (b));
  net->theta_M[k] = gsl_matrix_view_array (net->theta->data + at, b->size1, c);
  net->grad_M[k] = gsl_matrix_view_array (net->grad->data + at, b->size1, c);
  net->block[k] = (bp_gradcheck_block) { b->name, NULL, NULL };
  net->grad_block[k] = (bp_gradcheck_block) { b->name, NULL, NULL };
  if (b->size2)
    {
      net->block[k].matrix = &net->theta_M[k].matrix;
      net->grad_block[k].matrix = &net->grad_M[k].matrix;
    }
  else
    {
      net->block[k].vector = &net->theta_v[k].vector;
      net->grad_block[k].vector = &net->grad_v[k].vector;
    }
}

bp_net *
bp_net_alloc (const bp_net_type *T, const bp_net_shape *s)
{
  if (!T || !s)
    GSL_ERROR_NULL ("bp_net_alloc: T and s must not be NULL", GSL_EFAULT);
  bp_net *net = calloc (1, sizeof *net);
  if (net == NULL)
    GSL_ERROR_NULL ("bp_net_alloc: out of memory", GSL_ENOMEM);
  net->type = T;
  net->shape = *s;
  if (T->layout (s, &net->n_blocks, net->layout) != GSL_SUCCESS)
    {
      free (net);
      GSL_ERROR_NULL ("bp_net_alloc: sizes the network's type refuses (zero, "
                      "too many layers, an image under 4 x 4 for cnn, or too large)",
                      GSL_EINVAL);
    }
  size_t size = 0;
  for (size_t k = 0; k < net->n_blocks; k++)
    {
      net->offset[k] = size;
      const bp_net_block_shape *b = &net->layout[k];
      if (matrix_too_large (b->size1, b->size2 ? b->size2 : 1)
          || block_size (b) > SIZE_MAX / sizeof (double) - size)
        {
          free (net);
          GSL_ERROR_NULL ("bp_net_alloc: sizes too large: the parameters overflow size_t",
                          GSL_EINVAL);
        }
      size += block_size (b);
    }
  net->size = size;
  net->theta = gsl_vector_calloc (size);
  net->grad = gsl_vector_calloc (size);
  if (!net->theta || !net->grad)
    {
      bp_net_free (net);
      GSL_ERROR_NULL ("bp_net_alloc: out of memory", GSL_ENOMEM);
    }
  for (size_t k = 0; k < net->n_blocks; k++)
    set_views (net, k);
  return net;
}

void
bp_net_free (bp_net *net)
{
  if (net == NULL)
    return;
  if (net->theta) gsl_vector_free (net->theta);
  if (net->grad) gsl_vector_free (net->grad);
  free (net);
}

int
bp_net_init (bp_net *net, gsl_rng *rng)
{
  if (!net || !rng)
    GSL_ERROR ("bp_net_init: net and rng must not be NULL", GSL_EFAULT);
  return net->type->init (net, rng);
}

int
bp_net_describe (const bp_net *net, char *buf, size_t len)
{
  if (!net || !buf)
    GSL_ERROR ("bp_net_describe: net and buf must not be NULL", GSL_EFAULT);
  if (len > 0)
    net->type->describe (net, buf, len);
  return GSL_SUCCESS;
}

int
net_same_shape (const bp_net_shape *a, const bp_net_shape *b)
{
  if (a->rows != b->rows || a->cols != b->cols || a->n != b->n
      || a->n_hidden != b->n_hidden || a->act != b->act || a->C1 != b->C1
      || a->C2 != b->C2)
    return 0;
  for (size_t l = 0; l < a->n_hidden && l < BP_NET_MAX_HIDDEN; l++)
    if (a->hidden[l] != b->hidden[l])
      return 0;
  return 1;
}

bp_net_workspace *
bp_net_workspace_alloc (const bp_net *net, size_t B)
{
  if (!net)
    GSL_ERROR_NULL ("bp_net_workspace_alloc: net must not be NULL", GSL_EFAULT);
  if (B == 0)
    GSL_ERROR_NULL ("bp_net_workspace_alloc: B must be positive", GSL_EINVAL);
  const size_t m = net_inputs (&net->shape);
  if (matrix_too_large (B, m) || matrix_too_large (B, net->shape.n))
    GSL_ERROR_NULL ("bp_net_workspace_alloc: B too large: a batch overflows size_t",
                    GSL_EINVAL);
  bp_net_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("bp_net_workspace_alloc: out of memory", GSL_ENOMEM);
  w->type = net->type;
  w->shape = net->shape;
  w->B = B;
  w->row = net->type->workspace_alloc (net, B);
  w->U = gsl_matrix_alloc (B, m);
  w->T = gsl_matrix_alloc (B, net->shape.n);
  if (!w->row || !w->U || !w->T)
    {
      bp_net_workspace_free (w);
      GSL_ERROR_NULL ("bp_net_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
bp_net_workspace_free (bp_net_workspace *w)
{
  if (w == NULL)
    return;
  if (w->row) w->type->workspace_free (w->row);
  if (w->U) gsl_matrix_free (w->U);
  if (w->T) gsl_matrix_free (w->T);
  free (w);
}

/* The checks shared by forward and backward. */
static int
check (const char *fn, const bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
       const bp_net_workspace *w)
{
  if (w->type != net->type || !net_same_shape (&w->shape, &net->shape))
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  if (U->size1 == 0 || U->size1 > w->B || U->size2 != w->U->size2 || U->tda != U->size2
      || (T && (T->size1 != U->size1 || T->size2 != net->shape.n)))
    GSL_ERROR ("bp_net: U must be b x m, 1 <= b <= B, contiguous, and T b x n",
               GSL_EBADLEN);
  if (!vector_finite (net->theta) || !matrix_finite (U) || (T && !matrix_finite (T)))
    GSL_ERROR ("bp_net: a parameter, U or T has a NaN or infinite element", GSL_EDOM);
  if (T && !matrix_rows_sum_to_one (T))
    GSL_ERROR ("bp_net: every row of T must sum to 1", GSL_EDOM);
  return GSL_SUCCESS;
}

int
bp_net_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                bp_net_workspace *w, gsl_matrix_view *V, double *L)
{
  if (MISSING (net) || MISSING (U) || MISSING (w))
    GSL_ERROR ("bp_net_forward: net, U and w must not be NULL", GSL_EFAULT);
  if (GIVEN_MISSING (T))
    GSL_ERROR ("bp_net_forward: T has NULL data", GSL_EFAULT);
  int status = check ("bp_net_forward: the workspace was made for another network",
                      net, U, T, w);
  if (status != GSL_SUCCESS)
    return status;
  gsl_matrix_view logits;
  double loss = 0.0;
  status = net->type->forward (net, U, T, w->row, &logits, &loss);
  if (status != GSL_SUCCESS)
    return status;
  if (V)
    *V = logits;
  if (L)
    *L = loss;
  return GSL_SUCCESS;
}

int
bp_net_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                 bp_net_workspace *w, gsl_matrix *dL_dU, double *L)
{
  if (MISSING (net) || MISSING (U) || MISSING (T) || MISSING (w))
    GSL_ERROR ("bp_net_backward: net, U, T and w must not be NULL", GSL_EFAULT);
  if (GIVEN_MISSING (dL_dU))
    GSL_ERROR ("bp_net_backward: dL_dU has NULL data", GSL_EFAULT);
  int status = check ("bp_net_backward: the workspace was made for another network",
                      net, U, T, w);
  if (status != GSL_SUCCESS)
    return status;
  if (dL_dU && (dL_dU->size1 != U->size1 || dL_dU->size2 != U->size2
                || dL_dU->tda != dL_dU->size2))
    GSL_ERROR ("bp_net_backward: dL_dU must have U's shape, contiguous", GSL_EBADLEN);
  if (vector_matrix_overlap (net->grad, U) || vector_matrix_overlap (net->grad, T)
      || (dL_dU && (vector_matrix_overlap (net->theta, dL_dU)
                    || vector_matrix_overlap (net->grad, dL_dU)
                    || matrices_overlap (dL_dU, U) || matrices_overlap (dL_dU, T))))
    GSL_ERROR ("bp_net_backward: dL_dU or the gradients overlap the network, U, T or "
               "each other (bp_common.h)", GSL_EINVAL);
  double loss;
  status = net->type->backward (net, U, T, w->row, dL_dU, &loss);
  if (status == GSL_SUCCESS && L)
    *L = loss;
  return status;
}
