/* cnn_trusted.h -- (internal) the CNN's chain without its entry's checks,
   for the trainer; see cnn.c. */
#ifndef BP_CNN_TRUSTED_H
#define BP_CNN_TRUSTED_H
#include "lib/formulas/cnn_chain.h"
/* The forward pass and, grad not NULL, every gradient into grad, dL/dU
   into dL_dU (may be NULL; U's shape, contiguous) and the loss into *L; GSL_EOVRFLW without the error handler when a logit is not
   finite (a diverged run).  The caller checked the shapes, and that the
   parameters are finite. */
int cnn_trusted (const cnn_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                 cnn_chain_workspace *w, cnn_chain *grad, gsl_matrix *dL_dU, double *L);
/* The sizes of a network of these sizes into *s, no parameters (the
   block pointers NULL): 0, or -1 for sizes cnn_chain_alloc refuses. */
int cnn_sizes (cnn_chain *s, size_t rows, size_t cols, size_t C1, size_t C2, size_t H,
               size_t n);
/* 1 when every parameter of net is finite. */
int cnn_finite (const cnn_chain *net);
#endif /* BP_CNN_TRUSTED_H */
