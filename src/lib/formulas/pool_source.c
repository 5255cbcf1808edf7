/* pool_source.c -- 2 x 2 max- and average-pooling's forward passes, once
   for every arithmetic (templates_on.h); derivations/16-pooling.md,
   eqs. (16.1), (16.3).  Off the reals max-pooling picks by the real parts
   and passes the complex value on: analytic away from ties, as ReLU's
   extension is (activation_source.c).  The double and float
   maxpool_trusted are the CNN chains' (layers_trusted.h, float.h), the
   complex one is not: SCOPE. */
#if defined(BASE_COMPLEX)
# define SCOPE static
#else
# define SCOPE
#endif

/* The offset t = 2a + e of the window's first maximum of the real parts
   in row-major order (strict >: a later equal value does not displace
   it), or of its first NaN (the public functions refuse NaN; inside the
   CNN's chain a NaN must reach the logits); x is the channel's row. */
static size_t
FUNCTION (pool, first_max) (const ATOMIC *x, const geometry *g, size_t n, size_t i,
                            size_t j)
{
  size_t best = 0;
  ATOMIC m = RE (ELEM (x, wcol (g, n, i, j, 0)));
  for (size_t t = 1; t < 4; t++)
    {
      const ATOMIC xt = RE (ELEM (x, wcol (g, n, i, j, t)));
      if (xt > m || isnan (xt))
        {
          m = xt;
          best = t;
        }
    }
  return best;
}

/* Y[c,i,j] = max_{a,e} X[c, 2i+a, 2j+e]  (16.1) */
SCOPE void
FUNCTION (maxpool, trusted) (const TYPE (gsl_matrix) *X, size_t height, size_t width,
                             TYPE (gsl_matrix) *Y)
{
  const geometry g = geometry_trusted (X->size2, height, width);
  const int big = X->size1 * X->size2 >= PARALLEL_FROM;
  (void) big;
  EACH_CHANNEL
  for (size_t c = 0; c < X->size1; c++)
    {
      const ATOMIC *x = X->data + MULTIPLICITY * c * X->tda;
      ATOMIC *y = Y->data + MULTIPLICITY * c * Y->tda;
      for (size_t n = 0; n < g.n; n++)
        for (size_t i = 0; i < g.Ho; i++)
          for (size_t j = 0; j < g.Wo; j++)
            STORE (y, ycol (&g, n, i, j),
                   ELEM (x, wcol (&g, n, i, j, FUNCTION (pool, first_max) (x, &g, n, i, j))));
    }
}

int
FUNCTION (bp, maxpool) (const TYPE (gsl_matrix) *X, size_t height, size_t width,
                        TYPE (gsl_matrix) *Y)
{
  geometry g;
  if (MISSING (X) || MISSING (Y))
    GSL_ERROR (NAME (bp, maxpool) ": X and Y must not be NULL", GSL_EFAULT);
  int status = geometry_of (NAME (bp, maxpool) ": height and width must be >= 2, "
                            "X C x (n H W), Y C x (n floor(H/2) floor(W/2))",
                            X->size1, X->size2, height, width, Y->size1, Y->size2, &g);
  if (status)
    return status;
  if (!MATRIX_FINITE (X))
    GSL_ERROR (NAME (bp, maxpool) ": X has a NaN or infinite element", GSL_EDOM);
  FUNCTION (maxpool, trusted) (X, height, width, Y);
  return GSL_SUCCESS;
}

/* Y[c,i,j] = (1/4) sum_{a,e} X[c, 2i+a, 2j+e]  (16.3) */
int
FUNCTION (bp, avgpool) (const TYPE (gsl_matrix) *X, size_t height, size_t width,
                        TYPE (gsl_matrix) *Y)
{
  geometry g;
  if (MISSING (X) || MISSING (Y))
    GSL_ERROR (NAME (bp, avgpool) ": X and Y must not be NULL", GSL_EFAULT);
  int status = geometry_of (NAME (bp, avgpool) ": height and width must be >= 2, "
                            "X C x (n H W), Y C x (n floor(H/2) floor(W/2))",
                            X->size1, X->size2, height, width, Y->size1, Y->size2, &g);
  if (status)
    return status;
  for (size_t c = 0; c < X->size1; c++)
    {
      const ATOMIC *x = X->data + MULTIPLICITY * c * X->tda;
      ATOMIC *y = Y->data + MULTIPLICITY * c * Y->tda;
      for (size_t n = 0; n < g.n; n++)
        for (size_t i = 0; i < g.Ho; i++)
          for (size_t j = 0; j < g.Wo; j++)
            {
              BASE sum = ZERO;
              for (size_t t = 0; t < 4; t++)
                sum += ELEM (x, wcol (&g, n, i, j, t));
              STORE (y, ycol (&g, n, i, j), (ATOMIC) 0.25 * sum);
            }
    }
  return GSL_SUCCESS;
}

#undef SCOPE
