/* check_malformed.c -- the regression corpus of malformed files,
   tests/data/malformed/ (issue 6): every file is read by the reader it
   targets, which must answer with the exact error code and a message
   "FILE: PROBLEM" naming the file and the problem (a fixed part of it,
   from the reader's format strings).  One suite per reader:
   bp_idx_read, bp_dataset_read, bp_model_file_read (versions 1-4),
   bp_model_file_shape.

   The files are made here, byte by byte, from the formats of bp_idx.h and
   bp_model_file.h (gzip as RFC 1952 with stored deflate blocks, RFC 1951,
   so every byte is fixed by the format, not by a zlib version); a test
   checks that the committed files are exactly what this program makes,
   and `tests/check_malformed --write DIR' (make malformed-corpus) writes
   them again. */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_model_file.h"
#include "testutil.h"

/* --- making the files ---------------------------------------------------- */

typedef struct
{
  unsigned char b[4096];
  size_t len;
} bytes;

static void
put (bytes *f, const void *p, size_t len)
{
  if (f->len + len > sizeof f->b)   /* not ck_assert: --write runs no test */
    abort ();
  memcpy (f->b + f->len, p, len);
  f->len += len;
}

static void
put_byte (bytes *f, unsigned x)
{
  const unsigned char c = (unsigned char) x;
  put (f, &c, 1);
}

static void
put_be32 (bytes *f, uint32_t x)
{
  for (int k = 3; k >= 0; k--)
    put_byte (f, (x >> (8 * k)) & 0xff);
}

static void
put_le32 (bytes *f, uint32_t x)
{
  for (int k = 0; k < 4; k++)
    put_byte (f, (x >> (8 * k)) & 0xff);
}

static void
put_le64 (bytes *f, uint64_t x)
{
  for (int k = 0; k < 8; k++)
    put_byte (f, (x >> (8 * k)) & 0xff);
}

static void
put_f64 (bytes *f, double x)
{
  uint64_t bits;
  memcpy (&bits, &x, sizeof bits);
  put_le64 (f, bits);
}

static uint32_t
crc (const unsigned char *p, size_t len)
{
  return (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), p, len);
}

/* IDX (bp_idx.h): 0 0 type d, the d sizes big-endian, then payload bytes
   p -> (7 p) mod 256 (labels: p mod 3). */
static void
idx_header (bytes *f, unsigned type, size_t d, const uint32_t *dims)
{
  put_byte (f, 0);
  put_byte (f, 0);
  put_byte (f, type);
  put_byte (f, (unsigned) d);
  for (size_t k = 0; k < d; k++)
    put_be32 (f, dims[k]);
}

/* The valid images file: 3 images of 2 x 2 (16 + 12 bytes). */
static void
images_3x2x2 (bytes *f)
{
  const uint32_t dims[] = { 3, 2, 2 };
  idx_header (f, 0x08, 3, dims);
  for (unsigned p = 0; p < 12; p++)
    put_byte (f, (7 * p) % 256);
}

/* The valid labels file of count labels, p mod 3, except label bad at
   item 1 when bad is not 0. */
static void
labels (bytes *f, uint32_t count, unsigned bad)
{
  idx_header (f, 0x08, 1, &count);
  for (unsigned p = 0; p < count; p++)
    put_byte (f, p == 1 && bad ? bad : p % 3);
}

/* gzip (RFC 1952) of in: header with no name and mtime 0, OS 3 (Unix);
   one stored deflate block (RFC 1951: BFINAL 1, BTYPE 00, LEN, ~LEN);
   CRC-32 and length, little-endian. */
static void
gzip_of (bytes *f, const bytes *in)
{
  static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
  put (f, head, sizeof head);
  put_byte (f, 0x01);
  put_byte (f, in->len & 0xff);
  put_byte (f, (in->len >> 8) & 0xff);
  put_byte (f, ~in->len & 0xff);
  put_byte (f, (~in->len >> 8) & 0xff);
  put (f, in->b, in->len);
  put_le32 (f, crc (in->b, in->len));
  put_le32 (f, (uint32_t) in->len);
}

/* Model files (bp_model_file.h), little-endian: magic, version, n, m,
   rows, cols [, H, activation], then count reals k -> 0.25 k - 1, then the
   CRC-32 of everything before it. */
static void
model_header (bytes *f, uint32_t version, uint32_t n, uint32_t m, uint32_t rows,
              uint32_t cols)
{
  put (f, BP_MODEL_FILE_MAGIC, 8);
  put_le32 (f, version);
  put_le32 (f, n);
  put_le32 (f, m);
  put_le32 (f, rows);
  put_le32 (f, cols);
}

static void
model_values (bytes *f, size_t count)
{
  for (size_t k = 0; k < count; k++)
    put_f64 (f, 0.25 * (double) k - 1.0);
}

static void
model_crc (bytes *f)
{
  put_le32 (f, crc (f->b, f->len));
}

/* Version 1: n = 2 classes, m = 2 inputs (image 1 x 2): 28 + 8 (4 + 2)
   + 4 = 80 bytes. */
static void
model_v1 (bytes *f)
{
  model_header (f, 1, 2, 2, 1, 2);
  model_values (f, 2 * 2 + 2);
  model_crc (f);
}

/* Version 2: n = 2, m = 2 (1 x 2), H = 3, tanh (2): 36 + 8 (3 2 + 3 + 2 3
   + 2) + 4 = 176 bytes. */
