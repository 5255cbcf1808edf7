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
   dropped.  Each tile is transformed as on one thread and the GEMMs'
   inner sums are over channels or tiles in a fixed order (chunks of
   whole images, WINOGRAD_CHUNK), so the bytes do not depend on the
   number of threads. */

/* out = L in Rt^T for WINOGRAD_NB tiles at once: in L.cols x Rt.cols,
   out L.rows x Rt.rows, tmp L.cols x Rt.rows, each entry a vector of
   WINOGRAD_NB tiles.  Inlined with its constant matrices, unrolled: the
   zero entries drop out and the tiles' loops vectorize. */
static inline __attribute__ ((always_inline)) void
FUNCTION (wino, sandwich) (const wino_mat L, const wino_mat Rt, const ATOMIC *restrict in,
                           ATOMIC *restrict tmp, ATOMIC *restrict out)
{
  /* each sum starts at its first nonzero term (the matrices have one in
     every row): no zeros to store */
#pragma GCC unroll 6
  for (size_t u = 0; u < L.cols; u++)
#pragma GCC unroll 6
    for (size_t j = 0; j < Rt.rows; j++)
      {
        ATOMIC *restrict t = tmp + (u * Rt.rows + j) * WINOGRAD_NB;
        int first = 1;
#pragma GCC unroll 6
        for (size_t v = 0; v < Rt.cols; v++)
          {
            const ATOMIC c = (ATOMIC) wino_at (Rt, j, v);
            if (c == ZERO)
              continue;
            const ATOMIC *restrict d = in + (u * Rt.cols + v) * WINOGRAD_NB;
            if (first)
#pragma omp simd
              for (size_t x = 0; x < WINOGRAD_NB; x++)
                t[x] = c * d[x];
            else
#pragma omp simd
              for (size_t x = 0; x < WINOGRAD_NB; x++)
                t[x] += c * d[x];
            first = 0;
          }
      }
#pragma GCC unroll 6
  for (size_t i = 0; i < L.rows; i++)
#pragma GCC unroll 6
    for (size_t j = 0; j < Rt.rows; j++)
      {
        ATOMIC *restrict o = out + (i * Rt.rows + j) * WINOGRAD_NB;
        int first = 1;
#pragma GCC unroll 6
        for (size_t u = 0; u < L.cols; u++)
          {
            const ATOMIC c = (ATOMIC) wino_at (L, i, u);
            if (c == ZERO)
              continue;
            const ATOMIC *restrict d = tmp + (u * Rt.rows + j) * WINOGRAD_NB;
            if (first)
#pragma omp simd
              for (size_t x = 0; x < WINOGRAD_NB; x++)
                o[x] = c * d[x];
            else
#pragma omp simd
              for (size_t x = 0; x < WINOGRAD_NB; x++)
                o[x] += c * d[x];
            first = 0;
          }
      }
}

/* dst[0 .. cnt) = src[0 .. cnt), cnt <= WINOGRAD_NB: a whole block's
   copy has a constant length, which vectorizes */
static inline void
FUNCTION (wino, copy) (ATOMIC *restrict dst, const ATOMIC *restrict src, size_t cnt)
{
  if (cnt == WINOGRAD_NB)
    {
#pragma omp simd
      for (size_t x = 0; x < WINOGRAD_NB; x++)
        dst[x] = src[x];
    }
  else
    memcpy (dst, src, cnt * sizeof (ATOMIC));
}

/* V[(xi C + c) ldv + (n - n0) T + t] = (B^T d B)_xi, d the 6x6 tile t of
   channel c of image n of X, C x (B H W), for n0 <= n < n1: the chunk's
   columns j = (n - n0) T + t in blocks of WINOGRAD_NB */
