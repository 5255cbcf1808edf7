/* verify.h -- (internal) the table printed by `backprop verify'. */
#ifndef BP_VERIFY_H
#define BP_VERIFY_H

#include <stdio.h>
#include "verify/example.h"
#include "verify/mlp_example.h"
#include "verify/cstep_example.h"
#include "verify/example_partial.h"
#include "verify/mlp_partial.h"

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
     as bp_check_threads gives. */
  size_t threads;
} verify_opts;

/* Check every formula of the slides at the example ex, one row each,
   printed to out, against GSL's central differences.  Returns the number
   of rows that did not pass (FAIL or INCONCLUSIVE), or -1 when a
   computation could not be carried out (out of memory). */
int verify_run (const example *ex, double rtol, double atol, FILE *out);

/* The same, each row checked along n_directions random directions drawn
   from rng (bp_check_directional.h) instead of every partial: the fast
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

/* The column header of the rows, for o's methods ("checked" instead of
   "partials" in the fast mode: directions, or elements for exact rows). */
void verify_header (const verify_opts *o);

#endif /* BP_VERIFY_H */
