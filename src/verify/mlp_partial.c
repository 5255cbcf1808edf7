/* mlp_partial.c -- see mlp_partial.h */
#include <config.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_nan.h>
#include "verify/mlp_partial.h"

void
mlp_partials_free (mlp_partials *p)
{
  if (p == NULL)
    return;
  for (size_t k = 0; p->each && k < p->count; k++)
    {
      gsl_vector_free (p->each[k].u1);
      gsl_vector_free (p->each[k].z1);
      gsl_vector_free (p->each[k].z2);
      gsl_vector_free (p->each[k].h1);
      gsl_vector_free (p->each[k].v1);
    }
  free (p->each);
  free (p->params);
  mlp_chain_workspace_free (p->point);
  free (p);
}

mlp_partials *
mlp_partials_alloc (const mlp_example *ex, size_t count)
{
  const mlp_chain *net = ex->net;
  if (count == 0)
    GSL_ERROR_NULL ("mlp_partials_alloc: count must be positive", GSL_EINVAL);
  mlp_partials *p = calloc (1, sizeof *p);
  if (p == NULL)
    GSL_ERROR_NULL ("mlp_partials_alloc: out of memory", GSL_ENOMEM);
  p->count = count;
  p->point = mlp_chain_workspace_alloc (net->m, net->H, net->n);
  p->each = calloc (count, sizeof *p->each);
  p->params = calloc (count, sizeof *p->params);
  int ok = p->point && p->each && p->params;
  for (size_t k = 0; ok && k < count; k++)
    {
      mlp_partial *e = &p->each[k];
      *e = (mlp_partial) { .ex = ex, .point = p->point,
                              .u1 = gsl_vector_alloc (net->m),
                              .z1 = gsl_vector_alloc (net->H),
                              .z2 = gsl_vector_alloc (net->H),
                              .h1 = gsl_vector_alloc (net->H),
                              .v1 = gsl_vector_alloc (net->n) };
      ok = e->u1 && e->z1 && e->z2 && e->h1 && e->v1;
      p->params[k] = e;
    }
  if (!ok)
    {
      mlp_partials_free (p);
      GSL_ERROR_NULL ("mlp_partials_alloc: out of memory", GSL_ENOMEM);
    }
  /* u, z, h, v at the point, by the plain forward pass */
  if (gsl_isnan (mlp_chain_forward (net, ex->x, ex->labels, p->point)))
    {
      mlp_partials_free (p);
      GSL_ERROR_NULL ("mlp_partials_alloc: the forward pass failed", GSL_EFAILED);
    }
  return p;
}

/* L = CE(labels, Softmax(v')), as mlp_chain_forward computes it */
static double
loss_of_v (const mlp_partial *e, const gsl_vector *v)
{
  return bp_softmax_cross_entropy (e->ex->labels, v);
}

/* Hidden unit i moved to z'_i: h'_i = f(z'_i), and W2 h' + b2 =
   v + (column i of W2)(h'_i - h_i); the loss there. */
static double
loss_of_unit (mlp_partial *e, size_t i, double zi)
{
  const mlp_chain *net = e->ex->net;
  double hi;
  gsl_vector_const_view z = gsl_vector_const_view_array (&zi, 1);
  gsl_vector_view h = gsl_vector_view_array (&hi, 1);
  if (bp_activation_forward (net->act, &z.vector, &h.vector) != GSL_SUCCESS)
    return GSL_NAN;
  const double delta = hi - gsl_vector_get (e->point->h, i);
  gsl_vector_const_view d = gsl_vector_const_view_array (&delta, 1);
  gsl_matrix_const_view W2i = gsl_matrix_const_submatrix (net->W2, 0, i, net->n, 1);
  bp_linear (&W2i.matrix, e->point->v, &d.vector, e->v1);
  return loss_of_v (e, e->v1);
}

