/* bp_gradcheck.h -- the gradient checker for users' code: parameters in
   several named blocks (vectors or matrices, views allowed), a scalar or
   vector-valued function of them, the analytic gradient (or Jacobian) as
   arrays or a callback, and one call that checks it by central differences
   (GSL's gsl_deriv_central), the complex step, random directions or the
   Taylor test, on any number of threads, with a three-valued verdict, the
   worst elements ranked, a printer and hints naming the likely bug.
   This is the library's one checker (the older entry points bp_check_*,
   bp_deriv_* and bp_cstep_check_* are gone: this call does what each
   did).  Manual: doc/manual.md, "Checking your own gradients";
   bp_gradcheck(3).  Derivation: derivations/00-numeric-check.md

   The callbacks run in the calling process, on its threads: a crash, an
   exit or a hang of theirs is the caller's (the library neither forks nor
   times them).  `backprop check' runs a shared library's functions in a
   child process and reports such ends (backprop(1)).

   Errors (bp_common.h): GSL_EFAULT for a NULL where a value is read
   (f, its loss, blocks, a block's array, opts' fields aside); GSL_EBADLEN
   for arrays whose shapes do not agree or a block of no elements;
   GSL_EINVAL for an option out of
   its range (below) or no block; GSL_EDOM for a NaN or infinity in a
   block, or when f is undefined (nonzero or not finite) at the point
   itself; GSL_ENOMEM when out of memory; the callbacks' own error codes
   are returned when the gradient callback fails. */
#ifndef BP_GRADCHECK_H
#define BP_GRADCHECK_H
#include <stdio.h>
#include <gsl/gsl_complex.h>
#include <gsl/gsl_vector_complex_double.h>
#include <gsl/gsl_matrix_complex_double.h>
#include <gsl/gsl_matrix_uchar.h>
#include "bp_common.h"
BP_BEGIN_DECLS

/* --- the parameters ------------------------------------------------------ */

/* A block of parameters: exactly one of matrix and vector is non-NULL (a
   view's address will do).  The checker copies it and never writes it.
   A vector block of n elements is an n x 1 matrix for the callbacks and in
   the result (row = the element, column 0).  name (may be NULL) is
   printed in the report.  The same type gives the analytic arrays.
   A block of any rank (a conv kernel O x C x KH x KW): its elements
   row-major in the matrix or vector, and rank and shape (rank <=
   BP_GRADCHECK_MAX_RANK numbers whose product is the number of
   elements) given; the report then names element (o,c,i,j), the hints
   look along its axes.  rank 0 (shape NULL): the array's own shape.
   rank and shape come last, so an initializer may leave them out. */
#define BP_GRADCHECK_MAX_RANK 8
typedef struct
{
  const char *name;
  const gsl_matrix *matrix;
  const gsl_vector *vector;
  size_t rank;
  const size_t *shape;
} bp_gradcheck_block;

/* "No element moved": the moved_block of the base point, and of a point
   moved along a direction (every element differs). */
#define BP_GRADCHECK_NONE ((size_t) -1)

/* The point a callback is asked about: block k's current value as an
   r_k x c_k matrix (block[k]; a vector block is n x 1) and the same
   elements as one row-major vector of r_k c_k (vector[k]; for a vector
   block, the vector itself).  The point equals the base point except in
   the one element (moved_block, moved_row, moved_col), or in no element
   when moved_block is BP_GRADCHECK_NONE and is_base is 1, or along a
   direction when moved_block is BP_GRADCHECK_NONE and is_base is 0.  A
   callback may use this to evaluate incrementally from what it computed
   at the base point (it must still return the function of the point it
   is given).  thread, between 0 and opts.threads - 1, names the thread
   that calls: calls with different thread values may run at the same
   time, so a callback writes only to scratch of its own thread.  The
   point is read only.  Its arrays are the checker's own contiguous
   copies: vector[k]->data is a plain array of r_k c_k doubles (stride 1),
   block[k] has tda = c_k. */
