/* check_mlp_partial.c -- suite mlp_partial: the two-layer network's
   losses `backprop verify' evaluates from the point's cache (mlp_partial.h)
   equal the plain mlp_chain_forward loss within a derived rounding bound; on
   2 threads bp_gradcheck's numeric values are those of 1, bit for bit, and pass the
   analytic gradient of mlp_chain_backward and catch an element off by 1e-4.
   derivations/00-numeric-check.md, 12-two-layer-network.md */
#include <config.h>
#include <float.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include "verify/mlp_partial.h"
#include "testutil.h"

/* Loop index k: configuration k / 3, activation k % 3.  Configuration 0
   is `backprop verify''s shape (10 classes, 16 hidden units, 28 x 28,
   soft labels); the others draw n in 2..10, H in 1..8 and a 1..6 x 1..6
   image, one-hot labels for even ones.  Seeds as check_mlp.c's, whose
   ReLU pre-activations stay away from the kink. */
#define MLP_CONFIGS 4
#define MLP_LOOPS (3 * MLP_CONFIGS)

static mlp_example *
config_example (int k)
{
  const int i = k / 3;
  const bp_activation act = (bp_activation) (k % 3);
  gsl_rng *rng = test_rng (200 + i);
  size_t n = 10, H = 16, rows = 28, cols = 28;
  if (i != 0)
    {
      n = 2 + gsl_rng_uniform_int (rng, 9);
      H = 1 + gsl_rng_uniform_int (rng, 8);
      rows = 1 + gsl_rng_uniform_int (rng, 6);
      cols = 1 + gsl_rng_uniform_int (rng, 6);
    }
  mlp_example *ex = mlp_example_alloc (n, H, rows, cols, act,
                                             i % 2 == 0 ? LABELS_SOFT
                                             : LABELS_ONE_HOT, rng);
  gsl_rng_free (rng);
  return ex;
}

/* The five arguments of the loss. */
enum { P_W1, P_B1, P_W2, P_B2, P_X, N_PARTS };
static const char *const part_name[N_PARTS] = { "W1", "b1", "W2", "b2", "x" };
/* their blocks of the plain loss, mlp_example_loss */
static const size_t plain_block[N_PARTS] = { MLP_W1, MLP_B1, MLP_W2, MLP_B2, MLP_X };
static double (*const partial_loss[N_PARTS]) (const gsl_vector *, size_t, void *) = {
  mlp_partial_loss_of_W1, mlp_partial_loss_of_b1, mlp_partial_loss_of_W2,
  mlp_partial_loss_of_b2, mlp_partial_loss_of_x
};

/* Argument p of net (x for P_X) as a matrix, vectors as one column. */
static gsl_matrix
part_of (const mlp_chain *net, gsl_matrix *x, int p)
{
  switch (p)
    {
    case P_W1: return *net->W1;
    case P_B1: return gsl_matrix_view_vector (net->b1, net->b1->size, 1).matrix;
    case P_W2: return *net->W2;
    case P_B2: return gsl_matrix_view_vector (net->b2, net->b2->size, 1).matrix;
    default: return *x;
    }
}

/* gamma_k = k eps / (1 - k eps): Higham's bound for k roundings */
static double
gamma_k (size_t k)
{
  return (double) k * DBL_EPSILON / (1 - (double) k * DBL_EPSILON);
}

/* How far two evaluations of the network's loss at the same point (net1,
   x1) may differ when one is mlp_chain_forward's and the other starts from
   the values at (net0, x0) and updates what moved, c elements of u moved.
   Each evaluation's error against the exact value:
     z_i: a sum of m + 1 products, or the point's sum updated by c columns
       (two roundings each) or by one term: within gamma_{m+3+2c} S1_i,
       S1_i = sum over both points of |b1_i| + sum_k |w1_ik u_k|;
     h_i = f(z_i): f is 1-Lipschitz (ReLU, tanh; sigmoid 1/4) and rounds
       within 4 ulps: a_i + 4 eps (1 + |h_i|);
     v_k: a sum of H + 1 products, or the point's updated by one column or
       one row: gamma_{H+3} S2_k (S2 as S1 with W2, h, b2) plus the
       error of h carried by W2: sum_l (|w2_kl| + |w2'_kl|) b_l;
     L: dL/dv = y - labels sums to at most 2 in absolute value, so L moves
       by 2 max_k c_k; bp_softmax_cross_entropy adds its own rounding,
       8 n eps (|L| + 1 + max |v|) (the log-sum-exp shifted by max v).
   The two evaluations differ by at most twice that. */
