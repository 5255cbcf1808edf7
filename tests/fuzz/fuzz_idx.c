/* fuzz_idx.c -- fuzz harness (see fuzz.h) of the IDX reader, plain and
   gzip'd: bp_idx_read and bp_dataset_read on arbitrary files.

   Input: byte 0 is the mode, byte 1 a parameter k, the rest the file F:
     mode & 3         0: F as it is (a plain IDX file, or raw gzip bytes:
                      the corpus holds both);
                      1: F gzip'd here (zlib, in memory);
                      2: F gzip'd, then cut to (k / 256) of its length;
                      3: F gzip'd, then byte (k / 256) of it xor'ed with 0x5a;
     (mode >> 2) & 3  the dimensions asked of bp_idx_read: 1 + that;
     mode & 0x10      also bp_dataset_read: F is split at byte k * len / 256
                      into an images file and a labels file (each encoded
                      as above), with 1 + (mode >> 5) classes.

   Properties, from bp_idx.h:
   - the answer is GSL_SUCCESS or GSL_EINVAL (the files are readable and
     small, so never GSL_EFAILED or GSL_ENOMEM);
   - success: ndims as asked, no size 0, size = their product, and the
     data are the bytes after the header, which end exactly at the end of
     the (decompressed) file;
   - error: *idx is all zero and the message starts with "PATH: ";
   - a gzip'd F gives the same answer as the plain F (mode 1), and a gzip
     stream cut short never reads successfully (mode 2);
   - bp_dataset_read succeeds exactly when both files read, their counts
     agree and every label is < the number of classes; on error *d is
     all zero. */
#include <config.h>
#include <zlib.h>
#include "backprop/bp_idx.h"
#include "fuzz.h"

/* A second file for bp_dataset_read's labels (fuzz_file holds one). */
static char labels_path[4096];

static void
remove_labels (void)
{
  if (labels_path[0] != '\0')
    unlink (labels_path);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_init ();
  const char *dir = getenv ("TMPDIR");
  snprintf (labels_path, sizeof labels_path, "%s/bp-fuzz-labels-XXXXXX",
            dir != NULL && dir[0] != '\0' ? dir : "/tmp");
  const int fd = mkstemp (labels_path);
  if (fd < 0)
    abort ();
  close (fd);
  atexit (remove_labels);
  return 0;
}

/* The gzip file of in[0 .. len) (len bytes at most 64 KiB here), in a
   malloc'ed buffer of *out_len bytes. */
