/* cmd_train.c -- `backprop train': mini-batch SGD of the 784 -> 10 softmax
   classifier, or with --hidden H of the two-layer network 784 -> H -> 10,
   on MNIST-format data (Fashion-MNIST by default), with the same functions
   `make check' verifies; see bp_train.h and bp_mlp_train.h. */
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
#include "backprop/bp_mlp_train.h"
#include "backprop/bp_model_file.h"
#include "cli/cli.h"
#include "cli/data_dir.h"
#include "cli/plot.h"

#define DEFAULT_MODEL "backprop.model"

static void
print_train_help (void)
{
  bp_sgd_params p, q;
  bp_sgd_params_default (&p);
  bp_mlp_sgd_params_default (&q);
  printf ("Usage: %s train [OPTION]...\n", program_name);
  printf ("Train the one-layer softmax classifier v = W u + b (W 10x784, u the\n"
          "28x28 image's pixels / 255) by mini-batch SGD with momentum on the\n"
          "training set, the fused gradient dL/dv = y - labels and a cosine\n"
          "learning-rate schedule (step by step); print the training loss and the test accuracy\n"
          "after each epoch, and save the model.  With --hidden=H, train the\n"
          "two-layer network z = W1 u + b1, h = f(z), v = W2 h + b2 instead (W1 Hx784,\n"
          "W2 10xH; W1 drawn by He's scheme for relu, Glorot's for sigmoid and tanh).\n\n"
          "  -d, --data=DIR      folder of the four IDX files (train-images-idx3-ubyte.gz,\n"
          "                      train-labels-idx1-ubyte.gz, t10k-...; .gz optional)\n"
          "                      (default $BACKPROP_DATA, else %s,\n"
          "                      from the Debian package %s)\n"
          "  -H, --hidden=H      hidden units: 0 for the one-layer classifier (default),\n"
          "                      1 to 100000 for the two-layer network\n"
          "  -a, --activation=F  the hidden layer's f: relu (default), sigmoid or tanh\n"
          "  -e, --epochs=N      passes over the training set (default %zu; %zu with -H)\n"
          "  -b, --batch=B       examples per step (default %zu; %zu with -H)\n"
          "  -l, --lr=ETA        learning rate of the first step (default %g; %g with -H)\n"
          "  -u, --momentum=MU   momentum, 0 <= MU < 1 (default %g; %g with -H)\n"
          "  -w, --weight-decay=LAMBDA  L2 penalty (LAMBDA/2)||W||^2, on W1 and W2 with\n"
          "                      -H (default %g; %g with -H)\n"
          "  -s, --seed=S        seed of the shuffling and of W1, W2 (default 1)\n"
          "  -m, --model=FILE    where to save the model (default %s)\n"
          "  -p, --plot=DIR      write DIR/curves.csv, curves.gp (and curves.png with\n"
          "                      gnuplot), and the weights as DIR/weights-K.pgm and\n"
          "                      the montage DIR/weights.pgm (with -H: W1's rows)\n"
          "  -h, --help          display this help and exit\n\n"
          "Exit status: 0 on success, 2 on bad usage, bad data or a write failure.\n",
          BP_DEFAULT_DATA_DIR, BP_DATA_PACKAGE, p.epochs, q.epochs, p.batch, q.batch,
          p.lr, q.lr, p.momentum, q.momentum, p.weight_decay, q.weight_decay,
          DEFAULT_MODEL);
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
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
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
    {"hidden", required_argument, NULL, 'H'},
    {"activation", required_argument, NULL, 'a'},
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
  /* p holds the values given; set[] which were given, the others take
     the defaults of the model chosen once every option is read. */
  bp_sgd_params p;
  bp_sgd_params_default (&p);
  int set_epochs = 0, set_batch = 0, set_lr = 0, set_momentum = 0, set_decay = 0;
  int set_act = 0;
  const char *data = NULL, *model = DEFAULT_MODEL, *plot = NULL;
  unsigned long seed = 1, ul, hidden = 0;
  bp_activation act = BP_RELU;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "d:H:a:e:b:l:u:w:s:m:p:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'd':
        data = optarg;
        break;
      case 'H':
        if (parse_ulong (optarg, &hidden) != 0 || hidden > 100000)
          return bad_value ("hidden layer size", optarg, "a whole number from 0 to 100000");
        break;
      case 'a':
        if (bp_activation_from_name (optarg, &act) != GSL_SUCCESS)
          return bad_value ("activation", optarg, "relu, sigmoid or tanh");
        set_act = 1;
        break;
      case 'e':
        if (parse_ulong (optarg, &ul) != 0 || ul == 0 || ul > 100000)
          return bad_value ("epoch count", optarg, "a whole number from 1 to 100000");
        p.epochs = ul;
        set_epochs = 1;
        break;
      case 'b':
        if (parse_ulong (optarg, &ul) != 0 || ul == 0 || ul > 1000000)
          return bad_value ("batch size", optarg, "a whole number from 1 to 1000000");
        p.batch = ul;
        set_batch = 1;
        break;
      case 'l':
        if (parse_double (optarg, &p.lr) != 0 || !(p.lr > 0))
          return bad_value ("learning rate", optarg, "a positive number");
        set_lr = 1;
        break;
      case 'u':
        if (parse_double (optarg, &p.momentum) != 0 || !(p.momentum >= 0 && p.momentum < 1))
          return bad_value ("momentum", optarg, "a number in [0, 1)");
        set_momentum = 1;
        break;
      case 'w':
        if (parse_double (optarg, &p.weight_decay) != 0 || !(p.weight_decay >= 0))
          return bad_value ("weight decay", optarg, "a number >= 0");
        set_decay = 1;
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
  if (set_act && hidden == 0)
    {
      fprintf (stderr, "%s: train: --activation needs --hidden=H (H > 0)\n", program_name);
      usage_hint ();
      return 2;
    }
  if (hidden > 0)
    {
      bp_sgd_params q;
      bp_mlp_sgd_params_default (&q);
      p.epochs = set_epochs ? p.epochs : q.epochs;
      p.batch = set_batch ? p.batch : q.batch;
      p.lr = set_lr ? p.lr : q.lr;
      p.momentum = set_momentum ? p.momentum : q.momentum;
      p.weight_decay = set_decay ? p.weight_decay : q.weight_decay;
    }
  if ((data = data_dir ("train", data)) == NULL)
    return 2;

  bp_dataset train, test;
  if (data_load ("train", data, "train", &train) != 0)
    return 2;
  if (data_load ("train", data, "t10k", &test) != 0)
    {
      bp_dataset_free (&train);
      return 2;
    }
  int status = 2;
  if (p.batch > train.count)
    p.batch = train.count;
  const size_t n = train.n_classes, m = train.rows * train.cols;
  /* the one-layer model (W, b, t), or the two-layer one (net, mt) */
  gsl_matrix *W = NULL;
  gsl_vector *b = NULL;
  bp_trainer *t = NULL;
  bp_mlp *net = NULL;
  bp_mlp_trainer *mt = NULL;
  if (hidden == 0)
    {
      W = gsl_matrix_calloc (n, m);
      b = gsl_vector_calloc (n);
      t = bp_trainer_alloc (train.count, p.batch, n, m);
    }
  else if ((net = bp_mlp_alloc (m, hidden, n, act)) != NULL)
    mt = bp_mlp_trainer_alloc (train.count, p.batch, net);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double *curves = calloc (3 * p.epochs, sizeof *curves);
  double *train_loss = curves, *test_loss = curves ? curves + p.epochs : NULL;
  double *test_acc = curves ? curves + 2 * p.epochs : NULL;
  if (test.rows != train.rows || test.cols != train.cols)
    {
      fprintf (stderr, "%s: train: the test images are %zux%zu but the training "
               "images %zux%zu, in %s\n", program_name, test.rows, test.cols,
               train.rows, train.cols, data);
      goto out;
    }
  if ((hidden == 0 ? !W || !b || !t : !net || !mt) || !rng || !curves)
    {
      fprintf (stderr, "%s: train: out of memory\n", program_name);
      goto out;
    }
  gsl_rng_set (rng, seed);
  if (net != NULL)
    bp_mlp_init (net, rng);
  printf ("backprop train: %s: %zu training and %zu test images of %zux%zu, "
          "%zu classes\n", data, train.count, test.count, train.rows, train.cols, n);
  if (net != NULL)
    printf ("network: %zu -> %lu %s -> %zu (W1 by %s, W2 by Glorot, seed %lu)\n", m,
            hidden, bp_activation_name (act), n, act == BP_RELU ? "He" : "Glorot", seed);
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
      int st;
      if (net == NULL)
        st = bp_train_epoch (&train, &p, e, rng, t, tty ? show_progress : NULL, &pr,
                             W, b, &train_loss[e])
             || bp_evaluate (&test, W, b, t->ws, NULL, &test_acc[e], &test_loss[e]);
      else
        st = bp_mlp_train_epoch (&train, &p, e, rng, mt, tty ? show_progress : NULL, &pr,
                                 net, &train_loss[e])
             || bp_mlp_evaluate (&test, net, mt->ws, NULL, &test_acc[e], &test_loss[e]);
      if (st != GSL_SUCCESS)
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
  if ((net == NULL
       ? bp_model_file_write (model, W, b, train.rows, train.cols, err, sizeof err)
       : bp_model_file_write_mlp (model, net, train.rows, train.cols, err, sizeof err))
      != GSL_SUCCESS)
    {
      fprintf (stderr, "%s: train: %s\n", program_name, err);
      goto out;
    }
  printf ("model saved to %s; test accuracy %.2f%%\n", model, 100 * test_acc[p.epochs - 1]);
  if (plot != NULL)
    {
      int png;
      if (plot_dir ("train", plot) != 0
          || plot_curves ("train", plot, p.epochs, train_loss, test_loss, test_acc, &png) != 0
          || plot_weights ("train", plot, net ? net->W1 : W, train.rows, train.cols) != 0)
        goto out;
      printf ("plots written to %s: curves.csv, curves.gp%s, weights.pgm, "
              "weights-0.pgm ... weights-%zu.pgm%s\n", plot,
              png ? ", curves.png" : " (no curves.png: gnuplot is not installed)",
              net ? hidden - 1 : n - 1, net ? " (the rows of W1)" : "");
    }
  status = 0;
out:
  free (curves);
  if (rng) gsl_rng_free (rng);
  bp_trainer_free (t);
  bp_mlp_trainer_free (mt);
  bp_mlp_free (net);
  if (b) gsl_vector_free (b);
  if (W) gsl_matrix_free (W);
  bp_dataset_free (&train);
  bp_dataset_free (&test);
  return status;
}
