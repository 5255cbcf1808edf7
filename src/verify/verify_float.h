/* verify_float.h -- (internal) `backprop verify --dtype float32': each
   network row with a float32 twin (bp_net.h) checked by bp_gradcheck in
   its float mode (BP_GRADCHECK_ARG_FLOAT) at its defaults. */
#ifndef BP_VERIFY_FLOAT_H
#define BP_VERIFY_FLOAT_H

#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix.h>
#include "backprop/bp_gradcheck.h"
#include "backprop/bp_net.h"

/* The float network net (a float32 row) checked at its theta_float: the
   loss is bp_net_forward on U, T with the point rounded to float, the
   analytic side `analytic' (net->size doubles, net's layout).  As
   bp_gradcheck: GSL_SUCCESS, GSL_FAILURE or GSL_CONTINUE for the
   verdict, the result into *r (to be freed), or an error code. */
int verify_float_net (bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                      const gsl_vector *analytic, bp_gradcheck_result **r);

/* The example of the float twin of the double row D, from seed: the
   twin's starting point moved by N(0, 0.1^2) and rounded to float, a
   batch U of 3 images 8 x 8 (pixels k / 255) with one-hot labels T over
   3 classes, and grad, net's gradient there by bp_net_backward, widened.
   NULL when out of memory. */
typedef struct
{
  bp_net *net;
  gsl_matrix *U, *T;
  gsl_vector *grad;
} float_example;
float_example *float_example_alloc (const bp_net_type *D, unsigned long seed);
void float_example_free (float_example *ex);

/* The float twin's gradient ex->grad against the double row D's on the
   same inputs (ex's point and U rounded to float, widened): the largest
   |g_f - g_d| over the elements, and the element nearest its bound
   (derivations/14-mini-batch.md, "The whole chain"), the bound, its
   block and the share (ratio > 1: over the bound).  GSL_SUCCESS, or
   GSL_ENOMEM. */
typedef struct
{
  double max_diff;   /* max |g_f - g_d| */
  double bound;      /* the bound at the element of the largest ratio */
  double ratio;      /* max |g_f - g_d| / bound over the elements */
  size_t block;      /* that element's block */
} float_double;
int float_double_compare (const bp_net_type *D, const float_example *ex, float_double *c);

/* A seeded float network of row T (a float32 row), its gradient by
   bp_net_backward on a seeded batch, checked by verify_float_net; one
   line to out.  Returns 1 when the row does not pass, 0 when it does,
   -1 when it could not be carried out (out of memory); *inconclusive is
   incremented when the row is INCONCLUSIVE (the checker's verdict, its
   float - double difference within the bound). */
int verify_float_row (const bp_net_type *T, unsigned long seed, FILE *out,
                      size_t *inconclusive);

/* Every network row of the table with a float twin (linear, mlp, cnn),
   one line each: the rows that did not pass, or -1; those INCONCLUSIVE
   counted into *inconclusive. */
int verify_float (unsigned long seed, FILE *out, size_t *inconclusive);

#endif /* BP_VERIFY_FLOAT_H */
