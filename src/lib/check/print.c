/* print.c -- bp_gradcheck_fprintf: the checker's report;
   derivations/00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_gradcheck.h"
#include "lib/check/core.h"
#include "lib/check/shape.h"

#if ENABLE_NLS
# include <libintl.h>
# include <stdlib.h>

/* The report in the user's language: the package's domain (po/), bound
   at each report to LOCALEDIR, or to BACKPROP_LOCALEDIR as the program
   binds it (a build tree's catalogs); dgettext, whatever domain the
   calling program has chosen. */
void
core_bind_domain (void)
{
  const char *dir = getenv ("BACKPROP_LOCALEDIR");
  bindtextdomain (PACKAGE, dir != NULL && *dir ? dir : LOCALEDIR);
}

const char *
core_tr (const char *msgid)
{
  return dgettext (PACKAGE, msgid);
}

const char *
core_trn (const char *msgid, const char *plural, unsigned long n)
{
  return dngettext (PACKAGE, msgid, plural, n);
}

/* msgid in context ctx (msgctxt in po/), as pgettext looks it up */
static const char *
trc (const char *ctx, const char *msgid)
{
  char key[64];
  if ((size_t) snprintf (key, sizeof key, "%s\004%s", ctx, msgid) >= sizeof key)
    return msgid;
  const char *t = core_tr (key);
  return t == key ? msgid : t;
}
#else
# define trc(ctx, msgid) (msgid)

void
core_bind_domain (void)
{
}

const char *
core_tr (const char *msgid)
{
  return msgid;
}

const char *
core_trn (const char *msgid, const char *plural, unsigned long n)
{
  return n == 1 ? msgid : plural;
}
#endif
#define _(msgid) core_tr (msgid)   /* as gettext.h; NOLINT(bugprone-reserved-identifier) */
#define trn(msgid, plural, n) core_trn (msgid, plural, n)
#define N_(msgid) (msgid)
#define NC_(ctx, msgid) (msgid)

static const char *
method_name (unsigned method)
{
  switch (method)
    {
    case BP_GRADCHECK_CENTRAL: return _("central differences (gsl_deriv_central)");
    case BP_GRADCHECK_COMPLEX_STEP: return _("complex step");
    case BP_GRADCHECK_DIRECTIONAL: return _("random directions");
    default: return _("Taylor test");
    }
}

static const char *
diff_name (bp_gradcheck_diff d)
{
  static const char *const names[] = { NC_("difference", "central"),
                                       NC_("difference", "forward"),
                                       NC_("difference", "backward"),
                                       NC_("difference", "complex"),
                                       NC_("difference", "none") };
  return (unsigned) d < 5 ? trc ("difference", names[d]) : "?";
}

static const char *
status_name (int s)
{
  static const char *const names[] = { N_("pass"), N_("inconclusive"), N_("FAIL"),
                                       N_("kink") };
  return (unsigned) s < 4 ? _(names[s]) : "?";
}

static void print_index (FILE *out, const bp_gradcheck_block_result *b,
                         const bp_gradcheck_element *e);

/* block k's name, else "block k", into name[64] */
static void
block_name (const bp_gradcheck_run *run, size_t k, char name[64])
{
  if (run->block[k].name)
    snprintf (name, 64, "%s", run->block[k].name);
  else
    snprintf (name, 64, _("block %zu"), k);
}

/* "X(3,:)": the slice of block x along axis d from its flat index q */
static void
print_slice (FILE *out, const char *name, const bp_gradcheck_block_result *x, size_t d,
             size_t q)
{
  size_t dims[BP_GRADCHECK_MAX_RANK], idx[BP_GRADCHECK_MAX_RANK];
  const size_t rank = shape_dims (x, dims);
  shape_unravel (dims, rank, q, idx);
  fputs (name, out);
  for (size_t a = 0; a < rank; a++)
    {
      fputc (a ? ',' : '(', out);
      if (a == d)
        fputc (':', out);
      else
        fprintf (out, "%zu", idx[a]);
    }
  fputc (')', out);
}

