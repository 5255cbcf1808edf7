/* check.c -- the deprecated numeric derivatives and checks of
   bp_check_compat.h (formerly bp_check.h), thin wrappers over the one
   checker core (lib/check/gradcheck.c), the older function types as the
   core's callbacks, and the older result; derivations/00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "lib/compat/compat.h"

/* --- the older function types as bp_gradcheck_function ------------------ */

/* the coordinate moved (0 at the point itself), as bp_partial_function
   is told */
static size_t
moved (const bp_gradcheck_point *p)
{
  return p->moved_block == BP_GRADCHECK_NONE ? 0 : p->moved_row;
}

static int
legacy_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const legacy *l = params;
  *L = l->pf ? l->pf (p->vector[0], moved (p), l->params_array[p->thread])
             : l->f (p->vector[0], l->params);
  return 0;
}

static int
legacy_vloss (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  const legacy *l = params;
  const int s = l->pfv ? l->pfv (p->vector[0], moved (p), l->params_array[p->thread], out)
                       : l->fv (p->vector[0], l->params, out);
  if (s != GSL_SUCCESS && l->status[p->thread] == GSL_SUCCESS)
    l->status[p->thread] = s;
  return s;
}

int
legacy_init (legacy *l, size_t m, bp_gradcheck_function *F, bp_gradcheck_options *o,
             unsigned method, double h, double rtol, double atol)
{
  bp_gradcheck_options_default (o);
  o->method = method;
  o->h = method == BP_GRADCHECK_COMPLEX_STEP ? o->h : h;
  o->h_complex = method == BP_GRADCHECK_COMPLEX_STEP ? h : o->h_complex;
  o->rtol = rtol;
  o->atol = atol;
  o->threads = l->n_threads;
  o->k = 0;
  *F = (bp_gradcheck_function) { .m = m, .params = l };
  if (m == 0)
    F->loss = (l->f || l->pf) ? legacy_loss : NULL;
  else
    F->vloss = (l->fv || l->pfv) ? legacy_vloss : NULL;
  l->status = calloc (l->n_threads ? l->n_threads : 1, sizeof *l->status);
  if (!l->status)
    GSL_ERROR ("the checker: out of memory", GSL_ENOMEM);
  return GSL_SUCCESS;
}

void
legacy_free (legacy *l)
{
  free (l->status);
}

int
legacy_status (const legacy *l)
{
  for (size_t t = 0; t < l->n_threads; t++)
    if (l->status[t] != GSL_SUCCESS)
      return l->status[t];
  return GSL_SUCCESS;
}

/* cform's callbacks (the complex step's) in place of F's */
static void
use_cform (bp_gradcheck_function *F, const bp_gradcheck_function *cform)
{
  F->loss = cform->loss;
  F->vloss = cform->vloss;
  F->closs = cform->closs;
  F->cvloss = cform->cvloss;
  F->params = cform->params;
}

/* --- the numeric derivatives -------------------------------------------- */

/* grad (or J) and abserr from the numeric run of res */
static void
copy_numeric (const bp_gradcheck_result *res, gsl_matrix *out, gsl_matrix *abserr)
{
  const bp_gradcheck_block_result *b = &res->run[0].block[0];
  gsl_matrix_memcpy (out, b->numeric);
  if (abserr)
    gsl_matrix_memcpy (abserr, b->abserr);
}

/* The numeric gradient (Jacobian) of l's function at theta into out, a
   vector of theta's size (or an m x n matrix), and abserr (may be NULL),
   by method with step h, for every bp_deriv_* and bp_cstep_gradient /
   _jacobian entry point; who names it. */
int
legacy_deriv (const char *who, legacy *l, unsigned method, const gsl_vector *theta,
              double h, const gsl_vector *grad, const gsl_matrix *J,
              gsl_vector *abserr_v, gsl_matrix *abserr_m, bp_gradcheck_function *cform)
{
  bp_gradcheck_function F;
  bp_gradcheck_options o;
  const size_t m = J ? J->size1 : 0;
  int status = legacy_init (l, m, &F, &o, method, h, 0.0, 0.0);
  if (status != GSL_SUCCESS)
    return status;
  if (cform)
    use_cform (&F, cform);
  const bp_gradcheck_block block = { .vector = theta };
  const bp_gradcheck_block out = { .vector = grad, .matrix = J };
  const core_extra x = { .numeric_only = 1 };
  bp_gradcheck_result *res = NULL;
  status = core_check_args (who, &F, 1, &block, &out, &o, &x);
  if (status == GSL_SUCCESS
      && ((abserr_v && abserr_v->size != theta->size)
          || (abserr_m && J && (abserr_m->size1 != J->size1 || abserr_m->size2 != J->size2))))
    {
      gsl_error ("the checker: abserr must have the shape of grad (J)", __FILE__, __LINE__,
                 GSL_EBADLEN);
      status = GSL_EBADLEN;
    }
  if (status == GSL_SUCCESS)
    {
      status = core_run (who, &F, 1, &block, NULL, &o, &x, &res);
      if (status <= 0)
        status = GSL_SUCCESS;
    }
  if (status == GSL_SUCCESS)
    {
      if (J)
        copy_numeric (res, (gsl_matrix *) J, abserr_m);
      else if (grad)
        {
          gsl_matrix_view g = gsl_matrix_view_vector ((gsl_vector *) grad, grad->size, 1);
          gsl_matrix_view e = abserr_v ? gsl_matrix_view_vector (abserr_v, abserr_v->size, 1)
                                       : (gsl_matrix_view) { { 0 } };
          copy_numeric (res, &g.matrix, abserr_v ? &e.matrix : NULL);
        }
      status = legacy_status (l);
      if (status != GSL_SUCCESS)
        gsl_error ("the checker: the function reported an error", __FILE__, __LINE__, status);
    }
  bp_gradcheck_result_free (res);
  legacy_free (l);
  return status;
}

