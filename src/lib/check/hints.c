/* hints.c -- the likely bug behind a pattern of failing elements;
   derivations/00-numeric-check.md, eq. (0.14) */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include "lib/check/rules.h"
#include "lib/check/hints.h"
#include "lib/check/shape.h"

/* x agrees with y (numeric, estimate err) by the one comparison */
static int
near (double x, double y, double err, double rtol, double atol)
{
  bp_gradcheck_element el;
  core_compare (x, y, err, rtol, atol, &el);
  return el.status != BP_GRADCHECK_ELEMENT_FAIL;
}

static int
bad (const bp_gradcheck_block_result *b, size_t i, size_t j)
{
  const unsigned char s = gsl_matrix_uchar_get (b->mask, i, j);
  return s == BP_GRADCHECK_ELEMENT_FAIL || s == BP_GRADCHECK_ELEMENT_INCONCLUSIVE;
}

#define A(i, j) gsl_matrix_get (b->analytic, (i), (j))
#define E(i, j) gsl_matrix_get (b->numeric, (i), (j))
#define ERR(i, j) gsl_matrix_get (b->abserr, (i), (j))

/* a_ij = e_ji at every failing (i, j) of a square array */
static int
transposed (const bp_gradcheck_block_result *b, double rtol, double atol)
{
  if (b->analytic->size1 != b->analytic->size2)
    return 0;
  for (size_t i = 0; i < b->analytic->size1; i++)
    for (size_t j = 0; j < b->analytic->size2; j++)
      if (bad (b, i, j) && !near (A (i, j), E (j, i), ERR (j, i), rtol, atol))
        return 0;
  return 1;
}

/* e = c a at every failing element, for the c of the FAILing element
   (beyond the noise) with the largest |a|; c is neither 1 nor -1; returns c or 0 */
static double
factor (const bp_gradcheck_block_result *b, double rtol, double atol)
{
  double amax = 0.0, c = 0.0;
  for (size_t i = 0; i < b->analytic->size1; i++)
    for (size_t j = 0; j < b->analytic->size2; j++)
      if (gsl_matrix_uchar_get (b->mask, i, j) == BP_GRADCHECK_ELEMENT_FAIL
          && fabs (A (i, j)) > amax && isfinite (E (i, j)))
        {
          amax = fabs (A (i, j));
          c = E (i, j) / A (i, j);
        }
  if (!(amax > atol) || !isfinite (c) || c == 0.0
      || fabs (c - 1.0) < 1e-3 || fabs (c + 1.0) < 1e-3)
    return 0.0;
  for (size_t i = 0; i < b->analytic->size1; i++)
    for (size_t j = 0; j < b->analytic->size2; j++)
      if (bad (b, i, j) && !near (c * A (i, j), E (i, j), ERR (i, j), rtol, atol))
        return 0.0;
  return c;
}

/* a = -e, e not 0, at every failing element */
static int
negated (const bp_gradcheck_block_result *b, double rtol, double atol)
{
  for (size_t i = 0; i < b->analytic->size1; i++)
    for (size_t j = 0; j < b->analytic->size2; j++)
      if (bad (b, i, j) && (!(fabs (E (i, j)) > atol)
                            || !near (A (i, j), -E (i, j), ERR (i, j), rtol, atol)))
        return 0;
  return 1;
}

/* a[p] = e[p + s] (cyclically) at all failing p but at most one, where p
   runs along a row (jacobian) or the block in row-major order */
static int
shifted (const bp_gradcheck_block_result *b, long s, int jacobian, size_t n_bad,
         double rtol, double atol)
{
  const size_t r = b->analytic->size1, c = b->analytic->size2;
  const size_t len = jacobian ? c : r * c;
  size_t match = 0;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      if (bad (b, i, j))
        {
          const size_t p = jacobian ? j : i * c + j;
          const size_t q = s > 0 ? (p + 1) % len : (p + len - 1) % len;
          const size_t qi = jacobian ? i : q / c, qj = jacobian ? q : q % c;
          match += near (A (i, j), E (qi, qj), ERR (qi, qj), rtol, atol) ? 1u : 0u;
        }
  return match >= 2 && match + 1 >= n_bad;
}

