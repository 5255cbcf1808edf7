/* train.c -- mini-batch SGD and evaluation; see bp_train.h and
   derivations/14-mini-batch.md */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_train.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/float.h"

/* eta_t = eta_0 (1 + cos(pi t / T)) / 2, t clamped to T */
double
bp_sgd_learning_rate (const bp_sgd_params *p, size_t step, size_t steps)
{
  if (!p)
    GSL_ERROR_VAL ("bp_sgd_learning_rate: p must not be NULL", GSL_EFAULT, GSL_NAN);
  if (steps == 0)
    return p->lr;
  if (step > steps)
    step = steps;   /* past the schedule's end: stay at 0, do not rise again */
  return p->lr * 0.5 * (1.0 + cos (M_PI * (double) step / (double) steps));
}

/* 1 when the elements of a (n_a doubles from pa, stride sa) and b meet
   in memory: the first to last element's bytes compared, a cautious
   answer for interleaved views. */
static int
spans_meet (const double *pa, size_t na, size_t sa, const double *pb, size_t nb,
            size_t sb)
{
  if (na == 0 || nb == 0)
    return 0;
  const uintptr_t a0 = (uintptr_t) pa, a1 = (uintptr_t) (pa + (na - 1) * sa);
  const uintptr_t b0 = (uintptr_t) pb, b1 = (uintptr_t) (pb + (nb - 1) * sb);
  return a0 <= b1 && b0 <= a1;
}

static int
vectors_meet (const gsl_vector *a, const gsl_vector *b)
{
  return spans_meet (a->data, a->size, a->stride, b->data, b->size, b->stride);
}

#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/train/train_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/train/train_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* velocity <- mu velocity + grad; theta <- theta - eta velocity */
int
bp_sgd_update (double eta, double mu, const gsl_vector *grad,
               gsl_vector *velocity, gsl_vector *theta)
{
  if (MISSING (grad) || MISSING (velocity) || MISSING (theta))
    GSL_ERROR ("bp_sgd_update: grad, velocity and theta must not be NULL", GSL_EFAULT);
  if (velocity->size != grad->size || theta->size != grad->size)
    GSL_ERROR ("bp_sgd_update: grad, velocity and theta must have equal sizes",
               GSL_EBADLEN);
  if (vectors_meet (velocity, grad) || vectors_meet (theta, grad)
      || vectors_meet (theta, velocity))
    GSL_ERROR ("bp_sgd_update: grad, velocity and theta must not overlap (bp_common.h)",
               GSL_EINVAL);
  if (!isfinite (eta) || !isfinite (mu))
    GSL_ERROR ("bp_sgd_update: eta and mu must be finite", GSL_EDOM);
  sgd_update_loop (eta, mu, grad, velocity, theta);
  return GSL_SUCCESS;
}

int
bp_count_predictions (const bp_dataset *d, size_t first, const gsl_matrix *V,
                      gsl_matrix_ulong *confusion, size_t *right)
{
  if (MISSING (d) || MISSING (V) || MISSING (right))
    GSL_ERROR ("bp_count_predictions: d, V and right must not be NULL", GSL_EFAULT);
  if (GIVEN_MISSING (confusion))
    GSL_ERROR ("bp_count_predictions: confusion has NULL data", GSL_EFAULT);
  if (first > d->count || V->size1 > d->count - first || V->size2 != d->n_classes)
    GSL_ERROR ("bp_count_predictions: V must have a row per example from first "
               "and a column per class", GSL_EBADLEN);
  if (confusion && (confusion->size1 != d->n_classes || confusion->size2 != d->n_classes))
    GSL_ERROR ("bp_count_predictions: confusion must be n x n", GSL_EBADLEN);
  sgd_count (d, first, V, confusion, right);
  return GSL_SUCCESS;
}

/* ---- the one trainer over a bp_net ----------------------------------- */

/* ceil(count / B), eq. (14.9)'s batches per epoch */
static size_t
batches (size_t count, size_t B)
{
  return count / B + (count % B != 0);
}

/* An identity permutation of count examples, or NULL (the caller reports)
   when count * sizeof (size_t) overflows or memory runs out. */
static size_t *
order_alloc (size_t count)
{
  if (count > SIZE_MAX / sizeof (size_t))
    return NULL;
  size_t *order = malloc (count * sizeof *order);
  for (size_t k = 0; order && k < count; k++)
    order[k] = k;
  return order;
}

bp_net_trainer *
bp_net_trainer_alloc (const bp_net *net, size_t count, size_t B)
{
  if (!net)
    GSL_ERROR_NULL ("bp_net_trainer_alloc: net must not be NULL", GSL_EFAULT);
  if (count == 0 || B == 0)
    GSL_ERROR_NULL ("bp_net_trainer_alloc: no examples or an empty batch", GSL_EINVAL);
  if (count > SIZE_MAX / sizeof (size_t))
    GSL_ERROR_NULL ("bp_net_trainer_alloc: count too large: the order of count "
                    "examples overflows size_t", GSL_EINVAL);
  bp_net_trainer *t = calloc (1, sizeof *t);
  if (t == NULL)
    GSL_ERROR_NULL ("bp_net_trainer_alloc: out of memory", GSL_ENOMEM);
  t->count = count;
  t->ws = bp_net_workspace_alloc (net, B);
  const int f = net->type->dtype == BP_NET_FLOAT32;
  if (t->ws && f)
    t->velocity_float = gsl_vector_float_calloc (net->size);
  else if (t->ws)
    t->velocity = gsl_vector_calloc (net->size);
  t->order = order_alloc (count);
  if (!t->ws || (f ? !t->velocity_float : !t->velocity) || !t->order)
    {
      bp_net_trainer_free (t);
      GSL_ERROR_NULL ("bp_net_trainer_alloc: out of memory", GSL_ENOMEM);
    }
  return t;
}

