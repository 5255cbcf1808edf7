/* cnn_example.h -- (internal) seeded example points of the layers of
   issue 13 (bp_conv.h, bp_pool.h, bp_reshape.h's flatten) and of the CNN
   (bp_net_cnn), each with the library's analytic sides computed once, and
   the loss as a function of one argument, in real and in complex
   arithmetic, for the rows of `backprop verify' (verify_cnn.c).  The
   layers' losses are L = sum G (.) Y for a seeded G (their dL/dY). */
#ifndef BP_CNN_EXAMPLE_H
#define BP_CNN_EXAMPLE_H

#include <complex.h>
#include <gsl/gsl_rng.h>
#include "backprop.h"
#include "backprop/bp_conv.h"
#include "backprop/bp_net.h"

/* --- the convolution layer ------------------------------------------------ */

/* L's arguments: K, b, X; FWD is Y(K) itself (its Jacobian). */
enum conv_block { CV_K, CV_B, CV_X, CV_FWD, CV_BLOCKS };

typedef struct
{
  bp_conv_shape s;
  size_t B;                   /* images of the batch forms */
  gsl_matrix *K, *X, *G;      /* X is the batch's first image */
  gsl_vector *b;
  gsl_matrix *Y;              /* scratch, C_out x (Ho Wo) */
  /* the library's analytic sides at (K, b, X) */
  gsl_matrix *dK, *dX, *J;    /* J = dY/dK from im2col's cols (15.5) */
  gsl_vector *db;
  /* the batch forms on Xb, Gb, and the single-example functions on each
     of its images (dK summed over them) */
  gsl_matrix *Xb, *Gb;
  gsl_matrix *Yb, *dKb, *dXb;
  gsl_matrix *Yb_each, *dKb_each, *dXb_each;
  /* complex copies and scratch */
  gsl_matrix_complex *Kc, *Xc, *Yc;
  gsl_vector_complex *bc;
} conv_example;

/* C_in 2, 6 x 5, C_out 3, k 3, p 1, B 2; K, b, G ~ N(0, 1), X ~ U[0, 1). */
conv_example *conv_example_alloc (gsl_rng *rng);
/* An example of shape s and B images, its values unset (the documents
   set theirs: derivations/docgen.c); after K, b, Xb, Gb are set,
   conv_example_update computes X, G (the first image) and every side. */
conv_example *conv_example_new (const bp_conv_shape *s, size_t B);
int conv_example_update (conv_example *ex);
void conv_example_free (conv_example *ex);

/* L = sum G (.) Y with block (CV_K, CV_B, CV_X) replaced by theta (a
   vector block as one column); Y(K) into y (FWD), row-major. */
double conv_example_loss (const conv_example *ex, size_t block, const gsl_matrix *theta);
int conv_example_forward (const conv_example *ex, const gsl_matrix *K, gsl_vector *y);
double complex conv_example_closs (const conv_example *ex, size_t block,
                                   const gsl_matrix_complex *theta);
int conv_example_cforward (const conv_example *ex, const gsl_matrix_complex *K,
                           gsl_vector_complex *y);

/* --- pooling and flatten --------------------------------------------------- */

/* L's arguments: X of max-pooling (no ties), X at ties, X of average
   pooling, one image of X (flatten, 16.5), the batch X (batch flatten). */
enum pool_block { PL_MAX, PL_TIES, PL_AVG, PL_FLAT, PL_BFLAT, PL_BLOCKS };

typedef struct
{
  size_t C, B, H, W;          /* C x (B H W) */
  gsl_matrix *X, *Xtie, *X1;  /* X1: X's first image, C x (H W) */
  gsl_matrix *G;              /* dL/dY of the poolings, C x (B Ho Wo) */
  gsl_vector *g;              /* dL/du of flatten, C H W */
  gsl_matrix *GF;             /* dL/dF of the batch flatten, B x (C H W) */
  gsl_matrix *Y, *F;          /* scratch */
  gsl_vector *u;
  /* the library's analytic sides */
  gsl_matrix *dXmax, *dXtie, *dXavg, *dX1, *dXb;
  /* the batch flatten of X, and bp_reshape of each image */
  gsl_matrix *Fb, *Fb_each;
  gsl_matrix_complex *Yc;
  gsl_vector_complex *uc;
} pool_example;

