/* mlp_batch_trusted.h -- (internal) the two-layer network of
   mlp_chain.h on a mini-batch of B examples at once, the chain the row
   bp_net_mlp of bp_net.h runs (mlp_batch.c), rows = examples as in
   bp_batch.h:

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

   Every gradient is of the MEAN loss over the batch.
   Derivation: derivations/12-two-layer-network.md ("The batch form"). */
#ifndef BP_MLP_BATCH_TRUSTED_H
#define BP_MLP_BATCH_TRUSTED_H
#include "backprop/bp_batch.h"
#include "lib/formulas/mlp_chain.h"

/* The matrices of one batch of up to B examples, allocated once; a
   smaller batch uses their first rows.  Written once over the matrix
   type MAT: mlp_batch_workspace (double), mlp_batch_workspace_float. */
#define MLP_BATCH_WORKSPACE_STRUCT(MAT)                                        \
  struct                                                                       \
  {                                                                            \
    size_t B, m, H, n;                                                         \
    MAT *Z;      /* B x H: U W1^T + 1 b1^T */                                  \
    MAT *A;      /* B x H: f(Z) */                                             \
    MAT *V;      /* B x n: A W2^T + 1 b2^T */                                  \
    MAT *Y;      /* B x n: Softmax of each row of V */                         \
    MAT *dL_dV;  /* B x n */                                                   \
    MAT *dL_dA;  /* B x H */                                                   \
    MAT *dL_dZ;  /* B x H */                                                   \
  }
typedef MLP_BATCH_WORKSPACE_STRUCT (gsl_matrix) mlp_batch_workspace;
typedef MLP_BATCH_WORKSPACE_STRUCT (gsl_matrix_float) mlp_batch_workspace_float;

/* NULL (GSL_EINVAL) for a zero size, NULL (GSL_ENOMEM) when out of
   memory; mlp_batch_workspace_free (NULL) does nothing. */
mlp_batch_workspace *mlp_batch_workspace_alloc (size_t B, size_t m,
                                                size_t H, size_t n);
void mlp_batch_workspace_free (mlp_batch_workspace *w);

/* The forward pass of the rows of U (1 <= rows <= w->B, U rows x m);
   Z, A, V, Y are left in the first rows of w.  Returns the mean loss of
   bp_batch_softmax_cross_entropy for the labels T (rows x n), or 0 when T
   is NULL (prediction only); NaN through GSL_ERROR_VAL on an error. */
double mlp_batch_forward (const mlp_chain *net, const gsl_matrix *U,
                          const gsl_matrix *T, mlp_batch_workspace *w);

/* The forward pass, then the chain above: grad (a mlp_chain of net's shape)
   receives dL/dW1, dL/db1, dL/dW2, dL/db2 of the mean loss; dL_dU
   (rows x m) receives dL/dU, or is NULL to skip that step; L (may be
   NULL) the mean loss.  Each row of T must sum to 1 (GSL_EDOM). */
int mlp_batch_backward (const mlp_chain *net, const gsl_matrix *U,
                        const gsl_matrix *T, mlp_batch_workspace *w,
                        mlp_chain *grad, gsl_matrix *dL_dU, double *L);

/* The chain without the entry's checks, for the row (mlp_batch_source.c). */
int mlp_batch_trusted (const mlp_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                       mlp_batch_workspace *w, mlp_chain *grad, double *L);
#endif /* BP_MLP_BATCH_TRUSTED_H */
