/* gradcheck.c -- the one checker core (bp_gradcheck.h, core.h): the
   argument checks, the step rule, the comparison and the verdict, and the
   four methods over the blocks: central differences with one-sided ones
   at the domain's edge and kinks, the complex step, random directions
   (localized on failure) and the Taylor test.
   derivations/00-numeric-check.md */
#include <config.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_deriv.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_complex_math.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include "lib/check/core.h"
#include "lib/check/hints.h"
#include "lib/check/shape.h"
#include "lib/check/vjp.h"
#include "lib/alloc.h"
#include "lib/valid.h"

/* the runs' reasons in the user's language, as print.c's report */
#define _(msgid) core_tr (msgid)   /* NOLINT(bugprone-reserved-identifier) */
#define trn(msgid, plural, n) core_trn (msgid, plural, n)

int
bp_gradcheck_options_default (bp_gradcheck_options *opts)
{
  if (!opts)
    GSL_ERROR ("bp_gradcheck_options_default: opts must not be NULL", GSL_EFAULT);
  *opts = (bp_gradcheck_options) {
    .method = BP_GRADCHECK_CENTRAL, .h = BP_CHECK_STEP, .h_complex = 1e-20,
    .rtol = BP_CHECK_RTOL, .atol = BP_CHECK_ATOL, .threads = 1, .k = 5,
    .seed = 0, .n_directions = 16, .taylor_h = 1e-1, .taylor_n = 16,
    .arg_type = BP_GRADCHECK_ARG_DOUBLE };
  return GSL_SUCCESS;
}

int
bp_gradcheck_method_parse (const char *name, unsigned *method)
{
  static const struct { const char *name; unsigned bits; } names[] = {
    { "gsl", BP_GRADCHECK_CENTRAL }, { "central", BP_GRADCHECK_CENTRAL },
    { "complex-step", BP_GRADCHECK_COMPLEX_STEP },
    { "directional", BP_GRADCHECK_DIRECTIONAL },
    { "taylor", BP_GRADCHECK_TAYLOR }, { "all", BP_GRADCHECK_ALL } };
  if (!name || !method)
    GSL_ERROR ("bp_gradcheck_method_parse: name and method must not be NULL",
               GSL_EFAULT);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (name, names[i].name) == 0)
      {
        *method = names[i].bits;
        return GSL_SUCCESS;
      }
  return GSL_EINVAL;            /* the caller names the bad value */
}

const char *
bp_gradcheck_verdict_name (bp_gradcheck_verdict v)
{
  switch (v)
    {
    case BP_GRADCHECK_PASS: return "PASS";
    case BP_GRADCHECK_INCONCLUSIVE: return "INCONCLUSIVE";
    case BP_GRADCHECK_FAIL: return "FAIL";
    }
  return NULL;
}

/* --- the argument checks --------------------------------------------------- */

/* GSL_ERROR with a message naming who (GSL keeps the pointer only for the
   handler's call, so a buffer of ours will do). */
static int
refuse (const char *who, const char *what, int code)
{
  char msg[256];
  snprintf (msg, sizeof msg, "%s: %s", who, what);
  gsl_error (msg, __FILE__, __LINE__, code);
  return code;
}

static int
positive_finite (double x)
{
  return x > 0.0 && isfinite (x);
}

static int
nonnegative_finite (double x)
{
  return x >= 0.0 && isfinite (x);
}

int
core_options_valid (const char *who, const bp_gradcheck_options *o)
{
  if (o->method == 0 || (o->method & ~BP_GRADCHECK_ALL) != 0)
    return refuse (who, "method must be a nonempty set of BP_GRADCHECK_* bits", GSL_EINVAL);
  if (!positive_finite (o->h))
    return refuse (who, "step h must be positive and finite", GSL_EINVAL);
  if (!positive_finite (o->h_complex))
    return refuse (who, "complex step h_complex must be positive and finite", GSL_EINVAL);
  if (!nonnegative_finite (o->rtol))
    return refuse (who, "rtol must be finite and not negative (nor NaN)", GSL_EINVAL);
  if (!nonnegative_finite (o->atol))
    return refuse (who, "atol must be finite and not negative (nor NaN)", GSL_EINVAL);
  if (o->threads == 0)
    return refuse (who, "threads (the number of params) must be at least 1", GSL_EINVAL);
  if (o->n_directions == 0)
    return refuse (who, "the number of directions must be at least 1", GSL_EINVAL);
  if (!positive_finite (o->taylor_h))
    return refuse (who, "taylor_h must be positive and finite", GSL_EINVAL);
  if (o->taylor_n < 3)
    return refuse (who, "taylor_n must be at least 3", GSL_EINVAL);
  if (o->arg_type != BP_GRADCHECK_ARG_DOUBLE && o->arg_type != BP_GRADCHECK_ARG_FLOAT)
    return refuse (who, "arg_type must be BP_GRADCHECK_ARG_DOUBLE or BP_GRADCHECK_ARG_FLOAT",
                   GSL_EINVAL);
  return GSL_SUCCESS;
}

static size_t
block_rows (const bp_gradcheck_block *b)
{
  return b->matrix ? b->matrix->size1 : b->vector->size;
}

static size_t
block_cols (const bp_gradcheck_block *b)
{
  return b->matrix ? b->matrix->size2 : 1;
}

int
core_shape_ok (const bp_gradcheck_function *f, const bp_gradcheck_block *b,
               const bp_gradcheck_block *a)
{
  const size_t r = block_rows (b), c = block_cols (b), n = r * c;
  if (f->m == 0)
    return a->matrix ? (a->matrix->size1 == r && a->matrix->size2 == c)
                     : a->vector->size == n;
  return a->matrix ? (a->matrix->size1 == f->m && a->matrix->size2 == n)
                   : (f->m == 1 && a->vector->size == n);
}

/* exactly one of matrix and vector */
static int
one_array (const bp_gradcheck_block *b)
{
  return (b->matrix != NULL) != (b->vector != NULL);
}

/* 1 when block b's array is absent or describes no memory (MISSING). */
static int
block_missing (const bp_gradcheck_block *b)
{
  return b->matrix ? MISSING (b->matrix) : MISSING (b->vector);
}

static int
block_finite (const bp_gradcheck_block *b)
{
  return b->matrix ? matrix_finite (b->matrix) : (b->vector && vector_finite (b->vector));
}

int
core_check_args (const char *who, const bp_gradcheck_function *f,
                 size_t n_blocks, const bp_gradcheck_block blocks[],
                 const bp_gradcheck_block analytic[],
                 const bp_gradcheck_options *o)
{
  if (!f || !blocks)
    return refuse (who, "f and the blocks must not be NULL", GSL_EFAULT);
  if (f->m == 0 ? !f->loss : !f->vloss)
    return refuse (who, "the function must not be NULL (loss for m = 0, vloss for m >= 1)",
                   GSL_EFAULT);
  if (!analytic && !f->grad)
    return refuse (who, "the analytic side must not be NULL (arrays or f->grad)",
                   GSL_EFAULT);
  if (n_blocks == 0)
    return refuse (who, "there must be at least one block", GSL_EINVAL);
  for (size_t k = 0; k < n_blocks; k++)
    {
      if (block_missing (&blocks[k]))
        return refuse (who, "a block (theta) must not be NULL or without data", GSL_EFAULT);
      if (analytic && block_missing (&analytic[k]))
        return refuse (who, "an analytic array (grad, J) must not be NULL or without data",
                       GSL_EFAULT);
    }
  const int complex_asked = (o->method & BP_GRADCHECK_COMPLEX_STEP)
                            && o->method != BP_GRADCHECK_ALL;
  if (complex_asked && (f->m == 0 ? !f->closs : !f->cvloss))
    return refuse (who, "the complex step needs the complex form of f (closs, cvloss)",
                   GSL_EFAULT);
  for (size_t k = 0; k < n_blocks; k++)
    if (!one_array (&blocks[k]) || (analytic && !one_array (&analytic[k])))
      return refuse (who, "a block is a matrix or a vector, not both", GSL_EINVAL);
  for (size_t k = 0; k < n_blocks; k++)
    if (block_rows (&blocks[k]) * block_cols (&blocks[k]) == 0)
      return refuse (who, "a block has no elements (nothing to check)", GSL_EBADLEN);
  for (size_t k = 0; k < n_blocks; k++)
    {
      const char *what = NULL;
      const int status = shape_check (&blocks[k], &what);
      if (status != GSL_SUCCESS)
        return refuse (who, what, status);
    }
  for (size_t k = 0; k < n_blocks; k++)
    if (analytic && !core_shape_ok (f, &blocks[k], &analytic[k]))
      return refuse (who, "the analytic array (grad, J) must have the block's shape "
                     "(m x the block's elements for a vector f)", GSL_EBADLEN);
  const int status = core_options_valid (who, o);
  if (status != GSL_SUCCESS)
    return status;
  for (size_t k = 0; k < n_blocks; k++)
    if (!block_finite (&blocks[k]))
      return refuse (who, "a block (theta) has a NaN or infinite element", GSL_EDOM);
  return GSL_SUCCESS;
}

/* The noise's share of a difference's error, eq. (0.6): sigma / h times
   the sum of |weights| of gsl_deriv_central's five-point formula
   (4/3 + 4/3 + 1/6 + 1/6 = 3) and of gsl_deriv_forward's (22/3 + 28 + 38
   + 52/3 < 91). */
#define NOISE_CENTRAL 3.0
#define NOISE_ONE_SIDED 91.0
/* and of its truncation estimate, r5 - r3 = 4/3 (f(x+h/2) - f(x-h/2))
   - 2/3 (f(x+h) - f(x-h)) */
#define NOISE_TRUNC 4.0
/* and of the three-point one-sided values of eq. (0.10a), (3 f(x) -
   4 f(x -+ h/2) + f(x -+ h)) / h: 3 + 4 + 1 */
#define NOISE_THREE_POINT 8.0
/* the steps eq. (0.10a) looks at: h, h/4, h/16, h/64 */
#define NEAR_TIE_RUNGS 4
/* eq. (0.10c): the scales 2^-TIE_DOWN h to 2^TIE_UP h that locate a tie */
#define TIE_DOWN 6
#define TIE_UP 4
/* The five-point value's noise has the standard deviation NOISE_RMS
   sigma / h (the root sum of its weights' squares); of N entries, none
   exceeds z_N = sqrt(2 ln(N / NOISE_ALPHA)) of it but with a probability
   below NOISE_ALPHA (Gaussian tails: N exp(-z^2 / 2)), eq. (0.6a) */
#define NOISE_RMS 1.9
#define NOISE_ALPHA 0.01
/* ECnoise's lines per block, eq. (0.4) */
#define NOISE_LINES 4

/* --- the problem and one thread's point ------------------------------------ */

typedef struct
{
  const bp_gradcheck_function *f;
  const bp_gradcheck_options *o;
  size_t n_blocks, m, M;          /* M = max(m, 1) outputs */
  size_t *rows, *cols, *n, *off;  /* per block; off = first flat element */
  size_t N;                       /* elements of all blocks */
  gsl_matrix **base;              /* the blocks at the base point */
  gsl_matrix **analytic;          /* rows x cols (m = 0) or m x n */
  double theta_max;               /* max |theta| over every block */
  double f0;                      /* f (or nothing) at the base point */
  /* eqs. (0.4)-(0.5), per block k and output o (index k M + o); NULL
     when not measured (numeric values only: the older step rule) */
  double *noise;                  /* f's noise moving block k (ECnoise) */
  double *excess;                 /* its part beyond GSL's own rounding
                                     term, max(0, noise - 2 DBL_EPSILON |f|) */
  int *noise_found;
  double *hrel;                   /* per block: the relative step */
  double res_scale;               /* the resolution's factor over 2 x the
                                     noise's error, eq. (0.6a) */
} problem;

/* dst = src, both allocated by the core (contiguous, of equal shape): one
   memcpy, where gsl_matrix_memcpy copies row by row (n rows of 1 for a
   vector block) */
static void
copy_block (gsl_matrix *dst, const gsl_matrix *src)
{
  memcpy (dst->data, src->data, src->size1 * src->size2 * sizeof (double));
}

/* n NULL pointers (an array of gsl_matrix *, gsl_vector *, ...) */
static void *
pointers (size_t n)
{
  return calloc (n ? n : 1, sizeof (void *));
}

/* One thread's copy of the point and its scratch. */
typedef struct
{
  const problem *pb;
  gsl_matrix **blk;
  gsl_vector_view *flat;
  const gsl_matrix **blkp;
  const gsl_vector **flatp;
  bp_gradcheck_point pt;
  gsl_vector *out;                /* m */
  /* complex step */
  gsl_matrix_complex **cblk;
  gsl_vector_complex_view *cflat;
  const gsl_matrix_complex **cblkp;
  const gsl_vector_complex **cflatp;
  bp_gradcheck_cpoint cpt;
  gsl_vector_complex *cout;
  /* the element being differenced */
  double *px, x0;
  size_t o;                       /* vector f: the output read */
  int bad_left, bad_right;        /* f undefined below / above x0 */
  double sigma;                   /* f's noise for this element (0: none) */
  double nerr, h_kept;            /* one-sided: the noise's error, the step */
  /* the first 8 points a differentiation evaluated and f there (output
     o): which step GSL kept, eq. (0.5) */
  size_t n_ev;
  double ev_x[8], ev_f[8];
  /* vector f: the values at the last points, for the m outputs */
  size_t n_cache, next_cache;
  double cache_x[8];
  int cache_ok[8];
  gsl_vector *cache_v[8];
  /* lines: theta + t d (directions, Taylor) */
  const gsl_vector *d, *w;        /* N, m */
} worker;