static unsigned char *
gzip_bytes (const uint8_t *in, size_t len, size_t *out_len)
{
  z_stream z;
  memset (&z, 0, sizeof z);
  FUZZ_ASSERT (deflateInit2 (&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  const size_t cap = deflateBound (&z, len);
  unsigned char *out = malloc (cap);
  FUZZ_ASSERT (out != NULL);
  z.next_in = (Bytef *) in;
  z.avail_in = (uInt) len;
  z.next_out = out;
  z.avail_out = (uInt) cap;
  FUZZ_ASSERT (deflate (&z, Z_FINISH) == Z_STREAM_END);
  *out_len = cap - z.avail_out;
  deflateEnd (&z);
  return out;
}

/* The bytes of a file of F = in[0 .. len) encoded by mode and k. */
static unsigned char *
encode (int mode, unsigned k, const uint8_t *in, size_t len, size_t *out_len)
{
  if ((mode & 3) == 0)
    {
      unsigned char *out = malloc (len + 1);
      FUZZ_ASSERT (out != NULL);
      if (len > 0)
        memcpy (out, in, len);
      *out_len = len;
      return out;
    }
  unsigned char *out = gzip_bytes (in, len, out_len);
  if ((mode & 3) == 2)
    *out_len = *out_len * k / 256;
  else if ((mode & 3) == 3)
    out[*out_len * k / 256] ^= 0x5a;
  return out;
}

static int
write_file (const char *path, const unsigned char *bytes, size_t len)
{
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    return -1;
  const size_t w = len > 0 ? fwrite (bytes, 1, len, f) : 0;
  return fclose (f) != 0 || w != len ? -1 : 0;
}

static int
all_zero (const void *p, size_t len)
{
  const unsigned char *c = p;
  for (size_t i = 0; i < len; i++)
    if (c[i] != 0)
      return 0;
  return 1;
}

/* 1 when in[0 .. len) starts with gzip's magic number */
static int
is_gzip (const uint8_t *in, size_t len)
{
  return len >= 2 && in[0] == 0x1f && in[1] == 0x8b;
}

static int
starts_with_path (const char *err, const char *path)
{
  const size_t n = strlen (path);
  return strncmp (err, path, n) == 0 && err[n] == ':' && err[n + 1] == ' ';
}

/* bp_idx_read of F (in[0 .. len)) encoded by mode, k, with the
   properties above; returns the status. */
static int
check_read (int mode, unsigned k, size_t ndims, const uint8_t *in, size_t len)
{
  size_t flen;
  unsigned char *bytes = encode (mode, k, in, len, &flen);
  const char *path = fuzz_file (bytes, flen);
  FUZZ_ASSERT (path != NULL);
  bp_idx idx;
  char err[1024] = "";
  const int st = bp_idx_read (path, ndims, &idx, err, sizeof err);
  FUZZ_ASSERT (st == GSL_SUCCESS || st == GSL_EINVAL);
  if (st == GSL_SUCCESS)
    {
      FUZZ_ASSERT (idx.ndims == ndims && idx.data != NULL);
      size_t product = 1;
      for (size_t d = 0; d < ndims; d++)
        {
          FUZZ_ASSERT (idx.dims[d] > 0);
          product *= idx.dims[d];
        }
      FUZZ_ASSERT (product == idx.size);
      /* a successful read saw the whole of F, gzip'd here or not (a raw
         gzip F of mode 0 is decoded by zlib, which ignores bytes after
         the end of a gzip stream) */
      if ((mode & 3) != 0 || !is_gzip (in, len))
        {
          FUZZ_ASSERT (len == 4 + 4 * ndims + idx.size);
          FUZZ_ASSERT (memcmp (idx.data, in + 4 + 4 * ndims, idx.size) == 0);
        }
      FUZZ_ASSERT ((mode & 3) != 2);   /* a gzip stream cut short */
      bp_idx_free (&idx);
    }
  else
    {
      FUZZ_ASSERT (all_zero (&idx, sizeof idx));
      FUZZ_ASSERT (starts_with_path (err, path));
    }
  FUZZ_ASSERT (all_zero (&idx, sizeof idx));
  free (bytes);
  return st;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t head[2];
  fuzz_take (&data, &size, head, 2);
  const int mode = head[0];
  const unsigned k = head[1];
  const size_t ndims = 1 + (size_t) ((mode >> 2) & 3);
  if (size > 65536)
    return 0;

  if ((mode & 0x10) == 0)
    {
      const int st = check_read (mode, k, ndims, data, size);
      if ((mode & 3) == 1)   /* gzip'd or plain: the same answer */
        FUZZ_ASSERT (check_read (0, k, ndims, data, size) == st
                     || is_gzip (data, size));
      return 0;
    }

  /* bp_dataset_read: images F[0 .. cut), labels F[cut .. size) */
  const size_t cut = size * k / 256;
  const size_t n_classes = 1 + (size_t) (mode >> 5);
  size_t ilen, llen;
  unsigned char *ibytes = encode (mode, 128, data, cut, &ilen);
  unsigned char *lbytes = encode (mode, 128, data + cut, size - cut, &llen);
  const char *ipath = fuzz_file (ibytes, ilen);
  FUZZ_ASSERT (ipath != NULL && write_file (labels_path, lbytes, llen) == 0);
  bp_dataset d;
  char err[1024] = "";
  const int st = bp_dataset_read (ipath, labels_path, n_classes, &d, err, sizeof err);
  FUZZ_ASSERT (st == GSL_SUCCESS || st == GSL_EINVAL);

  /* the answer expected from the two files read alone */
  bp_idx images, labels;
  const int si = bp_idx_read (ipath, 3, &images, NULL, 0);
  const int sl = bp_idx_read (labels_path, 1, &labels, NULL, 0);
  int ok = si == GSL_SUCCESS && sl == GSL_SUCCESS && images.dims[0] == labels.dims[0];
  for (size_t i = 0; ok && i < labels.size; i++)
    ok = labels.data[i] < n_classes;
  FUZZ_ASSERT ((st == GSL_SUCCESS) == ok);
  if (ok)
    {
      FUZZ_ASSERT (d.count == images.dims[0] && d.rows == images.dims[1]
                   && d.cols == images.dims[2] && d.n_classes == n_classes);
      FUZZ_ASSERT (memcmp (d.images, images.data, images.size) == 0);
      FUZZ_ASSERT (memcmp (d.labels, labels.data, labels.size) == 0);
      bp_dataset_free (&d);
    }
  else
    {
      FUZZ_ASSERT (all_zero (&d, sizeof d));
      FUZZ_ASSERT (starts_with_path (err, ipath) || starts_with_path (err, labels_path));
    }
  bp_idx_free (&images);
  bp_idx_free (&labels);
  free (ibytes);
  free (lbytes);
  return 0;
}
