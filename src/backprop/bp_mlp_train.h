/* bp_mlp_train.h -- mini-batch SGD for the two-layer network of bp_mlp.h
   on a bp_dataset, and its evaluation: bp_train.h's loop with the batch
   chain of bp_mlp_batch.h in place of the one-layer formulas.

   Each step: U, T from the batch (pixels / 255, one-hot labels);
   bp_mlp_batch_backward gives the mean loss and dL/dW1, dL/db1, dL/dW2,
   dL/db2; with weight decay lambda, lambda W1 and lambda W2 are added (the
   loss minimised is L + (lambda/2)(||W1||^2 + ||W2||^2)); then
   bp_sgd_update (momentum) on each of the four blocks with the learning
   rate of bp_sgd_learning_rate.
   Derivation: derivations/12-two-layer-network.md, 14-mini-batch.md

   Errors as in bp_train.h: GSL_EFAULT for a NULL argument (those
   documented "may be NULL" aside), GSL_EBADLEN for shapes that do not
   agree, GSL_EDOM for NaN or infinity in the network's parameters. */
#ifndef BP_MLP_TRAIN_H
#define BP_MLP_TRAIN_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_ulong.h>
#include "bp_common.h"
#include "bp_idx.h"
#include "bp_train.h"
#include "bp_mlp.h"
#include "bp_mlp_batch.h"
BP_BEGIN_DECLS

/* The defaults of `backprop train --hidden H' (see mlp_train.c); a NULL p
   is reported (GSL_ERROR_VOID, GSL_EFAULT) and nothing done. */
void bp_mlp_sgd_params_default (bp_sgd_params *p);

/* What training keeps between steps, allocated once. */
typedef struct
{
  bp_mlp_batch_workspace *ws;
  gsl_matrix *U, *T;   /* B x m, B x n: the batch */
  bp_mlp *grad;        /* the gradients of the last step */
  bp_mlp *vel;         /* the velocities of the momentum */
  size_t count;
  size_t *order;       /* count: a permutation of the examples */
} bp_mlp_trainer;

/* For count examples, batches of B, and networks of net's shape.  NULL
   (GSL_EFAULT) for a NULL net, (GSL_EINVAL) for a zero count or B,
   (GSL_ENOMEM) when out of memory; bp_mlp_trainer_free (NULL) does
   nothing. */
bp_mlp_trainer *bp_mlp_trainer_alloc (size_t count, size_t B, const bp_mlp *net);
void bp_mlp_trainer_free (bp_mlp_trainer *t);

/* Epoch number epoch (0-based, of p->epochs), as bp_train_epoch: shuffle
   with rng, one step per batch of t->ws->B (the last may be smaller);
   *loss (may be NULL) is the mean training loss over the epoch, each
   batch's taken before its update.  progress may be NULL. */
int bp_mlp_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                        gsl_rng *rng, bp_mlp_trainer *t,
                        bp_progress_function progress, void *arg,
                        bp_mlp *net, double *loss);

/* Classify every example of d, as bp_evaluate does for the one-layer
   model, with batches of ws->B.  accuracy, loss and confusion may be NULL.
   net must have ws's shape (GSL_EBADLEN). */
int bp_mlp_evaluate (const bp_dataset *d, const bp_mlp *net,
                     bp_mlp_batch_workspace *ws, gsl_matrix_ulong *confusion,
                     double *accuracy, double *loss);

BP_END_DECLS
#endif /* BP_MLP_TRAIN_H */
