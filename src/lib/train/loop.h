/* loop.h -- (internal) the one training loop and evaluation shared by every
   model kind: bp_train_epoch and bp_mlp_train_epoch (and bp_evaluate,
   bp_mlp_evaluate) are this loop with a row of per-model operations.
   Adding a model is adding a row: a loop_kind and its blocks.
   derivations/14-mini-batch.md, eqs. (14.1)-(14.10) */
#ifndef BP_LOOP_H
#define BP_LOOP_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_ulong.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_train.h"

/* What the loop needs of a model kind.  Both operations trust their
   arguments (the public entry checked the shapes and that the parameters
   are finite) and return GSL_EOVRFLW, without calling the error handler,
   when finite parameters give a non-finite logit or loss (a diverged run). */
typedef struct
{
  const char *name;
  /* The mean loss *L of the batch (U, T) and its gradients, left in the
     blocks' grad. */
  int (*gradient) (void *model, void *scratch, const gsl_matrix *U,
                   const gsl_matrix *T, double *L);
  /* The logits of the batch U (B x n), *V a view of them in scratch. */
  int (*logits) (const void *model, void *scratch, const gsl_matrix *U,
                 gsl_matrix_view *V);
} loop_kind;

enum { LOOP_MAX_BLOCKS = 8 };

/* A model's parameters, gradients and velocities as vectors over their
   elements, block by block; decay[k] when block k is a weight matrix
   (weight decay applies), not a bias. */
typedef struct
{
  size_t count;
  gsl_vector_view theta[LOOP_MAX_BLOCKS], grad[LOOP_MAX_BLOCKS],
    vel[LOOP_MAX_BLOCKS];
  int decay[LOOP_MAX_BLOCKS];
} loop_blocks;

/* 1 when every parameter is finite: once per epoch, not per batch. */
int loop_blocks_finite (const loop_blocks *bl);

/* The batches of an epoch of count examples: ceil(count / B). */
size_t loop_batches (size_t count, size_t B);

/* An identity permutation of count examples, or NULL (the caller reports)
   when count * sizeof (size_t) overflows or memory runs out. */
size_t *loop_order_alloc (size_t count);

/* One epoch (bp_train_epoch's contract), the batch read into the first
   rows of Ub (B x m) and Tb (B x n). */
int loop_epoch (const loop_kind *k, void *model, void *scratch,
                loop_blocks *bl, gsl_matrix *Ub, gsl_matrix *Tb,
                size_t *order, const bp_dataset *d, const bp_sgd_params *p,
                size_t epoch, gsl_rng *rng, bp_progress_function progress,
                void *arg, double *loss);

/* bp_evaluate's contract, batches of Ub's rows. */
int loop_evaluate (const loop_kind *k, const void *model, void *scratch,
                   gsl_matrix *Ub, gsl_matrix *Tb, const bp_dataset *d,
                   gsl_matrix_ulong *confusion, double *accuracy, double *loss);
#endif /* BP_LOOP_H */
