/* check_winograd.c -- suite winograd: the batch convolution's
   BP_CONV_WINOGRAD (bp_conv.h; lib/formulas/winograd.h,
   winograd_source.c).  Its matrices are rebuilt from the points
   {0, 1, -1, 1/2, -1/2, infinity} by Toom-Cook in exact rationals and
   the bilinear identities checked exactly on random integer tiles; its
   three batch forms against im2col's in double, on random shapes (odd
   and even H and W, so partial edge tiles; every padding 0..4), in double
   and float, each element within winograd_error_bound.
   derivations/15-convolution.md, "Winograd". */
#include <config.h>
#include <math.h>
#include <float.h>
#include <stdint.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include "testutil.h"
#include "backprop/bp_conv.h"
#include "lib/formulas/float.h"
#include "lib/formulas/winograd.h"

/* ---- exact rationals -------------------------------------------------- */

typedef struct
{
  int64_t p, q;   /* p / q, q > 0, in lowest terms */
} rat;

static int64_t
gcd64 (int64_t a, int64_t b)
{
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b)
    {
      const int64_t t = a % b;
      a = b;
      b = t;
    }
  return a;   /* gcd (0, 0) = 0: the numerators' gcd starts there */
}

static rat
mk (int64_t p, int64_t q)
{
  if (q < 0)
    {
      p = -p;
      q = -q;
    }
  const int64_t g = gcd64 (p, q);
  return (rat) { .p = p / g, .q = q / g };
}

static rat
add (rat a, rat b)
{
  return mk (a.p * b.q + b.p * a.q, a.q * b.q);
}

static rat
mul (rat a, rat b)
{
  return mk (a.p * b.p, a.q * b.q);
}

static rat
quo (rat a, rat b)
{
  return mk (a.p * b.q, a.q * b.p);
}

static int
is_zero (rat a)
{
  return a.p == 0;
}

/* ---- Toom-Cook from the points ---------------------------------------- */

#define AL WINOGRAD_ALPHA

/* the points; the last is infinity */
static const rat points[AL - 1] = { { 0, 1 }, { 1, 1 }, { -1, 1 }, { 1, 2 }, { -1, 2 } };

/* row j of the n-column Vandermonde matrix: (1, p, ..., p^(n-1)), at
   infinity (0, ..., 0, 1): a polynomial's values, its leading coefficient */
static void
vandermonde_row (size_t j, size_t n, rat *row)
{
  rat x = mk (1, 1);
  for (size_t k = 0; k < n; k++)
    {
      row[k] = j == AL - 1 ? mk (k == n - 1, 1) : x;
      if (j < AL - 1)
        x = mul (x, points[j]);
    }
}

/* AT = Vh^T (Vh the 2-column Vandermonde), G = S^-1 Vg (5 columns),
   BT = S V^-T (V the 6-column one), S = diag (s_j), s_j the least
   positive rational making row j of V^-T integers */
static void
toom_cook (rat AT[2][AL], rat G[AL][5], rat BT[AL][AL])
{
  rat V[AL][2 * AL];
  for (size_t j = 0; j < AL; j++)
    {
      vandermonde_row (j, AL, V[j]);
      for (size_t k = 0; k < AL; k++)
        V[j][AL + k] = mk (j == k, 1);
    }
  /* Gauss-Jordan: [V | I] -> [I | V^-1] */
  for (size_t c = 0; c < AL; c++)
    {
      size_t piv = c;
      while (is_zero (V[piv][c]))
        piv++;
      for (size_t k = 0; k < 2 * AL; k++)
        {
          const rat t = V[c][k];
          V[c][k] = V[piv][k];
          V[piv][k] = t;
        }
      const rat d = V[c][c];
      for (size_t k = 0; k < 2 * AL; k++)
        V[c][k] = quo (V[c][k], d);
      for (size_t r = 0; r < AL; r++)
        if (r != c && !is_zero (V[r][c]))
          {
            const rat f = V[r][c];
            for (size_t k = 0; k < 2 * AL; k++)
              V[r][k] = add (V[r][k], mul (mk (-f.p, f.q), V[c][k]));
          }
    }
  for (size_t j = 0; j < AL; j++)
    {
      int64_t l = 1, g = 0;   /* lcm of the denominators, gcd of the numerators */
      for (size_t k = 0; k < AL; k++)
        {
          const rat x = V[k][AL + j];   /* (V^-T)[j][k] */
          l = l / gcd64 (l, x.q) * x.q;
          g = gcd64 (g, x.p);
        }
      const rat s = mk (l, g);
      for (size_t k = 0; k < AL; k++)
        BT[j][k] = mul (s, V[k][AL + j]);
      rat row[5];
      vandermonde_row (j, 5, row);
      for (size_t k = 0; k < 5; k++)
        G[j][k] = quo (row[k], s);
      rat h[2];
      vandermonde_row (j, 2, h);
      AT[0][j] = h[0];
      AT[1][j] = h[1];
    }
}

