/* check_idx.c -- suites bp_idx_read, bp_dataset_read and bp_dataset_batch:
   IDX files, plain and gzip'd, well-formed and malformed (each made here,
   byte by byte), and the small Fashion-MNIST subset of tests/data. */
#include <config.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <zlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix_float.h>
#include "lib/formulas/float.h"
#include "testutil.h"

/* --- making files ---------------------------------------------------- */

/* A fresh path in the build directory for test number k of name. */
static char *
tmp_path (const char *name, int k, int gz)
{
  static char path[256];
  snprintf (path, sizeof path, "idx-%ld-%s-%d%s", (long) getpid (), name, k,
            gz ? ".gz" : "");
  return path;
}

static void
write_bytes (const char *path, const unsigned char *bytes, size_t len, int gz)
{
  if (gz)
    {
      gzFile f = gzopen (path, "wb");
      ck_assert_ptr_nonnull (f);
      if (len > 0)
        ck_assert_int_eq (gzwrite (f, bytes, (unsigned) len), (int) len);
      ck_assert_int_eq (gzclose (f), Z_OK);
    }
  else
    {
      FILE *f = fopen (path, "wb");
      ck_assert_ptr_nonnull (f);
      ck_assert_uint_eq (fwrite (bytes, 1, len, f), len);
      ck_assert_int_eq (fclose (f), 0);
    }
}

/* An IDX header: 0 0 type d, then the d sizes big-endian; returns its length. */
static size_t
header (unsigned char *h, unsigned type, size_t d, const unsigned long *dims)
{
  h[0] = 0;
  h[1] = 0;
  h[2] = (unsigned char) type;
  h[3] = (unsigned char) d;
  for (size_t k = 0; k < d; k++)
    for (size_t j = 0; j < 4; j++)
      h[4 + 4 * k + j] = (unsigned char) (dims[k] >> (8 * (3 - j)));
  return 4 + 4 * d;
}

/* An images file of count x rows x cols with pixel p = (p * 7) % 256,
   cut to len bytes (or with extra trailing bytes) as asked. */
static size_t
images_file (unsigned char *buf, unsigned long count, unsigned long rows,
             unsigned long cols)
{
  const unsigned long dims[3] = { count, rows, cols };
  size_t len = header (buf, 0x08, 3, dims);
  for (size_t p = 0; p < count * rows * cols; p++)
    buf[len++] = (unsigned char) (p * 7 % 256);
  return len;
}

/* The process's open file descriptors (/proc/self/fd; 0 without it). */
static size_t
open_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  size_t n = 0;
  if (d == NULL)
    return 0;
  while (readdir (d) != NULL)
    n++;
  closedir (d);
  return n;
}

/* Read path expecting failure with code, and a message naming the file
   and containing what; the file is closed again (no descriptor left). */
static void
expect_error (const char *path, size_t ndims, int code, const char *what)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_idx idx;
  char err[1024] = "";
  const size_t fds = open_fds ();
  ck_assert_int_eq (bp_idx_read (path, ndims, &idx, err, sizeof err), code);
  ck_assert_uint_eq (open_fds (), fds);
  ck_assert_msg (strstr (err, path) == err, "message '%s' does not start with the file %s",
                 err, path);
  ck_assert_msg (strstr (err, what) != NULL, "message '%s' does not say '%s'", err, what);
  ck_assert_ptr_null (idx.data);
  gsl_set_error_handler (old);
}

/* --- bp_idx_read ------------------------------------------------------ */

START_TEST (test_idx_read_valid)
{
  /* _i = 0 plain, 1 gzip'd: the same 3 x 2 x 5 file reads back exactly */
  unsigned char buf[64];
  const size_t len = images_file (buf, 3, 2, 5);
  const char *path = tmp_path ("valid", _i, _i);
  write_bytes (path, buf, len, _i);
  bp_idx idx;
  char err[256];
  ck_assert_int_eq (bp_idx_read (path, 3, &idx, err, sizeof err), GSL_SUCCESS);
  ck_assert_uint_eq (idx.ndims, 3);
  ck_assert_uint_eq (idx.dims[0], 3);
  ck_assert_uint_eq (idx.dims[1], 2);
  ck_assert_uint_eq (idx.dims[2], 5);
  ck_assert_uint_eq (idx.size, 30);
  ck_assert_mem_eq (idx.data, buf + 16, 30);
  bp_idx_free (&idx);
  ck_assert_ptr_null (idx.data);
  unlink (path);
}
END_TEST

