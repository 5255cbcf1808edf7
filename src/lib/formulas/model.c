/* model.c -- the whole classifier, slides 3-4 and 17;
   derivations/01-forward-pass.md, derivations/09-whole-chain.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_reshape.h"
#include "backprop/bp_linear.h"
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "backprop/bp_model.h"
#include "lib/alloc.h"
#include "lib/valid.h"

bp_model_workspace *
bp_model_workspace_alloc (size_t n, size_t m)
{
  if (n == 0 || m == 0)
    GSL_ERROR_NULL ("bp_model_workspace_alloc: n and m must be positive", GSL_EINVAL);
  if (matrix_too_large (n, n) || matrix_too_large (m, 1))
    GSL_ERROR_NULL ("bp_model_workspace_alloc: sizes too large: n x n or m "
                    "doubles overflow size_t", GSL_EINVAL);
  bp_model_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("bp_model_workspace_alloc: out of memory", GSL_ENOMEM);
  w->n = n;
  w->m = m;
  w->u = gsl_vector_alloc (m);
  w->v = gsl_vector_alloc (n);
  w->y = gsl_vector_alloc (n);
  w->dL_dy = gsl_vector_alloc (n);
  w->J = matrix_alloc (n, n);
  w->dL_dv = gsl_vector_alloc (n);
  w->dL_du = gsl_vector_alloc (m);
  if (!w->u || !w->v || !w->y || !w->dL_dy || !w->J || !w->dL_dv || !w->dL_du)
    {
      bp_model_workspace_free (w);
      GSL_ERROR_NULL ("bp_model_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
bp_model_workspace_free (bp_model_workspace *w)
{
  if (w == NULL)
    return;
  gsl_vector_free (w->u);
  gsl_vector_free (w->v);
  gsl_vector_free (w->y);
  gsl_vector_free (w->dL_dy);
  gsl_matrix_free (w->J);
  gsl_vector_free (w->dL_dv);
  gsl_vector_free (w->dL_du);
  free (w);
}

/* Sizes shared by forward and backward: W n x m, b and labels n, x m elements;
   and every element finite. */
static int
check_model_sizes (const gsl_matrix *W, const gsl_vector *b,
                   const gsl_matrix *x, const gsl_vector *labels,
                   const bp_model_workspace *w)
{
  if (W->size1 != w->n || W->size2 != w->m)
    GSL_ERROR ("bp_model: W must be n x m, as the workspace", GSL_EBADLEN);
  if (b->size != w->n || labels->size != w->n)
    GSL_ERROR ("bp_model: b and labels must have n elements", GSL_EBADLEN);
  if (x->size1 * x->size2 != w->m)
    GSL_ERROR ("bp_model: x must have m elements", GSL_EBADLEN);
  if (!matrix_finite (W) || !vector_finite (b) || !matrix_finite (x)
      || !vector_finite (labels))
    GSL_ERROR ("bp_model: W, b, x or labels has a NaN or infinite element", GSL_EDOM);
  return GSL_SUCCESS;
}

/* u = reshape(x), v = W u + b, y = Softmax(v), L = CE(labels, y) */
double
bp_model_forward (const gsl_matrix *W, const gsl_vector *b,
                  const gsl_matrix *x, const gsl_vector *labels,
                  bp_model_workspace *w)
{
  if (MISSING (W) || MISSING (b) || MISSING (x) || MISSING (labels) || MISSING (w))
    GSL_ERROR_VAL ("bp_model_forward: W, b, x, labels and w must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (check_model_sizes (W, b, x, labels, w) != GSL_SUCCESS)
    return GSL_NAN;
  bp_reshape (x, w->u);
  bp_linear (W, b, w->u, w->v);
  bp_softmax (w->v, w->y);
  return bp_cross_entropy (labels, w->y);
}

/* Slide 17, step by step */
int
bp_model_backward (const gsl_matrix *W, const gsl_vector *b,
                   const gsl_matrix *x, const gsl_vector *labels,
                   gsl_matrix *dL_dW, gsl_vector *dL_db,
                   gsl_matrix *dL_dx, double *L)
{
  if (MISSING (W) || MISSING (b) || MISSING (x) || MISSING (labels) || MISSING (dL_dW)
      || MISSING (dL_db) || MISSING (dL_dx))
    GSL_ERROR ("bp_model_backward: W, b, x, labels, dL_dW, dL_db and dL_dx"
               " must not be NULL", GSL_EFAULT);
  if (dL_dW->size1 != W->size1 || dL_dW->size2 != W->size2)
    GSL_ERROR ("bp_model_backward: dL_dW must have W's shape", GSL_EBADLEN);
  if (dL_db->size != b->size)
    GSL_ERROR ("bp_model_backward: dL_db must have b's size", GSL_EBADLEN);
  if (dL_dx->size1 != x->size1 || dL_dx->size2 != x->size2)
    GSL_ERROR ("bp_model_backward: dL_dx must have x's shape", GSL_EBADLEN);
  if (W->size1 == 0 || W->size2 == 0)
    GSL_ERROR ("bp_model_backward: W must not be empty", GSL_EBADLEN);
  if (matrices_overlap (dL_dW, W) || vector_matrix_overlap (b, dL_dW)
      || matrices_overlap (dL_dW, x) || vector_matrix_overlap (labels, dL_dW)
      || vector_matrix_overlap (dL_db, W) || vectors_overlap (dL_db, b)
      || vector_matrix_overlap (dL_db, x) || vectors_overlap (dL_db, labels)
      || matrices_overlap (dL_dx, W) || vector_matrix_overlap (b, dL_dx)
      || matrices_overlap (dL_dx, x) || vector_matrix_overlap (labels, dL_dx)
      || vector_matrix_overlap (dL_db, dL_dW) || matrices_overlap (dL_dW, dL_dx)
      || vector_matrix_overlap (dL_db, dL_dx))
    GSL_ERROR ("bp_model_backward: an output overlaps an input or another output "
               "(bp_common.h)", GSL_EINVAL);

  bp_model_workspace *w = bp_model_workspace_alloc (W->size1, W->size2);
  if (w == NULL)
    return GSL_ENOMEM;
  int status = check_model_sizes (W, b, x, labels, w);
  if (status == GSL_SUCCESS)
    {
      const double loss = bp_model_forward (W, b, x, labels, w);   /* step 1 */
      bp_cross_entropy_grad (labels, w->y, w->dL_dy);               /* step 2 */
      if (!vector_finite (w->dL_dy))
        {
          bp_model_workspace_free (w);
          GSL_ERROR ("bp_model_backward: dL/dy = -labels/y is infinite (y_i = 0 where"
                     " labels_i > 0): use bp_softmax_cross_entropy_grad", GSL_EOVRFLW);
        }
      bp_softmax_jacobian (w->y, w->J);                             /* step 3 */
      bp_softmax_backward (w->J, w->dL_dy, w->dL_dv);
      bp_linear_grad_bias (w->dL_dv, dL_db);                        /* step 4 */
      bp_linear_grad_weights (w->dL_dv, w->u, dL_dW);
      bp_linear_grad_input (W, w->dL_dv, w->dL_du);
      bp_reshape_inverse (w->dL_du, dL_dx);                         /* step 5 */
      if (L != NULL)
        *L = loss;
    }
  bp_model_workspace_free (w);
  return status;
}
