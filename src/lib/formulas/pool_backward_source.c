/* pool_backward_source.c -- max- and average-pooling's backward passes,
   once for the real arithmetics (templates_on.h: double, float; pool.c);
   derivations/16-pooling.md, eqs. (16.2), (16.4).  The double ones are
   bp_pool.h's and layers_trusted.h's. */
#include "lib/formulas/relu_prime_source.c"

/* dL/dX[c, 2i+a, 2j+e] = dL/dY[c,i,j] at the first maximum, else 0  (16.2) */
void
FUNCTION (maxpool, backward_trusted) (const TYPE (gsl_matrix) *X, size_t height,
                                      size_t width, const TYPE (gsl_matrix) *dL_dY,
                                      TYPE (gsl_matrix) *dL_dX)
{
  const geometry g = geometry_trusted (X->size2, height, width);
  if (height % 2 != 0 || width % 2 != 0)
    FUNCTION (gsl_matrix, set_zero) (dL_dX);   /* the odd last row or column: in no window */
  const int big = X->size1 * X->size2 >= PARALLEL_FROM;
  (void) big;
  EACH_CHANNEL
  for (size_t c = 0; c < X->size1; c++)
    {
      const ATOMIC *x = X->data + c * X->tda, *dy = dL_dY->data + c * dL_dY->tda;
      ATOMIC *dx = dL_dX->data + c * dL_dX->tda;
      for (size_t n = 0; n < g.n; n++)
        for (size_t i = 0; i < g.Ho; i++)
          for (size_t j = 0, o = xcol (&g, n, 2 * i, 0), q = ycol (&g, n, i, 0); j < g.Wo;
               j++, o += 2, q++)
            {
              ATOMIC m;
              const unsigned best = WINDOW_MAX (x, o, g.W, &m);
              for (size_t t = 0; t < 4; t++)   /* every window element written once */
                dx[o + t / 2 * g.W + t % 2] = best >> t & 1u ? dy[q] : ZERO;
            }
    }
}

/* dL/dZ = relu'(Z) (.) dL/dX, dL/dX of (16.2) by the maxima the forward
   pass kept (maxpool_trusted's best, 1 << t a window), X = relu(Z): the CNN's chain, the
   values of maxpool_backward_trusted then relu_batch_backward_trusted
   (the same products), without finding the maxima again, each element
   written once: relu'(z) dL/dX, dL/dX the window's dL/dY at its maximum,
   else 0 (also outside the windows, the odd last row or column) */
void
FUNCTION (maxpool, relu_backward_trusted) (const unsigned char *best, const TYPE (gsl_matrix) *Z,
                                           size_t height, size_t width,
                                           const TYPE (gsl_matrix) *dL_dY,
                                           TYPE (gsl_matrix) *dL_dZ)
{
  const geometry g = geometry_trusted (Z->size2, height, width);
  const int big = Z->size1 * Z->size2 >= PARALLEL_FROM;
  (void) big;
  EACH_CHANNEL
  for (size_t c = 0; c < Z->size1; c++)
    for (size_t n = 0; n < g.n; n++)
      {
        const size_t x0 = xcol (&g, n, 0, 0), W = g.W;
        const ATOMIC *z = Z->data + c * Z->tda + x0;
        ATOMIC *dz = dL_dZ->data + c * dL_dZ->tda + x0;
        for (size_t i = 0; i < g.Ho; i++)
          {
            const size_t q = ycol (&g, n, i, 0);
            const ATOMIC *restrict za = z + 2 * i * W, *restrict zb = za + W;
            const ATOMIC *restrict dy = dL_dY->data + c * dL_dY->tda + q;
            const unsigned char *restrict bc = best + c * g.n * g.Ho * g.Wo + q;
            ATOMIC *restrict da = dz + 2 * i * W, *restrict db = da + W;
#pragma omp simd
            for (size_t j = 0; j < g.Wo; j++)
              {
                /* bit t of the window's 1 << t: bits, not t == 0, 1, 2, 3,
                   which GCC threads into branches that do not vectorize */
                const unsigned t = bc[j];
                const ATOMIC d = dy[j];
                da[2 * j] = FUNCTION (relu, prime) (za[2 * j]) * (t & 1u ? d : ZERO);
                da[2 * j + 1] = FUNCTION (relu, prime) (za[2 * j + 1]) * (t & 2u ? d : ZERO);
                db[2 * j] = FUNCTION (relu, prime) (zb[2 * j]) * (t & 4u ? d : ZERO);
                db[2 * j + 1] = FUNCTION (relu, prime) (zb[2 * j + 1]) * (t & 8u ? d : ZERO);
              }
            if (W % 2 != 0)
              {
                da[W - 1] = FUNCTION (relu, prime) (za[W - 1]) * ZERO;
                db[W - 1] = FUNCTION (relu, prime) (zb[W - 1]) * ZERO;
              }
          }
        if (g.H % 2 != 0)
          for (size_t k = (g.H - 1) * W; k < g.H * W; k++)
            dz[k] = FUNCTION (relu, prime) (z[k]) * ZERO;
      }
}

