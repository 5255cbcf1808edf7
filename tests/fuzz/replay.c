/* replay.c -- the regression side of a fuzz harness: a main that feeds
   LLVMFuzzerTestOneInput every file it is given (files, or directories
   whose regular files are each an input).  With no argument it replays
   $srcdir/tests/fuzz/corpus/FUZZ_NAME, the harness's committed corpus,
   which is how `make check' runs it.  A failing input aborts (sanitizer
   report or FUZZ_ASSERT) naming the file on stderr first. */
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

static size_t n_inputs;

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
  fprintf (stderr, "replay: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput (buf, len);
  free (buf);
  n_inputs++;
  return 0;
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
  printf ("%s: %zu inputs replayed\n", FUZZ_NAME, n_inputs);
  printf (status == 0 ? "1 passed, 0 failed\n" : "0 passed, 1 failed\n");
  return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