START_TEST (test_idx_read_large_payload)
{
  /* more than one read chunk (1 MiB) and a growing buffer: 3 x 700 x 700 */
  const size_t len = 16 + 3 * 700 * 700;
  unsigned char *buf = malloc (len);
  images_file (buf, 3, 700, 700);
  const char *path = tmp_path ("large", _i, _i);
  write_bytes (path, buf, len, _i);
  bp_idx idx;
  ck_assert_int_eq (bp_idx_read (path, 3, &idx, NULL, 0), GSL_SUCCESS);
  ck_assert_uint_eq (idx.size, len - 16);
  ck_assert_mem_eq (idx.data, buf + 16, len - 16);
  bp_idx_free (&idx);
  /* and with 10 bytes after it: refused, the buffer grown to the payload
     alone, not past it.  Mutant: idx_payload()'s growth `idx->size - cap
     < cap` as `idx->size + cap` (2 MiB asked for 1.47: the trailing bytes
     of the plain file read into the payload, the file accepted) */
  unlink (path);
  unsigned char *more = malloc (len + 10);
  memcpy (more, buf, len);
  memset (more + len, 0, 10);
  write_bytes (path, more, len + 10, _i);
  /* (gzip'd, the trailer's length refuses it first) */
  expect_error (path, 3, GSL_EINVAL, _i ? "the gzip trailer gives" : "trailing bytes");
  free (more);
  free (buf);
  unlink (path);
}
END_TEST

START_TEST (test_idx_read_missing)
{
  expect_error ("no-such-dir/no-such-file.gz", 3, GSL_EFAILED, "cannot open");
}
END_TEST

/* Each malformed file, plain (_i even) and gzip'd (_i odd). */
START_TEST (test_idx_read_malformed)
{
  const int gz = _i % 2;
  unsigned char buf[256];
  size_t len;
  char *path;
  unsigned long dims[4];

  /* an empty file */
  path = tmp_path ("empty", _i, gz);
  write_bytes (path, buf, 0, gz);
  expect_error (path, 3, GSL_EINVAL, "truncated IDX header");
  unlink (path);

  /* wrong magic: a PGM file is not an IDX file */
  path = tmp_path ("magic", _i, gz);
  memcpy (buf, "P5\n28 28\n255\n", 13);
  write_bytes (path, buf, 13, gz);
  expect_error (path, 3, GSL_EINVAL, "not an IDX file");
  unlink (path);

  /* the magic's first byte alone not 0 (the second is) */
  path = tmp_path ("magic0", _i, gz);
  dims[0] = 2, dims[1] = 28, dims[2] = 28;
  len = header (buf, 0x08, 3, dims);
  buf[0] = 1;
  write_bytes (path, buf, len, gz);
  expect_error (path, 3, GSL_EINVAL, "not an IDX file (magic number starts 0x0100");
  unlink (path);

  /* the magic number alone: none of the sizes (read_full gives 0 bytes,
     not an error) */
  path = tmp_path ("magiconly", _i, gz);
  len = header (buf, 0x08, 3, dims);
  write_bytes (path, buf, 4, gz);
  expect_error (path, 3, GSL_EINVAL, "truncated IDX header (4 of 16 bytes)");
  unlink (path);

  /* another data type: 0x0D, float */
  path = tmp_path ("type", _i, gz);
  dims[0] = 1;
  len = header (buf, 0x0D, 1, dims);
  memset (buf + len, 0, 4);
  write_bytes (path, buf, len + 4, gz);
  expect_error (path, 1, GSL_EINVAL, "data type 0x0d is not supported");
  unlink (path);

  /* a labels file read as images: wrong number of dimensions */
  path = tmp_path ("ndims", _i, gz);
  dims[0] = 2;
  len = header (buf, 0x08, 1, dims);
  buf[len++] = 1;
  buf[len++] = 2;
  write_bytes (path, buf, len, gz);
  expect_error (path, 3, GSL_EINVAL, "has 1 dimensions, expected 3");
  unlink (path);

  /* the sizes cut short */
  path = tmp_path ("shorthead", _i, gz);
  dims[0] = 2, dims[1] = 28, dims[2] = 28;
  len = header (buf, 0x08, 3, dims);
  write_bytes (path, buf, len - 3, gz);
  expect_error (path, 3, GSL_EINVAL, "truncated IDX header (13 of 16 bytes)");
  unlink (path);

  /* a zero size */
  path = tmp_path ("zero", _i, gz);
  dims[0] = 2, dims[1] = 0, dims[2] = 28;
  write_bytes (path, buf, header (buf, 0x08, 3, dims), gz);
  expect_error (path, 3, GSL_EINVAL, "size 2 of the IDX header is 0");
  unlink (path);

  /* sizes whose product overflows size_t: (2^32 - 1)^3 > 2^64 */
  path = tmp_path ("overflow", _i, gz);
  dims[0] = dims[1] = dims[2] = 0xFFFFFFFFul;
  write_bytes (path, buf, header (buf, 0x08, 3, dims), gz);
  expect_error (path, 3, GSL_EINVAL, "overflow");
  unlink (path);

  /* sizes whose product is SIZE_MAX exactly, (2^32 + 1)(2^32 - 1) = 2^64
     - 1 with 2^32 + 1 = 641 x 6700417: no overflow, the payload is what
     is missing */
  if (SIZE_MAX == 0xFFFFFFFFFFFFFFFFull)
    {
      path = tmp_path ("sizemax", _i, gz);
      dims[0] = 641, dims[1] = 6700417, dims[2] = 0xFFFFFFFFul;
      write_bytes (path, buf, header (buf, 0x08, 3, dims), gz);
      expect_error (path, 3, GSL_EINVAL, "truncated payload: 0 of the 18446744073709551615 bytes");
      unlink (path);
    }

  /* a huge announced payload (65535^3 bytes, 2.8e14) over 4 real bytes:
     reported as truncated, without allocating what the header claims */
  path = tmp_path ("huge", _i, gz);
  dims[0] = dims[1] = dims[2] = 65535;
  len = header (buf, 0x08, 3, dims);
  memset (buf + len, 9, 4);
  write_bytes (path, buf, len + 4, gz);
  expect_error (path, 3, GSL_EINVAL, "truncated payload: 4 of the 281462092005375 bytes");
  unlink (path);

  /* the payload cut short: 2 x 3 x 3 = 18 bytes announced, 17 given */
  path = tmp_path ("shortpay", _i, gz);
  len = images_file (buf, 2, 3, 3);
  write_bytes (path, buf, len - 1, gz);
  expect_error (path, 3, GSL_EINVAL, "truncated payload: 17 of the 18 bytes");
  unlink (path);

  /* trailing bytes after the payload */
  path = tmp_path ("trailing", _i, gz);
  len = images_file (buf, 2, 3, 3);
  buf[len++] = 0;
  write_bytes (path, buf, len, gz);
  expect_error (path, 3, GSL_EINVAL, "trailing bytes");
  unlink (path);
}
END_TEST

