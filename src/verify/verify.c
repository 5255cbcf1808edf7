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
#include "verify/i18n.h"
#include "verify/json.h"
#include "verify/verify.h"
#include "verify/rows.h"

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

/* Compact rows: the figures' line starts under the formula's column
   less the count's width, each figure in 9 characters (%9.2e). */
#define COMPACT_INDENT 6
#define COMPACT_FIGURE 9

/* The GSL columns are those of the first version of the report; the
   complex-step columns follow them (or replace them).  Compact: the
   figures' headings on a second line, under the slide. */
void
verify_header (const verify_opts *o)
{
  if (o->json_rows != NULL)
    return;
  /* The headings in the user's language, in columns of characters (the
     rows below them are ASCII); in English "%-6s %-28s %-30s %8s"... */
  static const struct { const char *sep, *text; int width; } cols[] = {
    {"", N_("slide"), 6}, {" ", N_("formula"), 28}, {" ", N_("C function"), 30},
  };
  static const char *const gsl_cols[] = { N_("max abs err"), N_("max rel err"),
                                          N_("GSL est err") };
  static const char *const cs_cols[] = { N_("CS abs err"), N_("CS rel err") };
  static const char *const gsl_short[] = { N_("abs err"), N_("rel err"), N_("est err") };
  static const char *const cs_short[] = { N_("CS abs"), N_("CS rel") };
  const int w = o->compact ? -COMPACT_FIGURE : -11;
  for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
    {
      fputs (cols[k].sep, o->out);
      if (o->compact && k == 2)
        {
          fprintf (o->out, "%s\n%*s", _(cols[k].text), COMPACT_INDENT, "");
          break;
        }
      print_column (o->out, _(cols[k].text), cols[k].width);
    }
  if (!o->compact)
    fputc (' ', o->out);
  print_column (o->out, o->directions ? _("checked") : _("partials"), -8);
  for (size_t k = 0; (o->method & VERIFY_GSL) && k < 3; k++)
    {
      fputc (' ', o->out);
      print_column (o->out, o->compact ? _(gsl_short[k]) : _(gsl_cols[k]), w);
    }
  for (size_t k = 0; (o->method & VERIFY_COMPLEX_STEP) && k < 2; k++)
    {
      fputc (' ', o->out);
      print_column (o->out, o->compact ? _(cs_short[k]) : _(cs_cols[k]), w);
    }
  fprintf (o->out, "  %s\n", _("result"));
}

/* bp_gradcheck_verdict_name's words, in the user's language. */
static const char *
verdict_word (bp_gradcheck_verdict v)
{
  static const char *const words[] = {
    [BP_GRADCHECK_PASS] = N_("PASS"), [BP_GRADCHECK_INCONCLUSIVE] = N_("INCONCLUSIVE"),
    [BP_GRADCHECK_FAIL] = N_("FAIL")
  };
  return (size_t) v < sizeof words / sizeof words[0] ? _(words[v]) : "?";
}

/* --- one row: the public call, then the printed line ---------------------- */

/* (verify.h) */
bp_gradcheck_element
worst_not_passed (const bp_gradcheck_result *r)
{
  const bp_gradcheck_run *run = &r->run[0];
  bp_gradcheck_element w = run->worst;
  for (int status = BP_GRADCHECK_ELEMENT_FAIL; status >= BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
       status--)
    {
      if (w.status == status)
        return w;
      double worst = -1.0;
      for (size_t k = 0; k < r->n_blocks; k++)
        {
          const bp_gradcheck_block_result *b = &run->block[k];
          for (size_t i = 0; b->mask && i < b->mask->size1; i++)
            for (size_t j = 0; j < b->mask->size2; j++)
              {
                const double a = gsl_matrix_get (b->analytic, i, j);
                const double e = gsl_matrix_get (b->numeric, i, j);
                if (gsl_matrix_uchar_get (b->mask, i, j) != status || !(fabs (a - e) > worst))
                  continue;
                worst = fabs (a - e);
                /* the mask is the block's shape, or m x (rows cols) */
                const size_t q = r->m ? j : i * b->cols + j;
                w = (bp_gradcheck_element) { .block = k, .output = r->m ? i : 0,
                  .row = q / b->cols, .col = q % b->cols, .analytic = a, .numeric = e,
                  .abserr = gsl_matrix_get (b->abserr, i, j), .status = status };
              }
        }
      if (worst >= 0.0)
        return w;
    }
  return run->worst;
}