/* a_p = e[p mod r, p div r] at every failing p of a non-square r x c
   block: the c x r transpose's memory read row-major as r x c */
static int
relaid (const bp_gradcheck_block_result *b, double rtol, double atol)
{
  const size_t r = b->analytic->size1, c = b->analytic->size2;
  if (r == c || r < 2 || c < 2)
    return 0;
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      {
        const size_t p = i * c + j, ei = p % r, ej = p / r;
        if (bad (b, i, j) && !near (A (i, j), E (ei, ej), ERR (ei, ej), rtol, atol))
          return 0;
      }
  return 1;
}

/* a = 0 exactly at every failing element (each FAILs or is INCONCLUSIVE
   beyond its estimate, so e is not 0 there): a gradient never written */
static int
zeroed (const bp_gradcheck_block_result *b)
{
  for (size_t i = 0; i < b->analytic->size1; i++)
    for (size_t j = 0; j < b->analytic->size2; j++)
      if (bad (b, i, j) && A (i, j) != 0.0)
        return 0;
  return 1;
}

/* e = 0 within its estimate, a not 0, at every failing element: the
   derivative vanishes there and the analytic side does not */
static int
masked (const bp_gradcheck_block_result *b, double rtol, double atol)
{
  for (size_t i = 0; i < b->analytic->size1; i++)
    for (size_t j = 0; j < b->analytic->size2; j++)
      if (bad (b, i, j) && (A (i, j) == 0.0 || !near (0.0, E (i, j), ERR (i, j), rtol, atol)))
        return 0;
  return 1;
}

/* a passing element outside indices lo to hi of axis d whose numeric
   value is not 0 within its estimate: the gradient lives outside the
   range too (a mean's missing factor fails wherever it is not 0, which
   is no part of the block) */
static int
alive_outside (const bp_gradcheck_block_result *b, const size_t *dims, size_t rank,
               size_t d, size_t lo, size_t hi, double rtol, double atol)
{
  size_t idx[BP_GRADCHECK_MAX_RANK];
  for (size_t i = 0; i < b->rows; i++)
    for (size_t j = 0; j < b->cols; j++)
      {
        shape_unravel (dims, rank, i * b->cols + j, idx);
        if ((idx[d] < lo || idx[d] > hi) && !bad (b, i, j)
            && !near (0.0, E (i, j), ERR (i, j), rtol, atol))
          return 1;
      }
  return 0;
}

/* along the last axis (of length L >= 3), each row holding a failing
   element holds two, p and q, with a_p + a_q = e_p + e_q within their
   estimates: the term due at one index went to the other */
static int
moved (const bp_gradcheck_block_result *b, double rtol, double atol)
{
  size_t dims[BP_GRADCHECK_MAX_RANK];
  const size_t rank = shape_dims (b, dims), L = dims[rank - 1], n = b->rows * b->cols;
  if (L < 3)
    return 0;
  const double *a = b->analytic->data, *e = b->numeric->data, *u = b->abserr->data;
  size_t rows = 0;
  for (size_t r = 0; r < n; r += L)
    {
      size_t at[3], k = 0;
      for (size_t p = r; p < r + L; p++)
        if (bad (b, p / b->cols, p % b->cols) && k < 3)
          at[k++] = p;
      if (k == 0)
        continue;
      if (k != 2 || !near (a[at[0]] + a[at[1]], e[at[0]] + e[at[1]], u[at[0]] + u[at[1]],
                           rtol, atol))
        return 0;
      rows++;
    }
  return rows > 0;
}

/* the failing elements (n_bad >= 2, not all) in one index of an axis
   (HINT_EDGE at an end, else HINT_SLICE), or at the two ends of one
   (HINT_EDGE, index NONE); the first such axis */
