/* rules.h -- (internal) the checker's rules, below the core and the
   hints, which both use them: the step and the comparison.
   derivations/00-numeric-check.md, eqs. (0.2), (0.3) */
#ifndef BP_CHECK_RULES_H
#define BP_CHECK_RULES_H
#include "backprop/bp_gradcheck.h"

/* The step for an element (a line) at x: h max(1, |x|), eq. (0.2). */
double core_step (double h, double x);

/* The comparison, eq. (0.3): tol = max(atol, rtol max(|a|, |e|)); PASS
   when |a - e| <= tol, INCONCLUSIVE when <= tol + 2 err, FAIL beyond (and
   for a NaN); ratio = |a - e| / (tol + 2 err).  Fills el's analytic,
   numeric, abserr, tol, ratio, status. */
void core_compare (double a, double e, double err, double rtol, double atol,
                   bp_gradcheck_element *el);

/* The comparison with the resolution res of the numeric value, eq.
   (0.6): tol = max(atol, rtol max(|a|, |e|), res); else as core_compare.
   A non-finite analytic value FAILs (ratio infinite). */
void core_compare_res (double a, double e, double err, double res, double rtol,
                       double atol, bp_gradcheck_element *el);

/* The same comparison with the scale s of a dot product's terms (a
   direction's, eq. (0.11a)): tol = max(atol, rtol max(|a|, |e|, s));
   core_compare is s = 0. */
void core_compare_scaled (double a, double e, double err, double s, double rtol,
                          double atol, bp_gradcheck_element *el);

/* 1 when the compared el's tolerance is the resolution, beyond
   max(atol, rtol max(|a|, |e|)): judged at what the arithmetic resolves,
   eq. (0.6). */
int core_at_resolution (const bp_gradcheck_element *el, double rtol, double atol);

/* The error figures of the compared el into the maxima *abs (|a - e|),
   *rel (|a - e| / max(|a|, |e|), where that scale exceeds atol) and *est
   (the estimate): every result's max_abs_err, max_rel_err, max_est_err. */
void core_fold_errors (const bp_gradcheck_element *el, double atol, double *abs,
                       double *rel, double *est);

#endif /* BP_CHECK_RULES_H */
