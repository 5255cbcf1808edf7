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
  c.conv2.algorithm = CNN_CONV2_ALGORITHM;   /* the row's: lib/net/cnn.c */
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

/* ws_alloc's bytes per example (cnn_chain_workspace_alloc's buffers):
   the lowered image cols1 (25 hw), Z1, A1, G1 (C1 hw each), P1, dP1
   (C1 hw/4 each), the lowered pooled channels cols2 (25 C1 hw/4; by
   Winograd 36 C1 T, T = ceil(rows/4) ceil(cols/4) tiles), Z2,
   A2, G2 (C2 hw/4 each), P2, dP2 (C2 hw/16 each), F, dF (features each),
   the pooling's argmax bytes (C1 hw/4 and C2 hw/16), Z3, A3, dA3 (H
   each), V, Y, dV (n each).  C1 = 512 on 28 x 28 images: 31.6 MB. */
static size_t
FUNCTION (cnn, example_bytes) (const bp_net *net)
{
  const TYPE (cnn_chain) c = FUNCTION (cnn, as_cnn) (net, 0);
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K, hw = c.rows * c.cols;
  const size_t hw2 = (c.rows / 2) * (c.cols / 2), hw4 = (c.rows / 4) * (c.cols / 4);
  const size_t e = sizeof (BASE);
  size_t bytes = 0;   /* k2 C1 C2 did not overflow: the layout has K2 */
  bytes_add (&bytes, k2, hw, e);
  bytes_add (&bytes, 3 * c.C1, hw, e);
  bytes_add (&bytes, 2 * c.C1, hw2, e);
  size_t lr2, lc2;   /* cols2: im2col's k2 C1 hw2, Winograd's 36 C1 T */
  conv_lowered_size (&c.conv2, 1, &lr2, &lc2);
  bytes_add (&bytes, lr2, lc2, e);
  bytes_add (&bytes, 3 * c.C2, hw2, e);
  bytes_add (&bytes, 2 * c.C2, hw4, e);
  bytes_add (&bytes, 2, c.features, e);
  bytes_add (&bytes, c.C1, hw2, 1);
  bytes_add (&bytes, c.C2, hw4, 1);
  bytes_add (&bytes, 3, c.H, e);
  bytes_add (&bytes, 3, c.n, e);
  return bytes;
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
