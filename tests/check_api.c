/* check_api.c -- every public function against the library's error rule
   (bp_common.h, src/valid.h):
     NULL where a value is read or a result written  -> GSL_EFAULT
     sizes that do not agree                          -> GSL_EBADLEN
   through GSL's error handler: int functions return the code, double
   functions return NaN.

   One table, one row per public function: its arguments by kind, which of
   them may be NULL, and a call.  For each row the test
     1. calls it with well-formed arguments: GSL_SUCCESS (so that the
        refusals below are due to the one argument changed);
     2. passes NULL in each pointer argument in turn: GSL_EFAULT, or
        success for the optional ones;
     3. gives each vector or matrix argument in turn a wrong size (every
        wrong shape its kind has): GSL_EBADLEN.
   It runs twice: with a handler that records the code it is given, and
   with the handler off (gsl_set_error_handler_off), as a caller would.

   C cannot list a library's functions, so tests/api_coverage.sh checks
   that every function declared in src/backprop/bp_*.h has a row here (its
   name in quotes).  A new public function follows the rule and gets a row:
   add its argument kinds (a new kind if none fits) and a call adapter. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"

/* Sizes of the well-formed arguments: n classes, m inputs (a 2x2 image),
   k parameters and q outputs for the checker's functions. */
enum { N = 3, M = 4, XR = 2, XC = 2, K = 2, Q = 3 };

typedef enum
{
  VN,      /* vector of N: logits, labels (summing to 1), y, b */
  VM,      /* vector of M */
  MNM,     /* N x M matrix: W, dL/dW */
  MNN,     /* N x N matrix: J */
  MX,      /* XR x XC image, M elements */
  WS,      /* bp_model_workspace for N, M */
  TK,      /* theta, K elements */
  ZK,      /* vector of K zeros: the gradient of a constant, its errors */
  ZQK,     /* Q x K zeros: the Jacobian of a constant, its errors */
  RES,     /* bp_check_result * */
  DBL,     /* double * */
  FS,      /* bp_scalar_function */
  FV,      /* bp_vector_function */
  PAR      /* void *params */
} kind;

/* How many wrong shapes each kind has (0: not sized). */
static int
n_wrong (kind k)
{
  switch (k)
    {
    case MNM: case MNN: return 2;
    case VN: case VM: case MX: case WS: case TK: case ZK: case ZQK: return 1;
    default: return 0;
    }
}

static double
constant_f (const gsl_vector *theta, void *params)
{
  (void) theta;
  (void) params;
  return 0.0;
}

static int
constant_fv (const gsl_vector *theta, void *params, gsl_vector *out)
{
  (void) theta;
  (void) params;
  gsl_vector_set_zero (out);
  return GSL_SUCCESS;
}

static bp_check_result result;
static double loss;

/* An argument of kind k, well-formed (wrong = 0) or of wrong shape
   number wrong (1 or 2). */
static void *
make (kind k, int wrong)
{
  gsl_vector *v = NULL;
  gsl_matrix *A = NULL;
  switch (k)
    {
    case VN:
      v = gsl_vector_alloc (N + (wrong ? 1 : 0));
      for (size_t i = 0; i < v->size; i++)
        gsl_vector_set (v, i, (double) (i + 2) / 10.0);   /* 0.2, 0.3, 0.4 */
      gsl_vector_set (v, N - 1, 0.5);                    /* sum 1 */
      return v;
    case VM:
      v = gsl_vector_alloc (M + (wrong ? 1 : 0));
      gsl_vector_set_all (v, 0.25);
      return v;
    case TK:
      v = gsl_vector_alloc (K + (wrong ? 1 : 0));
      gsl_vector_set_all (v, 0.5);
      return v;
    case ZK:
      return gsl_vector_calloc (K + (wrong ? 1 : 0));
    case MNM:
      A = gsl_matrix_alloc (N + (wrong == 1), M + (wrong == 2));
      gsl_matrix_set_all (A, 0.01);
      return A;
    case MNN:
      A = gsl_matrix_alloc (N + (wrong == 1), N + (wrong == 2));
      gsl_matrix_set_all (A, 0.02);
      return A;
    case MX:
      A = gsl_matrix_alloc (XR + (wrong ? 1 : 0), XC + (wrong ? 1 : 0));
      gsl_matrix_set_all (A, 0.5);
      return A;
    case ZQK:
      return gsl_matrix_calloc (Q, K + (wrong ? 1 : 0));
    case WS:
      return bp_model_workspace_alloc (N + (wrong ? 1 : 0), M);
    case RES:
      return &result;
    case DBL:
      return &loss;
    case FS:
      return (void *) constant_f;
    case FV:
      return (void *) constant_fv;
    case PAR:
      return NULL;
    }
  return NULL;
}

static void
unmake (kind k, void *p)
{
  if (p == NULL)
    return;
  switch (k)
    {
    case VN: case VM: case TK: case ZK: gsl_vector_free (p); break;
    case MNM: case MNN: case MX: case ZQK: gsl_matrix_free (p); break;
    case WS: bp_model_workspace_free (p); break;
    default: break;
    }
}

