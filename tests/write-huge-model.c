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
  const bp_net_shape shape = { .rows = 28, .cols = 28, .n = 10 };
  bp_net *net = bp_net_alloc (bp_net_linear, &shape);
  if (!net)
    return 1;
  /* W, the first block: 10 x 784; b stays 0 */
  for (size_t k = 0; k < 10 * 784; k++)
    gsl_vector_set (net->theta, k, 1e307);
  char err[256];
  int s = bp_model_file_write (argv[1], net, NULL, err, sizeof err);
  if (s != GSL_SUCCESS)
    fprintf (stderr, "%s\n", err);
  bp_net_free (net);
  return s == GSL_SUCCESS ? 0 : 1;
}
