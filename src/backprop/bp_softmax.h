/* bp_softmax.h -- softmax, its Jacobian, and the vector chain rule.
   Derivations: derivations/03-chain-rule-dL-dv.md, 04-softmax-jacobian.md */
#ifndef BP_SOFTMAX_H
#define BP_SOFTMAX_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* Slide 8: y_i = exp(v_i) / sum_k exp(v_k), computed as
   exp(v_i - max v) / sum_k exp(v_k - max v) so no logit overflows.
   Finite for any finite v, even |v_i| near DBL_MAX (where v_i - max v may
   round to -inf, giving y_i = 0, its true value to double precision);
   NaN or infinity in v: GSL_EDOM.
   derivations/01-forward-pass.md, eq. (1.3) */
int bp_softmax (const gsl_vector *v, gsl_vector *y);

/* Slide 8: J_ij = dy_i/dv_j = y_i (1[i=j] - y_j).  y has n, J is n x n.
   J is symmetric.  derivations/04-softmax-jacobian.md, eqs. (4.2), (4.3) */
int bp_softmax_jacobian (const gsl_vector *y, gsl_matrix *J);

/* Slides 6, 7, 9: dL/dv = J^T dL/dy, J = dy/dv.  J is n x n.
   derivations/03-chain-rule-dL-dv.md, eqs. (3.1), (3.2) */
int bp_softmax_backward (const gsl_matrix *J, const gsl_vector *dL_dy,
                         gsl_vector *dL_dv);

BP_END_DECLS
#endif /* BP_SOFTMAX_H */
