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

/* 1 when every element of v is finite.  gsl_vector_minmax returns NaN as
   both bounds when an element is NaN, so its two bounds say it all. */
static inline int
bp_vector_finite (const gsl_vector *v)
{
  double lo, hi;
  if (v->size == 0)
    return 1;
  gsl_vector_minmax (v, &lo, &hi);
  return isfinite (lo) && isfinite (hi);
}

/* 1 when every element of m is finite (as above). */
static inline int
bp_matrix_finite (const gsl_matrix *m)
{
  double lo, hi;
  if (m->size1 == 0 || m->size2 == 0)
    return 1;
  gsl_matrix_minmax (m, &lo, &hi);
  return isfinite (lo) && isfinite (hi);
}

#endif /* BP_VALID_H */