/* the factor hint: numeric = c analytic; c or 1/c the length of an axis */
static void
print_factor (FILE *out, const bp_gradcheck_run *run, const bp_gradcheck_block_result *b,
              const char *name)
{
  fprintf (out, _("    hint: %s: numeric = %.6g x analytic: a missing factor %.6g"
           " (or 1/%.6g)?"), name, b->factor, b->factor, 1.0 / b->factor);
  if (b->factor_block != BP_GRADCHECK_NONE)
    {
      const bp_gradcheck_block_result *x = &run->block[b->factor_block];
      size_t dims[BP_GRADCHECK_MAX_RANK];
      char xname[64];
      shape_dims (x, dims);
      block_name (run, b->factor_block, xname);
      if (b->factor_axes > 1)
        {
          size_t len = 1;
          for (size_t d = b->factor_axis; d < b->factor_axis + b->factor_axes; d++)
            len *= dims[d];
          fprintf (out, _(" %zu is the product of the lengths of axes %zu to %zu of %s:"
                   " the batch size (a mean where a sum is due, or the reverse)?"),
                   len, b->factor_axis, b->factor_axis + b->factor_axes - 1, xname);
        }
      else
        fprintf (out, _(" %zu is the length of axis %zu of %s:"
                 " the batch size (a mean where a sum is due, or the reverse)?"),
                 dims[b->factor_axis], b->factor_axis, xname);
    }
  fputc ('\n', out);
}

static void
print_hints (FILE *out, const bp_gradcheck_run *run, size_t k, const char *name)
{
  const bp_gradcheck_block_result *b = &run->block[k];
  size_t dims[BP_GRADCHECK_MAX_RANK];
  shape_dims (b, dims);
  if ((b->hints & BP_GRADCHECK_HINT_ONE) && b->n_worst)
    {
      fprintf (out, _("    hint: %s: only %s"), name, name);
      print_index (out, b, &b->worst[0]);
      fprintf (out, _(" is wrong: an edge case or one term of its formula?\n"));
    }
  else if (b->hints & BP_GRADCHECK_HINT_ONE)
    fprintf (out, _("    hint: %s: only one element is wrong: an edge case or one term"
             " of its formula?\n"), name);
  if ((b->hints & BP_GRADCHECK_HINT_EDGE) && b->hint_index == BP_GRADCHECK_NONE)
    fprintf (out, _("    hint: %s: failures only at the first and last index of axis %zu"
             " (of %zu): padding or an edge?\n"), name, b->hint_axis, dims[b->hint_axis]);
  else if (b->hints & BP_GRADCHECK_HINT_EDGE)
    fprintf (out, _("    hint: %s: failures only at index %zu of axis %zu (of %zu, its %s):"
             " padding or an edge?\n"), name, b->hint_index, b->hint_axis,
             dims[b->hint_axis], b->hint_index == 0 ? _("first") : _("last"));
  if (b->hints & BP_GRADCHECK_HINT_SLICE)
    fprintf (out, _("    hint: %s: failures only at index %zu of axis %zu (of %zu):"
             " one channel or slice?\n"), name, b->hint_index, b->hint_axis,
             dims[b->hint_axis]);
  if (b->hints & BP_GRADCHECK_HINT_RANGE)
    fprintf (out, _("    hint: %s: failures only at indices %zu to %zu of axis %zu (of %zu):"
             " one part of a fused or concatenated block?\n"), name, b->hint_index,
             b->hint_last, b->hint_axis, dims[b->hint_axis]);
  if (b->hints & BP_GRADCHECK_HINT_MOVED)
    fprintf (out, _("    hint: %s: each failing row of axis %zu has two wrong elements,"
             " wrong by opposite amounts: a term at the wrong index (a target or one-hot"
             " index off)?\n"), name, shape_dims (b, dims) - 1);
  if (b->hints & BP_GRADCHECK_HINT_ZERO)
    fprintf (out, _("    hint: %s: analytic = 0 at every failing element, numeric not:"
             " a gradient never written, or a term or block dropped?\n"), name);
  if (b->hints & BP_GRADCHECK_HINT_MASK)
    fprintf (out, _("    hint: %s: numeric = 0 at every failing element, analytic not:"
             " a derivative's mask missing (ReLU's, max-pool's)?\n"), name);
  if (b->hints & BP_GRADCHECK_HINT_LAYOUT)
    fprintf (out, _("    hint: %s: analytic = numeric transposed and reshaped (the %zu x %zu"
             " transpose's memory read as %zu x %zu): a row- versus column-major layout?\n"),
             name, b->cols, b->rows, b->rows, b->cols);
  if (b->hints & BP_GRADCHECK_HINT_TRANSPOSE)
    fprintf (out, _("    hint: %s: analytic = transpose of numeric (a[i,j] = e[j,i]):"
             " a transposed Jacobian or weight gradient?\n"), name);
  if (b->hints & BP_GRADCHECK_HINT_SIGN)
    fprintf (out, _("    hint: %s: analytic = -numeric: a flipped sign?\n"), name);
  if (b->hints & BP_GRADCHECK_HINT_FACTOR)
    print_factor (out, run, b, name);
  if ((b->hints & BP_GRADCHECK_HINT_SUM) && b->sum_block == BP_GRADCHECK_NONE)
    {
      const size_t n = b->rows * b->cols, r = b->sum_count;
      if (b->sum_axis)
        fprintf (out, _("    hint: %s: analytic = column %zu of dy (the cotangent read as"
                 " %zu x %zu), numeric = the sum of its columns: a sum over a broadcast or"
                 " batch axis missing (one column taken)?\n"), name, b->sum_index, n, r);
      else
        fprintf (out, _("    hint: %s: analytic = row %zu of dy (the cotangent read as"
                 " %zu x %zu), numeric = the sum of its rows: a sum over a broadcast or"
                 " batch axis missing (one row taken)?\n"), name, b->sum_index, r, n);
    }
  else if (b->hints & BP_GRADCHECK_HINT_SUM)
    {
      char xname[64];
      block_name (run, b->sum_block, xname);
      fprintf (out, _("    hint: %s: analytic = "), name);
      print_slice (out, xname, &run->block[b->sum_block], b->sum_axis, b->sum_index);
      fprintf (out, _(" of %s's gradient, numeric = the sum of all such slices:"
               " a sum over a broadcast or batch axis missing (one row taken)?\n"), xname);
    }
  if (b->hints & BP_GRADCHECK_HINT_SHIFT)
    fprintf (out, _("    hint: %s: analytic[i] = numeric[i%+ld]: an index shifted by %+ld?\n"),
             name, b->shift, b->shift);
}

