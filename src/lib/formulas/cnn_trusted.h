/* cnn_trusted.h -- (internal) the CNN's chain without its entry's checks,
   for the trainer; see cnn.c. */
#ifndef BP_CNN_TRUSTED_H
#define BP_CNN_TRUSTED_H
#include "backprop/bp_cnn.h"
/* The forward pass and, grad not NULL, every gradient into grad and the
   loss into *L; GSL_EOVRFLW without the error handler when a logit is not
   finite (a diverged run).  The caller checked the shapes, and that the
   parameters are finite. */
int cnn_trusted (const bp_cnn *net, const gsl_matrix *U, const gsl_matrix *T,
                 bp_cnn_workspace *w, bp_cnn *grad, double *L);
/* 1 when every parameter of net is finite. */
int cnn_finite (const bp_cnn *net);
#endif /* BP_CNN_TRUSTED_H */
