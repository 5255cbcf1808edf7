/* check_directional.c -- bp_check_directional.h: random directional
   derivatives against the analytic gradient or Jacobian, thin wrappers
   over the one checker core (gradcheck.c, run_directional) with the
   caller's generator and no localization; derivations/00-numeric-check.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_check_directional.h"
#include "lib/check/core.h"

int
bp_check_directional_gradient (bp_scalar_function f, void *params, const gsl_vector *theta,
                               const gsl_vector *grad, size_t n_directions, gsl_rng *rng,
                               double rtol, double atol, bp_check_result *r)
{
  if (!rng)
    GSL_ERROR ("bp_check_directional_gradient: rng must not be NULL", GSL_EFAULT);
  legacy l = { .f = f, .params = params, .n_threads = 1 };
  return legacy_check ("bp_check_directional_gradient", &l, BP_GRADCHECK_DIRECTIONAL, theta,
                       BP_CHECK_STEP, grad, NULL, rtol, atol, n_directions, rng, NULL, r);
}

int
bp_check_directional_jacobian (bp_vector_function f, void *params, const gsl_vector *theta,
                               const gsl_matrix *J, size_t n_directions, gsl_rng *rng,
                               double rtol, double atol, bp_check_result *r)
{
  if (!rng)
    GSL_ERROR ("bp_check_directional_jacobian: rng must not be NULL", GSL_EFAULT);
  legacy l = { .fv = f, .params = params, .n_threads = 1 };
  return legacy_check ("bp_check_directional_jacobian", &l, BP_GRADCHECK_DIRECTIONAL, theta,
                       BP_CHECK_STEP, NULL, J, rtol, atol, n_directions, rng, NULL, r);
}
