/* check_directional.c -- random directional derivatives compared with the
   analytic gradient or Jacobian; derivations/00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_deriv.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_check_directional.h"

/* The line t -> theta + t d, and f (or w . f) along it, for gsl_function. */
typedef struct
{
  bp_scalar_function f;   /* gradient case */
  bp_vector_function fv;  /* Jacobian case */
  void *params;
  const gsl_vector *theta;
  gsl_vector *d;          /* n: the direction */
  gsl_vector *w;          /* m: Jacobian case, the output direction */
  gsl_vector *t;          /* n: theta + t d */
  gsl_vector *out;        /* m: Jacobian case, f(theta + t d) */
  int status;             /* first error of fv, if any */
} line;

static void
move (line *l, double s)
{
  gsl_vector_memcpy (l->t, l->theta);
  gsl_blas_daxpy (s, l->d, l->t);
}

static double
f_along (double s, void *p)
{
  line *l = p;
  move (l, s);
  return l->f (l->t, l->params);
}

static double
wf_along (double s, void *p)
{
  line *l = p;
  double wf;
  move (l, s);
  const int status = l->fv (l->t, l->params, l->out);
  if (status != GSL_SUCCESS && l->status == GSL_SUCCESS)
    l->status = status;
  gsl_blas_ddot (l->w, l->out, &wf);
  return wf;
}

/* A direction uniform on the unit sphere: a standard normal vector (GSL's
   ziggurat sampler) divided by its norm, as gsl_ran_dir_nd does, with
   the faster sampler. */
static void
unit_direction (gsl_rng *rng, gsl_vector *d)
{
  for (size_t i = 0; i < d->size; i++)
    gsl_vector_set (d, i, gsl_ran_gaussian_ziggurat (rng, 1.0));
  gsl_vector_scale (d, 1.0 / gsl_blas_dnrm2 (d));
}

static void
line_free (line *l)
{
  gsl_vector_free (l->d);
  gsl_vector_free (l->w);
  gsl_vector_free (l->t);
  gsl_vector_free (l->out);
}

/* For n_directions fresh directions of l: the analytic a_k (grad . d, or
   w^T J d when J is given) and the numeric e_k = F'(0) with GSL's error
   err_k, compared into r. */
static int
directions (line *l, gsl_function *F, const gsl_vector *grad,
            const gsl_matrix *J, size_t n_directions, gsl_rng *rng,
            double rtol, double atol, bp_check_result *r)
{
  gsl_vector *a = gsl_vector_alloc (n_directions);
  gsl_vector *e = gsl_vector_alloc (n_directions);
  gsl_vector *err = gsl_vector_alloc (n_directions);
  gsl_vector *Jd = J ? gsl_vector_alloc (J->size1) : NULL;
  int status = (a && e && err && (Jd || !J)) ? GSL_SUCCESS : GSL_ENOMEM;
  const double h = BP_CHECK_STEP * fmax (1.0, fmax (fabs (gsl_vector_max (l->theta)),
                                                    fabs (gsl_vector_min (l->theta))));
  for (size_t k = 0; status == GSL_SUCCESS && k < n_directions; k++)
    {
      double ak, ek, errk;
      unit_direction (rng, l->d);
      if (J)
        {
          unit_direction (rng, l->w);
          gsl_blas_dgemv (CblasNoTrans, 1.0, J, l->d, 0.0, Jd);    /* J d */
          gsl_blas_ddot (l->w, Jd, &ak);                           /* w^T J d */
        }
      else
        gsl_blas_ddot (grad, l->d, &ak);                           /* grad . d */
      gsl_deriv_central (F, 0.0, h, &ek, &errk);
      gsl_vector_set (a, k, ak);
      gsl_vector_set (e, k, ek);
      gsl_vector_set (err, k, errk);
    }
  if (status == GSL_SUCCESS && l->status != GSL_SUCCESS)
    status = l->status;
  if (status == GSL_SUCCESS)
    status = bp_check_compare_vector (a, e, err, rtol, atol, r);
  if (status == GSL_SUCCESS && r->n_failed > 0)
    status = GSL_FAILURE;
  gsl_vector_free (a);
  gsl_vector_free (e);
  gsl_vector_free (err);
  gsl_vector_free (Jd);
  return status;
}

int
bp_check_directional_gradient (bp_scalar_function f, void *params,
                               const gsl_vector *theta, const gsl_vector *grad,
                               size_t n_directions, gsl_rng *rng, double rtol,
                               double atol, bp_check_result *r)
{
  if (!f || !theta || !grad || !rng)
    GSL_ERROR ("bp_check_directional_gradient: f, theta, grad and rng must not be NULL",
               GSL_EFAULT);
  if (grad->size != theta->size)
    GSL_ERROR ("bp_check_directional_gradient: grad must have theta's size", GSL_EBADLEN);
  if (theta->size == 0 || n_directions == 0)
    GSL_ERROR ("bp_check_directional_gradient: theta and the directions must not be empty",
               GSL_EINVAL);
  bp_check_result local = { 0 };
  line l = { .f = f, .params = params, .theta = theta, .status = GSL_SUCCESS };
  l.d = gsl_vector_alloc (theta->size);
  l.t = gsl_vector_alloc (theta->size);
  int status = GSL_ENOMEM;
  if (l.d && l.t)
    {
      gsl_function F = { .function = f_along, .params = &l };
      status = directions (&l, &F, grad, NULL, n_directions, rng, rtol, atol,
                           r ? r : &local);
    }
  line_free (&l);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("bp_check_directional_gradient: out of memory", status);
  return status;
}

int
bp_check_directional_jacobian (bp_vector_function f, void *params,
                               const gsl_vector *theta, const gsl_matrix *J,
                               size_t n_directions, gsl_rng *rng, double rtol,
                               double atol, bp_check_result *r)
{
  if (!f || !theta || !J || !rng)
    GSL_ERROR ("bp_check_directional_jacobian: f, theta, J and rng must not be NULL",
               GSL_EFAULT);
  if (J->size2 != theta->size)
    GSL_ERROR ("bp_check_directional_jacobian: J must have theta's size of columns",
               GSL_EBADLEN);
  if (theta->size == 0 || J->size1 == 0 || n_directions == 0)
    GSL_ERROR ("bp_check_directional_jacobian: theta, f and the directions must not be empty",
               GSL_EINVAL);
  bp_check_result local = { 0 };
  line l = { .fv = f, .params = params, .theta = theta, .status = GSL_SUCCESS };
  l.d = gsl_vector_alloc (theta->size);
  l.w = gsl_vector_alloc (J->size1);
  l.t = gsl_vector_alloc (theta->size);
  l.out = gsl_vector_alloc (J->size1);
  int status = GSL_ENOMEM;
  if (l.d && l.w && l.t && l.out)
    {
      gsl_function F = { .function = wf_along, .params = &l };
      status = directions (&l, &F, NULL, J, n_directions, rng, rtol, atol,
                           r ? r : &local);
    }
  line_free (&l);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("bp_check_directional_jacobian: out of memory", status);
  if (status != GSL_SUCCESS && status != GSL_FAILURE)
    GSL_ERROR ("bp_check_directional_jacobian: the function reported an error", status);
  return status;
}