typedef struct
{
  size_t n_blocks;
  const gsl_matrix *const *block;
  const gsl_vector *const *vector;
  size_t moved_block, moved_row, moved_col;
  int is_base;
  size_t thread;
} bp_gradcheck_point;

/* The same point in complex arithmetic, for the complex step: block k
   with the imaginary part i h in the moved element.  vector[k]->data
   holds 2 r_k c_k doubles, real and imaginary parts in turn: the layout
   of an array of C99 double complex. */
typedef struct
{
  size_t n_blocks;
  const gsl_matrix_complex *const *block;
  const gsl_vector_complex *const *vector;
  size_t moved_block, moved_row, moved_col;
  int is_base;
  size_t thread;
} bp_gradcheck_cpoint;

/* --- the function -------------------------------------------------------- */

/* The callbacks return 0 on success and nonzero when the point is outside
   the function's domain (or on an error); a non-finite value counts as
   outside the domain too. */

/* f: blocks -> R, written into *L. */
typedef int (*bp_gradcheck_loss) (const bp_gradcheck_point *p, void *params,
                                  double *L);

/* f: blocks -> R^m, written into out (size m). */
typedef int (*bp_gradcheck_vloss) (const bp_gradcheck_point *p, void *params,
                                   gsl_vector *out);

/* The analytic side at the base point (called once, thread 0), into g[k]
   for block k: the block's shape (r_k x c_k, a vector block n x 1) for a
   scalar f; m x (r_k c_k) for a vector f (row i = the gradient of output
   i, the block's elements row-major).  g[k] is contiguous (tda = its
   columns). */
typedef int (*bp_gradcheck_grad) (const bp_gradcheck_point *p, void *params,
                                  gsl_matrix *const g[]);

/* Complex forms of f for the complex step: real on real arguments and
   analytic in each element near the real axis. */
typedef int (*bp_gradcheck_closs) (const bp_gradcheck_cpoint *p,
                                   void *params, gsl_complex *L);
typedef int (*bp_gradcheck_cvloss) (const bp_gradcheck_cpoint *p,
                                    void *params, gsl_vector_complex *out);

/* A layer's own backward function (a vector-Jacobian product): dx[k] =
   (J^T dy) restricted to block k, in block k's shape (a vector block n x
   1), for the cotangent dy (size m) at the point.  Same return rule. */
typedef int (*bp_gradcheck_vjp) (const bp_gradcheck_point *p, void *params,
                                 const gsl_vector *dy, gsl_matrix *const dx[]);

/* The function to check, in the manner of gsl_multifit_function_fdf.
   Scalar f: loss non-NULL, m = 0.  Vector f: vloss non-NULL, m >= 1 (then
   Jacobians are checked).  grad: the analytic side when no arrays are
   passed to bp_gradcheck (may be NULL otherwise).  closs / cvloss: needed
   by BP_GRADCHECK_COMPLEX_STEP only.  params is passed to every callback.
   The VJP form (a layer: forward and backward): vloss (the forward F,
   m >= 1) and vjp non-NULL, grad NULL, no analytic arrays.  For each of
   n_cotangents (0: 3) cotangents dy, uniform in (-1, 1)^m from opts.seed
   (gsl_rng_mt19937; multiples of 2^-8 under BP_GRADCHECK_ARG_FLOAT), the scalar L(x) = <dy, F(x)> is checked against its
   gradient vjp(x, dy) by the methods asked: the dot-product identity
   <dy, J dx> = <J^T dy, dx> along random directions, every element by
   central differences (so a wrong element is named); complex step with
   cvloss.  The result is the check of the worst cotangent's L (the first
   of the worst verdict), a scalar f's result (m = 0).  Members after
   params may be left out of an initializer (zero: not the VJP form). */
