/* bp_mlp_batch.h -- the two-layer network of bp_mlp.h on a mini-batch of
   B examples at once, rows = examples as in bp_batch.h:

     U  B x m   inputs (row k is u_k^T)
     Z  = U W1^T + 1 b1^T        B x H   bp_batch_linear
     A  = f(Z), element-wise     B x H   bp_batch_activation_forward
     V  = A W2^T + 1 b2^T        B x n   bp_batch_linear
     Y  = Softmax of each row    B x n   bp_batch_softmax
     L  = mean over the rows of the cross-entropy    bp_batch_softmax_cross_entropy

   and the chain backwards, each step a single-concept batch function:

     dL/dV  = (Y - T) / B                     bp_batch_softmax_cross_entropy_grad
     dL/dW2 = dL/dV^T A,  dL/db2 = dL/dV^T 1  bp_batch_grad_weights, _bias
     dL/dA  = dL/dV W2                        bp_batch_grad_input
     dL/dZ  = f'(Z) (.) dL/dA                 bp_batch_activation_backward
     dL/dW1 = dL/dZ^T U,  dL/db1 = dL/dZ^T 1  bp_batch_grad_weights, _bias
     dL/dU  = dL/dZ W1                        bp_batch_grad_input

   Every gradient is of the MEAN loss over the batch.  The chain runs as
   the row bp_net_mlp of bp_net.h (bp_net_forward, bp_net_backward).

   Errors (bp_common.h): GSL_EFAULT for a NULL argument (those documented
   "may be NULL" aside), GSL_EBADLEN for shapes that do not agree,
   GSL_EDOM for NaN or infinity in a parameter, U or T; each reported
   once, with nothing written.
   Derivation: derivations/12-two-layer-network.md ("The batch form"). */
#ifndef BP_MLP_BATCH_H
#define BP_MLP_BATCH_H
#include <gsl/gsl_rng.h>
#include "bp_common.h"
#include "bp_activation.h"
#include "bp_mlp.h"
BP_BEGIN_DECLS

/* A = f(Z) element by element: bp_activation_forward on the matrices'
   elements seen as one vector.  Z and A have equal shapes and must be
   contiguous (tda == size2; GSL_EBADLEN otherwise).  A may be Z. */
int bp_batch_activation_forward (bp_activation act, const gsl_matrix *Z,
                                 gsl_matrix *A);

/* dL/dZ = f'(Z) (.) dL/dA element by element: bp_activation_backward on
   the elements seen as one vector.  Equal shapes, contiguous. */
int bp_batch_activation_backward (bp_activation act, const gsl_matrix *Z,
                                  const gsl_matrix *dL_dA, gsl_matrix *dL_dZ);

/* The usual initialisation for training, from rng:
     W1 ~ N(0, 2/m)       for ReLU (He et al. 2015),
     W1 ~ N(0, 2/(m+H))   for sigmoid and tanh (Glorot & Bengio 2010),
     W2 ~ N(0, 2/(H+n))   (Glorot: the softmax layer is linear in W2),
     b1 = b2 = 0.  GSL_EFAULT for a NULL net or rng. */
int bp_mlp_init (bp_mlp *net, gsl_rng *rng);

BP_END_DECLS
#endif /* BP_MLP_BATCH_H */
