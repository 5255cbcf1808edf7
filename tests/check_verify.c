/* check_verify.c -- suite verify: the table of `backprop verify'
   (src/verify/verify.c) reports what bp_gradcheck finds, row by row: on
   a small seeded example every row passes; with no tolerance at all every
   row compared with a numeric oracle does not (no difference is exact),
   the exact comparison of slide 17 still does, and the count returned is
   the count printed.  The same for the fast mode, the activations and the
   two-layer network. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"
#include "verify/verify.h"

/* The report's lines ending in word, and those naming a worst element. */
static size_t
lines_ending (const char *text, const char *word)
{
  size_t count = 0, len = strlen (word);
  for (const char *l = text; l && *l; l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
    {
      const char *end = strchr (l, '\n');
      size_t n = end ? (size_t) (end - l) : strlen (l);
      if (n >= len + 1 && l[n - len - 1] == ' ' && strncmp (l + n - len, word, len) == 0)
        count++;
    }
  return count;
}

static size_t
count_of (const char *text, const char *needle)
{
  size_t count = 0;
  for (const char *p = strstr (text, needle); p; p = strstr (p + 1, needle))
    count++;
  return count;
}

/* A small example of the slides' model (n = 4 classes, a 3 x 5 image:
   W 4 x 15), seeded, soft labels: the table's mechanism at a size that
   stays quick under valgrind; tests/verify.sh runs the default one. */
enum { N = 4, ROWS = 3, COLS = 5, M = ROWS * COLS };

static example *
small_example (gsl_rng **rng)
{
  *rng = gsl_rng_alloc (gsl_rng_mt19937);
  ck_assert_ptr_nonnull (*rng);
  gsl_rng_set (*rng, 1);
  example *ex = example_alloc (N, ROWS, COLS, 0.5, LABELS_SOFT, *rng);
  ck_assert_ptr_nonnull (ex);
  return ex;
}

/* The partials column of the row of function. */
static size_t
partials_of (const char *text, const char *function)
{
  const char *p = strstr (text, function);
  size_t k = 0;
  ck_assert_ptr_nonnull (p);
  ck_assert_int_eq (sscanf (p + strlen (function), "%zu", &k), 1);
  return k;
}

/* verify_run or verify_run_fast (directions > 0) into a string */
static char *
table (const example *ex, size_t directions, gsl_rng *rng, double tol, int *failed)
{
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);
  ck_assert_ptr_nonnull (out);
  *failed = directions ? verify_run_fast (ex, directions, rng, tol, tol, out)
    : verify_run (ex, tol, tol, out);
  fclose (out);
  return text;
}

START_TEST (test_table_passes)
{
  gsl_rng *rng;
  example *ex = small_example (&rng);
  int failed;
  char *text = table (ex, _i ? 16 : 0, rng, BP_CHECK_RTOL, &failed);
  ck_assert_int_eq (failed, 0);
  ck_assert_uint_eq (partials_of (text, "bp_linear_grad_weights"), _i ? 16 : N * M);
  ck_assert_uint_eq (lines_ending (text, "PASS"), 9);
  ck_assert_uint_eq (count_of (text, "worst element"), 0);
  free (text);
  example_free (ex);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_no_tolerance_no_pass)
{
  /* rtol = atol = 0: the 8 rows against an oracle are INCONCLUSIVE or
     FAIL, each with its worst element; the chain row is exact */
  gsl_rng *rng;
  example *ex = small_example (&rng);
  int failed;
  char *text = table (ex, _i ? 16 : 0, rng, 0.0, &failed);
  ck_assert_int_eq (failed, 8);
  ck_assert_uint_eq (lines_ending (text, "PASS"), 1);
  ck_assert_uint_eq (lines_ending (text, "FAIL") + lines_ending (text, "INCONCLUSIVE"), 8);
  ck_assert_uint_eq (count_of (text, "worst element"), 8);
  /* each worst-element line counts the elements that did not pass */
  ck_assert_uint_eq (count_of (text, "; 0 of "), 0);
  ck_assert_uint_eq (partials_of (text, "bp_model_backward"), N * M + N + M);
  free (text);
  example_free (ex);
  gsl_rng_free (rng);
}
END_TEST

START_TEST (test_other_groups_no_tolerance)
{
  /* the activations' 6 rows and a two-layer network's 5, both oracles */
  gsl_rng *rng;
  example *ex = small_example (&rng);
  mlp_example *mx = mlp_example_alloc (N, 6, ROWS, COLS, BP_TANH, LABELS_SOFT, rng);
  gsl_vector *z = gsl_vector_alloc (16);
  ck_assert_ptr_nonnull (mx);
  ck_assert_ptr_nonnull (z);
  for (size_t i = 0; i < 16; i++)
    gsl_vector_set (z, i, (i % 2 ? -1.0 : 1.0) * (0.1 + 4.9 * gsl_rng_uniform (rng)));
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);
  ck_assert_ptr_nonnull (out);
  verify_opts o = { VERIFY_BOTH, BP_CHECK_RTOL, BP_CHECK_ATOL, BP_CSTEP_RTOL, BP_CSTEP_ATOL,
                    out, 0, rng, 2 };
  ck_assert_int_eq (verify_activations (z, &o), 0);
  ck_assert_int_eq (verify_mlp (mx, &o), 0);
  o.rtol = o.atol = o.cs_rtol = o.cs_atol = 0.0;
  ck_assert_int_eq (verify_activations (z, &o), 6);
  ck_assert_int_eq (verify_mlp (mx, &o), 5);
  fclose (out);
  ck_assert_uint_eq (lines_ending (text, "PASS"), 11);
  free (text);
  gsl_vector_free (z);
  mlp_example_free (mx);
  example_free (ex);
  gsl_rng_free (rng);
}
END_TEST

static Suite *
verify_suite (void)
{
  Suite *s = suite_create ("verify");
  TCase *tc = tcase_create ("table");
  tcase_set_timeout (tc, 120);
  /* _i: 0 full, 1 fast */
  tcase_add_loop_test (tc, test_table_passes, 0, 2);
  tcase_add_loop_test (tc, test_no_tolerance_no_pass, 0, 2);
  tcase_add_test (tc, test_other_groups_no_tolerance);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  static Suite *(*const suites[]) (void) = { verify_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