static void
FUNCTION (wino, input) (const bp_conv_shape *s, const TYPE (gsl_matrix) *X, size_t n0,
                        size_t n1, ATOMIC *V, size_t ldv)
{
  const size_t C = s->channels_in, H = s->height, W = s->width, p = s->pad;
  const size_t tw = (out_width (s) + 1) / 2, T = tiles (s), nc = (n1 - n0) * T;
  const size_t blocks = (nc + WINOGRAD_NB - 1) / WINOGRAD_NB;
  const int big = C * nc * 36 >= PARALLEL_FROM;
  (void) big;
  PARALLEL_FOR
  for (size_t cb = 0; cb < C * blocks; cb++)
    {
      const size_t c = cb / blocks, j0 = cb % blocks * WINOGRAD_NB;
      const size_t cnt = nc - j0 < WINOGRAD_NB ? nc - j0 : WINOGRAD_NB;
      ATOMIC d[36 * WINOGRAD_NB], tmp[36 * WINOGRAD_NB], out[36 * WINOGRAD_NB];
      for (size_t x = 0; x < WINOGRAD_NB; x++)
        {
          /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: j0 < nc, c0 < Cin */
          if (x >= cnt)   /* past the chunk: zeros, their results not kept */
            {
              for (size_t uv = 0; uv < 36; uv++)
                d[uv * WINOGRAD_NB + x] = ZERO;
              continue;
            }
          const size_t n = n0 + (j0 + x) / T, t = (j0 + x) % T, ti = t / tw, tj = t % tw;
          const ATOMIC *img = X->data + c * X->tda + n * H * W;
          if (2 * ti >= p && 2 * ti + 6 <= H + p && 2 * tj >= p && 2 * tj + 6 <= W + p)
            {   /* inside the image */
              const ATOMIC *corner = img + (2 * ti - p) * W + 2 * tj - p;
              for (size_t u = 0; u < 6; u++)
                for (size_t v = 0; v < 6; v++)
                  d[(u * 6 + v) * WINOGRAD_NB + x] = corner[u * W + v];
              continue;
            }
          for (size_t u = 0; u < 6; u++)
            {
              const size_t r = 2 * ti + u;   /* the padded row; r - p in the image */
              const int inside = r >= p && r - p < H;
              for (size_t v = 0; v < 6; v++)
                {
                  const size_t q = 2 * tj + v;
                  d[(u * 6 + v) * WINOGRAD_NB + x]
                    = inside && q >= p && q - p < W ? img[(r - p) * W + q - p] : ZERO;
                }
            }
        }
      FUNCTION (wino, sandwich) (wino_BT, wino_BT, d, tmp, out);
      for (size_t xi = 0; xi < 36; xi++)
        FUNCTION (wino, copy) (V + (xi * C + c) * ldv + j0, out + xi * WINOGRAD_NB, cnt);
    }
}

/* U[(xi C_out + o) C_in + c] = (G g G^T)_xi, g = K[o, c], rotated 180
   degrees when rot */
static void
FUNCTION (wino, kernels) (const TYPE (gsl_matrix) *K, size_t Cin, int rot, ATOMIC *U)
{
  const size_t Cout = K->size1;
  ATOMIC d[36 * WINOGRAD_NB] = { 0 }, tmp[36 * WINOGRAD_NB], out[36 * WINOGRAD_NB];
  for (size_t o = 0; o < Cout; o++)
    for (size_t c0 = 0; c0 < Cin; c0 += WINOGRAD_NB)
      {
        const size_t cnt = Cin - c0 < WINOGRAD_NB ? Cin - c0 : WINOGRAD_NB;
        const ATOMIC *row = K->data + o * K->tda;
        /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: j0 < nc, c0 < Cin */
        for (size_t x = 0; x < cnt; x++)
          for (size_t ae = 0; ae < 25; ae++)
            d[ae * WINOGRAD_NB + x] = row[(c0 + x) * 25 + (rot ? 24 - ae : ae)];
        FUNCTION (wino, sandwich) (wino_G, wino_G, d, tmp, out);
        for (size_t xi = 0; xi < 36; xi++)
          memcpy (U + (xi * Cout + o) * Cin + c0, out + xi * WINOGRAD_NB, cnt * sizeof (ATOMIC));
      }
}

/* Y[o, n, 2 ti + i, 2 tj + j] = (A^T m A)_ij (+ b_o when b), m the 36
   values M[(xi C_out + o) ldm + (n - n0) T + t], inside Ho x Wo */
