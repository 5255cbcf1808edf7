/* winograd_source.c -- the 5x5 convolution's batch forms by Winograd's
   F(2x2, 5x5) (Lavin and Gray 2016), once for the real arithmetics
   (templates_on.h: double, float; conv.c includes it before
   conv_batch_source.c, whose bp_batch_conv* call it for
   BP_CONV_WINOGRAD).  derivations/15-convolution.md, "Winograd".

   The three products share the transforms (winograd.h's matrices):
     forward, per 2x2 output tile of a 6x6 input tile d (15.1):
       Y = A^T [sum_c (G K[o,c] G^T) (.) (B^T d_c B)] A + b_o,
       for each of the 36 points xi one GEMM over the channels:
       M_xi = U_xi V_xi, U_xi = (G K G^T)_xi  C_out x C_in,
                          V_xi = (B^T d B)_xi  C_in x (B T);
     dL/dX (15.3): the forward of dL/dY with K[o,c] rotated 180 degrees,
       C_in and C_out swapped, pad k - 1 - p: M_xi = U'_xi^T W_xi;
     dL/dK (15.2), F(5x5, 2x2) with the same matrices in swapped roles:
       dK[o,c] = G^T [sum_tiles (A dZ_tile A^T) (.) (B^T d_c B)] G,
       the sum over the tiles and images one GEMM per xi,
       (C_out x B T) (B T x C_in).
   Tile t = ti tw + tj of image n covers the outputs 2 ti + i, 2 tj + j
   (i, j < 2; th = ceil(Ho/2), tw = ceil(Wo/2), T = th tw), and the padded
   input rows 2 ti + u, columns 2 tj + v (u, v < 6): zero outside the
   image, so the last tiles of an odd Ho or Wo compute outputs that are
   dropped.

   Threads: one OpenMP region a product; the chunks of whole images
   (WINOGRAD_CHUNK columns) are shared out statically, each transformed,
   multiplied and transformed back on one thread, its GEMMs in pieces of
   at most 2^18 products, which OpenBLAS computes on the calling thread
   (its GEMM_MULTITHREAD_THRESHOLD): no thread pool inside the region.
   dL/dK's sum over the chunks is in WINOGRAD_PARTS fixed groups added
   in order.  Every value is computed by one thread in an order that
   depends on the shape alone, so the bytes do not depend on the number
   of threads, OpenMP's or the CBLAS's. */

/* o[x] = sum_v M[r, v] d[v ds + x] for x < nl: each sum from its first
   nonzero term, in the order of v, kept in a register and stored once
   (a separate pass a term, its first a copy, cost a memmove a row) */
static inline __attribute__ ((always_inline)) void
FUNCTION (wino, combine) (const wino_mat M, size_t r, const ATOMIC *restrict d, size_t ds,
                          ATOMIC *restrict o, size_t nl)
{
#pragma omp simd
  for (size_t x = 0; x < nl; x++)
    {
      ATOMIC acc = ZERO;
      int first = 1;
#pragma GCC unroll 6
      for (size_t v = 0; v < M.cols; v++)
        {
          const ATOMIC c = (ATOMIC) wino_at (M, r, v);
          if (c != ZERO)
            {
              acc = first ? c * d[v * ds + x] : acc + c * d[v * ds + x];
              first = 0;
            }
        }
      o[x] = acc;
    }
}

/* out = L in Rt^T for nl tiles at once: in L.cols x Rt.cols entries is
   apart, out L.rows x Rt.rows entries os apart, tmp L.cols x Rt.rows
   entries nl apart; each entry a vector of nl contiguous tiles.  Inlined
   with its constant matrices, unrolled: the zero entries drop out and the
   tiles' loops vectorize. */
static inline __attribute__ ((always_inline)) void
FUNCTION (wino, sandwich) (const wino_mat L, const wino_mat Rt, const ATOMIC *restrict in,
                           size_t is, ATOMIC *restrict tmp, ATOMIC *restrict out, size_t os,
                           size_t nl)
{
  /* tmp = in Rt^T, row u of in by row j of Rt */
#pragma GCC unroll 6
  for (size_t u = 0; u < L.cols; u++)
#pragma GCC unroll 6
    for (size_t j = 0; j < Rt.rows; j++)
      FUNCTION (wino, combine) (Rt, j, in + u * Rt.cols * is, is,
                                tmp + (u * Rt.rows + j) * nl, nl);
  /* out = L tmp, column j of tmp by row i of L */
#pragma GCC unroll 6
  for (size_t i = 0; i < L.rows; i++)
#pragma GCC unroll 6
    for (size_t j = 0; j < Rt.rows; j++)
      FUNCTION (wino, combine) (L, i, tmp + j * nl, Rt.rows * nl,
                                out + (i * Rt.rows + j) * os, nl);
}

