/* verify.h -- (internal) the table printed by `backprop verify'. */
#ifndef BP_VERIFY_H
#define BP_VERIFY_H

#include <stdio.h>
#include "backprop/bp_gradcheck.h"
#include "verify/example.h"
#include "verify/mlp_example.h"
#include "verify/cstep_example.h"
#include "verify/example_partial.h"
#include "verify/mlp_partial.h"
#include "verify/cnn_example.h"

/* The oracles a row is checked against; BOTH is GSL | COMPLEX_STEP. */
enum verify_method
{
  VERIFY_GSL = 1,           /* gsl_deriv_central (the default) */
  VERIFY_COMPLEX_STEP = 2,  /* Im f(x + ih)/h */
  VERIFY_BOTH = 3
};

/* "gsl", "complex-step" or "both" in *method; -1 for anything else. */
int verify_method_from_name (const char *name, int *method);

/* How the rows are checked and where they go. */
typedef struct
{
  int method;             /* enum verify_method */
  double rtol, atol;      /* against GSL's central differences */
  double cs_rtol, cs_atol;/* against the complex step */
  FILE *out;
  /* The fast mode (verify --fast): when directions > 0, each GSL row is
     checked along that many random unit directions (bp_gradcheck's
     directional method), seeded from rng, instead of element by element. */
  size_t directions;
  gsl_rng *rng;
  /* Full mode: the threads of the large rows' central differences, each
     with the point's cache (example_partial.h, mlp_partial.h); 0: as many
     as bp_gradcheck_threads gives. */
  size_t threads;
  /* 0: a row on one line, the C function in a column (117 characters,
     141 with both oracles); 1: the slide, formula and C function on a
     line, the figures on the next, each within 80 characters */
  int compact;
  /* --json: each row a JSON object (no header), *json_rows counting the
     rows of the current group (for the commas); NULL: the table */
  size_t *json_rows;
  /* the rows INCONCLUSIVE, among those not passing that the functions
     below return, counted here; NULL: not counted */
  size_t *inconclusive;
} verify_opts;

/* The analytic chain of slide 17 at ex, each step by its own function,
   and the points of the rows (y, v, u as the forward pass gives them):
   verify's rows and the documents' worked examples (derivations/docgen.c).
   threads > 0: that many caches for the large rows (example_partial.h). */
typedef struct
{
  const example *ex;
  example_partials *partials;   /* one per thread, for u, W, x */
  cstep_example *cx;
  gsl_vector *y, *v, *u;
  gsl_vector *dL_dy, *dL_dv, *dL_du, *dL_db, *dL_dv_fused;
  gsl_matrix *J, *dL_dW, *dL_dx;
} slides;
int slides_compute (const example *ex, size_t threads, slides *c);
void slides_free (slides *c);

/* Check every formula of the slides at the example ex, one row each,
   printed to out, against GSL's central differences.  Returns the number
   of rows that did not pass (FAIL or INCONCLUSIVE), or -1 when a
   computation could not be carried out (out of memory). */
int verify_run (const example *ex, double rtol, double atol, FILE *out);

/* The element a report names for r's first run: its worst (by ratio)
   when that did not pass, else the FAIL element of the largest
   |analytic - numeric|, else the INCONCLUSIVE one; run[0].worst itself
   when the masks hold neither (a directional run not localized).  The
   run's worst may be an element that passed, being ranked by its ratio
   to a tolerance that differs from element to element. */
bp_gradcheck_element worst_not_passed (const bp_gradcheck_result *r);

/* The report's last line, to out: "All formulas PASS." when not_passed
   is 0, else how many rows FAIL and how many are INCONCLUSIVE (of the
   not_passed rows, inconclusive).  Returns the exit status: 0, or 1 for
   either (an INCONCLUSIVE row is not verified). */
int verify_summary (FILE *out, int not_passed, size_t inconclusive);

/* The same, each row checked along n_directions random directions drawn
   from rng (BP_GRADCHECK_DIRECTIONAL) instead of every partial: the fast
   mode of the slides' model.  The partials column then counts directions. */
