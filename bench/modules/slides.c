/* slides.c -- the slides' model as a user would write it for `backprop
   check': plain C, no library of ours.  theta = (W 10x784 row-major, b 10,
   x 784): 8,634 parameters, as bench/torch_check.py's gradcheck over
   (W, b, x).  L = -sum_i labels_i log softmax(W x + b)_i with fixed soft
   labels; its gradient dL/dv = y sum(labels) - labels, dL/dW = dL/dv x^T,
   dL/db = dL/dv, dL/dx = W^T dL/dv (derivations 06, 07, 08, 10). */
#include <math.h>
#include <stddef.h>

#define K 10
#define D 784
#define N (K * D + K + D)

int slides_loss (size_t n, const double *theta, double *L);
int slides_grad (size_t n, const double *theta, double *g);

static double
label (size_t i)
{
  return (double) (i + 1) / 55.0;       /* sums to 1 */
}

/* v = W x + b and log softmax(v) into lp; returns 0, or 1 on a wrong n. */
static int
log_softmax (size_t n, const double *theta, double *lp)
{
  if (n != N)
    return 1;
  const double *W = theta, *b = theta + K * D, *x = b + K;
  double v[K], vmax = -INFINITY, s = 0.0;
  for (size_t i = 0; i < K; i++)
    {
      v[i] = b[i];
      for (size_t j = 0; j < D; j++)
        v[i] += W[i * D + j] * x[j];
      vmax = fmax (vmax, v[i]);
    }
  for (size_t i = 0; i < K; i++)
    s += exp (v[i] - vmax);
  for (size_t i = 0; i < K; i++)
    lp[i] = v[i] - vmax - log (s);
  return 0;
}

int
slides_loss (size_t n, const double *theta, double *L)
{
  double lp[K];
  if (log_softmax (n, theta, lp))
    return 1;
  *L = 0.0;
  for (size_t i = 0; i < K; i++)
    *L -= label (i) * lp[i];
  return 0;
}

int
slides_grad (size_t n, const double *theta, double *g)
{
  double lp[K], dv[K];
  if (log_softmax (n, theta, lp))
    return 1;
  const double *W = theta, *x = theta + K * D + K;
  double *gW = g, *gb = g + K * D, *gx = gb + K;
  for (size_t i = 0; i < K; i++)
    dv[i] = exp (lp[i]) - label (i);
  for (size_t j = 0; j < D; j++)
    gx[j] = 0.0;
  for (size_t i = 0; i < K; i++)
    {
      gb[i] = dv[i];
      for (size_t j = 0; j < D; j++)
        {
          gW[i * D + j] = dv[i] * x[j];
          gx[j] += W[i * D + j] * dv[i];
        }
    }
  return 0;
}
