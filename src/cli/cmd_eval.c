/* cmd_eval.c -- `backprop eval': the test accuracy, the confusion matrix
   and each class's precision and recall of a model saved by `backprop
   train', whatever its row of the network table (bp_net.h). */
#include <config.h>
#include <getopt.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <gsl/gsl_nan.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_model_file.h"
#include "cli/cli.h"
#include "cli/blas_threads.h"
#include "cli/classes.h"
#include "cli/data_dir.h"
#include "backprop/bp_train.h"
#include "verify/i18n.h"
#include "verify/json.h"

typedef struct
{
  const char *model, *data, *classes;
  int json;   /* --json: the report as one JSON document */
} eval_options;

static void
print_eval_help (void)
{
  printf (_("Usage: %s eval --model=FILE [OPTION]...\n"), program_name);
  printf (_("Classify the test set (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)\n"
          "with a model saved by 'backprop train' (the one-layer classifier, the\n"
          "two-layer network or the convolutional network: the file tells which);\n"
          "print the accuracy, the confusion matrix (row: true class, column:\n"
          "predicted class) and each class's precision and recall.\n\n"
          "  -m, --model=FILE    the model (required)\n"
          "  -d, --data=DIR      folder of the test files (default $BACKPROP_DATA,\n"
          "                      else %s)\n"
          "  -c, --classes=FILE  the classes' names, one a line (default DIR/classes.txt\n"
          "                      when there is one, else Fashion-MNIST's names when\n"
          "                      DIR's path says fashion, else the digits)\n"
          "  -j, --json          print the report as one JSON document (its schema:\n"
          "                      backprop(1))\n"
          "  -h, --help          display this help and exit\n\n"
          "Exit status: 0 on success, 2 on bad usage, a bad model file or bad data,\n"
          "or a model whose outputs are not finite on the test set.\n"),
          BP_DEFAULT_DATA_DIR);
}

/* -1 after --help, 0 on success, else a usage error's exit status. */
static int
parse_options (int argc, char **argv, eval_options *o)
{
  static const struct option longopts[] = {
    {"model", required_argument, NULL, 'm'},
    {"data", required_argument, NULL, 'd'},
    {"classes", required_argument, NULL, 'c'},
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  o->model = o->data = o->classes = NULL;
  o->json = 0;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "m:d:c:jh", longopts, NULL)) != -1)
    switch (c)
      {
      case 'm': o->model = optarg; break;
      case 'd': o->data = optarg; break;
      case 'c': o->classes = optarg; break;
      case 'j': o->json = 1; break;
      case 'h':
        print_eval_help ();
        return -1;
      default:
        usage_hint ();
        return 2;
      }
  if (optind < argc)
    {
      fprintf (stderr, _("%s: eval: unexpected argument '%s'\n"), program_name, argv[optind]);
      usage_hint ();
      return 2;
    }
  if (o->model == NULL)
    {
      fprintf (stderr, _("%s: eval: missing --model=FILE\n"), program_name);
      usage_hint ();
      return 2;
    }
  return 0;
}

/* The share a / b as "12.34%", or "-" when b is 0. */
static const char *
percent (char *buf, size_t len, unsigned long a, unsigned long b)
{
  if (b == 0)
    snprintf (buf, len, "-");
  else
    snprintf (buf, len, "%.2f%%", 100.0 * (double) a / (double) b);
  return buf;
}

/* Class k's predictions and true images: the column and row sums of C. */
static void
class_counts (const gsl_matrix_ulong *C, size_t k, unsigned long *predicted,
              unsigned long *truth)
{
  *predicted = *truth = 0;
  for (size_t i = 0; i < C->size1; i++)
    {
      *predicted += gsl_matrix_ulong_get (C, i, k);
      *truth += gsl_matrix_ulong_get (C, k, i);
    }
}

static void
print_report (const eval_options *o, const char *data, const char *what,
              const bp_dataset *test, const class_names *names,
              const gsl_matrix_ulong *C, double accuracy, double loss)
{
  const size_t n = C->size1;
  size_t right = 0;
  for (size_t i = 0; i < n; i++)
    right += gsl_matrix_ulong_get (C, i, i);
  printf (_("backprop eval: %s on %s: %zu test images\n"), o->model, data, test->count);
  printf (_("model: %s\n"), what);
  printf (_("test accuracy %.2f%% (%zu of %zu), mean loss %.4f\n\n"), 100 * accuracy,
          right, test->count, loss);
  printf (_("confusion matrix (row: true class, column: predicted class, numbered as "
            "the rows)\n"));
  print_column (stdout, _("true\\pred"), 15);
  for (size_t j = 0; j < n; j++)
    printf (" %5zu", j);
  printf ("\n");
  for (size_t i = 0; i < n; i++)
    {
      printf ("%2zu %-12.12s", i, names->name[i]);
      for (size_t j = 0; j < n; j++)
        printf (" %5lu", gsl_matrix_ulong_get (C, i, j));
      printf ("\n");
    }
  putchar ('\n');
  print_column (stdout, _("class"), 15);
  putchar (' ');
  print_column (stdout, _("precision"), -9);
  putchar (' ');
  print_column (stdout, _("recall"), -9);
  putchar (' ');
  print_column (stdout, _("images"), -7);
  putchar ('\n');
  for (size_t k = 0; k < n; k++)
    {
      unsigned long predicted, truth;
      class_counts (C, k, &predicted, &truth);
      char p[16], r[16];
      const unsigned long hit = gsl_matrix_ulong_get (C, k, k);
      printf ("%2zu %-12.12s %9s %9s %7lu\n", k, names->name[k],
              percent (p, sizeof p, hit, predicted), percent (r, sizeof r, hit, truth),
              truth);
    }
}