int verify_run_fast (const example *ex, size_t n_directions, gsl_rng *rng,
                        double rtol, double atol, FILE *out);

/* The same with the oracles of o (the first group of the report). */
int verify_model (const example *ex, const verify_opts *o);

/* The activations' Jacobians and backward steps at z, for each of ReLU,
   sigmoid and tanh (z must stay away from 0, ReLU's kink). */
int verify_activations (const gsl_vector *z, const verify_opts *o);

/* Every gradient of the two-layer network ex (its own activation). */
int verify_mlp (const mlp_example *ex, const verify_opts *o);

/* Issue 13's layers and network (verify_cnn.c), the first column the
   equation's number: the convolution's forward Jacobian and gradients,
   and its batch forms against the single-example functions; max- and
   average pooling's backward passes (ties: kinks, not failures), flatten
   and the batch flatten.  Each returns the rows that did not pass, or
   -1. */
int verify_conv (const conv_example *ex, const verify_opts *o);
int verify_pool (const pool_example *ex, const verify_opts *o);
/* Every gradient of the network ex of the table checked whole (the CNN,
   the deeper perceptron of two hidden layers): one row per parameter
   block in order, then U, from verify_cnn.c's rows for ex's row of the
   table; the rows that did not pass, or -1 (also for a row of the table
   with no rows there, or a layout they do not fit). */
int verify_net (const net_example *ex, const verify_opts *o);

/* The column header of the rows, for o's methods ("checked" instead of
   "partials" in the fast mode: directions, or elements for exact rows). */
void verify_header (const verify_opts *o);

/* The slides' model's loss as a function of one block (enum
   example_block), for bp_gradcheck: the callbacks' params.  With partials
   (one per thread of the call), a point of W, u or x moved in one element
   is evaluated from the point's cache (example_partial.h); cx is needed
   by the complex loss only. */
typedef struct
{
  const example *ex;
  size_t block;               /* enum example_block */
  example_partials *partials; /* NULL: every point in full */
  cstep_example *cx;
} example_block_params;
int example_block_loss (const bp_gradcheck_point *p, void *params, double *L);
int example_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L);
/* example_block_loss as a plain function of the block's elements theta,
   row-major; params an example_block_params *. */
double example_loss_of_block (const gsl_vector *theta, void *params);
/* y = Softmax(v) of the checker's point v (params unused): bp_gradcheck's
   vloss of the Jacobian's rows. */
int example_softmax_point (const bp_gradcheck_point *p, void *params, gsl_vector *y);
/* The params of the block `block' of ex, for one statement. */
#define EXAMPLE_BLOCK(ex, block) (&(example_block_params) { (ex), (block), NULL, NULL })

/* The two-layer network's loss as a function of one block, for
   bp_gradcheck (the block of the call is the chosen one): the callbacks'
   params.  With partials (one per thread of the call), a point moved in
   one element is evaluated from the point's cache (mlp_partial.h); cx is
   needed by the complex loss only. */
typedef struct
{
  const mlp_example *ex;
  size_t block;             /* enum mlp_block */
  mlp_partials *partials;   /* NULL: every point in full */
  cstep_mlp_example *cx;
} mlp_block_params;
int mlp_block_loss (const bp_gradcheck_point *p, void *params, double *L);
int mlp_block_closs (const bp_gradcheck_cpoint *p, void *params, gsl_complex *L);

/* Two computations of one array compared, element by element: a and e
   of equal shape (not checked) differ at (i, j) when |a - e| > max(atol,
   rtol max(|a|, |e|)) or either is NaN; rtol = atol = 0 asks equality.
   The worst is the first largest |a - e| (a NaN first). */
typedef struct
{
  size_t n_checked, n_failed;
  size_t worst_row, worst_col;
  double worst_a, worst_e;
  double max_abs_err;   /* max |a - e| */
  double max_rel_err;   /* max |a - e| / max(|a|, |e|), where that scale
                           exceeds atol */
} verify_diff;
void verify_compare (const gsl_matrix *a, const gsl_matrix *e, double rtol,
                     double atol, verify_diff *r);

#endif /* BP_VERIFY_H */
