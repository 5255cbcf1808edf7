/* cmd_verify.c -- `backprop verify': every slide formula checked against
   GSL's numeric derivatives, one row per formula (see verify.c). */
#include <config.h>
#include <getopt.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include "cli.h"
#include "verify.h"

static void
print_verify_help (void)
{
  printf ("Usage: %s verify [OPTION]...\n", program_name);
  fputs ("Check each formula of the slides (dL/dy, the softmax Jacobian, dL/dv,\n"
         "dL/du, dL/db, dL/dW, dL/dx, the whole chain and y - labels) against\n"
         "GSL's central differences, on a 784 -> 10 classifier with seeded\n"
         "pseudo-random W, b, 28x28 image x and soft labels.\n\n"
         "  -s, --seed=N        seed of the example (default 1)\n"
         "  -f, --fast          check each row along random unit directions d\n"
         "                      (grad . d against GSL's derivative of\n"
         "                      t -> L(theta + t d)) instead of every partial\n"
         "  -d, --directions=N  directions per row in --fast mode (default 16),\n"
         "                      drawn from the seed\n"
         "  -h, --help          display this help and exit\n\n"
         "Exit status: 0 when every row passes, 1 when any fails, 2 on bad usage.\n",
         stdout);
}

int
cmd_verify (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"seed", required_argument, NULL, 's'},
    {"fast", no_argument, NULL, 'f'},
    {"directions", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  unsigned long seed = 1, directions = BP_CHECK_DIRECTIONS;
  int c, fast = 0;
  optind = 1;
  while ((c = getopt_long (argc, argv, "s:fd:h", longopts, NULL)) != -1)
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
      case 'f':
        fast = 1;
        break;
      case 'd':
        if (parse_ulong (optarg, &directions) != 0 || directions == 0
            || directions > 1000000)
          {
            fprintf (stderr, "%s: verify: invalid number of directions '%s': expected "
                     "a whole number from 1 to 1000000\n", program_name, optarg);
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
  if (ex == NULL)
    {
      gsl_rng_free (rng);
      return 2;
    }
  printf ("backprop verify: W 10x784, b 10, x 28x28, soft labels, seed %lu; "
          "rtol %g, atol %g", seed, BP_CHECK_RTOL, BP_CHECK_ATOL);
  if (fast)
    printf ("; fast: %lu random directions per row", directions);
  printf ("\n\n");
  /* The directions continue the example's random stream. */
  int failures = fast
    ? bp_verify_run_fast (ex, directions, rng, BP_CHECK_RTOL, BP_CHECK_ATOL, stdout)
    : bp_verify_run (ex, BP_CHECK_RTOL, BP_CHECK_ATOL, stdout);
  gsl_rng_free (rng);
  bp_example_free (ex);
  if (failures < 0)
    {
      fprintf (stderr, "%s: verify: a computation could not be carried out\n", program_name);
      return 2;
    }
  printf ("\n%s\n", failures == 0 ? "All formulas PASS." : "Some formulas FAIL.");
  return failures == 0 ? 0 : 1;
}
