/* pool.c -- 2 x 2 max- and average-pooling, stride 2, and their backward
   passes; derivations/16-pooling.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_pool.h"
#include "lib/formulas/float.h"
#include "lib/valid.h"
#include "lib/formulas/layers_trusted.h"

/* The channels are independent: OpenMP shares them out (the results do
   not depend on the number of threads) when the matrix is large enough
   to pay for waking the threads (local int big; small calls, as the
   numeric checker's thousands, stay on the calling thread). */
#define PARALLEL_FROM 32768
#ifdef _OPENMP
# define EACH_CHANNEL _Pragma ("omp parallel for schedule (static) if (big)")
#else
# define EACH_CHANNEL
#endif

/* The images of one row: n of H x W, pooled to Ho x Wo each. */
typedef struct
{
  size_t n, H, W, Ho, Wo;
} geometry;

/* The geometry of X's columns and the shape Y must have; GSL_SUCCESS,
   or the error (reported for fn) when H or W is below 2 or the columns are
   not a positive multiple of H W, or Y's shape is not C x (n Ho Wo). */
static int
geometry_of (const char *fn, size_t xrows, size_t xcols, size_t height, size_t width,
             size_t yrows, size_t ycols, geometry *g)
{
  if (height < 2 || width < 2)
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EINVAL);
      return GSL_EINVAL;
    }
  g->H = height;
  g->W = width;
  g->Ho = height / 2;
  g->Wo = width / 2;
  size_t hw;
  /* a wrapped H W divided by zero, or passed the checks below and then
     addressed past X */
  if (size_mul_overflows (height, width, &hw))
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  g->n = xcols / hw;
  if (g->n == 0 || xcols % hw != 0 || yrows != xrows
      || ycols != g->n * g->Ho * g->Wo)
    {
      gsl_error (fn, __FILE__, __LINE__, GSL_EBADLEN);
      return GSL_EBADLEN;
    }
  return GSL_SUCCESS;
}

/* column of X[c, n, r, q] and of Y[c, n, i, j] */
static size_t
xcol (const geometry *g, size_t n, size_t r, size_t q)
{
  return (n * g->H + r) * g->W + q;
}

static size_t
ycol (const geometry *g, size_t n, size_t i, size_t j)
{
  return (n * g->Ho + i) * g->Wo + j;
}

/* The column of element t = 2a + e of window (i, j) of image n. */
static size_t
wcol (const geometry *g, size_t n, size_t i, size_t j, size_t t)
{
  return xcol (g, n, 2 * i + t / 2, 2 * j + t % 2);
}

/* The geometry of the C x (n H W) matrices of a checked call */
static geometry
geometry_trusted (size_t xcols, size_t height, size_t width)
{
  return (geometry) { xcols / (height * width), height, width, height / 2, width / 2 };
}

/* bp_maxpool, bp_avgpool, (16.1), (16.3), once for every arithmetic:
   templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/pool_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/pool_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/pool_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* the backward passes once for double and float: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/pool_backward_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/pool_backward_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT
