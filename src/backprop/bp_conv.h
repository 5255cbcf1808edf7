/* bp_conv.h -- the 2-D convolution layer (cross-correlation, as the field
   calls it): C_in input channels, C_out output channels, k x k kernels,
   stride 1, zero padding p; its three gradients; its batch form by im2col.
   Derivation: derivations/15-convolution.md

   Representation (GSL has no tensors):
     an image X of C channels, H x W, is a gsl_matrix of C rows and H W
       columns, each row one channel in row-major order:
       X[c, r, q] = X(c, r W + q);
     the kernels K[o, c, a, e] are a gsl_matrix of C_out rows and
       C_in k k columns: K[o, c, a, e] = K(o, (c k + a) k + e);
     the output Y is C_out x (Ho Wo), Ho = H + 2p - k + 1, Wo = W + 2p - k + 1;
     a batch of B images (the batch forms) is C x (B H W), example n's
       channel c in columns n H W ... (n + 1) H W - 1 of row c; for C = 1
       this is the B x (H W) matrix of a mini-batch read as one row.
   Flatten (derivations/16-pooling.md) is bp_reshape of this matrix.

   Errors (bp_common.h): GSL_EFAULT for a NULL pointer; GSL_EINVAL for a
   shape with a zero size (any field but pad) or a kernel larger than the
   padded image;
   GSL_EBADLEN for a matrix or vector whose size disagrees with the shape.
   Nothing is written when an argument is refused. */
#ifndef BP_CONV_H
#define BP_CONV_H
#include <gsl/gsl_vector_complex_double.h>
#include <gsl/gsl_matrix_complex_double.h>
#include "bp_common.h"
BP_BEGIN_DECLS

/* How the batch forms compute: im2col and one GEMM (the reference, every
   k and p), or Winograd's F(2x2, 5x5), 36 GEMMs over transformed 2x2
   tiles with 36 products a tile for im2col's 100 (k = 5, p <= 4 only);
   derivations/15-convolution.md, "Winograd". */
typedef enum
{
  BP_CONV_IM2COL = 0,
  BP_CONV_WINOGRAD = 1
} bp_conv_algorithm;

/* The shape of a convolution layer: the input C_in x H x W, C_out
   kernels of C_in x k x k, zero padding p on every side; the batch
   forms' algorithm (0, im2col, when not given). */
typedef struct
{
  size_t channels_in;   /* C_in */
  size_t height;        /* H */
  size_t width;         /* W */
  size_t channels_out;  /* C_out */
  size_t k;             /* kernel side */
  size_t pad;           /* p */
  bp_conv_algorithm algorithm;   /* the batch forms' */
} bp_conv_shape;

/* Y[o, i, j] = b_o + sum_c sum_{a,e} K[o, c, a, e] X[c, i + a - p, j + e - p],
   X = 0 outside the image.  K C_out x (C_in k k), b C_out, X C_in x (H W),
   Y C_out x (Ho Wo).  derivations/15-convolution.md, eq. (15.1) */
int bp_conv (const bp_conv_shape *s, const gsl_matrix *K, const gsl_vector *b,
             const gsl_matrix *X, gsl_matrix *Y);

/* dL/dX[c, r, q] = sum_o sum_{a,e} dL/dY[o, r + p - a, q + p - e] K[o, c, a, e]
   (dL/dY = 0 outside Ho x Wo): the full convolution of dL/dY with the
   flipped kernels.  dL_dY C_out x (Ho Wo), dL_dX C_in x (H W).
   derivations/15-convolution.md, eq. (15.3) */
int bp_conv_grad_input (const bp_conv_shape *s, const gsl_matrix *K,
                        const gsl_matrix *dL_dY, gsl_matrix *dL_dX);

/* dL/dK[o, c, a, e] = sum_{i,j} dL/dY[o, i, j] X[c, i + a - p, j + e - p]:
   the correlation of the padded input with dL/dY.  X C_in x (H W),
   dL_dY C_out x (Ho Wo), dL_dK C_out x (C_in k k).
   derivations/15-convolution.md, eq. (15.2) */
int bp_conv_grad_weights (const bp_conv_shape *s, const gsl_matrix *X,
                          const gsl_matrix *dL_dY, gsl_matrix *dL_dK);

/* dL/db_o = sum of row o of dL/dY (over the positions, and for a batch in
   the C x (B H W) layout over the examples too).  dL_db has dL_dY's rows.
   derivations/15-convolution.md, eq. (15.4) */
int bp_conv_grad_bias (const gsl_matrix *dL_dY, gsl_vector *dL_db);

/* bp_conv's source instantiated in complex arithmetic, for the
   complex-step check (the same sizes and errors; bp_complex_step.h).
   derivations/15-convolution.md, eq. (15.1); derivations/13-complex-step.md */
int bp_complex_conv (const bp_conv_shape *s, const gsl_matrix_complex *K,
                     const gsl_vector_complex *b, const gsl_matrix_complex *X,
                     gsl_matrix_complex *Y);

/* --- the batch forms: im2col and one dgemm, or Winograd ----------------- */

/* A batch of B images, X C_in x (B H W), lowered (im2col) into
   cols (C_in k k) x (B Ho Wo), cols[(c k + a) k + e, (n Ho + i) Wo + j] =
   X[c, n, i + a - p, j + e - p], then Y = K cols + b 1^T, C_out x (B Ho Wo).
   cols is an output: bp_batch_conv_grad_weights reads it.
   derivations/15-convolution.md, eqs. (15.5), (15.6)
   With s->algorithm BP_CONV_WINOGRAD, cols is the transformed input
   (36 C_in) x (B T), T = ceil(Ho/2) ceil(Wo/2) tiles an image: row
   xi C_in + c, column n T + t holds (B^T d B)_xi of channel c's tile t of
   image n; Y = A^T [(G K G^T) (.) cols] A + b per tile.  The three batch
   forms then run with the same transforms; a shape with k != 5 or
   p > 4 is GSL_EINVAL. */
int bp_batch_conv (const bp_conv_shape *s, const gsl_matrix *K,
                   const gsl_vector *b, const gsl_matrix *X, gsl_matrix *cols,
                   gsl_matrix *Y);

/* dL/dK = dL/dY cols^T, cols as bp_batch_conv wrote it.
   derivations/15-convolution.md, eq. (15.7)
   Winograd: dK[o, c] = G^T [sum over tiles (A dL/dY_tile A^T) (.) cols] G,
   F(5x5, 2x2) with the forward's matrices. */
int bp_batch_conv_grad_weights (const bp_conv_shape *s, const gsl_matrix *dL_dY,
                                const gsl_matrix *cols, gsl_matrix *dL_dK);

/* dL/dcols = K^T dL/dY into work (cols's shape; cols itself may be given
   once dL/dK is computed), then col2im: each element of dL/dcols added to
   the input element it was copied from, giving dL_dX, C_in x (B H W).
   derivations/15-convolution.md, eq. (15.8)
   Winograd: the forward of dL/dY with the kernels rotated 180 degrees
   and C_in, C_out swapped (pad k - 1 - p); work (cols's shape) is not
   written. */
int bp_batch_conv_grad_input (const bp_conv_shape *s, const gsl_matrix *K,
                              const gsl_matrix *dL_dY, gsl_matrix *work,
                              gsl_matrix *dL_dX);

BP_END_DECLS
#endif /* BP_CONV_H */