static double
rounding_bound (const mlp_chain *net0, const gsl_matrix *x0, const mlp_chain *net1,
                const gsl_matrix *x1, const gsl_vector *labels, size_t c)
{
  const size_t m = net0->m, H = net0->H, n = net0->n;
  const double eps = DBL_EPSILON;
  mlp_chain_workspace *w0 = mlp_chain_workspace_alloc (m, H, n);
  mlp_chain_workspace *w1 = mlp_chain_workspace_alloc (m, H, n);
  const double L = mlp_chain_forward (net1, x1, labels, w1);
  mlp_chain_forward (net0, x0, labels, w0);
  gsl_vector *b = gsl_vector_alloc (H);
  for (size_t i = 0; i < H; i++)
    {
      double S1 = fabs (gsl_vector_get (net0->b1, i)) + fabs (gsl_vector_get (net1->b1, i));
      for (size_t k = 0; k < m; k++)
        S1 += fabs (gsl_matrix_get (net0->W1, i, k) * gsl_vector_get (w0->u, k))
          + fabs (gsl_matrix_get (net1->W1, i, k) * gsl_vector_get (w1->u, k));
      const double h = fmax (fabs (gsl_vector_get (w0->h, i)),
                             fabs (gsl_vector_get (w1->h, i)));
      gsl_vector_set (b, i, gamma_k (m + 3 + 2 * c) * S1 + 4 * eps * (1 + h));
    }
  double worst_v = 0.0, vmax = 0.0;
  for (size_t k = 0; k < n; k++)
    {
      double S2 = fabs (gsl_vector_get (net0->b2, k)) + fabs (gsl_vector_get (net1->b2, k));
      double carried = 0.0;
      for (size_t l = 0; l < H; l++)
        {
          const double a0 = fabs (gsl_matrix_get (net0->W2, k, l));
          const double a1 = fabs (gsl_matrix_get (net1->W2, k, l));
          S2 += a0 * fabs (gsl_vector_get (w0->h, l)) + a1 * fabs (gsl_vector_get (w1->h, l));
          carried += (a0 + a1) * gsl_vector_get (b, l);
        }
      worst_v = fmax (worst_v, gamma_k (H + 3) * S2 + carried);
      vmax = fmax (vmax, fmax (fabs (gsl_vector_get (w0->v, k)),
                               fabs (gsl_vector_get (w1->v, k))));
    }
  gsl_vector_free (b);
  mlp_chain_workspace_free (w0);
  mlp_chain_workspace_free (w1);
  return 2 * (2 * worst_v + 8 * (double) n * eps * (fabs (L) + 1 + vmax));
}

/* A copy of ex's network and image, to be moved. */
static mlp_chain *
net_copy (const mlp_chain *net)
{
  mlp_chain *c = mlp_chain_alloc (net->m, net->H, net->n, net->act);
  gsl_matrix_memcpy (c->W1, net->W1);
  gsl_vector_memcpy (c->b1, net->b1);
  gsl_matrix_memcpy (c->W2, net->W2);
  gsl_vector_memcpy (c->b2, net->b2);
  return c;
}

