/* replay.c -- the regression side of a fuzz harness: a main that feeds
   LLVMFuzzerTestOneInput every file it is given (files, or directories
   whose regular files are each an input).  With no argument it replays
   $srcdir/tests/fuzz/corpus/FUZZ_NAME, the harness's committed corpus,
   which is how `make check' runs it.  A failing input aborts (sanitizer
   report or FUZZ_ASSERT) naming the file on stderr first.

   Each input is also run as FUZZ_MUTATIONS mutated copies (environment;
   default FUZZ_MUTATIONS_DEFAULT): bits flipped, bytes and 32-bit words
   set to edge values (0, 1, 2^31, 2^32 - 1 ...), ranges deleted,
   repeated or cut, bytes appended.  The mutants come from a xorshift64*
   generator seeded with FUZZ_SEED (default 1), the input's file name and
   the mutant's number, so every run makes the same ones on every machine
   and none depends on time.  FUZZ_VERBOSE=1 names each mutant before it
   runs; FUZZ_ONLY=K runs only mutant K of each input (to replay a
   failure alone, under a debugger or valgrind). */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

#ifndef FUZZ_NAME
# error "FUZZ_NAME must name the harness (its corpus directory)"
#endif

#ifndef FUZZ_MUTATIONS_DEFAULT
# define FUZZ_MUTATIONS_DEFAULT 24
#endif

static size_t n_inputs, n_mutants;
static unsigned long mutations = FUZZ_MUTATIONS_DEFAULT, seed = 1;
static long only = -1;
static int verbose;

/* xorshift64* (Vigna, 2016) */
static uint64_t rng;

static uint64_t
next (void)
{
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 2685821657736338717ull;
}

/* A number in 0 .. n - 1 (0 when n is 0). */
static size_t
below (size_t n)
{
  return n == 0 ? 0 : (size_t) (next () % n);
}

/* FNV-1a of s: the input's share of its mutants' seed */
static uint64_t
hash_name (const char *s)
{
  uint64_t h = 14695981039346656037ull;
  for (; *s != '\0'; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ull;
  return h;
}

/* One to four edits of buf[0 .. *len), which has room for cap bytes. */
static void
mutate (uint8_t *buf, size_t *len, size_t cap)
{
  static const uint32_t words[] = { 0, 1, 2, 0xFF, 0x100, 0xFFFF, 0x10000,
                                    0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF };
  static const uint8_t bytes[] = { 0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF };
  const size_t edits = 1 + below (4);
  for (size_t e = 0; e < edits; e++)
    {
      const size_t n = *len, at = below (n);
      switch (below (8))
        {
        case 0:   /* a bit flipped */
          if (n > 0)
            buf[at] ^= (uint8_t) (1u << below (8));
          break;
        case 1:   /* a byte set to an edge value */
          if (n > 0)
            buf[at] = bytes[below (sizeof bytes)];
          break;
        case 2:   /* a 32-bit word set to an edge value, big- or little-endian */
          if (n >= 4)
            {
              const size_t w = below (n - 3);
              const uint32_t v = words[below (sizeof words / sizeof words[0])];
              const int big = (int) below (2);
              for (int j = 0; j < 4; j++)
                buf[w + (size_t) j] = (uint8_t) (v >> (8 * (big ? 3 - j : j)));
            }
          break;
        case 3:   /* a random byte */
          if (n > 0)
            buf[at] = (uint8_t) next ();
          break;
        case 4:   /* a range deleted */
          if (n > 0)
            {
              const size_t k = 1 + below (n - at < 16 ? n - at : 16);
              memmove (buf + at, buf + at + k, n - at - k);
              *len = n - k;
            }
          break;
        case 5:   /* a range repeated in place */
          if (n > 0)
            {
              size_t k = 1 + below (n - at < 64 ? n - at : 64);
              if (k > cap - n)
                k = cap - n;
              memmove (buf + at + k, buf + at, n - at);
              *len = n + k;
            }
          break;
        case 6:   /* cut */
          *len = below (n + 1);
          break;
        default:   /* random bytes appended */
          for (size_t k = 1 + below (16); k > 0 && *len < cap; k--)
            buf[(*len)++] = (uint8_t) next ();
          break;
        }
    }
}

/* The mutants of the input buf[0 .. len) read from path. */
static int
run_mutants (const char *path, const uint8_t *buf, size_t len)
{
  const size_t cap = 2 * len + 64;
  uint8_t *m = malloc (cap);
  if (m == NULL)
    {
      fprintf (stderr, "replay: %s: out of memory for its mutants\n", path);
      return -1;
    }
  const char *slash = strrchr (path, '/');
  const uint64_t h = hash_name (slash != NULL ? slash + 1 : path);
  for (unsigned long k = 0; k < mutations; k++)
    {
      if (only >= 0 && (unsigned long) only != k)
        continue;
      /* the mutant's own seed (never 0: xorshift would stay 0) */
      rng = (h ^ (seed * 0x9E3779B97F4A7C15ull) ^ ((uint64_t) (k + 1) << 32)) | 1;
      size_t mlen = len;
      if (len > 0)
        memcpy (m, buf, len);
      mutate (m, &mlen, cap);
      if (verbose)
        fprintf (stderr, "replay: %s: mutant %lu of seed %lu (%zu bytes)\n", path, k,
                 seed, mlen);
      LLVMFuzzerTestOneInput (m, mlen);
      n_mutants++;
    }
  free (m);
  return 0;
}

/* Run the harness on the file at path; 0 on success, -1 if unreadable. */
static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      fprintf (stderr, "replay: %s: %s\n", path, strerror (errno));
      return -1;
    }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc (cap);
  size_t got;
  while (buf != NULL && (got = fread (buf + len, 1, cap - len, f)) > 0)
    {
      len += got;
      if (len == cap)
        {
          uint8_t *bigger = realloc (buf, 2 * cap);
          if (bigger == NULL)
            free (buf);
          buf = bigger;
          cap *= 2;
        }
    }
  const int bad = buf == NULL || ferror (f);
  fclose (f);
  if (bad)
    {
      fprintf (stderr, "replay: %s: cannot read\n", path);
      free (buf);
      return -1;
    }
  fprintf (stderr, "replay: %s (%zu bytes), then %lu mutants of seed %lu\n", path, len,
           only >= 0 ? 1 : mutations, seed);
  LLVMFuzzerTestOneInput (buf, len);
  n_inputs++;
  const int status = run_mutants (path, buf, len);
  free (buf);
  return status;
}

