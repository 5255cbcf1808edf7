/* cross_entropy_source.c -- the losses, once for every arithmetic
   (templates_on.h); the labels are real (REAL_TYPE): slide 5,
   derivations/01-forward-pass.md, eq. (1.4), and
   derivations/10-simplification-y-minus-labels.md, eq. (10.2) */
#include "lib/formulas/shift_source.c"

/* L = -sum_i labels_i log y_i, with 0 log 0 = 0 */
BASE
FUNCTION (bp, cross_entropy) (const REAL_TYPE (gsl_vector) *labels,
                              const TYPE (gsl_vector) *y)
{
  if (MISSING (labels) || MISSING (y))
    GSL_ERROR_VAL (NAME (bp, cross_entropy) ": labels and y must not be NULL", GSL_EFAULT,
                   (BASE) GSL_NAN);
  if (labels->size != y->size)
    GSL_ERROR_VAL (NAME (bp, cross_entropy) ": labels and y must have equal sizes",
                   GSL_EBADLEN, (BASE) GSL_NAN);
  BASE L = ZERO;
  for (size_t i = 0; i < y->size; i++)
    {
      const ATOMIC l = RGET (labels, i);
      if (l != 0)
        L -= l * LOG (VGET (y, i));
    }
  return L;
}

/* L(v) = sum_i labels_i (lse(v) - v_i), lse(v) = c + log sum_k exp(v_k - c),
   c = v_k* (shift_source.c) */
BASE
FUNCTION (bp, softmax_cross_entropy) (const REAL_TYPE (gsl_vector) *labels,
                                      const TYPE (gsl_vector) *v)
{
  if (MISSING (labels) || MISSING (v))
    GSL_ERROR_VAL (NAME (bp, softmax_cross_entropy) ": labels and v must not be NULL",
                   GSL_EFAULT, (BASE) GSL_NAN);
  if (labels->size != v->size)
    GSL_ERROR_VAL (NAME (bp, softmax_cross_entropy) ": labels and v must have equal sizes",
                   GSL_EBADLEN, (BASE) GSL_NAN);
  if (v->size == 0)
    GSL_ERROR_VAL (NAME (bp, softmax_cross_entropy) ": v must not be empty", GSL_EBADLEN,
                   (BASE) GSL_NAN);
  if (!VECTOR_FINITE (v) || !REAL_VECTOR_FINITE (labels))
    GSL_ERROR_VAL (NAME (bp, softmax_cross_entropy)
                   ": v or labels has a NaN or infinite element", GSL_EDOM,
                   (BASE) GSL_NAN);
  const BASE c = FUNCTION (shift, of) (v);
  BASE sum = ZERO;
  for (size_t k = 0; k < v->size; k++)
    sum += EXP (VGET (v, k) - c);
  /* cppcheck-suppress invalidFunctionArg ; sum >= 1: the term k = k* is exp(0) */
  const BASE lse = c + LOG (sum);
  BASE L = ZERO;
  for (size_t i = 0; i < v->size; i++)
    if (RGET (labels, i) != 0)   /* 0 (lse - v_i) = 0, even if lse - v_i = inf */
      L += RGET (labels, i) * (lse - VGET (v, i));
  return L;
}
