/* bp_check_threads.h -- the numeric gradient and Jacobian of bp_check.h,
   coordinate by coordinate on several threads (OpenMP), for functions that
   are safe to call concurrently and that are told which coordinate of
   theta was moved.  Same steps, same gsl_deriv_central, same comparison as
   bp_check.h; only the order of the work changes, so the result does not
   depend on the number of threads.
   They are bp_gradcheck (bp_gradcheck.h) with opts.threads = n_params,
   thread k calling f with params[k]: the same argument checks as every
   other entry point of the checker.
   Errors (bp_common.h): GSL_EFAULT for a NULL f, params, theta, grad or
   J (abserr and r may be NULL), GSL_EBADLEN for sizes that do not agree,
   GSL_EINVAL for n_params = 0, a step h not positive and finite, or a
   NaN, negative or infinite rtol or atol; GSL_EDOM for a NaN or infinity
   in theta.
   Derivation of the method: derivations/00-numeric-check.md */
#ifndef BP_CHECK_THREADS_H
#define BP_CHECK_THREADS_H
#include "bp_check.h"
BP_BEGIN_DECLS

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
int bp_deriv_gradient_threads (bp_partial_function f, void *const params[],
                               size_t n_params, const gsl_vector *theta,
                               double h, gsl_vector *grad, gsl_vector *abserr);

/* bp_deriv_jacobian the same way: J_ij = df_i/dtheta_j, J m x n. */
int bp_deriv_jacobian_threads (bp_vector_partial_function f,
                               void *const params[], size_t n_params,
                               const gsl_vector *theta, double h,
                               gsl_matrix *J, gsl_matrix *abserr);

/* bp_check_gradient and bp_check_jacobian on threads: step BP_CHECK_STEP,
   the comparison of bp_check_compare_vector / _matrix.  Return
   GSL_SUCCESS when every element passes, GSL_FAILURE when any fails (r
   says which; r may be NULL), or an error code. */
int bp_check_gradient_threads (bp_partial_function f, void *const params[],
                               size_t n_params, const gsl_vector *theta,
                               const gsl_vector *grad, double rtol,
                               double atol, bp_check_result *r);

int bp_check_jacobian_threads (bp_vector_partial_function f,
                               void *const params[], size_t n_params,
                               const gsl_vector *theta, const gsl_matrix *J,
                               double rtol, double atol, bp_check_result *r);

/* How many threads the functions above would use for n_params params:
   between 1 and n_params (0 for 0); no pointer, no error. */
size_t bp_check_threads (size_t n_params);

BP_END_DECLS
#endif /* BP_CHECK_THREADS_H */
