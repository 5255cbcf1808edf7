/* check_model_file.c -- suites bp_model_file_write and bp_model_file_read
   (bp_model_file.h): version 4 for every row of bp_net.h's table -- the
   documented layout, round trips with the training state, atomic
   replacement, refusal of every truncated, corrupt or inconsistent file --
   and the versions 1-3 that 0.1.0 wrote (tests/data/legacy), read into
   their rows with their training states. */
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
#include "backprop/bp_model_file.h"
#include "testutil.h"

static char *
tmp_path (const char *name, int k)
{
  static char path[256];
  snprintf (path, sizeof path, "model-test-%ld-%s-%d", (long) getpid (), name, k);
  return path;
}

/* The whole file at path, newly allocated, its length in *len. */
static unsigned char *
slurp (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  ck_assert_msg (f != NULL, "cannot open %s", path);
  struct stat st;
  ck_assert_int_eq (fstat (fileno (f), &st), 0);
  unsigned char *buf = malloc ((size_t) st.st_size + 16);
  *len = fread (buf, 1, (size_t) st.st_size, f);
  ck_assert_uint_eq (*len, (size_t) st.st_size);
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
  for (size_t k = 0; k < 4; k++)
    buf[len - 4 + k] = (unsigned char) (c >> (8 * k));
}

static uint32_t
u32_at (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
         | (uint32_t) p[3] << 24;
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

/* Read path expecting code and a message "path: ... what ...", nothing
   returned. */
static void
expect_refused (const char *path, int code, const char *what)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net *net = (bp_net *) 1;
  char err[1024] = "";
  ck_assert_int_eq (bp_model_file_read (path, &net, NULL, err, sizeof err), code);
  ck_assert_msg (strstr (err, path) == err, "message '%s' does not name %s", err, path);
  ck_assert_msg (strstr (err, what) != NULL, "message '%s' does not say '%s'", err, what);
  ck_assert_ptr_null (net);
  gsl_set_error_handler (old);
}

/* --- the rows ------------------------------------------------------------ */

/* A network of each row of the table, on 28 x 28 images of 10 classes,
   with the blocks each must have (derivations/12, 17): name, size1, size2. */
typedef struct
{
  const char *name;
  size_t size1, size2;
} want_block;

static const struct
{
  const char *type;
  bp_net_shape shape;
  size_t n_blocks;
  want_block blocks[8];
} rows[] = {
  { "linear", { 28, 28, 10, 0, { 0 }, BP_RELU, 0, 0 }, 2,
    { { "W", 10, 784 }, { "b", 10, 0 } } },
  { "mlp", { 28, 28, 10, 1, { 16 }, BP_TANH, 0, 0 }, 4,
    { { "W1", 16, 784 }, { "b1", 16, 0 }, { "W2", 10, 16 }, { "b2", 10, 0 } } },
  { "cnn", { 28, 28, 10, 0, { 0 }, BP_RELU, 2, 3 }, 6,
    { { "K1", 2, 25 }, { "b1", 2, 0 }, { "K2", 3, 50 }, { "b2", 3, 0 },
      { "W4", 10, 147 }, { "b4", 10, 0 } } },
  { "cnn", { 28, 28, 10, 1, { 8 }, BP_RELU, 2, 3 }, 8,
    { { "K1", 2, 25 }, { "b1", 2, 0 }, { "K2", 3, 50 }, { "b2", 3, 0 },
      { "W3", 8, 147 }, { "b3", 8, 0 }, { "W4", 10, 8 }, { "b4", 10, 0 } } },
  { "deep", { 28, 28, 10, 2, { 16, 12 }, BP_SIGMOID, 0, 0 }, 6,
    { { "W1", 16, 784 }, { "b1", 16, 0 }, { "W2", 12, 16 }, { "b2", 12, 0 },
      { "W3", 10, 12 }, { "b3", 10, 0 } } },
};
#define N_ROWS ((int) (sizeof rows / sizeof rows[0]))

/* Row r's network, every parameter drawn from N(0, 1) by seed i. */
static bp_net *
random_net (int r, int i)
{
  const bp_net_type *T = bp_net_type_by_name (rows[r].type);
  ck_assert_msg (T != NULL, "no row %s", rows[r].type);
  bp_net *net = bp_net_alloc (T, &rows[r].shape);
  ck_assert_ptr_nonnull (net);
  gsl_rng *rng = test_rng (i);
  for (size_t k = 0; k < net->size; k++)
    gsl_vector_set (net->theta, k, gsl_ran_gaussian (rng, 1.0));
  gsl_rng_free (rng);
  return net;
}

static void
assert_same_shape (const bp_net_shape *a, const bp_net_shape *b)
{
  ck_assert_uint_eq (a->rows, b->rows);
  ck_assert_uint_eq (a->cols, b->cols);
  ck_assert_uint_eq (a->n, b->n);
  ck_assert_uint_eq (a->n_hidden, b->n_hidden);
  for (size_t k = 0; k < a->n_hidden; k++)
    ck_assert_uint_eq (a->hidden[k], b->hidden[k]);
  ck_assert_int_eq (a->act, b->act);
  ck_assert_uint_eq (a->C1, b->C1);
  ck_assert_uint_eq (a->C2, b->C2);
}

/* A training state of count velocities and a history of epoch rows, every
   value distinct; free with free_state. */
static bp_train_state
some_state (size_t count, size_t epoch)
{
  static unsigned char rng_state[16] = "sixteen bytes..";
  gsl_vector *vel = gsl_vector_alloc (count);
  for (size_t k = 0; k < count; k++)
    gsl_vector_set (vel, k, 1e-3 * (double) k - 0.5);
  gsl_matrix *hist = gsl_matrix_alloc (epoch, BP_HISTORY_FIELDS);
  for (size_t k = 0; k < epoch * BP_HISTORY_FIELDS; k++)
    hist->data[k] = 1.0 / (double) (k + 3);
  return (bp_train_state) { epoch, 5, 64, 100, 7, 0.03, 0.9, 5e-4, vel,
                            sizeof rng_state, rng_state, hist };
}

static void
free_state (bp_train_state *s)
{
  gsl_vector_free (s->velocity);
  if (s->history)
    gsl_matrix_free (s->history);
}

/* --- bp_model_file_write ------------------------------------------------ */

