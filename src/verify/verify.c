/* verify.c -- `backprop verify`: each formula of the slides checked
   against GSL's numeric differentiation, one row per formula. */
#include <config.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "verify/verify.h"

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
chain_compute (const example *ex, chain *c)
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

int
verify_method_from_name (const char *name, int *method)
{
  static const struct { const char *name; int method; } names[] = {
    {"gsl", VERIFY_GSL}, {"complex-step", VERIFY_COMPLEX_STEP},
    {"both", VERIFY_BOTH}
  };
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if (strcmp (name, names[k].name) == 0)
      {
        *method = names[k].method;
        return 0;
      }
  return -1;
}

/* The GSL columns are those of the first version of the report; the
   complex-step columns follow them (or replace them). */
void
verify_header (const verify_opts *o)
{
  fprintf (o->out, "%-6s %-28s %-30s %8s", "slide", "formula", "C function",
           o->directions ? "checked" : "partials");
  if (o->method & VERIFY_GSL)
    fprintf (o->out, " %11s %11s %11s", "max abs err", "max rel err", "GSL est err");
  if (o->method & VERIFY_COMPLEX_STEP)
    fprintf (o->out, " %11s %11s", "CS abs err", "CS rel err");
  fprintf (o->out, "  %s\n", "result");
}

static void
print_worst (FILE *out, const char *oracle, const bp_check_result *r)
{
  fprintf (out, "       worst element [%zu,%zu]: analytic %.17g, %s %.17g "
           "(GSL error estimate %.3e); %zu of %zu failed\n",
           r->worst_row, r->worst_col, r->worst_analytic, oracle, r->worst_numeric,
           r->worst_abserr, r->n_failed, r->n_checked);
}

/* One row: the GSL result g and the complex-step result c, each read
   only when o selects its method; PASS when every selected one passes. */
static int
print_row2 (const verify_opts *o, const char *slide, const char *formula,
            const char *function, const bp_check_result *g, const bp_check_result *c)
{
  const int use_g = o->method & VERIFY_GSL, use_c = o->method & VERIFY_COMPLEX_STEP;
  const int pass_g = !use_g || (g->n_checked > 0 && g->n_failed == 0);
  const int pass_c = !use_c || (c->n_checked > 0 && c->n_failed == 0);
  fprintf (o->out, "%-6s %-28s %-30s %8zu", slide, formula, function,
           use_g ? g->n_checked : c->n_checked);
  if (use_g)
    fprintf (o->out, " %11.3e %11.3e %11.3e", g->max_abs_err, g->max_rel_err,
             g->max_est_err);
  if (use_c)
    fprintf (o->out, " %11.3e %11.3e", c->max_abs_err, c->max_rel_err);
  fprintf (o->out, "  %s\n", pass_g && pass_c ? "PASS" : "FAIL");
  if (!pass_g && g->n_checked > 0)
    print_worst (o->out, "numeric", g);
  if (!pass_c && c->n_checked > 0)
    print_worst (o->out, "complex step", c);
  return pass_g && pass_c ? 0 : 1;
}

/* Rows of fewer partials run on one thread: waking another costs more
   than it saves there (W2, b2, b1 of the two-layer network), much more on
   a busy machine, where it may wait for a time slice. */
#define BP_VERIFY_THREADS_FROM 512

/* The GSL check of a gradient, as o says: along random directions (fast),
   on threads from the point's cache when pf is given (o->partials holds
   its workspaces), or partial by partial. */
static int
gsl_gradient_check (const verify_opts *o, bp_scalar_function f, void *fp,
                    bp_partial_function pf, const gsl_vector *theta,
                    const gsl_vector *grad, bp_check_result *g)
{
  if (o->directions)
    return bp_check_directional_gradient (f, fp, theta, grad, o->directions, o->rng,
                                          o->rtol, o->atol, g);
  if (pf && o->partials)
    return bp_check_gradient_threads (pf, o->partials->params, o->partials->count, theta,
                                      grad, o->rtol, o->atol, g);
  if (pf && o->mlp_partials)
    return bp_check_gradient_threads (pf, o->mlp_partials->params,
                                      theta->size < BP_VERIFY_THREADS_FROM
                                      ? 1 : o->mlp_partials->count,
                                      theta, grad, o->rtol, o->atol, g);
  return bp_check_gradient (f, fp, theta, grad, o->rtol, o->atol, g);
}

