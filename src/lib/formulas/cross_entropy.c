/* cross_entropy.c -- slide 5 and the simplification y - labels;
   derivations/02-cross-entropy-dL-dy.md,
   derivations/10-simplification-y-minus-labels.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_cross_entropy.h"
#include "lib/valid.h"

/* L = -sum_i labels_i log y_i, with 0 log 0 = 0 */
double
bp_cross_entropy (const gsl_vector *labels, const gsl_vector *y)
{
  if (!labels || !y)
    GSL_ERROR_VAL ("bp_cross_entropy: labels and y must not be NULL", GSL_EFAULT, GSL_NAN);
  if (labels->size != y->size)
    GSL_ERROR_VAL ("bp_cross_entropy: labels and y must have equal sizes",
                   GSL_EBADLEN, GSL_NAN);
  double L = 0.0;
  for (size_t i = 0; i < y->size; i++)
    {
      const double l = gsl_vector_get (labels, i);
      if (l != 0.0)
        L -= l * log (gsl_vector_get (y, i));
    }
  return L;
}

/* dL/dy_i = -labels_i / y_i, and 0 where labels_i = 0 */
int
bp_cross_entropy_grad (const gsl_vector *labels, const gsl_vector *y,
                       gsl_vector *dL_dy)
{
  if (!labels || !y || !dL_dy)
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

/* L(v) = sum_i labels_i (lse(v) - v_i), lse(v) = max v + log sum_k exp(v_k - max v) */
double
bp_softmax_cross_entropy (const gsl_vector *labels, const gsl_vector *v)
{
  if (!labels || !v)
    GSL_ERROR_VAL ("bp_softmax_cross_entropy: labels and v must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (labels->size != v->size)
    GSL_ERROR_VAL ("bp_softmax_cross_entropy: labels and v must have equal sizes",
                   GSL_EBADLEN, GSL_NAN);
  if (v->size == 0)
    GSL_ERROR_VAL ("bp_softmax_cross_entropy: v must not be empty", GSL_EBADLEN, GSL_NAN);
  if (!vector_finite (v) || !vector_finite (labels))
    GSL_ERROR_VAL ("bp_softmax_cross_entropy: v or labels has a NaN or infinite element",
                   GSL_EDOM, GSL_NAN);
  const double vmax = gsl_vector_max (v);
  double sum = 0.0;
  for (size_t k = 0; k < v->size; k++)
    sum += exp (gsl_vector_get (v, k) - vmax);
  /* cppcheck-suppress invalidFunctionArg ; sum >= 1: the term k = argmax v is exp(0) */
  const double lse = vmax + log (sum);
  double L = 0.0;
  for (size_t i = 0; i < v->size; i++)
    if (gsl_vector_get (labels, i) != 0.0)   /* 0 (lse - v_i) = 0, even if lse - v_i = inf */
      L += gsl_vector_get (labels, i) * (lse - gsl_vector_get (v, i));
  return L;
}

/* dL/dv = J^T dL/dy = y - labels, when sum_i labels_i = 1 */
int
bp_softmax_cross_entropy_grad (const gsl_vector *labels, const gsl_vector *y,
                               gsl_vector *dL_dv)
{
  if (!labels || !y || !dL_dv)
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
