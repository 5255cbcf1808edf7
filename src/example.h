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
} bp_example;

enum bp_label_kind { BP_LABELS_ONE_HOT, BP_LABELS_SOFT };

/* W ~ N(0, w_sigma^2), b ~ N(0, 0.1^2), x ~ U[0,1), labels one-hot at a
   random class or soft (uniform weights normalised to sum 1). */
bp_example *bp_example_alloc (size_t n, size_t rows, size_t cols,
                              double w_sigma, enum bp_label_kind kind,
                              gsl_rng *rng);
void bp_example_free (bp_example *ex);

/* x ~ U[0,1) and labels as bp_example_alloc draws them (also used for the
   two-layer network's example). */
void bp_example_fill_input (enum bp_label_kind kind, gsl_rng *rng,
                            gsl_matrix *x, gsl_vector *labels);

/* labels alone, drawn as above: one-hot at a random class, or soft. */
void bp_example_fill_labels (enum bp_label_kind kind, gsl_rng *rng,
                             gsl_vector *labels);

/* Each maps theta to L with every other argument taken from the example
   (params is a bp_example *); the workspace holds the intermediate values. */
double bp_example_loss_of_y (const gsl_vector *y, void *params);  /* CE(labels, y) */
double bp_example_loss_of_v (const gsl_vector *v, void *params);  /* CE(labels, Softmax(v)) */
double bp_example_stable_loss_of_v (const gsl_vector *v, void *params); /* lse form */
double bp_example_loss_of_u (const gsl_vector *u, void *params);  /* ... of W u + b */
double bp_example_loss_of_b (const gsl_vector *b, void *params);
double bp_example_loss_of_W (const gsl_vector *vecW, void *params); /* W row-major */
double bp_example_loss_of_x (const gsl_vector *vecx, void *params); /* x row-major */

/* y = Softmax(v), as a bp_vector_function (params unused). */
int bp_example_softmax (const gsl_vector *v, void *params, gsl_vector *y);

#endif /* BP_EXAMPLE_H */
