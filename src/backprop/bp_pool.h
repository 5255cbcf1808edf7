/* bp_pool.h -- 2 x 2 pooling with stride 2, max and average, forward and
   backward.  Derivation: derivations/16-pooling.md

   X is C x (n H W): C channels of n >= 1 images of H x W each, row-major,
   the layout of bp_conv.h (n = 1 for one example, n = B for a batch).
   Y is C x (n Ho Wo) with Ho = floor(H/2), Wo = floor(W/2): window (i, j)
   covers rows 2i, 2i+1 and columns 2j, 2j+1; an odd last row or column
   is in no window (its gradient is 0).

   Max-pooling at ties: the first maximum of the window in row-major order
   ((2i,2j), (2i,2j+1), (2i+1,2j), (2i+1,2j+1)) is the one passed on and
   gets the whole gradient.  A tie is a point where max is not
   differentiable: there the central difference is the mean of the
   one-sided derivatives and disagrees with any rule; bp_gradcheck
   (bp_gradcheck.h) reports such an element as a kink, not a failure.

   Errors (bp_common.h): GSL_EFAULT for a NULL pointer; GSL_EINVAL for
   height or width below 2; GSL_EBADLEN for sizes that disagree (X's
   columns not a multiple of H W, Y or dL/dX of the wrong shape); GSL_EDOM
   for a NaN or infinity in max-pooling's X (a max has no rule for NaN).
   Nothing is written when an argument is refused. */
#ifndef BP_POOL_H
#define BP_POOL_H
#include <gsl/gsl_matrix_complex_double.h>
#include "bp_common.h"
BP_BEGIN_DECLS

/* Y[c, i, j] = max_{a,e in {0,1}} X[c, 2i + a, 2j + e].
   derivations/16-pooling.md, eq. (16.1) */
int bp_maxpool (const gsl_matrix *X, size_t height, size_t width, gsl_matrix *Y);

/* dL/dX[c, 2i + a, 2j + e] = dL/dY[c, i, j] where (a, e) is the window's
   first maximum, 0 elsewhere.  dL_dY has Y's shape, dL_dX X's.
   derivations/16-pooling.md, eq. (16.2) */
int bp_maxpool_backward (const gsl_matrix *X, size_t height, size_t width,
                         const gsl_matrix *dL_dY, gsl_matrix *dL_dX);

/* Y[c, i, j] = (1/4) sum_{a,e in {0,1}} X[c, 2i + a, 2j + e].
   derivations/16-pooling.md, eq. (16.3) */
int bp_avgpool (const gsl_matrix *X, size_t height, size_t width, gsl_matrix *Y);

/* dL/dX[c, 2i + a, 2j + e] = dL/dY[c, i, j] / 4 (0 in an odd last row or
   column).  dL_dX is C x (n H W), dL_dY C x (n Ho Wo).
   derivations/16-pooling.md, eq. (16.4) */
int bp_avgpool_backward (const gsl_matrix *dL_dY, size_t height, size_t width,
                         gsl_matrix *dL_dX);

/* The forward passes' sources instantiated in complex arithmetic, for
   the complex-step check (the same sizes and errors; bp_complex_step.h):
   max-pooling picks by the real parts (the rule above) and passes the
   complex value on, which is analytic away from ties, as ReLU's extension
   is.  derivations/16-pooling.md, eqs. (16.1), (16.3) */
int bp_complex_maxpool (const gsl_matrix_complex *X, size_t height, size_t width,
                        gsl_matrix_complex *Y);
int bp_complex_avgpool (const gsl_matrix_complex *X, size_t height, size_t width,
                        gsl_matrix_complex *Y);

BP_END_DECLS
#endif /* BP_POOL_H */
