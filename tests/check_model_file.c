/* check_model_file.c -- suites bp_model_file_write and bp_model_file_read:
   the documented layout, round trips, atomic replacement, and refusal of
   every truncated, corrupt or inconsistent file. */
#include <config.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"

/* 8 magic + 5 x 4 header + 8 (10 x 784 + 10) + 4 CRC = 28 + 62800 + 4 */
#define SLIDES_FILE_BYTES 62832

static char *
tmp_path (const char *name, int k)
{
  static char path[256];
  snprintf (path, sizeof path, "model-test-%ld-%s-%d", (long) getpid (), name, k);
  return path;
}

static void
random_model (int i, gsl_matrix **W, gsl_vector **b)
{
  gsl_rng *rng = test_rng (i);
  *W = gsl_matrix_alloc (10, 784);
  *b = gsl_vector_alloc (10);
  for (size_t k = 0; k < 7840; k++)
    (*W)->data[k] = gsl_ran_gaussian (rng, 0.1);
  for (size_t k = 0; k < 10; k++)
    gsl_vector_set (*b, k, 2 * gsl_rng_uniform (rng) - 1);
  gsl_rng_free (rng);
}

static unsigned char *
slurp (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  ck_assert_ptr_nonnull (f);
  unsigned char *buf = malloc (SLIDES_FILE_BYTES + 16);
  *len = fread (buf, 1, SLIDES_FILE_BYTES + 16, f);
  fclose (f);
  return buf;
}

static void
spit (const char *path, const unsigned char *buf, size_t len)
{
  FILE *f = fopen (path, "wb");
  ck_assert_ptr_nonnull (f);
  ck_assert_uint_eq (fwrite (buf, 1, len, f), len);
  fclose (f);
}

/* Store a fresh CRC-32 over buf[0 .. len-4) at its end, little-endian. */
static void
recrc (unsigned char *buf, size_t len)
{
  unsigned long c = crc32 (0L, buf, (uInt) (len - 4));
  for (int k = 0; k < 4; k++)
    buf[len - 4 + k] = (unsigned char) (c >> (8 * k));
}

static void
expect_refused (const char *path, int code, const char *what)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W = (gsl_matrix *) 1;
  gsl_vector *b = (gsl_vector *) 1;
  char err[1024] = "";
  ck_assert_int_eq (bp_model_file_read (path, &W, &b, NULL, NULL, err, sizeof err), code);
  ck_assert_msg (strstr (err, path) == err, "message '%s' does not name %s", err, path);
  ck_assert_msg (strstr (err, what) != NULL, "message '%s' does not say '%s'", err, what);
  ck_assert_ptr_null (W);
  ck_assert_ptr_null (b);
  gsl_set_error_handler (old);
}

/* Files in the current folder whose name starts with prefix. */
static int
count_files (const char *prefix)
{
  DIR *d = opendir (".");
  struct dirent *e;
  int count = 0;
  while ((e = readdir (d)) != NULL)
    count += strncmp (e->d_name, prefix, strlen (prefix)) == 0;
  closedir (d);
  return count;
}

/* --- bp_model_file_write ------------------------------------------------ */

