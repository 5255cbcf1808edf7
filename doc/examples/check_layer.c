/* check_layer.c -- checking your own gradients with backprop's checker
   (doc/manual.md, "Checking your own gradients").

   A small layer y = tanh(W x + b) with the loss L = 1/2 |y - t|^2, and its
   gradients by hand:
       delta = (y - t) (.) (1 - y^2),
       dL/dW = delta x^T,   dL/db = delta,   dL/dx = W^T delta.
   The three blocks W (4 x 3), b (4) and x (3) are checked in one call of
   bp_gradcheck, by central differences and the Taylor test; then a
   deliberately wrong variant (delta with its sign flipped, (t - y) for
   (y - t)) shows the report and its hint.

   Build against the installed library:
       cc check_layer.c $(pkg-config --cflags --libs backprop) -lm
   Exit status 0 when the right gradient passes and the wrong one fails
   with the sign hint, 1 otherwise. */
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_blas.h>
#include <backprop.h>

enum { ROWS = 4, COLS = 3 };

typedef struct
{
  gsl_vector *t;        /* the target */
  gsl_vector *y;        /* scratch: the layer's output */
  double sign;          /* 1: the right gradient; -1: the wrong variant */
} layer;

/* y = tanh(W x + b) into ly->y */
static void
forward (const gsl_matrix *W, const gsl_vector *b, const gsl_vector *x, layer *ly)
{
  gsl_vector_memcpy (ly->y, b);
  gsl_blas_dgemv (CblasNoTrans, 1.0, W, x, 1.0, ly->y);
  for (size_t i = 0; i < ly->y->size; i++)
    gsl_vector_set (ly->y, i, tanh (gsl_vector_get (ly->y, i)));
}

/* L = 1/2 |y - t|^2 at the point p: its blocks are W, b, x */
static int
loss (const bp_gradcheck_point *p, void *params, double *L)
{
  layer *ly = params;
  forward (p->block[0], p->vector[1], p->vector[2], ly);
  double s = 0.0;
  for (size_t i = 0; i < ly->y->size; i++)
    s += 0.5 * pow (gsl_vector_get (ly->y, i) - gsl_vector_get (ly->t, i), 2);
  *L = s;
  return 0;
}

/* the analytic gradients into g[0] (W's shape), g[1], g[2] (n x 1) */
static int
gradient (const bp_gradcheck_point *p, void *params, gsl_matrix *const g[])
{
  layer *ly = params;
  const gsl_matrix *W = p->block[0];
  const gsl_vector *x = p->vector[2];
  forward (W, p->vector[1], x, ly);
  gsl_vector_view delta = gsl_matrix_column (g[1], 0);        /* dL/db = delta */
  for (size_t i = 0; i < ly->y->size; i++)
    {
      const double y = gsl_vector_get (ly->y, i);
      gsl_vector_set (&delta.vector, i,
                      ly->sign * (y - gsl_vector_get (ly->t, i)) * (1.0 - y * y));
    }
  gsl_matrix_set_zero (g[0]);
  gsl_blas_dger (1.0, &delta.vector, x, g[0]);                 /* dL/dW = delta x^T */
  gsl_vector_view dx = gsl_matrix_column (g[2], 0);
  gsl_blas_dgemv (CblasTrans, 1.0, W, &delta.vector, 0.0, &dx.vector);  /* W^T delta */
  return 0;
}

int
main (void)
{
  gsl_matrix *W = gsl_matrix_alloc (ROWS, COLS);
  gsl_vector *b = gsl_vector_alloc (ROWS), *x = gsl_vector_alloc (COLS);
  layer ly = { gsl_vector_alloc (ROWS), gsl_vector_alloc (ROWS), 1.0 };
  for (size_t i = 0; i < ROWS; i++)
    {
      for (size_t j = 0; j < COLS; j++)
        gsl_matrix_set (W, i, j, sin (1.0 + (double) (3 * i + j)));
      gsl_vector_set (b, i, 0.1 * (double) i - 0.2);
      gsl_vector_set (ly.t, i, cos ((double) i));
    }
  for (size_t j = 0; j < COLS; j++)
    gsl_vector_set (x, j, 0.5 - 0.4 * (double) j);

  /* the blocks, named for the report; the function and its gradient */
  const bp_gradcheck_block blocks[] = {
    { .name = "W", .matrix = W }, { .name = "b", .vector = b }, { .name = "x", .vector = x } };
  const bp_gradcheck_function f = { .loss = loss, .grad = gradient, .params = &ly };
  bp_gradcheck_options opts;
  bp_gradcheck_options_default (&opts);
  opts.method = BP_GRADCHECK_CENTRAL | BP_GRADCHECK_TAYLOR;

  bp_gradcheck_result *right = NULL, *wrong = NULL;
  const int s_right = bp_gradcheck (&f, 3, blocks, NULL, &opts, &right);
  printf ("--- the right gradient\n");
  bp_gradcheck_fprintf (stdout, right);

  ly.sign = -1.0;                                 /* (t - y) for (y - t) */
  const int s_wrong = bp_gradcheck (&f, 3, blocks, NULL, &opts, &wrong);
  printf ("--- a wrong gradient: delta with its sign flipped\n");
  bp_gradcheck_fprintf (stdout, wrong);

  const int ok = s_right == GSL_SUCCESS && s_wrong == GSL_FAILURE
                 && (wrong->run[0].hints & BP_GRADCHECK_HINT_SIGN);
  bp_gradcheck_result_free (right);
  bp_gradcheck_result_free (wrong);
  gsl_matrix_free (W);
  gsl_vector_free (b);
  gsl_vector_free (x);
  gsl_vector_free (ly.t);
  gsl_vector_free (ly.y);
  return ok ? 0 : 1;
}