typedef struct
{
  bp_gradcheck_loss loss;
  bp_gradcheck_vloss vloss;
  size_t m;
  bp_gradcheck_grad grad;
  bp_gradcheck_closs closs;
  bp_gradcheck_cvloss cvloss;
  void *params;
  bp_gradcheck_vjp vjp;
  size_t n_cotangents;
} bp_gradcheck_function;

/* --- the options --------------------------------------------------------- */

/* Defaults of opts.h, opts.rtol, opts.atol and opts.n_directions (also
   the defaults of `backprop check' and `backprop verify'). */
#define BP_CHECK_STEP 1e-4
#define BP_CHECK_RTOL 1e-6
#define BP_CHECK_ATOL 1e-9
/* For one element of a gradient g off by delta, a direction misses it
   with probability about (2/pi) (rtol / delta) |g|: 0.10 for delta = 1e-4
   in dL/dW of the slides' model (|g| = 16, measured 0.102), so all 16
   miss with about 1e-16 (doc/performance.md). */
#define BP_CHECK_DIRECTIONS 16

/* The methods, as bits of opts.method. */
#define BP_GRADCHECK_CENTRAL       1u  /* every element, gsl_deriv_central */
#define BP_GRADCHECK_COMPLEX_STEP  2u  /* every element, Im f(x + ih)/h */
/* random directions; on failure localized by group testing */
#define BP_GRADCHECK_DIRECTIONAL   4u
#define BP_GRADCHECK_TAYLOR        8u  /* the remainder's slope in h */
#define BP_GRADCHECK_ALL          15u

/* Progress of a long check, for a terminal's status line: method (one
   BP_GRADCHECK_* bit) has done `done' of `total' units.  The directional
   method calls it after each direction (units: directions), and while
   localizing with the elements cleared so far (units: elements; done
   reaches total when the localization ends).  Called from the calling
   thread only, between evaluations of f; it must not call the checker. */
typedef void (*bp_gradcheck_progress) (unsigned method, size_t done, size_t total,
                                       void *arg);

/* The type of f's arguments (opts.arg_type). */
#define BP_GRADCHECK_ARG_DOUBLE 0u
#define BP_GRADCHECK_ARG_FLOAT 1u

typedef struct
{
  unsigned method;      /* bits above, at least one; default CENTRAL */
  double h;             /* the smallest relative step of the differences:
                           element x is moved by at least h max(1, |x|),
                           more when f's noise asks it, eq. (0.5);
                           > 0, finite; default 1e-4 (BP_CHECK_STEP) */
  double h_complex;     /* the complex step, same rule; > 0, finite;
                           default 1e-20 (BP_CSTEP_STEP) */
  double rtol, atol;    /* element k passes when |a - e| <= max(atol,
                           rtol max(|a|, |e|)); >= 0, finite;
                           default 1e-6, 1e-9 */
  size_t threads;       /* >= 1 (more are capped by OMP_NUM_THREADS and
                           the number of elements); default 1 */
  size_t k;             /* how many worst elements to keep per block;
                           default 5; 0 keeps none (counts and mask only) */
  unsigned long seed;   /* of the directions (gsl_rng_mt19937); default 0,
                           GSL's default seed */
  size_t n_directions;  /* directional method; >= 1; default 16 */
  double taylor_h;      /* the Taylor test's largest h (times
                           max(1, max |theta|)); > 0, finite; default 1e-1 */
  size_t taylor_n;      /* how many h, each half the one before; >= 3;
                           default 16 */
  bp_gradcheck_progress progress;  /* NULL (default), or called with the
                                      work done so far (below) */
  void *progress_arg;   /* passed to progress */
  unsigned arg_type;    /* BP_GRADCHECK_ARG_DOUBLE (0, the default) or
                           BP_GRADCHECK_ARG_FLOAT: f rounds its arguments
                           to float; steps are float-representable */
} bp_gradcheck_options;

/* The defaults above into *opts. */
int bp_gradcheck_options_default (bp_gradcheck_options *opts);

