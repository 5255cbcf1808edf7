/* cnn_example.c -- see cnn_example.h */
#include <config.h>
#include <complex.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_complex_step.h"
#include "backprop/bp_pool.h"
#include "backprop/bp_reshape.h"
#include "lib/cmplx.h"
#include "verify/cnn_example.h"
#include "verify/cstep_example.h"
#include "verify/rows.h"

static void
fill_gaussian (gsl_matrix *M, double sigma, gsl_rng *rng)
{
  for (size_t i = 0; i < M->size1; i++)
    for (size_t j = 0; j < M->size2; j++)
      gsl_matrix_set (M, i, j, gsl_ran_gaussian (rng, sigma));
}

static void
fill_uniform (gsl_matrix *M, gsl_rng *rng)
{
  for (size_t i = 0; i < M->size1; i++)
    for (size_t j = 0; j < M->size2; j++)
      gsl_matrix_set (M, i, j, gsl_rng_uniform (rng));
}

/* sum_ij A_ij B_ij */
static double
dot (const gsl_matrix *A, const gsl_matrix *B)
{
  double s = 0.0;
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      s += gsl_matrix_get (A, i, j) * gsl_matrix_get (B, i, j);
  return s;
}

static double complex
cdot (const gsl_matrix *A, const gsl_matrix_complex *Z)
{
  double complex s = 0.0;
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      s += gsl_matrix_get (A, i, j) * cmget (Z, i, j);
  return s;
}

static void
free_matrices (gsl_matrix **M, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (M[k])
      gsl_matrix_free (M[k]);
}

static void
free_cmatrix (gsl_matrix_complex *Z)
{
  if (Z)
    gsl_matrix_complex_free (Z);
}

static void
free_cvector (gsl_vector_complex *z)
{
  if (z)
    gsl_vector_complex_free (z);
}

/* --- the convolution layer ------------------------------------------------ */

conv_example *
conv_example_new (const bp_conv_shape *sp, size_t B)
{
  conv_example *ex = calloc (1, sizeof *ex);
  if (ex == NULL)
    GSL_ERROR_NULL ("conv_example_new: out of memory", GSL_ENOMEM);
  const bp_conv_shape s = *sp;
  const size_t hw = s.height * s.width;
  const size_t Ho = s.height + 2 * s.pad - s.k + 1, Wo = s.width + 2 * s.pad - s.k + 1;
  const size_t ck2 = s.channels_in * s.k * s.k, C = s.channels_out;
  ex->s = s;
  ex->B = B;
  ex->K = gsl_matrix_alloc (C, ck2);
  ex->b = gsl_vector_alloc (C);
  ex->X = gsl_matrix_alloc (s.channels_in, hw);
  ex->G = gsl_matrix_alloc (C, Ho * Wo);
  ex->Y = gsl_matrix_alloc (C, Ho * Wo);
  ex->dK = gsl_matrix_alloc (C, ck2);
  ex->db = gsl_vector_alloc (C);
  ex->dX = gsl_matrix_alloc (s.channels_in, hw);
  ex->J = gsl_matrix_calloc (C * Ho * Wo, C * ck2);
  ex->Xb = gsl_matrix_alloc (s.channels_in, B * hw);
  ex->Gb = gsl_matrix_alloc (C, B * Ho * Wo);
  ex->Yb = gsl_matrix_alloc (C, B * Ho * Wo);
  ex->Yb_each = gsl_matrix_alloc (C, B * Ho * Wo);
  ex->dKb = gsl_matrix_alloc (C, ck2);
  ex->dKb_each = gsl_matrix_alloc (C, ck2);
  ex->dXb = gsl_matrix_alloc (s.channels_in, B * hw);
  ex->dXb_each = gsl_matrix_alloc (s.channels_in, B * hw);
  ex->Kc = gsl_matrix_complex_alloc (C, ck2);
  ex->Xc = gsl_matrix_complex_alloc (s.channels_in, hw);
  ex->Yc = gsl_matrix_complex_alloc (C, Ho * Wo);
  ex->bc = gsl_vector_complex_alloc (C);
  if (!(ex->K && ex->b && ex->X && ex->G && ex->Y && ex->dK && ex->db && ex->dX && ex->J
        && ex->Xb && ex->Gb && ex->Yb && ex->Yb_each && ex->dKb && ex->dKb_each
        && ex->dXb && ex->dXb_each && ex->Kc && ex->Xc && ex->Yc && ex->bc))
    {
      conv_example_free (ex);
      GSL_ERROR_NULL ("conv_example_new: out of memory", GSL_ENOMEM);
    }
  return ex;
}

