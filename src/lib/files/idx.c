/* idx.c -- IDX files, plain or gzip'd (zlib's gzread reads both), and a
   labelled data set of uint8 images; see bp_idx.h for the format. */
#include <config.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_idx.h"
#include "lib/files/report.h"
#include "lib/valid.h"
#include "lib/formulas/float.h"

/* Payloads are read in chunks and the buffer grows with what was really
   read, so a header that claims a huge size over a short file costs
   nothing. */
#define IDX_CHUNK ((size_t) 1 << 20)

/* Read up to len bytes; returns the count read (< len only at the end of
   the data), or -1 on a read error. */
static long
read_full (gzFile gz, unsigned char *buf, size_t len)
{
  size_t got = 0;
  while (got < len)
    {
      const size_t want = len - got < IDX_CHUNK ? len - got : IDX_CHUNK;
      const int r = gzread (gz, buf + got, (unsigned) want);
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      got += (size_t) r;
    }
  return (long) got;
}

/* The reason a read stopped short or failed: zlib's message (without the
   "PATH: " or "<fd:N>: " zlib puts first: the report names the file once),
   or errno's. */
static const char *
read_problem (gzFile gz, const char *path)
{
  int zerr;
  const char *msg = gzerror (gz, &zerr);
  const size_t n = strlen (path);
  if (strncmp (msg, path, n) == 0 && strncmp (msg + n, ": ", 2) == 0)
    msg += n + 2;
  else if (strncmp (msg, "<fd:", 4) == 0 && strstr (msg, ">: ") != NULL)
    msg = strstr (msg, ">: ") + 3;   /* gzdopen's name for the file */
  if (zerr == Z_ERRNO)
    return strerror (errno);
  if (zerr == Z_BUF_ERROR)
    return "the gzip stream ends early";
  if (zerr != Z_OK)
    return msg;
  return "the file ends early";
}

/* The error code of a failed read: I/O, memory, or bad data. */
static int
read_code (gzFile gz)
{
  int zerr;
  gzerror (gz, &zerr);
  return zerr == Z_ERRNO ? GSL_EFAILED : zerr == Z_MEM_ERROR ? GSL_ENOMEM : GSL_EINVAL;
}

static int
fail (gzFile gz, bp_idx *idx, char *err, size_t errlen, int code,
      const char *path, const char *what)
{
  report_file_error (err, errlen, code, path, "%s", what);
  if (gz != NULL)
    gzclose (gz);
  bp_idx_free (idx);
  return code;
}

/* An IDX file open after its header: the stream of the payload, and what
   the file's size and its gzip trailer say the stream can hold. */
typedef struct
{
  gzFile gz;
  size_t head_len;    /* 4 + 4 ndims bytes */
  off_t file_size;
  int gzipped;        /* the file starts with gzip's magic number 1f 8b */
  uint32_t isize;     /* gzip's trailer: the data's length modulo 2^32 */
} idx_stream;

/* The most deflate can expand: a 258-byte match coded in 2 bits
   (RFC 1951, 3.2.5), 1032 bytes out per byte in. */
#define DEFLATE_MAX_RATIO 1032

/* Before the payload's buffer grows beyond its first chunk: a gzip'd
   file's header must claim no more than the file can hold, and as much as
   its trailer's ISIZE says was compressed (RFC 1952, 2.3.1); otherwise 0
   is returned and what says why. */
static int
gzip_claim_holds (const idx_stream *s, const bp_idx *idx, char *what, size_t len)
{
  if (!s->gzipped)
    return 1;
  const uintmax_t most = (uintmax_t) s->file_size * DEFLATE_MAX_RATIO;
  if ((uintmax_t) s->file_size <= UINTMAX_MAX / DEFLATE_MAX_RATIO && idx->size > most)
    {
      snprintf (what, len, "truncated payload: the header announces %zu bytes, more than "
                "the %jd-byte gzip file can hold (deflate expands at most %d times)",
                idx->size, (intmax_t) s->file_size, DEFLATE_MAX_RATIO);
      return 0;
    }
  const uint32_t claim = (uint32_t) (s->head_len + idx->size);
  if (claim != s->isize)
    {
      snprintf (what, len, "the gzip trailer gives the data's length as %" PRIu32
                " bytes (modulo 2^32), not the %zu of the header and the payload it "
                "announces: the data is cut or extended, or the file holds several "
                "gzip streams (gunzip it and gzip it again)",
                s->isize, s->head_len + idx->size);
      return 0;
    }
  return 1;
}

/* The last 4 bytes of a gzip'd file, its ISIZE (little-endian), into s;
   s->gzipped stays 0 for a plain file. */
static void
read_gzip_trailer (int fd, idx_stream *s)
{
  unsigned char b[4];
  if (s->file_size < 18 || pread (fd, b, 2, 0) != 2 || b[0] != 0x1f || b[1] != 0x8b
      || pread (fd, b, 4, s->file_size - 4) != 4)
    return;
  s->gzipped = 1;
  s->isize = (uint32_t) b[0] | ((uint32_t) b[1] << 8) | ((uint32_t) b[2] << 16)
             | ((uint32_t) b[3] << 24);
}

