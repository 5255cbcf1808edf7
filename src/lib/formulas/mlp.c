/* mlp.c -- the two-layer network, assembled from the one-layer functions;
   derivations/12-two-layer-network.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_randist.h>
#include "backprop/bp_reshape.h"
#include "backprop/bp_linear.h"
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "lib/formulas/mlp_chain.h"
#include "lib/alloc.h"
#include "lib/valid.h"

mlp_chain *
mlp_chain_alloc (size_t m, size_t H, size_t n, bp_activation act)
{
  if (m == 0 || H == 0 || n == 0)
    GSL_ERROR_NULL ("mlp_chain_alloc: m, H and n must be positive", GSL_EINVAL);
  if (bp_activation_name (act) == NULL)
    GSL_ERROR_NULL ("mlp_chain_alloc: unknown activation", GSL_EINVAL);
  if (matrix_too_large (H, m) || matrix_too_large (n, H))
    GSL_ERROR_NULL ("mlp_chain_alloc: sizes too large: H x m or n x H doubles "
                    "overflow size_t", GSL_EINVAL);
  mlp_chain *net = calloc (1, sizeof *net);
  if (net == NULL)
    GSL_ERROR_NULL ("mlp_chain_alloc: out of memory", GSL_ENOMEM);
  *net = (mlp_chain) { .m = m, .H = H, .n = n, .act = act };
  net->W1 = matrix_calloc (H, m);
  net->b1 = gsl_vector_calloc (H);
  net->W2 = matrix_calloc (n, H);
  net->b2 = gsl_vector_calloc (n);
  if (!net->W1 || !net->b1 || !net->W2 || !net->b2)
    {
      mlp_chain_free (net);
      GSL_ERROR_NULL ("mlp_chain_alloc: out of memory", GSL_ENOMEM);
    }
  return net;
}

void
mlp_chain_free (mlp_chain *net)
{
  if (net == NULL)
    return;
  gsl_matrix_free (net->W1);
  gsl_vector_free (net->b1);
  gsl_matrix_free (net->W2);
  gsl_vector_free (net->b2);
  free (net);
}

static void
gaussian_fill (gsl_matrix *A, double sigma, gsl_rng *rng)
{
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      gsl_matrix_set (A, i, j, gsl_ran_gaussian (rng, sigma));
}

int
mlp_chain_randomize (mlp_chain *net, gsl_rng *rng)
{
  if (MISSING (net) || MISSING (rng))
    GSL_ERROR ("mlp_chain_randomize: net and rng must not be NULL", GSL_EFAULT);
  const double gain = net->act == BP_RELU ? 2.0 : 1.0;
  gaussian_fill (net->W1, sqrt (gain / (double) net->m), rng);
  gaussian_fill (net->W2, sqrt (1.0 / (double) net->H), rng);
  gsl_vector_set_zero (net->b1);
  gsl_vector_set_zero (net->b2);
  return GSL_SUCCESS;
}

mlp_chain_workspace *
mlp_chain_workspace_alloc (size_t m, size_t H, size_t n)
{
  if (m == 0 || H == 0 || n == 0)
    GSL_ERROR_NULL ("mlp_chain_workspace_alloc: m, H and n must be positive", GSL_EINVAL);
  mlp_chain_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("mlp_chain_workspace_alloc: out of memory", GSL_ENOMEM);
  *w = (mlp_chain_workspace) { .m = m, .H = H, .n = n };
  w->u = gsl_vector_alloc (m);
  w->z = gsl_vector_alloc (H);
  w->h = gsl_vector_alloc (H);
  w->v = gsl_vector_alloc (n);
  w->y = gsl_vector_alloc (n);
  w->dL_dv = gsl_vector_alloc (n);
  w->dL_dh = gsl_vector_alloc (H);
  w->dL_dz = gsl_vector_alloc (H);
  w->dL_du = gsl_vector_alloc (m);
  if (!w->u || !w->z || !w->h || !w->v || !w->y || !w->dL_dv || !w->dL_dh
      || !w->dL_dz || !w->dL_du)
    {
      mlp_chain_workspace_free (w);
      GSL_ERROR_NULL ("mlp_chain_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
mlp_chain_workspace_free (mlp_chain_workspace *w)
{
  if (w == NULL)
    return;
  gsl_vector_free (w->u);
  gsl_vector_free (w->z);
  gsl_vector_free (w->h);
  gsl_vector_free (w->v);
  gsl_vector_free (w->y);
  gsl_vector_free (w->dL_dv);
  gsl_vector_free (w->dL_dh);
  gsl_vector_free (w->dL_dz);
  gsl_vector_free (w->dL_du);
  free (w);
}

/* Shapes shared by forward and backward; then every value finite. */
static int
check_sizes (const mlp_chain *net, const gsl_matrix *x, const gsl_vector *labels,
             const mlp_chain_workspace *w)
{
  if (net->W1->size1 != w->H || net->W1->size2 != w->m || net->b1->size != w->H
      || net->W2->size1 != w->n || net->W2->size2 != w->H || net->b2->size != w->n)
    GSL_ERROR ("mlp_chain: W1, b1, W2, b2 must be H x m, H, n x H, n as the workspace",
               GSL_EBADLEN);
  if (x->size1 * x->size2 != w->m)
    GSL_ERROR ("mlp_chain: x must have m elements", GSL_EBADLEN);
  if (labels != NULL && labels->size != w->n)
    GSL_ERROR ("mlp_chain: labels must have n elements", GSL_EBADLEN);
  if (!mlp_finite (net) || !matrix_finite (x)
      || (labels != NULL && !vector_finite (labels)))
    GSL_ERROR ("mlp_chain: a parameter, x or labels has a NaN or infinite element",
               GSL_EDOM);
  return GSL_SUCCESS;
}