int
conv_example_update (conv_example *ex)
{
  const bp_conv_shape s = ex->s;
  const size_t B = ex->B, hw = s.height * s.width;
  const size_t Ho = s.height + 2 * s.pad - s.k + 1, Wo = s.width + 2 * s.pad - s.k + 1;
  const size_t ck2 = s.channels_in * s.k * s.k, C = s.channels_out;
  gsl_matrix *cols = gsl_matrix_alloc (ck2, B * Ho * Wo);
  gsl_matrix *work = gsl_matrix_alloc (ck2, B * Ho * Wo);
  gsl_matrix *dK1 = gsl_matrix_alloc (C, ck2);
  int ok = cols && work && dK1;
  if (ok)
    {
      gsl_matrix_const_view X0 = gsl_matrix_const_submatrix (ex->Xb, 0, 0, s.channels_in, hw);
      gsl_matrix_const_view G0 = gsl_matrix_const_submatrix (ex->Gb, 0, 0, C, Ho * Wo);
      gsl_matrix_memcpy (ex->X, &X0.matrix);
      gsl_matrix_memcpy (ex->G, &G0.matrix);
      gsl_matrix_set_zero (ex->dKb_each);
      /* the single-example gradients (15.2)-(15.4), and dY/dK from the
         lowered first image (15.5): J[o Ho Wo + t, o C_in k k + r] = cols[r, t] */
      ok = bp_conv_grad_weights (&s, ex->X, ex->G, ex->dK) == GSL_SUCCESS
           && bp_conv_grad_input (&s, ex->K, ex->G, ex->dX) == GSL_SUCCESS
           && bp_conv_grad_bias (ex->G, ex->db) == GSL_SUCCESS;
      gsl_matrix_view c1 = gsl_matrix_submatrix (cols, 0, 0, ck2, Ho * Wo);
      gsl_matrix_view Y1 = gsl_matrix_submatrix (ex->Yb, 0, 0, C, Ho * Wo);
      ok = ok && bp_batch_conv (&s, ex->K, ex->b, ex->X, &c1.matrix, &Y1.matrix) == GSL_SUCCESS;
      for (size_t o = 0; ok && o < C; o++)
        for (size_t r = 0; r < ck2; r++)
          for (size_t t = 0; t < Ho * Wo; t++)
            gsl_matrix_set (ex->J, o * Ho * Wo + t, o * ck2 + r, gsl_matrix_get (&c1.matrix, r, t));
      /* the batch forms (15.5)-(15.8), and the single-example ones on each image */
      ok = ok && bp_batch_conv (&s, ex->K, ex->b, ex->Xb, cols, ex->Yb) == GSL_SUCCESS
           && bp_batch_conv_grad_weights (&s, ex->Gb, cols, ex->dKb) == GSL_SUCCESS
           && bp_batch_conv_grad_input (&s, ex->K, ex->Gb, work, ex->dXb) == GSL_SUCCESS;
      for (size_t n = 0; ok && n < B; n++)
        {
          gsl_matrix_view Xn = gsl_matrix_submatrix (ex->Xb, 0, n * hw, s.channels_in, hw);
          gsl_matrix_view dXn = gsl_matrix_submatrix (ex->dXb_each, 0, n * hw,
                                                      s.channels_in, hw);
          gsl_matrix_view Gn = gsl_matrix_submatrix (ex->Gb, 0, n * Ho * Wo, C, Ho * Wo);
          gsl_matrix_view Yn = gsl_matrix_submatrix (ex->Yb_each, 0, n * Ho * Wo, C, Ho * Wo);
          ok = bp_conv (&s, ex->K, ex->b, &Xn.matrix, &Yn.matrix) == GSL_SUCCESS
               && bp_conv_grad_input (&s, ex->K, &Gn.matrix, &dXn.matrix) == GSL_SUCCESS
               && bp_conv_grad_weights (&s, &Xn.matrix, &Gn.matrix, dK1) == GSL_SUCCESS
               && gsl_matrix_add (ex->dKb_each, dK1) == GSL_SUCCESS;
        }
    }
  if (cols) gsl_matrix_free (cols);
  if (work) gsl_matrix_free (work);
  if (dK1) gsl_matrix_free (dK1);
  if (!ok)
    GSL_ERROR ("conv_example_update: out of memory", GSL_ENOMEM);
  cstep_matrix_from_real (ex->K, ex->Kc);
  cstep_matrix_from_real (ex->X, ex->Xc);
  cstep_vector_from_real (ex->b, ex->bc);
  return GSL_SUCCESS;
}