START_TEST (test_write_layout)
{
  /* the bytes as bp_model_file.h documents version 4, walked field by
     field: the type's name, the shape, the blocks the row must have,
     theta back to back, the CRC */
  bp_net *net = random_net (_i, _i);
  const bp_net_shape *s = &rows[_i].shape;
  const char *path = tmp_path ("layout", _i);
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, NULL, 0), GSL_SUCCESS);
  size_t len;
  unsigned char *buf = slurp (path, &len);
  ck_assert_mem_eq (buf, "BPMODEL\n", 8);
  ck_assert_uint_eq (u32_at (buf + 8), 4);
  const size_t L = strlen (rows[_i].type);
  ck_assert_uint_eq (u32_at (buf + 12), L);
  ck_assert_mem_eq (buf + 16, rows[_i].type, L);
  const unsigned char *p = buf + 16 + L;
  ck_assert_uint_eq (u32_at (p), 28);
  ck_assert_uint_eq (u32_at (p + 4), 28);
  ck_assert_uint_eq (u32_at (p + 8), 10);
  ck_assert_uint_eq (u32_at (p + 12), s->n_hidden);
  p += 16;
  for (size_t k = 0; k < s->n_hidden; k++, p += 4)
    ck_assert_uint_eq (u32_at (p), s->hidden[k]);
  ck_assert_uint_eq (u32_at (p), (uint32_t) s->act);
  ck_assert_uint_eq (u32_at (p + 4), s->C1);
  ck_assert_uint_eq (u32_at (p + 8), s->C2);
  ck_assert_uint_eq (u32_at (p + 12), rows[_i].n_blocks);
  p += 16;
  size_t count = 0;
  for (size_t k = 0; k < rows[_i].n_blocks; k++)
    {
      const want_block *w = &rows[_i].blocks[k];
      ck_assert_uint_eq (u32_at (p), strlen (w->name));
      ck_assert_mem_eq (p + 4, w->name, strlen (w->name));
      p += 4 + strlen (w->name);
      ck_assert_uint_eq (u32_at (p), w->size1);
      ck_assert_uint_eq (u32_at (p + 4), w->size2);
      p += 8;
      count += w->size1 * (w->size2 ? w->size2 : 1);
    }
  const size_t head = (size_t) (p - buf);
  ck_assert_uint_eq (len, head + 8 * count + 4);
  for (size_t k = 0; k < count; k += count / 7)
    ck_assert_double_eq (f64_at (buf + head + 8 * k), gsl_vector_get (net->theta, k));
  ck_assert_double_eq (f64_at (buf + len - 12), gsl_vector_get (net->theta, count - 1));
  unsigned long c = crc32 (0L, buf, (uInt) (len - 4));
  ck_assert_uint_eq (u32_at (buf + len - 4), (uint32_t) c);
  free (buf);
  unlink (path);
  bp_net_free (net);
}
END_TEST

START_TEST (test_write_replaces_atomically)
{
  /* a second write replaces the first whole, and leaves no temporary */
  bp_net *a = random_net (1, 1), *b = random_net (1, 2), *r;
  const char *path = tmp_path ("replace", 0);
  ck_assert_int_eq (bp_model_file_write (path, a, NULL, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_write (path, b, NULL, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_read (path, &r, NULL, NULL, 0), GSL_SUCCESS);
  ck_assert (gsl_vector_equal (r->theta, b->theta));
  ck_assert_int_eq (count_files (path), 1);   /* path itself, no path.XXXXXX */
  unlink (path);
  bp_net_free (a);
  bp_net_free (b);
  bp_net_free (r);
}
END_TEST

START_TEST (test_write_failures)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net *net = random_net (3, 3);
  char err[1024];
  /* no such folder */
  ck_assert_int_eq (bp_model_file_write ("no-such-dir/m", net, NULL, err, sizeof err),
                    GSL_EFAILED);
  ck_assert_msg (strstr (err, "no-such-dir/m") == err, "%s", err);
  /* the rename fails (the target is a non-empty folder): the temporary
     file is removed and the folder untouched */
  const char *dir = tmp_path ("dir", 0);
  char inner[300];
  ck_assert_int_eq (mkdir (dir, 0777), 0);
  snprintf (inner, sizeof inner, "%s/keep", dir);
  spit (inner, (const unsigned char *) "x", 1);
  ck_assert_int_eq (bp_model_file_write (dir, net, NULL, err, sizeof err), GSL_EFAILED);
  ck_assert_msg (strstr (err, "cannot save"), "%s", err);
  ck_assert_int_eq (count_files (dir), 1);
  unlink (inner);
  rmdir (dir);
  /* a velocity or history of the wrong length, a non-finite parameter
     (the block and element named): refused, nothing written */
  const char *path = tmp_path ("bad", 0);
  bp_train_state st = some_state (net->size - 1, 2);
  ck_assert_int_eq (bp_model_file_write (path, net, &st, err, sizeof err), GSL_EBADLEN);
  free_state (&st);
  /* an RNG state of 2^32 bytes: its size field has 32 bits, refused
     before a byte of it is read (mutant: '|| rng_size > UINT32_MAX' as
     '&&', which binds it to the NULL rng_state test) */
  if (SIZE_MAX > UINT32_MAX)
    {
      st = some_state (net->size, 2);
      st.rng_size = (size_t) UINT32_MAX + 1;
      ck_assert_int_eq (bp_model_file_write (path, net, &st, err, sizeof err), GSL_EBADLEN);
      ck_assert_int_eq (count_files (path), 0);
      free_state (&st);
    }
  st = some_state (net->size, 2);
  st.epoch = 3;
  ck_assert_int_eq (bp_model_file_write (path, net, &st, err, sizeof err), GSL_EBADLEN);
  free_state (&st);
  /* K2 is the third block: after K1 (2 x 25) and b1 (2) */
  gsl_vector_set (net->theta, 50 + 2 + 57, GSL_NAN);
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, err, sizeof err), GSL_EDOM);
  ck_assert_msg (strstr (err, "K2 has a value that is not finite (element 57)") != NULL,
                 "%s", err);
  ck_assert_int_eq (count_files (path), 0);
  gsl_set_error_handler (old);
  bp_net_free (net);
}
END_TEST

/* *size at 2^32 alone: saving net to path is refused (GSL_EBADLEN),
   saying so, nothing written; *size is restored */
static void
save_refused_at_2_32 (const char *path, bp_net *net, size_t *size, const char *what)
{
  char err[1024] = "";
  const size_t keep = *size;
  *size = (size_t) UINT32_MAX + 1;
  ck_assert_msg (bp_model_file_write (path, net, NULL, err, sizeof err) == GSL_EBADLEN,
                 "%s at 2^32: %s", what, err);
  ck_assert_msg (strstr (err, "sizes must each be below 2^32"), "%s", err);
  ck_assert_int_eq (count_files (path), 0);
  *size = keep;
}

START_TEST (test_write_block_size_over_2_32)
{
  /* a layout block of 2^32 rows, or of 2^32 columns: the file holds
     each as 32 bits, so the save is refused before any parameter is
     read (GSL_EBADLEN), nothing written; each of the two sizes alone */
  if (SIZE_MAX <= UINT32_MAX)
    return;                     /* no such size on a 32-bit size_t */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net *net = random_net (3, 3);
  const char *path = tmp_path ("huge", 0);
  char err[1024];
  for (int side = 0; side < 2; side++)
    {
      save_refused_at_2_32 (path, net, side ? &net->layout[0].size2 : &net->layout[0].size1,
                            side ? "block columns" : "block rows");
    }
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, err, sizeof err), GSL_SUCCESS);
  unlink (path);
  gsl_set_error_handler (old);
  bp_net_free (net);
}
END_TEST

