/* fuzz_model_file.c -- fuzz harness (see fuzz.h) of the model-file
   readers: bp_model_file_layers, bp_model_file_read (version 1) and
   bp_model_file_read_mlp (version 2) on arbitrary files, and the writers
   on what they read.

   Input: byte 0 is the mode, the rest the file F.  When mode & 1, the
   last 4 bytes of F are replaced by the CRC-32 of the bytes before them,
   so that mutations reach the checks behind the checksum (sizes, values).

   Properties, from bp_model_file.h:
   - every answer is GSL_SUCCESS or GSL_EINVAL (the file is readable);
   - at most one reader succeeds: bp_model_file_read exactly on a valid
     version 1 file, bp_model_file_read_mlp on a valid version 2 file, and
     then bp_model_file_layers says 1 or 2; when bp_model_file_layers
     refuses the header, both readers refuse the file;
   - success: the sizes are consistent (rows cols = m), every value is
     finite, and writing what was read gives F again, byte for byte;
   - error: the outputs are NULL and the message starts with "PATH: ". */
#include <config.h>
#include <math.h>
#include <zlib.h>
#include "backprop/bp_model_file.h"
#include "fuzz.h"

/* Where the round trip writes (fuzz_file holds the input). */
static char out_path[4096];

static void
remove_out (void)
{
  if (out_path[0] != '\0')
    unlink (out_path);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_init ();
  const char *dir = getenv ("TMPDIR");
  snprintf (out_path, sizeof out_path, "%s/bp-fuzz-model-XXXXXX",
            dir != NULL && dir[0] != '\0' ? dir : "/tmp");
  const int fd = mkstemp (out_path);
  if (fd < 0)
    abort ();
  close (fd);
  atexit (remove_out);
  return 0;
}

static int
starts_with_path (const char *err, const char *path)
{
  const size_t n = strlen (path);
  return strncmp (err, path, n) == 0 && err[n] == ':' && err[n + 1] == ' ';
}

/* 1 when the file at path holds exactly bytes[0 .. len) */
static int
file_equals (const char *path, const unsigned char *bytes, size_t len)
{
  FILE *f = fopen (path, "rb");
  FUZZ_ASSERT (f != NULL);
  unsigned char *buf = malloc (len + 1);
  FUZZ_ASSERT (buf != NULL);
  const size_t got = fread (buf, 1, len + 1, f);
  fclose (f);
  const int same = got == len && (len == 0 || memcmp (buf, bytes, len) == 0);
  free (buf);
  return same;
}

static int
matrix_finite (const gsl_matrix *M)
{
  for (size_t i = 0; i < M->size1; i++)
    for (size_t j = 0; j < M->size2; j++)
      if (!isfinite (gsl_matrix_get (M, i, j)))
        return 0;
  return 1;
}

static int
vector_finite (const gsl_vector *v)
{
  for (size_t i = 0; i < v->size; i++)
    if (!isfinite (gsl_vector_get (v, i)))
      return 0;
  return 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t mode;
  fuzz_take (&data, &size, &mode, 1);
  if (size > (1u << 20))
    return 0;
  unsigned char *bytes = malloc (size + 1);
  FUZZ_ASSERT (bytes != NULL);
  if (size > 0)
    memcpy (bytes, data, size);
  if ((mode & 1) && size >= 4)
    {
      const uLong crc = crc32_z (crc32_z (0L, Z_NULL, 0), bytes, size - 4);
      for (size_t j = 0; j < 4; j++)
        bytes[size - 4 + j] = (unsigned char) (crc >> (8 * j));
    }
  const char *path = fuzz_file (bytes, size);
  FUZZ_ASSERT (path != NULL);

  char err[1024] = "", err1[1024] = "", err2[1024] = "";
  size_t layers = 99, rows = 0, cols = 0;
  const int sl = bp_model_file_layers (path, &layers, err, sizeof err);
  FUZZ_ASSERT (sl == GSL_SUCCESS || sl == GSL_EINVAL);
  FUZZ_ASSERT (sl != GSL_SUCCESS || layers == 1 || layers == 2);
  FUZZ_ASSERT (sl == GSL_SUCCESS || (layers == 99 && starts_with_path (err, path)));

  gsl_matrix *W = (gsl_matrix *) 1;
  gsl_vector *b = (gsl_vector *) 1;
  const int s1 = bp_model_file_read (path, &W, &b, &rows, &cols, err1, sizeof err1);
  FUZZ_ASSERT (s1 == GSL_SUCCESS || s1 == GSL_EINVAL);
  bp_mlp *net = (bp_mlp *) 1;
  size_t rows2 = 0, cols2 = 0;
  const int s2 = bp_model_file_read_mlp (path, &net, &rows2, &cols2, err2, sizeof err2);
  FUZZ_ASSERT (s2 == GSL_SUCCESS || s2 == GSL_EINVAL);
  FUZZ_ASSERT (s1 != GSL_SUCCESS || s2 != GSL_SUCCESS);
  if (sl != GSL_SUCCESS)
    FUZZ_ASSERT (s1 != GSL_SUCCESS && s2 != GSL_SUCCESS);

  if (s1 == GSL_SUCCESS)
    {
      FUZZ_ASSERT (sl == GSL_SUCCESS && layers == 1);
      FUZZ_ASSERT (W != NULL && b != NULL && b->size == W->size1);
      FUZZ_ASSERT (rows * cols == W->size2);
      FUZZ_ASSERT (matrix_finite (W) && vector_finite (b));
      char werr[1024];
      FUZZ_ASSERT (bp_model_file_write (out_path, W, b, rows, cols, werr, sizeof werr)
                   == GSL_SUCCESS);
      FUZZ_ASSERT (file_equals (out_path, bytes, size));
      gsl_matrix_free (W);
      gsl_vector_free (b);
    }
  else
    FUZZ_ASSERT (W == NULL && b == NULL && starts_with_path (err1, path));

  if (s2 == GSL_SUCCESS)
    {
      FUZZ_ASSERT (sl == GSL_SUCCESS && layers == 2);
      FUZZ_ASSERT (net != NULL && net->H > 0 && rows2 * cols2 == net->m);
      FUZZ_ASSERT (matrix_finite (net->W1) && vector_finite (net->b1)
                   && matrix_finite (net->W2) && vector_finite (net->b2));
      char werr[1024];
      FUZZ_ASSERT (bp_model_file_write_mlp (out_path, net, rows2, cols2, werr, sizeof werr)
                   == GSL_SUCCESS);
      FUZZ_ASSERT (file_equals (out_path, bytes, size));
      bp_mlp_free (net);
    }
  else
    FUZZ_ASSERT (net == NULL && starts_with_path (err2, path));

  free (bytes);
  return 0;
}