START_TEST (test_matrices_from_points)
{
  rat AT[2][AL], G[AL][5], BT[AL][AL];
  toom_cook (AT, G, BT);
  for (size_t j = 0; j < AL; j++)
    {
      for (size_t k = 0; k < 2; k++)
        ck_assert_msg (winograd_AT[k][j] == (double) AT[k][j].p / (double) AT[k][j].q,
                       "A^T[%zu][%zu]", k, j);
      for (size_t k = 0; k < 5; k++)
        ck_assert_msg (winograd_G[j][k] == (double) G[j][k].p / (double) G[j][k].q,
                       "G[%zu][%zu] = %g, Toom-Cook's %lld/%lld", j, k, winograd_G[j][k],
                       (long long) G[j][k].p, (long long) G[j][k].q);
      for (size_t k = 0; k < AL; k++)
        ck_assert_msg (winograd_BT[j][k] == (double) BT[j][k].p / (double) BT[j][k].q,
                       "B^T[%zu][%zu] = %g, Toom-Cook's %lld/%lld", j, k, winograd_BT[j][k],
                       (long long) BT[j][k].p, (long long) BT[j][k].q);
    }
}
END_TEST

/* the constants as exact rationals (each is a small dyadic or a sixth,
   third or twelfth: recovered exactly by its denominator) */
static rat
exact (double x)
{
  static const int64_t dens[] = { 1, 2, 3, 4, 6, 12 };
  for (size_t k = 0; k < sizeof dens / sizeof dens[0]; k++)
    {
      const double p = x * (double) dens[k];
      if (fabs (p - nearbyint (p)) < 1e-9)
        return mk ((int64_t) nearbyint (p), dens[k]);
    }
  ck_abort_msg ("%g is not a small rational", x);
  return mk (0, 1);
}

/* out (r x c) = L (r x m) in (m x n) R^T (R c x n), rationals */
static void
sandwich (size_t r, size_t m, size_t n, size_t c, const rat *L, const rat *in, const rat *Rt,
          rat *out)
{
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      {
        rat s = mk (0, 1);
        for (size_t u = 0; u < m; u++)
          for (size_t v = 0; v < n; v++)
            s = add (s, mul (mul (L[i * m + u], in[u * n + v]), Rt[j * n + v]));
        out[i * c + j] = s;
      }
}

/* Y = A^T [(G g G^T) (.) (B^T d B)] A is the correlation of d with g, and
   dK = G^T [(A y A^T) (.) (B^T d B)] G the correlation of d with y, on
   random integer tiles, exactly */
START_TEST (test_identities_exact)
{
  rat AT[2 * AL], A[AL * 2], G[AL * 5], GT[5 * AL], BT[AL * AL];
  for (size_t j = 0; j < AL; j++)
    {
      for (size_t k = 0; k < 2; k++)
        AT[k * AL + j] = A[j * 2 + k] = exact (winograd_AT[k][j]);
      for (size_t k = 0; k < 5; k++)
        G[j * 5 + k] = GT[k * AL + j] = exact (winograd_G[j][k]);
      for (size_t k = 0; k < AL; k++)
        BT[j * AL + k] = exact (winograd_BT[j][k]);
    }
  gsl_rng *rng = test_rng (0);
  for (int trial = 0; trial < 20; trial++)
    {
      rat d[AL * AL], g[25], y[4], U[AL * AL], V[AL * AL], Z[AL * AL], P[AL * AL],
        Q[AL * AL], Y[4], K[25];
      for (size_t k = 0; k < AL * AL; k++)
        d[k] = mk ((int64_t) gsl_rng_uniform_int (rng, 19) - 9, 1);
      for (size_t k = 0; k < 25; k++)
        g[k] = mk ((int64_t) gsl_rng_uniform_int (rng, 19) - 9, 1);
      for (size_t k = 0; k < 4; k++)
        y[k] = mk ((int64_t) gsl_rng_uniform_int (rng, 19) - 9, 1);
      sandwich (AL, 5, 5, AL, G, g, G, U);
      sandwich (AL, AL, AL, AL, BT, d, BT, V);
      sandwich (AL, 2, 2, AL, A, y, A, Z);
      for (size_t k = 0; k < AL * AL; k++)
        {
          P[k] = mul (U[k], V[k]);
          Q[k] = mul (Z[k], V[k]);
        }
      sandwich (2, AL, AL, 2, AT, P, AT, Y);
      sandwich (5, AL, AL, 5, GT, Q, GT, K);
      for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 2; j++)
          {
            rat s = mk (0, 1);
            for (size_t a = 0; a < 5; a++)
              for (size_t e = 0; e < 5; e++)
                s = add (s, mul (g[a * 5 + e], d[(i + a) * AL + j + e]));
            ck_assert_msg (s.p == Y[i * 2 + j].p && s.q == Y[i * 2 + j].q,
                           "forward tile (%zu, %zu), trial %d", i, j, trial);
          }
      for (size_t a = 0; a < 5; a++)
        for (size_t e = 0; e < 5; e++)
          {
            rat s = mk (0, 1);
            for (size_t i = 0; i < 2; i++)
              for (size_t j = 0; j < 2; j++)
                s = add (s, mul (y[i * 2 + j], d[(i + a) * AL + j + e]));
            ck_assert_msg (s.p == K[a * 5 + e].p && s.q == K[a * 5 + e].q,
                           "dK (%zu, %zu), trial %d", a, e, trial);
          }
    }
  gsl_rng_free (rng);
}
END_TEST

