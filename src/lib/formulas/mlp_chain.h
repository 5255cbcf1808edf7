/* mlp_chain.h -- (internal) the two-layer network (one hidden layer) of
   bp_net_mlp (`backprop train --hidden H'), the one users reach through
   bp_net.h; its per-example chain below is `backprop verify''s and the
   documents' witness of the row's batch chain (mlp_batch_trusted.h):
     u = reshape(x),  z = W1 u + b1,  h = f(z),  v = W2 h + b2,
     y = Softmax(v),  L = -sum_i labels_i log y_i,
   its forward pass and its backward chain, assembled from the one-layer
   functions (bp_reshape, bp_linear, bp_linear_grad_*, bp_softmax,
   bp_softmax_cross_entropy[_grad], bp_reshape_inverse) and an activation
   of bp_activation.h.  Derivation: derivations/12-two-layer-network.md */
#ifndef BP_MLP_CHAIN_H
#define BP_MLP_CHAIN_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_float.h>
#include "backprop/bp_common.h"
#include "backprop/bp_activation.h"
BP_BEGIN_DECLS

/* The parameters: m inputs, H hidden units, n classes.  An mlp_chain of the
   same shape also holds the gradients dL/dW1, dL/db1, dL/dW2, dL/db2.
   Written once over the matrix type MAT and vector type VEC: mlp_chain
   (double), mlp_chain_float (float, lib/formulas/float.h's chain). */
#define MLP_CHAIN_STRUCT(MAT, VEC)                                             \
  struct                                                                       \
  {                                                                            \
    size_t m, H, n;                                                            \
    bp_activation act;                                                         \
    MAT *W1;   /* H x m */                                                     \
    VEC *b1;   /* H */                                                         \
    MAT *W2;   /* n x H */                                                     \
    VEC *b2;   /* n */                                                         \
  }
typedef MLP_CHAIN_STRUCT (gsl_matrix, gsl_vector) mlp_chain;
typedef MLP_CHAIN_STRUCT (gsl_matrix_float, gsl_vector_float) mlp_chain_float;

/* All parameters zero.  NULL (GSL_EINVAL) for a zero size or an unknown
   activation, NULL (GSL_ENOMEM) when out of memory.  mlp_chain_free (NULL)
   does nothing.
   derivations/12-two-layer-network.md (allocation and initialisation) */
mlp_chain *mlp_chain_alloc (size_t m, size_t H, size_t n, bp_activation act);
void mlp_chain_free (mlp_chain *net);

/* A usual initialisation: W1 ~ N(0, s^2/m) with s^2 = 2 for ReLU (He) and
   1 otherwise (LeCun), W2 ~ N(0, 1/H), b1 = b2 = 0.  GSL_EFAULT for a
   NULL net or rng.
   derivations/12-two-layer-network.md (allocation and initialisation) */
int mlp_chain_randomize (mlp_chain *net, gsl_rng *rng);

/* The initialisation for training (bp_net_init of bp_net_mlp), from rng:
     W1 ~ N(0, 2/m)       for ReLU (He et al. 2015),
     W1 ~ N(0, 2/(m+H))   for sigmoid and tanh (Glorot & Bengio 2010),
     W2 ~ N(0, 2/(H+n))   (Glorot: the softmax layer is linear in W2),
     b1 = b2 = 0.  GSL_EFAULT for a NULL net or rng; defined in
   mlp_batch.c. */
int mlp_chain_init (mlp_chain *net, gsl_rng *rng);

/* The intermediate values of one example, allocated once and reused. */
typedef struct
{
  size_t m, H, n;
  gsl_vector *u;      /* m: reshape(x) */
  gsl_vector *z;      /* H: W1 u + b1 */
  gsl_vector *h;      /* H: f(z) */
  gsl_vector *v;      /* n: W2 h + b2 */
  gsl_vector *y;      /* n: Softmax(v) */
  gsl_vector *dL_dv;  /* n */
  gsl_vector *dL_dh;  /* H */
  gsl_vector *dL_dz;  /* H */
  gsl_vector *dL_du;  /* m */
} mlp_chain_workspace;

/* NULL (GSL_EINVAL) for a zero size, NULL (GSL_ENOMEM) when out of
   memory; mlp_chain_workspace_free (NULL) does nothing. */
mlp_chain_workspace *mlp_chain_workspace_alloc (size_t m, size_t H, size_t n);
void mlp_chain_workspace_free (mlp_chain_workspace *w);

/* The forward pass; u, z, h, v, y are left in w.  Returns
   L = log sum_k e^{v_k} - sum_i labels_i v_i (= -sum labels_i log y_i
   for labels summing to 1, computed without log 0); labels may be NULL
   (prediction only), and then 0 is returned.  x is any shape with m
   elements; labels have n.  NaN through GSL_ERROR_VAL: GSL_EFAULT for a
   NULL net, x or w, GSL_EBADLEN on a bad size, GSL_EDOM for NaN or
   infinity in a parameter, x or labels.
   derivations/12-two-layer-network.md, eq. (12.1) */
double mlp_chain_forward (const mlp_chain *net, const gsl_matrix *x,
                          const gsl_vector *labels, mlp_chain_workspace *w);

/* The forward pass, then the chain from the top:
     dL/dv = y - labels                     bp_softmax_cross_entropy_grad
     dL/dW2 = dL/dv h^T, dL/db2 = dL/dv     bp_linear_grad_weights, _bias
     dL/dh = W2^T dL/dv                     bp_linear_grad_input
     dL/dz = f'(z) (.) dL/dh                bp_activation_backward
     dL/dW1 = dL/dz u^T, dL/db1 = dL/dz     bp_linear_grad_weights, _bias
     dL/du = W1^T dL/dz                     bp_linear_grad_input
     dL/dx = reshape^-1(dL/du)              bp_reshape_inverse
   grad must have net's shape (its act is not used); dL_dx has x's shape,
   or is NULL to skip the last two steps; L may be NULL.  labels must sum
   to 1 (GSL_EDOM otherwise).  Errors as mlp_chain_forward's, and
   GSL_EFAULT for NULL labels or grad; each is reported once and nothing is
   written then.
   derivations/12-two-layer-network.md, eqs. (12.2), (12.3) */
int mlp_chain_backward (const mlp_chain *net, const gsl_matrix *x,
                        const gsl_vector *labels, mlp_chain_workspace *w,
                        mlp_chain *grad, gsl_matrix *dL_dx, double *L);

BP_END_DECLS
#endif /* BP_MLP_CHAIN_H */