/* The share a / b as a JSON number, null when b is 0. */
static void
json_share (unsigned long a, unsigned long b)
{
  json_number (stdout, b == 0 ? GSL_NAN : (double) a / (double) b);
}

/* --json: the report's figures as one JSON document (backprop(1)). */
static void
print_json (const eval_options *o, const char *data, const char *what,
            const bp_dataset *test, const class_names *names,
            const gsl_matrix_ulong *C, double accuracy, double loss)
{
  const size_t n = C->size1;
  fputs ("{\"command\":\"eval\",\"model\":", stdout);
  json_string (stdout, o->model);
  fputs (",\"data\":", stdout);
  json_string (stdout, data);
  fputs (",\"network\":", stdout);
  json_string (stdout, what);
  printf (",\"images\":%zu,\"test_accuracy\":", test->count);
  json_number (stdout, accuracy);
  fputs (",\"test_loss\":", stdout);
  json_number (stdout, loss);
  fputs (",\"classes\":[", stdout);
  for (size_t k = 0; k < n; k++)
    {
      unsigned long predicted, truth;
      class_counts (C, k, &predicted, &truth);
      const unsigned long hit = gsl_matrix_ulong_get (C, k, k);
      printf ("%s{\"class\":%zu,\"name\":", k ? "," : "", k);
      json_string (stdout, names->name[k]);
      fputs (",\"precision\":", stdout);
      json_share (hit, predicted);
      fputs (",\"recall\":", stdout);
      json_share (hit, truth);
      printf (",\"images\":%lu}", truth);
    }
  fputs ("],\"confusion\":[", stdout);
  for (size_t i = 0; i < n; i++)
    {
      printf ("%s[", i ? "," : "");
      for (size_t j = 0; j < n; j++)
        printf ("%s%lu", j ? "," : "", gsl_matrix_ulong_get (C, i, j));
      putchar (']');
    }
  puts ("]}");
}

int
cmd_eval (int argc, char **argv)
{
  eval_options o;
  int status = parse_options (argc, argv, &o);
  if (status != 0)
    return status < 0 ? 0 : status;
  char err[1024], what[256];
  size_t rows, cols, n;
  bp_net_shape shape;
  blas_threads_default (1);   /* as train: doc/performance.md, "Threads" */
  loop_threads_like_blas (1);
  bp_net *M = NULL;
  bp_net_workspace *ws = NULL;
  /* the header's shape against the test set's before the parameters are
     read: a model of the wrong shape (up to 2^64 bytes) is refused unread */
  if (bp_model_file_shape (o.model, NULL, &shape, err, sizeof err) != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: eval: %s\n", program_name, err);
      return 2;
    }
  rows = shape.rows;
  cols = shape.cols;
  n = shape.n;
  bp_dataset test;
  const char *data = data_dir ("eval", o.data);
  if (data == NULL)
    return 2;
  const int loaded_data = data_load ("eval", data, "t10k", &test);
  if (loaded_data != 0)
    return loaded_data;
  class_names names = { 0, NULL };
  gsl_matrix_ulong *confusion = NULL;
  double accuracy, loss;
  if (test.rows != rows || test.cols != cols || test.n_classes != n)
    {
      fprintf (stderr, _("%s: eval: %s is a model of %zux%zu images and %zu classes, "
                         "but the test set in %s has %zux%zu images and %zu classes\n"),
               program_name, o.model, rows, cols, n, data, test.rows, test.cols,
               test.n_classes);
      bp_dataset_free (&test);
      return 2;
    }
  const int loaded = bp_model_file_read (o.model, &M, NULL, err, sizeof err);
  if (loaded != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: eval: %s\n", program_name, err);
      bp_dataset_free (&test);
      return loaded == GSL_ENOMEM ? EXIT_NOT_CARRIED_OUT : EXIT_USAGE;
    }
  if ((status = class_names_load ("eval", o.classes, data, n, &names)) != 0)
    goto out;
  status = EXIT_NOT_CARRIED_OUT;
  if ((confusion = gsl_matrix_ulong_alloc (n, n)) == NULL
      || (ws = bp_net_workspace_alloc (M, bp_net_eval_batch (M, BP_NET_EVAL_BYTES)))
         == NULL)
    {
      fprintf (stderr, _("%s: eval: out of memory\n"), program_name);
      goto out;
    }
  const int s = bp_net_evaluate (&test, M, ws, confusion, &accuracy, &loss);
  if (s != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: eval: %s\n", program_name,
               s == GSL_EOVRFLW ? _("the model's outputs are not finite on the test set "
                                    "(its parameters are too large): refused")
               : _("the evaluation could not be carried out"));
      if (s == GSL_EOVRFLW)
        status = EXIT_USAGE;   /* the model is refused: bad input */
      goto out;
    }
  if (o.json)   /* for scripts: the library's English */
    bp_net_describe (M, what, sizeof what);
  else
    net_describe_local (M, what, sizeof what);
  (o.json ? print_json : print_report) (&o, data, what, &test, &names, confusion,
                                        accuracy, loss);
  status = 0;
out:
  if (confusion) gsl_matrix_ulong_free (confusion);
  class_names_free (&names);
  bp_net_workspace_free (ws);
  bp_net_free (M);
  bp_dataset_free (&test);
  return status;
}