/* A gzip'd file cut short, and one with a corrupt byte: an error, never
   a crash or a quietly short read. */
START_TEST (test_idx_read_corrupt_gzip)
{
  const size_t raw_len = 16 + 4 * 28 * 28;
  unsigned char *raw = malloc (raw_len);
  images_file (raw, 4, 28, 28);
  const char *path = tmp_path ("gz", _i, 1);
  write_bytes (path, raw, raw_len, 1);
  FILE *f = fopen (path, "rb");
  unsigned char gz[8192];
  const size_t gz_len = fread (gz, 1, sizeof gz, f);
  fclose (f);
  ck_assert (gz_len > 40 && gz_len < sizeof gz);
  if (_i == 0)
    {
      /* cut in the middle of the compressed stream */
      f = fopen (path, "wb");
      fwrite (gz, 1, gz_len / 2, f);
      fclose (f);
      expect_error (path, 3, GSL_EINVAL, "truncated payload");
    }
  else
    {
      /* a flipped byte in the CRC-32 of the gzip trailer: every byte of
         the payload arrives, then zlib finds the checksum wrong */
      gz[gz_len - 6] ^= 0xFF;
      f = fopen (path, "wb");
      fwrite (gz, 1, gz_len, f);
      fclose (f);
      expect_error (path, 3, GSL_EINVAL, "incorrect data check");
    }
  free (raw);
  unlink (path);
}
END_TEST

/* A gzip'd images file: the header of dims over real payload bytes, zeros
   (zeros = 1: what a gzip bomb holds) or a pseudo-random sequence that
   deflate cannot shrink; returns the header's length plus the payload it
   announces. */
static size_t
gzip_claim_file (const char *path, const unsigned long dims[3], size_t real, int zeros)
{
  unsigned char head[16], chunk[65536];
  const size_t head_len = header (head, 0x08, 3, dims);
  gzFile f = gzopen (path, "wb");
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (gzwrite (f, head, (unsigned) head_len), (int) head_len);
  uint32_t x = 12345;
  for (size_t done = 0; done < real; done += sizeof chunk)
    {
      const size_t n = real - done < sizeof chunk ? real - done : sizeof chunk;
      for (size_t j = 0; j < n; j++)
        chunk[j] = zeros ? 0 : (unsigned char) ((x = x * 1664525u + 1013904223u) >> 24);
      ck_assert_int_eq (gzwrite (f, chunk, (unsigned) n), (int) n);
    }
  ck_assert_int_eq (gzclose (f), Z_OK);
  return head_len + dims[0] * dims[1] * dims[2];
}

/* A gzip'd file whose header claims more than its stream holds is refused
   before the payload's buffer grows beyond its first chunk (1 MiB), so
   the refusal names the claim, not the bytes read up to the end:
   _i = 0: 10^9 bytes claimed over 2 MiB of zeros, more than deflate's
           1032:1 lets the file hold;
   _i = 1: 2 MiB claimed over 1.5 MiB that do not compress, which the
           file could hold but its gzip trailer (ISIZE) denies;
   _i = 2: 3 MiB claimed and given, but the trailer's ISIZE changed. */
