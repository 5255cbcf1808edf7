/* deep_row_source.c -- (internal) the perceptron of L layers over the
   batch formulas of bp_batch.h, written once over templates_on.h: deep.c
   instantiates it in double (bp_net_deep) and float (bp_net_deep_float).
   derivations/12-two-layer-network.md, "More hidden layers" */

/* Z_l, A_l, dL/dA_l, dL/dZ_l of the hidden layers (index l - 1), and the
   logits' V, Y, dL/dV. */
typedef struct
{
  size_t hidden;
  TYPE (gsl_matrix) *Z[BP_NET_MAX_HIDDEN], *A[BP_NET_MAX_HIDDEN];
  TYPE (gsl_matrix) *dA[BP_NET_MAX_HIDDEN], *dZ[BP_NET_MAX_HIDDEN];
  TYPE (gsl_matrix) *V, *Y, *dV;
} FUNCTION (deep, ws);

static void
FUNCTION (deep, ws_free) (void *p)
{
  FUNCTION (deep, ws) *w = p;
  if (w == NULL)
    return;
  TYPE (gsl_matrix) **all[] = { w->Z, w->A, w->dA, w->dZ };
  for (size_t k = 0; k < 4; k++)
    for (size_t l = 0; l < w->hidden; l++)
      if (all[k][l]) FUNCTION (gsl_matrix, free) (all[k][l]);
  if (w->V) FUNCTION (gsl_matrix, free) (w->V);
  if (w->Y) FUNCTION (gsl_matrix, free) (w->Y);
  if (w->dV) FUNCTION (gsl_matrix, free) (w->dV);
  free (w);
}

static void *
FUNCTION (deep, ws_alloc) (const bp_net *net, size_t B)
{
  FUNCTION (deep, ws) *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->hidden = net->shape.n_hidden;
  int ok = 1;
  for (size_t l = 0; l < w->hidden; l++)
    {
      const size_t h = net->shape.hidden[l];
      if (matrix_too_large (B, h))
        ok = 0;
      else
        {
          w->Z[l] = FUNCTION (matrix, alloc) (B, h);
          w->A[l] = FUNCTION (matrix, alloc) (B, h);
          w->dA[l] = FUNCTION (matrix, alloc) (B, h);
          w->dZ[l] = FUNCTION (matrix, alloc) (B, h);
          ok = ok && w->Z[l] && w->A[l] && w->dA[l] && w->dZ[l];
        }
    }
  w->V = FUNCTION (matrix, alloc) (B, net->shape.n);
  w->Y = FUNCTION (matrix, alloc) (B, net->shape.n);
  w->dV = FUNCTION (matrix, alloc) (B, net->shape.n);
  if (!ok || !w->V || !w->Y || !w->dV)
    {
      FUNCTION (deep, ws_free) (w);
      return NULL;
    }
  return w;
}

/* ws_alloc's bytes per example: Z, A, dA, dZ of each hidden layer, V, Y,
   dV (n each) */
static size_t
FUNCTION (deep, example_bytes) (const bp_net *net)
{
  size_t bytes = 0;
  for (size_t l = 0; l < net->shape.n_hidden; l++)
    bytes_add (&bytes, 4, net->shape.hidden[l], sizeof (BASE));
  bytes_add (&bytes, 3, net->shape.n, sizeof (BASE));
  return bytes;
}

