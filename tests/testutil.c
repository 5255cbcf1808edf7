/* testutil.c -- see testutil.h */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex_math.h>
#include "testutil.h"

gsl_rng *
test_rng (int i)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 1000u + (unsigned long) i);
  return rng;
}

gsl_vector *
test_logits (gsl_rng *rng, size_t n, double scale)
{
  gsl_vector *v = gsl_vector_alloc (n);
  for (size_t k = 0; k < n; k++)
    gsl_vector_set (v, k, scale * (2.0 * gsl_rng_uniform (rng) - 1.0));
  return v;
}

void
test_chain_to_dL_dv (example *ex)
{
  bp_model_workspace *w = ex->ws;
  bp_model_forward (ex->W, ex->b, ex->x, ex->labels, w);
  bp_cross_entropy_grad (ex->labels, w->y, w->dL_dy);
  bp_softmax_jacobian (w->y, w->J);
  bp_softmax_backward (w->J, w->dL_dy, w->dL_dv);
}

/* Put the labels of ex only on classes with y_i >= 1e-3. */
static void
support_labels (example *ex, int one_hot, gsl_rng *rng)
{
  const gsl_vector *y = ex->ws->y;
  double sum = 0.0;
  gsl_vector_set_zero (ex->labels);
  if (one_hot)
    {
      gsl_vector_set (ex->labels, gsl_vector_max_index (y), 1.0);
      return;
    }
  for (size_t k = 0; k < y->size; k++)
    if (gsl_vector_get (y, k) >= 1e-3)
      {
        const double l = gsl_rng_uniform_pos (rng);
        gsl_vector_set (ex->labels, k, l);
        sum += l;
      }
  gsl_vector_scale (ex->labels, 1.0 / sum);
}

example *
test_example (int i)
{
  gsl_rng *rng = test_rng (i);
  size_t n = 10, rows = 28, cols = 28;
  if (i != 0)
    {
      n = 2 + gsl_rng_uniform_int (rng, 11);
      rows = 1 + gsl_rng_uniform_int (rng, 6);
      cols = 1 + gsl_rng_uniform_int (rng, 6);
    }
  const int one_hot = (i % 2 == 0);
  example *ex = example_alloc (n, rows, cols, 0.05,
                                     one_hot ? LABELS_ONE_HOT : LABELS_SOFT, rng);
  if (i >= TEST_LARGE_FROM)
    {
      bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
      const double s = 500.0 / fmax (gsl_vector_max (ex->ws->v), -gsl_vector_min (ex->ws->v));
      gsl_matrix_scale (ex->W, s);
      gsl_vector_scale (ex->b, s);
      bp_model_forward (ex->W, ex->b, ex->x, ex->labels, ex->ws);
      support_labels (ex, one_hot, rng);
    }
  gsl_rng_free (rng);
  return ex;
}

