/* cnn.c -- the convolutional network of cnn_chain.h as a row of the table:
   its chain (cnn_trusted) on views into the network's buffers.
   derivations/17-cnn.md */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "lib/formulas/cnn_chain.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_pool.h"
#include "lib/alloc.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/cnn_trusted.h"
#include "lib/formulas/float.h"
#include "lib/formulas/winograd.h"

/* The sizes of cnn_chain.h for s; 0 on success. */
static int
cnn_of_shape (const bp_net_shape *s, cnn_chain *c)
{
  if (s->n_hidden > 1 || (s->n_hidden == 1 && s->hidden[0] == 0))
    return -1;
  return cnn_sizes (c, s->rows, s->cols, s->C1, s->C2, s->n_hidden ? s->hidden[0] : 0,
                    s->n);
}

static int
cnn_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  cnn_chain c;
  if (cnn_of_shape (s, &c) != 0)
    return GSL_EINVAL;
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K, k = c.H ? 2 : 0;
  b[0] = (bp_net_block_shape) { "K1", c.C1, k2, 1 };
  b[1] = (bp_net_block_shape) { "b1", c.C1, 0, 0 };
  b[2] = (bp_net_block_shape) { "K2", c.C2, k2 * c.C1, 1 };
  b[3] = (bp_net_block_shape) { "b2", c.C2, 0, 0 };
  if (c.H)
    {
      b[4] = (bp_net_block_shape) { "W3", c.H, c.features, 1 };
      b[5] = (bp_net_block_shape) { "b3", c.H, 0, 0 };
    }
  b[4 + k] = (bp_net_block_shape) { "W4", c.n, c.H ? c.H : c.features, 1 };
  b[5 + k] = (bp_net_block_shape) { "b4", c.n, 0, 0 };
  *count = 6 + k;
  return GSL_SUCCESS;
}

/* The rows' second convolution (C1 -> C2 on the pooled images): im2col,
   the reference, in float64, whose bytes it keeps; Winograd's F(2x2,
   5x5) in float32, 2.78 times fewer products (bp_conv.h).  The first
   (one input channel) is im2col in both: its GEMM's inner size 1 would
   make Winograd's 36 products a pixel cost more than im2col's 25. */
#define BASE_DOUBLE
#define CNN_CONV2_ALGORITHM BP_CONV_IM2COL
#include "lib/formulas/templates_on.h"
#include "lib/net/cnn_row_source.c"
#include "lib/formulas/templates_off.h"
#undef CNN_CONV2_ALGORITHM
#undef BASE_DOUBLE

#define BASE_FLOAT
#define CNN_CONV2_ALGORITHM BP_CONV_WINOGRAD
#include "lib/formulas/templates_on.h"
#include "lib/net/cnn_row_source.c"
#include "lib/formulas/templates_off.h"
#undef CNN_CONV2_ALGORITHM
#undef BASE_FLOAT

static int
cnn_init (bp_net *net, gsl_rng *rng)
{
  cnn_chain c = cnn_as_cnn (net, 0);
  return cnn_chain_init (&c, rng);
}

/* The sizes and one example's complex values of the chain. */
typedef struct
{
  cnn_chain c;
  gsl_matrix_complex *Z1, *P1, *Z2, *P2;
  gsl_vector_complex *u, *z3, *v;   /* z3 NULL when H = 0 */
} cnn_cscratch;

/* ReLU in place on every element of Z (contiguous) */
static int
crelu (gsl_matrix_complex *Z)
{
  gsl_vector_complex_view z = gsl_vector_complex_view_array (Z->data, Z->size1 * Z->size2);
  return bp_complex_activation_forward (BP_RELU, &z.vector, &z.vector);
}

/* (17.1)-(17.4) one example in complex arithmetic: conv, ReLU, max-pool
   twice, flatten (16.5), [linear, ReLU,] linear, softmax cross-entropy */
