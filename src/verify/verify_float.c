/* verify_float.c -- `backprop verify --dtype float32': each network row
   of bp_net.h's table with a float32 twin, a small seeded network of the
   twin checked by bp_gradcheck in its float mode (BP_GRADCHECK_ARG_FLOAT)
   at its defaults.  The point is the twin's theta_float as doubles (on
   float's grid), the loss bp_net_forward with the point rounded to float,
   the analytic side bp_net_backward's grad_float, widened.
   derivations/14-mini-batch.md ("Float32"), 00-numeric-check.md */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "verify/i18n.h"
#include "verify/verify.h"
#include "verify/verify_float.h"

/* the loss callback's params */
typedef struct
{
  bp_net *net;
  const gsl_matrix *U, *T;
  bp_net_workspace *w;
} float_loss_params;

static int
float_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  float_loss_params *f = params;
  bp_net *net = f->net;
  for (size_t k = 0; k < p->n_blocks; k++)
    for (size_t t = 0; t < p->vector[k]->size; t++)
      net->theta_float->data[net->offset[k] + t] = (float) p->vector[k]->data[t];
  return bp_net_forward (net, f->U, f->T, f->w, NULL, L);
}

/* The double row whose float32 twin is F (NULL: none). */
static const bp_net_type *
double_row_of (const bp_net_type *F)
{
  for (size_t k = 0; bp_net_type_at (k) != NULL; k++)
    if (bp_net_type_at (k)->dtype == BP_NET_FLOAT64 && bp_net_type_at (k)->float32 == F)
      return bp_net_type_at (k);
  return NULL;
}

int
verify_float_net (bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                  const gsl_vector *analytic, bp_gradcheck_result **r)
{
  /* the point and the analytic side as doubles in net's layout: the
     buffers of a double network of the same shape, whose block views
     (bp_net.h) are the checker's blocks */
  const bp_net_type *D = double_row_of (net->type);
  bp_net *d = D ? bp_net_alloc (D, &net->shape) : NULL;
  bp_net_workspace *w = bp_net_workspace_alloc (net, U->size1);
  if (d == NULL || w == NULL)
    {
      bp_net_free (d);
      bp_net_workspace_free (w);
      return GSL_ENOMEM;
    }
  for (size_t t = 0; t < net->size; t++)
    d->theta->data[t] = net->theta_float->data[t];
  gsl_vector_memcpy (d->grad, analytic);
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.arg_type = BP_GRADCHECK_ARG_FLOAT;
  float_loss_params p = { net, U, T, w };
  const bp_gradcheck_function F = { .loss = float_loss, .params = &p };
  int status = bp_gradcheck (&F, net->n_blocks, d->block, d->grad_block, &o, r);
  /* the network back at its point */
  for (size_t t = 0; t < net->size; t++)
    net->theta_float->data[t] = (float) d->theta->data[t];
  bp_net_free (d);
  bp_net_workspace_free (w);
  return status;
}

/* The sizes of the check: 8 x 8 images, 3 classes, a batch of 3; the
   two-layer row 5 ReLU units, the deeper perceptron 5 and 4, the CNN 2
   and 3 channels and 4 units (as tests/check_net_float.c). */
enum { ROWS = 8, COLS = 8, CLASSES = 3, BATCH = 3 };

static bp_net_shape
shape_of (const bp_net_type *T)
{
  bp_net_shape s = { .rows = ROWS, .cols = COLS, .n = CLASSES, .act = BP_RELU };
  if (T->float32 == bp_net_mlp_float)
    s.n_hidden = 1, s.hidden[0] = 5;
  if (T->float32 == bp_net_deep_float)
    s.n_hidden = 2, s.hidden[0] = 5, s.hidden[1] = 4;
  if (T->float32 == bp_net_cnn_float)
    s.n_hidden = 1, s.hidden[0] = 4, s.C1 = 2, s.C2 = 3;
  return s;
}

/* gamma_k = k u / (1 - k u) (Higham, eq. (3.8)) */
static double
gamma_of (double k, double u)
{
  return k * u / (1.0 - k * u);
}

#define U_FLOAT 0x1p-24
#define U_DOUBLE 0x1p-53

/* The bound on |g_f - g_d| of each block of net, the float twin's
   gradient against the double row's on the same inputs
   (derivations/14-mini-batch.md, "The whole chain").  Block 2l is layer
   l's weights W_l (a row per output unit or channel, its fan-in
   across), 2l + 1 its bias.  Every gradient element is a sum over the
   chain's paths of products of weights, inputs and dL/dV; each term
   carries at most N roundings, so the element is within gamma_N of the
   sum of the terms' magnitudes, S:
     S(W_l) = 2 prod_{m>l} R_m  X_l,   S(b_l) = 2 prod_{m>l} R_m,
   R_m = max_o sum_j |W_m[o,j]| (the 1-norm of dL/dV's paths back through
   layer m), X_l the inputs' bound max(1, R'_{l-1} X_{l-1}), R' with
   |b_o| added, X_0 = max(1, max |U|), and 2 = sum |Y| + |T| over the
   batch, over B.  N counts the forward sums to layer l (fan-in + 1
   each), the backward sums from the logits (fan-out each), the
   gradient's own sum (B, or B Ho Wo for a convolution; a convolution's
   bias in double: 1), plus the softmax's error of derivation 14, with
   |V| bounded by Vabs (see float_double_compare). */
static void
float_double_bounds (const bp_net *net, const gsl_matrix *U, double Vabs, double *bound)
{
  const size_t L = net->n_blocks / 2, B = U->size1;
  const float *th = net->theta_float->data;
  double R[BP_NET_MAX_BLOCKS], Rb[BP_NET_MAX_BLOCKS], X[BP_NET_MAX_BLOCKS + 1];
  double F[BP_NET_MAX_BLOCKS + 1], back[BP_NET_MAX_BLOCKS], terms[BP_NET_MAX_BLOCKS];
  double pos[BP_NET_MAX_BLOCKS] = { 0 };
  size_t area = net->shape.rows * net->shape.cols;
  X[0] = 1.0;
  for (size_t t = 0; t < U->size1 * U->size2; t++)
    X[0] = GSL_MAX (X[0], fabs (U->data[t]));
  F[0] = 0.0;
  for (size_t l = 0; l < L; l++)
    {
      const bp_net_block_shape *w = &net->layout[2 * l];
      const float *W = th + net->offset[2 * l], *b = th + net->offset[2 * l + 1];
      const int conv = w->name[0] == 'K';
      R[l] = Rb[l] = 0.0;
      for (size_t o = 0; o < w->size1; o++)
        {
          double r = 0.0;
          for (size_t j = 0; j < w->size2; j++)
            r += fabs ((double) W[o * w->size2 + j]);
          R[l] = GSL_MAX (R[l], r);
          Rb[l] = GSL_MAX (Rb[l], r + fabs ((double) b[o]));
        }
      X[l + 1] = GSL_MAX (1.0, Rb[l] * X[l]);
      F[l + 1] = F[l] + (double) w->size2 + 1.0;
      /* a convolution: each output pixel's gradient of its 25 C_in
         weights over B Ho Wo positions, each input's gradient from
         C_out x 25 outputs; the pooling halves the image */
      pos[l] = conv ? (double) area : 1.0;
      terms[l] = conv ? (double) (w->size1 * BP_CNN_K * BP_CNN_K) : (double) w->size1;
      if (conv)
        area /= 4;
    }
  /* dL/dV = (Y - T)/B: Y's relative error (softmax of logits off by
     gamma_{F_L} X_L), the difference, 1/B and the product */
  const double n = (double) net->shape.n;
  const double eps_dV = 2.0 * gamma_of (F[L], U_FLOAT) * Vabs
                        + gamma_of (2.0 * Vabs + n + 5.0 + 3.0, U_FLOAT);
  double paths = 2.0;   /* prod_{m>l} R_m times sum |dL/dV| */
  back[L - 1] = 0.0;
  for (size_t l = L; l-- > 0;)
    {
      if (l + 1 < L)
        {
          paths *= R[l + 1];
          back[l] = back[l + 1] + terms[l + 1];
        }
      const int conv = net->layout[2 * l].name[0] == 'K';
      const double NW = F[l] + back[l] + (double) B * pos[l];
      const double Nb = back[l] + (conv ? 1.0 : (double) B);
      const double SW = paths * X[l], Sb = paths;
      bound[2 * l] = (gamma_of (NW, U_FLOAT) + eps_dV * (1.0 + gamma_of (NW, U_FLOAT))
                      + gamma_of (NW, U_DOUBLE)) * SW;
      bound[2 * l + 1] = (gamma_of (Nb, U_FLOAT) + eps_dV * (1.0 + gamma_of (Nb, U_FLOAT))
                          + gamma_of (Nb, U_DOUBLE)) * Sb;
    }
}

int
float_double_compare (const bp_net_type *D, const float_example *ex, float_double *c)
{
  const bp_net *net = ex->net;
  bp_net *dnet = bp_net_alloc (D, &net->shape);
  bp_net_workspace *w = dnet ? bp_net_workspace_alloc (dnet, ex->U->size1) : NULL;
  gsl_matrix *Uf = gsl_matrix_alloc (ex->U->size1, ex->U->size2);
  int status = GSL_ENOMEM;
  if (w != NULL && Uf != NULL)
    {
      /* the float network's inputs, widened: its point and U on float's grid */
      for (size_t t = 0; t < net->size; t++)
        dnet->theta->data[t] = net->theta_float->data[t];
      for (size_t t = 0; t < Uf->size1 * Uf->size2; t++)
        Uf->data[t] = (float) ex->U->data[t];
      status = bp_net_backward (dnet, Uf, ex->T, w, NULL, NULL);
    }
  double Vabs = 0.0;
  if (status == GSL_SUCCESS)
    {
      /* Vabs: the logits of the network at |theta| on U >= 0, which bound
         each logit's sum of |terms| (ReLU passes them all, a max-pool
         the largest) */
      for (size_t t = 0; t < net->size; t++)
        dnet->theta->data[t] = fabs (dnet->theta->data[t]);
      gsl_matrix_view V;
      status = bp_net_forward (dnet, Uf, NULL, w, &V, NULL);
      for (size_t t = 0; status == GSL_SUCCESS && t < V.matrix.size1; t++)
        for (size_t i = 0; i < V.matrix.size2; i++)
          Vabs = GSL_MAX (Vabs, fabs (gsl_matrix_get (&V.matrix, t, i)));
    }
  if (status == GSL_SUCCESS)
    {
      double bound[BP_NET_MAX_BLOCKS] = { 0 };
      float_double_bounds (net, Uf, Vabs, bound);
      *c = (float_double) { 0.0, 0.0, 0.0, 0 };
      for (size_t k = 0; k < net->n_blocks; k++)
        for (size_t t = 0; t < net->layout[k].size1 * GSL_MAX (net->layout[k].size2, 1); t++)
          {
            const size_t i = net->offset[k] + t;
            const double d = fabs (ex->grad->data[i] - dnet->grad->data[i]);
            /* the largest difference, and the largest share of its bound */
            if (d > c->max_diff)
              c->max_diff = d;
            if (d / bound[k] > c->ratio)
              c->ratio = d / bound[k], c->bound = bound[k], c->block = k;
          }
      if (c->ratio == 0.0)
        c->bound = bound[0];
    }
  gsl_matrix_free (Uf);
  bp_net_workspace_free (w);
  bp_net_free (dnet);
  return status;
}

/* The row's line: its name, the elements checked, the errors and the
   verdict; under it the network, and the worst element when it did not
   pass (within 80 characters). */
static void
print_float_row (const bp_net *net, const bp_gradcheck_result *r, FILE *out)
{
  char what[160];
  net_describe_local (net, what, sizeof what);
  const bp_gradcheck_run *run = &r->run[0];
  fprintf (out, "%-15s %8zu %11.3e %11.3e  %s\n", net->type->name, run->n_checked, run->max_abs_err, run->max_rel_err,
           r->verdict == BP_GRADCHECK_PASS ? _("PASS")
           : r->verdict == BP_GRADCHECK_FAIL ? _("FAIL") : _("INCONCLUSIVE"));
  fputs ("       ", out);
  print_wrapped (out, what, 73, "         ");
  if (r->verdict == BP_GRADCHECK_PASS)
    return;
  const bp_gradcheck_element worst = worst_not_passed (r), *e = &worst;
  fprintf (out, _("       worst element %s[%zu,%zu], %zu of %zu failed:\n"
                  "         analytic %.9g, numeric %.9g\n"
                  "         (GSL error estimate %.3e)\n"),
           net->layout[e->block].name, e->row, e->col, run->n_failed + run->n_inconclusive,
           run->n_checked, e->analytic, e->numeric, e->abserr);
}

/* The comparison with the double row under the row's lines. */
static void
print_float_double (const bp_net *net, const float_double *c, FILE *out)
{
  fprintf (out, _("       float - double: max %.3e; %s: %.3e of its bound %.3e\n"),
           c->max_diff, net->layout[c->block].name, c->ratio * c->bound, c->bound);
  if (!(c->ratio <= 1.0))
    fprintf (out, _("       %s: float - double is %.3g times its bound\n"), _("FAIL"), c->ratio);
}

void
float_example_free (float_example *ex)
{
  if (ex == NULL)
    return;
  gsl_vector_free (ex->grad);
  gsl_matrix_free (ex->U);
  gsl_matrix_free (ex->T);
  bp_net_free (ex->net);
  free (ex);
}

float_example *
float_example_alloc (const bp_net_type *D, unsigned long seed)
{
  const bp_net_shape s = shape_of (D);
  float_example *ex = calloc (1, sizeof *ex);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (ex == NULL || rng == NULL)
    {
      free (ex);
      gsl_rng_free (rng);
      return NULL;
    }
  ex->net = bp_net_alloc (D->float32, &s);
  bp_net_workspace *w = ex->net ? bp_net_workspace_alloc (ex->net, BATCH) : NULL;
  ex->U = gsl_matrix_alloc (BATCH, (size_t) ROWS * COLS);
  ex->T = gsl_matrix_calloc (BATCH, CLASSES);
  ex->grad = ex->net ? gsl_vector_alloc (ex->net->size) : NULL;
  int status = GSL_ENOMEM;
  if (w && ex->U && ex->T && ex->grad)
    {
      bp_net *net = ex->net;
      gsl_rng_set (rng, seed);
      /* the linear row starts at zero, a special point */
      status = bp_net_init (net, rng);
      for (size_t t = 0; t < net->size; t++)
        net->theta_float->data[t] += (float) gsl_ran_gaussian (rng, 0.1);
      /* pixels k / 255, one-hot labels, as the trainer's batches */
      for (size_t i = 0; i < BATCH; i++)
        {
          for (size_t j = 0; j < (size_t) ROWS * COLS; j++)
            gsl_matrix_set (ex->U, i, j, (double) gsl_rng_uniform_int (rng, 256) / 255.0);
          gsl_matrix_set (ex->T, i, gsl_rng_uniform_int (rng, CLASSES), 1.0);
        }
      if (status == GSL_SUCCESS)
        status = bp_net_backward (net, ex->U, ex->T, w, NULL, NULL);
      for (size_t t = 0; status == GSL_SUCCESS && t < net->size; t++)
        ex->grad->data[t] = net->grad_float->data[t];
    }
  bp_net_workspace_free (w);
  gsl_rng_free (rng);
  if (status != GSL_SUCCESS)
    {
      float_example_free (ex);
      return NULL;
    }
  return ex;
}

int
verify_float_row (const bp_net_type *D, unsigned long seed, FILE *out, size_t *inconclusive)
{
  float_example *ex = float_example_alloc (D, seed);
  bp_gradcheck_result *r = NULL;
  int result = -1;
  float_double c;
  if (ex != NULL && verify_float_net (ex->net, ex->U, ex->T, ex->grad, &r) <= 0
      && r != NULL && float_double_compare (D, ex, &c) == GSL_SUCCESS)
    {
      print_float_row (ex->net, r, out);
      print_float_double (ex->net, &c, out);
      result = r->verdict != BP_GRADCHECK_PASS || !(c.ratio <= 1.0);
      /* a float - double difference over its bound is a FAIL */
      if (r->verdict == BP_GRADCHECK_INCONCLUSIVE && c.ratio <= 1.0)
        ++*inconclusive;
    }
  bp_gradcheck_result_free (r);
  float_example_free (ex);
  return result;
}

int
verify_float (unsigned long seed, FILE *out, size_t *inconclusive)
{
  static const struct { const char *text; int width; } cols[] = {
    {N_("row"), 15}, {N_("partials"), -8},
    {N_("max abs err"), -11}, {N_("max rel err"), -11}
  };
  for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
    {
      print_column (out, _(cols[k].text), cols[k].width);
      fputc (' ', out);
    }
  fprintf (out, " %s\n", _("result"));
  int failures = 0;
  /* every double row of the table with a float32 twin, in its order */
  for (size_t i = 0; bp_net_type_at (i) != NULL; i++)
    {
      const bp_net_type *D = bp_net_type_at (i);
      if (D->dtype != BP_NET_FLOAT64 || D->float32 == NULL)
        continue;
      int f = verify_float_row (D, seed, out, inconclusive);
      if (f < 0)
        return -1;
      failures += f;
    }
  return failures;
}