conv_example *
conv_example_alloc (gsl_rng *rng)
{
  const bp_conv_shape s = { .channels_in = 2, .height = 6, .width = 5, .channels_out = 3,
                            .k = 3, .pad = 1 };
  conv_example *ex = conv_example_new (&s, 2);
  if (ex == NULL)
    return NULL;
  fill_gaussian (ex->K, 1.0, rng);
  for (size_t o = 0; o < s.channels_out; o++)
    gsl_vector_set (ex->b, o, gsl_ran_gaussian (rng, 1.0));
  fill_uniform (ex->Xb, rng);
  fill_gaussian (ex->Gb, 1.0, rng);
  if (conv_example_update (ex) != GSL_SUCCESS)
    {
      conv_example_free (ex);
      return NULL;
    }
  return ex;
}

void
conv_example_free (conv_example *ex)
{
  if (ex == NULL)
    return;
  gsl_matrix *M[] = { ex->K, ex->X, ex->G, ex->Y, ex->dK, ex->dX, ex->J, ex->Xb, ex->Gb,
                      ex->Yb, ex->dKb, ex->dXb, ex->Yb_each, ex->dKb_each, ex->dXb_each };
  free_matrices (M, sizeof M / sizeof M[0]);
  if (ex->b) gsl_vector_free (ex->b);
  if (ex->db) gsl_vector_free (ex->db);
  free_cmatrix (ex->Kc);
  free_cmatrix (ex->Xc);
  free_cmatrix (ex->Yc);
  free_cvector (ex->bc);
  free (ex);
}

/* L = sum G (.) Y, eq. (15.1) through bp_conv */
double
conv_example_loss (const conv_example *ex, size_t block, const gsl_matrix *theta)
{
  const gsl_matrix *K = block == CV_K ? theta : ex->K, *X = block == CV_X ? theta : ex->X;
  gsl_vector_const_view t = gsl_matrix_const_column (theta, 0);
  const gsl_vector *b = block == CV_B ? &t.vector : ex->b;
  if (bp_conv (&ex->s, K, b, X, ex->Y) != GSL_SUCCESS)
    return GSL_NAN;
  return dot (ex->G, ex->Y);
}

int
conv_example_forward (const conv_example *ex, const gsl_matrix *K, gsl_vector *y)
{
  gsl_matrix_view Y = gsl_matrix_view_vector (y, ex->Y->size1, ex->Y->size2);
  return bp_conv (&ex->s, K, ex->b, ex->X, &Y.matrix);
}

double complex
conv_example_closs (const conv_example *ex, size_t block, const gsl_matrix_complex *theta)
{
  const gsl_matrix_complex *K = block == CV_K ? theta : ex->Kc;
  const gsl_matrix_complex *X = block == CV_X ? theta : ex->Xc;
  gsl_vector_complex_const_view t = gsl_matrix_complex_const_column (theta, 0);
  const gsl_vector_complex *b = block == CV_B ? &t.vector : ex->bc;
  if (bp_complex_conv (&ex->s, K, b, X, ex->Yc) != GSL_SUCCESS)
    return GSL_NAN;
  return cdot (ex->G, ex->Yc);
}

int
conv_example_cforward (const conv_example *ex, const gsl_matrix_complex *K,
                       gsl_vector_complex *y)
{
  gsl_matrix_complex_view Y = gsl_matrix_complex_view_vector (y, ex->Yc->size1,
                                                              ex->Yc->size2);
  return bp_complex_conv (&ex->s, K, ex->bc, ex->Xc, &Y.matrix);
}

/* --- pooling and flatten --------------------------------------------------- */

pool_example *
pool_example_new (size_t C, size_t B, size_t H, size_t W)
{
  pool_example *ex = calloc (1, sizeof *ex);
  if (ex == NULL)
    GSL_ERROR_NULL ("pool_example_new: out of memory", GSL_ENOMEM);
  const size_t hw = H * W, ohw = (H / 2) * (W / 2);
  *ex = (pool_example) { .C = C, .B = B, .H = H, .W = W };
  ex->X = gsl_matrix_alloc (C, B * hw);
  ex->Xtie = gsl_matrix_alloc (C, B * hw);
  ex->X1 = gsl_matrix_alloc (C, hw);
  ex->G = gsl_matrix_alloc (C, B * ohw);
  ex->g = gsl_vector_alloc (C * hw);
  ex->GF = gsl_matrix_alloc (B, C * hw);
  ex->Y = gsl_matrix_alloc (C, B * ohw);
  ex->F = gsl_matrix_alloc (B, C * hw);
  ex->u = gsl_vector_alloc (C * hw);
  ex->dXmax = gsl_matrix_alloc (C, B * hw);
  ex->dXtie = gsl_matrix_alloc (C, B * hw);
  ex->dXavg = gsl_matrix_alloc (C, B * hw);
  ex->dX1 = gsl_matrix_alloc (C, hw);
  ex->dXb = gsl_matrix_alloc (C, B * hw);
  ex->Fb = gsl_matrix_alloc (B, C * hw);
  ex->Fb_each = gsl_matrix_alloc (B, C * hw);
  ex->Yc = gsl_matrix_complex_alloc (C, B * ohw);
  ex->uc = gsl_vector_complex_alloc (C * hw);
  if (!(ex->X && ex->Xtie && ex->X1 && ex->G && ex->g && ex->GF && ex->Y && ex->F
        && ex->u && ex->dXmax && ex->dXtie && ex->dXavg && ex->dX1 && ex->dXb && ex->Fb
        && ex->Fb_each && ex->Yc && ex->uc))
    {
      pool_example_free (ex);
      GSL_ERROR_NULL ("pool_example_new: out of memory", GSL_ENOMEM);
    }
  return ex;
}

int
pool_example_update (pool_example *ex)
{
  const size_t C = ex->C, B = ex->B, H = ex->H, W = ex->W, hw = H * W;
  gsl_matrix_const_view X0 = gsl_matrix_const_submatrix (ex->X, 0, 0, C, hw);
  gsl_matrix_memcpy (ex->X1, &X0.matrix);
  /* (16.2), (16.4), (16.6), (16.8) */
  int ok = bp_maxpool_backward (ex->X, H, W, ex->G, ex->dXmax) == GSL_SUCCESS
           && bp_maxpool_backward (ex->Xtie, H, W, ex->G, ex->dXtie) == GSL_SUCCESS
           && bp_avgpool_backward (ex->G, H, W, ex->dXavg) == GSL_SUCCESS
           && bp_reshape_inverse (ex->g, ex->dX1) == GSL_SUCCESS
           && bp_batch_flatten_inverse (ex->GF, hw, ex->dXb) == GSL_SUCCESS
           && bp_batch_flatten (ex->X, hw, ex->Fb) == GSL_SUCCESS;
  /* (16.7): row n is bp_reshape of image n's C x hw matrix */
  for (size_t i = 0; ok && i < B; i++)
    {
      gsl_matrix_const_view Xi = gsl_matrix_const_submatrix (ex->X, 0, i * hw, C, hw);
      gsl_vector_view Fi = gsl_matrix_row (ex->Fb_each, i);
      ok = bp_reshape (&Xi.matrix, &Fi.vector) == GSL_SUCCESS;
    }
  return ok ? GSL_SUCCESS : GSL_EINVAL;
}

