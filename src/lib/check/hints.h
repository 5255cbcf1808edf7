/* hints.h -- (internal) the patterns of failing elements that name the
   likely bug (bp_gradcheck.h, BP_GRADCHECK_HINT_*);
   derivations/00-numeric-check.md, eq. (0.14) */
#ifndef BP_CHECK_HINTS_H
#define BP_CHECK_HINTS_H
#include "backprop/bp_gradcheck.h"

/* b's hints, factor and shift from its analytic, numeric, abserr and mask
   (the elements FAIL or INCONCLUSIVE there), by the comparison of
   core_compare with rtol and atol; jacobian: b's rows are outputs (a
   shift is looked for within a row), else in the row-major order of the
   block.  Nothing when b has no arrays. */
void hints_find (bp_gradcheck_block_result *b, double rtol, double atol, int jacobian);

/* The hints between the n_blocks blocks of run, after hints_find on
   each (ORed into run->hints): HINT_SUM, and HINT_FACTOR's axis
   (factor_block, factor_axis); scalar f only (jacobian 0). */
void hints_across (bp_gradcheck_run *run, size_t n_blocks, double rtol, double atol,
                   int jacobian);

/* HINT_SUM of the VJP form (L = <dy, F>, dy of m elements) for the
   blocks of run that a backward summed over one row of dy only. */
void hints_vjp (bp_gradcheck_run *run, size_t n_blocks, const double *dy, size_t m,
                double rtol, double atol);

#endif /* BP_CHECK_HINTS_H */
