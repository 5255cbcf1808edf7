/* bp_complex_step.h -- a second numerical oracle: the complex-step
   derivative (Lyness & Moler 1967; Martins, Sturdza & Alonso, ACM TOMS
   29(3), 2003).  For f real on the reals and analytic near theta,
       f(theta + i h e_j) = f(theta) + i h df/dtheta_j + O(h^2),
   so df/dtheta_j = Im f(theta + i h e_j) / h with an error O(h^2) and no
   subtraction: with h = 1e-20 it is exact to rounding (~1e-16 relative),
   where central differences stop near 1e-8 to 1e-10.
   The price: f must be evaluated in complex arithmetic: each forward
   formula is written once and instantiated for double complex (below,
   bp_conv.h, bp_pool.h), and each network's complex forward pass
   (bp_net_cforward, bp_net.h) is composed of them.
   Derivation: derivations/13-complex-step.md

   Errors (bp_common.h): GSL_EFAULT for a NULL vector or matrix, GSL_EBADLEN for sizes that do not
   agree; the functions returning double complex return NaN then
   (GSL_ERROR_VAL).  Nothing is written when an argument is refused.

   Not included by backprop.h: this header brings <complex.h> (and its
   macro I) into the including file. */
#ifndef BP_COMPLEX_STEP_H
#define BP_COMPLEX_STEP_H
#include <complex.h>
#include <gsl/gsl_vector_complex_double.h>
#include <gsl/gsl_matrix_complex_double.h>
#include "bp_common.h"
#include "bp_activation.h"
BP_BEGIN_DECLS

/* The step: far below any rounding of the real part, far above underflow. */
#define BP_CSTEP_STEP 1e-20

/* The agreement the complex step is held to: rtol relative, and an
   absolute floor atol for partials that cancel to nearly 0 (see
   derivations/13-complex-step.md). */
#define BP_CSTEP_RTOL 1e-13
#define BP_CSTEP_ATOL 1e-15

/* --- the forward pass in complex arithmetic, formula by formula ------- */

/* Each is the double formula's own source instantiated for double
   complex (src/lib/formulas/templates_on.h), so the complex step
   differentiates the code that runs: on real arguments each gives the
   double function's values bit for bit.  The same sizes, errors and
   messages as the double function, named bp_complex_NAME. */

/* u = reshape(x), row-major (bp_reshape).
   derivations/01-forward-pass.md, eq. (1.1) */
int bp_complex_reshape (const gsl_matrix_complex *x, gsl_vector_complex *u);

/* v = W u + b (bp_linear); the products by four dgemv over the real and
   imaginary parts.  derivations/01-forward-pass.md, eq. (1.2) */
int bp_complex_linear (const gsl_matrix_complex *W, const gsl_vector_complex *b,
                       const gsl_vector_complex *u, gsl_vector_complex *v);

/* y_i = e^{v_i - c} / sum_k e^{v_k - c} (bp_softmax), with the shift
   c = v_k*, k* = argmax_k Re v_k: chosen by the real parts (the max of
   the real parts, so nothing overflows) and subtracted whole, imaginary
   part included, so that the imaginary parts are differenced before
   exponentiation and do not cancel afterwards.  The shift is an identity
   of analytic functions, so it changes no derivative.
   derivations/01-forward-pass.md, eq. (1.3); derivations/13-complex-step.md */
int bp_complex_softmax (const gsl_vector_complex *v, gsl_vector_complex *y);

/* L = -sum_i labels_i log y_i, 0 log 0 = 0 (bp_cross_entropy); NaN
   through GSL_ERROR_VAL on unequal sizes.
   derivations/01-forward-pass.md, eq. (1.4) */
double complex bp_complex_cross_entropy (const gsl_vector *labels,
                                         const gsl_vector_complex *y);

/* L = c + log sum_k e^{v_k - c} - sum_i labels_i v_i with sum labels = 1,
   c = v_k* as above (bp_softmax_cross_entropy).
   derivations/10-simplification-y-minus-labels.md, eq. (10.2) */
double complex bp_complex_softmax_cross_entropy (const gsl_vector *labels,
                                                 const gsl_vector_complex *v);

/* The activations (bp_activation_forward) on complex z.
   sigmoid and tanh are analytic: 1/(1 + e^-z) (as e^z/(1 + e^z) where
   Re z < 0, so that nothing overflows) and tanh.  ReLU is not analytic
   at 0 (it has no derivative there); it is extended piecewise by the real
   part, as Martins et al. extend abs(): z where Re z > 0, else 0, which
   is analytic wherever Re z != 0, so the complex step is valid away from
   the kink, as central differences are, and gives 0 at Re z = 0, the
   subgradient convention of bp_relu_backward.
   derivations/11-activations.md, eqs. (11.3), (11.4), (11.6);
   derivations/13-complex-step.md */
int bp_complex_activation_forward (bp_activation a, const gsl_vector_complex *z,
                                   gsl_vector_complex *h);

/* The complex forward pass of a whole network is a field of its type:
   bp_net_cforward (bp_net.h), composed of the instantiations above. */

/* Deprecated names of 0.1.0, for one release: the instantiations above */
#define bp_cstep_reshape bp_complex_reshape
#define bp_cstep_linear bp_complex_linear
#define bp_cstep_softmax bp_complex_softmax
#define bp_cstep_cross_entropy bp_complex_cross_entropy
#define bp_cstep_softmax_cross_entropy bp_complex_softmax_cross_entropy
#define bp_cstep_activation bp_complex_activation_forward
#define bp_cstep_relu(z, h) bp_complex_activation_forward (BP_RELU, (z), (h))
#define bp_cstep_sigmoid(z, h) bp_complex_activation_forward (BP_SIGMOID, (z), (h))
#define bp_cstep_tanh(z, h) bp_complex_activation_forward (BP_TANH, (z), (h))
#define bp_cstep_conv bp_complex_conv
#define bp_cstep_maxpool bp_complex_maxpool
#define bp_cstep_avgpool bp_complex_avgpool

BP_END_DECLS
#endif /* BP_COMPLEX_STEP_H */