static void
located (bp_gradcheck_block_result *b, size_t n_bad, double rtol, double atol)
{
  size_t dims[BP_GRADCHECK_MAX_RANK], idx[BP_GRADCHECK_MAX_RANK];
  size_t first[BP_GRADCHECK_MAX_RANK], lo[BP_GRADCHECK_MAX_RANK], hi[BP_GRADCHECK_MAX_RANK];
  unsigned char *hit[BP_GRADCHECK_MAX_RANK] = { NULL };
  int same[BP_GRADCHECK_MAX_RANK], edge[BP_GRADCHECK_MAX_RANK], seen = 0;
  double part = 1.0;
  const size_t rank = shape_dims (b, dims);
  if (n_bad < 2 || n_bad >= b->rows * b->cols)
    return;
  for (size_t d = 0; d < rank; d++)
    {
      same[d] = edge[d] = 1;
      hit[d] = calloc (dims[d], 1);
      if (!hit[d])
        goto done;              /* no hint rather than a wrong one */
    }
  for (size_t i = 0; i < b->rows; i++)
    for (size_t j = 0; j < b->cols; j++)
      if (bad (b, i, j))
        {
          shape_unravel (dims, rank, i * b->cols + j, idx);
          for (size_t d = 0; d < rank; d++)
            {
              if (!seen)
                first[d] = lo[d] = hi[d] = idx[d];
              same[d] &= idx[d] == first[d];
              lo[d] = idx[d] < lo[d] ? idx[d] : lo[d];
              hi[d] = idx[d] > hi[d] ? idx[d] : hi[d];
              hit[d][idx[d]] = 1;
              edge[d] &= idx[d] == 0 || idx[d] + 1 == dims[d];
            }
          seen = 1;
        }
  for (size_t d = 0; d < rank; d++)
    if (dims[d] >= 2 && same[d])
      {
        const int end = first[d] == 0 || first[d] + 1 == dims[d];
        b->hints |= end ? BP_GRADCHECK_HINT_EDGE : BP_GRADCHECK_HINT_SLICE;
        b->hint_axis = d;
        b->hint_index = first[d];
        goto done;
      }
  for (size_t d = 0; d < rank; d++)
    if (dims[d] >= 3 && edge[d])
      {
        b->hints |= BP_GRADCHECK_HINT_EDGE;
        b->hint_axis = d;
        b->hint_index = BP_GRADCHECK_NONE;
        goto done;
      }
  /* HINT_RANGE: the axis (of 4 or more) whose failures fill the smallest
     part of it, a run of consecutive indices each failing somewhere, at
     most 2/3 of the axis (attention's fused q, k, v), where the gradient
     is not 0 everywhere outside it */
  for (size_t d = 0; d < rank; d++)
    {
      const size_t len = hi[d] - lo[d] + 1;
      int full = 1;
      for (size_t q = lo[d]; q <= hi[d]; q++)
        full &= hit[d][q];
      if (dims[d] >= 4 && full && 3 * len <= 2 * dims[d]
          && (double) len / (double) dims[d] < part
          && alive_outside (b, dims, rank, d, lo[d], hi[d], rtol, atol))
        {
          part = (double) len / (double) dims[d];
          b->hints |= BP_GRADCHECK_HINT_RANGE;
          b->hint_axis = d;
          b->hint_index = lo[d];
          b->hint_last = hi[d];
        }
    }
done:
  for (size_t d = 0; d < rank; d++)
    free (hit[d]);
}

void
hints_find (bp_gradcheck_block_result *b, double rtol, double atol, int jacobian)
{
  b->hints = 0;
  b->factor = 0.0;
  b->shift = 0;
  b->hint_axis = b->hint_index = b->hint_last = 0;
  b->factor_axes = 1;
  b->sum_block = b->sum_axis = b->sum_index = b->sum_count = 0;
  b->factor_block = b->factor_axis = BP_GRADCHECK_NONE;
  if (!b->analytic || !b->mask)
    return;
  const size_t n_bad = b->n_failed + b->n_inconclusive;
  if (b->n_failed == 0)
    return;        /* never from differences within the noise, eq. (0.6) */
  if (n_bad >= 2 && transposed (b, rtol, atol))
    b->hints |= BP_GRADCHECK_HINT_TRANSPOSE;
  if (negated (b, rtol, atol))
    b->hints |= BP_GRADCHECK_HINT_SIGN;
  else if (n_bad >= 2 && (b->factor = factor (b, rtol, atol)) != 0.0)
    b->hints |= BP_GRADCHECK_HINT_FACTOR;
  for (long s = 1; s >= -1 && n_bad >= 2; s -= 2)
    if (shifted (b, s, jacobian, n_bad, rtol, atol))
      {
        b->hints |= BP_GRADCHECK_HINT_SHIFT;
        b->shift = s;
        break;
      }
  if (n_bad == 1 && b->rows * b->cols > 1)
    b->hints |= BP_GRADCHECK_HINT_ONE;
  if (zeroed (b))
    b->hints |= BP_GRADCHECK_HINT_ZERO;
  else if (masked (b, rtol, atol))
    b->hints |= BP_GRADCHECK_HINT_MASK;
  if (!jacobian)
    {
      if (n_bad >= 2 && moved (b, rtol, atol))
        b->hints |= BP_GRADCHECK_HINT_MOVED;
      located (b, n_bad, rtol, atol);
      if (n_bad >= 2 && relaid (b, rtol, atol))
        b->hints |= BP_GRADCHECK_HINT_LAYOUT;
    }
}

