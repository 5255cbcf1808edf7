/* check_model_file.c -- suites bp_model_file_write, bp_model_file_read and
   the versions 2 and 3 (two-layer, convolutional):
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
#include "backprop/bp_cnn.h"
#include "backprop/bp_model_file.h"
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
  expect_refused (path, GSL_EINVAL, "version 2 holds a two-layer network");
  buf[8] = 1;
  buf[20] = 27;  /* rows 27: 27 x 28 != 784 */
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "bad sizes");
  buf[20] = 28;
  buf[12] = 0;   /* no classes */
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "bad sizes");
  buf[12] = 10;
  buf[14] = 1;   /* n = 65546: the length no longer fits; the file is
                    whole (its checksum matches with n = 10), so it is
                    named a corrupt header, not a truncated file (issue 14) */
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "corrupt header: its number of classes is 65546, "
                  "but the file's length (62832 bytes) and checksum show it is 10");
  spit (path, buf, len - 8);   /* and cut as well: nothing says which, "truncated" */
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

/* --- bp_model_file_write_mlp, bp_model_file_read_mlp (version 2) -------- */

/* A 784 -> 16 -> 10 network of activation act, biases nonzero. */
static bp_mlp *
random_mlp (int i, bp_activation act)
{
  gsl_rng *rng = test_rng (i);
  bp_mlp *net = bp_mlp_alloc (784, 16, 10, act);
  bp_mlp_init (net, rng);
  for (size_t k = 0; k < 16; k++)
    gsl_vector_set (net->b1, k, gsl_ran_gaussian (rng, 0.1));
  for (size_t k = 0; k < 10; k++)
    gsl_vector_set (net->b2, k, gsl_ran_gaussian (rng, 0.1));
  gsl_rng_free (rng);
  return net;
}

/* 36 header + 8 (16 x 784 + 16 + 10 x 16 + 10) + 4 CRC = 36 + 101840 + 4 */
#define MLP_FILE_BYTES 101880

static unsigned char *
slurp_mlp (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  ck_assert_ptr_nonnull (f);
  unsigned char *buf = malloc (MLP_FILE_BYTES + 16);
  *len = fread (buf, 1, MLP_FILE_BYTES + 16, f);
  fclose (f);
  return buf;
}

static void
expect_mlp_refused (const char *path, int code, const char *what)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_mlp *net = (bp_mlp *) 1;
  char err[1024] = "";
  ck_assert_int_eq (bp_model_file_read_mlp (path, &net, NULL, NULL, err, sizeof err), code);
  ck_assert_msg (strstr (err, path) == err, "message '%s' does not name %s", err, path);
  ck_assert_msg (strstr (err, what) != NULL, "message '%s' does not say '%s'", err, what);
  ck_assert_ptr_null (net);
  gsl_set_error_handler (old);
}

static double
f64_at (const unsigned char *p)
{
  uint64_t bits = 0;
  double x;
  for (int k = 0; k < 8; k++)
    bits |= (uint64_t) p[k] << (8 * k);
  memcpy (&x, &bits, 8);
  return x;
}

START_TEST (test_mlp_write_layout)
{
  /* the bytes as bp_model_file.h documents version 2 */
  bp_mlp *net = random_mlp (_i, (bp_activation) _i);
  const char *path = tmp_path ("mlp-layout", _i);
  ck_assert_int_eq (bp_model_file_write_mlp (path, net, 28, 28, NULL, 0), GSL_SUCCESS);
  size_t len;
  unsigned char *buf = slurp_mlp (path, &len);
  ck_assert_uint_eq (len, MLP_FILE_BYTES);
  ck_assert_mem_eq (buf, "BPMODEL\n", 8);
  const unsigned char ints[28] = { 2, 0, 0, 0, 10, 0, 0, 0, 0x10, 3, 0, 0, 28, 0, 0, 0,
                                   28, 0, 0, 0, 16, 0, 0, 0, (unsigned char) _i, 0, 0, 0 };
  ck_assert_mem_eq (buf + 8, ints, 28);
  /* W1[0][0] first; b1[15] after the 16 x 784 of W1; W2[0][0] after b1;
     b2[9] last before the CRC */
  ck_assert_double_eq (f64_at (buf + 36), gsl_matrix_get (net->W1, 0, 0));
  ck_assert_double_eq (f64_at (buf + 36 + 8 * (12544 + 15)), gsl_vector_get (net->b1, 15));
  ck_assert_double_eq (f64_at (buf + 36 + 8 * 12560), gsl_matrix_get (net->W2, 0, 0));
  ck_assert_double_eq (f64_at (buf + MLP_FILE_BYTES - 12), gsl_vector_get (net->b2, 9));
  unsigned long c = crc32 (0L, buf, MLP_FILE_BYTES - 4);
  for (int k = 0; k < 4; k++)
    ck_assert_uint_eq (buf[MLP_FILE_BYTES - 4 + k], (c >> (8 * k)) & 0xFF);
  free (buf);
  unlink (path);
  bp_mlp_free (net);
}
END_TEST

