/* conv.c -- the 2-D convolution layer and its gradients, direct from the
   formulas, and its batch form by im2col and one dgemm;
   derivations/15-convolution.md */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include "backprop/bp_conv.h"
#include "lib/formulas/float.h"
#include "lib/formulas/winograd.h"
#include "lib/valid.h"
#ifdef _OPENMP
# include <omp.h>
#endif

/* Independent rows of im2col's matrix, or images of col2im's: OpenMP
   shares them out (each element is computed as on one thread, so the
   results do not depend on the number of threads) when the lowered
   matrix is large enough to pay for waking the threads (local int big). */
#define PARALLEL_FROM 32768
#ifdef _OPENMP
# define PARALLEL_FOR _Pragma ("omp parallel for schedule (static) if (big)")
#else
# define PARALLEL_FOR
#endif

/* Ho = H + 2p - k + 1 and Wo, for a shape already checked */
static size_t
out_height (const bp_conv_shape *s)
{
  return s->height + 2 * s->pad - s->k + 1;
}

static size_t
out_width (const bp_conv_shape *s)
{
  return s->width + 2 * s->pad - s->k + 1;
}

/* GSL_SUCCESS for a shape with every field positive and a kernel no
   larger than the padded image; else the error, reported for fn. */
static int
shape_ok (const char *fn, const bp_conv_shape *s)
{
  if (s->channels_in == 0 || s->height == 0 || s->width == 0 || s->channels_out == 0
      || s->k == 0)
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EINVAL);
      return GSL_EINVAL;
    }
  /* every size the checks and loops below compute, without wrapping: the
     padded image, H W, its outputs' Ho Wo (at most the padded image's),
     C_in k k */
  size_t t;
  if (s->pad > (SIZE_MAX - s->height) / 2 || s->pad > (SIZE_MAX - s->width) / 2
      || size_mul_overflows (s->height, s->width, &t)
      || size_mul_overflows (s->height + 2 * s->pad, s->width + 2 * s->pad, &t)
      || size_mul_overflows (s->channels_in, s->k, &t) || size_mul_overflows (t, s->k, &t)
      || s->k > s->height + 2 * s->pad || s->k > s->width + 2 * s->pad
      || (s->algorithm != BP_CONV_IM2COL && s->algorithm != BP_CONV_WINOGRAD)
      || (s->algorithm == BP_CONV_WINOGRAD && (s->k != WINOGRAD_R || s->pad >= s->k)))
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EINVAL);
      return GSL_EINVAL;
    }
  return GSL_SUCCESS;
}

/* 1 when r x c is rows x cols */
static int
is (size_t r, size_t c, size_t rows, size_t cols)
{
  return r == rows && c == cols;
}

static size_t
kcol (const bp_conv_shape *s, size_t c, size_t a, size_t e)
{
  return (c * s->k + a) * s->k + e;
}

/* bp_conv, (15.1), once for every arithmetic: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/conv_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/conv_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/conv_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* dL/dX[c,r,q] = sum_{o,a,e} dL/dY[o, r+p-a, q+p-e] K[o,c,a,e]  (15.3) */
int
bp_conv_grad_input (const bp_conv_shape *s, const gsl_matrix *K,
                    const gsl_matrix *dL_dY, gsl_matrix *dL_dX)
{
  if (MISSING (s) || MISSING (K) || MISSING (dL_dY) || MISSING (dL_dX))
    GSL_ERROR ("bp_conv_grad_input: s, K, dL_dY and dL_dX must not be NULL", GSL_EFAULT);
  if (shape_ok ("bp_conv_grad_input: the shape needs positive sizes and k <= H + 2p, W + 2p",
                s))
    return GSL_EINVAL;
  const size_t Ho = out_height (s), Wo = out_width (s), k = s->k;
  if (!is (K->size1, K->size2, s->channels_out, s->channels_in * k * k))
    GSL_ERROR ("bp_conv_grad_input: K must be C_out x (C_in k k)", GSL_EBADLEN);
  if (!is (dL_dY->size1, dL_dY->size2, s->channels_out, Ho * Wo))
    GSL_ERROR ("bp_conv_grad_input: dL_dY must be C_out x (Ho Wo)", GSL_EBADLEN);
  if (!is (dL_dX->size1, dL_dX->size2, s->channels_in, s->height * s->width))
    GSL_ERROR ("bp_conv_grad_input: dL_dX must be C_in x (H W)", GSL_EBADLEN);
  for (size_t c = 0; c < s->channels_in; c++)
    for (size_t r = 0; r < s->height; r++)
      for (size_t q = 0; q < s->width; q++)
        {
          double g = 0.0;
          for (size_t a = 0; a < k; a++)
            for (size_t e = 0; e < k; e++)
              {
                /* i = r + p - a and j = q + p - e must lie in 0..Ho-1, 0..Wo-1 */
                if (r + s->pad < a || q + s->pad < e)
                  continue;
                const size_t i = r + s->pad - a, j = q + s->pad - e;
                if (i >= Ho || j >= Wo)
                  continue;
                for (size_t o = 0; o < s->channels_out; o++)
                  g += gsl_matrix_get (dL_dY, o, i * Wo + j)
                       * gsl_matrix_get (K, o, kcol (s, c, a, e));
              }
          gsl_matrix_set (dL_dX, c, r * s->width + q, g);
        }
  return GSL_SUCCESS;
}

/* dL/dK[o,c,a,e] = sum_{i,j} dL/dY[o,i,j] X[c, i+a-p, j+e-p]  (15.2) */
int
bp_conv_grad_weights (const bp_conv_shape *s, const gsl_matrix *X,
                      const gsl_matrix *dL_dY, gsl_matrix *dL_dK)
{
  if (MISSING (s) || MISSING (X) || MISSING (dL_dY) || MISSING (dL_dK))
    GSL_ERROR ("bp_conv_grad_weights: s, X, dL_dY and dL_dK must not be NULL", GSL_EFAULT);
  if (shape_ok ("bp_conv_grad_weights: the shape needs positive sizes and k <= H + 2p, "
                "W + 2p", s))
    return GSL_EINVAL;
  const size_t Ho = out_height (s), Wo = out_width (s), k = s->k;
  if (!is (X->size1, X->size2, s->channels_in, s->height * s->width))
    GSL_ERROR ("bp_conv_grad_weights: X must be C_in x (H W)", GSL_EBADLEN);
  if (!is (dL_dY->size1, dL_dY->size2, s->channels_out, Ho * Wo))
    GSL_ERROR ("bp_conv_grad_weights: dL_dY must be C_out x (Ho Wo)", GSL_EBADLEN);
  if (!is (dL_dK->size1, dL_dK->size2, s->channels_out, s->channels_in * k * k))
    GSL_ERROR ("bp_conv_grad_weights: dL_dK must be C_out x (C_in k k)", GSL_EBADLEN);
  for (size_t o = 0; o < s->channels_out; o++)
    for (size_t c = 0; c < s->channels_in; c++)
      for (size_t a = 0; a < k; a++)
        for (size_t e = 0; e < k; e++)
          {
            double g = 0.0;
            for (size_t i = 0; i < Ho; i++)
              for (size_t j = 0; j < Wo; j++)
                g += gsl_matrix_get (dL_dY, o, i * Wo + j) * conv_padded (X, s, c, i + a, j + e);
            gsl_matrix_set (dL_dK, o, kcol (s, c, a, e), g);
          }
  return GSL_SUCCESS;
}

/* --- the batch forms ------------------------------------------------------ */

/* B from X's columns, or 0 when they are not a positive multiple of H W
   or B Ho Wo, the outputs' columns, wraps (after shape_ok) */
static size_t
batch_count (const bp_conv_shape *s, size_t columns)
{
  const size_t hw = s->height * s->width;
  size_t out;
  if (columns % hw != 0
      || size_mul_overflows (columns / hw, out_height (s) * out_width (s), &out))
    return 0;
  return columns / hw;
}

/* The output columns j0 <= j < j1 whose input column q = j + e - p lies
   in the image, 0 <= q < W (for kernel column e). */
static void
valid_columns (const bp_conv_shape *s, size_t e, size_t *j0, size_t *j1)
{
  const size_t Wo = out_width (s), p = s->pad;
  *j0 = e < p ? p - e : 0;
  *j1 = s->width + p > e ? s->width + p - e : 0;
  if (*j1 > Wo)
    *j1 = Wo;
  if (*j0 > *j1)
    *j0 = *j1;
}

/* --- Winograd's F(2x2, 5x5): winograd.h, winograd_source.c ------------- */

/* Toom-Cook at {0, 1, -1, 1/2, -1/2, infinity}; tests/check_winograd.c
   rebuilds them from the points */
const double winograd_AT[WINOGRAD_M][WINOGRAD_ALPHA] = {
  { 1, 1, 1, 1, 1, 0 },
  { 0, 1, -1, 0.5, -0.5, 1 },
};

const double winograd_G[WINOGRAD_ALPHA][WINOGRAD_R] = {
  { 1, 0, 0, 0, 0 },
  { 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6 },
  { 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6 },
  { 4.0 / 3, 2.0 / 3, 1.0 / 3, 1.0 / 6, 1.0 / 12 },
  { 4.0 / 3, -2.0 / 3, 1.0 / 3, -1.0 / 6, 1.0 / 12 },
  { 0, 0, 0, 0, 0.25 },
};

const double winograd_BT[WINOGRAD_ALPHA][WINOGRAD_ALPHA] = {
  { 1, 0, -5, 0, 4, 0 },
  { 0, -1, -1, 4, 4, 0 },
  { 0, 1, -1, -4, 4, 0 },
  { 0, 1, 2, -1, -2, 0 },
  { 0, -1, 2, 1, -2, 0 },
  { 0, 1, 0, -5, 0, 4 },
};

/* a constant matrix or its transpose: element (i, j) at m[i rs + j cs] */
typedef struct
{
  const double *m;
  size_t rows, cols, rs, cs;
} wino_mat;