START_TEST (test_partial_losses_equal_full_ones)
{
  /* at points moved in one coordinate of one argument by amounts from
     1e-9 to 1 (and not at all), each partial loss equals the plain loss */
  mlp_example *ex = config_example (_i);
  mlp_partials *P = mlp_partials_alloc (ex, 1);
  gsl_rng *rng = test_rng (600 + _i);
  mlp_chain *net1 = net_copy (ex->net);
  gsl_matrix *x1 = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  ck_assert_ptr_nonnull (P);
  for (int trial = 0; trial < 40; trial++)
    for (int p = 0; p < N_PARTS; p++)
      {
        const double step = pow (10.0, -9.0 + 9.0 * gsl_rng_uniform (rng))
          * (trial % 5 != 0) * (gsl_rng_uniform (rng) < 0.5 ? -1 : 1);
        gsl_matrix_memcpy (x1, ex->x);
        mlp_chain *copy = net_copy (ex->net);
        mlp_chain_free (net1);
        net1 = copy;
        gsl_matrix A = part_of (net1, x1, p);
        const size_t j = gsl_rng_uniform_int (rng, A.size1 * A.size2);
        *gsl_matrix_ptr (&A, j / A.size2, j % A.size2) += step;
        gsl_vector *theta = gsl_vector_alloc (A.size1 * A.size2);
        bp_reshape (&A, theta);
        const double full = mlp_example_loss (ex, plain_block[p], &A);
        const double part = partial_loss[p] (theta, j, P->params[0]);
        const double tol = rounding_bound (ex->net, ex->x, net1, x1, ex->labels, p == P_X);
        ck_assert_msg (fabs (part - full) <= tol,
                       "%s moved by %g in %zu (%s): partial %.17g, plain %.17g, "
                       "bound %.3e", part_name[p], step, j,
                       bp_activation_name (ex->net->act), part, full, tol);
        gsl_vector_free (theta);
      }
  mlp_chain_free (net1);
  gsl_matrix_free (x1);
  mlp_partials_free (P);
  gsl_rng_free (rng);
  mlp_example_free (ex);
}
END_TEST

START_TEST (test_partial_x_sees_every_moved_element)
{
  /* x moved in every other element at once: the comparison finds them all */
  mlp_example *ex = config_example (_i);
  const size_t m = ex->net->m;
  mlp_partials *P = mlp_partials_alloc (ex, 1);
  gsl_matrix *x1 = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  gsl_vector *vecx = gsl_vector_alloc (m);
  size_t c = 0;
  bp_reshape (ex->x, vecx);
  for (size_t k = 0; k < m; k += 2, c++)
    *gsl_vector_ptr (vecx, k) += 0.01 * (double) (k + 1);
  gsl_matrix_const_view xv = gsl_matrix_const_view_vector (vecx, x1->size1, x1->size2);
  gsl_matrix_memcpy (x1, &xv.matrix);
  const double full = mlp_example_loss (ex, MLP_X, x1);
  const double tol = rounding_bound (ex->net, ex->x, ex->net, x1, ex->labels, c);
  ck_assert_double_eq_tol (mlp_partial_loss_of_x (vecx, 0, P->params[0]), full, tol);
  /* and it did move: the loss differs from the point's by far more */
  const double L0 = mlp_chain_forward (ex->net, ex->x, ex->labels, ex->ws);
  ck_assert_double_gt (fabs (full - L0), 100 * tol);
  gsl_vector_free (vecx);
  gsl_matrix_free (x1);
  mlp_partials_free (P);
  mlp_example_free (ex);
}
END_TEST

/* Part p's partial loss as bp_gradcheck's callback: the moved element's
   index (0 at the point) and the calling thread's workspace. */
typedef struct
{
  int p;
  mlp_partials *P;
} partial_binding;

static int
partial_at (const bp_gradcheck_point *pt, void *params, double *L)
{
  const partial_binding *b = params;
  const size_t j = pt->moved_block == BP_GRADCHECK_NONE ? 0 : pt->moved_row;
  *L = partial_loss[b->p] (pt->vector[0], j, b->P->params[pt->thread]);
  return isfinite (*L) ? 0 : 1;
}

