/* check_cnn.c -- suites cnn_chain_backward (every block and dL/dU of the
   chain, eqs. 17.5-17.8), cnn_chain_forward (17.1-17.4), cnn_chain_init (17.9),
   bp_batch_flatten (16.7, 16.8) and the cnn row's training;
   derivations/17-cnn.md, 16-pooling.md.
   The gradients against bp_gradcheck's central differences (GSL) of
   cnn_chain_forward and its complex step of the whole chain in complex
   arithmetic (bp_net_cnn's cforward through cstep_cnn_loss, the one the
   verify rows use: composed from bp_complex_conv, bp_complex_activation_forward,
   bp_complex_maxpool, bp_complex_reshape, bp_complex_linear,
   bp_complex_softmax_cross_entropy); the batch chain's
   logits against the single-example functions, one example at a time. */
#include <config.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_complex_math.h>
#include "testutil.h"
#include "verify/cnn_example.h"
#include "backprop/bp_activation.h"
#include "lib/formulas/cnn_chain.h"
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include "backprop/bp_complex_step.h"
#include "backprop/bp_conv.h"
#include "backprop/bp_cross_entropy.h"
#include "backprop/bp_gradcheck.h"
#include "backprop/bp_linear.h"
#include "backprop/bp_pool.h"
#include "backprop/bp_reshape.h"

/* rows x cols images, C1, C2 channels, H hidden units (0: none), n
   classes; a workspace for B examples and a batch of b <= B.
   9 x 10: the first pool drops the last row (4 x 5 left), the second the
   last column; 11 x 13: the first drops both, the second (5 x 6) a row. */
typedef struct
{
  size_t rows, cols, C1, C2, H, n, B, b;
} cnn_case;

static const cnn_case cases[] = {
  { 8, 8, 2, 3, 0, 4, 3, 3 },
  { 8, 8, 2, 3, 5, 4, 3, 3 },
  { 9, 10, 2, 3, 6, 3, 3, 3 },
  { 11, 13, 2, 2, 0, 3, 3, 3 },
  { 9, 10, 2, 3, 0, 3, 5, 2 },   /* a batch smaller than the workspace */
  { 8, 8, 2, 3, 5, 4, 6, 3 },
};
#define N_CASES ((int) (sizeof cases / sizeof cases[0]))

/* The point of a case: He weights, biases uniform in [-0.1, 0.1] (not 0,
   so that no pre-activation is 0 by construction), pixels uniform in
   [0, 1], one-hot labels (even cases) or soft ones (odd cases). */
typedef struct
{
  cnn_case c;
  cnn_chain *net, *grad;
  cnn_chain_workspace *w;
  gsl_matrix *U, *T, *dU;
  size_t n_blocks;   /* of the network: 6 or 8 */
} fixture;

static void
uniform_fill (gsl_rng *rng, double lo, double hi, double *x, size_t count)
{
  for (size_t k = 0; k < count; k++)
    x[k] = lo + (hi - lo) * gsl_rng_uniform (rng);
}

static fixture *
fixture_alloc (int i)
{
  fixture *f = malloc (sizeof *f);
  const cnn_case *c = &cases[i];
  gsl_rng *rng = test_rng (i);
  f->c = *c;
  f->net = cnn_chain_alloc (c->rows, c->cols, c->C1, c->C2, c->H, c->n);
  f->grad = cnn_chain_alloc (c->rows, c->cols, c->C1, c->C2, c->H, c->n);
  ck_assert_ptr_nonnull (f->net);
  ck_assert_int_eq (cnn_chain_init (f->net, rng), GSL_SUCCESS);
  cnn_chain_block blk[CNN_CHAIN_MAX_BLOCKS];
  f->n_blocks = cnn_chain_blocks (f->net, blk);
  for (size_t k = 0; k < f->n_blocks; k++)
    if (blk[k].v)
      uniform_fill (rng, -0.1, 0.1, blk[k].v->data, blk[k].v->size);
  f->w = cnn_chain_workspace_alloc (c->B, f->net);
  f->U = gsl_matrix_alloc (c->b, c->rows * c->cols);
  f->dU = gsl_matrix_alloc (c->b, c->rows * c->cols);
  f->T = gsl_matrix_calloc (c->b, c->n);
  uniform_fill (rng, 0.0, 1.0, f->U->data, c->b * c->rows * c->cols);
  for (size_t e = 0; e < c->b; e++)
    if (i % 2 == 0)
      gsl_matrix_set (f->T, e, gsl_rng_uniform_int (rng, c->n), 1.0);
    else
      {
        gsl_vector_view t = gsl_matrix_row (f->T, e);
        uniform_fill (rng, 0.1, 1.0, t.vector.data, c->n);
        gsl_vector_scale (&t.vector, 1.0 / gsl_blas_dasum (&t.vector));
      }
  gsl_rng_free (rng);
  return f;
}

static void
fixture_free (fixture *f)
{
  cnn_chain_free (f->net);
  cnn_chain_free (f->grad);
  cnn_chain_workspace_free (f->w);
  gsl_matrix_free (f->U);
  gsl_matrix_free (f->T);
  gsl_matrix_free (f->dU);
  free (f);
}

/* --- the loss at the checker's point, real and complex ----------------- */

/* The checker's blocks: the network's in cnn_chain_blocks' order, then U. */
typedef struct
{
  const fixture *f;
  bp_net *w;   /* the complex chain's: bp_net_cnn of f's shape */
  bp_net_workspace *cws;   /* its bp_net_cforward's */
} chain;

/* A network of f's shape whose blocks are the point's (read only). */
static cnn_chain
net_at (const fixture *f, const gsl_matrix *const *M, const gsl_vector *const *v)
{
  cnn_chain net = *f->net;
  size_t k = 0;
  net.K1 = (gsl_matrix *) M[k++];
  net.b1 = (gsl_vector *) v[k++];
  net.K2 = (gsl_matrix *) M[k++];
  net.b2 = (gsl_vector *) v[k++];
  if (net.H > 0)
    {
      net.W3 = (gsl_matrix *) M[k++];
      net.b3 = (gsl_vector *) v[k++];
    }
  net.W4 = (gsl_matrix *) M[k++];
  net.b4 = (gsl_vector *) v[k++];
  return net;
}

/* L = cnn_chain_forward at the point */
static int
real_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const chain *ch = params;
  const fixture *f = ch->f;
  cnn_chain net = net_at (f, p->block, p->vector);
  *L = cnn_chain_forward (&net, p->block[f->n_blocks], f->T, f->w);
  return isfinite (*L) ? 0 : 1;
}

