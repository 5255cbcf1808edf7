/* mlp_partial.h -- (internal) the two-layer network's loss as a function
   of W1, b1, W2, b2 or x, of the moved coordinate j (the bp_gradcheck_point's moved element): evaluated
   from the point of the check by the library's own forward formulas,
   reusing u, z, h, v computed once there by mlp_chain_forward, with one
   workspace per thread.  Used by `backprop verify' for the rows of the
   two-layer networks, as example_partial.h is for the slides' model.

   What the numeric side evaluates: always the network's loss,
   L = bp_softmax_cross_entropy(labels, v') as in mlp_chain_forward, at
   v' = W2' f(W1' u' + b1') + b2' of the moved point, the parts that can
   change recomputed by bp_linear and bp_activation_forward:
     - W1' moved in w1_ik (W1 row-major, coordinate j = i m + k): only
       z_i can change, W1' u + b1 = z + e_i (w1'_ik - w1_ik) u_k, so
       z'_i = bp_linear(u_k, z_i, w1'_ik - w1_ik); then h'_i = f(z'_i)
       and v' = W2 h' + b2 = v + (column i of W2)(h'_i - h_i) by bp_linear;
     - b1' moved in b1_i: z'_i = bp_linear(row i of W1, b1'_i, u), then
       as for W1;
     - W2' moved in row k, or b2' in b2_k: only v_k can change,
       v'_k = bp_linear(row k of W2', b2'_k, h);
     - x' moved: u' = bp_reshape(x'), z' = z + (column j of W1)(u'_j - u_j)
       by bp_linear for each j where u' differs from u, found by comparing
       them all (which element of u an element of x lands in is what the
       dL/dx row checks, so it is not assumed here); then h' = f(z') and
       v' = W2 h' + b2 in full.
   Each is the same function of the moved argument as
   mlp_example_loss of the same block, to rounding (checked in
   tests/check_mlp_partial.c); no backward formula is used, so the numeric
   gradient stays an independent witness of mlp_chain_backward. */
#ifndef BP_MLP_PARTIAL_H
#define BP_MLP_PARTIAL_H

#include "verify/mlp_example.h"

/* One thread's view: shared read-only data, own scratch. */
typedef struct
{
  const mlp_example *ex;          /* net, x, labels: read only */
  const mlp_chain_workspace *point;     /* u, z, h, v at ex's point: read only */
  gsl_vector *u1;                    /* m: reshape(x') */
  gsl_vector *z1, *z2;               /* H: W1' u' + b1', built step by step */
  gsl_vector *h1;                    /* H: f(z') */
  gsl_vector *v1;                    /* n: W2' h' + b2' */
} mlp_partial;

typedef struct
{
  size_t count;
  mlp_chain_workspace *point;    /* mlp_chain_forward at ex's point */
  mlp_partial *each;       /* count workspaces */
  void **params;              /* &each[k], one per thread */
} mlp_partials;

/* count workspaces for ex (count >= 1), the point computed by
   mlp_chain_forward.  ex must not change while they are in use. */
mlp_partials *mlp_partials_alloc (const mlp_example *ex, size_t count);
void mlp_partials_free (mlp_partials *p);

/* Functions of theta and the moved coordinate j for W1, W2 (row-major), b1, b2 and x (row-major);
   params is a mlp_partial *.  The x form holds for any theta; the
   others need theta to differ from the point in coordinate j at most, as
   bp_gradcheck promises (bp_gradcheck_point). */
double mlp_partial_loss_of_W1 (const gsl_vector *vecW1, size_t j, void *params);
double mlp_partial_loss_of_b1 (const gsl_vector *b1, size_t j, void *params);
double mlp_partial_loss_of_W2 (const gsl_vector *vecW2, size_t j, void *params);
double mlp_partial_loss_of_b2 (const gsl_vector *b2, size_t j, void *params);
double mlp_partial_loss_of_x (const gsl_vector *vecx, size_t j, void *params);

#endif /* BP_MLP_PARTIAL_H */