int
test_run_suites (Suite *(*const makers[]) (void), size_t count)
{
  int failed = 0;
  /* Check's default limit of a test case without tcase_set_timeout, 4 s,
     is a clock a loaded machine runs past (a second's work given a fifth
     of a core), under make check or by hand.  The limit only catches
     loops, so it is generous unless the caller exports one
     (tests/mutation.py does).  tcase_create reads it: set it first.  */
  setenv ("CK_DEFAULT_TIMEOUT", "60", 0);
  for (size_t k = 0; k < count; k++)
    {
      SRunner *sr = srunner_create (makers[k] ());
      srunner_run_all (sr, CK_ENV);
      failed += srunner_ntests_failed (sr);
      srunner_free (sr);
    }
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The data folder compiled in, in an array of fixed size: a clone at a
   path of another length has the same layout, so tests/mutation.py's
   keys (the code with the path made a fixed word) carry across clones.  */
static const char data_dir[4096] = BP_TEST_DATA_DIR;
_Static_assert (sizeof BP_TEST_DATA_DIR <= sizeof data_dir,
                "BP_TEST_DATA_DIR: a path of at most 4095 bytes");

const char *
test_data_dir (void)
{
  const char *dir = getenv ("BP_TEST_DATA");
  return dir != NULL && dir[0] != '\0' ? dir : data_dir;
}

bp_dataset
test_tiny_dataset (gsl_rng *rng, size_t count)
{
  bp_dataset d = { count, 4, 5, 3, malloc (count * 20), malloc (count) };
  for (size_t k = 0; k < count * 20; k++)
    d.images[k] = (unsigned char) gsl_rng_uniform_int (rng, 256);
  for (size_t k = 0; k < count; k++)
    d.labels[k] = (unsigned char) gsl_rng_uniform_int (rng, 3);
  return d;
}

bp_net *
test_linear_net (const bp_dataset *d, gsl_matrix **W, gsl_vector **b)
{
  const bp_net_shape s = { .rows = d->rows, .cols = d->cols, .n = d->n_classes };
  bp_net *net = bp_net_alloc (bp_net_linear, &s);
  ck_assert_ptr_nonnull (net);
  if (W)
    *W = &net->theta_M[0].matrix;
  if (b)
    *b = &net->theta_v[1].vector;
  return net;
}

void
test_load_subset (const char *prefix, bp_dataset *d)
{
  char images[1024], labels[1024], err[1024] = "";
  snprintf (images, sizeof images, "%s/%s-images-idx3-ubyte.gz", test_data_dir (), prefix);
  snprintf (labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", test_data_dir (), prefix);
  ck_assert_msg (bp_dataset_read (images, labels, 10, d, err, sizeof err) == GSL_SUCCESS,
                 "%s", err);
}

double
test_train_subset (bp_net *net, const bp_sgd_params *p, gsl_rng *rng, double *losses)
{
  bp_dataset train, test;
  test_load_subset ("train", &train);
  test_load_subset ("t10k", &test);
  bp_net_trainer *t = bp_net_trainer_alloc (net, train.count, p->batch);
  ck_assert_ptr_nonnull (t);
  for (size_t e = 0; e < p->epochs; e++)
    ck_assert_int_eq (bp_net_train_epoch (&train, p, e, rng, t, NULL, NULL, net, &losses[e]),
                      GSL_SUCCESS);
  double accuracy;
  ck_assert_int_eq (bp_net_evaluate (&test, net, t->ws, NULL, &accuracy, NULL), GSL_SUCCESS);
  bp_net_trainer_free (t);
  bp_dataset_free (&train);
  bp_dataset_free (&test);
  return accuracy;
}

void
test_gradcheck_pass (const bp_gradcheck_function *f, const gsl_matrix *theta,
                     const gsl_matrix *grad, unsigned method, double rtol, double atol,
                     const char *what)
{
  const bp_gradcheck_block t = { .name = what, .matrix = theta },
      g = { .name = what, .matrix = grad };
  bp_gradcheck_options o;
  bp_gradcheck_result *r = NULL;
  bp_gradcheck_options_default (&o);
  o.method = method;
  o.rtol = rtol;
  o.atol = atol;
  const int s = bp_gradcheck (f, 1, &t, &g, &o, &r);
  ck_assert_ptr_nonnull (r);
  const bp_gradcheck_run *run = &r->run[0];
  const bp_gradcheck_element *w = &run->worst;
  ck_assert_msg (s == GSL_SUCCESS && run->n_checked == theta->size1 * theta->size2,
                 "%s: %zu of %zu elements disagree (%s); worst [%zu,%zu]: "
                 "analytic %.17g, numeric %.17g, error estimate %.3e", what,
                 run->n_failed + run->n_inconclusive, run->n_checked, run->reason,
                 w->row, w->col, w->analytic, w->numeric, w->abserr);
  bp_gradcheck_result_free (r);
}

bp_gradcheck_result *
test_gradcheck_scalar (const bp_gradcheck_function *f, double x0, double g0, int want)
{
  gsl_vector_view xv = gsl_vector_view_array (&x0, 1), gv = gsl_vector_view_array (&g0, 1);
  const bp_gradcheck_block blk = { .name = "x", .vector = &xv.vector },
      grad = { .name = "x", .vector = &gv.vector };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  bp_gradcheck_result *r = NULL;
  ck_assert_int_eq (bp_gradcheck (f, 1, &blk, &grad, &o, &r), want);
  ck_assert_ptr_nonnull (r);
  return r;
}

/* a plain function as bp_gradcheck's callbacks */
/* theta as a complex vector (imaginary parts 0), for a function given
   only in its complex form */
static gsl_vector_complex *
complex_copy (const gsl_vector *theta)
{
  gsl_vector_complex *z = gsl_vector_complex_calloc (theta->size);
  ck_assert_ptr_nonnull (z);
  for (size_t i = 0; i < theta->size; i++)
    gsl_vector_complex_set (z, i, gsl_complex_rect (gsl_vector_get (theta, i), 0.0));
  return z;
}

static int
plain_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  const test_plain *q = params;
  if (q->f)
    *L = q->f (p->vector[0], q->params);
  else
    {
      gsl_vector_complex *z = complex_copy (p->vector[0]);
      *L = __real__ q->cf (z, q->params);
      gsl_vector_complex_free (z);
    }
  return isfinite (*L) ? 0 : 1;
}

static int
plain_vloss (const bp_gradcheck_point *p, void *params, gsl_vector *out)
{
  const test_plain *q = params;
  if (q->fv)
    return q->fv (p->vector[0], q->params, out);
  gsl_vector_complex *z = complex_copy (p->vector[0]);
  gsl_vector_complex *w = gsl_vector_complex_alloc (out->size);
  ck_assert_ptr_nonnull (w);
  const int s = q->cfv (z, q->params, w);
  for (size_t i = 0; i < out->size; i++)
    gsl_vector_set (out, i, GSL_REAL (gsl_vector_complex_get (w, i)));
  gsl_vector_complex_free (z);
  gsl_vector_complex_free (w);
  return s;
}

static int
plain_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L)
{
  const test_plain *q = params;
  const _Complex double z = q->cf (p->vector[0], q->params);
  GSL_SET_COMPLEX (L, __real__ z, __imag__ z);
  return isfinite (__real__ z) && isfinite (__imag__ z) ? 0 : 1;
}

