/* cmd_train.c -- `backprop train': mini-batch SGD of a model of
   the library's network table (bp_net.h) (the 784 -> 10 softmax classifier, or with --hidden H
   the two-layer network 784 -> H -> 10) on MNIST-format data
   (Fashion-MNIST by default), with the functions `make check' verifies.
   parse_options reads the command line into a train_options; run_train
   does the run, the same for every row of the network table (bp_net.h). */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_rng.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_train.h"
#include "backprop/bp_net.h"
#include "backprop/bp_model_file.h"
#include "cli/cli.h"
#include "cli/blas_threads.h"
#include "cli/data_dir.h"
#include "cli/model_lock.h"
#include "cli/plot.h"
#include "cli/progress.h"
#include "verify/i18n.h"
#include "verify/json.h"

#define DEFAULT_MODEL "backprop.model"
/* --validation's default: a twelfth of the training images (5,000 of
   Fashion-MNIST's 60,000). */
#define VALIDATION_SHARE 12
/* The exit status of a run stopped by a signal: 128 + its number, as a
   shell reports a process killed by it (backprop.1). */
#define EXIT_SIGNAL_BASE 128
/* A run that diverged (non-finite loss or parameters). */
#define EXIT_DIVERGED 3

typedef struct
{
  const char *data, *model, *plot, *resume;
  size_t n_hidden, hidden[BP_NET_MAX_HIDDEN];   /* --hidden's list */
  bp_activation act;
  size_t conv[2];      /* C1, C2; 0, 0: no convolutions */
  bp_sgd_params p;
  unsigned long seed;
  size_t validation;   /* SIZE_MAX: the default share */
  size_t stop_after;   /* 0: run the whole schedule */
  int json;            /* --json: a JSON object per line on stdout */
  int float32;         /* --dtype float32: the row's float32 twin */
  /* which settings the command line gave (--resume compares them with
     the saved run's) */
  int set_epochs, set_batch, set_lr, set_momentum, set_decay, set_validation,
    set_seed, set_shape, set_dtype;
} train_options;

static void
print_train_help (void)
{
  const bp_sgd_params p = bp_net_linear->defaults, q = bp_net_mlp->defaults,
    c = bp_net_cnn->defaults;
  printf (_("Usage: %s train [OPTION]...\n"), program_name);
  printf (_("Train the one-layer softmax classifier v = W u + b (W 10x784, u the\n"
             "28x28 image's pixels / 255) by mini-batch SGD with momentum, the fused\n"
             "gradient dL/dv = y - labels and a cosine learning-rate schedule; with\n"
             "--hidden=H the two-layer network z = W1 u + b1, h = f(z), v = W2 h + b2\n"
             "(W1 by He's scheme for relu, Glorot's otherwise); with --conv=C1,C2 the\n"
             "convolutional network conv 5x5 (C1) -> relu -> 2x2 max-pool -> conv 5x5 (C2)\n"
             "-> relu -> max-pool -> flatten -> [linear H -> relu ->] linear -> softmax.\n"
             "Some training images\n"
             "are held out for validation; each epoch prints the training loss and the\n"
             "validation loss and accuracy, and saves the model with the optimizer's\n"
             "state (so that --resume continues it); the test set is evaluated once,\n"
             "at the end.\n\n"
             "  -d, --data=DIR      folder of the four IDX files (train-images-idx3-ubyte.gz,\n"
             "                      train-labels-idx1-ubyte.gz, t10k-...; .gz optional)\n"
             "                      (default $BACKPROP_DATA, else %s,\n"
             "                      from the Debian package %s)\n"
             "  -H, --hidden=H      hidden units: 0 for the one-layer classifier (default),\n"
             "                      1 to 100000 for the two-layer network, H1,H2,... deeper\n"
             "  -a, --activation=F  the hidden layer's f: relu (default), sigmoid or tanh\n"
             "  -c, --conv=C1,C2    the convolutional network of C1 and C2 channels (1 to\n"
             "                      1024 each); -H adds its fully connected hidden layer\n"
             "      --dtype=T       the arithmetic: float64 (default, the reference) or\n"
             "                      float32 (float parameters and batches)\n"
             "  -e, --epochs=N      passes over the training set (default %zu; %zu with -H,\n"
             "                      %zu with -c)\n"
             "  -b, --batch=B       examples per step (default %zu; %zu with -H, %zu with\n"
             "                      -c), at most the training images\n"
             "  -l, --lr=ETA        learning rate of the first step (default %g; %g with -H,\n"
             "                      %g with -c)\n"
             "  -u, --momentum=MU   momentum, 0 <= MU < 1 (default %g; %g with -H, %g\n"
             "                      with -c)\n"
             "  -w, --weight-decay=LAMBDA  L2 penalty (LAMBDA/2)||W||^2 on the weight\n"
             "                      matrices, not the biases (default %g; %g with -H,\n"
             "                      %g with -c)\n"
             "  -v, --validation=N  training images held out, drawn by the seed (default\n"
             "                      a twelfth: 5000 of 60000); 0 for none\n"
             "  -s, --seed=S        seed of the split, W1, W2 and the shuffling (default 1)\n"
             "  -m, --model=FILE    where to save the model after each epoch (default %s;\n"
             "                      with --resume, the file resumed)\n"
             "  -r, --resume=FILE   continue the run saved in FILE (its settings, epoch,\n"
             "                      velocities and RNG): the result is the model an\n"
             "                      uninterrupted run would have saved, byte for byte;\n"
             "                      the run's own options may be repeated, a differing\n"
             "                      one is refused\n"
             "      --stop-after=K  stop after epoch K of the schedule, saved as an\n"
             "                      interrupt would leave it (to resume later)\n"
             "  -p, --plot=DIR      write DIR/curves.csv, curves.gp (and curves.png with\n"
             "                      gnuplot) after every epoch, the whole run's when\n"
             "                      resumed, and at the end the first layer's weights as\n"
             "                      DIR/weights.png (a montage of at most %d rows) and\n"
             "                      DIR/weights-K.png for each of them\n"
             "      --json          print a JSON object per epoch on stdout, one a line,\n"
             "                      and one of the test figures at the end (backprop(1))\n"
             "  -h, --help          display this help and exit\n\n"
             "On a terminal, a progress line on stderr shows the images per second, the\n"
             "whole run's time left and the running loss.  The first SIGINT (Ctrl-C),\n"
             "SIGTERM or SIGHUP stops the run at the next batch: the model file keeps\n"
             "the last finished epoch (and its training state); a second one quits at\n"
             "once.\n\n"
             "Exit status: 0 on success, 2 on bad usage, bad data or a write failure,\n"
             "3 when training diverged (the loss or a parameter not finite: the model\n"
             "of the last good epoch is kept), 128+N when stopped by signal N (130 for\n"
             "SIGINT, 143 for SIGTERM, 129 for SIGHUP) after saving.\n"),
          BP_DEFAULT_DATA_DIR, BP_DATA_PACKAGE, p.epochs, q.epochs, c.epochs, p.batch,
          q.batch, c.batch, p.lr, q.lr, c.lr, p.momentum, q.momentum, c.momentum,
          p.weight_decay, q.weight_decay, c.weight_decay,
          DEFAULT_MODEL, PLOT_MAX_UNITS);
}