START_TEST (test_write_shape_over_2_32)
{
  /* each of the shape's sizes the file holds as 32 bits (rows, cols, n,
     C1, C2, the hidden units) at 2^32 alone: the save is refused (GSL_EBADLEN), nothing
     written; at 2^32 - 1 it is not refused so.  Mutant: the test's '&&' before C2 as '||', which let every
     size before it through */
  if (SIZE_MAX <= UINT32_MAX)
    return;                     /* no such size on a 32-bit size_t */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net *net = random_net (3, 3);
  const char *path = tmp_path ("huge_shape", 0);
  char err[1024];
  size_t *field[] = { &net->shape.rows, &net->shape.cols, &net->shape.n, &net->shape.C1,
                      &net->shape.C2, &net->shape.hidden[0] };
  static const char *const name[] = { "rows", "cols", "n", "C1", "C2", "hidden[0]" };
  ck_assert_uint_eq (net->shape.n_hidden, 1);   /* hidden[1] is 0 */
  for (size_t f = 0; f < sizeof field / sizeof field[0]; f++)
    {
      const size_t keep = *field[f];
      /* 2^32 - 1 fits its 32 bits: not this refusal (mutant: '<=' as
         '<'); what else the file says of such a shape is not asked */
      *field[f] = UINT32_MAX;
      err[0] = '\0';
      const int st = bp_model_file_write (path, net, NULL, err, sizeof err);
      ck_assert_msg (st != GSL_EBADLEN && !strstr (err, "sizes must each be below 2^32"),
                     "field %zu at 2^32 - 1: %s", f, err);
      unlink (path);
      *field[f] = keep;
      save_refused_at_2_32 (path, net, field[f], name[f]);
    }
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, err, sizeof err), GSL_SUCCESS);
  unlink (path);
  gsl_set_error_handler (old);
  bp_net_free (net);
}
END_TEST

/* A row of the caller's own (bp_net.h: bp_net_alloc takes any) whose
   layout has BP_NET_MAX_BLOCKS blocks, the most a net holds; none of
   the library's rows has as many (deep: at most 18).  The first block
   has 2^16 elements, the others 1. */
#define MOST_FIRST ((size_t) 1 << 16)

static int
most_blocks_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  (void) s;
  for (size_t k = 0; k < BP_NET_MAX_BLOCKS; k++)
    b[k] = (bp_net_block_shape) { .name = "b", .size1 = k ? 1 : MOST_FIRST, .size2 = 0,
                                  .decay = 0 };
  *count = BP_NET_MAX_BLOCKS;
  return GSL_SUCCESS;
}

START_TEST (test_write_most_blocks)
{
  /* a net of BP_NET_MAX_BLOCKS blocks is saved whole: the header's 24
     blocks and their 2^16 + 23 parameters.  Mutants: net_writable()'s
     `n_blocks <= BP_NET_MAX_BLOCKS` as `<` (refused, GSL_EBADLEN); its
     finiteness loop `k < n_blocks` as `<=` (block 24 is read from the
     offsets after the layout, 2^16 x (2^16 + 1) elements past theta's
     end: SIGSEGV, or GSL_EDOM at the first one not finite) */
  const bp_net_type most = { .name = "most", .layout = most_blocks_layout,
                             .dtype = BP_NET_FLOAT64 };
  const bp_net_shape s = { .rows = 1, .cols = 1, .n = 1 };
  bp_net *net = bp_net_alloc (&most, &s);
  ck_assert_ptr_nonnull (net);
  const size_t size = MOST_FIRST + BP_NET_MAX_BLOCKS - 1;
  ck_assert_uint_eq (net->size, size);
  for (size_t j = 0; j < net->size; j++)
    gsl_vector_set (net->theta, j, 0.5 * (double) j);
  const char *path = tmp_path ("most-blocks", 0);
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_msg (bp_model_file_write (path, net, NULL, err, sizeof err) == GSL_SUCCESS,
                 "%s", err);
  gsl_set_error_handler (old);
  /* magic, version, the name, 4 sizes, 4 more, 24 blocks of a name "b"
     and two sizes; the parameters; the checksum */
  struct stat st;
  ck_assert_int_eq (stat (path, &st), 0);
  ck_assert_int_eq (st.st_size, 12 + (4 + 4) + 4 * 4 + 4 * 4
                                + BP_NET_MAX_BLOCKS * (4 + 1 + 8) + 8 * size + 4);
  unlink (path);
  bp_net_free (net);
}
END_TEST

START_TEST (test_write_name_lengths)
{
  /* a name field holds 1 to BP_MODEL_FILE_MAX_NAME (32) bytes
     (bp_model_file.h): a block named with 32 bytes is saved (and its
     name read back), one of 33 or of none is refused (GSL_EBADLEN),
     nothing written */
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  bp_net *net = random_net (1, 1);
  const char *path = tmp_path ("names", 0);
  char name[BP_MODEL_FILE_MAX_NAME + 2], err[1024];
  const char *keep = net->layout[0].name;
  memset (name, 'w', sizeof name - 1);
  name[sizeof name - 1] = '\0';   /* 33 bytes */
  for (size_t len = 0; len <= BP_MODEL_FILE_MAX_NAME + 1; len++)
    {
      if (len > 0 && len < BP_MODEL_FILE_MAX_NAME)
        continue;
      net->layout[0].name = name + (BP_MODEL_FILE_MAX_NAME + 1 - len);
      ck_assert_uint_eq (strlen (net->layout[0].name), len);
      err[0] = '\0';
      const int st = bp_model_file_write (path, net, NULL, err, sizeof err);
      if (len == BP_MODEL_FILE_MAX_NAME)
        {
          ck_assert_msg (st == GSL_SUCCESS, "a name of %zu bytes: %s", len, err);
          /* read back, the name whole (not '?', a bad name field: mutant
             'len > BP_MODEL_FILE_MAX_NAME' as '>='), then refused for
             not being the row's own */
          char what[64 + BP_MODEL_FILE_MAX_NAME];
          snprintf (what, sizeof what, "corrupt header: block 1 is %s ", net->layout[0].name);
          expect_refused (path, GSL_EINVAL, what);
          unlink (path);
        }
      else
        {
          ck_assert_msg (st == GSL_EBADLEN, "a name of %zu bytes: %s", len, err);
          ck_assert_int_eq (count_files (path), 0);
        }
    }
  net->layout[0].name = keep;
  gsl_set_error_handler (old);
  bp_net_free (net);
}
END_TEST

static Suite *
write_suite (void)
{
  Suite *s = suite_create ("bp_model_file_write");
  TCase *tc = tcase_create ("write");
  tcase_add_loop_test (tc, test_write_layout, 0, N_ROWS);
  tcase_add_test (tc, test_write_replaces_atomically);
  tcase_add_test (tc, test_write_shape_over_2_32);
  tcase_add_test (tc, test_write_failures);
  tcase_add_test (tc, test_write_block_size_over_2_32);
  tcase_add_test (tc, test_write_name_lengths);
  tcase_add_test (tc, test_write_most_blocks);
  suite_add_tcase (s, tc);
  return s;
}

/* --- bp_model_file_read, version 4 -------------------------------------- */

