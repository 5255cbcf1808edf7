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

#endif /* BP_COMMON_H */