/* Open path and read its IDX header of ndims dimensions into idx (no
   payload yet); on success s holds the open stream. */
static int
idx_open (const char *path, size_t ndims, bp_idx *idx, idx_stream *s, char *err,
          size_t errlen)
{
  char what[256];
  memset (idx, 0, sizeof *idx);
  memset (s, 0, sizeof *s);
  if (ndims < 1 || ndims > BP_IDX_MAX_DIMS)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "cannot read IDX files of %zu dimensions", ndims);
  int fd;
  int status = open_regular (path, &fd, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  struct stat st;
  if (fstat (fd, &st) == 0)
    s->file_size = st.st_size;
  read_gzip_trailer (fd, s);
  gzFile gz = gzdopen (fd, "rb");
  if (gz == NULL)
    {
      close (fd);
      return report_file_error (err, errlen, GSL_ENOMEM, path,
                                "cannot open: out of memory");
    }

  /* Magic: 0, 0, type, number of dimensions. */
  unsigned char head[4 + 4 * BP_IDX_MAX_DIMS];
  long got = read_full (gz, head, 4);
  if (got < 4)
    {
      if (got < 0)
        snprintf (what, sizeof what, "cannot read the IDX header: %s",
                  read_problem (gz, path));
      else
        snprintf (what, sizeof what, "truncated IDX header (%ld of 4 bytes): %s",
                  got, read_problem (gz, path));
      return fail (gz, idx, err, errlen, got < 0 ? read_code (gz) : GSL_EINVAL, path, what);
    }
  if (head[0] != 0 || head[1] != 0)
    {
      snprintf (what, sizeof what, "not an IDX file (magic number starts "
                "0x%02x%02x, not 0x0000)", head[0], head[1]);
      return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
    }
  if (head[2] != 0x08)
    {
      snprintf (what, sizeof what, "IDX data type 0x%02x is not supported "
                "(only 0x08, unsigned bytes)", head[2]);
      return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
    }
  if (head[3] != ndims)
    {
      snprintf (what, sizeof what, "has %u dimensions, expected %zu "
                "(an images file has 3, a labels file 1)", head[3], ndims);
      return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
    }

  /* The sizes: 32-bit big-endian, none zero, product within size_t. */
  got = read_full (gz, head + 4, 4 * ndims);
  if (got < (long) (4 * ndims))
    {
      if (got < 0)
        snprintf (what, sizeof what, "cannot read the IDX header: %s",
                  read_problem (gz, path));
      else
        snprintf (what, sizeof what, "truncated IDX header (%ld of %zu bytes): %s",
                  4 + got, 4 + 4 * ndims, read_problem (gz, path));
      return fail (gz, idx, err, errlen, got < 0 ? read_code (gz) : GSL_EINVAL, path, what);
    }
  idx->ndims = ndims;
  idx->size = 1;
  for (size_t k = 0; k < ndims; k++)
    {
      const unsigned char *p = head + 4 + 4 * k;
      const uint32_t dim = ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
                           | ((uint32_t) p[2] << 8) | (uint32_t) p[3];
      if (dim == 0)
        {
          snprintf (what, sizeof what, "size %zu of the IDX header is 0", k + 1);
          return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
        }
      if (idx->size > SIZE_MAX / dim)
        {
          snprintf (what, sizeof what, "the sizes in the IDX header overflow "
                    "(their product exceeds %zu bytes)", (size_t) SIZE_MAX);
          return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
        }
      idx->dims[k] = dim;
      idx->size *= dim;
    }
  s->gz = gz;
  s->head_len = 4 + 4 * ndims;
  return GSL_SUCCESS;
}

/* Close what idx_open left open (nothing after idx_payload or a failed
   idx_open). */
static void
idx_close (idx_stream *s)
{
  if (s->gz != NULL)
    gzclose (s->gz);
  s->gz = NULL;
}

/* The payload of the file s opened into idx, then nothing more; closes
   s's stream. */
