/* mlp_example.h -- (internal) the activations and the two-layer network
   seen as functions of one argument, in the forms the checkers take;
   shared by the backprop program and the tests, as example.h is for the
   one-layer model. */
#ifndef BP_MLP_EXAMPLE_H
#define BP_MLP_EXAMPLE_H

#include <gsl/gsl_rng.h>
#include "backprop.h"
#include "lib/formulas/mlp_chain.h"
#include "verify/example.h"

/* h = f(z) as a function of z into h; params is a bp_activation *. */
int example_activation (const gsl_vector *z, void *params, gsl_vector *h);

/* A probe of an activation's backward step: the scalar
   L(z) = sum_i c_i f(z_i), whose gradient is f'(z) (.) c, i.e.
   bp_activation_backward (act, z, c, grad). */
typedef struct
{
  bp_activation act;
  const gsl_vector *c;   /* n: dL/dh */
  gsl_vector *h;         /* n: scratch */
} activation_probe;

double example_activation_loss (const gsl_vector *z, void *params);

/* A seeded point of the two-layer network: n classes, H hidden units,
   a rows x cols image, labels one-hot or soft (see example.h). */
typedef struct
{
  mlp_chain *net;
  gsl_matrix *x;
  gsl_vector *labels;
  mlp_chain_workspace *ws;
  mlp_chain *grad;          /* scratch of the network's shape */
} mlp_example;

/* net by mlp_chain_randomize, then its biases ~ N(0, 0.1^2) so that they
   matter; x ~ U[0,1). */
mlp_example *mlp_example_alloc (size_t n, size_t H, size_t rows,
                                      size_t cols, bp_activation act,
                                      enum label_kind kind, gsl_rng *rng);
void mlp_example_free (mlp_example *ex);

/* The network's blocks, in the order of verify_mlp's rows. */
enum mlp_block { MLP_W2, MLP_B2, MLP_B1, MLP_W1, MLP_X, MLP_BLOCKS };

/* L with one block (enum mlp_block) replaced by theta, of that block's
   shape (a vector block as one column); every other from ex. */
double mlp_example_loss (const mlp_example *ex, size_t block, const gsl_matrix *theta);

#endif /* BP_MLP_EXAMPLE_H */
