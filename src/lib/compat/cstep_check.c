/* cstep_check.c -- the deprecated complex-step derivatives and checks of
   bp_check_compat.h (formerly in bp_complex_step.h), thin wrappers over
   the one checker core (lib/check/gradcheck.c);
   derivations/13-complex-step.md */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_complex_math.h>
#include "backprop/bp_complex_step.h"
#include "lib/compat/compat.h"

/* --- the derivative: wrappers over the one checker core ----------------- */

/* The older complex functions as the core's callbacks: the complex form,
   and the real one (f at theta + 0 i) for the point itself. */
typedef struct
{
  bp_cstep_function f;
  bp_cstep_vector_function fv;
  void *params;
  legacy *l;              /* a vector function's first error per thread */
} cform;

static int
cform_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  const cform *c = params;
  const double complex z = c->f (p->vector[0], c->params);
  GSL_SET_COMPLEX (L, creal (z), cimag (z));
  return 0;
}

static int
cform_cvloss (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *out)
{
  const cform *c = params;
  const int s = c->fv (p->vector[0], c->params, out);
  if (s != GSL_SUCCESS && c->l->status[p->thread] == GSL_SUCCESS)
    c->l->status[p->thread] = s;
  return s;
}

/* theta + 0 i of the real point p (NULL when out of memory) */
static gsl_vector_complex *
complex_of (const bp_gradcheck_point *p)
{
  gsl_vector_complex *z = gsl_vector_complex_alloc (p->vector[0]->size);
  if (z)
    bp_cstep_vector_from_real (p->vector[0], z);
  return z;
}

static int
cform_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const cform *c = params;
  gsl_vector_complex *z = complex_of (p);
  if (!z)
    return GSL_ENOMEM;
  *L = creal (c->f (z, c->params));
  gsl_vector_complex_free (z);
  return GSL_SUCCESS;
}

static int
cform_vloss (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  const cform *c = params;
  gsl_vector_complex *z = complex_of (p), *zo = gsl_vector_complex_alloc (out->size);
  int s = (z && zo) ? c->fv (z, c->params, zo) : GSL_ENOMEM;
  for (size_t i = 0; s == GSL_SUCCESS && i < out->size; i++)
    gsl_vector_set (out, i, creal (cget (zo, i)));
  if (s != GSL_SUCCESS && c->l->status[p->thread] == GSL_SUCCESS)
    c->l->status[p->thread] = s;
  gsl_vector_complex_free (z);
  gsl_vector_complex_free (zo);
  return s;
}

/* the core's function for c: scalar when c->f, else vector */
static bp_gradcheck_function
cform_function (cform *c)
{
  bp_gradcheck_function F = { .params = c };
  if (c->f)
    {
      F.loss = cform_loss;
      F.closs = cform_closs;
    }
  else if (c->fv)
    {
      F.vloss = cform_vloss;
      F.cvloss = cform_cvloss;
    }
  return F;
}

/* The complex step of f (or fv) at theta with step h: the numeric
   values into grad or J (check = 0), or their comparison with grad or J
   into r (check = 1), by the one core. */
static int
cstep (const char *who, bp_cstep_function f, bp_cstep_vector_function fv, void *params,
       const gsl_vector *theta, double h, const gsl_vector *grad, const gsl_matrix *J,
       int check, double rtol, double atol, bp_check_result *r)
{
  legacy l = { .n_threads = 1 };
  cform c = { .f = f, .fv = fv, .params = params, .l = &l };
  bp_gradcheck_function F = cform_function (&c);
  const unsigned cs = BP_GRADCHECK_COMPLEX_STEP;
  return check ? legacy_check (who, &l, cs, theta, h, grad, J, rtol, atol, 1, NULL, &F, r)
               : legacy_deriv (who, &l, cs, theta, h, grad, J, NULL, NULL, &F);
}

int
bp_cstep_gradient (bp_cstep_function f, void *params, const gsl_vector *theta,
                   double h, gsl_vector *grad)
{
  return cstep ("bp_cstep_gradient", f, NULL, params, theta, h, grad, NULL, 0, 0, 0, NULL);
}

int
bp_cstep_jacobian (bp_cstep_vector_function f, void *params, const gsl_vector *theta,
                   double h, gsl_matrix *J)
{
  return cstep ("bp_cstep_jacobian", NULL, f, params, theta, h, NULL, J, 0, 0, 0, NULL);
}

int
bp_cstep_check_gradient (bp_cstep_function f, void *params, const gsl_vector *theta,
                         const gsl_vector *grad, double rtol, double atol,
                         bp_check_result *r)
{
  return cstep ("bp_cstep_check_gradient", f, NULL, params, theta, BP_CSTEP_STEP, grad,
                NULL, 1, rtol, atol, r);
}

int
bp_cstep_check_jacobian (bp_cstep_vector_function f, void *params, const gsl_vector *theta,
                         const gsl_matrix *J, double rtol, double atol, bp_check_result *r)
{
  return cstep ("bp_cstep_check_jacobian", NULL, f, params, theta, BP_CSTEP_STEP, NULL, J,
                1, rtol, atol, r);
}