static void
worker_free (worker *w)
{
  if (!w)
    return;
  for (size_t k = 0; k < w->pb->n_blocks; k++)
    {
      if (w->blk)
        gsl_matrix_free (w->blk[k]);
      if (w->cblk)
        gsl_matrix_complex_free (w->cblk[k]);
    }
  for (size_t c = 0; c < 8; c++)
    gsl_vector_free (w->cache_v[c]);
  free (w->blk);
  free (w->flat);
  free (w->blkp);
  free (w->flatp);
  free (w->cblk);
  free (w->cflat);
  free (w->cblkp);
  free (w->cflatp);
  gsl_vector_free (w->out);
  gsl_vector_complex_free (w->cout);
  free (w);
}

static worker *
worker_alloc (const problem *pb, size_t thread, int complex)
{
  const size_t B = pb->n_blocks;
  worker *w = calloc (1, sizeof *w);
  if (!w)
    return NULL;
  w->pb = pb;
  w->blk = pointers (B);
  w->flat = calloc (B, sizeof *w->flat);
  w->blkp = pointers (B);
  w->flatp = pointers (B);
  int ok = w->blk && w->flat && w->blkp && w->flatp;
  if (ok && pb->m > 0)
    {
      w->out = gsl_vector_alloc (pb->m);
      for (size_t c = 0; c < 8; c++)
        ok = ok && (w->cache_v[c] = gsl_vector_alloc (pb->m)) != NULL;
      ok = ok && w->out;
    }
  for (size_t k = 0; ok && k < B; k++)
    {
      w->blk[k] = matrix_alloc (pb->rows[k], pb->cols[k]);
      ok = w->blk[k] != NULL;
      if (ok)
        {
          copy_block (w->blk[k], pb->base[k]);
          w->flat[k] = gsl_vector_view_array (w->blk[k]->data, pb->n[k]);
          w->blkp[k] = w->blk[k];
          w->flatp[k] = &w->flat[k].vector;
        }
    }
  if (ok && complex)
    {
      w->cblk = pointers (B);
      w->cflat = calloc (B, sizeof *w->cflat);
      w->cblkp = pointers (B);
      w->cflatp = pointers (B);
      ok = w->cblk && w->cflat && w->cblkp && w->cflatp;
      if (ok && pb->m > 0)
        ok = (w->cout = gsl_vector_complex_alloc (pb->m)) != NULL;
      for (size_t k = 0; ok && k < B; k++)
        {
          w->cblk[k] = matrix_complex_alloc (pb->rows[k], pb->cols[k]);
          ok = w->cblk[k] != NULL;
          if (ok)
            {
              for (size_t i = 0; i < pb->rows[k]; i++)
                for (size_t j = 0; j < pb->cols[k]; j++)
                  gsl_matrix_complex_set (w->cblk[k], i, j,
                                          gsl_complex_rect (gsl_matrix_get (pb->base[k], i, j), 0.0));
              w->cflat[k] = gsl_vector_complex_view_array (w->cblk[k]->data, pb->n[k]);
              w->cblkp[k] = w->cblk[k];
              w->cflatp[k] = &w->cflat[k].vector;
            }
        }
    }
  if (!ok)
    {
      worker_free (w);
      return NULL;
    }
  w->pt = (bp_gradcheck_point) { .n_blocks = B, .block = w->blkp, .vector = w->flatp,
                                 .moved_block = BP_GRADCHECK_NONE, .is_base = 1,
                                 .thread = thread };
  w->cpt = (bp_gradcheck_cpoint) { .n_blocks = B, .block = w->cblkp, .vector = w->cflatp,
                                   .moved_block = BP_GRADCHECK_NONE, .is_base = 1,
                                   .thread = thread };
  return w;
}

/* f at the worker's point: the scalar into *L, or the m outputs into out;
   1 when f is defined there (returned 0 and a finite value), else 0. */
static int
eval_point (worker *w, double *L, gsl_vector *out)
{
  const bp_gradcheck_function *f = w->pb->f;
  if (f->m == 0)
    return L && f->loss (&w->pt, f->params, L) == 0 && isfinite (*L);
  return out && f->vloss (&w->pt, f->params, out) == 0 && vector_finite (out);
}

static void
mark_bad (worker *w, double x)
{
  if (x < w->x0)
    w->bad_left = 1;
  else
    w->bad_right = 1;
}

/* f as a function of the element *px, for gsl_function: the scalar f, or
   output o of the vector f (from the cache of the last points). */
static double
record (worker *w, double x, double v)
{
  if (w->n_ev < 8)
    {
      w->ev_x[w->n_ev] = x;
      w->ev_f[w->n_ev] = v;
    }
  w->n_ev++;
  return v;
}

static double
element_at (double x, void *p)
{
  worker *w = p;
  if (w->pb->m == 0)
    {
      double L = 0.0;
      *w->px = core_grid_round (w->pb->o->arg_type, x);
      const int ok = eval_point (w, &L, NULL);
      *w->px = w->x0;
      if (!ok)
        {
          mark_bad (w, x);
          return record (w, x, GSL_NAN);
        }
      return record (w, x, L);
    }
  size_t c;
  for (c = 0; c < w->n_cache; c++)
    if (w->cache_x[c] == x)
      break;
  if (c == w->n_cache)
    {
      c = w->n_cache < 8 ? w->n_cache++ : (w->next_cache++ % 8);
      *w->px = core_grid_round (w->pb->o->arg_type, x);
      w->cache_x[c] = x;
      w->cache_ok[c] = eval_point (w, NULL, w->cache_v[c]);
      *w->px = w->x0;
    }
  if (!w->cache_ok[c])
    {
      mark_bad (w, x);
      return record (w, x, GSL_NAN);
    }
  return record (w, x, gsl_vector_get (w->cache_v[c], w->o));
}

/* f (or w . f) at theta + t d, for gsl_function */
static double
line_at (double t, void *p)
{
  worker *w = p;
  const problem *pb = w->pb;
  double L = 0.0;
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      gsl_vector_const_view dk = gsl_vector_const_subvector (w->d, pb->off[k], pb->n[k]);
      copy_block (w->blk[k], pb->base[k]);
      gsl_blas_daxpy (t, &dk.vector, &w->flat[k].vector);
    }
  w->pt.is_base = 0;
  w->pt.moved_block = BP_GRADCHECK_NONE;
  int ok = eval_point (w, &L, w->out);
  if (ok && pb->m > 0)
    gsl_blas_ddot (w->w, w->out, &L);
  w->pt.is_base = 1;   /* the blocks stay at theta + t d: each call sets them anew */
  if (!ok || !isfinite (L))
    {
      mark_bad (w, t);
      return record (w, t, GSL_NAN);
    }
  return record (w, t, L);
}

/* GSL's one-sided derivative of F at x0 at step h (gsl_deriv_forward for
   dir > 0, gsl_deriv_backward otherwise) into *d and *e; 0 when F is
   undefined at one of its points or a value is not finite. */
static int
gsl_one_sided (worker *w, gsl_function *F, double x0, double h, int dir, double *d,
               double *e)
{
  w->x0 = x0;
  w->bad_left = w->bad_right = 0;
  if (dir > 0)
    gsl_deriv_forward (F, x0, h, d, e);
  else
    gsl_deriv_backward (F, x0, h, d, e);
  /* cppcheck-suppress knownConditionTrueFalse ; F (element_at) sets the flags */
  return !w->bad_left && !w->bad_right && isfinite (*d) && isfinite (*e);
}

/* The one-sided derivative of F at x0 (forward for dir > 0, backward
   otherwise) at the step, among h, h/10, ..., h/10^6, whose GSL error
   estimate is the smallest and where F is defined, eq. (0.9): near the
   edge of a domain f varies on the scale of the distance to the edge,
   which the step must not exceed.  0 when F is undefined at every step. */
static int
one_sided (worker *w, gsl_function *F, double x0, double h, int dir, double *d, double *e)
{
  int found = 0;
  double best = 0.0;
  for (int j = 0; j <= 6; j++, h *= 0.1)
    {
      double dj, ej;
      if (!gsl_one_sided (w, F, x0, h, dir, &dj, &ej))
        continue;
      const double nerr = NOISE_ONE_SIDED * w->sigma / h;   /* eq. (0.6) */
      if (!found || ej + nerr < best)
        {
          *d = dj;
          *e = ej;
          best = ej + nerr;
          w->nerr = nerr;
          w->h_kept = h;
        }
      found = 1;
    }
  return found;
}

/* The derivative of F at x0 with step h: gsl_deriv_central where F is
   defined on both sides; one-sided, forward (backward), where it is not
   below (above) x0; none where neither, eq. (0.9). */
static void
differentiate (worker *w, gsl_function *F, double x0, double h, double *d,
               double *e, bp_gradcheck_diff *how)
{
  w->x0 = x0;
  w->bad_left = w->bad_right = 0;
  gsl_deriv_central (F, x0, h, d, e);
  /* cppcheck-suppress knownConditionTrueFalse ; F (element_at, line_at) sets the flags */
  if (!w->bad_left && !w->bad_right && isfinite (*d) && isfinite (*e))
    {
      *how = BP_GRADCHECK_DIFF_CENTRAL;
      return;
    }
  const int left = w->bad_left, right = w->bad_right;
  int ok = 0;
  if (left && !right)
    {
      ok = one_sided (w, F, x0, h, +1, d, e);
      *how = BP_GRADCHECK_DIFF_FORWARD;
    }
  else if (right && !left)
    {
      ok = one_sided (w, F, x0, h, -1, d, e);
      *how = BP_GRADCHECK_DIFF_BACKWARD;
    }
  if (!ok)
    {
      *d = GSL_NAN;
      *e = GSL_NAN;
      *how = BP_GRADCHECK_DIFF_NONE;
    }
}

/* What GSL's estimate e of a central value at step h shows beyond the
   noise sigma: its truncation part, eq. (0.7).  The estimate's |r5 - r3|
   carries up to NOISE_TRUNC sigma / h of noise (weights summing to 4);
   a difference within the noise shows no truncation. */
static double
trunc_above_noise (double e, double sigma, double h)
{
  return fmax (0.0, e - NOISE_TRUNC * sigma / h);
}

/* --- element-wise runs ------------------------------------------------------ */

/* entry (k, o, i): block k, output o, element i (row-major) */
static size_t
entry_index (const problem *pb, size_t k, size_t o, size_t i)
{
  return pb->off[k] * pb->M + o * pb->n[k] + i;
}

static double
analytic_at (const problem *pb, size_t k, size_t o, size_t i)
{
  return pb->m == 0 ? gsl_matrix_get (pb->analytic[k], i / pb->cols[k], i % pb->cols[k])
                    : gsl_matrix_get (pb->analytic[k], o, i);
}

/* GSL's five-point central formula on the recorded values from i on
   (f at x - h, x + h, x - h/2, x + h/2, in gsl_deriv_central's order) */
static double
recorded_central (const worker *w, size_t i, double h)
{
  const double r3 = 0.5 * (w->ev_f[i + 1] - w->ev_f[i]);
  return ((4.0 / 3.0) * (w->ev_f[i + 3] - w->ev_f[i + 2]) - (1.0 / 3.0) * r3) / h;
}

/* The step gsl_deriv_central kept for its value d: h, or the smaller step
   of its second try (its points 5 to 8) when d is that try's value. */
static double
kept_step (const worker *w, double h, double d)
{
  if (w->n_ev < 8)
    return h;
  const double h2 = 0.5 * (w->ev_x[5] - w->ev_x[4]);
  if (!(h2 > 0.0))
    return h;
  return fabs (d - recorded_central (w, 4, h2)) < fabs (d - recorded_central (w, 0, h))
         ? h2 : h;
}

/* Output w->o of the element at x0 differenced with step h and compared
   with a, eq. (0.6): err = GSL's estimate + the noise over the step,
   tolerance at least twice the noise's error by rho_N (the resolution,
   eq. 0.6a).  The noise is in the resolution, so what may still excuse
   a difference beyond it (the INCONCLUSIVE band, 2 u) is only the
   truncation GSL's estimate shows above the noise (as in eq. 0.7): counting
   the noise again let a double gradient 1e-4 off at |f| ~ 5 of a loss
   summed in float through as INCONCLUSIVE. */
static void
judge (worker *w, gsl_function *F, double x0, double h, double a, bp_gradcheck_element *el)
{
  const bp_gradcheck_options *o = w->pb->o;
  double d, e;
  bp_gradcheck_diff how;
  w->n_ev = 0;
  w->nerr = 0.0;
  w->h_kept = h;
  differentiate (w, F, x0, h, &d, &e, &how);
  double hk = w->h_kept, nerr = w->nerr, u = e + nerr;
  if (how == BP_GRADCHECK_DIFF_CENTRAL)
    {
      hk = kept_step (w, h, d);
      nerr = NOISE_CENTRAL * w->sigma / hk;
      u = w->sigma > 0.0 ? trunc_above_noise (e, w->sigma, hk) : e;
    }
  /* eq. (0.6b): f saw its points moved by up to delta, its value by f' delta */
  const double gerr = (how == BP_GRADCHECK_DIFF_CENTRAL ? NOISE_CENTRAL : NOISE_ONE_SIDED)
                      * fabs (d) * core_grid_error (o->arg_type, x0, hk) / hk;
  core_compare_res (a, d, u, 2.0 * nerr * w->pb->res_scale + gerr, o->rtol, o->atol, el);
  el->abserr = e + nerr + gerr;
  el->diff = how;
  el->h = hk;
  el->retried = 0;
  if (how == BP_GRADCHECK_DIFF_NONE)
    el->status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
}