pool_example *
pool_example_alloc (gsl_rng *rng)
{
  const size_t C = 2, B = 2, H = 5, W = 6, n = C * B * H * W;
  pool_example *ex = pool_example_new (C, B, H, W);
  size_t *perm = ex ? malloc (n * sizeof *perm) : NULL;
  if (perm == NULL)
    {
      pool_example_free (ex);
      GSL_ERROR_NULL ("pool_example_alloc: out of memory", GSL_ENOMEM);
    }
  for (size_t k = 0; k < n; k++)
    perm[k] = k;
  gsl_ran_shuffle (rng, perm, n, sizeof *perm);
  for (size_t k = 0; k < n; k++)
    {
      ex->X->data[k] = 0.05 * (double) perm[k] - 2.0;
      ex->Xtie->data[k] = 0.5 * (double) gsl_rng_uniform_int (rng, 4);
    }
  free (perm);
  fill_gaussian (ex->G, 1.0, rng);
  fill_gaussian (ex->GF, 1.0, rng);
  for (size_t k = 0; k < C * H * W; k++)
    gsl_vector_set (ex->g, k, gsl_ran_gaussian (rng, 1.0));
  if (pool_example_update (ex) != GSL_SUCCESS)
    {
      pool_example_free (ex);
      GSL_ERROR_NULL ("pool_example_alloc: out of memory", GSL_ENOMEM);
    }
  return ex;
}

void
pool_example_free (pool_example *ex)
{
  if (ex == NULL)
    return;
  gsl_matrix *M[] = { ex->X, ex->Xtie, ex->X1, ex->G, ex->GF, ex->Y, ex->F, ex->dXmax,
                      ex->dXtie, ex->dXavg, ex->dX1, ex->dXb, ex->Fb, ex->Fb_each };
  free_matrices (M, sizeof M / sizeof M[0]);
  if (ex->g) gsl_vector_free (ex->g);
  if (ex->u) gsl_vector_free (ex->u);
  free_cmatrix (ex->Yc);
  free_cvector (ex->uc);
  free (ex);
}

/* L = sum G (.) pool(X), g . flatten(X1) or sum GF (.) flatten(X) */
double
pool_example_loss (const pool_example *ex, size_t block, const gsl_matrix *theta)
{
  const size_t H = ex->H, W = ex->W;
  switch (block)
    {
    case PL_MAX:
    case PL_TIES:
      if (bp_maxpool (theta, H, W, ex->Y) != GSL_SUCCESS)
        return GSL_NAN;
      return dot (ex->G, ex->Y);
    case PL_AVG:
      if (bp_avgpool (theta, H, W, ex->Y) != GSL_SUCCESS)
        return GSL_NAN;
      return dot (ex->G, ex->Y);
    case PL_FLAT:
      {
        double L;
        if (bp_reshape (theta, ex->u) != GSL_SUCCESS)
          return GSL_NAN;
        gsl_blas_ddot (ex->g, ex->u, &L);
        return L;
      }
    default:
      if (bp_batch_flatten (theta, H * W, ex->F) != GSL_SUCCESS)
        return GSL_NAN;
      return dot (ex->GF, ex->F);
    }
}

/* The same in complex arithmetic; the batch flatten as bp_complex_reshape
   of each image (16.7). */
