/* verify.c -- `backprop verify': one table of rows per model, one row per
   formula (slide, formula, C function, the argument it differentiates
   with respect to, the model's loss as a function of that block, the
   analytic gradient), every row checked by bp_gradcheck, the call users
   get (bp_gradcheck.h), with the oracles and threads of verify_opts. */
#include <config.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_gradcheck.h"
#include "verify/verify.h"

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

/* --- one row: the public call, then the printed line ---------------------- */

/* A row of a table: what is printed, and which argument of the model (an
   index into the group's blocks) its gradient is taken with respect to. */
typedef struct
{
  const char *slide, *formula, *function;
  size_t arg;
} verify_row;

/* What a row's run reports: checked, errors, verdict, worst element. */
typedef struct
{
  size_t n_checked, n_failed;
  double max_abs_err, max_rel_err, max_est_err;
  bp_gradcheck_verdict verdict;
  bp_gradcheck_element worst;
  int jacobian;
} row_result;

static void
take_run (const bp_gradcheck_result *r, int directional, row_result *out)
{
  const bp_gradcheck_run *run = &r->run[0];
  out->n_checked = directional && !run->localized ? run->n_directions : run->n_checked;
  out->n_failed = run->n_failed + run->n_inconclusive;
  /* over the elements, or over the directions in the fast mode */
  out->max_abs_err = run->max_abs_err;
  out->max_rel_err = run->max_rel_err;
  out->max_est_err = run->max_est_err;
  out->verdict = run->verdict;
  out->worst = run->worst;
  out->jacobian = r->m > 0;
}

static void
print_worst (FILE *out, const char *oracle, const row_result *r)
{
  const bp_gradcheck_element *w = &r->worst;
  fprintf (out, "       worst element [%zu,%zu]: analytic %.17g, %s %.17g "
           "(GSL error estimate %.3e); %zu of %zu failed\n",
           r->jacobian ? w->output : w->row, r->jacobian ? w->row : w->col,
           w->analytic, oracle, w->numeric, w->abserr, r->n_failed, r->n_checked);
}

/* The row's line from the GSL result g and the complex-step result c,
   each read only when o selects its method; 0 when every one passes. */
static int
print_row (const verify_opts *o, const verify_row *row, const row_result *g,
           const row_result *c)
{
  const int use_g = o->method & VERIFY_GSL, use_c = o->method & VERIFY_COMPLEX_STEP;
  bp_gradcheck_verdict v = BP_GRADCHECK_PASS;
  if (use_g && g->verdict > v)
    v = g->verdict;
  if (use_c && c->verdict > v)
    v = c->verdict;
  fprintf (o->out, "%-6s %-28s %-30s %8zu", row->slide, row->formula, row->function,
           use_g ? g->n_checked : c->n_checked);
  if (use_g)
    fprintf (o->out, " %11.3e %11.3e %11.3e", g->max_abs_err, g->max_rel_err,
             g->max_est_err);
  if (use_c)
    fprintf (o->out, " %11.3e %11.3e", c->max_abs_err, c->max_rel_err);
  fprintf (o->out, "  %s\n", bp_gradcheck_verdict_name (v));
  if (use_g && g->verdict != BP_GRADCHECK_PASS)
    print_worst (o->out, "numeric", g);
  if (use_c && c->verdict != BP_GRADCHECK_PASS)
    print_worst (o->out, "complex step", c);
  return v == BP_GRADCHECK_PASS ? 0 : 1;
}

/* Rows of fewer elements run on one thread: waking another costs more
   than it saves there (W2, b2, b1 of the two-layer network, the small
   rows of the slides), much more on a busy machine.  Their callbacks
   share one scratch (the example's workspace). */
#define VERIFY_THREADS_FROM 512

/* Check f's gradient (Jacobian) with respect to theta against analytic,
   by o's oracles through bp_gradcheck; print the row.  threads: for the
   central differences of a large row, the count its callbacks have
   scratch for (the complex step and the directions run on one).
   Returns 0 (PASS), 1 (not), -1 (could not be carried out). */
