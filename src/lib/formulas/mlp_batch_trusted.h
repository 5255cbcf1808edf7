/* mlp_batch_trusted.h -- (internal) the two-layer batch chain without its
   entry's checks, for the trainer; see mlp_batch.c. */
#ifndef BP_MLP_BATCH_TRUSTED_H
#define BP_MLP_BATCH_TRUSTED_H
#include "backprop/bp_mlp_batch.h"
int mlp_batch_trusted (const bp_mlp *net, const gsl_matrix *U, const gsl_matrix *T,
                       bp_mlp_batch_workspace *w, bp_mlp *grad, double *L);
#endif /* BP_MLP_BATCH_TRUSTED_H */