static void
model_v2_with (bytes *f, uint32_t H, uint32_t act, size_t count)
{
  model_header (f, 2, 2, 2, 1, 2);
  put_le32 (f, H);
  put_le32 (f, act);
  model_values (f, count);
  model_crc (f);
}

static void
model_v2 (bytes *f)
{
  model_v2_with (f, 3, 2, 3 * 2 + 3 + 2 * 3 + 2);
}

/* Version 3: n = 2 classes, an image of rows x cols, C1 = C2 = 1, no
   hidden layer, kernel side k and padding p: 48 + 8 count + 4 bytes. */
static void
model_v3_with (bytes *f, uint32_t rows, uint32_t cols, uint32_t k, uint32_t p)
{
  const size_t features = (rows / 4) * (cols / 4);
  model_header (f, 3, 2, rows * cols, rows, cols);
  put_le32 (f, 1);   /* C1 */
  put_le32 (f, 1);   /* C2 */
  put_le32 (f, 0);   /* H */
  put_le32 (f, k);
  put_le32 (f, p);
  model_values (f, 26 + 26 + 2 * (features + 1));   /* cnn_chain_count */
  model_crc (f);
}

/* The valid one: 4 x 4 images, k = 5, p = 2: 56 parameters, 500 bytes. */
static void
model_v3 (bytes *f)
{
  model_v3_with (f, 4, 4, 5, 2);
}

/* Version 4: the type's name, the shape, the blocks (each name, size1,
   size2), the parameters, the CRC.  The shape: rows x cols images, n
   classes, the hidden layers' units (h of them), the activation act,
   channels C1 and C2. */
static void
put_name (bytes *f, const char *name)
{
  put_le32 (f, (uint32_t) strlen (name));
  put (f, name, strlen (name));
}

static void
model_v4_head (bytes *f, const char *type, uint32_t rows, uint32_t cols, uint32_t n,
               size_t h, const uint32_t *hidden, uint32_t act, uint32_t C1, uint32_t C2)
{
  put (f, BP_MODEL_FILE_MAGIC, 8);
  put_le32 (f, 4);
  put_name (f, type);
  put_le32 (f, rows);
  put_le32 (f, cols);
  put_le32 (f, n);
  put_le32 (f, (uint32_t) h);
  for (size_t k = 0; k < h; k++)
    put_le32 (f, hidden[k]);
  put_le32 (f, act);
  put_le32 (f, C1);
  put_le32 (f, C2);
}

static void
model_v4_block (bytes *f, const char *name, uint32_t size1, uint32_t size2)
{
  put_name (f, name);
  put_le32 (f, size1);
  put_le32 (f, size2);
}

/* The valid one: version 2's network (2 classes, a 1 x 2 image, 3 hidden
   units, tanh) as an "mlp": 16 + 3 + 32 + 4 + 4 (4 + 2 + 8) + 8 17 + 4
   = 251 bytes; first_rows is W1's rows as the header states them. */
static void
model_v4_mlp (bytes *f, const char *type, uint32_t first_rows, size_t count)
{
  const uint32_t H = 3;
  model_v4_head (f, type, 1, 2, 2, 1, &H, 2, 0, 0);
  put_le32 (f, 4);
  model_v4_block (f, "W1", first_rows, 2);
  model_v4_block (f, "b1", 3, 0);
  model_v4_block (f, "W2", 2, 3);
  model_v4_block (f, "b2", 2, 0);
  model_values (f, count);
  model_crc (f);
}

static void
model_v4 (bytes *f)
{
  model_v4_mlp (f, "mlp", 3, 17);
}

#define V4_HEAD 111   /* model_v4's header bytes: 251 - 8 17 - 4 */

/* The same network as the float32 row: its values (0.25 k - 1) are
   floats, held exactly as doubles; the name 8 bytes longer. */
static void
model_v4_float (bytes *f)
{
  model_v4_mlp (f, "mlp_float32", 3, 17);
}

#define V4_FLOAT_HEAD (V4_HEAD + 8)

/* Replace the 8 bytes of parameter k (of a header of head bytes) by x and
   make the CRC right again. */
static void
set_param (bytes *f, size_t head, size_t k, double x)
{
  bytes g = { { 0 }, 0 };
  put (&g, f->b, head + 8 * k);
  put_f64 (&g, x);
  put (&g, f->b + head + 8 * (k + 1), f->len - 4 - head - 8 * (k + 1));
  model_crc (&g);
  *f = g;
}

/* --- the corpus ---------------------------------------------------------- */

static void
make_idx_empty (bytes *f)
{
  (void) f;
}

static void
make_idx_header_3 (bytes *f)
{
  images_3x2x2 (f);
  f->len = 3;
}

static void
make_idx_sizes_cut (bytes *f)
{
  images_3x2x2 (f);
  f->len = 10;
}

static void
make_idx_bad_magic (bytes *f)
{
  images_3x2x2 (f);
  f->b[0] = 0x12;
  f->b[1] = 0x34;
}

static void
make_idx_type_float (bytes *f)
{
  images_3x2x2 (f);
  f->b[2] = 0x0d;
}

static void
make_labels_3 (bytes *f)
{
  labels (f, 3, 0);
}

static void
make_idx_size_zero (bytes *f)
{
  const uint32_t dims[] = { 3, 0, 2 };
  idx_header (f, 0x08, 3, dims);
}

/* (2^32 - 1)^3 > 2^64 > SIZE_MAX: the product overflows before anything
   is allocated. */