/* the block of x's numeric gradient along axis d (stride: the elements
   between its neighbours) whose slices sum to b's numeric one, each
   element to within its estimates: b broadcast over x's other axes */
static int
broadcast (const bp_gradcheck_block_result *b, const bp_gradcheck_block_result *x,
           size_t stride, double rtol, double atol)
{
  const size_t n = b->rows * b->cols, size = x->rows * x->cols;
  const double *E = x->numeric->data, *U = x->abserr->data;
  for (size_t j = 0; j < n; j++)
    {
      double s = 0.0, err = 0.0;
      for (size_t outer = 0; outer < size; outer += n * stride)
        for (size_t p = outer + j * stride; p < outer + (j + 1) * stride; p++)
          {
            s += E[p];
            err += U[p];
          }
      if (!isfinite (s)
          || !near (s, b->numeric->data[j], b->abserr->data[j] + err, rtol, atol))
        return 0;
    }
  return 1;
}

/* b's analytic gradient = the slice of x's numeric gradient along the
   axis of stride stride from its element q, at every failing element */
static int
slice_equal (const bp_gradcheck_block_result *b, const bp_gradcheck_block_result *x,
             size_t q, size_t stride, double rtol, double atol)
{
  for (size_t j = 0; j < b->rows * b->cols; j++)
    if (bad (b, j / b->cols, j % b->cols)
        && !near (b->analytic->data[j], x->numeric->data[q + j * stride],
                  x->abserr->data[q + j * stride], rtol, atol))
      return 0;
  return 1;
}

/* the first element of the first slice of x along the axis of stride
   stride that b's analytic gradient equals, or NONE */
static size_t
one_slice (const bp_gradcheck_block_result *b, const bp_gradcheck_block_result *x,
           size_t stride, double rtol, double atol)
{
  const size_t n = b->rows * b->cols, size = x->rows * x->cols;
  for (size_t outer = 0; outer < size; outer += n * stride)
    for (size_t q = outer; q < outer + stride; q++)
      if (slice_equal (b, x, q, stride, rtol, atol))
        return q;
  return BP_GRADCHECK_NONE;
}

/* HINT_SUM for b: another block x of the run with an axis of b's length
   (as many elements, and more) along which b is broadcast; analytic = one
   slice of x's numeric gradient there, numeric = their sum */
static void
summed (bp_gradcheck_block_result *block, size_t n_blocks, size_t k, double rtol,
        double atol)
{
  bp_gradcheck_block_result *b = &block[k];
  const size_t n = b->rows * b->cols;
  for (size_t l = 0; l < n_blocks; l++)
    {
      const bp_gradcheck_block_result *x = &block[l];
      if (l == k || !x->numeric || !x->abserr || x->rows * x->cols <= n)
        continue;
      size_t dims[BP_GRADCHECK_MAX_RANK], stride = x->rows * x->cols;
      const size_t rank = shape_dims (x, dims);
      for (size_t d = 0; d < rank; d++)
        {
          stride /= dims[d];
          if (dims[d] != n || !broadcast (b, x, stride, rtol, atol))
            continue;
          const size_t q = one_slice (b, x, stride, rtol, atol);
          if (q == BP_GRADCHECK_NONE)
            continue;
          b->hints |= BP_GRADCHECK_HINT_SUM;
          b->sum_block = l;
          b->sum_axis = d;
          b->sum_index = q;
          return;
        }
    }
}

