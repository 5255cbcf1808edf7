/* cmd_train.c -- `backprop train': mini-batch SGD of the 784 -> 10 softmax
   classifier on MNIST-format data (Fashion-MNIST by default), with the
   same functions `make check' verifies; see bp_train.h. */
#include <config.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_train.h"
#include "backprop/bp_model_file.h"
#include "cli.h"
#include "data_dir.h"
#include "plot.h"

#define DEFAULT_MODEL "backprop.model"

static void
print_train_help (void)
{
  bp_sgd_params p;
  bp_sgd_params_default (&p);
  printf ("Usage: %s train [OPTION]...\n", program_name);
  printf ("Train the one-layer softmax classifier v = W u + b (W 10x784, u the\n"
          "28x28 image's pixels / 255) by mini-batch SGD with momentum on the\n"
          "training set, the fused gradient dL/dv = y - labels and a cosine\n"
          "learning-rate schedule (step by step); print the training loss and the test accuracy\n"
          "after each epoch, and save the model.\n\n"
          "  -d, --data=DIR      folder of the four IDX files (train-images-idx3-ubyte.gz,\n"
          "                      train-labels-idx1-ubyte.gz, t10k-...; .gz optional)\n"
          "                      (default $BACKPROP_DATA, else %s,\n"
          "                      from the Debian package %s)\n"
          "  -e, --epochs=N      passes over the training set (default %zu)\n"
          "  -b, --batch=B       examples per step (default %zu)\n"
          "  -l, --lr=ETA        learning rate of the first step (default %g)\n"
          "  -u, --momentum=MU   momentum, 0 <= MU < 1 (default %g)\n"
          "  -w, --weight-decay=LAMBDA  L2 penalty (LAMBDA/2)||W||^2 (default %g)\n"
          "  -s, --seed=S        seed of the shuffling (default 1)\n"
          "  -m, --model=FILE    where to save the model (default %s)\n"
          "  -p, --plot=DIR      write DIR/curves.csv, curves.gp (and curves.png with\n"
          "                      gnuplot), and the weights as DIR/weights-K.pgm and\n"
          "                      the montage DIR/weights.pgm\n"
          "  -h, --help          display this help and exit\n\n"
          "Exit status: 0 on success, 2 on bad usage, bad data or a write failure.\n",
          BP_DEFAULT_DATA_DIR, BP_DATA_PACKAGE, p.epochs, p.batch, p.lr, p.momentum,
          p.weight_decay, DEFAULT_MODEL);
}

/* The progress bar, when stderr is a terminal. */
struct progress
{
  size_t epoch, epochs;
  int last;
};

static void
show_progress (size_t done, size_t total, void *arg)
{
  struct progress *pr = arg;
  const int percent = (int) (100 * done / total);
  if (percent == pr->last)
    return;
  pr->last = percent;
  char bar[41];
  memset (bar, '#', 40);
  memset (bar + 40 * done / total, '.', 40 - 40 * done / total);
  bar[40] = '\0';
  fprintf (stderr, "\repoch %zu/%zu [%s] %3d%%", pr->epoch, pr->epochs, bar, percent);
  if (done == total)
    fputs ("\r\033[K", stderr);
  fflush (stderr);
}

static double
seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int
bad_value (const char *option, const char *value, const char *expected)
{
  fprintf (stderr, "%s: train: invalid %s '%s': expected %s\n", program_name,
           option, value, expected);
  usage_hint ();
  return 2;
}

