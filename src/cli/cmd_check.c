/* cmd_check.c -- `backprop check': the gradient of a function exported by
   the user's shared library, checked by the library's checker
   (bp_gradcheck.h) without a C harness.  The library is loaded with
   immediate binding (loader.h); its functions follow the C ABI of
   doc/backprop.1, in double (or float with --type float):
     int LOSS  (size_t n, const double *theta, double *L);
     int GRAD  (size_t n, const double *theta, double *grad);
     int CLOSS (size_t n, const double complex *theta, double complex *L);
     int FWD   (size_t n, const double *x, size_t m, double *y);
     int BWD   (size_t n, const double *x, size_t m, const double *dy, double *dx);
   each returning 0, or nonzero when theta is outside the domain.  They run
   in a child process (child.h): a crash, an exit or a hang of theirs is
   reported, naming the function and the element. */
#include <config.h>
#include <complex.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "backprop/bp_gradcheck.h"
#include "cli/child.h"
#include "cli/cli.h"
#include "cli/loader.h"
#include "verify/i18n.h"
#include "verify/json.h"

typedef int (*user_loss) (size_t n, const double *theta, double *L);
typedef int (*user_grad) (size_t n, const double *theta, double *grad);
typedef int (*user_closs) (size_t n, const double complex *theta, double complex *L);
typedef int (*user_fwd) (size_t n, const double *x, size_t m, double *y);
typedef int (*user_bwd) (size_t n, const double *x, size_t m, const double *dy,
                         double *dx);
/* --type float */
typedef int (*user_lossf) (size_t n, const float *theta, float *L);
typedef int (*user_gradf) (size_t n, const float *theta, float *grad);
typedef int (*user_clossf) (size_t n, const float complex *theta, float complex *L);
typedef int (*user_fwdf) (size_t n, const float *x, size_t m, float *y);
typedef int (*user_bwdf) (size_t n, const float *x, size_t m, const float *dy,
                          float *dx);

/* The user's functions, by what they are (the index of fn_kind). */
enum { FN_LOSS, FN_GRAD, FN_CLOSS, FN_FORWARD, FN_BACKWARD, FN_COUNT };
static const char *const fn_kind[FN_COUNT] = {
  N_("loss"), N_("gradient"), N_("complex loss"), N_("forward"), N_("backward")
};

#define MAX_BLOCKS 64
#define MAX_RANK 8

/* A block of theta, --block NAME:D1xD2x...: its elements row-major. */
typedef struct
{
  char name[64];
  size_t rank, shape[MAX_RANK];
  size_t size, offset;          /* elements; the first one's index in theta */
} named_block;

typedef struct
{
  const char *lib, *sym[FN_COUNT], *point;
  unsigned long n, m, seed, show;
  unsigned long rows, cols;     /* --shape; 0: theta is a vector */
  size_t n_blocks;              /* --block; 0: one block, theta */
  named_block block[MAX_BLOCKS];
  unsigned method;
  int have_step, is_float;
  int json;                     /* --json: the report as one JSON document */
  double rtol, atol, step, timeout, lo, hi;
} check_args;

/* The user's functions and the scratch that feeds them contiguous arrays
   (the checker runs them on one thread: nothing says they are reentrant). */
typedef struct
{
  const check_args *a;
  void *fn[FN_COUNT];           /* the symbols' addresses, by FN_* */
  size_t n;
  double *x, *g, *y, *dy;       /* n, n, m, m */
  float *xf, *gf, *yf, *dyf;    /* --type float: the same in float */
  double complex *z;            /* n */
  float complex *zf;
  int grad_status;              /* what GRAD (BWD) returned, when not 0 */
  int base_called;              /* LOSS (FWD) called at the point itself: */
  int base_status;              /*   what it returned */
  double base_value;            /*   L, or FWD's first y not finite */
  size_t n_nonfinite;           /* values of GRAD (BWD) that are not finite */
  size_t first_nonfinite;       /* the first one's index in theta */
  double nonfinite_value;
  child_state *state;
} user_function;

