/* linear.c -- the one-layer classifier v = W u + b as a row of the table:
   the batch formulas of bp_batch.h on views into the network's buffers.
   derivations/14-mini-batch.md */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_batch.h"
#include "backprop/bp_complex_step.h"
#include "lib/valid.h"
#include "lib/net/net.h"
#include "lib/formulas/layers_trusted.h"
#include "lib/formulas/float.h"

static int
linear_layout (const bp_net_shape *s, size_t *count, bp_net_block_shape *b)
{
  if (s->rows == 0 || s->cols == 0 || s->n == 0 || s->n_hidden != 0 || s->C1 || s->C2)
    return GSL_EINVAL;
  b[0] = (bp_net_block_shape) { "W", s->n, net_inputs (s), 1 };
  b[1] = (bp_net_block_shape) { "b", s->n, 0, 0 };
  *count = 2;
  return GSL_SUCCESS;
}

static int
linear_init (bp_net *net, gsl_rng *rng)
{
  (void) rng;
  /* the softmax classifier's loss is convex */
  if (net->type->dtype == BP_NET_FLOAT32)
    gsl_vector_float_set_zero (net->theta_float);
  else
    gsl_vector_set_zero (net->theta);
  return GSL_SUCCESS;
}

#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/net/linear_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/net/linear_row_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* one example's v and y, complex */
typedef struct { gsl_vector_complex *v, *y; } linear_cscratch;

/* v = W u + b, y = Softmax(v), L = -sum t_i log y_i: the slides' forward
   pass (1.2)-(1.4), in complex arithmetic; scratch holds v and y. */
static int
linear_cexample (const bp_net *net, const gsl_matrix_complex *const block[],
                 const gsl_vector_complex *u, const gsl_vector *t, void *scratch,
                 gsl_complex *L)
{
  (void) net;
  linear_cscratch *w = scratch;
  gsl_vector_complex_const_view b = gsl_matrix_complex_const_column (block[1], 0);
  if (bp_complex_linear (block[0], &b.vector, u, w->v) != GSL_SUCCESS
      || bp_complex_softmax (w->v, w->y) != GSL_SUCCESS)
    return GSL_EFAILED;
  const double complex Lu = bp_complex_cross_entropy (t, w->y);
  GSL_SET_COMPLEX (L, creal (Lu), cimag (Lu));
  return GSL_SUCCESS;
}

static int
linear_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                 const gsl_matrix_complex *U, const gsl_matrix *T, void *cws, gsl_complex *L)
{
  return net_cmean (net, block, U, T, linear_cexample, cws, L);
}

static void
linear_cws_free (void *cws)
{
  linear_cscratch *w = cws;
  if (w->v) gsl_vector_complex_free (w->v);
  if (w->y) gsl_vector_complex_free (w->y);
  free (w);
}

static void *
linear_cws_alloc (const bp_net *net)
{
  linear_cscratch *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->v = gsl_vector_complex_alloc (net->shape.n);
  w->y = gsl_vector_complex_alloc (net->shape.n);
  if (w->v && w->y)
    return w;
  linear_cws_free (w);
  return NULL;
}

static void
linear_describe (const bp_net *net, char *buf, size_t len)
{
  snprintf (buf, len, "one-layer classifier %zu -> %zu%s", net_inputs (&net->shape),
            net->shape.n, net_dtype_suffix (net));
}

static const bp_net_type linear_float_type;

static const bp_net_type linear_type = {
  "linear", linear_layout, linear_init, linear_ws_alloc, linear_ws_free,
  linear_forward, linear_backward, linear_cforward, linear_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 0.0, .epochs = 10 },
  256, BP_NET_FLOAT64, NULL, NULL, &linear_float_type, linear_cws_alloc, linear_cws_free,
  linear_example_bytes
};

static const bp_net_type linear_float_type = {
  "linear_float32", linear_layout, linear_init, linear_float_ws_alloc,
  linear_float_ws_free, NULL, NULL, NULL, linear_describe,
  { .batch = 64, .lr = 0.05, .momentum = 0.9, .weight_decay = 0.0, .epochs = 10 },
  256, BP_NET_FLOAT32, linear_float_forward, linear_float_backward, &linear_float_type,
  NULL, NULL, linear_float_example_bytes
};

const bp_net_type *bp_net_linear = &linear_type;
const bp_net_type *bp_net_linear_float = &linear_float_type;
