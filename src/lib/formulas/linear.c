/* linear.c -- v = W u + b (linear_source.c) and its gradients, slides 11-16;
   derivations/05-dL-du.md, 06-dL-db.md, 07-dL-dW.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include "backprop/bp_linear.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/float.h"
#include "lib/valid.h"

/* linear once for every arithmetic: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/linear_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/linear_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/linear_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* dL/du = W^T dL/dv, since dv_i/du_j = w_ij (slide 11) */
int
bp_linear_grad_input (const gsl_matrix *W, const gsl_vector *dL_dv,
                      gsl_vector *dL_du)
{
  if (MISSING (W) || MISSING (dL_dv) || MISSING (dL_du))
    GSL_ERROR ("bp_linear_grad_input: W, dL_dv and dL_du must not be NULL", GSL_EFAULT);
  if (dL_dv->size != W->size1)
    GSL_ERROR ("bp_linear_grad_input: dL_dv must have as many elements as W has rows",
               GSL_EBADLEN);
  if (dL_du->size != W->size2)
    GSL_ERROR ("bp_linear_grad_input: dL_du must have as many elements as W has columns",
               GSL_EBADLEN);
  if (vector_matrix_overlap (dL_du, W) || vectors_overlap (dL_du, dL_dv))
    GSL_ERROR ("bp_linear_grad_input: dL_du overlaps W or dL_dv (bp_common.h)", GSL_EINVAL);
  return gsl_blas_dgemv (CblasTrans, 1.0, W, dL_dv, 0.0, dL_du);
}

/* dL/db = E^T dL/dv = dL/dv, since dv_i/db_j = delta_ij (slide 13) */
int
bp_linear_grad_bias (const gsl_vector *dL_dv, gsl_vector *dL_db)
{
  if (MISSING (dL_dv) || MISSING (dL_db))
    GSL_ERROR ("bp_linear_grad_bias: dL_dv and dL_db must not be NULL", GSL_EFAULT);
  if (dL_db->size != dL_dv->size)
    GSL_ERROR ("bp_linear_grad_bias: dL_db and dL_dv must have equal sizes", GSL_EBADLEN);
  return gsl_vector_memcpy (dL_db, dL_dv);
}

/* dL/dw_ij = dL/dv_i u_j, i.e. dL/dW = dL/dv u^T (slides 15-16) */
int
bp_linear_grad_weights (const gsl_vector *dL_dv, const gsl_vector *u,
                        gsl_matrix *dL_dW)
{
  if (MISSING (dL_dv) || MISSING (u) || MISSING (dL_dW))
    GSL_ERROR ("bp_linear_grad_weights: dL_dv, u and dL_dW must not be NULL", GSL_EFAULT);
  if (dL_dW->size1 != dL_dv->size || dL_dW->size2 != u->size)
    GSL_ERROR ("bp_linear_grad_weights: dL_dW must be size(dL_dv) x size(u)",
               GSL_EBADLEN);
  if (vector_matrix_overlap (dL_dv, dL_dW) || vector_matrix_overlap (u, dL_dW))
    GSL_ERROR ("bp_linear_grad_weights: dL_dW overlaps dL_dv or u (bp_common.h)",
               GSL_EINVAL);
  gsl_matrix_set_zero (dL_dW);
  return gsl_blas_dger (1.0, dL_dv, u, dL_dW);
}
