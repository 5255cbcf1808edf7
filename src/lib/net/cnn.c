/* cnn.c -- the convolutional network of bp_cnn.h as a row of the table:
   its chain (cnn_trusted) on views into the network's buffers.
   derivations/17-cnn.md */
#include <config.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_cnn.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/cnn_trusted.h"
#include "lib/formulas/float.h"

/* The sizes of bp_cnn.h for s; 0 on success. */
static int
cnn_of_shape (const bp_net_shape *s, bp_cnn *c)
{
  if (s->n_hidden > 1 || (s->n_hidden == 1 && s->hidden[0] == 0))
    return -1;
  return cnn_sizes (c, s->rows, s->cols, s->C1, s->C2, s->n_hidden ? s->hidden[0] : 0,
                    s->n);
}

static int
cnn_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  bp_cnn c;
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

#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/net/cnn_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/net/cnn_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

static int
cnn_init (bp_net *net, gsl_rng *rng)
{
  bp_cnn c = cnn_as_cnn (net, 0);
  return bp_cnn_init (&c, rng);
}

static int
cnn_float_init (bp_net *net, gsl_rng *rng)
{
  return net_init_rounded (net, bp_net_cnn, rng);
}

static void
cnn_describe (const bp_net *net, char *buf, size_t len)
{
  bp_cnn c = { 0 };
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
  cnn_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4, .epochs = 15 },
  64,   /* the lowered images take 25 C1 doubles a pixel: a smaller batch */
  BP_NET_FLOAT64, NULL, NULL, &cnn_float_type
};

static const bp_net_type cnn_float_type = {
  "cnn_float32", cnn_layout, cnn_float_init, cnn_float_ws_alloc, cnn_float_ws_free,
  NULL, NULL, cnn_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4, .epochs = 15 },
  64, BP_NET_FLOAT32, cnn_float_forward, cnn_float_backward, &cnn_float_type
};

const bp_net_type *bp_net_cnn = &cnn_type;
const bp_net_type *bp_net_cnn_float = &cnn_float_type;
