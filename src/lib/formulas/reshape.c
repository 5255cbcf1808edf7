/* reshape.c -- slides 3 and 17; derivations/08-reshape-and-dL-dx.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_reshape.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/float.h"
#include "lib/valid.h"

/* reshape once for every arithmetic: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/reshape_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/reshape_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/reshape_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* dL/dx[r][c] = dL/du[r*cols + c] */
int
bp_reshape_inverse (const gsl_vector *dL_du, gsl_matrix *dL_dx)
{
  if (!dL_du || !dL_dx)
    GSL_ERROR ("bp_reshape_inverse: dL_du and dL_dx must not be NULL", GSL_EFAULT);
  if (dL_du->size != dL_dx->size1 * dL_dx->size2)
    GSL_ERROR ("bp_reshape_inverse: dL_du must have size1*size2 of dL_dx elements",
               GSL_EBADLEN);
  for (size_t r = 0; r < dL_dx->size1; r++)
    for (size_t c = 0; c < dL_dx->size2; c++)
      gsl_matrix_set (dL_dx, r, c, gsl_vector_get (dL_du, r * dL_dx->size2 + c));
  return GSL_SUCCESS;
}

/* The sizes shared by a batch flatten and its inverse: P C x (B hw),
   F B x (C hw). */
static int
flatten_sizes (const char *fn, const gsl_matrix *P, size_t hw, const gsl_matrix *F)
{
  if (hw == 0 || P->size2 % hw != 0 || P->size2 / hw != F->size1
      || F->size2 != P->size1 * hw)
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  return GSL_SUCCESS;
}

/* F[n, c hw + s] = P[c, n hw + s]  (16.7) */
int
bp_batch_flatten (const gsl_matrix *P, size_t hw, gsl_matrix *F)
{
  if (!P || !F)
    GSL_ERROR ("bp_batch_flatten: P and F must not be NULL", GSL_EFAULT);
  if (flatten_sizes ("bp_batch_flatten: P must be C x (B hw) and F B x (C hw)", P, hw, F))
    return GSL_EBADLEN;
  if (matrices_overlap (P, F))   /* a permutation: not in one pass in place */
    GSL_ERROR ("bp_batch_flatten: F overlaps P", GSL_EINVAL);
  for (size_t n = 0; n < F->size1; n++)
    for (size_t c = 0; c < P->size1; c++)
      for (size_t s = 0; s < hw; s++)
        gsl_matrix_set (F, n, c * hw + s, gsl_matrix_get (P, c, n * hw + s));
  return GSL_SUCCESS;
}

/* dL/dP[c, n hw + s] = dL/dF[n, c hw + s]  (16.8) */
int
bp_batch_flatten_inverse (const gsl_matrix *dL_dF, size_t hw, gsl_matrix *dL_dP)
{
  if (!dL_dF || !dL_dP)
    GSL_ERROR ("bp_batch_flatten_inverse: dL_dF and dL_dP must not be NULL", GSL_EFAULT);
  if (flatten_sizes ("bp_batch_flatten_inverse: dL_dP must be C x (B hw) and dL_dF "
                     "B x (C hw)", dL_dP, hw, dL_dF))
    return GSL_EBADLEN;
  if (matrices_overlap (dL_dF, dL_dP))
    GSL_ERROR ("bp_batch_flatten_inverse: dL_dP overlaps dL_dF", GSL_EINVAL);
  for (size_t n = 0; n < dL_dF->size1; n++)
    for (size_t c = 0; c < dL_dP->size1; c++)
      for (size_t s = 0; s < hw; s++)
        gsl_matrix_set (dL_dP, c, n * hw + s, gsl_matrix_get (dL_dF, n, c * hw + s));
  return GSL_SUCCESS;
}