static int
bad_value (const char *option, const char *value, const char *expected)
{
  fprintf (stderr, _("%s: train: invalid %s '%s': expected %s\n"), program_name,
           _(option), value, _(expected));
  usage_hint ();
  return 2;
}

static int
usage_error (const char *what)
{
  fprintf (stderr, "%s: train: %s\n", program_name, what);
  usage_hint ();
  return 2;
}

/* "C1,C2" into conv[0], conv[1], each 1 to 1024; -1 otherwise. */
static int
parse_conv (const char *arg, size_t conv[2])
{
  const char *comma = strchr (arg, ',');
  char first[32];
  unsigned long c1, c2;
  if (comma == NULL || (size_t) (comma - arg) >= sizeof first)
    return -1;
  memcpy (first, arg, (size_t) (comma - arg));
  first[comma - arg] = '\0';
  if (parse_ulong (first, &c1) != 0 || parse_ulong (comma + 1, &c2) != 0
      || c1 == 0 || c1 > BP_MODEL_FILE_MAX_CHANNELS || c2 == 0
      || c2 > BP_MODEL_FILE_MAX_CHANNELS)
    return -1;
  conv[0] = c1;
  conv[1] = c2;
  return 0;
}

/* "H" or "H1,H2,...": each 1 to BP_MODEL_FILE_MAX_HIDDEN (a lone 0: no
   hidden layer); 0 on success. */
static int
parse_hidden (const char *arg, size_t *count, size_t hidden[BP_NET_MAX_HIDDEN])
{
  char buf[256];
  const size_t len = strlen (arg);
  if (len >= sizeof buf)
    return -1;
  memcpy (buf, arg, len + 1);
  size_t k = 0;
  for (char *save = NULL, *tok = strtok_r (buf, ",", &save); tok;
       tok = strtok_r (NULL, ",", &save))
    {
      unsigned long ul;
      if (k == BP_NET_MAX_HIDDEN || parse_ulong (tok, &ul) != 0
          || ul > BP_MODEL_FILE_MAX_HIDDEN)
        return -1;
      hidden[k++] = ul;
    }
  if (k == 0 || arg[strlen (arg) - 1] == ',' || strstr (arg, ",,"))
    return -1;
  for (size_t j = 0; j < k; j++)
    if (hidden[j] == 0 && k > 1)
      return -1;
  *count = hidden[0] == 0 ? 0 : k;
  return 0;
}

/* The command line into o; -1 after --help, 0 on success, else the exit
   status of a usage error (reported). */