int
FUNCTION (bp, maxpool_backward) (const TYPE (gsl_matrix) *X, size_t height, size_t width,
                                 const TYPE (gsl_matrix) *dL_dY, TYPE (gsl_matrix) *dL_dX)
{
  geometry g;
  if (MISSING (X) || MISSING (dL_dY) || MISSING (dL_dX))
    GSL_ERROR (NAME (bp, maxpool_backward) ": X, dL_dY and dL_dX must not be NULL", GSL_EFAULT);
  int status = geometry_of (NAME (bp, maxpool_backward) ": height and width must be >= 2, "
                            "X C x (n H W), dL_dY C x (n floor(H/2) floor(W/2))",
                            X->size1, X->size2, height, width, dL_dY->size1,
                            dL_dY->size2, &g);
  if (status)
    return status;
  if (dL_dX->size1 != X->size1 || dL_dX->size2 != X->size2)
    GSL_ERROR (NAME (bp, maxpool_backward) ": dL_dX must have X's shape", GSL_EBADLEN);
  if (!MATRIX_FINITE (X))
    GSL_ERROR (NAME (bp, maxpool_backward) ": X has a NaN or infinite element", GSL_EDOM);
  FUNCTION (maxpool, backward_trusted) (X, height, width, dL_dY, dL_dX);
  return GSL_SUCCESS;
}

/* dL/dX[c, 2i+a, 2j+e] = dL/dY[c,i,j] / 4  (16.4) */
int
FUNCTION (bp, avgpool_backward) (const TYPE (gsl_matrix) *dL_dY, size_t height,
                                 size_t width, TYPE (gsl_matrix) *dL_dX)
{
  geometry g;
  if (MISSING (dL_dY) || MISSING (dL_dX))
    GSL_ERROR (NAME (bp, avgpool_backward) ": dL_dY and dL_dX must not be NULL", GSL_EFAULT);
  int status = geometry_of (NAME (bp, avgpool_backward) ": height and width must be >= 2, "
                            "dL_dX C x (n H W), dL_dY C x (n floor(H/2) floor(W/2))",
                            dL_dX->size1, dL_dX->size2, height, width, dL_dY->size1,
                            dL_dY->size2, &g);
  if (status)
    return status;
  FUNCTION (gsl_matrix, set_zero) (dL_dX);
  for (size_t c = 0; c < dL_dX->size1; c++)
    {
      const ATOMIC *dy = dL_dY->data + c * dL_dY->tda;
      ATOMIC *dx = dL_dX->data + c * dL_dX->tda;
      for (size_t n = 0; n < g.n; n++)
        for (size_t i = 0; i < g.Ho; i++)
          for (size_t j = 0; j < g.Wo; j++)
            {
              const ATOMIC d = (ATOMIC) 0.25 * dy[ycol (&g, n, i, j)];
              for (size_t t = 0; t < 4; t++)
                dx[wcol (&g, n, i, j, t)] = d;
            }
    }
  return GSL_SUCCESS;
}