static int
FUNCTION (deep, forward) (const bp_net *net, const TYPE (gsl_matrix) *U,
                          const TYPE (gsl_matrix) *T, void *ws,
                          VIEW (gsl_matrix, view) *V, double *L)
{
  FUNCTION (deep, ws) *w = ws;
  const size_t b = U->size1, hidden = w->hidden;
  const TYPE (gsl_matrix) *below = U;
  VIEW (gsl_matrix, view) A[BP_NET_MAX_HIDDEN];
  int status = GSL_SUCCESS;
  for (size_t l = 0; l < hidden && status == GSL_SUCCESS; l++)
    {
      VIEW (gsl_matrix, view) Z = FUNCTION (net, rows_of) (w->Z[l], b);
      A[l] = FUNCTION (net, rows_of) (w->A[l], b);
      status = FUNCTION (bp, batch_linear) (FUNCTION (net, matrix) (net, 2 * l),
                                            FUNCTION (net, vector) (net, 2 * l + 1),
                                            below, &Z.matrix);
      if (status == GSL_SUCCESS)
        status = FUNCTION (bp, batch_activation_forward) (net->shape.act, &Z.matrix,
                                                          &A[l].matrix);
      below = &A[l].matrix;
    }
  *V = FUNCTION (net, rows_of) (w->V, b);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_linear) (FUNCTION (net, matrix) (net, 2 * hidden),
                                          FUNCTION (net, vector) (net, 2 * hidden + 1),
                                          below, &V->matrix);
  if (status != GSL_SUCCESS)
    return status;
  if (!MATRIX_FINITE (&V->matrix))
    return GSL_EOVRFLW;   /* diverged: finite parameters, infinite logits */
  if (T)
    *L = FUNCTION (bp, batch_softmax_cross_entropy) (T, &V->matrix);
  return GSL_SUCCESS;
}

static int
FUNCTION (deep, backward) (bp_net *net, const TYPE (gsl_matrix) *U,
                           const TYPE (gsl_matrix) *T, void *ws,
                           TYPE (gsl_matrix) *dL_dU, double *L)
{
  FUNCTION (deep, ws) *w = ws;
  const size_t b = U->size1, hidden = w->hidden;
  VIEW (gsl_matrix, view) V, Y = FUNCTION (net, rows_of) (w->Y, b);
  VIEW (gsl_matrix, view) dZ = FUNCTION (net, rows_of) (w->dV, b);
  int status = FUNCTION (deep, forward) (net, U, T, ws, &V, L);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_softmax) (&V.matrix, &Y.matrix);
  if (status == GSL_SUCCESS)                                   /* (Y - T)/B */
    status = FUNCTION (bp, batch_softmax_cross_entropy_grad) (T, &Y.matrix, &dZ.matrix);
  for (size_t l = hidden + 1; l-- > 0 && status == GSL_SUCCESS;)   /* layer l + 1 */
    {
      VIEW (gsl_matrix, view) A = l ? FUNCTION (net, rows_of) (w->A[l - 1], b)
                                    : (VIEW (gsl_matrix, view)) { *U };
      status = FUNCTION (bp, batch_grad_weights) (&dZ.matrix, &A.matrix,
                                                  FUNCTION (net, grad_matrix) (net, 2 * l));
      if (status == GSL_SUCCESS)
        status = FUNCTION (bp, batch_grad_bias) (&dZ.matrix,
                                                 FUNCTION (net, grad_vector) (net, 2 * l + 1));
      if (status != GSL_SUCCESS || (l == 0 && dL_dU == NULL))
        break;
      if (l == 0)
        {
          status = FUNCTION (bp, batch_grad_input) (FUNCTION (net, matrix) (net, 0),
                                                    &dZ.matrix, dL_dU);
          break;
        }
      VIEW (gsl_matrix, view) dA = FUNCTION (net, rows_of) (w->dA[l - 1], b);
      VIEW (gsl_matrix, view) Zb = FUNCTION (net, rows_of) (w->Z[l - 1], b);
      VIEW (gsl_matrix, view) dZb = FUNCTION (net, rows_of) (w->dZ[l - 1], b);
      status = FUNCTION (bp, batch_grad_input) (FUNCTION (net, matrix) (net, 2 * l),
                                                &dZ.matrix, &dA.matrix);
      if (status == GSL_SUCCESS)                               /* f' */
        status = FUNCTION (bp, batch_activation_backward) (net->shape.act, &Zb.matrix,
                                                           &dA.matrix, &dZb.matrix);
      dZ = dZb;
    }
  return status;
}
