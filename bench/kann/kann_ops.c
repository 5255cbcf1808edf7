/* kann_ops.c -- the float32 trial of `backprop check --type float' on a
   third-party C network library, kann (github.com/attractivechaos/kann,
   its kautodiff.c): 15 of its operators, each as L(theta) = sum_i c_i
   y_i(theta) (c seeded) or the operator's own scalar loss, with kann's
   hand-written backward pass (kad_grad) as the gradient; and 9 planted
   bugs in that gradient.  The C ABI of backprop(1) under --type float:
     int OP_loss (size_t n, const float *theta, float *L);
     int OP_grad (size_t n, const float *theta, float *g);
   Built and run by kann-trial.sh (kann is not part of backprop). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "kautodiff.h"

#define MAXN 512

typedef struct
{
  int built, n_node, n;          /* n: the parameters (the var's length) */
  kad_node_t **node;
  float x[MAXN], g[MAXN];        /* the var's value and gradient */
  float in[MAXN], c[MAXN], t[MAXN];   /* constants: input, weights, labels */
} graph;

/* a fixed pseudo-random stream, so every op's constants are reproducible */
static unsigned long state = 12345;
static float
draw (float lo, float hi)
{
  state = state * 6364136223846793005UL + 1442695040888963407UL;
  return lo + (hi - lo) * (float) ((state >> 33) & 0xffffff) / (float) 0x1000000;
}

static void
fill (float *a, int n, float lo, float hi)
{
  for (int i = 0; i < n; i++)
    a[i] = draw (lo, hi);
}

/* rows of k labels summing to 1 */
static void
labels (float *t, int rows, int k)
{
  for (int r = 0; r < rows; r++)
    {
      float s = 0.0f;
      for (int j = 0; j < k; j++)
        s += (t[r * k + j] = draw (0.1f, 1.0f));
      for (int j = 0; j < k; j++)
        t[r * k + j] /= s;
    }
}

/* sum_i c_i y_i as a scalar node */
static kad_node_t *
weighted_sum (graph *G, kad_node_t *y)
{
  int len = kad_len (y);
  fill (G->c, len, -1.0f, 1.0f);
  kad_node_t *z = kad_mul (y, kad_const (G->c, y->n_d, y->d[0], y->n_d > 1 ? y->d[1] : 1,
                                         y->n_d > 2 ? y->d[2] : 1, y->n_d > 3 ? y->d[3] : 1));
  return kad_reduce_sum (kad_reshape (z, 1, &len), 0);
}

static void
compile (graph *G, kad_node_t *L, kad_node_t *var)
{
  G->node = kad_compile (&G->n_node, 1, L);
  G->n = kad_len (var);
  G->built = 1;
}

static int
run (graph *G, size_t n, const float *theta, float *L, float *g)
{
  if ((int) n != G->n)
    return 1;
  memcpy (G->x, theta, n * sizeof *theta);
  const float *v = kad_eval_at (G->n_node, G->node, G->n_node - 1);
  if (L)
    *L = v[0];
  if (g)
    {
      kad_grad (G->n_node, G->node, G->n_node - 1);
      memcpy (g, G->g, n * sizeof *g);
    }
  return 0;
}

/* --- the operators: each builds its graph once ---------------------------- */

