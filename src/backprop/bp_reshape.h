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

/* Flatten of a batch (bp_conv.h's layout): P is C x (B hw), B images of
   C channels of hw pixels; F is B x (C hw), example n's row
   F[n, c hw + s] = P[c, n hw + s], the reshape of each image's C x hw
   matrix (bp_reshape) as one row.  P->size2 must be a multiple of hw
   (else GSL_EBADLEN); F overlapping P is refused (GSL_EINVAL): the
   permutation cannot be done in place in one pass.
   derivations/16-pooling.md, eq. (16.7) */
int bp_batch_flatten (const gsl_matrix *P, size_t hw, gsl_matrix *F);

/* Its inverse, which is also its backward pass:
   dL/dP[c, n hw + s] = dL/dF[n, c hw + s].  The same sizes and errors.
   derivations/16-pooling.md, eq. (16.8) */
int bp_batch_flatten_inverse (const gsl_matrix *dL_dF, size_t hw, gsl_matrix *dL_dP);

BP_END_DECLS
#endif /* BP_RESHAPE_H */