/* to[0 .. WINOGRAD_RUN) = from[0 .. WINOGRAD_RUN), apart: a memcpy of
   constant size is vector moves (GCC made the loop of element copies a
   memmove call a run, the restrict lost in the inlining) */
static inline __attribute__ ((always_inline)) void
FUNCTION (wino, run) (ATOMIC *restrict to, const ATOMIC *restrict from)
{
  memcpy (to, from, WINOGRAD_RUN * sizeof (ATOMIC));
}

/* The chunk's tile rows R = (n - n0) th + ti are transformed wino_rows
   (tw) at a time, their tiles the vectors' lanes x = (R - R0) tw + tj,
   the same order as the GEMMs' columns (n - n0) T + t = R tw + tj. */

/* V[(xi C + c) ldv + (n - n0) T + t] = (B^T d B)_xi, d the 6x6 tile t of
   channel c of image n of X, C x (B H W), for n0 <= n < n1; sc a
   thread's wino_scratch (s, n1 - n0).  The chunk's images of channel c
   are padded into sc, each row's even and odd columns apart, so that a
   tile row's (u, v) values are a contiguous run of tw. */
static WINO_ISA void
FUNCTION (wino, input) (const bp_conv_shape *s, const TYPE (gsl_matrix) *X, size_t n0,
                        size_t n1, ATOMIC *V, size_t ldv, ATOMIC *sc)
{
  const size_t C = s->channels_in, H = s->height, W = s->width, p = s->pad;
  const size_t tw = (out_width (s) + 1) / 2, th = (out_height (s) + 1) / 2;
  const size_t hp = 2 * th + 4, wh = tw + 2, g = wino_rows (tw), rows = (n1 - n0) * th;
  ATOMIC *pad = sc, *d = pad + (n1 - n0) * hp * 2 * wh, *tmp = d + 36 * g * tw;
  /* pad[(((n - n0) hp + r) 2 + q mod 2) wh + q / 2] = the padded input at
     (r, q): zero, then the image's rows */
  for (size_t k = 0; k < (n1 - n0) * hp * 2 * wh; k++)
    pad[k] = ZERO;
  for (size_t c = 0; c < C; c++)
    {
      for (size_t n = n0; n < n1; n++)
        for (size_t r = 0; r < H; r++)
          {
            const ATOMIC *in = X->data + c * X->tda + n * H * W + r * W;
            ATOMIC *row = pad + ((n - n0) * hp + r + p) * 2 * wh;
            /* the padded columns q + p, the even ones, then the odd */
            ATOMIC *even = row + (p + 1) / 2, *odd = row + wh + p / 2;
            for (size_t q = p % 2; q < W; q += 2)
              *even++ = in[q];
            for (size_t q = 1 - p % 2; q < W; q += 2)
              *odd++ = in[q];
          }
      for (size_t R0 = 0; R0 < rows; R0 += g)
        {
          const size_t R1 = R0 + g < rows ? R0 + g : rows, nl = (R1 - R0) * tw;
          /* runs of WINOGRAD_RUN values (one vector move each), the tail
             past tw written over by the next run or falling into tmp */
          size_t top[WINOGRAD_LANES];   /* tile row R0 + i's first padded row */
          for (size_t i = 0; i < R1 - R0; i++)
            top[i] = ((R0 + i) / th * hp + 2 * ((R0 + i) % th)) * 2 * wh;
          for (size_t u = 0; u < 6; u++)
            for (size_t v = 0; v < 6; v++)
              for (size_t R = R0; R < R1; R++)
                {
                  /* cppcheck-suppress uninitvar ; top is set for the same R0 <= R < R1 */
                  const ATOMIC *from = pad + top[R - R0] + (u * 2 + v % 2) * wh + v / 2;
                  ATOMIC *to = d + (u * 6 + v) * nl + (R - R0) * tw;
                  for (size_t tj = 0; tj < tw; tj += WINOGRAD_RUN)
                    FUNCTION (wino, run) (to + tj, from + tj);
                }
          FUNCTION (wino, sandwich) (wino_BT, wino_BT, d, nl, tmp, V + c * ldv + R0 * tw,
                                     C * ldv, nl);
        }
    }
}

