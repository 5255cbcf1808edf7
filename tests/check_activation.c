/* check_activation.c -- suites bp_relu, bp_relu_jacobian, bp_relu_backward
   and the same for bp_sigmoid and bp_tanh (derivations/11-activations.md),
   and bp_activation_from_name for the choice at run time.
   Each activation: hand-computed values, its Jacobian and its backward step
   against gsl_deriv_central, and bad sizes. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include "testutil.h"
#include "verify/mlp_example.h"

typedef struct
{
  bp_activation act;
  int (*forward) (const gsl_vector *, gsl_vector *);
  int (*jacobian) (const gsl_vector *, gsl_matrix *);
  int (*backward) (const gsl_vector *, const gsl_vector *, gsl_vector *);
} family;

static const family RELU = { BP_RELU, bp_relu, bp_relu_jacobian, bp_relu_backward };
static const family SIGMOID = { BP_SIGMOID, bp_sigmoid, bp_sigmoid_jacobian,
                                bp_sigmoid_backward };
static const family TANH = { BP_TANH, bp_tanh, bp_tanh_jacobian, bp_tanh_backward };

/* Pre-activations of configuration i: n from 1 to 12 (10 for i = 0),
   |z| <= 5, or <= 30 from TEST_LARGE_FROM on (saturated sigmoid and tanh).
   For ReLU |z| >= 0.1: central differences with step 1e-4 must not
   straddle the kink at 0, where ReLU has no derivative. */
static gsl_vector *
config_z (const family *fam, int i)
{
  gsl_rng *rng = test_rng (i);
  const size_t n = (i == 0) ? 10 : 1 + gsl_rng_uniform_int (rng, 12);
  const double scale = i >= TEST_LARGE_FROM ? 30.0 : 5.0;
  gsl_vector *z = test_logits (rng, n, scale);
  if (fam->act == BP_RELU)
    for (size_t k = 0; k < n; k++)
      {
        const double zk = gsl_vector_get (z, k);
        gsl_vector_set (z, k, copysign (0.1 + fabs (zk), zk));
      }
  gsl_rng_free (rng);
  return z;
}

/* J against the numeric Jacobian, all n x n entries (zeros included) */
static void
check_jacobian_numeric (const family *fam, int i)
{
  gsl_vector *z = config_z (fam, i);
  const size_t n = z->size;
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  bp_activation act = fam->act;
  ck_assert_int_eq (fam->jacobian (z, J), GSL_SUCCESS);
  test_jacobian_pass (example_activation, &act, z, J, BP_CHECK_RTOL, BP_CHECK_ATOL, bp_activation_name (act));
  gsl_vector_free (z);
  gsl_matrix_free (J);
}

/* dL/dz of L(z) = sum c_i f(z_i) against its numeric gradient, and equal
   to J^T c to the last bit (J is diagonal: the other terms are 0) */
static void
check_backward_numeric (const family *fam, int i)
{
  gsl_vector *z = config_z (fam, i);
  const size_t n = z->size;
  gsl_rng *rng = test_rng (100 + i);
  gsl_vector *c = test_logits (rng, n, 1.0);
  gsl_vector *dL_dz = gsl_vector_alloc (n), *Jtc = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  activation_probe probe = { fam->act, c, gsl_vector_alloc (n) };
  ck_assert_int_eq (fam->backward (z, c, dL_dz), GSL_SUCCESS);
  test_gradient_pass (example_activation_loss, &probe, z, dL_dz,
                     BP_CHECK_RTOL, BP_CHECK_ATOL, bp_activation_name (fam->act));
  fam->jacobian (z, J);
  gsl_blas_dgemv (CblasTrans, 1.0, J, c, 0.0, Jtc);
  for (size_t k = 0; k < n; k++)
    ck_assert_double_eq (gsl_vector_get (dL_dz, k), gsl_vector_get (Jtc, k));
  gsl_vector_free (z);
  gsl_vector_free (c);
  gsl_vector_free (dL_dz);
  gsl_vector_free (Jtc);
  gsl_vector_free (probe.h);
  gsl_matrix_free (J);
  gsl_rng_free (rng);
}

/* f(z_k) and f'(z_k) (read from J's diagonal and from the backward step
   with dL/dh = 1) equal the hand-computed h[k] and d[k] within rel */
