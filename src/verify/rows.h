/* rows.h -- (internal) one row of `backprop verify''s tables: the one
   copy of the mechanism every group's rows use (verify.c), shared by the
   groups of the convolutional layers (verify_cnn.c). */
#ifndef BP_VERIFY_ROWS_H
#define BP_VERIFY_ROWS_H

#include <complex.h>
#include "backprop/bp_gradcheck.h"
#include "verify/verify.h"

/* A row of a table: what is printed, and which argument of the model (an
   index into the group's blocks) its gradient is taken with respect to. */
typedef struct
{
  const char *slide, *formula, *function;
  size_t arg;
} verify_row;

/* What a row's run reports: checked, errors, verdict, worst element, and
   the elements found at a kink (bp_gradcheck.h: not failures). */
typedef struct
{
  size_t n_checked, n_failed, n_kinks;
  double max_abs_err, max_rel_err, max_est_err;
  bp_gradcheck_verdict verdict;
  bp_gradcheck_element worst;
  int jacobian;
} row_result;

/* The row's line from the GSL result g and the complex-step result c,
   each read only when o selects its method; 0 when every one passes. */
int print_row (const verify_opts *o, const verify_row *row, const row_result *g,
               const row_result *c);

/* Check f's gradient (Jacobian) with respect to theta against analytic,
   by o's oracles through bp_gradcheck; print the row.  threads: for the
   central differences of a large row, the count its callbacks have
   scratch for.  Returns 0 (PASS), 1 (not), -1 (could not be carried out). */
int check_row (const verify_opts *o, const verify_row *row,
               const bp_gradcheck_function *f, const bp_gradcheck_block *theta,
               const bp_gradcheck_block *analytic, size_t threads);

/* A row with no oracle: the n comparisons r (verify_compare) of one
   computation with another, printed in every column as one; 0 when all
   pass. */
int compare_row (const verify_opts *o, const verify_row *row, const verify_diff *r,
                 size_t n);

/* The rows of a table. */
#define ROWS(n) (sizeof (n) / sizeof (n)[0])

/* *failures += f, or -1 from the first f < 0 on. */
void tally (int *failures, int f);

/* L into *out; 0 when finite, 1 (outside the domain) otherwise. */
int finite_or_outside (double L, double *out);
int complex_or_outside (double complex L, gsl_complex *out);

#endif /* BP_VERIFY_ROWS_H */