/* Y[o, n, 2 ti + i, 2 tj + j] = (A^T m A)_ij (+ b_o when b), m the 36
   values M[(xi C_out + o) ldm + (n - n0) T + t], inside Ho x Wo; sc a
   thread's wino_scratch */
static WINO_ISA void
FUNCTION (wino, output) (const bp_conv_shape *s, const ATOMIC *M, size_t ldm, size_t n0,
                         size_t n1, const TYPE (gsl_vector) *b, TYPE (gsl_matrix) *Y,
                         ATOMIC *sc)
{
  const size_t Cout = s->channels_out, Ho = out_height (s), Wo = out_width (s);
  const size_t tw = (Wo + 1) / 2, th = (Ho + 1) / 2, g = wino_rows (tw), rows = (n1 - n0) * th;
  ATOMIC *out = sc, *tmp = out + 4 * g * tw;
  for (size_t o = 0; o < Cout; o++)
    {
      const ATOMIC bias = b ? VGET (b, o) : ZERO;
      for (size_t R0 = 0; R0 < rows; R0 += g)
        {
          const size_t R1 = R0 + g < rows ? R0 + g : rows, nl = (R1 - R0) * tw;
          FUNCTION (wino, sandwich) (wino_AT, wino_AT, M + o * ldm + R0 * tw, Cout * ldm, tmp,
                                     out, nl, nl);
          for (size_t R = R0; R < R1; R++)
            {
              const size_t ti = R % th;
              ATOMIC *img = Y->data + o * Y->tda + (n0 + R / th) * Ho * Wo;
              for (size_t i = 0; i < 2 && 2 * ti + i < Ho; i++)
                for (size_t j = 0; j < 2; j++)
                  {
                    const ATOMIC *y = out + (i * 2 + j) * nl + (R - R0) * tw;
                    ATOMIC *to = img + (2 * ti + i) * Wo + j;
                    for (size_t tj = 0; tj < tw && 2 * tj + j < Wo; tj++)
                      to[2 * tj] = b ? y[tj] + bias : y[tj];
                  }
            }
        }
    }
}

/* Z[(xi C_out + o) ldz + (n - n0) T + t] = (A g A^T)_xi, g the 2x2 tile t
   of dL/dY[o, n] (0 outside Ho x Wo): output's adjoint; sc a thread's
   wino_scratch */
static WINO_ISA void
FUNCTION (wino, output_adjoint) (const bp_conv_shape *s, const TYPE (gsl_matrix) *dY,
                                 size_t n0, size_t n1, ATOMIC *Z, size_t ldz, ATOMIC *sc)
{
  const size_t Cout = s->channels_out, Ho = out_height (s), Wo = out_width (s);
  const size_t tw = (Wo + 1) / 2, th = (Ho + 1) / 2, g = wino_rows (tw), rows = (n1 - n0) * th;
  ATOMIC *gt = sc, *tmp = gt + 4 * g * tw;
  for (size_t o = 0; o < Cout; o++)
    for (size_t R0 = 0; R0 < rows; R0 += g)
      {
        const size_t R1 = R0 + g < rows ? R0 + g : rows, nl = (R1 - R0) * tw;
        for (size_t R = R0; R < R1; R++)
          {
            const size_t ti = R % th;
            const ATOMIC *img = dY->data + o * dY->tda + (n0 + R / th) * Ho * Wo;
            for (size_t i = 0; i < 2; i++)
              for (size_t j = 0; j < 2; j++)
                {
                  ATOMIC *to = gt + (i * 2 + j) * nl + (R - R0) * tw;
                  const ATOMIC *from = img + (2 * ti + i) * Wo + j;
                  for (size_t tj = 0; tj < tw; tj++)
                    to[tj] = 2 * ti + i < Ho && 2 * tj + j < Wo ? from[2 * tj] : ZERO;
                }
          }
        FUNCTION (wino, sandwich) (wino_A, wino_A, gt, nl, tmp, Z + o * ldz + R0 * tw,
                                   Cout * ldz, nl);
      }
}

