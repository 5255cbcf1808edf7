/* bp_check_compat.h -- DEPRECATED: the checker's older entry points, kept
   for programs written against them.  New code: bp_gradcheck.h, the one
   checker, which does all of this and more (several blocks, threads,
   directions, the complex step, the Taylor test, a three-valued verdict,
   hints) in one call.  Every function here is a thin wrapper over
   bp_gradcheck's core (src/lib/compat/), with the same argument checks,
   step rule and comparison; each names its replacement.
   Formerly bp_check.h, bp_check_threads.h, bp_check_directional.h and
   the checker part of bp_complex_step.h (bp_cstep_function,
   bp_cstep_vector_function, bp_cstep_gradient, bp_cstep_jacobian,
   bp_cstep_check_gradient, bp_cstep_check_jacobian); the complex-step
   formulas (bp_cstep_* forward passes) stay in bp_complex_step.h.
   Derivation of the method: derivations/00-numeric-check.md

   Errors (bp_common.h): GSL_EFAULT for a NULL f, params (the threaded
   ones), theta, grad, J or rng (abserr, params and r may be NULL
   elsewhere), GSL_EBADLEN for sizes that do not agree, GSL_EINVAL for
   n_params = 0, n_directions = 0, an empty theta, a step h not positive
   and finite, or a NaN, negative or infinite rtol or atol; GSL_EDOM for
   a NaN or infinity in theta; f's own error code when f fails. */
#ifndef BP_CHECK_COMPAT_H
#define BP_CHECK_COMPAT_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector_complex_double.h>
#include "bp_common.h"
#include "bp_gradcheck.h"
BP_BEGIN_DECLS

/* ==== formerly bp_check.h: numeric derivatives and the comparison ==== */

/* A scalar function f: R^n -> R of theta. */
typedef double (*bp_scalar_function) (const gsl_vector *theta, void *params);

/* A vector function f: R^n -> R^m of theta, written into out (size m);
   returns GSL_SUCCESS or an error code. */
typedef int (*bp_vector_function) (const gsl_vector *theta, void *params,
                                   gsl_vector *out);

/* Numeric gradient of f at theta: grad_i = df/dtheta_i by
   gsl_deriv_central with step h max(1, |theta_i|); abserr_i is GSL's
   estimate of the absolute error of grad_i.  abserr may be NULL.
   theta is not changed.  All vectors have theta's size.  NaN or infinity
   in theta: GSL_EDOM; h not positive and finite: GSL_EINVAL.
   derivations/00-numeric-check.md, eqs. (0.1), (0.2) */
/* Deprecated: bp_gradcheck with opts.method BP_GRADCHECK_CENTRAL; the
   numeric values are run[0].block[k]->numeric, the estimates ->abserr. */
int bp_deriv_gradient (bp_scalar_function f, void *params,
                       const gsl_vector *theta, double h,
                       gsl_vector *grad, gsl_vector *abserr);

/* Numeric Jacobian of f at theta: J_ij = df_i/dtheta_j, J is m x n where
   n = theta->size and m = J->size1; abserr (same shape, may be NULL) holds
   GSL's error estimates.  derivations/00-numeric-check.md, eqs. (0.1), (0.2) */
/* Deprecated: bp_gradcheck with a vector f (vloss, m outputs);
   run[0].block[k]->numeric. */
int bp_deriv_jacobian (bp_vector_function f, void *params,
                       const gsl_vector *theta, double h,
                       gsl_matrix *J, gsl_matrix *abserr);

/* The outcome of comparing analytic values a with numeric ones e, by the
   comparison of bp_gradcheck.h.  With tol_k = max(atol, rtol max(|a_k|,
   |e_k|)), element k passes when |a_k - e_k| <= tol_k, is inconclusive
   when tol_k < |a_k - e_k| <= tol_k + 2 err_k (err_k being GSL's error
   estimate for e_k: only the estimate lets it through), and fails beyond
   (a NaN fails).  The one-call checks pass only when every element
   passes.  The worst element is the one whose |a_k - e_k| is the largest
   multiple of tol_k + 2 err_k.
   derivations/00-numeric-check.md, eq. (0.3) */
typedef struct
{
  size_t n_checked;     /* elements compared */
  size_t n_failed;      /* elements outside their allowance */
  size_t n_inconclusive;/* elements within it only by the error estimate */
  size_t worst_index;   /* flat (row-major) index of the worst element */
  size_t worst_row;     /* its row (the index itself for vectors) */
  size_t worst_col;     /* its column (0 for vectors) */
  double worst_analytic;
  double worst_numeric;
  double worst_abserr;  /* GSL's error estimate there */
  double max_abs_err;   /* max_k |a_k - e_k| */
  double max_rel_err;   /* max_k |a_k - e_k| / max(|a_k|, |e_k|), over k
                           where max(|a_k|, |e_k|) > atol */
  double max_est_err;   /* max_k err_k, GSL's largest estimate */
} bp_check_result;

