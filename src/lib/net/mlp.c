/* mlp.c -- the two-layer network v = W2 f(W1 u + b1) + b2 as a row of the
   table: the batch chain of mlp_batch_trusted.h on views
   into the network's buffers.  derivations/12-two-layer-network.md */
#include <config.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/formulas/float.h"

static int
mlp_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  const size_t m = net_inputs (s), H = s->hidden[0];
  if (m == 0 || s->n == 0 || s->n_hidden != 1 || H == 0 || s->C1 || s->C2
      || bp_activation_name (s->act) == NULL)
    return GSL_EINVAL;
  b[0] = (bp_net_block_shape) { "W1", H, m, 1 };
  b[1] = (bp_net_block_shape) { "b1", H, 0, 0 };
  b[2] = (bp_net_block_shape) { "W2", s->n, H, 1 };
  b[3] = (bp_net_block_shape) { "b2", s->n, 0, 0 };
  *count = 4;
  return GSL_SUCCESS;
}

#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/net/mlp_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/net/mlp_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

static int
mlp_init (bp_net *net, gsl_rng *rng)
{
  mlp_chain m = mlp_as_mlp (net, 0);
  return mlp_chain_init (&m, rng);
}

static void
mlp_describe (const bp_net *net, char *buf, size_t len)
{
  const bp_net_shape *s = &net->shape;
  snprintf (buf, len, "two-layer network %zu -> %zu %s -> %zu%s", net_inputs (s),
            s->hidden[0], bp_activation_name (s->act), s->n, net_dtype_suffix (net));
}

static const bp_net_type mlp_float_type;

static const bp_net_type mlp_type = {
  "mlp", mlp_layout, mlp_init, mlp_ws_alloc, mlp_ws_free, mlp_forward, mlp_backward,
  net_dense_cforward, mlp_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-5, .epochs = 30 },
  256, BP_NET_FLOAT64, NULL, NULL, &mlp_float_type, net_dense_cws_alloc, net_dense_cws_free,
  mlp_example_bytes
};

static const bp_net_type mlp_float_type = {
  "mlp_float32", mlp_layout, net_init_rounded, mlp_float_ws_alloc, mlp_float_ws_free,
  NULL, NULL, NULL, mlp_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-5, .epochs = 30 },
  256, BP_NET_FLOAT32, mlp_float_forward, mlp_float_backward, &mlp_float_type, NULL, NULL,
  mlp_float_example_bytes
};

const bp_net_type *bp_net_mlp = &mlp_type;
const bp_net_type *bp_net_mlp_float = &mlp_float_type;