START_TEST (test_round_trip)
{
  /* every row, with its training state: the type and shape from the
     header alone, the parameters and the state bit for bit */
  bp_net *net = random_net (_i, 10 + _i), *r;
  const char *path = tmp_path ("trip", _i);
  bp_train_state st = some_state (net->size, 2), got;
  ck_assert_int_eq (bp_model_file_write (path, net, &st, NULL, 0), GSL_SUCCESS);
  const bp_net_type *T = NULL;
  bp_net_shape shape;
  ck_assert_int_eq (bp_model_file_shape (path, &T, &shape, NULL, 0), GSL_SUCCESS);
  ck_assert_ptr_eq (T, net->type);
  assert_same_shape (&shape, &net->shape);
  ck_assert_int_eq (bp_model_file_read (path, &r, &got, NULL, 0), GSL_SUCCESS);
  ck_assert_ptr_eq (r->type, net->type);
  assert_same_shape (&r->shape, &net->shape);
  ck_assert (gsl_vector_equal (r->theta, net->theta));
  ck_assert (gsl_vector_equal (got.velocity, st.velocity));
  ck_assert (gsl_matrix_equal (got.history, st.history));
  ck_assert_uint_eq (got.epoch, 2);
  ck_assert_uint_eq (got.epochs, 5);
  ck_assert_uint_eq (got.batch, 64);
  ck_assert_uint_eq (got.validation, 100);
  ck_assert_uint_eq (got.seed, 7);
  ck_assert_double_eq (got.lr, 0.03);
  ck_assert_double_eq (got.momentum, 0.9);
  ck_assert_double_eq (got.weight_decay, 5e-4);
  ck_assert_uint_eq (got.rng_size, st.rng_size);
  ck_assert_mem_eq (got.rng_state, st.rng_state, st.rng_size);
  bp_train_state_free (&got);
  bp_net_free (r);
  /* the model alone, the state ignored */
  ck_assert_int_eq (bp_model_file_read (path, &r, NULL, NULL, 0), GSL_SUCCESS);
  ck_assert (gsl_vector_equal (r->theta, net->theta));
  bp_net_free (r);
  ck_assert_int_eq (count_files (path), 1);
  /* a byte after the state: an overlong file (mutant: the state length
     test's '||' as '&&', which let anything after a state through) */
  FILE *tail = fopen (path, "ab");
  ck_assert_ptr_nonnull (tail);
  ck_assert_int_eq (fputc (0, tail), 0);
  ck_assert_int_eq (fclose (tail), 0);
  expect_refused (path, GSL_EINVAL, "overlong model file");
  unlink (path);
  free_state (&st);
  bp_net_free (net);
}
END_TEST

/* a net of type T and shape s, its parameters 0.25, written to path:
   read back with its shape, or (beyond, one past a train limit) refused
   as beyond train's sizes */
static void
assert_at_train_limit (const char *path, const bp_net_type *T, const bp_net_shape *s, int beyond)
{
  bp_net *net = bp_net_alloc (T, s);
  ck_assert_ptr_nonnull (net);
  gsl_vector_set_all (net->theta, 0.25);
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, NULL, 0), GSL_SUCCESS);
  if (beyond)
    expect_refused (path, GSL_EINVAL, "sizes beyond train's");
  else
    {
      const bp_net_type *got_type = NULL;
      bp_net_shape got;
      ck_assert_int_eq (bp_model_file_shape (path, &got_type, &got, NULL, 0), GSL_SUCCESS);
      ck_assert_ptr_eq (got_type, T);
      assert_same_shape (&got, s);
    }
  unlink (path);
  bp_net_free (net);
}

START_TEST (test_read_channels_at_train_limit)
{
  /* a CNN of BP_MODEL_FILE_MAX_CHANNELS channels in either convolution
     is one train can make: read back; one more is refused as beyond
     train's sizes.  Mutant: 'C1 <= MAX' as 'C1 < MAX' */
  const char *path = tmp_path ("channels", 0);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (int which = 0; which < 2; which++)
    for (size_t extra = 0; extra < 2; extra++)
      {
        bp_net_shape s = { .rows = 28, .cols = 28, .n = 10, .act = BP_RELU, .C1 = 1, .C2 = 1 };
        *(which ? &s.C2 : &s.C1) = BP_MODEL_FILE_MAX_CHANNELS + extra;
        assert_at_train_limit (path, bp_net_cnn, &s, extra != 0);
      }
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_read_hidden_at_train_limit)
{
  /* a two-layer net of BP_MODEL_FILE_MAX_HIDDEN hidden units is one
     train can make: read back; one more is refused as beyond train's
     sizes.  Mutant: 'H <= MAX' as 'H < MAX' */
  const char *path = tmp_path ("hidden", 0);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  for (size_t extra = 0; extra < 2; extra++)
    {
      bp_net_shape s = { .rows = 1, .cols = 2, .n = 2, .n_hidden = 1, .act = BP_TANH,
                         .hidden = { BP_MODEL_FILE_MAX_HIDDEN + extra } };
      assert_at_train_limit (path, bp_net_mlp, &s, extra != 0);
    }
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_read_no_state)
{
  /* a state asked of a file without one: refused, nothing returned */
  bp_net *net = random_net (1, 4), *r = (bp_net *) 1;
  const char *path = tmp_path ("nostate", 0);
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, NULL, 0), GSL_SUCCESS);
  bp_train_state got;
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_model_file_read (path, &r, &got, err, sizeof err), GSL_EINVAL);
  gsl_set_error_handler (old);
  ck_assert_ptr_null (r);
  ck_assert_ptr_null (got.velocity);
  ck_assert_msg (strstr (err, "holds no training state") != NULL, "%s", err);
  unlink (path);
  bp_net_free (net);
}
END_TEST

/* st written with net to path is read back refused (GSL_EINVAL, no net),
   the message saying "corrupt training state" and what */
static void
state_refused (const char *path, const bp_net *net, const bp_train_state *st,
               const char *what)
{
  bp_train_state got;
  ck_assert_int_eq (bp_model_file_write (path, net, st, NULL, 0), GSL_SUCCESS);
  bp_net *r = (bp_net *) 1;
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_model_file_read (path, &r, &got, err, sizeof err), GSL_EINVAL);
  gsl_set_error_handler (old);
  ck_assert_ptr_null (r);
  ck_assert_msg (strstr (err, "corrupt training state") != NULL && strstr (err, what) != NULL,
                 "'%s' does not say '%s'", err, what);
}