/* "(o,c,i,j)": e's N-d index in block b (its shape, else (row,col)) */
static void
print_index (FILE *out, const bp_gradcheck_block_result *b, const bp_gradcheck_element *e)
{
  size_t dims[BP_GRADCHECK_MAX_RANK], idx[BP_GRADCHECK_MAX_RANK];
  const size_t rank = shape_dims (b, dims);
  shape_unravel (dims, rank, e->row * b->cols + e->col, idx);
  for (size_t d = 0; d < rank; d++)
    fprintf (out, "%c%zu", d ? ',' : '(', idx[d]);
  fputc (')', out);
}

/* "D1 x D2 x ...": b's shape */
static void
print_shape (FILE *out, const bp_gradcheck_block_result *b)
{
  size_t dims[BP_GRADCHECK_MAX_RANK];
  const size_t rank = shape_dims (b, dims);
  for (size_t d = 0; d < rank; d++)
    fprintf (out, d ? " x %zu" : "%zu", dims[d]);
}

static void
print_element (FILE *out, const bp_gradcheck_result *r, const bp_gradcheck_block_result *b,
               const bp_gradcheck_element *e, const char *name)
{
  if (r->m > 0)
    fprintf (out, _("      %s out %zu "), name, e->output);
  else
    fprintf (out, "      %s", name);
  print_index (out, b, e);
  fprintf (out, _("  analytic % .10e  numeric % .10e  estimate %.2e  tolerance %.2e"
           "  step %.2e%s  %s  %s"), e->analytic, e->numeric, e->abserr, e->tol, e->h,
           e->retried ? _(" (retried)") : "", diff_name (e->diff), status_name (e->status));
  if (e->status == BP_GRADCHECK_ELEMENT_KINK || isfinite (e->left))
    fprintf (out, "  left % .6e right % .6e", e->left, e->right);
  if (e->tie != 0.0)
    fprintf (out, _("  tie within %+.2e"), e->tie);
  fputc ('\n', out);
}