static void
check_values (const family *fam, size_t n, const double z_[], const double h_[],
              const double d_[], double rel)
{
  gsl_vector *z = gsl_vector_alloc (n), *h = gsl_vector_alloc (n);
  gsl_vector *ones = gsl_vector_alloc (n), *d = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n);
  for (size_t k = 0; k < n; k++)
    gsl_vector_set (z, k, z_[k]);
  gsl_vector_set_all (ones, 1.0);
  ck_assert_int_eq (fam->forward (z, h), GSL_SUCCESS);
  ck_assert_int_eq (fam->jacobian (z, J), GSL_SUCCESS);
  ck_assert_int_eq (fam->backward (z, ones, d), GSL_SUCCESS);
  for (size_t k = 0; k < n; k++)
    {
      ck_assert_msg (fabs (gsl_vector_get (h, k) - h_[k]) <= rel * fabs (h_[k]),
                     "f(%g) = %.17g, expected %.17g", z_[k], gsl_vector_get (h, k), h_[k]);
      ck_assert_msg (fabs (gsl_matrix_get (J, k, k) - d_[k]) <= rel * fabs (d_[k]),
                     "J[%zu,%zu] at z = %g: %.17g, expected %.17g", k, k, z_[k],
                     gsl_matrix_get (J, k, k), d_[k]);
      ck_assert_msg (fabs (gsl_vector_get (d, k) - d_[k]) <= rel * fabs (d_[k]),
                     "f'(%g) by backward: %.17g, expected %.17g", z_[k],
                     gsl_vector_get (d, k), d_[k]);
    }
  gsl_vector_free (z);
  gsl_vector_free (h);
  gsl_vector_free (ones);
  gsl_vector_free (d);
  gsl_matrix_free (J);
}

/* Every function of the family rejects mismatched sizes. */
static void
check_bad_sizes (const family *fam)
{
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  gsl_vector *a = gsl_vector_calloc (3), *b = gsl_vector_calloc (4);
  gsl_matrix *J34 = gsl_matrix_calloc (3, 4), *J44 = gsl_matrix_calloc (4, 4);
  ck_assert_int_eq (fam->forward (a, b), GSL_EBADLEN);
  ck_assert_int_eq (fam->jacobian (a, J34), GSL_EBADLEN);
  ck_assert_int_eq (fam->jacobian (a, J44), GSL_EBADLEN);
  ck_assert_int_eq (fam->backward (a, a, b), GSL_EBADLEN);
  ck_assert_int_eq (fam->backward (a, b, a), GSL_EBADLEN);
  ck_assert_int_eq (fam->backward (b, a, a), GSL_EBADLEN);
  gsl_vector_free (a);
  gsl_vector_free (b);
  gsl_matrix_free (J34);
  gsl_matrix_free (J44);
  gsl_set_error_handler (old);
}

/* --- ReLU ------------------------------------------------------------ */

START_TEST (test_relu_by_hand)
{
  /* max(0, z); slope 0 left of 0, 1 right of it */
  const double z[] = { -2.0, -0.5, 0.5, 3.0 };
  const double h[] = { 0.0, 0.0, 0.5, 3.0 };
  const double d[] = { 0.0, 0.0, 1.0, 1.0 };
  check_values (&RELU, 4, z, h, d, 0.0);
}
END_TEST

START_TEST (test_relu_at_zero)
{
  /* the documented subgradient convention: f(0) = 0 and f'(0) = 0, so a
     unit sitting exactly at 0 passes no gradient back */
  const double z[] = { 0.0, -0.0 };
  const double h[] = { 0.0, 0.0 };
  const double d[] = { 0.0, 0.0 };
  check_values (&RELU, 2, z, h, d, 0.0);
  /* and f'(-0) is the same +0 as f'(+0) (its sign is a result too): with
     dL/dh = 1, dL/dz = f'(z) to the bit */
  gsl_vector *zv = gsl_vector_alloc (2), *ones = gsl_vector_alloc (2), *dz = gsl_vector_alloc (2);
  gsl_vector_set (zv, 0, 0.0);
  gsl_vector_set (zv, 1, -0.0);
  gsl_vector_set_all (ones, 1.0);
  ck_assert_int_eq (bp_relu_backward (zv, ones, dz), GSL_SUCCESS);
  for (size_t k = 0; k < 2; k++)
    ck_assert_msg (gsl_vector_get (dz, k) == 0.0 && !signbit (gsl_vector_get (dz, k)),
                   "f'(%s0) = %g, not +0", k ? "-" : "+", gsl_vector_get (dz, k));
  gsl_vector_free (zv);
  gsl_vector_free (ones);
  gsl_vector_free (dz);
}
END_TEST

START_TEST (test_relu_bad_sizes) { check_bad_sizes (&RELU); } END_TEST
START_TEST (test_relu_jacobian_numeric) { check_jacobian_numeric (&RELU, _i); } END_TEST
START_TEST (test_relu_backward_numeric) { check_backward_numeric (&RELU, _i); } END_TEST

/* --- sigmoid --------------------------------------------------------- */

