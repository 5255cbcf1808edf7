/* conv_batch_source.c -- the convolution's batch forms by im2col and one
   GEMM, and its bias gradient, once for the real arithmetics
   (templates_on.h: double, float; conv.c); derivations/15-convolution.md,
   eqs. (15.4)-(15.8).  The double ones are bp_conv.h's. */

/* dL/db_o = sum_{i,j} dL/dY[o,i,j]  (15.4) */
int
FUNCTION (bp, conv_grad_bias) (const TYPE (gsl_matrix) *dL_dY, TYPE (gsl_vector) *dL_db)
{
  if (MISSING (dL_dY) || MISSING (dL_db))
    GSL_ERROR (NAME (bp, conv_grad_bias) ": dL_dY and dL_db must not be NULL", GSL_EFAULT);
  if (dL_db->size != dL_dY->size1)
    GSL_ERROR (NAME (bp, conv_grad_bias) ": dL_db must have as many elements as dL_dY has rows",
               GSL_EBADLEN);
  /* a row's sum on one thread (the bytes of any thread count); float64
     on the calling thread, as before */
  const size_t rows = dL_dY->size1;
#ifdef BASE_FLOAT
  const int nt = region_threads (rows, rows * dL_dY->size2);
  REGION_PARALLEL_FOR
#endif
  for (size_t o = 0; o < rows; o++)
    {
      const ATOMIC *row = dL_dY->data + o * dL_dY->tda;
      ACCUM g = 0.0;   /* B Ho Wo terms, in order */
      for (size_t t = 0; t < dL_dY->size2; t++)
        g += row[t];
      VSET (dL_db, o, (ATOMIC) g);
    }
  return GSL_SUCCESS;
}

/* cols[(c k + a) k + e, (n Ho + i) Wo + j] = X[c, n, i+a-p, j+e-p]  (15.5) */
static void
FUNCTION (conv, im2col) (const bp_conv_shape *s, size_t B, const TYPE (gsl_matrix) *X,
                         TYPE (gsl_matrix) *cols)
{
  const size_t Ho = out_height (s), Wo = out_width (s), k = s->k, p = s->pad;
  const size_t H = s->height, W = s->width;
  const int big = s->channels_in * k * k * B * Ho * Wo >= PARALLEL_FROM;
  (void) big;
  PARALLEL_FOR
  for (size_t t = 0; t < s->channels_in * k * k; t++)   /* t = kcol (s, c, a, e) */
    {
      const size_t c = t / (k * k), a = t / k % k, e = t % k;
      size_t j0, j1;
      valid_columns (s, e, &j0, &j1);
      ATOMIC *dst = cols->data + t * cols->tda;
      for (size_t n = 0; n < B; n++)
        {
          const ATOMIC *img = X->data + c * X->tda + n * H * W;
          for (size_t i = 0; i < Ho; i++, dst += Wo)
            {
              const size_t r = i + a;   /* the padded row r; r - p in the image */
              if (r < p || r - p >= H)
                {
                  for (size_t j = 0; j < Wo; j++)
                    dst[j] = ZERO;
                  continue;
                }
              const ATOMIC *row = img + (r - p) * W;
              for (size_t j = 0; j < j0; j++)
                dst[j] = ZERO;
              for (size_t j = j0; j < j1; j++)
                dst[j] = row[j + e - p];   /* j + e >= p from j0 */
              for (size_t j = j1; j < Wo; j++)
                dst[j] = ZERO;
            }
        }
    }
}

/* the adjoint of im2col: dL/dX[c, n, i+a-p, j+e-p] += dcols[...]  (15.8),
   image by image, each pixel's terms added in the order of (a, e) */
static void
FUNCTION (conv, col2im) (const bp_conv_shape *s, size_t B, const TYPE (gsl_matrix) *dcols,
                         TYPE (gsl_matrix) *dX)
{
  const size_t Ho = out_height (s), Wo = out_width (s), k = s->k, p = s->pad;
  const size_t H = s->height, W = s->width;
  const int big = s->channels_in * k * k * B * Ho * Wo >= PARALLEL_FROM;
  (void) big;
  PARALLEL_FOR
  for (size_t cn = 0; cn < s->channels_in * B; cn++)
    {
      const size_t c = cn / B, n = cn % B;
      ATOMIC *img = dX->data + c * dX->tda + n * H * W;
      for (size_t x = 0; x < H * W; x++)
        img[x] = ZERO;
      for (size_t a = 0; a < k; a++)
        for (size_t e = 0; e < k; e++)
          {
            const ATOMIC *src = dcols->data + kcol (s, c, a, e) * dcols->tda + n * Ho * Wo;
            size_t j0, j1;
            valid_columns (s, e, &j0, &j1);
            for (size_t i = 0; i < Ho; i++, src += Wo)
              {
                const size_t r = i + a;
                if (r < p || r - p >= H)
                  continue;
                ATOMIC *row = img + (r - p) * W;
                for (size_t j = j0; j < j1; j++)
                  row[j + e - p] += src[j];
              }
          }
    }
}

/* The im2col products in pieces of at most WINOGRAD_PIECE products,
   which OpenBLAS computes on the calling thread, shared out by OpenMP
   (one region a product, no OpenBLAS thread pool beside it); the pieces
   depend on the shape alone, so the bytes do not depend on the number
   of threads, OpenMP's or the CBLAS's.  A piece's columns: a multiple
   of 16 (aligned rows); 0 when fewer than CONV_PIECE_MIN would fit (the
   CNN's second convolution in float64, 64 x 800: 5), too thin for the
   GEMM's packing to pay, and the product is one GEMM, OpenBLAS's to
   thread, as before.  float64 is always one GEMM: its bytes and speed
   as they were. */
static size_t
FUNCTION (conv, piece) (size_t rows, size_t inner)
{
#ifdef BASE_FLOAT
  const size_t piece = gemm_piece (rows, inner);
  return piece >= CONV_PIECE_MIN ? piece / 16 * 16 : 0;
#else
  (void) rows;
  (void) inner;
  return 0;
#endif
}

/* P = op(L) R (+ b 1^T when b), by pieces of P's columns: each
   column's value as from one GEMM */
static int
FUNCTION (conv, gemm_columns) (CBLAS_TRANSPOSE_t tl, const TYPE (gsl_matrix) *L,
                               const TYPE (gsl_matrix) *R, const TYPE (gsl_vector) *b,
                               TYPE (gsl_matrix) *P)
{
  const size_t pr = P->size1, inner = R->size1, nc = P->size2;
  const size_t piece = FUNCTION (conv, piece) (pr, inner);
  if (piece == 0)
    {
      if (b)
        for (size_t o = 0; o < pr; o++)
          {
            VIEW (gsl_vector, view) po = FUNCTION (gsl_matrix, row) (P, o);
            FUNCTION (gsl_vector, set_all) (&po.vector, VGET (b, o));
          }
      return GEMM (tl, CblasNoTrans, ONE, L, R, b ? ONE : ZERO, P);
    }
  const size_t pieces = (nc + piece - 1) / piece;
  const int nt = region_threads (pieces, pr * nc);
  int status = GSL_SUCCESS;
  REGION_PARALLEL_FOR
  for (size_t q = 0; q < pieces; q++)
    {
      const size_t j0 = q * piece, kk = nc - j0 < piece ? nc - j0 : piece;
      VIEW (gsl_matrix, const_view) r = FUNCTION (gsl_matrix, const_submatrix) (R, 0, j0, inner,
                                                                               kk);
      VIEW (gsl_matrix, view) p = FUNCTION (gsl_matrix, submatrix) (P, 0, j0, pr, kk);
      if (b)
        for (size_t o = 0; o < pr; o++)
          {
            const ATOMIC bo = VGET (b, o);
            ATOMIC *row = p.matrix.data + o * p.matrix.tda;
            for (size_t j = 0; j < kk; j++)
              row[j] = bo;
          }
      const int st = GEMM (tl, CblasNoTrans, ONE, L, &r.matrix, b ? ONE : ZERO, &p.matrix);
      if (st != GSL_SUCCESS)
        REGION_FAIL (status, st);
    }
  return status;
}

/* D = A C^T, the inner sum (A's and C's columns) in pieces: WINOGRAD_PARTS
   fixed groups of pieces, a group's sum on one thread, added in order */
static int
FUNCTION (conv, gemm_inner) (const TYPE (gsl_matrix) *A, const TYPE (gsl_matrix) *C,
                             TYPE (gsl_matrix) *D)
{
  const size_t m = D->size1, n = D->size2, inner = A->size2, nd = m * n;
  const size_t piece = FUNCTION (conv, piece) (m, n);
  if (piece == 0)
    return GEMM (CblasNoTrans, CblasTrans, ONE, A, C, ZERO, D);
  const size_t pieces = (inner + piece - 1) / piece;
  const size_t parts = pieces < WINOGRAD_PARTS ? pieces : WINOGRAD_PARTS;
  const int nt = region_threads (parts, m * inner);
  ATOMIC *S = malloc (parts * nd * sizeof (ATOMIC));
  if (S == NULL)
    GSL_ERROR (NAME (bp, batch_conv_grad_weights) ": out of memory", GSL_ENOMEM);
  int status = GSL_SUCCESS;
  REGION_PARALLEL
  {
    REGION_FOR
    /* cppcheck-suppress knownConditionTrueFalse ; parts >= 1: inner >= 1 */
    for (size_t g = 0; g < parts; g++)
      {
        const size_t q0 = g * pieces / parts, q1 = (g + 1) * pieces / parts;
        VIEW (gsl_matrix, view) s = FUNCTION (gsl_matrix, view_array) (S + g * nd, m, n);
        for (size_t q = q0; q < q1; q++)
          {
            const size_t j0 = q * piece, kk = inner - j0 < piece ? inner - j0 : piece;
            VIEW (gsl_matrix, const_view) a = FUNCTION (gsl_matrix, const_submatrix) (A, 0, j0,
                                                                                     m, kk);
            VIEW (gsl_matrix, const_view) c = FUNCTION (gsl_matrix, const_submatrix) (C, 0, j0,
                                                                                     n, kk);
            const int st = GEMM (CblasNoTrans, CblasTrans, ONE, &a.matrix, &c.matrix,
                                 q > q0 ? ONE : ZERO, &s.matrix);
            if (st != GSL_SUCCESS)
              REGION_FAIL (status, st);
          }
      }
    REGION_FOR
    for (size_t e = 0; e < nd; e++)
      {
        ATOMIC d = S[e];
        /* cppcheck-suppress knownConditionTrueFalse ; parts >= 1, as above */
        for (size_t g = 1; g < parts; g++)
          d += S[g * nd + e];
        D->data[e / n * D->tda + e % n] = d;
      }
  }
  free (S);
  return status;
}

/* cols = im2col(X), Y = K cols + b 1^T  (15.5), (15.6) */
int
FUNCTION (bp, batch_conv) (const bp_conv_shape *s, const TYPE (gsl_matrix) *K,
                           const TYPE (gsl_vector) *b, const TYPE (gsl_matrix) *X,
                           TYPE (gsl_matrix) *cols, TYPE (gsl_matrix) *Y)
{
  if (MISSING (s) || MISSING (K) || MISSING (b) || MISSING (X) || MISSING (cols)
      || MISSING (Y))
    GSL_ERROR (NAME (bp, batch_conv) ": s, K, b, X, cols and Y must not be NULL", GSL_EFAULT);
  if (shape_ok (NAME (bp, batch_conv) ": the shape needs positive sizes and k <= H + 2p, W + 2p", s))
    return GSL_EINVAL;
  const size_t Ho = out_height (s), Wo = out_width (s), k = s->k;
  const size_t B = batch_count (s, X->size2);
  if (X->size1 != s->channels_in || B == 0)
    GSL_ERROR (NAME (bp, batch_conv) ": X must be C_in x (B H W), B >= 1", GSL_EBADLEN);
  if (!is (K->size1, K->size2, s->channels_out, s->channels_in * k * k)
      || b->size != s->channels_out)
    GSL_ERROR (NAME (bp, batch_conv) ": K must be C_out x (C_in k k) and b have C_out", GSL_EBADLEN);
  size_t lr, lc;
  conv_lowered_size (s, B, &lr, &lc);
  if (!is (cols->size1, cols->size2, lr, lc))
    GSL_ERROR (NAME (bp, batch_conv) ": cols must be (C_in k k) x (B Ho Wo), Winograd's "
               "(36 C_in) x (B T)", GSL_EBADLEN);
  if (!is (Y->size1, Y->size2, s->channels_out, B * Ho * Wo))
    GSL_ERROR (NAME (bp, batch_conv) ": Y must be C_out x (B Ho Wo)", GSL_EBADLEN);
  if (s->algorithm == BP_CONV_WINOGRAD)
    return FUNCTION (wino, forward) (s, B, K, b, X, cols, Y);
  FUNCTION (conv, im2col) (s, B, X, cols);
  return FUNCTION (conv, gemm_columns) (CblasNoTrans, K, cols, b, Y);
}

