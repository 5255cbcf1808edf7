/* cmd_eval.c -- `backprop eval': the test accuracy and the confusion
   matrix of a model saved by `backprop train'. */
#include <config.h>
#include <getopt.h>
#include <assert.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_train.h"
#include "backprop/bp_mlp_train.h"
#include "backprop/bp_model_file.h"
#include "cli/cli.h"
#include "cli/data_dir.h"

/* Examples classified per batch. */
#define EVAL_BATCH 256

static void
print_eval_help (void)
{
  printf ("Usage: %s eval --model=FILE [OPTION]...\n", program_name);
  printf ("Classify the test set (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)\n"
          "with a model saved by 'backprop train' (the one-layer classifier or, from\n"
          "'backprop train --hidden H', the two-layer network; the file tells which);\n"
          "print the accuracy and the\n"
          "confusion matrix (row: true class, column: predicted class).\n\n"
          "  -m, --model=FILE    the model (required)\n"
          "  -d, --data=DIR      folder of the test files (default $BACKPROP_DATA,\n"
          "                      else %s)\n"
          "  -h, --help          display this help and exit\n\n"
          "Exit status: 0 on success, 2 on bad usage, a bad model file or bad data.\n",
          BP_DEFAULT_DATA_DIR);
}

int
cmd_eval (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"model", required_argument, NULL, 'm'},
    {"data", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  const char *model = NULL, *data = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "m:d:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'm':
        model = optarg;
        break;
      case 'd':
        data = optarg;
        break;
      case 'h':
        print_eval_help ();
        return 0;
      default:
        usage_hint ();
        return 2;
      }
  if (optind < argc)
    {
      fprintf (stderr, "%s: eval: unexpected argument '%s'\n", program_name, argv[optind]);
      usage_hint ();
      return 2;
    }
  if (model == NULL)
    {
      fprintf (stderr, "%s: eval: missing --model=FILE\n", program_name);
      usage_hint ();
      return 2;
    }
  char err[1024];
  gsl_matrix *W = NULL;
  gsl_vector *b = NULL;
  bp_mlp *net = NULL;
  size_t rows, cols, layers;
  if (bp_model_file_layers (model, &layers, err, sizeof err) != GSL_SUCCESS
      || (layers == 1
          ? bp_model_file_read (model, &W, &b, &rows, &cols, err, sizeof err)
          : bp_model_file_read_mlp (model, &net, &rows, &cols, err, sizeof err))
         != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: eval: %s\n", program_name, err);
      return 2;
    }
  bp_dataset test;
  int status = 2;
  if ((data = data_dir ("eval", data)) == NULL
      || data_load ("eval", data, "t10k", &test) != 0)
    {
      if (W) gsl_matrix_free (W);
      if (b) gsl_vector_free (b);
      bp_mlp_free (net);
      return 2;
    }
  assert (net != NULL || W != NULL);   /* one reader succeeded */
  const size_t n = net ? net->n : W->size1;
  bp_batch_workspace *ws = NULL;
  bp_mlp_batch_workspace *mws = NULL;
  gsl_matrix_ulong *confusion = NULL;
  if (test.rows != rows || test.cols != cols || test.n_classes != n)
    {
      fprintf (stderr, "%s: eval: %s is a model of %zux%zu images and %zu classes, "
               "but the test set in %s has %zux%zu images and %zu classes\n",
               program_name, model, rows, cols, n, data, test.rows, test.cols,
               test.n_classes);
      goto out;
    }
  if (net == NULL)
    ws = bp_batch_workspace_alloc (EVAL_BATCH, n, rows * cols);
  else
    mws = bp_mlp_batch_workspace_alloc (EVAL_BATCH, net->m, net->H, n);
  confusion = gsl_matrix_ulong_alloc (n, n);
  double accuracy, loss;
  if ((ws == NULL && mws == NULL) || confusion == NULL
      || (net == NULL
          ? bp_evaluate (&test, W, b, ws, confusion, &accuracy, &loss)
          : bp_mlp_evaluate (&test, net, mws, confusion, &accuracy, &loss)) != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: eval: the evaluation could not be carried out\n", program_name);
      goto out;
    }
  size_t right = 0;
  for (size_t i = 0; i < n; i++)
    right += gsl_matrix_ulong_get (confusion, i, i);
  printf ("backprop eval: %s on %s: %zu test images\n", model, data, test.count);
  if (net != NULL)
    printf ("two-layer network %zu -> %zu %s -> %zu\n", net->m, net->H,
            bp_activation_name (net->act), n);
  printf ("test accuracy %.2f%% (%zu of %zu), mean loss %.4f\n\n", 100 * accuracy,
          right, test.count, loss);
  printf ("confusion matrix (row: true class, column: predicted class)\n");
  printf ("true\\pred");
  for (size_t j = 0; j < n; j++)
    printf (" %5zu", j);
  printf ("\n");
  for (size_t i = 0; i < n; i++)
    {
      printf ("%9zu", i);
      for (size_t j = 0; j < n; j++)
        printf (" %5lu", gsl_matrix_ulong_get (confusion, i, j));
      printf ("\n");
    }
  status = 0;
out:
  if (confusion) gsl_matrix_ulong_free (confusion);
  bp_batch_workspace_free (ws);
  bp_mlp_batch_workspace_free (mws);
  if (W) gsl_matrix_free (W);
  if (b) gsl_vector_free (b);
  bp_mlp_free (net);
  bp_dataset_free (&test);
  return status;
}