static int
parse_options (int argc, char **argv, train_options *o)
{
  enum { OPT_STOP_AFTER = 1000, OPT_JSON, OPT_DTYPE };
  static const struct option longopts[] = {
    {"data", required_argument, NULL, 'd'},
    {"hidden", required_argument, NULL, 'H'},
    {"activation", required_argument, NULL, 'a'},
    {"conv", required_argument, NULL, 'c'},
    {"epochs", required_argument, NULL, 'e'},
    {"batch", required_argument, NULL, 'b'},
    {"lr", required_argument, NULL, 'l'},
    {"momentum", required_argument, NULL, 'u'},
    {"weight-decay", required_argument, NULL, 'w'},
    {"validation", required_argument, NULL, 'v'},
    {"seed", required_argument, NULL, 's'},
    {"model", required_argument, NULL, 'm'},
    {"resume", required_argument, NULL, 'r'},
    {"stop-after", required_argument, NULL, OPT_STOP_AFTER},
    {"plot", required_argument, NULL, 'p'},
    {"json", no_argument, NULL, OPT_JSON},
    {"dtype", required_argument, NULL, OPT_DTYPE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  /* the settings not given take the defaults of the model chosen once
     every option is read */
  int set_act = 0;
  unsigned long ul;
  memset (o, 0, sizeof *o);
  o->model = NULL;
  o->act = BP_RELU;
  o->seed = 1;
  o->validation = SIZE_MAX;
  o->p = bp_net_linear->defaults;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "d:H:a:c:e:b:l:u:w:v:s:m:r:p:h", longopts, NULL))
         != -1)
    {
      o->set_shape |= c == 'H' || c == 'a' || c == 'c';
      switch (c)
        {
        case 'd':
          o->data = optarg;
          break;
        case 'H':
          if (parse_hidden (optarg, &o->n_hidden, o->hidden) != 0)
            return bad_value (N_("hidden layer size"), optarg,
                              N_("a whole number from 0 to 100000, or up to 8 of 1 "
                                 "to 100000 separated by commas"));
          break;
        case 'a':
          if (bp_activation_from_name (optarg, &o->act) != GSL_SUCCESS)
            return bad_value (N_("activation"), optarg, N_("relu, sigmoid or tanh"));
          set_act = 1;
          break;
        case 'c':
          if (parse_conv (optarg, o->conv) != 0)
            return bad_value (N_("convolution channels"), optarg,
                              N_("C1,C2: two whole numbers from 1 to 1024"));
          break;
        case 'e':
          if (parse_ulong (optarg, &ul) != 0 || ul == 0 || ul > BP_SGD_EPOCHS_MAX)
            return bad_value (N_("epoch count"), optarg,
                              N_("a whole number from 1 to 100000"));
          o->p.epochs = ul;
          o->set_epochs = 1;
          break;
        case 'b':
          if (parse_ulong (optarg, &ul) != 0 || ul == 0 || ul > BP_SGD_BATCH_MAX)
            return bad_value (N_("batch size"), optarg,
                              N_("a whole number from 1 to 1000000"));
          o->p.batch = ul;
          o->set_batch = 1;
          break;
        case 'l':
          if (parse_double (optarg, &o->p.lr) != 0 || !(o->p.lr > 0))
            return bad_value (N_("learning rate"), optarg, N_("a positive number"));
          o->set_lr = 1;
          break;
        case 'u':
          if (parse_double (optarg, &o->p.momentum) != 0
              || !(o->p.momentum >= 0 && o->p.momentum < 1))
            return bad_value (N_("momentum"), optarg, N_("a number in [0, 1)"));
          o->set_momentum = 1;
          break;
        case 'w':
          if (parse_double (optarg, &o->p.weight_decay) != 0 || !(o->p.weight_decay >= 0))
            return bad_value (N_("weight decay"), optarg, N_("a number >= 0"));
          o->set_decay = 1;
          break;
        case 'v':
          if (parse_ulong (optarg, &ul) != 0 || ul > BP_SGD_VALIDATION_MAX)
            return bad_value (N_("validation count"), optarg,
                              N_("a whole number from 0 to 4294967295"));
          o->validation = ul;
          o->set_validation = 1;
          break;
        case 's':
          if (parse_seed (optarg, &o->seed) != 0)
            return bad_value (N_("seed"), optarg,
                              N_("a whole number from 1 to 4294967295"));
          o->set_seed = 1;
          break;
        case 'm':
          o->model = optarg;
          break;
        case 'r':
          o->resume = optarg;
          break;
        case OPT_STOP_AFTER:
          if (parse_ulong (optarg, &ul) != 0 || ul == 0)
            return bad_value (N_("epoch to stop after"), optarg,
                              N_("a whole number from 1"));
          o->stop_after = ul;
          break;
        case 'p':
          o->plot = optarg;
          break;
        case OPT_JSON:
          o->json = 1;
          break;
        case OPT_DTYPE:
          if (strcmp (optarg, "float32") != 0 && strcmp (optarg, "float64") != 0)
            return bad_value (N_("arithmetic"), optarg, N_("float32 or float64"));
          o->float32 = strcmp (optarg, "float32") == 0;
          o->set_dtype = 1;
          break;
        case 'h':
          print_train_help ();
          return -1;
        default:
          usage_hint ();
          return 2;
        }
    }
  if (optind < argc)
    {
      fprintf (stderr, _("%s: train: unexpected argument '%s'\n"), program_name, argv[optind]);
      usage_hint ();
      return 2;
    }
  if (set_act && o->conv[0] > 0)
    return usage_error (_("--activation is for the two-layer network: the "
                          "convolutional network's activations are relu"));
  if (o->n_hidden > 1 && o->conv[0] > 0)
    return usage_error (_("--conv takes one hidden layer (--hidden=H)"));
  if (set_act && o->n_hidden == 0)
    return usage_error (_("--activation needs --hidden=H (H > 0)"));
  if (o->model == NULL)
    o->model = o->resume ? o->resume : DEFAULT_MODEL;
  if (o->n_hidden > 0 || o->conv[0] > 0)
    {
      const bp_net_shape want = { .n_hidden = o->n_hidden, .C1 = o->conv[0] };
      const bp_sgd_params q = bp_net_type_of (&want)->defaults;
      o->p.epochs = o->set_epochs ? o->p.epochs : q.epochs;
      o->p.batch = o->set_batch ? o->p.batch : q.batch;
      o->p.lr = o->set_lr ? o->p.lr : q.lr;
      o->p.momentum = o->set_momentum ? o->p.momentum : q.momentum;
      o->p.weight_decay = o->set_decay ? o->p.weight_decay : q.weight_decay;
    }
  return 0;
}

/* ---- --resume with the original command ------------------------------ */

/* A setting given with --resume that differs from the saved run's:
   reported, naming both values; 0 when they agree. */
static int
differs (int given, const char *option, double want, double saved, const char *path)
{
  if (!given || want == saved)
    return 0;
  fprintf (stderr, _("%s: train: --resume: %s %g differs from the run saved in %s "
                     "(%g): resume with its settings, or start a new run\n"),
           program_name, option, want, path, saved);
  return 2;
}

/* 0 when every setting the command line gave equals the saved run's (st),
   or the model it names is the one loaded (M, of rows x cols images),
   so that the original command with --resume appended continues it. */
