/* mlp_train.c -- mini-batch SGD and evaluation of the two-layer network;
   see bp_mlp_train.h, derivations/12-two-layer-network.md */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_mlp_train.h"
#include "lib/valid.h"
#include "lib/train/loop.h"
#include "lib/formulas/mlp_batch_trusted.h"

void
bp_mlp_sgd_params_default (bp_sgd_params *p)
{
  if (!p)
    GSL_ERROR_VOID ("bp_mlp_sgd_params_default: p must not be NULL", GSL_EFAULT);
  p->batch = 64;
  p->lr = 0.05;
  p->momentum = 0.9;
  p->weight_decay = 5e-5;
  p->epochs = 30;
}

/* The two-layer model as a row of the loop (loop.h); the scratch is the
   trainer (its workspace and gradients) or, to evaluate, the workspace. */
typedef struct
{
  bp_mlp_batch_workspace *ws;
  bp_mlp *grad;
} mlp_scratch;

static int
mlp_gradient (void *model, void *scratch, const gsl_matrix *U, const gsl_matrix *T,
              double *L)
{
  mlp_scratch *s = scratch;
  return mlp_batch_trusted (model, U, T, s->ws, s->grad, L);
}

static int
mlp_logits (const void *model, void *scratch, const gsl_matrix *U, gsl_matrix_view *V)
{
  mlp_scratch *s = scratch;
  *V = gsl_matrix_submatrix (s->ws->V, 0, 0, U->size1, s->ws->n);
  return mlp_batch_trusted (model, U, NULL, s->ws, NULL, NULL);
}

static const loop_kind mlp_kind = { "two-layer", mlp_gradient, mlp_logits };

bp_mlp_trainer *
bp_mlp_trainer_alloc (size_t count, size_t B, const bp_mlp *net)
{
  if (!net)
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: net must not be NULL", GSL_EFAULT);
  if (count == 0 || B == 0)
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: no examples or an empty batch", GSL_EINVAL);
  if (count > SIZE_MAX / sizeof (size_t))
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: count too large: the order of count "
                    "examples overflows size_t", GSL_EINVAL);
  bp_mlp_trainer *t = calloc (1, sizeof *t);
  if (t == NULL)
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: out of memory", GSL_ENOMEM);
  t->count = count;
  t->ws = bp_mlp_batch_workspace_alloc (B, net->m, net->H, net->n);
  t->U = t->ws ? gsl_matrix_alloc (B, net->m) : NULL;
  t->T = t->ws ? gsl_matrix_alloc (B, net->n) : NULL;
  t->grad = bp_mlp_alloc (net->m, net->H, net->n, net->act);
  t->vel = bp_mlp_alloc (net->m, net->H, net->n, net->act);   /* zero */
  t->order = loop_order_alloc (count);
  if (!t->ws || !t->U || !t->T || !t->grad || !t->vel || !t->order)
    {
      bp_mlp_trainer_free (t);
      GSL_ERROR_NULL ("bp_mlp_trainer_alloc: out of memory", GSL_ENOMEM);
    }
  return t;
}

void
bp_mlp_trainer_free (bp_mlp_trainer *t)
{
  if (t == NULL)
    return;
  bp_mlp_batch_workspace_free (t->ws);
  if (t->U) gsl_matrix_free (t->U);
  if (t->T) gsl_matrix_free (t->T);
  bp_mlp_free (t->grad);
  bp_mlp_free (t->vel);
  free (t->order);
  free (t);
}

/* A contiguous matrix seen as the vector of its elements. */
static gsl_vector_view
flat (gsl_matrix *A)
{
  return gsl_vector_view_array (A->data, A->size1 * A->size2);
}

static gsl_vector_view
whole (gsl_vector *v)
{
  return gsl_vector_subvector (v, 0, v->size);
}

int
bp_mlp_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                    gsl_rng *rng, bp_mlp_trainer *t, bp_progress_function progress,
                    void *arg, bp_mlp *net, double *loss)
{
  if (!d || !p || !rng || !t || !net)
    GSL_ERROR ("bp_mlp_train_epoch: d, p, rng, t and net must not be NULL", GSL_EFAULT);
  bp_mlp_batch_workspace *ws = t->ws;
  if (t->count != d->count || ws->n != d->n_classes || ws->m != d->rows * d->cols)
    GSL_ERROR ("bp_mlp_train_epoch: the trainer was made for another data set",
               GSL_EBADLEN);
  if (net->m != ws->m || net->H != ws->H || net->n != ws->n || !mlp_same_shape (net, t->vel)
      || net->W1->tda != net->m || net->W2->tda != net->H)
    GSL_ERROR ("bp_mlp_train_epoch: the network must have the trainer's shape "
               "and contiguous W1, W2", GSL_EBADLEN);
  if (!mlp_finite (net))
    GSL_ERROR ("bp_mlp_train_epoch: a parameter is NaN or infinite", GSL_EDOM);
  mlp_scratch s = { ws, t->grad };
  /* W1, b1, W2, b2; the weights decayed, the biases not */
  loop_blocks bl = { .count = 4,
                     .theta = { flat (net->W1), whole (net->b1), flat (net->W2),
                                whole (net->b2) },
                     .grad = { flat (t->grad->W1), whole (t->grad->b1),
                               flat (t->grad->W2), whole (t->grad->b2) },
                     .vel = { flat (t->vel->W1), whole (t->vel->b1),
                              flat (t->vel->W2), whole (t->vel->b2) },
                     .decay = { 1, 0, 1, 0 } };
  return loop_epoch (&mlp_kind, net, &s, &bl, t->U, t->T, t->order, d, p, epoch, rng,
                     progress, arg, loss);
}

int
bp_mlp_evaluate (const bp_dataset *d, const bp_mlp *net, bp_mlp_batch_workspace *ws,
                 gsl_matrix_ulong *confusion, double *accuracy, double *loss)
{
  if (!d || !net || !ws)
    GSL_ERROR ("bp_mlp_evaluate: d, net and ws must not be NULL", GSL_EFAULT);
  if (net->m != ws->m || net->H != ws->H || net->n != ws->n)
    GSL_ERROR ("bp_mlp_evaluate: the network must have the workspace's shape",
               GSL_EBADLEN);
  if (ws->n != d->n_classes || ws->m != d->rows * d->cols)
    GSL_ERROR ("bp_mlp_evaluate: the workspace was made for another data set",
               GSL_EBADLEN);
  if (confusion && (confusion->size1 != ws->n || confusion->size2 != ws->n))
    GSL_ERROR ("bp_mlp_evaluate: confusion must be n x n", GSL_EBADLEN);
  if (!mlp_finite (net))
    GSL_ERROR ("bp_mlp_evaluate: a parameter is NaN or infinite", GSL_EDOM);
  gsl_matrix *U = gsl_matrix_alloc (ws->B, ws->m), *T = gsl_matrix_alloc (ws->B, ws->n);
  int status = GSL_ENOMEM;
  mlp_scratch s = { ws, NULL };
  if (U != NULL && T != NULL)
    status = loop_evaluate (&mlp_kind, net, &s, U, T, d, confusion, accuracy, loss);
  if (U) gsl_matrix_free (U);
  if (T) gsl_matrix_free (T);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("bp_mlp_evaluate: out of memory", GSL_ENOMEM);
  return status;
}