static void
print_check_help (void)
{
  printf (_("Usage: %s check --lib=PATH --loss=SYM --grad=SYM --n=N [OPTION]...\n"
            "  or:  %s check --lib=PATH --forward=SYM --backward=SYM --m=M --n=N "
            "[OPTION]...\n"), program_name, program_name);
  fputs (_("Check the gradient GRAD of the function LOSS, both exported by the shared\n"
         "library PATH, at a point of N parameters, with the library's checker;\n"
         "print its report (the worst elements and hints naming the likely bug).\n"
         "Or check a layer's backward function BWD (dx = J^T dy) against its forward\n"
         "function FWD (x -> y, N -> M numbers): L(x) = <dy, FWD(x)> for three\n"
         "random dy, whose gradient is BWD(x, dy).\n"
         "The C ABI, each returning 0, or nonzero when theta is outside the domain:\n"
         "  int LOSS  (size_t n, const double *theta, double *L);\n"
         "  int GRAD  (size_t n, const double *theta, double *grad);\n"
         "  int CLOSS (size_t n, const double complex *theta, double complex *L);\n"
         "  int FWD   (size_t n, const double *x, size_t m, double *y);\n"
         "  int BWD   (size_t n, const double *x, size_t m, const double *dy,\n"
         "             double *dx);\n"
         "with float in place of double everywhere under --type float.\n\n"
         "  -l, --lib=PATH      the shared library (libtool's .la or the .so itself;\n"
         "                      the extension may be left out; a file of the current\n"
         "                      folder is ./NAME); loaded with immediate binding\n"
         "  -L, --loss=SYM      the function, theta -> L\n"
         "  -g, --grad=SYM      its analytic gradient (required: every method compares\n"
         "                      it with a numeric one)\n"
         "  -c, --closs=SYM     the function in complex arithmetic, for complex-step\n"
         "  -F, --forward=SYM   a layer's forward function, x -> y (with --backward,\n"
         "                      --m; in place of --loss and --grad)\n"
         "  -B, --backward=SYM  its backward function, (x, dy) -> dx = J^T dy\n"
         "  -M, --m=M           the number of the layer's outputs\n"
         "  -t, --type=T        double (the default) or float: the type of every\n"
         "                      argument and value of the functions\n"
         "  -n, --n=N           the number of parameters (optional with --block)\n"
         "  -b, --block=NAME:D1xD2x...  a block of theta, row-major, of any rank (may\n"
         "                      be repeated: theta is the blocks one after another);\n"
         "                      the report names elements by their indices\n"
         "  -p, --point=FILE    theta: N finite numbers separated by white space\n"
         "  -s, --seed=S        else theta is drawn uniform in the domain from seed S,\n"
         "                      1 to 4294967295 (default 1); S also seeds the\n"
         "                      directions and the layer's dy\n"
         "  -d, --domain=LO,HI  the domain of the seeded point (default -1,1)\n"
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
         "  -T, --timeout=S     seconds one call of a function may take, or none\n"
         "                      (default 60); a call that takes longer is stopped\n"
         "  -j, --json          print the report as one JSON document (its schema:\n"
         "                      backprop(1))\n"
         "  -h, --help          display this help and exit\n\n"
         "The functions run in a child process: a crash, an exit or a call beyond\n"
         "--timeout is reported, naming the function and the element.\n"
         "Exit status: 0 PASS, 1 FAIL (also when GRAD or BWD gives a value that is\n"
         "not finite), 3 INCONCLUSIVE (decided only by the error estimate of the\n"
         "differences), 2 usage or loading error (a missing library or symbol is\n"
         "named, with the loader's reason), 4 when the check could not be carried\n"
         "out (out of memory, LOSS undefined at the point itself, or a function\n"
         "that crashed, exited or did not return within --timeout).\n"), stdout);
}

/* --- naming an element ------------------------------------------------------ */

/* Element q of theta as the report names it: NAME(i,j,...) of its block,
   theta(row,col) under --shape, theta(q) for a vector (into buf). */
static const char *
element_name (const check_args *a, size_t q, char *buf, size_t size)
{
  if (a->n_blocks == 0)
    {
      if (a->rows)
        snprintf (buf, size, "theta(%zu,%zu)", q / a->cols, q % a->cols);
      else
        snprintf (buf, size, "theta(%zu)", q);
      return buf;
    }
  size_t k = 0;
  while (k + 1 < a->n_blocks && q >= a->block[k + 1].offset)
    k++;
  const named_block *b = &a->block[k];
  size_t idx[MAX_RANK] = { 0 }, r = q - b->offset;
  for (size_t d = b->rank; d-- > 0;)
    {
      idx[d] = r % b->shape[d];
      r /= b->shape[d];
    }
  int len = snprintf (buf, size, "%s(", b->name);
  for (size_t d = 0; d < b->rank && len > 0 && (size_t) len < size; d++)
    len += snprintf (buf + len, size - (size_t) len, d + 1 < b->rank ? "%zu," : "%zu)",
                     idx[d]);
  return buf;
}

/* The flat index in theta of the moved element of a point (block k, its
   library row and col); the library's blocks are the CLI's blocks as
   matrices of their first dimension's rows. */
static size_t
moved_index (const check_args *a, size_t block, size_t row, size_t col)
{
  if (a->n_blocks == 0)
    return a->rows ? row * a->cols + col : row;
  const named_block *b = &a->block[block];
  return b->offset + row * (b->rank > 1 ? b->size / b->shape[0] : 1) + col;
}

/* --- the user's functions as the checker calls them ------------------------ */

/* theta as the user's array: a contiguous copy (in float under --type
   float) of the point's blocks, one after another. */
static const void *
user_theta (user_function *u, const gsl_vector *const *v, size_t n_blocks)
{
  size_t q = 0;
  for (size_t k = 0; k < n_blocks; k++)
    for (size_t i = 0; i < v[k]->size; i++, q++)
      {
        const double t = gsl_vector_get (v[k], i);
        if (u->a->is_float)
          u->xf[q] = (float) t;
        else
          u->x[q] = t;
      }
  return u->a->is_float ? (const void *) u->xf : (const void *) u->x;
}

/* The call of function fn begins, at point p's moved element. */
static void
begin (user_function *u, int fn, size_t block, size_t row, size_t col, int is_base)
{
  child_state *s = u->state;
  s->where[0] = block;
  s->where[1] = row;
  s->where[2] = col;
  s->where[3] = (size_t) is_base;
  child_call_begin (s, fn);
}

/* The first call of LOSS (FWD) is at the point itself (the checker's
   eq. 0.9): what it returned and gave, for the message when it fails. */
static void
note_base (user_function *u, int s, double value)
{
  if (u->base_called++)
    return;
  u->base_status = s;
  u->base_value = value;
}

static int
loss_of_point (const bp_gradcheck_point *p, void *params, double *L)
{
  user_function *u = params;
  const void *x = user_theta (u, p->vector, p->n_blocks);
  begin (u, FN_LOSS, p->moved_block, p->moved_row, p->moved_col, p->is_base);
  int s;
  if (u->a->is_float)
    {
      float Lf = 0.0f;
      s = ((user_lossf) u->fn[FN_LOSS]) (u->n, x, &Lf);
      *L = Lf;
    }
  else
    s = ((user_loss) u->fn[FN_LOSS]) (u->n, x, L);
  child_call_end (u->state);
  note_base (u, s, *L);
  return s;
}

/* The user's gradient (GRAD's, or BWD's) g into the checker's blocks,
   each row-major; its values that are not finite counted. */
