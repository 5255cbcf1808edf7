/* mlp_batch_source.c -- the two-layer network's batch chain and what it
   runs on, once for the real arithmetics (templates_on.h: double, float;
   mlp_batch.c); derivations/12-two-layer-network.md.  The double ones are
   bp_batch.h's (the batch activations) and mlp_batch_trusted.h's. */

/* The elements of a contiguous matrix M, as one vector */
#define ELEMENTS(M) FUNCTION (gsl_vector, const_view_array) ((M)->data, (M)->size1 * (M)->size2)

static int
FUNCTION (same, contiguous) (const TYPE (gsl_matrix) *P, const TYPE (gsl_matrix) *Q)
{
  return P->size1 == Q->size1 && P->size2 == Q->size2
         && P->tda == P->size2 && Q->tda == Q->size2;
}

/* A = f(Z), element by element */
int
FUNCTION (bp, batch_activation_forward) (bp_activation act, const TYPE (gsl_matrix) *Z,
                                         TYPE (gsl_matrix) *A)
{
  if (MISSING (Z) || MISSING (A))
    GSL_ERROR (NAME (bp, batch_activation_forward) ": Z and A must not be NULL", GSL_EFAULT);
  if (!FUNCTION (same, contiguous) (Z, A))
    GSL_ERROR (NAME (bp, batch_activation_forward) ": Z and A must have equal shapes and "
               "be contiguous (tda == size2)", GSL_EBADLEN);
  VIEW (gsl_vector, const_view) z = ELEMENTS (Z);
  VIEW (gsl_vector, view) a = FUNCTION (gsl_vector, view_array) (A->data, A->size1 * A->size2);
  return FUNCTION (bp, activation_forward) (act, &z.vector, &a.vector);
}

/* dL/dZ = f'(Z) (.) dL/dA, element by element */
int
FUNCTION (bp, batch_activation_backward) (bp_activation act, const TYPE (gsl_matrix) *Z,
                                          const TYPE (gsl_matrix) *dL_dA,
                                          TYPE (gsl_matrix) *dL_dZ)
{
  if (MISSING (Z) || MISSING (dL_dA) || MISSING (dL_dZ))
    GSL_ERROR (NAME (bp, batch_activation_backward) ": Z, dL_dA and dL_dZ must not be NULL",
               GSL_EFAULT);
  if (!FUNCTION (same, contiguous) (Z, dL_dA) || !FUNCTION (same, contiguous) (Z, dL_dZ))
    GSL_ERROR (NAME (bp, batch_activation_backward) ": Z, dL_dA and dL_dZ must have equal "
               "shapes and be contiguous (tda == size2)", GSL_EBADLEN);
  VIEW (gsl_vector, const_view) z = ELEMENTS (Z), g = ELEMENTS (dL_dA);
  VIEW (gsl_vector, view) out = FUNCTION (gsl_vector, view_array) (dL_dZ->data, dL_dZ->size1 * dL_dZ->size2);
  return FUNCTION (bp, activation_backward) (act, &z.vector, &g.vector, &out.vector);
}

TYPE (mlp_batch_workspace) *
FUNCTION (mlp, batch_workspace_alloc) (size_t B, size_t m, size_t H, size_t n)
{
  if (B == 0 || m == 0 || H == 0 || n == 0)
    GSL_ERROR_NULL (NAME (mlp, batch_workspace_alloc) ": sizes must be positive", GSL_EINVAL);
  if (matrix_too_large (B, H) || matrix_too_large (B, n))
    GSL_ERROR_NULL (NAME (mlp, batch_workspace_alloc) ": sizes too large: B x H or "
                    "B x n doubles overflow size_t", GSL_EINVAL);
  TYPE (mlp_batch_workspace) *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL (NAME (mlp, batch_workspace_alloc) ": out of memory", GSL_ENOMEM);
  *w = (TYPE (mlp_batch_workspace)) { .B = B, .m = m, .H = H, .n = n };
  w->Z = FUNCTION (matrix, alloc) (B, H);
  w->A = FUNCTION (matrix, alloc) (B, H);
  w->V = FUNCTION (matrix, alloc) (B, n);
  w->Y = FUNCTION (matrix, alloc) (B, n);
  w->dL_dV = FUNCTION (matrix, alloc) (B, n);
  w->dL_dA = FUNCTION (matrix, alloc) (B, H);
  w->dL_dZ = FUNCTION (matrix, alloc) (B, H);
  if (!w->Z || !w->A || !w->V || !w->Y || !w->dL_dV || !w->dL_dA || !w->dL_dZ)
    {
      FUNCTION (mlp, batch_workspace_free) (w);
      GSL_ERROR_NULL (NAME (mlp, batch_workspace_alloc) ": out of memory", GSL_ENOMEM);
    }
  return w;
}