static void
make_idx_overflow (bytes *f)
{
  const uint32_t dims[] = { 0xffffffffu, 0xffffffffu, 0xffffffffu };
  idx_header (f, 0x08, 3, dims);
  put_byte (f, 1);
}

static void
make_idx_payload_cut (bytes *f)
{
  images_3x2x2 (f);
  f->len = 16 + 5;
}

/* 60000 x 28 x 28 = 47040000 bytes announced, 16 given. */
static void
make_idx_huge_claim (bytes *f)
{
  const uint32_t dims[] = { 60000, 28, 28 };
  idx_header (f, 0x08, 3, dims);
  for (unsigned p = 0; p < 16; p++)
    put_byte (f, p);
}

static void
make_idx_trailing (bytes *f)
{
  images_3x2x2 (f);
  put_byte (f, 0xaa);
  put_byte (f, 0xbb);
}

static void
make_gz_images (bytes *f)
{
  bytes in = { { 0 }, 0 };
  images_3x2x2 (&in);
  gzip_of (f, &in);
}

/* 10 + 5 + 28 + 8 = 51 bytes; cut in the stored block's data */
static void
make_gz_cut (bytes *f)
{
  make_gz_images (f);
  f->len = 10 + 5 + 20;
}

/* cut in the trailer: the data are all there, the CRC-32 is not whole
   (the first finding of fuzz_idx) */
static void
make_gz_trailer_cut (bytes *f)
{
  make_gz_images (f);
  f->len -= 6;
}

static void
make_gz_bad_crc (bytes *f)
{
  make_gz_images (f);
  f->b[f->len - 8] ^= 0xff;
}

static void
make_gz_bad_length (bytes *f)
{
  make_gz_images (f);
  f->b[f->len - 4] ^= 0x01;
}

/* a deflate block of type 11, which RFC 1951 reserves (an error) */
static void
make_gz_garbage (bytes *f)
{
  make_gz_images (f);
  f->b[10] = 0x07;
}

static void
make_gz_payload_cut (bytes *f)
{
  bytes in = { { 0 }, 0 };
  images_3x2x2 (&in);
  in.len = 16 + 5;
  gzip_of (f, &in);
}

static void
make_gz_empty (bytes *f)
{
  bytes in = { { 0 }, 0 };
  gzip_of (f, &in);
}

static void
make_labels_2 (bytes *f)
{
  labels (f, 2, 0);
}

static void
make_labels_10 (bytes *f)
{
  labels (f, 3, 10);
}

static void
make_model_header_cut (bytes *f)
{
  model_v1 (f);
  f->len = 20;
}

static void
make_model_bad_magic (bytes *f)
{
  model_v1 (f);
  memcpy (f->b, "BPMODEL2", 8);
}

static void
make_model_version (bytes *f, uint32_t version)
{
  model_header (f, version, 2, 2, 1, 2);
  model_values (f, 6);
  model_crc (f);
}

static void
make_model_version_0 (bytes *f)
{
  make_model_version (f, 0);
}


static void
make_model_bad_crc (bytes *f)
{
  model_v1 (f);
  f->b[28 + 8 * 2 + 3] ^= 0x10;   /* a bit of W[1][0], CRC unchanged */
}

static void
make_model_payload_cut (bytes *f)
{
  model_v1 (f);
  f->len = 60;
}

static void
make_model_overlong (bytes *f)
{
  model_v1 (f);
  put_byte (f, 0);
}

/* image 3 x 1 for m = 2 inputs */
static void
make_model_bad_shape (bytes *f)
{
  model_header (f, 1, 2, 2, 3, 1);
  model_values (f, 6);
  model_crc (f);
}

static void
make_model_zero_classes (bytes *f)
{
  model_header (f, 1, 0, 2, 1, 2);
  model_values (f, 2);
  model_crc (f);
}

/* n = m = 2^32 - 1: n m + n parameters need more than 2^64 bytes */
static void
make_model_overflow (bytes *f)
{
  model_header (f, 1, 0xffffffffu, 0xffffffffu, 0xffffffffu, 1);
  model_values (f, 6);
  model_crc (f);
}

static void
make_model_nan (bytes *f)
{
  model_v1 (f);
  set_param (f, 28, 3, NAN);
}

static void
make_model_inf (bytes *f)
{
  model_v1 (f);
  set_param (f, 28, 5, -INFINITY);
}

static void
make_model_v2_header_cut (bytes *f)
{
  model_v2 (f);
  f->len = 30;
}

static void
make_model_v2_no_hidden (bytes *f)
{
  model_v2_with (f, 0, 2, 2 * 2 + 2);
}

static void
make_model_v2_bad_activation (bytes *f)
{
  model_v2_with (f, 3, 7, 3 * 2 + 3 + 2 * 3 + 2);
}

static void
make_model_v3_header_cut (bytes *f)
{
  model_v3 (f);
  f->len = 40;
}

static void
make_model_v3_bad_kernel (bytes *f)
{
  model_v3_with (f, 4, 4, 3, 2);
}

static void
make_model_v3_small_image (bytes *f)
{
  model_v3_with (f, 3, 4, 5, 2);
}

static void
make_model_v3_payload_cut (bytes *f)
{
  model_v3 (f);
  f->len -= 8;
}

static void
make_model_v3_nan (bytes *f)
{
  model_v3 (f);
  set_param (f, 48, 55, NAN);   /* b4[1], the last parameter */
}

static void
make_model_v2_bad_crc (bytes *f)
{
  model_v2 (f);
  f->b[f->len - 1] ^= 0x01;
}