static void
scatter (user_function *u, gsl_matrix *const g[], size_t n_blocks)
{
  size_t q = 0;
  for (size_t k = 0; k < n_blocks; k++)
    for (size_t i = 0; i < g[k]->size1; i++)
      for (size_t j = 0; j < g[k]->size2; j++, q++)
        {
          const double v = u->a->is_float ? u->gf[q] : u->g[q];
          if (!isfinite (v) && u->n_nonfinite++ == 0)
            {
              u->first_nonfinite = q;
              u->nonfinite_value = v;
            }
          gsl_matrix_set (g[k], i, j, v);
        }
}

static int
grad_of_point (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  user_function *u = params;
  const void *x = user_theta (u, p->vector, p->n_blocks);
  begin (u, FN_GRAD, p->moved_block, p->moved_row, p->moved_col, p->is_base);
  const int s = u->a->is_float ? ((user_gradf) u->fn[FN_GRAD]) (u->n, x, u->gf)
                               : ((user_grad) u->fn[FN_GRAD]) (u->n, x, u->g);
  child_call_end (u->state);
  if (s == 0)
    scatter (u, g, p->n_blocks);
  /* any nonzero (even one that reads as a GSL status) is GRAD's refusal */
  u->grad_status = s;
  return s == 0 ? GSL_SUCCESS : GSL_EDOM;
}

static int
closs_of_point (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  user_function *u = params;
  size_t q = 0;
  for (size_t k = 0; k < p->n_blocks; k++)
    for (size_t i = 0; i < p->vector[k]->size; i++, q++)
      {
        const gsl_complex t = gsl_vector_complex_get (p->vector[k], i);
        if (u->a->is_float)
          u->zf[q] = CMPLXF ((float) GSL_REAL (t), (float) GSL_IMAG (t));
        else
          u->z[q] = CMPLX (GSL_REAL (t), GSL_IMAG (t));
      }
  begin (u, FN_CLOSS, p->moved_block, p->moved_row, p->moved_col, p->is_base);
  double complex z;
  int s;
  if (u->a->is_float)
    {
      float complex zf = 0;
      s = ((user_clossf) u->fn[FN_CLOSS]) (u->n, u->zf, &zf);
      z = zf;
    }
  else
    s = ((user_closs) u->fn[FN_CLOSS]) (u->n, u->z, &z);
  child_call_end (u->state);
  GSL_SET_COMPLEX (L, creal (z), cimag (z));
  return s;
}

/* The layer's forward function, y = FWD(x), as the checker's vloss. */
static int
forward_of_point (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  user_function *u = params;
  const void *x = user_theta (u, p->vector, p->n_blocks);
  const size_t m = out->size;
  begin (u, FN_FORWARD, p->moved_block, p->moved_row, p->moved_col, p->is_base);
  const int s = u->a->is_float ? ((user_fwdf) u->fn[FN_FORWARD]) (u->n, x, m, u->yf)
                               : ((user_fwd) u->fn[FN_FORWARD]) (u->n, x, m, u->y);
  child_call_end (u->state);
  double bad = 0.0;
  for (size_t i = 0; s == 0 && i < m; i++)
    {
      const double y = u->a->is_float ? u->yf[i] : u->y[i];
      if (!isfinite (y) && isfinite (bad))
        bad = y;
      gsl_vector_set (out, i, y);
    }
  note_base (u, s, bad);
  return s;
}

/* Its backward function, dx = BWD(x, dy) = J^T dy, as the checker's vjp. */
static int
backward_of_point (const bp_gradcheck_point *p, void *params, const gsl_vector *dy,
                   gsl_matrix *const dx[])
{
  user_function *u = params;
  const void *x = user_theta (u, p->vector, p->n_blocks);
  const size_t m = dy->size;
  for (size_t i = 0; i < m; i++)
    if (u->a->is_float)
      u->dyf[i] = (float) gsl_vector_get (dy, i);
    else
      u->dy[i] = gsl_vector_get (dy, i);
  begin (u, FN_BACKWARD, p->moved_block, p->moved_row, p->moved_col, p->is_base);
  const int s = u->a->is_float
    ? ((user_bwdf) u->fn[FN_BACKWARD]) (u->n, x, m, u->dyf, u->gf)
    : ((user_bwd) u->fn[FN_BACKWARD]) (u->n, x, m, u->dy, u->g);
  child_call_end (u->state);
  if (s == 0)
    scatter (u, dx, p->n_blocks);
  u->grad_status = s;
  return s == 0 ? GSL_SUCCESS : GSL_EDOM;
}

/* --- the point ----------------------------------------------------------- */

/* theta from FILE (a regular file): exactly n finite numbers, white space
   between them, each at most 127 characters long.  0, or -1 with a
   message naming the file and where it went wrong. */
static int
read_point (const char *file, gsl_vector *theta)
{
  FILE *in = open_user_file ("--point", file);
  if (in == NULL)
    return -1;
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
      while (len < sizeof tok && (c = getc (in)) != EOF && !isspace (c));
      if (c != EOF && len < sizeof tok)
        ungetc (c, in);
      /* a token longer than any number is refused where it is cut */
      const int too_long = len >= sizeof tok;
      tok[too_long ? sizeof tok - 1 : len] = '\0';
      double v;
      if (count == n)
        {
          fprintf (stderr, _("%s: check: --point: '%s' line %zu: more than the %zu "
                             "numbers of --n\n"), program_name, file, line, n);
          status = -1;
        }
      else if (too_long || parse_double (tok, &v) != 0)
        {
          fprintf (stderr, _("%s: check: --point: '%s' line %zu, number %zu: '%s%s' is "
                             "not a finite number\n"), program_name, file, line, count + 1, tok,
                   too_long ? "..." : "");
          status = -1;
        }
      else
        gsl_vector_set (theta, count++, v);
    }
  if (status == 0 && ferror (in))
    {
      fprintf (stderr, _("%s: check: --point: cannot read '%s'\n"), program_name, file);
      status = -1;
    }
  if (status == 0 && count < n)
    {
      fprintf (stderr, _("%s: check: --point: '%s' holds %zu numbers, --n asks for %zu\n"),
               program_name, file, count, n);
      status = -1;
    }
  fclose (in);
  return status;
}