static int
plain_cvloss (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *out)
{
  const test_plain *q = params;
  return q->cfv (p->vector[0], q->params, out);
}

int
test_plain_check (const test_plain *q, const gsl_vector *theta, const gsl_vector *grad,
                  const gsl_matrix *J, unsigned method, double h, double rtol, double atol,
                  bp_gradcheck_result **r)
{
  const bp_gradcheck_function F = {
    .loss = (q->f || q->cf) ? plain_loss : NULL, .vloss = (q->fv || q->cfv) ? plain_vloss : NULL,
    .m = J ? J->size1 : 0, .closs = q->cf ? plain_closs : NULL,
    .cvloss = q->cfv ? plain_cvloss : NULL, .params = (void *) q };
  const bp_gradcheck_block t = { .name = "theta", .vector = theta },
      a = { .name = "analytic", .matrix = J, .vector = J ? NULL : grad };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = method;
  if (method == BP_GRADCHECK_COMPLEX_STEP)
    o.h_complex = h;
  else
    o.h = h;
  o.rtol = rtol;
  o.atol = atol;
  *r = NULL;
  const int s = bp_gradcheck (&F, 1, &t, &a, &o, r);
  ck_assert_msg (s <= 0 && *r, "bp_gradcheck: error %d", s);
  return s;
}

void
test_plain_pass (const test_plain *q, const gsl_vector *theta, const gsl_vector *grad,
                 const gsl_matrix *J, unsigned method, double rtol, double atol,
                 const char *what)
{
  bp_gradcheck_result *r;
  const double h = method == BP_GRADCHECK_COMPLEX_STEP ? 1e-20 : BP_CHECK_STEP;
  const int s = test_plain_check (q, theta, grad, J, method, h, rtol, atol, &r);
  const bp_gradcheck_run *run = &r->run[0];
  const bp_gradcheck_element *w = &run->worst;
  const size_t n = theta->size * (J ? J->size1 : 1);
  ck_assert_msg (s == GSL_SUCCESS && run->n_checked == n,
                 "%s: %zu of %zu elements disagree (%s); worst [%zu,%zu]: "
                 "analytic %.17g, numeric %.17g, error estimate %.3e", what,
                 run->n_failed + run->n_inconclusive, run->n_checked, run->reason,
                 w->row, w->col, w->analytic, w->numeric, w->abserr);
  bp_gradcheck_result_free (r);
}