static void
make_model_v2_nan (bytes *f)
{
  model_v2 (f);
  set_param (f, 36, 16, NAN);   /* b2[1], the last parameter */
}

/* (2^32 - 1) (2^32 - 1 + 1) + ... parameters: more than 2^64 bytes */
static void
make_model_v2_overflow (bytes *f)
{
  model_header (f, 2, 2, 0xffffffffu, 0xffffffffu, 1);
  put_le32 (f, 0xffffffffu);
  put_le32 (f, 0);
  model_values (f, 2);
  model_crc (f);
}

static void
make_model_version_5 (bytes *f)
{
  make_model_version (f, 5);
}

/* cut in the third block's sizes */
static void
make_model_v4_header_cut (bytes *f)
{
  model_v4 (f);
  f->len = 95;
}

static void
make_model_v4_payload_cut (bytes *f)
{
  model_v4 (f);
  f->len -= 12;
}

static void
make_model_v4_bad_crc (bytes *f)
{
  model_v4 (f);
  f->b[V4_HEAD + 8 * 5 + 6] ^= 0x20;   /* a bit of W1[2][1], CRC unchanged */
}

/* W1 stated 4 x 2, where an mlp of 3 hidden units has 3 x 2; the length
   and CRC agree with the header */
static void
make_model_v4_block_shape (bytes *f)
{
  model_v4_mlp (f, "mlp", 4, 19);
}

static void
make_model_v4_unknown_type (bytes *f)
{
  model_v4_mlp (f, "rnn", 3, 17);
}

/* a linear network of 2^32 - 1 classes on 65535 x 65535 images:
   (2^32 - 1) (65535^2 + 1) parameters need more than 2^64 bytes */
static void
make_model_v4_huge (bytes *f)
{
  model_v4_head (f, "linear", 65535, 65535, 0xffffffffu, 0, NULL, 0, 0, 0);
  put_le32 (f, 2);
  model_v4_block (f, "W", 0xffffffffu, 65535u * 65535u);
  model_v4_block (f, "b", 0xffffffffu, 0);
  model_values (f, 2);
  model_crc (f);
}

static void
make_model_v4_nan (bytes *f)
{
  model_v4 (f);
  set_param (f, V4_HEAD, 9, NAN);   /* W2[0][0] */
}

static void
make_model_v4_float_not_float (bytes *f)
{
  model_v4_float (f);
  set_param (f, V4_FLOAT_HEAD, 5, 0.1);   /* b1[2]: 0.1 has no float */
}

typedef struct
{
  const char *name;
  void (*make) (bytes *);
} corpus_file;

/* Every file of tests/data/malformed/, valid ones (ok-*) included. */
static const corpus_file corpus[] = {
  { "ok-images-3x2x2", images_3x2x2 },
  { "ok-images-3x2x2.gz", make_gz_images },
  { "ok-labels-3", make_labels_3 },
  { "ok-model-v1", model_v1 },
  { "ok-model-v2", model_v2 },
  { "ok-model-v3", model_v3 },
  { "ok-model-v4", model_v4 },
  { "ok-model-v4-float32", model_v4_float },
  { "idx-empty", make_idx_empty },
  { "idx-header-3-bytes", make_idx_header_3 },
  { "idx-sizes-cut", make_idx_sizes_cut },
  { "idx-bad-magic", make_idx_bad_magic },
  { "idx-type-float", make_idx_type_float },
  { "idx-size-zero", make_idx_size_zero },
  { "idx-sizes-overflow", make_idx_overflow },
  { "idx-payload-cut", make_idx_payload_cut },
  { "idx-huge-claim", make_idx_huge_claim },
  { "idx-trailing-bytes", make_idx_trailing },
  { "idx-gz-cut.gz", make_gz_cut },
  { "idx-gz-trailer-cut.gz", make_gz_trailer_cut },
  { "idx-gz-bad-crc.gz", make_gz_bad_crc },
  { "idx-gz-bad-length.gz", make_gz_bad_length },
  { "idx-gz-garbage.gz", make_gz_garbage },
  { "idx-gz-payload-cut.gz", make_gz_payload_cut },
  { "idx-gz-empty.gz", make_gz_empty },
  { "labels-count-2", make_labels_2 },
  { "labels-class-10", make_labels_10 },
  { "model-empty", make_idx_empty },
  { "model-header-cut", make_model_header_cut },
  { "model-bad-magic", make_model_bad_magic },
  { "model-version-0", make_model_version_0 },
  { "model-version-5", make_model_version_5 },
  { "model-bad-checksum", make_model_bad_crc },
  { "model-payload-cut", make_model_payload_cut },
  { "model-overlong", make_model_overlong },
  { "model-bad-shape", make_model_bad_shape },
  { "model-zero-classes", make_model_zero_classes },
  { "model-sizes-overflow", make_model_overflow },
  { "model-nan", make_model_nan },
  { "model-inf", make_model_inf },
  { "model-v2-header-cut", make_model_v2_header_cut },
  { "model-v2-no-hidden", make_model_v2_no_hidden },
  { "model-v2-bad-activation", make_model_v2_bad_activation },
  { "model-v2-bad-checksum", make_model_v2_bad_crc },
  { "model-v2-nan", make_model_v2_nan },
  { "model-v2-sizes-overflow", make_model_v2_overflow },
  { "model-v3-header-cut", make_model_v3_header_cut },
  { "model-v3-bad-kernel", make_model_v3_bad_kernel },
  { "model-v3-small-image", make_model_v3_small_image },
  { "model-v3-payload-cut", make_model_v3_payload_cut },
  { "model-v3-nan", make_model_v3_nan },
  { "model-v4-header-cut", make_model_v4_header_cut },
  { "model-v4-payload-cut", make_model_v4_payload_cut },
  { "model-v4-bad-checksum", make_model_v4_bad_crc },
  { "model-v4-block-shape", make_model_v4_block_shape },
  { "model-v4-unknown-type", make_model_v4_unknown_type },
  { "model-v4-huge", make_model_v4_huge },
  { "model-v4-nan", make_model_v4_nan },
  { "model-v4-float32-not-float", make_model_v4_float_not_float },
};
#define N_CORPUS (sizeof corpus / sizeof corpus[0])