void
FUNCTION (mlp, batch_workspace_free) (TYPE (mlp_batch_workspace) *w)
{
  if (w == NULL)
    return;
  if (w->Z) FUNCTION (gsl_matrix, free) (w->Z);
  if (w->A) FUNCTION (gsl_matrix, free) (w->A);
  if (w->V) FUNCTION (gsl_matrix, free) (w->V);
  if (w->Y) FUNCTION (gsl_matrix, free) (w->Y);
  if (w->dL_dV) FUNCTION (gsl_matrix, free) (w->dL_dV);
  if (w->dL_dA) FUNCTION (gsl_matrix, free) (w->dL_dA);
  if (w->dL_dZ) FUNCTION (gsl_matrix, free) (w->dL_dZ);
  free (w);
}

/* The first rows of the workspace's matrices. */
typedef struct
{
  VIEW (gsl_matrix, view) Z, A, V, Y, dL_dV, dL_dA, dL_dZ;
} FUNCTION (mlp, rows_view);

static FUNCTION (mlp, rows_view)
FUNCTION (mlp, first_rows) (TYPE (mlp_batch_workspace) *w, size_t rows)
{
  return (FUNCTION (mlp, rows_view)) {
    FUNCTION (gsl_matrix, submatrix) (w->Z, 0, 0, rows, w->H),
    FUNCTION (gsl_matrix, submatrix) (w->A, 0, 0, rows, w->H),
    FUNCTION (gsl_matrix, submatrix) (w->V, 0, 0, rows, w->n),
    FUNCTION (gsl_matrix, submatrix) (w->Y, 0, 0, rows, w->n),
    FUNCTION (gsl_matrix, submatrix) (w->dL_dV, 0, 0, rows, w->n),
    FUNCTION (gsl_matrix, submatrix) (w->dL_dA, 0, 0, rows, w->H),
    FUNCTION (gsl_matrix, submatrix) (w->dL_dZ, 0, 0, rows, w->H)
  };
}

/* The forward pass and the chain of mlp_batch_backward without its
   entry's checks, for the mlp row (src/lib/net/mlp.c): bp_net.h's
   entries check the shapes, the trainer the parameters once per epoch
   instead of twice per batch.  A logit that is not finite (finite but
   huge parameters) returns GSL_EOVRFLW without the error handler: a
   diverged run, not a misuse.  dL_dU = NULL (the trainer needs no dL/dU);
   grad NULL stops after the forward pass (evaluation). */
int
FUNCTION (mlp, batch_trusted) (const TYPE (mlp_chain) *net, const TYPE (gsl_matrix) *U,
                               const TYPE (gsl_matrix) *T, TYPE (mlp_batch_workspace) *w,
                               TYPE (mlp_chain) *grad, double *L)
{
  FUNCTION (mlp, rows_view) r = FUNCTION (mlp, first_rows) (w, U->size1);
  int status = FUNCTION (bp, batch_linear) (net->W1, net->b1, U, &r.Z.matrix);
  /* ReLU by the CNN's loops over the contiguous rows (layers_trusted.h):
     the same function of each element, without a call per element */
  if (status == GSL_SUCCESS && net->act == BP_RELU)
    FUNCTION (relu, batch_trusted) (&r.Z.matrix, &r.A.matrix);
  else if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_activation_forward) (net->act, &r.Z.matrix, &r.A.matrix);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_linear) (net->W2, net->b2, &r.A.matrix, &r.V.matrix);
  if (status != GSL_SUCCESS)
    return status;
  if (!MATRIX_FINITE (&r.V.matrix))
    return GSL_EOVRFLW;
  if (grad == NULL)
    return GSL_SUCCESS;
  /* L, Y and dL/dV = (Y - T)/B in one pass */
  *L = FUNCTION (batch, softmax_cross_entropy_trusted) (T, &r.V.matrix, &r.Y.matrix,
                                                       &r.dL_dV.matrix);
  if (status == GSL_SUCCESS)                                            /* layer 2 */
    status = FUNCTION (bp, batch_grad_weights) (&r.dL_dV.matrix, &r.A.matrix, grad->W2);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_bias) (&r.dL_dV.matrix, grad->b2);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_input) (net->W2, &r.dL_dV.matrix, &r.dL_dA.matrix);
  if (status == GSL_SUCCESS && net->act == BP_RELU)                     /* f' */
    FUNCTION (relu, batch_backward_trusted) (&r.Z.matrix, &r.dL_dA.matrix, &r.dL_dZ.matrix);
  else if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_activation_backward) (net->act, &r.Z.matrix, &r.dL_dA.matrix,
                                           &r.dL_dZ.matrix);
  if (status == GSL_SUCCESS)                                            /* layer 1 */
    status = FUNCTION (bp, batch_grad_weights) (&r.dL_dZ.matrix, U, grad->W1);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_bias) (&r.dL_dZ.matrix, grad->b1);
  return status;
}

#undef ELEMENTS
