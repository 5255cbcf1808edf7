/* docgen.c -- the generated parts of the derivations; see docgen.h.

   Every number written here comes from running the library.  Numbers
   that are exact functions of the inputs (the worked examples: softmax,
   products, sums) are printed to 6 decimals, which every IEEE machine
   reproduces.  Errors of numeric differentiation are rounding noise and
   differ in their last digits between libm builds and CPUs, so they are
   printed only as the power of ten above them ("below 1e-10"). */
#define _POSIX_C_SOURCE 200809L   /* open_memstream, strndup; NOLINT(bugprone-reserved-identifier) */
#include <config.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "verify/example.h"
#include "verify/verify.h"
#include <gsl/gsl_nan.h>
#include "lib/cmplx.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_gradcheck.h"
#include "lib/formulas/cnn_chain.h"
#include "lib/net/net.h"
#include "docgen.h"

/* --- formatting ----------------------------------------------------- */

/* A number of a worked example; NaN and infinities spelled the same on
   every C library (glibc would print "-nan"). */
static void
num (FILE *out, double x)
{
  if (isnan (x))
    fprintf (out, " %10s", "NaN");
  else if (isinf (x))
    fprintf (out, " %10s", x > 0 ? "inf" : "-inf");
  else
    fprintf (out, " %10.6f", x == 0.0 ? 0.0 : x);   /* no "-0.000000" */
}

/* The power of ten above x >= 0 as "1e-10", or "0". */
static const char *
bound (double x, char buf[16])
{
  if (isnan (x))
    snprintf (buf, 16, "NaN");
  else if (x == 0.0)
    snprintf (buf, 16, "0");
  else
    snprintf (buf, 16, "1e%d", (int) floor (log10 (x)) + 1);
  return buf;
}

static void
vec (FILE *out, const char *label, const gsl_vector *x)
{
  fprintf (out, "%s(", label);
  for (size_t i = 0; i < x->size; i++)
    num (out, gsl_vector_get (x, i));
  fputs (" )\n", out);
}

static void
mat (FILE *out, const char *label, const gsl_matrix *A)
{
  if (label)
    fprintf (out, "%s\n", label);
  for (size_t i = 0; i < A->size1; i++)
    {
      fputs ("   ", out);
      for (size_t j = 0; j < A->size2; j++)
        num (out, gsl_matrix_get (A, i, j));
      fputc ('\n', out);
    }
}

/* A writer starts each value with key (out, "name"); what it writes
   before the first is the value "text" (see docgen.h). */
#define KEY_MARK '\x1e'

static void
key (FILE *out, const char *name)
{
  fprintf (out, "%c%s\n", KEY_MARK, name);
}

/* --- the small example ---------------------------------------------- */

/* 3 classes, a 2x2 image (4 inputs): small enough to print, chosen by
   hand so that every value differs. */
enum { N = 3, ROWS = 2, COLS = 2, M = ROWS * COLS };
static const double W_[N][M] = { { 0.5, -0.2, 0.1, 0.3 },
                                 { -0.4, 0.6, 0.2, -0.1 },
                                 { 0.1, 0.1, -0.3, 0.2 } };
static const double b_[N] = { 0.1, 0.0, -0.1 };
static const double x_[ROWS][COLS] = { { 0.0, 0.8 }, { 0.4, 1.0 } };
static const double labels_[N] = { 0.1, 0.7, 0.2 };

/* The example and every value of its forward and backward pass, each
   computed by the function the documents name: src/verify's chain of the
   slides (slides_compute), bp_model_backward's results, and `backprop
   verify''s table on its default example. */
typedef struct
{
  example *ex;
  slides sl;                 /* u v y dL_dy J dL_dv dL_du dL_db dL_dW dL_dx */
  double L, L_model;
  gsl_matrix *mW, *mx;       /* bp_model_backward's results */
  gsl_vector *mb;
  example *seeded;           /* the default example of `backprop verify' (seed 1) */
  char *table;               /* what verify prints on it */
} context;

/* The example of slides_compute (n classes, rows x cols image) drawn
   from mt19937 at seed, as `backprop verify' draws its default one. */
static example *
seeded_example (size_t n, size_t rows, size_t cols, unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    return NULL;
  gsl_rng_set (rng, seed);
  example *ex = example_alloc (n, rows, cols, 0.05, LABELS_SOFT, rng);
  gsl_rng_free (rng);
  return ex;
}

/* The small example: a seeded example of the small sizes, its values
   replaced by the hand-chosen ones. */
static example *
small_example (void)
{
  example *ex = seeded_example (N, ROWS, COLS, 1);
  if (ex == NULL)
    return NULL;
  gsl_matrix_const_view W = gsl_matrix_const_view_array (&W_[0][0], N, M);
  gsl_matrix_const_view x = gsl_matrix_const_view_array (&x_[0][0], ROWS, COLS);
  gsl_vector_const_view b = gsl_vector_const_view_array (b_, N);
  gsl_vector_const_view l = gsl_vector_const_view_array (labels_, N);
  gsl_matrix_memcpy (ex->W, &W.matrix);
  gsl_matrix_memcpy (ex->x, &x.matrix);
  gsl_vector_memcpy (ex->b, &b.vector);
  gsl_vector_memcpy (ex->labels, &l.vector);
  return ex;
}

static void
context_free (context *c)
{
  slides_free (&c->sl);
  example_free (c->ex);
  gsl_vector_free (c->mb);
  gsl_matrix_free (c->mW);
  gsl_matrix_free (c->mx);
  free (c->table);
  example_free (c->seeded);
}

/* The table `backprop verify' prints on ex. */
static char *
verify_table (const example *ex)
{
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  int failures = -1;
  if (ex != NULL && out != NULL)
    failures = verify_run (ex, BP_CHECK_RTOL, BP_CHECK_ATOL, out);
  if (out != NULL)
    fclose (out);
  if (failures < 0)
    {
      free (text);
      return NULL;
    }
  return text;
}

static int
context_init (context *c)
{
  *c = (context) { 0 };
  c->ex = small_example ();
  c->mb = gsl_vector_alloc (N);
  c->mW = gsl_matrix_alloc (N, M);
  c->mx = gsl_matrix_alloc (ROWS, COLS);
  c->seeded = seeded_example (10, 28, 28, 1);
  c->table = verify_table (c->seeded);
  if (!c->ex || !c->mb || !c->mW || !c->mx || !c->table
      || slides_compute (c->ex, 0, &c->sl) != GSL_SUCCESS)
    return -1;
  const example *ex = c->ex;
  c->L = bp_cross_entropy (ex->labels, c->sl.y);
  return bp_model_backward (ex->W, ex->b, ex->x, ex->labels, c->mW, c->mb, c->mx,
                            &c->L_model) == GSL_SUCCESS ? 0 : -1;
}

/* One row of the verify table, found by its C function. */
typedef struct
{
  unsigned long partials;
  double abs_err, rel_err, est_err;
  int pass;
} verify_row;

static int
find_row (const char *table, const char *function, verify_row *row)
{
  const size_t len = strlen (function);
  for (const char *p = table; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : p)
    {
      const char *f = strstr (p, function);
      const char *eol = strchr (p, '\n');
      if (f == NULL || (eol && f > eol) || f[len] != ' ' || f[-1] != ' ')
        continue;
      char result[8];
      if (sscanf (f + len, "%lu %lf %lf %lf %7s", &row->partials, &row->abs_err,
                  &row->rel_err, &row->est_err, result) == 5)
        {
          row->pass = strcmp (result, "PASS") == 0;
          return 0;
        }
    }
  return -1;
}

/* --- the blocks, in document order ---------------------------------- */

#define CODE_BEGIN "```text\n"
#define CODE_END "```\n"

/* The numeric gradient of f at theta (a vector; vloss: the Jacobian)
   by bp_gradcheck's central differences into e and its estimates into
   err; *n_checked and *n_failed (may be NULL) from a check against a.
   0, or -1 when the check could not be carried out. */
static int
numeric_of (const bp_gradcheck_function *f, const gsl_vector *theta, const gsl_matrix *a,
            gsl_matrix *e, gsl_matrix *err, size_t *n_checked, size_t *n_failed)
{
  const bp_gradcheck_block t = { .name = "theta", .vector = theta };
  const bp_gradcheck_block g = { .name = "analytic", .matrix = a };
  bp_gradcheck_result *r = NULL;
  if (bp_gradcheck (f, 1, &t, &g, NULL, &r) > 0)
    return -1;
  gsl_matrix_memcpy (e, r->run[0].block[0].numeric);
  gsl_matrix_memcpy (err, r->run[0].block[0].abserr);
  if (n_checked)
    *n_checked = r->run[0].n_checked;
  if (n_failed)
    *n_failed = r->run[0].n_failed;
  bp_gradcheck_result_free (r);
  return 0;
}

