/* model_file.c -- the model file: see bp_model_file.h for the format. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_model_file.h"
#include "report.h"

#define HEADER_BYTES 28

static void
put_u32 (unsigned char *p, uint32_t x)
{
  for (int k = 0; k < 4; k++)
    p[k] = (unsigned char) (x >> (8 * k));
}

static uint32_t
get_u32 (const unsigned char *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16)
         | ((uint32_t) p[3] << 24);
}

static void
put_f64 (unsigned char *p, double x)
{
  uint64_t bits;
  memcpy (&bits, &x, sizeof bits);
  for (int k = 0; k < 8; k++)
    p[k] = (unsigned char) (bits >> (8 * k));
}

static double
get_f64 (const unsigned char *p)
{
  uint64_t bits = 0;
  double x;
  for (int k = 0; k < 8; k++)
    bits |= (uint64_t) p[k] << (8 * k);
  memcpy (&x, &bits, sizeof x);
  return x;
}

/* The file's length for n x m, or 0 when it would overflow. */
static size_t
file_bytes (size_t n, size_t m)
{
  if (m > (SIZE_MAX - HEADER_BYTES - 4) / 8 / n - 1)
    return 0;
  return HEADER_BYTES + 8 * (n * m + n) + 4;
}

/* Write all of buf to fd, then fsync it. */
static int
write_all (int fd, const unsigned char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      buf += w;
      len -= (size_t) w;
    }
  return fsync (fd);
}

/* Make the rename durable: fsync the directory holding path. */
static void
sync_directory (const char *path)
{
  char *copy = strdup (path);
  if (copy == NULL)
    return;
  int fd = open (dirname (copy), O_RDONLY);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  free (copy);
}

int
bp_model_file_write (const char *path, const gsl_matrix *W, const gsl_vector *b,
                     size_t rows, size_t cols, char *err, size_t errlen)
{
  const size_t n = W->size1, m = W->size2;
  if (b->size != n || rows * cols != m || n > UINT32_MAX || m > UINT32_MAX
      || rows > UINT32_MAX || cols > UINT32_MAX)
    return bp_report (err, errlen, GSL_EBADLEN, path,
                      "cannot save: b must have W's rows and W's columns must "
                      "be rows x cols (each below 2^32)");
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < m; j++)
      if (!isfinite (gsl_matrix_get (W, i, j)) || (j == 0 && !isfinite (gsl_vector_get (b, i))))
        return bp_report (err, errlen, GSL_EDOM, path, "cannot save: W or b has a "
                          "value that is not finite (row %zu)", i);
  const size_t len = file_bytes (n, m);
  unsigned char *buf = len ? malloc (len) : NULL;
  if (buf == NULL)
    return bp_report (err, errlen, GSL_ENOMEM, path, "cannot save: out of memory");
  memcpy (buf, BP_MODEL_FILE_MAGIC, 8);
  put_u32 (buf + 8, BP_MODEL_FILE_VERSION);
  put_u32 (buf + 12, (uint32_t) n);
  put_u32 (buf + 16, (uint32_t) m);
  put_u32 (buf + 20, (uint32_t) rows);
  put_u32 (buf + 24, (uint32_t) cols);
  unsigned char *p = buf + HEADER_BYTES;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < m; j++, p += 8)
      put_f64 (p, gsl_matrix_get (W, i, j));
  for (size_t i = 0; i < n; i++, p += 8)
    put_f64 (p, gsl_vector_get (b, i));
  put_u32 (p, (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), buf, len - 4));

  /* A temporary file beside path, then rename: all or nothing. */
  const size_t plen = strlen (path);
  char *tmp = malloc (plen + 8);
  if (tmp == NULL)
    {
      free (buf);
      return bp_report (err, errlen, GSL_ENOMEM, path, "cannot save: out of memory");
    }
  memcpy (tmp, path, plen);
  memcpy (tmp + plen, ".XXXXXX", 8);
  int fd = mkstemp (tmp);
  if (fd < 0)
    {
      int e = errno;
      free (buf);
      free (tmp);
      return bp_report (err, errlen, GSL_EFAILED, path,
                        "cannot create a temporary file beside it: %s", strerror (e));
    }
  mode_t mask = umask (0);
  umask (mask);
  int status = GSL_SUCCESS, e = 0;
  if (fchmod (fd, 0666 & ~mask) != 0 || write_all (fd, buf, len) != 0)
    {
      e = errno;
      status = GSL_EFAILED;
    }
  if (close (fd) != 0 && status == GSL_SUCCESS)
    {
      e = errno;
      status = GSL_EFAILED;
    }
  if (status == GSL_SUCCESS && rename (tmp, path) != 0)
    {
      e = errno;
      status = GSL_EFAILED;
    }
  if (status != GSL_SUCCESS)
    {
      unlink (tmp);
      bp_report (err, errlen, status, path, "cannot save: %s", strerror (e));
    }
  else
    sync_directory (path);
  free (buf);
  free (tmp);
  return status;
}

