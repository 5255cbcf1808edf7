/* cmd_verify.c -- `backprop verify': every slide formula checked against
   GSL's numeric derivatives, one row per formula (see verify.c). */
#include <config.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>
#include "cli/blas_threads.h"
#include "cli/cli.h"
#include "verify/i18n.h"
#include "verify/json.h"
#include "verify/verify.h"
#include "verify/verify_float.h"

static void
print_verify_help (void)
{
  printf (_("Usage: %s verify [OPTION]...\n"), program_name);
  fputs (_("Check each formula of the slides (dL/dy, the softmax Jacobian, dL/dv,\n"
         "dL/du, dL/db, dL/dW, dL/dx, the whole chain and y - labels) against\n"
         "GSL's central differences, on a 784 -> 10 classifier with seeded\n"
         "pseudo-random W, b, 28x28 image x and soft labels.  Then, beyond the\n"
         "slides, the Jacobians and backward steps of ReLU, sigmoid and tanh, and\n"
         "every gradient of a two-layer network 784 -> 16 -> 10 with each of them;\n"
         "then the convolution layer and its im2col batch forms, 2x2 max- and\n"
         "average pooling and flatten (the derivations' equation in the first\n"
         "column; a tie of max-pooling is counted as a kink, not a failure) and\n"
         "every gradient of the CNN of 'train --conv', on small seeded examples.\n"
         "Rows are grouped by model, a heading line each; a row takes two lines\n"
         "when the terminal (or COLUMNS) is narrower than the table.\n\n"
         "  -m, --method=M      the numerical oracle: gsl (central differences,\n"
         "                      gsl_deriv_central; the default), complex-step\n"
         "                      (Im f(x + ih)/h, h = 1e-20, held to 1e-13 relative)\n"
         "                      or both, side by side\n"
         "  -s, --seed=N        seed of the example (default 1)\n"
         "  -f, --fast          check each GSL row along random unit directions d\n"
         "                      (grad . d against GSL's derivative of\n"
         "                      t -> L(theta + t d)) instead of every partial\n"
         "  -d, --directions=N  directions per row in --fast mode (default 16),\n"
         "                      drawn from the seed\n"
         "  -j, --json          print the report as one JSON document (its schema:\n"
         "                      backprop(1))\n"
         "  -t, --dtype=T       float64 (the default: the table above) or float32:\n"
         "                      each network with a float32 form (linear, mlp, deep, cnn)\n"
         "                      checked in float by the checker's float mode at its\n"
         "                      defaults, and its gradient against the double\n"
         "                      network's within a rounding bound (derivation 14),\n"
         "                      a few lines each (not with -m, -f, -j)\n"
         "  -h, --help          display this help and exit\n\n"
         "Each row is one call of the library's checker, bp_gradcheck (the one users\n"
         "get); a row is PASS, FAIL or INCONCLUSIVE (decided only by GSL's error\n"
         "estimate).\n\n"
         "Exit status: 0 when every row passes, 1 when any fails or is inconclusive,\n"
         "2 on bad usage, 4 when the check could not be carried out (out of\n"
         "memory).\n"),
         stdout);
}

/* What the command line asks for. */
typedef struct
{
  unsigned long seed, directions;
  int method, fast, json;
  int float32;          /* --dtype float32 */
} verify_args;