/* --- the expected errors ------------------------------------------------- */

static const char *
path_of (const char *name)
{
  static char path[2][4096];
  static int which;
  which = !which;
  snprintf (path[which], sizeof path[which], "%s/malformed/%s", test_data_dir (), name);
  return path[which];
}

/* The message must be "PATH: ..." and contain what. */
static void
assert_message (const char *err, const char *path, const char *what)
{
  const size_t n = strlen (path);
  ck_assert_msg (strncmp (err, path, n) == 0 && strncmp (err + n, ": ", 2) == 0,
                 "message '%s' does not start with '%s: '", err, path);
  ck_assert_msg (strstr (err + n + 2, what) != NULL, "message '%s' does not say '%s'",
                 err, what);
  ck_assert_msg (strstr (err + n + 2, path) == NULL, "message '%s' names '%s' twice",
                 err, path);
}

typedef struct
{
  const char *file;
  size_t ndims;
  int code;
  const char *what;
} idx_case;

/* The problem each reader must name, from bp_idx.h and idx.c's format
   strings; gzip's own messages are zlib's (inflate.c).  zlib inflates a
   stream this small whole at the first read, so a bad CRC-32, length or
   block shows when the header is read; a stream cut short is reported
   only when the data run out (Z_BUF_ERROR), after what was there. */
static const idx_case idx_cases[] = {
  { "idx-empty", 3, GSL_EINVAL, "truncated IDX header (0 of 4 bytes): the file ends early" },
  { "idx-header-3-bytes", 3, GSL_EINVAL, "truncated IDX header (3 of 4 bytes): the file ends early" },
  { "idx-sizes-cut", 3, GSL_EINVAL, "truncated IDX header (10 of 16 bytes): the file ends early" },
  { "idx-bad-magic", 3, GSL_EINVAL, "not an IDX file (magic number starts 0x1234, not 0x0000)" },
  { "idx-type-float", 3, GSL_EINVAL, "IDX data type 0x0d is not supported (only 0x08, unsigned bytes)" },
  { "ok-labels-3", 3, GSL_EINVAL, "has 1 dimensions, expected 3 (an images file has 3, a labels file 1)" },
  { "ok-images-3x2x2", 1, GSL_EINVAL, "has 3 dimensions, expected 1 (an images file has 3, a labels file 1)" },
  { "idx-size-zero", 3, GSL_EINVAL, "size 2 of the IDX header is 0" },
  { "idx-sizes-overflow", 3, GSL_EINVAL, "the sizes in the IDX header overflow (their product exceeds " },
  { "idx-payload-cut", 3, GSL_EINVAL, "truncated payload: 5 of the 12 bytes the header announces: the file ends early" },
  { "idx-huge-claim", 3, GSL_EINVAL, "truncated payload: 16 of the 47040000 bytes the header announces: the file ends early" },
  { "idx-trailing-bytes", 3, GSL_EINVAL, "trailing bytes after the 12-byte payload the header announces" },
  { "idx-gz-cut.gz", 3, GSL_EINVAL, "truncated payload: 4 of the 12 bytes the header announces: the gzip stream ends early" },
  { "idx-gz-trailer-cut.gz", 3, GSL_EINVAL, "bad end after the 12-byte payload: the gzip stream ends early" },
  { "idx-gz-bad-crc.gz", 3, GSL_EINVAL, "cannot read the IDX header: incorrect data check" },
  { "idx-gz-bad-length.gz", 3, GSL_EINVAL, "cannot read the IDX header: incorrect length check" },
  { "idx-gz-garbage.gz", 3, GSL_EINVAL, "cannot read the IDX header: invalid block type" },
  { "idx-gz-payload-cut.gz", 3, GSL_EINVAL, "truncated payload: 5 of the 12 bytes the header announces: the file ends early" },
  { "idx-gz-empty.gz", 3, GSL_EINVAL, "truncated IDX header (0 of 4 bytes): the file ends early" },
  { "idx-gz-empty.gz", 1, GSL_EINVAL, "truncated IDX header (0 of 4 bytes): the file ends early" },
};
#define N_IDX (sizeof idx_cases / sizeof idx_cases[0])

START_TEST (test_idx_read_malformed)
{
  const idx_case *c = &idx_cases[_i];
  const char *path = path_of (c->file);
  bp_idx idx;
  char err[1024] = "";
  ck_assert_msg (bp_idx_read (path, c->ndims, &idx, err, sizeof err) == c->code,
                 "%s: expected code %d, message: %s", c->file, c->code, err);
  assert_message (err, path, c->what);
  ck_assert_ptr_null (idx.data);
  ck_assert_uint_eq (idx.size, 0);
}
END_TEST

