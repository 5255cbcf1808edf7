/* main.c -- the backprop program: `backprop verify' and friends. */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "verify.h"

static const char *program_name = "backprop";

static void
usage_hint (void)
{
  fprintf (stderr, "Try '%s --help' for more information.\n", program_name);
}

static void
print_help (void)
{
  printf ("Usage: %s [OPTION]... COMMAND [ARG]...\n", program_name);
  fputs ("The backward pass of a softmax classifier, verified numerically.\n\n"
         "Commands:\n"
         "  verify [--seed N]   check every slide formula against GSL's numeric\n"
         "                      derivatives on a seeded example; one row per formula\n"
         "\n"
         "Options:\n"
         "  -h, --help          display this help and exit\n"
         "  -V, --version       display version information and exit\n"
         "\n"
         "'backprop COMMAND --help' describes COMMAND.\n"
         "Exit status: 0 on success, 1 when a check fails, 2 on a usage error\n"
         "or bad input.\n", stdout);
}

static void
print_version (void)
{
  printf ("%s (%s) %s\n", program_name, PACKAGE_NAME, PACKAGE_VERSION);
  fputs ("License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
         "This is free software: you are free to change and redistribute it.\n"
         "There is NO WARRANTY, to the extent permitted by law.\n", stdout);
}

/* Parse a whole unsigned number into *out; 0 on success. */
static int
parse_ulong (const char *s, unsigned long *out)
{
  char *end;
  errno = 0;
  if (s[0] == '-' || s[0] == '\0')
    return -1;
  unsigned long v = strtoul (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

static void
print_verify_help (void)
{
  printf ("Usage: %s verify [OPTION]...\n", program_name);
  fputs ("Check each formula of the slides (dL/dy, the softmax Jacobian, dL/dv,\n"
         "dL/du, dL/db, dL/dW, dL/dx, the whole chain and y - labels) against\n"
         "GSL's central differences, on a 784 -> 10 classifier with seeded\n"
         "pseudo-random W, b, 28x28 image x and soft labels.\n\n"
         "  -s, --seed=N        seed of the example (default 1)\n"
         "  -h, --help          display this help and exit\n\n"
         "Exit status: 0 when every row passes, 1 when any fails, 2 on bad usage.\n",
         stdout);
}

static int
cmd_verify (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"seed", required_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  unsigned long seed = 1;
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "s:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 's':
        if (parse_ulong (optarg, &seed) != 0)
          {
            fprintf (stderr, "%s: verify: invalid seed '%s': expected a non-negative whole number\n",
                     program_name, optarg);
            return 2;
          }
        break;
      case 'h':
        print_verify_help ();
        return 0;
      default:
        usage_hint ();
        return 2;
      }
  if (optind < argc)
    {
      fprintf (stderr, "%s: verify: unexpected argument '%s'\n", program_name, argv[optind]);
      usage_hint ();
      return 2;
    }

  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  bp_example *ex = bp_example_alloc (10, 28, 28, 0.05, BP_LABELS_SOFT, rng);
  gsl_rng_free (rng);
  if (ex == NULL)
    return 2;
  printf ("backprop verify: W 10x784, b 10, x 28x28, soft labels, seed %lu; "
          "rtol %g, atol %g\n\n", seed, BP_CHECK_RTOL, BP_CHECK_ATOL);
  int failures = bp_verify_run (ex, BP_CHECK_RTOL, BP_CHECK_ATOL, stdout);
  bp_example_free (ex);
  if (failures < 0)
    {
      fprintf (stderr, "%s: verify: a computation could not be carried out\n", program_name);
      return 2;
    }
  printf ("\n%s\n", failures == 0 ? "All formulas PASS." : "Some formulas FAIL.");
  return failures == 0 ? 0 : 1;
}

int
main (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}
  };
  int c;
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
      fprintf (stderr, "%s: missing command\n", program_name);
      usage_hint ();
      return 2;
    }
  /* Errors are reported by the caller here, with the file or value named. */
  gsl_set_error_handler_off ();
  const char *command = argv[optind];
  argc -= optind;
  argv += optind;
  if (strcmp (command, "verify") == 0)
    return cmd_verify (argc, argv);
  fprintf (stderr, "%s: unknown command '%s'\n", program_name, command);
  usage_hint ();
  return 2;
}