/* ---- the batch forms against im2col ------------------------------------ */

/* gamma_n = n u / (1 - n u), Higham's (3.8) */
static double
gamma_n (double n, double u)
{
  return n * u / (1.0 - n * u);
}

static size_t
out_h (const bp_conv_shape *s)
{
  return s->height + 2 * s->pad - s->k + 1;
}

static size_t
out_w (const bp_conv_shape *s)
{
  return s->width + 2 * s->pad - s->k + 1;
}

/* |M| (r x m) |in| (m x n) |Rt|^T, in double */
static void
abs_sandwich (size_t r, size_t m, size_t n, size_t c, const double *L, size_t lrs, size_t lcs,
              const double *in, const double *Rt, size_t rrs, size_t rcs, double *out)
{
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      {
        double s = 0.0;
        for (size_t u = 0; u < m; u++)
          for (size_t v = 0; v < n; v++)
            s += fabs (L[i * lrs + u * lcs]) * fabs (in[u * n + v]) * fabs (Rt[j * rrs + v * rcs]);
        out[i * c + j] = s;
      }
}

/* The bound on |Winograd's Y - the exact Y| of bp_batch_conv in unit
   roundoff u (derivations/15-convolution.md, "Winograd"), per element,
   into bound (Y's shape):
     gamma_n (|A^T| [sum_c (|G| |K[o,c]| |G^T|) (.) (|B^T| |d_c| |B|)] |A| + |b_o|),
     n = 30 + C_in (15.14), + 1 for the bias: a term of a transform's sum
     is rounded at most as often as the row has non-zeros (the sums skip
     the zeros): G's two rounded entries 2, the kernel's transform 5 + 5,
     the input's 4 + 4, the product and the channel sum C_in, the output's
     transform 5 + 5.
   The exact value is the tile's correlation: applied to |K| and |d| the
   identity shows the same magnitude bounds im2col's error, gamma_{25 C_in + 1}
   in the reference's u_ref, added. */
static void
winograd_error_bound (const bp_conv_shape *s, size_t B, const gsl_matrix *K,
                      const gsl_vector *b, const gsl_matrix *X, double u, double u_ref,
                      gsl_matrix *bound)
{
  const size_t Cin = s->channels_in, Ho = out_h (s), Wo = out_w (s), H = s->height,
               W = s->width, p = s->pad;
  const double gam = gamma_n (30.0 + (double) Cin + (b ? 1.0 : 0.0), u)
                     + gamma_n (25.0 * (double) Cin + 1.0, u_ref);
  const double *AT = &winograd_AT[0][0], *G = &winograd_G[0][0], *BT = &winograd_BT[0][0];
  for (size_t o = 0; o < s->channels_out; o++)
    for (size_t n = 0; n < B; n++)
      for (size_t ti = 0; 2 * ti < Ho; ti++)
        for (size_t tj = 0; 2 * tj < Wo; tj++)
          {
            double sum[AL * AL] = { 0 };
            for (size_t c = 0; c < Cin; c++)
              {
                double g[25], d[AL * AL], U[AL * AL], V[AL * AL];
                for (size_t k = 0; k < 25; k++)
                  g[k] = gsl_matrix_get (K, o, c * 25 + k);
                for (size_t uu = 0; uu < AL; uu++)
                  for (size_t v = 0; v < AL; v++)
                    {
                      const size_t r = 2 * ti + uu, q = 2 * tj + v;
                      d[uu * AL + v] = r >= p && r - p < H && q >= p && q - p < W
                                         ? gsl_matrix_get (X, c, n * H * W + (r - p) * W + q - p)
                                         : 0.0;
                    }
                abs_sandwich (AL, 5, 5, AL, G, 5, 1, g, G, 5, 1, U);
                abs_sandwich (AL, AL, AL, AL, BT, AL, 1, d, BT, AL, 1, V);
                for (size_t k = 0; k < AL * AL; k++)
                  sum[k] += U[k] * V[k];
              }
            double y[4];
            abs_sandwich (2, AL, AL, 2, AT, AL, 1, sum, AT, AL, 1, y);
            for (size_t i = 0; i < 2 && 2 * ti + i < Ho; i++)
              for (size_t j = 0; j < 2 && 2 * tj + j < Wo; j++)
                gsl_matrix_set (bound, o, n * Ho * Wo + (2 * ti + i) * Wo + 2 * tj + j,
                                gam * (y[i * 2 + j] + (b ? fabs (gsl_vector_get (b, o)) : 0.0)));
          }
}

