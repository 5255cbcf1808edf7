/* data_dir.c -- see data_dir.h */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "cli/cli.h"
#include "cli/data_dir.h"

const char *
data_dir (const char *cmd, const char *dir)
{
  struct stat st;
  if (dir != NULL)
    return dir;
  const char *fallback = getenv ("BACKPROP_DATA");
  if (fallback == NULL || fallback[0] == '\0')
    fallback = BP_DEFAULT_DATA_DIR;
  if (stat (fallback, &st) == 0 && S_ISDIR (st.st_mode))
    return fallback;
  fprintf (stderr, "%s: %s: no data set: %s does not exist.\n"
           "Install Fashion-MNIST with:  apt-get install %s\n"
           "or give --data DIR, a folder holding train-images-idx3-ubyte.gz,\n"
           "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and\n"
           "t10k-labels-idx1-ubyte.gz (MNIST's files work too).\n",
           program_name, cmd, fallback, BP_DATA_PACKAGE);
  return NULL;
}

/* DIR/PREFIX-KIND-idxD-ubyte.gz if it exists, else the name without .gz */
static void
file_name (char *out, size_t len, const char *dir, const char *prefix,
           const char *kind)
{
  snprintf (out, len, "%s/%s-%s-ubyte.gz", dir, prefix, kind);
  if (access (out, F_OK) != 0)
    snprintf (out, len, "%s/%s-%s-ubyte", dir, prefix, kind);
}

int
data_load (const char *cmd, const char *dir, const char *prefix, bp_dataset *d)
{
  char images[4096], labels[4096], err[1024];
  file_name (images, sizeof images, dir, prefix, "images-idx3");
  file_name (labels, sizeof labels, dir, prefix, "labels-idx1");
  if (bp_dataset_read (images, labels, 10, d, err, sizeof err) != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: %s: %s\n", program_name, cmd, err);
      return -1;
    }
  return 0;
}
