/* quad.c -- a test module of `backprop check' (tests/check.sh): the
   separable loss L(theta) = sum_k a_k theta_k^2, a_k = 1 + k/n, its
   gradient 2 a_k theta_k, the same in complex arithmetic, and the five
   wrong gradients of the checker's teeth tests, each one bug:
   transposed (theta a q x q matrix, row-major, n = q^2), flipped sign,
   index shifted by one, the factor 2 missing, one element off by 1e-4.
   The C ABI of doc/backprop.1 (0 = inside the domain). */
#include <complex.h>
#include <math.h>
#include <stddef.h>

int quad_loss (size_t n, const double *theta, double *L);
int quad_grad (size_t n, const double *theta, double *g);
int quad_closs (size_t n, const double complex *theta, double complex *L);
int quad_grad_transposed (size_t n, const double *theta, double *g);
int quad_grad_sign (size_t n, const double *theta, double *g);
int quad_grad_shifted (size_t n, const double *theta, double *g);
int quad_grad_half (size_t n, const double *theta, double *g);
int quad_grad_one_off (size_t n, const double *theta, double *g);

static double
a (size_t k, size_t n)
{
  return 1.0 + (double) k / (double) n;
}

int
quad_loss (size_t n, const double *theta, double *L)
{
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += a (k, n) * theta[k] * theta[k];
  *L = s;
  return 0;
}

int
quad_closs (size_t n, const double complex *theta, double complex *L)
{
  double complex s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += a (k, n) * theta[k] * theta[k];
  *L = s;
  return 0;
}

int
quad_grad (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    g[k] = 2.0 * a (k, n) * theta[k];
  return 0;
}

/* g as a q x q matrix, transposed: g_ij takes g_ji's value */
int
quad_grad_transposed (size_t n, const double *theta, double *g)
{
  size_t q = (size_t) llround (sqrt ((double) n));
  if (q * q != n)
    return 1;
  for (size_t i = 0; i < q; i++)
    for (size_t j = 0; j < q; j++)
      g[i * q + j] = 2.0 * a (j * q + i, n) * theta[j * q + i];
  return 0;
}

int
quad_grad_sign (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    g[k] = -2.0 * a (k, n) * theta[k];
  return 0;
}

/* g_k takes g_{k+1}'s value (the last wraps to the first) */
int
quad_grad_shifted (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    {
      const size_t j = (k + 1) % n;
      g[k] = 2.0 * a (j, n) * theta[j];
    }
  return 0;
}

int
quad_grad_half (size_t n, const double *theta, double *g)
{
  for (size_t k = 0; k < n; k++)
    g[k] = a (k, n) * theta[k];
  return 0;
}

int
quad_grad_one_off (size_t n, const double *theta, double *g)
{
  quad_grad (n, theta, g);
  g[n / 2] += 1e-4;
  return 0;
}

/* The loss rounded to single precision: central differences of it are
   noise (about 1e-7 |L| / h), which GSL's error estimate says, so that a
   right gradient is decided by the estimate alone. */
int quad_loss_float (size_t n, const double *theta, double *L);

int
quad_loss_float (size_t n, const double *theta, double *L)
{
  float s = 0.0f;
  for (size_t k = 0; k < n; k++)
    s += (float) (a (k, n) * theta[k] * theta[k]);
  *L = (double) s;
  return 0;
}

/* quad_loss plus 1e8: the same gradient, but each value carries a
   rounding error of about 1e8 eps, so that central differences are off
   by about 1e8 eps / h -- beyond the tolerance, within GSL's round-off
   estimate: a right gradient decided by the estimate alone. */
int quad_loss_offset (size_t n, const double *theta, double *L);

int
quad_loss_offset (size_t n, const double *theta, double *L)
{
  int s = quad_loss (n, theta, L);
  *L += 1e8;
  return s;
}
