/* mlp_train.c -- mini-batch SGD and evaluation of the two-layer network;
   see bp_mlp_train.h, derivations/12-two-layer-network.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_mlp_train.h"
#include "lib/valid.h"

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

bp_mlp_trainer *
bp_mlp_trainer_alloc (size_t count, size_t B, const bp_mlp *net)
{
  if (!net)
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: net must not be NULL", GSL_EFAULT);
  if (count == 0 || B == 0)
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: no examples or an empty batch", GSL_EINVAL);
  bp_mlp_trainer *t = calloc (1, sizeof *t);
  if (t == NULL)
    GSL_ERROR_NULL ("bp_mlp_trainer_alloc: out of memory", GSL_ENOMEM);
  t->count = count;
  t->ws = bp_mlp_batch_workspace_alloc (B, net->m, net->H, net->n);
  t->U = gsl_matrix_alloc (B, net->m);
  t->T = gsl_matrix_alloc (B, net->n);
  t->grad = bp_mlp_alloc (net->m, net->H, net->n, net->act);
  t->vel = bp_mlp_alloc (net->m, net->H, net->n, net->act);   /* zero */
  t->order = malloc (count * sizeof *t->order);
  if (!t->ws || !t->U || !t->T || !t->grad || !t->vel || !t->order)
    {
      bp_mlp_trainer_free (t);
      GSL_ERROR_NULL ("bp_mlp_trainer_alloc: out of memory", GSL_ENOMEM);
    }
  for (size_t k = 0; k < count; k++)
    t->order[k] = k;
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

/* One block of weights: g <- g + lambda W (the decay), then the momentum
   step of bp_sgd_update. */
static void
update_weights (double eta, const bp_sgd_params *p, gsl_matrix *grad,
                gsl_matrix *vel, gsl_matrix *W)
{
  gsl_vector_view w = flat (W), g = flat (grad), v = flat (vel);
  if (p->weight_decay != 0.0)
    gsl_blas_daxpy (p->weight_decay, &w.vector, &g.vector);   /* d/dW (lambda/2)||W||^2 */
  bp_sgd_update (eta, p->momentum, &g.vector, &v.vector, &w.vector);
}

int
bp_mlp_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                    gsl_rng *rng, bp_mlp_trainer *t, bp_progress_function progress,
                    void *arg, bp_mlp *net, double *loss)
{
  if (!d || !p || !rng || !t || !net)
    GSL_ERROR ("bp_mlp_train_epoch: d, p, rng, t and net must not be NULL", GSL_EFAULT);
  if (!mlp_finite (net))
    GSL_ERROR ("bp_mlp_train_epoch: a parameter is NaN or infinite", GSL_EDOM);
  bp_mlp_batch_workspace *ws = t->ws;
  if (t->count != d->count || ws->n != d->n_classes || ws->m != d->rows * d->cols)
    GSL_ERROR ("bp_mlp_train_epoch: the trainer was made for another data set",
               GSL_EBADLEN);
  if (net->m != ws->m || net->H != ws->H || net->n != ws->n
      || net->W1->tda != net->m || net->W2->tda != net->H)
    GSL_ERROR ("bp_mlp_train_epoch: the network must have the trainer's shape "
               "and contiguous W1, W2", GSL_EBADLEN);
  gsl_ran_shuffle (rng, t->order, t->count, sizeof *t->order);
  const size_t per_epoch = (d->count + ws->B - 1) / ws->B;
  size_t step = epoch * per_epoch;
  double total = 0.0;
  for (size_t start = 0; start < d->count; start += ws->B)
    {
      const size_t B = d->count - start < ws->B ? d->count - start : ws->B;
      gsl_matrix_view U = gsl_matrix_submatrix (t->U, 0, 0, B, ws->m);
      gsl_matrix_view T = gsl_matrix_submatrix (t->T, 0, 0, B, ws->n);
      bp_dataset_batch (d, t->order + start, &U.matrix, &T.matrix);
      double L;
      int status = bp_mlp_batch_backward (net, &U.matrix, &T.matrix, ws, t->grad,
                                          NULL, &L);
      if (status != GSL_SUCCESS)
        return status;
      total += (double) B * L;
      const double eta = bp_sgd_learning_rate (p, step++, p->epochs * per_epoch);
      update_weights (eta, p, t->grad->W1, t->vel->W1, net->W1);
      bp_sgd_update (eta, p->momentum, t->grad->b1, t->vel->b1, net->b1);
      update_weights (eta, p, t->grad->W2, t->vel->W2, net->W2);
      bp_sgd_update (eta, p->momentum, t->grad->b2, t->vel->b2, net->b2);
      if (progress)
        progress (start + B, d->count, arg);
    }
  if (loss)
    *loss = total / (double) d->count;
  return GSL_SUCCESS;
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
  if (!mlp_finite (net))
    GSL_ERROR ("bp_mlp_evaluate: a parameter is NaN or infinite", GSL_EDOM);
  if (ws->n != d->n_classes || ws->m != d->rows * d->cols)
    GSL_ERROR ("bp_mlp_evaluate: the workspace was made for another data set",
               GSL_EBADLEN);
  if (confusion && (confusion->size1 != ws->n || confusion->size2 != ws->n))
    GSL_ERROR ("bp_mlp_evaluate: confusion must be n x n", GSL_EBADLEN);
  gsl_matrix *U = gsl_matrix_alloc (ws->B, ws->m), *T = gsl_matrix_alloc (ws->B, ws->n);
  size_t *index = malloc (ws->B * sizeof *index), right = 0;
  int status = GSL_SUCCESS;
  if (U == NULL || T == NULL || index == NULL)
    {
      if (U) gsl_matrix_free (U);
      if (T) gsl_matrix_free (T);
      free (index);
      GSL_ERROR ("bp_mlp_evaluate: out of memory", GSL_ENOMEM);
    }
  if (confusion)
    gsl_matrix_ulong_set_zero (confusion);
  double total = 0.0;
  for (size_t start = 0; status == GSL_SUCCESS && start < d->count; start += ws->B)
    {
      const size_t B = d->count - start < ws->B ? d->count - start : ws->B;
      gsl_matrix_view Ub = gsl_matrix_submatrix (U, 0, 0, B, ws->m);
      gsl_matrix_view Tb = gsl_matrix_submatrix (T, 0, 0, B, ws->n);
      gsl_matrix_view V = gsl_matrix_submatrix (ws->V, 0, 0, B, ws->n);
      for (size_t r = 0; r < B; r++)
        index[r] = start + r;
      bp_dataset_batch (d, index, &Ub.matrix, &Tb.matrix);
      const double L = bp_mlp_batch_forward (net, &Ub.matrix, &Tb.matrix, ws);
      if (isnan (L))
        status = GSL_EDOM;   /* a parameter is not finite: reported above */
      else
        {
          total += (double) B * L;
          bp_count_predictions (d, start, &V.matrix, confusion, &right);
        }
    }
  if (U) gsl_matrix_free (U);
  if (T) gsl_matrix_free (T);
  free (index);
  if (status != GSL_SUCCESS)
    return status;
  if (accuracy)
    *accuracy = (double) right / (double) d->count;
  if (loss)
    *loss = total / (double) d->count;
  return GSL_SUCCESS;
}