int
cmd_train (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"data", required_argument, NULL, 'd'},
    {"epochs", required_argument, NULL, 'e'},
    {"batch", required_argument, NULL, 'b'},
    {"lr", required_argument, NULL, 'l'},
    {"momentum", required_argument, NULL, 'u'},
    {"weight-decay", required_argument, NULL, 'w'},
    {"seed", required_argument, NULL, 's'},
    {"model", required_argument, NULL, 'm'},
    {"plot", required_argument, NULL, 'p'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  bp_sgd_params p;
  bp_sgd_params_default (&p);
  const char *data = NULL, *model = DEFAULT_MODEL, *plot = NULL;
  unsigned long seed = 1, ul;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "d:e:b:l:u:w:s:m:p:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'd':
        data = optarg;
        break;
      case 'e':
        if (parse_ulong (optarg, &ul) != 0 || ul == 0 || ul > 100000)
          return bad_value ("epoch count", optarg, "a whole number from 1 to 100000");
        p.epochs = ul;
        break;
      case 'b':
        if (parse_ulong (optarg, &ul) != 0 || ul == 0 || ul > 1000000)
          return bad_value ("batch size", optarg, "a whole number from 1 to 1000000");
        p.batch = ul;
        break;
      case 'l':
        if (parse_double (optarg, &p.lr) != 0 || !(p.lr > 0))
          return bad_value ("learning rate", optarg, "a positive number");
        break;
      case 'u':
        if (parse_double (optarg, &p.momentum) != 0 || !(p.momentum >= 0 && p.momentum < 1))
          return bad_value ("momentum", optarg, "a number in [0, 1)");
        break;
      case 'w':
        if (parse_double (optarg, &p.weight_decay) != 0 || !(p.weight_decay >= 0))
          return bad_value ("weight decay", optarg, "a number >= 0");
        break;
      case 's':
        if (parse_ulong (optarg, &seed) != 0)
          return bad_value ("seed", optarg, "a non-negative whole number");
        break;
      case 'm':
        model = optarg;
        break;
      case 'p':
        plot = optarg;
        break;
      case 'h':
        print_train_help ();
        return 0;
      default:
        usage_hint ();
        return 2;
      }
  if (optind < argc)
    {
      fprintf (stderr, "%s: train: unexpected argument '%s'\n", program_name, argv[optind]);
      usage_hint ();
      return 2;
    }
  if ((data = bp_data_dir ("train", data)) == NULL)
    return 2;

  bp_dataset train, test;
  if (bp_data_load ("train", data, "train", &train) != 0)
    return 2;
  if (bp_data_load ("train", data, "t10k", &test) != 0)
    {
      bp_dataset_free (&train);
      return 2;
    }
  int status = 2;
  if (p.batch > train.count)
    p.batch = train.count;
  const size_t n = train.n_classes, m = train.rows * train.cols;
  gsl_matrix *W = gsl_matrix_calloc (n, m);
  gsl_vector *b = gsl_vector_calloc (n);
  bp_trainer *t = bp_trainer_alloc (train.count, p.batch, n, m);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double *curves = calloc (3 * p.epochs, sizeof *curves);
  double *train_loss = curves, *test_loss = curves + p.epochs, *test_acc = curves + 2 * p.epochs;
  if (test.rows != train.rows || test.cols != train.cols)
    {
      fprintf (stderr, "%s: train: the test images are %zux%zu but the training "
               "images %zux%zu, in %s\n", program_name, test.rows, test.cols,
               train.rows, train.cols, data);
      goto out;
    }
  if (!W || !b || !t || !rng || !curves)
    {
      fprintf (stderr, "%s: train: out of memory\n", program_name);
      goto out;
    }
  gsl_rng_set (rng, seed);
  printf ("backprop train: %s: %zu training and %zu test images of %zux%zu, "
          "%zu classes\n", data, train.count, test.count, train.rows, train.cols, n);
  printf ("SGD: %zu epochs, batch %zu, learning rate %g (cosine schedule), "
          "momentum %g, weight decay %g, seed %lu\n", p.epochs, p.batch, p.lr,
          p.momentum, p.weight_decay, seed);
  const int tty = isatty (STDERR_FILENO);
  const double t0 = seconds ();
  for (size_t e = 0; e < p.epochs; e++)
    {
      struct progress pr = { e + 1, p.epochs, -1 };
      const size_t per_epoch = (train.count + p.batch - 1) / p.batch;
      const double eta = bp_sgd_learning_rate (&p, e * per_epoch, p.epochs * per_epoch);
      if (bp_train_epoch (&train, &p, e, rng, t, tty ? show_progress : NULL, &pr,
                          W, b, &train_loss[e]) != GSL_SUCCESS
          || bp_evaluate (&test, W, b, t->ws, NULL, &test_acc[e], &test_loss[e]) != GSL_SUCCESS)
        {
          fprintf (stderr, "%s: train: a computation failed in epoch %zu\n",
                   program_name, e + 1);
          goto out;
        }
      printf ("epoch %3zu/%zu  lr %.5f  training loss %.4f  test loss %.4f  "
              "test accuracy %6.2f%%  (%.1f s)\n", e + 1, p.epochs, eta, train_loss[e],
              test_loss[e], 100 * test_acc[e], seconds () - t0);
      fflush (stdout);
    }
  char err[1024];
  if (bp_model_file_write (model, W, b, train.rows, train.cols, err, sizeof err)
      != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: train: %s\n", program_name, err);
      goto out;
    }
  printf ("model saved to %s; test accuracy %.2f%%\n", model, 100 * test_acc[p.epochs - 1]);
  if (plot != NULL)
    {
      int png;
      if (bp_plot_dir ("train", plot) != 0
          || bp_plot_curves ("train", plot, p.epochs, train_loss, test_loss, test_acc, &png) != 0
          || bp_plot_weights ("train", plot, W, train.rows, train.cols) != 0)
        goto out;
      printf ("plots written to %s: curves.csv, curves.gp%s, weights.pgm, "
              "weights-0.pgm ... weights-%zu.pgm\n", plot,
              png ? ", curves.png" : " (no curves.png: gnuplot is not installed)", n - 1);
    }
  status = 0;
out:
  free (curves);
  if (rng) gsl_rng_free (rng);
  bp_trainer_free (t);
  if (b) gsl_vector_free (b);
  if (W) gsl_matrix_free (W);
  bp_dataset_free (&train);
  bp_dataset_free (&test);
  return status;
}