/* U[(xi C_out + o) C_in + c] = (G g G^T)_xi, g = K[o, c], rotated 180
   degrees when rot */
static WINO_ISA void
FUNCTION (wino, kernels) (const TYPE (gsl_matrix) *K, size_t Cin, int rot, ATOMIC *U)
{
  const size_t Cout = K->size1;
  ATOMIC d[36 * WINOGRAD_NB] = { 0 }, tmp[36 * WINOGRAD_NB];
  for (size_t o = 0; o < Cout; o++)
    for (size_t c0 = 0; c0 < Cin; c0 += WINOGRAD_NB)
      {
        const size_t cnt = Cin - c0 < WINOGRAD_NB ? Cin - c0 : WINOGRAD_NB;
        const ATOMIC *row = K->data + o * K->tda;
        /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: c0 < Cin */
        for (size_t x = 0; x < cnt; x++)
          for (size_t ae = 0; ae < 25; ae++)
            d[ae * cnt + x] = row[(c0 + x) * 25 + (rot ? 24 - ae : ae)];
        FUNCTION (wino, sandwich) (wino_G, wino_G, d, cnt, tmp, U + o * Cin + c0, Cout * Cin,
                                   cnt);
      }
}

/* dK[o, (c k + a) k + e] = (G^T D G)_ae, D the 36 values
   D[(xi C_out + o) C_in + c]: kernels' adjoint */
static WINO_ISA void
FUNCTION (wino, kernels_adjoint) (const ATOMIC *D, size_t Cin, TYPE (gsl_matrix) *dK)
{
  const size_t Cout = dK->size1;
  ATOMIC tmp[36 * WINOGRAD_NB], out[25 * WINOGRAD_NB];
  for (size_t o = 0; o < Cout; o++)
    for (size_t c0 = 0; c0 < Cin; c0 += WINOGRAD_NB)
      {
        const size_t cnt = Cin - c0 < WINOGRAD_NB ? Cin - c0 : WINOGRAD_NB;
        FUNCTION (wino, sandwich) (wino_GT, wino_GT, D + o * Cin + c0, Cout * Cin, tmp, out,
                                   cnt, cnt);
        ATOMIC *row = dK->data + o * dK->tda;
        /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: c0 < Cin */
        for (size_t x = 0; x < cnt; x++)
          for (size_t ae = 0; ae < 25; ae++)
            row[(c0 + x) * 25 + ae] = out[ae * cnt + x];
      }
}

/* For each point xi: P_xi = op(L_xi) R_xi, the stored L_xi lr x lc at
   L + xi lr lc (op: transposed when tl), R_xi inner x nc (rows ldr
   apart) at R + xi inner ldr, P_xi pr x nc at P + xi pr nc; in pieces
   of P's columns of at most WINOGRAD_PIECE products (conv.c) */
static int
FUNCTION (wino, gemms) (CBLAS_TRANSPOSE_t tl, const ATOMIC *L, size_t lr, size_t lc,
                        const ATOMIC *R, size_t ldr, ATOMIC *P, size_t nc)
{
  const size_t pr = tl == CblasNoTrans ? lr : lc, inner = tl == CblasNoTrans ? lc : lr;
  const size_t piece = gemm_piece (pr, inner);
  for (size_t xi = 0; xi < 36; xi++)
    {
      VIEW (gsl_matrix, const_view) l
        = FUNCTION (gsl_matrix, const_view_array) (L + xi * lr * lc, lr, lc);
      for (size_t k0 = 0; k0 < nc; k0 += piece)
        {
          const size_t kk = nc - k0 < piece ? nc - k0 : piece;
          VIEW (gsl_matrix, const_view) r = FUNCTION (gsl_matrix, const_view_array_with_tda)
            (R + xi * inner * ldr + k0, inner, kk, ldr);
          VIEW (gsl_matrix, view) prod = FUNCTION (gsl_matrix, view_array_with_tda)
            (P + xi * pr * nc + k0, pr, kk, nc);
          const int status = GEMM (tl, CblasNoTrans, ONE, &l.matrix, &r.matrix, ZERO,
                                   &prod.matrix);
          if (status != GSL_SUCCESS)
            return status;
        }
    }
  return GSL_SUCCESS;
}