double
mlp_partial_loss_of_W1 (const gsl_vector *vecW1, size_t j, void *params)
{
  mlp_partial *e = params;
  const gsl_matrix *W1 = e->ex->net->W1;
  const size_t m = W1->size2, i = j / m, k = j % m;
  /* z'_i = u_k (w1'_ik - w1_ik) + z_i: the one term of W1' u + b1 that moved */
  const double delta = gsl_vector_get (vecW1, j) - gsl_matrix_get (W1, i, k);
  double zi;
  gsl_matrix_const_view uk
    = gsl_matrix_const_view_array (gsl_vector_const_ptr (e->point->u, k), 1, 1);
  gsl_vector_const_view d = gsl_vector_const_view_array (&delta, 1);
  gsl_vector_const_view z = gsl_vector_const_subvector (e->point->z, i, 1);
  gsl_vector_view out = gsl_vector_view_array (&zi, 1);
  bp_linear (&uk.matrix, &z.vector, &d.vector, &out.vector);
  return loss_of_unit (e, i, zi);
}

double
mlp_partial_loss_of_b1 (const gsl_vector *b1, size_t j, void *params)
{
  mlp_partial *e = params;
  const gsl_matrix *W1 = e->ex->net->W1;
  /* z'_j = (row j of W1) u + b1'_j */
  double zj;
  gsl_matrix_const_view Wj = gsl_matrix_const_submatrix (W1, j, 0, 1, W1->size2);
  gsl_vector_const_view bj = gsl_vector_const_subvector (b1, j, 1);
  gsl_vector_view out = gsl_vector_view_array (&zj, 1);
  bp_linear (&Wj.matrix, &bj.vector, e->point->u, &out.vector);
  return loss_of_unit (e, j, zj);
}

/* v'_k = (row k of W2) h + b2_k, the other elements v's */
static double
loss_of_output (mlp_partial *e, const gsl_matrix *W2, const gsl_vector *b2, size_t k)
{
  gsl_matrix_const_view Wk = gsl_matrix_const_submatrix (W2, k, 0, 1, W2->size2);
  gsl_vector_const_view bk = gsl_vector_const_subvector (b2, k, 1);
  gsl_vector_view vk = gsl_vector_subvector (e->v1, k, 1);
  gsl_vector_memcpy (e->v1, e->point->v);
  bp_linear (&Wk.matrix, &bk.vector, e->point->h, &vk.vector);
  return loss_of_v (e, e->v1);
}

double
mlp_partial_loss_of_W2 (const gsl_vector *vecW2, size_t j, void *params)
{
  mlp_partial *e = params;
  const gsl_matrix *W2 = e->ex->net->W2;
  gsl_matrix_const_view W = gsl_matrix_const_view_vector (vecW2, W2->size1, W2->size2);
  return loss_of_output (e, &W.matrix, e->ex->net->b2, j / W2->size2);
}

double
mlp_partial_loss_of_b2 (const gsl_vector *b2, size_t j, void *params)
{
  mlp_partial *e = params;
  return loss_of_output (e, e->ex->net->W2, b2, j);
}

double
mlp_partial_loss_of_x (const gsl_vector *vecx, size_t j, void *params)
{
  (void) j;
  mlp_partial *e = params;
  const mlp_chain *net = e->ex->net;
  gsl_matrix_const_view x = gsl_matrix_const_view_vector (vecx, e->ex->x->size1,
                                                          e->ex->x->size2);
  bp_reshape (&x.matrix, e->u1);
  /* z' = W1 u' + b1 = z + (column k of W1)(u'_k - u_k) + ... over the k
     where u' differs from u: which ones is bp_reshape's business */
  const gsl_vector *z = e->point->z;
  gsl_vector *next = e->z1;
  for (size_t k = 0; k < net->m; k++)
    {
      const double delta = gsl_vector_get (e->u1, k) - gsl_vector_get (e->point->u, k);
      if (delta == 0.0)
        continue;
      gsl_matrix_const_view Wk = gsl_matrix_const_submatrix (net->W1, 0, k, net->H, 1);
      gsl_vector_const_view d = gsl_vector_const_view_array (&delta, 1);
      bp_linear (&Wk.matrix, z, &d.vector, next);
      z = next;
      next = (next == e->z1) ? e->z2 : e->z1;
    }
  if (bp_activation_forward (net->act, z, e->h1) != GSL_SUCCESS)
    return GSL_NAN;
  bp_linear (net->W2, net->b2, e->h1, e->v1);
  return loss_of_v (e, e->v1);
}
