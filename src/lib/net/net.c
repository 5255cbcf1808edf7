/* net.c -- a network of any row: the one parameter buffer and the one
   gradient buffer, the block views, and the checked entries that dispatch
   to the row; see bp_net.h. */
#include <config.h>
#include <complex.h>
#include <math.h>   /* NAN: gsl_nan.h falls back on gsl_nan (), undeclared here */
#include "lib/cmplx.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_net.h"
#include "lib/alloc.h"
#include "lib/valid.h"
#include "lib/formulas/arith.h"
#include "lib/net/net.h"

const char *const net_weight_name[10] = { "W", "W1", "W2", "W3", "W4", "W5", "W6",
                                          "W7", "W8", "W9" };
const char *const net_bias_name[10] = { "b", "b1", "b2", "b3", "b4", "b5", "b6",
                                        "b7", "b8", "b9" };

const bp_net_type *
bp_net_type_at (size_t k)
{
  const bp_net_type *rows[] = { bp_net_linear, bp_net_mlp, bp_net_deep, bp_net_cnn,
                                bp_net_linear_float, bp_net_mlp_float,
                                bp_net_deep_float, bp_net_cnn_float };
  return k < sizeof rows / sizeof rows[0] ? rows[k] : NULL;
}

const bp_net_type *
bp_net_type_by_name (const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t k = 0; bp_net_type_at (k) != NULL; k++)
    if (strcmp (bp_net_type_at (k)->name, name) == 0)
      return bp_net_type_at (k);
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

/* The views of block k into theta and grad (a float32 row: theta_float
   and grad_float; its bp_gradcheck_blocks have the name only). */