/* u = reshape(x), z = W1 u + b1, h = f(z), v = W2 h + b2, y = Softmax(v) */
double
mlp_chain_forward (const mlp_chain *net, const gsl_matrix *x,
                   const gsl_vector *labels, mlp_chain_workspace *w)
{
  if (MISSING (net) || MISSING (x) || MISSING (w))
    GSL_ERROR_VAL ("mlp_chain_forward: net, x and w must not be NULL", GSL_EFAULT, GSL_NAN);
  if (GIVEN_MISSING (labels))
    GSL_ERROR_VAL ("mlp_chain_forward: labels has NULL data", GSL_EFAULT, GSL_NAN);
  if (check_sizes (net, x, labels, w) != GSL_SUCCESS)
    return GSL_NAN;
  bp_reshape (x, w->u);
  bp_linear (net->W1, net->b1, w->u, w->z);
  if (bp_activation_forward (net->act, w->z, w->h) != GSL_SUCCESS)
    return GSL_NAN;
  bp_linear (net->W2, net->b2, w->h, w->v);
  bp_softmax (w->v, w->y);
  return labels ? bp_softmax_cross_entropy (labels, w->v) : 0.0;
}

/* The chain of mlp_chain.h, from the top */
int
mlp_chain_backward (const mlp_chain *net, const gsl_matrix *x,
                    const gsl_vector *labels, mlp_chain_workspace *w,
                    mlp_chain *grad, gsl_matrix *dL_dx, double *L)
{
  if (MISSING (net) || MISSING (x) || MISSING (labels) || MISSING (w) || MISSING (grad))
    GSL_ERROR ("mlp_chain_backward: net, x, labels, w and grad must not be NULL",
               GSL_EFAULT);
  if (GIVEN_MISSING (dL_dx))
    GSL_ERROR ("mlp_chain_backward: dL_dx has NULL data", GSL_EFAULT);
  if (!mlp_same_shape (grad, net))
    GSL_ERROR ("mlp_chain_backward: grad must have the network's shape", GSL_EBADLEN);
  int status = check_sizes (net, x, labels, w);
  if (status != GSL_SUCCESS)
    return status;
  if (dL_dx && (dL_dx->size1 != x->size1 || dL_dx->size2 != x->size2))
    GSL_ERROR ("mlp_chain_backward: dL_dx must have x's shape", GSL_EBADLEN);
  if (mlps_overlap (grad, net) || mlp_overlaps_matrix (grad, x)
      || mlp_overlaps_vector (grad, labels)
      || (dL_dx && (mlp_overlaps_matrix (net, dL_dx) || mlp_overlaps_matrix (grad, dL_dx)
                    || matrices_overlap (dL_dx, x) || vector_matrix_overlap (labels, dL_dx))))
    GSL_ERROR ("mlp_chain_backward: grad or dL_dx overlaps net, x, labels or each other "
               "(bp_common.h)", GSL_EINVAL);

  const double loss = mlp_chain_forward (net, x, labels, w);
  status = bp_softmax_cross_entropy_grad (labels, w->y, w->dL_dv);  /* y - labels */
  if (status != GSL_SUCCESS)
    return status;
  bp_linear_grad_weights (w->dL_dv, w->h, grad->W2);                /* layer 2 */
  bp_linear_grad_bias (w->dL_dv, grad->b2);
  bp_linear_grad_input (net->W2, w->dL_dv, w->dL_dh);
  bp_activation_backward (net->act, w->z, w->dL_dh, w->dL_dz);       /* f' */
  bp_linear_grad_weights (w->dL_dz, w->u, grad->W1);                 /* layer 1 */
  bp_linear_grad_bias (w->dL_dz, grad->b1);
  if (dL_dx != NULL)
    {
      bp_linear_grad_input (net->W1, w->dL_dz, w->dL_du);
      bp_reshape_inverse (w->dL_du, dL_dx);                          /* x */
    }
  if (L != NULL)
    *L = loss;
  return GSL_SUCCESS;
}