START_TEST (test_read_state_out_of_range)
{
  /* a state whose real field is out of train's range (the writer keeps
     what it is given): refused, the message naming the field and ITS value
     (each value below is the only one of the three out of range) */
  static const struct { double lr, momentum, weight_decay; const char *what; } bad[] = {
    { -1.0, 0.9, 5e-4, "its learning rate (> 0) is -1" },
    { 0.03, 1.5, 5e-4, "its momentum (in [0, 1)) is 1.5" },
    { 0.03, 0.9, -0.25, "its weight decay (>= 0) is -0.25" },
    { 0.03, 1.0, 5e-4, "its momentum (in [0, 1)) is 1" },
  };
  bp_net *net = random_net (1, 4);
  const char *path = tmp_path ("range", 0);
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    {
      bp_train_state st = some_state (net->size, 2);
      st.lr = bad[k].lr;
      st.momentum = bad[k].momentum;
      st.weight_decay = bad[k].weight_decay;
      state_refused (path, net, &st, bad[k].what);
      free_state (&st);
    }
  /* and a whole-number field out of its range, the others in theirs */
  static const struct { size_t batch; unsigned long seed; const char *what; } whole[] = {
    { 0, 7, "its batch size is 0, outside 1 to 1000000" },
    { BP_SGD_BATCH_MAX + 1, 7, "its batch size is 1000001, outside 1 to 1000000" },
    { 64, 0, "its seed is 0, outside 1 to 4294967295" },
  };
  for (size_t k = 0; k < sizeof whole / sizeof whole[0]; k++)
    {
      bp_train_state st = some_state (net->size, 2);
      st.batch = whole[k].batch;
      st.seed = whole[k].seed;
      state_refused (path, net, &st, whole[k].what);
      free_state (&st);
    }
  /* the ranges' ends are in them: every epoch done (5 of 5), the largest
     batch, the largest seed, the largest validation count, momentum 0 */
  bp_train_state st = some_state (net->size, 5), got;
  st.batch = BP_SGD_BATCH_MAX;
  st.seed = BP_SGD_SEED_MAX;
  st.validation = BP_SGD_VALIDATION_MAX;
  st.momentum = 0.0;   /* [0, 1) */
  ck_assert_int_eq (bp_model_file_write (path, net, &st, NULL, 0), GSL_SUCCESS);
  bp_net *r = NULL;
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const int status = bp_model_file_read (path, &r, &got, err, sizeof err);
  gsl_set_error_handler (old);
  ck_assert_msg (status == GSL_SUCCESS, "%s", err);
  ck_assert (got.epoch == 5 && got.epochs == 5 && got.batch == BP_SGD_BATCH_MAX
             && got.seed == BP_SGD_SEED_MAX && got.validation == BP_SGD_VALIDATION_MAX);
  bp_train_state_free (&got);
  bp_net_free (r);
  free_state (&st);
  unlink (path);
  bp_net_free (net);
}
END_TEST

/* The mlp row's file at path, its length and its header's length. */
static unsigned char *
mlp_file (const char *path, size_t *len, size_t *head)
{
  bp_net *net = random_net (1, 5);
  ck_assert_int_eq (bp_model_file_write (path, net, NULL, NULL, 0), GSL_SUCCESS);
  unsigned char *buf = slurp (path, len);
  *head = *len - 4 - 8 * net->size;
  bp_net_free (net);
  return buf;
}

START_TEST (test_read_truncated)
{
  /* every cut: in the fixed fields, the name, the shape, the blocks, the
     parameters, the checksum; and one byte too many */
  const char *path = tmp_path ("cut", 0);
  size_t len, head;
  unsigned char *buf = mlp_file (path, &len, &head);
  const size_t cuts[] = { 0, 7, 15, 18, 27, 40, head - 1, head, head + 8, len - 5, len - 1 };
  for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++)
    {
      spit (path, buf, cuts[k]);
      expect_refused (path, GSL_EINVAL, "truncated model file");
    }
  buf[len] = 0;
  spit (path, buf, len + 1);
  expect_refused (path, GSL_EINVAL, "overlong model file");
  free (buf);
  unlink (path);
}
END_TEST

START_TEST (test_read_corrupt)
{
  const char *path = tmp_path ("flip", 0);
  size_t len, head;
  unsigned char *buf = mlp_file (path, &len, &head);
  /* one flipped bit in the parameters or the CRC: the checksum refuses it */
  const size_t at[] = { head, head + 1, head + 5000, len - 5, len - 1 };
  for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
    {
      buf[at[k]] ^= 0x10;
      spit (path, buf, len);
      expect_refused (path, GSL_EINVAL, "checksum mismatch");
      buf[at[k]] ^= 0x10;
    }
  /* a header that lies, under a valid checksum: the magic, the version,
     the type's name, a block's shape against the row's layout, the
     block count, the activation */
  const size_t a = 16 + 3;   /* the shape, after "mlp": rows at a, ... the
                                blocks' count at a + 32, W1's name at a + 40 */
  const struct { size_t at; unsigned char lie; const char *what; } lies[] = {
    { 0, 'X', "not a backprop model file" },
    { 8, 5, "version 5 is not supported (only 1 to 4)" },
    { 16, 'r', "unknown network type 'rlp' in the header" },
    { 12, 0, "bad network type name in the header" },
    { 16, 0x07, "bad network type name in the header" },
    /* a name is printable ASCII without the space: 0x21 to 0x7e */
    { 16, 0x20, "bad network type name in the header" },
    { 16, 0x7f, "bad network type name in the header" },
    /* each byte of it, not only the first (mutant: `head[at + k] > 0x7e`
       as `head[at - k]`) */
    { 17, 0x7f, "bad network type name in the header" },
    { 16, '!', "unknown network type '!lp' in the header" },
    { 18, '~', "unknown network type 'ml~' in the header" },
    { a + 32, 5, "corrupt header: 5 blocks, but a mlp network of these sizes has 4" },
    { a + 42, 17, "corrupt header: block 1 is W1 17 x 784, but a mlp network of these sizes has W1 16 x 784 there" },
    { a + 41, '2', "corrupt header: block 1 is W2 16 x 784" },
    /* a vector block is "NAME size1" (b1's size1 at a + 56, after W1's
       22 bytes and b1's 4 + 2: mutant `if (size2)` as `size1`) */
    { a + 56, 17, "corrupt header: block 2 is b1 17, but a mlp network of these sizes has b1 16 there" },
    /* each size 0 alone (mutant: `n == 0 || rows == 0` as `&&`) */
    { a + 8, 0, "bad sizes in the header: 0 classes, image 28 x 28, 1 hidden layers (at most 8)" },
    { a, 0, "bad sizes in the header: 10 classes, image 0 x 28, 1 hidden layers (at most 8)" },
    { a + 4, 0, "bad sizes in the header: 10 classes, image 28 x 0, 1 hidden layers (at most 8)" },
    { a + 12, 2, "bad sizes in the header for a mlp network" },
    { a + 16, 0, "bad sizes in the header: hidden layer 1 has no units" },
    { a + 20, 3, "bad activation 3 in the header" },
  };
  for (size_t k = 0; k < sizeof lies / sizeof lies[0]; k++)
    {
      const unsigned char was = buf[lies[k].at];
      buf[lies[k].at] = lies[k].lie;
      recrc (buf, len);
      spit (path, buf, len);
      expect_refused (path, GSL_EINVAL, lies[k].what);
      buf[lies[k].at] = was;
    }
  /* a NaN under a valid checksum */
  memset (buf + head + 8 * 3, 0xFF, 8);
  recrc (buf, len);
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "parameter 3 is not a finite number");
  expect_refused ("no-such-model", GSL_EFAILED, "cannot open");
  free (buf);
  unlink (path);
}
END_TEST

