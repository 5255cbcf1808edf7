/* main.c -- the backprop program: `backprop verify' and friends. */
#include <config.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "cli/cli.h"
#include "verify/i18n.h"
#include "cli/memory_limit.h"
#include "cli/blas_threads.h"

const char *program_name = "backprop";

void
usage_hint (void)
{
  fprintf (stderr, _("Try '%s --help' for more information.\n"), program_name);
}

static void
print_help (void)
{
  printf (_("Usage: %s [OPTION]... COMMAND [ARG]...\n"), program_name);
  fputs (_("The backward pass of a softmax classifier, verified numerically.\n\n"
         "Commands:\n"
         "  verify [--seed N]   check every slide formula against GSL's numeric\n"
         "                      derivatives on a seeded example; one row per formula\n"
         "         [--method gsl|complex-step|both]  and the activations and a\n"
         "                      two-layer network, by either oracle or both\n"
         "  verify --fast       the slides' model along random directions, in ms\n"
         "  check --lib PATH --loss SYM --grad SYM --n N [--method M] [--point FILE]\n"
         "                      check the gradient of a function of your shared library\n"
         "  train [--data DIR] [--epochs N] [--batch B] [--lr ETA] [--seed S]\n"
         "        [--validation N] [--model FILE] [--plot DIR]\n"
         "                      train the classifier by mini-batch SGD on MNIST-format\n"
         "                      images (Fashion-MNIST by default), validating each\n"
         "                      epoch; save the model and its state every epoch\n"
         "        [--hidden H [--activation relu|sigmoid|tanh]]\n"
         "                      the two-layer network with H hidden units instead\n"
         "        [--conv C1,C2 [--hidden H]]\n"
         "                      the convolutional network: two 5x5 convolutions of\n"
         "                      C1 and C2 channels, each with relu and max-pooling\n"
         "  train --resume FILE continue a stopped run to the same bytes\n"
         "  eval --model FILE [--data DIR] [--classes FILE]\n"
         "                      test accuracy, confusion matrix, precision and recall\n"
         "\n"
         "Options:\n"
         "  -h, --help          display this help and exit\n"
         "  -V, --version       display version information and exit\n"
         "\n"
         "'backprop COMMAND --help' describes COMMAND.\n"
         "Exit status: 0 on success, 1 when a check fails, 2 on a usage error,\n"
         "bad input or output that cannot be written, 3 when check is\n"
         "inconclusive, 4 when the work cannot be carried out (out of memory, a\n"
         "thread that cannot start); train: 3 when it diverged, 128+N when\n"
         "signal N stopped it after saving.\n"), stdout);
  printf (_("\nReport bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static void
print_version (void)
{
  char blas[512];
  blas_describe (blas, sizeof blas);
  printf ("%s (%s) %s\n", program_name, PACKAGE_NAME, PACKAGE_VERSION);
  printf ("BLAS: %s\n", blas);
  printf (_("Copyright (C) %s the backprop authors (AUTHORS).\n"), "2026");
  fputs (_("License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
         "This is free software: you are free to change and redistribute it.\n"
         "There is NO WARRANTY, to the extent permitted by law.\n"), stdout);
}

/* The commands; each lives in its own src/cli/cmd_NAME.c and parses its
   own options. */
static const struct
{
  const char *name;
  int (*run) (int argc, char **argv);
} commands[] = {
  {"verify", cmd_verify},
  {"check", cmd_check},
  {"train", cmd_train},
  {"eval", cmd_eval},
};

/* 1 once main returns: an exit before that was a library's (libgomp and
   OpenBLAS call exit (1) when they cannot allocate or start a thread),
   which would read as "a check failed". */
static int main_returned;

static void
library_exit (void)
{
  if (main_returned)
    return;
  fprintf (stderr, _("%s: the work could not be carried out: a library ended the "
              "program (out of memory, or a thread that could not start)\n"), program_name);
  fflush (stderr);
  _Exit (EXIT_NOT_CARRIED_OUT);
}

static int run (int argc, char **argv);

int
main (int argc, char **argv)
{
  const int status = run (argc, argv);
  main_returned = 1;
  return status;
}

static int
run (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}
  };
  int c;
  /* OpenBLAS's own choice may be its generic kernels: start again with
     the CPU's (blas_threads.h), before anything is printed. */
  blas_kernels_default (argv);
  /* The messages in the user's language (po/); the numbers always with a
     '.', so that what backprop prints reads the same in every locale (and
     its own parsing of numbers, strtod, does not change). */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
#if ENABLE_NLS
  /* BACKPROP_LOCALEDIR: the catalogs of a build tree (tests/verify-locale.sh). */
  const char *localedir = getenv ("BACKPROP_LOCALEDIR");
  bindtextdomain (PACKAGE, localedir != NULL && *localedir ? localedir : LOCALEDIR);
  textdomain (PACKAGE);
#endif
  /* Past a file-size limit (ulimit -f) write fails with EFBIG, which is
     reported ("cannot save: File too large"), instead of killing us. */
  /* Under ulimit -v, OpenBLAS's own threads must not start: memory_limit.h */
  memory_limit_reexec (argv);
  signal (SIGXFSZ, SIG_IGN);
  /* Whatever is printed must reach stdout: a write error exits 2. */
  atexit (close_stdout);
  atexit (library_exit);   /* runs first */
  /* '+': stop at the command; its own options are parsed by it. */
  while ((c = getopt_long (argc, argv, "+hV", longopts, NULL)) != -1)
    switch (c)
      {
      case 'h':
        print_help ();
        return 0;
      case 'V':
        print_version ();
        return 0;
      default:
        usage_hint ();
        return 2;
      }
  if (optind >= argc)
    {
      fprintf (stderr, _("%s: missing command\n"), program_name);
      usage_hint ();
      return 2;
    }
  /* Errors are reported by the caller here, with the file or value named. */
  gsl_set_error_handler_off ();
  const char *command = argv[optind];
  /* Under ulimit -v, OpenBLAS must get its buffer now or never (it
     would wait for one forever): memory_limit.h. */
  if (memory_limit_prepare (command) != 0)
    return EXIT_NOT_CARRIED_OUT;
  argc -= optind;
  argv += optind;
  for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
    if (strcmp (command, commands[k].name) == 0)
      return commands[k].run (argc, argv);
  fprintf (stderr, _("%s: unknown command '%s'\n"), program_name, command);
  usage_hint ();
  return 2;
}
