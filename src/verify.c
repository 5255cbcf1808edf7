/* verify.c -- `backprop verify`: each formula of the slides checked
   against GSL's numeric differentiation, one row per formula. */
#include <config.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include "example_partial.h"
#include "verify.h"

/* How each row is checked: every partial derivative (full), the three
   large rows on threads from the point's cache (example_partial.h); or
   along random directions (fast, bp_check_directional.h). */
typedef struct
{
  size_t directions;          /* 0: every partial; else this many directions */
  gsl_rng *rng;               /* fast: draws the directions */
  bp_example_partials *P;     /* full: one workspace per thread */
} how;

/* The analytic chain of slide 17, each step by its own function. */
typedef struct
{
  gsl_vector *dL_dy, *dL_dv, *dL_du, *dL_db, *dL_dv_fused, *u;
  gsl_matrix *J, *dL_dW, *dL_dx;
} chain;

static void
chain_free (chain *c)
{
  gsl_vector_free (c->dL_dy);
  gsl_vector_free (c->dL_dv);
  gsl_vector_free (c->dL_du);
  gsl_vector_free (c->dL_db);
  gsl_vector_free (c->dL_dv_fused);
  gsl_vector_free (c->u);
  gsl_matrix_free (c->J);
  gsl_matrix_free (c->dL_dW);
  gsl_matrix_free (c->dL_dx);
}

static int
chain_compute (const bp_example *ex, chain *c)
{
  const size_t n = ex->W->size1, m = ex->W->size2;
  c->dL_dy = gsl_vector_alloc (n);
  c->dL_dv = gsl_vector_alloc (n);
  c->dL_du = gsl_vector_alloc (m);
  c->dL_db = gsl_vector_alloc (n);
  c->dL_dv_fused = gsl_vector_alloc (n);
  c->u = gsl_vector_alloc (m);
  c->J = gsl_matrix_alloc (n, n);
  c->dL_dW = gsl_matrix_alloc (n, m);
  c->dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  if (!c->dL_dy || !c->dL_dv || !c->dL_du || !c->dL_db || !c->dL_dv_fused
      || !c->u || !c->J || !c->dL_dW || !c->dL_dx)
    return GSL_ENOMEM;
  const bp_model_workspace *w = ex->ws;
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
  gsl_vector_memcpy (c->u, w->u);
  bp_cross_entropy_grad (ex->labels, w->y, c->dL_dy);
  bp_softmax_jacobian (w->y, c->J);
  bp_softmax_backward (c->J, c->dL_dy, c->dL_dv);
  bp_linear_grad_input (ex->W, c->dL_dv, c->dL_du);
  bp_linear_grad_bias (c->dL_dv, c->dL_db);
  bp_linear_grad_weights (c->dL_dv, c->u, c->dL_dW);
  bp_reshape_inverse (c->dL_du, c->dL_dx);
  bp_softmax_cross_entropy_grad (ex->labels, w->y, c->dL_dv_fused);
  return GSL_SUCCESS;
}

static void
print_header (FILE *out, const how *h)
{
  fprintf (out, "%-6s %-28s %-30s %8s %11s %11s %11s  %s\n", "slide",
           "formula", "C function", h->directions ? "checked" : "partials",
           "max abs err", "max rel err", "GSL est err", "result");
}

static int
print_row (FILE *out, const char *slide, const char *formula,
           const char *function, const bp_check_result *r)
{
  const int pass = r->n_checked > 0 && r->n_failed == 0;
  fprintf (out, "%-6s %-28s %-30s %8zu %11.3e %11.3e %11.3e  %s\n", slide,
           formula, function, r->n_checked, r->max_abs_err, r->max_rel_err,
           r->max_est_err, pass ? "PASS" : "FAIL");
  if (!pass && r->n_checked > 0)
    fprintf (out, "       worst element [%zu,%zu]: analytic %.17g, numeric %.17g "
             "(GSL error estimate %.3e); %zu of %zu failed\n",
             r->worst_row, r->worst_col, r->worst_analytic, r->worst_numeric,
             r->worst_abserr, r->n_failed, r->n_checked);
  return pass ? 0 : 1;
}

/* Check analytic gradient `grad' of f at theta; print the row.  In full
   mode, pf (when given) is f evaluated from the point, on threads. */
static int
gradient_row (FILE *out, const char *slide, const char *formula,
              const char *function, bp_scalar_function f, bp_partial_function pf,
              const bp_example *ex, const gsl_vector *theta, const gsl_vector *grad,
              double rtol, double atol, const how *h)
{
  bp_check_result r;
  int status;
  if (h->directions)
    status = bp_check_directional_gradient (f, (void *) ex, theta, grad, h->directions,
                                            h->rng, rtol, atol, &r);
  else if (pf)
    status = bp_check_gradient_threads (pf, h->P->params, h->P->count, theta, grad,
                                        rtol, atol, &r);
  else
    status = bp_check_gradient (f, (void *) ex, theta, grad, rtol, atol, &r);
  if (status != GSL_SUCCESS && status != GSL_FAILURE)
    return -1;
  return print_row (out, slide, formula, function, &r);
}

/* The same, for a gradient held as a matrix (dL/dW, dL/dx): its elements
   row-major, the order bp_reshape gives. */
static int
matrix_gradient_row (FILE *out, const char *slide, const char *formula,
                     const char *function, bp_scalar_function f,
                     bp_partial_function pf, const bp_example *ex,
                     const gsl_matrix *theta, const gsl_matrix *grad,
                     double rtol, double atol, const how *h)
{
  const size_t k = theta->size1 * theta->size2;
  gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  int failed = -1;
  if (t && g)
    {
      bp_reshape (theta, t);
      bp_reshape (grad, g);
      failed = gradient_row (out, slide, formula, function, f, pf, ex, t, g, rtol,
                             atol, h);
    }
  gsl_vector_free (t);
  gsl_vector_free (g);
  return failed;
}

