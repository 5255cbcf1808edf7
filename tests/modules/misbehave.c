/* misbehave.c -- a test module of `backprop check' (tests/check.sh): user
   code that misbehaves, each function when one element of theta moves
   above 0.5 (the test's point holds 0.5 there), so the report names that
   element.  L(theta) = sum theta_k^2, its gradient 2 theta_k; the loss
   crashes (SIGSEGV) at element 3, aborts at 1, exits (_exit (0)) at 0,
   sleeps for ever at 2; a gradient with +inf or -inf at element 4, and an
   empty-handed one; sum log theta_k, NaN (not refused) where an element
   is negative.  The C ABI of doc/backprop.1. */
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

int sq_loss (size_t n, const double *theta, double *L);
int sq_grad (size_t n, const double *theta, double *g);
int crash_loss (size_t n, const double *theta, double *L);
int abort_loss (size_t n, const double *theta, double *L);
int exit_loss (size_t n, const double *theta, double *L);
int hang_loss (size_t n, const double *theta, double *L);
int inf_grad (size_t n, const double *theta, double *g);
int minus_inf_grad (size_t n, const double *theta, double *g);
int log_loss (size_t n, const double *theta, double *L);

int
sq_loss (size_t n, const double *theta, double *L)
{
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += theta[k] * theta[k];
  *L = s;
  return 0;
}

int
sq_grad (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    g[k] = 2.0 * theta[k];
  return 0;
}

int
crash_loss (size_t n, const double *theta, double *L)
{
  if (n > 3 && theta[3] > 0.5)
    {
      raise (SIGSEGV);   /* a segfault that the sanitizers do not intercept */
    }
  return sq_loss (n, theta, L);
}

int
abort_loss (size_t n, const double *theta, double *L)
{
  if (n > 1 && theta[1] > 0.5)
    abort ();
  return sq_loss (n, theta, L);
}

int
exit_loss (size_t n, const double *theta, double *L)
{
  if (theta[0] > 0.5)
    _exit (0);
  return sq_loss (n, theta, L);
}

int
hang_loss (size_t n, const double *theta, double *L)
{
  if (n > 2 && theta[2] > 0.5)
    for (;;)
      pause ();
  return sq_loss (n, theta, L);
}

int
inf_grad (size_t n, const double *theta, double *g)
{
  sq_grad (n, theta, g);
  if (n > 4)
    g[4] = INFINITY;
  return 0;
}

int
minus_inf_grad (size_t n, const double *theta, double *g)
{
  sq_grad (n, theta, g);
  if (n > 4)
    g[4] = -INFINITY;
  return 0;
}

int
log_loss (size_t n, const double *theta, double *L)
{
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += log (theta[k]);
  *L = s;
  return 0;
}
