/* fuzz_model_file.c -- fuzz harness (see fuzz.h) of the model-file
   reader: bp_model_file_shape and bp_model_file_read (versions 1-4, with
   and without the training state) on arbitrary files, and the writer on
   what they read.

   Input: byte 0 is the mode, the rest the file F.  When mode & 1, the
   last 4 bytes of F are replaced by the CRC-32 of the bytes before them,
   so that mutations reach the checks behind the checksum (sizes, values).

   Properties, from bp_model_file.h:
   - every answer is GSL_SUCCESS or GSL_EINVAL (the file is readable);
   - bp_model_file_read succeeds only where bp_model_file_shape does, on
     the type it names, and with the state only where it does without;
   - success: every value is finite (a float32 row's in float); writing
     what was read (with the state when there is one) gives F again, byte
     for byte, for a version 4 file (read without its state, when that is
     corrupt: F's part before the state's magic), and for versions 1-3 a
     file that reads back the same;
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

/* The first len + 1 bytes of the file at path (malloc'd; the caller
   frees), their count in *got */
static unsigned char *
file_head (const char *path, size_t len, size_t *got)
{
  FILE *f = fopen (path, "rb");
  FUZZ_ASSERT (f != NULL);
  unsigned char *buf = malloc (len + 1);
  FUZZ_ASSERT (buf != NULL);
  *got = fread (buf, 1, len + 1, f);
  fclose (f);
  return buf;
}

/* 1 when the file at path holds exactly bytes[0 .. len) */
static int
file_equals (const char *path, const unsigned char *bytes, size_t len)
{
  size_t got;
  unsigned char *buf = file_head (path, len, &got);
  const int same = got == len && (len == 0 || memcmp (buf, bytes, len) == 0);
  free (buf);
  return same;
}

/* 1 when the file at path holds bytes[0 .. n) for some n <= len, the
   rest of bytes being nothing or a training state (its magic BPSTATE
   first: bp_model_file.h): what a file's model part written alone gives */
static int
file_is_model_part (const char *path, const unsigned char *bytes, size_t len)
{
  size_t got;
  unsigned char *buf = file_head (path, len, &got);
  const int same = got <= len && (got == 0 || memcmp (buf, bytes, got) == 0)
                   && (got == len || (len - got >= 7 && memcmp (bytes + got, "BPSTATE", 7) == 0));
  free (buf);
  return same;
}

static int
vector_finite (const gsl_vector *v)
{
  for (size_t i = 0; i < v->size; i++)
    if (!isfinite (gsl_vector_get (v, i)))
      return 0;
  return 1;
}

/* Every parameter of net finite, in its row's arithmetic (a float32 row
   holds theta_float, its theta NULL: bp_net.h). */
static int
theta_finite (const bp_net *net)
{
  if (net->theta != NULL)
    return vector_finite (net->theta);
  for (size_t i = 0; i < net->theta_float->size; i++)
    if (!isfinite (gsl_vector_float_get (net->theta_float, i)))
      return 0;
  return 1;
}

/* a and b of one row hold the same parameters */
static int
theta_equal (const bp_net *a, const bp_net *b)
{
  return a->theta != NULL ? gsl_vector_equal (a->theta, b->theta)
                          : gsl_vector_float_equal (a->theta_float, b->theta_float);
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
  const bp_net_type *T = NULL;
  const int sh = bp_model_file_shape (path, &T, NULL, err, sizeof err);
  FUZZ_ASSERT (sh == GSL_SUCCESS || sh == GSL_EINVAL);
  FUZZ_ASSERT (sh == GSL_SUCCESS ? T != NULL : T == NULL && starts_with_path (err, path));

  bp_net *net = (bp_net *) 1, *with = (bp_net *) 1;
  const int s1 = bp_model_file_read (path, &net, NULL, err1, sizeof err1);
  FUZZ_ASSERT (s1 == GSL_SUCCESS || s1 == GSL_EINVAL);
  bp_train_state st;
  const int s2 = bp_model_file_read (path, &with, &st, err2, sizeof err2);
  FUZZ_ASSERT (s2 == GSL_SUCCESS || s2 == GSL_EINVAL);
  FUZZ_ASSERT (s1 != GSL_SUCCESS || sh == GSL_SUCCESS);
  FUZZ_ASSERT (s2 != GSL_SUCCESS || s1 == GSL_SUCCESS);
  FUZZ_ASSERT (s1 == GSL_SUCCESS || (net == NULL && starts_with_path (err1, path)));
  FUZZ_ASSERT (s2 == GSL_SUCCESS || (with == NULL && st.velocity == NULL
                                     && starts_with_path (err2, path)));

  if (s1 == GSL_SUCCESS)
    {
      FUZZ_ASSERT (net->type == T && theta_finite (net));
      char werr[1024];
      const bp_train_state *state = s2 == GSL_SUCCESS ? &st : NULL;
      FUZZ_ASSERT (state == NULL || vector_finite (st.velocity));
      FUZZ_ASSERT (bp_model_file_write (out_path, net, state, werr, sizeof werr)
                   == GSL_SUCCESS);
      /* read without its state (corrupt: the model alone reads), the
         model's part of the file */
      if (size >= 12 && bytes[8] == BP_MODEL_FILE_VERSION && !bytes[9] && !bytes[10]
          && !bytes[11])
        FUZZ_ASSERT (state != NULL ? file_equals (out_path, bytes, size)
                     : file_is_model_part (out_path, bytes, size));
      bp_net *back;
      FUZZ_ASSERT (bp_model_file_read (out_path, &back, NULL, werr, sizeof werr)
                   == GSL_SUCCESS);
      FUZZ_ASSERT (back->type == net->type && theta_equal (back, net));
      bp_net_free (back);
      bp_net_free (net);
    }
  if (s2 == GSL_SUCCESS)
    {
      bp_train_state_free (&st);
      bp_net_free (with);
    }

  free (bytes);
  return 0;
}