static void
FUNCTION (wino, output) (const bp_conv_shape *s, const ATOMIC *M, size_t ldm, size_t n0,
                         size_t n1, const TYPE (gsl_vector) *b, TYPE (gsl_matrix) *Y)
{
  const size_t Cout = s->channels_out, Ho = out_height (s), Wo = out_width (s);
  const size_t tw = (Wo + 1) / 2, T = tiles (s), nc = (n1 - n0) * T;
  const size_t blocks = (nc + WINOGRAD_NB - 1) / WINOGRAD_NB;
  const int big = Cout * nc * 36 >= PARALLEL_FROM;
  (void) big;
  PARALLEL_FOR
  for (size_t ob = 0; ob < Cout * blocks; ob++)
    {
      const size_t o = ob / blocks, j0 = ob % blocks * WINOGRAD_NB;
      const size_t cnt = nc - j0 < WINOGRAD_NB ? nc - j0 : WINOGRAD_NB;
      const ATOMIC bias = b ? VGET (b, o) : ZERO;
      ATOMIC m[36 * WINOGRAD_NB], tmp[36 * WINOGRAD_NB], out[36 * WINOGRAD_NB];
      for (size_t xi = 0; xi < 36; xi++)
        {
          FUNCTION (wino, copy) (m + xi * WINOGRAD_NB, M + (xi * Cout + o) * ldm + j0, cnt);
          for (size_t x = cnt; x < WINOGRAD_NB; x++)
            m[xi * WINOGRAD_NB + x] = ZERO;
        }
      FUNCTION (wino, sandwich) (wino_AT, wino_AT, m, tmp, out);
      /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: j0 < nc, c0 < Cin */
      for (size_t x = 0; x < cnt; x++)
        {
          const size_t n = n0 + (j0 + x) / T, t = (j0 + x) % T, ti = t / tw, tj = t % tw;
          ATOMIC *img = Y->data + o * Y->tda + n * Ho * Wo;
          for (size_t i = 0; i < 2 && 2 * ti + i < Ho; i++)
            for (size_t j = 0; j < 2 && 2 * tj + j < Wo; j++)
              {
                const ATOMIC y = out[(i * 2 + j) * WINOGRAD_NB + x];
                img[(2 * ti + i) * Wo + 2 * tj + j] = b ? y + bias : y;
              }
        }
    }
}

/* Z[(xi C_out + o) ldz + (n - n0) T + t] = (A g A^T)_xi, g the 2x2 tile t
   of dL/dY[o, n] (0 outside Ho x Wo): output's adjoint */
static void
FUNCTION (wino, output_adjoint) (const bp_conv_shape *s, const TYPE (gsl_matrix) *dY,
                                 size_t n0, size_t n1, ATOMIC *Z, size_t ldz)
{
  const size_t Cout = s->channels_out, Ho = out_height (s), Wo = out_width (s);
  const size_t tw = (Wo + 1) / 2, T = tiles (s), nc = (n1 - n0) * T;
  const size_t blocks = (nc + WINOGRAD_NB - 1) / WINOGRAD_NB;
  const int big = Cout * nc * 36 >= PARALLEL_FROM;
  (void) big;
  PARALLEL_FOR
  for (size_t ob = 0; ob < Cout * blocks; ob++)
    {
      const size_t o = ob / blocks, j0 = ob % blocks * WINOGRAD_NB;
      const size_t cnt = nc - j0 < WINOGRAD_NB ? nc - j0 : WINOGRAD_NB;
      ATOMIC g[36 * WINOGRAD_NB], tmp[36 * WINOGRAD_NB], out[36 * WINOGRAD_NB];
      for (size_t x = 0; x < WINOGRAD_NB; x++)
        {
          /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: j0 < nc, c0 < Cin */
          if (x >= cnt)
            {
              for (size_t ij = 0; ij < 4; ij++)
                g[ij * WINOGRAD_NB + x] = ZERO;
              continue;
            }
          const size_t n = n0 + (j0 + x) / T, t = (j0 + x) % T, ti = t / tw, tj = t % tw;
          const ATOMIC *img = dY->data + o * dY->tda + n * Ho * Wo;
          for (size_t i = 0; i < 2; i++)
            for (size_t j = 0; j < 2; j++)
              {
                const size_t r = 2 * ti + i, q = 2 * tj + j;
                g[(i * 2 + j) * WINOGRAD_NB + x] = r < Ho && q < Wo ? img[r * Wo + q] : ZERO;
              }
        }
      FUNCTION (wino, sandwich) (wino_A, wino_A, g, tmp, out);
      for (size_t xi = 0; xi < 36; xi++)
        FUNCTION (wino, copy) (Z + (xi * Cout + o) * ldz + j0, out + xi * WINOGRAD_NB, cnt);
    }
}

