/* darknet_ops.c -- the float32 trial of `backprop check --type float' on a
   third-party C network, Joseph Redmon's darknet (github.com/pjreddie/
   darknet, its src/, linked in by darknet-trial.sh): its layers, each as
   the forward and backward functions a user would wrap around darknet's
   own (forward_X_layer (l, net); backward_X_layer (l, net) with l.delta =
   dy, which ACCUMULATES into net.delta and the weight and bias updates,
   so the wrapper zeroes them first), at small sizes; and its loss layers
   as a loss and its gradient.  darknet's delta is the NEGATIVE gradient
   (its update is w += lr * dw): a layer's backward is linear in delta, so
   J^T dy needs no sign; a loss's gradient is -delta.  theta is the
   layer's differentiable inputs one after another, as named by the
   --block options of darknet-trial.sh.  The C ABI of backprop(1) under
   --type float:
     int OP_fwd  (size_t n, const float *x, size_t m, float *y);
     int OP_bwd  (size_t n, const float *x, size_t m, const float *dy, float *dx);
     int OP_loss (size_t n, const float *theta, float *L);
     int OP_grad (size_t n, const float *theta, float *g);
   Built and run by darknet-trial.sh (darknet is not part of backprop). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "darknet.h"
#include "activation_layer.h"
#include "avgpool_layer.h"
#include "batchnorm_layer.h"
#include "connected_layer.h"
#include "convolutional_layer.h"
#include "cost_layer.h"
#include "l2norm_layer.h"
#include "logistic_layer.h"
#include "maxpool_layer.h"
#include "shortcut_layer.h"
#include "softmax_layer.h"
#include "upsample_layer.h"

/* B batch; the image layers take C channels of H x W */
enum { B = 2, C = 2, H = 4, W = 4, IMG = B * C * H * W, MAXN = 256 };

/* darknet's layers take non-const pointers: the point and dy are copied */
static float p[MAXN], d[MAXN], dnet[MAXN];
static network net;

/* prepare L for a call at x: net.input = x, net.delta zeroed, the
   layer's updates zeroed; 0 when the sizes are those of the layer */
static int
setup (layer *l, size_t n, const float *x, size_t want_n, size_t m, size_t want_m)
{
  if (n != want_n || m != want_m || n > MAXN)
    return 1;
  memcpy (p, x, n * sizeof *x);
  memset (dnet, 0, sizeof dnet);
  net = (network) { .input = p, .delta = dnet, .train = 1, .workspace = net.workspace };
  if (l->weight_updates)
    memset (l->weight_updates, 0, (size_t) l->nweights * sizeof (float));
  if (l->bias_updates)
    memset (l->bias_updates, 0, (size_t) l->nbiases * sizeof (float));
  if (l->scale_updates)
    memset (l->scale_updates, 0, (size_t) l->out_c * sizeof (float));
  return 0;
}

/* copy the layer's output out, or run its backward with l.delta = dy */
static void
out_y (const layer *l, float *y, size_t m)
{
  memcpy (y, l->output, m * sizeof *y);
}

static void
run_bwd (layer *l, const float *dy, size_t m)
{
  memcpy (d, dy, m * sizeof *dy);
  memcpy (l->delta, d, m * sizeof *dy);
  l->backward (*l, net);
}

/* dx = (net.delta [nin], then the blocks given, each of its length) */
static void
gather (float *dx, size_t nin, const float *a, size_t na, const float *b, size_t nb,
        const float *c, size_t nc)
{
  memcpy (dx, dnet, nin * sizeof *dx);
  if (na) memcpy (dx + nin, a, na * sizeof *dx);
  if (nb) memcpy (dx + nin + na, b, nb * sizeof *dx);
  if (nc) memcpy (dx + nin + na + nb, c, nc * sizeof *dx);
}

/* a layer with weights: x = (input, weights, biases); the layer's own
   arrays are pointed at the copies in p */
static void
use_params (layer *l, size_t nin)
{
  l->weights = p + nin;
  l->biases = p + nin + l->nweights;
}

#define VJP(OP)                                                         \
  int OP##_fwd (size_t n, const float *x, size_t m, float *y);          \
  int OP##_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)

/* OP's forward: OP_set (the point into the layer L, its forward), then
   L's output as y */
#define FWD(OP, L)                                                      \
  int OP##_fwd (size_t n, const float *x, size_t m, float *y)           \
  {                                                                     \
    if (OP##_set (n, x, m)) return 1;                                   \
    out_y (&L, y, m);                                                   \
    return 0;                                                           \
  }

/* connected: input (B,5), weights (3,5), biases (3), leaky ReLU */
enum { CI = 5, CO = 3, CN = B * CI + CO * CI + CO };
static layer conn;
VJP (conn);
static int
conn_set (size_t n, const float *x, size_t m)
{
  if (!conn.output)
    {
      conn = make_connected_layer (B, CI, CO, LEAKY, 0, 0);
      conn.nweights = CI * CO, conn.nbiases = CO;
    }
  if (setup (&conn, n, x, CN, m, B * CO))
    return 1;
  use_params (&conn, B * CI);
  conn.forward (conn, net);
  return 0;
}
FWD (conn, conn)
int conn_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (conn_set (n, x, m)) return 1;
  run_bwd (&conn, dy, m);
  gather (dx, B * CI, conn.weight_updates, CI * CO, conn.bias_updates, CO, NULL, 0);
  return 0;
}