void
test_gradient_pass (test_scalar_fn f, void *params, const gsl_vector *theta,
                    const gsl_vector *grad, double rtol, double atol, const char *what)
{
  const test_plain q = { .f = f, .params = params };
  test_plain_pass (&q, theta, grad, NULL, BP_GRADCHECK_CENTRAL, rtol, atol, what);
}

void
test_jacobian_pass (test_vector_fn fv, void *params, const gsl_vector *theta,
                    const gsl_matrix *J, double rtol, double atol, const char *what)
{
  const test_plain q = { .fv = fv, .params = params };
  test_plain_pass (&q, theta, NULL, J, BP_GRADCHECK_CENTRAL, rtol, atol, what);
}

void
test_cstep_pass (test_complex_fn cf, void *params, const gsl_vector *theta,
                 const gsl_vector *grad, double rtol, double atol, const char *what)
{
  const test_plain q = { .cf = cf, .params = params };
  test_plain_pass (&q, theta, grad, NULL, BP_GRADCHECK_COMPLEX_STEP, rtol, atol, what);
}

void
test_numeric_gradient (test_scalar_fn f, void *params, const gsl_vector *theta,
                       double h, gsl_vector *grad, gsl_vector *abserr)
{
  const test_plain q = { .f = f, .params = params };
  gsl_vector *zero = gsl_vector_calloc (theta->size);
  ck_assert_ptr_nonnull (zero);
  bp_gradcheck_result *r;
  /* every element passes at its first step: none is retried */
  test_plain_check (&q, theta, zero, NULL, BP_GRADCHECK_CENTRAL, h, 0.0, 1e300, &r);
  const bp_gradcheck_block_result *b = &r->run[0].block[0];
  for (size_t i = 0; i < theta->size; i++)
    {
      gsl_vector_set (grad, i, gsl_matrix_get (b->numeric, i, 0));
      if (abserr)
        gsl_vector_set (abserr, i, gsl_matrix_get (b->abserr, i, 0));
    }
  bp_gradcheck_result_free (r);
  gsl_vector_free (zero);
}

void
test_assert_same_bits (const gsl_matrix *A, const gsl_matrix *B, const char *what)
{
  ck_assert_msg (A->size1 == B->size1 && A->size2 == B->size2, "%s: shapes differ", what);
  for (size_t i = 0; i < A->size1; i++)
    for (size_t j = 0; j < A->size2; j++)
      {
        const double a = gsl_matrix_get (A, i, j), b = gsl_matrix_get (B, i, j);
        ck_assert_msg (memcmp (&a, &b, sizeof a) == 0, "%s: [%zu,%zu] is %.17g, not %.17g",
                       what, i, j, a, b);
      }
}

int
test_set_threads (int n)
{
#ifdef _OPENMP
  const int before = omp_get_max_threads ();
  omp_set_num_threads (n);
  return before;
#else
  (void) n;
  return 1;
#endif
}

/* 1 when the files a and b hold the same bytes */
static int
files_equal (const char *a, const char *b)
{
  FILE *fa = fopen (a, "rb"), *fb = fopen (b, "rb");
  ck_assert (fa && fb);
  int ca, cb;
  do
    {
      ca = getc (fa);
      cb = getc (fb);
    }
  while (ca == cb && ca != EOF);
  fclose (fa);
  fclose (fb);
  return ca == cb;
}

