/* example.h -- (internal) a seeded example point of the model, and the
   model's loss seen as a function of one of its arguments, in the form
   the checker takes.  Shared by the backprop program and the tests. */
#ifndef BP_EXAMPLE_H
#define BP_EXAMPLE_H

#include <gsl/gsl_rng.h>
#include "backprop.h"

typedef struct
{
  gsl_matrix *W;         /* n x m */
  gsl_vector *b;         /* n */
  gsl_matrix *x;         /* rows x cols, rows*cols = m */
  gsl_vector *labels;    /* n */
  bp_model_workspace *ws;
} example;

enum label_kind { LABELS_ONE_HOT, LABELS_SOFT };

/* W ~ N(0, w_sigma^2), b ~ N(0, 0.1^2), x ~ U[0,1), labels one-hot at a
   random class or soft (uniform weights normalised to sum 1). */
example *example_alloc (size_t n, size_t rows, size_t cols,
                              double w_sigma, enum label_kind kind,
                              gsl_rng *rng);
void example_free (example *ex);

/* x ~ U[0,1) and labels as example_alloc draws them (also used for the
   two-layer network's example). */
void example_fill_input (enum label_kind kind, gsl_rng *rng,
                            gsl_matrix *x, gsl_vector *labels);

/* labels alone, drawn as above: one-hot at a random class, or soft. */
void example_fill_labels (enum label_kind kind, gsl_rng *rng,
                             gsl_vector *labels);

/* The model's blocks, as L's argument: y, v (L of Softmax(v)), u, b, W,
   x, and v of the stable loss (bp_softmax_cross_entropy). */
enum example_block { EX_Y, EX_V, EX_U, EX_B, EX_W, EX_X, EX_V_STABLE, EX_BLOCKS };

/* L with one block replaced by theta, of that block's shape (a vector
   block as one column), every other argument from ex; the workspace
   holds the intermediate values. */
double example_loss (const example *ex, size_t block, const gsl_matrix *theta);

/* y = Softmax(v), as a function of v into y (params unused). */
int example_softmax (const gsl_vector *v, void *params, gsl_vector *y);

#endif /* BP_EXAMPLE_H */
