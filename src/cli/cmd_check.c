/* cmd_check.c -- `backprop check': the gradient of a function exported by
   the user's shared library, checked by the library's checker
   (bp_gradcheck.h) without a C harness.  The library is loaded with
   libltdl; its functions follow the C ABI of doc/backprop.1:
     int LOSS  (size_t n, const double *theta, double *L);
     int GRAD  (size_t n, const double *theta, double *grad);
     int CLOSS (size_t n, const double complex *theta, double complex *L);
   each returning 0, or nonzero when theta is outside the domain. */
#include <config.h>
#include <complex.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ltdl.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "backprop/bp_gradcheck.h"
#include "cli/cli.h"

typedef int (*user_loss) (size_t n, const double *theta, double *L);
typedef int (*user_grad) (size_t n, const double *theta, double *grad);
typedef int (*user_closs) (size_t n, const double complex *theta, double complex *L);

/* The user's functions and the scratch that feeds them contiguous arrays
   (the checker runs them on one thread: nothing says they are reentrant). */
typedef struct
{
  user_loss loss;
  user_grad grad;
  user_closs closs;
  double *x, *g;            /* n */
  double complex *z;        /* n */
  int grad_status;          /* what GRAD returned, when not 0 */
} user_function;

static void
print_check_help (void)
{
  printf ("Usage: %s check --lib=PATH --loss=SYM --grad=SYM --n=N [OPTION]...\n",
          program_name);
  fputs ("Check the gradient GRAD of the function LOSS, both exported by the shared\n"
         "library PATH, at a point of N parameters, with the library's checker;\n"
         "print its report (the worst elements and hints naming the likely bug).\n"
         "The C ABI, each returning 0, or nonzero when theta is outside the domain:\n"
         "  int LOSS  (size_t n, const double *theta, double *L);\n"
         "  int GRAD  (size_t n, const double *theta, double *grad);\n"
         "  int CLOSS (size_t n, const double complex *theta, double complex *L);\n\n"
         "  -l, --lib=PATH      the shared library (libtool's .la or the .so itself;\n"
         "                      the extension may be left out)\n"
         "  -L, --loss=SYM      the function, theta -> L\n"
         "  -g, --grad=SYM      its analytic gradient (required: every method compares\n"
         "                      it with a numeric one)\n"
         "  -c, --closs=SYM     the function in complex arithmetic, for complex-step\n"
         "  -n, --n=N           the number of parameters\n"
         "  -p, --point=FILE    theta: N finite numbers separated by white space\n"
         "  -s, --seed=S        else theta is drawn uniform in (-1, 1) from seed S\n"
         "                      (default 1); S also seeds the directions\n"
         "  -m, --method=M      gsl (central differences, every element; the default),\n"
         "                      complex-step (needs --closs), directional (random\n"
         "                      directions, the elements when one fails), taylor (the\n"
         "                      remainder's slope, 2 for a right gradient), or all\n"
         "                      (every one of them; complex-step when --closs is given)\n"
         "  -r, --rtol=R        relative tolerance (default 1e-6)\n"
         "  -a, --atol=A        absolute tolerance (default 1e-9)\n"
         "  -H, --step=H        relative step of the differences (default 1e-4; with\n"
         "                      -m complex-step alone, the complex step, default 1e-20)\n"
         "  -k, --show=K        worst elements to show (default 5)\n"
         "  -S, --shape=RxC     theta is an R x C matrix, row-major (R C = N): the\n"
         "                      report names (row, col) and can see a transposed\n"
         "                      gradient\n"
         "  -h, --help          display this help and exit\n\n"
         "Exit status: 0 PASS, 1 FAIL, 3 INCONCLUSIVE (decided only by the error\n"
         "estimate of the differences), 2 usage or loading error (a missing library\n"
         "or symbol is named), 4 when the check could not be carried out (out of\n"
         "memory, or LOSS undefined at the point itself).\n", stdout);
}