#define OP(name, build)                                                        \
  static graph name##_g;                                                       \
  static void name##_build (graph *G) build                                    \
  int name##_loss (size_t n, const float *theta, float *L);                    \
  int name##_grad (size_t n, const float *theta, float *g);                    \
  int name##_loss (size_t n, const float *theta, float *L)                     \
  {                                                                            \
    if (!name##_g.built)                                                       \
      name##_build (&name##_g);                                                \
    return run (&name##_g, n, theta, L, NULL);                                 \
  }                                                                            \
  int name##_grad (size_t n, const float *theta, float *g)                     \
  {                                                                            \
    if (!name##_g.built)                                                       \
      name##_build (&name##_g);                                                \
    return run (&name##_g, n, theta, NULL, g);                                 \
  }

/* Y = X W^T: W (4 x 6) the parameters, X 3 x 6 */
OP (matmul, {
  fill (G->in, 18, -1.0f, 1.0f);
  kad_node_t *W = kad_var (G->x, G->g, 2, 4, 6);
  compile (G, weighted_sum (G, kad_cmul (kad_const (G->in, 2, 3, 6), W)), W);
})
/* Y = X + 1 b^T: b (5) */
OP (bias, {
  fill (G->in, 15, -1.0f, 1.0f);
  kad_node_t *b = kad_var (G->x, G->g, 1, 5);
  compile (G, weighted_sum (G, kad_add (kad_const (G->in, 2, 3, 5), b)), b);
})
OP (softmax, {
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, weighted_sum (G, kad_softmax (x)), x);
})
/* cross-entropy of Softmax(x) against soft labels */
OP (ce_multi, {
  labels (G->t, 3, 5);
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, kad_ce_multi (kad_softmax (x), kad_const (G->t, 2, 3, 5)), x);
})
/* binary cross-entropy of sigmoid(x) against labels in (0, 1) */
OP (ce_bin, {
  fill (G->t, 15, 0.05f, 0.95f);
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, kad_ce_bin (kad_sigm (x), kad_const (G->t, 2, 3, 5)), x);
})
OP (mse, {
  fill (G->t, 15, -1.0f, 1.0f);
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, kad_mse (x, kad_const (G->t, 2, 3, 5)), x);
})
OP (sigm, {
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, weighted_sum (G, kad_sigm (x)), x);
})
OP (tanh, {
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, weighted_sum (G, kad_tanh (x)), x);
})
OP (relu, {
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, weighted_sum (G, kad_relu (x)), x);
})
/* log on (0.1, 2): run with --domain 0.1,2 */
OP (log, {
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 5);
  compile (G, weighted_sum (G, kad_log (x)), x);
})
/* layer normalisation over the last axis */
OP (stdnorm, {
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 6);
  compile (G, weighted_sum (G, kad_stdnorm (x)), x);
})
/* 2 x 2 max-pool, stride 2, of 2 channels of 6 x 6 */
OP (max2d, {
  kad_node_t *x = kad_var (G->x, G->g, 4, 1, 2, 6, 6);
  compile (G, weighted_sum (G, kad_max2d (x, 2, 2, 2, 2, 0, 0)), x);
})
/* conv1d: kernel W (4 x 3 x 3) over X (2 x 3 x 10), pad 1 */
OP (conv1d, {
  fill (G->in, 60, -1.0f, 1.0f);
  kad_node_t *W = kad_var (G->x, G->g, 3, 4, 3, 3);
  compile (G, weighted_sum (G, kad_conv1d (kad_const (G->in, 3, 2, 3, 10), W, 1, 1)), W);
})
/* conv2d: kernel W (3 x 2 x 3 x 3) over X (1 x 2 x 6 x 6), pad 1 */
OP (conv2d, {
  fill (G->in, 72, -1.0f, 1.0f);
  kad_node_t *W = kad_var (G->x, G->g, 4, 3, 2, 3, 3);
  compile (G, weighted_sum (G, kad_conv2d (kad_const (G->in, 4, 1, 2, 6, 6), W, 1, 1, 1, 1)), W);
})
/* [x, C] along axis 1: x (3 x 4), C (3 x 2) */
OP (concat, {
  fill (G->in, 6, -1.0f, 1.0f);
  kad_node_t *x = kad_var (G->x, G->g, 2, 3, 4);
  compile (G, weighted_sum (G, kad_concat (1, 2, x, kad_const (G->in, 2, 3, 2))), x);
})

/* --- planted bugs, each in the gradient of one operator ------------------ */

#define BUG(name, op, body)                                                    \
  int name##_grad (size_t n, const float *theta, float *g);                    \
  int name##_grad (size_t n, const float *theta, float *g)                     \
  {                                                                            \
    float t[MAXN];                                                             \
    int s = op##_grad (n, theta, g);                                           \
    (void) t;                                                                  \
    body return s;                                                             \
  }

/* W's gradient stored transposed (6 x 4 in W's 4 x 6 memory) */
BUG (matmul_transposed, matmul, {
  memcpy (t, g, n * sizeof *t);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 6; j++)
      g[j * 4 + i] = t[i * 6 + j];
})
/* one element 5e-4 off */
BUG (matmul_one_off, matmul, { g[7] += 5e-4f; })
/* the bias gradient divided by the batch size (a mean, not the sum) */
BUG (bias_batch, bias, { for (size_t i = 0; i < n; i++) g[i] /= 3.0f; })
BUG (tanh_sign, tanh, { for (size_t i = 0; i < n; i++) g[i] = -g[i]; })
BUG (sigm_half, sigm, { for (size_t i = 0; i < n; i++) g[i] *= 0.5f; })
/* shifted by one element */
BUG (softmax_shift, softmax, {
  memcpy (t, g, n * sizeof *t);
  for (size_t i = 0; i < n; i++)
    g[i] = t[(i + 1) % n];
})
/* one element of the cross-entropy's gradient 5e-4 off */
BUG (ce_multi_one_off, ce_multi, { g[4] += 5e-4f; })
/* the first row of every input channel's gradient lost (padding) */
BUG (conv2d_edge, conv2d, {
  for (int o = 0; o < 6; o++)
    for (int j = 0; j < 3; j++)
      g[o * 9 + j] = 0.0f;
})
/* the activation's derivative missing: dL/dy passed through */
BUG (relu_missing, relu, {
  for (size_t i = 0; i < n; i++)
    g[i] = relu_g.c[i];
})
