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
  if (MISSING (dL_du) || MISSING (dL_dx))
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
   F B x (C hw), for P p1 x p2, F f1 x f2. */
static int
flatten_sizes (const char *fn, size_t p1, size_t p2, size_t hw, size_t f1, size_t f2)
{
  if (hw == 0 || p2 % hw != 0 || p2 / hw != f1 || f2 != p1 * hw)
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  return GSL_SUCCESS;
}

/* the batch flatten once for double and float: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/reshape_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/reshape_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT
