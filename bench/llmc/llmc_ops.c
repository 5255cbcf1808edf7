/* llmc_ops.c -- the float32 trial of `backprop check --type float' on a
   third-party C network, Karpathy's llm.c (github.com/karpathy/llm.c,
   its train_gpt2.c, included whole below): seven of its layers, each as
   the forward and backward functions a user would wrap around llm.c's own
   (y = LAYER_forward (x); dx = J^T dy by LAYER_backward, which ACCUMULATES
   into dx, so the wrapper zeroes dx first), at small sizes; and the mean
   cross-entropy as a plain loss (gpt2_forward's mean_loss, with
   gpt2_backward's dlosses = 1/(B T)).  theta is the layer's differentiable
   inputs one after another, as named by the --block options of
   llmc-trial.sh.  The C ABI of backprop(1) under --type float:
     int OP_fwd  (size_t n, const float *x, size_t m, float *y);
     int OP_bwd  (size_t n, const float *x, size_t m, const float *dy, float *dx);
     int ce_loss (size_t n, const float *theta, float *L);
     int ce_grad (size_t n, const float *theta, float *g);
   Built and run by llmc-trial.sh (llm.c is not part of backprop). */
#define main llmc_train_gpt2_main
#include "train_gpt2.c"
#undef main

int ln_fwd (size_t n, const float *x, size_t m, float *y);
int ln_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);
int mm_fwd (size_t n, const float *x, size_t m, float *y);
int mm_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);
int att_fwd (size_t n, const float *x, size_t m, float *y);
int att_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);
int gelu_fwd (size_t n, const float *x, size_t m, float *y);
int gelu_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);
int res_fwd (size_t n, const float *x, size_t m, float *y);
int res_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);
int ce_fwd (size_t n, const float *x, size_t m, float *y);
int ce_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);
int ce_loss (size_t n, const float *theta, float *L);
int ce_grad (size_t n, const float *theta, float *g);
int enc_fwd (size_t n, const float *x, size_t m, float *y);
int enc_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx);

/* B batch, T time, C channels, NH heads, V vocabulary padded to VP;
   matmul runs B*T = MB*MT = 8 rows, so llm.c takes its tiled loop. */
enum { B = 2, T = 3, C = 4, NH = 2, V = 5, VP = 8, MB = 2, MT = 4, OC = 3,
       BTC = B * T * C, MAXN = 128 };

/* token ids and targets, with repeats (llm.c accumulates over them) */
static int tokens[B * T] = { 1, 3, 1, 4, 1, 0 };
static int targets[B * T] = { 1, 4, 0, 2, 2, 3 };

/* llm.c's layers take non-const pointers: the point and dy are copied */
static float p[MAXN], d[MAXN];

static int
load (size_t n, const float *x, size_t want_n, size_t m, size_t want_m)
{
  if (n != want_n || m != want_m)
    return 1;
  memcpy (p, x, n * sizeof *x);
  return 0;
}

static void
load_dy (const float *dy, size_t m, float *dx, size_t n)
{
  memcpy (d, dy, m * sizeof *dy);
  memset (dx, 0, n * sizeof *dx);       /* llm.c's backward is += */
}

/* layernorm: x = inp (B,T,C), weight (C), bias (C); y (B,T,C) */
static float ln_mean[B * T], ln_rstd[B * T];

int
ln_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, BTC + 2 * C, m, BTC))
    return 1;
  layernorm_forward (y, ln_mean, ln_rstd, p, p + BTC, p + BTC + C, B, T, C);
  return 0;
}

int
ln_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  float y[BTC];
  if (ln_fwd (n, x, m, y))
    return 1;
  load_dy (dy, m, dx, n);
  layernorm_backward (dx, dx + BTC, dx + BTC + C, d, p, p + BTC, ln_mean, ln_rstd, B, T, C);
  return 0;
}

/* matmul: x = inp (MB,MT,C), weight (OC,C), bias (OC); y (MB,MT,OC) */
enum { MM_IN = MB * MT * C, MM_N = MM_IN + OC * C + OC, MM_M = MB * MT * OC };

int
mm_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, MM_N, m, MM_M))
    return 1;
  matmul_forward (y, p, p + MM_IN, p + MM_IN + OC * C, MB, MT, C, OC);
  return 0;
}