static int
b00_example (FILE *out, const context *c)
{
  /* The checker at the small example: f(v) = L(Softmax(v)), theta = v,
     the analytic gradient J^T dL/dy of the slides. */
  gsl_vector *e = gsl_vector_alloc (N), *err = gsl_vector_alloc (N);
  size_t n_checked = 0, n_failed = 0;
  char b1[16], b2[16];
  const bp_gradcheck_function f = { .loss = example_block_loss,
                                    .params = EXAMPLE_BLOCK (c->ex, EX_V) };
  gsl_matrix_view em = e ? gsl_matrix_view_vector (e, N, 1) : (gsl_matrix_view) { { 0 } };
  gsl_matrix_view errm = err ? gsl_matrix_view_vector (err, N, 1) : (gsl_matrix_view) { { 0 } };
  gsl_matrix_const_view am = gsl_matrix_const_view_vector (c->sl.dL_dv, N, 1);
  if (!e || !err
      || numeric_of (&f, c->sl.v, &am.matrix, &em.matrix, &errm.matrix, &n_checked, &n_failed))
    {
      gsl_vector_free (e);
      gsl_vector_free (err);
      return -1;
    }
  /* row k: its numbers {rk}, then its verdict by (0.3) as three flags,
     {okk} PASS, {unk} INCONCLUSIVE, {nok} FAIL, which each edition's
     template words */
  for (size_t k = 0; k < N; k++)
    {
      const double a = gsl_vector_get (c->sl.dL_dv, k), ek = gsl_vector_get (e, k);
      const double ak = gsl_vector_get (err, k);
      const double tol = fmax (BP_CHECK_ATOL, BP_CHECK_RTOL * fmax (fabs (a), fabs (ek)));
      const int pass = fabs (a - ek) <= tol;
      const int unsure = !pass && fabs (a - ek) <= tol + 2.0 * ak;
      char name[8];
      snprintf (name, sizeof name, "r%zu", k + 1);
      key (out, name);
      fprintf (out, " %zu", k + 1);
      num (out, gsl_vector_get (c->sl.v, k));
      num (out, a);
      num (out, ek);
      char d1[20], d2[20];
      snprintf (d1, sizeof d1, a == ek ? "%s" : "< %s", bound (fabs (a - ek), b1));
      snprintf (d2, sizeof d2, ak == 0.0 ? "%s" : "< %s", bound (ak, b2));
      fprintf (out, "   %-11s  %-9s  \n", d1, d2);
      snprintf (name, sizeof name, "ok%zu", k + 1);
      key (out, name);
      fprintf (out, "%d\n", pass);
      snprintf (name, sizeof name, "un%zu", k + 1);
      key (out, name);
      fprintf (out, "%d\n", unsure);
      snprintf (name, sizeof name, "no%zu", k + 1);
      key (out, name);
      fprintf (out, "%d\n", !pass && !unsure);
    }
  key (out, "checked");
  fprintf (out, "%zu\n", n_checked);
  key (out, "failed");
  fprintf (out, "%zu\n", n_failed);
  gsl_vector_free (e);
  gsl_vector_free (err);
  return 0;
}

static int
b00_default (FILE *out, const context *c)
{
  static const char *const functions[] = {
    "bp_cross_entropy_grad", "bp_softmax_jacobian", "bp_softmax_backward",
    "bp_linear_grad_input", "bp_linear_grad_bias", "bp_linear_grad_weights",
    "bp_reshape_inverse", "bp_model_backward", "bp_softmax_cross_entropy_grad"
  };
  char b1[16], b2[16];
  /* row k: {rk}, then {okk} (PASS or FAIL), which each edition's template
     words */
  for (size_t k = 0; k < sizeof functions / sizeof functions[0]; k++)
    {
      verify_row r;
      if (find_row (c->table, functions[k], &r) != 0)
        return -1;
      char e1[20], e2[20], name[8];
      snprintf (e1, sizeof e1, "< %s", bound (r.abs_err, b1));
      snprintf (e2, sizeof e2, "< %s", bound (r.est_err, b2));
      snprintf (name, sizeof name, "r%zu", k + 1);
      key (out, name);
      fprintf (out, "%-30s %8lu %12s %12s  \n", functions[k], r.partials,
               r.abs_err == 0.0 ? "0" : e1, r.est_err == 0.0 ? "-" : e2);
      snprintf (name, sizeof name, "ok%zu", k + 1);
      key (out, name);
      fprintf (out, "%d\n", r.pass);
    }
  return 0;
}

/* The small example's loss of its three blocks W, b, x (bp_model_forward) */
static int
b00_model_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  example *ex = params;
  *L = bp_model_forward (p->block[0], p->vector[1], p->block[2], ex->labels, ex->ws);
  return 0;
}

/* Row v's hints, the central run's over the three blocks, as values that
   each edition's template words: {hnv} 1 when there is none, {hsv} 1 for
   the sign, {hfv} the factor c, {hxv} the shift, {hov} the one wrong
   element's (row,col); empty when absent.  -1 for another hint or two in
   a row: the templates have no words for them. */
static int
hint_values (FILE *out, const bp_gradcheck_run *run, size_t v)
{
  const unsigned worded = BP_GRADCHECK_HINT_SIGN | BP_GRADCHECK_HINT_FACTOR
                          | BP_GRADCHECK_HINT_SHIFT | BP_GRADCHECK_HINT_ONE;
  char sign[2] = "", factor[16] = "", shift[24] = "", one[48] = "", name[8];
  unsigned any = 0;
  for (size_t k = 0; k < 3; k++)
    {
      const bp_gradcheck_block_result *b = &run->block[k];
      if ((b->hints & ~worded) || (any && b->hints))
        return -1;
      any |= b->hints;
      if (b->hints & BP_GRADCHECK_HINT_SIGN)
        strcpy (sign, "1");
      if (b->hints & BP_GRADCHECK_HINT_FACTOR)
        snprintf (factor, sizeof factor, "%.3g", b->factor);
      if (b->hints & BP_GRADCHECK_HINT_SHIFT)
        snprintf (shift, sizeof shift, "%+ld", b->shift);
      if (b->hints & BP_GRADCHECK_HINT_ONE)
        snprintf (one, sizeof one, "(%zu,%zu)", b->worst[0].row, b->worst[0].col);
    }
  if (any & (any - 1))
    return -1;
  static const char *const keys[] = { "hn", "hs", "hf", "hx", "ho" };
  const char *const values[] = { any ? "0" : "1", sign, factor, shift, one };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    {
      snprintf (name, sizeof name, "%s%zu", keys[i], v + 1);
      key (out, name);
      fprintf (out, "%s\n", values[i]);
    }
  return 0;
}

static int
b00_teeth (FILE *out, const context *c)
{
  /* bp_gradcheck of the small example's W, b, x against its right
     gradients and four wrong ones, by central differences and the Taylor
     test: the verdicts, the failing elements, the hints, the slopes */
  enum { N_TEETH = 5 };   /* right; dL/db's sign; dL/dW / 2; dL/dx shifted; one off */
  bp_gradcheck_function f = { .loss = b00_model_loss, .params = c->ex };
  const bp_gradcheck_block blocks[] = {
    { .name = "W", .matrix = c->ex->W }, { .name = "b", .vector = c->ex->b },
    { .name = "x", .matrix = c->ex->x } };
  gsl_matrix *dW = gsl_matrix_alloc (N, M), *dx = gsl_matrix_alloc (ROWS, COLS);
  gsl_vector *db = gsl_vector_alloc (N);
  if (!dW || !dx || !db)
    return -1;
  const bp_gradcheck_block grads[] = { { .matrix = dW }, { .vector = db }, { .matrix = dx } };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_CENTRAL | BP_GRADCHECK_TAYLOR;
  int status = 0;
  for (size_t v = 0; v < N_TEETH && status == 0; v++)
    {
      gsl_matrix_memcpy (dW, c->sl.dL_dW);
      gsl_vector_memcpy (db, c->sl.dL_db);
      gsl_matrix_memcpy (dx, c->sl.dL_dx);
      if (v == 1)
        gsl_vector_scale (db, -1.0);
      else if (v == 2)
        gsl_matrix_scale (dW, 0.5);
      else if (v == 3)
        {
          const double first = dx->data[0];
          for (size_t k = 0; k + 1 < M; k++)
            dx->data[k] = dx->data[k + 1];
          dx->data[M - 1] = first;
        }
      else if (v == 4)
        *gsl_matrix_ptr (dW, 1, 2) += 1e-4;
      bp_gradcheck_result *r = NULL;
      if (bp_gradcheck (&f, 3, blocks, grads, &o, &r) > 0)
        {
          status = -1;
          break;
        }
      char failing[64] = "-", name[8];
      size_t at = 0;
      for (size_t k = 0; k < 3; k++)
        {
          const bp_gradcheck_block_result *b = &r->run[0].block[k];
          if (b->n_failed && at < sizeof failing)
            at += (size_t) snprintf (failing + at, sizeof failing - at, "%s%s %zu/%zu",
                                     at ? ", " : "", b->name, b->n_failed, b->n_checked);
        }
      /* row v: the central run's verdict as flags {cNv} (N = p PASS,
         u INCONCLUSIVE, f FAIL), {rv} the failing elements and the slope,
         the Taylor run's verdict as flags {tNv}; each edition's template
         words the verdicts */
      static const char flag[] = { 'p', 'u', 'f' };
      static const bp_gradcheck_verdict verdicts[] = {
        BP_GRADCHECK_PASS, BP_GRADCHECK_INCONCLUSIVE, BP_GRADCHECK_FAIL };
      for (size_t q = 0; q < 3; q++)
        {
          snprintf (name, sizeof name, "c%c%zu", flag[q], v + 1);
          key (out, name);
          fprintf (out, "%d\n", r->run[0].verdict == verdicts[q]);
        }
      snprintf (name, sizeof name, "r%zu", v + 1);
      key (out, name);
      fprintf (out, "%-22s %.1f\n", failing, r->run[1].slope);
      for (size_t q = 0; q < 3; q++)
        {
          snprintf (name, sizeof name, "t%c%zu", flag[q], v + 1);
          key (out, name);
          fprintf (out, "%d\n", r->run[1].verdict == verdicts[q]);
        }
      if (hint_values (out, &r->run[0], v) != 0)
        status = -1;
      bp_gradcheck_result_free (r);
    }
  gsl_matrix_free (dW);
  gsl_matrix_free (dx);
  gsl_vector_free (db);
  return status;
}

