/* linear_source.c -- v = W u + b, once for every arithmetic
   (templates_on.h); slide 11, derivations/01-forward-pass.md, eq. (1.2) */

/* v = W u + b */
int
FUNCTION (bp, linear) (const TYPE (gsl_matrix) *W, const TYPE (gsl_vector) *b,
                       const TYPE (gsl_vector) *u, TYPE (gsl_vector) *v)
{
  if (MISSING (W) || MISSING (b) || MISSING (u) || MISSING (v))
    GSL_ERROR (NAME (bp, linear) ": W, b, u and v must not be NULL", GSL_EFAULT);
  if (u->size != W->size2)
    GSL_ERROR (NAME (bp, linear) ": u must have as many elements as W has columns",
               GSL_EBADLEN);
  if (b->size != W->size1 || v->size != W->size1)
    GSL_ERROR (NAME (bp, linear) ": b and v must have as many elements as W has rows",
               GSL_EBADLEN);
  if (VM_OVERLAP (v, W) || VV_OVERLAP (v, b) || VV_OVERLAP (v, u))
    GSL_ERROR (NAME (bp, linear) ": v overlaps W, b or u (bp_common.h)", GSL_EINVAL);
  FUNCTION (gsl_vector, memcpy) (v, b);
  return GEMV_ADD (W, u, v);
}