int
bp_model_file_read (const char *path, gsl_matrix **W, gsl_vector **b,
                    size_t *rows, size_t *cols, char *err, size_t errlen)
{
  *W = NULL;
  *b = NULL;
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return bp_report (err, errlen, GSL_EFAILED, path, "cannot open: %s", strerror (errno));
  struct stat st;
  unsigned char head[HEADER_BYTES];
  size_t got;
  int status = GSL_SUCCESS;
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode))
    status = bp_report (err, errlen, GSL_EFAILED, path, "not a regular file");
  else if ((got = fread (head, 1, HEADER_BYTES, f)) < HEADER_BYTES)
    status = bp_report (err, errlen, GSL_EINVAL, path,
                        "truncated model file: %zu bytes, shorter than the "
                        "%d-byte header", got, HEADER_BYTES);
  else if (memcmp (head, BP_MODEL_FILE_MAGIC, 8) != 0)
    status = bp_report (err, errlen, GSL_EINVAL, path,
                        "not a backprop model file (bad magic number)");
  else if (get_u32 (head + 8) != BP_MODEL_FILE_VERSION)
    status = bp_report (err, errlen, GSL_EINVAL, path,
                        "model file version %lu is not supported (only %u)",
                        (unsigned long) get_u32 (head + 8), BP_MODEL_FILE_VERSION);
  if (status != GSL_SUCCESS)
    {
      fclose (f);
      return status;
    }
  const size_t n = get_u32 (head + 12), m = get_u32 (head + 16);
  const size_t r = get_u32 (head + 20), c = get_u32 (head + 24);
  const size_t len = (n && m) ? file_bytes (n, m) : 0;
  if (n == 0 || m == 0 || r * c != m || len == 0)
    status = bp_report (err, errlen, GSL_EINVAL, path,
                        "bad sizes in the header: %zu classes, %zu inputs, "
                        "image %zu x %zu", n, m, r, c);
  else if ((size_t) st.st_size != len)
    status = bp_report (err, errlen, GSL_EINVAL, path,
                        "%s model file: %lld bytes, expected %zu for %zu x %zu",
                        (size_t) st.st_size < len ? "truncated" : "overlong",
                        (long long) st.st_size, len, n, m);
  unsigned char *buf = status == GSL_SUCCESS ? malloc (len) : NULL;
  if (status == GSL_SUCCESS && buf == NULL)
    status = bp_report (err, errlen, GSL_ENOMEM, path, "out of memory");
  if (status == GSL_SUCCESS)
    {
      memcpy (buf, head, HEADER_BYTES);
      got = fread (buf + HEADER_BYTES, 1, len - HEADER_BYTES, f);
      if (got != len - HEADER_BYTES)
        status = bp_report (err, errlen, GSL_EFAILED, path, "cannot read: %s",
                            ferror (f) ? strerror (errno) : "the file shrank");
      else if (get_u32 (buf + len - 4)
               != (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), buf, len - 4))
        status = bp_report (err, errlen, GSL_EINVAL, path,
                            "checksum mismatch: the model file is corrupt");
    }
  fclose (f);
  for (size_t k = 0; status == GSL_SUCCESS && k < n * m + n; k++)
    if (!isfinite (get_f64 (buf + HEADER_BYTES + 8 * k)))
      status = bp_report (err, errlen, GSL_EINVAL, path,
                          "parameter %zu is not a finite number", k);
  if (status == GSL_SUCCESS)
    {
      *W = gsl_matrix_alloc (n, m);
      *b = gsl_vector_alloc (n);
      if (*W == NULL || *b == NULL)
        status = bp_report (err, errlen, GSL_ENOMEM, path, "out of memory");
    }
  if (status != GSL_SUCCESS)
    {
      if (*W) gsl_matrix_free (*W);
      if (*b) gsl_vector_free (*b);
      *W = NULL;
      *b = NULL;
      free (buf);
      return status;
    }
  const unsigned char *p = buf + HEADER_BYTES;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < m; j++, p += 8)
      gsl_matrix_set (*W, i, j, get_f64 (p));
  for (size_t i = 0; i < n; i++, p += 8)
    gsl_vector_set (*b, i, get_f64 (p));
  free (buf);
  if (rows) *rows = r;
  if (cols) *cols = c;
  return GSL_SUCCESS;
}