/* argv into *a: 0, or the exit status (-1 for --help, which exits 0). */
static int
parse_verify_options (int argc, char **argv, verify_args *a)
{
  static const struct option longopts[] = {
    {"seed", required_argument, NULL, 's'},
    {"method", required_argument, NULL, 'm'},
    {"fast", no_argument, NULL, 'f'},
    {"directions", required_argument, NULL, 'd'},
    {"json", no_argument, NULL, 'j'},
    {"dtype", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "s:m:fd:jt:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 's':
        if (parse_seed (optarg, &a->seed) != 0)
          {
            fprintf (stderr, _("%s: verify: invalid seed '%s': expected a whole number from 1 to 4294967295\n"),
                     program_name, optarg);
            return EXIT_USAGE;
          }
        break;
      case 'm':
        if (verify_method_from_name (optarg, &a->method) != 0)
          {
            fprintf (stderr, _("%s: verify: invalid method '%s': expected gsl, complex-step or both\n"),
                     program_name, optarg);
            return EXIT_USAGE;
          }
        break;
      case 'f':
        a->fast = 1;
        break;
      case 'j':
        a->json = 1;
        break;
      case 't':
        if (strcmp (optarg, "float32") != 0 && strcmp (optarg, "float64") != 0)
          {
            fprintf (stderr, _("%s: verify: invalid dtype '%s': expected float32 or float64\n"),
                     program_name, optarg);
            return EXIT_USAGE;
          }
        a->float32 = strcmp (optarg, "float32") == 0;
        break;
      case 'd':
        if (parse_ulong (optarg, &a->directions) != 0 || a->directions == 0
            || a->directions > 1000000)
          {
            fprintf (stderr, _("%s: verify: invalid number of directions '%s': expected "
                     "a whole number from 1 to 1000000\n"), program_name, optarg);
            return EXIT_USAGE;
          }
        break;
      case 'h':
        print_verify_help ();
        return -1;
      default:
        usage_hint ();
        return EXIT_USAGE;
      }
  if (optind < argc)
    {
      fprintf (stderr, _("%s: verify: unexpected argument '%s'\n"), program_name, argv[optind]);
      usage_hint ();
      return EXIT_USAGE;
    }
  if (a->float32 && (a->method != VERIFY_GSL || a->fast || a->json))
    {
      fprintf (stderr, _("%s: verify: --dtype float32 checks by central differences "
               "only: --method, --fast and --json do not apply\n"), program_name);
      return EXIT_USAGE;
    }
  return 0;
}

/* The report's width in characters: COLUMNS when set (as ls(1) reads it),
   else the terminal's, else 80. */
static size_t
report_width (void)
{
  const char *c = getenv ("COLUMNS");
  unsigned long n;
  if (c != NULL && parse_ulong (c, &n) == 0 && n >= 40 && n <= 10000)
    return n;
  struct winsize ws;
  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0
      && ws.ws_col >= 40)
    return ws.ws_col;
  return 80;
}

/* Where the report goes: the table, wrapped to width, or --json's one
   document. */
typedef struct
{
  size_t width;
  int json;
  size_t groups, rows;   /* --json: the groups begun, the current one's rows */
} report;

/* A group's heading (printf's format and arguments): wrapped to the
   width, its further lines indented under the text after "== "; or
   --json's group object begun, named id, the heading its title. */