/* convolutional: input (B,C,H,W), 3 filters (3,C,3,3), biases (3), stride
   1, pad 1, logistic; darknet's im2col + gemm and gemm + col2im */
enum { KF = 3, KS = 3, KN = IMG + KF * C * KS * KS + KF, KM = B * KF * H * W };
static layer conv;
VJP (conv);
static int
conv_set (size_t n, const float *x, size_t m)
{
  static float ws[C * KS * KS * H * W];
  if (!conv.output)
    conv = make_convolutional_layer (B, H, W, C, KF, 1, KS, 1, 1, LOGISTIC, 0, 0, 0, 0);
  net.workspace = ws;
  if (setup (&conv, n, x, KN, m, KM))
    return 1;
  use_params (&conv, IMG);
  conv.forward (conv, net);
  return 0;
}
FWD (conv, conv)
int conv_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (conv_set (n, x, m)) return 1;
  run_bwd (&conv, dy, m);
  gather (dx, IMG, conv.weight_updates, KF * C * KS * KS, conv.bias_updates, KF, NULL, 0);
  return 0;
}

/* a layer of the input alone: OP_set makes it once (MAKE), runs forward */
#define PLAIN(OP, MAKE, NIN, MOUT)                                      \
  static layer OP##_l;                                                      \
  VJP (OP);                                                             \
  static int OP##_set (size_t n, const float *x, size_t m)             \
  {                                                                     \
    if (!OP##_l.output) { OP##_l = MAKE; }                                      \
    if (setup (&OP##_l, n, x, NIN, m, MOUT)) return 1;                      \
    OP##_l.forward (OP##_l, net);                                               \
    return 0;                                                           \
  }                                                                     \
  FWD (OP, OP##_l)                                                      \
  int OP##_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx) \
  {                                                                     \
    if (OP##_set (n, x, m)) return 1;                                   \
    run_bwd (&OP##_l, dy, m);                                               \
    memcpy (dx, dnet, n * sizeof *dx);                                  \
    return 0;                                                           \
  }

/* max-pool 3x3, stride 2, padding 2 over a 5x5 image: windows overlap
   and cross the edge; output 3x3 */
PLAIN (maxpool, make_maxpool_layer (B, 5, 5, C, 3, 2, 2), B * C * 25, B * C * 9)
/* global average pool */
PLAIN (avgpool, make_avgpool_layer (B, W, H, C), IMG, B * C)
/* nearest upsampling by 2, scale 1 (the parser's default) */
PLAIN (upsample, (make_upsample_layer (B, W, H, C, 2)), IMG, 4 * IMG)

/* the activation layer, one per activation function of darknet's
   (STAIR left out: darknet's gradient of its step function is 1) */
#define ACT(NAME, A) \
  PLAIN (act_##NAME, make_activation_layer (B, 2 * CI, A), B * 2 * CI, B * 2 * CI)
ACT (logistic, LOGISTIC)
ACT (relu, RELU)
ACT (relie, RELIE)
ACT (linear, LINEAR)
ACT (ramp, RAMP)
ACT (tanh, TANH)
ACT (plse, PLSE)
ACT (leaky, LEAKY)
ACT (elu, ELU)
ACT (loggy, LOGGY)
ACT (hardtan, HARDTAN)
ACT (lhtan, LHTAN)
ACT (selu, SELU)

/* shortcut (residual): out = alpha in + beta from, channels min(C, C+1);
   x = (in (B,C,H,W), from (B,C+1,H,W)), alpha 0.5, beta 2 */
enum { SF = B * (C + 1) * H * W };
static layer shortcut, from;
VJP (shortcut);
static int
shortcut_set (size_t n, const float *x, size_t m)
{
  static float fdelta[SF];
  if (!shortcut.output)
    {
      shortcut = make_shortcut_layer (B, 0, W, H, C, W, H, C + 1);
      shortcut.alpha = 0.5f, shortcut.beta = 2.0f;
    }
  if (setup (&shortcut, n, x, IMG + SF, m, IMG))
    return 1;
  from = (layer) { .output = p + IMG, .delta = fdelta };
  memset (fdelta, 0, sizeof fdelta);
  net.layers = &from;
  shortcut.forward (shortcut, net);
  return 0;
}
FWD (shortcut, shortcut)
int shortcut_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (shortcut_set (n, x, m)) return 1;
  run_bwd (&shortcut, dy, m);
  gather (dx, IMG, from.delta, SF, NULL, 0, NULL, 0);
  return 0;
}

/* batch normalization (training): x = (input (B,C,H,W), scales (C),
   biases (C)).  darknet's make_batchnorm_layer leaves x, x_norm and the
   mean and variance deltas NULL without a GPU, so its forward writes
   through NULL: bn_raw is the layer as made, bn the layer with them */
static layer bn, bn_raw;
VJP (bn);
VJP (bn_raw);
static int
bn_make (layer *l, int complete)
{
  if (!l->output)
    {
      *l = make_batchnorm_layer (B, W, H, C);
      l->nbiases = C;
      if (complete)
        {
          l->x = calloc (IMG, sizeof (float));
          l->x_norm = calloc (IMG, sizeof (float));
          l->mean_delta = calloc (C, sizeof (float));
          l->variance_delta = calloc (C, sizeof (float));
        }
    }
  return 0;
}
int bn_raw_fwd (size_t n, const float *x, size_t m, float *y)
{
  bn_make (&bn_raw, 0);
  if (setup (&bn_raw, n, x, IMG + 2 * C, m, IMG))
    return 1;
  bn_raw.forward (bn_raw, net);
  out_y (&bn_raw, y, m);
  return 0;
}
int bn_raw_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  return bn_raw_fwd (n, x, m, dx);
}
static int
bn_set (size_t n, const float *x, size_t m)
{
  bn_make (&bn, 1);
  if (setup (&bn, n, x, IMG + 2 * C, m, IMG))
    return 1;
  bn.scales = p + IMG;
  bn.biases = p + IMG + C;
  bn.forward (bn, net);
  return 0;
}
FWD (bn, bn)
int bn_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (bn_set (n, x, m)) return 1;
  run_bwd (&bn, dy, m);
  gather (dx, IMG, bn.scale_updates, C, bn.bias_updates, C, NULL, 0);
  return 0;
}

/* L2 normalization over the channels, sized as darknet's parser does */
static layer
l2_make (void)
{
  layer l = make_l2norm_layer (B, IMG / B);
  l.h = l.out_h = H, l.w = l.out_w = W, l.c = l.out_c = C;
  return l;
}
PLAIN (l2norm, l2_make (), IMG, IMG)

/* the loss layers: theta = the prediction (B,5); truth fixed; L is the
   layer's cost, the gradient -delta as darknet's backward passes it */
#define LOSS(OP)                                                        \
  int OP##_loss (size_t n, const float *theta, float *L);               \
  int OP##_grad (size_t n, const float *theta, float *g)
#define LOSS_BODY(OP, MAKE, TRUTH)                                      \
  static layer OP##_l;                                                      \
  LOSS (OP);                                                            \
  static int OP##_set (size_t n, const float *theta)                   \
  {                                                                     \
    static float truth[] = TRUTH;                                       \
    if (!OP##_l.output) { OP##_l = MAKE; }                                      \
    if (setup (&OP##_l, n, theta, B * CI, 0, 0)) return 1;                  \
    net.truth = truth;                                                  \
    OP##_l.forward (OP##_l, net);                                               \
    return 0;                                                           \
  }                                                                     \
  int OP##_loss (size_t n, const float *theta, float *L)                \
  {                                                                     \
    if (OP##_set (n, theta)) return 1;                                  \
    *L = OP##_l.cost[0];                                                    \
    return 0;                                                           \
  }                                                                     \
  int OP##_grad (size_t n, const float *theta, float *g)                \
  {                                                                     \
    if (OP##_set (n, theta)) return 1;                                  \
    OP##_l.backward (OP##_l, net);                                              \
    for (size_t i = 0; i < n; i++)                                      \
      g[i] = -dnet[i];                                                  \
    return 0;                                                           \
  }
#define ONEHOT { 0, 0, 1, 0, 0, 0, 0, 0, 0, 1 }
#define PROBS { 0.1f, 0.9f, 0.5f, 0, 1, 0.3f, 0.7f, 0.2f, 0.6f, 1 }
#define TARGETS { -2, -1, 0, 1, 2, 2.5f, -0.5f, 0.25f, -1.5f, 1.5f }
/* softmax with cross-entropy, and logistic with binary cross-entropy */
static layer *soft_make (void);
LOSS_BODY (softmax, *soft_make (), ONEHOT)
static layer *
soft_make (void)
{
  static layer l;
  l = make_softmax_layer (B, CI, 1);
  l.temperature = 1;            /* the parser's default */
  return &l;
}
LOSS_BODY (logistic, make_logistic_layer (B, CI), PROBS)
/* the cost layer: sum of squares (SSE) and smooth L1, scale 1 */
LOSS_BODY (sse, make_cost_layer (B, CI, SSE, 1), TARGETS)
LOSS_BODY (smooth, make_cost_layer (B, CI, SMOOTH, 1), TARGETS)