START_TEST (test_mlp_round_trip)
{
  /* every activation: the same parameters bit for bit, the same kind */
  bp_mlp *net = random_mlp (10 + _i, (bp_activation) _i), *r;
  size_t rows, cols, layers;
  const char *path = tmp_path ("mlp-trip", _i);
  ck_assert_int_eq (bp_model_file_write_mlp (path, net, 28, 28, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_layers (path, &layers, NULL, 0), GSL_SUCCESS);
  ck_assert_uint_eq (layers, 2);
  ck_assert_int_eq (bp_model_file_read_mlp (path, &r, &rows, &cols, NULL, 0), GSL_SUCCESS);
  ck_assert_uint_eq (r->m, 784);
  ck_assert_uint_eq (r->H, 16);
  ck_assert_uint_eq (r->n, 10);
  ck_assert_int_eq (r->act, net->act);
  ck_assert (gsl_matrix_equal (r->W1, net->W1));
  ck_assert (gsl_vector_equal (r->b1, net->b1));
  ck_assert (gsl_matrix_equal (r->W2, net->W2));
  ck_assert (gsl_vector_equal (r->b2, net->b2));
  ck_assert_uint_eq (rows, 28);
  ck_assert_uint_eq (cols, 28);
  ck_assert_int_eq (count_files (path), 1);
  unlink (path);
  bp_mlp_free (r);
  bp_mlp_free (net);
}
END_TEST

START_TEST (test_mlp_kinds_apart)
{
  /* a one-layer file is version 1 (older programs read it) and is not a
     two-layer network; a two-layer file is not a one-layer classifier */
  gsl_matrix *W;
  gsl_vector *b;
  size_t layers;
  random_model (0, &W, &b);
  bp_mlp *net = random_mlp (0, BP_TANH);
  char one[256], two[256];   /* tmp_path's buffer is reused */
  snprintf (one, sizeof one, "%s", tmp_path ("kind1", 0));
  snprintf (two, sizeof two, "%s", tmp_path ("kind2", 0));
  bp_model_file_write (one, W, b, 28, 28, NULL, 0);
  bp_model_file_write_mlp (two, net, 28, 28, NULL, 0);
  ck_assert_int_eq (bp_model_file_layers (one, &layers, NULL, 0), GSL_SUCCESS);
  ck_assert_uint_eq (layers, 1);
  expect_mlp_refused (one, GSL_EINVAL, "version 1 holds a one-layer classifier");
  expect_refused (two, GSL_EINVAL, "version 2 holds a two-layer network, not a one-layer "
                  "classifier (bp_model_file_read_mlp reads it)");
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  char err[1024];
  ck_assert_int_eq (bp_model_file_layers ("no-such-model", &layers, err, sizeof err),
                    GSL_EFAILED);
  ck_assert_msg (strstr (err, "no-such-model: cannot open") == err, "%s", err);
  gsl_set_error_handler (old);
  unlink (one);
  unlink (two);
  gsl_matrix_free (W);
  gsl_vector_free (b);
  bp_mlp_free (net);
}
END_TEST

START_TEST (test_mlp_write_refused)
{
  /* a non-finite parameter or an image shape that is not m: nothing written */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_mlp *net = random_mlp (1, BP_RELU);
  const char *path = tmp_path ("mlp-bad", 0);
  char err[1024];
  ck_assert_int_eq (bp_model_file_write_mlp (path, net, 28, 27, err, sizeof err), GSL_EBADLEN);
  gsl_matrix_set (net->W2, 3, 4, GSL_POSINF);
  ck_assert_int_eq (bp_model_file_write_mlp (path, net, 28, 28, err, sizeof err), GSL_EDOM);
  ck_assert_msg (strstr (err, "W2 has a value that is not finite"), "%s", err);
  ck_assert_int_eq (access (path, F_OK), -1);
  bp_mlp_free (net);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_mlp_read_corrupt)
{
  bp_mlp *net = random_mlp (2, BP_SIGMOID);
  const char *path = tmp_path ("mlp-flip", 0);
  bp_model_file_write_mlp (path, net, 28, 28, NULL, 0);
  size_t len;
  unsigned char *buf = slurp_mlp (path, &len);
  /* one flipped bit in W1, b1, W2, b2, the CRC: the checksum refuses it */
  const size_t at[] = { 36, 36 + 8 * 12545, 36 + 8 * 12600, MLP_FILE_BYTES - 10,
                        MLP_FILE_BYTES - 1 };
  for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
    {
      buf[at[k]] ^= 0x04;
      spit (path, buf, len);
      expect_mlp_refused (path, GSL_EINVAL, "checksum mismatch");
      buf[at[k]] ^= 0x04;
    }
  /* cut short: before version 1's header, inside version 2's, in the
     parameters; and one byte too many */
  const size_t cuts[] = { 0, 20, 28, 35, 36, 5000, MLP_FILE_BYTES - 1 };
  for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++)
    {
      spit (path, buf, cuts[k]);
      expect_mlp_refused (path, GSL_EINVAL, "truncated model file");
    }
  spit (path, buf, 30);
  expect_mlp_refused (path, GSL_EINVAL, "shorter than the 36-byte header");
  buf[len] = 0;
  spit (path, buf, len + 1);
  expect_mlp_refused (path, GSL_EINVAL, "overlong model file");
  /* headers that lie, under a valid checksum */
  buf[32] = 3;                      /* no activation 3 */
  recrc (buf, len);
  spit (path, buf, len);
  expect_mlp_refused (path, GSL_EINVAL, "bad activation 3");
  buf[32] = 1;
  buf[28] = 0;                      /* H = 0 */
  recrc (buf, len);
  spit (path, buf, len);
  expect_mlp_refused (path, GSL_EINVAL, "no hidden units");
  buf[28] = 17;                     /* H = 17: the length disagrees */
  recrc (buf, len);
  spit (path, buf, len);
  expect_mlp_refused (path, GSL_EINVAL, "truncated model file");
  buf[28] = 16;
  buf[8] = 4;
  spit (path, buf, len);
  expect_mlp_refused (path, GSL_EINVAL, "version 4 is not supported (only 1, 2 and 3)");
  buf[8] = 2;
  memset (buf + 36 + 8 * 12544, 0xFF, 8);   /* b1[0] NaN: parameter 12544 */
  recrc (buf, len);
  spit (path, buf, len);
  expect_mlp_refused (path, GSL_EINVAL, "parameter 12544 is not a finite number");
  free (buf);
  unlink (path);
  bp_mlp_free (net);
}
END_TEST

