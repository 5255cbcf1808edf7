/* softmax_source.c -- y = Softmax(v), once for every arithmetic
   (templates_on.h); slide 6, derivations/01-forward-pass.md, eq. (1.3) */
#include "lib/formulas/shift_source.c"

/* y_i = exp(v_i - c) / sum_k exp(v_k - c), c = v_k* (shift_source.c) */
int
FUNCTION (bp, softmax) (const TYPE (gsl_vector) *v, TYPE (gsl_vector) *y)
{
  if (MISSING (v) || MISSING (y))
    GSL_ERROR (NAME (bp, softmax) ": v and y must not be NULL", GSL_EFAULT);
  if (y->size != v->size)
    GSL_ERROR (NAME (bp, softmax) ": v and y must have equal sizes", GSL_EBADLEN);
  if (v->size == 0)
    GSL_ERROR (NAME (bp, softmax) ": v must not be empty", GSL_EBADLEN);
  if (!VECTOR_FINITE (v))
    GSL_ERROR (NAME (bp, softmax) ": v has a NaN or infinite element", GSL_EDOM);
  const BASE c = FUNCTION (shift, of) (v);
  BASE sum = ZERO;
  for (size_t i = 0; i < v->size; i++)
    {
      const BASE e = EXP (VGET (v, i) - c);
      VSET (y, i, e);
      sum += e;
    }
  const BASE r = DIV (ONE, sum);
  for (size_t i = 0; i < v->size; i++)
    VSET (y, i, VGET (y, i) * r);
  return GSL_SUCCESS;
}