int
mm_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (load (n, x, MM_N, m, MM_M))
    return 1;
  load_dy (dy, m, dx, n);
  matmul_backward (dx, dx + MM_IN, dx + MM_IN + OC * C, d, p, p + MM_IN, MB, MT, C, OC);
  return 0;
}

/* attention: x = qkv (B,T,3C); y (B,T,C); its scratch (B,NH,T,T) */
enum { ATT_N = B * T * 3 * C, ATT_S = B * NH * T * T };
static float preatt[ATT_S], att[ATT_S], dpreatt[ATT_S], datt[ATT_S];

int
att_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, ATT_N, m, BTC))
    return 1;
  attention_forward (y, preatt, att, p, B, T, C, NH);
  return 0;
}

int
att_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  float y[BTC];
  if (att_fwd (n, x, m, y))
    return 1;
  load_dy (dy, m, dx, n);
  memset (dpreatt, 0, sizeof dpreatt);  /* scratch: also += */
  memset (datt, 0, sizeof datt);
  attention_backward (dx, dpreatt, datt, d, p, att, B, T, C, NH);
  return 0;
}

/* gelu: x (B,T,C); y (B,T,C) */
int
gelu_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, BTC, m, BTC))
    return 1;
  gelu_forward (y, p, BTC);
  return 0;
}

int
gelu_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (load (n, x, BTC, m, BTC))
    return 1;
  load_dy (dy, m, dx, n);
  gelu_backward (dx, p, d, BTC);
  return 0;
}

/* residual: x = inp1 (B,T,C), inp2 (B,T,C); y (B,T,C) */
int
res_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, 2 * BTC, m, BTC))
    return 1;
  residual_forward (y, p, p + BTC, BTC);
  return 0;
}

int
res_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (load (n, x, 2 * BTC, m, BTC))
    return 1;
  load_dy (dy, m, dx, n);
  residual_backward (dx, dx + BTC, d, BTC);
  return 0;
}

/* softmax + cross-entropy: x = logits (B,T,VP); y = losses (B,T) */
enum { CE_N = B * T * VP };
static float probs[CE_N];

int
ce_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, CE_N, m, B * T))
    return 1;
  softmax_forward (probs, p, B, T, V, VP);
  crossentropy_forward (y, probs, targets, B, T, VP);
  return 0;
}

int
ce_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  float y[B * T];
  if (ce_fwd (n, x, m, y))
    return 1;
  load_dy (dy, m, dx, n);
  crossentropy_softmax_backward (dx, d, probs, targets, B, T, V, VP);
  return 0;
}

/* the same as a loss: L = mean of the losses, as gpt2_forward's mean_loss */
int
ce_loss (size_t n, const float *theta, float *L)
{
  float y[B * T];
  if (ce_fwd (n, theta, B * T, y))
    return 1;
  float s = 0.0f;
  for (int i = 0; i < B * T; i++)
    s += y[i];
  *L = s / (B * T);
  return 0;
}

int
ce_grad (size_t n, const float *theta, float *g)
{
  float dlosses[B * T], y[B * T];
  if (ce_fwd (n, theta, B * T, y))
    return 1;
  for (int i = 0; i < B * T; i++)
    dlosses[i] = 1.0f / (B * T);        /* gpt2_backward's dloss_mean */
  memset (g, 0, n * sizeof *g);
  crossentropy_softmax_backward (g, dlosses, probs, targets, B, T, V, VP);
  return 0;
}

/* encoder: x = wte (V,C), wpe (T,C); y (B,T,C) for the fixed tokens */
enum { ENC_N = V * C + T * C };

int
enc_fwd (size_t n, const float *x, size_t m, float *y)
{
  if (load (n, x, ENC_N, m, BTC))
    return 1;
  encoder_forward (y, tokens, p, p + V * C, B, T, C);
  return 0;
}

int
enc_bwd (size_t n, const float *x, size_t m, const float *dy, float *dx)
{
  if (load (n, x, ENC_N, m, BTC))
    return 1;
  load_dy (dy, m, dx, n);
  encoder_backward (dx, dx + V * C, d, tokens, B, T, C);
  return 0;
}