bp_net *
test_model_file_round_trip (const bp_net *net, const bp_train_state *st, const char *name,
                            int i, bp_train_state *rs)
{
  char path[96], again[96], err[512];
  snprintf (path, sizeof path, "%s-%d-%ld.model", name, i, (long) getpid ());
  snprintf (again, sizeof again, "%s-%d-%ld.again", name, i, (long) getpid ());
  ck_assert_msg (bp_model_file_write (path, net, st, err, sizeof err) == GSL_SUCCESS,
                 "%s", err);
  bp_net *r = NULL;
  ck_assert_msg (bp_model_file_read (path, &r, rs, err, sizeof err) == GSL_SUCCESS, "%s", err);
  ck_assert_ptr_eq (r->type, net->type);
  ck_assert_msg (bp_model_file_write (again, r, rs, err, sizeof err) == GSL_SUCCESS, "%s", err);
  const int same = files_equal (path, again);
  unlink (path);
  unlink (again);
  ck_assert_msg (same, "%s case %d: the model file read and written again differs", name, i);
  return r;
}

bp_net_shape
test_net_case_shape (const test_net_case *c, size_t rows, size_t cols, size_t n)
{
  bp_net_shape s = { .rows = rows, .cols = cols, .n = n, .n_hidden = c->n_hidden,
                     .act = c->act, .C1 = c->C1, .C2 = c->C2 };
  memcpy (s.hidden, c->hidden, sizeof c->hidden);
  return s;
}

int
test_net_cases (const test_net_case *shapes, size_t n_shapes, size_t rows, size_t cols,
                size_t n, bp_net_dtype dtype, test_net_case *cases, int max)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  int count = 0;
  for (size_t k = 0; bp_net_type_at (k) != NULL; k++)
    {
      const bp_net_type *T = bp_net_type_at (k);
      for (size_t j = 0; T->dtype == dtype && j < n_shapes; j++)
        {
          const bp_net_shape s = test_net_case_shape (&shapes[j], rows, cols, n);
          bp_net *net = bp_net_alloc (T, &s);
          if (net != NULL && count < max)
            {
              cases[count] = shapes[j];
              cases[count++].row = T->name;
            }
          bp_net_free (net);
        }
    }
  gsl_set_error_handler (old);
  return count;
}

void
test_net_rows_have_cases (bp_net_dtype dtype, const test_net_case *cases, int n, int max,
                          const char *suite)
{
  ck_assert_int_le (n, max - 1);
  for (size_t k = 0; bp_net_type_at (k) != NULL; k++)
    {
      const bp_net_type *T = bp_net_type_at (k);
      int found = 0;
      for (int i = 0; T->dtype == dtype && i < n; i++)
        found += strcmp (cases[i].row, T->name) == 0;
      ck_assert_msg (T->dtype != dtype || found > 0, "row %s: no shape of %s fits it",
                     T->name, suite);
    }
}

const bp_net_type *
test_net_double_of (const bp_net_type *F)
{
  for (size_t k = 0; F != NULL && bp_net_type_at (k) != NULL; k++)
    {
      const bp_net_type *D = bp_net_type_at (k);
      if (D->dtype == BP_NET_FLOAT64 && (D == F || D->float32 == F))
        return D;
    }
  return NULL;
}

int
test_half_square_loss (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  double s = 0.0;
  gsl_blas_ddot (p->vector[0], p->vector[0], &s);
  *L = 0.5 * s;
  return 0;
}

void
test_block_init (test_block *b, double *x, double *g, size_t n)
{
  b->xv = gsl_vector_view_array (x, n);
  b->gv = gsl_vector_view_array (g, n);
  b->x = (bp_gradcheck_block) { .name = "x", .vector = &b->xv.vector };
  b->grad = (bp_gradcheck_block) { .name = "x", .vector = &b->gv.vector };
}

bp_gradcheck_options
test_options (unsigned method)
{
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = method;
  return o;
}

test_errors_t test_errors;

static void
record_error (const char *reason, const char *file, int line, int gsl_errno)
{
  (void) file;
  (void) line;
  test_errors.reason = reason;
  test_errors.code = gsl_errno;
  test_errors.count++;
}

gsl_error_handler_t *
test_record_errors (void)
{
  test_errors = (test_errors_t) { .reason = NULL, .code = GSL_SUCCESS, .count = 0 };
  return gsl_set_error_handler (record_error);
}

const char *
test_error_reason (void)
{
  return test_errors.reason ? test_errors.reason : "";
}