/* C 2, B 2, 5 x 6 (an odd last row in no window); X a shuffle of values
   0.05 apart (no step of a difference crosses a tie), Xtie halves of
   0..3 (many ties), G, g, GF ~ N(0, 1). */
pool_example *pool_example_alloc (gsl_rng *rng);
/* The same of C x (B H W), values unset; pool_example_update computes X1
   and the analytic sides after X, Xtie, G, g, GF are set. */
pool_example *pool_example_new (size_t C, size_t B, size_t H, size_t W);
int pool_example_update (pool_example *ex);
void pool_example_free (pool_example *ex);

/* L of the block (enum pool_block) at theta, real and complex. */
double pool_example_loss (const pool_example *ex, size_t block, const gsl_matrix *theta);
double complex pool_example_closs (const pool_example *ex, size_t block,
                                   const gsl_matrix_complex *theta);

/* --- the CNN: bp_net_cnn ---------------------------------------------------- */

/* The network of bp_net_cnn of these sizes (H = 0: no hidden layer),
   whose complex forward (bp_net_cforward) is the CNN's loss in complex
   arithmetic; NULL when out of memory. */
bp_net *cstep_cnn_net (size_t rows, size_t cols, size_t C1, size_t C2, size_t H, size_t n);

/* bp_net_cforward of cnet (cstep_cnn_net) in its workspace w: block[]
   the parameter blocks in the net's order, a vector block as one column,
   U b x (rows cols) contiguous, T b x n.  NaN when refused. */
double complex cstep_cnn_loss (const bp_net *cnet, const gsl_matrix_complex *const block[],
                               const gsl_matrix_complex *U, const gsl_matrix *T,
                               bp_net_workspace *w);

/* --- a network of the table: bp_net_cnn, bp_net_deep -------------------- */

typedef struct
{
  bp_net *net;                /* its grad: bp_net_backward's, at (net, U, T) */
  bp_net *scratch;            /* net with one block replaced */
  gsl_matrix *U, *T, *dU;     /* B x (rows cols), B x n, dL/dU */
  double L;                   /* the mean loss at (net, U, T) */
  bp_net_workspace *ws;
  size_t n_blocks;            /* net->n_blocks; U is block n_blocks */
  /* complex copies of the blocks and U */
  gsl_matrix_complex *Mc[BP_NET_MAX_BLOCKS + 1];
} net_example;

/* A network of row T for sizes s, B examples: its starting point
   (bp_net_init, He's weights for ReLU), biases ~ N(0, 0.1^2), U ~ U[0, 1),
   one-hot T, drawn from rng in that order; NULL when out of memory. */
net_example *net_example_alloc (const bp_net_type *T, const bp_net_shape *s, size_t B,
                                gsl_rng *rng);
void net_example_free (net_example *ex);
/* After the net's parameters, U or T were changed: the gradients, L and
   the complex copies again (bp_net_backward's status). */
int net_example_update (net_example *ex);

/* The groups' sizes, B = 2 examples each: the CNN 8 x 8 images, C1 2,
   C2 3, H 5, n 4; the deeper perceptron 8 x 8, H 6 and 5 ReLU, n 4. */
enum { NET_EXAMPLE_B = 2 };
extern const bp_net_shape net_example_cnn, net_example_deep;

/* The mean loss with block k (the net's order; n_blocks: U) replaced by
   theta, by bp_net_forward; and by bp_net_cforward (cstep_cnn_loss). */
double net_example_loss (const net_example *ex, size_t block, const gsl_matrix *theta);
double complex net_example_closs (const net_example *ex, size_t block,
                                  const gsl_matrix_complex *theta);

/* --- for bp_gradcheck ------------------------------------------------------- */

/* An example and the argument (its block) of a loss above. */
typedef struct
{
  const void *ex;
  size_t block;
} example_binding;

/* X_example_loss and X_example_closs of the binding params at the
   checker's point: finite, or 1 (outside the domain). */
int conv_block_loss (const bp_gradcheck_point *p, void *params, double *L);
int conv_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L);
int pool_block_loss (const bp_gradcheck_point *p, void *params, double *L);
int pool_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L);
int net_block_loss (const bp_gradcheck_point *p, void *params, double *L);
int net_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L);

#endif /* BP_CNN_EXAMPLE_H */
