/* data_dir.c -- see data_dir.h */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "verify/i18n.h"
#include "cli/cli.h"
#include "cli/data_dir.h"

const char *
data_dir (const char *cmd, const char *dir)
{
  struct stat st;
  if (dir != NULL && dir[0] == '\0')
    {
      /* "" would name the files "/train-images-idx3-ubyte.gz": the root */
      fprintf (stderr, _("%s: %s: invalid data folder '': expected a folder's name\n"),
               program_name, cmd);
      return NULL;
    }
  if (dir != NULL)
    return dir;
  const char *fallback = getenv ("BACKPROP_DATA");
  if (fallback == NULL || fallback[0] == '\0')
    fallback = BP_DEFAULT_DATA_DIR;
  if (stat (fallback, &st) == 0 && S_ISDIR (st.st_mode))
    return fallback;
  fprintf (stderr, _("%s: %s: no data set: %s does not exist.\n"
              "Install Fashion-MNIST with:  apt-get install %s\n"
              "or give --data DIR, a folder holding train-images-idx3-ubyte.gz,\n"
              "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and\n"
              "t10k-labels-idx1-ubyte.gz (MNIST's files work too).\n"),
           program_name, cmd, fallback, BP_DATA_PACKAGE);
  return NULL;
}

/* DIR/PREFIX-KIND-idxD-ubyte.gz unless no such name is in DIR, else the
   name without .gz: a dangling .gz link or a folder that cannot be
   searched is reported on the .gz name, not the plain one (issue 21) */
static void
file_name (char *out, size_t len, const char *dir, const char *prefix,
           const char *kind)
{
  struct stat st;
  snprintf (out, len, "%s/%s-%s-ubyte.gz", dir, prefix, kind);
  if (lstat (out, &st) != 0 && errno == ENOENT)
    snprintf (out, len, "%s/%s-%s-ubyte", dir, prefix, kind);
}

int
data_load (const char *cmd, const char *dir, const char *prefix, bp_dataset *d)
{
  char images[4096], labels[4096], err[1024];
  file_name (images, sizeof images, dir, prefix, "images-idx3");
  file_name (labels, sizeof labels, dir, prefix, "labels-idx1");
  const int status = bp_dataset_read (images, labels, 10, d, err, sizeof err);
  if (status != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: %s: %s\n", program_name, cmd, err);
      return status == GSL_ENOMEM ? EXIT_NOT_CARRIED_OUT : EXIT_USAGE;
    }
  return 0;
}

int
data_protect (const char *cmd, const char *dir, const char *path)
{
  static const char *const files[][2] = {
    { "train", "images-idx3" }, { "train", "labels-idx1" },
    { "t10k", "images-idx3" }, { "t10k", "labels-idx1" } };
  struct stat out, in;
  if (stat (path, &out) != 0)
    return 0;   /* a new name (or a link to nothing): not a data file */
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
    for (int gz = 0; gz < 2; gz++)
      {
        char name[4096];
        snprintf (name, sizeof name, "%s/%s-%s-ubyte%s", dir, files[k][0], files[k][1],
                  gz ? "" : ".gz");
        if (stat (name, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
          {
            fprintf (stderr, _("%s: %s: %s is the data file %s: refused (it would be "
                        "replaced by the model)\n"), program_name, cmd, path, name);
            return -1;
          }
      }
  return 0;
}