START_TEST (test_read_too_many_hidden)
{
  /* a version 4 header of BP_NET_MAX_HIDDEN + 1 hidden layers that
     lists BP_NET_MAX_HIDDEN of them, then the activation, the channels
     and the block count, and ends there: read as far as the format
     allows (no more than BP_NET_MAX_HIDDEN units are taken), the
     layer count is what is refused, not a truncation */
  unsigned char buf[64 + 4 * BP_NET_MAX_HIDDEN], *p = buf;
  const uint32_t fields[] = { 1, 2, 2, BP_NET_MAX_HIDDEN + 1 };
  memcpy (p, BP_MODEL_FILE_MAGIC, 8);
  p += 8;
  const uint32_t head[] = { BP_MODEL_FILE_VERSION, 3 };
  for (size_t k = 0; k < 2; k++, p += 4)
    for (int b = 0; b < 4; b++)
      p[b] = (unsigned char) (head[k] >> (8 * b));
  memcpy (p, "mlp", 3);
  p += 3;
  uint32_t rest[4 + BP_NET_MAX_HIDDEN + 4];
  size_t n = 0;
  for (size_t k = 0; k < 4; k++)
    rest[n++] = fields[k];
  for (size_t k = 0; k < BP_NET_MAX_HIDDEN; k++)
    rest[n++] = 3;              /* units */
  rest[n++] = 2;                /* tanh */
  rest[n++] = 0;                /* C1 */
  rest[n++] = 0;                /* C2 */
  rest[n++] = 4;                /* blocks */
  for (size_t k = 0; k < n; k++, p += 4)
    for (int b = 0; b < 4; b++)
      p[b] = (unsigned char) (rest[k] >> (8 * b));
  const char *path = tmp_path ("hidden", 0);
  spit (path, buf, (size_t) (p - buf));
  char what[80];
  snprintf (what, sizeof what, "%d hidden layers (at most %d)", BP_NET_MAX_HIDDEN + 1,
            BP_NET_MAX_HIDDEN);
  expect_refused (path, GSL_EINVAL, what);
  unlink (path);
}
END_TEST

/* A state of no epoch done may come with a history of no rows (0 x
   BP_HISTORY_FIELDS, a struct filled in by hand: GSL allocates none):
   it holds no value, so nothing in it is non-finite (valid.h's
   matrix_finite: an empty matrix is finite wherever its data points,
   here at a NaN), and the state is written. */
START_TEST (test_state_history_of_no_epoch)
{
  bp_net *net = random_net (2, 31);
  bp_train_state st = some_state (net->size, 1);
  gsl_matrix_free (st.history);
  double nan = GSL_NAN;
  gsl_matrix none = { .size1 = 0, .size2 = BP_HISTORY_FIELDS, .tda = BP_HISTORY_FIELDS,
                      .data = &nan };
  st.epoch = 0;
  st.history = &none;
  const char *path = tmp_path ("state-no-epoch", 0);
  char err[256] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const int status = bp_model_file_write (path, net, &st, err, sizeof err);
  gsl_set_error_handler (old);
  ck_assert_msg (status == GSL_SUCCESS, "refused: %s", err);
  unlink (path);
  st.history = NULL;
  free_state (&st);
  bp_net_free (net);
}
END_TEST

START_TEST (test_state_history)
{
  /* state version 2: the history (a row of BP_HISTORY_FIELDS per epoch
     done) 8 bytes per figure more than version 1 and the version field
     2; version 1 (no history) still read, with a NULL history; the file
     cut by a figure refused */
  bp_net *net = random_net (2, 31), *r;
  char p1[256], p2[256];   /* tmp_path's buffer is static */
  snprintf (p1, sizeof p1, "%s", tmp_path ("state-v1", 0));
  snprintf (p2, sizeof p2, "%s", tmp_path ("state-v2", 0));
  bp_train_state st = some_state (net->size, 3), got;
  gsl_matrix *hist = st.history;
  st.history = NULL;
  ck_assert_int_eq (bp_model_file_write (p1, net, &st, NULL, 0), GSL_SUCCESS);
  st.history = hist;
  ck_assert_int_eq (bp_model_file_write (p2, net, &st, NULL, 0), GSL_SUCCESS);
  size_t l1, l2;
  unsigned char *b1 = slurp (p1, &l1), *b2 = slurp (p2, &l2);
  ck_assert_uint_eq (l2 - l1, 8 * 3 * BP_HISTORY_FIELDS);
  /* the state's magic right after the model, its version 8 bytes on */
  const size_t model = l1 - (80 + 8 * net->size + 16 + 4);
  ck_assert_mem_eq (b1 + model, "BPSTATE\n", 8);
  ck_assert_uint_eq (b1[model + 8], 1);
  ck_assert_uint_eq (b2[model + 8], 2);
  ck_assert_int_eq (bp_model_file_read (p1, &r, &got, NULL, 0), GSL_SUCCESS);
  ck_assert_ptr_null (got.history);
  ck_assert_uint_eq (got.epoch, 3);
  bp_train_state_free (&got);
  bp_net_free (r);
  /* cut by one figure: the length no longer fits the header and state */
  spit (p2, b2, l2 - 8);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  r = (bp_net *) 1;
  ck_assert_int_ne (bp_model_file_read (p2, &r, &got, NULL, 0), GSL_SUCCESS);
  ck_assert_ptr_null (r);
  gsl_set_error_handler (old);
  free (b1);
  free (b2);
  unlink (p1);
  unlink (p2);
  free_state (&st);
  bp_net_free (net);
}
END_TEST

/* The bytes of a model file at path whose state is of version 1 (some
   state of net without its history), its length *len; the state's
   section starts at *len - *state, checked to begin with its magic */
static unsigned char *
version_1_state_file (const bp_net *net, const char *path, size_t *len, size_t *state)
{
  bp_train_state st = some_state (net->size, 3);
  gsl_matrix *hist = st.history;
  st.history = NULL;   /* version 1 */
  ck_assert_int_eq (bp_model_file_write (path, net, &st, NULL, 0), GSL_SUCCESS);
  st.history = hist;
  free_state (&st);
  unsigned char *buf = slurp (path, len);
  *state = 80 + 8 * net->size + 16 + 4;
  ck_assert_mem_eq (buf + *len - *state, "BPSTATE\n", 8);
  return buf;
}

/* What follows a model is a training state only with the state's magic
   and a version it knows (1 or 2): a section of a state's length with
   either wrong, its own checksum right, makes the file overlong, read
   with or without the state */
START_TEST (test_read_state_magic_and_version)
{
  bp_net *net = random_net (2, 31);
  const char *path = tmp_path ("state-head", 0);
  size_t len, state;
  unsigned char *buf = version_1_state_file (net, path, &len, &state);
  const size_t model = len - state;
  const struct { size_t at; unsigned char lie; } lies[] = {
    { 0, 'b' },   /* "bPSTATE\n" */
    { 8, 3 },     /* version 3 */
  };
  for (size_t k = 0; k < sizeof lies / sizeof lies[0]; k++)
    {
      const unsigned char was = buf[model + lies[k].at];
      buf[model + lies[k].at] = lies[k].lie;
      recrc (buf + model, state);
      spit (path, buf, len);
      expect_refused (path, GSL_EINVAL, "overlong model file");
      bp_train_state got;
      bp_net *r = (bp_net *) 1;
      gsl_error_handler_t *old = gsl_set_error_handler_off ();
      ck_assert_int_eq (bp_model_file_read (path, &r, &got, NULL, 0), GSL_EINVAL);
      gsl_set_error_handler (old);
      ck_assert_ptr_null (r);
      buf[model + lies[k].at] = was;
    }
  free (buf);
  unlink (path);
  bp_net_free (net);
}
END_TEST

