/* check.c -- numeric derivatives with gsl_deriv_central and their
   comparison with analytic ones; derivations/00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_deriv.h>
#include "backprop/bp_check.h"
#include "lib/valid.h"

/* One coordinate of theta made a function of a double, for gsl_function. */
typedef struct
{
  bp_scalar_function f;     /* scalar case */
  bp_vector_function fv;    /* vector case */
  void *params;
  gsl_vector *t;            /* working copy of theta */
  gsl_vector *out;          /* vector case: f(t) */
  size_t j;                 /* the coordinate varied */
  size_t i;                 /* vector case: the output component read */
  int status;               /* first error of fv, if any */
} coordinate;

static double
scalar_at (double x, void *p)
{
  coordinate *c = p;
  const double saved = gsl_vector_get (c->t, c->j);
  gsl_vector_set (c->t, c->j, x);
  const double fx = c->f (c->t, c->params);
  gsl_vector_set (c->t, c->j, saved);
  return fx;
}

static double
component_at (double x, void *p)
{
  coordinate *c = p;
  const double saved = gsl_vector_get (c->t, c->j);
  gsl_vector_set (c->t, c->j, x);
  const int status = c->fv (c->t, c->params, c->out);
  gsl_vector_set (c->t, c->j, saved);
  if (status != GSL_SUCCESS && c->status == GSL_SUCCESS)
    c->status = status;
  return gsl_vector_get (c->out, c->i);
}

/* The step for coordinate value x: h scaled by max(1, |x|). */
static double
step_at (double h, double x)
{
  return h * fmax (1.0, fabs (x));
}

int
bp_deriv_gradient (bp_scalar_function f, void *params,
                   const gsl_vector *theta, double h,
                   gsl_vector *grad, gsl_vector *abserr)
{
  if (!f || !theta || !grad)
    GSL_ERROR ("bp_deriv_gradient: f, theta and grad must not be NULL", GSL_EFAULT);
  if (grad->size != theta->size || (abserr && abserr->size != theta->size))
    GSL_ERROR ("bp_deriv_gradient: grad and abserr must have theta's size", GSL_EBADLEN);
  if (!(h > 0.0) || !isfinite (h))
    GSL_ERROR ("bp_deriv_gradient: step h must be positive", GSL_EINVAL);
  if (!vector_finite (theta))
    GSL_ERROR ("bp_deriv_gradient: theta has a NaN or infinite element", GSL_EDOM);
  coordinate c = { .f = f, .params = params, .status = GSL_SUCCESS };
  c.t = gsl_vector_alloc (theta->size);
  if (c.t == NULL)
    GSL_ERROR ("bp_deriv_gradient: out of memory", GSL_ENOMEM);
  gsl_vector_memcpy (c.t, theta);
  gsl_function F = { .function = scalar_at, .params = &c };
  for (c.j = 0; c.j < theta->size; c.j++)
    {
      const double x = gsl_vector_get (theta, c.j);
      double d, e;
      gsl_deriv_central (&F, x, step_at (h, x), &d, &e);
      gsl_vector_set (grad, c.j, d);
      if (abserr)
        gsl_vector_set (abserr, c.j, e);
    }
  gsl_vector_free (c.t);
  return GSL_SUCCESS;
}

int
bp_deriv_jacobian (bp_vector_function f, void *params,
                   const gsl_vector *theta, double h,
                   gsl_matrix *J, gsl_matrix *abserr)
{
  if (!f || !theta || !J)
    GSL_ERROR ("bp_deriv_jacobian: f, theta and J must not be NULL", GSL_EFAULT);
  if (J->size2 != theta->size)
    GSL_ERROR ("bp_deriv_jacobian: J must have theta's size of columns", GSL_EBADLEN);
  if (abserr && (abserr->size1 != J->size1 || abserr->size2 != J->size2))
    GSL_ERROR ("bp_deriv_jacobian: abserr must have J's shape", GSL_EBADLEN);
  if (!(h > 0.0) || !isfinite (h))
    GSL_ERROR ("bp_deriv_jacobian: step h must be positive", GSL_EINVAL);
  if (!vector_finite (theta))
    GSL_ERROR ("bp_deriv_jacobian: theta has a NaN or infinite element", GSL_EDOM);
  coordinate c = { .fv = f, .params = params, .status = GSL_SUCCESS };
  c.t = gsl_vector_alloc (theta->size);
  c.out = gsl_vector_alloc (J->size1);
  if (c.t == NULL || c.out == NULL)
    {
      gsl_vector_free (c.t);
      gsl_vector_free (c.out);
      GSL_ERROR ("bp_deriv_jacobian: out of memory", GSL_ENOMEM);
    }
  gsl_vector_memcpy (c.t, theta);
  gsl_function F = { .function = component_at, .params = &c };
  for (c.i = 0; c.i < J->size1; c.i++)
    for (c.j = 0; c.j < J->size2; c.j++)
      {
        const double x = gsl_vector_get (theta, c.j);
        double d, e;
        gsl_deriv_central (&F, x, step_at (h, x), &d, &e);
        gsl_matrix_set (J, c.i, c.j, d);
        if (abserr)
          gsl_matrix_set (abserr, c.i, c.j, e);
      }
  gsl_vector_free (c.t);
  gsl_vector_free (c.out);
  if (c.status != GSL_SUCCESS)
    GSL_ERROR ("bp_deriv_jacobian: the function reported an error", c.status);
  return GSL_SUCCESS;
}

static void
result_init (bp_check_result *r)
{
  *r = (bp_check_result) { 0 };
}

