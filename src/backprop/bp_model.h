/* bp_model.h -- the whole one-layer classifier: forward pass, then the
   backward chain of slide 17.  Derivations: derivations/01-forward-pass.md,
   derivations/09-whole-chain.md */
#ifndef BP_MODEL_H
#define BP_MODEL_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* The intermediate values of one example (slide 4, step 1), kept so that a
   loss can be evaluated many times without allocating.  n classes, m inputs.
   derivations/01-forward-pass.md */
typedef struct
{
  size_t n, m;
  gsl_vector *u;      /* m: reshape(x) */
  gsl_vector *v;      /* n: W u + b */
  gsl_vector *y;      /* n: Softmax(v) */
  gsl_vector *dL_dy;  /* n */
  gsl_matrix *J;      /* n x n: dy/dv */
  gsl_vector *dL_dv;  /* n */
  gsl_vector *dL_du;  /* m */
} bp_model_workspace;

/* A workspace for n classes and m inputs; NULL (through GSL_ERROR_NULL)
   when n or m is 0 or memory runs out.  Freed by bp_model_workspace_free,
   which accepts NULL.  derivations/01-forward-pass.md */
bp_model_workspace *bp_model_workspace_alloc (size_t n, size_t m);
void bp_model_workspace_free (bp_model_workspace *w);

/* Slides 3-4: u = reshape(x), v = W u + b, y = Softmax(v), and
   L = -sum labels_i log y_i, returned; u, v, y are left in w.
   W is n x m, b and labels n, x any shape with m elements.
   Returns NaN through GSL_ERROR_VAL on a size mismatch (GSL_EBADLEN), a
   NULL argument (GSL_EFAULT), or a NaN or infinity in W, b, x or labels
   (GSL_EDOM).
   derivations/01-forward-pass.md, eqs. (1.1)-(1.4) */
double bp_model_forward (const gsl_matrix *W, const gsl_vector *b,
                         const gsl_matrix *x, const gsl_vector *labels,
                         bp_model_workspace *w);

/* Slide 17: the forward pass, then dL/dy (slide 5), J (slide 8),
   dL/dv = J^T dL/dy (slide 9), dL/db = dL/dv (13), dL/dW = dL/dv u^T (16),
   dL/du = W^T dL/dv (11) and dL/dx = reshape^-1(dL/du) (17).
   Outputs have the shapes of W, b and x; L may be NULL.
   Errors: as bp_model_forward, and GSL_EOVRFLW when the slides' literal
   dL/dy_i = -labels_i / y_i is infinite (y_i underflowed to 0 where
   labels_i > 0: logits hundreds apart), which would make the gradients
   NaN; bp_softmax_cross_entropy_grad has no such limit.
   derivations/09-whole-chain.md, eqs. (9.1)-(9.3) */
int bp_model_backward (const gsl_matrix *W, const gsl_vector *b,
                       const gsl_matrix *x, const gsl_vector *labels,
                       gsl_matrix *dL_dW, gsl_vector *dL_db,
                       gsl_matrix *dL_dx, double *L);

BP_END_DECLS
#endif /* BP_MODEL_H */