static int
b01_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  mat (out, "x (2x2) =", c->ex->x);
  vec (out, "u = reshape(x)    = ", c->sl.u);
  mat (out, "W (3x4) =", c->ex->W);
  vec (out, "b                 = ", c->ex->b);
  vec (out, "v = W u + b       = ", c->sl.v);
  vec (out, "y = Softmax(v)    = ", c->sl.y);
  vec (out, "labels            = ", c->ex->labels);
  fputs ("L = -sum labels_i log y_i =", out);
  num (out, c->L);
  fputs ("\n", out);
  fputs (CODE_END, out);
  return 0;
}

static int
b01_default (FILE *out, const context *c)
{
  example *ex = c->seeded;
  const double L = bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
  const double Ls = bp_softmax_cross_entropy (ex->labels, ex->ws->v);
  key (out, "L");
  fprintf (out, "%.6f\n", L);
  key (out, "Ls");
  fprintf (out, "%.6f\n", Ls);
  return 0;
}

static int
b02_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  vec (out, "y                  = ", c->sl.y);
  vec (out, "labels             = ", c->ex->labels);
  vec (out, "dL/dy = -labels/y  = ", c->sl.dL_dy);
  fputs ("\n", out);
  for (size_t i = 0; i < N; i++)
    fprintf (out, "dL/dy_%zu = -%.6f / %.6f = %.6f\n", i + 1,
             gsl_vector_get (c->ex->labels, i), gsl_vector_get (c->sl.y, i),
             gsl_vector_get (c->sl.dL_dy, i));
  fputs (CODE_END, out);
  return 0;
}

static int
b03_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  mat (out, "J = dy/dv, J_ij = dy_i/dv_j =", c->sl.J);
  vec (out, "dL/dy          = ", c->sl.dL_dy);
  vec (out, "dL/dv = J^T dL/dy = ", c->sl.dL_dv);
  fputs ("\n", out);
  for (size_t j = 0; j < N; j++)
    {
      fprintf (out, "dL/dv_%zu =", j + 1);
      for (size_t i = 0; i < N; i++)
        fprintf (out, "%s (%.6f)(%.6f)", i ? " +" : "", gsl_matrix_get (c->sl.J, i, j),
                 gsl_vector_get (c->sl.dL_dy, i));
      fprintf (out, " = %.6f\n", gsl_vector_get (c->sl.dL_dv, j));
    }
  fputs (CODE_END, out);
  return 0;
}

static int
b04_example (FILE *out, const context *c)
{
  gsl_matrix *Jn = gsl_matrix_alloc (N, N), *err = gsl_matrix_alloc (N, N);
  char b1[16];
  const bp_gradcheck_function f = { .vloss = example_softmax_point, .m = N };
  if (!Jn || !err || numeric_of (&f, c->sl.v, c->sl.J, Jn, err, NULL, NULL))
    {
      gsl_matrix_free (Jn);
      gsl_matrix_free (err);
      return -1;
    }
  double asym = 0.0, diff = 0.0;
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++)
      {
        asym = fmax (asym, fabs (gsl_matrix_get (c->sl.J, i, j) - gsl_matrix_get (c->sl.J, j, i)));
        diff = fmax (diff, fabs (gsl_matrix_get (c->sl.J, i, j) - gsl_matrix_get (Jn, i, j)));
      }
  key (out, "J");
  vec (out, "v              = ", c->sl.v);
  vec (out, "y = Softmax(v) = ", c->sl.y);
  mat (out, "J = bp_softmax_jacobian (y), J_ij = y_i (1[i=j] - y_j) =", c->sl.J);
  key (out, "numeric");
  mat (out, NULL, Jn);
  key (out, "diff");
  fprintf (out, "%s\n", bound (diff, b1));
  key (out, "asym");
  fprintf (out, "%s\n", bound (asym, b1));
  gsl_matrix_free (Jn);
  gsl_matrix_free (err);
  return 0;
}

static int
b05_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  mat (out, "W (3x4) =", c->ex->W);
  vec (out, "dL/dv             = ", c->sl.dL_dv);
  vec (out, "dL/du = W^T dL/dv = ", c->sl.dL_du);
  fputs ("\n", out);
  for (size_t j = 0; j < M; j++)
    {
      fprintf (out, "dL/du_%zu =", j + 1);
      for (size_t i = 0; i < N; i++)
        fprintf (out, "%s (%.6f)(%.6f)", i ? " +" : "", gsl_matrix_get (c->ex->W, i, j),
                 gsl_vector_get (c->sl.dL_dv, i));
      fprintf (out, " = %.6f\n", gsl_vector_get (c->sl.dL_du, j));
    }
  fputs (CODE_END, out);
  return 0;
}

static int
b06_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  vec (out, "dL/dv         = ", c->sl.dL_dv);
  vec (out, "dL/db = dL/dv = ", c->sl.dL_db);
  fputs (CODE_END, out);
  return 0;
}

static int
b07_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  vec (out, "dL/dv = ", c->sl.dL_dv);
  vec (out, "u     = ", c->sl.u);
  mat (out, "dL/dW = dL/dv u^T (3x4) =", c->sl.dL_dW);
  fprintf (out, "\ndL/dw_{2,3} = dL/dv_2 u_3 = (%.6f)(%.6f) = %.6f\n",
           gsl_vector_get (c->sl.dL_dv, 1), gsl_vector_get (c->sl.u, 2),
           gsl_matrix_get (c->sl.dL_dW, 1, 2));
  fputs (CODE_END, out);
  return 0;
}

static int
b08_example (FILE *out, const context *c)
{
  fputs (CODE_BEGIN, out);
  mat (out, "x (2x2) =", c->ex->x);
  vec (out, "u = reshape(x) = ", c->sl.u);
  vec (out, "dL/du          = ", c->sl.dL_du);
  mat (out, "dL/dx = reshape^-1(dL/du) (2x2) =", c->sl.dL_dx);
  fputs (CODE_END, out);
  return 0;
}

static int
b09_example (FILE *out, const context *c)
{
  verify_diff rW, rb, rx;
  gsl_matrix_const_view mb = gsl_matrix_const_view_vector (c->mb, c->mb->size, 1);
  gsl_matrix_const_view db = gsl_matrix_const_view_vector (c->sl.dL_db, c->sl.dL_db->size, 1);
  verify_compare (c->mW, c->sl.dL_dW, 0.0, 0.0, &rW);
  verify_compare (&mb.matrix, &db.matrix, 0.0, 0.0, &rb);
  verify_compare (c->mx, c->sl.dL_dx, 0.0, 0.0, &rx);
  const double d = fmax (rW.max_abs_err, fmax (rb.max_abs_err, rx.max_abs_err));
  char b1[16];
  key (out, "grads");
  fputs ("L =", out);
  num (out, c->L_model);
  fputs ("\n", out);
  mat (out, "dL/dW =", c->mW);
  vec (out, "dL/db = ", c->mb);
  mat (out, "dL/dx =", c->mx);
  key (out, "diff");
  fprintf (out, "%s\n", bound (d, b1));
  return 0;
}

static int
b10_example (FILE *out, const context *c)
{
  gsl_vector *d = gsl_vector_alloc (N);
  if (d == NULL)
    return -1;
  gsl_vector_memcpy (d, c->sl.dL_dv);
  gsl_vector_sub (d, c->sl.dL_dv_fused);
  const double dmax = fmax (fabs (gsl_vector_max (d)), fabs (gsl_vector_min (d)));
  key (out, "vectors");
  vec (out, "y          = ", c->sl.y);
  vec (out, "labels     = ", c->ex->labels);
  vec (out, "J^T dL/dy  = ", c->sl.dL_dv);
  vec (out, "y - labels = ", c->sl.dL_dv_fused);
  key (out, "equal");
  fprintf (out, "%d\n", dmax < 1e-12);
  gsl_vector_free (d);
  return 0;
}