/* dL/dK's bound, F(5x5, 2x2): gamma_n |G^T| [sum_tiles (|A| |dY| |A^T|) (.)
   (|B^T| |d| |B|)] |G|, n = 24 + B T (15.14) for (15.13): dY's transform
   2 + 2, the input's 4 + 4, the product and the sum over the B T tiles
   B T (in any order, grouped or not), G^T . G 5 + 5 and G's two rounded
   entries; im2col's gamma_{B Ho Wo} in u_ref added */
static void
winograd_grad_weights_bound (const bp_conv_shape *s, size_t B, const gsl_matrix *dY,
                             const gsl_matrix *X, double u, double u_ref, gsl_matrix *bound)
{
  const size_t Cin = s->channels_in, Ho = out_h (s), Wo = out_w (s), H = s->height,
               W = s->width, p = s->pad;
  const size_t th = (Ho + 1) / 2, tw = (Wo + 1) / 2;
  const double gam = gamma_n (24.0 + (double) (B * th * tw), u)
                     + gamma_n ((double) (B * Ho * Wo), u_ref);
  const double *AT = &winograd_AT[0][0], *G = &winograd_G[0][0], *BT = &winograd_BT[0][0];
  for (size_t o = 0; o < s->channels_out; o++)
    for (size_t c = 0; c < Cin; c++)
      {
        double sum[AL * AL] = { 0 };
        for (size_t n = 0; n < B; n++)
          for (size_t ti = 0; ti < th; ti++)
            for (size_t tj = 0; tj < tw; tj++)
              {
                double y[4], d[AL * AL], Z[AL * AL], V[AL * AL];
                for (size_t i = 0; i < 2; i++)
                  for (size_t j = 0; j < 2; j++)
                    {
                      const size_t r = 2 * ti + i, q = 2 * tj + j;
                      y[i * 2 + j] = r < Ho && q < Wo
                                       ? gsl_matrix_get (dY, o, n * Ho * Wo + r * Wo + q) : 0.0;
                    }
                for (size_t uu = 0; uu < AL; uu++)
                  for (size_t v = 0; v < AL; v++)
                    {
                      const size_t r = 2 * ti + uu, q = 2 * tj + v;
                      d[uu * AL + v] = r >= p && r - p < H && q >= p && q - p < W
                                         ? gsl_matrix_get (X, c, n * H * W + (r - p) * W + q - p)
                                         : 0.0;
                    }
                abs_sandwich (AL, 2, 2, AL, AT, 1, AL, y, AT, 1, AL, Z);   /* |A| |y| |A^T| */
                abs_sandwich (AL, AL, AL, AL, BT, AL, 1, d, BT, AL, 1, V);
                for (size_t k = 0; k < AL * AL; k++)
                  sum[k] += Z[k] * V[k];
              }
        double g[25];
        abs_sandwich (5, AL, AL, 5, G, 1, 5, sum, G, 1, 5, g);   /* |G^T| sum |G| */
        for (size_t k = 0; k < 25; k++)
          gsl_matrix_set (bound, o, c * 25 + k, gam * g[k]);
      }
}

/* a random shape: k = 5, every padding 0..4, H and W 1..9 with
   H + 2p >= 5, odd and even */
static bp_conv_shape
random_shape (gsl_rng *rng, bp_conv_algorithm alg)
{
  for (;;)
    {
      bp_conv_shape s = { .channels_in = 1 + gsl_rng_uniform_int (rng, 4),
                          .height = 1 + gsl_rng_uniform_int (rng, 9),
                          .width = 1 + gsl_rng_uniform_int (rng, 9),
                          .channels_out = 1 + gsl_rng_uniform_int (rng, 4), .k = 5,
                          .pad = gsl_rng_uniform_int (rng, 5), .algorithm = alg };
      if (s.height + 2 * s.pad >= 5 && s.width + 2 * s.pad >= 5)
        return s;
    }
}

static gsl_matrix *
random_matrix (gsl_rng *rng, size_t r, size_t c)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)   /* float's values: the float run sees the same */
      gsl_matrix_set (A, i, j, (double) (float) (2.0 * gsl_rng_uniform (rng) - 1.0));
  return A;
}

