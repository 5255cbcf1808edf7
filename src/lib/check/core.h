/* core.h -- (internal) the one checker core behind bp_gradcheck.h and the
   older entry points (bp_check.h, bp_check_threads.h,
   bp_check_directional.h, bp_complex_step.h): one argument check, one step
   rule, one comparison, one verdict.  derivations/00-numeric-check.md */
#ifndef BP_CHECK_CORE_H
#define BP_CHECK_CORE_H
#include <gsl/gsl_rng.h>
#include "backprop/bp_check.h"
#include "backprop/bp_check_threads.h"
#include "backprop/bp_gradcheck.h"

/* What the older entry points ask beyond bp_gradcheck's options. */
typedef struct
{
  gsl_rng *rng;       /* directions from the caller's generator (NULL:
                         a gsl_rng_mt19937 seeded with opts.seed) */
  int no_localize;    /* directional: do not fall back to the elements */
  int numeric_only;   /* no analytic side (the bp_deriv_* family): the
                         numeric values only, no kinks, no hints */
} core_extra;

/* The step for an element (a line) at x: h max(1, |x|), eq. (0.2). */
double core_step (double h, double x);

/* The noise of f, eq. (0.10): Moré & Wild's ECnoise on the values fv[0],
   fv[stride], ... at CORE_NOISE_POINTS equally spaced points; *sigma the
   standard deviation of f's noise when CORE_NOISE_FOUND, else 0 and why
   not (the spacing too small: half the first differences are 0; too
   large: the differences are f's own; failed: a value not finite). */
#define CORE_NOISE_POINTS 9
enum { CORE_NOISE_FOUND = 1, CORE_NOISE_TOO_SMALL, CORE_NOISE_TOO_LARGE,
       CORE_NOISE_FAILED };
int core_ecnoise (const double *fv, size_t stride, double *sigma);

/* The step h (absolute) on the grid of the argument type at x, eq.
   (0.11): h itself for double; for float a power of two, at most h and
   at least 4 float ulp of x. */
double core_grid_step (unsigned arg_type, double h, double x);

/* x as f sees it: rounded to float for BP_GRADCHECK_ARG_FLOAT. */
double core_grid_round (unsigned arg_type, double x);

/* The comparison, eq. (0.3): tol = max(atol, rtol max(|a|, |e|)); PASS
   when |a - e| <= tol, INCONCLUSIVE when <= tol + 2 err, FAIL beyond (and
   for a NaN); ratio = |a - e| / (tol + 2 err).  Fills el's analytic,
   numeric, abserr, tol, ratio, status. */
void core_compare (double a, double e, double err, double rtol, double atol,
                   bp_gradcheck_element *el);

/* The comparison with the resolution res of the numeric value, eq.
   (0.12): tol = max(atol, rtol max(|a|, |e|), res); else as core_compare.
   A non-finite analytic value FAILs (ratio infinite). */
void core_compare_res (double a, double e, double err, double res, double rtol,
                       double atol, bp_gradcheck_element *el);

/* The same comparison with the scale s of a dot product's terms (a
   direction's, eq. (0.6a)): tol = max(atol, rtol max(|a|, |e|, s));
   core_compare is s = 0. */
void core_compare_scaled (double a, double e, double err, double s, double rtol,
                          double atol, bp_gradcheck_element *el);

/* The error figures of the compared el into the maxima *abs (|a - e|),
   *rel (|a - e| / max(|a|, |e|), where that scale exceeds atol) and *est
   (the estimate): every result's max_abs_err, max_rel_err, max_est_err. */
void core_fold_errors (const bp_gradcheck_element *el, double atol, double *abs,
                       double *rel, double *est);

/* The options' ranges (bp_gradcheck.h); GSL_EINVAL through GSL_ERROR
   naming who and the option. */
int core_options_valid (const char *who, const bp_gradcheck_options *o);

/* Every argument check of every entry point: f and its callbacks, the
   blocks (NULL, NaN), the analytic arrays' shapes (analytic may be NULL
   when f->grad is given or x->numeric_only), the options. */
int core_check_args (const char *who, const bp_gradcheck_function *f,
                     size_t n_blocks, const bp_gradcheck_block blocks[],
                     const bp_gradcheck_block analytic[],
                     const bp_gradcheck_options *o, const core_extra *x);

/* 1 when array a has the shape of f's analytic side for block b. */
int core_shape_ok (const bp_gradcheck_function *f, const bp_gradcheck_block *b,
                   const bp_gradcheck_block *a);

/* bp_gradcheck with the extras, its arguments checked by core_check_args
   naming who.  *out gets the result (also for FAIL); returns as
   bp_gradcheck. */
int core_run (const char *who, const bp_gradcheck_function *f,
              size_t n_blocks, const bp_gradcheck_block blocks[],
              const bp_gradcheck_block analytic[],
              const bp_gradcheck_options *o, const core_extra *x,
              bp_gradcheck_result **out);

/* The older bp_check_result of run j of res, its first block (index = flat row-major
   index in the block's analytic array, row and column there); directional
   runs that were not localized count directions.  Returns the older
   status: GSL_SUCCESS when every element passed, else GSL_FAILURE. */
int core_legacy_result (const bp_gradcheck_result *res, size_t run,
                        bp_check_result *r);

/* Fold one compared element into an older result (the worst by ratio). */
void core_legacy_fold (bp_check_result *r, double *worst_ratio,
                       const bp_gradcheck_element *el, size_t index,
                       size_t row, size_t col, double atol);


/* --- the older entry points' functions as bp_gradcheck_function ------- */

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

#endif /* BP_CHECK_CORE_H */
