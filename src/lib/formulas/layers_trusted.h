/* layers_trusted.h -- (internal) the layers' batch forms without their
   entry's checks, for the CNN's chain (cnn.c), which checks its arguments
   once at its own entry instead of every layer's matrices every batch
   (the NaN scan of bp_maxpool's X alone was 8% of an epoch).  Each is the
   public function's arithmetic, bit for bit; the caller guarantees the
   shapes the public function would check, contiguous rows for the ReLU
   forms.  A NaN or infinity inside the chain (finite but huge parameters)
   reaches the logits, where the chain looks: max-pooling passes a NaN on. */
#ifndef BP_LAYERS_TRUSTED_H
#define BP_LAYERS_TRUSTED_H
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

/* Every element of M ~ N(0, variance): the draw of He's and Glorot's
   initialisations (mlp_chain_init, cnn_chain_init), defined in mlp_batch.c */
void matrix_gaussian (gsl_matrix *M, double variance, gsl_rng *rng);

/* (16.1), bp_maxpool; a window with a NaN gives NaN; best not NULL: each
   window's maximum's 1 << t, t = 2a + e (C n Ho Wo bytes), for
   maxpool_relu_backward_trusted */
void maxpool_trusted (const gsl_matrix *X, size_t height, size_t width, gsl_matrix *Y,
                      unsigned char *best);

/* (16.2), bp_maxpool_backward */
void maxpool_backward_trusted (const gsl_matrix *X, size_t height, size_t width,
                               const gsl_matrix *dL_dY, gsl_matrix *dL_dX);

/* dL/dZ = relu'(Z) (.) (16.2)'s dL/dX, the maxima best of the forward
   pass of X = relu(Z): the two calls above and below in one pass */
void maxpool_relu_backward_trusted (const unsigned char *best, const gsl_matrix *Z,
                                    size_t height, size_t width, const gsl_matrix *dL_dY,
                                    gsl_matrix *dL_dZ);

/* A = relu(Z), bp_batch_activation_forward (BP_RELU, ...) */
void relu_batch_trusted (const gsl_matrix *Z, gsl_matrix *A);

/* dL/dZ = relu'(Z) (.) dL/dA, bp_batch_activation_backward (BP_RELU, ...);
   dL_dZ may be dL_dA */
void relu_batch_backward_trusted (const gsl_matrix *Z, const gsl_matrix *dL_dA,
                                  gsl_matrix *dL_dZ);

/* L = bp_batch_softmax_cross_entropy (Labels, V) returned, Y = Softmax(V)
   (bp_batch_softmax) and dL_dV = (Y - Labels)/B (bp_batch_softmax_cross_entropy_grad)
   in one pass over the rows (batch.c); V finite, the rows of Labels summing to 1 */
double batch_softmax_cross_entropy_trusted (const gsl_matrix *Labels, const gsl_matrix *V,
                                            gsl_matrix *Y, gsl_matrix *dL_dV);

#endif /* BP_LAYERS_TRUSTED_H */
