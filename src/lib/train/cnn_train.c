/* cnn_train.c -- mini-batch SGD and evaluation of the convolutional
   network; see bp_cnn_train.h, derivations/17-cnn.md */
#include <config.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_cnn_train.h"
#include "lib/valid.h"
#include "lib/train/loop.h"
#include "lib/formulas/cnn_trusted.h"

void
bp_cnn_sgd_params_default (bp_sgd_params *p)
{
  if (!p)
    GSL_ERROR_VOID ("bp_cnn_sgd_params_default: p must not be NULL", GSL_EFAULT);
  p->batch = 64;
  p->lr = 0.05;
  p->momentum = 0.9;
  p->weight_decay = 5e-4;
  p->epochs = 15;
}

/* The CNN as a row of the loop (loop.h); the scratch is the trainer's
   workspace and gradients or, to evaluate, the workspace alone. */
typedef struct
{
  bp_cnn_workspace *ws;
  bp_cnn *grad;
} cnn_scratch;

static int
cnn_gradient (void *model, void *scratch, const gsl_matrix *U, const gsl_matrix *T,
              double *L)
{
  cnn_scratch *s = scratch;
  return cnn_trusted (model, U, T, s->ws, s->grad, NULL, L);
}

static int
cnn_logits (const void *model, void *scratch, const gsl_matrix *U, gsl_matrix_view *V)
{
  cnn_scratch *s = scratch;
  *V = gsl_matrix_submatrix (s->ws->V, 0, 0, U->size1, s->ws->V->size2);
  return cnn_trusted (model, U, NULL, s->ws, NULL, NULL, NULL);
}

static const loop_kind cnn_kind = { "cnn", cnn_gradient, cnn_logits };

bp_cnn_trainer *
bp_cnn_trainer_alloc (size_t count, size_t B, const bp_cnn *net)
{
  if (!net)
    GSL_ERROR_NULL ("bp_cnn_trainer_alloc: net must not be NULL", GSL_EFAULT);
  if (count == 0 || B == 0)
    GSL_ERROR_NULL ("bp_cnn_trainer_alloc: no examples or an empty batch", GSL_EINVAL);
  if (count > SIZE_MAX / sizeof (size_t))
    GSL_ERROR_NULL ("bp_cnn_trainer_alloc: count too large: the order of count "
                    "examples overflows size_t", GSL_EINVAL);
  bp_cnn_trainer *t = calloc (1, sizeof *t);
  if (t == NULL)
    GSL_ERROR_NULL ("bp_cnn_trainer_alloc: out of memory", GSL_ENOMEM);
  t->count = count;
  t->ws = bp_cnn_workspace_alloc (B, net);
  t->U = t->ws ? gsl_matrix_alloc (B, net->rows * net->cols) : NULL;
  t->T = t->ws ? gsl_matrix_alloc (B, net->n) : NULL;
  t->grad = bp_cnn_alloc (net->rows, net->cols, net->C1, net->C2, net->H, net->n);
  t->vel = bp_cnn_alloc (net->rows, net->cols, net->C1, net->C2, net->H, net->n);
  t->order = loop_order_alloc (count);
  if (!t->ws || !t->U || !t->T || !t->grad || !t->vel || !t->order)
    {
      bp_cnn_trainer_free (t);
      GSL_ERROR_NULL ("bp_cnn_trainer_alloc: out of memory", GSL_ENOMEM);
    }
  return t;
}

void
bp_cnn_trainer_free (bp_cnn_trainer *t)
{
  if (t == NULL)
    return;
  bp_cnn_workspace_free (t->ws);
  if (t->U) gsl_matrix_free (t->U);
  if (t->T) gsl_matrix_free (t->T);
  bp_cnn_free (t->grad);
  bp_cnn_free (t->vel);
  free (t->order);
  free (t);
}