/* --- the user's functions as the checker calls them ---------------------- */

static const double *
contiguous (const gsl_vector *t, double *scratch)
{
  if (t->stride == 1)
    return t->data;
  for (size_t i = 0; i < t->size; i++)
    scratch[i] = gsl_vector_get (t, i);
  return scratch;
}

static int
loss_of_point (const bp_gradcheck_point *p, void *params, double *L)
{
  user_function *u = params;
  const gsl_vector *t = p->vector[0];
  return u->loss (t->size, contiguous (t, u->x), L);
}

static int
grad_of_point (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  user_function *u = params;
  const gsl_vector *t = p->vector[0];
  int s = u->grad (t->size, contiguous (t, u->x), u->g);
  const size_t cols = g[0]->size2;
  for (size_t i = 0; s == 0 && i < t->size; i++)
    gsl_matrix_set (g[0], i / cols, i % cols, u->g[i]);     /* row-major */
  /* any nonzero (even one that reads as a GSL status) is GRAD's refusal */
  u->grad_status = s;
  return s == 0 ? GSL_SUCCESS : GSL_EDOM;
}

static int
closs_of_point (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  user_function *u = params;
  const gsl_vector_complex *t = p->vector[0];
  for (size_t i = 0; i < t->size; i++)
    {
      gsl_complex ti = gsl_vector_complex_get (t, i);
      u->z[i] = CMPLX (GSL_REAL (ti), GSL_IMAG (ti));
    }
  double complex z;
  int s = u->closs (t->size, u->z, &z);
  GSL_SET_COMPLEX (L, creal (z), cimag (z));
  return s;
}

/* --- loading ------------------------------------------------------------- */

/* The symbol name of lib into *fn (a function pointer's storage); 0, or -1
   with a message naming both. */
static int
find_symbol (lt_dlhandle lib, const char *path, const char *option, const char *name,
             void *fn, size_t size)
{
  void *p = lt_dlsym (lib, name);
  if (p == NULL)
    {
      const char *why = lt_dlerror ();
      fprintf (stderr, "%s: check: %s: no symbol '%s' (%s) in '%s'\n", program_name,
               option, name, why ? why : "not found", path);
      return -1;
    }
  /* POSIX: a data pointer from dlsym holds a function's address */
  memcpy (fn, &p, size);
  return 0;
}

/* --- the point ----------------------------------------------------------- */

/* theta from FILE: exactly n finite numbers, white space between them.
   0, or -1 with a message naming the file and where it went wrong. */
static int
read_point (const char *file, gsl_vector *theta)
{
  FILE *in = fopen (file, "r");
  if (in == NULL)
    {
      fprintf (stderr, "%s: check: --point: cannot open '%s': %s\n", program_name, file,
               strerror (errno));
      return -1;
    }
  const size_t n = theta->size;
  size_t count = 0, line = 1;
  char tok[128];
  int status = 0;
  while (status == 0)
    {
      int c;
      while ((c = getc (in)) != EOF && isspace (c))
        line += (c == '\n');
      if (c == EOF)
        break;
      size_t len = 0;
      do
        {
          if (len + 1 < sizeof tok)
            tok[len] = (char) c;
          len++;
        }
      while ((c = getc (in)) != EOF && !isspace (c));
      if (c != EOF)
        ungetc (c, in);
      const int too_long = len >= sizeof tok;   /* no double needs so many */
      tok[too_long ? sizeof tok - 1 : len] = '\0';
      double v;
      if (count == n)
        {
          fprintf (stderr, "%s: check: --point: '%s' line %zu: more than the %zu "
                   "numbers of --n\n", program_name, file, line, n);
          status = -1;
        }
      else if (too_long || parse_double (tok, &v) != 0)
        {
          fprintf (stderr, "%s: check: --point: '%s' line %zu, number %zu: '%s%s' is "
                   "not a finite number\n", program_name, file, line, count + 1, tok,
                   too_long ? "..." : "");
          status = -1;
        }
      else
        gsl_vector_set (theta, count++, v);
    }
  if (status == 0 && ferror (in))
    {
      fprintf (stderr, "%s: check: --point: cannot read '%s'\n", program_name, file);
      status = -1;
    }
  if (status == 0 && count < n)
    {
      fprintf (stderr, "%s: check: --point: '%s' holds %zu numbers, --n asks for %zu\n",
               program_name, file, count, n);
      status = -1;
    }
  fclose (in);
  return status;
}

