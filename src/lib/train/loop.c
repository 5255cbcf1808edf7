/* loop.c -- the training loop and evaluation of every model kind; see
   loop.h and derivations/14-mini-batch.md */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_batch.h"
#include "lib/valid.h"
#include "lib/train/loop.h"

int
loop_blocks_finite (const loop_blocks *bl)
{
  for (size_t k = 0; k < bl->count; k++)
    if (!vector_finite (&bl->theta[k].vector))
      return 0;
  return 1;
}

/* ceil(count / B), eq. (14.9)'s batches per epoch */
size_t
loop_batches (size_t count, size_t B)
{
  return count / B + (count % B != 0);
}

size_t *
loop_order_alloc (size_t count)
{
  if (count > SIZE_MAX / sizeof (size_t))
    return NULL;
  size_t *order = malloc (count * sizeof *order);
  for (size_t k = 0; order && k < count; k++)
    order[k] = k;
  return order;
}

int
loop_epoch (const loop_kind *k, void *model, void *scratch, loop_blocks *bl,
            gsl_matrix *Ub, gsl_matrix *Tb, size_t *order, const bp_dataset *d,
            const bp_sgd_params *p, size_t epoch, gsl_rng *rng,
            bp_progress_function progress, void *arg, double *loss)
{
  const size_t Bmax = Ub->size1, per_epoch = loop_batches (d->count, Bmax);
  size_t step = epoch * per_epoch;
  double total = 0.0;
  /* from the identity each epoch, so that an epoch's order depends on the
     RNG alone (a resumed run shuffles as an uninterrupted one) */
  for (size_t j = 0; j < d->count; j++)
    order[j] = j;
  gsl_ran_shuffle (rng, order, d->count, sizeof *order);
  for (size_t start = 0; start < d->count; start += Bmax)
    {
      const size_t B = d->count - start < Bmax ? d->count - start : Bmax;
      gsl_matrix_view U = gsl_matrix_submatrix (Ub, 0, 0, B, Ub->size2);
      gsl_matrix_view T = gsl_matrix_submatrix (Tb, 0, 0, B, Tb->size2);
      double L;
      int status = bp_dataset_batch (d, order + start, &U.matrix, &T.matrix);
      if (status == GSL_SUCCESS)
        status = k->gradient (model, scratch, &U.matrix, &T.matrix, &L);
      if (status != GSL_SUCCESS)
        return status;
      if (!isfinite (L))   /* the one finiteness check per batch */
        return GSL_EOVRFLW;
      total += (double) B * L;
      const double eta = bp_sgd_learning_rate (p, step++, p->epochs * per_epoch);
      for (size_t j = 0; j < bl->count && status == GSL_SUCCESS; j++)
        {
          /* d/dW (lambda/2) ||W||^2 = lambda W */
          if (bl->decay[j] && p->weight_decay != 0.0)
            status = gsl_blas_daxpy (p->weight_decay, &bl->theta[j].vector,
                                     &bl->grad[j].vector);
          if (status == GSL_SUCCESS)
            status = bp_sgd_update (eta, p->momentum, &bl->grad[j].vector,
                                    &bl->vel[j].vector, &bl->theta[j].vector);
        }
      if (status != GSL_SUCCESS)
        return status;
      if (progress && progress (start + B, d->count, total / (double) (start + B), arg)
          && start + B < d->count)
        return GSL_CONTINUE;   /* stopped by the caller, between batches */
    }
  if (!loop_blocks_finite (bl))   /* the parameters, once per epoch */
    return GSL_EOVRFLW;
  if (loss)
    *loss = total / (double) d->count;
  return GSL_SUCCESS;
}

int
loop_evaluate (const loop_kind *k, const void *model, void *scratch,
               gsl_matrix *Ub, gsl_matrix *Tb, const bp_dataset *d,
               gsl_matrix_ulong *confusion, double *accuracy, double *loss)
{
  const size_t Bmax = Ub->size1;
  size_t *index = loop_order_alloc (Bmax), right = 0;
  if (index == NULL)
    GSL_ERROR ("bp_evaluate: out of memory", GSL_ENOMEM);
  if (confusion)
    gsl_matrix_ulong_set_zero (confusion);
  double total = 0.0;
  int status = GSL_SUCCESS;
  for (size_t start = 0; status == GSL_SUCCESS && start < d->count; start += Bmax)
    {
      const size_t B = d->count - start < Bmax ? d->count - start : Bmax;
      gsl_matrix_view U = gsl_matrix_submatrix (Ub, 0, 0, B, Ub->size2);
      gsl_matrix_view T = gsl_matrix_submatrix (Tb, 0, 0, B, Tb->size2);
      gsl_matrix_view V;
      for (size_t r = 0; r < B; r++)
        index[r] = start + r;
      status = bp_dataset_batch (d, index, &U.matrix, &T.matrix);
      if (status == GSL_SUCCESS)
        status = k->logits (model, scratch, &U.matrix, &V);
      if (status == GSL_SUCCESS && !matrix_finite (&V.matrix))
        status = GSL_EOVRFLW;   /* finite parameters, infinite logits */
      if (status != GSL_SUCCESS)
        break;
      total += (double) B * bp_batch_softmax_cross_entropy (&T.matrix, &V.matrix);
      status = bp_count_predictions (d, start, &V.matrix, confusion, &right);
    }
  free (index);
  if (status != GSL_SUCCESS)
    return status;
  if (accuracy)
    *accuracy = (double) right / (double) d->count;
  if (loss)
    *loss = total / (double) d->count;
  return GSL_SUCCESS;
}
