/* bp_cnn_train.h -- mini-batch SGD for the convolutional network of
   bp_cnn.h on a bp_dataset, and its evaluation: bp_train.h's loop (the
   shared one) with the chain of bp_cnn.h.

   Each step: U, T from the batch (pixels / 255, one-hot labels);
   the chain's mean loss and its gradients; with weight decay lambda,
   lambda times each weight block (K1, K2, W3, W4) added, the biases not;
   then bp_sgd_update (momentum) on every block with the learning rate of
   bp_sgd_learning_rate.
   Derivation: derivations/17-cnn.md, 14-mini-batch.md

   Errors as in bp_train.h: GSL_EFAULT for a NULL argument (those
   documented "may be NULL" aside), GSL_EBADLEN for shapes that do not
   agree, GSL_EDOM for NaN or infinity in the network's parameters. */
#ifndef BP_CNN_TRAIN_H
#define BP_CNN_TRAIN_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_ulong.h>
#include "bp_common.h"
#include "bp_idx.h"
#include "bp_train.h"
#include "bp_cnn.h"
BP_BEGIN_DECLS

/* The defaults of `backprop train --conv C1,C2' (see cnn_train.c); a NULL
   p is reported (GSL_ERROR_VOID, GSL_EFAULT) and nothing done. */
void bp_cnn_sgd_params_default (bp_sgd_params *p);

/* What training keeps between steps, allocated once. */
typedef struct
{
  bp_cnn_workspace *ws;
  gsl_matrix *U, *T;   /* B x m, B x n: the batch */
  bp_cnn *grad;        /* the gradients of the last step */
  bp_cnn *vel;         /* the velocities of the momentum */
  size_t count;
  size_t *order;       /* count: a permutation of the examples */
} bp_cnn_trainer;

/* For count examples, batches of B, and networks of net's shape.  NULL
   (GSL_EFAULT) for a NULL net, (GSL_EINVAL) for a zero count or B,
   (GSL_ENOMEM) when out of memory; bp_cnn_trainer_free (NULL) does
   nothing. */
bp_cnn_trainer *bp_cnn_trainer_alloc (size_t count, size_t B, const bp_cnn *net);
void bp_cnn_trainer_free (bp_cnn_trainer *t);

/* Epoch number epoch (0-based, of p->epochs), as bp_train_epoch. */
int bp_cnn_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                        gsl_rng *rng, bp_cnn_trainer *t,
                        bp_progress_function progress, void *arg,
                        bp_cnn *net, double *loss);

/* Classify every example of d, as bp_evaluate, in batches of ws->B.
   accuracy, loss and confusion may be NULL. */
int bp_cnn_evaluate (const bp_dataset *d, const bp_cnn *net, bp_cnn_workspace *ws,
                     gsl_matrix_ulong *confusion, double *accuracy, double *loss);

BP_END_DECLS
#endif /* BP_CNN_TRAIN_H */