/* Slide 17 assembled by bp_model_backward must equal the chain step by step. */
static int
composed_row (FILE *out, const bp_example *ex, const chain *c)
{
  gsl_matrix *dW = gsl_matrix_alloc (ex->W->size1, ex->W->size2);
  gsl_vector *db = gsl_vector_alloc (ex->b->size);
  gsl_matrix *dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  int failed = -1;
  if (dW && db && dx
      && bp_model_backward (ex->W, ex->b, ex->x, ex->labels, dW, db, dx, NULL) == GSL_SUCCESS)
    {
      bp_check_result rW, rb, rx, all;
      bp_check_compare_matrix (dW, c->dL_dW, NULL, 0.0, 0.0, &rW);
      bp_check_compare_vector (db, c->dL_db, NULL, 0.0, 0.0, &rb);
      bp_check_compare_matrix (dx, c->dL_dx, NULL, 0.0, 0.0, &rx);
      all = rW;
      all.n_checked = rW.n_checked + rb.n_checked + rx.n_checked;
      all.n_failed = rW.n_failed + rb.n_failed + rx.n_failed;
      all.max_abs_err = fmax (rW.max_abs_err, fmax (rb.max_abs_err, rx.max_abs_err));
      all.max_rel_err = fmax (rW.max_rel_err, fmax (rb.max_rel_err, rx.max_rel_err));
      failed = print_row (out, "17", "chain = step by step", "bp_model_backward", &all);
    }
  gsl_matrix_free (dW);
  gsl_vector_free (db);
  gsl_matrix_free (dx);
  return failed;
}

static int
verify_rows (const bp_example *ex, double rtol, double atol, FILE *out, const how *h)
{
  chain c = { 0 };
  int failures = 0, f;
  if (chain_compute (ex, &c) != GSL_SUCCESS)
    {
      chain_free (&c);
      return -1;
    }
  const bp_model_workspace *w = ex->ws;
  gsl_vector *v = gsl_vector_alloc (w->n), *y = gsl_vector_alloc (w->n);
  if (!v || !y)
    failures = -1;
  else
    {
      gsl_vector_memcpy (v, w->v);
      gsl_vector_memcpy (y, w->y);
    }
  print_header (out, h);
#define ROW(call) do { if (failures >= 0) { f = (call); failures = f < 0 ? -1 : failures + f; } } while (0)
  ROW (gradient_row (out, "5", "dL/dy = -labels/y", "bp_cross_entropy_grad",
                     bp_example_loss_of_y, NULL, ex, y, c.dL_dy, rtol, atol, h));
  if (failures >= 0)
    {
      bp_check_result r;
      int s = h->directions
        ? bp_check_directional_jacobian (bp_example_softmax, NULL, v, c.J, h->directions,
                                         h->rng, rtol, atol, &r)
        : bp_check_jacobian (bp_example_softmax, NULL, v, c.J, rtol, atol, &r);
      ROW ((s == GSL_SUCCESS || s == GSL_FAILURE)
           ? print_row (out, "8", "dy/dv = y_i(1[i=j] - y_j)", "bp_softmax_jacobian", &r)
           : -1);
    }
  ROW (gradient_row (out, "6,7,9", "dL/dv = J^T dL/dy", "bp_softmax_backward",
                     bp_example_loss_of_v, NULL, ex, v, c.dL_dv, rtol, atol, h));
  ROW (gradient_row (out, "10,11", "dL/du = W^T dL/dv", "bp_linear_grad_input",
                     bp_example_loss_of_u, bp_example_partial_loss_of_u, ex, c.u,
                     c.dL_du, rtol, atol, h));
  ROW (gradient_row (out, "12", "dL/db = dL/dv", "bp_linear_grad_bias",
                     bp_example_loss_of_b, NULL, ex, ex->b, c.dL_db, rtol, atol, h));
  ROW (matrix_gradient_row (out, "13-16", "dL/dW = dL/dv u^T", "bp_linear_grad_weights",
                            bp_example_loss_of_W, bp_example_partial_loss_of_W, ex,
                            ex->W, c.dL_dW, rtol, atol, h));
  ROW (matrix_gradient_row (out, "17", "dL/dx = reshape^-1(dL/du)", "bp_reshape_inverse",
                            bp_example_loss_of_x, bp_example_partial_loss_of_x, ex,
                            ex->x, c.dL_dx, rtol, atol, h));
  ROW (composed_row (out, ex, &c));
  ROW (gradient_row (out, "-", "J^T dL/dy = y - labels", "bp_softmax_cross_entropy_grad",
                     bp_example_stable_loss_of_v, NULL, ex, v, c.dL_dv_fused, rtol,
                     atol, h));
#undef ROW
  gsl_vector_free (v);
  gsl_vector_free (y);
  chain_free (&c);
  return failures;
}

int
bp_verify_run (const bp_example *ex, double rtol, double atol, FILE *out)
{
  how h = { .P = bp_example_partials_alloc (ex, bp_check_threads ((size_t) -1)) };
  if (h.P == NULL)
    return -1;
  const int failures = verify_rows (ex, rtol, atol, out, &h);
  bp_example_partials_free (h.P);
  return failures;
}

int
bp_verify_run_fast (const bp_example *ex, size_t n_directions, gsl_rng *rng,
                    double rtol, double atol, FILE *out)
{
  if (n_directions == 0)
    return -1;
  how h = { .directions = n_directions, .rng = rng };
  return verify_rows (ex, rtol, atol, out, &h);
}