START_TEST (test_sigmoid_by_hand)
{
  /* s(0) = 1/2, s'(0) = 1/4; s(log 3) = 1/(1 + 1/3) = 3/4, s' = 3/4 1/4 = 3/16;
     s(-log 3) = 1/4, s' = 3/16 */
  const double z[] = { 0.0, log (3.0), -log (3.0) };
  const double h[] = { 0.5, 0.75, 0.25 };
  const double d[] = { 0.25, 3.0 / 16, 3.0 / 16 };
  check_values (&SIGMOID, 3, z, h, d, 4e-16);
}
END_TEST

START_TEST (test_sigmoid_large)
{
  /* s(-40) = e^-40 / (1 + e^-40) = e^-40 (1 - 1e-17...) and
     s'(+-40) = e^-40 / (1 + e^-40)^2 = e^-40 to double precision; the
     textbook s(1 - s) would give s'(40) = 0, since s(40) rounds to 1 */
  const double e40 = exp (-40.0);
  const double z[] = { -40.0, 40.0 };
  const double h[] = { e40, 1.0 };
  const double d[] = { e40, e40 };
  check_values (&SIGMOID, 2, z, h, d, 4e-16);
}
END_TEST

START_TEST (test_sigmoid_huge)
{
  /* |z| = 1000: e^1000 overflows, yet s = 0 or 1 and s' = 0 (the true
     e^-1000 underflows), never NaN */
  gsl_vector *z = gsl_vector_alloc (2), *h = gsl_vector_alloc (2);
  gsl_matrix *J = gsl_matrix_alloc (2, 2);
  gsl_vector_set (z, 0, -1000.0);
  gsl_vector_set (z, 1, 1000.0);
  bp_sigmoid (z, h);
  bp_sigmoid_jacobian (z, J);
  ck_assert_double_eq (gsl_vector_get (h, 0), 0.0);
  ck_assert_double_eq (gsl_vector_get (h, 1), 1.0);
  ck_assert_double_eq (gsl_matrix_get (J, 0, 0), 0.0);
  ck_assert_double_eq (gsl_matrix_get (J, 1, 1), 0.0);
  gsl_vector_free (z);
  gsl_vector_free (h);
  gsl_matrix_free (J);
}
END_TEST

START_TEST (test_sigmoid_bad_sizes) { check_bad_sizes (&SIGMOID); } END_TEST
START_TEST (test_sigmoid_jacobian_numeric) { check_jacobian_numeric (&SIGMOID, _i); } END_TEST
START_TEST (test_sigmoid_backward_numeric) { check_backward_numeric (&SIGMOID, _i); } END_TEST

/* --- tanh ------------------------------------------------------------ */

START_TEST (test_tanh_by_hand)
{
  /* tanh 0 = 0, tanh' 0 = 1; tanh(log 2) = (2 - 1/2)/(2 + 1/2) = 3/5,
     tanh'(log 2) = 1 - 9/25 = 16/25; tanh is odd, tanh' even */
  const double z[] = { 0.0, log (2.0), -log (2.0) };
  const double h[] = { 0.0, 0.6, -0.6 };
  const double d[] = { 1.0, 0.64, 0.64 };
  check_values (&TANH, 3, z, h, d, 4e-16);
}
END_TEST

START_TEST (test_tanh_large)
{
  /* tanh'(+-20) = 4 e^-40 / (1 + e^-40)^2 = 4 e^-40 to double precision,
     where 1 - tanh^2 would give 0, tanh(20) rounding to 1 */
  const double z[] = { -20.0, 20.0 };
  const double h[] = { -1.0, 1.0 };
  const double d[] = { 4.0 * exp (-40.0), 4.0 * exp (-40.0) };
  check_values (&TANH, 2, z, h, d, 4e-16);
}
END_TEST

START_TEST (test_tanh_bad_sizes) { check_bad_sizes (&TANH); } END_TEST
START_TEST (test_tanh_jacobian_numeric) { check_jacobian_numeric (&TANH, _i); } END_TEST
START_TEST (test_tanh_backward_numeric) { check_backward_numeric (&TANH, _i); } END_TEST

/* --- the choice at run time ------------------------------------------- */

START_TEST (test_activation_names)
{
  const char *names[] = { "relu", "sigmoid", "tanh" };
  for (int k = 0; k < 3; k++)
    {
      bp_activation a;
      ck_assert_int_eq (bp_activation_from_name (names[k], &a), GSL_SUCCESS);
      ck_assert_int_eq (a, k);   /* BP_RELU, BP_SIGMOID, BP_TANH: bp_activation.h */
      ck_assert_str_eq (bp_activation_name (a), names[k]);
    }
  bp_activation a = BP_TANH;
  ck_assert_int_eq (bp_activation_from_name ("ReLU", &a), GSL_EINVAL);
  ck_assert_int_eq (bp_activation_from_name ("", &a), GSL_EINVAL);
  ck_assert_int_eq (a, BP_TANH);
  ck_assert_ptr_null (bp_activation_name ((bp_activation) 7));
  ck_assert_ptr_null (bp_activation_name ((bp_activation) 3));   /* the first past BP_TANH */
}
END_TEST