START_TEST (test_idx_read_valid)
{
  /* the valid files the malformed ones are made from read, plain or gzip'd */
  static const char *const files[] = { "ok-images-3x2x2", "ok-images-3x2x2.gz" };
  bp_idx idx;
  char err[1024] = "";
  ck_assert_msg (bp_idx_read (path_of (files[_i]), 3, &idx, err, sizeof err)
                 == GSL_SUCCESS, "%s", err);
  ck_assert_uint_eq (idx.size, 12);
  ck_assert_uint_eq (idx.data[11], 77);   /* 7 * 11 */
  bp_idx_free (&idx);
}
END_TEST

typedef struct
{
  const char *images, *labels;
  size_t n_classes;
  int code;
  const char *named;   /* the file the message starts with */
  const char *what;
} dataset_case;

static const dataset_case dataset_cases[] = {
  { "ok-images-3x2x2", "labels-count-2", 10, GSL_EINVAL, "labels-count-2",
    "has 2 labels but " },
  { "ok-images-3x2x2.gz", "labels-class-10", 10, GSL_EINVAL, "labels-class-10",
    "label 10 of item 1 is not a class (there are 10: 0 to 9)" },
  { "ok-images-3x2x2", "ok-labels-3", 2, GSL_EINVAL, "ok-labels-3",
    "label 2 of item 2 is not a class (there are 2: 0 to 1)" },
  { "idx-gz-trailer-cut.gz", "ok-labels-3", 10, GSL_EINVAL, "idx-gz-trailer-cut.gz",
    "bad end after the 12-byte payload: the gzip stream ends early" },
  { "ok-images-3x2x2", "idx-payload-cut", 10, GSL_EINVAL, "idx-payload-cut",
    "has 3 dimensions, expected 1" },
};
#define N_DATASET (sizeof dataset_cases / sizeof dataset_cases[0])

START_TEST (test_dataset_read_malformed)
{
  const dataset_case *c = &dataset_cases[_i];
  char images[4096], labels_path[4096], named[4096], err[1024] = "";
  snprintf (images, sizeof images, "%s", path_of (c->images));
  snprintf (labels_path, sizeof labels_path, "%s", path_of (c->labels));
  snprintf (named, sizeof named, "%s", path_of (c->named));
  bp_dataset d;
  ck_assert_msg (bp_dataset_read (images, labels_path, c->n_classes, &d, err, sizeof err)
                 == c->code, "%s + %s: expected code %d, message: %s", c->images,
                 c->labels, c->code, err);
  assert_message (err, named, c->what);
  if (strstr (c->what, "labels but") != NULL)   /* and names the images file */
    assert_message (err, named, images);
  ck_assert_ptr_null (d.images);
  ck_assert_ptr_null (d.labels);
}
END_TEST

START_TEST (test_dataset_read_valid)
{
  bp_dataset d;
  char err[1024] = "";
  ck_assert_msg (bp_dataset_read (path_of ("ok-images-3x2x2.gz"), path_of ("ok-labels-3"),
                                  3, &d, err, sizeof err) == GSL_SUCCESS, "%s", err);
  ck_assert_uint_eq (d.count, 3);
  ck_assert_uint_eq (d.labels[2], 2);
  bp_dataset_free (&d);
}
END_TEST

/* Which function a model case is for. */
enum { READ, SHAPE };

typedef struct
{
  const char *file;
  int reader;
  int code;
  const char *what;
} model_case;