/* theta_i uniform in (lo, hi) from seed; 0, or -1 out of memory. */
static int
seeded_point (unsigned long seed, double lo, double hi, gsl_vector *theta)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    return -1;
  gsl_rng_set (rng, seed);
  for (size_t i = 0; i < theta->size; i++)
    gsl_vector_set (theta, i, lo + (hi - lo) * gsl_rng_uniform_pos (rng));
  gsl_rng_free (rng);
  return 0;
}

/* --- the options ------------------------------------------------------------ */

/* "D1xD2x..." (each >= 1, at most MAX_RANK of them, their product no
   overflow) into shape, *rank, *size. */
static int
parse_dims (const char *s, size_t shape[], size_t *rank, size_t *size)
{
  *rank = 0;
  *size = 1;
  while (*rank < MAX_RANK)
    {
      const char *x = strchr (s, 'x');
      const size_t len = x ? (size_t) (x - s) : strlen (s);
      char num[32];
      unsigned long d;
      if (len == 0 || len >= sizeof num)
        return -1;
      memcpy (num, s, len);
      num[len] = '\0';
      if (parse_ulong (num, &d) != 0 || d == 0 || d > SIZE_MAX / *size)
        return -1;
      shape[(*rank)++] = d;
      *size *= d;
      if (x == NULL)
        return 0;
      s = x + 1;
    }
  return -1;
}

/* "ROWSxCOLS" into *rows, *cols (each >= 1, their product no overflow). */
static int
parse_shape (const char *s, unsigned long *rows, unsigned long *cols)
{
  size_t shape[MAX_RANK], rank, size;
  if (parse_dims (s, shape, &rank, &size) != 0 || rank != 2)
    return -1;
  *rows = shape[0];
  *cols = shape[1];
  return 0;
}

/* "NAME:D1xD2x..." appended to a's blocks. */
static int
parse_block (const char *s, check_args *a)
{
  const char *colon = strchr (s, ':');
  if (colon == NULL || colon == s || a->n_blocks == MAX_BLOCKS)
    return -1;
  named_block *b = &a->block[a->n_blocks];
  const size_t len = (size_t) (colon - s);
  if (len >= sizeof b->name || parse_dims (colon + 1, b->shape, &b->rank, &b->size) != 0)
    return -1;
  memcpy (b->name, s, len);
  b->name[len] = '\0';
  b->offset = a->n_blocks ? b[-1].offset + b[-1].size : 0;
  if (b->offset > SIZE_MAX / sizeof (double complex) - b->size)
    return -1;
  a->n_blocks++;
  return 0;
}

/* "LO,HI", finite, LO < HI. */
static int
parse_domain (const char *s, double *lo, double *hi)
{
  const char *comma = strchr (s, ',');
  char first[64];
  if (comma == NULL || (size_t) (comma - s) >= sizeof first)
    return -1;
  memcpy (first, s, (size_t) (comma - s));
  first[comma - s] = '\0';
  if (parse_double (first, lo) != 0 || parse_double (comma + 1, hi) != 0
      || !(*lo < *hi) || !isfinite (*hi - *lo))
    return -1;
  return 0;
}

/* "none" (0) or seconds > 0, at most a day. */
static int
parse_timeout (const char *s, double *t)
{
  if (strcmp (s, "none") == 0)
    {
      *t = 0;
      return 0;
    }
  return parse_double (s, t) != 0 || !(*t > 0) || *t > 86400 ? -1 : 0;
}

static int
usage_error (const char *what, const char *value)
{
  fprintf (stderr, "%s: check: %s '%s'\n", program_name, what, value);
  usage_hint ();
  return EXIT_USAGE;
}

static int
missing (const char *what)
{
  fprintf (stderr, _("%s: check: missing %s\n"), program_name, what);
  usage_hint ();
  return EXIT_USAGE;
}