START_TEST (test_idx_read_gzip_claims)
{
  const char *path = tmp_path ("claim", _i, 1);
  const unsigned long dims[3][3] = { { 1000, 1000, 1000 }, { 2, 1024, 1024 },
                                     { 3, 1024, 1024 } };
  const size_t real[3] = { 2 << 20, 3 << 19, 3 << 20 };
  const size_t claim = gzip_claim_file (path, dims[_i], real[_i], _i == 0);
  char what[128];
  if (_i == 0)
    snprintf (what, sizeof what, "the header announces %zu bytes, more than the",
              claim - 16);
  else
    snprintf (what, sizeof what, "not the %zu of the header and the payload", claim);
  if (_i == 2)
    {
      FILE *f = fopen (path, "r+b");
      ck_assert_ptr_nonnull (f);
      ck_assert_int_eq (fseek (f, -4, SEEK_END), 0);
      const int b = fgetc (f);
      ck_assert_int_eq (fseek (f, -4, SEEK_END), 0);
      ck_assert_int_eq (fputc (b ^ 1, f), b ^ 1);
      ck_assert_int_eq (fclose (f), 0);
    }
  expect_error (path, 3, GSL_EINVAL, what);
  unlink (path);
}
END_TEST

/* A file where a sparse file of 2^61 bytes can be made (tmpfs: /dev/shm;
   ext4 stops at 16 TiB) into path (PATH_MAX); 0 when none can. */
static int
sparse_path (char *path, size_t len, const char *name)
{
  const char *dirs[] = { ".", getenv ("TMPDIR"), "/dev/shm", "/tmp" };
  for (size_t k = 0; k < sizeof dirs / sizeof dirs[0]; k++)
    {
      if (dirs[k] == NULL)
        continue;
      snprintf (path, len, "%s/idx-%ld-%s.gz", dirs[k], (long) getpid (), name);
      FILE *f = fopen (path, "wb");
      if (f == NULL)
        continue;
      const int ok = ftruncate (fileno (f), (off_t) 1 << 61) == 0;
      fclose (f);
      if (ok)
        return 1;
      unlink (path);
    }
  return 0;
}

/* The bound of the claim test (gzip_claim_holds, which runs once the
   payload outgrows its first 1 MiB): a gzip'd file of more than
   UINTMAX_MAX / 1032 bytes could hold any claim, and its size times 1032
   (deflate's most) would wrap, so that test is left out and the trailer's
   ISIZE alone is compared.  A sparse file of 2^61 bytes: the gzip stream
   of an images file of 1 x 1024 x 1025 zeros (16 + 1 049 600 bytes), a
   hole of zeros (zlib ignores what follows a gzip stream when it is not
   another one) and that length, the ISIZE, in its last 4 bytes: it
   reads.  Mutant: the bound UINTMAX_MAX / 1032 as UINTMAX_MAX * 1032
   (2^64 - 1032, wrapped): 2^61 1032 = 129 2^64 wraps to 0 bytes the
   file "can hold", and the payload is refused. */
START_TEST (test_idx_read_gzip_beyond_the_bound)
{
  char path[4096];
  if (!sparse_path (path, sizeof path, "sparse"))
    {
      fprintf (stderr, "test_idx_read_gzip_beyond_the_bound: not checked, no file "
               "system here holds a sparse file of 2^61 bytes\n");
      return;
    }
  const char *small = tmp_path ("sparse-stream", 0, 1);
  const unsigned long dims[3] = { 1, 1024, 1025 };
  const size_t total = gzip_claim_file (small, dims, (size_t) 1024 * 1025, 1);
  ck_assert_uint_eq (total, 16 + 1049600);
  unsigned char gz[16384];
  FILE *f = fopen (small, "rb");
  ck_assert_ptr_nonnull (f);
  const size_t gz_len = fread (gz, 1, sizeof gz, f);
  fclose (f);
  unlink (small);
  ck_assert (gz_len > 18 && gz_len < sizeof gz);
  const unsigned char isize[4] = { total & 0xff, (total >> 8) & 0xff, (total >> 16) & 0xff,
                                   (total >> 24) & 0xff };
  f = fopen (path, "r+b");
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (pwrite (fileno (f), gz, gz_len, 0), (ssize_t) gz_len);
  ck_assert_int_eq (pwrite (fileno (f), isize, 4, ((off_t) 1 << 61) - 4), 4);
  fclose (f);
  bp_idx idx;
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const int status = bp_idx_read (path, 3, &idx, err, sizeof err);
  gsl_set_error_handler (old);
  unlink (path);
  ck_assert_msg (status == GSL_SUCCESS, "%s", err);
  ck_assert_uint_eq (idx.size, 1049600);
  ck_assert_uint_eq (idx.data[0] | idx.data[1049599], 0);
  bp_idx_free (&idx);
}
END_TEST