/* The one-call checks of every older entry point: l's function at theta
   against grad (or J) by method (step h, or the caller's rng and
   directions for the directional one), into r (may be NULL). */
int
legacy_check (const char *who, legacy *l, unsigned method, const gsl_vector *theta,
              double h, const gsl_vector *grad, const gsl_matrix *J, double rtol,
              double atol, size_t n_directions, gsl_rng *rng,
              bp_gradcheck_function *cform, bp_check_result *r)
{
  bp_gradcheck_function F;
  bp_gradcheck_options o;
  int status = legacy_init (l, J ? J->size1 : 0, &F, &o, method, h, rtol, atol);
  if (status != GSL_SUCCESS)
    return status;
  if (cform)
    use_cform (&F, cform);
  o.n_directions = n_directions;
  const bp_gradcheck_block block = { .vector = theta };
  const bp_gradcheck_block a = { .vector = grad, .matrix = J };
  const core_extra x = { .rng = rng, .no_localize = 1 };
  bp_gradcheck_result *res = NULL;
  status = core_run (who, &F, 1, &block, &a, &o, &x, &res);
  if (status <= 0)
    {
      bp_check_result local;
      status = legacy_result (res, 0, r ? r : &local);
      const int fs = legacy_status (l);
      if (fs != GSL_SUCCESS)
        {
          gsl_error ("the checker: the function reported an error", __FILE__, __LINE__, fs);
          status = fs;
        }
    }
  bp_gradcheck_result_free (res);
  legacy_free (l);
  return status;
}

int
bp_deriv_gradient (bp_scalar_function f, void *params, const gsl_vector *theta,
                   double h, gsl_vector *grad, gsl_vector *abserr)
{
  legacy l = { .f = f, .params = params, .n_threads = 1 };
  return legacy_deriv ("bp_deriv_gradient", &l, BP_GRADCHECK_CENTRAL, theta, h, grad,
                       NULL, abserr, NULL, NULL);
}

int
bp_deriv_jacobian (bp_vector_function f, void *params, const gsl_vector *theta,
                   double h, gsl_matrix *J, gsl_matrix *abserr)
{
  legacy l = { .fv = f, .params = params, .n_threads = 1 };
  return legacy_deriv ("bp_deriv_jacobian", &l, BP_GRADCHECK_CENTRAL, theta, h, NULL, J,
                       NULL, abserr, NULL);
}

/* --- the comparison --------------------------------------------------------- */

static int
compare_options (const char *who, double rtol, double atol)
{
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.rtol = rtol;
  o.atol = atol;
  return core_options_valid (who, &o);
}

int
bp_check_compare_vector (const gsl_vector *a, const gsl_vector *e, const gsl_vector *err,
                         double rtol, double atol, bp_check_result *r)
{
  if (!a || !e || !r)
    GSL_ERROR ("bp_check_compare_vector: a, e and r must not be NULL", GSL_EFAULT);
  if (e->size != a->size || (err && err->size != a->size))
    GSL_ERROR ("bp_check_compare_vector: a, e and err must have equal sizes", GSL_EBADLEN);
  const int status = compare_options ("bp_check_compare_vector", rtol, atol);
  if (status != GSL_SUCCESS)
    return status;
  double worst = 0.0;
  *r = (bp_check_result) { 0 };
  for (size_t k = 0; k < a->size; k++)
    {
      bp_gradcheck_element el;
      core_compare (gsl_vector_get (a, k), gsl_vector_get (e, k),
                    err ? gsl_vector_get (err, k) : 0.0, rtol, atol, &el);
      legacy_fold (r, &worst, &el, k, k, 0, atol);
    }
  return GSL_SUCCESS;
}

