/* linear_row_source.c -- (internal) the one-layer row's workspace,
   forward and backward, written once over templates_on.h: linear.c
   instantiates it in double (bp_net_linear) and float
   (bp_net_linear_float).  derivations/14-mini-batch.md */

typedef struct
{
  TYPE (gsl_matrix) *V, *Y, *G;   /* B x n: logits, probabilities, dL/dV */
} FUNCTION (linear, ws);

static void
FUNCTION (linear, ws_free) (void *p)
{
  FUNCTION (linear, ws) *w = p;
  if (w == NULL)
    return;
  if (w->V) FUNCTION (gsl_matrix, free) (w->V);
  if (w->Y) FUNCTION (gsl_matrix, free) (w->Y);
  if (w->G) FUNCTION (gsl_matrix, free) (w->G);
  free (w);
}

static void *
FUNCTION (linear, ws_alloc) (const bp_net *net, size_t B)
{
  FUNCTION (linear, ws) *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->V = FUNCTION (matrix, alloc) (B, net->shape.n);
  w->Y = FUNCTION (matrix, alloc) (B, net->shape.n);
  w->G = FUNCTION (matrix, alloc) (B, net->shape.n);
  if (!w->V || !w->Y || !w->G)
    {
      FUNCTION (linear, ws_free) (w);
      return NULL;
    }
  return w;
}

/* ws_alloc's bytes per example: V, Y, G (n each) */
static size_t
FUNCTION (linear, example_bytes) (const bp_net *net)
{
  size_t bytes = 0;
  bytes_add (&bytes, 3, net->shape.n, sizeof (BASE));
  return bytes;
}

/* V = U W^T + 1 b^T (14.2), L = mean CE (14.4) */
static int
FUNCTION (linear, forward) (const bp_net *net, const TYPE (gsl_matrix) *U,
                            const TYPE (gsl_matrix) *T, void *ws,
                            VIEW (gsl_matrix, view) *V, double *L)
{
  FUNCTION (linear, ws) *w = ws;
  *V = FUNCTION (net, rows_of) (w->V, U->size1);
  int status = FUNCTION (bp, batch_linear) (FUNCTION (net, matrix) (net, 0),
                                            FUNCTION (net, vector) (net, 1), U, &V->matrix);
  if (status != GSL_SUCCESS)
    return status;
  if (!MATRIX_FINITE (&V->matrix))
    return GSL_EOVRFLW;   /* diverged: finite W, b, infinite logits */
  if (T)
    *L = FUNCTION (bp, batch_softmax_cross_entropy) (T, &V->matrix);
  return GSL_SUCCESS;
}

/* Y = Softmax(V), dL/dV = (Y - T)/B (14.5), dL/dW = dL/dV^T U (14.6),
   dL/db = dL/dV^T 1 (14.7), dL/dU = dL/dV W */
static int
FUNCTION (linear, backward) (bp_net *net, const TYPE (gsl_matrix) *U,
                             const TYPE (gsl_matrix) *T, void *ws,
                             TYPE (gsl_matrix) *dL_dU, double *L)
{
  FUNCTION (linear, ws) *w = ws;
  VIEW (gsl_matrix, view) V, Y = FUNCTION (net, rows_of) (w->Y, U->size1),
    G = FUNCTION (net, rows_of) (w->G, U->size1);
  int status = FUNCTION (linear, forward) (net, U, NULL, ws, &V, NULL);
  if (status == GSL_SUCCESS)   /* L, Y and G in one pass */
    *L = FUNCTION (batch, softmax_cross_entropy_trusted) (T, &V.matrix, &Y.matrix, &G.matrix);
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_weights) (&G.matrix, U,
                                                FUNCTION (net, grad_matrix) (net, 0));
  if (status == GSL_SUCCESS)
    status = FUNCTION (bp, batch_grad_bias) (&G.matrix, FUNCTION (net, grad_vector) (net, 1));
  if (status == GSL_SUCCESS && dL_dU)
    status = FUNCTION (bp, batch_grad_input) (FUNCTION (net, matrix) (net, 0), &G.matrix,
                                              dL_dU);
  return status;
}