/* The options' agreement, once parsed; 0 or the exit status. */
static int
check_agreement (check_args *a)
{
  const int layer = a->sym[FN_FORWARD] || a->sym[FN_BACKWARD];
  if (a->lib == NULL)
    return missing ("--lib=PATH");
  if (layer)
    {
      if (a->sym[FN_LOSS] || a->sym[FN_GRAD])
        {
          fprintf (stderr, _("%s: check: --forward and --backward check a layer, in "
                             "place of --loss and --grad: not both forms\n"), program_name);
          usage_hint ();
          return EXIT_USAGE;
        }
      if (a->sym[FN_FORWARD] == NULL)
        return missing ("--forward=SYM");
      if (a->sym[FN_BACKWARD] == NULL)
        return missing (_("--backward=SYM (every method compares it with a numeric "
                          "gradient)"));
      if (a->m == 0)
        return missing (_("--m=M (the layer's outputs)"));
      if (a->sym[FN_CLOSS])
        {
          fprintf (stderr, _("%s: check: --closs is a loss's complex form: a layer "
                             "(--forward) has none\n"), program_name);
          usage_hint ();
          return EXIT_USAGE;
        }
    }
  else
    {
      if (a->sym[FN_LOSS] == NULL)
        return missing ("--loss=SYM");
      if (a->sym[FN_GRAD] == NULL)
        return missing (_("--grad=SYM (every method compares it with a numeric gradient)"));
      if (a->m)
        {
          fprintf (stderr, _("%s: check: --m is the outputs of a layer (--forward)\n"),
                   program_name);
          usage_hint ();
          return EXIT_USAGE;
        }
    }
  if (a->n_blocks)
    {
      const named_block *last = &a->block[a->n_blocks - 1];
      const unsigned long total = last->offset + last->size;
      if (a->rows)
        {
          fprintf (stderr, _("%s: check: --shape and --block: give the blocks "
                             "alone\n"), program_name);
          usage_hint ();
          return EXIT_USAGE;
        }
      if (a->n && a->n != total)
        {
          fprintf (stderr, _("%s: check: the blocks hold %lu numbers, --n is %lu\n"),
                   program_name, total, a->n);
          usage_hint ();
          return EXIT_USAGE;
        }
      a->n = total;
    }
  if (a->n == 0)
    return missing (_("--n=N (or --block)"));
  if (a->rows && a->rows * a->cols != a->n)
    {
      fprintf (stderr, _("%s: check: --shape %lux%lu holds %lu numbers, --n is %lu\n"),
               program_name, a->rows, a->cols, a->rows * a->cols, a->n);
      usage_hint ();
      return EXIT_USAGE;
    }
  if (a->method == BP_GRADCHECK_COMPLEX_STEP && a->sym[FN_CLOSS] == NULL)
    {
      fprintf (stderr, _("%s: check: --method complex-step needs --closs=SYM\n"),
               program_name);
      usage_hint ();
      return EXIT_USAGE;
    }
  if (a->method == BP_GRADCHECK_ALL && a->sym[FN_CLOSS] == NULL)
    a->method &= ~BP_GRADCHECK_COMPLEX_STEP;
  return 0;
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
    {"forward", required_argument, NULL, 'F'},
    {"backward", required_argument, NULL, 'B'},
    {"m", required_argument, NULL, 'M'},
    {"type", required_argument, NULL, 't'},
    {"n", required_argument, NULL, 'n'},
    {"block", required_argument, NULL, 'b'},
    {"point", required_argument, NULL, 'p'},
    {"seed", required_argument, NULL, 's'},
    {"domain", required_argument, NULL, 'd'},
    {"method", required_argument, NULL, 'm'},
    {"rtol", required_argument, NULL, 'r'},
    {"atol", required_argument, NULL, 'a'},
    {"step", required_argument, NULL, 'H'},
    {"show", required_argument, NULL, 'k'},
    {"shape", required_argument, NULL, 'S'},
    {"timeout", required_argument, NULL, 'T'},
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  int c;
  optind = 1;
  while ((c = getopt_long (argc, argv, "l:L:g:c:F:B:M:t:n:b:p:s:d:m:r:a:H:k:S:T:jh", longopts,
                           NULL)) != -1)
    switch (c)
      {
      case 'l': a->lib = optarg; break;
      case 'L': a->sym[FN_LOSS] = optarg; break;
      case 'g': a->sym[FN_GRAD] = optarg; break;
      case 'c': a->sym[FN_CLOSS] = optarg; break;
      case 'F': a->sym[FN_FORWARD] = optarg; break;
      case 'B': a->sym[FN_BACKWARD] = optarg; break;
      case 'p': a->point = optarg; break;
      case 'j': a->json = 1; break;
      case 'n':
        if (parse_ulong (optarg, &a->n) != 0 || a->n == 0
            || a->n > SIZE_MAX / sizeof (double complex))
          return usage_error (_("invalid --n: expected a positive whole number, not"), optarg);
        break;
      case 'M':
        if (parse_ulong (optarg, &a->m) != 0 || a->m == 0
            || a->m > SIZE_MAX / sizeof (double complex))
          return usage_error (_("invalid --m: expected a positive whole number, not"),
                              optarg);
        break;
      case 't':
        if (strcmp (optarg, "double") != 0 && strcmp (optarg, "float") != 0)
          return usage_error (_("invalid --type: expected double or float, not"), optarg);
        a->is_float = optarg[0] == 'f';
        break;
      case 'b':
        if (parse_block (optarg, a) != 0)
          return usage_error (_("invalid --block: expected NAME:D1xD2x..., a name and up "
                                "to 8 positive whole numbers (at most 64 blocks), not"),
                              optarg);
        break;
      case 's':
        /* train's seeds: 32 bits, 0 refused (GSL takes it as 4357) */
        if (parse_seed (optarg, &a->seed) != 0)
          return usage_error (_("invalid --seed: expected a whole number from 1 to "
                                "4294967295, not"), optarg);
        break;
      case 'd':
        if (parse_domain (optarg, &a->lo, &a->hi) != 0)
          return usage_error (_("invalid --domain: expected LO,HI, two finite numbers, "
                                "LO < HI, not"), optarg);
        break;
      case 'm':
        if (bp_gradcheck_method_parse (optarg, &a->method) != GSL_SUCCESS)
          return usage_error (_("invalid --method: expected gsl, complex-step, directional, "
                                "taylor or all, not"), optarg);
        break;
      case 'r':
        if (parse_double (optarg, &a->rtol) != 0 || a->rtol < 0)
          return usage_error (_("invalid --rtol: expected a finite number >= 0, not"), optarg);
        break;
      case 'a':
        if (parse_double (optarg, &a->atol) != 0 || a->atol < 0)
          return usage_error (_("invalid --atol: expected a finite number >= 0, not"), optarg);
        break;
      case 'H':
        if (parse_double (optarg, &a->step) != 0 || !(a->step > 0))
          return usage_error (_("invalid --step: expected a finite number > 0, not"), optarg);
        a->have_step = 1;
        break;
      case 'k':
        if (parse_ulong (optarg, &a->show) != 0)
          return usage_error (_("invalid --show: expected a non-negative whole number, not"),
                              optarg);
        break;
      case 'S':
        if (parse_shape (optarg, &a->rows, &a->cols) != 0)
          return usage_error (_("invalid --shape: expected ROWSxCOLS, two positive whole "
                                "numbers, not"), optarg);
        break;
      case 'T':
        if (parse_timeout (optarg, &a->timeout) != 0)
          return usage_error (_("invalid --timeout: expected seconds > 0 (at most 86400) "
                                "or none, not"), optarg);
        break;
      case 'h':
        print_check_help ();
        return -1;
      default:
        usage_hint ();
        return EXIT_USAGE;
      }
  if (optind < argc)
    return usage_error (_("unexpected argument"), argv[optind]);
  return check_agreement (a);
}