/* "gsl" (or "central"), "complex-step", "directional", "taylor" or "all"
   into *method (as opts.method takes it).  Another name: GSL_EINVAL,
   returned without calling GSL's error handler (the caller names the bad
   value, as bp_activation_from_name), *method untouched. */
int bp_gradcheck_method_parse (const char *name, unsigned *method);

/* --- the result ---------------------------------------------------------- */

/* Three verdicts.  An element PASSes when |a - e| <= tol (tol = max(atol,
   rtol max(|a|, |e|), resolution), the resolution being what f's noise
   and the truncation allow at the step, eq. (0.6)), is INCONCLUSIVE when
   tol < |a - e| <= tol + 2 u (decided only by the numeric value's
   remaining uncertainty u, after larger steps were tried: its error
   estimate err, or where f's noise was measured, the part of GSL's
   estimate above that noise, which the resolution covers), and FAILs
   beyond; a NaN
   or infinite analytic value FAILs.  A run is FAIL when an element fails, else INCONCLUSIVE when one
   is, else PASS; the result is the worst of its runs.
   A direction d is compared by the same rule with a = g . d (w^T J d) and
   tol = max(atol, rtol max(|a|, |e|, s), resolution), s = sqrt(sum_i
   (g_i d_i)^2): the relative tolerance is relative to the size of the
   dot product's terms, not only to their sum, which may cancel (s is the
   RMS of the change of g . d when every g_i is off by rtol |g_i|,
   whatever the signs; for one element, the element's rule); the
   resolution is that of f's noise along a direction, measured once per
   run, eq. (0.11b).  When a direction FAILs, the disagreement is
   localized by group testing: the set of suspect elements is halved, and
   each half screened by up to n_directions directions restricted to it
   (0 on the other elements); the search descends only into halves along
   which a direction FAILs (an INCONCLUSIVE one is no evidence: so the
   rounding of f cannot send it into every half), down to sets of at most
   2 n_directions elements, which get the element-wise check of
   BP_GRADCHECK_CENTRAL (numeric value, estimate, status, kinks).  Their
   verdict is the directional run's: directions only screen.  Directions
   at most INCONCLUSIVE are not localized and give the run's verdict.  A
   disagreement no half reproduces localizes no element and the run
   PASSes.  The cost is about n_directions directional derivatives per
   halving for each wrong element, log2(n) halvings, not n element-wise
   derivatives.  An element's error delta moves g . d by about
   delta / sqrt(n): below the resolution no direction sees it.
   derivations/00-numeric-check.md, eqs. (0.11b), (0.12a) */
typedef enum
{
  BP_GRADCHECK_PASS = 0,
  BP_GRADCHECK_INCONCLUSIVE = 1,
  BP_GRADCHECK_FAIL = 2
} bp_gradcheck_verdict;

/* An element's status in a block's mask: its verdict, or a kink (left and
   right derivatives disagree and the analytic value lies between them: a
   non-differentiable point, not a wrong gradient; it does not fail). */
#define BP_GRADCHECK_ELEMENT_PASS          0
#define BP_GRADCHECK_ELEMENT_INCONCLUSIVE  1
#define BP_GRADCHECK_ELEMENT_FAIL          2
#define BP_GRADCHECK_ELEMENT_KINK          3

/* How an element's numeric value was found. */
typedef enum
{
  BP_GRADCHECK_DIFF_CENTRAL = 0,   /* gsl_deriv_central */
  BP_GRADCHECK_DIFF_FORWARD,       /* gsl_deriv_forward: f undefined at x - h */
  BP_GRADCHECK_DIFF_BACKWARD,      /* gsl_deriv_backward: f undefined at x + h */
  BP_GRADCHECK_DIFF_COMPLEX,       /* the complex step */
  BP_GRADCHECK_DIFF_NONE           /* f undefined on both sides */
} bp_gradcheck_diff;

/* Hints, as bits: the failing elements of a block (of a Jacobian) show
   a pattern that names the likely bug. */
