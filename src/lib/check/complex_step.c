/* complex_step.c -- the two models' forward passes in complex arithmetic,
   composed of the formulas' complex instantiations (bp_complex_*,
   src/lib/formulas/templates_on.h), for the complex-step derivative (the
   checker's BP_GRADCHECK_COMPLEX_STEP); derivations/13-complex-step.md */
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
#include "lib/valid.h"

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
  if (MISSING (W) || MISSING (b) || MISSING (x) || MISSING (labels) || MISSING (w))
    GSL_ERROR_VAL ("bp_cstep_model_loss: W, b, x, labels and w must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (W->size1 != w->n || W->size2 != w->m || x->size1 * x->size2 != w->m)
    GSL_ERROR_VAL ("bp_cstep_model_loss: W must be n x m and x have m elements",
                   GSL_EBADLEN, GSL_NAN);
  if (bp_complex_reshape (x, w->u) != GSL_SUCCESS
      || bp_complex_linear (W, b, w->u, w->v) != GSL_SUCCESS
      || bp_complex_softmax (w->v, w->y) != GSL_SUCCESS)
    return GSL_NAN;
  return bp_complex_cross_entropy (labels, w->y);
}

/* u = reshape(x), z = W1 u + b1, h = f(z), v = W2 h + b2, L = lse(v) - labels.v */
double complex
bp_cstep_mlp_loss (bp_activation act, const gsl_matrix_complex *W1,
                   const gsl_vector_complex *b1, const gsl_matrix_complex *W2,
                   const gsl_vector_complex *b2, const gsl_matrix_complex *x,
                   const gsl_vector *labels, bp_cstep_workspace *w)
{
  if (MISSING (W1) || MISSING (b1) || MISSING (W2) || MISSING (b2) || MISSING (x)
      || MISSING (labels) || MISSING (w))
    GSL_ERROR_VAL ("bp_cstep_mlp_loss: W1, b1, W2, b2, x, labels and w must not be NULL",
                   GSL_EFAULT, GSL_NAN);
  if (w->H == 0 || W1->size1 != w->H || W1->size2 != w->m || W2->size1 != w->n
      || W2->size2 != w->H || x->size1 * x->size2 != w->m)
    GSL_ERROR_VAL ("bp_cstep_mlp_loss: W1, W2, x must be H x m, n x H, m elements",
                   GSL_EBADLEN, GSL_NAN);
  if (bp_complex_reshape (x, w->u) != GSL_SUCCESS
      || bp_complex_linear (W1, b1, w->u, w->z) != GSL_SUCCESS
      || bp_complex_activation_forward (act, w->z, w->h) != GSL_SUCCESS
      || bp_complex_linear (W2, b2, w->h, w->v) != GSL_SUCCESS)
    return GSL_NAN;
  return bp_complex_softmax_cross_entropy (labels, w->v);
}