/* --- the check ------------------------------------------------------------ */

/* The check's blocks: the library's blocks over theta (a --block of rank 1
   a vector, of rank >= 2 a matrix of its first dimension's rows), with
   their shapes, so the report names an element by its N-d index. */
typedef struct
{
  size_t n;
  bp_gradcheck_block b[MAX_BLOCKS];
  gsl_vector v[MAX_BLOCKS];       /* views' structs (they point into theta) */
  gsl_matrix M[MAX_BLOCKS];
} check_blocks;

static void
make_blocks (const check_args *a, const gsl_vector *theta, check_blocks *cb)
{
  if (a->n_blocks == 0)
    {
      cb->n = 1;
      cb->M[0] = gsl_matrix_const_view_vector (theta, a->rows ? a->rows : 1,
                                               a->rows ? a->cols : 1).matrix;
      cb->b[0] = (bp_gradcheck_block) { .name = "theta",
                                        .matrix = a->rows ? &cb->M[0] : NULL,
                                        .vector = a->rows ? NULL : theta };
      return;
    }
  cb->n = a->n_blocks;
  for (size_t k = 0; k < a->n_blocks; k++)
    {
      const named_block *nb = &a->block[k];
      cb->v[k] = gsl_vector_const_subvector (theta, nb->offset, nb->size).vector;
      if (nb->rank == 1)
        cb->b[k] = (bp_gradcheck_block) { .name = nb->name, .vector = &cb->v[k],
                                          .rank = 1, .shape = nb->shape };
      else
        {
          cb->M[k] = gsl_matrix_const_view_vector (&cb->v[k], nb->shape[0],
                                                   nb->size / nb->shape[0]).matrix;
          cb->b[k] = (bp_gradcheck_block) { .name = nb->name, .matrix = &cb->M[k],
                                            .rank = nb->rank, .shape = nb->shape };
        }
    }
}

/* The check's first line, printed before the check runs. */
static void
print_header (const check_args *a)
{
  if (a->json)
    return;
  if (a->sym[FN_FORWARD])
    printf (_("%s check: %s: layer %s, backward %s, n %lu, m %lu"), program_name, a->lib,
            a->sym[FN_FORWARD], a->sym[FN_BACKWARD], a->n, a->m);
  else
    printf (_("%s check: %s: %s, gradient %s%s%s, n %lu"), program_name, a->lib,
            a->sym[FN_LOSS], a->sym[FN_GRAD], a->sym[FN_CLOSS] ? _(", complex ") : "",
            a->sym[FN_CLOSS] ? a->sym[FN_CLOSS] : "", a->n);
  if (a->rows)
    printf (" (%lu x %lu)", a->rows, a->cols);
  for (size_t k = 0; k < a->n_blocks; k++)
    {
      printf ("%s%s ", k ? ", " : " (", a->block[k].name);
      for (size_t d = 0; d < a->block[k].rank; d++)
        printf (d ? "x%zu" : "%zu", a->block[k].shape[d]);
      if (k + 1 == a->n_blocks)
        printf (")");
    }
  if (a->is_float)
    printf (_(", float"));
  printf (", ");
  if (a->point)
    printf (_("point from %s\n"), a->point);
  else if (a->lo == -1.0 && a->hi == 1.0)
    printf (_("point uniform in (-1, 1), seed %lu\n"), a->seed);
  else
    printf (_("point uniform in (%g, %g), seed %lu\n"), a->lo, a->hi, a->seed);
}

/* What the child runs: the check of a's function at theta, reported on
   stdout; the exit status. */
typedef struct
{
  const check_args *a;
  user_function *u;
  const gsl_vector *theta;
} check_job;

/* --json: r and the non-finite values of GRAD (BWD) as one JSON
   document (backprop(1)); the verdicts in English, as in verify's. */
static void
print_json (const check_args *a, const bp_gradcheck_result *r, const user_function *u,
            const char *loss, const char *grad)
{
  static const char *const method[] = { "central", "complex-step", "directional",
                                        "taylor" };
  char el[96];
  fputs ("{\"command\":\"check\",\"lib\":", stdout);
  json_string (stdout, a->lib);
  fputs (",\"function\":", stdout);
  json_string (stdout, loss);
  fputs (",\"gradient\":", stdout);
  json_string (stdout, grad);
  printf (",\"n\":%lu,\"m\":%lu,\"verdict\":\"%s\",\"runs\":[", a->n,
          a->sym[FN_FORWARD] ? a->m : 0UL,
          u->n_nonfinite ? "FAIL" : bp_gradcheck_verdict_name (r->verdict));
  for (size_t k = 0; k < r->n_runs; k++)
    {
      const bp_gradcheck_run *run = &r->run[k];
      size_t bit = 0;
      while (bit < 3 && !(run->method & (1u << bit)))
        bit++;
      printf ("%s{\"method\":\"%s\",\"verdict\":\"%s\",\"reason\":", k ? "," : "",
              method[bit], bp_gradcheck_verdict_name (run->verdict));
      json_string (stdout, run->reason);
      printf (",\"checked\":%zu,\"passed\":%zu,\"inconclusive\":%zu,\"failed\":%zu,"
              "\"max_abs_err\":", run->n_checked, run->n_passed, run->n_inconclusive,
              run->n_failed);
      json_number (stdout, run->max_abs_err);
      fputs (",\"max_rel_err\":", stdout);
      json_number (stdout, run->max_rel_err);
      fputs (",\"blocks\":[", stdout);
      for (size_t b = 0; b < r->n_blocks; b++)
        {
          const bp_gradcheck_block_result *br = &run->block[b];
          printf ("%s{\"name\":", b ? "," : "");
          if (br->name)
            json_string (stdout, br->name);
          else
            fputs ("null", stdout);
          printf (",\"checked\":%zu,\"failed\":%zu,\"verdict\":\"%s\",\"worst\":[",
                  br->n_checked, br->n_failed, bp_gradcheck_verdict_name (br->verdict));
          for (size_t w = 0; w < br->n_worst; w++)
            {
              const bp_gradcheck_element *e = &br->worst[w];
              printf ("%s{\"element\":", w ? "," : "");
              json_string (stdout, element_name (a, moved_index (a, e->block, e->row, e->col),
                                                 el, sizeof el));
              fputs (",\"analytic\":", stdout);
              json_number (stdout, e->analytic);
              fputs (",\"numeric\":", stdout);
              json_number (stdout, e->numeric);
              putchar ('}');
            }
          fputs ("]}", stdout);
        }
      fputs ("]}", stdout);
    }
  putchar (']');
  if (u->n_nonfinite)
    {
      fputs (",\"nonfinite\":{\"value\":", stdout);
      json_number (stdout, u->nonfinite_value);
      fputs (",\"element\":", stdout);
      json_string (stdout, element_name (a, u->first_nonfinite, el, sizeof el));
      printf (",\"count\":%zu}", u->n_nonfinite);
    }
  puts ("}");
}

