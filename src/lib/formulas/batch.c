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
#include "lib/alloc.h"
#include "lib/valid.h"
#include "lib/formulas/layers_trusted.h"
#include "lib/formulas/float.h"

/* the batch formulas once for double and float: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

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
  w->U = matrix_alloc (B, m);
  w->T = matrix_alloc (B, n);
  w->V = matrix_alloc (B, n);
  w->Y = matrix_alloc (B, n);
  w->dL_dV = matrix_alloc (B, n);
  w->dL_dW = matrix_alloc (n, m);
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
  if (MISSING (w))
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
