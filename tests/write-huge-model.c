/* write-huge-model.c -- a valid one-layer model file (28x28, 10 classes)
   whose W is 1e307 everywhere (784 bright pixels: 7.8e309): finite, so every reader accepts it, but its
   logits overflow on any image with a bright pixel (tests/train-run.sh:
   eval must refuse it). */
#include <config.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_model_file.h"

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  gsl_matrix *W = gsl_matrix_alloc (10, 784);
  gsl_vector *b = gsl_vector_calloc (10);
  if (!W || !b)
    return 1;
  gsl_matrix_set_all (W, 1e307);
  char err[256];
  int s = bp_model_file_write (argv[1], W, b, 28, 28, err, sizeof err);
  if (s != GSL_SUCCESS)
    fprintf (stderr, "%s\n", err);
  gsl_matrix_free (W);
  gsl_vector_free (b);
  return s == GSL_SUCCESS ? 0 : 1;
}
