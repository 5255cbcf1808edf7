/* float.h -- (internal, not installed) the float instantiations of the
   templated formulas (templates_on.h): each the double one's source over
   gsl_vector_float / gsl_matrix_float and sgemv, the same sizes, errors
   and messages.  The float32 arithmetic builds on them; until it is made
   public they are the library's, tested against the double ones within a
   bound from float's epsilon (tests/check_templates.c). */
#ifndef BP_FORMULAS_FLOAT_H
#define BP_FORMULAS_FLOAT_H
#include <gsl/gsl_vector_float.h>
#include <gsl/gsl_matrix_float.h>
#include "backprop/bp_activation.h"
#include "backprop/bp_conv.h"
#include "lib/formulas/cnn_chain.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "backprop/bp_idx.h"

/* bp_dataset_batch's float form (lib/files/dataset_batch_source.c): U's
   rows x / 255 in float, T's one-hot rows; the same checks and errors. */
int dataset_float_batch (const bp_dataset *d, const size_t *index,
                            gsl_matrix_float *U, gsl_matrix_float *T);

int float_reshape (const gsl_matrix_float *x, gsl_vector_float *u);
int float_linear (const gsl_matrix_float *W, const gsl_vector_float *b,
                     const gsl_vector_float *u, gsl_vector_float *v);
int float_softmax (const gsl_vector_float *v, gsl_vector_float *y);
float float_cross_entropy (const gsl_vector_float *labels, const gsl_vector_float *y);
float float_softmax_cross_entropy (const gsl_vector_float *labels,
                                      const gsl_vector_float *v);
int float_activation_forward (bp_activation a, const gsl_vector_float *z,
                                 gsl_vector_float *h);
int float_conv (const bp_conv_shape *s, const gsl_matrix_float *K,
                   const gsl_vector_float *b, const gsl_matrix_float *X,
                   gsl_matrix_float *Y);
int float_maxpool (const gsl_matrix_float *X, size_t height, size_t width,
                      gsl_matrix_float *Y);
int float_avgpool (const gsl_matrix_float *X, size_t height, size_t width,
                      gsl_matrix_float *Y);
int float_activation_backward (bp_activation a, const gsl_vector_float *z,
                                  const gsl_vector_float *dL_dh, gsl_vector_float *dL_dz);

/* the batch formulas of bp_batch.h (batch_source.c) */
int float_batch_linear (const gsl_matrix_float *W, const gsl_vector_float *b,
                           const gsl_matrix_float *U, gsl_matrix_float *V);
int float_batch_softmax (const gsl_matrix_float *V, gsl_matrix_float *Y);
double float_batch_softmax_cross_entropy (const gsl_matrix_float *Labels,
                                             const gsl_matrix_float *V);
int float_batch_softmax_cross_entropy_grad (const gsl_matrix_float *Labels,
                                               const gsl_matrix_float *Y,
                                               gsl_matrix_float *dL_dV);
int float_batch_grad_weights (const gsl_matrix_float *dL_dV, const gsl_matrix_float *U,
                                 gsl_matrix_float *dL_dW);
int float_batch_grad_bias (const gsl_matrix_float *dL_dV, gsl_vector_float *dL_db);
int float_batch_grad_input (const gsl_matrix_float *W, const gsl_matrix_float *dL_dV,
                               gsl_matrix_float *dL_dU);
int float_batch_activation_forward (bp_activation act, const gsl_matrix_float *Z,
                                       gsl_matrix_float *A);
int float_batch_activation_backward (bp_activation act, const gsl_matrix_float *Z,
                                        const gsl_matrix_float *dL_dA,
                                        gsl_matrix_float *dL_dZ);

/* the two-layer network's batch workspace over float blocks (the
   network mlp_chain_float and the workspace: mlp_batch_trusted.h) */

mlp_batch_workspace_float *mlp_float_batch_workspace_alloc (size_t B, size_t m,
                                                            size_t H, size_t n);
