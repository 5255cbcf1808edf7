/* complex_step.c -- the forward passes in complex arithmetic, for the
   complex-step derivative (the checker's BP_GRADCHECK_COMPLEX_STEP);
   derivations/13-complex-step.md */
#include <config.h>
#include <complex.h>
#include "lib/cmplx.h"
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_complex_math.h>
#include "backprop/bp_complex_step.h"

int
bp_cstep_vector_from_real (const gsl_vector *a, gsl_vector_complex *z)
{
  if (!a || !z)
    GSL_ERROR ("bp_cstep_vector_from_real: a and z must not be NULL", GSL_EFAULT);
  if (z->size != a->size)
    GSL_ERROR ("bp_cstep_vector_from_real: a and z must have equal sizes", GSL_EBADLEN);
  for (size_t i = 0; i < a->size; i++)
    cset (z, i, gsl_vector_get (a, i));
  return GSL_SUCCESS;
}

int
bp_cstep_matrix_from_real (const gsl_matrix *A, gsl_matrix_complex *Z)
{
  if (!A || !Z)
    GSL_ERROR ("bp_cstep_matrix_from_real: A and Z must not be NULL", GSL_EFAULT);
  if (Z->size1 != A->size1 || Z->size2 != A->size2)
    GSL_ERROR ("bp_cstep_matrix_from_real: A and Z must have equal shapes", GSL_EBADLEN);
  for (size_t i = 0; i < A->size1; i++)
    {
      gsl_vector_const_view a = gsl_matrix_const_row (A, i);
      gsl_vector_complex_view z = gsl_matrix_complex_row (Z, i);
      bp_cstep_vector_from_real (&a.vector, &z.vector);
    }
  return GSL_SUCCESS;
}

/* --- the forward pass ---------------------------------------------------- */

/* u[r*cols + c] = x[r][c] */
int
bp_cstep_reshape (const gsl_matrix_complex *x, gsl_vector_complex *u)
{
  if (!x || !u)
    GSL_ERROR ("bp_cstep_reshape: x and u must not be NULL", GSL_EFAULT);
  if (u->size != x->size1 * x->size2)
    GSL_ERROR ("bp_cstep_reshape: u must have size1*size2 of x elements", GSL_EBADLEN);
  for (size_t r = 0; r < x->size1; r++)
    for (size_t c = 0; c < x->size2; c++)
      cset (u, r * x->size2 + c, cmget (x, r, c));
  return GSL_SUCCESS;
}

/* v = W u + b */
int
bp_cstep_linear (const gsl_matrix_complex *W, const gsl_vector_complex *b,
                 const gsl_vector_complex *u, gsl_vector_complex *v)
{
  if (!W || !b || !u || !v)
    GSL_ERROR ("bp_cstep_linear: W, b, u and v must not be NULL", GSL_EFAULT);
  if (u->size != W->size2)
    GSL_ERROR ("bp_cstep_linear: u must have as many elements as W has columns",
               GSL_EBADLEN);
  if (b->size != W->size1 || v->size != W->size1)
    GSL_ERROR ("bp_cstep_linear: b and v must have as many elements as W has rows",
               GSL_EBADLEN);
  gsl_vector_complex_memcpy (v, b);
  return gsl_blas_zgemv (CblasNoTrans, GSL_COMPLEX_ONE, W, u, GSL_COMPLEX_ONE, v);
}

/* v_k* with k* = argmax_k Re v_k: the shift of softmax and log-sum-exp.
   Chosen by the real parts, so no real exponent is positive; the whole
   complex v_k* is subtracted, so that the winning term is exactly e^0 = 1
   and the imaginary parts of the others are differences taken before
   exponentiating, not after (where they would cancel). */
static double complex
shift_of (const gsl_vector_complex *v)
{
  size_t kmax = 0;
  for (size_t k = 1; k < v->size; k++)
    if (creal (cget (v, k)) > creal (cget (v, kmax)))
      kmax = k;
  return cget (v, kmax);
}