/* a complex matrix seen as the vector of its elements (contiguous) */
static gsl_vector_complex_view
cflat (gsl_matrix_complex *A)
{
  return gsl_vector_complex_view_array (A->data, A->size1 * A->size2);
}

/* The same chain in complex arithmetic, one example at a time
   (bp_net_cnn's complex forward, bp_net_cforward: conv1, relu, maxpool, conv2,
   relu, maxpool, reshape, [linear, relu,] linear, softmax cross-entropy;
   the mean over the batch). */
static int
complex_loss (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  chain *ch = params;
  const fixture *f = ch->f;
  const double complex sum = cstep_cnn_loss (ch->w, p->block, p->block[f->n_blocks], f->T, ch->cws);
  *L = gsl_complex_rect (creal (sum), cimag (sum));
  return !isfinite (creal (sum));
}

static chain
chain_of (const fixture *f)
{
  const cnn_chain *n = f->net;
  chain ch = { f, cstep_cnn_net (n->rows, n->cols, n->C1, n->C2, n->H, n->n), NULL };
  ck_assert_ptr_nonnull (ch.w);
  ch.cws = bp_net_workspace_alloc (ch.w, 1);
  ck_assert_ptr_nonnull (ch.cws);
  return ch;
}

static void
chain_free (chain *ch)
{
  bp_net_workspace_free (ch->cws);
  bp_net_free (ch->w);
}

/* The blocks of net (the point) and of grad (the analytic side), then U
   and dL/dU; returns their number. */
static size_t
blocks_of (const fixture *f, bp_gradcheck_block point[], bp_gradcheck_block analytic[])
{
  cnn_chain_block x[CNN_CHAIN_MAX_BLOCKS], g[CNN_CHAIN_MAX_BLOCKS];
  const size_t nb = cnn_chain_blocks (f->net, x);
  cnn_chain_blocks (f->grad, g);
  for (size_t k = 0; k < nb; k++)
    {
      point[k] = (bp_gradcheck_block) { .name = x[k].name, .matrix = x[k].M,
          .vector = x[k].v };
      analytic[k] = (bp_gradcheck_block) { .name = g[k].name, .matrix = g[k].M,
          .vector = g[k].v };
    }
  point[nb] = (bp_gradcheck_block) { .name = "U", .matrix = f->U };
  analytic[nb] = (bp_gradcheck_block) { .name = "U", .matrix = f->dU };
  return nb + 1;
}

/* The largest |element| of a checker block */
static double
block_max_abs (const bp_gradcheck_block *b)
{
  double m = 0.0;
  if (b->vector)
    for (size_t i = 0; i < b->vector->size; i++)
      m = fmax (m, fabs (gsl_vector_get (b->vector, i)));
  else
    for (size_t i = 0; i < b->matrix->size1; i++)
      for (size_t j = 0; j < b->matrix->size2; j++)
        m = fmax (m, fabs (gsl_matrix_get (b->matrix, i, j)));
  return m;
}

/* cnn_chain_backward at case i, checked by method against f's forward:
   every element of every block must pass.  Max-pool ties: the values are
   drawn from continuous distributions, so no two values of a window are
   equal but those that ReLU made 0 (which no step moves: their
   pre-activations are negative), and no pre-activation lies within a
   step of 0; the checker would report such a point as a kink, and none
   is found (n_kinks = 0), so every element is compared. */
static void
check_backward (int i, unsigned method)
{
  fixture *f = fixture_alloc (i);
  double L = 0.0;
  ck_assert_int_eq (cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, f->dU, &L),
                    GSL_SUCCESS);
  ck_assert (isfinite (L) && L > 0.0);
  chain ch = chain_of (f);
  bp_gradcheck_block point[CNN_CHAIN_MAX_BLOCKS + 1], analytic[CNN_CHAIN_MAX_BLOCKS + 1];
  const size_t nb = blocks_of (f, point, analytic);
  for (size_t k = 0; k < nb; k++)   /* no block is trivially 0 */
    ck_assert_msg (block_max_abs (&analytic[k]) > 1e-6, "case %d: dL/d%s is 0", i,
                   analytic[k].name);
  bp_gradcheck_function F = { .loss = real_loss, .closs = complex_loss, .params = &ch };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = method;
  if (method == BP_GRADCHECK_COMPLEX_STEP)
    {
      o.rtol = BP_CSTEP_RTOL;
      o.atol = BP_CSTEP_ATOL;
    }
  bp_gradcheck_result *r = NULL;
  const int status = bp_gradcheck (&F, nb, point, analytic, &o, &r);
  ck_assert_ptr_nonnull (r);
  const bp_gradcheck_run *run = &r->run[0];
  size_t total = 0;
  for (size_t k = 0; k < nb; k++)
    {
      const bp_gradcheck_block_result *b = &run->block[k];
      total += b->rows * b->cols;
      ck_assert_msg (b->n_checked == b->rows * b->cols && b->n_failed == 0
                     && b->n_inconclusive == 0,
                     "case %d, %s, block %s: %zu failed, %zu inconclusive of %zu; "
                     "worst (%zu,%zu): analytic %.17g, numeric %.17g (%s)", i,
                     method == BP_GRADCHECK_CENTRAL ? "central" : "complex step",
                     b->name, b->n_failed, b->n_inconclusive, b->n_checked,
                     b->n_worst ? b->worst[0].row : 0, b->n_worst ? b->worst[0].col : 0,
                     b->n_worst ? b->worst[0].analytic : 0.0,
                     b->n_worst ? b->worst[0].numeric : 0.0, run->reason);
    }
  ck_assert_uint_eq (run->n_checked, total);
  ck_assert_msg (run->n_kinks == 0 && run->n_passed == total,
                 "case %d: %zu kinks, %zu passed of %zu elements", i, run->n_kinks,
                 run->n_passed, total);
  ck_assert_int_eq (status, GSL_SUCCESS);
  ck_assert_int_eq (r->verdict, BP_GRADCHECK_PASS);
  /* and L is the loss of the forward pass */
  ck_assert_double_eq (L, cnn_chain_forward (f->net, f->U, f->T, f->w));
  bp_gradcheck_result_free (r);
  chain_free (&ch);
  fixture_free (f);
}

