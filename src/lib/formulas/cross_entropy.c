/* cross_entropy.c -- slide 5 and the simplification y - labels;
   derivations/02-cross-entropy-dL-dy.md,
   derivations/10-simplification-y-minus-labels.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_cross_entropy.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/float.h"
#include "lib/valid.h"

/* cross_entropy once for every arithmetic: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/cross_entropy_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/cross_entropy_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/cross_entropy_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* dL/dy_i = -labels_i / y_i, and 0 where labels_i = 0 */
int
bp_cross_entropy_grad (const gsl_vector *labels, const gsl_vector *y,
                       gsl_vector *dL_dy)
{
  if (MISSING (labels) || MISSING (y) || MISSING (dL_dy))
    GSL_ERROR ("bp_cross_entropy_grad: labels, y and dL_dy must not be NULL", GSL_EFAULT);
  if (labels->size != y->size || dL_dy->size != y->size)
    GSL_ERROR ("bp_cross_entropy_grad: labels, y and dL_dy must have equal sizes",
               GSL_EBADLEN);
  for (size_t i = 0; i < y->size; i++)
    {
      const double l = gsl_vector_get (labels, i);
      gsl_vector_set (dL_dy, i, l == 0.0 ? 0.0 : -l / gsl_vector_get (y, i));
    }
  return GSL_SUCCESS;
}

/* dL/dv = J^T dL/dy = y - labels, when sum_i labels_i = 1 */
int
bp_softmax_cross_entropy_grad (const gsl_vector *labels, const gsl_vector *y,
                               gsl_vector *dL_dv)
{
  if (MISSING (labels) || MISSING (y) || MISSING (dL_dv))
    GSL_ERROR ("bp_softmax_cross_entropy_grad: labels, y and dL_dv must not be NULL", GSL_EFAULT);
  if (labels->size != y->size || dL_dv->size != y->size)
    GSL_ERROR ("bp_softmax_cross_entropy_grad: labels, y and dL_dv must have equal sizes",
               GSL_EBADLEN);
  double sum = 0.0;
  for (size_t i = 0; i < labels->size; i++)
    sum += gsl_vector_get (labels, i);
  if (!(fabs (sum - 1.0) <= 1e-9))   /* NaN labels fail too */
    GSL_ERROR ("bp_softmax_cross_entropy_grad: labels must sum to 1", GSL_EDOM);
  for (size_t i = 0; i < y->size; i++)
    gsl_vector_set (dL_dv, i, gsl_vector_get (y, i) - gsl_vector_get (labels, i));
  return GSL_SUCCESS;
}
