/* cstep_example.c -- see cstep_example.h */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <gsl/gsl_nan.h>
#include "verify/cstep_example.h"

void
cstep_vector_from_real (const gsl_vector *a, gsl_vector_complex *z)
{
  for (size_t i = 0; i < a->size; i++)
    cset (z, i, gsl_vector_get (a, i));
}

void
cstep_matrix_from_real (const gsl_matrix *A, gsl_matrix_complex *Z)
{
  for (size_t i = 0; i < A->size1; i++)
    {
      gsl_vector_const_view a = gsl_matrix_const_row (A, i);
      gsl_vector_complex_view z = gsl_matrix_complex_row (Z, i);
      cstep_vector_from_real (&a.vector, &z.vector);
    }
}

static gsl_matrix_complex *
matrix_copy (const gsl_matrix *A)
{
  gsl_matrix_complex *Z = gsl_matrix_complex_alloc (A->size1, A->size2);
  if (Z)
    cstep_matrix_from_real (A, Z);
  return Z;
}

static gsl_vector_complex *
vector_copy (const gsl_vector *a)
{
  gsl_vector_complex *z = gsl_vector_complex_alloc (a->size);
  if (z)
    cstep_vector_from_real (a, z);
  return z;
}

cstep_example *
cstep_example_alloc (const example *ex)
{
  cstep_example *cx = calloc (1, sizeof *cx);
  if (cx == NULL)
    GSL_ERROR_NULL ("cstep_example_alloc: out of memory", GSL_ENOMEM);
  cx->ex = ex;
  cx->W = matrix_copy (ex->W);
  cx->b = vector_copy (ex->b);
  cx->x = matrix_copy (ex->x);
  cx->v = gsl_vector_complex_alloc (ex->W->size1);
  cx->y = gsl_vector_complex_alloc (ex->W->size1);
  const bp_net_shape s = { .rows = ex->x->size1, .cols = ex->x->size2, .n = ex->W->size1 };
  cx->net = bp_net_alloc (bp_net_linear, &s);
  cx->ws = cx->net ? bp_net_workspace_alloc (cx->net, 1) : NULL;
  if (!cx->W || !cx->b || !cx->x || !cx->v || !cx->y || !cx->ws)
    {
      cstep_example_free (cx);
      GSL_ERROR_NULL ("cstep_example_alloc: out of memory", GSL_ENOMEM);
    }
  return cx;
}

void
cstep_example_free (cstep_example *cx)
{
  if (cx == NULL)
    return;
  if (cx->W) gsl_matrix_complex_free (cx->W);
  if (cx->b) gsl_vector_complex_free (cx->b);
  if (cx->x) gsl_matrix_complex_free (cx->x);
  if (cx->v) gsl_vector_complex_free (cx->v);
  if (cx->y) gsl_vector_complex_free (cx->y);
  bp_net_workspace_free (cx->ws);
  bp_net_free (cx->net);
  free (cx);
}

double complex
cstep_net_loss (const bp_net *net, const gsl_matrix_complex *const M[],
                const gsl_matrix_complex *x, const gsl_vector *labels, bp_net_workspace *w)
{
  if (x->tda != x->size2 || labels->stride != 1)
    return GSL_NAN;
  gsl_matrix_complex_const_view U
    = gsl_matrix_complex_const_view_array (x->data, 1, x->size1 * x->size2);
  gsl_matrix_const_view T = gsl_matrix_const_view_vector (labels, 1, labels->size);
  gsl_complex L;
  if (bp_net_cforward (net, M, &U.matrix, &T.matrix, w, &L) != GSL_SUCCESS)
    return GSL_NAN;
  return CMPLX (GSL_REAL (L), GSL_IMAG (L));
}

/* L with block `block' (enum example_block) replaced by theta, of its
   shape (a vector block as one column), in complex arithmetic. */
double complex
cstep_example_loss (const cstep_example *cx, size_t block, const gsl_matrix_complex *theta)
{
  const gsl_vector *labels = cx->ex->labels;
  gsl_vector_complex_const_view t = gsl_matrix_complex_const_column (theta, 0);
  const gsl_vector_complex *v = &t.vector;
  gsl_matrix_complex_const_view b = gsl_matrix_complex_const_view_vector (cx->b, cx->b->size, 1);
  const gsl_matrix_complex *M[2] = { cx->W, &b.matrix };
  switch (block)
    {
    case EX_Y: return bp_complex_cross_entropy (labels, v);
    case EX_V_STABLE: return bp_complex_softmax_cross_entropy (labels, v);
    case EX_B: M[1] = theta; return cstep_net_loss (cx->net, M, cx->x, labels, cx->ws);
    case EX_W: M[0] = theta; return cstep_net_loss (cx->net, M, cx->x, labels, cx->ws);
    case EX_X: return cstep_net_loss (cx->net, M, theta, labels, cx->ws);
    case EX_U:          /* L of v = W u + b */
      if (bp_complex_linear (cx->W, cx->b, v, cx->v) != GSL_SUCCESS)
        return GSL_NAN;
      v = cx->v;
      break;
    default:            /* EX_V */
      break;
    }
  if (bp_complex_softmax (v, cx->y) != GSL_SUCCESS)
    return GSL_NAN;
  return bp_complex_cross_entropy (labels, cx->y);
}