START_TEST (test_write_layout)
{
  /* the bytes as bp_model_file.h documents them */
  gsl_matrix *W;
  gsl_vector *b;
  random_model (_i, &W, &b);
  const char *path = tmp_path ("layout", _i);
  ck_assert_int_eq (bp_model_file_write (path, W, b, 28, 28, NULL, 0), GSL_SUCCESS);
  size_t len;
  unsigned char *buf = slurp (path, &len);
  ck_assert_uint_eq (len, SLIDES_FILE_BYTES);
  ck_assert_mem_eq (buf, "BPMODEL\n", 8);
  const unsigned char ints[20] = { 1, 0, 0, 0, 10, 0, 0, 0, 0x10, 3, 0, 0,
                                   28, 0, 0, 0, 28, 0, 0, 0 };  /* 784 = 0x310 */
  ck_assert_mem_eq (buf + 8, ints, 20);
  /* W[0][0] and b[9], little-endian binary64 */
  double w00 = 0, b9 = 0;
  unsigned char le[8];
  for (int k = 0; k < 8; k++)
    le[k] = buf[28 + k];
  uint64_t bits = 0;
  for (int k = 0; k < 8; k++)
    bits |= (uint64_t) le[k] << (8 * k);
  memcpy (&w00, &bits, 8);
  bits = 0;
  for (int k = 0; k < 8; k++)
    bits |= (uint64_t) buf[28 + 8 * 7849 + k] << (8 * k);
  memcpy (&b9, &bits, 8);
  ck_assert_double_eq (w00, gsl_matrix_get (W, 0, 0));
  ck_assert_double_eq (b9, gsl_vector_get (b, 9));
  unsigned long c = crc32 (0L, buf, SLIDES_FILE_BYTES - 4);
  for (int k = 0; k < 4; k++)
    ck_assert_uint_eq (buf[SLIDES_FILE_BYTES - 4 + k], (c >> (8 * k)) & 0xFF);
  free (buf);
  unlink (path);
  gsl_matrix_free (W);
  gsl_vector_free (b);
}
END_TEST