/* Compare vectors: analytic a against numeric e with GSL error estimates
   err (NULL for none).  Fills r; returns GSL_SUCCESS whether or not the
   elements agree (read r->n_failed), or GSL_EBADLEN for unequal sizes.
   derivations/00-numeric-check.md, eq. (0.3) */
/* Deprecated: the element verdicts of bp_gradcheck (each block's mask,
   worst and counts). */
int bp_check_compare_vector (const gsl_vector *a, const gsl_vector *e,
                             const gsl_vector *err, double rtol, double atol,
                             bp_check_result *r);

/* The same for matrices of equal shape (Jacobians, dL/dW, dL/dx).
   derivations/00-numeric-check.md, eq. (0.3) */
/* Deprecated: as bp_check_compare_vector. */
int bp_check_compare_matrix (const gsl_matrix *a, const gsl_matrix *e,
                             const gsl_matrix *err, double rtol, double atol,
                             bp_check_result *r);

/* Gradient check in one call: numeric gradient of f at theta with step
   BP_CHECK_STEP, compared with the analytic gradient grad.
   Returns GSL_SUCCESS when every element passes, GSL_FAILURE when any fails
   (r says which), or an error code for bad sizes.  r may be NULL.
   A NaN in grad is a failing element (GSL_FAILURE), not an error: it is
   what the check is for.  NaN or infinity in theta: GSL_EDOM.
   derivations/00-numeric-check.md, eqs. (0.1)-(0.3) */
/* Deprecated: bp_gradcheck (one block, opts.method BP_GRADCHECK_CENTRAL). */
int bp_check_gradient (bp_scalar_function f, void *params,
                       const gsl_vector *theta, const gsl_vector *grad,
                       double rtol, double atol, bp_check_result *r);

/* Jacobian check in one call, as bp_check_gradient; J is m x n.
   derivations/00-numeric-check.md, eqs. (0.1)-(0.3) */
/* Deprecated: bp_gradcheck with a vector f. */
int bp_check_jacobian (bp_vector_function f, void *params,
                       const gsl_vector *theta, const gsl_matrix *J,
                       double rtol, double atol, bp_check_result *r);

/* ==== formerly bp_check_threads.h: the same on threads ==== */

/* f at theta, where theta equals the point of the check except perhaps in
   coordinate j.  f must return f(theta), the same function of theta
   whatever j says; knowing j only lets it reuse what it computed once at
   the point of the check (an incremental evaluation).
   Thread safety: calls with different params may run at the same time;
   a params is used by one thread at a time.  theta is read-only. */
typedef double (*bp_partial_function) (const gsl_vector *theta, size_t j,
                                       void *params);

/* The same for a vector function, written into out (size m). */
typedef int (*bp_vector_partial_function) (const gsl_vector *theta, size_t j,
                                           void *params, gsl_vector *out);

/* bp_deriv_gradient on up to n_params threads (OpenMP; one without it,
   and never more than omp_get_max_threads, so OMP_NUM_THREADS limits it):
   thread k calls f with params[k] only, on its own working copy of theta.
   grad_j = df/dtheta_j by gsl_deriv_central with step h max(1, |theta_j|),
   abserr_j GSL's error estimate (abserr may be NULL), as bp_deriv_gradient. */
/* Deprecated: bp_gradcheck with opts.threads (the point tells the callback
   the moved element and its thread). */
int bp_deriv_gradient_threads (bp_partial_function f, void *const params[],
                               size_t n_params, const gsl_vector *theta,
                               double h, gsl_vector *grad, gsl_vector *abserr);

/* bp_deriv_jacobian the same way: J_ij = df_i/dtheta_j, J m x n. */
/* Deprecated: as bp_deriv_gradient_threads. */
int bp_deriv_jacobian_threads (bp_vector_partial_function f,
                               void *const params[], size_t n_params,
                               const gsl_vector *theta, double h,
                               gsl_matrix *J, gsl_matrix *abserr);

/* bp_check_gradient and bp_check_jacobian on threads: step BP_CHECK_STEP,
   the comparison of bp_check_compare_vector / _matrix.  Return
   GSL_SUCCESS when every element passes, GSL_FAILURE when any fails (r
   says which; r may be NULL), or an error code. */
/* Deprecated: bp_gradcheck with opts.threads. */
int bp_check_gradient_threads (bp_partial_function f, void *const params[],
                               size_t n_params, const gsl_vector *theta,
                               const gsl_vector *grad, double rtol,
                               double atol, bp_check_result *r);

/* Deprecated: bp_gradcheck with opts.threads and a vector f. */
int bp_check_jacobian_threads (bp_vector_partial_function f,
                               void *const params[], size_t n_params,
                               const gsl_vector *theta, const gsl_matrix *J,
                               double rtol, double atol, bp_check_result *r);

/* How many threads the functions above would use for n_params params:
   between 1 and n_params (0 for 0); no pointer, no error. */
/* Deprecated: bp_gradcheck_threads. */
size_t bp_check_threads (size_t n_params);

/* ==== formerly bp_check_directional.h: random directions ==== */

/* For each of n_directions directions d_k drawn from rng, uniform on the
   unit sphere of theta's size (normal samples of gsl_ran_gaussian_ziggurat
   divided by their norm, the method of gsl_ran_dir_nd), compare grad . d_k
   with the derivative of t -> f(theta + t d_k) at 0 by gsl_deriv_central
   with step BP_CHECK_STEP max(1, max_i |theta_i|).  r counts directions:
   worst_index is the worst direction's k.  Returns GSL_SUCCESS when every
   direction agrees, GSL_FAILURE when any does not, or an error code:
   GSL_EFAULT for a NULL f, theta, grad or rng (params and r may be NULL),
   GSL_EBADLEN for sizes that do not agree, GSL_EINVAL for an empty theta,
   n_directions = 0 or a bad tolerance, GSL_EDOM for a NaN in theta, f's
   own error code when f fails (bp_common.h).  The directions of
   bp_gradcheck's BP_GRADCHECK_DIRECTIONAL, without its localization. */
/* Deprecated: bp_gradcheck with opts.method BP_GRADCHECK_DIRECTIONAL
   (opts.seed, opts.n_directions; it also localizes). */
int bp_check_directional_gradient (bp_scalar_function f, void *params,
                                   const gsl_vector *theta,
                                   const gsl_vector *grad,
                                   size_t n_directions, gsl_rng *rng,
                                   double rtol, double atol,
                                   bp_check_result *r);

/* The same for a Jacobian J (m x n) of f: R^n -> R^m, with a second unit
   direction w_k in R^m: w_k^T J d_k against the derivative of
   t -> w_k . f(theta + t d_k). */
/* Deprecated: as bp_check_directional_gradient, with a vector f. */
int bp_check_directional_jacobian (bp_vector_function f, void *params,
                                   const gsl_vector *theta,
                                   const gsl_matrix *J,
                                   size_t n_directions, gsl_rng *rng,
                                   double rtol, double atol,
                                   bp_check_result *r);

/* ==== formerly in bp_complex_step.h: the complex step as a checker ====
   (bp_gradcheck with BP_GRADCHECK_COMPLEX_STEP and a closs / cvloss;
   derivations/13-complex-step.md) */

/* A scalar function of a complex vector, real on real arguments and
   analytic in each component near the real axis. */
typedef _Complex double (*bp_cstep_function) (const gsl_vector_complex *theta,
                                             void *params);

/* A vector function of a complex vector, written into out (size m). */
typedef int (*bp_cstep_vector_function) (const gsl_vector_complex *theta,
                                         void *params, gsl_vector_complex *out);

/* grad_j = Im f(theta + i h_j e_j) / h_j with h_j = h max(1, |theta_j|)
   (the checker's one step rule), for every j.  theta is not changed;
   grad has theta's size (else GSL_EBADLEN); h positive and finite (else
   GSL_EINVAL); a NaN or infinity in theta: GSL_EDOM.
   derivations/13-complex-step.md, eqs. (13.2), (13.3) */
/* Deprecated: bp_gradcheck with opts.method BP_GRADCHECK_COMPLEX_STEP and
   f->closs; run[0].block[k]->numeric. */
int bp_cstep_gradient (bp_cstep_function f, void *params,
                       const gsl_vector *theta, double h, gsl_vector *grad);

/* J_ij = Im f_i(theta + i h e_j) / h; J is m x n, n = theta->size.
   derivations/13-complex-step.md, eq. (13.3) */
/* Deprecated: as bp_cstep_gradient, with f->cvloss. */
int bp_cstep_jacobian (bp_cstep_vector_function f, void *params,
                       const gsl_vector *theta, double h, gsl_matrix *J);

/* The complex-step gradient (Jacobian) with step BP_CSTEP_STEP, compared
   with the analytic grad (J) by bp_check_compare_vector (_matrix) with no
   error estimate: each element must agree within max(atol, rtol scale).
   GSL_SUCCESS when all agree, GSL_FAILURE when any does not (r says
   which), an error code for bad sizes; r may be NULL.
   derivations/13-complex-step.md, eq. (13.4) */
/* Deprecated: bp_gradcheck with opts.method BP_GRADCHECK_COMPLEX_STEP and
   f->closs. */
int bp_cstep_check_gradient (bp_cstep_function f, void *params,
                             const gsl_vector *theta, const gsl_vector *grad,
                             double rtol, double atol, bp_check_result *r);
/* Deprecated: as bp_cstep_check_gradient, with f->cvloss. */
int bp_cstep_check_jacobian (bp_cstep_vector_function f, void *params,
                             const gsl_vector *theta, const gsl_matrix *J,
                             double rtol, double atol, bp_check_result *r);

BP_END_DECLS
#endif /* BP_CHECK_COMPAT_H */