static int
resume_settings_agree (const train_options *o, const bp_train_state *st,
                       const bp_net *M)
{
  const char *f = o->resume;
  if (differs (o->set_epochs, "--epochs", (double) o->p.epochs, (double) st->epochs, f)
      || differs (o->set_batch, "--batch", (double) o->p.batch, (double) st->batch, f)
      || differs (o->set_lr, "--lr", o->p.lr, st->lr, f)
      || differs (o->set_momentum, "--momentum", o->p.momentum, st->momentum, f)
      || differs (o->set_decay, "--weight-decay", o->p.weight_decay, st->weight_decay, f)
      || differs (o->set_validation, "--validation", (double) o->validation,
                  (double) st->validation, f)
      || differs (o->set_seed, "--seed", (double) o->seed, (double) st->seed, f))
    return 2;
  if (o->set_dtype && o->float32 != (M->type->dtype == BP_NET_FLOAT32))
    {
      fprintf (stderr, _("%s: train: --resume: --dtype %s differs from the run saved "
                         "in %s (%s): resume with its settings, or start a new run\n"),
               program_name, o->float32 ? "float32" : "float64", f,
               o->float32 ? "float64" : "float32");
      return 2;
    }
  if (!o->set_shape)
    return 0;
  /* the model the options name, described as the loaded one is */
  bp_net_shape want = { M->shape.rows, M->shape.cols, M->shape.n, o->n_hidden, { 0 },
                        o->act, o->conv[0], o->conv[1] };
  memcpy (want.hidden, o->hidden, sizeof want.hidden);
  const bp_net_type *T = bp_net_type_of (&want);
  if (M->type->dtype == BP_NET_FLOAT32 && T->float32)
    T = T->float32;   /* the arithmetic is compared above */
  bp_net *W = bp_net_alloc (T, &want);
  char a[256], b[256];
  if (W == NULL)
    {
      fprintf (stderr, _("%s: train: out of memory\n"), program_name);
      return EXIT_NOT_CARRIED_OUT;
    }
  net_describe_local (W, a, sizeof a);
  bp_net_free (W);
  net_describe_local (M, b, sizeof b);
  if (strcmp (a, b) == 0)
    return 0;
  fprintf (stderr, _("%s: train: --resume: the options give the %s, but %s holds the "
                     "%s: resume with its settings, or start a new run\n"),
           program_name, a, f, b);
  return 2;
}

/* ---- signals: stop at the next batch, keep the last epoch's save ------ */

static volatile sig_atomic_t stop_signal;
/* A second signal that came during a save (another thread may take it
   while the main thread blocks it): acted on once the file is whole. */
static volatile sig_atomic_t saving, quit_signal;
/* What the first signal prints at once (built before each epoch, outside
   the handler: gettext and printf are not async-signal-safe). */
static char stop_note[512];
static volatile sig_atomic_t stop_note_len;

/* The first signal asks the run to stop at the next batch boundary and
   says so; a second one takes its default action (the process ends at
   once; a save in progress holds it until the file is whole). */
static void
on_stop (int sig)
{
  if (stop_signal)
    {
      if (saving)
        {
          quit_signal = sig;
          return;
        }
      signal (sig, SIG_DFL);
      raise (sig);
      return;
    }
  stop_signal = sig;
  if (stop_note_len > 0)
    {
      const ssize_t w = write (STDERR_FILENO, stop_note, (size_t) stop_note_len);
      (void) w;   /* stderr gone: nothing to tell */
    }
}

/* The note of a stop during the epoch after `done' epochs, saved in path
   (done 0 of a new run: nothing saved yet). */
static void
stop_note_set (int terminal, size_t done, int saved, const char *path)
{
  char text[sizeof stop_note - 8];
  if (saved)
    snprintf (text, sizeof text, _("%s: train: stopping at the next batch; %s keeps the "
                                   "model of epoch %zu (interrupt again to quit now)\n"),
              program_name, path, done);
  else
    snprintf (text, sizeof text, _("%s: train: stopping at the next batch; no epoch is "
                                   "saved yet (interrupt again to quit now)\n"),
              program_name);
  sigset_t block, old;
  sigemptyset (&block);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGHUP);
  sigprocmask (SIG_BLOCK, &block, &old);
  snprintf (stop_note, sizeof stop_note, "%s%s", terminal ? "\r\033[K" : "", text);
  stop_note_len = (sig_atomic_t) strlen (stop_note);
  sigprocmask (SIG_SETMASK, &old, NULL);
}

/* The bp_progress_function of the run: the progress line, and a stop
   at the batch boundary once a signal came. */
static int
train_step (size_t done, size_t total, double loss, void *arg)
{
  if (stop_signal)
    return 1;
  progress_show (done, total, loss, arg);
  return 0;
}

static void
catch_stops (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  /* a reader gone (train | head -1) must not lose the model: writes to
     stdout fail with EPIPE instead, and the run goes on to save */
  signal (SIGPIPE, SIG_IGN);
}

/* Every stop signal blocked, into *old, while a file or folder is put
   in place; unblock_stops lets a second signal that came meanwhile quit. */
static void
block_stops (sigset_t *old)
{
  sigset_t block;
  sigemptyset (&block);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGHUP);
  sigprocmask (SIG_BLOCK, &block, old);
  saving = 1;
}

static void
unblock_stops (const sigset_t *old)
{
  saving = 0;
  sigprocmask (SIG_SETMASK, old, NULL);
  if (quit_signal)
    {
      signal (quit_signal, SIG_DFL);
      raise (quit_signal);
    }
}

/* Save with every stop signal blocked, so that no signal leaves the
   temporary file of the atomic save behind. */
static int
save_blocked (const bp_net *M, const char *path, const bp_train_state *s, char *err,
              size_t len)
{
  sigset_t old;
  block_stops (&old);
  const int status = bp_model_file_write (path, M, s, err, len);
  unblock_stops (&old);
  return status;
}

