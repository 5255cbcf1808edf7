/* bp_batch.h -- the formulas for a mini-batch of B examples at once, in
   matrix form so that the work is two dgemm calls (GSL's BLAS).

   Row k of a batch matrix is example k: U is B x m (the inputs u_k^T),
   V and Y are B x n (logits v_k^T, probabilities y_k^T), Labels is B x n
   (the labels of each example, each row summing to 1; the workspace's
   field T).  The batch loss is the
   MEAN over the batch,  L = (1/B) sum_k L_k,  so every gradient below is
   the gradient of that mean (not of the sum): it does not grow with B and
   a learning rate means the same thing at any batch size.

   Errors (bp_common.h): a NULL matrix or vector gives GSL_EFAULT (the
   views of bp_batch_workspace_view may be NULL), shapes that do not agree
   GSL_EBADLEN, and the non-finite inputs each function names GSL_EDOM;
   nothing is written then.
   Derivation: derivations/14-mini-batch.md */
#ifndef BP_BATCH_H
#define BP_BATCH_H
#include "bp_common.h"
#include "bp_activation.h"
BP_BEGIN_DECLS

/* V = U W^T + 1 b^T: row k is v_k = W u_k + b (bp_linear for each row).
   W is n x m, b n, U B x m, V B x n.
   derivations/14-mini-batch.md, eq. (14.2) */
int bp_batch_linear (const gsl_matrix *W, const gsl_vector *b,
                     const gsl_matrix *U, gsl_matrix *V);

/* Y = Softmax of each row of V (bp_softmax, shifted by the row's max).
   V and Y are B x n; Y may be V.  NaN or infinity in V: GSL_EDOM.
   derivations/14-mini-batch.md, eq. (14.3) */
int bp_batch_softmax (const gsl_matrix *V, gsl_matrix *Y);

/* L = (1/B) sum_k [ log sum_i exp(V_ki) - sum_i T_ki V_ki ], the mean of
   bp_softmax_cross_entropy over the rows: finite for any finite V.
   Returns NaN through GSL_ERROR_VAL on a size mismatch or an empty batch
   (GSL_EBADLEN), or NaN or infinity in Labels or V (GSL_EDOM).
   derivations/14-mini-batch.md, eq. (14.4) */
double bp_batch_softmax_cross_entropy (const gsl_matrix *Labels, const gsl_matrix *V);

/* dL/dV = (Y - Labels) / B, the fused gradient y - labels of each row
   (bp_softmax_cross_entropy_grad), divided by B for the mean.
   Never divides by y, so never inf or NaN.  Each row of Labels must sum to 1
   (GSL_EDOM otherwise, checked before anything is written).  Labels, Y and
   dL_dV are B x n.
   derivations/14-mini-batch.md, eq. (14.5) */
int bp_batch_softmax_cross_entropy_grad (const gsl_matrix *Labels, const gsl_matrix *Y,
                                         gsl_matrix *dL_dV);

/* dL/dW = dL/dV^T U = sum_k dL/dv_k u_k^T (bp_linear_grad_weights summed
   over the rows; the 1/B of the mean is already in dL/dV).
   dL_dV is B x n, U B x m, dL_dW n x m.
   derivations/14-mini-batch.md, eq. (14.6) */
int bp_batch_grad_weights (const gsl_matrix *dL_dV, const gsl_matrix *U,
                           gsl_matrix *dL_dW);

/* dL/db = dL/dV^T 1 = sum_k dL/dv_k (bp_linear_grad_bias summed over
   the rows).  dL_dV is B x n, dL_db n.
   derivations/14-mini-batch.md, eq. (14.7) */
int bp_batch_grad_bias (const gsl_matrix *dL_dV, gsl_vector *dL_db);

/* dL/dU = dL/dV W: row k is W^T dL/dv_k (bp_linear_grad_input for each
   row; no sum: each example has its own input).  dL_dV is B x n, W n x m,
   dL_dU B x m. */
int bp_batch_grad_input (const gsl_matrix *W, const gsl_matrix *dL_dV,
                         gsl_matrix *dL_dU);

/* A = f(Z) element by element: bp_activation_forward on the matrices'
   elements seen as one vector.  Z and A have equal shapes and must be
   contiguous (tda == size2; GSL_EBADLEN otherwise).  A may be Z. */
int bp_batch_activation_forward (bp_activation act, const gsl_matrix *Z,
                                 gsl_matrix *A);

/* dL/dZ = f'(Z) (.) dL/dA element by element: bp_activation_backward on
   the elements seen as one vector.  Equal shapes, contiguous. */
int bp_batch_activation_backward (bp_activation act, const gsl_matrix *Z,
                                  const gsl_matrix *dL_dA, gsl_matrix *dL_dZ);

/* The matrices of one batch, allocated once for batches of up to B
   examples; a smaller last batch uses the first rows (see
   bp_batch_workspace_view). */
typedef struct
{
  size_t B, n, m;
  gsl_matrix *U;      /* B x m: inputs */
  gsl_matrix *T;      /* B x n: labels, the matrix Labels */
  gsl_matrix *V;      /* B x n: logits */
  gsl_matrix *Y;      /* B x n: probabilities */
  gsl_matrix *dL_dV;  /* B x n */
  gsl_matrix *dL_dW;  /* n x m */
  gsl_vector *dL_db;  /* n */
} bp_batch_workspace;

/* NULL (GSL_EINVAL) for a zero size, NULL (GSL_ENOMEM) when out of
   memory.  bp_batch_workspace_free (NULL) does nothing. */
bp_batch_workspace *bp_batch_workspace_alloc (size_t B, size_t n, size_t m);
void bp_batch_workspace_free (bp_batch_workspace *w);

/* The first rows (1 <= rows <= w->B) of U, T, V, Y and dL_dV as views,
   written into the five matrix views given (any of them may be NULL).
   GSL_EFAULT for a NULL w, GSL_EBADLEN for rows out of 1 .. B. */
int bp_batch_workspace_view (bp_batch_workspace *w, size_t rows,
                             gsl_matrix_view *U, gsl_matrix_view *T,
                             gsl_matrix_view *V, gsl_matrix_view *Y,
                             gsl_matrix_view *dL_dV);

BP_END_DECLS
#endif /* BP_BATCH_H */
