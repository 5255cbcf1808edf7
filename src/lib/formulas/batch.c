/* batch.c -- the formulas for a mini-batch, rows = examples;
   derivations/14-mini-batch.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_blas.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "lib/valid.h"

/* V = 1 b^T + U W^T */
int
bp_batch_linear (const gsl_matrix *W, const gsl_vector *b, const gsl_matrix *U,
                 gsl_matrix *V)
{
  if (!W || !b || !U || !V)
    GSL_ERROR ("bp_batch_linear: W, b, U and V must not be NULL", GSL_EFAULT);
  if (U->size2 != W->size2)
    GSL_ERROR ("bp_batch_linear: U must have as many columns as W", GSL_EBADLEN);
  if (b->size != W->size1 || V->size2 != W->size1 || V->size1 != U->size1)
    GSL_ERROR ("bp_batch_linear: V must be B x n and b have n, for W n x m and U B x m",
               GSL_EBADLEN);
  if (matrices_overlap (V, W) || vector_matrix_overlap (b, V) || matrices_overlap (V, U))
    GSL_ERROR ("bp_batch_linear: V overlaps W, b or U (bp_common.h)", GSL_EINVAL);
  for (size_t k = 0; k < V->size1; k++)
    {
      gsl_vector_view vk = gsl_matrix_row (V, k);
      gsl_vector_memcpy (&vk.vector, b);
    }
  return gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, U, W, 1.0, V);
}

/* Y_k = Softmax(V_k) for each row k */
int
bp_batch_softmax (const gsl_matrix *V, gsl_matrix *Y)
{
  if (!V || !Y)
    GSL_ERROR ("bp_batch_softmax: V and Y must not be NULL", GSL_EFAULT);
  if (Y->size1 != V->size1 || Y->size2 != V->size2)
    GSL_ERROR ("bp_batch_softmax: V and Y must have equal shapes", GSL_EBADLEN);
  if (!matrix_finite (V))
    GSL_ERROR ("bp_batch_softmax: V has a NaN or infinite element", GSL_EDOM);
  for (size_t k = 0; k < V->size1; k++)
    {
      gsl_vector_const_view vk = gsl_matrix_const_row (V, k);
      gsl_vector_view yk = gsl_matrix_row (Y, k);
      int status = bp_softmax (&vk.vector, &yk.vector);
      if (status != GSL_SUCCESS)
        return status;
    }
  return GSL_SUCCESS;
}

