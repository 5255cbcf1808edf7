/* cnn_source.c -- the convolutional network's workspace and chain, once
   for the real arithmetics (templates_on.h: double, float; cnn.c);
   derivations/17-cnn.md.  The double ones are cnn_chain.h's and
   cnn_trusted.h's; a workspace's shape holds the sizes only, a cnn_chain in
   every arithmetic. */

/* ---- the workspace ---------------------------------------------------- */

TYPE (cnn_chain_workspace) *
FUNCTION (cnn_chain, workspace_alloc) (size_t B, const TYPE (cnn_chain) *net)
{
  if (MISSING (net))
    GSL_ERROR_NULL (NAME (bp, cnn_workspace_alloc) ": net must not be NULL", GSL_EFAULT);
  const size_t hw = net->rows * net->cols, hw2 = (net->rows / 2) * (net->cols / 2);
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K;
  if (B == 0)
    GSL_ERROR_NULL (NAME (bp, cnn_workspace_alloc) ": B must be positive", GSL_EINVAL);
  size_t Bhw, Bhw2;
  if (size_mul_overflows (B, hw, &Bhw) || size_mul_overflows (B, hw2, &Bhw2)
      || matrix_too_large (Bhw, k2 * (net->C1 > net->C2 ? net->C1 : net->C2))
      || matrix_too_large (Bhw2, k2 * net->C1))
    GSL_ERROR_NULL (NAME (bp, cnn_workspace_alloc) ": sizes too large: the lowered images "
                    "overflow size_t", GSL_EINVAL);
  TYPE (cnn_chain_workspace) *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL (NAME (bp, cnn_workspace_alloc) ": out of memory", GSL_ENOMEM);
  w->B = B;
  cnn_sizes (&w->shape, net->rows, net->cols, net->C1, net->C2, net->H, net->n);
  w->shape.conv2.algorithm = net->conv2.algorithm;   /* cols2's size follows it */
  const size_t C1 = net->C1, C2 = net->C2, hw4 = (net->rows / 4) * (net->cols / 4);
  size_t lr2, lc2;   /* within im2col's k2 C1 B hw2, checked above */
  conv_lowered_size (&w->shape.conv2, B, &lr2, &lc2);
  w->cols1 = FUNCTION (gsl_vector, alloc) (k2 * B * hw);
  w->Z1 = FUNCTION (gsl_vector, alloc) (C1 * B * hw);
  w->A1 = FUNCTION (gsl_vector, alloc) (C1 * B * hw);
  w->G1 = FUNCTION (gsl_vector, alloc) (C1 * B * hw);
  w->P1 = FUNCTION (gsl_vector, alloc) (C1 * B * hw2);
  w->dP1 = FUNCTION (gsl_vector, alloc) (C1 * B * hw2);
  w->cols2 = FUNCTION (gsl_vector, alloc) (lr2 * lc2);
  w->Z2 = FUNCTION (gsl_vector, alloc) (C2 * B * hw2);
  w->A2 = FUNCTION (gsl_vector, alloc) (C2 * B * hw2);
  w->G2 = FUNCTION (gsl_vector, alloc) (C2 * B * hw2);
  w->P2 = FUNCTION (gsl_vector, alloc) (C2 * B * hw4);
  w->dP2 = FUNCTION (gsl_vector, alloc) (C2 * B * hw4);
  w->F = FUNCTION (matrix, alloc) (B, net->features);
  w->dF = FUNCTION (matrix, alloc) (B, net->features);
  w->best1 = malloc (C1 * B * hw2);
  w->best2 = malloc (C2 * B * hw4);
  int ok = w->best1 && w->best2 && w->cols1 && w->Z1 && w->A1 && w->G1 && w->P1 && w->dP1 && w->cols2 && w->Z2
           && w->A2 && w->G2 && w->P2 && w->dP2 && w->F && w->dF;
  if (ok && net->H > 0)
    {
      w->Z3 = FUNCTION (matrix, alloc) (B, net->H);
      w->A3 = FUNCTION (matrix, alloc) (B, net->H);
      w->dA3 = FUNCTION (matrix, alloc) (B, net->H);
      ok = w->Z3 && w->A3 && w->dA3;
    }
  if (ok)
    {
      w->V = FUNCTION (matrix, alloc) (B, net->n);
      w->Y = FUNCTION (matrix, alloc) (B, net->n);
      w->dV = FUNCTION (matrix, alloc) (B, net->n);
      ok = w->V && w->Y && w->dV;
    }
  if (!ok)
    {
      FUNCTION (cnn_chain, workspace_free) (w);
      GSL_ERROR_NULL (NAME (bp, cnn_workspace_alloc) ": out of memory", GSL_ENOMEM);
    }
  return w;
}

