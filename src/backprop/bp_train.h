/* bp_train.h -- mini-batch stochastic gradient descent for a network of
   any row of the table (bp_net.h) on a bp_dataset, and its evaluation:
   one trainer for every model.

   Each step: U, T from the batch (pixels / 255, one-hot labels); the row's
   backward gives the mean loss and every gradient into net->grad (for the
   one-layer model: V = U W^T + 1 b^T; Y = Softmax(V); loss = mean
   log-sum-exp cross-entropy; dL/dV = (Y - T)/B, the fused, stable
   gradient; dL/dW = dL/dV^T U, dL/db = dL/dV^T 1); lambda theta added on
   the weight blocks; then the update below over the flat buffers.
   Derivation: derivations/14-mini-batch.md

   Errors (bp_common.h): GSL_EFAULT for a NULL argument (those documented
   "may be NULL" aside), GSL_EBADLEN for sizes that do not agree, each
   through the GSL error handler, with nothing written; GSL_EDOM for NaN
   or infinity in the parameters given to bp_net_train_epoch or
   bp_net_evaluate.  A run that diverges -- finite parameters giving a
   loss or logit that is not finite, or an epoch ending with a parameter
   that is not finite -- returns GSL_EOVRFLW without calling the error
   handler (it is a result, not a misuse: GSL's default handler does not
   abort a run); the parameters are then partly updated and should be
   discarded.  Finiteness is checked on the loss once per batch and on
   the parameters once per epoch, not on every parameter per batch. */
#ifndef BP_TRAIN_H
#define BP_TRAIN_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_ulong.h>
#include <gsl/gsl_vector_float.h>
#include "bp_common.h"
#include "bp_idx.h"
#include "bp_batch.h"
#include "bp_net.h"   /* bp_sgd_params */
BP_BEGIN_DECLS

/* The defaults of `backprop train' are each row's T->defaults (bp_net.h). */

/* The learning rate of step t of a run of T steps (T = epochs times the
   batches per epoch): cosine decay from p->lr towards 0, step by step,
   eta_t = p->lr (1 + cos(pi t / T)) / 2.  T = 0 gives p->lr.  A step
   t > T is taken as T (the rate stays 0 past the schedule's end instead
   of rising again).  NaN (GSL_EFAULT) for a NULL p.
   derivations/14-mini-batch.md, eq. (14.9) */
double bp_sgd_learning_rate (const bp_sgd_params *p, size_t step, size_t steps);

/* Heavy-ball momentum update of one parameter block (W or b, as vectors
   over their elements):  velocity <- mu velocity + grad;
   theta <- theta - eta velocity.  With mu = 0 this is plain SGD,
   theta <- theta - eta grad.  All three have equal sizes (GSL_EBADLEN)
   and must not overlap in memory (GSL_EINVAL); eta and mu must be finite
   (GSL_EDOM).
   derivations/14-mini-batch.md, eq. (14.8) */
int bp_sgd_update (double eta, double mu, const gsl_vector *grad,
                   gsl_vector *velocity, gsl_vector *theta);

/* Called after every step with the examples done so far, the total, and
   the mean training loss of the epoch's steps so far.  A non-zero return
   stops the epoch there, at the batch boundary: the epoch function then
   returns GSL_CONTINUE (the epoch not finished) without calling the error
   handler, the parameters updated by the steps taken (how `backprop
   train' stops within a batch of Ctrl-C).  After the epoch's last step
   the return value is ignored: the epoch is complete. */
typedef int (*bp_progress_function) (size_t done, size_t total, double loss,
                                     void *arg);

/* The predictions of a batch: row r of V (the logits of example
   first + r of d) predicts the class of its largest element (the first on
   a tie); *right is increased by the rows whose prediction is
   d->labels[first + r], and confusion (n x n, may be NULL) by one at
   (true class, predicted class) for each row.  Used by bp_net_evaluate. */
int bp_count_predictions (const bp_dataset *d, size_t first, const gsl_matrix *V,
                          gsl_matrix_ulong *confusion, size_t *right);

/* --- the one trainer, over a network of any row (bp_net.h) ------------- */

/* What training a network keeps between steps, allocated once: the batch
   matrices, the velocity of every parameter (one vector, net->theta's
   layout: what a model file saves to resume), and the examples' order. */
typedef struct
{
  bp_net_workspace *ws;
  gsl_vector *velocity;   /* net->size, zero at first (a double row) */
  gsl_vector_float *velocity_float;   /* the same for a float32 row */
  size_t count;
  size_t *order;          /* count: a permutation of the examples */
} bp_net_trainer;

/* For count examples, batches of B and networks of net's type and shape.
   NULL (GSL_EFAULT) for a NULL net, (GSL_EINVAL) for a zero count or B,
   (GSL_ENOMEM) when out of memory; bp_net_trainer_free (NULL) does
   nothing. */
bp_net_trainer *bp_net_trainer_alloc (const bp_net *net, size_t count, size_t B);
void bp_net_trainer_free (bp_net_trainer *t);

/* Epoch number epoch (0-based, of p->epochs): shuffle the examples with
   rng (gsl_ran_shuffle, from the identity: an epoch's order depends on
   the RNG alone), then per batch of t's B (the last may be smaller) the row's
   backward, lambda theta added to the gradient of every weight block
   (decay = 1; the biases not), and bp_sgd_update over the whole buffers
   theta, grad, velocity -- one loop for every row.  *loss (may be NULL)
   the mean training loss, each batch's taken before its update, with the
   learning rate bp_sgd_learning_rate gives for the step and momentum
   p->momentum; progress may be NULL (GSL_CONTINUE when it stops the
   epoch, *loss not written).  The network must
   have the data's image and classes, and t be made for it and d
   (GSL_EBADLEN); its parameters finite (GSL_EDOM); GSL_EOVRFLW (no error
   handler) when the run diverges.
   derivations/14-mini-batch.md, eqs. (14.1)-(14.10) */
int bp_net_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                        gsl_rng *rng, bp_net_trainer *t,
                        bp_progress_function progress, void *arg,
                        bp_net *net, double *loss);

/* Classify every example of d in batches of ws's B (the class of largest
   logit, the first on a tie): *accuracy is the fraction right, *loss the
   mean cross-entropy, and confusion (n x n) counts the examples of true
   class i predicted as j at (i, j); each may be NULL.
   The loss: derivations/14-mini-batch.md, eq. (14.4) */
int bp_net_evaluate (const bp_dataset *d, const bp_net *net, bp_net_workspace *ws,
                     gsl_matrix_ulong *confusion, double *accuracy, double *loss);

BP_END_DECLS
#endif /* BP_TRAIN_H */