/* A state of version 2 (with the run's history) that announces 0
   epochs: no history of 0 rows is written (the writer's history has 1
   row per epoch), and the bytes are refused as a model file too long,
   as any state whose length cannot be told.  Mutant: state_length()'s
   `epochs == 0 || epochs > ...` as `&&` (the file read, GSL_SUCCESS) */
START_TEST (test_read_state_history_of_0_epochs)
{
  bp_net *net = random_net (2, 31);
  const char *path = tmp_path ("state-0-epochs", 0);
  size_t len, state;   /* version 1: the same bytes but for the version */
  unsigned char *buf = version_1_state_file (net, path, &len, &state);
  const size_t model = len - state;
  buf[model + 8] = 2;                    /* version 2 */
  memset (buf + model + 16, 0, 8);       /* 0 epochs */
  recrc (buf + model, state);
  spit (path, buf, len);
  expect_refused (path, GSL_EINVAL, "overlong model file");
  free (buf);
  unlink (path);
  bp_net_free (net);
}
END_TEST

/* A state value that is not finite, each alone (the writer refuses
   them: put into the file's bytes, the state's checksum made right):
   the velocity, lr, momentum, weight decay, the history; refused as not
   finite, before any range is asked */
START_TEST (test_read_state_not_finite)
{
  bp_net *net = random_net (2, 31);
  const char *path = tmp_path ("state-nan", 0);
  bp_train_state st = some_state (net->size, 2);
  ck_assert_int_eq (bp_model_file_write (path, net, &st, NULL, 0), GSL_SUCCESS);
  size_t len;
  unsigned char *buf = slurp (path, &len);
  /* version 2: 80 bytes to the weight decay, the velocities, 16 of RNG
     state, 2 x BP_HISTORY_FIELDS figures, the checksum */
  const size_t state = 80 + 8 * net->size + 16 + 8 * 2 * BP_HISTORY_FIELDS + 4;
  const size_t model = len - state;
  ck_assert_mem_eq (buf + model, "BPSTATE\n", 8);
  const size_t at[] = { 80, 56, 64, 72, 80 + 8 * net->size + 16 + 8 * 5 };
  for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
    {
      unsigned char was[8];
      memcpy (was, buf + model + at[k], 8);
      memset (buf + model + at[k], 0xFF, 8);   /* a NaN */
      recrc (buf + model, state);
      spit (path, buf, len);
      bp_train_state got;
      bp_net *r = (bp_net *) 1;
      char err[1024] = "";
      gsl_error_handler_t *old = gsl_set_error_handler_off ();
      ck_assert_int_eq (bp_model_file_read (path, &r, &got, err, sizeof err), GSL_EINVAL);
      gsl_set_error_handler (old);
      ck_assert_msg (strstr (err, "the training state has a value that is not finite"),
                     "offset %zu: %s", at[k], err);
      ck_assert_ptr_null (r);
      memcpy (buf + model + at[k], was, 8);
    }
  free (buf);
  unlink (path);
  free_state (&st);
  bp_net_free (net);
}
END_TEST

/* A deep net of BP_NET_MAX_HIDDEN hidden layers is saved and read back
   (bp_model_file.h: at most that many) */
START_TEST (test_round_trip_deepest)
{
  bp_net_shape s = { .rows = 28, .cols = 28, .n = 10, .n_hidden = BP_NET_MAX_HIDDEN,
                     .act = BP_TANH };
  for (size_t l = 0; l < BP_NET_MAX_HIDDEN; l++)
    s.hidden[l] = 3 + l;
  bp_net *net = bp_net_alloc (bp_net_deep, &s), *r = NULL;
  ck_assert_ptr_nonnull (net);
  for (size_t k = 0; k < net->size; k++)
    gsl_vector_set (net->theta, k, 1.0 / (double) (k + 1));
  const char *path = tmp_path ("deepest", 0);
  char err[1024] = "";
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const int wrote = bp_model_file_write (path, net, NULL, err, sizeof err);
  ck_assert_msg (wrote == GSL_SUCCESS, "%s", err);
  const int status = bp_model_file_read (path, &r, NULL, err, sizeof err);
  gsl_set_error_handler (old);
  ck_assert_msg (status == GSL_SUCCESS, "%s", err);
  ck_assert_uint_eq (r->shape.n_hidden, BP_NET_MAX_HIDDEN);
  ck_assert (gsl_vector_equal (r->theta, net->theta));
  unlink (path);
  bp_net_free (r);
  bp_net_free (net);
}
END_TEST

static Suite *
read_suite (void)
{
  Suite *s = suite_create ("bp_model_file_read");
  TCase *tc = tcase_create ("version 4");
  tcase_add_loop_test (tc, test_round_trip, 0, N_ROWS);
  tcase_add_test (tc, test_read_channels_at_train_limit);
  tcase_add_test (tc, test_read_hidden_at_train_limit);
  tcase_add_test (tc, test_read_no_state);
  tcase_add_test (tc, test_read_state_out_of_range);
  tcase_add_test (tc, test_read_truncated);
  tcase_add_test (tc, test_read_corrupt);
  tcase_add_test (tc, test_state_history);
  tcase_add_test (tc, test_state_history_of_no_epoch);
  tcase_add_test (tc, test_read_state_magic_and_version);
  tcase_add_test (tc, test_read_state_history_of_0_epochs);
  tcase_add_test (tc, test_read_state_not_finite);
  tcase_add_test (tc, test_round_trip_deepest);
  tcase_add_test (tc, test_read_too_many_hidden);
  suite_add_tcase (s, tc);
  return s;
}

/* --- versions 1-3, as 0.1.0 wrote them (tests/data/legacy) --------------- */

static const struct
{
  const char *file;
  unsigned version;
  size_t head;   /* the version's header bytes */
  const char *type;
  size_t n_hidden, hidden, C1, C2;
} legacy[] = {
  { "0.1.0-linear.model", 1, 28, "linear", 0, 0, 0, 0 },
  { "0.1.0-mlp.model", 2, 36, "mlp", 1, 8, 0, 0 },
  { "0.1.0-cnn.model", 3, 48, "cnn", 0, 0, 2, 4 },
  { "0.1.0-cnn-hidden.model", 3, 48, "cnn", 1, 6, 2, 4 },
};

static const char *
legacy_path (const char *file)
{
  static char path[4096];
  snprintf (path, sizeof path, "%s/legacy/%s", test_data_dir (), file);
  return path;
}

