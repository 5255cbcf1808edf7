/* bp_check_directional.h -- the directional ("fast") gradient check, in
   the manner of torch.autograd.gradcheck's fast mode: instead of every
   partial derivative, a few random directions.  For a unit direction d,
   the analytic gradient gives the directional derivative grad . d, and GSL
   gives the derivative of the one-variable function t -> f(theta + t d)
   by gsl_deriv_central; the two are compared as bp_check_compare_vector
   compares elements.  A wrong gradient g' = g + delta shows in direction d
   as delta . d, which for d uniform on the unit sphere is 0 with
   probability 0, and is below a tolerance tau with probability at most
   2 tau sqrt(n / (2 pi)) / |delta| per direction (n = theta's size), the
   directions being independent.  Derivation: derivations/00-numeric-check.md */
#ifndef BP_CHECK_DIRECTIONAL_H
#define BP_CHECK_DIRECTIONAL_H
#include <gsl/gsl_rng.h>
#include "bp_check.h"
BP_BEGIN_DECLS

/* The default number of directions.  For one element of a gradient g off
   by delta, a direction misses it with probability about
   (2/pi) (rtol / delta) |g|: 0.10 for delta = 1e-4 in dL/dW of the slides'
   model (|g| = 16, measured 0.102), so all 16 miss with about 1e-16
   (doc/performance.md). */
#define BP_CHECK_DIRECTIONS 16

/* For each of n_directions directions d_k drawn from rng, uniform on the
   unit sphere of theta's size (normal samples of gsl_ran_gaussian_ziggurat
   divided by their norm, the method of gsl_ran_dir_nd), compare grad . d_k
   with the derivative of t -> f(theta + t d_k) at 0 by gsl_deriv_central
   with step BP_CHECK_STEP max(1, max_i |theta_i|).  r counts directions:
   worst_index is the worst direction's k.  Returns GSL_SUCCESS when every
   direction agrees, GSL_FAILURE when any does not, or an error code:
   GSL_EFAULT for a NULL f, theta, grad or rng (params and r may be NULL),
   GSL_EBADLEN for sizes that do not agree, GSL_EINVAL for an empty theta,
   n_directions = 0 or a bad tolerance, GSL_EDOM for a NaN in theta, f's
   own error code when f fails (bp_common.h).  The directions of
   bp_gradcheck's BP_GRADCHECK_DIRECTIONAL, without its localization. */
int bp_check_directional_gradient (bp_scalar_function f, void *params,
                                   const gsl_vector *theta,
                                   const gsl_vector *grad,
                                   size_t n_directions, gsl_rng *rng,
                                   double rtol, double atol,
                                   bp_check_result *r);

/* The same for a Jacobian J (m x n) of f: R^n -> R^m, with a second unit
   direction w_k in R^m: w_k^T J d_k against the derivative of
   t -> w_k . f(theta + t d_k). */
int bp_check_directional_jacobian (bp_vector_function f, void *params,
                                   const gsl_vector *theta,
                                   const gsl_matrix *J,
                                   size_t n_directions, gsl_rng *rng,
                                   double rtol, double atol,
                                   bp_check_result *r);

BP_END_DECLS
#endif /* BP_CHECK_DIRECTIONAL_H */