/* What a step costs the value at el (central, step el->h), eq. (0.7):
   the noise's 3 sigma / h plus the truncation error that GSL's estimate
   |r5 - r3| / h = |f'''| h^2 / 6 shows above the noise in it (its
   weights sum to 4: 4 sigma / h); a difference within the noise shows
   no truncation. */
static double
step_cost (const worker *w, const bp_gradcheck_element *el)
{
  const double nerr = NOISE_CENTRAL * w->sigma / el->h;
  return nerr + trunc_above_noise (el->abserr - nerr, w->sigma, el->h);
}

/* How far the value at el (central, step el->h) may lie from f's
   derivative, eq. (0.7a): the resolution 2 rho_N 3 sigma / h plus the
   truncation GSL's estimate shows above the noise. */
static double
value_band (const worker *w, const bp_gradcheck_element *el)
{
  const double nerr = NOISE_CENTRAL * w->sigma / el->h;
  return 2.0 * nerr * w->pb->res_scale
         + trunc_above_noise (el->abserr - nerr, w->sigma, el->h);
}

/* 1 when f is noisy and the cost of el's step is its truncation more
   than its noise: for a smooth f a larger step only adds truncation
   (h^2), a smaller one may lower the cost. */
static int
truncation_bound (const worker *w, const bp_gradcheck_element *el)
{
  const double nerr = NOISE_CENTRAL * w->sigma / el->h;
  return w->sigma > 0.0 && trunc_above_noise (el->abserr - nerr, w->sigma, el->h) > nerr;
}

/* The three-point one-sided derivatives of F at x0 on the points of the
   central rule at step h, eq. (0.10a): l (backward) and r (forward),
   each from f(x0) and the two points on its side only.  0 when F is
   undefined at one of them. */
static int
three_point_sides (worker *w, gsl_function *F, double x0, double h, double *l, double *r)
{
  w->x0 = x0;
  w->bad_left = w->bad_right = 0;
  const double f0 = GSL_FN_EVAL (F, x0);
  const double fl1 = GSL_FN_EVAL (F, x0 - 0.5 * h), fl2 = GSL_FN_EVAL (F, x0 - h);
  const double fr1 = GSL_FN_EVAL (F, x0 + 0.5 * h), fr2 = GSL_FN_EVAL (F, x0 + h);
  *l = (3.0 * f0 - 4.0 * fl1 + fl2) / h;
  *r = (-3.0 * f0 + 4.0 * fr1 - fr2) / h;
  /* cppcheck-suppress knownConditionTrueFalse ; F (element_at) sets the flags */
  return !w->bad_left && !w->bad_right && isfinite (*l) && isfinite (*r);
}

/* eq. (0.10b): a tie below the resolution.  Sides l and r that do not
   resolve a tie at step h may still straddle one: the central value c,
   a weighted mean of the slopes across it, then lies between them; a,
   f's derivative on the side whose points do not reach the tie, lies
   between them too, within t (the central value's resolution and the
   sides' truncation 2 u: a second tie within the step bends the side
   that does not reach the first by what GSL's estimate shows above the
   noise), and matches one side within that side's resolution s.  Such
   data are also those of a gradient off by up to s: never a PASS. */
static int
unresolved_tie (double a, double c, double l, double r, double s, double t)
{
  const double lo = fmin (l, r), hi = fmax (l, r);
  return lo <= c && c <= hi && lo - t <= a && a <= hi + t
         && (fabs (a - l) <= s || fabs (a - r) <= s);
}

/* The resolution at step h of a value whose noise weights sum to
   weights: 2 rho_N weights sigma / h, eq. (0.6a) */
static double
resolution (const worker *w, double weights, double h)
{
  return 2.0 * w->pb->res_scale * weights * w->sigma / h;
}

/* eq. (0.7): an element that did not pass, or passed only at the
   resolution of f's noise, is differenced again at 4, 16 and 64 times the
   step (at most 0.1 max(1, |x0|), on the grid).  The block's step assumed
   f''' of the order of |f|; the element's own third difference measures
   it: the step of the smallest cost decides (Gill, Murray, Saunders &
   Wright's choice of h, on a ladder).  The ladder climbs only while the
   noise rules the cost and each rung's value stays within the band of
   the rung below (0.7a): a rung beyond that reached what the smaller
   step did not see (a kink of ReLU or max-pool).  Where the truncation
   rules at the block's step (kinks crossed within it, or GSL's own
   second try shrank the step), it steps down to 1/4, 1/16 and 1/64. */
static void
retry (worker *w, gsl_function *F, double x0, double h, double a, bp_gradcheck_element *el)
{
  const problem *pb = w->pb;
  const double cap = 0.1 * fmax (1.0, fabs (x0));
  const int down = w->sigma > 0.0 && (el->h < h || truncation_bound (w, el));
  bp_gradcheck_element best = *el, below = *el, t;
  double cost = step_cost (w, el);
  for (int j = 0; j < 3 && (best.status != BP_GRADCHECK_ELEMENT_PASS
                            || core_at_resolution (&best, pb->o->rtol, pb->o->atol)); j++)
    {
      const double next = core_grid_step (pb->o->arg_type,
                                          down ? 0.25 * h : fmin (4.0 * h, cap), x0);
      if (down ? !(next < h) : !(next > h) || truncation_bound (w, &below))
        break;
      h = next;
      judge (w, F, x0, h, a, &t);
      if (t.diff != BP_GRADCHECK_DIFF_CENTRAL
          || (!down && !(fabs (t.numeric - below.numeric)
                         <= value_band (w, &t) + value_band (w, &below))))
        break;
      below = t;
      if (step_cost (w, &t) < cost)
        {
          best = t;
          cost = step_cost (w, &t);
        }
    }
  *el = best;
  el->retried = 1;
}

/* The three-point sides (0.10a) on the scales L_k = 2^k h, k = -TIE_DOWN
   .. TIE_UP (on the argument's grid, at most 0.25 max(1, |x0|)), T[0] the
   backward, T[1] the forward, each within b_k = 2 rho_N 8 sigma / L_k
   (0.10d); n the scales reached. */
enum { TIE_SCALES = TIE_DOWN + TIE_UP + 1 };
typedef struct
{
  double L[TIE_SCALES], T[2][TIE_SCALES], b[TIE_SCALES];
  size_t n;
} tie_scales;

static void
scales_at (worker *w, gsl_function *F, double x0, double h, tie_scales *s)
{
  const double cap = 0.25 * fmax (1.0, fabs (x0));
  s->n = 0;
  for (int k = -TIE_DOWN; k <= TIE_UP; k++)
    {
      const size_t n = s->n;
      const double Lk = core_grid_step (w->pb->o->arg_type, ldexp (h, k), x0);
      if (Lk > cap)
        break;
      if (n > 0 && !(Lk > s->L[n - 1]))
        continue;
      if (!three_point_sides (w, F, x0, Lk, &s->T[0][n], &s->T[1][n]))
        break;
      s->L[n] = Lk;
      s->b[n] = resolution (w, NOISE_THREE_POINT, Lk);
      s->n++;
    }
}

/* eq. (0.10e): side c of s holds a tie within top (a scale index): at a
   scale j <= top where the sides differ beyond 2 b_j, side c's value has
   moved beyond b_i + b_j from its value at a smaller scale i (0.10d's
   test of the tie's side). */
static int
side_holds_tie (const tie_scales *s, int c, size_t top)
{
  const double *C = s->T[c], *O = s->T[1 - c];
  for (size_t j = 1; j <= top && j < s->n; j++)
    if (fabs (C[j] - O[j]) > 2.0 * s->b[j])
      for (size_t i = 0; i < j; i++)
        if (fabs (C[j] - C[i]) > s->b[i] + s->b[j])
          return 1;
  return 0;
}

/* eq. (0.10e): ties on both sides within 2 h.  Each bends the side of
   (0.10a) that reaches it, and the two together bend both: a beyond both
   sides is then no evidence of a wrong a.  1 when the scales up to 2 h
   show a tie on each side (side_holds_tie). */
static int
ties_both_sides (worker *w, gsl_function *F, double x0, double h)
{
  tie_scales s;
  scales_at (w, F, x0, h, &s);
  size_t top = 0;
  while (top + 1 < s.n && s.L[top + 1] <= 2.0 * h)
    top++;
  return side_holds_tie (&s, 0, top) && side_holds_tie (&s, 1, top);
}

/* eq. (0.10a): a near-tie within the step.  At h, h/4, h/16 and h/64 (on
   the argument's grid) the three-point sides l and r are compared; where
   they differ by more than twice their resolution (2 rho_N 8 sigma / h
   each) plus the truncation (GSL's u at the element's step, shrinking as
   h^2), a kink lies within the step, and the element is a KINK when its
   analytic value a matches one side within the central value's
   resolution at that step, INCONCLUSIVE when only within the side's own
   (res + 2 u): the side whose points do not cross the tie is f's
   derivative there.  At
   the first smaller step where the sides agree (no tie resolved within
   it), the element is judged anew by (0.3) and (0.6) at that step: its
   verdict there stands, but for a FAIL whose data are those of (0.10b)
   at that step, with its own u: INCONCLUSIVE (the sides agree within a
   resolution 4 times coarser, which can hide the tie seen above).  When
   the sides agree at h itself, a FAIL stands unless (0.10b) holds.  In
   (0.10b) a may lie beyond both sides by the side's own resolution (not
   only t) where the scales show a tie on each side (0.10e). */
static void
near_tie (worker *w, gsl_function *F, double x0, double h, double u,
          bp_gradcheck_element *el, double rtol, double atol)
{
  const bp_gradcheck_options *o = w->pb->o;
  const double a = el->analytic;
  for (int j = 0; j < NEAR_TIE_RUNGS; j++)
    {
      double l, r;
      if (j > 0)
        {
          const double next = core_grid_step (o->arg_type, 0.25 * h, x0);
          if (!(next < h))
            return;
          u *= (next / h) * (next / h);
          h = next;
        }
      if (!three_point_sides (w, F, x0, h, &l, &r))
        return;
      const double res = resolution (w, NOISE_THREE_POINT, h);
      const double tc = resolution (w, NOISE_CENTRAL, h);
      bp_gradcheck_element lr, al, ar;
      core_compare_res (l, r, 0.0, 2.0 * (res + u), rtol, atol, &lr);
      if (lr.status != BP_GRADCHECK_ELEMENT_FAIL)
        {
          bp_gradcheck_element t;
          if (j == 0)
            {
              /* nor between the central values at h and h/4 (0.7a) */
              const double next = core_grid_step (o->arg_type, 0.25 * h, x0);
              int moved = 0;
              if (next < h)
                {
                  judge (w, F, x0, next, a, &t);
                  moved = t.diff == BP_GRADCHECK_DIFF_CENTRAL
                          && fabs (t.numeric - el->numeric)
                             > value_band (w, &t) + value_band (w, el);
                }
              if (moved)
                continue;
              /* (0.10b) */
              if (unresolved_tie (a, el->numeric, l, r, res + 2.0 * u, tc + 2.0 * u)
                  || (unresolved_tie (a, el->numeric, l, r, res + 2.0 * u, res + 2.0 * u)
                      && ties_both_sides (w, F, x0, h)))
                {
                  el->left = l;
                  el->right = r;
                  el->status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
                }
              return;                           /* no tie resolved within the step */
            }
          judge (w, F, x0, h, a, &t);
          if (t.diff == BP_GRADCHECK_DIFF_CENTRAL)
            {
              t.block = el->block;
              t.output = el->output;
              t.row = el->row;
              t.col = el->col;
              t.left = t.right = GSL_NAN;
              t.retried = 1;
              const double ut = trunc_above_noise (t.abserr - NOISE_CENTRAL * w->sigma / h,
                                                   w->sigma, h);
              if (t.status == BP_GRADCHECK_ELEMENT_FAIL                  /* (0.10b) */
                  && (unresolved_tie (a, t.numeric, l, r, res + 2.0 * ut, tc + 2.0 * ut)
                      || (unresolved_tie (a, t.numeric, l, r, res + 2.0 * ut, res + 2.0 * ut)
                          && ties_both_sides (w, F, x0, h))))
                {
                  t.status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
                  t.left = l;
                  t.right = r;
                }
              *el = t;
            }
          return;
        }
      /* a side within the central value's resolution at h: KINK; only
         within the side's own (res + 2 u): INCONCLUSIVE */
      const double band = 0.5 * fmax (0.0, res + 2.0 * u - tc);
      core_compare_res (a, l, band, tc, rtol, atol, &al);
      core_compare_res (a, r, band, tc, rtol, atol, &ar);
      const int st = al.status == BP_GRADCHECK_ELEMENT_PASS || ar.status == BP_GRADCHECK_ELEMENT_PASS
                     ? BP_GRADCHECK_ELEMENT_KINK
                     : al.status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE
                       || ar.status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE
                     ? BP_GRADCHECK_ELEMENT_INCONCLUSIVE : BP_GRADCHECK_ELEMENT_FAIL;
      if (st != BP_GRADCHECK_ELEMENT_FAIL)
        {
          el->left = l;
          el->right = r;
          el->status = st;
          return;
        }
    }
}

/* GSL's one-sided derivative of F at x0 at step g (forward for dir > 0,
   backward otherwise) into *d and *e, *hk the step of the value kept: g,
   or that of GSL's second try (its points 5 to 8) when d is nearer that
   try's four-point value (0.9) than the first's.  0 when F is undefined
   at a point. */