/* The same labels at logits far apart: y_2 and y_3 underflow to 0. */
static int
b10_stability (FILE *out, const context *c)
{
  gsl_vector *v = gsl_vector_alloc (N), *y = gsl_vector_alloc (N);
  gsl_vector *g = gsl_vector_alloc (N), *dv = gsl_vector_alloc (N);
  gsl_vector *f = gsl_vector_alloc (N);
  gsl_matrix *J = gsl_matrix_alloc (N, N);
  int s = -1;
  if (v && y && g && dv && f && J)
    {
      gsl_vector_set (v, 0, 800.0);
      gsl_vector_set (v, 1, 0.0);
      gsl_vector_set (v, 2, -800.0);
      const gsl_vector *l = c->ex->labels;
      s = bp_softmax (v, y);
      const double L = bp_cross_entropy (l, y);
      const double Ls = bp_softmax_cross_entropy (l, v);
      s |= bp_cross_entropy_grad (l, y, g);
      s |= bp_softmax_jacobian (y, J);
      s |= bp_softmax_backward (J, g, dv);
      s |= bp_softmax_cross_entropy_grad (l, y, f);
      key (out, "input");
      vec (out, "v                 = ", v);
      vec (out, "y = Softmax(v)    = ", y);
      vec (out, "labels            = ", l);
      key (out, "slides");
      fputs ("  L = -sum labels_i log y_i = ", out);
      num (out, L);
      fputs ("\n", out);
      vec (out, "  dL/dy = -labels/y = ", g);
      vec (out, "  J^T dL/dy         = ", dv);
      key (out, "simplified");
      fputs ("  L = log sum e^v_k - sum labels_i v_i = ", out);
      num (out, Ls);
      fputs ("\n", out);
      vec (out, "  y - labels        = ", f);
    }
  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (g);
  gsl_vector_free (dv);
  gsl_vector_free (f);
  gsl_matrix_free (J);
  return s == GSL_SUCCESS ? 0 : -1;
}

/* 11: each activation on a few pre-activations, one of them exactly 0
   (ReLU's convention), its Jacobian's diagonal and its backward step;
   the backward step equals J^T dL/dh (bp_softmax_backward computes J^T g
   for any square J) exactly. */
enum { NZ = 5 };
static const double z_[NZ] = { -1.5, -0.2, 0.0, 0.7, 2.0 };
static const double dL_dh_[NZ] = { 0.3, -0.5, 0.2, 0.1, -0.4 };

static int
b11_example (FILE *out, const context *c)
{
  (void) c;
  gsl_vector *z = gsl_vector_alloc (NZ), *g = gsl_vector_alloc (NZ);
  gsl_vector *h = gsl_vector_alloc (NZ), *dz = gsl_vector_alloc (NZ);
  gsl_vector *jt = gsl_vector_alloc (NZ);
  gsl_matrix *J = gsl_matrix_alloc (NZ, NZ);
  int s = (z && g && h && dz && jt && J) ? GSL_SUCCESS : GSL_ENOMEM;
  if (s == GSL_SUCCESS)
    {
      for (size_t i = 0; i < NZ; i++)
        {
          gsl_vector_set (z, i, z_[i]);
          gsl_vector_set (g, i, dL_dh_[i]);
        }
      key (out, "values");
      vec (out, "z             = ", z);
      vec (out, "dL/da         = ", g);
    }
  static const bp_activation acts[] = { BP_RELU, BP_SIGMOID, BP_TANH };
  double diff = 0.0;
  for (size_t k = 0; s == GSL_SUCCESS && k < sizeof acts / sizeof acts[0]; k++)
    {
      s = bp_activation_forward (acts[k], z, h);
      s |= bp_activation_jacobian (acts[k], z, J);
      s |= bp_activation_backward (acts[k], z, g, dz);
      s |= bp_softmax_backward (J, g, jt);
      if (s != GSL_SUCCESS)
        break;
      gsl_vector_const_view d = gsl_matrix_const_diagonal (J);
      fprintf (out, "\n%s:\n", bp_activation_name (acts[k]));
      vec (out, "  a = f(z)    = ", h);
      vec (out, "  f'(z)       = ", &d.vector);
      vec (out, "  dL/dz       = ", dz);
      for (size_t i = 0; i < NZ; i++)
        diff = fmax (diff, fabs (gsl_vector_get (dz, i) - gsl_vector_get (jt, i)));
    }
  if (s == GSL_SUCCESS)
    {
      key (out, "exact");
      fprintf (out, "%d\n", diff == 0.0);
    }
  gsl_vector_free (z);
  gsl_vector_free (g);
  gsl_vector_free (h);
  gsl_vector_free (dz);
  gsl_vector_free (jt);
  gsl_matrix_free (J);
  return s == GSL_SUCCESS ? 0 : -1;
}

/* 14: a batch of two examples with the W, b of the small example: the
   example's own u and soft labels, and a second image with a one-hot
   label.  The batch gradients are compared with the mean of the
   single-example ones. */
enum { NB = 2 };
static const double u2_[M] = { 1.0, 0.0, 0.5, 0.25 };

static int
b14_example (FILE *out, const context *c)
{
  const gsl_matrix *W = c->ex->W;
  const gsl_vector *b = c->ex->b;
  gsl_matrix *U = gsl_matrix_alloc (NB, M), *T = gsl_matrix_calloc (NB, N);
  gsl_matrix *V = gsl_matrix_alloc (NB, N), *Y = gsl_matrix_alloc (NB, N);
  gsl_matrix *G = gsl_matrix_alloc (NB, N), *gW = gsl_matrix_alloc (N, M);
  gsl_matrix *mW = gsl_matrix_calloc (N, M), *oW = gsl_matrix_alloc (N, M);
  gsl_vector *gb = gsl_vector_alloc (N), *mb = gsl_vector_calloc (N);
  gsl_vector *d = gsl_vector_alloc (N);
  int s = (U && T && V && Y && G && gW && mW && oW && gb && mb && d)
          ? GSL_SUCCESS : GSL_ENOMEM;
  double L = 0.0;
  if (s == GSL_SUCCESS)
    {
      gsl_vector_view u1 = gsl_matrix_row (U, 0), t1 = gsl_matrix_row (T, 0);
      gsl_vector_memcpy (&u1.vector, c->sl.u);
      gsl_vector_memcpy (&t1.vector, c->ex->labels);
      for (size_t j = 0; j < M; j++)
        gsl_matrix_set (U, 1, j, u2_[j]);
      gsl_matrix_set (T, 1, 2, 1.0);
      s = bp_batch_linear (W, b, U, V);
      s |= bp_batch_softmax (V, Y);
      L = bp_batch_softmax_cross_entropy (T, V);
      s |= bp_batch_softmax_cross_entropy_grad (T, Y, G);
      s |= bp_batch_grad_weights (G, U, gW);
      s |= bp_batch_grad_bias (G, gb);
    }
  /* the mean of the single-example gradients, by the functions of 06, 07, 10 */
  for (size_t k = 0; s == GSL_SUCCESS && k < NB; k++)
    {
      gsl_vector_const_view uk = gsl_matrix_const_row (U, k);
      gsl_vector_const_view tk = gsl_matrix_const_row (T, k);
      gsl_vector_const_view yk = gsl_matrix_const_row (Y, k);
      s = bp_softmax_cross_entropy_grad (&tk.vector, &yk.vector, d);
      s |= bp_linear_grad_weights (d, &uk.vector, oW);
      gsl_matrix_scale (oW, 1.0 / NB);
      gsl_matrix_add (mW, oW);
      gsl_vector_scale (d, 1.0 / NB);
      gsl_vector_add (mb, d);
    }
  if (s == GSL_SUCCESS && isfinite (L))
    {
      double diff = 0.0;
      for (size_t i = 0; i < N; i++)
        {
          diff = fmax (diff, fabs (gsl_vector_get (gb, i) - gsl_vector_get (mb, i)));
          for (size_t j = 0; j < M; j++)
            diff = fmax (diff, fabs (gsl_matrix_get (gW, i, j) - gsl_matrix_get (mW, i, j)));
        }
      key (out, "U");
      mat (out, NULL, U);
      key (out, "Labels");
      mat (out, NULL, T);
      key (out, "V");
      mat (out, "V = U W^T + 1 b^T =", V);
      key (out, "Y");
      mat (out, NULL, Y);
      key (out, "L");
      num (out, L);
      fputs ("\n", out);
      key (out, "grads");
      mat (out, "dL/dV = (Y - Labels) / B =", G);
      mat (out, "dL/dW = dL/dV^T U =", gW);
      vec (out, "dL/db = dL/dV^T 1 = ", gb);
      /* dgemm sums in an order of its own: equal to rounding, not bit for bit */
      key (out, "equal");
      fprintf (out, "%d\n", diff < 1e-12);
    }
  else
    s = -1;
  gsl_matrix *ms[] = { U, T, V, Y, G, gW, mW, oW };
  for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
    gsl_matrix_free (ms[k]);
  gsl_vector_free (gb);
  gsl_vector_free (mb);
  gsl_vector_free (d);
  return s == GSL_SUCCESS ? 0 : -1;
}

/* --- 15 and 16: the convolution and pooling layers -------------------- */

/* The channels of A (C x (n H W)) as grids of H rows of n W numbers,
   each under "label[c] =". */