void mlp_float_batch_workspace_free (mlp_batch_workspace_float *w);
/* mlp_batch_trusted.h's chain */
int mlp_float_batch_trusted (const mlp_chain_float *net, const gsl_matrix_float *U,
                             const gsl_matrix_float *T, mlp_batch_workspace_float *w,
                             mlp_chain_float *grad, double *L);

/* the convolution's batch forms (bp_conv.h, conv_batch_source.c) */
int float_conv_grad_bias (const gsl_matrix_float *dL_dY, gsl_vector_float *dL_db);
int float_batch_conv (const bp_conv_shape *s, const gsl_matrix_float *K,
                         const gsl_vector_float *b, const gsl_matrix_float *X,
                         gsl_matrix_float *cols, gsl_matrix_float *Y);
int float_batch_conv_grad_weights (const bp_conv_shape *s, const gsl_matrix_float *dL_dY,
                                      const gsl_matrix_float *cols,
                                      gsl_matrix_float *dL_dK);
int float_batch_conv_grad_input (const bp_conv_shape *s, const gsl_matrix_float *K,
                                    const gsl_matrix_float *dL_dY, gsl_matrix_float *work,
                                    gsl_matrix_float *dL_dX);

/* pooling's backward passes (bp_pool.h, pool_backward_source.c) */
int float_maxpool_backward (const gsl_matrix_float *X, size_t height, size_t width,
                               const gsl_matrix_float *dL_dY, gsl_matrix_float *dL_dX);
int float_avgpool_backward (const gsl_matrix_float *dL_dY, size_t height, size_t width,
                               gsl_matrix_float *dL_dX);

/* the batch flatten (bp_reshape.h, reshape_batch_source.c) */
int float_batch_flatten (const gsl_matrix_float *P, size_t hw, gsl_matrix_float *F);
int float_batch_flatten_inverse (const gsl_matrix_float *dL_dF, size_t hw,
                                    gsl_matrix_float *dL_dP);

/* layers_trusted.h's, for the float CNN chain */
void maxpool_float_trusted (const gsl_matrix_float *X, size_t height, size_t width,
                            gsl_matrix_float *Y, unsigned char *best);
void maxpool_float_backward_trusted (const gsl_matrix_float *X, size_t height,
                                     size_t width, const gsl_matrix_float *dL_dY,
                                     gsl_matrix_float *dL_dX);
void maxpool_float_relu_backward_trusted (const unsigned char *best,
                                          const gsl_matrix_float *Z, size_t height,
                                          size_t width, const gsl_matrix_float *dL_dY,
                                          gsl_matrix_float *dL_dZ);
void relu_float_batch_trusted (const gsl_matrix_float *Z, gsl_matrix_float *A);
void relu_float_batch_backward_trusted (const gsl_matrix_float *Z,
                                        const gsl_matrix_float *dL_dA,
                                        gsl_matrix_float *dL_dZ);
double batch_float_softmax_cross_entropy_trusted (const gsl_matrix_float *Labels,
                                                  const gsl_matrix_float *V,
                                                  gsl_matrix_float *Y,
                                                  gsl_matrix_float *dL_dV);

/* the convolutional network of cnn_chain.h over float blocks
   (cnn_chain_float, cnn_chain_workspace_float, defined there) */
cnn_chain_workspace_float *cnn_chain_float_workspace_alloc (size_t B, const cnn_chain_float *net);
void cnn_chain_float_workspace_free (cnn_chain_workspace_float *w);
/* cnn_trusted.h's chain */
int cnn_float_trusted (const cnn_chain_float *net, const gsl_matrix_float *U,
                       const gsl_matrix_float *T, cnn_chain_workspace_float *w,
                       cnn_chain_float *grad, gsl_matrix_float *dL_dU, double *L);

#endif /* BP_FORMULAS_FLOAT_H */
