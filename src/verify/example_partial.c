/* example_partial.c -- see example_partial.h */
#include <config.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "verify/example_partial.h"

void
example_partials_free (example_partials *p)
{
  if (p == NULL)
    return;
  for (size_t k = 0; p->each && k < p->count; k++)
    {
      gsl_vector_free (p->each[k].u1);
      gsl_vector_free (p->each[k].v1);
      gsl_vector_free (p->each[k].v2);
      gsl_vector_free (p->each[k].y);
    }
  free (p->each);
  free (p->params);
  gsl_vector_free (p->u);
  gsl_vector_free (p->v);
  free (p);
}

example_partials *
example_partials_alloc (const example *ex, size_t count)
{
  const size_t n = ex->W->size1, m = ex->W->size2;
  if (count == 0)
    GSL_ERROR_NULL ("example_partials_alloc: count must be positive", GSL_EINVAL);
  example_partials *p = calloc (1, sizeof *p);
  if (p == NULL)
    GSL_ERROR_NULL ("example_partials_alloc: out of memory", GSL_ENOMEM);
  p->count = count;
  p->u = gsl_vector_alloc (m);
  p->v = gsl_vector_alloc (n);
  p->each = calloc (count, sizeof *p->each);
  p->params = calloc (count, sizeof *p->params);
  int ok = p->u && p->v && p->each && p->params;
  for (size_t k = 0; ok && k < count; k++)
    {
      example_partial *e = &p->each[k];
      *e = (example_partial) { .ex = ex, .u = p->u, .v = p->v,
                                  .u1 = gsl_vector_alloc (m),
                                  .v1 = gsl_vector_alloc (n),
                                  .v2 = gsl_vector_alloc (n),
                                  .y = gsl_vector_alloc (n) };
      ok = e->u1 && e->v1 && e->v2 && e->y;
      p->params[k] = e;
    }
  if (!ok)
    {
      example_partials_free (p);
      GSL_ERROR_NULL ("example_partials_alloc: out of memory", GSL_ENOMEM);
    }
  bp_reshape (ex->x, p->u);                   /* slide 3 */
  bp_linear (ex->W, ex->b, p->u, p->v);
  return p;
}

/* L = CE(labels, Softmax(v')), slides 4-5 */
static double
loss_of_v (example_partial *e, const gsl_vector *v)
{
  bp_softmax (v, e->y);
  return bp_cross_entropy (e->ex->labels, e->y);
}

double
example_partial_loss_of_W (const gsl_vector *vecW, size_t j, void *params)
{
  example_partial *e = params;
  const size_t m = e->ex->W->size2, i = j / m;
  /* v'_i = (row i of W') u + b_i; the other rows of W' u + b are v's */
  gsl_vector_const_view row = gsl_vector_const_subvector (vecW, i * m, m);
  gsl_matrix_const_view Wi = gsl_matrix_const_view_vector (&row.vector, 1, m);
  gsl_vector_const_view bi = gsl_vector_const_subvector (e->ex->b, i, 1);
  gsl_vector_view vi = gsl_vector_subvector (e->v1, i, 1);
  gsl_vector_memcpy (e->v1, e->v);
  bp_linear (&Wi.matrix, &bi.vector, e->u, &vi.vector);
  return loss_of_v (e, e->v1);
}

/* v' = W u1 + b = v + (column j of W)(u1_j - u_j) + ... over the j where
   u1 differs from u: from is where to look first, and the only place when
   only_from (the caller knows nothing else moved). */
static const gsl_vector *
linear_from_point (example_partial *e, const gsl_vector *u1, size_t from,
                   int only_from)
{
  const gsl_matrix *W = e->ex->W;
  const gsl_vector *v = e->v;
  gsl_vector *next = e->v1;
  const size_t m = u1->size, count = only_from ? 1 : m;
  for (size_t k = 0; k < count; k++)
    {
      const size_t j = (from + k) % m;
      const double delta = gsl_vector_get (u1, j) - gsl_vector_get (e->u, j);
      if (delta == 0.0)
        continue;
      gsl_matrix_const_view Wj = gsl_matrix_const_submatrix (W, 0, j, W->size1, 1);
      gsl_vector_const_view d = gsl_vector_const_view_array (&delta, 1);
      bp_linear (&Wj.matrix, v, &d.vector, next);
      v = next;
      next = (next == e->v1) ? e->v2 : e->v1;
    }
  return v;
}

double
example_partial_loss_of_u (const gsl_vector *u, size_t j, void *params)
{
  example_partial *e = params;
  return loss_of_v (e, linear_from_point (e, u, j, 1));
}

double
example_partial_loss_of_x (const gsl_vector *vecx, size_t j, void *params)
{
  (void) j;
  example_partial *e = params;
  gsl_matrix_const_view x = gsl_matrix_const_view_vector (vecx, e->ex->x->size1,
                                                          e->ex->x->size2);
  bp_reshape (&x.matrix, e->u1);              /* slide 3 */
  /* which elements of u moved is bp_reshape's business: compare them all */
  return loss_of_v (e, linear_from_point (e, e->u1, 0, 0));
}