int
cstep_example_softmax (const gsl_vector_complex *v, void *params,
                          gsl_vector_complex *y)
{
  (void) params;
  return bp_complex_softmax (v, y);
}

int
cstep_example_activation (const gsl_vector_complex *z, void *params,
                             gsl_vector_complex *h)
{
  return bp_complex_activation_forward (*(const bp_activation *) params, z, h);
}

/* sum_i c_i f(z_i) */
double complex
cstep_example_activation_loss (const gsl_vector_complex *z, void *params)
{
  const cstep_activation_probe *p = params;
  if (p->c->size != z->size || bp_complex_activation_forward (p->act, z, p->h) != GSL_SUCCESS)
    return GSL_NAN;
  double complex L = 0.0;
  for (size_t i = 0; i < z->size; i++)
    {
      const double *hi = p->h->data + 2 * i * p->h->stride;   /* re, im */
      L += gsl_vector_get (p->c, i) * CMPLX (hi[0], hi[1]);
    }
  return L;
}

/* --- the two-layer network --------------------------------------------- */

cstep_mlp_example *
cstep_mlp_example_alloc (const mlp_example *ex)
{
  cstep_mlp_example *cx = calloc (1, sizeof *cx);
  if (cx == NULL)
    GSL_ERROR_NULL ("cstep_mlp_example_alloc: out of memory", GSL_ENOMEM);
  const mlp_chain *net = ex->net;
  cx->ex = ex;
  cx->W1 = matrix_copy (net->W1);
  cx->b1 = vector_copy (net->b1);
  cx->W2 = matrix_copy (net->W2);
  cx->b2 = vector_copy (net->b2);
  cx->x = matrix_copy (ex->x);
  const bp_net_shape s = { .rows = ex->x->size1, .cols = ex->x->size2, .n = net->n,
                           .n_hidden = 1, .hidden = { net->H }, .act = net->act };
  cx->net = bp_net_alloc (bp_net_mlp, &s);
  cx->ws = cx->net ? bp_net_workspace_alloc (cx->net, 1) : NULL;
  if (!cx->W1 || !cx->b1 || !cx->W2 || !cx->b2 || !cx->x || !cx->ws)
    {
      cstep_mlp_example_free (cx);
      GSL_ERROR_NULL ("cstep_mlp_example_alloc: out of memory", GSL_ENOMEM);
    }
  return cx;
}

void
cstep_mlp_example_free (cstep_mlp_example *cx)
{
  if (cx == NULL)
    return;
  if (cx->W1) gsl_matrix_complex_free (cx->W1);
  if (cx->b1) gsl_vector_complex_free (cx->b1);
  if (cx->W2) gsl_matrix_complex_free (cx->W2);
  if (cx->b2) gsl_vector_complex_free (cx->b2);
  if (cx->x) gsl_matrix_complex_free (cx->x);
  bp_net_workspace_free (cx->ws);
  bp_net_free (cx->net);
  free (cx);
}

/* As mlp_example_loss, in complex arithmetic. */
double complex
cstep_mlp_example_loss (const cstep_mlp_example *cx, size_t block,
                        const gsl_matrix_complex *theta)
{
  gsl_matrix_complex_const_view b1 = gsl_matrix_complex_const_view_vector (cx->b1,
                                                                          cx->b1->size, 1);
  gsl_matrix_complex_const_view b2 = gsl_matrix_complex_const_view_vector (cx->b2,
                                                                          cx->b2->size, 1);
  const gsl_matrix_complex *M[4] = { cx->W1, &b1.matrix, cx->W2, &b2.matrix }, *x = cx->x;
  switch (block)
    {
    case MLP_W1: M[0] = theta; break;
    case MLP_B1: M[1] = theta; break;
    case MLP_W2: M[2] = theta; break;
    case MLP_B2: M[3] = theta; break;
    default: x = theta; break;
    }
  return cstep_net_loss (cx->net, M, x, cx->ex->labels, cx->ws);
}