static void
take_run (const bp_gradcheck_result *r, int directional, row_result *out)
{
  const bp_gradcheck_run *run = &r->run[0];
  out->n_checked = directional && !run->localized ? run->n_directions : run->n_checked;
  out->n_failed = run->n_failed + run->n_inconclusive;
  out->n_kinks = run->n_kinks;
  /* over the elements, or over the directions in the fast mode */
  out->max_abs_err = run->max_abs_err;
  out->max_rel_err = run->max_rel_err;
  out->max_est_err = run->max_est_err;
  out->verdict = run->verdict;
  out->worst = worst_not_passed (r);
  out->jacobian = r->m > 0;
}

static void
print_worst (const verify_opts *o, const char *oracle, const row_result *r)
{
  const bp_gradcheck_element *w = &r->worst;
  const size_t i = r->jacobian ? w->output : w->row, j = r->jacobian ? w->row : w->col;
  if (o->compact)
    fprintf (o->out, _("       worst element [%zu,%zu], %zu of %zu failed:\n"
                       "         analytic %.17g,\n"
                       "         %s %.17g (GSL error estimate %.3e)\n"),
             i, j, r->n_failed, r->n_checked, w->analytic, oracle, w->numeric, w->abserr);
  else
    fprintf (o->out, _("       worst element [%zu,%zu]: analytic %.17g, %s %.17g "
                       "(GSL error estimate %.3e); %zu of %zu failed\n"),
             i, j, w->analytic, oracle, w->numeric, w->abserr, r->n_failed, r->n_checked);
}

/* A kink is not a failure (bp_gradcheck.h); the row says how many. */
static void
print_kinks (const verify_opts *o, const char *oracle, const row_result *r)
{
  if (o->compact)
    fprintf (o->out, _("       %s: %zu of %zu elements at a kink, not failures (a tie:\n"
                       "       the one-sided derivatives differ, the analytic value "
                       "between them)\n"),
             oracle, r->n_kinks, r->n_checked);
  else
    fprintf (o->out, _("       %s: %zu of %zu elements at a kink (a tie: the one-sided "
                       "derivatives differ, the analytic value between them), not failures\n"),
             oracle, r->n_kinks, r->n_checked);
}

/* The worst element of a row that did not pass, as a JSON member. */
static void
json_worst (FILE *out, const row_result *r)
{
  const bp_gradcheck_element *w = &r->worst;
  fprintf (out, ",\"worst\":{\"index\":[%zu,%zu],\"analytic\":",
           r->jacobian ? w->output : w->row, r->jacobian ? w->row : w->col);
  json_number (out, w->analytic);
  fputs (",\"numeric\":", out);
  json_number (out, w->numeric);
  fputs (",\"est_err\":", out);
  json_number (out, w->abserr);
  fprintf (out, ",\"failed\":%zu}", r->n_failed);
}

/* An oracle's figures of a row, as a JSON member named name. */
static void
json_oracle (FILE *out, const char *name, const row_result *r, int est)
{
  fprintf (out, ",\"%s\":{\"checked\":%zu,\"max_abs_err\":", name, r->n_checked);
  json_number (out, r->max_abs_err);
  fputs (",\"max_rel_err\":", out);
  json_number (out, r->max_rel_err);
  if (est)
    {
      fputs (",\"max_est_err\":", out);
      json_number (out, r->max_est_err);
      fprintf (out, ",\"kinks\":%zu", r->n_kinks);
    }
  fprintf (out, ",\"result\":\"%s\"", bp_gradcheck_verdict_name (r->verdict));
  if (r->verdict != BP_GRADCHECK_PASS)
    json_worst (out, r);
  fputc ('}', out);
}

/* The row as a JSON object (the verdict words in English, for scripts). */
static void
json_row (const verify_opts *o, const verify_row *row, const row_result *g,
          const row_result *c, bp_gradcheck_verdict v)
{
  FILE *out = o->out;
  fputs (*o->json_rows > 0 ? ",{\"slide\":" : "{\"slide\":", out);
  json_string (out, row->slide);
  fputs (",\"formula\":", out);
  json_string (out, row->formula);
  fputs (",\"function\":", out);
  json_string (out, row->function);
  if (o->method & VERIFY_GSL)
    json_oracle (out, "gsl", g, 1);
  if (o->method & VERIFY_COMPLEX_STEP)
    json_oracle (out, "complex_step", c, 0);
  fprintf (out, ",\"result\":\"%s\"}", bp_gradcheck_verdict_name (v));
  ++*o->json_rows;
}