/* ndims outside 1 to BP_IDX_MAX_DIMS is refused as such, before the
   file is read: a valid 3-dimension file asked for 0 or 5 dimensions.
   Mutant: idx_open()'s `ndims < 1 || ndims > BP_IDX_MAX_DIMS` as `&&`
   (never refused: the file's "has 3 dimensions, expected 0" instead) */
START_TEST (test_idx_read_bad_ndims)
{
  unsigned char buf[64];
  const size_t len = images_file (buf, 3, 2, 5);
  const char *path = tmp_path ("ndims", 0, 0);
  write_bytes (path, buf, len, 0);
  expect_error (path, 0, GSL_EINVAL, "cannot read IDX files of 0 dimensions");
  expect_error (path, BP_IDX_MAX_DIMS + 1, GSL_EINVAL, "cannot read IDX files of 5 dimensions");
  unlink (path);
  /* and BP_IDX_MAX_DIMS, 2 x 1 x 2 x 3, is read.  Mutant: `ndims >
     BP_IDX_MAX_DIMS` as `>=` (refused) */
  const unsigned long dims[BP_IDX_MAX_DIMS] = { 2, 1, 2, 3 };
  size_t n = header (buf, 0x08, BP_IDX_MAX_DIMS, dims);
  for (unsigned p = 0; p < 12; p++)
    buf[n++] = (unsigned char) (p + 1);
  write_bytes (path, buf, n, 0);
  bp_idx idx;
  char err[256] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const int status = bp_idx_read (path, BP_IDX_MAX_DIMS, &idx, err, sizeof err);
  gsl_set_error_handler (old);
  ck_assert_msg (status == GSL_SUCCESS, "%s", err);
  ck_assert_uint_eq (idx.ndims, BP_IDX_MAX_DIMS);
  for (size_t k = 0; k < BP_IDX_MAX_DIMS; k++)
    ck_assert_uint_eq (idx.dims[k], dims[k]);
  ck_assert_uint_eq (idx.size, 12);
  ck_assert_mem_eq (idx.data, buf + n - 12, 12);
  bp_idx_free (&idx);
  unlink (path);
}
END_TEST