static int
one_sided_at (worker *w, gsl_function *F, double x0, double g, int dir, double *d,
              double *e, double *hk)
{
  w->n_ev = 0;
  if (!gsl_one_sided (w, F, x0, g, dir, d, e) || w->n_ev < 4)
    return 0;
  double r[2] = { 0.0, 0.0 }, s[2] = { 0.0, 0.0 };
  for (size_t t = 0; t < 2 && 4 * t + 3 < w->n_ev && 4 * t + 3 < 8; t++)
    {
      const double *f = w->ev_f + 4 * t;
      s[t] = w->ev_x[4 * t + 3] - x0;
      r[t] = ((22.0 / 3.0) * (f[3] - f[2]) - (62.0 / 3.0) * (f[2] - f[1])
              + (52.0 / 3.0) * (f[1] - f[0])) / s[t];
    }
  *hk = w->n_ev >= 8 && s[1] != 0.0 && fabs (*d - r[1]) < fabs (*d - r[0]) ? fabs (s[1]) : g;
  return 1;
}

/* eq. (0.10d): a tie located, the element decided on the side away from
   it.  The three-point sides l(L), r(L) of (0.10a), each within
   b(L) = 2 rho_N 8 sigma / L, on the scales L = 2^k h (k = -TIE_DOWN ..
   TIE_UP, on the grid, at most 0.25 max(1, |x0|)).  A side is clear up
   to the largest scale g at which one slope still lies within every b of
   its values.  The other side holds the tie when the sides first differ
   (beyond 2 b) at a scale j <= g, and at some smaller scale i its own
   value lies beyond b_i + b_j of the one at j: halving the step from j
   towards x0, the sides agree and the tie's side has moved.  A tie at
   delta moves it by at most 3 J delta / L_i: none nearer than
   delta_min = 4 sigma / J (0.10c) is located.  Exactly one side may hold
   it.  The value is GSL's one-sided derivative on the clear side at step
   L_g, compared by (0.3) and (0.6) at its resolution 2 rho_N 91 sigma /
   L_g: PASS only when a also lies within b of every three-point value the
   location rests on (the clear side's up to g, the tie's side's at i);
   FAIL only when a also lies beyond 2 b of the clear side's at g and of
   the tie's side's at i (a fainter tie on the clear side bends GSL's
   four-point value more than the three-point ones; a matching the tie's
   side near x0 is a one-sided derivative); else INCONCLUSIVE.  1 when a
   tie was located. */
static int
tie_side (worker *w, gsl_function *F, double x0, double h, bp_gradcheck_element *el)
{
  const bp_gradcheck_options *o = w->pb->o;
  tie_scales sc;
  scales_at (w, F, x0, h, &sc);
  const size_t n = sc.n;
  const double *L = sc.L, *b = sc.b;
  double (*T)[TIE_SCALES] = sc.T;
  int clear = -1;                       /* 0: backward, 1: forward */
  size_t g = 0, ia = 0, jd = 0;
  for (int c = 0; c < 2; c++)
    {
      const double *C = T[c], *S = T[1 - c];
      double lo = -HUGE_VAL, hi = HUGE_VAL;
      size_t kg = 0;
      for (size_t k = 0; k < n; k++)
        {
          lo = fmax (lo, C[k] - b[k]);
          hi = fmin (hi, C[k] + b[k]);
          if (lo > hi)
            break;
          kg = k;
        }
      size_t j = 0;
      while (j <= kg && fabs (S[j] - C[j]) <= 2.0 * b[j])
        j++;                            /* the smallest scale where the sides differ */
      int located = 0;
      for (size_t i = j; j <= kg && i-- > 0 && !located;)
        if (fabs (S[j] - S[i]) > b[i] + b[j])
          {
            located = 1;
            ia = i;
            jd = j;
          }
      if (!located)
        continue;
      if (clear >= 0)
        return 0;                       /* ties on both sides */
      clear = c;
      g = kg;
    }
  if (clear < 0)
    return 0;
  const int dir = clear ? +1 : -1;
  double d, e, hk;
  if (!one_sided_at (w, F, x0, L[g], dir, &d, &e, &hk))
    return 0;
  const double a = el->analytic, nerr = NOISE_ONE_SIDED * w->sigma / hk;
  int within = fabs (a - T[1 - clear][ia]) <= b[ia];
  for (size_t k = 0; k <= g; k++)
    within = within && fabs (a - T[clear][k]) <= b[k];
  const int beyond = fabs (a - T[clear][g]) > 2.0 * b[g]
                     && fabs (a - T[1 - clear][ia]) > 2.0 * b[ia];
  core_compare_res (a, d, fmax (0.0, e - nerr), 2.0 * nerr * w->pb->res_scale, o->rtol,
                    o->atol, el);
  if ((el->status == BP_GRADCHECK_ELEMENT_PASS && !within)
      || (el->status == BP_GRADCHECK_ELEMENT_FAIL && !beyond))
    el->status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
  el->abserr = e + nerr;
  el->h = hk;
  el->diff = dir > 0 ? BP_GRADCHECK_DIFF_FORWARD : BP_GRADCHECK_DIFF_BACKWARD;
  el->retried = 1;
  el->left = T[0][jd];
  el->right = T[1][jd];
  el->tie = -dir * L[jd];
  return 1;
}

/* A kink, eq. (0.10): the one-sided derivatives l (backward) and r
   (forward) disagree beyond their own comparison; the element is then a
   KINK when its analytic value a lies between them (within the tolerance
   of the comparison), and keeps its FAIL otherwise.  GSL's four-point
   one-sided rules carry 91 sigma / h of f's noise each, which hides a
   max-pool near-tie that a float step crosses: for a noisy f, an element
   they leave failing is looked at again by near_tie (0.10a). */
static void
kink (worker *w, gsl_function *F, double x0, double h, bp_gradcheck_element *el,
      double rtol, double atol)
{
  double l, el_, r, er;
  const double nerr = NOISE_ONE_SIDED * w->sigma / h;   /* never a kink from noise */
  const double u = trunc_above_noise (el->abserr - NOISE_CENTRAL * w->sigma / h, w->sigma, h);
  w->x0 = x0;
  w->bad_left = w->bad_right = 0;
  gsl_deriv_backward (F, x0, h, &l, &el_);
  gsl_deriv_forward (F, x0, h, &r, &er);
  /* cppcheck-suppress knownConditionTrueFalse ; F (element_at) sets the flags */
  if (w->bad_left || w->bad_right || !isfinite (l) || !isfinite (r))
    return;
  bp_gradcheck_element lr;
  el_ += nerr;
  er += nerr;
  core_compare_res (l, r, el_ + er, el_ + er, rtol, atol, &lr);
  const double a = el->analytic;
  const double slack = fmax (atol, rtol * fmax (fabs (a), fmax (fabs (l), fabs (r))))
                       + 2.0 * fmax (el_, er);
  if (lr.status == BP_GRADCHECK_ELEMENT_FAIL)
    {
      el->left = l;
      el->right = r;
      if (a >= fmin (l, r) - slack && a <= fmax (l, r) + slack)
        el->status = BP_GRADCHECK_ELEMENT_KINK;
    }
  else if (w->sigma > 0.0)
    near_tie (w, F, x0, h, u, el, rtol, atol);
}

/* Element q (flat over the blocks) by central differences: its M entries,
   at the step chosen for its block (eq. 0.5), retried (0.7), kinks
   looked for (0.10). */
static void
central_element (worker *w, size_t q, bp_gradcheck_element *E)
{
  const problem *pb = w->pb;
  const bp_gradcheck_options *o = pb->o;
  size_t k = 0;
  while (q >= pb->off[k] + pb->n[k])
    k++;
  const size_t i = q - pb->off[k];
  w->px = gsl_vector_ptr (&w->flat[k].vector, i);
  const double x0 = *w->px;
  const double h = pb->hrel ? core_grid_step (o->arg_type, pb->hrel[k] * fmax (1.0, fabs (x0)), x0)
                            : core_step (o->h, x0);
  w->pt.moved_block = k;
  w->pt.moved_row = i / pb->cols[k];
  w->pt.moved_col = i % pb->cols[k];
  w->pt.is_base = 0;
  w->n_cache = w->next_cache = 0;
  gsl_function F = { .function = element_at, .params = w };
  for (w->o = 0; w->o < pb->M; w->o++)
    {
      bp_gradcheck_element *el = &E[entry_index (pb, k, w->o, i)];
      const double a = analytic_at (pb, k, w->o, i);
      w->sigma = pb->excess ? pb->excess[k * pb->M + w->o] : 0.0;
      judge (w, &F, x0, h, a, el);
      if (pb->hrel && el->diff == BP_GRADCHECK_DIFF_CENTRAL
          && (el->status != BP_GRADCHECK_ELEMENT_PASS || core_at_resolution (el, o->rtol, o->atol))
          && isfinite (a))
        retry (w, &F, x0, h, a, el);
      el->block = k;
      el->output = w->o;
      el->row = w->pt.moved_row;
      el->col = w->pt.moved_col;
      el->left = el->right = GSL_NAN;
      if (el->diff == BP_GRADCHECK_DIFF_CENTRAL
          && el->status != BP_GRADCHECK_ELEMENT_PASS && isfinite (a))
        kink (w, &F, x0, el->h, el, o->rtol, o->atol);
      if (el->diff == BP_GRADCHECK_DIFF_CENTRAL && el->status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE
          && w->sigma > 0.0 && isfinite (a))
        tie_side (w, &F, x0, el->h, el);
    }
  w->sigma = 0.0;
  w->pt.moved_block = BP_GRADCHECK_NONE;
  w->pt.is_base = 1;
}

/* Element q by the complex step, eq. (13.3): e = Im f(x + i h) / h. */
static void
complex_element (worker *w, size_t q, bp_gradcheck_element *E)
{
  const problem *pb = w->pb;
  const bp_gradcheck_function *f = pb->f;
  size_t k = 0;
  while (q >= pb->off[k] + pb->n[k])
    k++;
  const size_t i = q - pb->off[k];
  double *pz = w->cflat[k].vector.data + 2 * i;
  const double x0 = pz[0], h = core_step (pb->o->h_complex, x0);
  w->cpt.moved_block = k;
  w->cpt.moved_row = i / pb->cols[k];
  w->cpt.moved_col = i % pb->cols[k];
  w->cpt.is_base = 0;
  pz[1] = h;
  gsl_complex L = gsl_complex_rect (0.0, 0.0);
  const int ok = f->m == 0 ? f->closs (&w->cpt, f->params, &L) == 0
                           : f->cvloss (&w->cpt, f->params, w->cout) == 0;
  pz[1] = 0.0;
  for (size_t o = 0; o < pb->M; o++)
    {
      bp_gradcheck_element *el = &E[entry_index (pb, k, o, i)];
      const gsl_complex z = f->m == 0 ? L : gsl_vector_complex_get (w->cout, o);
      const double d = ok ? GSL_IMAG (z) / h : GSL_NAN;
      core_compare (analytic_at (pb, k, o, i), d, 0.0, pb->o->rtol, pb->o->atol, el);
      el->block = k;
      el->output = o;
      el->row = w->cpt.moved_row;
      el->col = w->cpt.moved_col;
      el->left = el->right = GSL_NAN;
      el->h = h;
      el->diff = ok && isfinite (d) ? BP_GRADCHECK_DIFF_COMPLEX : BP_GRADCHECK_DIFF_NONE;
      if (el->diff == BP_GRADCHECK_DIFF_NONE)
        el->status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
    }
  w->cpt.moved_block = BP_GRADCHECK_NONE;
  w->cpt.is_base = 1;
}

size_t
bp_gradcheck_threads (size_t asked)
{
#ifdef _OPENMP
  const size_t max = (size_t) omp_get_max_threads ();
  return asked < max ? asked : max;
#else
  return asked < 1 ? asked : 1;
#endif
}

/* opts.threads capped by OMP_NUM_THREADS (bp_gradcheck_threads) and by N */
static size_t
thread_count (size_t asked, size_t N)
{
  asked = bp_gradcheck_threads (asked);
  return asked < N ? asked : (N > 0 ? N : 1);
}

static size_t
thread_index (void)
{
#ifdef _OPENMP
  return (size_t) omp_get_thread_num ();
#else
  return 0;
#endif
}

/* Every element by one method, on the threads: each entry is computed
   alone, from the base point, so the order does not matter. */
static int
elementwise (const problem *pb, int complex, bp_gradcheck_element *E)
{
  int status = GSL_SUCCESS;
  const size_t N = pb->N;
#pragma omp parallel num_threads (thread_count (pb->o->threads, N))
  {
    worker *w = worker_alloc (pb, thread_index (), complex);
    if (!w)
      {
#pragma omp atomic write
        status = GSL_ENOMEM;
      }
#pragma omp for schedule (dynamic, 16)
    for (size_t q = 0; q < N; q++)
      if (w)
        {
          if (complex)
            complex_element (w, q, E);
          else
            central_element (w, q, E);
        }
    worker_free (w);
  }
  return status;
}

/* --- results ------------------------------------------------------------ */

static void
block_result_free (bp_gradcheck_block_result *b)
{
  gsl_matrix_free (b->analytic);
  gsl_matrix_free (b->numeric);
  gsl_matrix_free (b->abserr);
  gsl_matrix_uchar_free (b->mask);
  free (b->worst);
}

void
bp_gradcheck_result_free (bp_gradcheck_result *r)
{
  if (!r)
    return;
  for (size_t j = 0; j < r->n_runs; j++)
    if (r->run[j].block)
      {
        for (size_t k = 0; k < r->n_blocks; k++)
          block_result_free (&r->run[j].block[k]);
        free (r->run[j].block);
      }
  free (r);
}

static int
by_ratio (const void *x, const void *y)
{
  const bp_gradcheck_element *a = *(const bp_gradcheck_element *const *) x;
  const bp_gradcheck_element *b = *(const bp_gradcheck_element *const *) y;
  if (a->ratio != b->ratio)
    return a->ratio > b->ratio ? -1 : 1;
  return a < b ? -1 : (a > b);                /* the first in the blocks' order */
}

