/* conv_source.c -- the convolution layer's forward pass, once for every
   arithmetic (templates_on.h); derivations/15-convolution.md, eq. (15.1) */

/* the input element X[c, r, q] of the padded image, 0 outside */
static BASE
FUNCTION (conv, padded) (const TYPE (gsl_matrix) *X, const bp_conv_shape *s, size_t c,
                         size_t r_p, size_t q_p)
{
  /* r_p = r + p, q_p = q + p: unsigned, so the padding is a shift */
  if (r_p < s->pad || q_p < s->pad)
    return ZERO;
  const size_t r = r_p - s->pad, q = q_p - s->pad;
  if (r >= s->height || q >= s->width)
    return ZERO;
  return MGET (X, c, r * s->width + q);
}

/* Y[o,i,j] = b_o + sum_{c,a,e} K[o,c,a,e] X[c, i+a-p, j+e-p]  (15.1) */
int
FUNCTION (bp, conv) (const bp_conv_shape *s, const TYPE (gsl_matrix) *K,
                     const TYPE (gsl_vector) *b, const TYPE (gsl_matrix) *X,
                     TYPE (gsl_matrix) *Y)
{
  if (MISSING (s) || MISSING (K) || MISSING (b) || MISSING (X) || MISSING (Y))
    GSL_ERROR (NAME (bp, conv) ": s, K, b, X and Y must not be NULL", GSL_EFAULT);
  if (shape_ok (NAME (bp, conv) ": the shape needs positive sizes and k <= H + 2p, W + 2p",
                s))
    return GSL_EINVAL;
  const size_t Ho = out_height (s), Wo = out_width (s), k = s->k;
  if (!is (X->size1, X->size2, s->channels_in, s->height * s->width))
    GSL_ERROR (NAME (bp, conv) ": X must be C_in x (H W)", GSL_EBADLEN);
  if (!is (K->size1, K->size2, s->channels_out, s->channels_in * k * k)
      || b->size != s->channels_out)
    GSL_ERROR (NAME (bp, conv) ": K must be C_out x (C_in k k) and b have C_out",
               GSL_EBADLEN);
  if (!is (Y->size1, Y->size2, s->channels_out, Ho * Wo))
    GSL_ERROR (NAME (bp, conv) ": Y must be C_out x (Ho Wo), Ho = H + 2p - k + 1",
               GSL_EBADLEN);
  for (size_t o = 0; o < s->channels_out; o++)
    for (size_t i = 0; i < Ho; i++)
      for (size_t j = 0; j < Wo; j++)
        {
          BASE y = VGET (b, o);
          for (size_t c = 0; c < s->channels_in; c++)
            for (size_t a = 0; a < k; a++)
              for (size_t e = 0; e < k; e++)
                y += MGET (K, o, kcol (s, c, a, e))
                     * FUNCTION (conv, padded) (X, s, c, i + a, j + e);
          MSET (Y, o, i * Wo + j, y);
        }
  return GSL_SUCCESS;
}