/* Put the set of plots written in *stage at dir, stop signals blocked
   (a second Ctrl-C during the swap would leave the previous folder's
   files beside dir); *stage freed and NULL. */
static int
plot_put (char **stage, const char *dir)
{
  sigset_t old;
  block_stops (&old);
  const int status = plot_publish ("train", *stage, dir);
  free (*stage);
  *stage = NULL;
  unblock_stops (&old);
  return status;
}

/* ---- fail early: every output checked before the first epoch --------- */

static int
check_plot_dir (const char *dir, char **real)
{
  if (plot_folder ("train", dir, real) != 0)
    return -1;
  if (access (dir, W_OK | X_OK) != 0)
    {
      fprintf (stderr, _("%s: train: %s: cannot write the plots there: %s\n"),
               program_name, dir, strerror (errno));
      return -1;
    }
  return 0;
}

/* ---- the validation split -------------------------------------------- */

/* Move N images drawn by rng to the front of d (a partial Fisher-Yates
   shuffle of images and labels); val is those N, train the rest: views of
   d's storage, not to be freed. */
static void
split_validation (bp_dataset *d, size_t N, gsl_rng *rng, bp_dataset *val,
                  bp_dataset *train)
{
  const size_t m = d->rows * d->cols;
  unsigned char tmp[4096], *img = d->images;
  for (size_t i = 0; i < N; i++)
    {
      const size_t j = i + gsl_rng_uniform_int (rng, d->count - i);
      for (size_t at = 0; at < m; at += sizeof tmp)
        {
          const size_t k = m - at < sizeof tmp ? m - at : sizeof tmp;
          memcpy (tmp, img + i * m + at, k);
          memcpy (img + i * m + at, img + j * m + at, k);
          memcpy (img + j * m + at, tmp, k);
        }
      const unsigned char l = d->labels[i];
      d->labels[i] = d->labels[j];
      d->labels[j] = l;
    }
  *val = *d;
  val->count = N;
  *train = *d;
  train->count = d->count - N;
  train->images = d->images + N * m;
  train->labels = d->labels + N;
}

/* ---- divergence beyond non-finite values ------------------------------ */

/* A training loss above DIVERGED_LOSS times a uniform guess's (ln n, the
   cross-entropy at chance), or a validation accuracy back at chance
   (at most 1/n) after one of at least 3/n, ends the run as diverged
   (--weight-decay 1.8e19 ended with a loss of 1.7e255, 0% accuracy and
   exit 0).  A run that learns stays far below: --lr 1000 on the test
   data peaks at 1.4e4 times ln 10. */
#define DIVERGED_LOSS 1e6

/* 1 when epoch e (of this run, started at first), with training loss
   loss and validation accuracy acc, diverged as above (the earlier
   epochs' accuracies in hist), and why in why. */
static int
diverged (size_t n, size_t first, size_t e, const gsl_matrix *hist, double loss,
          double acc, int validated, char *why, size_t len)
{
  double best = 0.0;
  for (size_t k = first; k < e; k++)
    {
      const double a = gsl_matrix_get (hist, k, BP_HISTORY_VALID_ACCURACY);
      best = a > best ? a : best;
    }
  if (loss > DIVERGED_LOSS * log ((double) n))
    snprintf (why, len, _("the training loss %g is over %g times a uniform guess's, %g"),
              loss, DIVERGED_LOSS, log ((double) n));
  else if (validated && best >= 3.0 / (double) n && acc <= 1.0 / (double) n)
    snprintf (why, len, _("the validation accuracy fell to chance, %.2f%%, from %.2f%%"),
              100 * acc, 100 * best);
  else
    return 0;
  return 1;
}

/* The option most likely at fault: the decay step alone multiplies the
   weights by 1 - lr lambda, which grows them when lr lambda > 2; a
   weight decay with lr lambda >= 1 is named, else the learning rate. */
static const char *
divergence_option (const bp_sgd_params *p)
{
  return p->lr * p->weight_decay >= 1.0 ? "--weight-decay" : "--lr";
}

/* ---- the run --------------------------------------------------------- */