static void
grids (FILE *out, const char *label, const gsl_matrix *A, size_t H)
{
  const size_t W = A->size2 / H;
  for (size_t c = 0; c < A->size1; c++)
    {
      fprintf (out, "%s[%zu] =\n", label, c + 1);
      for (size_t r = 0; r < H; r++)
        {
          fputs ("   ", out);
          for (size_t q = 0; q < W; q++)
            num (out, gsl_matrix_get (A, c, r * W + q));
          fputc ('\n', out);
        }
    }
}

/* A block's failures, kinks (only when there are) and largest
   difference: the values prefix.fail, prefix.kinks, prefix.max. */
static void
block_values (FILE *out, const char *prefix, const bp_gradcheck_block_result *B)
{
  char name[64];
  snprintf (name, sizeof name, "%s.fail", prefix);
  key (out, name);
  fprintf (out, "%zu\n", B->n_failed);
  if (B->n_kinks > 0)
    {
      snprintf (name, sizeof name, "%s.kinks", prefix);
      key (out, name);
      fprintf (out, "%zu\n", B->n_kinks);
    }
  snprintf (name, sizeof name, "%s.max", prefix);
  key (out, name);
  if (B->max_abs_err == 0.0)
    fputs ("0\n", out);
  else
    {
      char b1[16];
      fprintf (out, "< %s\n", bound (B->max_abs_err, b1));
    }
}

/* bp_gradcheck of gradient g of theta by method, held to rtol, atol: its
   values under prefix (block_values).  0, or -1 on an error. */
static int
gradcheck_values (FILE *out, const char *prefix, bp_gradcheck_function F,
                  const gsl_matrix *theta, const gsl_matrix *g, unsigned method,
                  double rtol, double atol)
{
  bp_gradcheck_options opts;
  bp_gradcheck_result *res = NULL;
  bp_gradcheck_options_default (&opts);
  opts.method = method;
  opts.rtol = rtol;
  opts.atol = atol;
  const bp_gradcheck_block blk = { .matrix = theta }, ana = { .matrix = g };
  const int s = bp_gradcheck (&F, 1, &blk, &ana, &opts, &res);
  if (s > 0 || res == NULL)
    return -1;
  block_values (out, prefix, &res->run[0].block[0]);
  bp_gradcheck_result_free (res);
  return 0;
}

/* What the two oracles (bp_gradcheck by central differences, then by the
   complex step) found for gradient g of theta, the argument of F (a
   binding of src/verify's example): the values prefix.n,
   prefix.central.*, prefix.cstep.* */
static int
check_values (FILE *out, const char *prefix, bp_gradcheck_function F,
              const gsl_matrix *theta, const gsl_matrix *g)
{
  char name[64];
  snprintf (name, sizeof name, "%s.n", prefix);
  key (out, name);
  fprintf (out, "%zu\n", theta->size1 * theta->size2);
  snprintf (name, sizeof name, "%s.central", prefix);
  int s = gradcheck_values (out, name, F, theta, g, BP_GRADCHECK_CENTRAL,
                            BP_CHECK_RTOL, BP_CHECK_ATOL);
  snprintf (name, sizeof name, "%s.cstep", prefix);
  s |= gradcheck_values (out, name, F, theta, g, BP_GRADCHECK_COMPLEX_STEP,
                         BP_CSTEP_RTOL, BP_CSTEP_ATOL);
  return s != 0 ? -1 : 0;
}

/* 15: C_in = 2 channels of 3 x 3, C_out = 2 kernels of 2 x 2, p = 1, one
   image: src/verify's conv_example at these values */
static const double cx_[2 * 9] = { 0.5, -1.0, 0.0, 1.0, 2.0, -0.5, 0.0, 1.5, 1.0,
                                   -0.5, 0.0, 1.0, 2.0, 0.5, 0.0, -1.0, 1.0, 0.5 };
static const double ck_[2 * 8] = { 1.0, 0.0, 0.0, -1.0, 0.5, 0.5, -0.5, 0.25,
                                   0.0, 1.0, 1.0, 0.0, -1.0, 0.0, 0.5, 0.5 };
static const double cb_[2] = { 0.1, -0.2 };
static const bp_conv_shape conv_shape_ = { 2, 3, 3, 2, 2, 1, BP_CONV_IM2COL };

static conv_example *
conv_doc_example (void)
{
  conv_example *e = conv_example_new (&conv_shape_, 1);
  if (e == NULL)
    return NULL;
  gsl_matrix_const_view K = gsl_matrix_const_view_array (ck_, 2, 8);
  gsl_matrix_const_view X = gsl_matrix_const_view_array (cx_, 2, 9);
  gsl_vector_const_view b = gsl_vector_const_view_array (cb_, 2);
  gsl_matrix_memcpy (e->K, &K.matrix);
  gsl_matrix_memcpy (e->Xb, &X.matrix);
  gsl_vector_memcpy (e->b, &b.vector);
  /* dL/dY: (t mod 5 - 2) / 4 at flat position t, the same for any shape */
  for (size_t t = 0; t < e->Gb->size1 * e->Gb->size2; t++)
    e->Gb->data[t] = (double) ((int) (t % 5) - 2) / 4.0;
  if (conv_example_update (e) != GSL_SUCCESS)
    {
      conv_example_free (e);
      return NULL;
    }
  return e;
}

static int
b15_example (FILE *out, const context *c)
{
  (void) c;
  conv_example *e = conv_doc_example ();
  if (e == NULL)
    return -1;
  key (out, "X");
  grids (out, "X", e->X, 3);
  key (out, "K");
  mat (out, NULL, e->K);
  key (out, "b");
  vec (out, "b = ", e->b);
  key (out, "Y");
  grids (out, "Z", e->Yb_each, 4);
  key (out, "dY");
  grids (out, "dL/dZ", e->G, 4);
  key (out, "dK");
  mat (out, NULL, e->dK);
  key (out, "dX");
  grids (out, "dL/dX", e->dX, 3);
  key (out, "db");
  vec (out, "dL/db = ", e->db);
  conv_example_free (e);
  return 0;
}

/* 15: both oracles on the example, and the batch form on it */
static int
b15_check (FILE *out, const context *c)
{
  (void) c;
  conv_example *e = conv_doc_example ();
  if (e == NULL)
    return -1;
  verify_diff d[3];
  verify_compare (e->Yb, e->Yb_each, 0.0, 0.0, &d[0]);
  verify_compare (e->dKb, e->dKb_each, 0.0, 0.0, &d[1]);
  verify_compare (e->dXb, e->dXb_each, 0.0, 0.0, &d[2]);
  const double diff = fmax (d[0].max_abs_err, fmax (d[1].max_abs_err, d[2].max_abs_err));
  example_binding bK = { e, CV_K }, bX = { e, CV_X }, bb = { e, CV_B };
  const bp_gradcheck_function F = { .loss = conv_block_loss, .closs = conv_block_closs };
  gsl_matrix_const_view b = gsl_matrix_const_view_vector (e->b, 2, 1);
  gsl_matrix_const_view db = gsl_matrix_const_view_vector (e->db, 2, 1);
  bp_gradcheck_function f = F;
  f.params = &bK;
  int st = check_values (out, "dK", f, e->K, e->dK);
  f.params = &bX;
  st |= check_values (out, "dX", f, e->X, e->dX);
  f.params = &bb;
  st |= check_values (out, "db", f, &b.matrix, &db.matrix);
  key (out, "batch");
  fprintf (out, "%d\n", diff < 1e-12);
  conv_example_free (e);
  return st;
}

/* 16: two channels of 4 x 4; channel 1 has ties (two 3s in its first
   window, four 2s in its second) */
static const double px_[2 * 16] = { 1, 3, 2, 2,
                                    3, 0, 2, 2,
                                    -1, 4, 5, 0,
                                    2, 1, 0.5, 6,
                                    0.5, -2, 1, 4,
                                    0, 1.5, 3, -1,
                                    2, 2.5, -3, 0,
                                    1, 0, 1, -0.5 };
static const double pg_[2 * 4] = { 1, -2, 0.5, 3, -1, 0.25, 2, -0.5 };

/* src/verify's pool_example at 16's values: Xtie the example (its
   ties), X the same moved off them (element t by 0.01 t / 32), G its dL/dY */
static pool_example *
pool_doc_example (void)
{
  pool_example *e = pool_example_new (2, 1, 4, 4);
  if (e == NULL)
    return NULL;
  gsl_matrix_const_view X = gsl_matrix_const_view_array (px_, 2, 16);
  gsl_matrix_const_view G = gsl_matrix_const_view_array (pg_, 2, 4);
  gsl_matrix_memcpy (e->Xtie, &X.matrix);
  gsl_matrix_memcpy (e->G, &G.matrix);
  for (size_t t = 0; t < 32; t++)
    e->X->data[t] = px_[t] + 0.01 * (double) t / 32.0;
  gsl_vector_set_zero (e->g);
  gsl_matrix_set_zero (e->GF);
  if (pool_example_update (e) != GSL_SUCCESS)
    {
      pool_example_free (e);
      return NULL;
    }
  return e;
}

