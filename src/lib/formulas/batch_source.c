/* batch_source.c -- the formulas for a mini-batch, rows = examples, once
   for the real arithmetics (templates_on.h: double, float; batch.c);
   derivations/14-mini-batch.md.  The double ones are bp_batch.h's. */

#include "lib/formulas/shift_source.c"

/* V = 1 b^T + U W^T */
int
FUNCTION (bp, batch_linear) (const TYPE (gsl_matrix) *W, const TYPE (gsl_vector) *b, const TYPE (gsl_matrix) *U,
                 TYPE (gsl_matrix) *V)
{
  if (MISSING (W) || MISSING (b) || MISSING (U) || MISSING (V))
    GSL_ERROR (NAME (bp, batch_linear) ": W, b, U and V must not be NULL", GSL_EFAULT);
  if (U->size2 != W->size2)
    GSL_ERROR (NAME (bp, batch_linear) ": U must have as many columns as W", GSL_EBADLEN);
  if (b->size != W->size1 || V->size2 != W->size1 || V->size1 != U->size1)
    GSL_ERROR (NAME (bp, batch_linear) ": V must be B x n and b have n, for W n x m and U B x m",
               GSL_EBADLEN);
  if (MM_OVERLAP (V, W) || VM_OVERLAP (b, V) || MM_OVERLAP (V, U))
    GSL_ERROR (NAME (bp, batch_linear) ": V overlaps W, b or U (bp_common.h)", GSL_EINVAL);
  for (size_t k = 0; k < V->size1; k++)
    {
      VIEW (gsl_vector, view) vk = FUNCTION (gsl_matrix, row) (V, k);
      FUNCTION (gsl_vector, memcpy) (&vk.vector, b);
    }
  return GEMM (CblasNoTrans, CblasTrans, ONE, U, W, ONE, V);
}

/* Y_k = Softmax(V_k) for each row k */
int
FUNCTION (bp, batch_softmax) (const TYPE (gsl_matrix) *V, TYPE (gsl_matrix) *Y)
{
  if (MISSING (V) || MISSING (Y))
    GSL_ERROR (NAME (bp, batch_softmax) ": V and Y must not be NULL", GSL_EFAULT);
  if (Y->size1 != V->size1 || Y->size2 != V->size2)
    GSL_ERROR (NAME (bp, batch_softmax) ": V and Y must have equal shapes", GSL_EBADLEN);
  if (!MATRIX_FINITE (V))
    GSL_ERROR (NAME (bp, batch_softmax) ": V has a NaN or infinite element", GSL_EDOM);
  for (size_t k = 0; k < V->size1; k++)
    {
      VIEW (gsl_vector, const_view) vk = FUNCTION (gsl_matrix, const_row) (V, k);
      VIEW (gsl_vector, view) yk = FUNCTION (gsl_matrix, row) (Y, k);
      int status = FUNCTION (bp, softmax) (&vk.vector, &yk.vector);
      if (status != GSL_SUCCESS)
        return status;
    }
  return GSL_SUCCESS;
}

