/* cnn_row_source.c -- (internal) the convolutional row over the chain of
   cnn_trusted.h, written once over templates_on.h: cnn.c instantiates it
   in double (bp_net_cnn) and float (bp_net_cnn_float).
   derivations/17-cnn.md */

/* The parameters (grad = 0) or gradients (grad = 1) as the cnn_chain the
   chain takes: views in cnn_chain_blocks' order, nothing allocated. */
static TYPE (cnn_chain)
FUNCTION (cnn, as_cnn) (const bp_net *net, int grad)
{
  cnn_chain sizes;
  cnn_of_shape (&net->shape, &sizes);   /* the layout accepted it */
  TYPE (cnn_chain) c = { sizes.rows, sizes.cols, sizes.C1, sizes.C2, sizes.H, sizes.n,
                      sizes.features, sizes.conv1, sizes.conv2,
                      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  TYPE (gsl_matrix) **M[] = { &c.K1, NULL, &c.K2, NULL, &c.W3, NULL, &c.W4, NULL };
  TYPE (gsl_vector) **v[] = { NULL, &c.b1, NULL, &c.b2, NULL, &c.b3, NULL, &c.b4 };
  for (size_t k = 0, j = 0; k < net->n_blocks; k++, j++)
    {
      if (j == 4 && c.H == 0)
        j = 6;   /* no W3, b3 */
      if (M[j])
        *M[j] = grad ? FUNCTION (net, grad_matrix) (net, k) : FUNCTION (net, matrix) (net, k);
      else
        *v[j] = grad ? FUNCTION (net, grad_vector) (net, k) : FUNCTION (net, vector) (net, k);
    }
  return c;
}

static void *
FUNCTION (cnn, ws_alloc) (const bp_net *net, size_t B)
{
  const TYPE (cnn_chain) c = FUNCTION (cnn, as_cnn) (net, 0);
  return FUNCTION (cnn_chain, workspace_alloc) (B, &c);
}

static void
FUNCTION (cnn, ws_free) (void *w)
{
  FUNCTION (cnn_chain, workspace_free) (w);
}

/* (17.1)-(17.4) */
static int
FUNCTION (cnn, forward) (const bp_net *net, const TYPE (gsl_matrix) *U,
                         const TYPE (gsl_matrix) *T, void *ws,
                         VIEW (gsl_matrix, view) *V, double *L)
{
  TYPE (cnn_chain_workspace) *w = ws;
  const TYPE (cnn_chain) c = FUNCTION (cnn, as_cnn) (net, 0);
  *V = FUNCTION (gsl_matrix, submatrix) (w->V, 0, 0, U->size1, w->V->size2);
  int status = FUNCTION (cnn, trusted) (&c, U, NULL, w, NULL, NULL, NULL);
  if (status == GSL_SUCCESS && T)
    *L = FUNCTION (bp, batch_softmax_cross_entropy) (T, &V->matrix);
  return status;
}

/* (17.5)-(17.8) */
static int
FUNCTION (cnn, backward) (bp_net *net, const TYPE (gsl_matrix) *U,
                          const TYPE (gsl_matrix) *T, void *ws,
                          TYPE (gsl_matrix) *dL_dU, double *L)
{
  const TYPE (cnn_chain) c = FUNCTION (cnn, as_cnn) (net, 0);
  TYPE (cnn_chain) g = FUNCTION (cnn, as_cnn) (net, 1);
  return FUNCTION (cnn, trusted) (&c, U, T, ws, &g, dL_dU, L);
}
