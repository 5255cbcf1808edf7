/* noise.c -- the computational noise of f (Moré & Wild's ECnoise) and
   the grid of float arguments; derivations/00-numeric-check.md,
   eqs. (0.4)-(0.5) */
#include <config.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include "lib/check/core.h"

/* Moré & Wild, "Estimating computational noise", SIAM J. Sci. Comput.
   33 (2011): the k-th differences of f at CORE_NOISE_POINTS equally
   spaced points, sigma_k = sqrt(gamma_k mean (Delta^k f)^2) with
   gamma_k = (k!)^2 / (2k)!, eq. (0.4); the noise is sigma_k at the
   first k where sigma_k .. sigma_k+2 agree within a factor 4 and
   Delta^k f changes sign. */
int
core_ecnoise (const double *fv, size_t stride, double *sigma)
{
  enum { NF = CORE_NOISE_POINTS, LEVELS = 6 };
  double t[NF], est[LEVELS + 1] = { 0 };   /* est[0] is no level: never read */
  int sign_change[LEVELS + 1] = { 0 };
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (size_t i = 0; i < NF; i++)
    {
      t[i] = fv[i * stride];
      if (!isfinite (t[i]))
        return CORE_NOISE_FAILED;
      lo = fmin (lo, t[i]);
      hi = fmax (hi, t[i]);
    }
  *sigma = 0.0;
  if (hi - lo > 0.1 * fmax (fabs (lo), fabs (hi)))
    return CORE_NOISE_TOO_LARGE;
  double gamma = 1.0;
  for (size_t j = 1; j <= LEVELS; j++)
    {
      size_t zeros = 0;
      double emin = HUGE_VAL, emax = -HUGE_VAL, ss = 0.0;
      for (size_t i = 0; i + j < NF; i++)
        {
          t[i] = t[i + 1] - t[i];
          zeros += t[i] == 0.0;
          emin = fmin (emin, t[i]);
          emax = fmax (emax, t[i]);
          ss += t[i] * t[i];
        }
      if (j == 1 && 2 * zeros >= NF)
        return CORE_NOISE_TOO_SMALL;
      gamma *= 0.5 * (double) j / (double) (2 * j - 1);
      est[j] = sqrt (gamma * ss / (double) (NF - j));
      sign_change[j] = emin * emax < 0.0;
    }
  for (size_t k = 1; k + 2 <= LEVELS; k++)
    {
      const double mn = fmin (est[k], fmin (est[k + 1], est[k + 2]));
      const double mx = fmax (est[k], fmax (est[k + 1], est[k + 2]));
      if (mx <= 4.0 * mn && sign_change[k])
        {
          *sigma = est[k];
          return CORE_NOISE_FOUND;
        }
    }
  return CORE_NOISE_TOO_LARGE;
}

/* the spacing of floats at |x| (of the normal ones below 1) */
static double
float_ulp (double x)
{
  int e;
  frexp (fmax (fabs (x), FLT_MIN), &e);
  return ldexp (1.0, e - FLT_MANT_DIG);
}

double
core_grid_step (unsigned arg_type, double h, double x)
{
  if (arg_type != BP_GRADCHECK_ARG_FLOAT)
    return h;
  /* a power of two, so x +- h and x +- h/2 are floats (x being one) but
     where they cross into the next binade; at least 4 ulp so h/2 moves */
  int e;
  frexp (h, &e);
  return fmax (ldexp (1.0, e - 1), 4.0 * float_ulp (x));
}

double
core_grid_round (unsigned arg_type, double x)
{
  return arg_type == BP_GRADCHECK_ARG_FLOAT ? (double) (float) x : x;
}

double
core_grid_error (unsigned arg_type, double x, double h)
{
  double d = 0.0;
  if (arg_type != BP_GRADCHECK_ARG_FLOAT)
    return d;
  for (int k = 1; k <= 4; k++)
    for (int s = -1; s <= 1; s += 2)
      {
        const double t = x + s * 0.25 * k * h;
        d = fmax (d, fabs (core_grid_round (arg_type, t) - t));
      }
  return d;
}