int
print_row (const verify_opts *o, const verify_row *row, const row_result *g,
           const row_result *c)
{
  const int use_g = o->method & VERIFY_GSL, use_c = o->method & VERIFY_COMPLEX_STEP;
  bp_gradcheck_verdict v = BP_GRADCHECK_PASS;
  if (use_g && g->verdict > v)
    v = g->verdict;
  if (use_c && c->verdict > v)
    v = c->verdict;
  if (v == BP_GRADCHECK_INCONCLUSIVE && o->inconclusive != NULL)
    ++*o->inconclusive;
  if (o->json_rows != NULL)
    {
      json_row (o, row, g, c, v);
      return v == BP_GRADCHECK_PASS ? 0 : 1;
    }
  const size_t n_checked = use_g ? g->n_checked : c->n_checked;
  if (o->compact)
    fprintf (o->out, "%-6s %-28s %s\n%*s%8zu", row->slide, row->formula, row->function,
             COMPACT_INDENT, "", n_checked);
  else
    fprintf (o->out, "%-6s %-28s %-30s %8zu", row->slide, row->formula, row->function,
             n_checked);
  const int w = o->compact ? COMPACT_FIGURE : 11, p = o->compact ? 2 : 3;
  if (use_g)
    fprintf (o->out, " %*.*e %*.*e %*.*e", w, p, g->max_abs_err, w, p, g->max_rel_err,
             w, p, g->max_est_err);
  if (use_c)
    fprintf (o->out, " %*.*e %*.*e", w, p, c->max_abs_err, w, p, c->max_rel_err);
  fprintf (o->out, "  %s\n", verdict_word (v));
  if (use_g && g->verdict != BP_GRADCHECK_PASS)
    print_worst (o, _("numeric"), g);
  if (use_c && c->verdict != BP_GRADCHECK_PASS)
    print_worst (o, _("complex step"), c);
  if (use_g && g->n_kinks > 0)
    print_kinks (o, _("numeric"), g);
  return v == BP_GRADCHECK_PASS ? 0 : 1;
}

/* Rows of fewer elements run on one thread: waking another costs more
   than it saves there (W2, b2, b1 of the two-layer network, the small
   rows of the slides), much more on a busy machine.  Their callbacks
   share one scratch (the example's workspace). */
#define VERIFY_THREADS_FROM 512

/* (rows.h) the complex step and the directions run on one thread. */
int
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

void
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

int
finite_or_outside (double L, double *out)
{
  *out = L;
  return isfinite (L) ? 0 : 1;
}

int
complex_or_outside (double complex L, gsl_complex *out)
{
  GSL_SET_COMPLEX (out, creal (L), cimag (L));
  return isfinite (creal (L)) && isfinite (cimag (L)) ? 0 : 1;
}

/* --- the slides' model ----------------------------------------------------- */

/* Its arguments, in the order of the rows: the blocks of the loss
   (example.h), and v of the Jacobian's row. */
enum { SL_J = EX_BLOCKS, SL_ARGS };



void
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

int
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

/* L as a function of the chosen block (slides 3-5); the large blocks
   from the point's cache on the caller's thread (example_partial.h). */
int
example_block_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const example_block_params *b = params;
  const gsl_vector *t = p->vector[0];
  void *part = b->partials && one_moved (p) ? b->partials->params[p->thread] : NULL;
  if (b->block >= EX_BLOCKS)
    return GSL_EINVAL;
  if (part && b->block == EX_U)
    return finite_or_outside (example_partial_loss_of_u (t, moved_index (p), part), L);
  if (part && b->block == EX_W)
    return finite_or_outside (example_partial_loss_of_W (t, moved_index (p), part), L);
  if (part && b->block == EX_X)
    return finite_or_outside (example_partial_loss_of_x (t, 0, part), L);
  return finite_or_outside (example_loss (b->ex, b->block, p->block[0]), L);
}

