/* layer.c -- a test module of `backprop check --forward --backward'
   (tests/check.sh): the dense layer y = tanh (W x) written as a layer is,
   a forward and a backward function (the VJP: dx = J^T dy), with theta =
   (W, x), W m x k row-major, n = m k + k.  The right backward, two bugs
   (the activation's derivative 1 - y^2 missing; the last element of dx
   dropped), and the same layer in float (--type float).  The C ABI of
   doc/backprop.1. */
#include <math.h>
#include <stddef.h>

int dense_fwd (size_t n, const double *x, size_t m, double *y);
int dense_bwd (size_t n, const double *x, size_t m, const double *dy, double *dx);
int dense_bwd_noact (size_t n, const double *x, size_t m, const double *dy, double *dx);
int dense_bwd_drop (size_t n, const double *x, size_t m, const double *dy, double *dx);
int densef_fwd (size_t n, const float *x, size_t m, float *y);
int densef_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);

/* k = n / (m + 1): theta = W (m k), then x (k) */
static int
inputs (size_t n, size_t m, size_t *k)
{
  *k = n / (m + 1);
  return *k * (m + 1) == n && *k > 0 ? 0 : 1;
}

int
dense_fwd (size_t n, const double *t, size_t m, double *y)
{
  size_t k;
  if (inputs (n, m, &k))
    return 1;
  const double *x = t + m * k;
  for (size_t i = 0; i < m; i++)
    {
      double z = 0.0;
      for (size_t j = 0; j < k; j++)
        z += t[i * k + j] * x[j];
      y[i] = tanh (z);
    }
  return 0;
}

/* dz = dy (1 - y^2); dW = dz x^T; dx = W^T dz.  act: with the derivative;
   drop: the last element of the gradient left 0. */
static int
backward (size_t n, const double *t, size_t m, const double *dy, double *g, int act,
          int drop)
{
  size_t k;
  if (inputs (n, m, &k))
    return 1;
  const double *x = t + m * k;
  double *gx = g + m * k;
  for (size_t j = 0; j < k; j++)
    gx[j] = 0.0;
  for (size_t i = 0; i < m; i++)
    {
      double z = 0.0;
      for (size_t j = 0; j < k; j++)
        z += t[i * k + j] * x[j];
      const double y = tanh (z), dz = act ? dy[i] * (1.0 - y * y) : dy[i];
      for (size_t j = 0; j < k; j++)
        {
          g[i * k + j] = dz * x[j];
          gx[j] += t[i * k + j] * dz;
        }
    }
  if (drop)
    g[n - 1] = 0.0;
  return 0;
}

int
dense_bwd (size_t n, const double *x, size_t m, const double *dy, double *dx)
{
  return backward (n, x, m, dy, dx, 1, 0);
}

int
dense_bwd_noact (size_t n, const double *x, size_t m, const double *dy, double *dx)
{
  return backward (n, x, m, dy, dx, 0, 0);
}

int
dense_bwd_drop (size_t n, const double *x, size_t m, const double *dy, double *dx)
{
  return backward (n, x, m, dy, dx, 1, 1);
}

/* the same layer computed in float */
int
densef_fwd (size_t n, const float *t, size_t m, float *y)
{
  size_t k;
  if (inputs (n, m, &k))
    return 1;
  const float *x = t + m * k;
  for (size_t i = 0; i < m; i++)
    {
      float z = 0.0f;
      for (size_t j = 0; j < k; j++)
        z += t[i * k + j] * x[j];
      y[i] = tanhf (z);
    }
  return 0;
}

int
densef_bwd (size_t n, const float *t, size_t m, const float *dy, float *g)
{
  size_t k;
  if (inputs (n, m, &k))
    return 1;
  const float *x = t + m * k;
  float *gx = g + m * k;
  for (size_t j = 0; j < k; j++)
    gx[j] = 0.0f;
  for (size_t i = 0; i < m; i++)
    {
      float z = 0.0f;
      for (size_t j = 0; j < k; j++)
        z += t[i * k + j] * x[j];
      const float y = tanhf (z), dz = dy[i] * (1.0f - y * y);
      for (size_t j = 0; j < k; j++)
        {
          g[i * k + j] = dz * x[j];
          gx[j] += t[i * k + j] * dz;
        }
    }
  return 0;
}
