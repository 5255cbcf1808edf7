/* kink.c -- a test module of `backprop check' (tests/check.sh): two
   functions where a plain central difference is wrong about a right
   gradient.
   relu: L(theta) = sum_k max(0, theta_k), gradient 1[theta_k > 0]; at
   theta_k = 0 (a kink) the left and right derivatives are 0 and 1.
   root: L(theta) = sum_k sqrt(theta_k), gradient 1 / (2 sqrt(theta_k)),
   undefined (nonzero return) for theta_k < 0: near 0 only the forward
   difference can be taken.
   The C ABI of doc/backprop.1 (0 = inside the domain). */
#include <complex.h>
#include <math.h>
#include <stddef.h>

int relu_loss (size_t n, const double *theta, double *L);
int relu_grad (size_t n, const double *theta, double *g);
int relu_closs (size_t n, const double complex *theta, double complex *L);
int root_loss (size_t n, const double *theta, double *L);
int root_grad (size_t n, const double *theta, double *g);

int
relu_loss (size_t n, const double *theta, double *L)
{
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += theta[k] > 0.0 ? theta[k] : 0.0;
  *L = s;
  return 0;
}

int
relu_closs (size_t n, const double complex *theta, double complex *L)
{
  double complex s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += creal (theta[k]) > 0.0 ? theta[k] : 0.0;
  *L = s;
  return 0;
}

int
relu_grad (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    g[k] = theta[k] > 0.0 ? 1.0 : 0.0;
  return 0;
}

int
root_loss (size_t n, const double *theta, double *L)
{
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    {
      if (theta[k] < 0.0)
        return 1;
      s += sqrt (theta[k]);
    }
  *L = s;
  return 0;
}

int
root_grad (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    {
      if (!(theta[k] > 0.0))
        return 1;
      g[k] = 0.5 / sqrt (theta[k]);
    }
  return 0;
}
