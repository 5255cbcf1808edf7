/* deep.c -- the perceptron of L = n_hidden + 1 layers as a row of the
   table,  A_0 = U,  Z_l = A_{l-1} W_l^T + 1 b_l^T,  A_l = f(Z_l) (l < L),
   V = A_{L-1} W_L^T + 1 b_L^T,  and the chain backwards
     dL/dV = (Y - T)/B,
     dL/dW_l = dL/dZ_l^T A_{l-1},  dL/db_l = dL/dZ_l^T 1,
     dL/dA_{l-1} = dL/dZ_l W_l,    dL/dZ_{l-1} = f'(Z_{l-1}) (.) dL/dA_{l-1},
   each step a function of bp_batch.h (dL/dZ_L = dL/dV), written once in
   deep_row_source.c for double (bp_net_deep) and float (bp_net_deep_float).
   derivations/12-two-layer-network.md, "More hidden layers" */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/mlp_batch_trusted.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/layers_trusted.h"
#include "lib/formulas/float.h"

/* h_l: the units of layer l, h_0 = m, h_L = n */
static size_t
units (const bp_net_shape *s, size_t l)
{
  return l == 0 ? net_inputs (s) : l <= s->n_hidden ? s->hidden[l - 1] : s->n;
}

static int
deep_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  const size_t L = s->n_hidden + 1;
  if (net_inputs (s) == 0 || s->n == 0 || s->n_hidden == 0
      || s->n_hidden > BP_NET_MAX_HIDDEN || s->C1 || s->C2
      || bp_activation_name (s->act) == NULL)
    return GSL_EINVAL;
  for (size_t l = 1; l <= L; l++)
    {
      if (units (s, l) == 0)
        return GSL_EINVAL;
      b[2 * l - 2] = (bp_net_block_shape) { net_weight_name[l], units (s, l),
                                            units (s, l - 1), 1 };
      b[2 * l - 1] = (bp_net_block_shape) { net_bias_name[l], units (s, l), 0, 0 };
    }
  *count = 2 * L;
  return GSL_SUCCESS;
}

/* W_l ~ N(0, 2/h_{l-1}) for ReLU (He), N(0, 2/(h_{l-1} + h_l)) otherwise
   and for the softmax layer (Glorot), b_l = 0: mlp_chain_init's, layer by
   layer (the same draws for one hidden layer). */
static int
deep_init (bp_net *net, gsl_rng *rng)
{
  const size_t L = net->shape.n_hidden + 1;
  for (size_t l = 1; l <= L; l++)
    {
      const double in = (double) units (&net->shape, l - 1);
      const double out = (double) units (&net->shape, l);
      const int he = l < L && net->shape.act == BP_RELU;
      matrix_gaussian (net_matrix (net, 2 * l - 2), he ? 2.0 / in : 2.0 / (in + out), rng);
      gsl_vector_set_zero (net_vector (net, 2 * l - 1));
    }
  return GSL_SUCCESS;
}

#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/net/deep_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/net/deep_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* The hidden layers' Z_l (A_l = f(Z_l) in place), index l - 1, and V. */
typedef struct
{
  gsl_vector_complex *Z[BP_NET_MAX_HIDDEN], *V;
} dense_cscratch;

static int
dense_cexample (const bp_net *net, const gsl_matrix_complex *const block[],
                const gsl_vector_complex *u, const gsl_vector *t, void *scratch,
                gsl_complex *L)
{
  const dense_cscratch *w = scratch;
  const size_t hidden = net->shape.n_hidden;
  const gsl_vector_complex *below = u;
  for (size_t l = 0; l <= hidden; l++)
    {
      gsl_vector_complex *out = l < hidden ? w->Z[l] : w->V;
      gsl_vector_complex_const_view b = gsl_matrix_complex_const_column (block[2 * l + 1], 0);
      if (bp_complex_linear (block[2 * l], &b.vector, below, out) != GSL_SUCCESS
          || (l < hidden
              && bp_complex_activation_forward (net->shape.act, out, out) != GSL_SUCCESS))
        return GSL_EFAILED;
      below = out;
    }
  const double complex Lu = bp_complex_softmax_cross_entropy (t, w->V);
  GSL_SET_COMPLEX (L, creal (Lu), cimag (Lu));
  return GSL_SUCCESS;
}

int
net_dense_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                    const gsl_matrix_complex *U, const gsl_matrix *T, void *cws,
                    gsl_complex *L)
{
  return net_cmean (net, block, U, T, dense_cexample, cws, L);
}

void
net_dense_cws_free (void *cws)
{
  dense_cscratch *w = cws;
  for (size_t l = 0; l < BP_NET_MAX_HIDDEN; l++)
    if (w->Z[l]) gsl_vector_complex_free (w->Z[l]);
  if (w->V) gsl_vector_complex_free (w->V);
  free (w);
}

void *
net_dense_cws_alloc (const bp_net *net)
{
  dense_cscratch *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  int ok = (w->V = gsl_vector_complex_alloc (net->shape.n)) != NULL;
  for (size_t l = 0; l < net->shape.n_hidden; l++)
    ok = (w->Z[l] = gsl_vector_complex_alloc (net->shape.hidden[l])) && ok;
  if (ok)
    return w;
  net_dense_cws_free (w);
  return NULL;
}

static void
deep_describe (const bp_net *net, char *buf, size_t len)
{
  const bp_net_shape *s = &net->shape;
  int at = snprintf (buf, len, "%zu-layer network %zu", s->n_hidden + 1, net_inputs (s));
  for (size_t l = 0; l < s->n_hidden && at >= 0 && (size_t) at < len; l++)
    at += snprintf (buf + at, len - (size_t) at, " -> %zu %s", s->hidden[l],
                    bp_activation_name (s->act));
  if (at >= 0 && (size_t) at < len)
    snprintf (buf + at, len - (size_t) at, " -> %zu%s", s->n, net_dtype_suffix (net));
}

static const bp_net_type deep_float_type;

static const bp_net_type deep_type = {
  "deep", deep_layout, deep_init, deep_ws_alloc, deep_ws_free, deep_forward,
  deep_backward, net_dense_cforward, deep_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-5, .epochs = 30 },
  256, BP_NET_FLOAT64, NULL, NULL, &deep_float_type,
  net_dense_cws_alloc, net_dense_cws_free, deep_example_bytes
};

static const bp_net_type deep_float_type = {
  "deep_float32", deep_layout, net_init_rounded, deep_float_ws_alloc, deep_float_ws_free,
  NULL, NULL, NULL, deep_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 5e-5, .epochs = 30 },
  256, BP_NET_FLOAT32, deep_float_forward, deep_float_backward, &deep_float_type, NULL, NULL,
  deep_float_example_bytes
};

const bp_net_type *bp_net_deep = &deep_type;
const bp_net_type *bp_net_deep_float = &deep_float_type;