static Suite *
idx_read_suite (void)
{
  Suite *s = suite_create ("bp_idx_read");
  TCase *tc = tcase_create ("files");
  tcase_add_loop_test (tc, test_idx_read_valid, 0, 2);
  tcase_add_loop_test (tc, test_idx_read_large_payload, 0, 2);
  tcase_add_test (tc, test_idx_read_missing);
  tcase_add_loop_test (tc, test_idx_read_malformed, 0, 2);
  tcase_add_loop_test (tc, test_idx_read_corrupt_gzip, 0, 2);
  tcase_add_loop_test (tc, test_idx_read_gzip_claims, 0, 3);
  tcase_add_test (tc, test_idx_read_gzip_beyond_the_bound);
  tcase_add_test (tc, test_idx_read_bad_ndims);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_dataset_read -------------------------------------------------- */

static void
labels_file (const char *path, const unsigned char *labels, unsigned long count)
{
  unsigned char buf[64];
  const size_t len = header (buf, 0x08, 1, &count);
  memcpy (buf + len, labels, count);
  write_bytes (path, buf, len + count, 1);
}

START_TEST (test_dataset_read_valid)
{
  unsigned char buf[64], labels[3] = { 9, 0, 4 };
  char images_path[256], labels_path[256];
  snprintf (images_path, sizeof images_path, "%s", tmp_path ("dsi", 0, 0));
  snprintf (labels_path, sizeof labels_path, "%s", tmp_path ("dsl", 0, 1));
  write_bytes (images_path, buf, images_file (buf, 3, 2, 2), 0);
  labels_file (labels_path, labels, 3);
  bp_dataset d;
  ck_assert_int_eq (bp_dataset_read (images_path, labels_path, 10, &d, NULL, 0),
                    GSL_SUCCESS);
  ck_assert_uint_eq (d.count, 3);
  ck_assert_uint_eq (d.rows, 2);
  ck_assert_uint_eq (d.cols, 2);
  ck_assert_uint_eq (d.n_classes, 10);
  ck_assert_mem_eq (d.labels, labels, 3);
  ck_assert_mem_eq (d.images, buf + 16, 12);
  bp_dataset_free (&d);
  unlink (images_path);
  unlink (labels_path);
}
END_TEST

START_TEST (test_dataset_read_disagree)
{
  /* _i = 0: 3 images, 2 labels; _i = 1: a label 10 with 10 classes */
  unsigned char buf[64], labels[3] = { 1, 10, 2 };
  char images_path[256], labels_path[256], err[1024];
  snprintf (images_path, sizeof images_path, "%s", tmp_path ("dai", _i, 0));
  snprintf (labels_path, sizeof labels_path, "%s", tmp_path ("dal", _i, 1));
  write_bytes (images_path, buf, images_file (buf, 3, 2, 2), 0);
  if (_i == 0)
    labels[1] = 3;
  labels_file (labels_path, labels, _i == 0 ? 2 : 3);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_dataset d;
  ck_assert_int_eq (bp_dataset_read (images_path, labels_path, 10, &d, err, sizeof err),
                    GSL_EINVAL);
  gsl_set_error_handler (old);
  ck_assert_msg (strstr (err, labels_path) == err, "message '%s' does not name %s",
                 err, labels_path);
  if (_i == 0)
    {
      ck_assert_msg (strstr (err, "has 2 labels but") && strstr (err, images_path)
                     && strstr (err, "has 3 images"), "message '%s'", err);
    }
  else
    ck_assert_msg (strstr (err, "label 10 of item 1 is not a class"), "message '%s'", err);
  ck_assert_ptr_null (d.images);
  ck_assert_ptr_null (d.labels);
  unlink (images_path);
  unlink (labels_path);
}
END_TEST

/* The two headers' counts are compared before any payload is inflated:
   an images file claiming 60000 images over 100 bytes of zeros with a
   labels file of 3 is refused for the counts, not for its payload. */
START_TEST (test_dataset_read_counts_first)
{
  unsigned char labels[3] = { 1, 2, 3 };
  char images_path[256], labels_path[256], err[1024];
  snprintf (images_path, sizeof images_path, "%s", tmp_path ("cfi", 0, 1));
  snprintf (labels_path, sizeof labels_path, "%s", tmp_path ("cfl", 0, 1));
  const unsigned long dims[3] = { 60000, 28, 28 };
  gzip_claim_file (images_path, dims, 100, 1);
  labels_file (labels_path, labels, 3);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_dataset d;
  ck_assert_int_eq (bp_dataset_read (images_path, labels_path, 10, &d, err, sizeof err),
                    GSL_EINVAL);
  gsl_set_error_handler (old);
  ck_assert_msg (strstr (err, labels_path) == err && strstr (err, "has 3 labels but")
                 && strstr (err, images_path) && strstr (err, "has 60000 images"),
                 "message '%s'", err);
  ck_assert_ptr_null (d.images);
  ck_assert_ptr_null (d.labels);
  unlink (images_path);
  unlink (labels_path);
}
END_TEST

START_TEST (test_dataset_read_subset)
{
  /* tests/data: the first 500 training images of Fashion-MNIST; the class
     counts were found independently with od(1) on the unzipped labels
     (see tests/data/README) */
  const size_t expected[10] = { 52, 54, 47, 49, 53, 51, 53, 49, 50, 42 };
  char images[1024], labels[1024];
  snprintf (images, sizeof images, "%s/train-images-idx3-ubyte.gz", test_data_dir ());
  snprintf (labels, sizeof labels, "%s/train-labels-idx1-ubyte.gz", test_data_dir ());
  bp_dataset d;
  char err[1024] = "";
  ck_assert_msg (bp_dataset_read (images, labels, 10, &d, err, sizeof err) == GSL_SUCCESS,
                 "%s", err);
  ck_assert_uint_eq (d.count, 500);
  ck_assert_uint_eq (d.rows, 28);
  ck_assert_uint_eq (d.cols, 28);
  size_t count[10] = { 0 };
  for (size_t k = 0; k < d.count; k++)
    count[d.labels[k]]++;
  for (size_t c = 0; c < 10; c++)
    ck_assert_uint_eq (count[c], expected[c]);
  bp_dataset_free (&d);
}
END_TEST

static Suite *
dataset_read_suite (void)
{
  Suite *s = suite_create ("bp_dataset_read");
  TCase *tc = tcase_create ("pairs");
  tcase_add_test (tc, test_dataset_read_valid);
  tcase_add_loop_test (tc, test_dataset_read_disagree, 0, 2);
  tcase_add_test (tc, test_dataset_read_counts_first);
  tcase_add_test (tc, test_dataset_read_subset);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_dataset_batch ------------------------------------------------- */

/* 4 images of 2 x 3 into images, pixel p of image k = 10 k + p, with
   the labels 2, 0, 1, 2 of 3 classes */
static bp_dataset
four_images (unsigned char images[24])
{
  static unsigned char labels[4] = { 2, 0, 1, 2 };
  for (size_t p = 0; p < 24; p++)
    images[p] = (unsigned char) (10 * (p / 6) + p % 6);
  return (bp_dataset) { 4, 2, 3, 3, images, labels };
}

START_TEST (test_dataset_batch_rows)
{
  unsigned char images[24];
  bp_dataset d = four_images (images);
  const size_t index[2] = { 3, 1 };
  gsl_matrix *U = gsl_matrix_alloc (2, 6), *T = gsl_matrix_alloc (2, 3);
  ck_assert_int_eq (bp_dataset_batch (&d, index, U, T), GSL_SUCCESS);
  for (size_t j = 0; j < 6; j++)
    {
      ck_assert_double_eq_tol (gsl_matrix_get (U, 0, j), (30.0 + (double) j) / 255.0, 1e-15);
      ck_assert_double_eq_tol (gsl_matrix_get (U, 1, j), (10.0 + (double) j) / 255.0, 1e-15);
    }
  const double t[2][3] = { { 0, 0, 1 }, { 1, 0, 0 } };
  for (size_t r = 0; r < 2; r++)
    for (size_t c = 0; c < 3; c++)
      ck_assert_double_eq (gsl_matrix_get (T, r, c), t[r][c]);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const size_t bad[2] = { 0, 4 };
  ck_assert_int_eq (bp_dataset_batch (&d, bad, U, T), GSL_EINVAL);
  gsl_matrix *U5 = gsl_matrix_alloc (2, 5);
  ck_assert_int_eq (bp_dataset_batch (&d, index, U5, T), GSL_EBADLEN);
  gsl_set_error_handler (old);
  gsl_matrix_free (U5);
  gsl_matrix_free (U);
  gsl_matrix_free (T);
}
END_TEST

/* U a view of columns 1 to 6 of a 2 x 8 matrix: bp_dataset_batch writes
   U's elements and no others (the columns either side keep a value no
   pixel gives, -7).  Mutant: the row loop to j <= m, one past the row. */
START_TEST (test_dataset_batch_view_writes_only_U)
{
  unsigned char images[24];
  bp_dataset d = four_images (images);
  const size_t index[2] = { 2, 0 };
  gsl_matrix *Wide = gsl_matrix_alloc (2, 8), *T = gsl_matrix_alloc (2, 3);
  gsl_matrix_set_all (Wide, -7.0);
  gsl_matrix_view U = gsl_matrix_submatrix (Wide, 0, 1, 2, 6);
  ck_assert_int_eq (bp_dataset_batch (&d, index, &U.matrix, T), GSL_SUCCESS);
  for (size_t r = 0; r < 2; r++)
    {
      ck_assert_double_eq (gsl_matrix_get (Wide, r, 0), -7.0);
      ck_assert_double_eq (gsl_matrix_get (Wide, r, 7), -7.0);
      for (size_t j = 0; j < 6; j++)
        ck_assert_double_eq_tol (gsl_matrix_get (&U.matrix, r, j),
                                 (10.0 * (double) index[r] + (double) j) / 255.0, 1e-15);
    }
  gsl_matrix_free (Wide);
  gsl_matrix_free (T);
}
END_TEST

START_TEST (test_dataset_batch_reads_only_its_indices)
{
  /* bp_dataset_batch reads index[0 .. B - 1] and nothing past it: the
     two indices end a page whose next page cannot be read (mprotect), so
     a read of index[2] ends the test by SIGSEGV (what valgrind would
     report as an invalid read).  Mutant: the prefetch loop's r <
     U->size1 as <= (index[B] read) */
  unsigned char images[24];
  bp_dataset d = four_images (images);
  const size_t page = (size_t) sysconf (_SC_PAGESIZE);
  unsigned char *mem = mmap (NULL, 2 * page, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert (mem != MAP_FAILED);
  ck_assert_int_eq (mprotect (mem + page, page, PROT_NONE), 0);
  size_t *index = (size_t *) (void *) (mem + page - 2 * sizeof (size_t));
  index[0] = 2;
  index[1] = 0;
  gsl_matrix *U = gsl_matrix_alloc (2, 6);
  ck_assert_int_eq (bp_dataset_batch (&d, index, U, NULL), GSL_SUCCESS);
  for (size_t r = 0; r < 2; r++)
    for (size_t j = 0; j < 6; j++)
      ck_assert_double_eq_tol (gsl_matrix_get (U, r, j),
                               (10.0 * (double) index[r] + (double) j) / 255.0, 1e-15);
  gsl_matrix_free (U);
  munmap (mem, 2 * page);
}
END_TEST

/* Float's batch against double's on the same images: u = x / 255 is two
   roundings in each arithmetic (1/255, then the product), so with
   gamma_2 = 2u / (1 - 2u) (Higham, unit roundoff u = 2^-24 for float,
   2^-53 for double) each is within gamma_2 x / 255 of x / 255 and
   |u_float - u_double| <= (gamma_2f + gamma_2d) u_double / (1 - gamma_2d).
   Every pixel value, rows of a view whose tda exceeds its width, labels
   exact.  Mutants: the scale 1/256 in float; the next image's pixels. */
START_TEST (test_dataset_float_batch_against_double)
{
  enum { N = 300, R = 28, C = 28, M = R * C, B = 64 };
  unsigned char *images = malloc ((size_t) N * M), labels[N];
  ck_assert_ptr_nonnull (images);
  for (size_t k = 0; k < (size_t) N * M; k++)
    images[k] = (unsigned char) ((k * 37 + k / M) % 256);
  for (size_t k = 0; k < N; k++)
    labels[k] = (unsigned char) (k * 7 % 10);
  bp_dataset d = { N, R, C, 10, images, labels };
  size_t index[B];
  for (size_t r = 0; r < B; r++)
    index[r] = (r * 131 + 17) % N;
  gsl_matrix *Ud = gsl_matrix_alloc (B, M), *Td = gsl_matrix_alloc (B, 10);
  gsl_matrix_float *Wide = gsl_matrix_float_alloc (B, M + 5);
  gsl_matrix_float *Tf = gsl_matrix_float_alloc (B, 10);
  gsl_matrix_float_view Uf = gsl_matrix_float_submatrix (Wide, 0, 3, B, M);
  ck_assert_int_eq (bp_dataset_batch (&d, index, Ud, Td), GSL_SUCCESS);
  ck_assert_int_eq (dataset_float_batch (&d, index, &Uf.matrix, Tf), GSL_SUCCESS);
  const double uf = 0x1p-24, ud = 0x1p-53;
  const double g2f = 2 * uf / (1 - 2 * uf), g2d = 2 * ud / (1 - 2 * ud);
  int seen[256] = { 0 };
  for (size_t r = 0; r < B; r++)
    for (size_t j = 0; j < M; j++)
      {
        const double want = gsl_matrix_get (Ud, r, j);
        const double got = gsl_matrix_float_get (&Uf.matrix, r, j);
        const double bound = (g2f + g2d) * want / (1 - g2d);
        ck_assert_msg (fabs (got - want) <= bound, "U[%zu][%zu] = %.9g, double %.17g: "
                       "off by %.3g > %.3g", r, j, got, want, fabs (got - want), bound);
        seen[images[index[r] * M + j]] = 1;
      }
  for (size_t v = 0; v < 256; v++)
    ck_assert_msg (seen[v], "pixel value %zu not in the batch", v);
  for (size_t r = 0; r < B; r++)
    for (size_t c = 0; c < 10; c++)
      ck_assert (gsl_matrix_float_get (Tf, r, c) == gsl_matrix_get (Td, r, c));
  gsl_matrix_free (Ud);
  gsl_matrix_free (Td);
  gsl_matrix_float_free (Wide);
  gsl_matrix_float_free (Tf);
  free (images);
}
END_TEST

/* The double form's refusals, with the same codes */
START_TEST (test_dataset_float_batch_errors)
{
  unsigned char images[24] = { 0 }, labels[4] = { 2, 0, 1, 2 };
  bp_dataset d = { 4, 2, 3, 3, images, labels };
  const size_t index[2] = { 3, 1 }, bad[2] = { 0, 4 };
  gsl_matrix_float *U = gsl_matrix_float_alloc (2, 6), *T = gsl_matrix_float_alloc (2, 3);
  gsl_matrix_float *U5 = gsl_matrix_float_alloc (2, 5), *T4 = gsl_matrix_float_alloc (2, 4);
  gsl_matrix_float *both = gsl_matrix_float_alloc (2, 9);
  gsl_matrix_float_view Ub = gsl_matrix_float_submatrix (both, 0, 0, 2, 6);
  gsl_matrix_float_view Tb = gsl_matrix_float_submatrix (both, 0, 6, 2, 3);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (dataset_float_batch (NULL, index, U, T), GSL_EFAULT);
  ck_assert_int_eq (dataset_float_batch (&d, NULL, U, T), GSL_EFAULT);
  ck_assert_int_eq (dataset_float_batch (&d, index, NULL, T), GSL_EFAULT);
  ck_assert_int_eq (dataset_float_batch (&d, index, U5, T), GSL_EBADLEN);
  ck_assert_int_eq (dataset_float_batch (&d, index, U, T4), GSL_EBADLEN);
  ck_assert_int_eq (dataset_float_batch (&d, bad, U, T), GSL_EINVAL);
  ck_assert_int_eq (dataset_float_batch (&d, index, &Ub.matrix, &Tb.matrix), GSL_EINVAL);
  gsl_set_error_handler (old);
  ck_assert_int_eq (dataset_float_batch (&d, index, U, NULL), GSL_SUCCESS);
  gsl_matrix_float_free (U);
  gsl_matrix_float_free (T);
  gsl_matrix_float_free (U5);
  gsl_matrix_float_free (T4);
  gsl_matrix_float_free (both);
}
END_TEST

static Suite *
dataset_batch_suite (void)
{
  Suite *s = suite_create ("bp_dataset_batch");
  TCase *tc = tcase_create ("rows");
  tcase_add_test (tc, test_dataset_batch_rows);
  tcase_add_test (tc, test_dataset_batch_view_writes_only_U);
  tcase_add_test (tc, test_dataset_batch_reads_only_its_indices);
  suite_add_tcase (s, tc);
  tc = tcase_create ("float");
  tcase_add_test (tc, test_dataset_float_batch_against_double);
  tcase_add_test (tc, test_dataset_float_batch_errors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { idx_read_suite, dataset_read_suite,
                                      dataset_batch_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