START_TEST (test_mlp_read_corrupt_field)
{
  /* a whole two-layer file (784 -> 16 -> 10) with one size field changed
     and its checksum left: named a corrupt header, the value the length
     and the checksum show given, for the number of classes (whose
     candidate is count = n (H + 1) + H (m + 1)) and of hidden units
     (count = H (m + 1 + n) + n) */
  bp_mlp *net = random_mlp (1, BP_TANH);
  const char *path = tmp_path ("mlp-field", 0);
  bp_model_file_write_mlp (path, net, 28, 28, NULL, 0);
  size_t len;
  unsigned char *buf = slurp_mlp (path, &len);
  const struct { size_t at; unsigned char lie, truth; const char *what; } f[] = {
    { 12, 11, 10, "number of classes" }, { 28, 17, 16, "number of hidden units" } };
  for (size_t k = 0; k < 2; k++)
    {
      buf[f[k].at] = f[k].lie;
      spit (path, buf, len);
      char want[160];
      snprintf (want, sizeof want, "corrupt header: its %s is %u, but the file's length "
                "(%zu bytes) and checksum show it is %u", f[k].what, f[k].lie, len, f[k].truth);
      expect_mlp_refused (path, GSL_EINVAL, want);
      buf[f[k].at] = f[k].truth;
    }
  free (buf);
  unlink (path);
  bp_mlp_free (net);
}
END_TEST

