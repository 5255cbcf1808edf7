/* check_cli.c -- the program's shared helpers (src/cli/cli.c,
   src/cli/data_dir.c), issue 14: numbers parsed strictly, the seed's
   range, the data folder '' refused, the model refused when it is one of
   the data files.  Suite "cli_parse" and "cli_data". */
#include <config.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "cli/cli.h"
#include "cli/data_dir.h"

const char *program_name = "backprop";

void
usage_hint (void)
{
}

START_TEST (test_parse_ulong)
{
  unsigned long v = 7;
  /* refused: each became a number (' -1' was ULONG_MAX, as was
     ' -18446744073709551615' wrapped to 1) */
  const char *bad[] = { "", " 1", " -1", "-1", "+1", "\t2", "1 ", "0x10", "1e3", "12a",
                        " -18446744073709551615", "18446744073709551616", "1.0" };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    {
      ck_assert_msg (parse_ulong (bad[k], &v) == -1, "'%s' accepted", bad[k]);
      ck_assert_uint_eq (v, 7);
    }
  ck_assert_int_eq (parse_ulong ("0", &v), 0);
  ck_assert_uint_eq (v, 0);
  ck_assert_int_eq (parse_ulong ("010", &v), 0);   /* decimal, not octal */
  ck_assert_uint_eq (v, 10);
  ck_assert_int_eq (parse_ulong ("18446744073709551615", &v), 0);
  ck_assert_uint_eq (v, 18446744073709551615ul);
}
END_TEST

START_TEST (test_parse_double)
{
  double x = 7;
  const char *bad[] = { "", " 1", "\t0.5", "1 ", "0x1p3", "-0x1p3", "inf", "nan", "-inf",
                        "1e309", "1e-400", "abc", ".", "+", "1,5", "e5" };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    {
      ck_assert_msg (parse_double (bad[k], &x) == -1, "'%s' accepted", bad[k]);
      ck_assert (x == 7);
    }
  /* the smallest positive doubles are numbers (1e-310 was refused as
     "not positive": strtod's ERANGE) */
  ck_assert_int_eq (parse_double ("1e-310", &x), 0);
  ck_assert (x > 0 && x < DBL_MIN);
  ck_assert_int_eq (parse_double ("4.9406564584124654e-324", &x), 0);
  ck_assert (x > 0 && x / 2 == 0);   /* the least positive double */
  ck_assert_int_eq (parse_double ("-.5", &x), 0);
  ck_assert (x == -0.5);
  ck_assert_int_eq (parse_double ("+2.5e1", &x), 0);
  ck_assert (x == 25);
  ck_assert_int_eq (parse_double ("1.7976931348623157e308", &x), 0);
  ck_assert (x == DBL_MAX);
}
END_TEST

START_TEST (test_parse_seed)
{
  unsigned long s = 7;
  /* 0 is mt19937's 4357, and 2^32 + 1 was seed 1 again: refused */
  const char *bad[] = { "0", "4294967296", "4294967297", "18446744073709551615", " 1",
                        "-1" };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    ck_assert_msg (parse_seed (bad[k], &s) == -1, "'%s' accepted", bad[k]);
  ck_assert_uint_eq (s, 7);
  ck_assert_int_eq (parse_seed ("1", &s), 0);
  ck_assert_uint_eq (s, 1);
  ck_assert_int_eq (parse_seed ("4294967295", &s), 0);
  ck_assert_uint_eq (s, 4294967295ul);
  /* the range is the generator's: every seed in it gives its own
     stream, its ends included */
  gsl_rng *a = gsl_rng_alloc (gsl_rng_mt19937), *b = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (a, SEED_MIN);
  gsl_rng_set (b, SEED_MAX);
  ck_assert (gsl_rng_get (a) != gsl_rng_get (b));
  gsl_rng_set (a, 0);
  gsl_rng_set (b, 4357);
  ck_assert (gsl_rng_get (a) == gsl_rng_get (b));   /* why 0 is refused */
  gsl_rng_free (a);
  gsl_rng_free (b);
}
END_TEST

START_TEST (test_data_dir_empty)
{
  ck_assert_ptr_null (data_dir ("train", ""));
  ck_assert_str_eq (data_dir ("train", "x"), "x");
}
END_TEST

START_TEST (test_data_protect)
{
  /* the data files under any name are refused as the model; others not */
  const char *dir = test_data_dir ();
  char path[4096], lnk[256], hard[256];
  snprintf (path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
  ck_assert_int_eq (data_protect ("train", dir, path), -1);
  snprintf (path, sizeof path, "%s/./train-labels-idx1-ubyte.gz", dir);
  ck_assert_int_eq (data_protect ("train", dir, path), -1);
  snprintf (lnk, sizeof lnk, "cli-test-%ld-link", (long) getpid ());
  snprintf (path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir);
  ck_assert_int_eq (symlink (path, lnk), 0);
  ck_assert_int_eq (data_protect ("train", dir, lnk), -1);
  unlink (lnk);
  snprintf (hard, sizeof hard, "cli-test-%ld-hard", (long) getpid ());
  if (link (path, hard) == 0)   /* another file system: no hard link */
    {
      ck_assert_int_eq (data_protect ("train", dir, hard), -1);
      unlink (hard);
    }
  ck_assert_int_eq (data_protect ("train", dir, "cli-test-no-such-model"), 0);
  snprintf (path, sizeof path, "%s/README", dir);
  ck_assert_int_eq (data_protect ("train", dir, path), 0);
}
END_TEST

static Suite *
parse_suite (void)
{
  Suite *s = suite_create ("cli_parse");
  TCase *tc = tcase_create ("numbers");
  tcase_add_test (tc, test_parse_ulong);
  tcase_add_test (tc, test_parse_double);
  tcase_add_test (tc, test_parse_seed);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
data_suite (void)
{
  Suite *s = suite_create ("cli_data");
  TCase *tc = tcase_create ("paths");
  tcase_add_test (tc, test_data_dir_empty);
  tcase_add_test (tc, test_data_protect);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { parse_suite, data_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