static int
cnn_cexample (const bp_net *net, const gsl_matrix_complex *const block[],
              const gsl_vector_complex *u, const gsl_vector *t, void *scratch, gsl_complex *L)
{
  (void) net;
  cnn_cscratch *w = scratch;
  const cnn_chain *c = &w->c;
  const size_t last = c->H ? 6 : 4;
  gsl_vector_complex_const_view b1 = gsl_matrix_complex_const_column (block[1], 0);
  gsl_vector_complex_const_view b2 = gsl_matrix_complex_const_column (block[3], 0);
  gsl_vector_complex_const_view b4 = gsl_matrix_complex_const_column (block[last + 1], 0);
  gsl_vector_complex_const_view b3 = gsl_matrix_complex_const_column (block[c->H ? 5 : 1], 0);
  gsl_matrix_complex_const_view X0 = gsl_matrix_complex_const_view_array (u->data, 1, u->size);
  int status = bp_complex_conv (&c->conv1, block[0], &b1.vector, &X0.matrix, w->Z1);
  status = status ? status : crelu (w->Z1);
  status = status ? status : bp_complex_maxpool (w->Z1, c->rows, c->cols, w->P1);
  status = status ? status : bp_complex_conv (&c->conv2, block[2], &b2.vector, w->P1, w->Z2);
  status = status ? status : crelu (w->Z2);
  status = status ? status : bp_complex_maxpool (w->Z2, c->rows / 2, c->cols / 2, w->P2);
  status = status ? status : bp_complex_reshape (w->P2, w->u);
  const gsl_vector_complex *below = w->u;
  if (c->H)
    {
      status = status ? status : bp_complex_linear (block[4], &b3.vector, w->u, w->z3);
      status = status ? status : bp_complex_activation_forward (BP_RELU, w->z3, w->z3);
      below = w->z3;
    }
  status = status ? status : bp_complex_linear (block[last], &b4.vector, below, w->v);
  if (status != GSL_SUCCESS)
    return status;
  const double complex Lu = bp_complex_softmax_cross_entropy (t, w->v);
  GSL_SET_COMPLEX (L, creal (Lu), cimag (Lu));
  return GSL_SUCCESS;
}

static int
cnn_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
              const gsl_matrix_complex *U, const gsl_matrix *T, void *cws, gsl_complex *L)
{
  return net_cmean (net, block, U, T, cnn_cexample, cws, L);
}

static void
cnn_cws_free (void *cws)
{
  cnn_cscratch *w = cws;
  gsl_matrix_complex *M[] = { w->Z1, w->P1, w->Z2, w->P2 };
  gsl_vector_complex *v[] = { w->u, w->z3, w->v };
  for (size_t k = 0; k < 4; k++)
    if (M[k]) gsl_matrix_complex_free (M[k]);
  for (size_t k = 0; k < 3; k++)
    if (v[k]) gsl_vector_complex_free (v[k]);
  free (w);
}

static void *
cnn_cws_alloc (const bp_net *net)
{
  cnn_cscratch *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  (void) cnn_of_shape (&net->shape, &w->c);   /* accepted when net was made */
  const cnn_chain *c = &w->c;
  const size_t hw = c->rows * c->cols, hw2 = (c->rows / 2) * (c->cols / 2);
  const size_t hw4 = (c->rows / 4) * (c->cols / 4);
  w->Z1 = matrix_complex_alloc (c->C1, hw);
  w->P1 = matrix_complex_alloc (c->C1, hw2);
  w->Z2 = matrix_complex_alloc (c->C2, hw2);
  w->P2 = matrix_complex_alloc (c->C2, hw4);
  w->u = gsl_vector_complex_alloc (c->features);
  w->z3 = c->H ? gsl_vector_complex_alloc (c->H) : NULL;
  w->v = gsl_vector_complex_alloc (c->n);
  if (w->Z1 && w->P1 && w->Z2 && w->P2 && w->u && (!c->H || w->z3) && w->v)
    return w;
  cnn_cws_free (w);
  return NULL;
}

static void
cnn_describe (const bp_net *net, char *buf, size_t len)
{
  cnn_chain c = { 0 };
  (void) cnn_of_shape (&net->shape, &c);   /* accepted when net was made */
  char hidden[64] = "";
  if (c.H)
    snprintf (hidden, sizeof hidden, " -> %zu relu", c.H);
  snprintf (buf, len, "convolutional network %zux%zu -> conv%d %zu relu maxpool -> "
            "conv%d %zu relu maxpool -> %zu%s -> %zu%s", c.rows, c.cols, BP_CNN_K, c.C1,
            BP_CNN_K, c.C2, c.features, hidden, c.n, net_dtype_suffix (net));
}

static const bp_net_type cnn_float_type;

static const bp_net_type cnn_type = {
  "cnn", cnn_layout, cnn_init, cnn_ws_alloc, cnn_ws_free, cnn_forward, cnn_backward,
  cnn_cforward, cnn_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4, .epochs = 15 },
  64,   /* the lowered images take 25 C1 doubles a pixel: a smaller batch */
  BP_NET_FLOAT64, NULL, NULL, &cnn_float_type, cnn_cws_alloc, cnn_cws_free,
  cnn_example_bytes
};

static const bp_net_type cnn_float_type = {
  "cnn_float32", cnn_layout, net_init_rounded, cnn_float_ws_alloc, cnn_float_ws_free,
  NULL, NULL, NULL, cnn_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4, .epochs = 15 },
  64, BP_NET_FLOAT32, cnn_float_forward, cnn_float_backward, &cnn_float_type, NULL, NULL,
  cnn_float_example_bytes
};

const bp_net_type *bp_net_cnn = &cnn_type;
const bp_net_type *bp_net_cnn_float = &cnn_float_type;