static void
group_begin (report *r, const char *id, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__ ((format (printf, 3, 4)))
#endif
  ;

static void
group_begin (report *r, const char *id, const char *fmt, ...)
{
  char text[1024];
  va_list ap;
  va_start (ap, fmt);
  /* initialized by va_start just above: clang's valist checker does not
     follow it (as in report.c) */
  vsnprintf (text, sizeof text, fmt, ap);   /* NOLINT(clang-analyzer-valist.Uninitialized) */
  va_end (ap);
  if (!r->json)
    {
      print_wrapped (stdout, text, r->width, "   ");
      return;
    }
  char *t = text + strspn (text, "\n");
  if (strncmp (t, "== ", 3) == 0)
    t += 3;
  t[strcspn (t, "\n")] = '\0';
  printf ("%s{\"group\":\"%s\",\"title\":", r->groups++ > 0 ? "]},\n" : "", id);
  json_string (stdout, t);
  fputs (",\"rows\":[", stdout);
  r->rows = 0;
}

/* --json's document begun: the settings, then the groups. */
static void
json_begin (unsigned long seed, int method, int fast, unsigned long directions)
{
  static const char *const names[] = { [VERIFY_GSL] = "gsl",
    [VERIFY_COMPLEX_STEP] = "complex-step", [VERIFY_BOTH] = "both" };
  printf ("{\"command\":\"verify\",\"seed\":%lu,\"method\":\"%s\",\"fast\":%s,"
          "\"directions\":%lu,\"rtol\":%.17g,\"atol\":%.17g", seed, names[method],
          fast ? "true" : "false", fast ? directions : 0, BP_CHECK_RTOL, BP_CHECK_ATOL);
  if (method & VERIFY_COMPLEX_STEP)
    printf (",\"cs_step\":%.17g,\"cs_rtol\":%.17g,\"cs_atol\":%.17g", BP_CSTEP_STEP,
            BP_CSTEP_RTOL, BP_CSTEP_ATOL);
  fputs (",\"groups\":[\n", stdout);
}

/* --dtype float32: the float twins of the network rows (verify_float.c). */
static int
verify_float32 (unsigned long seed)
{
  blas_threads_default (1);
  char first[512];
  snprintf (first, sizeof first, _("backprop verify --dtype float32: each network of the "
            "table with a float32 form, 8x8 images, 3 classes, a batch of 3, seed %lu; "
            "the checker's float mode at its defaults (rtol %g, atol %g)"), seed,
            BP_CHECK_RTOL, BP_CHECK_ATOL);
  print_wrapped (stdout, first, report_width (), "  ");
  putchar ('\n');
  size_t inconclusive = 0;
  const int failures = verify_float (seed, stdout, &inconclusive);
  if (failures < 0)
    {
      fprintf (stderr, _("%s: verify: the check could not be carried out "
               "(out of memory); the rows above are all that ran\n"), program_name);
      return EXIT_NOT_CARRIED_OUT;
    }
  return verify_summary (stdout, failures, inconclusive);
}

int
cmd_verify (int argc, char **argv)
{
  verify_args args = { 1, BP_CHECK_DIRECTIONS, VERIFY_GSL, 0, 0, 0 };
  int status = parse_verify_options (argc, argv, &args);
  if (status != 0)
    return status < 0 ? 0 : status;
  if (args.float32)
    return verify_float32 (args.seed);
  const unsigned long seed = args.seed, directions = args.directions;
  const int method = args.method, fast = args.fast;

  /* small products only: one OpenBLAS thread, the checker has its own */
  blas_threads_default (1);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    {
      fprintf (stderr, _("%s: verify: out of memory\n"), program_name);
      return EXIT_NOT_CARRIED_OUT;
    }
  gsl_rng_set (rng, seed);
  example *ex = example_alloc (10, 28, 28, 0.05, LABELS_SOFT, rng);
  /* beyond the slides: pre-activations away from ReLU's kink, and the
     two-layer network with each activation */
  enum { H = 16 };
  gsl_vector *z = gsl_vector_alloc (H);
  mlp_example *mlp[3] = { NULL, NULL, NULL };
  for (int a = 0; a < 3; a++)
    mlp[a] = mlp_example_alloc (10, H, 28, 28, (bp_activation) a, LABELS_SOFT, rng);
  for (size_t i = 0; z && i < H; i++)
    gsl_vector_set (z, i, (i % 2 ? -1.0 : 1.0) * (0.1 + 4.9 * gsl_rng_uniform (rng)));
  /* issue 13's layers and CNN, from a stream of their own (the same
     seed): the examples above, and --fast's directions, stay as they were */
  gsl_rng *rng_cnn = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng_cnn)
    gsl_rng_set (rng_cnn, seed);
  conv_example *conv = rng_cnn ? conv_example_alloc (rng_cnn) : NULL;
  pool_example *pool = rng_cnn ? pool_example_alloc (rng_cnn) : NULL;
  net_example *cnn = rng_cnn ? net_example_alloc (bp_net_cnn, &net_example_cnn,
                                                  NET_EXAMPLE_B, rng_cnn) : NULL;
  /* the deeper perceptron of issue 23 after them, from the same stream:
     the rows above stay as they were */
  net_example *deep = rng_cnn ? net_example_alloc (bp_net_deep, &net_example_deep,
                                                   NET_EXAMPLE_B, rng_cnn) : NULL;
  int failures = -1;
  size_t inconclusive = 0;
  if (ex && z && mlp[0] && mlp[1] && mlp[2] && conv && pool && cnn && deep)
    {
      /* --fast: the directions continue the example's random stream */
      /* one line a row when the terminal holds the widest row (117
         characters, 141 with both oracles), else two (80) */
      report r = { report_width (), args.json, 0, 0 };
      const size_t width = r.width;
      const size_t wide = 75 + 2 + 12 + ((method & VERIFY_GSL) ? 36u : 0u)
                          + ((method & VERIFY_COMPLEX_STEP) ? 24u : 0u);
      verify_opts o = { method, BP_CHECK_RTOL, BP_CHECK_ATOL, BP_CSTEP_RTOL,
                        BP_CSTEP_ATOL, stdout, fast ? directions : 0, rng, 0,
                        width < wide, r.json ? &r.rows : NULL, &inconclusive };
      char first[512];
      int len = snprintf (first, sizeof first, _("backprop verify: W 10x784, b 10, x 28x28, "
                          "soft labels, seed %lu; rtol %g, atol %g"), seed, BP_CHECK_RTOL,
                          BP_CHECK_ATOL);
      if (len >= 0 && (size_t) len < sizeof first && (method & VERIFY_COMPLEX_STEP))
        len += snprintf (first + len, sizeof first - (size_t) len,
                         _("; complex step h %g: rtol %g, atol %g"), BP_CSTEP_STEP,
                         BP_CSTEP_RTOL, BP_CSTEP_ATOL);
      if (len >= 0 && (size_t) len < sizeof first && fast && (method & VERIFY_GSL))
        snprintf (first + len, sizeof first - (size_t) len,
                  _("; fast: %lu random directions per row"), directions);
      if (r.json)
        json_begin (seed, method, fast, directions);
      else
        print_wrapped (stdout, first, width, "  ");
      /* the one blank line before the heading: print_wrapped ended the line */
      group_begin (&r, "slides", "%s", _("\n\n== one-layer classifier of the slides: u = reshape(x), "
                                    "v = W u + b, y = Softmax(v)\n") + 1);
      verify_header (&o);
      failures = verify_model (ex, &o);
      if (failures >= 0)
        {
          group_begin (&r, "activations", _("\n== activations h = f(z), z of %d seeded values with 0.1 <= |z_i| < 5\n"), H);
          verify_header (&o);
          int f = verify_activations (z, &o);
          failures = f < 0 ? -1 : failures + f;
        }
      for (int a = 0; a < 3 && failures >= 0; a++)
        {
          char mlp_id[32];
          snprintf (mlp_id, sizeof mlp_id, "mlp-%s", bp_activation_name ((bp_activation) a));
          group_begin (&r, mlp_id, _("\n== two-layer network, f = %s: z = W1 u + b1 (W1 %dx784), h = f(z), "
                  "v = W2 h + b2 (W2 10x%d)\n"), bp_activation_name ((bp_activation) a), H, H);
          verify_header (&o);
          int f = verify_mlp (mlp[a], &o);
          failures = f < 0 ? -1 : failures + f;
        }
      if (failures >= 0)
        {
          const bp_conv_shape *s = &conv->s;
          group_begin (&r, "conv", _("\n== convolution layer (derivations/15-convolution.md; first column: "
                  "the equation): X %zux%zux%zu, K %zux%zux%zux%zu, p %zu, "
                  "L = sum G (.) Y, G seeded; batch forms on %zu images\n"),
                  s->channels_in, s->height, s->width, s->channels_out, s->channels_in,
                  s->k, s->k, s->pad, conv->B);
          verify_header (&o);
          int f = verify_conv (conv, &o);
          failures = f < 0 ? -1 : failures + f;
        }
      if (failures >= 0)
        {
          group_begin (&r, "pool", _("\n== 2x2 pooling and flatten (derivations/16-pooling.md): X %zu "
                  "images of %zux%zux%zu, L = sum G (.) Y, G seeded; ties: X in halves "
                  "of 0..3\n"), pool->B, pool->C, pool->H, pool->W);
          verify_header (&o);
          int f = verify_pool (pool, &o);
          failures = f < 0 ? -1 : failures + f;
        }
      if (failures >= 0)
        {
          const bp_net_shape *net = &cnn->net->shape;
          group_begin (&r, "cnn", _("\n== CNN of train --conv (bp_net.h: bp_net_cnn): %zu images %zux%zu, conv k5 p2 "
                  "(%zu) - ReLU - max-pool - conv (%zu) - ReLU - max-pool - flatten - "
                  "linear (%zu) - ReLU - linear (%zu), one-hot labels\n"),
                  cnn->U->size1, net->rows, net->cols, net->C1, net->C2, net->hidden[0], net->n);
          verify_header (&o);
          int f = verify_net (cnn, &o);
          failures = f < 0 ? -1 : failures + f;
        }
      if (failures >= 0)
        {
          const bp_net_shape *net = &deep->net->shape;
          group_begin (&r, "deep", _("\n== deeper perceptron of train --hidden H1,H2 (bp_net.h: "
                  "bp_net_deep, derivations/12, \"More hidden layers\"): %zu images %zux%zu, "
                  "linear (%zu) - ReLU - linear (%zu) - ReLU - linear (%zu), one-hot labels\n"),
                  deep->U->size1, net->rows, net->cols, net->hidden[0], net->hidden[1], net->n);
          verify_header (&o);
          int f = verify_net (deep, &o);
          failures = f < 0 ? -1 : failures + f;
        }
    }
  gsl_rng_free (rng);
  gsl_rng_free (rng_cnn);
  conv_example_free (conv);
  pool_example_free (pool);
  net_example_free (cnn);
  net_example_free (deep);
  example_free (ex);
  gsl_vector_free (z);
  for (int a = 0; a < 3; a++)
    mlp_example_free (mlp[a]);
  if (failures < 0)
    {
      fprintf (stderr, _("%s: verify: the check could not be carried out "
               "(out of memory); the rows above are all that ran\n"), program_name);
      return EXIT_NOT_CARRIED_OUT;
    }
  if (!args.json)
    return verify_summary (stdout, failures, inconclusive);
  printf ("]}],\"failures\":%d,\"inconclusive\":%zu,\"result\":\"%s\"}\n", failures,
          inconclusive, failures == 0 ? "PASS"
          : (size_t) failures == inconclusive ? "INCONCLUSIVE" : "FAIL");
  return failures == 0 ? 0 : 1;
}
