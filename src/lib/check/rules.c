/* rules.c -- the checker's rules (rules.h): the step, the comparison and
   the error figures, shared by the core (gradcheck.c) and the hints
   (hints.c); derivations/00-numeric-check.md, eqs. (0.2), (0.3), (0.6) */
#include <config.h>
#include <math.h>
#include <gsl/gsl_nan.h>
#include "lib/check/rules.h"

double
core_step (double h, double x)
{
  return h * fmax (1.0, fabs (x));
}

void
core_compare (double a, double e, double err, double rtol, double atol,
              bp_gradcheck_element *el)
{
  core_compare_scaled (a, e, err, 0.0, rtol, atol, el);
}

void
core_compare_scaled (double a, double e, double err, double s, double rtol,
                     double atol, bp_gradcheck_element *el)
{
  core_compare_res (a, e, err, rtol * s, rtol, atol, el);
}

void
core_compare_res (double a, double e, double err, double res, double rtol,
                  double atol, bp_gradcheck_element *el)
{
  const double diff = fabs (a - e);
  /* a non-finite analytic value would pass by tol = rtol inf: it FAILs */
  const double tol = isfinite (a) ? fmax (fmax (atol, rtol * fmax (fabs (a), fabs (e))), res)
                                  : GSL_NAN;
  const double allowed = tol + 2.0 * err;
  el->analytic = a;
  el->numeric = e;
  el->abserr = err;
  el->tol = tol;
  el->tie = 0.0;
  if (diff <= tol)
    el->status = BP_GRADCHECK_ELEMENT_PASS;
  else if (diff <= allowed)
    el->status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
  else
    el->status = BP_GRADCHECK_ELEMENT_FAIL;     /* and NaN */
  if (!(diff == diff) || !(allowed == allowed))
    el->ratio = HUGE_VAL;
  else if (allowed > 0.0)
    el->ratio = diff / allowed;
  else
    el->ratio = diff > 0.0 ? HUGE_VAL : 0.0;
}

int
core_at_resolution (const bp_gradcheck_element *el, double rtol, double atol)
{
  return el->tol > fmax (atol, rtol * fmax (fabs (el->analytic), fabs (el->numeric)));
}

void
core_fold_errors (const bp_gradcheck_element *el, double atol, double *abs,
                  double *rel, double *est)
{
  const double diff = fabs (el->analytic - el->numeric);
  const double scale = fmax (fabs (el->analytic), fabs (el->numeric));
  if (!(diff <= *abs))
    *abs = diff;
  if (scale > atol && !(diff / scale <= *rel))
    *rel = diff / scale;
  if (el->abserr > *est)
    *est = el->abserr;
}