void
FUNCTION (cnn_chain, workspace_free) (TYPE (cnn_chain_workspace) *w)
{
  if (w == NULL)
    return;
  TYPE (gsl_vector) *v[] = { w->cols1, w->Z1, w->A1, w->G1, w->P1, w->dP1,
                      w->cols2, w->Z2, w->A2, w->G2, w->P2, w->dP2 };
  TYPE (gsl_matrix) *m[] = { w->F, w->dF, w->Z3, w->A3, w->dA3, w->V, w->Y, w->dV };
  for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
    if (v[k]) FUNCTION (gsl_vector, free) (v[k]);
  for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
    if (m[k]) FUNCTION (gsl_matrix, free) (m[k]);
  free (w->best1);
  free (w->best2);
  free (w);
}

/* The workspace's matrices for a batch of b examples: the per-channel
   buffers viewed as C x (b hw), contiguous; the others' first b rows. */
typedef struct
{
  VIEW (gsl_matrix, view) X0, cols1, Z1, A1, G1, P1, dP1, cols2, Z2, A2, G2, P2, dP2;
  VIEW (gsl_matrix, view) F, dF, Z3, A3, dA3, V, Y, dV;
  unsigned char *best1, *best2;
} FUNCTION (cnn, views);

static VIEW (gsl_matrix, view)
FUNCTION (cnn, channels) (TYPE (gsl_vector) *buf, size_t C, size_t columns)
{
  return FUNCTION (gsl_matrix, view_vector) (buf, C, columns);
}

static VIEW (gsl_matrix, view)
FUNCTION (cnn, first_rows) (TYPE (gsl_matrix) *M, size_t b)
{
  return FUNCTION (gsl_matrix, submatrix) (M, 0, 0, b, M->size2);
}

static FUNCTION (cnn, views)
FUNCTION (cnn, views_of) (TYPE (cnn_chain_workspace) *w, const TYPE (gsl_matrix) *U)
{
  const cnn_chain *s = &w->shape;
  const size_t b = U->size1, k2 = (size_t) BP_CNN_K * BP_CNN_K, hw = s->rows * s->cols;
  const size_t hw2 = (s->rows / 2) * (s->cols / 2), hw4 = (s->rows / 4) * (s->cols / 4);
  FUNCTION (cnn, views) r = { 0 };   /* Z3, A3, dA3 stay empty when H = 0 */
  /* U's b rows of rows cols pixels, contiguous, are one channel of b images */
  r.X0 = FUNCTION (gsl_matrix, view_array) (U->data, 1, b * hw);
  r.cols1 = FUNCTION (cnn, channels) (w->cols1, k2, b * hw);
  r.Z1 = FUNCTION (cnn, channels) (w->Z1, s->C1, b * hw);
  r.A1 = FUNCTION (cnn, channels) (w->A1, s->C1, b * hw);
  r.G1 = FUNCTION (cnn, channels) (w->G1, s->C1, b * hw);
  r.P1 = FUNCTION (cnn, channels) (w->P1, s->C1, b * hw2);
  r.dP1 = FUNCTION (cnn, channels) (w->dP1, s->C1, b * hw2);
  size_t lr2, lc2;   /* im2col's (C1 k2) x (b hw2), or Winograd's */
  conv_lowered_size (&s->conv2, b, &lr2, &lc2);
  r.cols2 = FUNCTION (cnn, channels) (w->cols2, lr2, lc2);
  r.Z2 = FUNCTION (cnn, channels) (w->Z2, s->C2, b * hw2);
  r.A2 = FUNCTION (cnn, channels) (w->A2, s->C2, b * hw2);
  r.G2 = FUNCTION (cnn, channels) (w->G2, s->C2, b * hw2);
  r.P2 = FUNCTION (cnn, channels) (w->P2, s->C2, b * hw4);
  r.dP2 = FUNCTION (cnn, channels) (w->dP2, s->C2, b * hw4);
  r.F = FUNCTION (cnn, first_rows) (w->F, b);
  r.dF = FUNCTION (cnn, first_rows) (w->dF, b);
  if (s->H > 0)
    {
      r.Z3 = FUNCTION (cnn, first_rows) (w->Z3, b);
      r.A3 = FUNCTION (cnn, first_rows) (w->A3, b);
      r.dA3 = FUNCTION (cnn, first_rows) (w->dA3, b);
    }
  r.V = FUNCTION (cnn, first_rows) (w->V, b);
  r.Y = FUNCTION (cnn, first_rows) (w->Y, b);
  r.dV = FUNCTION (cnn, first_rows) (w->dV, b);
  r.best1 = w->best1;
  r.best2 = w->best2;
  return r;
}