static int
b16_example (FILE *out, const context *c)
{
  (void) c;
  pool_example *e = pool_doc_example ();
  gsl_matrix *Y = gsl_matrix_alloc (2, 4), *A = gsl_matrix_alloc (2, 4);
  gsl_vector *u = gsl_vector_alloc (8);
  int st = (e && Y && A && u) ? GSL_SUCCESS : GSL_ENOMEM;
  if (st == GSL_SUCCESS)
    {
      st = bp_maxpool (e->Xtie, 4, 4, Y);
      st |= bp_avgpool (e->Xtie, 4, 4, A);
      st |= bp_reshape (Y, u);
    }
  if (st == GSL_SUCCESS)
    {
      key (out, "X");
      grids (out, "X", e->Xtie, 4);
      key (out, "max");
      grids (out, "P", Y, 2);
      key (out, "dY");
      grids (out, "dL/dP", e->G, 2);
      key (out, "max.dX");
      grids (out, "dL/dX", e->dXtie, 4);
      key (out, "avg");
      grids (out, "P", A, 2);
      key (out, "avg.dX");
      grids (out, "dL/dX", e->dXavg, 4);
      key (out, "u");
      vec (out, "u = ", u);
    }
  pool_example_free (e);
  gsl_matrix_free (Y);
  gsl_matrix_free (A);
  gsl_vector_free (u);
  return st == GSL_SUCCESS ? 0 : -1;
}

/* 16: max-pooling's gradient at the example (ties) and away from them */
static int
b16_check (FILE *out, const context *c)
{
  (void) c;
  pool_example *e = pool_doc_example ();
  if (e == NULL)
    return -1;
  example_binding ties = { e, PL_TIES }, moved = { e, PL_MAX };
  bp_gradcheck_function f = { .loss = pool_block_loss, .closs = pool_block_closs,
                              .params = &ties };
  int st = check_values (out, "ties", f, e->Xtie, e->dXtie);
  f.params = &moved;
  st = st ? st : check_values (out, "moved", f, e->X, e->dXmax);
  pool_example_free (e);
  return st;
}

/* --- 17: the CNN ---------------------------------------------------- */

/* A tiny CNN, src/verify's net_example of bp_net_cnn: two 8 x 8 images,
   C1 = 1, C2 = 2, no hidden layer, 3 classes.  The weights are He's
   (bp_net_init, mt19937 seed 1), the biases set by hand so that no ReLU
   input is exactly 0.  Image 1 is an object in its top-left corner on a
   background of zeros, so that whole windows of A1 hold the same value
   b1 (ties of max-pooling); image 2 has no zero. */
enum { CR = 8, CC = 8, CB = 2, CN = 3 };
static const double cimg1_[9] = { 0.5, 1.0, 0.25, 1.0, 0.75, 0.5, 0.25, 0.5, 1.0 };
static const bp_net_shape cnn_shape_ = { .rows = CR, .cols = CC, .n = CN, .act = BP_RELU,
                                         .C1 = 1, .C2 = 2 };

static net_example *
cnn_doc_example (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    return NULL;
  gsl_rng_set (rng, 1);
  net_example *e = net_example_alloc (bp_net_cnn, &cnn_shape_, CB, rng);
  gsl_rng_free (rng);
  if (e == NULL)
    return NULL;
  bp_net *net = e->net;   /* blocks K1 b1 K2 b2 W4 b4 */
  gsl_vector_set (&net->theta_v[1].vector, 0, 0.1);
  gsl_vector_set (&net->theta_v[3].vector, 0, 0.05);
  gsl_vector_set (&net->theta_v[3].vector, 1, -0.05);
  for (size_t i = 0; i < CN; i++)
    gsl_vector_set (&net->theta_v[5].vector, i, 0.1 * (double) i - 0.1);
  gsl_matrix_set_zero (e->U);
  for (size_t r = 0; r < 3; r++)
    for (size_t q = 0; q < 3; q++)
      gsl_matrix_set (e->U, 0, r * CC + q, cimg1_[r * 3 + q]);
  for (size_t t = 0; t < (size_t) CR * CC; t++)   /* 0.1 .. 1, none twice in a window */
    gsl_matrix_set (e->U, 1, t, 0.1 + 0.9 * (double) ((t * 37) % 64) / 63.0);
  gsl_matrix_set_zero (e->T);
  gsl_matrix_set (e->T, 0, 0, 1.0);
  gsl_matrix_set (e->T, 1, 2, 1.0);
  if (net_example_update (e) != GSL_SUCCESS)
    {
      net_example_free (e);
      return NULL;
    }
  return e;
}

/* A C x (n H W) matrix of the batch layout as n images of C grids,
   labelled by image k and channel c (17's X[c, k, r, q]), counted from 1
   as the text counts the images. */
static void
batch_grids (FILE *out, const char *label, const gsl_vector *buf, size_t C, size_t n,
             size_t H, size_t W)
{
  for (size_t k = 0; k < n; k++)
    for (size_t ch = 0; ch < C; ch++)
      {
        fprintf (out, "%s[k=%zu, c=%zu] =\n", label, k + 1, ch + 1);
        for (size_t r = 0; r < H; r++)
          {
            fputs ("   ", out);
            for (size_t q = 0; q < W; q++)
              num (out, gsl_vector_get (buf, (ch * n + k) * H * W + r * W + q));
            fputc ('\n', out);
          }
      }
}

/* The rows of a C_out x (C_in 25) kernel matrix as 5 x 5 grids. */
static void
kernel_grids (FILE *out, const char *label, const gsl_matrix *K)
{
  for (size_t o = 0; o < K->size1; o++)
    for (size_t ch = 0; ch < K->size2 / 25; ch++)
      {
        fprintf (out, "%s[%zu,%zu] =\n", label, o + 1, ch + 1);
        for (size_t a = 0; a < 5; a++)
          {
            fputs ("   ", out);
            for (size_t q = 0; q < 5; q++)
              num (out, gsl_matrix_get (K, o, ch * 25 + a * 5 + q));
            fputc ('\n', out);
          }
      }
}

static int
b17_example (FILE *out, const context *c)
{
  (void) c;
  net_example *e = cnn_doc_example ();
  if (e == NULL)
    return -1;
  const bp_net *net = e->net;
  const cnn_chain_workspace *w = e->ws->row;   /* bp_net_cnn's: the chain's values */
  gsl_vector_view U = gsl_vector_view_array (e->U->data, e->U->size1 * e->U->size2);
  gsl_vector_view dU = gsl_vector_view_array (e->dU->data, e->dU->size1 * e->dU->size2);
  gsl_matrix_const_view V = gsl_matrix_const_submatrix (w->V, 0, 0, CB, CN);
  gsl_matrix_const_view Y = gsl_matrix_const_submatrix (w->Y, 0, 0, CB, CN);
  gsl_matrix_const_view dV = gsl_matrix_const_submatrix (w->dV, 0, 0, CB, CN);
  key (out, "inputs");
  batch_grids (out, "U", &U.vector, 1, CB, CR, CC);
  mat (out, "Labels =", e->T);
  kernel_grids (out, "\nK1", &net->theta_M[0].matrix);
  vec (out, "b1 = ", &net->theta_v[1].vector);
  kernel_grids (out, "K2", &net->theta_M[2].matrix);
  vec (out, "b2 = ", &net->theta_v[3].vector);
  mat (out, "W4 =", &net->theta_M[4].matrix);
  vec (out, "b4 = ", &net->theta_v[5].vector);
  key (out, "forward");
  batch_grids (out, "Z1 = conv1(U)", w->Z1, 1, CB, CR, CC);
  batch_grids (out, "P1 = maxpool(relu(Z1))", w->P1, 1, CB, CR / 2, CC / 2);
  batch_grids (out, "Z2 = conv2(P1)", w->Z2, 2, CB, CR / 2, CC / 2);
  batch_grids (out, "P2 = maxpool(relu(Z2))", w->P2, 2, CB, CR / 4, CC / 4);
  mat (out, "F = flatten(P2) =", w->F);
  mat (out, "V = F W4^T + 1 b4^T =", &V.matrix);
  mat (out, "Softmax(V) =", &Y.matrix);
  fputs ("L =", out);
  num (out, e->L);
  fputs ("\n", out);
  key (out, "backward");
  mat (out, "dL/dV = (Softmax(V) - Labels) / B =", &dV.matrix);
  mat (out, "dL/dW4 = dL/dV^T F =", &net->grad_M[4].matrix);
  vec (out, "dL/db4 = dL/dV^T 1 = ", &net->grad_v[5].vector);
  mat (out, "dL/dF = dL/dV W4 =", w->dF);
  batch_grids (out, "dL/dZ2", w->G2, 2, CB, CR / 2, CC / 2);
  kernel_grids (out, "dL/dK2", &net->grad_M[2].matrix);
  vec (out, "dL/db2 = ", &net->grad_v[3].vector);
  batch_grids (out, "dL/dP1", w->dP1, 1, CB, CR / 2, CC / 2);
  batch_grids (out, "dL/dZ1", w->G1, 1, CB, CR, CC);
  kernel_grids (out, "dL/dK1", &net->grad_M[0].matrix);
  vec (out, "dL/db1 = ", &net->grad_v[1].vector);
  batch_grids (out, "dL/dU", &dU.vector, 1, CB, CR, CC);
  net_example_free (e);
  return 0;
}