static int
check_row (const verify_opts *o, const verify_row *row, const bp_gradcheck_function *f,
           const bp_gradcheck_block *theta, const bp_gradcheck_block *analytic,
           size_t threads)
{
  row_result g = { 0 }, c = { 0 };
  bp_gradcheck_options opts;
  bp_gradcheck_options_default (&opts);
  opts.k = 1;
  if (o->method & VERIFY_GSL)
    {
      bp_gradcheck_result *r = NULL;
      opts.method = o->directions ? BP_GRADCHECK_DIRECTIONAL : BP_GRADCHECK_CENTRAL;
      opts.rtol = o->rtol;
      opts.atol = o->atol;
      if (o->directions)
        {
          /* the directions continue the example's random stream */
          opts.n_directions = o->directions;
          opts.seed = gsl_rng_get (o->rng);
        }
      else
        {
          const size_t n = theta->matrix ? theta->matrix->size1 * theta->matrix->size2
            : theta->vector ? theta->vector->size : 0;
          opts.threads = n < VERIFY_THREADS_FROM ? 1 : threads;
        }
      int s = bp_gradcheck (f, 1, theta, analytic, &opts, &r);
      if (s > 0)
        return -1;
      take_run (r, o->directions != 0, &g);
      bp_gradcheck_result_free (r);
    }
  if (o->method & VERIFY_COMPLEX_STEP)
    {
      bp_gradcheck_result *r = NULL;
      opts.method = BP_GRADCHECK_COMPLEX_STEP;
      opts.rtol = o->cs_rtol;
      opts.atol = o->cs_atol;
      opts.threads = 1;
      int s = bp_gradcheck (f, 1, theta, analytic, &opts, &r);
      if (s > 0)
        return -1;
      take_run (r, 0, &c);
      bp_gradcheck_result_free (r);
    }
  return print_row (o, row, &g, &c);
}

/* Run the rows of a table; the callbacks get binding[k] for row k. */
#define ROWS(n) (sizeof (n) / sizeof (n)[0])

static void
tally (int *failures, int f)
{
  if (*failures >= 0)
    *failures = f < 0 ? -1 : *failures + f;
}

/* A point's one moved element as an index into its block's elements
   (row-major), for the partial losses; 0 at the base point. */
static size_t
moved_index (const bp_gradcheck_point *p)
{
  if (p->moved_block == BP_GRADCHECK_NONE)
    return 0;
  return p->moved_row * p->block[0]->size2 + p->moved_col;
}

/* Whether the point differs from the base in one element at most: the
   partial losses (example_partial.h, mlp_partial.h) hold there. */
static int
one_moved (const bp_gradcheck_point *p)
{
  return p->moved_block != BP_GRADCHECK_NONE || p->is_base;
}

static int
finite_or_outside (double L, double *out)
{
  *out = L;
  return isfinite (L) ? 0 : 1;
}

static int
complex_or_outside (double complex L, gsl_complex *out)
{
  GSL_SET_COMPLEX (out, creal (L), cimag (L));
  return isfinite (creal (L)) && isfinite (cimag (L)) ? 0 : 1;
}

/* --- the slides' model ----------------------------------------------------- */

/* Its arguments, in the order of the rows. */
enum { SL_Y, SL_J, SL_V, SL_U, SL_B, SL_W, SL_X, SL_V_STABLE, SL_ARGS };

/* The analytic chain of slide 17, each step by its own function, and the
   points of the rows (y, v, u as the forward pass gives them). */
typedef struct
{
  const example *ex;
  example_partials *partials;   /* one per thread, for u, W, x */
  cstep_example *cx;
  gsl_vector *y, *v, *u;
  gsl_vector *dL_dy, *dL_dv, *dL_du, *dL_db, *dL_dv_fused;
  gsl_matrix *J, *dL_dW, *dL_dx;
} slides;

typedef struct
{
  const slides *m;
  size_t arg;
} slides_binding;

static void
slides_free (slides *c)
{
  example_partials_free (c->partials);
  cstep_example_free (c->cx);
  gsl_vector_free (c->y);
  gsl_vector_free (c->v);
  gsl_vector_free (c->u);
  gsl_vector_free (c->dL_dy);
  gsl_vector_free (c->dL_dv);
  gsl_vector_free (c->dL_du);
  gsl_vector_free (c->dL_db);
  gsl_vector_free (c->dL_dv_fused);
  gsl_matrix_free (c->J);
  gsl_matrix_free (c->dL_dW);
  gsl_matrix_free (c->dL_dx);
}