/* dL/dK = dL/dY cols^T  (15.7) */
int
FUNCTION (bp, batch_conv_grad_weights) (const bp_conv_shape *s, const TYPE (gsl_matrix) *dL_dY,
                                        const TYPE (gsl_matrix) *cols,
                                        TYPE (gsl_matrix) *dL_dK)
{
  if (MISSING (s) || MISSING (dL_dY) || MISSING (cols) || MISSING (dL_dK))
    GSL_ERROR (NAME (bp, batch_conv_grad_weights) ": s, dL_dY, cols and dL_dK must not be NULL",
               GSL_EFAULT);
  if (shape_ok (NAME (bp, batch_conv_grad_weights) ": the shape needs positive sizes and "
                "k <= H + 2p, W + 2p", s))
    return GSL_EINVAL;
  const size_t HoWo = out_height (s) * out_width (s), k = s->k;
  if (dL_dY->size1 != s->channels_out || dL_dY->size2 == 0 || dL_dY->size2 % HoWo != 0)
    GSL_ERROR (NAME (bp, batch_conv_grad_weights) ": dL_dY must be C_out x (B Ho Wo), B >= 1",
               GSL_EBADLEN);
  size_t lr, lc;
  conv_lowered_size (s, dL_dY->size2 / HoWo, &lr, &lc);
  if (!is (cols->size1, cols->size2, lr, lc))
    GSL_ERROR (NAME (bp, batch_conv_grad_weights) ": cols must be (C_in k k) x (B Ho Wo), "
               "Winograd's (36 C_in) x (B T)", GSL_EBADLEN);
  if (!is (dL_dK->size1, dL_dK->size2, s->channels_out, s->channels_in * k * k))
    GSL_ERROR (NAME (bp, batch_conv_grad_weights) ": dL_dK must be C_out x (C_in k k)",
               GSL_EBADLEN);
  if (s->algorithm == BP_CONV_WINOGRAD)
    return FUNCTION (wino, grad_weights) (s, dL_dY->size2 / HoWo, dL_dY, cols, dL_dK);
  return FUNCTION (conv, gemm_inner) (dL_dY, cols, dL_dK);
}

/* dL/dcols = K^T dL/dY, dL/dX = col2im(dL/dcols)  (15.8) */
int
FUNCTION (bp, batch_conv_grad_input) (const bp_conv_shape *s, const TYPE (gsl_matrix) *K,
                                      const TYPE (gsl_matrix) *dL_dY, TYPE (gsl_matrix) *work,
                                      TYPE (gsl_matrix) *dL_dX)
{
  if (MISSING (s) || MISSING (K) || MISSING (dL_dY) || MISSING (work) || MISSING (dL_dX))
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": s, K, dL_dY, work and dL_dX must not be NULL",
               GSL_EFAULT);
  if (shape_ok (NAME (bp, batch_conv_grad_input) ": the shape needs positive sizes and "
                "k <= H + 2p, W + 2p", s))
    return GSL_EINVAL;
  const size_t HoWo = out_height (s) * out_width (s), k = s->k;
  const size_t B = batch_count (s, dL_dX->size2);
  if (dL_dX->size1 != s->channels_in || B == 0)
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": dL_dX must be C_in x (B H W), B >= 1",
               GSL_EBADLEN);
  if (!is (K->size1, K->size2, s->channels_out, s->channels_in * k * k))
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": K must be C_out x (C_in k k)", GSL_EBADLEN);
  if (!is (dL_dY->size1, dL_dY->size2, s->channels_out, B * HoWo))
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": dL_dY must be C_out x (B Ho Wo)", GSL_EBADLEN);
  size_t lr, lc;
  conv_lowered_size (s, B, &lr, &lc);
  if (!is (work->size1, work->size2, lr, lc))
    GSL_ERROR (NAME (bp, batch_conv_grad_input) ": work must be (C_in k k) x (B Ho Wo), "
               "Winograd's (36 C_in) x (B T)", GSL_EBADLEN);
  if (s->algorithm == BP_CONV_WINOGRAD)
    return FUNCTION (wino, grad_input) (s, B, K, dL_dY, dL_dX);
  int status = FUNCTION (conv, gemm_columns) (CblasTrans, K, dL_dY, NULL, work);
  if (status != GSL_SUCCESS)
    return status;
  FUNCTION (conv, col2im) (s, B, work, dL_dX);
  return GSL_SUCCESS;
}