/* A block (contiguous) seen as the vector of its elements. */
static gsl_vector_view
flat (bp_cnn_block b)
{
  return b.M ? gsl_vector_view_array (b.M->data, b.M->size1 * b.M->size2)
             : gsl_vector_subvector (b.v, 0, b.v->size);
}

int
bp_cnn_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                    gsl_rng *rng, bp_cnn_trainer *t, bp_progress_function progress,
                    void *arg, bp_cnn *net, double *loss)
{
  if (!d || !p || !rng || !t || !net)
    GSL_ERROR ("bp_cnn_train_epoch: d, p, rng, t and net must not be NULL", GSL_EFAULT);
  if (t->count != d->count || net->n != d->n_classes || net->rows != d->rows
      || net->cols != d->cols)
    GSL_ERROR ("bp_cnn_train_epoch: the trainer or the network was made for another "
               "data set", GSL_EBADLEN);
  if (!bp_cnn_same_shape (net, t->vel))
    GSL_ERROR ("bp_cnn_train_epoch: the network must have the trainer's shape",
               GSL_EBADLEN);
  bp_cnn_block th[BP_CNN_MAX_BLOCKS], gr[BP_CNN_MAX_BLOCKS], ve[BP_CNN_MAX_BLOCKS];
  loop_blocks bl = { .count = bp_cnn_blocks (net, th) };
  bp_cnn_blocks (t->grad, gr);
  bp_cnn_blocks (t->vel, ve);
  for (size_t k = 0; k < bl.count; k++)
    {
      if (th[k].M && th[k].M->tda != th[k].M->size2)
        GSL_ERROR ("bp_cnn_train_epoch: the weight matrices must be contiguous",
                   GSL_EBADLEN);
      bl.theta[k] = flat (th[k]);
      bl.grad[k] = flat (gr[k]);
      bl.vel[k] = flat (ve[k]);
      bl.decay[k] = th[k].M != NULL;   /* the weights decayed, the biases not */
    }
  if (!cnn_finite (net))
    GSL_ERROR ("bp_cnn_train_epoch: a parameter is NaN or infinite", GSL_EDOM);
  cnn_scratch s = { t->ws, t->grad };
  return loop_epoch (&cnn_kind, net, &s, &bl, t->U, t->T, t->order, d, p, epoch, rng,
                     progress, arg, loss);
}

int
bp_cnn_evaluate (const bp_dataset *d, const bp_cnn *net, bp_cnn_workspace *ws,
                 gsl_matrix_ulong *confusion, double *accuracy, double *loss)
{
  if (!d || !net || !ws)
    GSL_ERROR ("bp_cnn_evaluate: d, net and ws must not be NULL", GSL_EFAULT);
  if (!bp_cnn_same_shape (net, &ws->shape))
    GSL_ERROR ("bp_cnn_evaluate: the network must have the workspace's shape",
               GSL_EBADLEN);
  if (net->n != d->n_classes || net->rows != d->rows || net->cols != d->cols)
    GSL_ERROR ("bp_cnn_evaluate: the network was made for another data set",
               GSL_EBADLEN);
  if (confusion && (confusion->size1 != net->n || confusion->size2 != net->n))
    GSL_ERROR ("bp_cnn_evaluate: confusion must be n x n", GSL_EBADLEN);
  if (!cnn_finite (net))
    GSL_ERROR ("bp_cnn_evaluate: a parameter is NaN or infinite", GSL_EDOM);
  gsl_matrix *U = gsl_matrix_alloc (ws->B, net->rows * net->cols);
  gsl_matrix *T = gsl_matrix_alloc (ws->B, net->n);
  int status = GSL_ENOMEM;
  cnn_scratch s = { ws, NULL };
  if (U != NULL && T != NULL)
    status = loop_evaluate (&cnn_kind, net, &s, U, T, d, confusion, accuracy, loss);
  if (U) gsl_matrix_free (U);
  if (T) gsl_matrix_free (T);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("bp_cnn_evaluate: out of memory", GSL_ENOMEM);
  return status;
}