static int
slides_compute (const example *ex, size_t threads, slides *c)
{
  const size_t n = ex->W->size1, m = ex->W->size2;
  c->ex = ex;
  c->partials = threads ? example_partials_alloc (ex, threads) : NULL;
  c->cx = cstep_example_alloc (ex);
  c->y = gsl_vector_alloc (n);
  c->v = gsl_vector_alloc (n);
  c->u = gsl_vector_alloc (m);
  c->dL_dy = gsl_vector_alloc (n);
  c->dL_dv = gsl_vector_alloc (n);
  c->dL_du = gsl_vector_alloc (m);
  c->dL_db = gsl_vector_alloc (n);
  c->dL_dv_fused = gsl_vector_alloc (n);
  c->J = gsl_matrix_alloc (n, n);
  c->dL_dW = gsl_matrix_alloc (n, m);
  c->dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  if ((threads && !c->partials) || !c->cx || !c->y || !c->v || !c->u || !c->dL_dy
      || !c->dL_dv || !c->dL_du || !c->dL_db || !c->dL_dv_fused || !c->J || !c->dL_dW
      || !c->dL_dx)
    return GSL_ENOMEM;
  const bp_model_workspace *w = ex->ws;
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
  gsl_vector_memcpy (c->y, w->y);
  gsl_vector_memcpy (c->v, w->v);
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

/* L as a function of the row's argument (slides 3-5); the large rows
   from the point's cache on the caller's thread (example_partial.h). */
static int
slides_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const slides_binding *b = params;
  const example *ex = b->m->ex;
  const gsl_vector *t = p->vector[0];
  void *part = b->m->partials && one_moved (p) ? b->m->partials->params[p->thread] : NULL;
  switch (b->arg)
    {
    case SL_Y: return finite_or_outside (example_loss_of_y (t, (void *) ex), L);
    case SL_V: return finite_or_outside (example_loss_of_v (t, (void *) ex), L);
    case SL_V_STABLE:
      return finite_or_outside (example_stable_loss_of_v (t, (void *) ex), L);
    case SL_B: return finite_or_outside (example_loss_of_b (t, (void *) ex), L);
    case SL_U:
      return finite_or_outside (part ? example_partial_loss_of_u (t, moved_index (p), part)
                                : example_loss_of_u (t, (void *) ex), L);
    case SL_W:
      return finite_or_outside (part ? example_partial_loss_of_W (t, moved_index (p), part)
                                : example_loss_of_W (t, (void *) ex), L);
    case SL_X:
      return finite_or_outside (part ? example_partial_loss_of_x (t, 0, part)
                                : example_loss_of_x (t, (void *) ex), L);
    default: return GSL_EINVAL;
    }
}

static int
slides_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  static double complex (*const loss[SL_ARGS]) (const gsl_vector_complex *, void *) = {
    [SL_Y] = cstep_example_loss_of_y, [SL_V] = cstep_example_loss_of_v,
    [SL_U] = cstep_example_loss_of_u, [SL_B] = cstep_example_loss_of_b,
    [SL_W] = cstep_example_loss_of_W, [SL_X] = cstep_example_loss_of_x,
    [SL_V_STABLE] = cstep_example_stable_loss_of_v,
  };
  const slides_binding *b = params;
  if (loss[b->arg] == NULL)
    return GSL_EINVAL;
  return complex_or_outside (loss[b->arg] (p->vector[0], b->m->cx), L);
}

/* y = Softmax(v), the Jacobian's row (slide 8) */
static int
slides_softmax (const bp_gradcheck_point *p, void *params, gsl_vector *y)
{
  (void) params;
  return example_softmax (p->vector[0], NULL, y);
}

static int
slides_csoftmax (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *y)
{
  (void) params;
  return cstep_example_softmax (p->vector[0], NULL, y);
}

/* Slide 17 assembled by bp_model_backward must equal the chain step by
   step, exactly: no oracle, the same comparison in every column. */
