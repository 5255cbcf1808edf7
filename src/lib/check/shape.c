/* shape.c -- a block's N-d shape (shape.h) */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "lib/check/shape.h"

static size_t
elements (const bp_gradcheck_block *b)
{
  return b->matrix ? b->matrix->size1 * b->matrix->size2 : b->vector->size;
}

int
shape_check (const bp_gradcheck_block *b, const char **what)
{
  if (b->rank == 0)
    return GSL_SUCCESS;
  if (b->rank > BP_GRADCHECK_MAX_RANK)
    {
      *what = "a block's rank must be at most BP_GRADCHECK_MAX_RANK (8)";
      return GSL_EINVAL;
    }
  if (!b->shape)
    {
      *what = "a block of rank >= 1 must have its shape (shape NULL)";
      return GSL_EFAULT;
    }
  size_t n = 1;
  for (size_t d = 0; d < b->rank; d++)
    n *= b->shape[d];
  if (n != elements (b))
    {
      *what = "a block's shape must multiply to its number of elements";
      return GSL_EBADLEN;
    }
  return GSL_SUCCESS;
}

void
shape_copy (const bp_gradcheck_block *b, bp_gradcheck_block_result *r)
{
  r->rank = b->rank;
  for (size_t d = 0; d < b->rank; d++)
    r->shape[d] = b->shape[d];
}

size_t
shape_dims (const bp_gradcheck_block_result *r, size_t dims[])
{
  if (r->rank == 0)
    {
      dims[0] = r->rows;
      dims[1] = r->cols;
      return 2;
    }
  for (size_t d = 0; d < r->rank; d++)
    dims[d] = r->shape[d];
  return r->rank;
}

void
shape_unravel (const size_t dims[], size_t rank, size_t p, size_t idx[])
{
  for (size_t d = rank; d-- > 0;)
    {
      idx[d] = p % dims[d];
      p /= dims[d];
    }
}
