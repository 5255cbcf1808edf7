/* testutil.h -- helpers shared by the Check suites. */
#ifndef BP_TESTUTIL_H
#define BP_TESTUTIL_H

#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "verify/verify.h"
#include "backprop/bp_gradcheck.h"
#include "backprop/bp_net.h"
#include "backprop/bp_idx.h"
#include "backprop/bp_model_file.h"

/* Loop-test configurations: index 0 is the slides' model (10 classes,
   28x28 image); the others draw sizes from a seeded RNG.  Even indices use
   one-hot labels, odd ones soft labels; indices >= TEST_LARGE_FROM scale W
   and b so that the largest |logit| is 500. */
#define TEST_CONFIGS 8
#define TEST_LARGE_FROM 4

/* An RNG seeded from the loop index, so every failure is reproducible. */
gsl_rng *test_rng (int i);

/* The example of configuration i (see above).  With large logits the
   labels are put only on classes with y_i >= 1e-3, so that the slides'
   literal -labels/y stays finite and central differences of log y are
   well posed; the stable forms are tested without that restriction. */
example *test_example (int i);

/* The forward pass and the slides' chain up to dL/dv at ex, step by step
   (bp_cross_entropy_grad, bp_softmax_jacobian, bp_softmax_backward); the
   values are left in ex->ws. */
void test_chain_to_dL_dv (example *ex);

/* A vector of logits uniform in [-scale, scale]. */
gsl_vector *test_logits (gsl_rng *rng, size_t n, double scale);

/* The folder of the small data set (tests/data): $BP_TEST_DATA, set by
   make check, else the source tree's tests/data. */
const char *test_data_dir (void);

/* A tiny data set of count random 4 x 5 images and 3 classes, drawn
   from rng (free it with bp_dataset_free). */
bp_dataset test_tiny_dataset (gsl_rng *rng, size_t count);

/* The one-layer network (bp_net_linear) for d's images and classes, its
   parameters zero; W and b (may be NULL) get views of its blocks. */
bp_net *test_linear_net (const bp_dataset *d, gsl_matrix **W, gsl_vector **b);

/* Read PREFIX-images-idx3-ubyte.gz and PREFIX-labels-idx1-ubyte.gz of
   test_data_dir () into d, failing the test on an error. */
void test_load_subset (const char *prefix, bp_dataset *d);

/* Train net on the 500 images of tests/data ("train") for p->epochs
   epochs of bp_net_train_epoch with rng, failing the test on an error:
   losses[e] gets epoch e's training loss; returns the accuracy on the 200
   images of "t10k".  check_net, check_net_float, check_mlp_batch. */
double test_train_subset (bp_net *net, const bp_sgd_params *p, gsl_rng *rng, double *losses);

/* bp_gradcheck of f in the one block theta (analytic side grad, of its
   shape) by method (one BP_GRADCHECK_* bit) with rtol, atol: fail unless
   it passes with every element checked, naming the worst element. */
void test_gradcheck_pass (const bp_gradcheck_function *f, const gsl_matrix *theta,
                          const gsl_matrix *grad, unsigned method, double rtol,
                          double atol, const char *what);

/* f = |theta|^2 / 2 of the point's first vector block (in double: no
   noise above rounding), a loss for bp_gradcheck; params unused */
int test_half_square_loss (const bp_gradcheck_point *p, void *params, double *L);

/* The one vector block "x" of the n values at x, and its analytic side
   at g (both the caller's, to outlive the calls): bp_gradcheck (f, 1,
   &b->x, &b->grad, ...). */
typedef struct
{
  gsl_vector_view xv, gv;
  bp_gradcheck_block x, grad;
} test_block;
void test_block_init (test_block *b, double *x, double *g, size_t n);

/* bp_gradcheck's default options with method (one BP_GRADCHECK_* bit) */
bp_gradcheck_options test_options (unsigned method);

/* bp_gradcheck of f at the defaults on one element, the block "x" at
   x = x0 with the analytic derivative g0; fail unless its status is
   want.  The result, for the caller to read and free. */
bp_gradcheck_result *test_gradcheck_scalar (const bp_gradcheck_function *f, double x0,
                                            double g0, int want);

/* A plain function of one vector theta: scalar, vector (into out, of
   its size m), complex or complex vector (for the complex step). */
typedef double (*test_scalar_fn) (const gsl_vector *theta, void *params);
typedef int (*test_vector_fn) (const gsl_vector *theta, void *params, gsl_vector *out);
typedef _Complex double (*test_complex_fn) (const gsl_vector_complex *theta, void *params);
typedef int (*test_cvector_fn) (const gsl_vector_complex *theta, void *params,
                                gsl_vector_complex *out);
typedef struct
{
  test_scalar_fn f;
  test_vector_fn fv;
  test_complex_fn cf;
  test_cvector_fn cfv;
  void *params;
} test_plain;