/* HINT_FACTOR's c or 1/c, an integer n >= 2 (to 1e-3, the factor
   hint's own margin): the first axis of length n, of b's own block k
   first, then of the others (the batch size of an input block?); else
   the first run of consecutive axes whose lengths multiply to n (a mean
   over B T of a B x T x V block) */
static void
factor_axis (bp_gradcheck_block_result *block, size_t n_blocks, size_t k)
{
  bp_gradcheck_block_result *b = &block[k];
  for (size_t span = 1; span <= BP_GRADCHECK_MAX_RANK; span++)
    for (int inv = 0; inv < 2; inv++)
      {
        const double v = inv ? 1.0 / fabs (b->factor) : fabs (b->factor);
        const double len = nearbyint (v);
        if (!(len >= 2.0) || fabs (v - len) > 1e-3 * len)
          continue;
        for (size_t i = 0; i < n_blocks; i++)
          {
            const size_t l = (k + i) % n_blocks;
            size_t dims[BP_GRADCHECK_MAX_RANK];
            const size_t rank = shape_dims (&block[l], dims);
            for (size_t d = 0; d + span <= rank; d++)
              {
                double p = 1.0;
                int ones = 0;
                for (size_t e = d; e < d + span; e++)
                  {
                    p *= (double) dims[e];
                    ones |= dims[e] < 2;
                  }
                if (p == len && (span == 1 || !ones))
                  {
                    b->factor_block = l;
                    b->factor_axis = d;
                    b->factor_axes = span;
                    return;
                  }
              }
          }
      }
}

void
hints_across (bp_gradcheck_run *run, size_t n_blocks, double rtol, double atol,
              int jacobian)
{
  for (size_t k = 0; k < n_blocks; k++)
    {
      bp_gradcheck_block_result *b = &run->block[k];
      if (b->hints & BP_GRADCHECK_HINT_FACTOR)
        factor_axis (run->block, n_blocks, k);
      if (!jacobian && b->n_failed > 0 && b->analytic && b->numeric && b->abserr
          && b->mask)
        summed (run->block, n_blocks, k, rtol, atol);
      run->hints |= b->hints;
    }
}

/* dy's element (r, j) read as R x n (t 0) or n x R (t 1) */
static double
dy_at (const double *dy, size_t R, size_t n, int t, size_t r, size_t j)
{
  return t ? dy[j * R + r] : dy[r * n + j];
}

/* HINT_SUM in the VJP form, L = <dy, F>: a block of n elements broadcast
   over R = m / n rows (columns) of the output (a bias) has the numeric
   gradient sum_r dy(r, j); the analytic one is one row (column) r of dy
   at every failing j when the backward took one row, not their sum. */
void
hints_vjp (bp_gradcheck_run *run, size_t n_blocks, const double *dy, size_t m,
           double rtol, double atol)
{
  for (size_t k = 0; k < n_blocks; k++)
    {
      bp_gradcheck_block_result *b = &run->block[k];
      const size_t n = b->rows * b->cols, R = n ? m / n : 0;
      if (b->n_failed == 0 || !b->analytic || !b->numeric || !b->abserr || !b->mask
          || R < 2 || R * n != m || (b->hints & BP_GRADCHECK_HINT_SUM))
        continue;
      for (int t = 0; t < 2 && !(b->hints & BP_GRADCHECK_HINT_SUM); t++)
        {
          int sums = 1;
          for (size_t j = 0; sums && j < n; j++)
            {
              double s = 0.0;
              for (size_t r = 0; r < R; r++)
                s += dy_at (dy, R, n, t, r, j);
              sums = near (s, b->numeric->data[j], b->abserr->data[j], rtol, atol);
            }
          for (size_t r = 0; sums && r < R; r++)
            {
              int one = 1;
              for (size_t j = 0; one && j < n; j++)
                one = !bad (b, j / b->cols, j % b->cols)
                      || near (b->analytic->data[j], dy_at (dy, R, n, t, r, j),
                               b->abserr->data[j], rtol, atol);
              if (one)
                {
                  b->hints |= BP_GRADCHECK_HINT_SUM;
                  b->sum_block = BP_GRADCHECK_NONE;
                  b->sum_axis = (size_t) t;
                  b->sum_index = r;
                  b->sum_count = R;
                  break;
                }
            }
        }
      run->hints |= b->hints;
    }
}
