/* fuzz_softmax.c -- fuzz harness (and the template for new ones, see
   fuzz.h) of the softmax and its losses: bp_softmax,
   bp_softmax_cross_entropy, bp_softmax_cross_entropy_grad and
   bp_cross_entropy on arbitrary logits and labels, NaN, infinities,
   subnormals and +-DBL_MAX included.

   Input: byte 0 gives n = 1 + (byte mod 16) and, in its top bit, whether
   the labels get a wrong size (n + 1); then n logits and n labels as raw
   doubles (missing bytes are zeros).

   Properties, from the headers (bp_softmax.h, bp_cross_entropy.h):
   - finite v: y is a distribution (0 <= y_i <= 1, sum 1 within 1e-12);
     otherwise GSL_EDOM and y is left as it was;
   - finite v and labels >= 0: bp_softmax_cross_entropy is >= 0, never NaN
     (+inf allowed: the true loss can exceed DBL_MAX);
   - bp_softmax_cross_entropy_grad succeeds exactly when the labels sum to
     1 within 1e-9, and then gives y - labels;
   - a wrong size is GSL_EBADLEN (NaN for the losses). */
#include <config.h>
#include <math.h>
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_init ();
  return 0;
}

/* 1 when every element of v is finite */
static int
all_finite (const gsl_vector *v)
{
  for (size_t i = 0; i < v->size; i++)
    if (!isfinite (gsl_vector_get (v, i)))
      return 0;
  return 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t head;
  fuzz_take (&data, &size, &head, 1);
  const size_t n = 1 + (size_t) (head % 16);
  const int wrong = (head & 0x80) != 0;
  gsl_vector *v = gsl_vector_alloc (n), *y = gsl_vector_alloc (n);
  gsl_vector *g = gsl_vector_alloc (n), *l = gsl_vector_calloc (n + (wrong ? 1 : 0));
  for (size_t i = 0; i < n; i++)
    {
      double x;
      fuzz_take (&data, &size, &x, sizeof x);
      gsl_vector_set (v, i, x);
    }
  for (size_t i = 0; i < n; i++)
    {
      double x;
      fuzz_take (&data, &size, &x, sizeof x);
      gsl_vector_set (l, i, x);
    }

  /* bp_softmax */
  gsl_vector_set_all (y, 7.0);
  const int st = bp_softmax (v, y);
  if (all_finite (v))
    {
      FUZZ_ASSERT (st == GSL_SUCCESS);
      double sum = 0.0;
      for (size_t i = 0; i < n; i++)
        {
          const double yi = gsl_vector_get (y, i);
          FUZZ_ASSERT (yi >= 0.0 && yi <= 1.0);
          sum += yi;
        }
      FUZZ_ASSERT (fabs (sum - 1.0) <= 1e-12);
    }
  else
    {
      FUZZ_ASSERT (st == GSL_EDOM);
      for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT (gsl_vector_get (y, i) == 7.0);
    }

  /* bp_softmax_cross_entropy and bp_cross_entropy */
  const double L = bp_softmax_cross_entropy (l, v);
  if (wrong)
    FUZZ_ASSERT (isnan (L));
  else if (all_finite (v) && all_finite (l))
    {
      int nonneg = 1;
      for (size_t i = 0; i < n; i++)
        nonneg &= gsl_vector_get (l, i) >= 0.0;
      if (nonneg)   /* mixed signs may meet inf - inf when |v| ~ DBL_MAX */
        {
          FUZZ_ASSERT (L >= 0.0);   /* false for NaN too */
          FUZZ_ASSERT (!isnan (bp_cross_entropy (l, y)));
        }
    }
  else
    FUZZ_ASSERT (isnan (L));

  /* bp_softmax_cross_entropy_grad, on y when bp_softmax gave one */
  if (st == GSL_SUCCESS)
    {
      double sum = 0.0;
      for (size_t i = 0; i < l->size; i++)
        sum += gsl_vector_get (l, i);
      const int sg = bp_softmax_cross_entropy_grad (l, y, g);
      if (wrong)
        FUZZ_ASSERT (sg == GSL_EBADLEN);
      else if (fabs (sum - 1.0) <= 1e-9)
        {
          FUZZ_ASSERT (sg == GSL_SUCCESS);
          for (size_t i = 0; i < n; i++)
            FUZZ_ASSERT (gsl_vector_get (g, i)
                         == gsl_vector_get (y, i) - gsl_vector_get (l, i));
        }
      else
        FUZZ_ASSERT (sg == GSL_EDOM);
    }

  gsl_vector_free (v);
  gsl_vector_free (y);
  gsl_vector_free (g);
  gsl_vector_free (l);
  return 0;
}