/* y_i = e^{v_i - c} / sum_k e^{v_k - c}, c = v_k*, k* = argmax Re v_k */
int
bp_cstep_softmax (const gsl_vector_complex *v, gsl_vector_complex *y)
{
  if (!v || !y)
    GSL_ERROR ("bp_cstep_softmax: v and y must not be NULL", GSL_EFAULT);
  if (y->size != v->size)
    GSL_ERROR ("bp_cstep_softmax: v and y must have equal sizes", GSL_EBADLEN);
  if (v->size == 0)
    GSL_ERROR ("bp_cstep_softmax: v must not be empty", GSL_EBADLEN);
  const double complex c = shift_of (v);
  double complex sum = 0.0;
  for (size_t i = 0; i < v->size; i++)
    {
      const double complex e = cexp (cget (v, i) - c);
      cset (y, i, e);
      sum += e;
    }
  for (size_t i = 0; i < v->size; i++)
    cset (y, i, cget (y, i) / sum);
  return GSL_SUCCESS;
}

/* L = -sum_i labels_i log y_i */
double complex
bp_cstep_cross_entropy (const gsl_vector *labels, const gsl_vector_complex *y)
{
  if (!labels || !y)
    GSL_ERROR_VAL ("bp_cstep_cross_entropy: labels and y must not be NULL", GSL_EFAULT,
                   GSL_NAN);
  if (labels->size != y->size)
    GSL_ERROR_VAL ("bp_cstep_cross_entropy: labels and y must have equal sizes",
                   GSL_EBADLEN, GSL_NAN);
  double complex L = 0.0;
  for (size_t i = 0; i < y->size; i++)
    {
      const double l = gsl_vector_get (labels, i);
      if (l != 0.0)
        L -= l * clog (cget (y, i));
    }
  return L;
}