int
bp_gradcheck_fprintf (FILE *stream, const bp_gradcheck_result *r)
{
  if (!stream || !r)
    GSL_ERROR ("bp_gradcheck_fprintf: stream and r must not be NULL", GSL_EFAULT);
  core_bind_domain ();
  fprintf (stream, _("gradient check: %s ("), _(bp_gradcheck_verdict_name (r->verdict)));
  fprintf (stream, trn ("%zu block", "%zu blocks", r->n_blocks), r->n_blocks);
  fprintf (stream, _(", %s; rtol %.3g, atol %.3g)\n"),
           r->m ? _("vector f: Jacobians") : _("scalar f: gradients"), r->opts.rtol,
           r->opts.atol);
  for (size_t j = 0; j < r->n_runs; j++)
    {
      const bp_gradcheck_run *run = &r->run[j];
      fprintf (stream, "%s: %s: %s\n", method_name (run->method),
               _(bp_gradcheck_verdict_name (run->verdict)), run->reason);
      if (run->method == BP_GRADCHECK_TAYLOR)
        {
          fprintf (stream, _("  noise of f along d %.2e%s\n"), run->noise,
                   run->noise > 0.0 ? _(" (measured; r(h) fitted above 10 times it)")
                                    : _(" (not detected: rounding)"));
          continue;
        }
      if (run->method == BP_GRADCHECK_DIRECTIONAL)
        {
          const bp_gradcheck_element *d = &run->worst_direction;
          fprintf (stream, _("  %zu directions, %zu disagree; max |a - e| %.2e, max rel %.2e, "
                   "max estimate %.2e\n"), run->n_directions, run->n_directions_failed,
                   run->max_abs_err, run->max_rel_err, run->max_est_err);
          fprintf (stream, _("    worst direction %zu  analytic % .10e  numeric % .10e  "
                   "estimate %.2e  tolerance %.2e  %s  %s\n"), d->row, d->analytic,
                   d->numeric, d->abserr, d->tol, diff_name (d->diff), status_name (d->status));
          if (run->localized)
            fprintf (stream, _("  localized (the element-wise check decides):\n"));
        }
      for (size_t k = 0; k < r->n_blocks; k++)
        {
          const bp_gradcheck_block_result *b = &run->block[k];
          char name[64];
          block_name (run, k, name);
          if (!b->mask)
            continue;
          fprintf (stream, "  %s (", name);
          print_shape (stream, b);
          fprintf (stream, _("): %zu checked, %zu passed, %zu inconclusive, "
                   "%zu failed, %zu kinks, %zu one-sided: %s\n"), b->n_checked, b->n_passed, b->n_inconclusive, b->n_failed, b->n_kinks,
                   b->n_one_sided, _(bp_gradcheck_verdict_name (b->verdict)));
          if (b->n_worst)
            fprintf (stream, _("    worst %zu (by |a - e| / (tol + 2 estimate)):\n"), b->n_worst);
          for (size_t i = 0; i < b->n_worst; i++)
            print_element (stream, r, b, &b->worst[i], name);
          if (run->method == BP_GRADCHECK_CENTRAL || run->localized)
            {
              if (b->noise_found)
                fprintf (stream, _("    noise of f %.2e (measured); steps %.2e to %.2e"),
                         b->noise, b->h_min, b->h_max);
              else
                fprintf (stream, _("    noise of f not detected (rounding); steps %.2e to %.2e"),
                         b->h_min, b->h_max);
              fprintf (stream, _("; %zu retried at larger steps\n"), b->n_retried);
              if (b->n_tie_sided)
                fprintf (stream, _("    %zu decided on the side away from a located tie\n"),
                         b->n_tie_sided);
              if (b->n_resolution)
                fprintf (stream, _("    %zu elements judged at the resolution of the arithmetic,"
                         " above rtol/atol\n"), b->n_resolution);
            }
          if (b->n_nonfinite)
            fprintf (stream, _("    %zu analytic values not finite (NaN or infinite): FAIL\n"),
                     b->n_nonfinite);
          print_hints (stream, run, k, name);
        }
    }
  fflush (stream);
  if (ferror (stream))
    GSL_ERROR ("bp_gradcheck_fprintf: the stream cannot be written", GSL_EFAILED);
  return GSL_SUCCESS;
}