static int
composed_row (const verify_opts *o, const example *ex, const slides *c)
{
  static const verify_row row = { "17", "chain = step by step", "bp_model_backward", 0 };
  gsl_matrix *dW = gsl_matrix_alloc (ex->W->size1, ex->W->size2);
  gsl_vector *db = gsl_vector_alloc (ex->b->size);
  gsl_matrix *dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  int failed = -1;
  if (dW && db && dx
      && bp_model_backward (ex->W, ex->b, ex->x, ex->labels, dW, db, dx, NULL) == GSL_SUCCESS)
    {
      bp_check_result rW, rb, rx;
      bp_check_compare_matrix (dW, c->dL_dW, NULL, 0.0, 0.0, &rW);
      bp_check_compare_vector (db, c->dL_db, NULL, 0.0, 0.0, &rb);
      bp_check_compare_matrix (dx, c->dL_dx, NULL, 0.0, 0.0, &rx);
      row_result all = { 0 };
      all.n_checked = rW.n_checked + rb.n_checked + rx.n_checked;
      all.n_failed = rW.n_failed + rb.n_failed + rx.n_failed;
      all.max_abs_err = fmax (rW.max_abs_err, fmax (rb.max_abs_err, rx.max_abs_err));
      all.max_rel_err = fmax (rW.max_rel_err, fmax (rb.max_rel_err, rx.max_rel_err));
      all.verdict = all.n_failed ? BP_GRADCHECK_FAIL : BP_GRADCHECK_PASS;
      all.worst = (bp_gradcheck_element) { .row = rW.worst_row, .col = rW.worst_col,
                                           .analytic = rW.worst_analytic,
                                           .numeric = rW.worst_numeric };
      failed = print_row (o, &row, &all, &all);
    }
  gsl_matrix_free (dW);
  gsl_vector_free (db);
  gsl_matrix_free (dx);
  return failed;
}

int
verify_model (const example *ex, const verify_opts *o)
{
  /* the rows and their order; composed_row comes after dL/dx */
  static const verify_row rows[] = {
    {"5", "dL/dy = -labels/y", "bp_cross_entropy_grad", SL_Y},
    {"8", "dy/dv = y_i(1[i=j] - y_j)", "bp_softmax_jacobian", SL_J},
    {"6,7,9", "dL/dv = J^T dL/dy", "bp_softmax_backward", SL_V},
    {"10,11", "dL/du = W^T dL/dv", "bp_linear_grad_input", SL_U},
    {"12", "dL/db = dL/dv", "bp_linear_grad_bias", SL_B},
    {"13-16", "dL/dW = dL/dv u^T", "bp_linear_grad_weights", SL_W},
    {"17", "dL/dx = reshape^-1(dL/du)", "bp_reshape_inverse", SL_X},
    {"-", "J^T dL/dy = y - labels", "bp_softmax_cross_entropy_grad", SL_V_STABLE},
  };
  const size_t threads = !o->directions && (o->method & VERIFY_GSL)
    ? (o->threads ? o->threads : bp_check_threads ((size_t) -1)) : 0;
  slides c = { 0 };
  if (slides_compute (ex, threads, &c) != GSL_SUCCESS)
    {
      slides_free (&c);
      return -1;
    }
  const bp_gradcheck_block point[SL_ARGS] = {
    [SL_Y] = { "y", NULL, c.y }, [SL_J] = { "v", NULL, c.v }, [SL_V] = { "v", NULL, c.v },
    [SL_U] = { "u", NULL, c.u }, [SL_B] = { "b", NULL, ex->b },
    [SL_W] = { "W", ex->W, NULL }, [SL_X] = { "x", ex->x, NULL },
    [SL_V_STABLE] = { "v", NULL, c.v },
  };
  const bp_gradcheck_block analytic[SL_ARGS] = {
    [SL_Y] = { "dL/dy", NULL, c.dL_dy }, [SL_J] = { "J", c.J, NULL },
    [SL_V] = { "dL/dv", NULL, c.dL_dv }, [SL_U] = { "dL/du", NULL, c.dL_du },
    [SL_B] = { "dL/db", NULL, c.dL_db }, [SL_W] = { "dL/dW", c.dL_dW, NULL },
    [SL_X] = { "dL/dx", c.dL_dx, NULL }, [SL_V_STABLE] = { "y - labels", NULL, c.dL_dv_fused },
  };
  int failures = 0;
  for (size_t k = 0; k < ROWS (rows) && failures >= 0; k++)
    {
      const size_t arg = rows[k].arg;
      slides_binding b = { &c, arg };
      bp_gradcheck_function f = { slides_loss, NULL, 0, NULL, slides_closs, NULL, &b };
      if (arg == SL_J)
        f = (bp_gradcheck_function) { NULL, slides_softmax, ex->W->size1, NULL, NULL,
                                      slides_csoftmax, &b };
      tally (&failures, check_row (o, &rows[k], &f, &point[arg], &analytic[arg],
                                   threads));
      if (arg == SL_X)
        tally (&failures, composed_row (o, ex, &c));
    }
  slides_free (&c);
  return failures;
}