/* The k worst of b's n_bad elements that did not pass, by ratio, into
   b->worst; sorted (allocated by pointers) is freed. */
static int
keep_worst (bp_gradcheck_block_result *b, const bp_gradcheck_element **sorted,
            size_t n_bad, size_t k)
{
  qsort (sorted, n_bad, sizeof (void *), by_ratio);
  b->n_worst = n_bad < k ? n_bad : k;
  b->worst = b->n_worst ? malloc (b->n_worst * sizeof *b->worst) : NULL;
  if (b->n_worst && !b->worst)
    {
      free (sorted);
      return GSL_ENOMEM;
    }
  for (size_t j = 0; j < b->n_worst; j++)
    b->worst[j] = *sorted[j];
  free (sorted);
  return GSL_SUCCESS;
}

static void
count (size_t *passed, size_t *inconclusive, size_t *failed, size_t *kinks, int status)
{
  switch (status)
    {
    case BP_GRADCHECK_ELEMENT_PASS: (*passed)++; break;
    case BP_GRADCHECK_ELEMENT_INCONCLUSIVE: (*inconclusive)++; break;
    case BP_GRADCHECK_ELEMENT_FAIL: (*failed)++; break;
    case BP_GRADCHECK_ELEMENT_KINK: (*kinks)++; break;
    default: break;
    }
}

static bp_gradcheck_verdict
verdict_of (size_t inconclusive, size_t failed)
{
  return failed ? BP_GRADCHECK_FAIL
                : (inconclusive ? BP_GRADCHECK_INCONCLUSIVE : BP_GRADCHECK_PASS);
}

/* The run's blocks from the entries E: arrays, mask, counts, the k worst,
   the verdict and the hints. */
static int
fill_blocks (const problem *pb, const bp_gradcheck_element *E, bp_gradcheck_run *run)
{
  const bp_gradcheck_options *o = pb->o;
  run->worst = (bp_gradcheck_element) { .block = BP_GRADCHECK_NONE };
  double worst = -1.0;
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      bp_gradcheck_block_result *b = &run->block[k];
      const size_t r = pb->m == 0 ? pb->rows[k] : pb->m;
      const size_t c = pb->m == 0 ? pb->cols[k] : pb->n[k];
      b->analytic = matrix_alloc (r, c);
      b->numeric = matrix_alloc (r, c);
      b->abserr = matrix_alloc (r, c);
      b->mask = matrix_uchar_alloc (r, c);
      const size_t E_k = pb->n[k] * pb->M;
      const bp_gradcheck_element **sorted = pointers (E_k);
      if (!b->analytic || !b->numeric || !b->abserr || !b->mask || !sorted)
        {
          free (sorted);
          return GSL_ENOMEM;
        }
      size_t n_bad = 0;
      for (size_t o_ = 0; o_ < pb->M; o_++)
        for (size_t i = 0; i < pb->n[k]; i++)
          {
            const bp_gradcheck_element *el = &E[entry_index (pb, k, o_, i)];
            const size_t ri = pb->m == 0 ? i / pb->cols[k] : o_;
            const size_t ci = pb->m == 0 ? i % pb->cols[k] : i;
            gsl_matrix_set (b->analytic, ri, ci, el->analytic);
            gsl_matrix_set (b->numeric, ri, ci, el->numeric);
            gsl_matrix_set (b->abserr, ri, ci, el->abserr);
            gsl_matrix_uchar_set (b->mask, ri, ci, (unsigned char) el->status);
            b->n_checked++;
            count (&b->n_passed, &b->n_inconclusive, &b->n_failed, &b->n_kinks, el->status);
            b->n_one_sided += el->diff == BP_GRADCHECK_DIFF_FORWARD
                              || el->diff == BP_GRADCHECK_DIFF_BACKWARD;
            core_fold_errors (el, o->atol, &b->max_abs_err, &b->max_rel_err,
                              &b->max_est_err);
            b->n_retried += el->retried ? 1u : 0u;
            b->n_tie_sided += el->tie != 0.0 ? 1u : 0u;
            b->n_nonfinite += isfinite (el->analytic) ? 0u : 1u;
            b->n_resolution += (size_t) core_at_resolution (el, o->rtol, o->atol);
            if (el->diff != BP_GRADCHECK_DIFF_NONE && el->h > 0.0)
              {
                b->h_min = b->h_min > 0.0 ? fmin (b->h_min, el->h) : el->h;
                b->h_max = fmax (b->h_max, el->h);
              }
            if (el->status != BP_GRADCHECK_ELEMENT_PASS)
              sorted[n_bad++] = el;
            if (el->ratio > worst)
              {
                worst = el->ratio;
                run->worst = *el;
              }
          }
      if (keep_worst (b, sorted, n_bad, o->k) != GSL_SUCCESS)
        return GSL_ENOMEM;
      b->verdict = verdict_of (b->n_inconclusive, b->n_failed);
      b->noise_found = pb->noise_found != NULL;
      for (size_t o_ = 0; pb->noise && o_ < pb->M; o_++)
        {
          b->noise = fmax (b->noise, pb->noise[k * pb->M + o_]);
          b->noise_found = b->noise_found && pb->noise_found[k * pb->M + o_];
        }
      hints_find (b, o->rtol, o->atol, pb->m > 0);
      run->noise = fmax (run->noise, b->noise);
      run->n_retried += b->n_retried;
      run->n_resolution += b->n_resolution;
      run->n_nonfinite += b->n_nonfinite;
      run->n_checked += b->n_checked;
      run->n_passed += b->n_passed;
      run->n_inconclusive += b->n_inconclusive;
      run->n_failed += b->n_failed;
      run->n_kinks += b->n_kinks;
      run->n_one_sided += b->n_one_sided;
      run->hints |= b->hints;
      run->max_abs_err = fmax (run->max_abs_err, b->max_abs_err);
      run->max_rel_err = fmax (run->max_rel_err, b->max_rel_err);
      run->max_est_err = fmax (run->max_est_err, b->max_est_err);
    }
  hints_across (run, pb->n_blocks, o->rtol, o->atol, pb->m > 0);
  run->verdict = verdict_of (run->n_inconclusive, run->n_failed);
  return GSL_SUCCESS;
}

/* The reason of an element-wise run's verdict, in words: for an
   inconclusive one, whether f was undefined on both sides of an element,
   or whether GSL's estimates are those of a noisy f (above sqrt(eps)
   relative: single precision?), eq. (0.3). */
static void
elementwise_reason (const problem *pb, const bp_gradcheck_element *E, bp_gradcheck_run *run)
{
  char *s = run->reason;
  const size_t len = sizeof run->reason;
  size_t undefined = 0;
  double noise = 0.0;
  for (size_t q = 0; q < pb->N * pb->M; q++)
    {
      undefined += E[q].diff == BP_GRADCHECK_DIFF_NONE;
      if (E[q].status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE && isfinite (E[q].abserr))
        noise = fmax (noise, E[q].abserr / fmax (1.0, fabs (E[q].numeric)));
    }
  if (run->verdict == BP_GRADCHECK_FAIL && run->n_nonfinite)
    snprintf (s, len, trn ("%zu of %zu element differs beyond tolerance + 2 x estimate, "
                           "%zu analytic values not finite (NaN or infinite)",
                           "%zu of %zu elements differ beyond tolerance + 2 x estimate, "
                           "%zu analytic values not finite (NaN or infinite)",
                           run->n_checked),
              run->n_failed, run->n_checked, run->n_nonfinite);
  else if (run->verdict == BP_GRADCHECK_FAIL)
    snprintf (s, len, trn ("%zu of %zu element differs beyond tolerance + 2 x estimate",
                           "%zu of %zu elements differ beyond tolerance + 2 x estimate",
                           run->n_checked),
              run->n_failed, run->n_checked);
  else if (run->verdict == BP_GRADCHECK_INCONCLUSIVE && undefined)
    snprintf (s, len, trn ("%zu of %zu element inconclusive: f undefined on both sides of %zu",
                           "%zu of %zu elements inconclusive: f undefined on both sides of %zu",
                           run->n_checked),
              run->n_inconclusive, run->n_checked, undefined);
  else if (run->verdict == BP_GRADCHECK_INCONCLUSIVE)
    snprintf (s, len, trn ("%zu of %zu element agrees only within the numeric error estimate%s",
                           "%zu of %zu elements agree only within the numeric error estimate%s",
                           run->n_checked),
              run->n_inconclusive, run->n_checked,
              run->n_retried ? _(" (also at larger steps)")
              : (noise > 1.5e-8 ? _(" (estimates of a noisy f: single precision?)") : ""));
  else
    snprintf (s, len, trn ("all %zu element within tolerance%s",
                           "all %zu elements within tolerance%s", run->n_checked),
              run->n_checked,
              run->n_kinks ? _(" (kinks aside: analytic between the one-sided derivatives)")
                           : "");
}

static int
run_elementwise (const problem *pb, int complex, bp_gradcheck_run *run)
{
  bp_gradcheck_element *E = calloc (pb->N * pb->M + 1, sizeof *E);
  if (!E)
    return GSL_ENOMEM;
  int status = elementwise (pb, complex, E);
  if (status == GSL_SUCCESS)
    status = fill_blocks (pb, E, run);
  if (status == GSL_SUCCESS)
    elementwise_reason (pb, E, run);
  free (E);
  return status;
}

/* --- the noise and the steps ------------------------------------------------ */

/* f (its M outputs into fv) at the base point with block k moved by t d
   (rounded to the grid); 1 when defined there. */
static int
block_line_at (worker *w, size_t k, const double *d, double t, double *fv)
{
  const problem *pb = w->pb;
  double *x = w->flat[k].vector.data;
  const double *b = pb->base[k]->data;
  for (size_t j = 0; j < pb->n[k]; j++)
    x[j] = core_grid_round (pb->o->arg_type, b[j] + t * d[j]);
  w->pt.is_base = 0;
  w->pt.moved_block = BP_GRADCHECK_NONE;
  double L = 0.0;
  const int ok = eval_point (w, &L, w->out);
  copy_block (w->blk[k], pb->base[k]);
  w->pt.is_base = 1;
  for (size_t o = 0; ok && o < pb->M; o++)
    fv[o] = pb->m == 0 ? L : gsl_vector_get (w->out, o);
  return ok;
}

/* ECnoise (eq. 0.4) on F at CORE_NOISE_POINTS points t_i = (i + 1) c,
   on one side of the point (a kink at the point itself, a tie, is not
   noise),
   for the spacings c in turn (from c0: smaller when the differences are
   f's own, larger when f does not move) until the noise is found, into
   fv (CORE_NOISE_POINTS x M) and noise / found (M, the outputs not found
   yet).  eval (t, fv + i M) gives the values. */
typedef int (*noise_eval) (void *p, double c, double i, double *fv);

static void
ecnoise_at (noise_eval eval, void *p, size_t M, double *fv, double *noise, int *found)
{
  static const double c_try[] = { 1.0, 1e-2, 1e2, 1e-4, 1e4 };
  for (size_t c = 0; c < sizeof c_try / sizeof c_try[0]; c++)
    {
      int ok = 1, all = 1;
      for (size_t i = 0; ok && i < CORE_NOISE_POINTS; i++)
        ok = eval (p, c_try[c], (double) i + 1.0, fv + i * M);
      for (size_t o = 0; ok && o < M; o++)
        if (!found[o])
          found[o] = core_ecnoise (fv + o, M, &noise[o]) == CORE_NOISE_FOUND;
      for (size_t o = 0; o < M; o++)
        all = all && found[o];
      if (all)
        return;
    }
}

/* point i along block k: x_j + i s_j delta_j, s_j a random sign, delta_j
   the grid step of 1e-6 c max(1, |x_j|) */
typedef struct
{
  worker *w;
  size_t k;
  double *sgn, *d;
} block_line;

static int
block_noise_eval (void *p, double c, double i, double *fv)
{
  block_line *bl = p;
  const problem *pb = bl->w->pb;
  const double *b = pb->base[bl->k]->data;
  for (size_t j = 0; j < pb->n[bl->k]; j++)
    bl->d[j] = bl->sgn[j] * core_grid_step (pb->o->arg_type,
                                            1e-6 * c * fmax (1.0, fabs (b[j])), b[j]);
  return block_line_at (bl->w, bl->k, bl->d, i, fv);
}

/* The noise of f moving each block (eq. 0.4) and each block's relative
   step (eq. 0.5): h_k = max(opts.h, min((sigma / |f|)^(1/3), 1e-2)),
   the largest over the outputs, sigma at least DBL_EPSILON |f|; 0 where
   ECnoise finds no noise. */