START_TEST (test_activation_dispatch)
{
  /* bp_activation_forward/_jacobian/_backward give what the named
     functions give, bit for bit */
  const family *fams[] = { &RELU, &SIGMOID, &TANH };
  const family *fam = fams[_i];
  gsl_vector *z = config_z (fam, 1);
  const size_t n = z->size;
  gsl_vector *a = gsl_vector_alloc (n), *b = gsl_vector_alloc (n);
  gsl_matrix *JA = gsl_matrix_alloc (n, n), *JB = gsl_matrix_alloc (n, n);
  fam->forward (z, a);
  bp_activation_forward (fam->act, z, b);
  ck_assert (gsl_vector_equal (a, b));
  fam->jacobian (z, JA);
  bp_activation_jacobian (fam->act, z, JB);
  ck_assert (gsl_matrix_equal (JA, JB));
  fam->backward (z, z, a);
  bp_activation_backward (fam->act, z, z, b);
  ck_assert (gsl_vector_equal (a, b));
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_activation_forward ((bp_activation) 7, z, a), GSL_EINVAL);
  gsl_set_error_handler (old);
  gsl_vector_free (z);
  gsl_vector_free (a);
  gsl_vector_free (b);
  gsl_matrix_free (JA);
  gsl_matrix_free (JB);
}
END_TEST

/* --- suites: one per function ------------------------------------------ */

static Suite *
one_tcase (const char *name, TCase *tc)
{
  Suite *s = suite_create (name);
  suite_add_tcase (s, tc);
  return s;
}

#define LOOP(tc, t) tcase_add_loop_test ((tc), (t), 0, TEST_CONFIGS)

static Suite *
relu_suite (void)
{
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_relu_by_hand);
  tcase_add_test (tc, test_relu_at_zero);
  tcase_add_test (tc, test_relu_bad_sizes);
  return one_tcase ("bp_relu", tc);
}

static Suite *
relu_jacobian_suite (void)
{
  TCase *tc = tcase_create ("jacobian");
  LOOP (tc, test_relu_jacobian_numeric);
  return one_tcase ("bp_relu_jacobian", tc);
}

static Suite *
relu_backward_suite (void)
{
  TCase *tc = tcase_create ("backward");
  LOOP (tc, test_relu_backward_numeric);
  return one_tcase ("bp_relu_backward", tc);
}

static Suite *
sigmoid_suite (void)
{
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_sigmoid_by_hand);
  tcase_add_test (tc, test_sigmoid_large);
  tcase_add_test (tc, test_sigmoid_huge);
  tcase_add_test (tc, test_sigmoid_bad_sizes);
  return one_tcase ("bp_sigmoid", tc);
}

static Suite *
sigmoid_jacobian_suite (void)
{
  TCase *tc = tcase_create ("jacobian");
  LOOP (tc, test_sigmoid_jacobian_numeric);
  return one_tcase ("bp_sigmoid_jacobian", tc);
}

static Suite *
sigmoid_backward_suite (void)
{
  TCase *tc = tcase_create ("backward");
  LOOP (tc, test_sigmoid_backward_numeric);
  return one_tcase ("bp_sigmoid_backward", tc);
}

static Suite *
tanh_suite (void)
{
  TCase *tc = tcase_create ("forward");
  tcase_add_test (tc, test_tanh_by_hand);
  tcase_add_test (tc, test_tanh_large);
  tcase_add_test (tc, test_tanh_bad_sizes);
  return one_tcase ("bp_tanh", tc);
}

static Suite *
tanh_jacobian_suite (void)
{
  TCase *tc = tcase_create ("jacobian");
  LOOP (tc, test_tanh_jacobian_numeric);
  return one_tcase ("bp_tanh_jacobian", tc);
}

static Suite *
tanh_backward_suite (void)
{
  TCase *tc = tcase_create ("backward");
  LOOP (tc, test_tanh_backward_numeric);
  return one_tcase ("bp_tanh_backward", tc);
}

static Suite *
activation_suite (void)
{
  TCase *tc = tcase_create ("choice");
  tcase_add_test (tc, test_activation_names);
  tcase_add_loop_test (tc, test_activation_dispatch, 0, 3);
  return one_tcase ("bp_activation_from_name", tc);
}

int
main (void)
{
  Suite *(*const suites[]) (void) = {
    relu_suite, relu_jacobian_suite, relu_backward_suite,
    sigmoid_suite, sigmoid_jacobian_suite, sigmoid_backward_suite,
    tanh_suite, tanh_jacobian_suite, tanh_backward_suite,
    activation_suite
  };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