int
verify_run (const example *ex, double rtol, double atol, FILE *out)
{
  const verify_opts o = { VERIFY_GSL, rtol, atol, BP_CSTEP_RTOL, BP_CSTEP_ATOL, out,
                          0, NULL, 0 };
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
                          n_directions, rng, 0 };
  verify_header (&o);
  return verify_model (ex, &o);
}

/* --- the activations --------------------------------------------------------- */

typedef struct
{
  bp_activation act;
  activation_probe *probe;
  cstep_activation_probe *cprobe;
} activation_binding;

/* h = f(z), the Jacobian's rows, and the probe sum_i c_i f(z_i) of the
   backward step (mlp_example.h) */
static int
act_forward (const bp_gradcheck_point *p, void *params, gsl_vector *h)
{
  activation_binding *b = params;
  return example_activation (p->vector[0], &b->act, h);
}

static int
act_cforward (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *h)
{
  activation_binding *b = params;
  return cstep_example_activation (p->vector[0], &b->act, h);
}

static int
act_probe (const bp_gradcheck_point *p, void *params, double *L)
{
  activation_binding *b = params;
  return finite_or_outside (example_activation_loss (p->vector[0], b->probe), L);
}

static int
act_cprobe (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  activation_binding *b = params;
  return complex_or_outside (cstep_example_activation_loss (p->vector[0], b->cprobe), L);
}

int
verify_activations (const gsl_vector *z, const verify_opts *o)
{
  static const struct
  {
    bp_activation act;
    verify_row jac, bwd;
  } rows[] = {
    {BP_RELU, {"-", "dh/dz = diag(1[z > 0])", "bp_relu_jacobian", 0},
     {"-", "dL/dz = 1[z > 0] (.) dL/dh", "bp_relu_backward", 0}},
    {BP_SIGMOID, {"-", "dh/dz = diag(s(z)(1 - s(z)))", "bp_sigmoid_jacobian", 0},
     {"-", "dL/dz = s(1 - s) (.) dL/dh", "bp_sigmoid_backward", 0}},
    {BP_TANH, {"-", "dh/dz = diag(1 - tanh^2 z)", "bp_tanh_jacobian", 0},
     {"-", "dL/dz = sech^2 z (.) dL/dh", "bp_tanh_backward", 0}},
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
  const bp_gradcheck_block point = { "z", NULL, z };
  for (size_t k = 0; failures >= 0 && k < ROWS (rows); k++)
    {
      activation_probe probe = { rows[k].act, c, h };
      cstep_activation_probe cprobe = { rows[k].act, c, ch };
      activation_binding b = { rows[k].act, &probe, &cprobe };
      bp_activation_jacobian (rows[k].act, z, J);
      bp_activation_backward (rows[k].act, z, c, dL_dz);
      const bp_gradcheck_function jac = { NULL, act_forward, n, NULL, NULL, act_cforward, &b };
      const bp_gradcheck_function bwd = { act_probe, NULL, 0, NULL, act_cprobe, NULL, &b };
      const bp_gradcheck_block aJ = { "dh/dz", J, NULL }, ag = { "dL/dz", NULL, dL_dz };
      tally (&failures, check_row (o, &rows[k].jac, &jac, &point, &aJ, 1));
      tally (&failures, check_row (o, &rows[k].bwd, &bwd, &point, &ag, 1));
    }
  gsl_matrix_free (J);
  gsl_vector_free (c);
  gsl_vector_free (dL_dz);
  gsl_vector_free (h);
  if (ch)
    gsl_vector_complex_free (ch);
  return failures;
}

/* --- the two-layer network ------------------------------------------------ */

enum { ML_W2, ML_B2, ML_B1, ML_W1, ML_X, ML_ARGS };

typedef struct
{
  const mlp_example *ex;
  mlp_partials *partials;      /* one per thread */
  cstep_mlp_example *cx;
  size_t arg;
} mlp_binding;

/* L as a function of the row's argument; from the point's cache on the
   caller's thread (mlp_partial.h) where one element moved. */
static int
mlp_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  static double (*const full[ML_ARGS]) (const gsl_vector *, void *) = {
    mlp_example_loss_of_W2, mlp_example_loss_of_b2, mlp_example_loss_of_b1,
    mlp_example_loss_of_W1, mlp_example_loss_of_x,
  };
  static double (*const part[ML_ARGS]) (const gsl_vector *, size_t, void *) = {
    mlp_partial_loss_of_W2, mlp_partial_loss_of_b2, mlp_partial_loss_of_b1,
    mlp_partial_loss_of_W1, mlp_partial_loss_of_x,
  };
  const mlp_binding *b = params;
  if (b->partials && one_moved (p))
    return finite_or_outside (part[b->arg] (p->vector[0], moved_index (p),
                                            b->partials->params[p->thread]), L);
  return finite_or_outside (full[b->arg] (p->vector[0], (void *) b->ex), L);
}