static int
measure_noise (problem *pb)
{
  const size_t B = pb->n_blocks, M = pb->M;
  size_t nmax = 0;
  for (size_t k = 0; k < B; k++)
    nmax = pb->n[k] > nmax ? pb->n[k] : nmax;
  pb->noise = calloc (B * M, sizeof *pb->noise);
  pb->excess = calloc (B * M, sizeof *pb->excess);
  pb->noise_found = calloc (B * M, sizeof *pb->noise_found);
  pb->hrel = calloc (B, sizeof *pb->hrel);
  pb->res_scale = fmax (1.0, NOISE_RMS * sqrt (2.0 * log ((double) (pb->N * M) / NOISE_ALPHA))
                             / (2.0 * NOISE_CENTRAL));
  block_line bl = { .w = worker_alloc (pb, 0, 0), .sgn = calloc (nmax + 1, sizeof (double)),
                    .d = calloc (nmax + 1, sizeof (double)) };
  double *fv = malloc ((CORE_NOISE_POINTS + 2) * M * sizeof *fv);
  int *found1 = calloc (M, sizeof *found1);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  int status = pb->noise && pb->excess && pb->noise_found && pb->hrel && bl.w && bl.sgn && bl.d
               && fv && found1 && rng ? GSL_SUCCESS : GSL_ENOMEM;
  if (rng)
    gsl_rng_set (rng, pb->o->seed);
  double *f0 = fv + CORE_NOISE_POINTS * M, *noise1 = f0 + M;
  for (size_t k = 0; status == GSL_SUCCESS && k < B; k++)
    {
      bl.k = k;
      double *noise = pb->noise + k * M;
      int *found = pb->noise_found + k * M;
      if (!block_noise_eval (&bl, 1.0, 0.0, f0))
        continue;
      /* the largest over NOISE_LINES lines of random signs: one line's
         9 points leave ECnoise a few degrees of freedom, and an estimate
         low by 2 (one block in 20) would halve the resolution */
      for (size_t line = 0; line < NOISE_LINES; line++)
        {
          for (size_t j = 0; j < pb->n[k]; j++)
            bl.sgn[j] = gsl_rng_uniform (rng) < 0.5 ? -1.0 : 1.0;
          memset (found1, 0, M * sizeof *found1);
          ecnoise_at (block_noise_eval, &bl, M, fv, noise1, found1);
          for (size_t o = 0; o < M; o++)
            if (found1[o])
              {
                noise[o] = fmax (noise[o], noise1[o]);
                found[o] = 1;
              }
        }
      double hr = 0.0;
      for (size_t o = 0; o < M; o++)
        {
          const double scale = fabs (f0[o]);
          /* GSL's estimate has a rounding term of 6 DBL_EPSILON |f| / h:
             the noise of sigma = 2 DBL_EPSILON |f| through eq. (0.6) */
          noise[o] = found[o] ? noise[o] : 0.0;
          pb->excess[k * M + o] = fmax (0.0, noise[o] - 2.0 * DBL_EPSILON * scale);
          const double sig = fmax (noise[o], DBL_EPSILON * scale);
          const double rel = scale > 0.0 ? cbrt (sig / scale) : (sig > 0.0 ? 1.0 : 0.0);
          hr = fmax (hr, fmin (rel, 1e-2));
        }
      pb->hrel[k] = fmax (pb->o->h, hr);
    }
  worker_free (bl.w);
  free (bl.sgn);
  free (bl.d);
  free (fv);
  free (found1);
  gsl_rng_free (rng);
  return status;
}

/* --- directions -------------------------------------------------------------- */

/* A direction uniform on the unit sphere: standard normal samples (GSL's
   ziggurat) divided by their norm, as gsl_ran_dir_nd does, eq. (0.11). */
static void
unit_direction (gsl_rng *rng, gsl_vector *d)
{
  for (size_t i = 0; i < d->size; i++)
    gsl_vector_set (d, i, gsl_ran_gaussian_ziggurat (rng, 1.0));
  gsl_vector_scale (d, 1.0 / gsl_blas_dnrm2 (d));
}

/* The analytic derivative along d, sum_k a_k . d_k (w^T J d for a vector
   f), over the flat elements [lo, hi) only (d being 0 elsewhere), and
   into *terms (may be NULL) the root sum of squares of its terms
   a_i d_i (w_o J_oi d_i): the scale of the direction's tolerance, eq.
   (0.11a).  The analytic arrays are the core's contiguous copies, row-major
   as d. */
static double
analytic_span (const problem *pb, const gsl_vector *d, const gsl_vector *w, size_t lo,
               size_t hi, double *terms)
{
  double s = 0.0, ss = 0.0;
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      const size_t from = lo > pb->off[k] ? lo - pb->off[k] : 0;
      const size_t to = hi < pb->off[k] + pb->n[k] ? (hi > pb->off[k] ? hi - pb->off[k] : 0)
                                                   : pb->n[k];
      const double *dk = d->data + pb->off[k];
      for (size_t o = 0; o < pb->M; o++)
        {
          const double *a = pb->analytic[k]->data + o * pb->n[k];
          const double wo = pb->m == 0 ? 1.0 : gsl_vector_get (w, o);
          double dot = 0.0, sq = 0.0;
          for (size_t i = from; i < to; i++)
            {
              const double t = a[i] * dk[i];
              dot += t;
              sq += t * t;
            }
          s += wo * dot;
          ss += wo * wo * sq;
        }
    }
  if (terms)
    *terms = sqrt (ss);
  return s;
}

/* analytic_span over every element */
static double
analytic_along (const problem *pb, const gsl_vector *d, const gsl_vector *w, double *terms)
{
  return analytic_span (pb, d, w, 0, pb->N, terms);
}

/* The directions' line: worker 0 with d (N) and w (m) of its own. */
typedef struct
{
  worker *w;
  gsl_vector *d, *wv;
  double sigma;                   /* f's noise along a direction beyond GSL's
                                     rounding term (0: none), eq. (0.11b) */
  double hrel;                    /* the directions' relative step from the
                                     noise, eq. (0.5) (opts.h before it) */
} line;

static void
line_free (line *l)
{
  worker_free (l->w);
  gsl_vector_free (l->d);
  gsl_vector_free (l->wv);
}

static int
line_alloc (const problem *pb, line *l)
{
  l->w = worker_alloc (pb, 0, 0);
  l->d = gsl_vector_alloc (pb->N);
  l->wv = pb->m > 0 ? gsl_vector_alloc (pb->m) : NULL;
  if (!l->w || !l->d || (pb->m > 0 && !l->wv))
    {
      line_free (l);
      return GSL_ENOMEM;
    }
  l->w->d = l->d;
  l->w->w = l->wv;
  l->hrel = pb->o->h;
  return GSL_SUCCESS;
}

/* The step along a unit direction: h max(1, max |theta|). */
static double
line_step (const problem *pb, double h)
{
  return core_step (h, pb->theta_max);
}

/* A line along a direction d that is 0 outside the flat elements [lo, hi):
   only those elements of the worker's point differ from the base point,
   so a point on it costs O(hi - lo) besides f. */
typedef struct
{
  worker *w;
  size_t lo, hi;
} span;

/* the span's elements of w's point at theta + t d (t = 0: back to theta) */
static void
span_move (const span *sp, double t)
{
  const problem *pb = sp->w->pb;
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      const size_t a = sp->lo > pb->off[k] ? sp->lo : pb->off[k];
      const size_t b = sp->hi < pb->off[k] + pb->n[k] ? sp->hi : pb->off[k] + pb->n[k];
      double *x = sp->w->blk[k]->data - pb->off[k];
      const double *x0 = pb->base[k]->data - pb->off[k], *d = sp->w->d->data;
      for (size_t q = a; q < b; q++)
        x[q] = x0[q] + t * d[q];
    }
}

/* f (or w . f) at theta + t d along the span, for gsl_function (line_at
   for a direction on every element) */
static double
span_at (double t, void *p)
{
  const span *sp = p;
  worker *w = sp->w;
  double L = 0.0;
  span_move (sp, t);
  w->pt.is_base = 0;
  w->pt.moved_block = BP_GRADCHECK_NONE;
  const int ok = eval_point (w, &L, w->out);
  if (ok && w->pb->m > 0)
    gsl_blas_ddot (w->w, w->out, &L);
  w->pt.is_base = 1;   /* each call sets the span anew */
  if (!ok || !isfinite (L))
    {
      mark_bad (w, t);
      return record (w, t, GSL_NAN);
    }
  return record (w, t, L);
}

/* Direction d of l compared at step h (F: f along it, its span [lo,
   hi)) by (0.3), the tolerance scaled by its terms and, as an element's
   (0.6), at least the resolution of f's noise along the line, l->sigma
   (eq. 0.11b): what may excuse a difference beyond it is only the
   truncation above the noise.  Into el (row j). */
static void
direction_at (const problem *pb, line *l, gsl_function *F, const span *sp, double h,
              size_t j, bp_gradcheck_element *el)
{
  const bp_gradcheck_options *o = pb->o;
  double e, err, terms;
  bp_gradcheck_diff how;
  l->w->n_ev = 0;
  l->w->nerr = 0.0;
  differentiate (l->w, F, 0.0, h, &e, &err, &how);
  if (sp)
    span_move (sp, 0.0);
  const double a = analytic_span (pb, l->d, l->wv, sp ? sp->lo : 0, sp ? sp->hi : pb->N,
                                  &terms);
  double u = err + l->w->nerr, nerr = l->w->nerr;
  if (how == BP_GRADCHECK_DIFF_CENTRAL)
    {
      const double hk = kept_step (l->w, h, e);
      nerr = NOISE_CENTRAL * l->sigma / hk;
      u = l->sigma > 0.0 ? trunc_above_noise (err, l->sigma, hk) : err;
    }
  core_compare_res (a, e, u, fmax (o->rtol * terms, 2.0 * nerr * pb->res_scale), o->rtol,
                    o->atol, el);
  el->abserr = err + nerr;
  el->h = h;
  el->block = BP_GRADCHECK_NONE;
  el->output = 0;
  el->row = j;
  el->col = 0;
  el->diff = how;
  el->left = el->right = GSL_NAN;
  if (how == BP_GRADCHECK_DIFF_NONE)
    el->status = BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
}

/* One direction along l, eq. (0.11)-(0.11a): d uniform on the unit sphere of
   the flat elements [lo, hi) (0 elsewhere; [0, N) is every element), w on
   the outputs', compared by direction_at at the step of the line's noise,
   h_rel max(1, max|theta|) (eq. 0.5).  A direction that does not pass is
   compared again at 4, 16 and 64 times the step (at most 0.1 max(1,
   max|theta|)), as an element is (eq. 0.7): the ladder climbs while each
   rung's value stays within the uncertainty of the rung below (a rung
   beyond it reached a kink), and the best verdict of its rungs is the
   direction's.  Each rung costs gsl_deriv_central's 4 to 8 evaluations
   of f; a restricted one O(hi - lo) work besides (the worker's point
   must be the base point outside [lo, hi): it is left so). */
static void
direction_compare (const problem *pb, line *l, gsl_rng *rng, size_t lo, size_t hi,
                   size_t j, bp_gradcheck_element *el)
{
  const int all = lo == 0 && hi == pb->N;
  span sp = { .w = l->w, .lo = lo, .hi = hi };
  gsl_function F = { .function = all ? line_at : span_at, .params = all ? (void *) l->w
                                                                        : (void *) &sp };
  gsl_vector_view part = gsl_vector_subvector (l->d, lo, hi - lo);
  unit_direction (rng, &part.vector);
  if (l->wv)
    unit_direction (rng, l->wv);
  double h = line_step (pb, l->hrel);
  const double cap = 0.1 * fmax (1.0, pb->theta_max);
  direction_at (pb, l, &F, all ? NULL : &sp, h, j, el);
  const bp_gradcheck_element first = *el;
  bp_gradcheck_element below = *el, t;
  for (int r = 0; r < 3 && el->status != BP_GRADCHECK_ELEMENT_PASS
                  && below.diff == BP_GRADCHECK_DIFF_CENTRAL; r++)
    {
      const double next = fmin (4.0 * h, cap);
      if (!(next > h))
        break;
      h = next;
      direction_at (pb, l, &F, all ? NULL : &sp, h, j, &t);
      if (t.diff != BP_GRADCHECK_DIFF_CENTRAL
          || !(fabs (t.numeric - below.numeric) <= t.abserr + below.abserr))
        break;
      below = t;
      if (t.status < el->status)
        *el = t;
    }
  /* INCONCLUSIVE by the truncation alone (a band of u_d above a noise
     resolution that is not the tolerance): one rung down, h_d / 4 */
  const double down = fmax (0.25 * line_step (pb, l->hrel), line_step (pb, pb->o->h));
  if (el->status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE && first.diff == BP_GRADCHECK_DIFF_CENTRAL
      && down < first.h)
    {
      direction_at (pb, l, &F, all ? NULL : &sp, down, j, &t);
      if (t.status < el->status)
        *el = t;
    }
}

/* f along the line at t = i 1e-6 c max(1, max|theta|), for ecnoise_at */
static int
taylor_noise_eval (void *p, double c, double i, double *fv)
{
  worker *w = p;
  const double t = i * 1e-6 * c * fmax (1.0, w->pb->theta_max);
  fv[0] = line_at (t, w);
  return isfinite (fv[0]);
}

/* f's noise along one unit direction of every element, eq. (0.4) on
   the Taylor test's line (taylor_noise_eval), beyond GSL's own rounding
   term 2 DBL_EPSILON |f| (as measure_noise's excess), into l->sigma:
   one measurement for every direction of the run, eq. (0.11b). */
static void
line_noise (line *l, gsl_rng *rng)
{
  unit_direction (rng, l->d);
  if (l->wv)
    unit_direction (rng, l->wv);
  double fv[CORE_NOISE_POINTS], sigma = 0.0;
  int found = 0;
  ecnoise_at (taylor_noise_eval, l->w, 1, fv, &sigma, &found);
  const double f0 = line_at (0.0, l->w);
  l->sigma = found && isfinite (f0) ? fmax (0.0, sigma - 2.0 * DBL_EPSILON * fabs (f0)) : 0.0;
  /* eq. (0.5) as measure_noise's: (sigma / |f|)^(1/3), at most 1e-2 */
  const double sig = fmax (found ? sigma : 0.0, DBL_EPSILON * fabs (f0));
  const double rel = isfinite (f0) && f0 != 0.0 ? cbrt (sig / fabs (f0)) : 0.0;
  l->hrel = fmax (l->w->pb->o->h, fmin (rel, 1e-2));
}

/* --- localization by group testing ---------------------------------------- */