int
bp_check_compare_matrix (const gsl_matrix *a, const gsl_matrix *e, const gsl_matrix *err,
                         double rtol, double atol, bp_check_result *r)
{
  if (!a || !e || !r)
    GSL_ERROR ("bp_check_compare_matrix: a, e and r must not be NULL", GSL_EFAULT);
  if (e->size1 != a->size1 || e->size2 != a->size2
      || (err && (err->size1 != a->size1 || err->size2 != a->size2)))
    GSL_ERROR ("bp_check_compare_matrix: a, e and err must have equal shapes", GSL_EBADLEN);
  const int status = compare_options ("bp_check_compare_matrix", rtol, atol);
  if (status != GSL_SUCCESS)
    return status;
  double worst = 0.0;
  *r = (bp_check_result) { 0 };
  for (size_t i = 0; i < a->size1; i++)
    for (size_t j = 0; j < a->size2; j++)
      {
        bp_gradcheck_element el;
        core_compare (gsl_matrix_get (a, i, j), gsl_matrix_get (e, i, j),
                      err ? gsl_matrix_get (err, i, j) : 0.0, rtol, atol, &el);
        legacy_fold (r, &worst, &el, i * a->size2 + j, i, j, atol);
      }
  return GSL_SUCCESS;
}

/* --- the one-call checks -------------------------------------------------- */

int
bp_check_gradient (bp_scalar_function f, void *params, const gsl_vector *theta,
                   const gsl_vector *grad, double rtol, double atol, bp_check_result *r)
{
  legacy l = { .f = f, .params = params, .n_threads = 1 };
  return legacy_check ("bp_check_gradient", &l, BP_GRADCHECK_CENTRAL, theta, BP_CHECK_STEP,
                       grad, NULL, rtol, atol, 1, NULL, NULL, r);
}

int
bp_check_jacobian (bp_vector_function f, void *params, const gsl_vector *theta,
                   const gsl_matrix *J, double rtol, double atol, bp_check_result *r)
{
  legacy l = { .fv = f, .params = params, .n_threads = 1 };
  return legacy_check ("bp_check_jacobian", &l, BP_GRADCHECK_CENTRAL, theta, BP_CHECK_STEP,
                       NULL, J, rtol, atol, 1, NULL, NULL, r);
}

/* --- the older result ------------------------------------------------------ */

void
legacy_fold (bp_check_result *r, double *worst_ratio, const bp_gradcheck_element *el,
                  size_t index, size_t row, size_t col, double atol)
{
  r->n_checked++;
  r->n_failed += el->status == BP_GRADCHECK_ELEMENT_FAIL;
  r->n_inconclusive += el->status == BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
  if (r->n_checked == 1 || el->ratio > *worst_ratio)
    {
      *worst_ratio = el->ratio;
      r->worst_index = index;
      r->worst_row = row;
      r->worst_col = col;
      r->worst_analytic = el->analytic;
      r->worst_numeric = el->numeric;
      r->worst_abserr = el->abserr;
    }
  core_fold_errors (el, atol, &r->max_abs_err, &r->max_rel_err, &r->max_est_err);
}

int
legacy_result (const bp_gradcheck_result *res, size_t j, bp_check_result *r)
{
  const bp_gradcheck_run *run = &res->run[j];
  const double rtol = res->opts.rtol, atol = res->opts.atol;
  *r = (bp_check_result) { 0 };
  if (run->method == BP_GRADCHECK_DIRECTIONAL && !run->localized)
    {
      /* directions: only their worst is kept */
      r->n_checked = run->n_checked;
      r->n_failed = run->n_failed;
      r->n_inconclusive = run->n_inconclusive;
      r->worst_index = r->worst_row = run->worst.row;
      r->worst_analytic = run->worst.analytic;
      r->worst_numeric = run->worst.numeric;
      r->worst_abserr = run->worst.abserr;
      r->max_abs_err = run->max_abs_err;      /* over the directions */
      r->max_rel_err = run->max_rel_err;
      r->max_est_err = run->max_est_err;
    }
  else
    {
      const bp_gradcheck_block_result *b = &run->block[0];
      double worst = 0.0;
      for (size_t i = 0; i < b->analytic->size1; i++)
        for (size_t c = 0; c < b->analytic->size2; c++)
          {
            bp_gradcheck_element el;
            core_compare (gsl_matrix_get (b->analytic, i, c), gsl_matrix_get (b->numeric, i, c),
                          gsl_matrix_get (b->abserr, i, c), rtol, atol, &el);
            el.status = gsl_matrix_uchar_get (b->mask, i, c);   /* kinks */
            legacy_fold (r, &worst, &el, i * b->analytic->size2 + c, i, c, atol);
          }
    }
  return (r->n_failed + r->n_inconclusive) ? GSL_FAILURE : GSL_SUCCESS;
}