static int
mlp_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  static double complex (*const loss[ML_ARGS]) (const gsl_vector_complex *, void *) = {
    cstep_mlp_example_loss_of_W2, cstep_mlp_example_loss_of_b2,
    cstep_mlp_example_loss_of_b1, cstep_mlp_example_loss_of_W1,
    cstep_mlp_example_loss_of_x,
  };
  const mlp_binding *b = params;
  return complex_or_outside (loss[b->arg] (p->vector[0], b->cx), L);
}

int
verify_mlp (const mlp_example *ex, const verify_opts *o)
{
  static const verify_row rows[] = {
    {"-", "dL/dW2 = (y - labels) h^T", "bp_mlp_backward", ML_W2},
    {"-", "dL/db2 = y - labels", "bp_mlp_backward", ML_B2},
    {"-", "dL/db1 = f'(z) (.) dL/dh", "bp_mlp_backward", ML_B1},
    {"-", "dL/dW1 = dL/db1 u^T", "bp_mlp_backward", ML_W1},
    {"-", "dL/dx = reshape^-1(dL/du)", "bp_mlp_backward", ML_X},
  };
  const bp_mlp *net = ex->net, *g = ex->grad;
  const size_t threads = !o->directions && (o->method & VERIFY_GSL)
    ? (o->threads ? o->threads : bp_check_threads ((size_t) -1)) : 0;
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  cstep_mlp_example *cx = cstep_mlp_example_alloc (ex);
  mlp_partials *P = threads ? mlp_partials_alloc (ex, threads) : NULL;
  int failures = (dL_dx && cx && (!threads || P)) ? 0 : -1;
  if (failures == 0
      && bp_mlp_backward (net, ex->x, ex->labels, ex->ws, ex->grad, dL_dx, NULL) != GSL_SUCCESS)
    failures = -1;
  const bp_gradcheck_block point[ML_ARGS] = {
    { "W2", net->W2, NULL }, { "b2", NULL, net->b2 }, { "b1", NULL, net->b1 },
    { "W1", net->W1, NULL }, { "x", ex->x, NULL },
  };
  const bp_gradcheck_block analytic[ML_ARGS] = {
    { "dL/dW2", g->W2, NULL }, { "dL/db2", NULL, g->b2 }, { "dL/db1", NULL, g->b1 },
    { "dL/dW1", g->W1, NULL }, { "dL/dx", dL_dx, NULL },
  };
  for (size_t k = 0; failures >= 0 && k < ROWS (rows); k++)
    {
      const size_t arg = rows[k].arg;
      mlp_binding b = { ex, P, cx, arg };
      const bp_gradcheck_function f = { mlp_loss, NULL, 0, NULL, mlp_closs, NULL, &b };
      tally (&failures, check_row (o, &rows[k], &f, &point[arg], &analytic[arg], threads));
    }
  gsl_matrix_free (dL_dx);
  cstep_mlp_example_free (cx);
  mlp_partials_free (P);
  return failures;
}
