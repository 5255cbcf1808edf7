/* reshape_source.c -- u = reshape(x), once for every arithmetic
   (templates_on.h); slide 3, derivations/08-reshape-and-dL-dx.md */

/* u[r*cols + c] = x[r][c] */
int
FUNCTION (bp, reshape) (const TYPE (gsl_matrix) *x, TYPE (gsl_vector) *u)
{
  if (MISSING (x) || MISSING (u))
    GSL_ERROR (NAME (bp, reshape) ": x and u must not be NULL", GSL_EFAULT);
  if (u->size != x->size1 * x->size2)
    GSL_ERROR (NAME (bp, reshape) ": u must have size1*size2 of x elements", GSL_EBADLEN);
  for (size_t r = 0; r < x->size1; r++)
    for (size_t c = 0; c < x->size2; c++)
      VSET (u, r * x->size2 + c, MGET (x, r, c));
  return GSL_SUCCESS;
}