START_TEST (test_cnn_backward_central)
{
  check_backward (_i, BP_GRADCHECK_CENTRAL);
}
END_TEST

START_TEST (test_cnn_backward_complex_step)
{
  check_backward (_i, BP_GRADCHECK_COMPLEX_STEP);
}
END_TEST

/* The complex chain is real on real arguments and equals cnn_chain_forward
   there: it is the same function, so that its derivatives are the ones
   to compare with. */
START_TEST (test_cnn_complex_chain_is_the_loss)
{
  fixture *f = fixture_alloc (_i);
  chain ch = chain_of (f);
  bp_gradcheck_block point[CNN_CHAIN_MAX_BLOCKS + 1], analytic[CNN_CHAIN_MAX_BLOCKS + 1];
  const size_t nb = blocks_of (f, point, analytic);
  gsl_matrix_complex *Z[CNN_CHAIN_MAX_BLOCKS + 1];
  gsl_vector_complex *zv[CNN_CHAIN_MAX_BLOCKS + 1];
  gsl_vector_complex_view views[CNN_CHAIN_MAX_BLOCKS + 1];
  for (size_t k = 0; k < nb; k++)
    {
      if (point[k].matrix)
        {
          Z[k] = gsl_matrix_complex_alloc (point[k].matrix->size1, point[k].matrix->size2);
          cstep_matrix_from_real (point[k].matrix, Z[k]);
          views[k] = cflat (Z[k]);
          zv[k] = &views[k].vector;
        }
      else
        {
          Z[k] = gsl_matrix_complex_alloc (point[k].vector->size, 1);
          gsl_vector_complex_view c = gsl_matrix_complex_column (Z[k], 0);
          cstep_vector_from_real (point[k].vector, &c.vector);
          views[k] = cflat (Z[k]);
          zv[k] = &views[k].vector;
        }
    }
  bp_gradcheck_cpoint p = { nb, (const gsl_matrix_complex *const *) Z,
                            (const gsl_vector_complex *const *) zv, BP_GRADCHECK_NONE,
                            0, 0, 1, 0 };
  gsl_complex L;
  ck_assert_int_eq (complex_loss (&p, &ch, &L), 0);
  const double want = cnn_chain_forward (f->net, f->U, f->T, f->w);
  ck_assert_double_eq (GSL_IMAG (L), 0.0);
  ck_assert_msg (fabs (GSL_REAL (L) - want) <= 1e-12 * fabs (want),
                 "complex chain %.17g, cnn_chain_forward %.17g", GSL_REAL (L), want);
  for (size_t k = 0; k < nb; k++)
    gsl_matrix_complex_free (Z[k]);
  chain_free (&ch);
  fixture_free (f);
}
END_TEST

/* --- the forward pass: the batch chain vs one example at a time -------- */

/* The logits of example e by the single-example functions: bp_conv,
   bp_relu, bp_maxpool, bp_conv, bp_relu, bp_maxpool, bp_reshape,
   [bp_linear, bp_relu,] bp_linear. */
static gsl_vector *
naive_logits (const cnn_chain *s, const gsl_matrix *U, size_t e)
{
  const size_t hw = s->rows * s->cols, hw2 = (s->rows / 2) * (s->cols / 2);
  const size_t hw4 = (s->rows / 4) * (s->cols / 4);
  gsl_matrix *X = gsl_matrix_alloc (1, hw), *Y1 = gsl_matrix_alloc (s->C1, hw);
  gsl_matrix *P1 = gsl_matrix_alloc (s->C1, hw2), *Y2 = gsl_matrix_alloc (s->C2, hw2);
  gsl_matrix *P2 = gsl_matrix_alloc (s->C2, hw4);
  gsl_vector *feat = gsl_vector_alloc (s->features), *v = gsl_vector_alloc (s->n);
  gsl_vector_const_view u = gsl_matrix_const_row (U, e);
  gsl_vector_view x = gsl_matrix_row (X, 0);
  gsl_vector_memcpy (&x.vector, &u.vector);
  gsl_vector_view y1 = gsl_vector_view_array (Y1->data, s->C1 * hw);
  gsl_vector_view y2 = gsl_vector_view_array (Y2->data, s->C2 * hw2);
  ck_assert_int_eq (bp_conv (&s->conv1, s->K1, s->b1, X, Y1), GSL_SUCCESS);
  ck_assert_int_eq (bp_relu (&y1.vector, &y1.vector), GSL_SUCCESS);
  ck_assert_int_eq (bp_maxpool (Y1, s->rows, s->cols, P1), GSL_SUCCESS);
  ck_assert_int_eq (bp_conv (&s->conv2, s->K2, s->b2, P1, Y2), GSL_SUCCESS);
  ck_assert_int_eq (bp_relu (&y2.vector, &y2.vector), GSL_SUCCESS);
  ck_assert_int_eq (bp_maxpool (Y2, s->rows / 2, s->cols / 2, P2), GSL_SUCCESS);
  ck_assert_int_eq (bp_reshape (P2, feat), GSL_SUCCESS);
  if (s->H > 0)
    {
      gsl_vector *z = gsl_vector_alloc (s->H);
      ck_assert_int_eq (bp_linear (s->W3, s->b3, feat, z), GSL_SUCCESS);
      ck_assert_int_eq (bp_relu (z, z), GSL_SUCCESS);
      ck_assert_int_eq (bp_linear (s->W4, s->b4, z, v), GSL_SUCCESS);
      gsl_vector_free (z);
    }
  else
    ck_assert_int_eq (bp_linear (s->W4, s->b4, feat, v), GSL_SUCCESS);
  gsl_matrix_free (X);
  gsl_matrix_free (Y1);
  gsl_matrix_free (P1);
  gsl_matrix_free (Y2);
  gsl_matrix_free (P2);
  gsl_vector_free (feat);
  return v;
}

