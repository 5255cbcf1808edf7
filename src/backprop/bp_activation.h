/* bp_activation.h -- element-wise activations h = f(z) of a hidden layer:
   ReLU, sigmoid, tanh; each with its diagonal Jacobian and its backward
   step.  Derivation: derivations/11-activations.md

   For every activation f (relu, sigmoid, tanh):
     bp_f (z, h)                  h_i = f(z_i)
     bp_f_jacobian (z, J)         J = dh/dz, the n x n matrix diag(f'(z_i))
                                  (a full matrix, zero off the diagonal, so
                                  that it can be compared entry by entry
                                  with a numeric Jacobian)
     bp_f_backward (z, dL_dh, dL_dz)
                                  dL/dz = J^T dL/dh = f'(z) (.) dL/dh,
                                  element by element, never forming J.
   All vectors have the same size n; a mismatch gives GSL_EBADLEN, a NULL
   argument GSL_EFAULT (bp_common.h).  NaN is not refused: it propagates. */
#ifndef BP_ACTIVATION_H
#define BP_ACTIVATION_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* ReLU: f(z) = max(0, z); f'(z) = 1 for z > 0, 0 for z < 0.  At z = 0
   ReLU has no derivative; its subgradients are [0, 1] and backprop uses
   0 (the convention of most frameworks), so a unit at exactly 0 passes no
   gradient.  A NaN z gives a NaN h.
   derivations/11-activations.md, eqs. (11.3), (11.1), (11.2) */
int bp_relu (const gsl_vector *z, gsl_vector *h);
int bp_relu_jacobian (const gsl_vector *z, gsl_matrix *J);
int bp_relu_backward (const gsl_vector *z, const gsl_vector *dL_dh,
                      gsl_vector *dL_dz);

/* Sigmoid: f(z) = 1 / (1 + e^-z); f'(z) = f(z) (1 - f(z)).  Computed
   stably for large |z|: with t = e^-|z| (never overflows),
   f(z) = 1/(1+t) for z >= 0 and t/(1+t) for z < 0, and
   f'(z) = t / (1+t)^2, which keeps its relative accuracy where
   1 - f(z) would cancel to 0.
   derivations/11-activations.md, eqs. (11.4), (11.5), (11.1), (11.2) */
int bp_sigmoid (const gsl_vector *z, gsl_vector *h);
int bp_sigmoid_jacobian (const gsl_vector *z, gsl_matrix *J);
int bp_sigmoid_backward (const gsl_vector *z, const gsl_vector *dL_dh,
                         gsl_vector *dL_dz);

/* tanh: f(z) = tanh z; f'(z) = 1 - tanh^2 z = sech^2 z, computed as
   4t / (1+t)^2 with t = e^-2|z|, accurate where 1 - tanh^2 z would
   cancel to 0 (|z| > 19).
   derivations/11-activations.md, eqs. (11.6), (11.1), (11.2) */
int bp_tanh (const gsl_vector *z, gsl_vector *h);
int bp_tanh_jacobian (const gsl_vector *z, gsl_matrix *J);
int bp_tanh_backward (const gsl_vector *z, const gsl_vector *dL_dh,
                      gsl_vector *dL_dz);

/* The activation of a hidden layer, chosen at run time. */
typedef enum
{
  BP_RELU,
  BP_SIGMOID,
  BP_TANH
} bp_activation;

/* "relu", "sigmoid", "tanh"; NULL for an unknown value.
   Not a formula: derivations/README.md, reference list. */
const char *bp_activation_name (bp_activation a);

/* The activation named name ("relu", "sigmoid" or "tanh") in *a;
   GSL_SUCCESS, or GSL_EINVAL for any other name (returned without calling
   the GSL error handler: the caller names the bad value in its own
   message); GSL_EFAULT (through the handler) when name or a is NULL. */
int bp_activation_from_name (const char *name, bp_activation *a);

/* Dispatch to bp_relu, bp_sigmoid, bp_tanh (and their _jacobian and
   _backward), which report NULL and size errors; GSL_EINVAL for an
   unknown activation.
   derivations/11-activations.md, eqs. (11.1), (11.2) */
int bp_activation_forward (bp_activation a, const gsl_vector *z, gsl_vector *h);
int bp_activation_jacobian (bp_activation a, const gsl_vector *z, gsl_matrix *J);
int bp_activation_backward (bp_activation a, const gsl_vector *z,
                            const gsl_vector *dL_dh, gsl_vector *dL_dz);

BP_END_DECLS
#endif /* BP_ACTIVATION_H */
