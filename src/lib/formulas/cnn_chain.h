/* cnn_chain.h -- (internal) the convolutional network of bp_net_cnn
   (`backprop train --conv C1,C2'), the one users reach through bp_net.h:
   the layers of bp_conv.h, bp_pool.h and bp_batch.h in one chain, on a
   mini-batch of images.
   Derivation: derivations/17-cnn.md

     X0 = U read as 1 x (B rows cols)           (bp_conv.h's batch layout)
     Z1 = conv1(X0)   C1 x (B rows cols)         k = 5, p = 2    (17.1)
     A1 = relu(Z1),   P1 = maxpool(A1)           C1 x (B rows/2 cols/2)
     Z2 = conv2(P1)   C2 x (B rows/2 cols/2)     k = 5, p = 2
     A2 = relu(Z2),   P2 = maxpool(A2)           C2 x (B rows/4 cols/4)
     F  = flatten(P2) B x features, features = C2 (rows/4) (cols/4)
     Z3 = F W3^T + 1 b3^T,  A3 = relu(Z3)        B x H (when H > 0)
     V  = A3 W4^T + 1 b4^T  (F W4^T + 1 b4^T when H = 0)     B x n
     L  = mean cross-entropy of Softmax(V) and T

   The parameters are blocks, in this order (cnn_chain_blocks): K1 (C1 x 25),
   b1 (C1), K2 (C2 x 25 C1), b2 (C2), [W3 (H x features), b3 (H),]
   W4 (n x (H or features)), b4 (n).

   Errors (bp_common.h): GSL_EFAULT for a NULL pointer; GSL_EINVAL for a
   zero size, an image smaller than 4 x 4, or an output that overlaps an
   input; GSL_EBADLEN for sizes that disagree; GSL_EDOM for NaN or
   infinity in the parameters, U or T, or labels whose rows do not sum
   to 1.  Nothing is written when an argument is refused. */
#ifndef BP_CNN_CHAIN_H
#define BP_CNN_CHAIN_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_float.h>
#include "backprop/bp_common.h"
#include "backprop/bp_conv.h"
#include "backprop/bp_net.h"   /* BP_CNN_K, BP_CNN_PAD */

#define CNN_CHAIN_MAX_BLOCKS 8

/* The network over blocks of matrix type MAT and vector type VEC, written
   once for both arithmetics: cnn_chain (double), cnn_chain_float (float,
   lib/formulas/float.h's chain). */
#define CNN_CHAIN_STRUCT(MAT, VEC)                                             \
  struct                                                                       \
  {                                                                            \
    size_t rows, cols;      /* the image */                                    \
    size_t C1, C2;          /* the convolutions' channels */                   \
    size_t H;               /* the hidden layer's units, 0: none */            \
    size_t n;               /* classes */                                      \
    size_t features;        /* C2 (rows/4) (cols/4) */                         \
    bp_conv_shape conv1, conv2;                                                \
    MAT *K1;  VEC *b1;                                                         \
    MAT *K2;  VEC *b2;                                                         \
    MAT *W3;  VEC *b3;          /* NULL when H = 0 */                          \
    MAT *W4;  VEC *b4;                                                         \
  }
typedef CNN_CHAIN_STRUCT (gsl_matrix, gsl_vector) cnn_chain;
typedef CNN_CHAIN_STRUCT (gsl_matrix_float, gsl_vector_float) cnn_chain_float;

/* A network of zero parameters; NULL (GSL_EINVAL) for a zero size or an
   image under 4 x 4, (GSL_ENOMEM) when out of memory.  cnn_chain_free (NULL)
   does nothing. */
cnn_chain *cnn_chain_alloc (size_t rows, size_t cols, size_t C1, size_t C2, size_t H,
                      size_t n);
void cnn_chain_free (cnn_chain *net);

/* He's initialisation: every weight ~ N(0, 2 / fan-in) (fan-in 25 C_in for
   a kernel, features or H for a fully connected layer), biases 0.
   derivations/17-cnn.md, eq. (17.9) */
int cnn_chain_init (cnn_chain *net, gsl_rng *rng);

/* One parameter block: a matrix or a vector (the other NULL). */
typedef struct
{
  const char *name;   /* "K1", "b1", ... */
  gsl_matrix *M;
  gsl_vector *v;
} cnn_chain_block;

/* The blocks of net in the order above, into blocks; returns their
   number (6, or 8 with the hidden layer); 0 (GSL_EFAULT) for a NULL. */
size_t cnn_chain_blocks (const cnn_chain *net, cnn_chain_block blocks[CNN_CHAIN_MAX_BLOCKS]);

/* The number of parameters; 0 (GSL_EFAULT) for a NULL net. */
size_t cnn_chain_count (const cnn_chain *net);

/* 1 when a and b have the same shape, else 0 (GSL_EFAULT for a NULL). */
int cnn_chain_same_shape (const cnn_chain *a, const cnn_chain *b);

/* What the chain keeps for up to B examples of net's shape.  The
   per-channel matrices (bp_conv.h's layout) live in buffers that are
   viewed as C x (b hw) for a batch of b <= B; V and Y hold the logits
   and probabilities of the last forward pass in their first b rows.
   Written once for both arithmetics, as CNN_CHAIN_STRUCT. */
#define CNN_CHAIN_WORKSPACE_STRUCT(MAT, VEC)                                   \
  struct                                                                       \
  {                                                                            \
    size_t B;                                                                  \
    cnn_chain shape;        /* the sizes only: no parameters */                \
    VEC *cols1, *Z1, *A1, *G1, *P1, *dP1;                                      \
    VEC *cols2, *Z2, *A2, *G2, *P2, *dP2;                                      \
    MAT *F, *dF;              /* B x features */                               \
    MAT *Z3, *A3, *dA3;       /* B x H (NULL when H = 0) */                    \
    MAT *V, *Y, *dV;          /* B x n */                                      \
    /* each pooling window's maximum (0..3, row-major), C x (b Ho Wo),         \
       kept by the forward pass for the backward */                            \
    unsigned char *best1, *best2;                                              \
  }
typedef CNN_CHAIN_WORKSPACE_STRUCT (gsl_matrix, gsl_vector) cnn_chain_workspace;
typedef CNN_CHAIN_WORKSPACE_STRUCT (gsl_matrix_float, gsl_vector_float)
  cnn_chain_workspace_float;

cnn_chain_workspace *cnn_chain_workspace_alloc (size_t B, const cnn_chain *net);
void cnn_chain_workspace_free (cnn_chain_workspace *w);

/* The forward pass of the b = U->size1 <= B images U (b x rows cols,
   contiguous), pixels as the model reads them; the mean loss against the
   one-hot T (b x n), or 0 when T is NULL.  The logits are in w->V's first
   b rows.  NaN on error.  derivations/17-cnn.md, eqs. (17.1)-(17.4) */
double cnn_chain_forward (const cnn_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                       cnn_chain_workspace *w);

/* The forward pass, then every gradient of the mean loss, from the top:
   grad (net's shape) gets dL/dK1 ... dL/db4, dL_dU (may be NULL; U's
   shape) dL/dU, *L (may be NULL) the loss.
   derivations/17-cnn.md, eqs. (17.5)-(17.8) */
int cnn_chain_backward (const cnn_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                     cnn_chain_workspace *w, cnn_chain *grad, gsl_matrix *dL_dU, double *L);

#endif /* BP_CNN_CHAIN_H */
