/* bp_reshape.h -- reshape of an image to a vector and back.
   Derivation: derivations/08-reshape-and-dL-dx.md */
#ifndef BP_RESHAPE_H
#define BP_RESHAPE_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* Slide 3: u = reshape(x), row-major: u[r*cols + c] = x[r][c].
   Sizes: u->size == x->size1 * x->size2.
   derivations/01-forward-pass.md, eq. (1.1) */
int bp_reshape (const gsl_matrix *x, gsl_vector *u);

/* Slide 17: dL/dx = reshape^-1(dL/du), the inverse of bp_reshape.
   Sizes: dL_du->size == dL_dx->size1 * dL_dx->size2.
   derivations/08-reshape-and-dL-dx.md, eqs. (8.1), (8.2) */
int bp_reshape_inverse (const gsl_vector *dL_du, gsl_matrix *dL_dx);

BP_END_DECLS
#endif /* BP_RESHAPE_H */
