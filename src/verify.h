/* verify.h -- (internal) the table printed by `backprop verify`. */
#ifndef BP_VERIFY_H
#define BP_VERIFY_H

#include <stdio.h>
#include <gsl/gsl_rng.h>
#include "example.h"

/* Check every formula of the slides at the example ex, one row each,
   printed to out.  Returns the number of rows that failed, or -1 when a
   computation could not be carried out (out of memory). */
int bp_verify_run (const bp_example *ex, double rtol, double atol, FILE *out);

/* The same table, each row checked along n_directions random directions
   drawn from rng (bp_check_directional.h) instead of every partial: the
   fast mode.  The partials column then counts directions. */
int bp_verify_run_fast (const bp_example *ex, size_t n_directions, gsl_rng *rng,
                        double rtol, double atol, FILE *out);

#endif /* BP_VERIFY_H */