/* The group testing's state: the line, the suspects' ranges found (flat
   [lo, hi) of at most 2 n_directions elements each), the directions
   spent, the elements cleared (for opts.progress). */
typedef struct
{
  const problem *pb;
  line *l;
  gsl_rng *rng;
  size_t (*range)[2];
  size_t n_ranges, cap;
  size_t n_tests, cleared;
} group;

static void
progress (const problem *pb, size_t done, size_t total)
{
  if (pb->o->progress)
    pb->o->progress (BP_GRADCHECK_DIRECTIONAL, done, total, pb->o->progress_arg);
}

/* 1 when a direction restricted to [lo, hi) FAILs, beyond the noise's
   resolution and the truncation (the first that does ends the test);
   n_directions directions when none does.  An INCONCLUSIVE one does not
   descend: a half is searched only on evidence above the noise, so
   rounding cannot send the search into every half, eq. (0.12a). */
static int
group_disagrees (group *g, size_t lo, size_t hi)
{
  for (size_t j = 0; j < g->pb->o->n_directions; j++)
    {
      bp_gradcheck_element el;
      g->n_tests++;
      direction_compare (g->pb, g->l, g->rng, lo, hi, j, &el);
      if (el.status == BP_GRADCHECK_ELEMENT_FAIL)
        return 1;
    }
  return 0;
}

static int
group_keep (group *g, size_t lo, size_t hi)
{
  if (g->n_ranges == g->cap)
    {
      const size_t cap = g->cap ? 2 * g->cap : 16;
      size_t (*r)[2] = realloc (g->range, cap * sizeof *r);
      if (!r)
        return GSL_ENOMEM;
      g->range = r;
      g->cap = cap;
    }
  g->range[g->n_ranges][0] = lo;
  g->range[g->n_ranges][1] = hi;
  g->n_ranges++;
  return GSL_SUCCESS;
}

/* Binary splitting, eq. (0.12a): the elements [lo, hi) disagreed.  Up to
   2 n_directions of them are kept for the element-wise check (cheaper
   than testing two halves); more are halved, and the search descends only
   into a half along which a restricted direction disagrees. */
static int
group_split (group *g, size_t lo, size_t hi)
{
  if (hi - lo <= 2 * g->pb->o->n_directions)
    return group_keep (g, lo, hi);
  const size_t mid = lo + (hi - lo) / 2;
  const size_t half[2][2] = { { lo, mid }, { mid, hi } };
  for (size_t s = 0; s < 2; s++)
    {
      int status = GSL_SUCCESS;
      if (group_disagrees (g, half[s][0], half[s][1]))
        status = group_split (g, half[s][0], half[s][1]);
      else
        {
          g->cleared += half[s][1] - half[s][0];
          progress (g->pb, g->cleared, g->pb->N);
        }
      if (status != GSL_SUCCESS)
        return status;
    }
  return GSL_SUCCESS;
}

/* The element-wise check (central_element, as the CENTRAL run's) of the
   kept ranges' elements, on the threads, into E (N M entries, written at
   the kept elements only). */
static int
group_elements (const group *g, bp_gradcheck_element *E)
{
  const problem *pb = g->pb;
  size_t n = 0;
  for (size_t r = 0; r < g->n_ranges; r++)
    n += g->range[r][1] - g->range[r][0];
  size_t *q = malloc ((n ? n : 1) * sizeof *q);
  if (!q)
    return GSL_ENOMEM;
  n = 0;
  for (size_t r = 0; r < g->n_ranges; r++)
    for (size_t i = g->range[r][0]; i < g->range[r][1]; i++)
      q[n++] = i;
  int status = GSL_SUCCESS;
#pragma omp parallel num_threads (thread_count (pb->o->threads, n))
  {
    worker *w = worker_alloc (pb, thread_index (), 0);
    if (!w)
      {
#pragma omp atomic write
        status = GSL_ENOMEM;
      }
#pragma omp for schedule (dynamic, 4)
    for (size_t j = 0; j < n; j++)
      if (w)
        central_element (w, q[j], E);
    worker_free (w);
  }
  free (q);
  return status;
}

/* The localized run's blocks: the analytic arrays whole; the numeric
   values, estimates and statuses of the checked elements (numeric and
   estimate NaN, status PASS, at the elements the directions cleared);
   the counts, worst, verdicts and hints over the checked elements. */
static int
group_fill (const group *g, const bp_gradcheck_element *E, bp_gradcheck_run *run)
{
  const problem *pb = g->pb;
  const bp_gradcheck_options *o = pb->o;
  run->worst = (bp_gradcheck_element) { .block = BP_GRADCHECK_NONE };
  double worst = -1.0;
  size_t r0 = 0;
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      bp_gradcheck_block_result *b = &run->block[k];
      const size_t R = pb->analytic[k]->size1, C = pb->analytic[k]->size2;
      b->analytic = matrix_alloc (R, C);
      b->numeric = matrix_alloc (R, C);
      b->abserr = matrix_alloc (R, C);
      b->mask = matrix_uchar_calloc (R, C);     /* PASS */
      size_t cap = 0;
      for (size_t r = r0; r < g->n_ranges && g->range[r][0] < pb->off[k] + pb->n[k]; r++)
        cap += g->range[r][1] - g->range[r][0];
      const bp_gradcheck_element **sorted = pointers (cap * pb->M);
      if (!b->analytic || !b->numeric || !b->abserr || !b->mask || !sorted)
        {
          free (sorted);
          return GSL_ENOMEM;
        }
      gsl_matrix_memcpy (b->analytic, pb->analytic[k]);
      gsl_matrix_set_all (b->numeric, GSL_NAN);
      gsl_matrix_set_all (b->abserr, GSL_NAN);
      size_t n_bad = 0;
      /* the ranges come in flat order; one may run on into the next block */
      for (; r0 < g->n_ranges && g->range[r0][0] < pb->off[k] + pb->n[k]; r0++)
        {
          const size_t lo = g->range[r0][0] > pb->off[k] ? g->range[r0][0] : pb->off[k];
          const size_t end = pb->off[k] + pb->n[k];
          const size_t hi = g->range[r0][1] < end ? g->range[r0][1] : end;
          for (size_t q = lo; q < hi; q++)
            for (size_t o_ = 0; o_ < pb->M; o_++)
              {
                const size_t i = q - pb->off[k];
                const bp_gradcheck_element *el = &E[entry_index (pb, k, o_, i)];
                const size_t ri = pb->m == 0 ? i / pb->cols[k] : o_;
                const size_t ci = pb->m == 0 ? i % pb->cols[k] : i;
                gsl_matrix_set (b->numeric, ri, ci, el->numeric);
                gsl_matrix_set (b->abserr, ri, ci, el->abserr);
                gsl_matrix_uchar_set (b->mask, ri, ci, (unsigned char) el->status);
                b->n_checked++;
                count (&b->n_passed, &b->n_inconclusive, &b->n_failed, &b->n_kinks,
                       el->status);
                b->n_one_sided += el->diff == BP_GRADCHECK_DIFF_FORWARD
                                  || el->diff == BP_GRADCHECK_DIFF_BACKWARD;
                core_fold_errors (el, o->atol, &b->max_abs_err, &b->max_rel_err,
                                  &b->max_est_err);
                if (el->status != BP_GRADCHECK_ELEMENT_PASS)
                  sorted[n_bad++] = el;
                if (el->ratio > worst)
                  {
                    worst = el->ratio;
                    run->worst = *el;
                  }
              }
          if (g->range[r0][1] > end)
            break;              /* the range goes on in the next block */
        }
      if (keep_worst (b, sorted, n_bad, o->k) != GSL_SUCCESS)
        return GSL_ENOMEM;
      b->verdict = verdict_of (b->n_inconclusive, b->n_failed);
      hints_find (b, o->rtol, o->atol, pb->m > 0);
      run->n_checked += b->n_checked;
      run->n_passed += b->n_passed;
      run->n_inconclusive += b->n_inconclusive;
      run->n_failed += b->n_failed;
      run->n_kinks += b->n_kinks;
      run->n_one_sided += b->n_one_sided;
      run->hints |= b->hints;
    }
  hints_across (run, pb->n_blocks, o->rtol, o->atol, pb->m > 0);
  run->verdict = verdict_of (run->n_inconclusive, run->n_failed);
  return GSL_SUCCESS;
}

/* Localize the disagreement of the directions, eq. (0.12): group testing
   down to ranges of at most 2 n_directions elements, checked element by
   element; their verdict is the run's. */
static int
localize (const problem *pb, line *l, gsl_rng *rng, bp_gradcheck_run *run)
{
  group g = { .pb = pb, .l = l, .rng = rng };
  for (size_t k = 0; k < pb->n_blocks; k++)    /* the point back at theta */
    copy_block (l->w->blk[k], pb->base[k]);
  int status = group_split (&g, 0, pb->N);
  bp_gradcheck_element *E = NULL;
  if (status == GSL_SUCCESS)
    {
      /* calloc: the pages of the entries not written are never touched */
      E = calloc (pb->N * pb->M + 1, sizeof *E);
      status = E ? group_elements (&g, E) : GSL_ENOMEM;
    }
  if (status == GSL_SUCCESS)
    status = group_fill (&g, E, run);
  free (E);
  progress (pb, pb->N, pb->N);
  if (status == GSL_SUCCESS)
    {
      run->localized = 1;
      run->n_localizing = g.n_tests;
      snprintf (run->reason, sizeof run->reason, _("%zu of %zu directions disagree; "
                "localized by %zu directions on halves to %zu elements: %zu failed, "
                "%zu inconclusive"), run->n_directions_failed, run->n_directions,
                g.n_tests, run->n_checked / pb->M, run->n_failed, run->n_inconclusive);
    }
  free (g.range);
  return status;
}

/* The directions, eq. (0.11)-(0.12): each compared by (0.3) with the
   tolerance scaled by its terms (0.11a); their error figures and worst in
   the run.  When one disagrees, group testing localizes
   it and the element-wise check of the elements it names decides. */
static int
run_directional (const problem *pb, gsl_rng *rng, bp_gradcheck_run *run)
{
  const bp_gradcheck_options *o = pb->o;
  line l = { 0 };
  if (line_alloc (pb, &l) != GSL_SUCCESS)
    return GSL_ENOMEM;
  size_t inconclusive = 0, failed = 0;
  double worst = -1.0, abs_err = 0.0, rel_err = 0.0, est_err = 0.0;
  bp_gradcheck_element *dir_worst = &run->worst_direction;
  *dir_worst = (bp_gradcheck_element) { .block = BP_GRADCHECK_NONE };
  line_noise (&l, rng);
  for (size_t j = 0; j < o->n_directions; j++)
    {
      bp_gradcheck_element el;
      direction_compare (pb, &l, rng, 0, pb->N, j, &el);
      inconclusive += el.status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
      failed += el.status == BP_GRADCHECK_ELEMENT_FAIL;
      core_fold_errors (&el, o->atol, &abs_err, &rel_err, &est_err);
      if (el.ratio > worst)
        {
          worst = el.ratio;
          *dir_worst = el;
        }
      run->n_one_sided += el.diff == BP_GRADCHECK_DIFF_FORWARD
                          || el.diff == BP_GRADCHECK_DIFF_BACKWARD;
      progress (pb, j + 1, o->n_directions);
    }
  run->n_directions = o->n_directions;
  run->n_directions_failed = inconclusive + failed;
  int status = GSL_SUCCESS;
  if (failed == 0)              /* localized only on a FAIL, eq. (0.12a) */
    {
      run->n_checked = o->n_directions;
      run->n_passed = o->n_directions - inconclusive - failed;
      run->n_inconclusive = inconclusive;
      run->n_failed = failed;
      run->verdict = verdict_of (inconclusive, failed);
      run->worst = *dir_worst;
      for (size_t k = 0; k < pb->n_blocks; k++)
        {
          run->block[k].verdict = run->verdict;
          run->block[k].rows = pb->rows[k];
          run->block[k].cols = pb->cols[k];
        }
      snprintf (run->reason, sizeof run->reason,
                _("%zu of %zu random unit directions disagree"), inconclusive + failed,
                o->n_directions);
    }
  else
    status = localize (pb, &l, rng, run);
  line_free (&l);
  /* the figures over the directions (the elements' are in the blocks) */
  run->max_abs_err = abs_err;
  run->max_rel_err = rel_err;
  run->max_est_err = est_err;
  return status;
}

/* --- the Taylor test ---------------------------------------------------------- */

/* The move theta + t d makes as f sees it, eq. (0.13a): for float
   arguments fl(theta + t d) - theta, not t d (theta is on the grid). */
static void
line_move (const problem *pb, const gsl_vector *d, double t, gsl_vector *move)
{
  for (size_t k = 0; k < pb->n_blocks; k++)
    for (size_t i = 0; i < pb->n[k]; i++)
      {
        const size_t q = pb->off[k] + i;
        const double th = gsl_matrix_get (pb->base[k], i / pb->cols[k], i % pb->cols[k]);
        gsl_vector_set (move, q, core_grid_round (pb->o->arg_type, th + t * gsl_vector_get (d, q))
                                 - th);
      }
}

/* r(h) = |phi(h) - phi(0) - h a| for h = taylor_h max(1, max|theta|) 2^-j,
   j < taylor_n, along one unit direction; the slope of log r against
   log h fitted by least squares over the smaller half of the h whose r
   stands above rounding (1e3 eps times the size of the terms), eq. (0.13).
   Slope >= 1.75: PASS; <= 1.25: FAIL; between: INCONCLUSIVE. */