/* Check analytic gradient `grad' of f (GSL; pf: see gsl_gradient_check)
   and cf (complex step) at theta, as o selects; print the row. */
static int
gradient_row (const verify_opts *o, const char *slide, const char *formula,
              const char *function, bp_scalar_function f, void *fp,
              bp_partial_function pf, bp_cstep_function cf, void *cfp,
              const gsl_vector *theta, const gsl_vector *grad)
{
  bp_check_result g = { 0 }, c = { 0 };
  int s;
  if (o->method & VERIFY_GSL)
    {
      s = gsl_gradient_check (o, f, fp, pf, theta, grad, &g);
      if (s != GSL_SUCCESS && s != GSL_FAILURE)
        return -1;
    }
  if (o->method & VERIFY_COMPLEX_STEP)
    {
      s = bp_cstep_check_gradient (cf, cfp, theta, grad, o->cs_rtol, o->cs_atol, &c);
      if (s != GSL_SUCCESS && s != GSL_FAILURE)
        return -1;
    }
  return print_row2 (o, slide, formula, function, &g, &c);
}

/* The same, for a gradient held as a matrix (dL/dW, dL/dx): its elements
   row-major, the order bp_reshape gives. */
static int
matrix_gradient_row (const verify_opts *o, const char *slide, const char *formula,
                     const char *function, bp_scalar_function f, void *fp,
                     bp_partial_function pf, bp_cstep_function cf, void *cfp,
                     const gsl_matrix *theta, const gsl_matrix *grad)
{
  const size_t k = theta->size1 * theta->size2;
  gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
  int failed = -1;
  if (t && g)
    {
      bp_reshape (theta, t);
      bp_reshape (grad, g);
      failed = gradient_row (o, slide, formula, function, f, fp, pf, cf, cfp, t, g);
    }
  gsl_vector_free (t);
  gsl_vector_free (g);
  return failed;
}

/* A Jacobian J of f (GSL) and cf (complex step) at theta. */
static int
jacobian_row (const verify_opts *o, const char *slide, const char *formula,
              const char *function, bp_vector_function f, void *fp,
              bp_cstep_vector_function cf, void *cfp, const gsl_vector *theta,
              const gsl_matrix *J)
{
  bp_check_result g = { 0 }, c = { 0 };
  int s;
  if (o->method & VERIFY_GSL)
    {
      s = o->directions
        ? bp_check_directional_jacobian (f, fp, theta, J, o->directions, o->rng, o->rtol,
                                         o->atol, &g)
        : bp_check_jacobian (f, fp, theta, J, o->rtol, o->atol, &g);
      if (s != GSL_SUCCESS && s != GSL_FAILURE)
        return -1;
    }
  if (o->method & VERIFY_COMPLEX_STEP)
    {
      s = bp_cstep_check_jacobian (cf, cfp, theta, J, o->cs_rtol, o->cs_atol, &c);
      if (s != GSL_SUCCESS && s != GSL_FAILURE)
        return -1;
    }
  return print_row2 (o, slide, formula, function, &g, &c);
}

/* Slide 17 assembled by bp_model_backward must equal the chain step by
   step, exactly: no oracle, the same comparison in every column. */
static int
composed_row (const verify_opts *o, const example *ex, const chain *c)
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
      failed = print_row2 (o, "17", "chain = step by step", "bp_model_backward", &all, &all);
    }
  gsl_matrix_free (dW);
  gsl_vector_free (db);
  gsl_matrix_free (dx);
  return failed;
}

int
verify_run (const example *ex, double rtol, double atol, FILE *out)
{
  const verify_opts o = { VERIFY_GSL, rtol, atol, BP_CSTEP_RTOL, BP_CSTEP_ATOL, out,
                             0, NULL, NULL, NULL };
  verify_header (&o);
  return verify_model (ex, &o);
}

int
verify_run_fast (const example *ex, size_t n_directions, gsl_rng *rng,
                    double rtol, double atol, FILE *out)
{
  if (n_directions == 0)
    return -1;
  const verify_opts o = { VERIFY_GSL, rtol, atol, BP_CSTEP_RTOL, BP_CSTEP_ATOL, out,
                             n_directions, rng, NULL, NULL };
  verify_header (&o);
  return verify_model (ex, &o);
}

