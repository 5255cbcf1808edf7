/* mlp_row_source.c -- (internal) the two-layer row over the chain of
   mlp_batch_trusted.h, written once over templates_on.h: mlp.c
   instantiates it in double (bp_net_mlp) and float (bp_net_mlp_float).
   derivations/12-two-layer-network.md */

/* The network's parameters (grad = 0) or gradients (grad = 1) as the
   mlp_chain the chain takes: views, nothing allocated. */
static TYPE (mlp_chain)
FUNCTION (mlp, as_mlp) (const bp_net *net, int grad)
{
  const bp_net_shape *s = &net->shape;
  if (grad)
    return (TYPE (mlp_chain)) { net_inputs (s), s->hidden[0], s->n, s->act,
                             FUNCTION (net, grad_matrix) (net, 0),
                             FUNCTION (net, grad_vector) (net, 1),
                             FUNCTION (net, grad_matrix) (net, 2),
                             FUNCTION (net, grad_vector) (net, 3) };
  return (TYPE (mlp_chain)) { net_inputs (s), s->hidden[0], s->n, s->act,
                           FUNCTION (net, matrix) (net, 0), FUNCTION (net, vector) (net, 1),
                           FUNCTION (net, matrix) (net, 2), FUNCTION (net, vector) (net, 3) };
}

static void *
FUNCTION (mlp, ws_alloc) (const bp_net *net, size_t B)
{
  const bp_net_shape *s = &net->shape;
  return FUNCTION (mlp, batch_workspace_alloc) (B, net_inputs (s), s->hidden[0], s->n);
}

/* ws_alloc's bytes per example: Z, A, dL/dA, dL/dZ (H each), V, Y,
   dL/dV (n each) */
static size_t
FUNCTION (mlp, example_bytes) (const bp_net *net)
{
  size_t bytes = 0;
  bytes_add (&bytes, 4, net->shape.hidden[0], sizeof (BASE));
  bytes_add (&bytes, 3, net->shape.n, sizeof (BASE));
  return bytes;
}

static void
FUNCTION (mlp, ws_free) (void *w)
{
  FUNCTION (mlp, batch_workspace_free) (w);
}

static int
FUNCTION (mlp, forward) (const bp_net *net, const TYPE (gsl_matrix) *U,
                         const TYPE (gsl_matrix) *T, void *ws,
                         VIEW (gsl_matrix, view) *V, double *L)
{
  TYPE (mlp_batch_workspace) *w = ws;
  const TYPE (mlp_chain) m = FUNCTION (mlp, as_mlp) (net, 0);
  *V = FUNCTION (gsl_matrix, submatrix) (w->V, 0, 0, U->size1, w->n);
  int status = FUNCTION (mlp, batch_trusted) (&m, U, NULL, w, NULL, NULL);
  if (status == GSL_SUCCESS && T)
    *L = FUNCTION (bp, batch_softmax_cross_entropy) (T, &V->matrix);
  return status;
}

/* the chain of mlp_batch_trusted.h; dL/dU = dL/dZ W1 from the dL/dZ it leaves */
static int
FUNCTION (mlp, backward) (bp_net *net, const TYPE (gsl_matrix) *U,
                          const TYPE (gsl_matrix) *T, void *ws,
                          TYPE (gsl_matrix) *dL_dU, double *L)
{
  TYPE (mlp_batch_workspace) *w = ws;
  const TYPE (mlp_chain) m = FUNCTION (mlp, as_mlp) (net, 0);
  TYPE (mlp_chain) g = FUNCTION (mlp, as_mlp) (net, 1);
  int status = FUNCTION (mlp, batch_trusted) (&m, U, T, w, &g, L);
  if (status == GSL_SUCCESS && dL_dU)
    {
      VIEW (gsl_matrix, view) dZ = FUNCTION (gsl_matrix, submatrix) (w->dL_dZ, 0, 0,
                                                                     U->size1, w->H);
      status = FUNCTION (bp, batch_grad_input) (m.W1, &dZ.matrix, dL_dU);
    }
  return status;
}
