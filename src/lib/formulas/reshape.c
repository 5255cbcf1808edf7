/* reshape.c -- slides 3 and 17; derivations/08-reshape-and-dL-dx.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_reshape.h"

/* u[r*cols + c] = x[r][c] */
int
bp_reshape (const gsl_matrix *x, gsl_vector *u)
{
  if (!x || !u)
    GSL_ERROR ("bp_reshape: x and u must not be NULL", GSL_EFAULT);
  if (u->size != x->size1 * x->size2)
    GSL_ERROR ("bp_reshape: u must have size1*size2 of x elements", GSL_EBADLEN);
  for (size_t r = 0; r < x->size1; r++)
    for (size_t c = 0; c < x->size2; c++)
      gsl_vector_set (u, r * x->size2 + c, gsl_matrix_get (x, r, c));
  return GSL_SUCCESS;
}

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