int
verify_model (const example *ex, const verify_opts *opts)
{
  chain c = { 0 };
  int failures = 0, f;
  /* full mode: one workspace per thread for the rows of u, W and x */
  verify_opts local = *opts;
  const verify_opts *o = &local;
  if (!local.directions && !local.partials && (local.method & VERIFY_GSL))
    local.partials = example_partials_alloc (ex, bp_check_threads ((size_t) -1));
  if (chain_compute (ex, &c) != GSL_SUCCESS
      || (!local.directions && (local.method & VERIFY_GSL) && !local.partials))
    {
      chain_free (&c);
      if (local.partials != opts->partials)
        example_partials_free (local.partials);
      return -1;
    }
  const bp_model_workspace *w = ex->ws;
  gsl_vector *v = gsl_vector_alloc (w->n), *y = gsl_vector_alloc (w->n);
  cstep_example *cx = cstep_example_alloc (ex);
  void *p = (void *) ex;
  if (!v || !y || !cx)
    failures = -1;
  else
    {
      gsl_vector_memcpy (v, w->v);
      gsl_vector_memcpy (y, w->y);
    }
#define ROW(call) do { if (failures >= 0) { f = (call); failures = f < 0 ? -1 : failures + f; } } while (0)
  ROW (gradient_row (o, "5", "dL/dy = -labels/y", "bp_cross_entropy_grad",
                     example_loss_of_y, p, NULL, cstep_example_loss_of_y, cx, y, c.dL_dy));
  ROW (jacobian_row (o, "8", "dy/dv = y_i(1[i=j] - y_j)", "bp_softmax_jacobian",
                     example_softmax, NULL, cstep_example_softmax, NULL, v, c.J));
  ROW (gradient_row (o, "6,7,9", "dL/dv = J^T dL/dy", "bp_softmax_backward",
                     example_loss_of_v, p, NULL, cstep_example_loss_of_v, cx, v, c.dL_dv));
  ROW (gradient_row (o, "10,11", "dL/du = W^T dL/dv", "bp_linear_grad_input",
                     example_loss_of_u, p, example_partial_loss_of_u,
                     cstep_example_loss_of_u, cx, c.u, c.dL_du));
  ROW (gradient_row (o, "12", "dL/db = dL/dv", "bp_linear_grad_bias",
                     example_loss_of_b, p, NULL, cstep_example_loss_of_b, cx, ex->b, c.dL_db));
  ROW (matrix_gradient_row (o, "13-16", "dL/dW = dL/dv u^T", "bp_linear_grad_weights",
                            example_loss_of_W, p, example_partial_loss_of_W,
                            cstep_example_loss_of_W, cx,
                            ex->W, c.dL_dW));
  ROW (matrix_gradient_row (o, "17", "dL/dx = reshape^-1(dL/du)", "bp_reshape_inverse",
                            example_loss_of_x, p, example_partial_loss_of_x,
                            cstep_example_loss_of_x, cx,
                            ex->x, c.dL_dx));
  ROW (composed_row (o, ex, &c));
  ROW (gradient_row (o, "-", "J^T dL/dy = y - labels", "bp_softmax_cross_entropy_grad",
                     example_stable_loss_of_v, p, NULL, cstep_example_stable_loss_of_v, cx,
                     v, c.dL_dv_fused));
#undef ROW
  gsl_vector_free (v);
  gsl_vector_free (y);
  cstep_example_free (cx);
  chain_free (&c);
  if (local.partials != opts->partials)
    example_partials_free (local.partials);
  return failures;
}

/* --- beyond the slides: the activations and the two-layer network ----- */