/* ---- the chain, trusting its arguments -------------------------------- */

/* The ReLUs and poolings in their trusted forms (layers_trusted.h): the
   public entries below checked U, Labels and the parameters once; what the
   layers make is checked at the logits. */

/* (17.1)-(17.3): U to the logits V */
static int
FUNCTION (cnn, forward) (const TYPE (cnn_chain) *net, FUNCTION (cnn, views) *r)
{
  const size_t rows = net->rows, cols = net->cols;
  int status = FUNCTION (bp, batch_conv) (&net->conv1, net->K1, net->b1, &r->X0.matrix,
                              &r->cols1.matrix, &r->Z1.matrix);
  if (status != GSL_SUCCESS)
    return status;
  FUNCTION (relu, batch_trusted) (&r->Z1.matrix, &r->A1.matrix);
  FUNCTION (maxpool, trusted) (&r->A1.matrix, rows, cols, &r->P1.matrix, r->best1);
  status = FUNCTION (bp, batch_conv) (&net->conv2, net->K2, net->b2, &r->P1.matrix,
                            &r->cols2.matrix, &r->Z2.matrix);
  if (status != GSL_SUCCESS)
    return status;
  FUNCTION (relu, batch_trusted) (&r->Z2.matrix, &r->A2.matrix);
  FUNCTION (maxpool, trusted) (&r->A2.matrix, rows / 2, cols / 2, &r->P2.matrix, r->best2);
  status = FUNCTION (bp, batch_flatten) (&r->P2.matrix, (rows / 4) * (cols / 4), &r->F.matrix);
  if (status != GSL_SUCCESS || net->H == 0)
    return status == GSL_SUCCESS
           ? FUNCTION (bp, batch_linear) (net->W4, net->b4, &r->F.matrix, &r->V.matrix) : status;
  status = FUNCTION (bp, batch_linear) (net->W3, net->b3, &r->F.matrix, &r->Z3.matrix);
  if (status == GSL_SUCCESS)
    FUNCTION (relu, batch_trusted) (&r->Z3.matrix, &r->A3.matrix);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_linear) (net->W4, net->b4, &r->A3.matrix, &r->V.matrix);
  return status;
}