/* L = (1/B) sum_k L(V_k), L(v) = lse(v) - sum_i labels_i v_i */
double
bp_batch_softmax_cross_entropy (const gsl_matrix *T, const gsl_matrix *V)
{
  if (!T || !V)
    GSL_ERROR_VAL ("bp_batch_softmax_cross_entropy: T and V must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (T->size1 != V->size1 || T->size2 != V->size2)
    GSL_ERROR_VAL ("bp_batch_softmax_cross_entropy: T and V must have equal shapes",
                   GSL_EBADLEN, GSL_NAN);
  if (V->size1 == 0)
    GSL_ERROR_VAL ("bp_batch_softmax_cross_entropy: the batch must not be empty",
                   GSL_EBADLEN, GSL_NAN);
  if (!matrix_finite (T) || !matrix_finite (V))
    GSL_ERROR_VAL ("bp_batch_softmax_cross_entropy: T or V has a NaN or infinite element",
                   GSL_EDOM, GSL_NAN);
  double L = 0.0;
  for (size_t k = 0; k < V->size1; k++)
    {
      gsl_vector_const_view tk = gsl_matrix_const_row (T, k);
      gsl_vector_const_view vk = gsl_matrix_const_row (V, k);
      L += bp_softmax_cross_entropy (&tk.vector, &vk.vector);
    }
  return L / (double) V->size1;
}

/* dL/dV_k = (Y_k - T_k) / B */
int
bp_batch_softmax_cross_entropy_grad (const gsl_matrix *T, const gsl_matrix *Y,
                                     gsl_matrix *dL_dV)
{
  if (!T || !Y || !dL_dV)
    GSL_ERROR ("bp_batch_softmax_cross_entropy_grad: T, Y and dL_dV must not be NULL",
               GSL_EFAULT);
  if (T->size1 != Y->size1 || T->size2 != Y->size2
      || dL_dV->size1 != Y->size1 || dL_dV->size2 != Y->size2)
    GSL_ERROR ("bp_batch_softmax_cross_entropy_grad: T, Y and dL_dV must have equal shapes",
               GSL_EBADLEN);
  if (!matrix_rows_sum_to_one (T))
    GSL_ERROR ("bp_batch_softmax_cross_entropy_grad: each row of T must sum to 1",
               GSL_EDOM);
  for (size_t k = 0; k < Y->size1; k++)
    {
      gsl_vector_const_view tk = gsl_matrix_const_row (T, k);
      gsl_vector_const_view yk = gsl_matrix_const_row (Y, k);
      gsl_vector_view gk = gsl_matrix_row (dL_dV, k);
      int status = bp_softmax_cross_entropy_grad (&tk.vector, &yk.vector, &gk.vector);
      if (status != GSL_SUCCESS)
        return status;
    }
  return gsl_matrix_scale (dL_dV, 1.0 / (double) Y->size1);
}

/* dL/dW = dL/dV^T U */
int
bp_batch_grad_weights (const gsl_matrix *dL_dV, const gsl_matrix *U,
                       gsl_matrix *dL_dW)
{
  if (!dL_dV || !U || !dL_dW)
    GSL_ERROR ("bp_batch_grad_weights: dL_dV, U and dL_dW must not be NULL", GSL_EFAULT);
  if (dL_dV->size1 != U->size1)
    GSL_ERROR ("bp_batch_grad_weights: dL_dV and U must have one row per example",
               GSL_EBADLEN);
  if (dL_dW->size1 != dL_dV->size2 || dL_dW->size2 != U->size2)
    GSL_ERROR ("bp_batch_grad_weights: dL_dW must be n x m for dL_dV B x n, U B x m",
               GSL_EBADLEN);
  if (matrices_overlap (dL_dW, dL_dV) || matrices_overlap (dL_dW, U))
    GSL_ERROR ("bp_batch_grad_weights: dL_dW overlaps dL_dV or U (bp_common.h)",
               GSL_EINVAL);
  return gsl_blas_dgemm (CblasTrans, CblasNoTrans, 1.0, dL_dV, U, 0.0, dL_dW);
}

/* dL/db = sum_k dL/dV_k */
int
bp_batch_grad_bias (const gsl_matrix *dL_dV, gsl_vector *dL_db)
{
  if (!dL_dV || !dL_db)
    GSL_ERROR ("bp_batch_grad_bias: dL_dV and dL_db must not be NULL", GSL_EFAULT);
  if (dL_db->size != dL_dV->size2)
    GSL_ERROR ("bp_batch_grad_bias: dL_db must have one element per column of dL_dV",
               GSL_EBADLEN);
  if (vector_matrix_overlap (dL_db, dL_dV))
    GSL_ERROR ("bp_batch_grad_bias: dL_db overlaps dL_dV (bp_common.h)", GSL_EINVAL);
  gsl_vector_set_zero (dL_db);
  for (size_t k = 0; k < dL_dV->size1; k++)
    {
      gsl_vector_const_view gk = gsl_matrix_const_row (dL_dV, k);
      gsl_blas_daxpy (1.0, &gk.vector, dL_db);
    }
  return GSL_SUCCESS;
}

/* dL/dU = dL/dV W */
int
bp_batch_grad_input (const gsl_matrix *W, const gsl_matrix *dL_dV, gsl_matrix *dL_dU)
{
  if (!W || !dL_dV || !dL_dU)
    GSL_ERROR ("bp_batch_grad_input: W, dL_dV and dL_dU must not be NULL", GSL_EFAULT);
  if (dL_dV->size2 != W->size1)
    GSL_ERROR ("bp_batch_grad_input: dL_dV must have one column per row of W",
               GSL_EBADLEN);
  if (dL_dU->size1 != dL_dV->size1 || dL_dU->size2 != W->size2)
    GSL_ERROR ("bp_batch_grad_input: dL_dU must be B x m for dL_dV B x n, W n x m",
               GSL_EBADLEN);
  if (matrices_overlap (dL_dU, W) || matrices_overlap (dL_dU, dL_dV))
    GSL_ERROR ("bp_batch_grad_input: dL_dU overlaps W or dL_dV (bp_common.h)", GSL_EINVAL);
  return gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, dL_dV, W, 0.0, dL_dU);
}

