/* core.h -- (internal) the one checker core behind bp_gradcheck.h: one
   argument check, one step rule, one comparison, one verdict.
   derivations/00-numeric-check.md */
#ifndef BP_CHECK_CORE_H
#define BP_CHECK_CORE_H
#include <gsl/gsl_rng.h>
#include "backprop/bp_gradcheck.h"
#include "lib/check/rules.h"

/* The noise of f, eq. (0.4): Moré & Wild's ECnoise on the values fv[0],
   fv[stride], ... at CORE_NOISE_POINTS equally spaced points; *sigma the
   standard deviation of f's noise when CORE_NOISE_FOUND, else 0 and why
   not (the spacing too small: half the first differences are 0; too
   large: the differences are f's own; failed: a value not finite). */
#define CORE_NOISE_POINTS 9
enum { CORE_NOISE_FOUND = 1, CORE_NOISE_TOO_SMALL, CORE_NOISE_TOO_LARGE,
       CORE_NOISE_FAILED };
int core_ecnoise (const double *fv, size_t stride, double *sigma);

/* The checker's messages in the user's language (print.c): the package's
   domain bound to LOCALEDIR or BACKPROP_LOCALEDIR, dgettext and
   dngettext; msgid itself without NLS. */
void core_bind_domain (void);
const char *core_tr (const char *msgid) __attribute__ ((format_arg (1)));
const char *core_trn (const char *msgid, const char *plural, unsigned long n)
  __attribute__ ((format_arg (1), format_arg (2)));

/* The step h (absolute) on the grid of the argument type at x, eq.
   (0.5): h itself for double; for float a power of two, at most h and
   at least 4 float ulp of x. */
double core_grid_step (unsigned arg_type, double h, double x);

/* x as f sees it: rounded to float for BP_GRADCHECK_ARG_FLOAT. */
double core_grid_round (unsigned arg_type, double x);

/* The largest move, eq. (0.6b), that rounding to the argument type gives
   the points x +- h k/4 (k = 1..4) of GSL's rules: 0 for double, and
   for float where a point crosses into a coarser binade or h is not a
   power of two (GSL's second try). */
double core_grid_error (unsigned arg_type, double x, double h);

/* The options' ranges (bp_gradcheck.h); GSL_EINVAL through GSL_ERROR
   naming who and the option. */
int core_options_valid (const char *who, const bp_gradcheck_options *o);

/* Every argument check: f and its callbacks, the blocks (NULL, NaN), the
   analytic arrays' shapes (analytic may be NULL when f->grad is given),
   the options. */
int core_check_args (const char *who, const bp_gradcheck_function *f,
                     size_t n_blocks, const bp_gradcheck_block blocks[],
                     const bp_gradcheck_block analytic[],
                     const bp_gradcheck_options *o);

/* 1 when array a has the shape of f's analytic side for block b. */
int core_shape_ok (const bp_gradcheck_function *f, const bp_gradcheck_block *b,
                   const bp_gradcheck_block *a);

/* bp_gradcheck, its arguments checked by core_check_args naming who.
   *out gets the result (also for FAIL); returns as bp_gradcheck. */
int core_run (const char *who, const bp_gradcheck_function *f,
              size_t n_blocks, const bp_gradcheck_block blocks[],
              const bp_gradcheck_block analytic[],
              const bp_gradcheck_options *o, bp_gradcheck_result **out);

#endif /* BP_CHECK_CORE_H */