static const wino_mat wino_BT = { .m = &winograd_BT[0][0], .rows = 6, .cols = 6, .rs = 6, .cs = 1 };
static const wino_mat wino_G = { .m = &winograd_G[0][0], .rows = 6, .cols = 5, .rs = 5, .cs = 1 };
static const wino_mat wino_GT = { .m = &winograd_G[0][0], .rows = 5, .cols = 6, .rs = 1, .cs = 5 };
static const wino_mat wino_AT = { .m = &winograd_AT[0][0], .rows = 2, .cols = 6, .rs = 6, .cs = 1 };
static const wino_mat wino_A = { .m = &winograd_AT[0][0], .rows = 6, .cols = 2, .rs = 1, .cs = 6 };

static double
wino_at (wino_mat L, size_t i, size_t j)
{
  return L.m[i * L.rs + j * L.cs];
}

/* tiles an image: ceil(Ho/2) ceil(Wo/2) */
static size_t
tiles (const bp_conv_shape *s)
{
  return ((out_height (s) + 1) / 2) * ((out_width (s) + 1) / 2);
}

void
conv_lowered_size (const bp_conv_shape *s, size_t B, size_t *rows, size_t *cols)
{
  if (s->algorithm == BP_CONV_WINOGRAD)
    {
      *rows = 36 * s->channels_in;
      *cols = B * tiles (s);
    }
  else
    {
      *rows = s->channels_in * s->k * s->k;
      *cols = B * out_height (s) * out_width (s);
    }
}

/* kernels transformed together (the vectors of winograd_source.c's
   sandwich), the GEMMs' columns a chunk of whole images, and the groups
   of chunks of dL/dK's sum */
#define WINOGRAD_NB 32
#define WINOGRAD_CHUNK 128
#define WINOGRAD_PARTS 8
/* a GEMM of at most so many products OpenBLAS computes on the calling
   thread (65536 GEMM_MULTITHREAD_THRESHOLD, its interface/gemm.c) */
#define WINOGRAD_PIECE (1u << 18)
/* the im2col products' narrowest piece (conv_batch_source.c) */
#define CONV_PIECE_MIN 64
/* tiles transformed together: whole tile rows, at least one */
#define WINOGRAD_LANES 128
/* values the input's transform copies at once (a vector move), so its
   buffers have so many to spare */
#define WINOGRAD_RUN 8

/* a GEMM's columns (or inner sum) a piece: at most WINOGRAD_PIECE
   products with the other sizes rows x inner */
static size_t
gemm_piece (size_t rows, size_t inner)
{
  return rows * inner < WINOGRAD_PIECE ? WINOGRAD_PIECE / (rows * inner) : 1;
}

/* tile rows of tw tiles transformed together */
static size_t
wino_rows (size_t tw)
{
  return tw < WINOGRAD_LANES ? WINOGRAD_LANES / tw : 1;
}

/* a thread's transform buffers (elements) for chunks of nb images: the
   padded images split into their even and odd columns, nb (2 th + 4) x
   2 (tw + 2), and 72 values a tile of wino_rows (tw) tile rows (the
   input's 36 and its sandwich's 36) */
static size_t
wino_scratch (const bp_conv_shape *s, size_t nb)
{
  const size_t th = (out_height (s) + 1) / 2, tw = (out_width (s) + 1) / 2;
  return nb * (2 * th + 4) * 2 * (tw + 2) + 72 * wino_rows (tw) * tw + WINOGRAD_RUN;
}

/* the threads of a product's region: OpenMP's, at most one a unit of
   work (chunk or group), one below PARALLEL_FROM values */
static int
region_threads (size_t units, size_t values)
{
#ifdef _OPENMP
  const int n = omp_get_max_threads ();
  if (units > 1 && values >= PARALLEL_FROM)
    return units < (size_t) n ? (int) units : n;
#else
  (void) units;
  (void) values;
#endif
  return 1;
}

static size_t
region_thread (void)
{
#ifdef _OPENMP
  return (size_t) omp_get_thread_num ();
#else
  return 0;
#endif
}

#ifdef _OPENMP
# define REGION_PARALLEL_FOR \
  _Pragma ("omp parallel for schedule (static) num_threads (nt) if (nt > 1)")
# define REGION_PARALLEL _Pragma ("omp parallel num_threads (nt) if (nt > 1)")
# define REGION_FOR _Pragma ("omp for schedule (static)")
# define REGION_FAIL(status, st) do { _Pragma ("omp atomic write") (status) = (st); } while (0)
#else   /* nt read without OpenMP too (unused-variable, cppcheck) */
# define REGION_PARALLEL_FOR (void) nt;
# define REGION_PARALLEL (void) nt;
# define REGION_FOR
# define REGION_FAIL(status, st) ((status) = (st))
#endif
/* the transforms in AVX2 too, where the CPU has it (configure.ac) */
#if defined HAVE_TARGET_CLONES && defined __x86_64__
# define WINO_ISA __attribute__ ((target_clones ("avx2", "default")))
#else
# define WINO_ISA
#endif

/* the batch forms and the bias gradient once for double and float:
   templates_on.h; Winograd's before, as they call it */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/winograd_source.c"
#include "lib/formulas/conv_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/winograd_source.c"
#include "lib/formulas/conv_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT
