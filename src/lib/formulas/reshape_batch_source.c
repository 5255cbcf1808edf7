/* reshape_batch_source.c -- the CNN's batch flatten and its inverse,
   once for the real arithmetics (templates_on.h: double, float;
   reshape.c); derivations/16-pooling.md, eqs. (16.7), (16.8).  The double
   ones are bp_reshape.h's. */

/* F[n, c hw + s] = P[c, n hw + s]  (16.7) */
int
FUNCTION (bp, batch_flatten) (const TYPE (gsl_matrix) *P, size_t hw, TYPE (gsl_matrix) *F)
{
  if (MISSING (P) || MISSING (F))
    GSL_ERROR (NAME (bp, batch_flatten) ": P and F must not be NULL", GSL_EFAULT);
  if (flatten_sizes (NAME (bp, batch_flatten) ": P must be C x (B hw) and F B x (C hw)",
                     P->size1, P->size2, hw, F->size1, F->size2))
    return GSL_EBADLEN;
  if (MM_OVERLAP (P, F))   /* a permutation: not in one pass in place */
    GSL_ERROR (NAME (bp, batch_flatten) ": F overlaps P", GSL_EINVAL);
  for (size_t n = 0; n < F->size1; n++)
    for (size_t c = 0; c < P->size1; c++)
      for (size_t s = 0; s < hw; s++)
        MSET (F, n, c * hw + s, MGET (P, c, n * hw + s));
  return GSL_SUCCESS;
}

/* dL/dP[c, n hw + s] = dL/dF[n, c hw + s]  (16.8) */
int
FUNCTION (bp, batch_flatten_inverse) (const TYPE (gsl_matrix) *dL_dF, size_t hw,
                                      TYPE (gsl_matrix) *dL_dP)
{
  if (MISSING (dL_dF) || MISSING (dL_dP))
    GSL_ERROR (NAME (bp, batch_flatten_inverse) ": dL_dF and dL_dP must not be NULL", GSL_EFAULT);
  if (flatten_sizes (NAME (bp, batch_flatten_inverse) ": dL_dP must be C x (B hw) and "
                     "dL_dF B x (C hw)", dL_dP->size1, dL_dP->size2, hw, dL_dF->size1,
                     dL_dF->size2))
    return GSL_EBADLEN;
  if (MM_OVERLAP (dL_dF, dL_dP))
    GSL_ERROR (NAME (bp, batch_flatten_inverse) ": dL_dP overlaps dL_dF", GSL_EINVAL);
  for (size_t n = 0; n < dL_dF->size1; n++)
    for (size_t c = 0; c < dL_dP->size1; c++)
      for (size_t s = 0; s < hw; s++)
        MSET (dL_dP, c, n * hw + s, MGET (dL_dF, n, c * hw + s));
  return GSL_SUCCESS;
}
