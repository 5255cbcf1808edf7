/* check_threads.c -- bp_check.h's numeric derivatives, coordinate by
   coordinate on OpenMP threads, each with its own copy of theta and its
   own params; derivations/00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_deriv.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include "backprop/bp_check_threads.h"

size_t
bp_check_threads (size_t n_params)
{
#ifdef _OPENMP
  const size_t max = (size_t) omp_get_max_threads ();
  return n_params < max ? n_params : max;
#else
  return n_params < 1 ? n_params : 1;
#endif
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

/* One coordinate of theta made a function of a double, for gsl_function;
   one per thread. */
typedef struct
{
  bp_partial_function f;          /* scalar case */
  bp_vector_partial_function fv;  /* vector case */
  void *params;                   /* this thread's */
  gsl_vector *t;                  /* this thread's working copy of theta */
  gsl_vector *out;                /* vector case: f(t) */
  size_t j;                       /* the coordinate varied */
  size_t i;                       /* vector case: the output component read */
  int status;                     /* first error of fv, if any */
} coordinate;

static double
scalar_at (double x, void *p)
{
  coordinate *c = p;
  double *tj = gsl_vector_ptr (c->t, c->j);
  const double saved = *tj;
  *tj = x;
  const double fx = c->f (c->t, c->j, c->params);
  *tj = saved;
  return fx;
}

static double
component_at (double x, void *p)
{
  coordinate *c = p;
  double *tj = gsl_vector_ptr (c->t, c->j);
  const double saved = *tj;
  *tj = x;
  const int status = c->fv (c->t, c->j, c->params, c->out);
  *tj = saved;
  if (status != GSL_SUCCESS && c->status == GSL_SUCCESS)
    c->status = status;
  return gsl_vector_get (c->out, c->i);
}

/* gsl_deriv_central at x = theta_j with step h max(1, |x|), as bp_check.c. */
static void
central (gsl_function *F, double x, double h, double *d, double *e)
{
  gsl_deriv_central (F, x, h * fmax (1.0, fabs (x)), d, e);
}

int
bp_deriv_gradient_threads (bp_partial_function f, void *const params[],
                           size_t n_params, const gsl_vector *theta, double h,
                           gsl_vector *grad, gsl_vector *abserr)
{
  if (!f || !params || !theta || !grad)
    GSL_ERROR ("bp_deriv_gradient_threads: f, params, theta and grad must not be NULL",
               GSL_EFAULT);
  if (grad->size != theta->size || (abserr && abserr->size != theta->size))
    GSL_ERROR ("bp_deriv_gradient_threads: grad and abserr must have theta's size",
               GSL_EBADLEN);
  if (!(h > 0.0))
    GSL_ERROR ("bp_deriv_gradient_threads: step h must be positive", GSL_EINVAL);
  if (n_params == 0)
    GSL_ERROR ("bp_deriv_gradient_threads: at least one params is needed", GSL_EINVAL);
  const size_t n = theta->size;
  int status = GSL_SUCCESS;
#pragma omp parallel num_threads (bp_check_threads (n_params))
  {
    coordinate c = { .f = f, .params = params[thread_index ()] };
    c.t = gsl_vector_alloc (n);
    if (c.t == NULL)
      {
#pragma omp atomic write
        status = GSL_ENOMEM;
      }
    else
      gsl_vector_memcpy (c.t, theta);
    gsl_function F = { .function = scalar_at, .params = &c };
#pragma omp for schedule (dynamic, 16)
    for (size_t j = 0; j < n; j++)
      if (c.t != NULL)
        {
          double d, e;
          c.j = j;
          central (&F, gsl_vector_get (theta, j), h, &d, &e);
          gsl_vector_set (grad, j, d);
          if (abserr)
            gsl_vector_set (abserr, j, e);
        }
    gsl_vector_free (c.t);
  }
  if (status != GSL_SUCCESS)
    GSL_ERROR ("bp_deriv_gradient_threads: out of memory", status);
  return GSL_SUCCESS;
}