#define BP_GRADCHECK_HINT_TRANSPOSE  1u  /* analytic = numeric transposed */
#define BP_GRADCHECK_HINT_SIGN       2u  /* analytic = -numeric */
/* numeric = c analytic for one c: a factor c missing */
#define BP_GRADCHECK_HINT_FACTOR     4u
#define BP_GRADCHECK_HINT_SHIFT      8u  /* analytic[i] = numeric[i + s] */
/* only one element of the block fails (an edge case in its formula?) */
#define BP_GRADCHECK_HINT_ONE       16u
/* the failing elements all lie at the first or last index of one axis
   (hint_axis; hint_index, or BP_GRADCHECK_NONE for both ends): padding
   or an edge */
#define BP_GRADCHECK_HINT_EDGE      32u
/* the failing elements all share index hint_index of axis hint_axis,
   neither end: one channel (slice) */
#define BP_GRADCHECK_HINT_SLICE     64u
/* an r x c block (r != c): analytic = numeric transposed and reshaped,
   the c x r transpose's memory read as r x c (row- vs column-major) */
#define BP_GRADCHECK_HINT_LAYOUT   128u
/* a sum over a broadcast or batch axis missing: analytic = one slice of
   another block's numeric gradient along its axis sum_axis (the bias
   gradient as one row of the output's), numeric = the sum of those
   slices (the block is broadcast over the other axes) */
#define BP_GRADCHECK_HINT_SUM      256u
/* analytic = 0 at every failing element (the numeric value is not): a
   gradient never written, a block or term dropped */
#define BP_GRADCHECK_HINT_ZERO     512u
/* numeric = 0 (within its estimate) at every failing element, analytic
   not: a derivative's mask missing (ReLU's, max-pool's) */
#define BP_GRADCHECK_HINT_MASK    1024u
/* the failing elements fill indices hint_index to hint_last (at least
   two, not all) of axis hint_axis, every one of them: one part of a
   fused or concatenated block */
#define BP_GRADCHECK_HINT_RANGE   2048u
/* every row of the last axis that fails has exactly two failing elements,
   wrong by opposite amounts (a - e sums to 0 over the two): a term put
   at the wrong index, a target or one-hot index off */
#define BP_GRADCHECK_HINT_MOVED   4096u

/* One element checked. */
typedef struct
{
  size_t block;          /* which block */
  size_t output;         /* vector f: which output (0 for a scalar f) */
  size_t row, col;       /* where in the block */
  double analytic, numeric;
  double abserr;         /* the numeric value's error estimate: GSL's
                            plus the noise of f over the step by
                            eq. (0.6); zero for the complex step */
  double tol;            /* max(atol, rtol max(|a|, |e|), resolution):
                            the resolution, twice the noise's error at
                            the step times a factor for the run's
                            number of entries, eqs. (0.6), (0.6a) */
  double h;              /* the step the numeric value was found with */
  int retried;           /* 1 when larger steps were tried (the element
                            did not pass, or passed only at the
                            resolution), eq. (0.7) */
  double ratio;          /* |a - e| / (tol + 2 u), u as above (abserr
                            without noise): the ranking */
  double left, right;    /* one-sided derivatives, where they were needed
                            (kinks); NaN otherwise */
  double tie;            /* eq. (0.10c): a tie located within this signed
                            distance, the element decided by the one-sided
                            derivative on the other side (diff FORWARD or
                            BACKWARD, step h); 0 when none */
  int status;            /* BP_GRADCHECK_ELEMENT_* */
  bp_gradcheck_diff diff;
} bp_gradcheck_element;