/* The same as a plain function of the block's elements, row-major. */
double
example_loss_of_block (const gsl_vector *theta, void *params)
{
  const example_block_params *b = params;
  const size_t cols = b->block == EX_W ? b->ex->W->size2
    : b->block == EX_X ? b->ex->x->size2 : 1;
  gsl_matrix_const_view T = gsl_matrix_const_view_vector (theta, theta->size / cols, cols);
  return example_loss (b->ex, b->block, &T.matrix);
}

int
example_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  const example_block_params *b = params;
  if (b->block >= EX_BLOCKS || b->cx == NULL)
    return GSL_EINVAL;
  return complex_or_outside (cstep_example_loss (b->cx, b->block, p->block[0]), L);
}

/* y = Softmax(v), the Jacobian's row (slide 8) */
int
example_softmax_point (const bp_gradcheck_point *p, void *params, gsl_vector *y)
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

void
verify_compare (const gsl_matrix *a, const gsl_matrix *e, double rtol, double atol,
                verify_diff *r)
{
  double worst = -1.0;
  *r = (verify_diff) { 0 };
  for (size_t i = 0; i < a->size1; i++)
    for (size_t j = 0; j < a->size2; j++)
      {
        const double x = gsl_matrix_get (a, i, j), y = gsl_matrix_get (e, i, j);
        const double d = fabs (x - y), scale = fmax (fabs (x), fabs (y));
        const int bad = isnan (d) || d > fmax (atol, rtol * scale);
        const double rank = isnan (d) ? INFINITY : d;
        r->n_checked++;
        r->n_failed += bad ? 1 : 0;
        if (rank > worst)
          {
            worst = rank;
            *r = (verify_diff) { r->n_checked, r->n_failed, i, j, x, y,
                                 r->max_abs_err, r->max_rel_err };
          }
        r->max_abs_err = fmax (r->max_abs_err, rank);
        if (scale > atol)
          r->max_rel_err = fmax (r->max_rel_err, rank / scale);
      }
}

int
compare_row (const verify_opts *o, const verify_row *row, const verify_diff *r,
             size_t n)
{
  row_result all = { 0 };
  size_t worst = 0;
  for (size_t k = 0; k < n; k++)
    {
      all.n_checked += r[k].n_checked;
      all.n_failed += r[k].n_failed;
      all.max_abs_err = fmax (all.max_abs_err, r[k].max_abs_err);
      all.max_rel_err = fmax (all.max_rel_err, r[k].max_rel_err);
      if (r[k].n_failed && !r[worst].n_failed)
        worst = k;
    }
  all.verdict = all.n_failed ? BP_GRADCHECK_FAIL : BP_GRADCHECK_PASS;
  all.worst = (bp_gradcheck_element) { .row = r[worst].worst_row, .col = r[worst].worst_col,
                                       .analytic = r[worst].worst_a,
                                       .numeric = r[worst].worst_e };
  return print_row (o, row, &all, &all);
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
      gsl_matrix_const_view db_m = gsl_matrix_const_view_vector (db, db->size, 1);
      gsl_matrix_const_view want_db = gsl_matrix_const_view_vector (c->dL_db, c->dL_db->size, 1);
      verify_diff r[3];
      verify_compare (dW, c->dL_dW, 0.0, 0.0, &r[0]);
      verify_compare (&db_m.matrix, &want_db.matrix, 0.0, 0.0, &r[1]);
      verify_compare (dx, c->dL_dx, 0.0, 0.0, &r[2]);
      failed = compare_row (o, &row, r, 3);
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
    {"5", "dL/dy = -labels/y", "bp_cross_entropy_grad", EX_Y},
    {"8", "dy/dv = y_i(1[i=j] - y_j)", "bp_softmax_jacobian", SL_J},
    {"6,7,9", "dL/dv = J^T dL/dy", "bp_softmax_backward", EX_V},
    {"11", "dL/du = W^T dL/dv", "bp_linear_grad_input", EX_U},
    {"13", "dL/db = dL/dv", "bp_linear_grad_bias", EX_B},
    {"15-16", "dL/dW = dL/dv u^T", "bp_linear_grad_weights", EX_W},
    {"3,17", "dL/dx = reshape^-1(dL/du)", "bp_reshape_inverse", EX_X},
    {"(9,17)", "J^T dL/dy = y - labels", "bp_softmax_cross_entropy_grad", EX_V_STABLE},
  };
  const size_t threads = !o->directions && (o->method & VERIFY_GSL)
    ? (o->threads ? o->threads : bp_gradcheck_threads ((size_t) -1)) : 0;
  slides c = { 0 };
  if (slides_compute (ex, threads, &c) != GSL_SUCCESS)
    {
      slides_free (&c);
      return -1;
    }
  const bp_gradcheck_block point[SL_ARGS] = {
    [EX_Y] = { "y", NULL, c.y }, [SL_J] = { "v", NULL, c.v }, [EX_V] = { "v", NULL, c.v },
    [EX_U] = { "u", NULL, c.u }, [EX_B] = { "b", NULL, ex->b },
    [EX_W] = { "W", ex->W, NULL }, [EX_X] = { "x", ex->x, NULL },
    [EX_V_STABLE] = { "v", NULL, c.v },
  };
  const bp_gradcheck_block analytic[SL_ARGS] = {
    [EX_Y] = { "dL/dy", NULL, c.dL_dy }, [SL_J] = { "J", c.J, NULL },
    [EX_V] = { "dL/dv", NULL, c.dL_dv }, [EX_U] = { "dL/du", NULL, c.dL_du },
    [EX_B] = { "dL/db", NULL, c.dL_db }, [EX_W] = { "dL/dW", c.dL_dW, NULL },
    [EX_X] = { "dL/dx", c.dL_dx, NULL }, [EX_V_STABLE] = { "y - labels", NULL, c.dL_dv_fused },
  };
  int failures = 0;
  for (size_t k = 0; k < ROWS (rows) && failures >= 0; k++)
    {
      const size_t arg = rows[k].arg;
      example_block_params b = { ex, arg, c.partials, c.cx };
      bp_gradcheck_function f = { example_block_loss, NULL, 0, NULL, example_block_closs,
                                  NULL, &b, NULL, 0 };
      if (arg == SL_J)
        f = (bp_gradcheck_function) { NULL, example_softmax_point, ex->W->size1, NULL, NULL,
                                      slides_csoftmax, &b, NULL, 0 };
      tally (&failures, check_row (o, &rows[k], &f, &point[arg], &analytic[arg],
                                   threads));
      if (arg == EX_X)
        tally (&failures, composed_row (o, ex, &c));
    }
  slides_free (&c);
  return failures;
}

