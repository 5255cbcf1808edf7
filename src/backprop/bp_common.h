/* bp_common.h -- declarations shared by every backprop header. */
#ifndef BP_COMMON_H
#define BP_COMMON_H

#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>

#ifdef __cplusplus
# define BP_BEGIN_DECLS extern "C" {
# define BP_END_DECLS }
#else
# define BP_BEGIN_DECLS
# define BP_END_DECLS
#endif

/* Errors, the same for every function of the library (GSL's convention:
   each goes through GSL's error handler, gsl_set_error_handler; functions
   returning int return the code, functions returning double return NaN,
   allocators return NULL):
     GSL_EFAULT   a NULL pointer where a value is read or a result written
                  (a pointer documented "may be NULL" is optional);
     GSL_EBADLEN  sizes that do not agree (each function states its sizes);
     GSL_EDOM     NaN or infinity in an input that must be finite (stated
                  by the function), or labels that must sum to 1 and do not.
   Nothing is written to the outputs when an argument is refused. */

#endif /* BP_COMMON_H */