/* bp_gradcheck by central differences of the net's block k (n_blocks:
   U) against its gradient: the values prefix.n and block_values'. */
static int
net_block_values (FILE *out, const char *prefix, const net_example *e, size_t k)
{
  const int is_u = k == e->n_blocks;
  const bp_gradcheck_block theta = is_u ? (bp_gradcheck_block) { .name = "U", .matrix = e->U }
                                        : e->net->block[k];
  const bp_gradcheck_block grad = is_u ? (bp_gradcheck_block) { .name = "U", .matrix = e->dU }
                                       : e->net->grad_block[k];
  example_binding b = { e, k };
  const bp_gradcheck_function F = { .loss = net_block_loss, .params = &b };
  bp_gradcheck_options opts;
  bp_gradcheck_options_default (&opts);
  bp_gradcheck_result *res = NULL;
  if (bp_gradcheck (&F, 1, &theta, &grad, &opts, &res) > 0 || res == NULL)
    return -1;
  char name[32];
  snprintf (name, sizeof name, "%s.n", prefix ? prefix : theta.name);
  key (out, name);
  fprintf (out, "%zu\n", res->run[0].block[0].n_checked);
  block_values (out, prefix ? prefix : theta.name, &res->run[0].block[0]);
  bp_gradcheck_result_free (res);
  return 0;
}

/* 17: every block's gradient and dL/dU by central differences */
static int
b17_check (FILE *out, const context *c)
{
  (void) c;
  net_example *e = cnn_doc_example ();
  int s = e ? 0 : -1;
  for (size_t k = 0; s == 0 && k <= e->n_blocks; k++)
    s = net_block_values (out, NULL, e, k);
  /* the same, image 1's pixel t moved by 0.003 ((29 t) mod 64): no ties */
  for (size_t t = 0; s == 0 && t < (size_t) CR * CC; t++)
    e->U->data[t] += 0.003 * (double) ((t * 29) % 64);
  if (s == 0)
    s = net_example_update (e) == GSL_SUCCESS ? 0 : -1;
  if (s == 0)
    s = net_block_values (out, "moved", e, e->n_blocks);
  net_example_free (e);
  return s;
}

/* --- the code beside the derivation --------------------------------- */

/* The blocks "NN-code": the definition of the function that implements a
   document's equations, copied from its source file, so that the page
   shows the code as it is (and check_derivations fails when src/ changes
   and the page does not).  The tree is $BP_SRCDIR (set by make check and
   by make regen-derivations), else the working directory. */
static const struct
{
  const char *name, *file, *function;
} code_blocks[] = {
  {"02-code", "src/lib/formulas/cross_entropy.c", "bp_cross_entropy_grad"},
  {"03-code", "src/lib/formulas/softmax.c", "bp_softmax_backward"},
  {"04-code", "src/lib/formulas/softmax.c", "bp_softmax_jacobian"},
  {"05-code", "src/lib/formulas/linear.c", "bp_linear_grad_input"},
  {"06-code", "src/lib/formulas/linear.c", "bp_linear_grad_bias"},
  {"07-code", "src/lib/formulas/linear.c", "bp_linear_grad_weights"},
  {"08-code", "src/lib/formulas/reshape.c", "bp_reshape_inverse"},
  {"09-code", "src/lib/formulas/model.c", "bp_model_backward"},
  {"10-code", "src/lib/formulas/cross_entropy.c", "bp_softmax_cross_entropy_grad"},
  {"11-code", "src/lib/formulas/activation_grad_source.c",
   "sigmoid_prime tanh_prime activation_backward_apply"},
  {"12-code", "src/lib/formulas/mlp.c", "mlp_chain_backward"},
  {"13-code", "src/lib/check/gradcheck.c", "complex_element"},
  {"13-shift-code", "src/lib/formulas/shift_source.c", "shift_of"},
  {"14-code", "src/lib/formulas/batch_source.c",
   "bp_batch_softmax_cross_entropy_grad bp_batch_grad_weights"},
  {"15-code", "src/lib/formulas/conv.c", "bp_conv_grad_weights"},
  {"16-code", "src/lib/formulas/pool_backward_source.c", "maxpool_backward_trusted"},
  {"17-code", "src/lib/formulas/cnn_source.c", "cnn_backward"},
  {"17-he-code", "src/lib/formulas/cnn.c", "cnn_chain_init"},
};
enum { N_CODE_BLOCKS = sizeof code_blocks / sizeof code_blocks[0] };

/* Write the definitions of functions (names separated by blanks) in
   file (GNU style: the return type on the line above "function (", the
   body up to the first "}" in column 0; in a templated source, as
   FUNCTION (dir, name)) as one fenced C block.  Returns
   0, or -1 when one is not found. */