static const model_case model_cases[] = {
  { "model-empty", READ, GSL_EINVAL, "truncated model file: 0 bytes, shorter than the 28-byte header" },
  { "model-header-cut", READ, GSL_EINVAL, "truncated model file: 20 bytes, shorter than the 28-byte header" },
  { "model-bad-magic", READ, GSL_EINVAL, "not a backprop model file (bad magic number)" },
  { "model-version-0", READ, GSL_EINVAL, "model file version 0 is not supported (only 1 to 4)" },
  { "model-version-5", READ, GSL_EINVAL, "model file version 5 is not supported (only 1 to 4)" },
  { "model-bad-checksum", READ, GSL_EINVAL, "checksum mismatch: the model file is corrupt" },
  { "model-payload-cut", READ, GSL_EINVAL, "truncated model file: 60 bytes, expected 80 for 2 x 2" },
  { "model-overlong", READ, GSL_EINVAL, "overlong model file: 81 bytes, expected 80 for 2 x 2" },
  { "model-bad-shape", READ, GSL_EINVAL, "bad sizes in the header: 2 classes, 2 inputs, image 3 x 1" },
  { "model-zero-classes", READ, GSL_EINVAL, "bad sizes in the header: 0 classes, 2 inputs, image 1 x 2" },
  { "model-sizes-overflow", READ, GSL_EINVAL, "bad sizes in the header: 4294967295 classes, 4294967295 inputs make a file longer than " },
  { "model-nan", READ, GSL_EINVAL, "parameter 3 is not a finite number" },
  { "model-inf", READ, GSL_EINVAL, "parameter 5 is not a finite number" },
  { "model-v2-header-cut", READ, GSL_EINVAL, "truncated model file: 30 bytes, shorter than the 36-byte header" },
  { "model-v2-no-hidden", READ, GSL_EINVAL, "bad sizes in the header: 2 classes, 2 inputs, image 1 x 2, no hidden units" },
  { "model-v2-bad-activation", READ, GSL_EINVAL, "bad activation 7 in the header (0 relu, 1 sigmoid, 2 tanh)" },
  { "model-v2-bad-checksum", READ, GSL_EINVAL, "checksum mismatch: the model file is corrupt" },
  { "model-v2-nan", READ, GSL_EINVAL, "parameter 16 is not a finite number" },
  { "model-v2-sizes-overflow", READ, GSL_EINVAL, "bad sizes in the header: 2 classes, 4294967295 inputs and the hidden units make a file longer than " },
  { "model-v3-header-cut", READ, GSL_EINVAL, "truncated model file: 40 bytes, shorter than the 48-byte header" },
  { "model-v3-bad-kernel", READ, GSL_EINVAL, "bad sizes in the header: 2 classes, image 4 x 4 (16 inputs), 1 and 1 channels, kernel 3, padding 2" },
  { "model-v3-small-image", READ, GSL_EINVAL, "bad sizes in the header: 2 classes, image 3 x 4 (12 inputs), 1 and 1 channels, kernel 5, padding 2 (the image must be at least 4 x 4" },
  { "model-v3-payload-cut", READ, GSL_EINVAL, "truncated model file: 492 bytes, expected 500" },
  { "model-v3-nan", READ, GSL_EINVAL, "parameter 55 is not a finite number" },
  { "model-v4-header-cut", READ, GSL_EINVAL, "truncated model file: 95 bytes, shorter than its header" },
  { "model-v4-payload-cut", READ, GSL_EINVAL, "truncated model file: 239 bytes, expected 251 for 2 x 2 with a hidden layer" },
  { "model-v4-bad-checksum", READ, GSL_EINVAL, "checksum mismatch: the model file is corrupt" },
  { "model-v4-block-shape", READ, GSL_EINVAL, "corrupt header: block 1 is W1 4 x 2, but a mlp network of these sizes has W1 3 x 2 there" },
  { "model-v4-unknown-type", READ, GSL_EINVAL, "unknown network type 'rnn' in the header" },
  { "model-v4-huge", READ, GSL_EINVAL, "bad sizes in the header: 4294967295 classes, 4294836225 inputs make a file longer than " },
  { "model-v4-nan", READ, GSL_EINVAL, "parameter 9 is not a finite number" },
  { "model-v4-float32-not-float", READ, GSL_EINVAL, "parameter 5 of the float32 network is not a float32 value" },
  { "model-v3-header-cut", SHAPE, GSL_EINVAL, "truncated model file: 40 bytes, shorter than the 48-byte header" },
  { "model-bad-magic", SHAPE, GSL_EINVAL, "not a backprop model file (bad magic number)" },
  { "model-version-0", SHAPE, GSL_EINVAL, "model file version 0 is not supported (only 1 to 4)" },
  { "model-payload-cut", SHAPE, GSL_EINVAL, "truncated model file: 60 bytes, expected 80 for 2 x 2" },
  { "model-v2-header-cut", SHAPE, GSL_EINVAL, "truncated model file: 30 bytes, shorter than the 36-byte header" },
  { "model-v4-header-cut", SHAPE, GSL_EINVAL, "truncated model file: 95 bytes, shorter than its header" },
  { "model-v4-block-shape", SHAPE, GSL_EINVAL, "corrupt header: block 1 is W1 4 x 2, but a mlp network of these sizes has W1 3 x 2 there" },
  { "model-v4-unknown-type", SHAPE, GSL_EINVAL, "unknown network type 'rnn' in the header" },
  { "model-v4-huge", SHAPE, GSL_EINVAL, "make a file longer than " },
};
#define N_MODEL (sizeof model_cases / sizeof model_cases[0])

/* Read model case c with its function; returns the code, err the message;
   checks that nothing is returned. */
static int
read_model_case (const model_case *c, const char *path, char *err, size_t errlen)
{
  int status;
  if (c->reader == READ)
    {
      bp_net *net = (bp_net *) 1;
      status = bp_model_file_read (path, &net, NULL, err, errlen);
      ck_assert_ptr_null (net);
    }
  else
    {
      const bp_net_type *T = bp_net_linear;
      status = bp_model_file_shape (path, &T, NULL, err, errlen);
      ck_assert_ptr_eq (T, bp_net_linear);
    }
  return status;
}

static void
model_cases_of (int reader, int i)
{
  size_t seen = 0;
  for (size_t k = 0; k < N_MODEL; k++)
    if (model_cases[k].reader == reader && seen++ == (size_t) i)
      {
        const model_case *c = &model_cases[k];
        const char *path = path_of (c->file);
        char err[1024] = "";
        const int status = read_model_case (c, path, err, sizeof err);
        ck_assert_msg (status == c->code, "%s: expected code %d, got %d, message: %s",
                       c->file, c->code, status, err);
        assert_message (err, path, c->what);
        return;
      }
  ck_abort_msg ("no model case %d of reader %d", i, reader);
}

static int
count_model_cases (int reader)
{
  int n = 0;
  for (size_t k = 0; k < N_MODEL; k++)
    n += model_cases[k].reader == reader;
  return n;
}

START_TEST (test_model_read_malformed)
{
  model_cases_of (READ, _i);
}
END_TEST

START_TEST (test_model_shape_malformed)
{
  model_cases_of (SHAPE, _i);
}
END_TEST

/* The file's parameter k, decoded from the bytes as bp_model_file.h
   documents them (head: the header's bytes). */