/* theta_i uniform in (-1, 1) from seed; 0, or -1 out of memory. */
static int
seeded_point (unsigned long seed, gsl_vector *theta)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    return -1;
  gsl_rng_set (rng, seed);
  for (size_t i = 0; i < theta->size; i++)
    gsl_vector_set (theta, i, 2.0 * gsl_rng_uniform_pos (rng) - 1.0);
  gsl_rng_free (rng);
  return 0;
}

/* --- the command --------------------------------------------------------- */

typedef struct
{
  const char *lib, *loss, *grad, *closs, *point;
  unsigned long n, seed, show;
  unsigned long rows, cols;   /* --shape; 0: theta is a vector */
  unsigned method;
  int have_step;
  double rtol, atol, step;
} check_args;

/* "ROWSxCOLS" into *rows, *cols (each >= 1, their product no overflow). */
static int
parse_shape (const char *s, unsigned long *rows, unsigned long *cols)
{
  const char *x = strchr (s, 'x');
  char first[32];
  if (x == NULL || (size_t) (x - s) >= sizeof first)
    return -1;
  memcpy (first, s, (size_t) (x - s));
  first[x - s] = '\0';
  if (parse_ulong (first, rows) != 0 || parse_ulong (x + 1, cols) != 0
      || *rows == 0 || *cols == 0 || *rows > ULONG_MAX / *cols)
    return -1;
  return 0;
}

static int
usage_error (const char *what, const char *value)
{
  fprintf (stderr, "%s: check: %s '%s'\n", program_name, what, value);
  usage_hint ();
  return EXIT_USAGE;
}

