/* shape.h -- (internal) a block's N-d shape (bp_gradcheck_block's rank
   and shape): its check, its copy into the result, and the N-d index of
   an element, for the report and the hints */
#ifndef BP_CHECK_SHAPE_H
#define BP_CHECK_SHAPE_H
#include "backprop/bp_gradcheck.h"

/* GSL_SUCCESS when b's rank and shape are valid (rank 0, or at most
   BP_GRADCHECK_MAX_RANK dimensions whose product is b's number of
   elements), else the error code (GSL_EFAULT, GSL_EINVAL, GSL_EBADLEN)
   and what is wrong into *what. */
int shape_check (const bp_gradcheck_block *b, const char **what);

/* b's rank and shape into its result r. */
void shape_copy (const bp_gradcheck_block *b, bp_gradcheck_block_result *r);

/* r's shape into dims: the given one, else rows x cols; the rank. */
size_t shape_dims (const bp_gradcheck_block_result *r, size_t dims[]);

/* The N-d index of the element at row-major position p of an array of
   the given dims into idx. */
void shape_unravel (const size_t dims[], size_t rank, size_t p, size_t idx[]);

#endif /* BP_CHECK_SHAPE_H */
