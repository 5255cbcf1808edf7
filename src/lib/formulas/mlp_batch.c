/* mlp_batch.c -- the two-layer network on a mini-batch, assembled from the
   batch functions of bp_batch.h and the activations of bp_activation.h;
   derivations/12-two-layer-network.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_batch.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/valid.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/formulas/layers_trusted.h"
#include "lib/formulas/float.h"

/* the batch activations, the workspace and the chain once for double and
   float: templates_on.h */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/mlp_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/mlp_batch_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* Every element ~ N(0, variance) (layers_trusted.h) */
void
matrix_gaussian (gsl_matrix *M, double variance, gsl_rng *rng)
{
  const double sigma = sqrt (variance);
  for (size_t i = 0; i < M->size1; i++)
    for (size_t j = 0; j < M->size2; j++)
      gsl_matrix_set (M, i, j, gsl_ran_gaussian (rng, sigma));
}

int
mlp_chain_init (mlp_chain *net, gsl_rng *rng)
{
  if (MISSING (net) || MISSING (rng))
    GSL_ERROR ("mlp_chain_init: net and rng must not be NULL", GSL_EFAULT);
  const double m = (double) net->m, H = (double) net->H, n = (double) net->n;
  matrix_gaussian (net->W1, net->act == BP_RELU ? 2.0 / m : 2.0 / (m + H), rng);  /* He, Glorot */
  matrix_gaussian (net->W2, 2.0 / (H + n), rng);                                  /* Glorot */
  gsl_vector_set_zero (net->b1);
  gsl_vector_set_zero (net->b2);
  return GSL_SUCCESS;
}

/* Shapes shared by forward and backward; then every value finite. */
static int
check_sizes (const mlp_chain *net, const gsl_matrix *U, const gsl_matrix *T,
             const mlp_batch_workspace *w)
{
  if (net->W1->size1 != w->H || net->W1->size2 != w->m || net->b1->size != w->H
      || net->W2->size1 != w->n || net->W2->size2 != w->H || net->b2->size != w->n)
    GSL_ERROR ("mlp_batch: W1, b1, W2, b2 must be H x m, H, n x H, n as the workspace",
               GSL_EBADLEN);
  if (U->size1 == 0 || U->size1 > w->B || U->size2 != w->m)
    GSL_ERROR ("mlp_batch: U must have 1 to B rows of m elements", GSL_EBADLEN);
  if (T != NULL && (T->size1 != U->size1 || T->size2 != w->n))
    GSL_ERROR ("mlp_batch: T must have U's rows of n elements", GSL_EBADLEN);
  if (!mlp_finite (net) || !matrix_finite (U) || (T != NULL && !matrix_finite (T)))
    GSL_ERROR ("mlp_batch: a parameter, U or T has a NaN or infinite element",
               GSL_EDOM);
  return GSL_SUCCESS;
}

/* Z = U W1^T + 1 b1^T, A = f(Z), V = A W2^T + 1 b2^T, Y = Softmax(V) */
double
mlp_batch_forward (const mlp_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                   mlp_batch_workspace *w)
{
  if (MISSING (net) || MISSING (U) || MISSING (w))
    GSL_ERROR_VAL ("mlp_batch_forward: net, U and w must not be NULL", GSL_EFAULT,
                   GSL_NAN);
  if (check_sizes (net, U, T, w) != GSL_SUCCESS)
    return GSL_NAN;
  mlp_rows_view r = mlp_first_rows (w, U->size1);
  bp_batch_linear (net->W1, net->b1, U, &r.Z.matrix);
  if (bp_batch_activation_forward (net->act, &r.Z.matrix, &r.A.matrix) != GSL_SUCCESS)
    return GSL_NAN;
  bp_batch_linear (net->W2, net->b2, &r.A.matrix, &r.V.matrix);
  bp_batch_softmax (&r.V.matrix, &r.Y.matrix);
  return T ? bp_batch_softmax_cross_entropy (T, &r.V.matrix) : 0.0;
}

/* The chain of mlp_batch_trusted.h, from the top */
int
mlp_batch_backward (const mlp_chain *net, const gsl_matrix *U, const gsl_matrix *T,
                    mlp_batch_workspace *w, mlp_chain *grad, gsl_matrix *dL_dU,
                    double *L)
{
  if (MISSING (net) || MISSING (U) || MISSING (T) || MISSING (w) || MISSING (grad))
    GSL_ERROR ("mlp_batch_backward: net, U, T, w and grad must not be NULL",
               GSL_EFAULT);
  if (!mlp_same_shape (grad, net))
    GSL_ERROR ("mlp_batch_backward: grad must have the network's shape", GSL_EBADLEN);
  int status = check_sizes (net, U, T, w);
  if (status != GSL_SUCCESS)
    return status;
  if (dL_dU && (dL_dU->size1 != U->size1 || dL_dU->size2 != U->size2))
    GSL_ERROR ("mlp_batch_backward: dL_dU must have U's shape", GSL_EBADLEN);
  if (mlps_overlap (grad, net) || mlp_overlaps_matrix (grad, U) || mlp_overlaps_matrix (grad, T)
      || (dL_dU && (mlp_overlaps_matrix (net, dL_dU) || mlp_overlaps_matrix (grad, dL_dU)
                    || matrices_overlap (dL_dU, U) || matrices_overlap (dL_dU, T))))
    GSL_ERROR ("mlp_batch_backward: grad or dL_dU overlaps net, U, T or each other "
               "(bp_common.h)", GSL_EINVAL);

  const double loss = mlp_batch_forward (net, U, T, w);
  mlp_rows_view r = mlp_first_rows (w, U->size1);
  status = bp_batch_softmax_cross_entropy_grad (T, &r.Y.matrix, &r.dL_dV.matrix);
  if (status != GSL_SUCCESS)                                            /* (Y - T)/B */
    return status;
  bp_batch_grad_weights (&r.dL_dV.matrix, &r.A.matrix, grad->W2);       /* layer 2 */
  bp_batch_grad_bias (&r.dL_dV.matrix, grad->b2);
  bp_batch_grad_input (net->W2, &r.dL_dV.matrix, &r.dL_dA.matrix);
  bp_batch_activation_backward (net->act, &r.Z.matrix, &r.dL_dA.matrix,
                                &r.dL_dZ.matrix);                       /* f' */
  bp_batch_grad_weights (&r.dL_dZ.matrix, U, grad->W1);                 /* layer 1 */
  bp_batch_grad_bias (&r.dL_dZ.matrix, grad->b1);
  if (dL_dU != NULL)
    bp_batch_grad_input (net->W1, &r.dL_dZ.matrix, dL_dU);
  if (L != NULL)
    *L = loss;
  return GSL_SUCCESS;
}