/* A block's part of a run. */
typedef struct
{
  const char *name;        /* the block's name (may be NULL) */
  size_t rows, cols;       /* its shape (n x 1 for a vector) */
  size_t n_checked, n_passed, n_inconclusive, n_failed, n_kinks;
  size_t n_one_sided;      /* elements differenced on one side only */
  bp_gradcheck_verdict verdict;
  gsl_matrix *analytic;    /* the analytic side, numeric values, their */
  gsl_matrix *numeric;     /* estimates and every element's status */
  gsl_matrix *abserr;      /* (BP_GRADCHECK_ELEMENT_*): rows x cols for */
  gsl_matrix_uchar *mask;  /* a scalar f, m x (rows cols) for a vector f;
                              NULL in directional runs that passed */
  size_t n_worst;          /* up to opts.k elements that did not pass, */
  bp_gradcheck_element *worst;  /* the worst first (by ratio) */
  double max_abs_err;      /* max |a - e| */
  double max_rel_err;      /* max |a - e| / max(|a|, |e|), where that
                              scale exceeds atol */
  double max_est_err;      /* max err */
  /* what was measured and chosen (element-wise runs), eqs. (0.4)-(0.7): */
  double noise;            /* f's noise at the point, moving this block
                              (ECnoise; the largest over the outputs) */
  int noise_found;         /* 1: measured; 0: not detected, DBL_EPSILON |f|
                              assumed */
  double h_min, h_max;     /* the smallest and largest step used */
  size_t n_retried;        /* elements tried again at larger steps */
  size_t n_tie_sided;      /* elements decided on the side away from a
                              located tie, eq. (0.10c) */
  size_t n_resolution;     /* elements whose tolerance is the resolution,
                              above max(atol, rtol max(|a|, |e|)) */
  size_t n_nonfinite;      /* elements whose analytic value is NaN or
                              infinite (they FAIL) */
  unsigned hints;          /* BP_GRADCHECK_HINT_* */
  double factor;           /* HINT_FACTOR: the c of numeric = c analytic;
                              0 without that hint */
  long shift;              /* HINT_SHIFT: the s of analytic[i] = numeric[i+s] */
  size_t rank;             /* the block's rank and shape as given (rank 0: */
  size_t shape[BP_GRADCHECK_MAX_RANK];  /* none given, rows x cols) */
  size_t hint_axis, hint_index;  /* HINT_EDGE, HINT_SLICE, HINT_RANGE: where
                                    (the axes of shape, else 0 rows, 1 cols) */
  size_t hint_last;              /* HINT_RANGE: the range's last index */
  size_t sum_block, sum_axis;    /* HINT_SUM: the other block, its axis
                                    of the block's length (sum_block
                                    BP_GRADCHECK_NONE: the VJP form's
                                    cotangent dy read as R x n, sum_axis
                                    0, or n x R, 1, n the block's size); */
  size_t sum_index;              /* the flat index of the slice's first
                                    element in sum_block (dy: the row or
                                    column taken) */
  size_t sum_count;              /* dy: R, the rows (columns) summed */
  size_t factor_block, factor_axis;  /* HINT_FACTOR: |c| or 1/|c| is the
                                        length of this axis of this block
                                        (the batch size?); BP_GRADCHECK_NONE:
                                        of none */
  size_t factor_axes;      /* HINT_FACTOR: ... or the product of the
                              lengths of factor_axes axes from factor_axis */
} bp_gradcheck_block_result;

