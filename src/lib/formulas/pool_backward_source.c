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
              const size_t best = WINDOW_MAX (x, o, g.W);
              for (size_t t = 0; t < 4; t++)   /* every window element written once */
                dx[o + t / 2 * g.W + t % 2] = t == best ? dy[q] : ZERO;
            }
    }
}

/* dL/dZ = relu'(Z) (.) dL/dX, dL/dX of (16.2) by the maxima the forward
   pass kept (maxpool_trusted's best), X = relu(Z): the CNN's chain, the
   values of maxpool_backward_trusted then relu_batch_backward_trusted
   (the same products), without finding the maxima again; relu' image by
   image while its dL/dX is in the cache */
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
        const size_t x0 = xcol (&g, n, 0, 0), hw = g.H * g.W;
        const ATOMIC *z = Z->data + c * Z->tda + x0, *dy = dL_dY->data + c * dL_dY->tda;
        ATOMIC *dz = dL_dZ->data + c * dL_dZ->tda + x0;
        const unsigned char *bc = best + c * g.n * g.Ho * g.Wo;
        if (height % 2 != 0 || width % 2 != 0)   /* the odd last row or column: in no window */
          for (size_t k = 0; k < hw; k++)
            dz[k] = ZERO;
        for (size_t i = 0; i < g.Ho; i++)
          for (size_t j = 0, o = 2 * i * g.W, q = ycol (&g, n, i, 0); j < g.Wo;
               j++, o += 2, q++)
            for (size_t t = 0; t < 4; t++)
              dz[o + t / 2 * g.W + t % 2] = t == bc[q] ? dy[q] : ZERO;
#pragma omp simd
        for (size_t k = 0; k < hw; k++)
          dz[k] = FUNCTION (relu, prime) (z[k]) * dz[k];
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