int
verify_run (const example *ex, double rtol, double atol, FILE *out)
{
  const verify_opts o = { VERIFY_GSL, rtol, atol, BP_CSTEP_RTOL, BP_CSTEP_ATOL, out,
                          0, NULL, 0, 0, NULL, NULL };
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
                          n_directions, rng, 0, 0, NULL, NULL };
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
  const bp_gradcheck_block point = { .name = "z", .vector = z };
  for (size_t k = 0; failures >= 0 && k < ROWS (rows); k++)
    {
      activation_probe probe = { rows[k].act, c, h };
      cstep_activation_probe cprobe = { rows[k].act, c, ch };
      activation_binding b = { rows[k].act, &probe, &cprobe };
      bp_activation_jacobian (rows[k].act, z, J);
      bp_activation_backward (rows[k].act, z, c, dL_dz);
      const bp_gradcheck_function jac = { NULL, act_forward, n, NULL, NULL, act_cforward, &b, NULL, 0 };
      const bp_gradcheck_function bwd = { act_probe, NULL, 0, NULL, act_cprobe, NULL, &b, NULL, 0 };
      const bp_gradcheck_block aJ = { .name = "dh/dz", .matrix = J };
      const bp_gradcheck_block ag = { .name = "dL/dz", .vector = dL_dz };
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

/* L as a function of the chosen block (mlp_example_loss); from the
   point's cache on the caller's thread (mlp_partial.h) where one element
   moved. */
int
mlp_block_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  static double (*const part[MLP_BLOCKS]) (const gsl_vector *, size_t, void *) = {
    [MLP_W2] = mlp_partial_loss_of_W2, [MLP_B2] = mlp_partial_loss_of_b2,
    [MLP_B1] = mlp_partial_loss_of_b1, [MLP_W1] = mlp_partial_loss_of_W1,
    [MLP_X] = mlp_partial_loss_of_x,
  };
  const mlp_block_params *b = params;
  if (b->block >= MLP_BLOCKS)
    return GSL_EINVAL;
  if (b->partials && one_moved (p))
    return finite_or_outside (part[b->block] (p->vector[0], moved_index (p),
                                              b->partials->params[p->thread]), L);
  return finite_or_outside (mlp_example_loss (b->ex, b->block, p->block[0]), L);
}