/* images a chunk: about WINOGRAD_CHUNK columns of the GEMMs */
static size_t
FUNCTION (wino, chunk) (size_t T, size_t B)
{
  const size_t nb = T < WINOGRAD_CHUNK ? WINOGRAD_CHUNK / T : 1;
  return nb < B ? nb : B;
}

/* Y = A^T [U (.) cols] A + b, cols = B^T X B (bp_batch_conv); a chunk
   of images a step, its V in cols, its M in the thread's buffer */
static int
FUNCTION (wino, forward) (const bp_conv_shape *s, size_t B, const TYPE (gsl_matrix) *K,
                          const TYPE (gsl_vector) *b, const TYPE (gsl_matrix) *X,
                          TYPE (gsl_matrix) *cols, TYPE (gsl_matrix) *Y)
{
  const size_t Cin = s->channels_in, Cout = s->channels_out, T = tiles (s);
  const size_t nb = FUNCTION (wino, chunk) (T, B), chunks = (B + nb - 1) / nb;
  const int nt = region_threads (chunks, 36 * Cin * B * T);
  const size_t per = 36 * Cout * nb * T + wino_scratch (s, nb);
  ATOMIC *U = malloc (36 * Cout * Cin * sizeof (ATOMIC));
  ATOMIC *buf = calloc ((size_t) nt * per, sizeof (ATOMIC));   /* the runs read past */
  int status = U && buf ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      FUNCTION (wino, kernels) (K, Cin, 0, U);
      REGION_PARALLEL_FOR
      for (size_t k = 0; k < chunks; k++)
        {
          const size_t n0 = k * nb, n1 = n0 + nb < B ? n0 + nb : B, nc = (n1 - n0) * T;
          ATOMIC *M = buf + region_thread () * per, *sc = M + 36 * Cout * nb * T;
          FUNCTION (wino, input) (s, X, n0, n1, cols->data + n0 * T, cols->tda, sc);
          const int st = FUNCTION (wino, gemms) (CblasNoTrans, U, Cout, Cin,
                                                 cols->data + n0 * T, cols->tda, M, nc);
          if (st != GSL_SUCCESS)
            REGION_FAIL (status, st);
          else
            FUNCTION (wino, output) (s, M, nc, n0, n1, b, Y, sc);
        }
    }
  free (U);
  free (buf);
  if (status == GSL_ENOMEM)
    GSL_ERROR (NAME (bp, batch_conv) ": out of memory", GSL_ENOMEM);
  return status;
}

/* dK = G^T [sum_tiles (A dY A^T) (.) cols] G (bp_batch_conv_grad_weights).
   D_xi = sum over the tiles of Z_xi cols_xi^T: the chunks in
   WINOGRAD_PARTS groups, a group's sum on one thread (its GEMMs' inner
   sums in pieces of WINOGRAD_PIECE products, added in order), then the
   groups' sums added in order. */