void
bp_net_trainer_free (bp_net_trainer *t)
{
  if (t == NULL)
    return;
  bp_net_workspace_free (t->ws);
  if (t->velocity) gsl_vector_free (t->velocity);
  if (t->velocity_float) gsl_vector_float_free (t->velocity_float);
  free (t->order);
  free (t);
}

/* 1 when d's images and classes are the network's */
static int
fits_data (const bp_net *net, const bp_dataset *d)
{
  return d->rows == net->shape.rows && d->cols == net->shape.cols
         && d->n_classes == net->shape.n;
}

int
bp_net_train_epoch (const bp_dataset *d, const bp_sgd_params *p, size_t epoch,
                    gsl_rng *rng, bp_net_trainer *t, bp_progress_function progress,
                    void *arg, bp_net *net, double *loss)
{
  if (!d || !p || !rng || !t || !net)
    GSL_ERROR ("bp_net_train_epoch: d, p, rng, t and net must not be NULL", GSL_EFAULT);
  if (t->count != d->count || !fits_data (net, d))
    GSL_ERROR ("bp_net_train_epoch: the trainer or the network was made for another "
               "data set", GSL_EBADLEN);
  bp_net_workspace *ws = t->ws;
  const int f = net->type->dtype == BP_NET_FLOAT32;
  if (ws->type != net->type || !net_same_shape (&ws->shape, &net->shape)
      || (f ? t->velocity_float->size : t->velocity->size) != net->size)
    GSL_ERROR ("bp_net_train_epoch: the trainer was made for another network",
               GSL_EBADLEN);
  if (!net_params_finite (net))
    GSL_ERROR ("bp_net_train_epoch: a parameter is NaN or infinite", GSL_EDOM);
  const size_t per_epoch = batches (d->count, ws->B);
  size_t *order = t->order;
  double total = 0.0;
  /* from the identity each epoch, so that an epoch's order depends on the
     RNG alone (a resumed run shuffles as an uninterrupted one) */
  for (size_t j = 0; j < d->count; j++)
    order[j] = j;
  gsl_ran_shuffle (rng, order, d->count, sizeof *order);
  int status = f ? sgd_float_epoch (d, p, epoch * per_epoch, per_epoch, order, ws,
                                    t->velocity_float, progress, arg, net, &total)
                 : sgd_epoch (d, p, epoch * per_epoch, per_epoch, order, ws, t->velocity,
                              progress, arg, net, &total);
  if (status != GSL_SUCCESS)
    return status;
  if (!net_params_finite (net))   /* the parameters, once per epoch */
    return GSL_EOVRFLW;
  if (loss)
    *loss = total / (double) d->count;
  return GSL_SUCCESS;
}

int
bp_net_evaluate (const bp_dataset *d, const bp_net *net, bp_net_workspace *ws,
                 gsl_matrix_ulong *confusion, double *accuracy, double *loss)
{
  if (!d || !net || !ws)
    GSL_ERROR ("bp_net_evaluate: d, net and ws must not be NULL", GSL_EFAULT);
  if (GIVEN_MISSING (confusion))
    GSL_ERROR ("bp_net_evaluate: confusion has NULL data", GSL_EFAULT);
  if (!fits_data (net, d))
    GSL_ERROR ("bp_net_evaluate: the network was made for another data set",
               GSL_EBADLEN);
  if (ws->type != net->type || !net_same_shape (&ws->shape, &net->shape))
    GSL_ERROR ("bp_net_evaluate: the workspace was made for another network",
               GSL_EBADLEN);
  if (confusion && (confusion->size1 != net->shape.n || confusion->size2 != net->shape.n))
    GSL_ERROR ("bp_net_evaluate: confusion must be n x n", GSL_EBADLEN);
  if (!net_params_finite (net))
    GSL_ERROR ("bp_net_evaluate: a parameter is NaN or infinite", GSL_EDOM);
  size_t *index = order_alloc (ws->B), right = 0;
  if (index == NULL)
    GSL_ERROR ("bp_net_evaluate: out of memory", GSL_ENOMEM);
  if (confusion)
    gsl_matrix_ulong_set_zero (confusion);
  double total = 0.0;
  int status = net->type->dtype == BP_NET_FLOAT32
               ? sgd_float_evaluate (d, net, ws, index, confusion, &right, &total)
               : sgd_evaluate (d, net, ws, index, confusion, &right, &total);
  free (index);
  if (status != GSL_SUCCESS)
    return status;
  if (accuracy)
    *accuracy = (double) right / (double) d->count;
  if (loss)
    *loss = total / (double) d->count;
  return GSL_SUCCESS;
}