/* dK[o, (c k + a) k + e] = (G^T D G)_ae, D the 36 values
   D[(xi C_out + o) C_in + c]: kernels' adjoint */
static void
FUNCTION (wino, kernels_adjoint) (const ATOMIC *D, size_t Cin, TYPE (gsl_matrix) *dK)
{
  const size_t Cout = dK->size1;
  ATOMIC m[36 * WINOGRAD_NB] = { 0 }, tmp[36 * WINOGRAD_NB], out[36 * WINOGRAD_NB];
  for (size_t o = 0; o < Cout; o++)
    for (size_t c0 = 0; c0 < Cin; c0 += WINOGRAD_NB)
      {
        const size_t cnt = Cin - c0 < WINOGRAD_NB ? Cin - c0 : WINOGRAD_NB;
        for (size_t xi = 0; xi < 36; xi++)
          memcpy (m + xi * WINOGRAD_NB, D + (xi * Cout + o) * Cin + c0, cnt * sizeof (ATOMIC));
        FUNCTION (wino, sandwich) (wino_GT, wino_GT, m, tmp, out);
        ATOMIC *row = dK->data + o * dK->tda;
        /* cppcheck-suppress knownConditionTrueFalse ; cnt >= 1: j0 < nc, c0 < Cin */
        for (size_t x = 0; x < cnt; x++)
          for (size_t ae = 0; ae < 25; ae++)
            row[(c0 + x) * 25 + ae] = out[ae * WINOGRAD_NB + x];
      }
}

/* For each point xi: P_xi = op(L_xi) R_xi, the stored L_xi lr x lc at
   L + xi lr lc (op: transposed when tl), R_xi inner x nc (rows ldr
   apart) at R + xi inner ldr, P_xi pr x nc at P + xi pr nc; the CBLAS's
   threads share each product out (OpenMP's around them would contend
   with them). */