/* L = sum_i labels_i (lse(v) - v_i), lse(v) = c + log sum_k e^{v_k - c}, c = v_k* */
double complex
bp_cstep_softmax_cross_entropy (const gsl_vector *labels, const gsl_vector_complex *v)
{
  if (!labels || !v)
    GSL_ERROR_VAL ("bp_cstep_softmax_cross_entropy: labels and v must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (labels->size != v->size)
    GSL_ERROR_VAL ("bp_cstep_softmax_cross_entropy: labels and v must have equal sizes",
                   GSL_EBADLEN, GSL_NAN);
  if (v->size == 0)
    GSL_ERROR_VAL ("bp_cstep_softmax_cross_entropy: v must not be empty",
                   GSL_EBADLEN, GSL_NAN);
  const double complex c = shift_of (v);
  double complex sum = 0.0;
  for (size_t k = 0; k < v->size; k++)
    sum += cexp (cget (v, k) - c);
  const double complex lse = c + clog (sum);
  double complex L = 0.0;
  for (size_t i = 0; i < v->size; i++)
    L += gsl_vector_get (labels, i) * (lse - cget (v, i));
  return L;
}

/* 1/(1 + e^-z) for Re z >= 0, e^z/(1 + e^z) for Re z < 0 */
static double complex
csigmoid (double complex z)
{
  if (creal (z) >= 0.0)
    return 1.0 / (1.0 + cexp (-z));
  const double complex e = cexp (z);
  return e / (1.0 + e);
}

/* z where Re z > 0, else 0: piecewise analytic, as abs() in Martins et al. */
static double complex
crelu (double complex z)
{
  return creal (z) > 0.0 ? z : 0.0;
}

static int
capply (const char *name, double complex (*f) (double complex),
        const gsl_vector_complex *z, gsl_vector_complex *h)
{
  if (!z || !h)
    GSL_ERROR (name, GSL_EFAULT);
  if (h->size != z->size)
    GSL_ERROR (name, GSL_EBADLEN);
  for (size_t i = 0; i < z->size; i++)
    cset (h, i, f (cget (z, i)));
  return GSL_SUCCESS;
}

int
bp_cstep_sigmoid (const gsl_vector_complex *z, gsl_vector_complex *h)
{
  return capply ("bp_cstep_sigmoid: z and h must not be NULL, and h must have z's size", csigmoid, z, h);
}

int
bp_cstep_tanh (const gsl_vector_complex *z, gsl_vector_complex *h)
{
  return capply ("bp_cstep_tanh: z and h must not be NULL, and h must have z's size", ctanh, z, h);
}

int
bp_cstep_relu (const gsl_vector_complex *z, gsl_vector_complex *h)
{
  return capply ("bp_cstep_relu: z and h must not be NULL, and h must have z's size", crelu, z, h);
}

int
bp_cstep_activation (bp_activation a, const gsl_vector_complex *z,
                     gsl_vector_complex *h)
{
  switch (a)
    {
    case BP_RELU: return bp_cstep_relu (z, h);
    case BP_SIGMOID: return bp_cstep_sigmoid (z, h);
    case BP_TANH: return bp_cstep_tanh (z, h);
    }
  GSL_ERROR ("bp_cstep_activation: unknown activation", GSL_EINVAL);
}

/* --- the two models --------------------------------------------------- */

bp_cstep_workspace *
bp_cstep_workspace_alloc (size_t m, size_t H, size_t n)
{
  if (m == 0 || n == 0)
    GSL_ERROR_NULL ("bp_cstep_workspace_alloc: m and n must be positive", GSL_EINVAL);
  bp_cstep_workspace *w = calloc (1, sizeof *w);
  if (w == NULL)
    GSL_ERROR_NULL ("bp_cstep_workspace_alloc: out of memory", GSL_ENOMEM);
  *w = (bp_cstep_workspace) { .m = m, .H = H, .n = n };
  w->u = gsl_vector_complex_alloc (m);
  w->v = gsl_vector_complex_alloc (n);
  w->y = gsl_vector_complex_alloc (n);
  if (H > 0)
    {
      w->z = gsl_vector_complex_alloc (H);
      w->h = gsl_vector_complex_alloc (H);
    }
  if (!w->u || !w->v || !w->y || (H > 0 && (!w->z || !w->h)))
    {
      bp_cstep_workspace_free (w);
      GSL_ERROR_NULL ("bp_cstep_workspace_alloc: out of memory", GSL_ENOMEM);
    }
  return w;
}

void
bp_cstep_workspace_free (bp_cstep_workspace *w)
{
  if (w == NULL)
    return;
  if (w->u) gsl_vector_complex_free (w->u);
  if (w->z) gsl_vector_complex_free (w->z);
  if (w->h) gsl_vector_complex_free (w->h);
  if (w->v) gsl_vector_complex_free (w->v);
  if (w->y) gsl_vector_complex_free (w->y);
  free (w);
}

/* u = reshape(x), v = W u + b, y = Softmax(v), L = CE(labels, y) */
double complex
bp_cstep_model_loss (const gsl_matrix_complex *W, const gsl_vector_complex *b,
                     const gsl_matrix_complex *x, const gsl_vector *labels,
                     bp_cstep_workspace *w)
{
  if (!W || !b || !x || !labels || !w)
    GSL_ERROR_VAL ("bp_cstep_model_loss: W, b, x, labels and w must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (W->size1 != w->n || W->size2 != w->m || x->size1 * x->size2 != w->m)
    GSL_ERROR_VAL ("bp_cstep_model_loss: W must be n x m and x have m elements",
                   GSL_EBADLEN, GSL_NAN);
  if (bp_cstep_reshape (x, w->u) != GSL_SUCCESS
      || bp_cstep_linear (W, b, w->u, w->v) != GSL_SUCCESS
      || bp_cstep_softmax (w->v, w->y) != GSL_SUCCESS)
    return GSL_NAN;
  return bp_cstep_cross_entropy (labels, w->y);
}

/* u = reshape(x), z = W1 u + b1, h = f(z), v = W2 h + b2, L = lse(v) - labels.v */
double complex
bp_cstep_mlp_loss (bp_activation act, const gsl_matrix_complex *W1,
                   const gsl_vector_complex *b1, const gsl_matrix_complex *W2,
                   const gsl_vector_complex *b2, const gsl_matrix_complex *x,
                   const gsl_vector *labels, bp_cstep_workspace *w)
{
  if (!W1 || !b1 || !W2 || !b2 || !x || !labels || !w)
    GSL_ERROR_VAL ("bp_cstep_mlp_loss: W1, b1, W2, b2, x, labels and w must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (w->H == 0 || W1->size1 != w->H || W1->size2 != w->m || W2->size1 != w->n
      || W2->size2 != w->H || x->size1 * x->size2 != w->m)
    GSL_ERROR_VAL ("bp_cstep_mlp_loss: W1, W2, x must be H x m, n x H, m elements",
                   GSL_EBADLEN, GSL_NAN);
  if (bp_cstep_reshape (x, w->u) != GSL_SUCCESS
      || bp_cstep_linear (W1, b1, w->u, w->z) != GSL_SUCCESS
      || bp_cstep_activation (act, w->z, w->h) != GSL_SUCCESS
      || bp_cstep_linear (W2, b2, w->h, w->v) != GSL_SUCCESS)
    return GSL_NAN;
  return bp_cstep_softmax_cross_entropy (labels, w->v);
}
