/* example_partial.h -- (internal) the example's loss as a function of W,
   of u or of x, of the moved coordinate j (the bp_gradcheck_point's moved element): evaluated from the
   point of the check by the library's own forward formulas, reusing
   u = reshape(x) and v = W u + b computed once there, with one workspace
   per thread.  Used by `backprop verify` for its three large rows.

   What the numeric side evaluates: always the loss of the slides,
   L = CE(labels, Softmax(v')) by bp_softmax and bp_cross_entropy, at
   v' = W' u' + b of the moved point, computed by bp_linear:
     - W' moved in w_ij: only row i of W' u + b can change, so v'_i =
       bp_linear(row i of W', b_i, u) and v'_k = v_k for k != i;
     - u' moved in u_j: W u' + b = v + W (u' - u), so
       v' = bp_linear(column j of W, v, u'_j - u_j);
     - x' moved: u' = bp_reshape(x'), then the same for each j where u'
       differs from u, found by comparing them all: which element of u
       an element of x lands in is what the dL/dx row checks, so it is
       not assumed here.
   Each is the same function of the moved argument as
   example_loss of the same block, to rounding (checked in
   tests/check_threads.c); no backward formula is used, so the numeric
   gradient stays an independent witness of the analytic one. */
#ifndef BP_EXAMPLE_PARTIAL_H
#define BP_EXAMPLE_PARTIAL_H

#include "verify/example.h"

typedef struct example_partials example_partials;

/* One thread's view: shared read-only data, own scratch. */
typedef struct
{
  const example *ex;    /* W, b, x, labels: read only */
  const gsl_vector *u, *v; /* reshape(x) and W u + b at ex's point: read only */
  gsl_vector *u1;          /* m: reshape(x') */
  gsl_vector *v1, *v2;     /* n: W' u' + b, built step by step */
  gsl_vector *y;           /* n: Softmax(v') */
} example_partial;

struct example_partials
{
  size_t count;
  gsl_vector *u, *v;          /* the cache at ex's point */
  example_partial *each;   /* count workspaces */
  void **params;              /* &each[k], one per thread */
};

/* count workspaces for ex (count >= 1), u and v computed at ex's point.
   ex must not change while they are in use. */
example_partials *example_partials_alloc (const example *ex, size_t count);
void example_partials_free (example_partials *p);

/* Functions of theta and the moved coordinate j for W (row-major), u and x (row-major); params is
   a example_partial *.  The x form holds for any theta; the W and u
   forms need theta to differ from the point in coordinate j at most, as
   bp_gradcheck promises (bp_gradcheck_point). */
double example_partial_loss_of_W (const gsl_vector *vecW, size_t j, void *params);
double example_partial_loss_of_u (const gsl_vector *u, size_t j, void *params);
double example_partial_loss_of_x (const gsl_vector *vecx, size_t j, void *params);

#endif /* BP_EXAMPLE_PARTIAL_H */