static int
FUNCTION (wino, grad_weights) (const bp_conv_shape *s, size_t B,
                               const TYPE (gsl_matrix) *dL_dY, const TYPE (gsl_matrix) *cols,
                               TYPE (gsl_matrix) *dL_dK)
{
  const size_t Cin = s->channels_in, Cout = s->channels_out, T = tiles (s);
  const size_t nb = FUNCTION (wino, chunk) (T, B), chunks = (B + nb - 1) / nb;
  const size_t parts = chunks < WINOGRAD_PARTS ? chunks : WINOGRAD_PARTS;
  const size_t piece = gemm_piece (Cout, Cin), nd = 36 * Cout * Cin;
  const int nt = region_threads (parts, 36 * Cout * B * T);
  const size_t per = 36 * Cout * nb * T + wino_scratch (s, nb);
  ATOMIC *D = malloc (parts * nd * sizeof (ATOMIC));
  ATOMIC *buf = calloc ((size_t) nt * per, sizeof (ATOMIC));   /* the runs read past */
  int status = D && buf ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      REGION_PARALLEL
      {
        REGION_FOR
        /* cppcheck-suppress knownConditionTrueFalse ; parts >= 1: B >= 1, nb >= 1 */
        for (size_t q = 0; q < parts; q++)
          {
            ATOMIC *Z = buf + region_thread () * per, *sc = Z + 36 * Cout * nb * T;
            const size_t k0 = q * chunks / parts, k1 = (q + 1) * chunks / parts;
            for (size_t k = k0; k < k1; k++)
              {
                const size_t n0 = k * nb, n1 = n0 + nb < B ? n0 + nb : B, nc = (n1 - n0) * T;
                FUNCTION (wino, output_adjoint) (s, dL_dY, n0, n1, Z, nc, sc);
                for (size_t xi = 0; xi < 36; xi++)
                  for (size_t j0 = 0; j0 < nc; j0 += piece)
                    {
                      const size_t kk = nc - j0 < piece ? nc - j0 : piece;
                      VIEW (gsl_matrix, const_view) z = FUNCTION (gsl_matrix,
                        const_view_array_with_tda) (Z + xi * Cout * nc + j0, Cout, kk, nc);
                      VIEW (gsl_matrix, const_view) v = FUNCTION (gsl_matrix, const_submatrix)
                        (cols, xi * Cin, n0 * T + j0, Cin, kk);
                      VIEW (gsl_matrix, view) d = FUNCTION (gsl_matrix, view_array)
                        (D + q * nd + xi * Cout * Cin, Cout, Cin);
                      const int st = GEMM (CblasNoTrans, CblasTrans, ONE, &z.matrix, &v.matrix,
                                           k > k0 || j0 ? ONE : ZERO, &d.matrix);
                      if (st != GSL_SUCCESS)
                        REGION_FAIL (status, st);
                    }
              }
          }
        REGION_FOR
        for (size_t e = 0; e < nd; e++)
          /* cppcheck-suppress knownConditionTrueFalse ; parts >= 1, as above */
          for (size_t q = 1; q < parts; q++)
            D[e] += D[q * nd + e];
      }
      if (status == GSL_SUCCESS)
        FUNCTION (wino, kernels_adjoint) (D, Cin, dL_dK);
    }
  free (D);
  free (buf);
  if (status == GSL_ENOMEM)
    GSL_ERROR (NAME (bp, batch_conv_grad_weights) ": out of memory", GSL_ENOMEM);
  return status;
}

/* dX = the forward of dY with the rotated kernels, C_in and C_out
   swapped, pad k - 1 - p (bp_batch_conv_grad_input) */
static int
FUNCTION (wino, grad_input) (const bp_conv_shape *s, size_t B, const TYPE (gsl_matrix) *K,
                             const TYPE (gsl_matrix) *dL_dY, TYPE (gsl_matrix) *dL_dX)
{
  const bp_conv_shape r = { .channels_in = s->channels_out, .height = out_height (s),
                            .width = out_width (s), .channels_out = s->channels_in,
                            .k = s->k, .pad = s->k - 1 - s->pad,
                            .algorithm = BP_CONV_WINOGRAD };
  const size_t Cin = s->channels_in, Cout = s->channels_out, T = tiles (&r);
  const size_t nb = FUNCTION (wino, chunk) (T, B), chunks = (B + nb - 1) / nb;
  const int nt = region_threads (chunks, 36 * Cout * B * T);
  const size_t per = 36 * (Cout + Cin) * nb * T + wino_scratch (&r, nb);
  ATOMIC *U = malloc (36 * Cout * Cin * sizeof (ATOMIC));
  ATOMIC *buf = calloc ((size_t) nt * per, sizeof (ATOMIC));   /* the runs read past */
  int status = U && buf ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)   /* U_xi C_out x C_in: U'_xi = U_xi^T */
    {
      FUNCTION (wino, kernels) (K, Cin, 1, U);
      REGION_PARALLEL_FOR
      for (size_t k = 0; k < chunks; k++)
        {
          const size_t n0 = k * nb, n1 = n0 + nb < B ? n0 + nb : B, nc = (n1 - n0) * T;
          ATOMIC *V = buf + region_thread () * per, *M = V + 36 * Cout * nb * T;
          ATOMIC *sc = M + 36 * Cin * nb * T;
          FUNCTION (wino, input) (&r, dL_dY, n0, n1, V, nc, sc);
          const int st = FUNCTION (wino, gemms) (CblasTrans, U, Cout, Cin, V, nc, M, nc);
          if (st != GSL_SUCCESS)
            REGION_FAIL (status, st);
          else
            FUNCTION (wino, output) (&r, M, nc, n0, n1, NULL, dL_dX, sc);
        }
    }
  free (U);
  free (buf);
  if (status == GSL_ENOMEM)
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": out of memory", GSL_ENOMEM);
  return status;
}
