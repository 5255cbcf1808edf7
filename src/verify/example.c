/* example.c -- see example.h */
#include <config.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include "verify/example.h"

void
example_fill_input (enum label_kind kind, gsl_rng *rng, gsl_matrix *x,
                       gsl_vector *labels)
{
  for (size_t r = 0; r < x->size1; r++)
    for (size_t c = 0; c < x->size2; c++)
      gsl_matrix_set (x, r, c, gsl_rng_uniform (rng));
  example_fill_labels (kind, rng, labels);
}

void
example_fill_labels (enum label_kind kind, gsl_rng *rng, gsl_vector *labels)
{
  const size_t n = labels->size;
  gsl_vector_set_zero (labels);
  if (kind == LABELS_ONE_HOT)
    gsl_vector_set (labels, gsl_rng_uniform_int (rng, n), 1.0);
  else
    {
      for (size_t i = 0; i < n; i++)
        gsl_vector_set (labels, i, gsl_rng_uniform_pos (rng));
      gsl_vector_scale (labels, 1.0 / gsl_blas_dasum (labels));
    }
}

example *
example_alloc (size_t n, size_t rows, size_t cols, double w_sigma,
                  enum label_kind kind, gsl_rng *rng)
{
  const size_t m = rows * cols;
  example *ex = calloc (1, sizeof *ex);
  if (ex == NULL)
    GSL_ERROR_NULL ("example_alloc: out of memory", GSL_ENOMEM);
  ex->W = gsl_matrix_alloc (n, m);
  ex->b = gsl_vector_alloc (n);
  ex->x = gsl_matrix_alloc (rows, cols);
  ex->labels = gsl_vector_calloc (n);
  ex->ws = bp_model_workspace_alloc (n, m);
  if (!ex->W || !ex->b || !ex->x || !ex->labels || !ex->ws)
    {
      example_free (ex);
      GSL_ERROR_NULL ("example_alloc: out of memory", GSL_ENOMEM);
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < m; j++)
      gsl_matrix_set (ex->W, i, j, gsl_ran_gaussian (rng, w_sigma));
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (ex->b, i, gsl_ran_gaussian (rng, 0.1));
  example_fill_input (kind, rng, ex->x, ex->labels);
  return ex;
}

void
example_free (example *ex)
{
  if (ex == NULL)
    return;
  gsl_matrix_free (ex->W);
  gsl_vector_free (ex->b);
  gsl_matrix_free (ex->x);
  gsl_vector_free (ex->labels);
  bp_model_workspace_free (ex->ws);
  free (ex);
}

/* L with block `block' (enum example_block) replaced by theta, of its
   shape (a vector block as one column); the workspace holds the
   intermediate values. */
double
example_loss (const example *ex, size_t block, const gsl_matrix *theta)
{
  gsl_vector_const_view t = gsl_matrix_const_column (theta, 0);
  const gsl_vector *v = &t.vector;
  switch (block)
    {
    case EX_Y: return bp_cross_entropy (ex->labels, v);
    case EX_V_STABLE: return bp_softmax_cross_entropy (ex->labels, v);
    case EX_B: return bp_model_forward (ex->W, v, ex->x, ex->labels, ex->ws);
    case EX_W: return bp_model_forward (theta, ex->b, ex->x, ex->labels, ex->ws);
    case EX_X: return bp_model_forward (ex->W, ex->b, theta, ex->labels, ex->ws);
    case EX_U:          /* L of v = W u + b */
      bp_linear (ex->W, ex->b, v, ex->ws->v);
      v = ex->ws->v;
      break;
    default:            /* EX_V */
      break;
    }
  bp_softmax (v, ex->ws->y);
  return bp_cross_entropy (ex->labels, ex->ws->y);
}

int
example_softmax (const gsl_vector *v, void *params, gsl_vector *y)
{
  (void) params;
  return bp_softmax (v, y);
}