static int
code_block (FILE *out, const char *file, const char *functions)
{
  const char *dir = getenv ("BP_SRCDIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir && *dir ? dir : ".", file);
  FILE *in = fopen (path, "r");
  if (in == NULL)
    return -1;
  char *text = NULL;
  size_t size = 0;
  FILE *buf = open_memstream (&text, &size);
  int c;
  while (buf && (c = getc (in)) != EOF)
    putc (c, buf);
  fclose (in);
  if (buf == NULL || fclose (buf) != 0)
    return -1;
  int status = 0;
  fputs ("```c\n", out);
  for (const char *f = functions; status == 0 && *f;)
    {
      const size_t len = strcspn (f, " ");
      char head[256];
      snprintf (head, sizeof head, "\n%.*s (", (int) len, f);
      const char *at = strstr (text, head);
      /* a templated source (templates_on.h) writes dir_name as
         FUNCTION (dir, name) */
      for (size_t i = 1; at == NULL && i + 1 < len; i++)
        if (f[i] == '_')
          {
            snprintf (head, sizeof head, "\nFUNCTION (%.*s, %.*s) (", (int) i, f,
                      (int) (len - i - 1), f + i + 1);
            at = strstr (text, head);
          }
      const char *end = at ? strstr (at, "\n}\n") : NULL;
      if (at && end)
        {
          const char *start = at;   /* the line of the return type */
          while (start > text && start[-1] != '\n')
            start--;
          fprintf (out, "%s%.*s\n}\n", f == functions ? "" : "\n", (int) (end - start),
                   start);
        }
      else
        status = -1;
      f += len;
      f += strspn (f, " ");
    }
  fputs ("```\n", out);
  free (text);
  return status;
}

/* The table of blocks: add a line here for a new document's block. */
static const struct
{
  const char *name;
  int (*write) (FILE *out, const context *c);
} writers[] = {
  {"00-example", b00_example}, {"00-default", b00_default}, {"00-teeth", b00_teeth},
  {"01-example", b01_example}, {"01-default", b01_default},
  {"02-example", b02_example}, {"03-example", b03_example},
  {"04-example", b04_example}, {"05-example", b05_example},
  {"06-example", b06_example}, {"07-example", b07_example},
  {"08-example", b08_example}, {"09-example", b09_example},
  {"10-example", b10_example}, {"10-stability", b10_stability},
  {"11-example", b11_example}, {"14-example", b14_example},
  {"15-example", b15_example}, {"15-check", b15_check},
  {"16-example", b16_example}, {"16-check", b16_check},
  {"17-example", b17_example}, {"17-check", b17_check},
};
enum { N_WRITERS = sizeof writers / sizeof writers[0] };

/* Split a writer's output into b's values, each without its last '\n'. */
static int
split_values (const char *text, docgen_block *b)
{
  size_t cap = 1;
  for (const char *p = text; *p; p++)
    cap += *p == KEY_MARK;
  b->value = calloc (cap, sizeof *b->value);
  if (b->value == NULL)
    return -1;
  const char *p = text;
  while (*p)
    {
      docgen_value *v = &b->value[b->n++];
      if (*p == KEY_MARK)
        {
          const size_t klen = strcspn (++p, "\n");
          v->key = strndup (p, klen);
          p += klen + (p[klen] == '\n');
        }
      else
        v->key = strdup ("text");
      size_t len = strcspn (p, (char[]) { KEY_MARK, '\0' });
      const char *next = p + len;
      if (len && p[len - 1] == '\n')
        len--;
      v->text = strndup (p, len);
      if (v->key == NULL || v->text == NULL)
        return -1;
      p = next;
    }
  return 0;
}

void
docgen_free (docgen_block *blocks, size_t n)
{
  if (blocks == NULL)
    return;
  for (size_t k = 0; k < n; k++)
    {
      free (blocks[k].name);
      for (size_t i = 0; i < blocks[k].n; i++)
        {
          free (blocks[k].value[i].key);
          free (blocks[k].value[i].text);
        }
      free (blocks[k].value);
    }
  free (blocks);
}

/* Run write (a writer of the table, or a code listing) into block b. */
static int
run_writer (docgen_block *b, const char *name, int (*write) (FILE *, const context *),
            const context *c, const char *file, const char *function)
{
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  b->name = strdup (name);
  if (out == NULL || b->name == NULL)
    {
      if (out)
        fclose (out);
      return -1;
    }
  int status = write ? write (out, c) : file && function ? code_block (out, file, function) : -1;
  if (fclose (out) != 0)
    status = -1;
  if (status == 0)
    status = split_values (text, b);
  free (text);
  return status;
}

int
docgen_generate (docgen_block **blocks, size_t *n)
{
  context c;
  *blocks = NULL;
  *n = 0;
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  int status = context_init (&c);
  docgen_block *b = status == 0 ? calloc (N_WRITERS + N_CODE_BLOCKS, sizeof *b) : NULL;
  if (b == NULL)
    status = -1;
  for (size_t k = 0; status == 0 && k < N_WRITERS; k++)
    status = run_writer (&b[k], writers[k].name, writers[k].write, &c, NULL, NULL);
  for (size_t k = 0; status == 0 && k < N_CODE_BLOCKS; k++)
    status = run_writer (&b[N_WRITERS + k], code_blocks[k].name, NULL, &c,
                         code_blocks[k].file, code_blocks[k].function);
  context_free (&c);
  gsl_set_error_handler (old);
  if (status != 0)
    {
      docgen_free (b, N_WRITERS + N_CODE_BLOCKS);
      return -1;
    }
  *blocks = b;
  *n = N_WRITERS + N_CODE_BLOCKS;
  return 0;
}

const docgen_block *
docgen_lookup (const docgen_block *blocks, size_t n, const char *name)
{
  for (size_t k = 0; k < n; k++)
    if (strcmp (blocks[k].name, name) == 0)
      return &blocks[k];
  return NULL;
}

/* --- templates ------------------------------------------------------- */

/* The length of the key at p ([A-Za-z0-9_.]*) */
static size_t
key_length (const char *p, const char *end)
{
  const char *q = p;
  while (q < end && (isalnum ((unsigned char) *q) || *q == '_' || *q == '.'))
    q++;
  return (size_t) (q - p);
}

char *
docgen_fill (const docgen_block *b, const char *tmpl, size_t len, char *why,
             size_t why_size)
{
  static const char plain[] = "{text}\n";
  if (len == 0)
    {
      tmpl = plain;
      len = strlen (plain);
    }
  const char *const end = tmpl + len;
  char *text = NULL;
  size_t size = 0;
  int *used = calloc (b->n + 1, sizeof *used);
  FILE *out = used ? open_memstream (&text, &size) : NULL;
  if (out == NULL)
    {
      free (used);
      snprintf (why, why_size, "out of memory");
      return NULL;
    }
  int bad = 0;
  for (const char *p = tmpl; p < end && !bad;)
    {
      const size_t k = *p == '{' ? key_length (p + 1, end) : 0;
      const char *after = p + 1 + k;
      const char *bar = NULL, *close = NULL;
      if (k && after < end && *after == '?')
        {
          bar = memchr (after, '|', (size_t) (end - after));
          close = bar ? memchr (bar, '}', (size_t) (end - bar)) : NULL;
        }
      else if (k && after < end && *after == '}')
        close = after;
      if (close == NULL)
        {
          fputc (*p++, out);
          continue;
        }
      size_t i = 0;
      while (i < b->n && !(strlen (b->value[i].key) == k
                           && strncmp (b->value[i].key, p + 1, k) == 0))
        i++;
      if (i == b->n)
        {
          snprintf (why, why_size, "block '%s' has no value {%.*s}", b->name, (int) k,
                    p + 1);
          bad = 1;
          break;
        }
      used[i] = 1;
      const char *v = b->value[i].text;
      if (bar == NULL)
        fputs (v, out);
      else if (*v && strcmp (v, "0") != 0)
        fwrite (after + 1, 1, (size_t) (bar - after - 1), out);
      else
        fwrite (bar + 1, 1, (size_t) (close - bar - 1), out);
      p = close + 1;
    }
  for (size_t i = 0; i < b->n && !bad; i++)
    if (!used[i])
      {
        snprintf (why, why_size, "the template of block '%s' leaves out its value {%s}",
                  b->name, b->value[i].key);
        bad = 1;
      }
  free (used);
  if (fclose (out) != 0 && !bad)
    {
      snprintf (why, why_size, "out of memory");
      bad = 1;
    }
  if (bad)
    {
      free (text);
      return NULL;
    }
  return text;
}

/* --- markers --------------------------------------------------------- */

#define BEGIN_MARK "<!-- BEGIN GENERATED "
#define END_MARK "<!-- END GENERATED "
#define MARK_CLOSE " -->"
#define TEMPLATE_CLOSE "\n-->\n"

/* The name of the marker line at p (after its prefix) into name; the
   offset just past the line, or 0 when the line is malformed.  With
   tbegin, the line may end after the name instead (a BEGIN marker with a
   template): the template [*tbegin, *tend) runs up to a line "-->", and
   the offset is past that line. */
static size_t
marker_name (const char *doc, size_t p, char *name, size_t name_size, size_t *tbegin,
             size_t *tend)
{
  const char *s = doc + p;
  const char *close = strstr (s, MARK_CLOSE);
  const char *eol = strchr (s, '\n');
  const char *after;
  if (tbegin)
    *tbegin = *tend = 0;
  if (tbegin && eol && (close == NULL || close > eol))
    {
      const char *t = strstr (eol, TEMPLATE_CLOSE);
      if (t == NULL || eol == s || (size_t) (eol - s) >= name_size
          || strcspn (s, " ") < (size_t) (eol - s))
        return 0;
      memcpy (name, s, (size_t) (eol - s));
      name[eol - s] = '\0';
      *tbegin = (size_t) (eol + 1 - doc);
      *tend = (size_t) (t + 1 - doc);
      return (size_t) (t + strlen (TEMPLATE_CLOSE) - doc);
    }
  if (close == NULL || (eol && close > eol) || close == s
      || (size_t) (close - s) >= name_size)
    return 0;
  memcpy (name, s, (size_t) (close - s));
  name[close - s] = '\0';
  after = close + strlen (MARK_CLOSE);
  if (*after == '\n')
    after++;
  else if (*after != '\0')
    return 0;
  return (size_t) (after - doc);
}

/* The first line at or after from that starts with mark, or NULL; a
   marker quoted inside a line (`<!-- BEGIN ... -->`) is not one. */
static const char *
find_marker (const char *doc, const char *from, const char *mark)
{
  for (const char *p = from; (p = strstr (p, mark)) != NULL; p++)
    if (p == doc || p[-1] == '\n')
      return p;
  return NULL;
}

int
docgen_next_block (const char *doc, size_t *pos, char *name, size_t name_size,
                   size_t *tbegin, size_t *tend, size_t *begin, size_t *end)
{
  const char *b = find_marker (doc, doc + *pos, BEGIN_MARK);
  const char *e = find_marker (doc, doc + *pos, END_MARK);
  if (b == NULL && e == NULL)
    return 0;
  if (b == NULL || (e != NULL && e < b))
    {
      *pos = (size_t) (e - doc);           /* an END without its BEGIN */
      return -1;
    }
  *pos = (size_t) (b - doc);
  size_t body = marker_name (doc, (size_t) (b - doc) + strlen (BEGIN_MARK), name, name_size,
                             tbegin, tend);
  if (body == 0)
    return -1;
  e = find_marker (doc, doc + body, END_MARK);
  if (e == NULL)
    return -1;
  char end_name[128];
  size_t after = marker_name (doc, (size_t) (e - doc) + strlen (END_MARK), end_name,
                              sizeof end_name, NULL, NULL);
  if (after == 0 || strcmp (name, end_name) != 0)
    return -1;
  const char *next_begin = find_marker (doc, doc + body, BEGIN_MARK);
  if (next_begin != NULL && next_begin < e)
    return -1;                  /* nested or unterminated */
  *begin = body;
  *end = (size_t) (e - doc);
  *pos = after;
  return 1;
}

char *
docgen_replace (const char *doc, const docgen_block *blocks, size_t n,
                char *why, size_t why_size)
{
  char *text = NULL;
  size_t len = 0, pos = 0, copied = 0, tbegin, tend, begin, end;
  char name[128];
  int found;
  FILE *out = open_memstream (&text, &len);
  if (out == NULL)
    {
      snprintf (why, why_size, "out of memory");
      return NULL;
    }
  while ((found = docgen_next_block (doc, &pos, name, sizeof name, &tbegin, &tend, &begin,
                                     &end)) == 1)
    {
      const docgen_block *b = docgen_lookup (blocks, n, name);
      char *fresh = NULL;
      if (b == NULL)
        snprintf (why, why_size, "block '%s' is not generated by derivations/docgen.c",
                  name);
      else
        fresh = docgen_fill (b, doc + tbegin, tend - tbegin, why, why_size);
      if (fresh == NULL)
        {
          found = -2;
          break;
        }
      fwrite (doc + copied, 1, begin - copied, out);
      fputs (fresh, out);
      free (fresh);
      copied = end;
    }
  if (found == -1)
    snprintf (why, why_size, "malformed GENERATED markers at offset %zu", pos);
  if (found != 0)
    {
      fclose (out);
      free (text);
      return NULL;
    }
  fputs (doc + copied, out);
  fclose (out);
  return text;
}