double complex
pool_example_closs (const pool_example *ex, size_t block, const gsl_matrix_complex *theta)
{
  const size_t H = ex->H, W = ex->W, hw = H * W;
  double complex L = 0.0;
  switch (block)
    {
    case PL_MAX:
    case PL_TIES:
      if (bp_complex_maxpool (theta, H, W, ex->Yc) != GSL_SUCCESS)
        return GSL_NAN;
      return cdot (ex->G, ex->Yc);
    case PL_AVG:
      if (bp_complex_avgpool (theta, H, W, ex->Yc) != GSL_SUCCESS)
        return GSL_NAN;
      return cdot (ex->G, ex->Yc);
    case PL_FLAT:
      if (bp_complex_reshape (theta, ex->uc) != GSL_SUCCESS)
        return GSL_NAN;
      for (size_t k = 0; k < ex->uc->size; k++)
        L += gsl_vector_get (ex->g, k) * cget (ex->uc, k);
      return L;
    default:
      for (size_t n = 0; n < ex->B; n++)
        {
          gsl_matrix_complex_const_view Xn
            = gsl_matrix_complex_const_submatrix (theta, 0, n * hw, ex->C, hw);
          if (bp_complex_reshape (&Xn.matrix, ex->uc) != GSL_SUCCESS)
            return GSL_NAN;
          for (size_t k = 0; k < ex->uc->size; k++)
            L += gsl_matrix_get (ex->GF, n, k) * cget (ex->uc, k);
        }
      return L;
    }
}

/* --- a network of the table: the CNN, the deeper perceptron ------------- */

/* block k of net as a matrix: a vector block as one column */
static _gsl_matrix_const_view
block_matrix (const bp_gradcheck_block *b)
{
  return b->vector ? gsl_matrix_const_view_vector (b->vector, b->vector->size, 1)
                   : gsl_matrix_const_submatrix (b->matrix, 0, 0, b->matrix->size1,
                                                 b->matrix->size2);
}

const bp_net_shape net_example_cnn = { .rows = 8, .cols = 8, .n = 4, .n_hidden = 1,
                                      .hidden = { 5 }, .act = BP_RELU, .C1 = 2, .C2 = 3 };
const bp_net_shape net_example_deep = { .rows = 8, .cols = 8, .n = 4, .n_hidden = 2,
                                       .hidden = { 6, 5 }, .act = BP_RELU };

net_example *
net_example_alloc (const bp_net_type *Ty, const bp_net_shape *s, size_t B, gsl_rng *rng)
{
  const size_t m = s->rows * s->cols, N = s->n;
  net_example *ex = calloc (1, sizeof *ex);
  if (ex == NULL)
    GSL_ERROR_NULL ("net_example_alloc: out of memory", GSL_ENOMEM);
  ex->net = bp_net_alloc (Ty, s);
  ex->scratch = bp_net_alloc (Ty, s);
  ex->U = gsl_matrix_alloc (B, m);
  ex->T = gsl_matrix_calloc (B, N);
  ex->dU = gsl_matrix_alloc (B, m);
  ex->ws = ex->net ? bp_net_workspace_alloc (ex->net, B) : NULL;
  int ok = ex->net && ex->scratch && ex->U && ex->T && ex->dU && ex->ws;
  if (ok)
    {
      bp_net_init (ex->net, rng);
      ex->n_blocks = ex->net->n_blocks;
      for (size_t k = 0; k < ex->n_blocks; k++)
        if (ex->net->layout[k].size2 == 0)
          for (size_t i = 0; i < ex->net->layout[k].size1; i++)
            gsl_vector_set (&ex->net->theta_v[k].vector, i, gsl_ran_gaussian (rng, 0.1));
      fill_uniform (ex->U, rng);
      for (size_t i = 0; i < B; i++)
        gsl_matrix_set (ex->T, i, gsl_rng_uniform_int (rng, N), 1.0);
      for (size_t k = 0; ok && k < ex->n_blocks; k++)
        {
          gsl_matrix_const_view v = block_matrix (&ex->net->block[k]);
          ex->Mc[k] = gsl_matrix_complex_alloc (v.matrix.size1, v.matrix.size2);
          ok = ex->Mc[k] != NULL;
        }
      ex->Mc[ex->n_blocks] = ok ? gsl_matrix_complex_alloc (B, m) : NULL;
      ok = ok && ex->Mc[ex->n_blocks] && net_example_update (ex) == GSL_SUCCESS;
    }
  if (!ok)
    {
      net_example_free (ex);
      GSL_ERROR_NULL ("net_example_alloc: out of memory", GSL_ENOMEM);
    }
  return ex;
}