START_TEST (test_cnn_forward_equals_single_examples)
{
  fixture *f = fixture_alloc (_i);
  const double L = cnn_chain_forward (f->net, f->U, f->T, f->w);
  ck_assert (isfinite (L));
  double want_L = 0.0;
  for (size_t e = 0; e < f->c.b; e++)
    {
      gsl_vector *v = naive_logits (f->net, f->U, e);
      for (size_t j = 0; j < f->c.n; j++)
        {
          const double got = gsl_matrix_get (f->w->V, e, j), want = gsl_vector_get (v, j);
          ck_assert_msg (fabs (got - want) <= 1e-12 * fmax (1.0, fabs (want)),
                         "case %d, example %zu, logit %zu: batch %.17g, single %.17g",
                         _i, e, j, got, want);
        }
      gsl_vector_const_view t = gsl_matrix_const_row (f->T, e);
      want_L += bp_softmax_cross_entropy (&t.vector, v) / (double) f->c.b;
      gsl_vector_free (v);
    }
  ck_assert_msg (fabs (L - want_L) <= 1e-12 * want_L, "L %.17g, single %.17g", L, want_L);
  /* without labels: the logits, and 0 */
  gsl_matrix *V = gsl_matrix_alloc (f->c.b, f->c.n);
  gsl_matrix_const_view Vb = gsl_matrix_const_submatrix (f->w->V, 0, 0, f->c.b, f->c.n);
  gsl_matrix_memcpy (V, &Vb.matrix);
  ck_assert_double_eq (cnn_chain_forward (f->net, f->U, NULL, f->w), 0.0);
  ck_assert_int_eq (gsl_matrix_equal (V, &Vb.matrix), 1);
  gsl_matrix_free (V);
  fixture_free (f);
}
END_TEST

/* Every example alone gives its row of the batch's logits: nothing of
   the other examples leaks in (the batch layout, the flatten). */
START_TEST (test_cnn_forward_batch_of_one)
{
  fixture *f = fixture_alloc (_i);
  cnn_chain_forward (f->net, f->U, NULL, f->w);
  gsl_matrix *V = gsl_matrix_alloc (f->c.b, f->c.n);
  gsl_matrix_const_view Vb = gsl_matrix_const_submatrix (f->w->V, 0, 0, f->c.b, f->c.n);
  gsl_matrix_memcpy (V, &Vb.matrix);
  for (size_t e = 0; e < f->c.b; e++)
    {
      gsl_matrix_const_view one = gsl_matrix_const_submatrix (f->U, e, 0, 1, f->U->size2);
      ck_assert_double_eq (cnn_chain_forward (f->net, &one.matrix, NULL, f->w), 0.0);
      for (size_t j = 0; j < f->c.n; j++)
        ck_assert_msg (fabs (gsl_matrix_get (f->w->V, 0, j) - gsl_matrix_get (V, e, j))
                       <= 1e-12 * fmax (1.0, fabs (gsl_matrix_get (V, e, j))),
                       "case %d, example %zu, logit %zu", _i, e, j);
    }
  gsl_matrix_free (V);
  fixture_free (f);
}
END_TEST

/* --- errors ------------------------------------------------------------ */

