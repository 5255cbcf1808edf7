/* bp_check.h -- numeric gradients and Jacobians by GSL's central
   differences (gsl_deriv_central), and their comparison with analytic ones.
   Point it at any function: this is how backprop checks itself.
   Derivation of the method: derivations/00-numeric-check.md */
#ifndef BP_CHECK_H
#define BP_CHECK_H
#include "bp_common.h"
BP_BEGIN_DECLS

/* A scalar function f: R^n -> R of theta. */
typedef double (*bp_scalar_function) (const gsl_vector *theta, void *params);

/* A vector function f: R^n -> R^m of theta, written into out (size m);
   returns GSL_SUCCESS or an error code. */
typedef int (*bp_vector_function) (const gsl_vector *theta, void *params,
                                   gsl_vector *out);

/* The default first step handed to gsl_deriv_central, scaled by
   max(1, |theta_i|) for each element. */
#define BP_CHECK_STEP 1e-4

/* Numeric gradient of f at theta: grad_i = df/dtheta_i by
   gsl_deriv_central with step h max(1, |theta_i|); abserr_i is GSL's
   estimate of the absolute error of grad_i.  abserr may be NULL.
   theta is not changed.  All vectors have theta's size.  NaN or infinity
   in theta: GSL_EDOM; h not positive and finite: GSL_EINVAL.
   derivations/00-numeric-check.md, eqs. (0.1), (0.2) */
int bp_deriv_gradient (bp_scalar_function f, void *params,
                       const gsl_vector *theta, double h,
                       gsl_vector *grad, gsl_vector *abserr);

/* Numeric Jacobian of f at theta: J_ij = df_i/dtheta_j, J is m x n where
   n = theta->size and m = J->size1; abserr (same shape, may be NULL) holds
   GSL's error estimates.  derivations/00-numeric-check.md, eqs. (0.1), (0.2) */
int bp_deriv_jacobian (bp_vector_function f, void *params,
                       const gsl_vector *theta, double h,
                       gsl_matrix *J, gsl_matrix *abserr);

/* Defaults for the comparison below. */
#define BP_CHECK_RTOL 1e-6
#define BP_CHECK_ATOL 1e-9

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
int bp_check_compare_vector (const gsl_vector *a, const gsl_vector *e,
                             const gsl_vector *err, double rtol, double atol,
                             bp_check_result *r);

/* The same for matrices of equal shape (Jacobians, dL/dW, dL/dx).
   derivations/00-numeric-check.md, eq. (0.3) */
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
int bp_check_gradient (bp_scalar_function f, void *params,
                       const gsl_vector *theta, const gsl_vector *grad,
                       double rtol, double atol, bp_check_result *r);

/* Jacobian check in one call, as bp_check_gradient; J is m x n.
   derivations/00-numeric-check.md, eqs. (0.1)-(0.3) */
int bp_check_jacobian (bp_vector_function f, void *params,
                       const gsl_vector *theta, const gsl_matrix *J,
                       double rtol, double atol, bp_check_result *r);

BP_END_DECLS
#endif /* BP_CHECK_H */