START_TEST (test_legacy_read)
{
  /* into the row its version holds, the shape its header states; theta
     and the velocity are the file's numbers in order, decoded here from
     the layout bp_model_file.h documents; the state after epoch 1 of 3 */
  const char *path = legacy_path (legacy[_i].file);
  size_t len;
  unsigned char *buf = slurp (path, &len);
  ck_assert_uint_eq (u32_at (buf + 8), legacy[_i].version);
  bp_net *net;
  bp_train_state st;
  char err[1024] = "";
  ck_assert_msg (bp_model_file_read (path, &net, &st, err, sizeof err) == GSL_SUCCESS,
                 "%s", err);
  ck_assert_str_eq (net->type->name, legacy[_i].type);
  ck_assert_uint_eq (net->shape.n, u32_at (buf + 12));
  ck_assert_uint_eq (net->shape.rows, u32_at (buf + 20));
  ck_assert_uint_eq (net->shape.cols, u32_at (buf + 24));
  ck_assert_uint_eq (net->shape.n_hidden, legacy[_i].n_hidden);
  ck_assert_uint_eq (net->shape.hidden[0], legacy[_i].hidden);
  ck_assert_uint_eq (net->shape.C1, legacy[_i].C1);
  ck_assert_uint_eq (net->shape.C2, legacy[_i].C2);
  const size_t head = legacy[_i].head, model = head + 8 * net->size + 4;
  ck_assert_uint_eq (u32_at (buf + model - 4), (uint32_t) crc32 (0L, buf, (uInt) (model - 4)));
  ck_assert_mem_eq (buf + model, "BPSTATE\n", 8);
  for (size_t k = 0; k < net->size; k++)
    {
      ck_assert_double_eq (gsl_vector_get (net->theta, k), f64_at (buf + head + 8 * k));
      ck_assert_double_eq (gsl_vector_get (st.velocity, k),
                           f64_at (buf + model + 80 + 8 * k));
    }
  ck_assert_uint_eq (st.epoch, 1);
  ck_assert_uint_eq (st.epochs, 3);
  ck_assert_ptr_nonnull (st.history);
  ck_assert_uint_eq (st.history->size1, 1);
  bp_train_state_free (&st);
  bp_net_free (net);
  free (buf);
}
END_TEST

START_TEST (test_legacy_cnn_no_channels)
{
  /* a version 3 (CNN) file of 0.1.0 whose first or second channel count
     (header bytes 28 and 32) is 0, its other sizes right: refused for
     its sizes, whichever of the two it is */
  size_t len;
  unsigned char *buf = slurp (legacy_path (legacy[2].file), &len);
  ck_assert_uint_eq (u32_at (buf + 28), legacy[2].C1);
  ck_assert_uint_eq (u32_at (buf + 32), legacy[2].C2);
  const char *path = tmp_path ("nochannels", 0);
  for (size_t at = 28; at <= 32; at += 4)
    {
      unsigned char keep[4];
      memcpy (keep, buf + at, 4);
      memset (buf + at, 0, 4);
      spit (path, buf, len);
      expect_refused (path, GSL_EINVAL, "bad sizes in the header");
      memcpy (buf + at, keep, 4);
    }
  free (buf);
  unlink (path);
}
END_TEST

START_TEST (test_legacy_bad_sizes_say_which)
{
  /* a version 1 (linear) or 2 (mlp) file of 0.1.0 with 0 classes: "bad
     sizes in the header", and no word of hidden units; a version 2 file
     with 0 hidden units: ", no hidden units" said.  Mutant: the message's
     'version == MLP && H == 0' as '||' */
  const char *path = tmp_path ("legacysizes", 0);
  const struct { size_t file, at; int hidden; } cases[] = {
    { 0, 12, 0 }, { 1, 12, 0 }, { 1, 28, 1 },
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
      size_t len;
      unsigned char *buf = slurp (legacy_path (legacy[cases[c].file].file), &len);
      ck_assert_uint_ne (u32_at (buf + cases[c].at), 0);
      memset (buf + cases[c].at, 0, 4);
      spit (path, buf, len);
      gsl_error_handler_t *old = gsl_set_error_handler_off ();
      bp_net *net = (bp_net *) 1;
      char err[1024] = "";
      ck_assert_int_eq (bp_model_file_read (path, &net, NULL, err, sizeof err), GSL_EINVAL);
      gsl_set_error_handler (old);
      ck_assert_ptr_null (net);
      ck_assert_msg (strstr (err, "bad sizes in the header: ") != NULL, "%s", err);
      ck_assert_msg ((strstr (err, ", no hidden units") != NULL) == cases[c].hidden,
                     "case %zu: %s", c, err);
      free (buf);
    }
  unlink (path);
}
END_TEST

START_TEST (test_legacy_corrupt)
{
  /* version 1 and 2 models (0.1.0's, their state cut off): a flipped bit,
     a cut, a version 1 header whose number of classes lies (the file is
     whole: its checksum matches the true value, so it is named a corrupt
     header, not a truncated file, issue 14), and version 2's two size
     fields likewise */
  for (int v = 0; v < 2; v++)
    {
      size_t len;
      unsigned char *buf = slurp (legacy_path (legacy[v].file), &len);
      const size_t count = v == 0 ? 10 * 785 : 8 * 785 + 10 * 9;
      const size_t model = legacy[v].head + 8 * count + 4;
      const char *path = tmp_path ("legacy", v);
      spit (path, buf, model);
      bp_net *net;
      ck_assert_int_eq (bp_model_file_read (path, &net, NULL, NULL, 0), GSL_SUCCESS);
      bp_net_free (net);
      buf[legacy[v].head + 100] ^= 0x01;
      spit (path, buf, model);
      expect_refused (path, GSL_EINVAL, "checksum mismatch");
      buf[legacy[v].head + 100] ^= 0x01;
      spit (path, buf, model - 8);
      expect_refused (path, GSL_EINVAL, "truncated model file");
      const struct { size_t at; unsigned char lie, truth; const char *what; } f[] = {
        { 12, 11, 10, "number of classes" }, { 28, 9, 8, "number of hidden units" } };
      for (int k = 0; k <= v; k++)
        {
          buf[f[k].at] = f[k].lie;
          spit (path, buf, model);
          char want[200];
          snprintf (want, sizeof want, "corrupt header: its %s is %u, but the file's "
                    "length (%zu bytes) and checksum show it is %u", f[k].what,
                    f[k].lie, model, f[k].truth);
          expect_refused (path, GSL_EINVAL, want);
          buf[f[k].at] = f[k].truth;
        }
      free (buf);
      unlink (path);
    }
}
END_TEST

static Suite *
legacy_suite (void)
{
  Suite *s = suite_create ("bp_model_file_read (0.1.0)");
  TCase *tc = tcase_create ("versions 1-3");
  tcase_add_loop_test (tc, test_legacy_read, 0, (int) (sizeof legacy / sizeof legacy[0]));
  tcase_add_test (tc, test_legacy_corrupt);
  tcase_add_test (tc, test_legacy_cnn_no_channels);
  tcase_add_test (tc, test_legacy_bad_sizes_say_which);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { write_suite, read_suite, legacy_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