static double
param_of (const char *file, size_t head, size_t k)
{
  bytes f = { { 0 }, 0 };
  for (size_t i = 0; i < N_CORPUS; i++)
    if (strcmp (corpus[i].name, file) == 0)
      corpus[i].make (&f);
  ck_assert_uint_ge (f.len, head + 8 * (k + 1));
  uint64_t bits = 0;
  for (size_t j = 0; j < 8; j++)
    bits |= (uint64_t) f.b[head + 8 * k + j] << (8 * j);
  double x;
  memcpy (&x, &bits, sizeof x);
  return x;
}

START_TEST (test_model_valid)
{
  /* the valid files the malformed ones are made from read, each into the
     row and shape its version holds, theta its parameters in file order */
  static const struct
  {
    const char *file;
    size_t head, count, n_hidden, hidden, C1;
    const char *type;
    bp_activation act;
  } ok[] = {
    { "ok-model-v1", 28, 6, 0, 0, 0, "linear", BP_RELU },
    { "ok-model-v2", 36, 17, 1, 3, 0, "mlp", BP_TANH },
    { "ok-model-v3", 48, 56, 0, 0, 1, "cnn", BP_RELU },
    { "ok-model-v4", V4_HEAD, 17, 1, 3, 0, "mlp", BP_TANH },
    { "ok-model-v4-float32", V4_FLOAT_HEAD, 17, 1, 3, 0, "mlp_float32", BP_TANH },
  };
  char err[1024] = "";
  bp_net *net;
  const bp_net_type *T;
  bp_net_shape s;
  ck_assert_msg (bp_model_file_read (path_of (ok[_i].file), &net, NULL, err, sizeof err)
                 == GSL_SUCCESS, "%s", err);
  ck_assert_str_eq (net->type->name, ok[_i].type);
  ck_assert_uint_eq (net->size, ok[_i].count);
  ck_assert_uint_eq (net->shape.n, 2);
  ck_assert_uint_eq (net->shape.n_hidden, ok[_i].n_hidden);
  ck_assert_uint_eq (net->shape.hidden[0], ok[_i].hidden);
  ck_assert_uint_eq (net->shape.C1, ok[_i].C1);
  ck_assert_int_eq (net->shape.act, ok[_i].act);
  for (size_t k = 0; k < net->size; k++)
    ck_assert_double_eq (net->theta ? gsl_vector_get (net->theta, k)
                         : (double) net->theta_float->data[k],
                         param_of (ok[_i].file, ok[_i].head, k));
  ck_assert_int_eq (bp_model_file_shape (path_of (ok[_i].file), &T, &s, err, sizeof err),
                    GSL_SUCCESS);
  ck_assert_ptr_eq (T, net->type);
  ck_assert_uint_eq (s.rows * s.cols, net->shape.rows * net->shape.cols);
  ck_assert_uint_eq (s.hidden[0], ok[_i].hidden);
  bp_net_free (net);
}
END_TEST

/* --- the corpus is reproducible ------------------------------------------ */

START_TEST (test_corpus_reproducible)
{
  bytes want = { { 0 }, 0 };
  corpus[_i].make (&want);
  const char *path = path_of (corpus[_i].name);
  FILE *f = fopen (path, "rb");
  ck_assert_msg (f != NULL, "%s is not in the corpus (make malformed-corpus)", path);
  static unsigned char got[sizeof want.b + 1];
  const size_t len = fread (got, 1, sizeof got, f);
  fclose (f);
  ck_assert_msg (len == want.len && memcmp (got, want.b, len) == 0,
                 "%s differs from what tests/check_malformed makes", path);
}
END_TEST

static int
write_corpus (const char *dir)
{
  for (size_t k = 0; k < N_CORPUS; k++)
    {
      bytes f = { { 0 }, 0 };
      corpus[k].make (&f);
      char path[4096];
      snprintf (path, sizeof path, "%s/%s", dir, corpus[k].name);
      FILE *out = fopen (path, "wb");
      if (out == NULL || fwrite (f.b, 1, f.len, out) != f.len || fclose (out) != 0)
        {
          perror (path);
          return 1;
        }
    }
  printf ("%zu files written to %s\n", N_CORPUS, dir);
  return 0;
}

static Suite *
idx_suite (void)
{
  Suite *s = suite_create ("bp_idx_read");
  TCase *tc = tcase_create ("malformed corpus");
  tcase_add_loop_test (tc, test_idx_read_malformed, 0, (int) N_IDX);
  tcase_add_loop_test (tc, test_idx_read_valid, 0, 2);
  tcase_add_loop_test (tc, test_corpus_reproducible, 0, (int) N_CORPUS);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
dataset_suite (void)
{
  Suite *s = suite_create ("bp_dataset_read");
  TCase *tc = tcase_create ("malformed corpus");
  tcase_add_loop_test (tc, test_dataset_read_malformed, 0, (int) N_DATASET);
  tcase_add_test (tc, test_dataset_read_valid);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
model_suite (void)
{
  Suite *s = suite_create ("bp_model_file_read");
  TCase *tc = tcase_create ("malformed corpus");
  tcase_add_loop_test (tc, test_model_read_malformed, 0, count_model_cases (READ));
  tcase_add_loop_test (tc, test_model_valid, 0, 5);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
shape_suite (void)
{
  Suite *s = suite_create ("bp_model_file_shape");
  TCase *tc = tcase_create ("malformed corpus");
  tcase_add_loop_test (tc, test_model_shape_malformed, 0, count_model_cases (SHAPE));
  suite_add_tcase (s, tc);
  return s;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--write") == 0)
    return write_corpus (argv[2]);
  gsl_set_error_handler_off ();
  Suite *(*const suites[]) (void) = { idx_suite, dataset_suite, model_suite,
                                      shape_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
