/* check_directional.c -- the deprecated directional checks of
   bp_check_compat.h (formerly bp_check_directional.h): random directional
   derivatives against the analytic gradient or Jacobian, thin wrappers
   over the one checker core (gradcheck.c, run_directional) with the
   caller's generator and no localization; derivations/00-numeric-check.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "lib/compat/compat.h"

/* n_directions directions of rng: l's function at theta against grad or J */
static int
directional (const char *who, legacy *l, const gsl_vector *theta, const gsl_vector *grad,
             const gsl_matrix *J, size_t n_directions, gsl_rng *rng, double rtol,
             double atol, bp_check_result *r)
{
  if (!rng)
    {
      gsl_error ("the directional check: rng must not be NULL", __FILE__, __LINE__,
                 GSL_EFAULT);
      return GSL_EFAULT;
    }
  return legacy_check (who, l, BP_GRADCHECK_DIRECTIONAL, theta, BP_CHECK_STEP, grad, J,
                       rtol, atol, n_directions, rng, NULL, r);
}

int
bp_check_directional_gradient (bp_scalar_function f, void *params, const gsl_vector *theta,
                               const gsl_vector *grad, size_t n_directions, gsl_rng *rng,
                               double rtol, double atol, bp_check_result *r)
{
  legacy l = { .f = f, .params = params, .n_threads = 1 };
  return directional ("bp_check_directional_gradient", &l, theta, grad, NULL, n_directions,
                      rng, rtol, atol, r);
}

int
bp_check_directional_jacobian (bp_vector_function f, void *params, const gsl_vector *theta,
                               const gsl_matrix *J, size_t n_directions, gsl_rng *rng,
                               double rtol, double atol, bp_check_result *r)
{
  legacy l = { .fv = f, .params = params, .n_threads = 1 };
  return directional ("bp_check_directional_jacobian", &l, theta, NULL, J, n_directions,
                      rng, rtol, atol, r);
}
