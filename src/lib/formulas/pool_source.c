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

/* The first maximum of a window's real parts x0 .. x3 in row-major
   order (strict >: a later equal value does not displace it), or its NaN
   (the public functions refuse NaN; inside the CNN's chain a NaN must
   reach the logits): 1 << t for its offset t = 2a + e, and *m = x_t.
   Selections and bit operations, no branches: random data mispredicts
   half of them, and the windows' loops vectorize. */
static inline __attribute__ ((always_inline)) unsigned
FUNCTION (pool, first_max) (BASE x0, BASE x1, BASE x2, BASE x3, BASE *m)
{
  const int w1 = (RE (x1) > RE (x0)) | (RE (x1) != RE (x1));
  const BASE m1 = w1 ? x1 : x0;
  const int w2 = (RE (x2) > RE (m1)) | (RE (x2) != RE (x2));
  const BASE m2 = w2 ? x2 : m1;
  const int w3 = (RE (x3) > RE (m2)) | (RE (x3) != RE (x3));
  *m = w3 ? x3 : m2;
  const unsigned u1 = (unsigned) w1, u2 = (unsigned) w2, t3 = (unsigned) w3;
  const unsigned t2 = u2 & ~t3, t1 = u1 & ~u2 & ~t3;   /* 0 or 1 each, one of t1 .. t3 at most */
  return t3 << 3 | t2 << 2 | t1 << 1 | (1u ^ t1 ^ t2 ^ t3);
}

/* The window whose top-left element is column o of x (rows W apart):
   its 1 << t, and its maximum into *m */
#define WINDOW_MAX(x, o, W, m) FUNCTION (pool, first_max) (ELEM (x, o), ELEM (x, (o) + 1), \
                                                           ELEM (x, (o) + (W)), \
                                                           ELEM (x, (o) + (W) + 1), m)

/* y[j] = the maximum of window j of the row pair at x (rows W apart),
   j < Wo, and its 1 << t into bc[j] when keep; inlined for each keep,
   the test out of the loop, which vectorizes over the windows */
static inline __attribute__ ((always_inline)) void
FUNCTION (pool, row) (const ATOMIC *restrict x, size_t W, size_t Wo, ATOMIC *restrict y,
                      unsigned char *restrict bc, int keep)
{
#pragma omp simd
  for (size_t j = 0; j < Wo; j++)
    {
      BASE m;
      const unsigned t = WINDOW_MAX (x, 2 * j, W, &m);
      STORE (y, j, m);
      if (keep)
        bc[j] = (unsigned char) t;
    }
}

/* Y[c,i,j] = max_{a,e} X[c, 2i+a, 2j+e]  (16.1); best not NULL: the
   window's 1 << t of each Y[c,i,j] into best[c n Ho Wo + ycol], for the
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
          {
            const ATOMIC *xr = x + MULTIPLICITY * xcol (&g, n, 2 * i, 0);
            const size_t q = ycol (&g, n, i, 0);
            if (bc)
              FUNCTION (pool, row) (xr, g.W, g.Wo, y + MULTIPLICITY * q, bc + q, 1);
            else
              FUNCTION (pool, row) (xr, g.W, g.Wo, y + MULTIPLICITY * q, NULL, 0);
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