/* status must be code, reported once through the handler */
#define ASSERT_REFUSED(call, want)                                         \
  do {                                                                     \
    test_errors.count = 0;                                                 \
    test_errors.code = GSL_SUCCESS;                                        \
    const int got_ = (call);                                               \
    ck_assert_msg (got_ == (want) && test_errors.code == (want)            \
                   && test_errors.count == 1,                              \
                   "%s: returned %d, handler %d times with %d; expected %d", \
                   #call, got_, test_errors.count, test_errors.code, (want));  \
  } while (0)

#define ASSERT_NULL(call, want)                                            \
  do {                                                                     \
    test_errors.count = 0;                                                 \
    test_errors.code = GSL_SUCCESS;                                        \
    const void *got_ = (call);                                             \
    ck_assert_msg (got_ == NULL && test_errors.code == (want) && test_errors.count == 1, \
                   "%s: handler %d times with %d; expected NULL and %d",   \
                   #call, test_errors.count, test_errors.code, (want));    \
  } while (0)

/* zero sizes and images under 4 x 4: GSL_EINVAL; 4 x 4 and H = 0 are
   networks, of cnn_chain_count parameters */
START_TEST (test_cnn_alloc_errors)
{
  gsl_error_handler_t *old = test_record_errors ();
  ASSERT_NULL (cnn_chain_alloc (3, 4, 1, 1, 0, 2), GSL_EINVAL);
  ASSERT_NULL (cnn_chain_alloc (4, 3, 1, 1, 0, 2), GSL_EINVAL);
  ASSERT_NULL (cnn_chain_alloc (0, 8, 1, 1, 0, 2), GSL_EINVAL);
  ASSERT_NULL (cnn_chain_alloc (8, 8, 0, 1, 0, 2), GSL_EINVAL);
  ASSERT_NULL (cnn_chain_alloc (8, 8, 1, 0, 0, 2), GSL_EINVAL);
  ASSERT_NULL (cnn_chain_alloc (8, 8, 1, 1, 0, 0), GSL_EINVAL);
  const size_t huge = (size_t) 1 << (sizeof (size_t) * 8 - 4);
  ASSERT_NULL (cnn_chain_alloc (8, 8, huge, 1, 0, 2), GSL_EINVAL);
  test_errors.count = 0;
  cnn_chain *net = cnn_chain_alloc (4, 4, 1, 2, 0, 3);
  ck_assert_ptr_nonnull (net);
  ck_assert_int_eq (test_errors.count, 0);
  ck_assert_uint_eq (net->features, 2);
  /* (25 + 1) + 2 (25 + 1) + 3 (2 + 1) */
  ck_assert_uint_eq (cnn_chain_count (net), 26 + 52 + 9);
  cnn_chain_block b[CNN_CHAIN_MAX_BLOCKS];
  ck_assert_uint_eq (cnn_chain_blocks (net, b), 6);
  size_t count = 0;
  for (size_t k = 0; k < 6; k++)
    count += b[k].M ? b[k].M->size1 * b[k].M->size2 : b[k].v->size;
  ck_assert_uint_eq (count, cnn_chain_count (net));
  ck_assert_str_eq (b[4].name, "W4");
  ASSERT_NULL (cnn_chain_workspace_alloc (0, net), GSL_EINVAL);
  ASSERT_NULL (cnn_chain_workspace_alloc (2, NULL), GSL_EFAULT);
  /* B hw = 2^(w-2) 16 and B hw2 = 2^(w-2) 4 both wrap to 0: refused as
     sizes, not attempted */
  ASSERT_NULL (cnn_chain_workspace_alloc ((size_t) 1 << (sizeof (size_t) * 8 - 2), net),
               GSL_EINVAL);
  cnn_chain *hidden = cnn_chain_alloc (9, 10, 2, 3, 4, 3);
  ck_assert_uint_eq (hidden->features, 3 * 2 * 2);
  ck_assert_uint_eq (cnn_chain_blocks (hidden, b), 8);
  ck_assert_uint_eq (cnn_chain_count (hidden),
                     2 * 26 + 3 * 51 + 4 * (12 + 1) + 3 * (4 + 1));
  ck_assert_int_eq (cnn_chain_same_shape (net, hidden), 0);
  ck_assert_int_eq (cnn_chain_same_shape (hidden, hidden), 1);
  cnn_chain_free (net);
  cnn_chain_free (hidden);
  cnn_chain_free (NULL);
  cnn_chain_workspace_free (NULL);
  gsl_set_error_handler (old);
}
END_TEST

/* 1 when every block of a equals b's */
static int
nets_equal (const cnn_chain *a, const cnn_chain *b)
{
  cnn_chain_block x[CNN_CHAIN_MAX_BLOCKS], y[CNN_CHAIN_MAX_BLOCKS];
  const size_t n = cnn_chain_blocks (a, x);
  if (cnn_chain_blocks (b, y) != n)
    return 0;
  for (size_t k = 0; k < n; k++)
    if (x[k].M ? !gsl_matrix_equal (x[k].M, y[k].M) : !gsl_vector_equal (x[k].v, y[k].v))
      return 0;
  return 1;
}

static void
copy_net (const cnn_chain *from, cnn_chain *to)
{
  cnn_chain_block x[CNN_CHAIN_MAX_BLOCKS], y[CNN_CHAIN_MAX_BLOCKS];
  const size_t n = cnn_chain_blocks (from, x);
  cnn_chain_blocks (to, y);
  for (size_t k = 0; k < n; k++)
    if (x[k].M)
      gsl_matrix_memcpy (y[k].M, x[k].M);
    else
      gsl_vector_memcpy (y[k].v, x[k].v);
}

/* An empty batch (U 0 x rows cols, T 0 x n: b = 0) is refused by the
   chain's own shape test, 1 <= b <= B (cnn_check), before any pass:
   GSL_EBADLEN once, with its message, the loss NaN, grad untouched. */
START_TEST (test_cnn_empty_batch)
{
  fixture *f = fixture_alloc (1);
  const cnn_case *c = &f->c;
  gsl_error_handler_t *old = test_record_errors ();
  gsl_matrix U0 = { .size1 = 0, .size2 = c->rows * c->cols, .tda = c->rows * c->cols,
                    .data = f->U->data };
  gsl_matrix T0 = { .size1 = 0, .size2 = c->n, .tda = c->n, .data = f->T->data };
  const char *want = "cnn_chain: U must be b x (rows cols), 1 <= b <= B";
  double L = 7.0;
  test_errors.reason = NULL;
  ASSERT_REFUSED (cnn_chain_backward (f->net, &U0, &T0, f->w, f->grad, NULL, &L),
                  GSL_EBADLEN);
  ck_assert_msg (test_errors.reason && strncmp (test_errors.reason, want, strlen (want)) == 0,
                 "backward, b = 0: refused with \"%s\"", test_errors.reason ? test_errors.reason : "");
  test_errors.count = 0;
  test_errors.reason = NULL;
  ck_assert (isnan (cnn_chain_forward (f->net, &U0, &T0, f->w)));
  ck_assert_int_eq (test_errors.count, 1);
  ck_assert_msg (test_errors.reason && strncmp (test_errors.reason, want, strlen (want)) == 0,
                 "forward, b = 0: refused with \"%s\"", test_errors.reason ? test_errors.reason : "");
  gsl_set_error_handler (old);
  fixture_free (f);
}
END_TEST

START_TEST (test_cnn_backward_errors)
{
  fixture *f = fixture_alloc (1);   /* with H */
  const cnn_case *c = &f->c;
  gsl_error_handler_t *old = test_record_errors ();
  cnn_chain *grad0 = cnn_chain_alloc (c->rows, c->cols, c->C1, c->C2, c->H, c->n);
  copy_net (f->grad, grad0);   /* to see that nothing is written */
  double L = 7.0;
  /* NULL */
  ASSERT_REFUSED (cnn_chain_backward (NULL, f->U, f->T, f->w, f->grad, NULL, &L), GSL_EFAULT);
  ASSERT_REFUSED (cnn_chain_backward (f->net, NULL, f->T, f->w, f->grad, NULL, &L),
                  GSL_EFAULT);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, NULL, f->w, f->grad, NULL, &L),
                  GSL_EFAULT);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, NULL, f->grad, NULL, &L),
                  GSL_EFAULT);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, NULL, NULL, &L), GSL_EFAULT);
  /* shapes: grad, the workspace, U (columns, more rows than B), T, dL/dU */
  cnn_chain *other = cnn_chain_alloc (c->rows, c->cols, c->C1, c->C2, 0, c->n);
  cnn_chain_workspace *w_other = cnn_chain_workspace_alloc (c->B, other);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, other, NULL, &L), GSL_EBADLEN);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, w_other, f->grad, NULL, &L),
                  GSL_EBADLEN);
  gsl_matrix *U1 = gsl_matrix_calloc (c->b, c->rows * c->cols + 1);
  ASSERT_REFUSED (cnn_chain_backward (f->net, U1, f->T, f->w, f->grad, NULL, &L), GSL_EBADLEN);
  gsl_matrix *Ubig = gsl_matrix_calloc (c->B + 1, c->rows * c->cols);
  gsl_matrix *Tbig = gsl_matrix_calloc (c->B + 1, c->n);
  for (size_t e = 0; e <= c->B; e++)
    gsl_matrix_set (Tbig, e, 0, 1.0);
  ASSERT_REFUSED (cnn_chain_backward (f->net, Ubig, Tbig, f->w, f->grad, NULL, &L),
                  GSL_EBADLEN);
  gsl_matrix_view Tfew = gsl_matrix_submatrix (Tbig, 0, 0, c->b - 1, c->n);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, &Tfew.matrix, f->w, f->grad, NULL, &L),
                  GSL_EBADLEN);
  gsl_matrix *T1 = gsl_matrix_calloc (c->b, c->n + 1);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, T1, f->w, f->grad, NULL, &L), GSL_EBADLEN);
  gsl_matrix_view dUfew = gsl_matrix_submatrix (Ubig, 0, 0, c->b - 1, c->rows * c->cols);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, &dUfew.matrix, &L),
                  GSL_EBADLEN);
  /* U not contiguous: its rows are not the images of the layout */
  gsl_matrix_view Ustrided = gsl_matrix_submatrix (U1, 0, 0, c->b, c->rows * c->cols);
  ASSERT_REFUSED (cnn_chain_backward (f->net, &Ustrided.matrix, f->T, f->w, f->grad, NULL, &L),
                  GSL_EBADLEN);
  /* nor dL/dU, of U's shape */
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, &Ustrided.matrix, &L),
                  GSL_EBADLEN);
  /* NaN or infinity in U or in a parameter, labels not summing to 1 */
  const double u0 = gsl_matrix_get (f->U, 1, 2);
  gsl_matrix_set (f->U, 1, 2, GSL_NAN);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, NULL, &L), GSL_EDOM);
  gsl_matrix_set (f->U, 1, 2, u0);
  cnn_chain_block b[CNN_CHAIN_MAX_BLOCKS];
  const size_t nb = cnn_chain_blocks (f->net, b);
  for (size_t k = 0; k < nb; k++)
    {
      double *x = b[k].M ? gsl_matrix_ptr (b[k].M, 0, b[k].M->size2 - 1)
                         : gsl_vector_ptr (b[k].v, b[k].v->size - 1);
      const double saved = *x;
      *x = k % 2 ? GSL_POSINF : GSL_NAN;
      test_errors.count = 0;
      const int got = cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, NULL, &L);
      ck_assert_msg (got == GSL_EDOM && test_errors.count == 1, "a non-finite %s: %d", b[k].name,
                     got);
      ck_assert (isnan (cnn_chain_forward (f->net, f->U, f->T, f->w)));
      *x = saved;
    }
  const double t0 = gsl_matrix_get (f->T, 0, 0);
  gsl_matrix_set (f->T, 0, 0, t0 + 0.25);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, NULL, &L), GSL_EDOM);
  test_errors.count = 0;
  test_errors.code = GSL_SUCCESS;
  ck_assert (isnan (cnn_chain_forward (f->net, f->U, f->T, f->w)));
  ck_assert (test_errors.count == 1 && test_errors.code == GSL_EDOM);
  gsl_matrix_set (f->T, 0, 0, t0);
  /* overlaps: grad with net, grad with U, dL/dU with U, with grad */
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, f->net, NULL, &L), GSL_EINVAL);
  cnn_chain alias = *f->grad;
  alias.b4 = f->net->b4;
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, &alias, NULL, &L), GSL_EINVAL);
  gsl_vector_view in_U = gsl_vector_view_array (f->U->data, f->grad->b2->size);
  alias = *f->grad;
  alias.b2 = &in_U.vector;
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, &alias, NULL, &L), GSL_EINVAL);
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, f->grad, f->U, &L), GSL_EINVAL);
  /* dL/dU in the memory of a block of grad */
  alias = *f->grad;
  gsl_matrix_view in_dU = gsl_matrix_view_array (f->dU->data, f->grad->K2->size1,
                                                  f->grad->K2->size2);
  alias.K2 = &in_dU.matrix;
  ASSERT_REFUSED (cnn_chain_backward (f->net, f->U, f->T, f->w, &alias, f->dU, &L),
                  GSL_EINVAL);
  /* nothing was written */
  ck_assert_int_eq (nets_equal (f->grad, grad0), 1);
  ck_assert_double_eq (L, 7.0);
  /* the forward pass: the same checks (NaN, with the handler called once) */
  test_errors.count = 0;
  ck_assert (isnan (cnn_chain_forward (f->net, Ubig, NULL, f->w)) && test_errors.count == 1);
  test_errors.count = 0;
  ck_assert (isnan (cnn_chain_forward (other, f->U, NULL, f->w)) && test_errors.count == 1);
  gsl_matrix_free (U1);
  gsl_matrix_free (Ubig);
  gsl_matrix_free (Tbig);
  gsl_matrix_free (T1);
  cnn_chain_workspace_free (w_other);
  cnn_chain_free (other);
  cnn_chain_free (grad0);
  gsl_set_error_handler (old);
  fixture_free (f);
}
END_TEST