/* A file, or every regular file of a directory (sorted, for a stable
   order). */
static int
replay_path (const char *path)
{
  struct stat st;
  if (stat (path, &st) != 0)
    {
      fprintf (stderr, "replay: %s: %s\n", path, strerror (errno));
      return -1;
    }
  if (!S_ISDIR (st.st_mode))
    return replay_file (path);
  struct dirent **names;
  const int n = scandir (path, &names, NULL, alphasort);
  if (n < 0)
    {
      fprintf (stderr, "replay: %s: %s\n", path, strerror (errno));
      return -1;
    }
  int status = 0;
  for (int k = 0; k < n; k++)
    {
      char file[4096];
      snprintf (file, sizeof file, "%s/%s", path, names[k]->d_name);
      if (names[k]->d_name[0] != '.' && stat (file, &st) == 0 && S_ISREG (st.st_mode)
          && replay_file (file) != 0)
        status = -1;
      free (names[k]);
    }
  free (names);
  return status;
}

int
main (int argc, char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);
  const char *v;
  if ((v = getenv ("FUZZ_MUTATIONS")) != NULL && *v != '\0')
    mutations = strtoul (v, NULL, 10);
  if ((v = getenv ("FUZZ_SEED")) != NULL && *v != '\0')
    seed = strtoul (v, NULL, 10);
  if ((v = getenv ("FUZZ_ONLY")) != NULL && *v != '\0')
    only = strtol (v, NULL, 10);
  verbose = (v = getenv ("FUZZ_VERBOSE")) != NULL && *v != '\0' && *v != '0';
  int status = 0;
  if (argc > 1)
    for (int k = 1; k < argc; k++)
      status |= replay_path (argv[k]);
  else
    {
      const char *srcdir = getenv ("srcdir");
      char dir[4096];
      snprintf (dir, sizeof dir, "%s/tests/fuzz/corpus/%s",
                srcdir != NULL ? srcdir : ".", FUZZ_NAME);
      status |= replay_path (dir);
    }
  if (n_inputs == 0)
    {
      fprintf (stderr, "replay: %s: no input found\n", FUZZ_NAME);
      status = -1;
    }
  printf ("%s: %zu inputs replayed, %zu mutants of seed %lu\n", FUZZ_NAME, n_inputs,
          n_mutants, seed);
  printf (status == 0 ? "1 passed, 0 failed\n" : "0 passed, 1 failed\n");
  return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