int
verify_activations (const gsl_vector *z, const verify_opts *o)
{
  static const struct
  {
    bp_activation act;
    const char *jac_formula, *jac_function, *bwd_formula, *bwd_function;
  } rows[] = {
    {BP_RELU, "dh/dz = diag(1[z > 0])", "bp_relu_jacobian",
     "dL/dz = 1[z > 0] (.) dL/dh", "bp_relu_backward"},
    {BP_SIGMOID, "dh/dz = diag(s(z)(1 - s(z)))", "bp_sigmoid_jacobian",
     "dL/dz = s(1 - s) (.) dL/dh", "bp_sigmoid_backward"},
    {BP_TANH, "dh/dz = diag(1 - tanh^2 z)", "bp_tanh_jacobian",
     "dL/dz = sech^2 z (.) dL/dh", "bp_tanh_backward"},
  };
  const size_t n = z->size;
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  gsl_vector *c = gsl_vector_alloc (n), *dL_dz = gsl_vector_alloc (n);
  gsl_vector *h = gsl_vector_alloc (n);
  gsl_vector_complex *ch = gsl_vector_complex_alloc (n);
  int failures = (J && c && dL_dz && h && ch) ? 0 : -1;
  /* dL/dh: a fixed, uneven weighting, c_i = 1 - 2i/n */
  for (size_t i = 0; failures == 0 && i < n; i++)
    gsl_vector_set (c, i, 1.0 - 2.0 * (double) i / (double) n);
  for (size_t k = 0; failures >= 0 && k < sizeof rows / sizeof rows[0]; k++)
    {
      bp_activation act = rows[k].act;
      activation_probe probe = { act, c, h };
      cstep_activation_probe cprobe = { act, c, ch };
      bp_activation_jacobian (act, z, J);
      bp_activation_backward (act, z, c, dL_dz);
      int f = jacobian_row (o, "-", rows[k].jac_formula, rows[k].jac_function,
                            example_activation, &act, cstep_example_activation,
                            &act, z, J);
      failures = f < 0 ? -1 : failures + f;
      if (failures < 0)
        break;
      f = gradient_row (o, "-", rows[k].bwd_formula, rows[k].bwd_function,
                        example_activation_loss, &probe, NULL,
                        cstep_example_activation_loss, &cprobe, z, dL_dz);
      failures = f < 0 ? -1 : failures + f;
    }
  gsl_matrix_free (J);
  gsl_vector_free (c);
  gsl_vector_free (dL_dz);
  gsl_vector_free (h);
  if (ch)
    gsl_vector_complex_free (ch);
  return failures;
}

int
verify_mlp (const mlp_example *ex, const verify_opts *opts)
{
  const bp_mlp *net = ex->net, *g = ex->grad;
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  cstep_mlp_example *cx = cstep_mlp_example_alloc (ex);
  /* full mode: one workspace per thread, from the point's cache */
  verify_opts local = *opts;
  const verify_opts *o = &local;
  local.partials = NULL;
  if (!local.directions && !local.mlp_partials && (local.method & VERIFY_GSL))
    local.mlp_partials = mlp_partials_alloc (ex, bp_check_threads ((size_t) -1));
  int failures = (dL_dx && cx && (local.directions || !(local.method & VERIFY_GSL)
                                  || local.mlp_partials)) ? 0 : -1;
  void *p = (void *) ex;
  if (failures == 0
      && bp_mlp_backward (net, ex->x, ex->labels, ex->ws, ex->grad, dL_dx, NULL) != GSL_SUCCESS)
    failures = -1;
  if (failures == 0)
    {
      int f;
#define MROW(call) do { if (failures >= 0) { f = (call); failures = f < 0 ? -1 : failures + f; } } while (0)
      MROW (matrix_gradient_row (o, "-", "dL/dW2 = (y - labels) h^T", "bp_mlp_backward",
                                 mlp_example_loss_of_W2, p, mlp_partial_loss_of_W2,
                                 cstep_mlp_example_loss_of_W2, cx, net->W2, g->W2));
      MROW (gradient_row (o, "-", "dL/db2 = y - labels", "bp_mlp_backward",
                          mlp_example_loss_of_b2, p, mlp_partial_loss_of_b2,
                          cstep_mlp_example_loss_of_b2, cx, net->b2, g->b2));
      MROW (gradient_row (o, "-", "dL/db1 = f'(z) (.) dL/dh", "bp_mlp_backward",
                          mlp_example_loss_of_b1, p, mlp_partial_loss_of_b1,
                          cstep_mlp_example_loss_of_b1, cx, net->b1, g->b1));
      MROW (matrix_gradient_row (o, "-", "dL/dW1 = dL/db1 u^T", "bp_mlp_backward",
                                 mlp_example_loss_of_W1, p, mlp_partial_loss_of_W1,
                                 cstep_mlp_example_loss_of_W1, cx, net->W1, g->W1));
      MROW (matrix_gradient_row (o, "-", "dL/dx = reshape^-1(dL/du)", "bp_mlp_backward",
                                 mlp_example_loss_of_x, p, mlp_partial_loss_of_x,
                                 cstep_mlp_example_loss_of_x, cx, ex->x, dL_dx));
#undef MROW
    }
  gsl_matrix_free (dL_dx);
  cstep_mlp_example_free (cx);
  if (local.mlp_partials != opts->mlp_partials)
    mlp_partials_free (local.mlp_partials);
  return failures;
}