static gsl_matrix_float *
to_float (const gsl_matrix *A)
{
  gsl_matrix_float *F = gsl_matrix_float_alloc (A->size1, A->size2);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      gsl_matrix_float_set (F, i, j, (float) gsl_matrix_get (A, i, j));
  return F;
}

static gsl_matrix *
to_double (const gsl_matrix_float *F)
{
  gsl_matrix *A = gsl_matrix_alloc (F->size1, F->size2);
  for (size_t i = 0; i < F->size1; i++)
    for (size_t j = 0; j < F->size2; j++)
      gsl_matrix_set (A, i, j, (double) gsl_matrix_float_get (F, i, j));
  return A;
}

/* every element of got within bound of want */
static void
assert_within (const gsl_matrix *got, const gsl_matrix *want, const gsl_matrix *bound,
               const char *what, int trial)
{
  for (size_t i = 0; i < got->size1; i++)
    for (size_t j = 0; j < got->size2; j++)
      {
        const double e = fabs (gsl_matrix_get (got, i, j) - gsl_matrix_get (want, i, j));
        ck_assert_msg (e <= gsl_matrix_get (bound, i, j),
                       "%s (%zu, %zu), trial %d: |%.17g - %.17g| = %g > bound %g", what, i, j,
                       trial, gsl_matrix_get (got, i, j), gsl_matrix_get (want, i, j), e,
                       gsl_matrix_get (bound, i, j));
      }
}

/* K rotated 180 degrees, C_in and C_out swapped: dL/dX's forward */
static gsl_matrix *
rotated (const gsl_matrix *K, size_t Cin)
{
  const size_t Cout = K->size1;
  gsl_matrix *R = gsl_matrix_alloc (Cin, Cout * 25);
  for (size_t o = 0; o < Cout; o++)
    for (size_t c = 0; c < Cin; c++)
      for (size_t k = 0; k < 25; k++)
        gsl_matrix_set (R, c, o * 25 + k, gsl_matrix_get (K, o, c * 25 + 24 - k));
  return R;
}

/* the three batch forms by Winograd (in double, or float when fl) on
   shape w and B images against im2col's in double, on the same
   (float-valued) inputs drawn from rng, which it frees */