/* bp_gradcheck of q at the one vector block theta against grad (a scalar
   f) or the m x n Jacobian J (a vector f), by method, with the smallest
   step h (or h_complex for the complex step), rtol and atol, the rest at
   the defaults; *r the result.  Fails the test on an error; returns
   bp_gradcheck's status (<= 0). */
int test_plain_check (const test_plain *q, const gsl_vector *theta, const gsl_vector *grad,
                      const gsl_matrix *J, unsigned method, double h, double rtol,
                      double atol, bp_gradcheck_result **r);

/* The same at step BP_CHECK_STEP (BP_CSTEP_STEP): fail unless it passes
   with every element checked, naming the worst element. */
void test_plain_pass (const test_plain *q, const gsl_vector *theta, const gsl_vector *grad,
                      const gsl_matrix *J, unsigned method, double rtol, double atol,
                      const char *what);

/* test_plain_pass by central differences of f (fv), or by the complex
   step of cf. */
void test_gradient_pass (test_scalar_fn f, void *params, const gsl_vector *theta,
                         const gsl_vector *grad, double rtol, double atol,
                         const char *what);
void test_jacobian_pass (test_vector_fn fv, void *params, const gsl_vector *theta,
                         const gsl_matrix *J, double rtol, double atol, const char *what);
void test_cstep_pass (test_complex_fn cf, void *params, const gsl_vector *theta,
                      const gsl_vector *grad, double rtol, double atol, const char *what);

/* The numeric gradient of f at theta by bp_gradcheck's central
   differences (smallest relative step h) into grad and its error
   estimate into abserr (may be NULL); fails the test on an error. */
void test_numeric_gradient (test_scalar_fn f, void *params, const gsl_vector *theta,
                            double h, gsl_vector *grad, gsl_vector *abserr);

/* Fail unless A and B have the same shape and, row by row, the same
   bytes: bit for bit (a NaN equals itself, -0 differs from 0). */
void test_assert_same_bits (const gsl_matrix *A, const gsl_matrix *B, const char *what);

/* The save/load round trip of a training run, as `backprop train' saves
   and --resume reads it: net and its state st written to a model file
   (named from name and i), read back into a new network (returned) and
   *rs, of net's row, and written again from what was read: the same
   bytes, or the test fails.  The files are removed. */
bp_net *test_model_file_round_trip (const bp_net *net, const bp_train_state *st,
                                    const char *name, int i, bp_train_state *rs);

/* A case of the generic suites over the network table (check_net,
   check_net_float): a row's name and the sizes of a small network. */
typedef struct
{
  const char *row;
  size_t n_hidden, hidden[BP_NET_MAX_HIDDEN];
  bp_activation act;
  size_t C1, C2;
} test_net_case;

/* The bp_net_shape of c for images of rows x cols and n classes. */
bp_net_shape test_net_case_shape (const test_net_case *c, size_t rows, size_t cols, size_t n);

/* The cases of every row of the table (bp_net_type_at) of arithmetic
   dtype at each of the n_shapes shapes (rows x cols images, n classes)
   that bp_net_alloc takes for it, into cases (at most max); returns
   their count.  A new row is tested without a new case. */
int test_net_cases (const test_net_case *shapes, size_t n_shapes, size_t rows, size_t cols,
                    size_t n, bp_net_dtype dtype, test_net_case *cases, int max);

/* Fail unless every row of arithmetic dtype has one of the n cases
   (none of the suite's shapes fits it, or the cases overflowed max),
   naming suite. */
void test_net_rows_have_cases (bp_net_dtype dtype, const test_net_case *cases, int n, int max,
                               const char *suite);

/* The double row whose float32 twin is F (F itself for a double row);
   NULL for none. */
const bp_net_type *test_net_double_of (const bp_net_type *F);

/* Ask OpenMP for n threads for what follows (nothing without OpenMP);
   returns the number it would have used before, to give back. */
int test_set_threads (int n);

/* Run each suite with its own runner, so that each prints its own
   "N%: Checks: ..." line; returns the exit status for main. */
int test_run_suites (Suite *(*const makers[]) (void), size_t count);

/* GSL errors recorded instead of aborting: test_record_errors sets a
   handler that keeps the last error's reason and code in test_errors and
   counts the calls (all reset), and returns the handler it replaced, to
   give back.  A test may reset test_errors' fields between calls. */
typedef struct
{
  const char *reason;   /* the last error's, NULL for none */
  int code;             /* the last error's gsl_errno, GSL_SUCCESS for none */
  int count;            /* the handler's calls */
} test_errors_t;
extern test_errors_t test_errors;
gsl_error_handler_t *test_record_errors (void);

/* The reason of the last error recorded ("" for none). */
const char *test_error_reason (void);

#endif /* BP_TESTUTIL_H */
