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

#endif /* BP_CHECK_HINTS_H */