/* One method's run. */
typedef struct
{
  unsigned method;         /* one BP_GRADCHECK_* bit */
  bp_gradcheck_verdict verdict;
  char reason[320];        /* why, in words, in the user's language (UTF-8) */
  size_t n_checked, n_passed, n_inconclusive, n_failed, n_kinks, n_one_sided;
  bp_gradcheck_block_result *block;   /* n_blocks of them */
  bp_gradcheck_element worst;         /* the worst element of all blocks
                                         (ratio 0 when none was checked);
                                         a directional run that was not
                                         localized: its worst direction */
  unsigned hints;                     /* the union of the blocks' */
  /* The error figures of what the run compared, as the blocks' (max
     |a - e|; max |a - e| / max(|a|, |e|) where that scale exceeds atol;
     max err): over the elements of every block in element-wise runs,
     over the directions in directional runs (localized or not: the
     elements' are then in the blocks); 0 for the Taylor test. */
  double max_abs_err, max_rel_err, max_est_err;
  /* element-wise runs: the blocks' figures over all blocks (noise: the
     largest; Taylor: the noise along its direction) */
  double noise;
  size_t n_retried, n_resolution, n_nonfinite;
  /* directional: */
  size_t n_directions, n_directions_failed;
  int localized;           /* 1 when failing directions led to group
                              testing and the element-wise check of the
                              elements it named, whose verdict is then
                              the run's: the blocks' masks, numeric and
                              abserr hold those elements (the others:
                              status PASS, numeric and abserr NaN, not
                              differenced), n_checked counts them */
  size_t n_localizing;     /* the restricted directions group testing
                              spent (0 when not localized) */
  bp_gradcheck_element worst_direction;  /* block BP_GRADCHECK_NONE, row =
                                            the direction's index, tol by
                                            eq. (0.11a) */
  /* Taylor: */
  double slope;            /* fitted slope of log r(h) against log h */
  double h_min, h_max;     /* the range of h fitted */
  size_t n_fitted;         /* the points fitted */
} bp_gradcheck_run;

typedef struct
{
  bp_gradcheck_verdict verdict;   /* the worst of the runs' */
  size_t n_blocks;
  size_t m;                       /* outputs (0: scalar f) */
  size_t n_runs;
  bp_gradcheck_run run[4];        /* in the order CENTRAL, COMPLEX_STEP,
                                     DIRECTIONAL, TAYLOR, as asked */
  bp_gradcheck_options opts;      /* the options used */
} bp_gradcheck_result;

/* --- the check ----------------------------------------------------------- */

/* Check f's analytic gradient (Jacobian) at the point given by the
   n_blocks blocks, by the methods of opts (NULL: the defaults).  The
   analytic side: analytic[k] for block k (the block's shape, or a vector
   of its r c elements, for a scalar f; an m x (r c) matrix for a vector
   f, or for m = 1 a vector of r c), or f->grad when analytic is NULL.
   *result (result may be NULL) gets a new result, to be freed by
   bp_gradcheck_result_free, also when the verdict is FAIL; NULL on an
   error.
   Returns GSL_SUCCESS for PASS, GSL_FAILURE for FAIL, GSL_CONTINUE for
   INCONCLUSIVE (all three <= 0), or a positive GSL error code.
   derivations/00-numeric-check.md, eqs. (0.1)-(0.14) */
int bp_gradcheck (const bp_gradcheck_function *f, size_t n_blocks,
                  const bp_gradcheck_block blocks[],
                  const bp_gradcheck_block analytic[],
                  const bp_gradcheck_options *opts,
                  bp_gradcheck_result **result);

/* bp_gradcheck_result_free (NULL) does nothing. */
void bp_gradcheck_result_free (bp_gradcheck_result *r);

/* The report: per run and block the counts, the worst elements (block,
   (row, col), analytic, numeric, estimate, method), the verdict and its
   reason, and the hints.  Returns GSL_SUCCESS, or GSL_EFAILED when the
   stream cannot be written.  derivations/00-numeric-check.md, sec. hints */
int bp_gradcheck_fprintf (FILE *stream, const bp_gradcheck_result *r);

/* How many threads bp_gradcheck uses for opts.threads = asked: asked
   capped by omp_get_max_threads (OMP_NUM_THREADS), 1 without OpenMP, 0
   for 0 (no pointer, no error).  A callback's scratch per thread: this
   many. */
size_t bp_gradcheck_threads (size_t asked);

/* "PASS", "INCONCLUSIVE" or "FAIL" (NULL for another value). */
const char *bp_gradcheck_verdict_name (bp_gradcheck_verdict v);

BP_END_DECLS
#endif /* BP_GRADCHECK_H */