static int
run_check (void *arg)
{
  const check_job *job = arg;
  const check_args *a = job->a;
  user_function *u = job->u;
  bp_gradcheck_options opts;
  bp_gradcheck_options_default (&opts);
  opts.method = a->method;
  opts.rtol = a->rtol;
  opts.atol = a->atol;
  opts.k = a->show;
  opts.seed = a->seed;
  opts.arg_type = a->is_float ? BP_GRADCHECK_ARG_FLOAT : BP_GRADCHECK_ARG_DOUBLE;
  if (a->have_step)
    {
      if (a->method == BP_GRADCHECK_COMPLEX_STEP)
        opts.h_complex = a->step;
      else
        opts.h = a->step;
    }
  bp_gradcheck_function f;
  if (a->sym[FN_FORWARD])
    f = (bp_gradcheck_function) { .vloss = forward_of_point, .m = a->m, .params = u,
                                  .vjp = backward_of_point };
  else
    f = (bp_gradcheck_function) { .loss = loss_of_point, .grad = grad_of_point,
                                  .closs = u->fn[FN_CLOSS] ? closs_of_point : NULL,
                                  .params = u };
  check_blocks cb;
  make_blocks (a, job->theta, &cb);
  bp_gradcheck_result *r = NULL;
  const char *grad = a->sym[a->sym[FN_FORWARD] ? FN_BACKWARD : FN_GRAD];
  const char *loss = a->sym[a->sym[FN_FORWARD] ? FN_FORWARD : FN_LOSS];
  int s = bp_gradcheck (&f, cb.n, cb.b, NULL, &opts, &r);
  char where[96];
  if (s > 0)
    {
      /* a function that refuses the point refuses, as often, the sizes */
      if (u->grad_status != 0 || (s == GSL_EDOM && u->base_status != 0))
        {
          const int refused = u->grad_status != 0 ? u->grad_status : u->base_status;
          const char *who = u->grad_status != 0 ? grad : loss;
          if (a->sym[FN_FORWARD])
            fprintf (stderr, _("%s: check: the check could not be carried out: %s returned %d "
                               "at the point: outside its domain, or are n %zu and m %lu "
                               "not the sizes it takes?\n"), program_name, who, refused,
                     u->n, a->m);
          else
            fprintf (stderr, _("%s: check: the check could not be carried out: %s returned %d "
                               "at the point: outside its domain, or is n %zu not the size "
                               "it takes?\n"), program_name, who, refused, u->n);
        }
      else if (s == GSL_EDOM && u->base_called && !isfinite (u->base_value))
        fprintf (stderr, _("%s: check: the check could not be carried out: %s gave %g "
                           "at the point\n"), program_name, loss, u->base_value);
      else if (u->n_nonfinite)
        fprintf (stderr, _("%s: check: the check could not be carried out: %s gave %g "
                           "at element %s (%zu values that are not finite)\n"),
                 program_name, grad, u->nonfinite_value,
                 element_name (a, u->first_nonfinite, where, sizeof where), u->n_nonfinite);
      else if (s == GSL_EDOM)
        fprintf (stderr, _("%s: check: the check could not be carried out: %s is undefined "
                           "at the point (it returned nonzero, or a value that is not "
                           "finite)\n"),
                 program_name, loss);
      else
        fprintf (stderr, _("%s: check: the check could not be carried out: %s\n"),
                 program_name, gsl_strerror (s));
      bp_gradcheck_result_free (r);
      return s == GSL_EINVAL || s == GSL_EBADLEN ? EXIT_USAGE : EXIT_NOT_CARRIED_OUT;
    }
  if (a->json)
    print_json (a, r, u, loss, grad);
  else
    {
      if (a->sym[FN_FORWARD])
        printf (_("the backward function, checked as the gradient of <dy, y> for random dy "
                  "(the worst shown)\n"));
      if (bp_gradcheck_fprintf (stdout, r) != GSL_SUCCESS)
        s = GSL_EFAILED;
    }
  int status = r->verdict == BP_GRADCHECK_PASS ? 0
    : r->verdict == BP_GRADCHECK_INCONCLUSIVE ? EXIT_INCONCLUSIVE : EXIT_CHECK_FAILED;
  bp_gradcheck_result_free (r);
  /* an infinite or NaN gradient is wrong, whatever the comparison made of it */
  if (u->n_nonfinite)
    {
      if (!a->json)
        printf (_("gradient check: FAIL: %s gave %g at element %s (%zu values that are "
                  "not finite)\n"), grad, u->nonfinite_value,
                element_name (a, u->first_nonfinite, where, sizeof where), u->n_nonfinite);
      status = EXIT_CHECK_FAILED;
    }
  if (s == GSL_EFAILED || fflush (stdout) != 0 || ferror (stdout))
    {
      fprintf (stderr, _("%s: check: cannot write the report\n"), program_name);
      return EXIT_USAGE;
    }
  return status;
}