static void
set_views (bp_net *net, size_t k)
{
  const bp_net_block_shape *b = &net->layout[k];
  const size_t at = net->offset[k], c = b->size2 ? b->size2 : 1;
  if (net->type->dtype == BP_NET_FLOAT32)
    {
      net->theta_float_v[k] = gsl_vector_float_subvector (net->theta_float, at,
                                                          block_size (b));
      net->grad_float_v[k] = gsl_vector_float_subvector (net->grad_float, at,
                                                         block_size (b));
      net->theta_float_M[k] = gsl_matrix_float_view_array (net->theta_float->data + at,
                                                           b->size1, c);
      net->grad_float_M[k] = gsl_matrix_float_view_array (net->grad_float->data + at,
                                                          b->size1, c);
      net->block[k] = (bp_gradcheck_block) { .name = b->name };
      net->grad_block[k] = (bp_gradcheck_block) { .name = b->name };
      return;
    }
  net->theta_v[k] = gsl_vector_subvector (net->theta, at, block_size (b));
  net->grad_v[k] = gsl_vector_subvector (net->grad, at, block_size (b));
  net->theta_M[k] = gsl_matrix_view_array (net->theta->data + at, b->size1, c);
  net->grad_M[k] = gsl_matrix_view_array (net->grad->data + at, b->size1, c);
  net->block[k] = (bp_gradcheck_block) { .name = b->name };
  net->grad_block[k] = (bp_gradcheck_block) { .name = b->name };
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
  size_t m;   /* the inputs rows cols, which every layout reads (net_inputs) */
  if (size_mul_overflows (s->rows, s->cols, &m))
    GSL_ERROR_NULL ("bp_net_alloc: rows x cols overflows size_t", GSL_EINVAL);
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
  const int f = T->dtype == BP_NET_FLOAT32;
  if (f)
    {
      net->theta_float = gsl_vector_float_calloc (size);
      net->grad_float = gsl_vector_float_calloc (size);
    }
  else
    {
      net->theta = gsl_vector_calloc (size);
      net->grad = gsl_vector_calloc (size);
    }
  if (f ? !net->theta_float || !net->grad_float : !net->theta || !net->grad)
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
  if (net->theta_float) gsl_vector_float_free (net->theta_float);
  if (net->grad_float) gsl_vector_float_free (net->grad_float);
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
net_init_rounded (bp_net *net, gsl_rng *rng)
{
  const bp_net_type *D = NULL;
  for (size_t k = 0; D == NULL && bp_net_type_at (k) != NULL; k++)
    if (bp_net_type_at (k)->dtype == BP_NET_FLOAT64
        && bp_net_type_at (k)->float32 == net->type)
      D = bp_net_type_at (k);
  if (D == NULL)
    return GSL_EINVAL;   /* not a table's float32 row */
  bp_net *d = bp_net_alloc (D, &net->shape);
  if (d == NULL)
    return GSL_ENOMEM;
  int status = D->init (d, rng);
  for (size_t k = 0; status == GSL_SUCCESS && k < net->size; k++)
    net->theta_float->data[k] = (float) d->theta->data[k];
  bp_net_free (d);
  return status;
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

int
net_params_finite (const bp_net *net)
{
  if (net->type->dtype == BP_NET_FLOAT32)
    return floats_finite (net->theta_float->data, net->size, 1, 1);
  return vector_finite (net->theta);
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
  int got;
  if (net->type->dtype == BP_NET_FLOAT32)
    {
      w->U_float = matrix_float_alloc (B, m);
      w->T_float = matrix_float_alloc (B, net->shape.n);
      w->dU_float = matrix_float_alloc (B, m);
      w->V = matrix_alloc (B, net->shape.n);
      got = w->U_float && w->T_float && w->dU_float && w->V;
    }
  else
    {
      w->U = matrix_alloc (B, m);
      w->T = matrix_alloc (B, net->shape.n);
      got = w->U && w->T;
    }
  if (!w->row || !got)
    {
      bp_net_workspace_free (w);
      GSL_ERROR_NULL ("bp_net_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

size_t
bp_net_workspace_bytes (const bp_net *net, size_t B)
{
  if (!net)
    GSL_ERROR_VAL ("bp_net_workspace_bytes: net must not be NULL", GSL_EFAULT, 0);
  if (B == 0)
    GSL_ERROR_VAL ("bp_net_workspace_bytes: B must be positive", GSL_EINVAL, 0);
  const size_t m = net_inputs (&net->shape), n = net->shape.n;
  size_t per = net->type->example_bytes (net), bytes = 0;
  /* the batch: U, T (double); a float32 row's U, T, dL/dU in float and V */
  if (net->type->dtype == BP_NET_FLOAT32)
    {
      bytes_add (&per, 2, m, sizeof (float));
      bytes_add (&per, 1, n, sizeof (float));
      bytes_add (&per, 1, n, sizeof (double));
    }
  else
    {
      bytes_add (&per, 1, m, sizeof (double));
      bytes_add (&per, 1, n, sizeof (double));
    }
  bytes_add (&bytes, B, per, 1);
  return bytes;
}

size_t
bp_net_eval_batch (const bp_net *net, size_t max_bytes)
{
  if (!net)
    GSL_ERROR_VAL ("bp_net_eval_batch: net must not be NULL", GSL_EFAULT, 0);
  const size_t per = bp_net_workspace_bytes (net, 1);
  const size_t B = per ? max_bytes / per : 1;   /* per > 0 (n > 0): for the analyzer */
  return B < 1 ? 1 : B > net->type->eval_batch ? net->type->eval_batch : B;
}

void
bp_net_workspace_free (bp_net_workspace *w)
{
  if (w == NULL)
    return;
  if (w->row) w->type->workspace_free (w->row);
  if (w->cws) w->type->cws_free (w->cws);
  if (w->U) gsl_matrix_free (w->U);
  if (w->T) gsl_matrix_free (w->T);
  if (w->U_float) gsl_matrix_float_free (w->U_float);
  if (w->T_float) gsl_matrix_float_free (w->T_float);
  if (w->dU_float) gsl_matrix_float_free (w->dU_float);
  if (w->V) gsl_matrix_free (w->V);
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
  if (U->size1 == 0 || U->size1 > w->B || U->size2 != net_inputs (&net->shape)
      || U->tda != U->size2
      || (T && (T->size1 != U->size1 || T->size2 != net->shape.n)))
    GSL_ERROR ("bp_net: U must be b x m, 1 <= b <= B, contiguous, and T b x n",
               GSL_EBADLEN);
  if (!net_params_finite (net) || !matrix_finite (U) || (T && !matrix_finite (T)))
    GSL_ERROR ("bp_net: a parameter, U or T has a NaN or infinite element", GSL_EDOM);
  if (T && !matrix_rows_sum_to_one (T))
    GSL_ERROR ("bp_net: every row of T must sum to 1", GSL_EDOM);
  return GSL_SUCCESS;
}

/* A into the first rows of A_float (float32 rows: the batch rounded). */
static gsl_matrix_float_view
to_float (const gsl_matrix *A, gsl_matrix_float *A_float)
{
  gsl_matrix_float_view v = gsl_matrix_float_submatrix (A_float, 0, 0, A->size1, A->size2);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      v.matrix.data[i * v.matrix.tda + j] = (float) A->data[i * A->tda + j];
  return v;
}

/* The float32 row's forward on U, T rounded to float; the logits widened
   into w->V. */
static int
forward_float (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
               bp_net_workspace *w, gsl_matrix_view *V, double *L)
{
  gsl_matrix_float_view Uf = to_float (U, w->U_float), Tf;
  if (T)
    Tf = to_float (T, w->T_float);
  gsl_matrix_float_view Vf;
  int status = net->type->forward_float (net, &Uf.matrix, T ? &Tf.matrix : NULL, w->row,
                                         &Vf, L);
  if (status != GSL_SUCCESS)
    return status;
  *V = gsl_matrix_submatrix (w->V, 0, 0, U->size1, w->V->size2);
  for (size_t i = 0; i < U->size1; i++)
    for (size_t j = 0; j < w->V->size2; j++)
      gsl_matrix_set (&V->matrix, i, j, gsl_matrix_float_get (&Vf.matrix, i, j));
  return GSL_SUCCESS;
}

/* The float32 row's backward on U, T rounded; dL/dU widened into dL_dU. */
static int
backward_float (bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                bp_net_workspace *w, gsl_matrix *dL_dU, double *L)
{
  gsl_matrix_float_view Uf = to_float (U, w->U_float), Tf = to_float (T, w->T_float);
  gsl_matrix_float_view dUf = gsl_matrix_float_submatrix (w->dU_float, 0, 0, U->size1,
                                                          U->size2);
  int status = net->type->backward_float (net, &Uf.matrix, &Tf.matrix, w->row,
                                          dL_dU ? &dUf.matrix : NULL, L);
  if (status == GSL_SUCCESS && dL_dU)
    for (size_t i = 0; i < U->size1; i++)
      for (size_t j = 0; j < U->size2; j++)
        gsl_matrix_set (dL_dU, i, j, gsl_matrix_float_get (&dUf.matrix, i, j));
  return status;
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
  status = net->type->dtype == BP_NET_FLOAT32
           ? forward_float (net, U, T, w, &logits, &loss)
           : net->type->forward (net, U, T, w->row, &logits, &loss);
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
  const int f = net->type->dtype == BP_NET_FLOAT32;   /* its buffers are float */
  if ((!f && (vector_matrix_overlap (net->grad, U) || vector_matrix_overlap (net->grad, T)))
      || (dL_dU && ((!f && (vector_matrix_overlap (net->theta, dL_dU)
                            || vector_matrix_overlap (net->grad, dL_dU)))
                    || matrices_overlap (dL_dU, U) || matrices_overlap (dL_dU, T))))
    GSL_ERROR ("bp_net_backward: dL_dU or the gradients overlap the network, U, T or "
               "each other (bp_common.h)", GSL_EINVAL);
  double loss;
  status = f ? backward_float (net, U, T, w, dL_dU, &loss)
           : net->type->backward (net, U, T, w->row, dL_dU, &loss);
  if (status == GSL_SUCCESS && L)
    *L = loss;
  return status;
}

int
bp_net_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                 const gsl_matrix_complex *U, const gsl_matrix *T, bp_net_workspace *w,
                 gsl_complex *L)
{
  if (!net || !block || MISSING (U) || MISSING (T) || !w || !L)
    GSL_ERROR ("bp_net_cforward: net, block, U, T, w and L must not be NULL", GSL_EFAULT);
  if (w->type != net->type || !net_same_shape (&w->shape, &net->shape))
    GSL_ERROR ("bp_net_cforward: the workspace was made for another network", GSL_EBADLEN);
  for (size_t k = 0; k < net->n_blocks; k++)
    {
      const bp_net_block_shape *b = &net->layout[k];
      if (MISSING (block[k]))
        GSL_ERROR ("bp_net_cforward: a block must not be NULL", GSL_EFAULT);
      if (block[k]->size1 != b->size1 || block[k]->size2 != (b->size2 ? b->size2 : 1))
        GSL_ERROR ("bp_net_cforward: a block does not have its layout's shape "
                   "(a vector block as one column)", GSL_EBADLEN);
    }
  if (U->size1 == 0 || U->size2 != net_inputs (&net->shape) || U->tda != U->size2
      || T->size1 != U->size1 || T->size2 != net->shape.n)
    GSL_ERROR ("bp_net_cforward: U must be b x m, b >= 1, contiguous, and T b x n",
               GSL_EBADLEN);
  if (!matrix_finite (T) || !matrix_rows_sum_to_one (T))
    GSL_ERROR ("bp_net_cforward: every row of T must sum to 1", GSL_EDOM);
  if (net->type->cforward == NULL)
    GSL_ERROR ("bp_net_cforward: this type of network has no complex forward pass",
               GSL_EUNIMPL);
  if (w->cws == NULL && (w->cws = net->type->cws_alloc (net)) == NULL)
    GSL_ERROR ("bp_net_cforward: out of memory", GSL_ENOMEM);
  return net->type->cforward (net, block, U, T, w->cws, L);
}

int
net_cmean (const bp_net *net, const gsl_matrix_complex *const block[],
           const gsl_matrix_complex *U, const gsl_matrix *T, net_cexample f, void *scratch,
           gsl_complex *L)
{
  double complex sum = 0.0;
  for (size_t i = 0; i < U->size1; i++)
    {
      gsl_vector_complex_const_view u = gsl_matrix_complex_const_row (U, i);
      gsl_vector_const_view t = gsl_matrix_const_row (T, i);
      gsl_complex Li;
      if (f (net, block, &u.vector, &t.vector, scratch, &Li) != GSL_SUCCESS)
        {
          const double nan = GSL_NAN;
          GSL_SET_COMPLEX (L, nan, nan);
          return GSL_SUCCESS;
        }
      sum += CMPLX (GSL_REAL (Li), GSL_IMAG (Li));
    }
  sum /= (double) U->size1;
  GSL_SET_COMPLEX (L, creal (sum), cimag (sum));
  return GSL_SUCCESS;
}