int
mlp_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  const mlp_block_params *b = params;
  if (b->block >= MLP_BLOCKS || b->cx == NULL)
    return GSL_EINVAL;
  return complex_or_outside (cstep_mlp_example_loss (b->cx, b->block, p->block[0]), L);
}

int
verify_mlp (const mlp_example *ex, const verify_opts *o)
{
  static const verify_row rows[] = {
    {"-", "dL/dW2 = (y - labels) h^T", "bp_mlp_backward", MLP_W2},
    {"-", "dL/db2 = y - labels", "bp_mlp_backward", MLP_B2},
    {"-", "dL/db1 = f'(z) (.) dL/dh", "bp_mlp_backward", MLP_B1},
    {"-", "dL/dW1 = dL/db1 u^T", "bp_mlp_backward", MLP_W1},
    {"-", "dL/dx = reshape^-1(dL/du)", "bp_mlp_backward", MLP_X},
  };
  const mlp_chain *net = ex->net, *g = ex->grad;
  const size_t threads = !o->directions && (o->method & VERIFY_GSL)
    ? (o->threads ? o->threads : bp_gradcheck_threads ((size_t) -1)) : 0;
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  cstep_mlp_example *cx = cstep_mlp_example_alloc (ex);
  mlp_partials *P = threads ? mlp_partials_alloc (ex, threads) : NULL;
  int failures = (dL_dx && cx && (!threads || P)) ? 0 : -1;
  if (failures == 0
      && mlp_chain_backward (net, ex->x, ex->labels, ex->ws, ex->grad, dL_dx, NULL) != GSL_SUCCESS)
    failures = -1;
  const bp_gradcheck_block point[MLP_BLOCKS] = {
    { .name = "W2", .matrix = net->W2 }, { .name = "b2", .vector = net->b2 },
    { .name = "b1", .vector = net->b1 }, { .name = "W1", .matrix = net->W1 },
    { .name = "x", .matrix = ex->x },
  };
  const bp_gradcheck_block analytic[MLP_BLOCKS] = {
    { .name = "dL/dW2", .matrix = g->W2 }, { .name = "dL/db2", .vector = g->b2 },
    { .name = "dL/db1", .vector = g->b1 }, { .name = "dL/dW1", .matrix = g->W1 },
    { .name = "dL/dx", .matrix = dL_dx },
  };
  for (size_t k = 0; failures >= 0 && k < ROWS (rows); k++)
    {
      const size_t arg = rows[k].arg;
      mlp_block_params b = { ex, arg, P, cx };
      const bp_gradcheck_function f = { mlp_block_loss, NULL, 0, NULL, mlp_block_closs,
                                        NULL, &b, NULL, 0 };
      tally (&failures, check_row (o, &rows[k], &f, &point[arg], &analytic[arg], threads));
    }
  gsl_matrix_free (dL_dx);
  cstep_mlp_example_free (cx);
  mlp_partials_free (P);
  return failures;
}

/* (verify.h) */
int
verify_summary (FILE *out, int not_passed, size_t inconclusive)
{
  const unsigned long failed = (unsigned long) not_passed - inconclusive;
  fputc ('\n', out);
  if (not_passed == 0)
    fprintf (out, "%s\n", _("All formulas PASS."));
  else if (inconclusive == 0)
    fprintf (out, trn ("%lu formula FAILS.\n", "%lu formulas FAIL.\n", failed), failed);
  else if (failed == 0)
    fprintf (out, trn ("No formula FAILS; %zu is INCONCLUSIVE (not decided at "
                       "the numeric resolution).\n",
                       "No formula FAILS; %zu are INCONCLUSIVE (not decided at "
                       "the numeric resolution).\n", inconclusive),
             inconclusive);
  else
    {
      fprintf (out, trn ("%lu formula FAILS", "%lu formulas FAIL", failed), failed);
      fprintf (out, trn ("; %zu more is INCONCLUSIVE.\n", "; %zu more are INCONCLUSIVE.\n",
                         inconclusive), inconclusive);
    }
  return not_passed == 0 ? 0 : 1;
}