int
net_example_update (net_example *ex)
{
  const int s = bp_net_backward (ex->net, ex->U, ex->T, ex->ws, ex->dU, &ex->L);
  if (s != GSL_SUCCESS)
    return s;
  gsl_vector_memcpy (ex->scratch->theta, ex->net->theta);
  for (size_t k = 0; k < ex->n_blocks; k++)
    {
      gsl_matrix_const_view v = block_matrix (&ex->net->block[k]);
      cstep_matrix_from_real (&v.matrix, ex->Mc[k]);
    }
  cstep_matrix_from_real (ex->U, ex->Mc[ex->n_blocks]);
  return GSL_SUCCESS;
}

void
net_example_free (net_example *ex)
{
  if (ex == NULL)
    return;
  bp_net_free (ex->net);
  bp_net_free (ex->scratch);
  gsl_matrix *M[] = { ex->U, ex->T, ex->dU };
  free_matrices (M, sizeof M / sizeof M[0]);
  bp_net_workspace_free (ex->ws);
  for (size_t k = 0; k <= BP_NET_MAX_BLOCKS; k++)
    free_cmatrix (ex->Mc[k]);
  free (ex);
}

/* the mean loss of net at (U, T), NaN when refused */
static double
net_loss (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T, bp_net_workspace *w)
{
  double L;
  return bp_net_forward (net, U, T, w, NULL, &L) == GSL_SUCCESS ? L : GSL_NAN;
}

double
net_example_loss (const net_example *ex, size_t block, const gsl_matrix *theta)
{
  if (block == ex->n_blocks)
    return net_loss (ex->net, theta, ex->T, ex->ws);
  gsl_matrix_view s = gsl_matrix_view_array (ex->scratch->theta->data
                                             + ex->scratch->offset[block],
                                             theta->size1, theta->size2);
  gsl_matrix_memcpy (&s.matrix, theta);
  const double L = net_loss (ex->scratch, ex->U, ex->T, ex->ws);
  gsl_matrix_const_view b = block_matrix (&ex->net->block[block]);
  gsl_matrix_memcpy (&s.matrix, &b.matrix);
  return L;
}

bp_net *
cstep_cnn_net (size_t rows, size_t cols, size_t C1, size_t C2, size_t H, size_t n)
{
  const bp_net_shape s = { .rows = rows, .cols = cols, .n = n, .n_hidden = H ? 1 : 0,
                           .hidden = { H }, .act = BP_RELU, .C1 = C1, .C2 = C2 };
  return bp_net_alloc (bp_net_cnn, &s);
}

double complex
cstep_cnn_loss (const bp_net *cnet, const gsl_matrix_complex *const block[],
                const gsl_matrix_complex *U, const gsl_matrix *T, bp_net_workspace *w)
{
  gsl_complex L;
  if (bp_net_cforward (cnet, block, U, T, w, &L) != GSL_SUCCESS)
    return GSL_NAN;
  return CMPLX (GSL_REAL (L), GSL_IMAG (L));
}

double complex
net_example_closs (const net_example *ex, size_t block, const gsl_matrix_complex *theta)
{
  const gsl_matrix_complex *M[BP_NET_MAX_BLOCKS + 1] = { NULL };
  for (size_t k = 0; k <= ex->n_blocks; k++)
    M[k] = k == block ? theta : ex->Mc[k];
  /* the complex forward reads the blocks given, not net's own */
  return cstep_cnn_loss (ex->net, M, M[ex->n_blocks], ex->T, ex->ws);
}

/* --- the losses above for bp_gradcheck ----------------------------------- */

#define BLOCK_LOSSES(NAME)                                                     \
  int                                                                          \
  NAME##_block_loss (const bp_gradcheck_point *p, void *params, double *L)    \
  {                                                                            \
    const example_binding *b = params;                                         \
    return finite_or_outside (NAME##_example_loss (b->ex, b->block, p->block[0]), L); \
  }                                                                            \
  int                                                                          \
  NAME##_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L) \
  {                                                                            \
    const example_binding *b = params;                                         \
    return complex_or_outside (NAME##_example_closs (b->ex, b->block, p->block[0]), L); \
  }
BLOCK_LOSSES (conv)
BLOCK_LOSSES (pool)
BLOCK_LOSSES (net)