/* (17.5)-(17.8): dL/dV = (Y - Labels)/B, then each layer's gradients, from the top */
static int
FUNCTION (cnn, backward) (const TYPE (cnn_chain) *net, const TYPE (gsl_matrix) *Labels,
                          FUNCTION (cnn, views) *r, TYPE (cnn_chain) *g, TYPE (gsl_matrix) *dL_dU)
{
  const size_t rows = net->rows, cols = net->cols;
  /* Labels NULL: dV made already, with the loss, in one pass (cnn_trusted) */
  int status = Labels ? FUNCTION (bp, batch_softmax) (&r->V.matrix, &r->Y.matrix) : GSL_SUCCESS;
  if (status == GSL_SUCCESS && Labels)
    status = FUNCTION (bp, batch_softmax_cross_entropy_grad) (Labels, &r->Y.matrix, &r->dV.matrix);
  /* the fully connected layers */
  const TYPE (gsl_matrix) *below = net->H ? &r->A3.matrix : &r->F.matrix;
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_weights) (&r->dV.matrix, below, g->W4);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_bias) (&r->dV.matrix, g->b4);
  if (status == GSL_SUCCESS && net->H == 0)
    status = FUNCTION (bp, batch_grad_input) (net->W4, &r->dV.matrix, &r->dF.matrix);
  if (status == GSL_SUCCESS && net->H > 0)
    {
      status = FUNCTION (bp, batch_grad_input) (net->W4, &r->dV.matrix, &r->dA3.matrix);
      if (status == GSL_SUCCESS)   /* dL/dZ3 in place of dL/dA3 */
        FUNCTION (relu, batch_backward_trusted) (&r->Z3.matrix, &r->dA3.matrix, &r->dA3.matrix);
      if (status == GSL_SUCCESS)
        status = FUNCTION (bp, batch_grad_weights) (&r->dA3.matrix, &r->F.matrix, g->W3);
      if (status == GSL_SUCCESS)
        status = FUNCTION (bp, batch_grad_bias) (&r->dA3.matrix, g->b3);
      if (status == GSL_SUCCESS)
        status = FUNCTION (bp, batch_grad_input) (net->W3, &r->dA3.matrix, &r->dF.matrix);
    }
  /* flatten, pool, relu, convolution 2 */
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_flatten_inverse) (&r->dF.matrix, (rows / 4) * (cols / 4),
                                       &r->dP2.matrix);
  if (status != GSL_SUCCESS)
    return status;
  /* dL/dZ2 = relu'(Z2) (.) dL/dA2 */
  FUNCTION (maxpool, relu_backward_trusted) (r->best2, &r->Z2.matrix, rows / 2, cols / 2,
                                             &r->dP2.matrix, &r->G2.matrix);
  status = FUNCTION (bp, batch_conv_grad_weights) (&net->conv2, &r->G2.matrix, &r->cols2.matrix,
                                         g->K2);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, conv_grad_bias) (&r->G2.matrix, g->b2);
  if (status == GSL_SUCCESS)   /* cols2 is free once dL/dK2 is made */
    status = FUNCTION (bp, batch_conv_grad_input) (&net->conv2, net->K2, &r->G2.matrix,
                                       &r->cols2.matrix, &r->dP1.matrix);
  /* pool, relu, convolution 1 */
  if (status != GSL_SUCCESS)
    return status;
  FUNCTION (maxpool, relu_backward_trusted) (r->best1, &r->Z1.matrix, rows, cols,
                                             &r->dP1.matrix, &r->G1.matrix);
  status = FUNCTION (bp, batch_conv_grad_weights) (&net->conv1, &r->G1.matrix, &r->cols1.matrix,
                                         g->K1);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, conv_grad_bias) (&r->G1.matrix, g->b1);
  if (status == GSL_SUCCESS && dL_dU != NULL)
    {
      VIEW (gsl_matrix, view) dX0 = FUNCTION (gsl_matrix, view_array) (dL_dU->data, 1,
                                                   dL_dU->size1 * dL_dU->size2);
      status = FUNCTION (bp, batch_conv_grad_input) (&net->conv1, net->K1, &r->G1.matrix,
                                         &r->cols1.matrix, &dX0.matrix);
    }
  return status;
}

int
FUNCTION (cnn, trusted) (const TYPE (cnn_chain) *net, const TYPE (gsl_matrix) *U,
                         const TYPE (gsl_matrix) *Labels, TYPE (cnn_chain_workspace) *w,
                         TYPE (cnn_chain) *grad, TYPE (gsl_matrix) *dL_dU, double *L)
{
  FUNCTION (cnn, views) r = FUNCTION (cnn, views_of) (w, U);
  int status = FUNCTION (cnn, forward) (net, &r);
  if (status != GSL_SUCCESS)
    return status;
  if (!MATRIX_FINITE (&r.V.matrix))
    return GSL_EOVRFLW;
  if (grad == NULL)
    return GSL_SUCCESS;
  /* L, Y and dL/dV = (Y - Labels)/B in one pass */
  *L = FUNCTION (batch, softmax_cross_entropy_trusted) (Labels, &r.V.matrix, &r.Y.matrix,
                                                       &r.dV.matrix);
  return FUNCTION (cnn, backward) (net, NULL, &r, grad, dL_dU);
}