static Suite *
mlp_file_suite (void)
{
  Suite *s = suite_create ("bp_model_file_read_mlp");
  TCase *tc = tcase_create ("version 2");
  tcase_add_loop_test (tc, test_mlp_write_layout, 0, 3);
  tcase_add_loop_test (tc, test_mlp_round_trip, 0, 3);
  tcase_add_test (tc, test_mlp_kinds_apart);
  tcase_add_test (tc, test_mlp_write_refused);
  tcase_add_test (tc, test_mlp_read_corrupt);
  tcase_add_test (tc, test_mlp_read_corrupt_field);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_model_file_write_cnn, bp_model_file_read_cnn (version 3) -------- */

/* A 28 x 28 -> conv 2 -> conv 3 -> [H] -> 10 network, biases nonzero. */
static bp_cnn *
random_cnn (int i, size_t H)
{
  gsl_rng *rng = test_rng (i);
  bp_cnn *net = bp_cnn_alloc (28, 28, 2, 3, H, 10);
  bp_cnn_init (net, rng);
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    if (b[k].v)
      for (size_t j = 0; j < b[k].v->size; j++)
        gsl_vector_set (b[k].v, j, gsl_ran_gaussian (rng, 0.1));
  gsl_rng_free (rng);
  return net;
}

START_TEST (test_cnn_write_layout)
{
  /* the bytes as bp_model_file.h documents version 3: the header's ten
     integers, K1[0][0] right after it, b4[9] last before the CRC; the
     length from the blocks' sizes (bp_cnn.h), not from bp_cnn_count */
  const size_t H = _i ? 8 : 0, features = 3 * 7 * 7;
  bp_cnn *net = random_cnn (_i, H);
  const char *path = tmp_path ("cnn-layout", _i);
  ck_assert_int_eq (bp_model_file_write_cnn (path, net, NULL, 0), GSL_SUCCESS);
  const size_t count = 2 * 25 + 2 + 3 * 50 + 3 + H * (features + 1)
                       + 10 * ((H ? H : features) + 1);
  const size_t want = 48 + 8 * count + 4;
  FILE *f = fopen (path, "rb");
  ck_assert_ptr_nonnull (f);
  unsigned char *buf = malloc (want + 16);
  const size_t len = fread (buf, 1, want + 16, f);
  fclose (f);
  ck_assert_uint_eq (len, want);
  ck_assert_mem_eq (buf, "BPMODEL\n", 8);
  const unsigned char ints[40] = { 3, 0, 0, 0, 10, 0, 0, 0, 0x10, 3, 0, 0, 28, 0, 0, 0,
                                   28, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
                                   (unsigned char) H, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0 };
  ck_assert_mem_eq (buf + 8, ints, 40);
  ck_assert_double_eq (f64_at (buf + 48), gsl_matrix_get (net->K1, 0, 0));
  ck_assert_double_eq (f64_at (buf + 48 + 8 * 50), gsl_vector_get (net->b1, 0));
  ck_assert_double_eq (f64_at (buf + want - 12), gsl_vector_get (net->b4, 9));
  unsigned long c = crc32 (0L, buf, (uInt) (want - 4));
  for (int k = 0; k < 4; k++)
    ck_assert_uint_eq (buf[want - 4 + k], (c >> (8 * k)) & 0xFF);
  free (buf);
  unlink (path);
  bp_cnn_free (net);
}
END_TEST

START_TEST (test_cnn_round_trip)
{
  /* with and without the hidden layer: the same parameters bit for bit,
     the kind told by bp_model_file_layers (3, 4), and the training state
     read back as written */
  const size_t H = _i ? 8 : 0;
  bp_cnn *net = random_cnn (20 + _i, H), *r;
  const char *path = tmp_path ("cnn-trip", _i);
  const size_t count = bp_cnn_count (net);
  gsl_vector *vel = gsl_vector_alloc (count);
  for (size_t k = 0; k < count; k++)
    gsl_vector_set (vel, k, 1e-3 * (double) k);
  unsigned char rng_state[16] = "sixteen bytes..";
  bp_train_state st = { 2, 5, 64, 100, 7, 0.03, 0.9, 5e-4, vel, sizeof rng_state, rng_state,
                        NULL };
  ck_assert_int_eq (bp_model_file_write_cnn_state (path, net, &st, NULL, 0), GSL_SUCCESS);
  size_t layers, hidden, rows, cols, classes;
  ck_assert_int_eq (bp_model_file_shape (path, &layers, &rows, &cols, &classes, &hidden,
                                         NULL, 0), GSL_SUCCESS);
  ck_assert_uint_eq (layers, H ? 4 : 3);
  ck_assert_uint_eq (hidden, H);
  ck_assert_uint_eq (rows * cols * classes, 28 * 28 * 10);
  ck_assert_int_eq (bp_model_file_read_cnn (path, &r, NULL, 0), GSL_SUCCESS);
  ck_assert (bp_cnn_same_shape (r, net));
  bp_cnn_block a[BP_CNN_MAX_BLOCKS], b[BP_CNN_MAX_BLOCKS];
  const size_t n = bp_cnn_blocks (net, a);
  ck_assert_uint_eq (bp_cnn_blocks (r, b), n);
  for (size_t k = 0; k < n; k++)
    ck_assert_msg (a[k].M ? gsl_matrix_equal (a[k].M, b[k].M) : gsl_vector_equal (a[k].v, b[k].v),
                   "block %s differs", a[k].name);
  bp_train_state got;
  ck_assert_int_eq (bp_model_file_read_state (path, &got, NULL, 0), GSL_SUCCESS);
  ck_assert (gsl_vector_equal (got.velocity, vel));
  ck_assert_uint_eq (got.epoch, 2);
  ck_assert_uint_eq (got.rng_size, sizeof rng_state);
  ck_assert_mem_eq (got.rng_state, rng_state, sizeof rng_state);
  bp_train_state_free (&got);
  /* a velocity of the wrong length is refused, and nothing replaced */
  gsl_vector_view short_vel = gsl_vector_subvector (vel, 0, count - 1);
  st.velocity = &short_vel.vector;
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_model_file_write_cnn_state (path, net, &st, NULL, 0), GSL_EBADLEN);
  gsl_set_error_handler (old);
  bp_cnn_free (r);
  ck_assert_int_eq (bp_model_file_read_cnn (path, &r, NULL, 0), GSL_SUCCESS);
  bp_cnn_free (r);
  unlink (path);
  gsl_vector_free (vel);
  bp_cnn_free (net);
}
END_TEST