bp_batch_workspace *
bp_batch_workspace_alloc (size_t B, size_t n, size_t m)
{
  if (B == 0 || n == 0 || m == 0)
    GSL_ERROR_NULL ("bp_batch_workspace_alloc: sizes must be positive", GSL_EINVAL);
  if (matrix_too_large (B, m) || matrix_too_large (B, n) || matrix_too_large (n, m))
    GSL_ERROR_NULL ("bp_batch_workspace_alloc: sizes too large: B x m, B x n or "
                    "n x m doubles overflow size_t", GSL_EINVAL);
  bp_batch_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("bp_batch_workspace_alloc: out of memory", GSL_ENOMEM);
  w->B = B;
  w->n = n;
  w->m = m;
  w->U = gsl_matrix_alloc (B, m);
  w->T = gsl_matrix_alloc (B, n);
  w->V = gsl_matrix_alloc (B, n);
  w->Y = gsl_matrix_alloc (B, n);
  w->dL_dV = gsl_matrix_alloc (B, n);
  w->dL_dW = gsl_matrix_alloc (n, m);
  w->dL_db = gsl_vector_alloc (n);
  if (!w->U || !w->T || !w->V || !w->Y || !w->dL_dV || !w->dL_dW || !w->dL_db)
    {
      bp_batch_workspace_free (w);
      GSL_ERROR_NULL ("bp_batch_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
bp_batch_workspace_free (bp_batch_workspace *w)
{
  if (w == NULL)
    return;
  if (w->U) gsl_matrix_free (w->U);
  if (w->T) gsl_matrix_free (w->T);
  if (w->V) gsl_matrix_free (w->V);
  if (w->Y) gsl_matrix_free (w->Y);
  if (w->dL_dV) gsl_matrix_free (w->dL_dV);
  if (w->dL_dW) gsl_matrix_free (w->dL_dW);
  if (w->dL_db) gsl_vector_free (w->dL_db);
  free (w);
}

int
bp_batch_workspace_view (bp_batch_workspace *w, size_t rows,
                         gsl_matrix_view *U, gsl_matrix_view *T,
                         gsl_matrix_view *V, gsl_matrix_view *Y,
                         gsl_matrix_view *dL_dV)
{
  if (!w)
    GSL_ERROR ("bp_batch_workspace_view: w must not be NULL", GSL_EFAULT);
  if (rows == 0 || rows > w->B)
    GSL_ERROR ("bp_batch_workspace_view: rows must be 1 .. B", GSL_EBADLEN);
  if (U) *U = gsl_matrix_submatrix (w->U, 0, 0, rows, w->m);
  if (T) *T = gsl_matrix_submatrix (w->T, 0, 0, rows, w->n);
  if (V) *V = gsl_matrix_submatrix (w->V, 0, 0, rows, w->n);
  if (Y) *Y = gsl_matrix_submatrix (w->Y, 0, 0, rows, w->n);
  if (dL_dV) *dL_dV = gsl_matrix_submatrix (w->dL_dV, 0, 0, rows, w->n);
  return GSL_SUCCESS;
}