static int
FUNCTION (wino, gemms) (CBLAS_TRANSPOSE_t tl, const ATOMIC *L, size_t lr, size_t lc,
                        const ATOMIC *R, size_t ldr, ATOMIC *P, size_t nc)
{
  const size_t pr = tl == CblasNoTrans ? lr : lc, inner = tl == CblasNoTrans ? lc : lr;
  for (size_t xi = 0; xi < 36; xi++)
    {
      VIEW (gsl_matrix, const_view) l
        = FUNCTION (gsl_matrix, const_view_array) (L + xi * lr * lc, lr, lc);
      VIEW (gsl_matrix, const_view) r
        = FUNCTION (gsl_matrix, const_view_array_with_tda) (R + xi * inner * ldr, inner, nc, ldr);
      VIEW (gsl_matrix, view) prod = FUNCTION (gsl_matrix, view_array) (P + xi * pr * nc, pr, nc);
      const int status = GEMM (tl, CblasNoTrans, ONE, &l.matrix, &r.matrix, ZERO, &prod.matrix);
      if (status != GSL_SUCCESS)
        return status;
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

/* Y = A^T [U (.) cols] A + b, cols = B^T X B (bp_batch_conv) */
static int
FUNCTION (wino, forward) (const bp_conv_shape *s, size_t B, const TYPE (gsl_matrix) *K,
                          const TYPE (gsl_vector) *b, const TYPE (gsl_matrix) *X,
                          TYPE (gsl_matrix) *cols, TYPE (gsl_matrix) *Y)
{
  const size_t Cin = s->channels_in, Cout = s->channels_out, T = tiles (s);
  const size_t nb = FUNCTION (wino, chunk) (T, B);
  ATOMIC *U = malloc (36 * Cout * Cin * sizeof (ATOMIC));
  ATOMIC *M = malloc (36 * Cout * nb * T * sizeof (ATOMIC));
  int status = U && M ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      FUNCTION (wino, kernels) (K, Cin, 0, U);
      FUNCTION (wino, input) (s, X, 0, B, cols->data, cols->tda);
    }
  for (size_t n0 = 0; n0 < B && status == GSL_SUCCESS; n0 += nb)
    {
      const size_t n1 = n0 + nb < B ? n0 + nb : B, nc = (n1 - n0) * T;
      status = FUNCTION (wino, gemms) (CblasNoTrans, U, Cout, Cin, cols->data + n0 * T,
                                       cols->tda, M, nc);
      if (status == GSL_SUCCESS)
        FUNCTION (wino, output) (s, M, nc, n0, n1, b, Y);
    }
  free (U);
  free (M);
  if (status == GSL_ENOMEM)
    GSL_ERROR (NAME (bp, batch_conv) ": out of memory", GSL_ENOMEM);
  return status;
}

/* dK = G^T [sum_tiles (A dY A^T) (.) cols] G (bp_batch_conv_grad_weights).
   D_xi = sum over the tiles of Z_xi cols_xi^T, in pieces of
   WINOGRAD_SUM (C_out, C_in) tiles added in order: OpenBLAS splits a
   long inner sum differently on one thread and two (64 x 32 x 2009 on
   its Cooperlake kernels), a GEMM of at most 2^18 products (its
   threshold) it computes on the calling thread. */
static int
FUNCTION (wino, grad_weights) (const bp_conv_shape *s, size_t B,
                               const TYPE (gsl_matrix) *dL_dY, const TYPE (gsl_matrix) *cols,
                               TYPE (gsl_matrix) *dL_dK)
{
  const size_t Cin = s->channels_in, Cout = s->channels_out, T = tiles (s);
  const size_t nb = FUNCTION (wino, chunk) (T, B), piece = WINOGRAD_SUM (Cout, Cin);
  ATOMIC *D = malloc (36 * Cout * Cin * sizeof (ATOMIC));
  ATOMIC *Z = malloc (36 * Cout * nb * T * sizeof (ATOMIC));
  int status = D && Z ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t n0 = 0; n0 < B && status == GSL_SUCCESS; n0 += nb)
    {
      const size_t n1 = n0 + nb < B ? n0 + nb : B, nc = (n1 - n0) * T;
      FUNCTION (wino, output_adjoint) (s, dL_dY, n0, n1, Z, nc);
      for (size_t xi = 0; xi < 36 && status == GSL_SUCCESS; xi++)
        for (size_t k0 = 0; k0 < nc && status == GSL_SUCCESS; k0 += piece)
          {
            const size_t kk = nc - k0 < piece ? nc - k0 : piece;
            VIEW (gsl_matrix, const_view) z = FUNCTION (gsl_matrix, const_view_array_with_tda)
              (Z + xi * Cout * nc + k0, Cout, kk, nc);
            VIEW (gsl_matrix, const_view) v = FUNCTION (gsl_matrix, const_submatrix)
              (cols, xi * Cin, n0 * T + k0, Cin, kk);
            VIEW (gsl_matrix, view) d = FUNCTION (gsl_matrix, view_array) (D + xi * Cout * Cin,
                                                                        Cout, Cin);
            status = GEMM (CblasNoTrans, CblasTrans, ONE, &z.matrix, &v.matrix,
                           n0 || k0 ? ONE : ZERO, &d.matrix);
          }
    }
  if (status == GSL_SUCCESS)
    FUNCTION (wino, kernels_adjoint) (D, Cin, dL_dK);
  free (D);
  free (Z);
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
  const size_t nb = FUNCTION (wino, chunk) (T, B);
  ATOMIC *U = malloc (36 * Cout * Cin * sizeof (ATOMIC));
  ATOMIC *V = malloc (36 * Cout * nb * T * sizeof (ATOMIC));
  ATOMIC *M = malloc (36 * Cin * nb * T * sizeof (ATOMIC));
  int status = U && V && M ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)   /* U_xi C_out x C_in: U'_xi = U_xi^T */
    FUNCTION (wino, kernels) (K, Cin, 1, U);
  for (size_t n0 = 0; n0 < B && status == GSL_SUCCESS; n0 += nb)
    {
      const size_t n1 = n0 + nb < B ? n0 + nb : B, nc = (n1 - n0) * T;
      FUNCTION (wino, input) (&r, dL_dY, n0, n1, V, nc);
      status = FUNCTION (wino, gemms) (CblasTrans, U, Cout, Cin, V, nc, M, nc);
      if (status == GSL_SUCCESS)
        FUNCTION (wino, output) (&r, M, nc, n0, n1, NULL, dL_dX);
    }
  free (U);
  free (V);
  free (M);
  if (status == GSL_ENOMEM)
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": out of memory", GSL_ENOMEM);
  return status;
}