/* L = (1/B) sum_k L(V_k), L(v) = lse(v) - sum_i labels_i v_i */
double
FUNCTION (bp, batch_softmax_cross_entropy) (const TYPE (gsl_matrix) *Labels, const TYPE (gsl_matrix) *V)
{
  if (MISSING (Labels) || MISSING (V))
    GSL_ERROR_VAL (NAME (bp, batch_softmax_cross_entropy) ": Labels and V must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (Labels->size1 != V->size1 || Labels->size2 != V->size2)
    GSL_ERROR_VAL (NAME (bp, batch_softmax_cross_entropy) ": Labels and V must have equal shapes",
                   GSL_EBADLEN, GSL_NAN);
  if (V->size1 == 0)
    GSL_ERROR_VAL (NAME (bp, batch_softmax_cross_entropy) ": the batch must not be empty",
                   GSL_EBADLEN, GSL_NAN);
  if (!MATRIX_FINITE (Labels) || !MATRIX_FINITE (V))
    GSL_ERROR_VAL (NAME (bp, batch_softmax_cross_entropy) ": Labels or V has a NaN or infinite element",
                   GSL_EDOM, GSL_NAN);
  ACCUM L = 0.0;   /* each example's loss in BASE, their sum in double */
  for (size_t k = 0; k < V->size1; k++)
    {
      VIEW (gsl_vector, const_view) tk = FUNCTION (gsl_matrix, const_row) (Labels, k);
      VIEW (gsl_vector, const_view) vk = FUNCTION (gsl_matrix, const_row) (V, k);
      L += FUNCTION (bp, softmax_cross_entropy) (&tk.vector, &vk.vector);
    }
  return L / (ACCUM) V->size1;
}

/* dL/dV_k = (Y_k - T_k) / B */
int
FUNCTION (bp, batch_softmax_cross_entropy_grad) (const TYPE (gsl_matrix) *Labels, const TYPE (gsl_matrix) *Y,
                                     TYPE (gsl_matrix) *dL_dV)
{
  if (MISSING (Labels) || MISSING (Y) || MISSING (dL_dV))
    GSL_ERROR (NAME (bp, batch_softmax_cross_entropy_grad) ": Labels, Y and dL_dV must not be NULL",
               GSL_EFAULT);
  if (Labels->size1 != Y->size1 || Labels->size2 != Y->size2
      || dL_dV->size1 != Y->size1 || dL_dV->size2 != Y->size2)
    GSL_ERROR (NAME (bp, batch_softmax_cross_entropy_grad) ": Labels, Y and dL_dV must have equal shapes",
               GSL_EBADLEN);
  if (!ROWS_SUM_TO_ONE (Labels))
    GSL_ERROR (NAME (bp, batch_softmax_cross_entropy_grad) ": each row of Labels must sum to 1",
               GSL_EDOM);
  /* y - labels (bp_softmax_cross_entropy_grad), then the mean's 1/B */
  for (size_t k = 0; k < Y->size1; k++)
    for (size_t i = 0; i < Y->size2; i++)
      MSET (dL_dV, k, i, MGET (Y, k, i) - MGET (Labels, k, i));
  return FUNCTION (gsl_matrix, scale) (dL_dV, ONE / (ATOMIC) Y->size1);
}

/* The three above in one pass over each row, for the chains (linear,
   mlp, cnn rows): L = (1/B) sum_k L(V_k) returned, Y_k = Softmax(V_k),
   dL/dV_k = (Y_k - T_k) / B, each exp(v_i - c) made once instead of twice
   and no row scanned again; the public functions' arithmetic bit for bit,
   without their checks: V finite and the rows of Labels summing to 1 are the
   caller's (the chain's GSL_EOVRFLW test, bp_net's entry). */
double
FUNCTION (batch, softmax_cross_entropy_trusted) (const TYPE (gsl_matrix) *Labels,
                                                 const TYPE (gsl_matrix) *V,
                                                 TYPE (gsl_matrix) *Y, TYPE (gsl_matrix) *dL_dV)
{
  const ATOMIC scale = ONE / (ATOMIC) V->size1;
  ACCUM L = 0.0;
  for (size_t k = 0; k < V->size1; k++)
    {
      VIEW (gsl_vector, const_view) vk = FUNCTION (gsl_matrix, const_row) (V, k);
      const BASE *v = vk.vector.data, *t = Labels->data + k * Labels->tda;
      BASE *y = Y->data + k * Y->tda, *g = dL_dV->data + k * dL_dV->tda;
      const BASE c = FUNCTION (shift, of) (&vk.vector);
      BASE sum = ZERO;
      for (size_t i = 0; i < V->size2; i++)
        {
          y[i] = EXP (v[i] - c);
          sum += y[i];
        }
      /* cppcheck-suppress invalidFunctionArg ; sum >= 1: the term k = k* is exp(0) */
      const BASE lse = c + LOG (sum), r = DIV (ONE, sum);
      BASE Lk = ZERO;
      for (size_t i = 0; i < V->size2; i++)
        {
          if (t[i] != 0)   /* 0 (lse - v_i) = 0, even if lse - v_i = inf */
            Lk += t[i] * (lse - v[i]);
          y[i] = y[i] * r;
          g[i] = (y[i] - t[i]) * scale;
        }
      L += Lk;
    }
  return L / (ACCUM) V->size1;
}

/* dL/dW = dL/dV^T U */
int
FUNCTION (bp, batch_grad_weights) (const TYPE (gsl_matrix) *dL_dV, const TYPE (gsl_matrix) *U,
                       TYPE (gsl_matrix) *dL_dW)
{
  if (MISSING (dL_dV) || MISSING (U) || MISSING (dL_dW))
    GSL_ERROR (NAME (bp, batch_grad_weights) ": dL_dV, U and dL_dW must not be NULL", GSL_EFAULT);
  if (dL_dV->size1 != U->size1)
    GSL_ERROR (NAME (bp, batch_grad_weights) ": dL_dV and U must have one row per example",
               GSL_EBADLEN);
  if (dL_dW->size1 != dL_dV->size2 || dL_dW->size2 != U->size2)
    GSL_ERROR (NAME (bp, batch_grad_weights) ": dL_dW must be n x m for dL_dV B x n, U B x m",
               GSL_EBADLEN);
  if (MM_OVERLAP (dL_dW, dL_dV) || MM_OVERLAP (dL_dW, U))
    GSL_ERROR (NAME (bp, batch_grad_weights) ": dL_dW overlaps dL_dV or U (bp_common.h)",
               GSL_EINVAL);
  return GEMM (CblasTrans, CblasNoTrans, ONE, dL_dV, U, ZERO, dL_dW);
}

/* dL/db = sum_k dL/dV_k */
int
FUNCTION (bp, batch_grad_bias) (const TYPE (gsl_matrix) *dL_dV, TYPE (gsl_vector) *dL_db)
{
  if (MISSING (dL_dV) || MISSING (dL_db))
    GSL_ERROR (NAME (bp, batch_grad_bias) ": dL_dV and dL_db must not be NULL", GSL_EFAULT);
  if (dL_db->size != dL_dV->size2)
    GSL_ERROR (NAME (bp, batch_grad_bias) ": dL_db must have one element per column of dL_dV",
               GSL_EBADLEN);
  if (VM_OVERLAP (dL_db, dL_dV))
    GSL_ERROR (NAME (bp, batch_grad_bias) ": dL_db overlaps dL_dV (bp_common.h)", GSL_EINVAL);
  FUNCTION (gsl_vector, set_zero) (dL_db);
  for (size_t k = 0; k < dL_dV->size1; k++)
    {
      VIEW (gsl_vector, const_view) gk = FUNCTION (gsl_matrix, const_row) (dL_dV, k);
      AXPY (ONE, &gk.vector, dL_db);
    }
  return GSL_SUCCESS;
}

/* dL/dU = dL/dV W */
int
FUNCTION (bp, batch_grad_input) (const TYPE (gsl_matrix) *W, const TYPE (gsl_matrix) *dL_dV, TYPE (gsl_matrix) *dL_dU)
{
  if (MISSING (W) || MISSING (dL_dV) || MISSING (dL_dU))
    GSL_ERROR (NAME (bp, batch_grad_input) ": W, dL_dV and dL_dU must not be NULL", GSL_EFAULT);
  if (dL_dV->size2 != W->size1)
    GSL_ERROR (NAME (bp, batch_grad_input) ": dL_dV must have one column per row of W",
               GSL_EBADLEN);
  if (dL_dU->size1 != dL_dV->size1 || dL_dU->size2 != W->size2)
    GSL_ERROR (NAME (bp, batch_grad_input) ": dL_dU must be B x m for dL_dV B x n, W n x m",
               GSL_EBADLEN);
  if (MM_OVERLAP (dL_dU, W) || MM_OVERLAP (dL_dU, dL_dV))
    GSL_ERROR (NAME (bp, batch_grad_input) ": dL_dU overlaps W or dL_dV (bp_common.h)", GSL_EINVAL);
  return GEMM (CblasNoTrans, CblasNoTrans, ONE, dL_dV, W, ZERO, dL_dU);
}