/* --- He's initialisation (17.9) ---------------------------------------- */

/* The N elements of a block drawn from N(0, s^2): their mean square m2
   has expectation s^2 and variance 2 s^4 / N (the fourth moment of a
   Gaussian is 3 s^4), their mean has variance s^2 / N.  Five standard
   deviations: |m2 / s^2 - 1| <= 5 sqrt (2 / N) and |mean| <= 5 s / sqrt N,
   a bound a correct draw breaks with probability below 1e-6 (and the
   seed is fixed). */
static void
assert_he (const gsl_matrix *M, double fan_in, const char *what)
{
  const double s2 = 2.0 / fan_in, N = (double) (M->size1 * M->size2);
  double sum = 0.0, sq = 0.0;
  for (size_t i = 0; i < M->size1; i++)
    for (size_t j = 0; j < M->size2; j++)
      {
        const double x = gsl_matrix_get (M, i, j);
        sum += x;
        sq += x * x;
      }
  ck_assert_msg (fabs (sq / N / s2 - 1.0) <= 5.0 * sqrt (2.0 / N),
                 "%s: mean square %.6g, expected 2/fan-in = %.6g (N = %.0f)", what,
                 sq / N, s2, N);
  ck_assert_msg (fabs (sum / N) <= 5.0 * sqrt (s2 / N), "%s: mean %.6g", what, sum / N);
}

START_TEST (test_cnn_init_he)
{
  /* K2 has 16 x 200 = 3200 elements: the bound is 12.5 % */
  cnn_chain *net = cnn_chain_alloc (28, 28, 8, 16, 64, 10);
  gsl_rng *rng = test_rng (3);
  gsl_vector_set_all (net->b2, 1.0);
  ck_assert_int_eq (cnn_chain_init (net, rng), GSL_SUCCESS);
  assert_he (net->K1, 25.0, "K1");
  assert_he (net->K2, 25.0 * 8, "K2");
  assert_he (net->W3, (double) net->features, "W3");
  assert_he (net->W4, 64.0, "W4");
  ck_assert (gsl_vector_isnull (net->b1) && gsl_vector_isnull (net->b2)
             && gsl_vector_isnull (net->b3) && gsl_vector_isnull (net->b4));
  /* the same seed, the same network */
  cnn_chain *again = cnn_chain_alloc (28, 28, 8, 16, 64, 10);
  gsl_rng_free (rng);
  rng = test_rng (3);
  cnn_chain_init (again, rng);
  ck_assert_int_eq (nets_equal (net, again), 1);
  gsl_error_handler_t *old = test_record_errors ();
  ASSERT_REFUSED (cnn_chain_init (NULL, rng), GSL_EFAULT);
  ASSERT_REFUSED (cnn_chain_init (net, NULL), GSL_EFAULT);
  gsl_set_error_handler (old);
  gsl_rng_free (rng);
  cnn_chain_free (net);
  cnn_chain_free (again);
}
END_TEST

