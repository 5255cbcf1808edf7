/* mlp_batch_trusted.h -- (internal) the two-layer network's batch
   workspace and chain (the row bp_net_mlp of bp_net.h runs them; see
   bp_mlp_batch.h for the formulas and mlp_batch.c). */
#ifndef BP_MLP_BATCH_TRUSTED_H
#define BP_MLP_BATCH_TRUSTED_H
#include "backprop/bp_mlp_batch.h"

/* The matrices of one batch of up to B examples, allocated once; a
   smaller batch uses their first rows. */
typedef struct
{
  size_t B, m, H, n;
  gsl_matrix *Z;      /* B x H: U W1^T + 1 b1^T */
  gsl_matrix *A;      /* B x H: f(Z) */
  gsl_matrix *V;      /* B x n: A W2^T + 1 b2^T */
  gsl_matrix *Y;      /* B x n: Softmax of each row of V */
  gsl_matrix *dL_dV;  /* B x n */
  gsl_matrix *dL_dA;  /* B x H */
  gsl_matrix *dL_dZ;  /* B x H */
} bp_mlp_batch_workspace;

/* NULL (GSL_EINVAL) for a zero size, NULL (GSL_ENOMEM) when out of
   memory; mlp_batch_workspace_free (NULL) does nothing. */
bp_mlp_batch_workspace *mlp_batch_workspace_alloc (size_t B, size_t m,
                                                      size_t H, size_t n);
void mlp_batch_workspace_free (bp_mlp_batch_workspace *w);

/* The forward pass of the rows of U (1 <= rows <= w->B, U rows x m);
   Z, A, V, Y are left in the first rows of w.  Returns the mean loss of
   bp_batch_softmax_cross_entropy for the labels T (rows x n), or 0 when T
   is NULL (prediction only); NaN through GSL_ERROR_VAL on an error. */
double mlp_batch_forward (const bp_mlp *net, const gsl_matrix *U,
                             const gsl_matrix *T, bp_mlp_batch_workspace *w);

/* The forward pass, then the chain above: grad (a bp_mlp of net's shape)
   receives dL/dW1, dL/db1, dL/dW2, dL/db2 of the mean loss; dL_dU
   (rows x m) receives dL/dU, or is NULL to skip that step; L (may be
   NULL) the mean loss.  Each row of T must sum to 1 (GSL_EDOM). */
int mlp_batch_backward (const bp_mlp *net, const gsl_matrix *U,
                           const gsl_matrix *T, bp_mlp_batch_workspace *w,
                           bp_mlp *grad, gsl_matrix *dL_dU, double *L);

/* The chain without the entry's checks, for the row (mlp_batch_source.c). */
int mlp_batch_trusted (const bp_mlp *net, const gsl_matrix *U, const gsl_matrix *T,
                       bp_mlp_batch_workspace *w, bp_mlp *grad, double *L);
#endif /* BP_MLP_BATCH_TRUSTED_H */