/* Where the child was when it ended, for a message (into buf). */
static const char *
call_place (const check_args *a, const child_state *s, char *buf, size_t size)
{
  if (s->where[0] != BP_GRADCHECK_NONE)
    {
      char el[96];
      snprintf (buf, size, _("at element %s"),
                element_name (a, moved_index (a, s->where[0], s->where[1], s->where[2]),
                              el, sizeof el));
    }
  else if (s->where[3])
    snprintf (buf, size, "%s", _("at the point"));
  else
    snprintf (buf, size, "%s", _("at a point moved along a direction"));
  return buf;
}

/* The check run in a child process; its end reported: the exit status. */
static int
contained_check (const check_args *a, user_function *u, const gsl_vector *theta)
{
  check_job job = { a, u, theta };
  int code = 0;
  print_header (a);
  const child_end end = child_run (run_check, &job, a->timeout, u->state, &code);
  const child_state *s = u->state;
  char place[160], sig[32];
  const int in_call = s->in_call || end == CHILD_TIMED_OUT;
  const char *kind = in_call ? _(fn_kind[s->what]) : NULL;
  const char *sym = in_call ? a->sym[s->what] : NULL;
  switch (end)
    {
    case CHILD_DONE:
      return code;
    case CHILD_NOT_STARTED:
      fprintf (stderr, _("%s: check: cannot start the check's process: %s\n"),
               program_name, strerror (errno));
      break;
    case CHILD_TIMED_OUT:
      fprintf (stderr, _("%s: check: the %s function %s did not return within %g s "
                         "(--timeout) %s: stopped\n"), program_name, kind, sym,
               a->timeout, call_place (a, s, place, sizeof place));
      break;
    case CHILD_SIGNALED:
      if (in_call)
        fprintf (stderr, _("%s: check: the %s function %s died of %s %s\n"), program_name,
                 kind, sym, child_signal_name (code, sig),
                 call_place (a, s, place, sizeof place));
      else
        fprintf (stderr, _("%s: check: the check's process died of %s, outside the "
                           "functions of %s\n"), program_name,
                 child_signal_name (code, sig), a->lib);
      break;
    case CHILD_EXITED:
      if (in_call)
        fprintf (stderr, _("%s: check: the %s function %s exited with status %d "
                           "during its call %s\n"), program_name, kind, sym, code,
                 call_place (a, s, place, sizeof place));
      else
        fprintf (stderr, _("%s: check: the check's process exited with status %d before "
                           "its report was complete\n"), program_name, code);
      break;
    }
  return EXIT_NOT_CARRIED_OUT;
}

/* The user's functions from lib into u (a loading error: -1). */
static int
find_functions (void *lib, const check_args *a, user_function *u)
{
  static const char *const option[FN_COUNT] = {
    "--loss", "--grad", "--closs", "--forward", "--backward"
  };
  for (int k = 0; k < FN_COUNT; k++)
    if (a->sym[k]
        && find_function (lib, a->lib, option[k], a->sym[k], &u->fn[k], sizeof u->fn[k]) != 0)
      return -1;
  return 0;
}

static void
user_free (user_function *u)
{
  free (u->x);
  free (u->g);
  free (u->y);
  free (u->dy);
  free (u->xf);
  free (u->gf);
  free (u->yf);
  free (u->dyf);
  free (u->z);
  free (u->zf);
  child_state_free (u->state);
}

/* u's scratch for n parameters and m outputs; -1 out of memory. */
static int
user_alloc (size_t n, size_t m, user_function *u)
{
  const size_t M = m ? m : 1;
  u->n = n;
  u->x = malloc (n * sizeof *u->x);
  u->g = malloc (n * sizeof *u->g);
  u->y = malloc (M * sizeof *u->y);
  u->dy = malloc (M * sizeof *u->dy);
  u->xf = malloc (n * sizeof *u->xf);
  u->gf = malloc (n * sizeof *u->gf);
  u->yf = malloc (M * sizeof *u->yf);
  u->dyf = malloc (M * sizeof *u->dyf);
  u->z = malloc (n * sizeof *u->z);
  u->zf = malloc (n * sizeof *u->zf);
  u->state = child_state_alloc ();
  return u->x && u->g && u->y && u->dy && u->xf && u->gf && u->yf && u->dyf && u->z
         && u->zf && u->state ? 0 : -1;
}

int
cmd_check (int argc, char **argv)
{
  check_args a = { .seed = 1, .show = 5, .method = BP_GRADCHECK_CENTRAL,
                   .rtol = BP_CHECK_RTOL, .atol = BP_CHECK_ATOL, .timeout = 60,
                   .lo = -1.0, .hi = 1.0 };
  int status = parse_check_options (argc, argv, &a);
  if (status != 0)
    return status < 0 ? 0 : status;
  user_function u = { .a = &a };
  gsl_vector *theta = NULL;
  void *lib = load_library ("--lib", a.lib);
  status = EXIT_USAGE;
  if (lib != NULL && find_functions (lib, &a, &u) == 0)
    {
      theta = gsl_vector_alloc (a.n);
      if (!theta || user_alloc (a.n, a.m, &u) != 0
          || (a.point == NULL && seeded_point (a.seed, a.lo, a.hi, theta) != 0))
        {
          fprintf (stderr, _("%s: check: out of memory for n = %lu\n"), program_name, a.n);
          status = EXIT_NOT_CARRIED_OUT;
        }
      else if (a.point == NULL || read_point (a.point, theta) == 0)
        status = contained_check (&a, &u, theta);
    }
  gsl_vector_free (theta);
  user_free (&u);
  if (lib)
    dlclose (lib);
  return status;
}