/* Fold element k (row i, column j) into r; remember the worst by the
   ratio of its difference to its allowance. */
static void
compare_one (bp_check_result *r, double *worst_ratio, size_t k, size_t i,
             size_t j, double a, double e, double err, double rtol, double atol)
{
  const double diff = fabs (a - e);
  const double scale = fmax (fabs (a), fabs (e));
  const double allowed = fmax (atol, rtol * scale) + 2.0 * err;
  /* NaN anywhere fails: !(diff <= allowed) */
  const double ratio = (diff <= allowed) ? diff / allowed : HUGE_VAL;
  r->n_checked++;
  if (!(diff <= allowed))
    r->n_failed++;
  if (r->n_checked == 1 || ratio > *worst_ratio)
    {
      *worst_ratio = ratio;
      r->worst_index = k;
      r->worst_row = i;
      r->worst_col = j;
      r->worst_analytic = a;
      r->worst_numeric = e;
      r->worst_abserr = err;
    }
  if (!(diff <= r->max_abs_err))
    r->max_abs_err = diff;
  if (scale > atol && !(diff / scale <= r->max_rel_err))
    r->max_rel_err = diff / scale;
  if (err > r->max_est_err)
    r->max_est_err = err;
}

int
bp_check_compare_vector (const gsl_vector *a, const gsl_vector *e,
                         const gsl_vector *err, double rtol, double atol,
                         bp_check_result *r)
{
  if (!a || !e || !r)
    GSL_ERROR ("bp_check_compare_vector: a, e and r must not be NULL", GSL_EFAULT);
  if (e->size != a->size || (err && err->size != a->size))
    GSL_ERROR ("bp_check_compare_vector: a, e and err must have equal sizes", GSL_EBADLEN);
  double worst = 0.0;
  result_init (r);
  for (size_t k = 0; k < a->size; k++)
    compare_one (r, &worst, k, k, 0, gsl_vector_get (a, k), gsl_vector_get (e, k),
                 err ? gsl_vector_get (err, k) : 0.0, rtol, atol);
  return GSL_SUCCESS;
}

int
bp_check_compare_matrix (const gsl_matrix *a, const gsl_matrix *e,
                         const gsl_matrix *err, double rtol, double atol,
                         bp_check_result *r)
{
  if (!a || !e || !r)
    GSL_ERROR ("bp_check_compare_matrix: a, e and r must not be NULL", GSL_EFAULT);
  if (e->size1 != a->size1 || e->size2 != a->size2
      || (err && (err->size1 != a->size1 || err->size2 != a->size2)))
    GSL_ERROR ("bp_check_compare_matrix: a, e and err must have equal shapes", GSL_EBADLEN);
  double worst = 0.0;
  result_init (r);
  for (size_t i = 0; i < a->size1; i++)
    for (size_t j = 0; j < a->size2; j++)
      compare_one (r, &worst, i * a->size2 + j, i, j, gsl_matrix_get (a, i, j),
                   gsl_matrix_get (e, i, j), err ? gsl_matrix_get (err, i, j) : 0.0,
                   rtol, atol);
  return GSL_SUCCESS;
}

int
bp_check_gradient (bp_scalar_function f, void *params,
                   const gsl_vector *theta, const gsl_vector *grad,
                   double rtol, double atol, bp_check_result *r)
{
  if (!f || !theta || !grad)
    GSL_ERROR ("bp_check_gradient: f, theta and grad must not be NULL", GSL_EFAULT);
  if (grad->size != theta->size)
    GSL_ERROR ("bp_check_gradient: grad must have theta's size", GSL_EBADLEN);
  if (!vector_finite (theta))
    GSL_ERROR ("bp_check_gradient: theta has a NaN or infinite element", GSL_EDOM);
  bp_check_result local = { 0 };
  gsl_vector *num = gsl_vector_alloc (theta->size);
  gsl_vector *err = gsl_vector_alloc (theta->size);
  int status = (num && err) ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = bp_deriv_gradient (f, params, theta, BP_CHECK_STEP, num, err);
  if (status == GSL_SUCCESS)
    status = bp_check_compare_vector (grad, num, err, rtol, atol, r ? r : &local);
  if (status == GSL_SUCCESS && (r ? r : &local)->n_failed > 0)
    status = GSL_FAILURE;
  gsl_vector_free (num);
  gsl_vector_free (err);
  return status;
}

int
bp_check_jacobian (bp_vector_function f, void *params,
                   const gsl_vector *theta, const gsl_matrix *J,
                   double rtol, double atol, bp_check_result *r)
{
  if (!f || !theta || !J)
    GSL_ERROR ("bp_check_jacobian: f, theta and J must not be NULL", GSL_EFAULT);
  if (J->size2 != theta->size)
    GSL_ERROR ("bp_check_jacobian: J must have theta's size of columns", GSL_EBADLEN);
  if (!vector_finite (theta))
    GSL_ERROR ("bp_check_jacobian: theta has a NaN or infinite element", GSL_EDOM);
  bp_check_result local = { 0 };
  gsl_matrix *num = gsl_matrix_alloc (J->size1, J->size2);
  gsl_matrix *err = gsl_matrix_alloc (J->size1, J->size2);
  int status = (num && err) ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = bp_deriv_jacobian (f, params, theta, BP_CHECK_STEP, num, err);
  if (status == GSL_SUCCESS)
    status = bp_check_compare_matrix (J, num, err, rtol, atol, r ? r : &local);
  if (status == GSL_SUCCESS && (r ? r : &local)->n_failed > 0)
    status = GSL_FAILURE;
  gsl_matrix_free (num);
  gsl_matrix_free (err);
  return status;
}
