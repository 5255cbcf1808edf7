/* bp_cross_entropy.h -- the loss and its gradients.
   Derivations: derivations/02-cross-entropy-dL-dy.md,
                derivations/10-simplification-y-minus-labels.md */
#ifndef BP_CROSS_ENTROPY_H
#define BP_CROSS_ENTROPY_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* Slide 5 (with the minus sign the slide drops): L = -sum_i labels_i log y_i.
   A term with labels_i = 0 contributes 0 (the limit 0 log 0 = 0).
   Returns NaN through GSL_ERROR_VAL on a size mismatch.
   derivations/01-forward-pass.md, eq. (1.4); errata.md, entry 1 */
double bp_cross_entropy (const gsl_vector *labels, const gsl_vector *y);

/* Slide 5: dL/dy_i = -labels_i / y_i, and 0 where labels_i = 0.
   Where labels_i > 0 and y_i = 0 the result is -inf, as the formula says;
   use bp_softmax_cross_entropy_grad for a form that never divides.
   derivations/02-cross-entropy-dL-dy.md, eqs. (2.1), (2.2) */
int bp_cross_entropy_grad (const gsl_vector *labels, const gsl_vector *y,
                           gsl_vector *dL_dy);

/* The stable loss of logits: L(v) = log sum_k exp(v_k) - sum_i labels_i v_i
   (= bp_cross_entropy(labels, bp_softmax(v)) when sum labels = 1),
   computed with the log-sum-exp shift, finite for any finite v.
   Computed as sum_i labels_i (lse(v) - v_i) = -sum_i labels_i log y_i, it
   equals bp_cross_entropy(labels, bp_softmax(v)) for ANY labels (soft,
   all zero -> 0, not summing to 1), so it accepts them all; a term with
   labels_i = 0 is 0.  Only its gradient y - labels needs sum labels = 1.
   It is +inf only when the true loss exceeds DBL_MAX (|v| near DBL_MAX).
   NaN or infinity in v or labels: GSL_EDOM.
   derivations/10-simplification-y-minus-labels.md, eq. (10.2) */
double bp_softmax_cross_entropy (const gsl_vector *labels, const gsl_vector *v);

/* The simplification the slides stop short of: J^T dL/dy = y - labels,
   valid when sum_i labels_i = 1.  Never divides, so never inf or NaN.
   Labels whose sum is not 1 within 1e-9 (or is NaN): GSL_EDOM.
   derivations/10-simplification-y-minus-labels.md, eq. (10.1) */
int bp_softmax_cross_entropy_grad (const gsl_vector *labels,
                                   const gsl_vector *y, gsl_vector *dL_dv);

BP_END_DECLS
#endif /* BP_CROSS_ENTROPY_H */
