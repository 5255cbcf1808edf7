/* vjp.c -- the VJP form of bp_gradcheck_function: a layer given as its
   forward F: R^n -> R^m and its backward dx = J^T dy.  For a fixed dy,
   L(x) = <dy, F(x)> is a scalar function whose gradient is J^T dy, so the
   scalar checker checks the backward by every method, element by element:
   along a direction d, dL = <dy, J d> against <J^T dy, d> is the
   dot-product test (PyLops' dottest, JAX's check_vjp), and a failing
   element is named.  A few seeded dy: a bug that one dy hides (a zero
   component of dy) shows in another. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "lib/check/hints.h"
#include "lib/check/vjp.h"

#define DEFAULT_COTANGENTS 3

typedef struct
{
  const bp_gradcheck_function *f;
  gsl_vector *dy;
  gsl_vector **y;                 /* F's outputs, one per thread */
  gsl_vector_complex **yc;
  size_t threads;
} vjp_params;

static int
vjp_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  vjp_params *v = params;
  gsl_vector *y = v->y[p->thread];
  const int s = v->f->vloss (p, v->f->params, y);
  if (s != 0)
    return s;
  return gsl_blas_ddot (v->dy, y, L);
}

static int
vjp_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  vjp_params *v = params;
  gsl_vector_complex *y = v->yc[p->thread];
  const int s = v->f->cvloss (p, v->f->params, y);
  if (s != 0)
    return s;
  double re = 0.0, im = 0.0;
  for (size_t i = 0; i < y->size; i++)
    {
      const gsl_complex yi = gsl_vector_complex_get (y, i);
      re += gsl_vector_get (v->dy, i) * GSL_REAL (yi);
      im += gsl_vector_get (v->dy, i) * GSL_IMAG (yi);
    }
  GSL_SET_COMPLEX (L, re, im);
  return GSL_SUCCESS;
}

static int
vjp_grad (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  vjp_params *v = params;
  return v->f->vjp (p, v->f->params, v->dy, g);
}

static void
params_free (vjp_params *v)
{
  for (size_t t = 0; t < v->threads; t++)
    {
      if (v->y)
        gsl_vector_free (v->y[t]);
      if (v->yc)
        gsl_vector_complex_free (v->yc[t]);
    }
  free (v->y);
  free (v->yc);
  gsl_vector_free (v->dy);
}

static int
params_alloc (const bp_gradcheck_function *f, size_t threads, vjp_params *v)
{
  *v = (vjp_params) { f, NULL, NULL, NULL, threads };
  v->dy = gsl_vector_alloc (f->m);
  v->y = calloc (threads, sizeof (gsl_vector *));
  v->yc = calloc (threads, sizeof (gsl_vector_complex *));
  int ok = v->dy && v->y && v->yc;
  for (size_t t = 0; ok && t < threads; t++)
    {
      v->y[t] = gsl_vector_alloc (f->m);
      v->yc[t] = f->cvloss ? gsl_vector_complex_alloc (f->m) : NULL;
      ok = v->y[t] && (!f->cvloss || v->yc[t]);
    }
  if (!ok)
    params_free (v);
  return ok ? GSL_SUCCESS : GSL_ENOMEM;
}

/* A cotangent's element from u uniform in (-1, 1).  Under float
   arguments, a multiple of 2^-8: the backward gets the very dy that L =
   <dy, F> is differenced with (a double dy, rounded by the user's float
   code, differed by an ulp of each term), and its sums of dy (a bias's
   over the batch, an embedding's over repeated tokens) are exact in
   float, where a sum of six rounded terms cancelling to 1e-2 was off by
   2e-8, beyond rtol (llm.c's layernorm bias). */
static double
cotangent (unsigned arg_type, double u)
{
  return arg_type == BP_GRADCHECK_ARG_FLOAT ? ldexp (round (ldexp (u, 8)), -8) : u;
}

int
core_vjp (const bp_gradcheck_function *f, size_t n_blocks,
          const bp_gradcheck_block blocks[], const bp_gradcheck_block analytic[],
          const bp_gradcheck_options *opts, bp_gradcheck_result **result)
{
  if (result)
    *result = NULL;
  if (!f->vloss || f->m == 0)
    GSL_ERROR ("bp_gradcheck: the VJP form needs the forward function (vloss, m >= 1)",
               GSL_EFAULT);
  if (f->grad || analytic)
    GSL_ERROR ("bp_gradcheck: the VJP form's analytic side is vjp alone "
               "(no grad, no analytic arrays)", GSL_EINVAL);
  bp_gradcheck_options defaults;
  bp_gradcheck_options_default (&defaults);
  const bp_gradcheck_options *o = opts ? opts : &defaults;
  vjp_params v;
  /* threads > 0 is checked by the scalar checker's first call */
  if (params_alloc (f, o->threads ? o->threads : 1, &v) != GSL_SUCCESS)
    GSL_ERROR ("bp_gradcheck: out of memory for the VJP form", GSL_ENOMEM);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_vector *worst_dy = gsl_vector_alloc (f->m);   /* the worst's dy, for its hints */
  if (rng == NULL || worst_dy == NULL)
    {
      gsl_rng_free (rng);
      gsl_vector_free (worst_dy);
      params_free (&v);
      GSL_ERROR ("bp_gradcheck: out of memory for the VJP form", GSL_ENOMEM);
    }
  gsl_rng_set (rng, o->seed);
  const bp_gradcheck_function L = { vjp_loss, NULL, 0, vjp_grad,
                                    f->cvloss ? vjp_closs : NULL, NULL, &v, NULL, 0 };
  const size_t draws = f->n_cotangents ? f->n_cotangents : DEFAULT_COTANGENTS;
  bp_gradcheck_result *worst = NULL;
  int status = GSL_SUCCESS;
  for (size_t j = 0; j < draws; j++)
    {
      for (size_t i = 0; i < f->m; i++)
        gsl_vector_set (v.dy, i, cotangent (o->arg_type, 2.0 * gsl_rng_uniform_pos (rng) - 1.0));
      bp_gradcheck_result *r = NULL;
      const int s = bp_gradcheck (&L, n_blocks, blocks, NULL, o, &r);
      if (s > 0)
        {
          bp_gradcheck_result_free (worst);
          worst = NULL;
          status = s;
          break;
        }
      if (worst == NULL || r->verdict > worst->verdict)
        {
          bp_gradcheck_result_free (worst);
          worst = r;
          status = s;
          gsl_vector_memcpy (worst_dy, v.dy);
        }
      else
        bp_gradcheck_result_free (r);
    }
  for (size_t r = 0; worst && r < worst->n_runs; r++)
    hints_vjp (&worst->run[r], worst->n_blocks, worst_dy->data, f->m, o->rtol, o->atol);
  gsl_vector_free (worst_dy);
  gsl_rng_free (rng);
  params_free (&v);
  if (result)
    *result = worst;
  else
    bp_gradcheck_result_free (worst);
  return status;
}