/* bp_gradcheck of part b->p at t against g on threads; *r the result */
static int
check_part (partial_binding *b, const gsl_vector *t, const gsl_vector *g, size_t threads,
            bp_gradcheck_result **r)
{
  const bp_gradcheck_function f = { .loss = partial_at, .params = b };
  const bp_gradcheck_block theta = { .name = part_name[b->p], .vector = t },
      a = { .name = "grad", .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.threads = threads;
  return bp_gradcheck (&f, 1, &theta, &a, &o, r);
}

START_TEST (test_threads_equal_serial)
{
  /* each argument's numeric gradient and error estimates from the
     partial losses on 2 threads are those of 1 thread, bit for bit: the
     work is only reordered and each thread has its own workspace */
  mlp_example *ex = config_example (_i);
  mlp_partials *P = mlp_partials_alloc (ex, 2);
  ck_assert_ptr_nonnull (P);
  for (int p = 0; p < N_PARTS; p++)
    {
      gsl_matrix A = part_of (ex->net, ex->x, p);
      const size_t k = A.size1 * A.size2;
      gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_calloc (k);
      bp_reshape (&A, t);
      partial_binding b = { p, P };
      bp_gradcheck_result *r1 = NULL, *r2 = NULL;
      ck_assert_int_le (check_part (&b, t, g, 1, &r1), 0);
      ck_assert_int_le (check_part (&b, t, g, 2, &r2), 0);
      test_assert_same_bits (r2->run[0].block[0].numeric, r1->run[0].block[0].numeric,
                             part_name[p]);
      test_assert_same_bits (r2->run[0].block[0].abserr, r1->run[0].block[0].abserr,
                             part_name[p]);
      bp_gradcheck_result_free (r1);
      bp_gradcheck_result_free (r2);
      gsl_vector_free (t);
      gsl_vector_free (g);
    }
  mlp_partials_free (P);
  mlp_example_free (ex);
}
END_TEST

START_TEST (test_threads_check_mlp_backward)
{
  /* the path of `backprop verify': mlp_chain_backward's gradients pass on
     2 threads; each with one element off by 1e-4 fails, at that element */
  mlp_example *ex = config_example (_i);
  mlp_partials *P = mlp_partials_alloc (ex, 2);
  gsl_matrix *dL_dx = gsl_matrix_alloc (ex->x->size1, ex->x->size2);
  gsl_rng *rng = test_rng (700 + _i);
  ck_assert_ptr_nonnull (P);
  ck_assert_int_eq (mlp_chain_backward (ex->net, ex->x, ex->labels, ex->ws, ex->grad, dL_dx,
                                     NULL), GSL_SUCCESS);
  for (int p = 0; p < N_PARTS; p++)
    {
      gsl_matrix A = part_of (ex->net, ex->x, p), G = part_of (ex->grad, dL_dx, p);
      const size_t k = A.size1 * A.size2, bad = gsl_rng_uniform_int (rng, k);
      gsl_vector *t = gsl_vector_alloc (k), *g = gsl_vector_alloc (k);
      bp_reshape (&A, t);
      bp_reshape (&G, g);
      partial_binding b = { p, P };
      bp_gradcheck_result *r = NULL;
      ck_assert_msg (check_part (&b, t, g, 2, &r) == GSL_SUCCESS, "%s: %s", part_name[p],
                     r ? r->run[0].reason : "error");
      ck_assert_uint_eq (r->run[0].n_checked, k);
      bp_gradcheck_result_free (r);
      *gsl_vector_ptr (g, bad) += 1e-4;
      ck_assert_int_eq (check_part (&b, t, g, 2, &r), GSL_FAILURE);
      const bp_gradcheck_element *w = &r->run[0].worst;
      ck_assert_uint_eq (r->run[0].n_failed, 1);
      ck_assert_uint_eq (w->row, bad);
      ck_assert_double_eq_tol (w->analytic - w->numeric, 1e-4, 1e-8);
      bp_gradcheck_result_free (r);
      gsl_vector_free (t);
      gsl_vector_free (g);
    }
  gsl_matrix_free (dL_dx);
  gsl_rng_free (rng);
  mlp_partials_free (P);
  mlp_example_free (ex);
}
END_TEST

static Suite *
mlp_partial_suite (void)
{
  Suite *s = suite_create ("mlp_partial");
  TCase *tc = tcase_create ("core");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_partial_losses_equal_full_ones, 0, MLP_LOOPS);
  tcase_add_loop_test (tc, test_partial_x_sees_every_moved_element, 0, MLP_LOOPS);
  tcase_add_loop_test (tc, test_threads_equal_serial, 0, MLP_LOOPS);
  tcase_add_loop_test (tc, test_threads_check_mlp_backward, 0, MLP_LOOPS);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { mlp_partial_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