int
bp_deriv_jacobian_threads (bp_vector_partial_function f, void *const params[],
                           size_t n_params, const gsl_vector *theta, double h,
                           gsl_matrix *J, gsl_matrix *abserr)
{
  if (!f || !params || !theta || !J)
    GSL_ERROR ("bp_deriv_jacobian_threads: f, params, theta and J must not be NULL",
               GSL_EFAULT);
  if (J->size2 != theta->size)
    GSL_ERROR ("bp_deriv_jacobian_threads: J must have theta's size of columns",
               GSL_EBADLEN);
  if (abserr && (abserr->size1 != J->size1 || abserr->size2 != J->size2))
    GSL_ERROR ("bp_deriv_jacobian_threads: abserr must have J's shape", GSL_EBADLEN);
  if (!(h > 0.0))
    GSL_ERROR ("bp_deriv_jacobian_threads: step h must be positive", GSL_EINVAL);
  if (n_params == 0)
    GSL_ERROR ("bp_deriv_jacobian_threads: at least one params is needed", GSL_EINVAL);
  const size_t m = J->size1, n = J->size2;
  int status = GSL_SUCCESS;
#pragma omp parallel num_threads (bp_check_threads (n_params))
  {
    coordinate c = { .fv = f, .params = params[thread_index ()],
                     .status = GSL_SUCCESS };
    c.t = gsl_vector_alloc (n);
    c.out = gsl_vector_alloc (m);
    if (c.t == NULL || c.out == NULL)
      c.status = GSL_ENOMEM;
    else
      gsl_vector_memcpy (c.t, theta);
    gsl_function F = { .function = component_at, .params = &c };
#pragma omp for schedule (dynamic, 16)
    for (size_t q = 0; q < m * n; q++)
      if (c.status != GSL_ENOMEM)
        {
          double d, e;
          c.i = q / n;
          c.j = q % n;
          central (&F, gsl_vector_get (theta, c.j), h, &d, &e);
          gsl_matrix_set (J, c.i, c.j, d);
          if (abserr)
            gsl_matrix_set (abserr, c.i, c.j, e);
        }
    gsl_vector_free (c.t);
    gsl_vector_free (c.out);
    if (c.status != GSL_SUCCESS)
      {
#pragma omp critical (check_threads_status)
        if (status == GSL_SUCCESS || c.status == GSL_ENOMEM)
          status = c.status;
      }
  }
  if (status == GSL_ENOMEM)
    GSL_ERROR ("bp_deriv_jacobian_threads: out of memory", status);
  if (status != GSL_SUCCESS)
    GSL_ERROR ("bp_deriv_jacobian_threads: the function reported an error", status);
  return GSL_SUCCESS;
}

/* r's verdict as a status: GSL_FAILURE when an element failed. */
static int
verdict (int status, const bp_check_result *r)
{
  return (status == GSL_SUCCESS && r->n_failed > 0) ? GSL_FAILURE : status;
}

int
bp_check_gradient_threads (bp_partial_function f, void *const params[],
                           size_t n_params, const gsl_vector *theta,
                           const gsl_vector *grad, double rtol, double atol,
                           bp_check_result *r)
{
  if (!f || !params || !theta || !grad)
    GSL_ERROR ("bp_check_gradient_threads: f, params, theta and grad must not be NULL",
               GSL_EFAULT);
  if (grad->size != theta->size)
    GSL_ERROR ("bp_check_gradient_threads: grad must have theta's size", GSL_EBADLEN);
  bp_check_result local = { 0 };
  r = r ? r : &local;
  gsl_vector *num = gsl_vector_alloc (theta->size);
  gsl_vector *err = gsl_vector_alloc (theta->size);
  int status = (num && err) ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = bp_deriv_gradient_threads (f, params, n_params, theta, BP_CHECK_STEP,
                                        num, err);
  if (status == GSL_SUCCESS)
    status = bp_check_compare_vector (grad, num, err, rtol, atol, r);
  gsl_vector_free (num);
  gsl_vector_free (err);
  return verdict (status, r);
}

int
bp_check_jacobian_threads (bp_vector_partial_function f, void *const params[],
                           size_t n_params, const gsl_vector *theta,
                           const gsl_matrix *J, double rtol, double atol,
                           bp_check_result *r)
{
  if (!f || !params || !theta || !J)
    GSL_ERROR ("bp_check_jacobian_threads: f, params, theta and J must not be NULL",
               GSL_EFAULT);
  if (J->size2 != theta->size)
    GSL_ERROR ("bp_check_jacobian_threads: J must have theta's size of columns",
               GSL_EBADLEN);
  bp_check_result local = { 0 };
  r = r ? r : &local;
  gsl_matrix *num = gsl_matrix_alloc (J->size1, J->size2);
  gsl_matrix *err = gsl_matrix_alloc (J->size1, J->size2);
  int status = (num && err) ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = bp_deriv_jacobian_threads (f, params, n_params, theta, BP_CHECK_STEP,
                                        num, err);
  if (status == GSL_SUCCESS)
    status = bp_check_compare_matrix (J, num, err, rtol, atol, r);
  gsl_matrix_free (num);
  gsl_matrix_free (err);
  return verdict (status, r);
}