/* What a call returned: an int function's code, or for a double
   function NAN_RETURNED when it returned NaN, GSL_SUCCESS otherwise. */
#define NAN_RETURNED (-1000)

static int
of_double (double x)
{
  return isnan (x) ? NAN_RETURNED : GSL_SUCCESS;
}

#define V(i) ((gsl_vector *) p[i])
#define A(i) ((gsl_matrix *) p[i])

/* The call adapters, one per public function. */
static int call_reshape (void **p) { return bp_reshape (A (0), V (1)); }
static int call_reshape_inverse (void **p) { return bp_reshape_inverse (V (0), A (1)); }
static int call_linear (void **p) { return bp_linear (A (0), V (1), V (2), V (3)); }
static int call_linear_grad_input (void **p)
{ return bp_linear_grad_input (A (0), V (1), V (2)); }
static int call_linear_grad_bias (void **p) { return bp_linear_grad_bias (V (0), V (1)); }
static int call_linear_grad_weights (void **p)
{ return bp_linear_grad_weights (V (0), V (1), A (2)); }
static int call_softmax (void **p) { return bp_softmax (V (0), V (1)); }
static int call_softmax_jacobian (void **p) { return bp_softmax_jacobian (V (0), A (1)); }
static int call_softmax_backward (void **p)
{ return bp_softmax_backward (A (0), V (1), V (2)); }
static int call_cross_entropy (void **p)
{ return of_double (bp_cross_entropy (V (0), V (1))); }
static int call_cross_entropy_grad (void **p)
{ return bp_cross_entropy_grad (V (0), V (1), V (2)); }
static int call_softmax_cross_entropy (void **p)
{ return of_double (bp_softmax_cross_entropy (V (0), V (1))); }
static int call_softmax_cross_entropy_grad (void **p)
{ return bp_softmax_cross_entropy_grad (V (0), V (1), V (2)); }
static int call_model_forward (void **p)
{ return of_double (bp_model_forward (A (0), V (1), A (2), V (3), p[4])); }
static int call_model_backward (void **p)
{ return bp_model_backward (A (0), V (1), A (2), V (3), A (4), V (5), A (6), p[7]); }
static int call_deriv_gradient (void **p)
{ return bp_deriv_gradient ((bp_scalar_function) p[0], p[1], V (2), 1e-4, V (3), V (4)); }
static int call_deriv_jacobian (void **p)
{ return bp_deriv_jacobian ((bp_vector_function) p[0], p[1], V (2), 1e-4, A (3), A (4)); }
static int call_check_compare_vector (void **p)
{ return bp_check_compare_vector (V (0), V (1), V (2), 1e-6, 1e-9, p[3]); }
static int call_check_compare_matrix (void **p)
{ return bp_check_compare_matrix (A (0), A (1), A (2), 1e-6, 1e-9, p[3]); }
static int call_check_gradient (void **p)
{ return bp_check_gradient ((bp_scalar_function) p[0], p[1], V (2), V (3), 1e-6, 1e-9, p[4]); }
static int call_check_jacobian (void **p)
{ return bp_check_jacobian ((bp_vector_function) p[0], p[1], V (2), A (3), 1e-6, 1e-9, p[4]); }

#define MAX_ARGS 8

typedef struct
{
  const char *name;
  int (*call) (void **p);
  int returns_double;
  int nargs;
  kind args[MAX_ARGS];
  unsigned optional;   /* bit i: argument i may be NULL */
} api_row;

/* Every public function of the library taking pointers; the others,
   "bp_model_workspace_alloc" and "bp_model_workspace_free", are tested
   below the table (test_api_workspace). */