START_TEST (test_state_history)
{
  /* state version 2: the history (a row of BP_HISTORY_FIELDS per epoch
     done) read back bit for bit, 8 bytes per figure more than version 1
     and the version field 2; version 1 (no history) still read, with a
     NULL history; a history of the wrong rows refused; the file cut by a
     figure refused */
  bp_cnn *net = random_cnn (31, 0);
  char p1[256], p2[256];   /* tmp_path's buffer is static */
  snprintf (p1, sizeof p1, "%s", tmp_path ("state-v1", 0));
  snprintf (p2, sizeof p2, "%s", tmp_path ("state-v2", 0));
  const size_t count = bp_cnn_count (net);
  gsl_vector *vel = gsl_vector_calloc (count);
  gsl_matrix *hist = gsl_matrix_alloc (3, BP_HISTORY_FIELDS);
  for (size_t k = 0; k < 3 * BP_HISTORY_FIELDS; k++)
    hist->data[k] = 1.0 / (double) (k + 3);
  unsigned char rng_state[16] = "sixteen bytes..";
  bp_train_state st = { 3, 5, 64, 100, 7, 0.03, 0.9, 5e-4, vel, sizeof rng_state,
                        rng_state, NULL };
  ck_assert_int_eq (bp_model_file_write_cnn_state (p1, net, &st, NULL, 0), GSL_SUCCESS);
  st.history = hist;
  ck_assert_int_eq (bp_model_file_write_cnn_state (p2, net, &st, NULL, 0), GSL_SUCCESS);
  struct stat s1, s2;
  ck_assert_int_eq (stat (p1, &s1), 0);
  ck_assert_int_eq (stat (p2, &s2), 0);
  ck_assert_int_eq (s2.st_size - s1.st_size, 8 * 3 * BP_HISTORY_FIELDS);
  /* the state's version: 8 bytes after the state's magic */
  FILE *f = fopen (p2, "rb");
  unsigned char *bytes = malloc ((size_t) s2.st_size);
  ck_assert_uint_eq (fread (bytes, 1, (size_t) s2.st_size, f), (size_t) s2.st_size);
  fclose (f);
  const unsigned char *magic = NULL;
  for (long k = (long) s2.st_size - 8; k >= 0 && magic == NULL; k--)
    if (memcmp (bytes + k, "BPSTATE\n", 8) == 0)
      magic = bytes + k;
  ck_assert (magic != NULL);
  ck_assert_uint_eq (magic[8], 2);
  bp_train_state got;
  ck_assert_int_eq (bp_model_file_read_state (p2, &got, NULL, 0), GSL_SUCCESS);
  ck_assert (got.history != NULL && gsl_matrix_equal (got.history, hist));
  bp_train_state_free (&got);
  ck_assert (got.history == NULL);
  ck_assert_int_eq (bp_model_file_read_state (p1, &got, NULL, 0), GSL_SUCCESS);
  ck_assert (got.history == NULL);
  ck_assert_uint_eq (got.epoch, 3);
  bp_train_state_free (&got);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  /* cut by one figure: the length no longer fits the header and state */
  f = fopen (p2, "wb");
  ck_assert_uint_eq (fwrite (bytes, 1, (size_t) s2.st_size - 8, f), (size_t) s2.st_size - 8);
  fclose (f);
  ck_assert_int_eq (bp_model_file_read_state (p2, &got, NULL, 0), GSL_EINVAL);
  st.epoch = 2;   /* three rows for two epochs */
  ck_assert_int_eq (bp_model_file_write_cnn_state (p2, net, &st, NULL, 0), GSL_EBADLEN);
  gsl_set_error_handler (old);
  free (bytes);
  unlink (p1);
  unlink (p2);
  gsl_matrix_free (hist);
  gsl_vector_free (vel);
  bp_cnn_free (net);
}
END_TEST

START_TEST (test_cnn_write_refused)
{
  /* a NaN parameter: GSL_EDOM, the block named, no file left */
  bp_cnn *net = random_cnn (3, 0);
  gsl_matrix_set (net->K2, 1, 7, GSL_NAN);
  const char *path = tmp_path ("cnn-nan", 0);
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_model_file_write_cnn (path, net, err, sizeof err), GSL_EDOM);
  gsl_set_error_handler (old);
  ck_assert_msg (strstr (err, "K2 has a value that is not finite (element 57)") != NULL, "%s",
                 err);
  ck_assert_int_eq (count_files (path), 0);
  bp_cnn_free (net);
}
END_TEST

static Suite *
cnn_file_suite (void)
{
  Suite *s = suite_create ("bp_model_file_read_cnn");
  TCase *tc = tcase_create ("version 3");
  tcase_add_loop_test (tc, test_cnn_write_layout, 0, 2);
  tcase_add_loop_test (tc, test_cnn_round_trip, 0, 2);
  tcase_add_test (tc, test_state_history);
  tcase_add_test (tc, test_cnn_write_refused);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { write_suite, read_suite, mlp_file_suite,
                                      cnn_file_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
