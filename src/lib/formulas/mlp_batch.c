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
#include "backprop/bp_mlp_batch.h"
#include "lib/valid.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/formulas/layers_trusted.h"

/* The elements of a contiguous matrix M, as one vector */
#define ELEMENTS(M) gsl_vector_const_view_array ((M)->data, (M)->size1 * (M)->size2)

static int
same_contiguous (const gsl_matrix *P, const gsl_matrix *Q)
{
  return P->size1 == Q->size1 && P->size2 == Q->size2
         && P->tda == P->size2 && Q->tda == Q->size2;
}

/* A = f(Z), element by element */
int
bp_batch_activation_forward (bp_activation act, const gsl_matrix *Z, gsl_matrix *A)
{
  if (!Z || !A)
    GSL_ERROR ("bp_batch_activation_forward: Z and A must not be NULL", GSL_EFAULT);
  if (!same_contiguous (Z, A))
    GSL_ERROR ("bp_batch_activation_forward: Z and A must have equal shapes and "
               "be contiguous (tda == size2)", GSL_EBADLEN);
  gsl_vector_const_view z = ELEMENTS (Z);
  gsl_vector_view a = gsl_vector_view_array (A->data, A->size1 * A->size2);
  return bp_activation_forward (act, &z.vector, &a.vector);
}

/* dL/dZ = f'(Z) (.) dL/dA, element by element */
int
bp_batch_activation_backward (bp_activation act, const gsl_matrix *Z,
                              const gsl_matrix *dL_dA, gsl_matrix *dL_dZ)
{
  if (!Z || !dL_dA || !dL_dZ)
    GSL_ERROR ("bp_batch_activation_backward: Z, dL_dA and dL_dZ must not be NULL",
               GSL_EFAULT);
  if (!same_contiguous (Z, dL_dA) || !same_contiguous (Z, dL_dZ))
    GSL_ERROR ("bp_batch_activation_backward: Z, dL_dA and dL_dZ must have equal "
               "shapes and be contiguous (tda == size2)", GSL_EBADLEN);
  gsl_vector_const_view z = ELEMENTS (Z), g = ELEMENTS (dL_dA);
  gsl_vector_view out = gsl_vector_view_array (dL_dZ->data, dL_dZ->size1 * dL_dZ->size2);
  return bp_activation_backward (act, &z.vector, &g.vector, &out.vector);
}

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
bp_mlp_init (bp_mlp *net, gsl_rng *rng)
{
  if (!net || !rng)
    GSL_ERROR ("bp_mlp_init: net and rng must not be NULL", GSL_EFAULT);
  const double m = (double) net->m, H = (double) net->H, n = (double) net->n;
  matrix_gaussian (net->W1, net->act == BP_RELU ? 2.0 / m : 2.0 / (m + H), rng);  /* He, Glorot */
  matrix_gaussian (net->W2, 2.0 / (H + n), rng);                                  /* Glorot */
  gsl_vector_set_zero (net->b1);
  gsl_vector_set_zero (net->b2);
  return GSL_SUCCESS;
}