static int
idx_payload (const char *path, idx_stream *s, bp_idx *idx, char *err, size_t errlen)
{
  char what[512];
  gzFile gz = s->gz;
  s->gz = NULL;
  long got;
  size_t cap = idx->size < IDX_CHUNK ? idx->size : IDX_CHUNK, have = 0;
  idx->data = malloc (cap);
  while (idx->data != NULL)
    {
      got = read_full (gz, idx->data + have, cap - have);
      if (got < 0)
        {
          snprintf (what, sizeof what, "cannot read the payload: %s", read_problem (gz, path));
          return fail (gz, idx, err, errlen, read_code (gz), path, what);
        }
      have += (size_t) got;
      if (have < cap || cap == idx->size)
        break;
      if (!gzip_claim_holds (s, idx, what, sizeof what))
        return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
      cap = idx->size - cap < cap ? idx->size : 2 * cap;
      unsigned char *grown = realloc (idx->data, cap);
      if (grown == NULL)
        {
          snprintf (what, sizeof what, "cannot allocate %zu bytes for the payload", cap);
          return fail (gz, idx, err, errlen, GSL_ENOMEM, path, what);
        }
      idx->data = grown;
    }
  if (idx->data == NULL)
    {
      snprintf (what, sizeof what, "cannot allocate %zu bytes for the payload", cap);
      return fail (gz, idx, err, errlen, GSL_ENOMEM, path, what);
    }
  if (have < idx->size)
    {
      snprintf (what, sizeof what, "truncated payload: %zu of the %zu bytes "
                "the header announces: %s", have, idx->size, read_problem (gz, path));
      return fail (gz, idx, err, errlen, GSL_EINVAL, path, what);
    }
  /* The end: no byte more, and for gzip the whole trailer (CRC-32 and
     length checked): zlib reports a stream cut short (Z_BUF_ERROR) as an
     end of file, so its error state is asked too. */
  unsigned char extra;
  int zerr;
  got = read_full (gz, &extra, 1);
  if (got == 0 && (gzerror (gz, &zerr), zerr != Z_OK))
    got = -1;
  if (got != 0)
    {
      if (got < 0)
        snprintf (what, sizeof what, "bad end after the %zu-byte payload: %s",
                  idx->size, read_problem (gz, path));
      else
        snprintf (what, sizeof what, "trailing bytes after the %zu-byte payload "
                  "the header announces", idx->size);
      return fail (gz, idx, err, errlen, got < 0 ? read_code (gz) : GSL_EINVAL, path, what);
    }
  gzclose (gz);
  return GSL_SUCCESS;
}

int
bp_idx_read (const char *path, size_t ndims, bp_idx *idx, char *err,
             size_t errlen)
{
  if (!path || !idx)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_idx_read", "path and idx must not be NULL");
  idx_stream s;
  const int status = idx_open (path, ndims, idx, &s, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  return idx_payload (path, &s, idx, err, errlen);
}

void
bp_idx_free (bp_idx *idx)
{
  if (idx == NULL)
    return;
  free (idx->data);
  memset (idx, 0, sizeof *idx);
}

int
bp_dataset_read (const char *images_path, const char *labels_path,
                 size_t n_classes, bp_dataset *d, char *err, size_t errlen)
{
  if (!images_path || !labels_path || !d)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_dataset_read",
                      "images_path, labels_path and d must not be NULL");
  if (n_classes == 0)
    return report_file_error (err, errlen, GSL_EINVAL, labels_path,
                      "cannot read labels of 0 classes (n_classes must be positive)");
  /* Both headers, and their counts compared, before any payload is
     inflated: a claim of gigabytes is refused for the price of its header;
     then the labels (small) before the images. */
  bp_idx images, labels;
  idx_stream si, sl;
  memset (d, 0, sizeof *d);
  int status = idx_open (images_path, 3, &images, &si, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  status = idx_open (labels_path, 1, &labels, &sl, err, errlen);
  if (status == GSL_SUCCESS && images.dims[0] != labels.dims[0])
    status = report_file_error (err, errlen, GSL_EINVAL, labels_path,
                                "has %zu labels but %s has %zu images", labels.dims[0],
                                images_path, images.dims[0]);
  if (status == GSL_SUCCESS)
    status = idx_payload (labels_path, &sl, &labels, err, errlen);
  for (size_t k = 0; status == GSL_SUCCESS && k < labels.size; k++)
    if (labels.data[k] >= n_classes)
      status = report_file_error (err, errlen, GSL_EINVAL, labels_path,
                                  "label %u of item %zu is not a class (there are %zu: 0 to %zu)",
                                  labels.data[k], k, n_classes, n_classes - 1);
  if (status == GSL_SUCCESS)
    status = idx_payload (images_path, &si, &images, err, errlen);
  if (status != GSL_SUCCESS)
    {
      idx_close (&si);
      idx_close (&sl);
      bp_idx_free (&images);
      bp_idx_free (&labels);
      return status;
    }
  d->count = images.dims[0];
  d->rows = images.dims[1];
  d->cols = images.dims[2];
  d->n_classes = n_classes;
  d->images = images.data;
  d->labels = labels.data;
  return GSL_SUCCESS;
}

void
bp_dataset_free (bp_dataset *d)
{
  if (d == NULL)
    return;
  free (d->images);
  free (d->labels);
  memset (d, 0, sizeof *d);
}

/* Ask the cache for the len bytes at p without waiting for them (a hint:
   a no-op where the compiler has no __builtin_prefetch). */
static void
prefetch (const unsigned char *p, size_t len)
{
#if defined __GNUC__
  for (size_t j = 0; j < len; j += 64)
    __builtin_prefetch (p + j);
  __builtin_prefetch (p + len - 1);
#else
  (void) p;
  (void) len;
#endif
}

/* bp_dataset_batch and its float form, once (dataset_batch_source.c) */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/files/dataset_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/files/dataset_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT
