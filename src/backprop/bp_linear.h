/* bp_linear.h -- the linear layer v = W u + b and its three gradients.
   Derivations: derivations/05-dL-du.md, 06-dL-db.md, 07-dL-dW.md */
#ifndef BP_LINEAR_H
#define BP_LINEAR_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* Slides 3, 11: v = W u + b.  W is n x m, u has m, b and v have n.
   derivations/01-forward-pass.md, eq. (1.2) */
int bp_linear (const gsl_matrix *W, const gsl_vector *b,
               const gsl_vector *u, gsl_vector *v);

/* Slide 11: dL/du = W^T dL/dv.  W is n x m, dL_dv n, dL_du m.
   derivations/05-dL-du.md, eqs. (5.1), (5.2) */
int bp_linear_grad_input (const gsl_matrix *W, const gsl_vector *dL_dv,
                          gsl_vector *dL_du);

/* Slide 13: dL/db = dL/dv (dv/db is the identity).  Equal sizes.
   derivations/06-dL-db.md, eqs. (6.1), (6.2) */
int bp_linear_grad_bias (const gsl_vector *dL_dv, gsl_vector *dL_db);

/* Slides 15-16: dL/dW = dL/dv u^T, i.e. dL/dw_ij = dL/dv_i u_j.
   dL_dv has n, u has m, dL_dW is n x m.
   derivations/07-dL-dW.md, eqs. (7.2), (7.3) */
int bp_linear_grad_weights (const gsl_vector *dL_dv, const gsl_vector *u,
                            gsl_matrix *dL_dW);

BP_END_DECLS
#endif /* BP_LINEAR_H */