static void
compare_shape (int fl, int trial, gsl_rng *rng, bp_conv_shape w, size_t B)
{
  bp_conv_shape s = w;
  s.algorithm = BP_CONV_IM2COL;
  const size_t Cin = s.channels_in, Cout = s.channels_out, HoWo = out_h (&s) * out_w (&s);
  const size_t HW = s.height * s.width;
  gsl_matrix *K = random_matrix (rng, Cout, Cin * 25), *X = random_matrix (rng, Cin, B * HW);
  gsl_matrix *dY = random_matrix (rng, Cout, B * HoWo);
  gsl_matrix *bm = random_matrix (rng, 1, Cout);
  gsl_vector_view b = gsl_matrix_row (bm, 0);
  /* the reference: im2col in double */
  gsl_matrix *cols = gsl_matrix_alloc (Cin * 25, B * HoWo);
  gsl_matrix *Y = gsl_matrix_alloc (Cout, B * HoWo), *dK = gsl_matrix_alloc (Cout, Cin * 25);
  gsl_matrix *dX = gsl_matrix_alloc (Cin, B * HW);
  ck_assert_int_eq (bp_batch_conv (&s, K, &b.vector, X, cols, Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_weights (&s, dY, cols, dK), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_input (&s, K, dY, cols, dX), GSL_SUCCESS);
  /* Winograd */
  size_t lr, lc;
  conv_lowered_size (&w, B, &lr, &lc);
  gsl_matrix *wY, *wdK, *wdX;
  if (fl)
    {
      gsl_matrix_float *fK = to_float (K), *fX = to_float (X), *fdY = to_float (dY);
      gsl_matrix_float *fb = to_float (bm);
      gsl_vector_float_view fbv = gsl_matrix_float_row (fb, 0);
      gsl_matrix_float *fcols = gsl_matrix_float_alloc (lr, lc);
      gsl_matrix_float *fY = gsl_matrix_float_alloc (Cout, B * HoWo);
      gsl_matrix_float *fdK = gsl_matrix_float_alloc (Cout, Cin * 25);
      gsl_matrix_float *fdX = gsl_matrix_float_alloc (Cin, B * HW);
      ck_assert_int_eq (float_batch_conv (&w, fK, &fbv.vector, fX, fcols, fY), GSL_SUCCESS);
      ck_assert_int_eq (float_batch_conv_grad_weights (&w, fdY, fcols, fdK), GSL_SUCCESS);
      ck_assert_int_eq (float_batch_conv_grad_input (&w, fK, fdY, fcols, fdX), GSL_SUCCESS);
      wY = to_double (fY);
      wdK = to_double (fdK);
      wdX = to_double (fdX);
      gsl_matrix_float *f[] = { fK, fX, fdY, fb, fcols, fY, fdK, fdX };
      for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        gsl_matrix_float_free (f[k]);
    }
  else
    {
      gsl_matrix *wcols = gsl_matrix_alloc (lr, lc);
      wY = gsl_matrix_alloc (Cout, B * HoWo);
      wdK = gsl_matrix_alloc (Cout, Cin * 25);
      wdX = gsl_matrix_alloc (Cin, B * HW);
      ck_assert_int_eq (bp_batch_conv (&w, K, &b.vector, X, wcols, wY), GSL_SUCCESS);
      ck_assert_int_eq (bp_batch_conv_grad_weights (&w, dY, wcols, wdK), GSL_SUCCESS);
      ck_assert_int_eq (bp_batch_conv_grad_input (&w, K, dY, wcols, wdX), GSL_SUCCESS);
      gsl_matrix_free (wcols);
    }
  const double u = fl ? FLT_EPSILON / 2 : DBL_EPSILON / 2, u_ref = DBL_EPSILON / 2;
  gsl_matrix *bound = gsl_matrix_alloc (Cout, B * HoWo);
  winograd_error_bound (&w, B, K, &b.vector, X, u, u_ref, bound);
  assert_within (wY, Y, bound, "Y", trial);
  gsl_matrix_free (bound);
  /* dL/dX: the forward of dY, the rotated kernels, pad 4 - p */
  const bp_conv_shape r = { .channels_in = Cout, .height = out_h (&s), .width = out_w (&s),
                            .channels_out = Cin, .k = 5, .pad = 4 - s.pad,
                            .algorithm = BP_CONV_WINOGRAD };
  gsl_matrix *Kr = rotated (K, Cin);
  bound = gsl_matrix_alloc (Cin, B * HW);
  winograd_error_bound (&r, B, Kr, NULL, dY, u, u_ref, bound);
  assert_within (wdX, dX, bound, "dL/dX", trial);
  gsl_matrix_free (bound);
  bound = gsl_matrix_alloc (Cout, Cin * 25);
  winograd_grad_weights_bound (&w, B, dY, X, u, u_ref, bound);
  assert_within (wdK, dK, bound, "dL/dK", trial);
  gsl_matrix_free (bound);
  gsl_matrix *m[] = { K, X, dY, bm, cols, Y, dK, dX, wY, wdK, wdX, Kr };
  for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
    gsl_matrix_free (m[k]);
  gsl_rng_free (rng);
}

/* a random shape (random_shape) and 1 to 3 images */
static void
compare_with_im2col (int fl, int trial)
{
  gsl_rng *rng = test_rng (100 * fl + trial);
  const bp_conv_shape w = random_shape (rng, BP_CONV_WINOGRAD);
  compare_shape (fl, trial, rng, w, 1 + gsl_rng_uniform_int (rng, 3));
}

START_TEST (test_double_against_im2col)
{
  compare_with_im2col (0, _i);
}
END_TEST

START_TEST (test_float_against_im2col)
{
  compare_with_im2col (1, _i);
}
END_TEST

/* Shapes the random ones never reach (conv.c: WINOGRAD_CHUNK 128 tiles
   a chunk, WINOGRAD_LANES 128, WINOGRAD_NB 32): _i / 2 the shape, _i % 2
   float.  0: C_in = 33 (kernels in blocks of 32 and 1), 8 x 8 with p = 2
   (16 tiles of 4 x 4), B = 9: two chunks of 8 and 1 images, two groups
   of dL/dK, a chunk's 32 tile rows filling wino_rows (4) = 32 lanes.
   1: 32 x 32, p = 2, B = 3: 256 tiles, a chunk an image, its 16 tile
   rows transformed 8 (wino_rows (16)) at a time.  2: C_in = C_out = 64,
   8 x 8, p = 2, B = 8: dL/dK's inner sums in pieces of 2^18 / 64^2 = 64
   columns, two to the chunk's 128 */
START_TEST (test_against_im2col_large)
{
  const bp_conv_shape w[] = {
    { .channels_in = 33, .height = 8, .width = 8, .channels_out = 2, .k = 5, .pad = 2,
      .algorithm = BP_CONV_WINOGRAD },
    { .channels_in = 2, .height = 32, .width = 32, .channels_out = 3, .k = 5, .pad = 2,
      .algorithm = BP_CONV_WINOGRAD },
    { .channels_in = 64, .height = 8, .width = 8, .channels_out = 64, .k = 5, .pad = 2,
      .algorithm = BP_CONV_WINOGRAD },
  };
  const size_t B[] = { 9, 3, 8 };
  compare_shape (_i % 2, _i, test_rng (300 + _i), w[_i / 2], B[_i / 2]);
}
END_TEST

/* a shape Winograd does not cover is refused: k != 5, p >= k, an
   algorithm out of range */
START_TEST (test_refused_shapes)
{
  gsl_set_error_handler_off ();
  bp_conv_shape bad[] = {
    { .channels_in = 1, .height = 6, .width = 6, .channels_out = 1, .k = 3, .pad = 1,
      .algorithm = BP_CONV_WINOGRAD },
    { .channels_in = 1, .height = 6, .width = 6, .channels_out = 1, .k = 5, .pad = 5,
      .algorithm = BP_CONV_WINOGRAD },
    { .channels_in = 1, .height = 6, .width = 6, .channels_out = 1, .k = 5, .pad = 2,
      .algorithm = (bp_conv_algorithm) 2 },
  };
  gsl_matrix *K = gsl_matrix_calloc (1, 25), *X = gsl_matrix_calloc (1, 36);
  gsl_matrix *cols = gsl_matrix_calloc (36, 9), *Y = gsl_matrix_calloc (1, 36);
  gsl_vector *b = gsl_vector_calloc (1);
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    ck_assert_int_eq (bp_batch_conv (&bad[k], K, b, X, cols, Y), GSL_EINVAL);
  /* im2col's cols for a Winograd shape: the wrong size */
  const bp_conv_shape w = { .channels_in = 1, .height = 6, .width = 6, .channels_out = 1,
                            .k = 5, .pad = 2, .algorithm = BP_CONV_WINOGRAD };
  gsl_matrix *im2col = gsl_matrix_calloc (25, 36);
  ck_assert_int_eq (bp_batch_conv (&w, K, b, X, im2col, Y), GSL_EBADLEN);
  ck_assert_int_eq (bp_batch_conv (&w, K, b, X, cols, Y), GSL_SUCCESS);
  gsl_matrix *m[] = { K, X, cols, Y, im2col };
  for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
    gsl_matrix_free (m[k]);
  gsl_vector_free (b);
}
END_TEST

/* the CBLAS's threads, when it is OpenBLAS (weak: absent otherwise) */
extern void openblas_set_num_threads (int) __attribute__ ((weak));

static void
set_blas_threads (int n)
{
  if (openblas_set_num_threads)
    openblas_set_num_threads (n);
}

/* the bytes do not depend on the threads, OpenMP's or the CBLAS's: one
   of each, two OpenMP threads with one CBLAS thread, two of each; the
   CNN's conv2 (32 -> 64 channels on 14 x 14, Winograd), several chunks,
   and its conv1 (1 -> 32 on 28 x 28, im2col: its products in pieces on
   OpenMP's threads, dL/dK in fixed groups, conv_batch_source.c).  The
   products' GEMMs are of at most 2^18 products, which OpenBLAS runs on
   the calling thread, so its kernels' split of a product over threads
   (Haswell's differs from Cooperlake's) does not enter. */
START_TEST (test_same_bits_on_threads)
{
  static const bp_conv_shape shapes[] = {
    { .channels_in = 32, .height = 14, .width = 14, .channels_out = 64, .k = 5, .pad = 2,
      .algorithm = BP_CONV_WINOGRAD },
    { .channels_in = 1, .height = 28, .width = 28, .channels_out = 32, .k = 5, .pad = 2 },
  };
  const bp_conv_shape w = shapes[_i];
  const size_t B = 16, HoWo = w.height * w.width, Ci = w.channels_in, Co = w.channels_out;
  gsl_rng *rng = test_rng (7);
  gsl_matrix *K = random_matrix (rng, Co, Ci * 25), *X = random_matrix (rng, Ci, B * HoWo);
  gsl_matrix *dY = random_matrix (rng, Co, B * HoWo), *bm = random_matrix (rng, 1, Co);
  gsl_matrix_float *fK = to_float (K), *fX = to_float (X), *fdY = to_float (dY),
                   *fb = to_float (bm);
  gsl_vector_float_view b = gsl_matrix_float_row (fb, 0);
  size_t lr, lc;
  conv_lowered_size (&w, B, &lr, &lc);
  static const int omp[] = { 1, 2, 2 }, blas[] = { 1, 1, 2 };
  gsl_matrix *out[3][3];
  const int before = test_set_threads (1);
  for (int t = 0; t < 3; t++)
    {
      gsl_matrix_float *cols = gsl_matrix_float_alloc (lr, lc);
      gsl_matrix_float *Y = gsl_matrix_float_alloc (Co, B * HoWo);
      gsl_matrix_float *dK = gsl_matrix_float_alloc (Co, Ci * 25);
      gsl_matrix_float *dX = gsl_matrix_float_alloc (Ci, B * HoWo);
      test_set_threads (omp[t]);
      set_blas_threads (blas[t]);
      ck_assert_int_eq (float_batch_conv (&w, fK, &b.vector, fX, cols, Y), GSL_SUCCESS);
      ck_assert_int_eq (float_batch_conv_grad_weights (&w, fdY, cols, dK), GSL_SUCCESS);
      ck_assert_int_eq (float_batch_conv_grad_input (&w, fK, fdY, cols, dX), GSL_SUCCESS);
      out[t][0] = to_double (Y);
      out[t][1] = to_double (dK);
      out[t][2] = to_double (dX);
      gsl_matrix_float *f[] = { cols, Y, dK, dX };
      for (size_t k = 0; k < 4; k++)
        gsl_matrix_float_free (f[k]);
    }
  test_set_threads (before);
  set_blas_threads (1);
  static const char *const names[] = { "Y", "dL/dK", "dL/dX" };
  for (int m = 0; m < 3; m++)
    {
      for (int t = 1; t < 3; t++)
        {
          test_assert_same_bits (out[0][m], out[t][m], names[m]);
          gsl_matrix_free (out[t][m]);
        }
      gsl_matrix_free (out[0][m]);
    }
  gsl_matrix_float *f[] = { fK, fX, fdY, fb };
  for (size_t k = 0; k < 4; k++)
    gsl_matrix_float_free (f[k]);
  gsl_matrix *m[] = { K, X, dY, bm };
  for (size_t k = 0; k < 4; k++)
    gsl_matrix_free (m[k]);
  gsl_rng_free (rng);
}
END_TEST

/* float64's im2col products stay one GEMM at any thread count (float32's
   are pieces and groups, conv_batch_source.c): the CNN's conv1 at two
   OpenMP threads, Y and dL/dK bit for bit those of one dgemm each on the
   same cols, Y = K cols + b 1^T and dL/dK = dL/dY cols^T (15.6), (15.7) */
START_TEST (test_double_im2col_one_gemm)
{
  const bp_conv_shape w = { .channels_in = 1, .height = 28, .width = 28, .channels_out = 32,
                            .k = 5, .pad = 2 };
  const size_t B = 16, HoWo = 784, Co = 32;
  gsl_rng *rng = test_rng (8);
  gsl_matrix *K = random_matrix (rng, Co, 25), *X = random_matrix (rng, 1, B * HoWo);
  gsl_matrix *dY = random_matrix (rng, Co, B * HoWo), *bm = random_matrix (rng, Co, 1);
  gsl_vector_view b = gsl_matrix_column (bm, 0);
  size_t lr, lc;
  conv_lowered_size (&w, B, &lr, &lc);
  gsl_matrix *cols = gsl_matrix_alloc (lr, lc), *Y = gsl_matrix_alloc (Co, B * HoWo);
  gsl_matrix *dK = gsl_matrix_alloc (Co, 25), *Yr = gsl_matrix_alloc (Co, B * HoWo);
  gsl_matrix *dKr = gsl_matrix_alloc (Co, 25), *ones = gsl_matrix_alloc (1, B * HoWo);
  const int before = test_set_threads (2);
  set_blas_threads (1);
  ck_assert_int_eq (bp_batch_conv (&w, K, &b.vector, X, cols, Y), GSL_SUCCESS);
  ck_assert_int_eq (bp_batch_conv_grad_weights (&w, dY, cols, dK), GSL_SUCCESS);
  test_set_threads (before);
  gsl_matrix_set_all (ones, 1.0);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, bm, ones, 0.0, Yr);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, K, cols, 1.0, Yr);
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, dY, cols, 0.0, dKr);
  test_assert_same_bits (Yr, Y, "Y");
  test_assert_same_bits (dKr, dK, "dL/dK");
  gsl_matrix *m[] = { K, X, dY, bm, cols, Y, dK, Yr, dKr, ones };
  for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
    gsl_matrix_free (m[k]);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
winograd_suite (void)
{
  Suite *s = suite_create ("winograd");
  TCase *tc = tcase_create ("F(2x2, 5x5)");
  tcase_add_test (tc, test_matrices_from_points);
  tcase_add_test (tc, test_identities_exact);
  tcase_add_loop_test (tc, test_double_against_im2col, 0, 40);
  tcase_add_loop_test (tc, test_float_against_im2col, 0, 40);
  tcase_add_loop_test (tc, test_against_im2col_large, 0, 6);
  tcase_add_test (tc, test_refused_shapes);
  tcase_add_loop_test (tc, test_same_bits_on_threads, 0, 2);
  tcase_add_test (tc, test_double_im2col_one_gemm);
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { winograd_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