static int
run_taylor (const problem *pb, gsl_rng *rng, bp_gradcheck_run *run)
{
  const bp_gradcheck_options *o = pb->o;
  line l = { 0 };
  if (line_alloc (pb, &l) != GSL_SUCCESS)
    return GSL_ENOMEM;
  unit_direction (rng, l.d);
  if (l.wv)
    unit_direction (rng, l.wv);
  const double a = analytic_along (pb, l.d, l.wv, NULL);
  l.w->x0 = 0.0;
  const double phi0 = line_at (0.0, l.w);
  double *lh = malloc (o->taylor_n * sizeof *lh), *lr = malloc (o->taylor_n * sizeof *lr);
  gsl_vector *move = o->arg_type == BP_GRADCHECK_ARG_FLOAT ? gsl_vector_alloc (pb->N) : NULL;
  if (!lh || !lr || (o->arg_type == BP_GRADCHECK_ARG_FLOAT && !move))
    {
      free (lh);
      free (lr);
      gsl_vector_free (move);
      line_free (&l);
      return GSL_ENOMEM;
    }
  /* f's noise along d (eq. 0.4), points at t = i 1e-6 c max(1, max|theta|) */
  double fv[CORE_NOISE_POINTS], sigma = 0.0;
  int found = 0;
  ecnoise_at (taylor_noise_eval, l.w, 1, fv, &sigma, &found);
  run->noise = found ? sigma : 0.0;
  size_t n_above = 0, n_defined = 0;
  double h = line_step (pb, o->taylor_h);
  for (size_t j = 0; j < o->taylor_n; j++, h *= 0.5)
    {
      const double phi = line_at (h, l.w);
      if (!isfinite (phi))
        continue;
      n_defined++;
      /* the linear term along the move f saw, eq. (0.13a) */
      double lin = h * a;
      if (move)
        {
          line_move (pb, l.d, h, move);
          lin = analytic_along (pb, move, l.wv, NULL);
        }
      const double r = fabs (phi - phi0 - lin);
      /* above rounding and 10 times the measured noise, eq. (0.8) */
      const double noise = fmax (1e3 * DBL_EPSILON * fmax (fmax (fabs (phi0), fabs (phi)),
                                                           fmax (fabs (lin), DBL_MIN)),
                                 10.0 * run->noise);
      if (r > noise)
        {
          lh[n_above] = log (h);
          lr[n_above] = log (r);
          n_above++;
        }
    }
  gsl_vector_free (move);
  line_free (&l);
  run->h_max = line_step (pb, o->taylor_h);
  run->h_min = run->h_max * ldexp (1.0, -(int) (o->taylor_n - 1));
  run->n_checked = 1;
  if (n_above < 3)
    {
      run->n_fitted = n_above;
      run->slope = GSL_NAN;
      const int exact = n_above == 0 && n_defined == o->taylor_n;   /* by that floor */
      run->verdict = exact ? BP_GRADCHECK_PASS : BP_GRADCHECK_INCONCLUSIVE;
      run->n_passed = exact ? 1u : 0u;
      run->n_inconclusive = exact ? 0u : 1u;
      snprintf (run->reason, sizeof run->reason, "%s", exact
                ? _("the remainder r(h) is at rounding level for every h: f is linear "
                    "along d and the gradient agrees")
                : _("too few h with a remainder above rounding (or f undefined) to fit a slope"));
      free (lh);
      free (lr);
      return GSL_SUCCESS;
    }
  /* the smaller half of the h above rounding, at least 3 */
  size_t n_fit = n_above / 2 > 3 ? n_above / 2 : 3;
  const size_t from = n_above - n_fit;
  double mh = 0.0, mr = 0.0, shh = 0.0, shr = 0.0;
  for (size_t j = from; j < n_above; j++)
    {
      mh += lh[j];
      mr += lr[j];
    }
  mh /= (double) n_fit;
  mr /= (double) n_fit;
  for (size_t j = from; j < n_above; j++)
    {
      shh += (lh[j] - mh) * (lh[j] - mh);
      shr += (lh[j] - mh) * (lr[j] - mr);
    }
  run->slope = shr / shh;
  run->n_fitted = n_fit;
  run->h_max = exp (lh[from]);
  run->h_min = exp (lh[n_above - 1]);
  free (lh);
  free (lr);
  run->verdict = run->slope >= 1.75 ? BP_GRADCHECK_PASS
                 : (run->slope <= 1.25 ? BP_GRADCHECK_FAIL : BP_GRADCHECK_INCONCLUSIVE);
  run->n_passed = run->verdict == BP_GRADCHECK_PASS;
  run->n_failed = run->verdict == BP_GRADCHECK_FAIL;
  run->n_inconclusive = run->verdict == BP_GRADCHECK_INCONCLUSIVE;
  snprintf (run->reason, sizeof run->reason,
            _("remainder slope %.2f over h in [%.3g, %.3g] (%zu points): %s"), run->slope,
            run->h_min, run->h_max, n_fit,
            run->verdict == BP_GRADCHECK_PASS ? _("O(h^2), the gradient is right")
            : run->verdict == BP_GRADCHECK_FAIL ? _("O(h), the gradient is wrong")
                                                : _("between O(h) and O(h^2)"));
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      run->block[k].verdict = run->verdict;
      run->block[k].rows = pb->rows[k];
      run->block[k].cols = pb->cols[k];
    }
  return GSL_SUCCESS;
}

/* --- the call ------------------------------------------------------------ */

static void
problem_free (problem *pb)
{
  for (size_t k = 0; k < pb->n_blocks; k++)
    {
      if (pb->base)
        gsl_matrix_free (pb->base[k]);
      if (pb->analytic)
        gsl_matrix_free (pb->analytic[k]);
    }
  free (pb->base);
  free (pb->analytic);
  free (pb->noise);
  free (pb->excess);
  free (pb->noise_found);
  free (pb->hrel);
  free (pb->rows);
  free (pb->cols);
  free (pb->n);
  free (pb->off);
}

/* a block or analytic array into the matrix A of shape (r, c) */
static void
copy_array (const bp_gradcheck_block *b, gsl_matrix *A)
{
  if (b->matrix)
    gsl_matrix_memcpy (A, b->matrix);
  else
    {
      gsl_vector_view a = gsl_vector_view_array (A->data, A->size1 * A->size2);
      gsl_vector_memcpy (&a.vector, b->vector);
    }
}

static int
problem_init (problem *pb, const bp_gradcheck_function *f, size_t n_blocks,
              const bp_gradcheck_block blocks[], const bp_gradcheck_options *o)
{
  *pb = (problem) { .f = f, .o = o, .n_blocks = n_blocks, .m = f->m,
                    .M = f->m > 0 ? f->m : 1, .res_scale = 1.0 };
  pb->rows = calloc (n_blocks, sizeof *pb->rows);
  pb->cols = calloc (n_blocks, sizeof *pb->cols);
  pb->n = calloc (n_blocks, sizeof *pb->n);
  pb->off = calloc (n_blocks, sizeof *pb->off);
  pb->base = pointers (n_blocks);
  pb->analytic = pointers (n_blocks);
  if (!pb->rows || !pb->cols || !pb->n || !pb->off || !pb->base || !pb->analytic)
    return GSL_ENOMEM;
  for (size_t k = 0; k < n_blocks; k++)
    {
      pb->rows[k] = block_rows (&blocks[k]);
      pb->cols[k] = block_cols (&blocks[k]);
      pb->n[k] = pb->rows[k] * pb->cols[k];
      pb->off[k] = pb->N;
      pb->N += pb->n[k];
      pb->base[k] = matrix_alloc (pb->rows[k], pb->cols[k]);
      pb->analytic[k] = f->m == 0 ? matrix_calloc (pb->rows[k], pb->cols[k])
                                  : matrix_calloc (f->m, pb->n[k]);
      if (!pb->base[k] || !pb->analytic[k])
        return GSL_ENOMEM;
      copy_array (&blocks[k], pb->base[k]);
      if (o->arg_type == BP_GRADCHECK_ARG_FLOAT)   /* the point f sees */
        for (size_t j = 0; j < pb->n[k]; j++)
          pb->base[k]->data[j] = core_grid_round (o->arg_type, pb->base[k]->data[j]);
      double lo, hi;
      gsl_matrix_minmax (pb->base[k], &lo, &hi);
      pb->theta_max = fmax (pb->theta_max, fmax (fabs (lo), fabs (hi)));
    }
  return GSL_SUCCESS;
}

static const unsigned method_order[4] = {
  BP_GRADCHECK_CENTRAL, BP_GRADCHECK_COMPLEX_STEP, BP_GRADCHECK_DIRECTIONAL,
  BP_GRADCHECK_TAYLOR };

static int
run_method (const problem *pb, unsigned method, gsl_rng *rng, bp_gradcheck_run *run)
{
  switch (method)
    {
    case BP_GRADCHECK_CENTRAL: return run_elementwise (pb, 0, run);
    case BP_GRADCHECK_COMPLEX_STEP: return run_elementwise (pb, 1, run);
    case BP_GRADCHECK_DIRECTIONAL: return run_directional (pb, rng, run);
    default: return run_taylor (pb, rng, run);
    }
}

int
core_run (const char *who, const bp_gradcheck_function *f, size_t n_blocks,
          const bp_gradcheck_block blocks[], const bp_gradcheck_block analytic[],
          const bp_gradcheck_options *opts, bp_gradcheck_result **out)
{
  bp_gradcheck_options defaults;
  bp_gradcheck_options_default (&defaults);
  const bp_gradcheck_options *o = opts ? opts : &defaults;
  if (out)
    *out = NULL;
  int status = core_check_args (who, f, n_blocks, blocks, analytic, o);
  if (status != GSL_SUCCESS)
    return status;
  core_bind_domain ();
  bp_gradcheck_result *r = calloc (1, sizeof *r);
  problem pb;
  status = r ? problem_init (&pb, f, n_blocks, blocks, o) : GSL_ENOMEM;
  if (!r)
    pb = (problem) { 0 };
  gsl_rng *own = NULL, *rng = NULL;
  if (status == GSL_SUCCESS && (o->method & (BP_GRADCHECK_DIRECTIONAL | BP_GRADCHECK_TAYLOR)))
    {
      rng = own = gsl_rng_alloc (gsl_rng_mt19937);
      if (own)
        gsl_rng_set (own, o->seed);
      else
        status = GSL_ENOMEM;
    }
  /* f at the point itself must be defined, eq. (0.9) */
  if (status == GSL_SUCCESS)
    {
      worker *w = worker_alloc (&pb, 0, 0);
      double L = 0.0;
      int undefined = 0;
      if (!w)
        status = GSL_ENOMEM;
      else if (!eval_point (w, &L, w->out))
        undefined = 1;
      else
        {
          if (analytic)
            for (size_t k = 0; k < n_blocks; k++)
              copy_array (&analytic[k], pb.analytic[k]);
          else
            {
              status = f->grad (&w->pt, f->params, pb.analytic);
              if (status != GSL_SUCCESS)
                status = status > 0 ? status : GSL_EFAILED;
            }
        }
      worker_free (w);
      if (undefined)
        {
          status = GSL_EDOM;
          refuse (who, "f is undefined (nonzero or not finite) at the point itself", status);
          goto done;
        }
      if (status != GSL_SUCCESS && status != GSL_ENOMEM)
        {
          refuse (who, "the gradient callback reported an error", status);
          goto done;
        }
    }
  if (status == GSL_SUCCESS
      && (o->method & (BP_GRADCHECK_CENTRAL | BP_GRADCHECK_DIRECTIONAL)))
    status = measure_noise (&pb);
  if (status == GSL_SUCCESS)
    {
      r->opts = *o;
      r->n_blocks = n_blocks;
      r->m = f->m;
    }
  for (size_t j = 0; status == GSL_SUCCESS && j < 4; j++)
    {
      const unsigned method = method_order[j];
      if (!(o->method & method))
        continue;
      if (method == BP_GRADCHECK_COMPLEX_STEP && (f->m == 0 ? !f->closs : !f->cvloss))
        continue;                 /* BP_GRADCHECK_ALL without a complex form */
      bp_gradcheck_run *run = &r->run[r->n_runs++];
      run->method = method;
      run->slope = GSL_NAN;
      run->block = calloc (n_blocks, sizeof *run->block);
      if (!run->block)
        {
          status = GSL_ENOMEM;
          break;
        }
      for (size_t k = 0; k < n_blocks; k++)
        {
          run->block[k].name = blocks[k].name;
          run->block[k].rows = pb.rows[k];
          run->block[k].cols = pb.cols[k];
          shape_copy (&blocks[k], &run->block[k]);
        }
      status = run_method (&pb, method, rng, run);
      if (run->verdict > r->verdict)
        r->verdict = run->verdict;
    }
  if (status == GSL_ENOMEM)
    refuse (who, "out of memory", status);
done:
  gsl_rng_free (own);
  problem_free (&pb);
  if (status != GSL_SUCCESS)
    {
      bp_gradcheck_result_free (r);
      return status;
    }
  const bp_gradcheck_verdict v = r->verdict;
  if (out)
    *out = r;
  else
    bp_gradcheck_result_free (r);
  return v == BP_GRADCHECK_PASS ? GSL_SUCCESS
         : (v == BP_GRADCHECK_FAIL ? GSL_FAILURE : GSL_CONTINUE);
}

int
bp_gradcheck (const bp_gradcheck_function *f, size_t n_blocks,
              const bp_gradcheck_block blocks[], const bp_gradcheck_block analytic[],
              const bp_gradcheck_options *opts, bp_gradcheck_result **result)
{
  if (f && f->vjp)
    return core_vjp (f, n_blocks, blocks, analytic, opts, result);
  return core_run ("bp_gradcheck", f, n_blocks, blocks, analytic, opts, result);
}