static const api_row api[] = {
  { "bp_reshape", call_reshape, 0, 2, { MX, VM }, 0 },
  { "bp_reshape_inverse", call_reshape_inverse, 0, 2, { VM, MX }, 0 },
  { "bp_linear", call_linear, 0, 4, { MNM, VN, VM, VN }, 0 },
  { "bp_linear_grad_input", call_linear_grad_input, 0, 3, { MNM, VN, VM }, 0 },
  { "bp_linear_grad_bias", call_linear_grad_bias, 0, 2, { VN, VN }, 0 },
  { "bp_linear_grad_weights", call_linear_grad_weights, 0, 3, { VN, VM, MNM }, 0 },
  { "bp_softmax", call_softmax, 0, 2, { VN, VN }, 0 },
  { "bp_softmax_jacobian", call_softmax_jacobian, 0, 2, { VN, MNN }, 0 },
  { "bp_softmax_backward", call_softmax_backward, 0, 3, { MNN, VN, VN }, 0 },
  { "bp_cross_entropy", call_cross_entropy, 1, 2, { VN, VN }, 0 },
  { "bp_cross_entropy_grad", call_cross_entropy_grad, 0, 3, { VN, VN, VN }, 0 },
  { "bp_softmax_cross_entropy", call_softmax_cross_entropy, 1, 2, { VN, VN }, 0 },
  { "bp_softmax_cross_entropy_grad", call_softmax_cross_entropy_grad, 0, 3,
    { VN, VN, VN }, 0 },
  { "bp_model_forward", call_model_forward, 1, 5, { MNM, VN, MX, VN, WS }, 0 },
  { "bp_model_backward", call_model_backward, 0, 8,
    { MNM, VN, MX, VN, MNM, VN, MX, DBL }, 1u << 7 },
  { "bp_deriv_gradient", call_deriv_gradient, 0, 5, { FS, PAR, TK, ZK, ZK },
    1u << 1 | 1u << 4 },
  { "bp_deriv_jacobian", call_deriv_jacobian, 0, 5, { FV, PAR, TK, ZQK, ZQK },
    1u << 1 | 1u << 4 },
  { "bp_check_compare_vector", call_check_compare_vector, 0, 4, { ZK, ZK, ZK, RES },
    1u << 2 },
  { "bp_check_compare_matrix", call_check_compare_matrix, 0, 4, { ZQK, ZQK, ZQK, RES },
    1u << 2 },
  { "bp_check_gradient", call_check_gradient, 0, 5, { FS, PAR, TK, ZK, RES },
    1u << 1 | 1u << 4 },
  { "bp_check_jacobian", call_check_jacobian, 0, 5, { FV, PAR, TK, ZQK, RES },
    1u << 1 | 1u << 4 },
};
#define N_API (sizeof api / sizeof api[0])

/* The code of the last GSL error, recorded instead of aborting. */
static int last_error;

static void
record_error (const char *reason, const char *file, int line, int gsl_errno)
{
  (void) reason;
  (void) file;
  (void) line;
  last_error = gsl_errno;
}

/* Call row r with argument nulled set to NULL (-1: none) and argument
   bad given wrong shape number wrong (bad -1: none); check the outcome
   is expect, through the handler too when recording. */
static void
call_and_check (const api_row *r, int nulled, int bad, int wrong, int expect,
                int recording)
{
  void *p[MAX_ARGS];
  for (int i = 0; i < r->nargs; i++)
    p[i] = (i == nulled) ? NULL : make (r->args[i], i == bad ? wrong : 0);
  last_error = GSL_SUCCESS;
  const int got = r->call (p);
  const int want = (r->returns_double && expect != GSL_SUCCESS) ? NAN_RETURNED : expect;
  ck_assert_msg (got == want, "%s (NULL arg %d, wrong-size arg %d shape %d): "
                 "returned %d, expected %d (%s)", r->name, nulled, bad, wrong, got,
                 want, expect == GSL_SUCCESS ? "success" : gsl_strerror (expect));
  if (recording)
    ck_assert_msg (last_error == expect, "%s (NULL arg %d, wrong-size arg %d shape %d):"
                   " handler got %d, expected %d", r->name, nulled, bad, wrong,
                   last_error, expect);
  for (int i = 0; i < r->nargs; i++)
    unmake (r->args[i], p[i]);
}

/* Loop index: row r, first with the recording handler, then with the
   handler off. */
START_TEST (test_api_row)
{
  const api_row *r = &api[(size_t) _i % N_API];   /* _i >= 0 */
  const int recording = (_i < (int) N_API);
  gsl_error_handler_t *old = recording ? gsl_set_error_handler (record_error)
                                       : gsl_set_error_handler_off ();
  call_and_check (r, -1, -1, 0, GSL_SUCCESS, recording);
  for (int i = 0; i < r->nargs; i++)
    if (r->args[i] != PAR)   /* params is the caller's, never read here */
      call_and_check (r, i, -1, 0, (r->optional >> i) & 1u ? GSL_SUCCESS : GSL_EFAULT,
                      recording);
  for (int i = 0; i < r->nargs; i++)
    for (int w = 1; w <= n_wrong (r->args[i]); w++)
      call_and_check (r, -1, i, w, GSL_EBADLEN, recording);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_api_workspace)
{
  /* bp_model_workspace_alloc: a zero size is GSL_EINVAL (a size, not a
     pointer, is wrong); bp_model_workspace_free (NULL) does nothing */
  gsl_error_handler_t *old = gsl_set_error_handler (record_error);
  last_error = GSL_SUCCESS;
  ck_assert_ptr_null (bp_model_workspace_alloc (0, M));
  ck_assert_int_eq (last_error, GSL_EINVAL);
  last_error = GSL_SUCCESS;
  ck_assert_ptr_null (bp_model_workspace_alloc (N, 0));
  ck_assert_int_eq (last_error, GSL_EINVAL);
  bp_model_workspace_free (NULL);
  bp_model_workspace *w = bp_model_workspace_alloc (N, M);
  ck_assert_ptr_nonnull (w);
  bp_model_workspace_free (w);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
api_suite (void)
{
  Suite *s = suite_create ("api_errors");
  TCase *tc = tcase_create ("table");
  tcase_add_loop_test (tc, test_api_row, 0, 2 * (int) N_API);
  tcase_add_test (tc, test_api_workspace);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { api_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
