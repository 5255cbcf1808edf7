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
#include "backprop/bp_idx.h"

/* bp_dataset_batch's float form (lib/files/dataset_batch_source.c): U's
   rows x / 255 in float, T's one-hot rows; the same checks and errors. */
int bp_dataset_float_batch (const bp_dataset *d, const size_t *index,
                            gsl_matrix_float *U, gsl_matrix_float *T);

int bp_float_reshape (const gsl_matrix_float *x, gsl_vector_float *u);
int bp_float_linear (const gsl_matrix_float *W, const gsl_vector_float *b,
                     const gsl_vector_float *u, gsl_vector_float *v);
int bp_float_softmax (const gsl_vector_float *v, gsl_vector_float *y);
float bp_float_cross_entropy (const gsl_vector_float *labels, const gsl_vector_float *y);
float bp_float_softmax_cross_entropy (const gsl_vector_float *labels,
                                      const gsl_vector_float *v);
int bp_float_activation_forward (bp_activation a, const gsl_vector_float *z,
                                 gsl_vector_float *h);
int bp_float_conv (const bp_conv_shape *s, const gsl_matrix_float *K,
                   const gsl_vector_float *b, const gsl_matrix_float *X,
                   gsl_matrix_float *Y);
int bp_float_maxpool (const gsl_matrix_float *X, size_t height, size_t width,
                      gsl_matrix_float *Y);
int bp_float_avgpool (const gsl_matrix_float *X, size_t height, size_t width,
                      gsl_matrix_float *Y);

#endif /* BP_FORMULAS_FLOAT_H */
