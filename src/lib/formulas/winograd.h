/* winograd.h -- (internal) Winograd's F(2x2, 5x5) for the 5x5 batch
   convolution (bp_conv.h's BP_CONV_WINOGRAD): its matrices, built by
   Toom-Cook from the points {0, 1, -1, 1/2, -1/2, infinity} (Lavin and
   Gray 2016), and the size of its transformed input.
   derivations/15-convolution.md, "Winograd"; tests/check_winograd.c
   rebuilds the matrices from the points in exact rationals.

   One 2x2 output tile Y of a 6x6 input tile d and a 5x5 kernel g:
     Y = A^T [(G g G^T) (.) (B^T d B)] A;
   A^T (2 x 6) evaluates the output's polynomial at the points (the
   Vandermonde rows (1, p) and (0, 1) at infinity), G (6 x 5) the
   kernel's, B^T (6 x 6) is the inverse transposed Vandermonde matrix of
   the six points; row j of B^T is scaled by s_j (the least positive
   rational making it integers) and row j of G by 1 / s_j, so that the
   input's transform, the most frequent, is in integers. */
#ifndef BP_FORMULAS_WINOGRAD_H
#define BP_FORMULAS_WINOGRAD_H
#include <stddef.h>
#include "backprop/bp_conv.h"

#define WINOGRAD_M 2      /* the output tile's side */
#define WINOGRAD_R 5      /* the kernel's */
#define WINOGRAD_ALPHA 6  /* the input tile's, m + r - 1 */

extern const double winograd_AT[WINOGRAD_M][WINOGRAD_ALPHA];
extern const double winograd_G[WINOGRAD_ALPHA][WINOGRAD_R];
extern const double winograd_BT[WINOGRAD_ALPHA][WINOGRAD_ALPHA];

/* The lowered input's size for a batch of B, by s->algorithm: im2col's
   (C_in k k) x (B Ho Wo), Winograd's (36 C_in) x (B T), T = ceil(Ho/2)
   ceil(Wo/2); for a shape bp_batch_conv accepts. */
void conv_lowered_size (const bp_conv_shape *s, size_t B, size_t *rows, size_t *cols);

#endif /* BP_FORMULAS_WINOGRAD_H */