/* --- the batch flatten (16.7) and its inverse (16.8) ------------------- */

/* C channels of B images of hw pixels, distinct values */
static gsl_matrix *
batch_of (size_t C, size_t B, size_t hw)
{
  gsl_matrix *P = gsl_matrix_alloc (C, B * hw);
  for (size_t k = 0; k < C * B * hw; k++)
    P->data[k] = 1.0 + (double) k / 7.0;
  return P;
}

START_TEST (test_batch_flatten_is_reshape)
{
  const size_t C = 3, B = 4, hw = 6;
  gsl_matrix *P = batch_of (C, B, hw), *F = gsl_matrix_alloc (B, C * hw);
  gsl_matrix *img = gsl_matrix_alloc (C, hw), *back = gsl_matrix_alloc (C, B * hw);
  gsl_vector *u = gsl_vector_alloc (C * hw);
  ck_assert_int_eq (bp_batch_flatten (P, hw, F), GSL_SUCCESS);
  for (size_t n = 0; n < B; n++)
    {
      /* example n's C x hw matrix, reshaped by bp_reshape: F's row n */
      gsl_matrix_const_view pn = gsl_matrix_const_submatrix (P, 0, n * hw, C, hw);
      gsl_matrix_memcpy (img, &pn.matrix);
      ck_assert_int_eq (bp_reshape (img, u), GSL_SUCCESS);
      gsl_vector_const_view fn = gsl_matrix_const_row (F, n);
      ck_assert_int_eq (gsl_vector_equal (u, &fn.vector), 1);
      /* and bp_reshape_inverse of the row gives the example back */
      gsl_matrix_set_zero (img);
      ck_assert_int_eq (bp_reshape_inverse (&fn.vector, img), GSL_SUCCESS);
      ck_assert_int_eq (gsl_matrix_equal (img, &pn.matrix), 1);
    }
  /* inverse o flatten = identity, and flatten o inverse */
  ck_assert_int_eq (bp_batch_flatten_inverse (F, hw, back), GSL_SUCCESS);
  ck_assert_int_eq (gsl_matrix_equal (back, P), 1);
  gsl_matrix *F2 = gsl_matrix_calloc (B, C * hw);
  ck_assert_int_eq (bp_batch_flatten (back, hw, F2), GSL_SUCCESS);
  ck_assert_int_eq (gsl_matrix_equal (F2, F), 1);
  /* one image of one pixel per channel (hw = 1): F = P^T */
  gsl_matrix *Q = batch_of (C, B, 1), *G = gsl_matrix_alloc (B, C);
  ck_assert_int_eq (bp_batch_flatten (Q, 1, G), GSL_SUCCESS);
  for (size_t n = 0; n < B; n++)
    for (size_t c = 0; c < C; c++)
      ck_assert_double_eq (gsl_matrix_get (G, n, c), gsl_matrix_get (Q, c, n));
  gsl_matrix_free (Q);
  gsl_matrix_free (G);
  gsl_matrix_free (F2);
  gsl_matrix_free (P);
  gsl_matrix_free (F);
  gsl_matrix_free (img);
  gsl_matrix_free (back);
  gsl_vector_free (u);
}
END_TEST

START_TEST (test_batch_flatten_errors)
{
  const size_t C = 2, B = 3, hw = 4;
  gsl_matrix *P = batch_of (C, B, hw), *F = gsl_matrix_calloc (B, C * hw);
  gsl_matrix *F0 = gsl_matrix_calloc (B, C * hw), *P0 = gsl_matrix_alloc (C, B * hw);
  gsl_matrix_memcpy (P0, P);
  gsl_matrix *Frows = gsl_matrix_calloc (B + 1, C * hw), *Fcols = gsl_matrix_calloc (B, C * hw + 1);
  gsl_error_handler_t *old = test_record_errors ();
  ASSERT_REFUSED (bp_batch_flatten (P, 0, F), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten (P, 5, F), GSL_EBADLEN);   /* 12 % 5 != 0 */
  ASSERT_REFUSED (bp_batch_flatten (P, 3, F), GSL_EBADLEN);   /* 4 images, not 3 */
  ASSERT_REFUSED (bp_batch_flatten (P, hw, Frows), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten (P, hw, Fcols), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten (NULL, hw, F), GSL_EFAULT);
  ASSERT_REFUSED (bp_batch_flatten (P, hw, NULL), GSL_EFAULT);
  ck_assert_int_eq (gsl_matrix_equal (F, F0), 1);   /* nothing written */
  ASSERT_REFUSED (bp_batch_flatten_inverse (F, 0, P), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten_inverse (F, 3, P), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten_inverse (Frows, hw, P), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten_inverse (Fcols, hw, P), GSL_EBADLEN);
  ASSERT_REFUSED (bp_batch_flatten_inverse (NULL, hw, P), GSL_EFAULT);
  ASSERT_REFUSED (bp_batch_flatten_inverse (F, hw, NULL), GSL_EFAULT);
  ck_assert_int_eq (gsl_matrix_equal (P, P0), 1);
  /* in place (F's memory is P's): refused, as it cannot be done in one pass */
  gsl_matrix_view Fin = gsl_matrix_view_array (P->data, B, C * hw);
  ASSERT_REFUSED (bp_batch_flatten (P, hw, &Fin.matrix), GSL_EINVAL);
  ASSERT_REFUSED (bp_batch_flatten_inverse (&Fin.matrix, hw, P), GSL_EINVAL);
  ck_assert_int_eq (gsl_matrix_equal (P, P0), 1);
  gsl_set_error_handler (old);
  gsl_matrix_free (P);
  gsl_matrix_free (P0);
  gsl_matrix_free (F);
  gsl_matrix_free (F0);
  gsl_matrix_free (Frows);
  gsl_matrix_free (Fcols);
}
END_TEST

/* --- training ---------------------------------------------------------- */

/* count 8 x 8 images of 3 classes: a bright 3 x 3 square in the top-left,
   the top-right or the bottom-middle, at a jittered place, on noise. */
static bp_dataset
squares (gsl_rng *rng, size_t count)
{
  bp_dataset d = { count, 8, 8, 3, malloc (count * 64), malloc (count) };
  static const size_t at[3][2] = { { 0, 0 }, { 0, 5 }, { 5, 2 } };
  for (size_t k = 0; k < count; k++)
    {
      const size_t c = k % 3;
      unsigned char *img = d.images + k * 64;
      for (size_t t = 0; t < 64; t++)
        img[t] = (unsigned char) gsl_rng_uniform_int (rng, 60);
      /* one step of jitter, inside the image */
      const size_t r0 = at[c][0] == 0 ? gsl_rng_uniform_int (rng, 2) : at[c][0];
      const size_t c0 = at[c][1] == 5 ? 5 : at[c][1] + gsl_rng_uniform_int (rng, 2);
      for (size_t r = r0; r < r0 + 3 && r < 8; r++)
        for (size_t q = c0; q < c0 + 3 && q < 8; q++)
          img[r * 8 + q] = (unsigned char) (200 + gsl_rng_uniform_int (rng, 56));
      d.labels[k] = (unsigned char) c;
    }
  return d;
}

/* The cnn row (bp_net_cnn) of C1 = 2, C2 = 3, no hidden layer, for d. */
static bp_net *
cnn_net (const bp_dataset *d)
{
  const bp_net_shape s = { .rows = d->rows, .cols = d->cols, .n = d->n_classes,
                           .act = BP_RELU, .C1 = 2, .C2 = 3 };
  bp_net *net = bp_net_alloc (bp_net_cnn, &s);
  ck_assert_ptr_nonnull (net);
  return net;
}

/* epochs of SGD from He's initialisation with seed: the trained network,
   each epoch's mean loss into losses */
static bp_net *
train (const bp_dataset *d, size_t epochs, unsigned long seed, double *losses)
{
  bp_sgd_params p = bp_net_cnn->defaults;
  p.batch = 8;
  p.epochs = epochs;
  p.lr = 0.05;
  bp_net *net = cnn_net (d);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  ck_assert_int_eq (bp_net_init (net, rng), GSL_SUCCESS);
  bp_net_trainer *t = bp_net_trainer_alloc (net, d->count, p.batch);
  ck_assert_ptr_nonnull (t);
  for (size_t e = 0; e < epochs; e++)
    ck_assert_int_eq (bp_net_train_epoch (d, &p, e, rng, t, NULL, NULL, net, &losses[e]),
                      GSL_SUCCESS);
  bp_net_trainer_free (t);
  gsl_rng_free (rng);
  return net;
}

START_TEST (test_cnn_train_lowers_loss)
{
  gsl_rng *rng = test_rng (5);
  bp_dataset d = squares (rng, 60);
  enum { EPOCHS = 6 };
  double losses[EPOCHS], again[EPOCHS], before, after, accuracy;
  /* the loss of the initial network, by the evaluation */
  bp_net *init = cnn_net (&d);
  gsl_rng *r0 = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (r0, 42);
  bp_net_init (init, r0);
  bp_net_workspace *ws = bp_net_workspace_alloc (init, 16);
  ck_assert_int_eq (bp_net_evaluate (&d, init, ws, NULL, NULL, &before), GSL_SUCCESS);
  bp_net *net = train (&d, EPOCHS, 42, losses);
  ck_assert_int_eq (bp_net_evaluate (&d, net, ws, NULL, &accuracy, &after), GSL_SUCCESS);
  ck_assert_msg (after < 0.5 * before && losses[EPOCHS - 1] < losses[0],
                 "loss %.6g before, %.6g after; epochs' %.6g ... %.6g", before, after,
                 losses[0], losses[EPOCHS - 1]);
  ck_assert_msg (accuracy >= 0.9, "accuracy %.3f", accuracy);
  /* the same seed: the same bits */
  bp_net *net2 = train (&d, EPOCHS, 42, again);
  ck_assert (gsl_vector_equal (net->theta, net2->theta));
  ck_assert_int_eq (memcmp (losses, again, sizeof losses), 0);
  bp_net_free (net2);
  /* another seed, another network (the seed is used) */
  net2 = train (&d, 1, 43, again);
  ck_assert (!gsl_vector_equal (net->theta, net2->theta));
  bp_net_free (net2);
  bp_net_free (net);
  bp_net_free (init);
  bp_net_workspace_free (ws);
  gsl_rng_free (r0);
  gsl_rng_free (rng);
  free (d.images);
  free (d.labels);
}
END_TEST

/* The step of the trainer on the cnn row (weights decayed, biases not)
   is tests/check_net.c's test_trainer_is_eq_14_8, over every row. */

static Suite *
backward_suite (void)
{
  Suite *s = suite_create ("cnn_chain_backward");
  TCase *tc = tcase_create ("numeric");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_cnn_backward_central, 0, N_CASES);
  tcase_add_loop_test (tc, test_cnn_backward_complex_step, 0, N_CASES);
  tcase_add_loop_test (tc, test_cnn_complex_chain_is_the_loss, 0, N_CASES);
  suite_add_tcase (s, tc);
  TCase *te = tcase_create ("errors");
  tcase_add_test (te, test_cnn_alloc_errors);
  tcase_add_test (te, test_cnn_backward_errors);
  tcase_add_test (te, test_cnn_empty_batch);
  suite_add_tcase (s, te);
  return s;
}

static Suite *
forward_suite (void)
{
  Suite *s = suite_create ("cnn_chain_forward");
  TCase *tc = tcase_create ("single examples");
  tcase_add_loop_test (tc, test_cnn_forward_equals_single_examples, 0, N_CASES);
  tcase_add_loop_test (tc, test_cnn_forward_batch_of_one, 0, N_CASES);
  tcase_add_test (tc, test_cnn_init_he);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
flatten_suite (void)
{
  Suite *s = suite_create ("bp_batch_flatten");
  TCase *tc = tcase_create ("reshape");
  tcase_add_test (tc, test_batch_flatten_is_reshape);
  tcase_add_test (tc, test_batch_flatten_errors);
  suite_add_tcase (s, tc);
  return s;
}

static Suite *
train_suite (void)
{
  Suite *s = suite_create ("bp_net_train_epoch of bp_net_cnn");
  TCase *tc = tcase_create ("tiny problem");
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_cnn_train_lowers_loss);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { backward_suite, forward_suite, flatten_suite,
                                      train_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