/* argv into *a; 0, or the exit status (help: -1 for 0). */
static int
parse_check_options (int argc, char **argv, check_args *a)
{
  static const struct option longopts[] = {
    {"lib", required_argument, NULL, 'l'},
    {"loss", required_argument, NULL, 'L'},
    {"grad", required_argument, NULL, 'g'},
    {"closs", required_argument, NULL, 'c'},
    {"n", required_argument, NULL, 'n'},
    {"point", required_argument, NULL, 'p'},
    {"seed", required_argument, NULL, 's'},
    {"method", required_argument, NULL, 'm'},
    {"rtol", required_argument, NULL, 'r'},
    {"atol", required_argument, NULL, 'a'},
    {"step", required_argument, NULL, 'H'},
    {"show", required_argument, NULL, 'k'},
    {"shape", required_argument, NULL, 'S'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "l:L:g:c:n:p:s:m:r:a:H:k:S:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'l': a->lib = optarg; break;
      case 'L': a->loss = optarg; break;
      case 'g': a->grad = optarg; break;
      case 'c': a->closs = optarg; break;
      case 'p': a->point = optarg; break;
      case 'n':
        if (parse_ulong (optarg, &a->n) != 0 || a->n == 0
            || a->n > SIZE_MAX / sizeof (double complex))
          return usage_error ("invalid --n: expected a positive whole number, not", optarg);
        break;
      case 's':
        if (parse_ulong (optarg, &a->seed) != 0)
          return usage_error ("invalid --seed: expected a non-negative whole number, not",
                              optarg);
        break;
      case 'm':
        if (bp_gradcheck_method_parse (optarg, &a->method) != GSL_SUCCESS)
          return usage_error ("invalid --method: expected gsl, complex-step, directional, "
                              "taylor or all, not", optarg);
        break;
      case 'r':
        if (parse_double (optarg, &a->rtol) != 0 || a->rtol < 0)
          return usage_error ("invalid --rtol: expected a finite number >= 0, not", optarg);
        break;
      case 'a':
        if (parse_double (optarg, &a->atol) != 0 || a->atol < 0)
          return usage_error ("invalid --atol: expected a finite number >= 0, not", optarg);
        break;
      case 'H':
        if (parse_double (optarg, &a->step) != 0 || !(a->step > 0))
          return usage_error ("invalid --step: expected a finite number > 0, not", optarg);
        a->have_step = 1;
        break;
      case 'k':
        if (parse_ulong (optarg, &a->show) != 0)
          return usage_error ("invalid --show: expected a non-negative whole number, not",
                              optarg);
        break;
      case 'S':
        if (parse_shape (optarg, &a->rows, &a->cols) != 0)
          return usage_error ("invalid --shape: expected ROWSxCOLS, two positive whole "
                              "numbers, not", optarg);
        break;
      case 'h':
        print_check_help ();
        return -1;
      default:
        usage_hint ();
        return EXIT_USAGE;
      }
  if (optind < argc)
    return usage_error ("unexpected argument", argv[optind]);
  const struct { const char *name, *value; } required[] = {
    {"--lib=PATH", a->lib}, {"--loss=SYM", a->loss},
    {"--grad=SYM (every method compares it with a numeric gradient)", a->grad},
  };
  for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
    if (required[k].value == NULL)
      {
        fprintf (stderr, "%s: check: missing %s\n", program_name, required[k].name);
        usage_hint ();
        return EXIT_USAGE;
      }
  if (a->n == 0)
    {
      fprintf (stderr, "%s: check: missing --n=N\n", program_name);
      usage_hint ();
      return EXIT_USAGE;
    }
  if (a->rows && a->rows * a->cols != a->n)
    {
      fprintf (stderr, "%s: check: --shape %lux%lu holds %lu numbers, --n is %lu\n",
               program_name, a->rows, a->cols, a->rows * a->cols, a->n);
      usage_hint ();
      return EXIT_USAGE;
    }
  if (a->method == BP_GRADCHECK_COMPLEX_STEP && a->closs == NULL)
    {
      fprintf (stderr, "%s: check: --method complex-step needs --closs=SYM\n",
               program_name);
      usage_hint ();
      return EXIT_USAGE;
    }
  if (a->method == BP_GRADCHECK_ALL && a->closs == NULL)
    a->method &= ~BP_GRADCHECK_COMPLEX_STEP;
  return 0;
}

/* The check of a's function at theta, reported on stdout: the exit status. */
static int
run_check (const check_args *a, user_function *u, const gsl_vector *theta)
{
  bp_gradcheck_options opts;
  bp_gradcheck_options_default (&opts);
  opts.method = a->method;
  opts.rtol = a->rtol;
  opts.atol = a->atol;
  opts.k = a->show;
  opts.seed = a->seed;
  if (a->have_step)
    {
      if (a->method == BP_GRADCHECK_COMPLEX_STEP)
        opts.h_complex = a->step;
      else
        opts.h = a->step;
    }
  bp_gradcheck_function f = { loss_of_point, NULL, 0, grad_of_point,
                              u->closs ? closs_of_point : NULL, NULL, u };
  gsl_matrix_const_view M = gsl_matrix_const_view_vector (theta, a->rows ? a->rows : 1,
                                                          a->rows ? a->cols : 1);
  bp_gradcheck_block block = { "theta", a->rows ? &M.matrix : NULL,
                               a->rows ? NULL : theta };
  bp_gradcheck_result *r = NULL;
  printf ("%s check: %s: %s, gradient %s%s%s, n %lu", program_name, a->lib, a->loss,
          a->grad, a->closs ? ", complex " : "", a->closs ? a->closs : "", a->n);
  if (a->rows)
    printf (" (%lu x %lu)", a->rows, a->cols);
  printf (", ");
  if (a->point)
    printf ("point from %s\n", a->point);
  else
    printf ("point uniform in (-1, 1), seed %lu\n", a->seed);
  int s = bp_gradcheck (&f, 1, &block, NULL, &opts, &r);
  if (s > 0)
    {
      if (u->grad_status != 0)
        fprintf (stderr, "%s: check: the check could not be carried out: %s returned %d "
                 "at the point (outside its domain)\n", program_name, a->grad,
                 u->grad_status);
      else if (s == GSL_EDOM)
        fprintf (stderr, "%s: check: the check could not be carried out: %s is undefined "
                 "at the point (it returned nonzero, or a value that is not finite)\n",
                 program_name, a->loss);
      else
        fprintf (stderr, "%s: check: the check could not be carried out: %s\n",
                 program_name, gsl_strerror (s));
      bp_gradcheck_result_free (r);
      return s == GSL_EINVAL || s == GSL_EBADLEN ? EXIT_USAGE : EXIT_NOT_CARRIED_OUT;
    }
  if (bp_gradcheck_fprintf (stdout, r) != GSL_SUCCESS)
    s = GSL_EFAILED;
  int status = r->verdict == BP_GRADCHECK_PASS ? 0
    : r->verdict == BP_GRADCHECK_INCONCLUSIVE ? EXIT_INCONCLUSIVE : EXIT_CHECK_FAILED;
  bp_gradcheck_result_free (r);
  if (s == GSL_EFAILED)
    {
      fprintf (stderr, "%s: check: cannot write the report\n", program_name);
      return EXIT_USAGE;
    }
  return status;
}

int
cmd_check (int argc, char **argv)
{
  check_args a = { .seed = 1, .show = 5, .method = BP_GRADCHECK_CENTRAL,
                   .rtol = BP_CHECK_RTOL, .atol = BP_CHECK_ATOL };
  int status = parse_check_options (argc, argv, &a);
  if (status != 0)
    return status < 0 ? 0 : status;
  if (lt_dlinit () != 0)
    {
      fprintf (stderr, "%s: check: cannot start libltdl: %s\n", program_name,
               lt_dlerror ());
      return EXIT_USAGE;
    }
  user_function u = { 0 };
  gsl_vector *theta = NULL;
  lt_dlhandle lib = lt_dlopenext (a.lib);
  status = EXIT_USAGE;
  if (lib == NULL)
    {
      const char *why = lt_dlerror ();
      fprintf (stderr, "%s: check: --lib: cannot load '%s': %s\n", program_name, a.lib,
               why ? why : "unknown error");
    }
  else if (find_symbol (lib, a.lib, "--loss", a.loss, &u.loss, sizeof u.loss) == 0
           && find_symbol (lib, a.lib, "--grad", a.grad, &u.grad, sizeof u.grad) == 0
           && (a.closs == NULL
               || find_symbol (lib, a.lib, "--closs", a.closs, &u.closs,
                               sizeof u.closs) == 0))
    {
      theta = gsl_vector_alloc (a.n);
      u.x = malloc (a.n * sizeof *u.x);
      u.g = malloc (a.n * sizeof *u.g);
      u.z = malloc (a.n * sizeof *u.z);
      if (!theta || !u.x || !u.g || !u.z
          || (a.point == NULL && seeded_point (a.seed, theta) != 0))
        {
          fprintf (stderr, "%s: check: out of memory for n = %lu\n", program_name, a.n);
          status = EXIT_NOT_CARRIED_OUT;
        }
      else if (a.point == NULL || read_point (a.point, theta) == 0)
        status = run_check (&a, &u, theta);
    }
  gsl_vector_free (theta);
  free (u.x);
  free (u.g);
  free (u.z);
  if (lib)
    lt_dlclose (lib);
  lt_dlexit ();
  return status;
}
