/* verify.h -- (internal) the table printed by `backprop verify'. */
#ifndef BP_VERIFY_H
#define BP_VERIFY_H

#include <stdio.h>
#include "example.h"
#include "mlp_example.h"
#include "cstep_example.h"
#include "example_partial.h"
#include "mlp_partial.h"

/* The oracles a row is checked against; BOTH is GSL | COMPLEX_STEP. */
enum bp_verify_method
{
  BP_VERIFY_GSL = 1,           /* gsl_deriv_central (the default) */
  BP_VERIFY_COMPLEX_STEP = 2,  /* Im f(x + ih)/h */
  BP_VERIFY_BOTH = 3
};

/* "gsl", "complex-step" or "both" in *method; -1 for anything else. */
int bp_verify_method_from_name (const char *name, int *method);

/* How the rows are checked and where they go. */
typedef struct
{
  int method;             /* enum bp_verify_method */
  double rtol, atol;      /* against GSL's central differences */
  double cs_rtol, cs_atol;/* against the complex step */
  FILE *out;
  /* The fast mode (verify --fast): when directions > 0, each GSL row is
     checked along that many random unit directions drawn from rng
     (bp_check_directional.h) instead of partial by partial. */
  size_t directions;
  gsl_rng *rng;
  /* Full mode: the slides' model's large rows (u, W, x) run on threads
     from the point's cache (example_partial.h); bp_verify_model sets it. */
  bp_example_partials *partials;
  /* The same for the two-layer network's rows (mlp_partial.h);
     bp_verify_mlp sets it. */
  bp_mlp_partials *mlp_partials;
} bp_verify_opts;

/* Check every formula of the slides at the example ex, one row each,
   printed to out, against GSL's central differences.  Returns the number
   of rows that failed, or -1 when a computation could not be carried out
   (out of memory). */
int bp_verify_run (const bp_example *ex, double rtol, double atol, FILE *out);

/* The same, each row checked along n_directions random directions drawn
   from rng (bp_check_directional.h) instead of every partial: the fast
   mode of the slides' model.  The partials column then counts directions. */
int bp_verify_run_fast (const bp_example *ex, size_t n_directions, gsl_rng *rng,
                        double rtol, double atol, FILE *out);

/* The same with the oracles of o (the first group of the report). */
int bp_verify_model (const bp_example *ex, const bp_verify_opts *o);

/* The activations' Jacobians and backward steps at z, for each of ReLU,
   sigmoid and tanh (z must stay away from 0, ReLU's kink). */
int bp_verify_activations (const gsl_vector *z, const bp_verify_opts *o);

/* Every gradient of the two-layer network ex (its own activation). */
int bp_verify_mlp (const bp_mlp_example *ex, const bp_verify_opts *o);

/* The column header of the rows, for o's methods ("checked" instead of
   "partials" in the fast mode: directions, or elements for exact rows). */
void bp_verify_header (const bp_verify_opts *o);

#endif /* BP_VERIFY_H */