static int
run_train (train_options *o, model_lock *lock)
{
  char err[1024], what[256];
  bp_train_state st = { 0 };
  bp_net *M = NULL;
  const bp_net_type *type;
  bp_net_trainer *t = NULL;
  bp_net_workspace *ev = NULL;
  gsl_vector *vel64 = NULL;   /* a float32 row's velocities for the file */
  gsl_matrix *W0 = NULL;      /* a float32 row's first block for the plot */
  size_t first = 0;   /* the first epoch to run (0-based) */
  int png = 0;        /* curves.png drawn */
  char *plot_real = NULL, *stage = NULL;   /* --plot's folder; the next set's */
  if (o->resume)
    {
      if (bp_model_file_read (o->resume, &M, &st, err, sizeof err) != GSL_SUCCESS)
        {
          fprintf (stderr, _("%s: train: --resume: %s\n"), program_name, err);
          return 2;
        }
      type = M->type;
      const int agree = resume_settings_agree (o, &st, M);
      if (agree != 0)
        {
          bp_net_free (M);
          bp_train_state_free (&st);
          return agree;
        }
      o->p.epochs = st.epochs;
      o->p.batch = st.batch;
      o->p.lr = st.lr;
      o->p.momentum = st.momentum;
      o->p.weight_decay = st.weight_decay;
      o->seed = st.seed;
      o->validation = st.validation;
      first = st.epoch;
      if (first >= o->p.epochs)
        {
          fprintf (stderr, _("%s: train: --resume: %s: the run is complete (%zu of %zu "
                      "epochs)\n"), program_name, o->resume, first, o->p.epochs);
          bp_net_free (M);
          bp_train_state_free (&st);
          return 2;
        }
    }
  else
    {
      const bp_net_shape want = { .n_hidden = o->n_hidden, .C1 = o->conv[0] };
      type = bp_net_type_of (&want);
      if (o->float32)
        type = type->float32;   /* parse_options refused a row without one */
    }
  /* one BLAS thread unless OPENBLAS_NUM_THREADS says otherwise: never
     slower than one thread, also when another process is busy on the
     other core, and the same bytes whatever the machine's load
     (doc/performance.md, "Threads") */
  blas_threads_default (1);
  loop_threads_like_blas (1);
  catch_stops ();   /* from the start: a stop before the first epoch saves nothing */
  const char *data = data_dir ("train", o->data);
  bp_dataset all, test, train, val;
  int status = 2;
  /* --model naming a data file (any spelling, a link) would replace the
     data being read: refused before anything is read or trained */
  if (data == NULL || data_protect ("train", data, o->model) != 0
      || model_path_check ("train", o->model) != 0
      || (o->plot && check_plot_dir (o->plot, &plot_real) != 0)
      || (status = model_lock_take ("train", o->model, lock)) != 0)
    {
      free (plot_real);
      bp_net_free (M);
      bp_train_state_free (&st);
      return status;
    }
  status = 2;
  int loaded;
  if ((loaded = data_load ("train", data, "train", &all)) != 0)
    {
      bp_net_free (M);
      bp_train_state_free (&st);
      free (plot_real);
      return loaded;
    }
  if ((loaded = data_load ("train", data, "t10k", &test)) != 0)
    {
      bp_net_free (M);
      bp_train_state_free (&st);
      bp_dataset_free (&all);
      free (plot_real);
      return loaded;
    }
  const size_t n = all.n_classes;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  /* the whole run's figures (bp_train_state's history), NaN where a
     resumed state of version 1 did not keep them */
  gsl_matrix *hist = gsl_matrix_alloc (o->p.epochs, BP_HISTORY_FIELDS);
  size_t known = 0;   /* the epochs of hist with figures, from the first */
  if (o->validation == SIZE_MAX)
    o->validation = all.count / VALIDATION_SHARE;
  if (test.rows != all.rows || test.cols != all.cols)
    {
      fprintf (stderr, _("%s: train: the test images are %zux%zu but the training "
                  "images %zux%zu, in %s\n"), program_name, test.rows, test.cols,
               all.rows, all.cols, data);
      goto out;
    }
  if (o->resume && (M->shape.rows != all.rows || M->shape.cols != all.cols))
    {
      fprintf (stderr, _("%s: train: --resume: %s is a model of %zux%zu images, but "
                         "the images in %s are %zux%zu\n"), program_name, o->resume,
               M->shape.rows, M->shape.cols, data, all.rows, all.cols);
      goto out;
    }
  /* the CNN's two 2x2 poolings (bp_net_cnn): at least one pixel after both */
  if ((type == bp_net_cnn || type == bp_net_cnn_float) && (all.rows < 4 || all.cols < 4))
    {
      fprintf (stderr, _("%s: train: --conv needs images of at least 4x4 (two 2x2 "
                         "poolings), but the images in %s are %zux%zu\n"),
               program_name, data, all.rows, all.cols);
      goto out;
    }
  if (o->validation >= all.count)
    {
      fprintf (stderr, _("%s: train: --validation %zu leaves no training image: %s has "
                  "%zu\n"), program_name, o->validation, data, all.count);
      goto out;
    }
  if (o->p.batch > all.count - o->validation)
    {
      fprintf (stderr, _("%s: train: --batch %zu is larger than the training set (%zu "
                  "images, %zu held out for validation)\n"), program_name, o->p.batch,
               all.count - o->validation, o->validation);
      goto out;
    }
  if (rng == NULL || hist == NULL)
    {
      fprintf (stderr, _("%s: train: out of memory\n"), program_name);
      status = EXIT_NOT_CARRIED_OUT;
      goto out;
    }
  /* the rng's draws, in order: the split, the starting point, the shuffles */
  gsl_rng_set (rng, o->seed);
  split_validation (&all, o->validation, rng, &val, &train);
  bp_net_shape shape = { all.rows, all.cols, n, o->n_hidden, { 0 }, o->act, o->conv[0],
                         o->conv[1] };
  memcpy (shape.hidden, o->hidden, sizeof shape.hidden);
  if ((!o->resume && ((M = bp_net_alloc (type, &shape)) == NULL
                      || bp_net_init (M, rng) != GSL_SUCCESS))
      || (t = bp_net_trainer_alloc (M, train.count, o->p.batch)) == NULL
      || (ev = bp_net_workspace_alloc (M, bp_net_eval_batch (M, BP_NET_EVAL_BYTES)))
         == NULL
      || (M->type->dtype == BP_NET_FLOAT32 && (vel64 = gsl_vector_alloc (M->size)) == NULL))
    {
      fprintf (stderr, _("%s: train: out of memory\n"), program_name);
      status = EXIT_NOT_CARRIED_OUT;
      goto out;
    }
  if (M->shape.n != n)
    {
      fprintf (stderr, _("%s: train: --resume: %s is a model of %zu classes, the data "
                  "in %s have %zu\n"), program_name, o->resume, M->shape.n, data, n);
      goto out;
    }
  if (o->resume)
    {
      if (st.rng_size != gsl_rng_size (rng) || st.velocity->size != M->size)
        {
          fprintf (stderr, _("%s: train: --resume: %s: the saved state does not fit this "
                      "program's RNG or the model\n"), program_name, o->resume);
          goto out;
        }
      memcpy (gsl_rng_state (rng), st.rng_state, st.rng_size);
      if (t->velocity_float)   /* the reader checked they are floats */
        for (size_t k = 0; k < M->size; k++)
          t->velocity_float->data[k] = (float) gsl_vector_get (st.velocity, k);
      else
        gsl_vector_memcpy (t->velocity, st.velocity);
      gsl_matrix_set_all (hist, GSL_NAN);
      if (st.history)
        {
          gsl_matrix_view done = gsl_matrix_submatrix (hist, 0, 0, first, BP_HISTORY_FIELDS);
          gsl_matrix_memcpy (&done.matrix, st.history);
          known = first;
        }
    }
  bp_net_describe (M, what, sizeof what);
  if (!o->json)
    {
  printf (_("backprop train: %s: %zu training, %zu validation and %zu test images of "
             "%zux%zu, %zu classes\n"), data, train.count, val.count, test.count, all.rows,
          all.cols, n);
  char shown[256];
  net_describe_local (M, shown, sizeof shown);
  printf (_("model: %s, seed %lu\n"), shown, o->seed);
  printf (_("SGD: %zu epochs, batch %zu, learning rate %g (cosine schedule), "
             "momentum %g, weight decay %g\n"), o->p.epochs, o->p.batch, o->p.lr,
          o->p.momentum, o->p.weight_decay);
  if (o->resume)
    printf (_("resumed from %s after epoch %zu\n"), o->resume, first);
  printf (_("epoch      lr  train loss  valid loss  valid acc  time (s)\n"));
    }
  fflush (stdout);
  if (stop_signal)
    {
      fprintf (stderr, _("%s: train: %s before the first epoch: nothing trained, "
                  "nothing saved\n"), program_name, strsignal (stop_signal));
      status = EXIT_SIGNAL_BASE + stop_signal;
      goto out;
    }
  progress pr;
  progress_init (&pr, o->p.epochs);
  const double t0 = seconds ();
  const size_t per_epoch = (train.count + o->p.batch - 1) / o->p.batch;
  size_t e;
  for (e = first; e < o->p.epochs; e++)
    {
      progress_epoch (&pr, e + 1);
      const double eta = bp_sgd_learning_rate (&o->p, e * per_epoch,
                                               o->p.epochs * per_epoch);
      stop_note_set (pr.on, e, o->resume || e > 0, o->model);
      double train_loss, val_loss = 0.0, val_acc = 0.0;
      int s = bp_net_train_epoch (&train, &o->p, e, rng, t, train_step, &pr, M,
                                  &train_loss);
      if (s == GSL_CONTINUE)
        {
          /* stopped between two batches: the file keeps epoch e's save */
          progress_clear (&pr);
          if (o->resume || e > 0)
            fprintf (stderr, _("%s: train: %s in epoch %zu of %zu: %s keeps the model "
                               "and training state of epoch %zu; 'backprop train "
                               "--resume %s' continues\n"), program_name,
                     strsignal (stop_signal), e + 1, o->p.epochs, o->model, e, o->model);
          else
            fprintf (stderr, _("%s: train: %s in epoch 1: nothing saved\n"),
                     program_name, strsignal (stop_signal));
          status = EXIT_SIGNAL_BASE + stop_signal;
          goto out;
        }
      if (s == GSL_SUCCESS && val.count > 0)
        s = bp_net_evaluate (&val, M, ev, NULL, &val_acc, &val_loss);
      progress_clear (&pr);
      char why[160];
      if (s == GSL_SUCCESS
          && diverged (n, first, e, hist, train_loss, val_acc, val.count > 0, why,
                       sizeof why))
        {
          fprintf (stderr, _("%s: train: training diverged (%s: try a smaller %s) in "
                      "epoch %zu; %s keeps the model of the last good epoch\n"),
                   program_name, why, divergence_option (&o->p), e + 1, o->model);
          status = EXIT_DIVERGED;
          goto out;
        }
      if (s != GSL_SUCCESS)
        {
          snprintf (why, sizeof why, _("training diverged (a loss or parameter is not "
                                         "finite: try a smaller %s)"),
                    divergence_option (&o->p));
          fprintf (stderr, _("%s: train: %s in epoch %zu; %s keeps the model of the "
                      "last good epoch\n"), program_name,
                   s == GSL_EOVRFLW || s == GSL_EDOM ? why
                   : s == GSL_ENOMEM ? _("out of memory") : _("a computation failed"),
                   e + 1, o->model);
          status = s == GSL_EOVRFLW || s == GSL_EDOM ? EXIT_DIVERGED
                   : s == GSL_ENOMEM ? EXIT_NOT_CARRIED_OUT : 2;
          goto out;
        }
      gsl_matrix_set (hist, e, BP_HISTORY_LR, eta);
      gsl_matrix_set (hist, e, BP_HISTORY_TRAIN_LOSS, train_loss);
      gsl_matrix_set (hist, e, BP_HISTORY_VALID_LOSS, val_loss);
      gsl_matrix_set (hist, e, BP_HISTORY_VALID_ACCURACY, val_acc);
      if (known == e)
        known = e + 1;
      if (o->json)
        {
          printf ("{\"event\":\"epoch\",\"epoch\":%zu,\"epochs\":%zu,\"lr\":%.17g,"
                  "\"train_loss\":%.17g,", e + 1, o->p.epochs, eta, train_loss);
          if (val.count > 0)
            printf ("\"valid_loss\":%.17g,\"valid_accuracy\":%.17g,", val_loss, val_acc);
          else
            printf ("\"valid_loss\":null,\"valid_accuracy\":null,");
          printf ("\"seconds\":%.3f}\n", seconds () - t0);
        }
      else if (val.count > 0)
        printf ("%3zu/%-3zu %7.5g %11.4g %11.4g %9.2f%% %9.1f\n", e + 1, o->p.epochs,
                eta, train_loss, val_loss, 100 * val_acc, seconds () - t0);
      else
        printf ("%3zu/%-3zu %7.5g %11.4g %11s %10s %9.1f\n", e + 1, o->p.epochs, eta,
                train_loss, "-", "-", seconds () - t0);
      fflush (stdout);
      /* the model and the optimizer's state, atomically, every epoch; the
         history when every epoch's figures are known */
      gsl_matrix_view done = gsl_matrix_submatrix (hist, 0, 0, e + 1, BP_HISTORY_FIELDS);
      if (vel64)   /* a float32 row's velocities, exactly widened for the file */
        for (size_t k = 0; k < M->size; k++)
          gsl_vector_set (vel64, k, t->velocity_float->data[k]);
      bp_train_state now = { e + 1, o->p.epochs, o->p.batch, o->validation, o->seed,
                             o->p.lr, o->p.momentum, o->p.weight_decay,
                             vel64 ? vel64 : t->velocity,
                             gsl_rng_size (rng), gsl_rng_state (rng),
                             known == e + 1 ? &done.matrix : NULL };
      if (model_lock_check ("train", lock) != 0)
        goto out;
      if (save_blocked (M, o->model, &now, err, sizeof err) != 0)
        {
          fprintf (stderr, "%s: train: %s\n", program_name, err);
          goto out;
        }
      model_lock_saved (lock);
      /* the curves so far, after every epoch: a stopped run keeps them;
         the last epoch's are put in place with the weights */
      if (o->plot != NULL
          && ((stage = plot_stage ("train", plot_real)) == NULL
              || plot_curves ("train", stage, o->plot, what, &done.matrix, &png) != 0
              || (e + 1 < o->p.epochs && plot_put (&stage, plot_real) != 0)))
        goto out;
      if (stop_signal || (o->stop_after && e + 1 >= o->stop_after && e + 1 < o->p.epochs))
        break;
    }
  if (e < o->p.epochs)
    {
      if (stage != NULL && plot_put (&stage, plot_real) != 0)
        goto out;
      fprintf (stderr, _("%s: train: %s after epoch %zu of %zu: the model and its "
                  "training state are saved in %s; 'backprop train --resume %s' "
                  "continues\n"), program_name, stop_signal ? strsignal (stop_signal)
               : "stopped", e + 1, o->p.epochs, o->model, o->model);
      status = stop_signal ? EXIT_SIGNAL_BASE + stop_signal : 0;
      goto out;
    }
  double test_acc, test_loss;
  if (bp_net_evaluate (&test, M, ev, NULL, &test_acc, &test_loss) != GSL_SUCCESS)
    {
      fprintf (stderr, _("%s: train: the test set could not be evaluated\n"), program_name);
      goto out;
    }
  if (o->json)
    {
      printf ("{\"event\":\"test\",\"model\":");
      json_string (stdout, o->model);
      printf (",\"test_accuracy\":%.17g,\"test_loss\":%.17g}\n", test_acc, test_loss);
    }
  else
    {
      printf (_("model saved to %s; test accuracy %.2f%%\n"), o->model, 100 * test_acc);
      printf (_("test loss %.4f (the test set, evaluated once, after training)\n"), test_loss);
    }
  if (o->plot != NULL)
    {
      /* the first layer's rows: images, or the first convolution's kernels */
      const gsl_matrix *W = M->block[0].matrix;
      if (W == NULL)   /* a float32 row: block 0 widened */
        {
          W0 = gsl_matrix_alloc (M->layout[0].size1, M->layout[0].size2);
          if (W0 == NULL)
            {
              fprintf (stderr, _("%s: train: out of memory\n"), program_name);
              status = EXIT_NOT_CARRIED_OUT;
              goto out;
            }
          for (size_t k = 0; k < W0->size1 * W0->size2; k++)
            W0->data[k] = M->theta_float->data[k];   /* block 0 starts theta */
          W = W0;
        }
      const int image = W->size2 == all.rows * all.cols;
      const size_t rows = image ? all.rows : BP_CNN_K, cols = image ? all.cols : BP_CNN_K;
      if (plot_weights ("train", stage, W, rows, cols) != 0
          || plot_put (&stage, plot_real) != 0)
        goto out;
      const size_t shown = W->size1 < PLOT_MAX_UNITS ? W->size1 : PLOT_MAX_UNITS;
      if (!o->json)
      printf (_("plots written to %s: curves.csv, curves.gp%s, weights.png, "
                 "weights-0.png ... weights-%zu.png (%zu of %zu rows of the first layer)\n"),
              o->plot,
              png ? ", curves.png" : _(" (no curves.png: gnuplot is not installed)"),
              shown - 1, shown, W->size1);
    }
  status = 0;
out:
  fflush (stdout);
  if (stage != NULL)   /* an error: the previous set stays */
    plot_discard (stage);
  free (stage);
  free (plot_real);
  if (vel64) gsl_vector_free (vel64);
  if (W0) gsl_matrix_free (W0);
  bp_net_trainer_free (t);
  bp_net_workspace_free (ev);
  if (hist) gsl_matrix_free (hist);
  if (rng) gsl_rng_free (rng);
  bp_net_free (M);
  bp_train_state_free (&st);
  bp_dataset_free (&all);
  bp_dataset_free (&test);
  return status;
}

int
cmd_train (int argc, char **argv)
{
  train_options o;
  const int status = parse_options (argc, argv, &o);
  if (status != 0)
    return status < 0 ? 0 : status;
  model_lock lock = { .fd = -1 };
  const int run = run_train (&o, &lock);
  model_lock_release (&lock);
  return run;
}
