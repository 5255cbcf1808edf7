/* compat.h -- (internal) the deprecated entry points of bp_check_compat.h
   as calls of the one checker core (lib/check/core.h): their function
   types as the core's callbacks, their options, and the older result.
   derivations/00-numeric-check.md */
#ifndef BP_COMPAT_H
#define BP_COMPAT_H
#include "backprop/bp_check_compat.h"
#include "lib/check/core.h"

/* The older bp_check_result of run j of res, its first block (index = flat row-major
   index in the block's analytic array, row and column there); directional
   runs that were not localized count directions.  Returns the older
   status: GSL_SUCCESS when every element passed, else GSL_FAILURE. */
int legacy_result (const bp_gradcheck_result *res, size_t run,
                        bp_check_result *r);

/* Fold one compared element into an older result (the worst by ratio). */
void legacy_fold (bp_check_result *r, double *worst_ratio,
                       const bp_gradcheck_element *el, size_t index,
                       size_t row, size_t col, double atol);


/* --- the older function types as bp_gradcheck_function ---------------- */

/* One of the older function types, for one block theta: f or fv (called
   with params), or pf or pfv (called with params_array[thread] and the
   moved coordinate, 0 at the point itself); a vector function's first
   error per thread is kept in status[thread] (n_threads of them). */
typedef struct
{
  bp_scalar_function f;
  bp_vector_function fv;
  bp_partial_function pf;
  bp_vector_partial_function pfv;
  void *params;
  void *const *params_array;
  size_t n_threads;
  int *status;
} legacy;

/* F for l (m outputs, 0 for a scalar function) and the options of the
   older calls (method, step h, rtol, atol, threads) over the defaults;
   GSL_ENOMEM when status cannot be allocated (free with legacy_free). */
int legacy_init (legacy *l, size_t m, bp_gradcheck_function *F,
                 bp_gradcheck_options *o, unsigned method, double h,
                 double rtol, double atol);
void legacy_free (legacy *l);

/* The first error a vector function reported, or GSL_SUCCESS. */
int legacy_status (const legacy *l);

/* The numeric gradient of l's function at theta into grad (a vector of
   theta's size), or its Jacobian into J (m x n), and their estimates
   abserr_v / abserr_m (may be NULL), by method with step h: every
   bp_deriv_* and bp_cstep_gradient / _jacobian.  cform (may be NULL)
   replaces the callbacks (the complex step's).  who names the caller. */
int legacy_deriv (const char *who, legacy *l, unsigned method,
                  const gsl_vector *theta, double h, const gsl_vector *grad,
                  const gsl_matrix *J, gsl_vector *abserr_v,
                  gsl_matrix *abserr_m, bp_gradcheck_function *cform);

/* The one-call check of every older entry point: l's function at theta
   against grad (or J) by method with step h (or the caller's rng and
   n_directions for the directional one), into r (may be NULL). */
int legacy_check (const char *who, legacy *l, unsigned method,
                  const gsl_vector *theta, double h, const gsl_vector *grad,
                  const gsl_matrix *J, double rtol, double atol,
                  size_t n_directions, gsl_rng *rng,
                  bp_gradcheck_function *cform, bp_check_result *r);

#endif /* BP_COMPAT_H */
