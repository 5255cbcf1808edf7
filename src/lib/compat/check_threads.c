/* check_threads.c -- the deprecated checks on threads of
   bp_check_compat.h (formerly bp_check_threads.h), thin wrappers over the
   one checker core (lib/check/gradcheck.c), where threads are an option
   of the same call; derivations/00-numeric-check.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "lib/compat/compat.h"

size_t
bp_check_threads (size_t n_params)
{
  return bp_gradcheck_threads (n_params);
}

/* params NULL is refused here; n_params = 0 by the options' check */
#define NEED_PARAMS(who)                                                   \
  if (!params)                                                             \
    GSL_ERROR (who ": params must not be NULL", GSL_EFAULT)

int
bp_deriv_gradient_threads (bp_partial_function f, void *const params[], size_t n_params,
                           const gsl_vector *theta, double h, gsl_vector *grad,
                           gsl_vector *abserr)
{
  NEED_PARAMS ("bp_deriv_gradient_threads");
  legacy l = { .pf = f, .params_array = params, .n_threads = n_params };
  return legacy_deriv ("bp_deriv_gradient_threads", &l, BP_GRADCHECK_CENTRAL, theta, h,
                       grad, NULL, abserr, NULL, NULL);
}

int
bp_deriv_jacobian_threads (bp_vector_partial_function f, void *const params[],
                           size_t n_params, const gsl_vector *theta, double h,
                           gsl_matrix *J, gsl_matrix *abserr)
{
  NEED_PARAMS ("bp_deriv_jacobian_threads");
  legacy l = { .pfv = f, .params_array = params, .n_threads = n_params };
  return legacy_deriv ("bp_deriv_jacobian_threads", &l, BP_GRADCHECK_CENTRAL, theta, h,
                       NULL, J, NULL, abserr, NULL);
}

int
bp_check_gradient_threads (bp_partial_function f, void *const params[], size_t n_params,
                           const gsl_vector *theta, const gsl_vector *grad, double rtol,
                           double atol, bp_check_result *r)
{
  NEED_PARAMS ("bp_check_gradient_threads");
  legacy l = { .pf = f, .params_array = params, .n_threads = n_params };
  return legacy_check ("bp_check_gradient_threads", &l, BP_GRADCHECK_CENTRAL, theta,
                       BP_CHECK_STEP, grad, NULL, rtol, atol, 1, NULL, NULL, r);
}

int
bp_check_jacobian_threads (bp_vector_partial_function f, void *const params[],
                           size_t n_params, const gsl_vector *theta, const gsl_matrix *J,
                           double rtol, double atol, bp_check_result *r)
{
  NEED_PARAMS ("bp_check_jacobian_threads");
  legacy l = { .pfv = f, .params_array = params, .n_threads = n_params };
  return legacy_check ("bp_check_jacobian_threads", &l, BP_GRADCHECK_CENTRAL, theta,
                       BP_CHECK_STEP, NULL, J, rtol, atol, 1, NULL, NULL, r);
}
