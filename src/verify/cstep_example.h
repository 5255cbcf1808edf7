/* cstep_example.h -- (internal) the examples of example.h and
   mlp_example.h in complex arithmetic: the loss as a complex function of
   one argument, in the form of a bp_gradcheck_closs.  Shared by the
   backprop program and the tests. */
#ifndef BP_CSTEP_EXAMPLE_H
#define BP_CSTEP_EXAMPLE_H

#include "backprop/bp_complex_step.h"
#include "backprop/bp_net.h"
#include "verify/example.h"
#include "verify/mlp_example.h"

/* Real to complex (imaginary parts 0), the shapes equal (not checked). */
void cstep_vector_from_real (const gsl_vector *a, gsl_vector_complex *z);
void cstep_matrix_from_real (const gsl_matrix *A, gsl_matrix_complex *Z);

/* The one-layer example with complex copies of W, b, x; its loss is
   bp_net_linear's complex forward (bp_net_cforward), net its shape. */
typedef struct
{
  const example *ex;
  gsl_matrix_complex *W;
  gsl_vector_complex *b;
  gsl_matrix_complex *x;
  gsl_vector_complex *v, *y;   /* scratch */
  bp_net *net;
  bp_net_workspace *ws;   /* bp_net_cforward's scratch, kept */
} cstep_example;

cstep_example *cstep_example_alloc (const example *ex);
void cstep_example_free (cstep_example *cx);

/* L with one block (enum example_block, example.h) replaced by theta, of
   that block's shape (a vector block as one column), in complex arithmetic. */
double complex cstep_example_loss (const cstep_example *cx, size_t block,
                                   const gsl_matrix_complex *theta);

/* y = Softmax(v) (params unused). */
int cstep_example_softmax (const gsl_vector_complex *v, void *params,
                              gsl_vector_complex *y);

/* h = f(z); params is a bp_activation *. */
int cstep_example_activation (const gsl_vector_complex *z, void *params,
                                 gsl_vector_complex *h);

/* L(z) = sum_i c_i f(z_i), the probe of an activation's backward step. */
typedef struct
{
  bp_activation act;
  const gsl_vector *c;
  gsl_vector_complex *h;   /* scratch */
} cstep_activation_probe;

double complex cstep_example_activation_loss (const gsl_vector_complex *z,
                                                 void *params);

/* The two-layer example with complex copies of its parameters and x;
   its loss is bp_net_mlp's complex forward, net its shape. */
typedef struct
{
  const mlp_example *ex;
  gsl_matrix_complex *W1, *W2, *x;
  gsl_vector_complex *b1, *b2;
  bp_net *net;
  bp_net_workspace *ws;   /* bp_net_cforward's scratch, kept */
} cstep_mlp_example;

cstep_mlp_example *cstep_mlp_example_alloc (const mlp_example *ex);
void cstep_mlp_example_free (cstep_mlp_example *cx);

/* As mlp_example_loss (mlp_example.h), in complex arithmetic. */
double complex cstep_mlp_example_loss (const cstep_mlp_example *cx, size_t block,
                                       const gsl_matrix_complex *theta);

/* The loss of net (bp_net_cforward, in its workspace w) at the complex
   blocks M of its layout and the image x (read row-major as u), against
   labels; NaN when refused. */
double complex cstep_net_loss (const bp_net *net, const gsl_matrix_complex *const M[],
                               const gsl_matrix_complex *x, const gsl_vector *labels,
                               bp_net_workspace *w);

#endif /* BP_CSTEP_EXAMPLE_H */
