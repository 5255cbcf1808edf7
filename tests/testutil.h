/* testutil.h -- helpers shared by the Check suites. */
#ifndef BP_TESTUTIL_H
#define BP_TESTUTIL_H

#include <check.h>
#include <gsl/gsl_rng.h>
#include "verify/verify.h"
#include "backprop/bp_gradcheck.h"
#include "backprop/bp_net.h"
#include "backprop/bp_idx.h"

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

/* Fail the test, naming the worst element, unless r has no failure. */
#define test_assert_pass(r, what)                                          \
  ck_assert_msg ((r).n_checked > 0 && (r).n_failed == 0,                   \
                 "%s: %zu of %zu elements disagree; worst [%zu,%zu]: "     \
                 "analytic %.17g, numeric %.17g, GSL error estimate %.3e", \
                 (what), (r).n_failed, (r).n_checked, (r).worst_row,       \
                 (r).worst_col, (r).worst_analytic, (r).worst_numeric,     \
                 (r).worst_abserr)

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

/* bp_gradcheck of f in the one block theta (analytic side grad, of its
   shape) by method (one BP_GRADCHECK_* bit) with rtol, atol: fail unless
   it passes with every element checked, naming the worst element. */
void test_gradcheck_pass (const bp_gradcheck_function *f, const gsl_matrix *theta,
                          const gsl_matrix *grad, unsigned method, double rtol,
                          double atol, const char *what);

/* Fail unless A and B have the same shape and, row by row, the same
   bytes: bit for bit (a NaN equals itself, -0 differs from 0). */
void test_assert_same_bits (const gsl_matrix *A, const gsl_matrix *B, const char *what);

/* Ask OpenMP for n threads for what follows (nothing without OpenMP);
   returns the number it would have used before, to give back. */
int test_set_threads (int n);

/* Run each suite with its own runner, so that each prints its own
   "N%: Checks: ..." line; returns the exit status for main. */
int test_run_suites (Suite *(*const makers[]) (void), size_t count);

#endif /* BP_TESTUTIL_H */