START_TEST (test_write_replaces_atomically)
{
  /* a second write replaces the first whole, and leaves no temporary */
  gsl_matrix *W1, *W2, *R;
  gsl_vector *b1, *b2, *rb;
  random_model (1, &W1, &b1);
  random_model (2, &W2, &b2);
  const char *path = tmp_path ("replace", 0);
  ck_assert_int_eq (bp_model_file_write (path, W1, b1, 28, 28, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_write (path, W2, b2, 28, 28, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_read (path, &R, &rb, NULL, NULL, NULL, 0), GSL_SUCCESS);
  ck_assert (gsl_matrix_equal (R, W2));
  ck_assert (gsl_vector_equal (rb, b2));
  ck_assert_int_eq (count_files (path), 1);   /* path itself, no path.XXXXXX */
  unlink (path);
  gsl_matrix_free (W1);
  gsl_matrix_free (W2);
  gsl_matrix_free (R);
  gsl_vector_free (b1);
  gsl_vector_free (b2);
  gsl_vector_free (rb);
}
END_TEST

START_TEST (test_write_failures)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_matrix *W;
  gsl_vector *b;
  char err[1024];
  random_model (3, &W, &b);
  /* no such folder */
  ck_assert_int_eq (bp_model_file_write ("no-such-dir/m", W, b, 28, 28, err, sizeof err),
                    GSL_EFAILED);
  ck_assert_msg (strstr (err, "no-such-dir/m") == err, "%s", err);
  /* the rename fails (the target is a non-empty folder): the temporary
     file is removed and the folder untouched */
  const char *dir = tmp_path ("dir", 0);
  char inner[300];
  ck_assert_int_eq (mkdir (dir, 0777), 0);
  snprintf (inner, sizeof inner, "%s/keep", dir);
  spit (inner, (const unsigned char *) "x", 1);
  ck_assert_int_eq (bp_model_file_write (dir, W, b, 28, 28, err, sizeof err), GSL_EFAILED);
  ck_assert_msg (strstr (err, "cannot save"), "%s", err);
  ck_assert_int_eq (count_files (dir), 1);
  unlink (inner);
  rmdir (dir);
  /* bad shapes and non-finite values are refused, nothing written */
  const char *path = tmp_path ("bad", 0);
  ck_assert_int_eq (bp_model_file_write (path, W, b, 28, 27, err, sizeof err), GSL_EBADLEN);
  gsl_matrix_set (W, 4, 5, GSL_NAN);
  ck_assert_int_eq (bp_model_file_write (path, W, b, 28, 28, err, sizeof err), GSL_EDOM);
  ck_assert_int_eq (access (path, F_OK), -1);
  gsl_set_error_handler (old);
  gsl_matrix_free (W);
  gsl_vector_free (b);
}
END_TEST

static Suite *
write_suite (void)
{
  Suite *s = suite_create ("bp_model_file_write");
  TCase *tc = tcase_create ("write");
  tcase_add_loop_test (tc, test_write_layout, 0, 2);
  tcase_add_test (tc, test_write_replaces_atomically);
  tcase_add_test (tc, test_write_failures);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_model_file_read ------------------------------------------------- */

START_TEST (test_read_round_trip)
{
  gsl_matrix *W, *R;
  gsl_vector *b, *rb;
  size_t rows, cols;
  random_model (_i, &W, &b);
  const char *path = tmp_path ("trip", _i);
  ck_assert_int_eq (bp_model_file_write (path, W, b, 28, 28, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_read (path, &R, &rb, &rows, &cols, NULL, 0), GSL_SUCCESS);
  ck_assert (gsl_matrix_equal (R, W));
  ck_assert (gsl_vector_equal (rb, b));
  ck_assert_uint_eq (rows, 28);
  ck_assert_uint_eq (cols, 28);
  unlink (path);
  gsl_matrix_free (W);
  gsl_matrix_free (R);
  gsl_vector_free (b);
  gsl_vector_free (rb);
}
END_TEST

START_TEST (test_read_truncated)
{
  /* every cut: inside the header, and inside the parameters or checksum */
  const size_t cuts[] = { 0, 1, 7, 8, 27, 28, 29, 1000, SLIDES_FILE_BYTES - 5,
                          SLIDES_FILE_BYTES - 1 };
  gsl_matrix *W;
  gsl_vector *b;
  random_model (0, &W, &b);
  const char *path = tmp_path ("cut", 0);
  bp_model_file_write (path, W, b, 28, 28, NULL, 0);
  size_t len;
  unsigned char *buf = slurp (path, &len);
  for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++)
    {
      spit (path, buf, cuts[k]);
      expect_refused (path, GSL_EINVAL, "truncated model file");
    }
  /* one byte too many */
  buf[len] = 0;
  spit (path, buf, len + 1);
  expect_refused (path, GSL_EINVAL, "overlong model file");
  free (buf);
  unlink (path);
  gsl_matrix_free (W);
  gsl_vector_free (b);
}
END_TEST

START_TEST (test_read_corrupt)
{
  /* one flipped bit anywhere after the header: the checksum refuses it */
  const size_t at[] = { 28, 29, 5000, 62827, SLIDES_FILE_BYTES - 1 };
  gsl_matrix *W;
  gsl_vector *b;
  random_model (0, &W, &b);
  const char *path = tmp_path ("flip", 0);
  bp_model_file_write (path, W, b, 28, 28, NULL, 0);
  size_t len;
  unsigned char *buf = slurp (path, &len);
  for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
    {
      buf[at[k]] ^= 0x10;
      spit (path, buf, len);
      expect_refused (path, GSL_EINVAL, "checksum mismatch");
      buf[at[k]] ^= 0x10;
    }
  /* a header that lies: bad magic, version, sizes */
  buf[0] = 'X';
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "not a backprop model file");
  buf[0] = 'B';
  buf[8] = 2;
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "version 2 is not supported");
  buf[8] = 1;
  buf[20] = 27;  /* rows 27: 27 x 28 != 784 */
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "bad sizes");
  buf[20] = 28;
  buf[12] = 0;   /* no classes */
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "bad sizes");
  buf[12] = 10;
  buf[14] = 1;   /* n = 65546: the length no longer fits */
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "truncated model file");
  buf[14] = 0;
  /* a NaN under a valid checksum */
  memset (buf + 28 + 8 * 3, 0xFF, 8);
  recrc (buf, len);
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "parameter 3 is not a finite number");
  expect_refused ("no-such-model", GSL_EFAILED, "cannot open");
  free (buf);
  unlink (path);
  gsl_matrix_free (W);
  gsl_vector_free (b);
}
END_TEST

static Suite *
read_suite (void)
{
  Suite *s = suite_create ("bp_model_file_read");
  TCase *tc = tcase_create ("read");
  tcase_add_loop_test (tc, test_read_round_trip, 0, 3);
  tcase_add_test (tc, test_read_truncated);
  tcase_add_test (tc, test_read_corrupt);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { write_suite, read_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
