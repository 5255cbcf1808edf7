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

/* The offset t = 2a + e of the first maximum of a window's real parts
   x0 .. x3 in row-major order (strict >: a later equal value does not
   displace it), or of its NaN (the public functions refuse NaN; inside
   the CNN's chain a NaN must reach the logits). */
static inline size_t
FUNCTION (pool, first_max) (ATOMIC x0, ATOMIC x1, ATOMIC x2, ATOMIC x3)
{
  /* selections, not branches: random data mispredicts half of them */
  const int w1 = (x1 > x0) | (x1 != x1);
  const ATOMIC m1 = w1 ? x1 : x0;
  const int w2 = (x2 > m1) | (x2 != x2);
  const ATOMIC m2 = w2 ? x2 : m1;
  const int w3 = (x3 > m2) | (x3 != x3);
  return w3 ? 3 : w2 ? 2 : (size_t) w1;
}

/* The window (i, j) of image n whose top-left element is column o:
   t = 2a + e is column o + a W + e */
#define WINDOW_MAX(x, o, W) FUNCTION (pool, first_max) (RE (ELEM (x, o)), RE (ELEM (x, (o) + 1)), \
                                                        RE (ELEM (x, (o) + (W))), \
                                                        RE (ELEM (x, (o) + (W) + 1)))

/* Y[c,i,j] = max_{a,e} X[c, 2i+a, 2j+e]  (16.1); best not NULL: the
   window's t of each Y[c,i,j] into best[c n Ho Wo + ycol], for the
   backward pass (pool_backward_source.c) */
SCOPE void
FUNCTION (maxpool, trusted) (const TYPE (gsl_matrix) *X, size_t height, size_t width,
                             TYPE (gsl_matrix) *Y, unsigned char *best)
{
  const geometry g = geometry_trusted (X->size2, height, width);
  const int big = X->size1 * X->size2 >= PARALLEL_FROM;
  (void) big;
  EACH_CHANNEL
  for (size_t c = 0; c < X->size1; c++)
    {
      const ATOMIC *x = X->data + MULTIPLICITY * c * X->tda;
      ATOMIC *y = Y->data + MULTIPLICITY * c * Y->tda;
      unsigned char *bc = best ? best + c * g.n * g.Ho * g.Wo : NULL;
      for (size_t n = 0; n < g.n; n++)
        for (size_t i = 0; i < g.Ho; i++)
          for (size_t j = 0, o = xcol (&g, n, 2 * i, 0), q = ycol (&g, n, i, 0); j < g.Wo;
               j++, o += 2, q++)
            {
              const size_t t = WINDOW_MAX (x, o, g.W);
              STORE (y, q, ELEM (x, o + t / 2 * g.W + t % 2));
              if (bc)
                bc[q] = (unsigned char) t;
            }
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
  FUNCTION (maxpool, trusted) (X, height, width, Y, NULL);
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
