/* valid.h -- argument checks shared by the library's functions (internal,
   not installed).

   The rule every public function follows (bp_common.h states it for
   users; tests/check_api.c tests it function by function -- a new public
   function gets a row there):
     NULL where a value is read or a result written  -> GSL_EFAULT
       (pointers documented "may be NULL" are optional, not checked);
     sizes that do not agree                          -> GSL_EBADLEN;
     NaN or infinity where a finite input is needed   -> GSL_EDOM.
   Each goes through GSL_ERROR, so GSL's error handler sees it: functions
   returning int return the code, functions returning double return NaN
   (GSL_ERROR_VAL), allocators return NULL (GSL_ERROR_NULL). */
#ifndef BP_VALID_H
#define BP_VALID_H

#include <math.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include "backprop/bp_mlp.h"

/* 1 when every element of v is finite.  gsl_vector_minmax returns NaN as
   both bounds when an element is NaN, so its two bounds say it all. */
static inline int
vector_finite (const gsl_vector *v)
{
  double lo, hi;
  if (v->size == 0)
    return 1;
  gsl_vector_minmax (v, &lo, &hi);
  return isfinite (lo) && isfinite (hi);
}

/* 1 when every element of m is finite (as above). */
static inline int
matrix_finite (const gsl_matrix *m)
{
  double lo, hi;
  if (m->size1 == 0 || m->size2 == 0)
    return 1;
  gsl_matrix_minmax (m, &lo, &hi);
  return isfinite (lo) && isfinite (hi);
}

/* 1 when every row of T sums to 1 within 1e-9 (the labels of a batch,
   as bp_softmax_cross_entropy_grad requires of one example's); a NaN
   fails. */
static inline int
matrix_rows_sum_to_one (const gsl_matrix *T)
{
  for (size_t k = 0; k < T->size1; k++)
    {
      double sum = 0.0;
      for (size_t i = 0; i < T->size2; i++)
        sum += gsl_matrix_get (T, k, i);
      if (!(fabs (sum - 1.0) <= 1e-9))
        return 0;
    }
  return 1;
}

/* 1 when every parameter of the two-layer network net is finite. */
static inline int
mlp_finite (const bp_mlp *net)
{
  return matrix_finite (net->W1) && vector_finite (net->b1)
         && matrix_finite (net->W2) && vector_finite (net->b2);
}

/* 1 when the two-layer networks a and b have the same shape (their
   activations aside). */
static inline int
mlp_same_shape (const bp_mlp *a, const bp_mlp *b)
{
  return a->W1->size1 == b->W1->size1 && a->W1->size2 == b->W1->size2
         && a->b1->size == b->b1->size && a->W2->size1 == b->W2->size1
         && a->W2->size2 == b->W2->size2 && a->b2->size == b->b2->size;
}

#endif /* BP_VALID_H */