bp_mlp_batch_workspace *
bp_mlp_batch_workspace_alloc (size_t B, size_t m, size_t H, size_t n)
{
  if (B == 0 || m == 0 || H == 0 || n == 0)
    GSL_ERROR_NULL ("bp_mlp_batch_workspace_alloc: sizes must be positive", GSL_EINVAL);
  if (matrix_too_large (B, H) || matrix_too_large (B, n))
    GSL_ERROR_NULL ("bp_mlp_batch_workspace_alloc: sizes too large: B x H or "
                    "B x n doubles overflow size_t", GSL_EINVAL);
  bp_mlp_batch_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("bp_mlp_batch_workspace_alloc: out of memory", GSL_ENOMEM);
  *w = (bp_mlp_batch_workspace) { .B = B, .m = m, .H = H, .n = n };
  w->Z = gsl_matrix_alloc (B, H);
  w->A = gsl_matrix_alloc (B, H);
  w->V = gsl_matrix_alloc (B, n);
  w->Y = gsl_matrix_alloc (B, n);
  w->dL_dV = gsl_matrix_alloc (B, n);
  w->dL_dA = gsl_matrix_alloc (B, H);
  w->dL_dZ = gsl_matrix_alloc (B, H);
  if (!w->Z || !w->A || !w->V || !w->Y || !w->dL_dV || !w->dL_dA || !w->dL_dZ)
    {
      bp_mlp_batch_workspace_free (w);
      GSL_ERROR_NULL ("bp_mlp_batch_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
bp_mlp_batch_workspace_free (bp_mlp_batch_workspace *w)
{
  if (w == NULL)
    return;
  if (w->Z) gsl_matrix_free (w->Z);
  if (w->A) gsl_matrix_free (w->A);
  if (w->V) gsl_matrix_free (w->V);
  if (w->Y) gsl_matrix_free (w->Y);
  if (w->dL_dV) gsl_matrix_free (w->dL_dV);
  if (w->dL_dA) gsl_matrix_free (w->dL_dA);
  if (w->dL_dZ) gsl_matrix_free (w->dL_dZ);
  free (w);
}

/* The first rows of the workspace's matrices. */
typedef struct
{
  gsl_matrix_view Z, A, V, Y, dL_dV, dL_dA, dL_dZ;
} rows_view;

static rows_view
first_rows (bp_mlp_batch_workspace *w, size_t rows)
{
  return (rows_view) {
    gsl_matrix_submatrix (w->Z, 0, 0, rows, w->H),
    gsl_matrix_submatrix (w->A, 0, 0, rows, w->H),
    gsl_matrix_submatrix (w->V, 0, 0, rows, w->n),
    gsl_matrix_submatrix (w->Y, 0, 0, rows, w->n),
    gsl_matrix_submatrix (w->dL_dV, 0, 0, rows, w->n),
    gsl_matrix_submatrix (w->dL_dA, 0, 0, rows, w->H),
    gsl_matrix_submatrix (w->dL_dZ, 0, 0, rows, w->H)
  };
}

/* Shapes shared by forward and backward; then every value finite. */
static int
check_sizes (const bp_mlp *net, const gsl_matrix *U, const gsl_matrix *T,
             const bp_mlp_batch_workspace *w)
{
  if (net->W1->size1 != w->H || net->W1->size2 != w->m || net->b1->size != w->H
      || net->W2->size1 != w->n || net->W2->size2 != w->H || net->b2->size != w->n)
    GSL_ERROR ("bp_mlp_batch: W1, b1, W2, b2 must be H x m, H, n x H, n as the workspace",
               GSL_EBADLEN);
  if (U->size1 == 0 || U->size1 > w->B || U->size2 != w->m)
    GSL_ERROR ("bp_mlp_batch: U must have 1 to B rows of m elements", GSL_EBADLEN);
  if (T != NULL && (T->size1 != U->size1 || T->size2 != w->n))
    GSL_ERROR ("bp_mlp_batch: T must have U's rows of n elements", GSL_EBADLEN);
  if (!mlp_finite (net) || !matrix_finite (U) || (T != NULL && !matrix_finite (T)))
    GSL_ERROR ("bp_mlp_batch: a parameter, U or T has a NaN or infinite element",
               GSL_EDOM);
  return GSL_SUCCESS;
}

/* Z = U W1^T + 1 b1^T, A = f(Z), V = A W2^T + 1 b2^T, Y = Softmax(V) */
double
bp_mlp_batch_forward (const bp_mlp *net, const gsl_matrix *U, const gsl_matrix *T,
                      bp_mlp_batch_workspace *w)
{
  if (!net || !U || !w)
    GSL_ERROR_VAL ("bp_mlp_batch_forward: net, U and w must not be NULL", GSL_EFAULT,
                   GSL_NAN);
  if (check_sizes (net, U, T, w) != GSL_SUCCESS)
    return GSL_NAN;
  rows_view r = first_rows (w, U->size1);
  bp_batch_linear (net->W1, net->b1, U, &r.Z.matrix);
  if (bp_batch_activation_forward (net->act, &r.Z.matrix, &r.A.matrix) != GSL_SUCCESS)
    return GSL_NAN;
  bp_batch_linear (net->W2, net->b2, &r.A.matrix, &r.V.matrix);
  bp_batch_softmax (&r.V.matrix, &r.Y.matrix);
  return T ? bp_batch_softmax_cross_entropy (T, &r.V.matrix) : 0.0;
}

/* The chain of bp_mlp_batch.h, from the top */
int
bp_mlp_batch_backward (const bp_mlp *net, const gsl_matrix *U, const gsl_matrix *T,
                       bp_mlp_batch_workspace *w, bp_mlp *grad, gsl_matrix *dL_dU,
                       double *L)
{
  if (!net || !U || !T || !w || !grad)
    GSL_ERROR ("bp_mlp_batch_backward: net, U, T, w and grad must not be NULL",
               GSL_EFAULT);
  if (!mlp_same_shape (grad, net))
    GSL_ERROR ("bp_mlp_batch_backward: grad must have the network's shape", GSL_EBADLEN);
  int status = check_sizes (net, U, T, w);
  if (status != GSL_SUCCESS)
    return status;
  if (dL_dU && (dL_dU->size1 != U->size1 || dL_dU->size2 != U->size2))
    GSL_ERROR ("bp_mlp_batch_backward: dL_dU must have U's shape", GSL_EBADLEN);
  if (mlps_overlap (grad, net) || mlp_overlaps_matrix (grad, U) || mlp_overlaps_matrix (grad, T)
      || (dL_dU && (mlp_overlaps_matrix (net, dL_dU) || mlp_overlaps_matrix (grad, dL_dU)
                    || matrices_overlap (dL_dU, U) || matrices_overlap (dL_dU, T))))
    GSL_ERROR ("bp_mlp_batch_backward: grad or dL_dU overlaps net, U, T or each other "
               "(bp_common.h)", GSL_EINVAL);

  const double loss = bp_mlp_batch_forward (net, U, T, w);
  rows_view r = first_rows (w, U->size1);
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

/* The forward pass and the chain of bp_mlp_batch_backward without its
   entry's checks, for the mlp row (src/lib/net/mlp.c): bp_net.h's
   entries check the shapes, the trainer the parameters once per epoch
   instead of twice per batch.  A logit that is not finite (finite but
   huge parameters) returns GSL_EOVRFLW without the error handler: a
   diverged run, not a misuse.  dL_dU = NULL (the trainer needs no dL/dU);
   grad NULL stops after the forward pass (evaluation). */
int
mlp_batch_trusted (const bp_mlp *net, const gsl_matrix *U, const gsl_matrix *T,
                   bp_mlp_batch_workspace *w, bp_mlp *grad, double *L)
{
  rows_view r = first_rows (w, U->size1);
  int status = bp_batch_linear (net->W1, net->b1, U, &r.Z.matrix);
  if (status == GSL_SUCCESS)
    status = bp_batch_activation_forward (net->act, &r.Z.matrix, &r.A.matrix);
  if (status == GSL_SUCCESS)
    status = bp_batch_linear (net->W2, net->b2, &r.A.matrix, &r.V.matrix);
  if (status != GSL_SUCCESS)
    return status;
  if (!matrix_finite (&r.V.matrix))
    return GSL_EOVRFLW;
  if (grad == NULL)
    return GSL_SUCCESS;
  *L = bp_batch_softmax_cross_entropy (T, &r.V.matrix);
  status = bp_batch_softmax (&r.V.matrix, &r.Y.matrix);
  if (status == GSL_SUCCESS)                                            /* (Y - T)/B */
    status = bp_batch_softmax_cross_entropy_grad (T, &r.Y.matrix, &r.dL_dV.matrix);
  if (status == GSL_SUCCESS)                                            /* layer 2 */
    status = bp_batch_grad_weights (&r.dL_dV.matrix, &r.A.matrix, grad->W2);
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_bias (&r.dL_dV.matrix, grad->b2);
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_input (net->W2, &r.dL_dV.matrix, &r.dL_dA.matrix);
  if (status == GSL_SUCCESS)                                            /* f' */
    status = bp_batch_activation_backward (net->act, &r.Z.matrix, &r.dL_dA.matrix,
                                           &r.dL_dZ.matrix);
  if (status == GSL_SUCCESS)                                            /* layer 1 */
    status = bp_batch_grad_weights (&r.dL_dZ.matrix, U, grad->W1);
  if (status == GSL_SUCCESS)
    status = bp_batch_grad_bias (&r.dL_dZ.matrix, grad->b1);
  return status;
}
