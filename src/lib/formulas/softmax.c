/* softmax.c -- slides 6-9; derivations/03-chain-rule-dL-dv.md,
   derivations/04-softmax-jacobian.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include "backprop/bp_softmax.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/float.h"
#include "lib/valid.h"

/* softmax once for every arithmetic: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/softmax_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/softmax_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/softmax_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* J_ij = dy_i/dv_j = y_i (1[i=j] - y_j) */
int
bp_softmax_jacobian (const gsl_vector *y, gsl_matrix *J)
{
  if (MISSING (y) || MISSING (J))
    GSL_ERROR ("bp_softmax_jacobian: y and J must not be NULL", GSL_EFAULT);
  if (J->size1 != y->size || J->size2 != y->size)
    GSL_ERROR ("bp_softmax_jacobian: J must be n x n for y of size n", GSL_EBADLEN);
  if (vector_matrix_overlap (y, J))
    GSL_ERROR ("bp_softmax_jacobian: J overlaps y (bp_common.h)", GSL_EINVAL);
  for (size_t i = 0; i < y->size; i++)
    for (size_t j = 0; j < y->size; j++)
      {
        const double yi = gsl_vector_get (y, i), yj = gsl_vector_get (y, j);
        gsl_matrix_set (J, i, j, yi * ((i == j ? 1.0 : 0.0) - yj));
      }
  return GSL_SUCCESS;
}

/* dL/dv = (dy/dv)^T dL/dy: dL/dv_j = sum_i dL/dy_i dy_i/dv_j */
int
bp_softmax_backward (const gsl_matrix *J, const gsl_vector *dL_dy,
                     gsl_vector *dL_dv)
{
  if (MISSING (J) || MISSING (dL_dy) || MISSING (dL_dv))
    GSL_ERROR ("bp_softmax_backward: J, dL_dy and dL_dv must not be NULL", GSL_EFAULT);
  if (J->size1 != J->size2)
    GSL_ERROR ("bp_softmax_backward: J must be square", GSL_EBADLEN);
  if (dL_dy->size != J->size1 || dL_dv->size != J->size2)
    GSL_ERROR ("bp_softmax_backward: dL_dy and dL_dv must have J's size", GSL_EBADLEN);
  if (vector_matrix_overlap (dL_dv, J) || vectors_overlap (dL_dv, dL_dy))
    GSL_ERROR ("bp_softmax_backward: dL_dv overlaps J or dL_dy (bp_common.h)", GSL_EINVAL);
  return gsl_blas_dgemv (CblasTrans, 1.0, J, dL_dy, 0.0, dL_dv);
}
