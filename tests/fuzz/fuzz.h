/* fuzz.h -- what every fuzz harness of tests/fuzz/ shares.

   A harness is one file tests/fuzz/fuzz_NAME.c defining the two libFuzzer
   entry points:
     int LLVMFuzzerInitialize (int *argc, char ***argv);  -- call fuzz_init
     int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
   It is built two ways (tests/fuzz/local.mk):
     - `make fuzz': with clang and libFuzzer, to search for inputs that
       crash, read out of bounds, leak or break a FUZZ_ASSERT;
     - `make check': with CC and tests/fuzz/replay.c, which feeds it every
       file of tests/fuzz/corpus/fuzz_NAME/, the regression corpus (so
       every input that once found a bug is run again, under the
       sanitizers and valgrind too when those builds run the tests).
   The library must answer every input with an error code or a result,
   never a crash: GSL's error handler is off in harnesses (fuzz_init). */
#ifndef BP_FUZZ_H
#define BP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A property of the library that must hold for every input: print it and
   abort, which libFuzzer reports as a crash (and saves the input) and the
   replay reports as a failure. */
#define FUZZ_ASSERT(cond)                                                 \
  do                                                                      \
    if (!(cond))                                                          \
      {                                                                   \
        fprintf (stderr, "%s:%d: fuzz property failed: %s\n", __FILE__,   \
                 __LINE__, #cond);                                        \
        abort ();                                                         \
      }                                                                   \
  while (0)

/* Errors are answers, not crashes: GSL's handler would abort. */
static inline void
fuzz_init (void)
{
  gsl_set_error_handler_off ();
}

/* Take the next len bytes of the input (fewer at its end; zeros after). */
static inline void
fuzz_take (const uint8_t **data, size_t *size, void *out, size_t len)
{
  const size_t k = *size < len ? *size : len;
  memset (out, 0, len);
  if (k > 0)
    memcpy (out, *data, k);
  *data += k;
  *size -= k;
}

/* For readers that take a path (bp_idx_read, bp_model_file_read): write
   the input to a file of this process and return its name.  The file is
   created once in $TMPDIR (or /tmp), rewritten for every input, and
   removed at exit.  Returns NULL when it cannot be written. */
static char fuzz_path[4096];

static inline void
fuzz_remove_file (void)
{
  if (fuzz_path[0] != '\0')
    unlink (fuzz_path);
}

static inline const char *
fuzz_file (const uint8_t *data, size_t size)
{
  if (fuzz_path[0] == '\0')
    {
      const char *dir = getenv ("TMPDIR");
      snprintf (fuzz_path, sizeof fuzz_path, "%s/bp-fuzz-XXXXXX",
                dir != NULL && dir[0] != '\0' ? dir : "/tmp");
      const int fd = mkstemp (fuzz_path);
      if (fd < 0)
        {
          fuzz_path[0] = '\0';
          return NULL;
        }
      close (fd);
      atexit (fuzz_remove_file);
    }
  FILE *f = fopen (fuzz_path, "wb");
  if (f == NULL)
    return NULL;
  const size_t written = size > 0 ? fwrite (data, 1, size, f) : 0;
  if (fclose (f) != 0 || written != size)
    return NULL;
  return fuzz_path;
}

#endif /* BP_FUZZ_H */
