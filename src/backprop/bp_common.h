/* bp_common.h -- declarations shared by every backprop header. */
#ifndef BP_COMMON_H
#define BP_COMMON_H

#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>

#ifdef __cplusplus
# define BP_BEGIN_DECLS extern "C" {
# define BP_END_DECLS }
#else
# define BP_BEGIN_DECLS
# define BP_END_DECLS
#endif

/* Errors, the same for every function of the library (GSL's convention:
   each goes through GSL's error handler, gsl_set_error_handler; functions
   returning int return the code, functions returning double return NaN,
   allocators return NULL):
     GSL_EFAULT   a NULL pointer where a value is read or a result written
                  (a pointer documented "may be NULL" is optional), or a
                  gsl_vector or gsl_matrix that describes no memory: its
                  data NULL, or sizes whose bytes overflow size_t (an
                  optional one too, when given);
     GSL_EBADLEN  sizes that do not agree (each function states its sizes);
     GSL_EDOM     NaN or infinity in an input that must be finite (stated
                  by the function), or labels that must sum to 1 and do not.
     GSL_EINVAL   an output whose memory overlaps an input's or another
                  output's (the data of a vector or matrix, from its first
                  element to its last), in the functions that could not
                  give the right result then: the matrix products and
                  Jacobians (bp_linear, bp_linear_grad_input,
                  bp_linear_grad_weights, bp_softmax_jacobian,
                  bp_softmax_backward, bp_*_jacobian, bp_model_backward,
                  bp_batch_linear, bp_batch_grad_weights,
                  bp_batch_grad_bias, bp_batch_grad_input,
                  bp_net_backward, bp_dataset_batch,
                  bp_batch_flatten, bp_batch_flatten_inverse).  The others
                  give the result they give apart when an output is the
                  very input it replaces (bp_relu (z, z), bp_softmax (v, v),
                  ...); tests/check_api.c tries every output against every
                  other argument of every function of its table.
   Nothing is written to the outputs when an argument is refused. */

#endif /* BP_COMMON_H */
