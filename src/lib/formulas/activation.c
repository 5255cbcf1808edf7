/* activation.c -- ReLU, sigmoid, tanh; derivations/11-activations.md */
#include <config.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_activation.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/float.h"
#include "lib/valid.h"
#include "lib/formulas/layers_trusted.h"

/* The forward functions, h = f(z), for every arithmetic: activation_source.c */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/activation_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_COMPLEX
#include "lib/formulas/templates_on.h"
#include "lib/formulas/activation_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_COMPLEX

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/activation_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

/* Their derivatives, one formula each. */

/* 1 for z > 0; 0 for z <= 0: the subgradient 0 at z = 0 */
static double
relu_prime (double z)
{
  return z > 0.0 ? 1.0 : (z <= 0.0 ? 0.0 : z);
}

/* s(1-s) = t/(1+t)^2, t = e^-|z| */
static double
sigmoid_prime (double z)
{
  const double t = exp (-fabs (z));
  return t / ((1.0 + t) * (1.0 + t));
}

/* 1 - tanh^2 z = sech^2 z = 4t/(1+t)^2, t = e^-2|z| */
static double
tanh_prime (double z)
{
  const double t = exp (-2.0 * fabs (z));
  return 4.0 * t / ((1.0 + t) * (1.0 + t));
}

/* J = diag(f'(z_i)) */
static int
jacobian (const char *name, double (*fprime) (double), const gsl_vector *z,
          gsl_matrix *J)
{
  if (J->size1 != z->size || J->size2 != z->size)
    GSL_ERROR (name, GSL_EBADLEN);
  if (vector_matrix_overlap (z, J))
    GSL_ERROR ("J overlaps z (bp_common.h)", GSL_EINVAL);
  gsl_matrix_set_zero (J);
  for (size_t i = 0; i < z->size; i++)
    gsl_matrix_set (J, i, i, fprime (gsl_vector_get (z, i)));
  return GSL_SUCCESS;
}

/* dL/dz_i = f'(z_i) dL/dh_i */
static int
backward (const char *name, double (*fprime) (double), const gsl_vector *z,
          const gsl_vector *dL_dh, gsl_vector *dL_dz)
{
  if (dL_dh->size != z->size || dL_dz->size != z->size)
    GSL_ERROR (name, GSL_EBADLEN);
  for (size_t i = 0; i < z->size; i++)
    gsl_vector_set (dL_dz, i, fprime (gsl_vector_get (z, i)) * gsl_vector_get (dL_dh, i));
  return GSL_SUCCESS;
}

#define SAME_SIZE " must have z's size"
#define SQUARE ": J must be n x n for z of size n"

int
bp_relu_jacobian (const gsl_vector *z, gsl_matrix *J)
{
  if (!z || !J)
    GSL_ERROR ("bp_relu_jacobian: z and J must not be NULL", GSL_EFAULT);
  return jacobian ("bp_relu_jacobian" SQUARE, relu_prime, z, J);
}

int
bp_relu_backward (const gsl_vector *z, const gsl_vector *dL_dh, gsl_vector *dL_dz)
{
  if (!z || !dL_dh || !dL_dz)
    GSL_ERROR ("bp_relu_backward: z, dL_dh and dL_dz must not be NULL", GSL_EFAULT);
  return backward ("bp_relu_backward: dL_dh and dL_dz" SAME_SIZE, relu_prime,
                   z, dL_dh, dL_dz);
}

int
bp_sigmoid_jacobian (const gsl_vector *z, gsl_matrix *J)
{
  if (!z || !J)
    GSL_ERROR ("bp_sigmoid_jacobian: z and J must not be NULL", GSL_EFAULT);
  return jacobian ("bp_sigmoid_jacobian" SQUARE, sigmoid_prime, z, J);
}

int
bp_sigmoid_backward (const gsl_vector *z, const gsl_vector *dL_dh, gsl_vector *dL_dz)
{
  if (!z || !dL_dh || !dL_dz)
    GSL_ERROR ("bp_sigmoid_backward: z, dL_dh and dL_dz must not be NULL", GSL_EFAULT);
  return backward ("bp_sigmoid_backward: dL_dh and dL_dz" SAME_SIZE, sigmoid_prime,
                   z, dL_dh, dL_dz);
}

int
bp_tanh_jacobian (const gsl_vector *z, gsl_matrix *J)
{
  if (!z || !J)
    GSL_ERROR ("bp_tanh_jacobian: z and J must not be NULL", GSL_EFAULT);
  return jacobian ("bp_tanh_jacobian" SQUARE, tanh_prime, z, J);
}

int
bp_tanh_backward (const gsl_vector *z, const gsl_vector *dL_dh, gsl_vector *dL_dz)
{
  if (!z || !dL_dh || !dL_dz)
    GSL_ERROR ("bp_tanh_backward: z, dL_dh and dL_dz must not be NULL", GSL_EFAULT);
  return backward ("bp_tanh_backward: dL_dh and dL_dz" SAME_SIZE, tanh_prime,
                   z, dL_dh, dL_dz);
}

/* --- the CNN's chain: contiguous matrices, checked by its caller ------- */

void
relu_batch_trusted (const gsl_matrix *Z, gsl_matrix *A)
{
  const size_t count = Z->size1 * Z->size2;
  for (size_t i = 0; i < count; i++)
    A->data[i] = scalar_relu (Z->data[i]);
}

void
relu_batch_backward_trusted (const gsl_matrix *Z, const gsl_matrix *dL_dA,
                             gsl_matrix *dL_dZ)
{
  const size_t count = Z->size1 * Z->size2;
  for (size_t i = 0; i < count; i++)
    dL_dZ->data[i] = relu_prime (Z->data[i]) * dL_dA->data[i];
}

/* --- choice at run time ---------------------------------------------- */

static const char *const names[] = { "relu", "sigmoid", "tanh" };

const char *
bp_activation_name (bp_activation a)
{
  return ((unsigned) a < sizeof names / sizeof names[0]) ? names[a] : NULL;
}

int
bp_activation_from_name (const char *name, bp_activation *a)
{
  if (!name || !a)
    GSL_ERROR ("bp_activation_from_name: name and a must not be NULL", GSL_EFAULT);
  for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
    if (strcmp (name, names[k]) == 0)
      {
        *a = (bp_activation) k;
        return GSL_SUCCESS;
      }
  return GSL_EINVAL;   /* not GSL_ERROR: the caller names the bad value */
}

int
bp_activation_jacobian (bp_activation a, const gsl_vector *z, gsl_matrix *J)
{
  switch (a)
    {
    case BP_RELU: return bp_relu_jacobian (z, J);
    case BP_SIGMOID: return bp_sigmoid_jacobian (z, J);
    case BP_TANH: return bp_tanh_jacobian (z, J);
    }
  GSL_ERROR ("bp_activation_jacobian: unknown activation", GSL_EINVAL);
}

int
bp_activation_backward (bp_activation a, const gsl_vector *z,
                        const gsl_vector *dL_dh, gsl_vector *dL_dz)
{
  switch (a)
    {
    case BP_RELU: return bp_relu_backward (z, dL_dh, dL_dz);
    case BP_SIGMOID: return bp_sigmoid_backward (z, dL_dh, dL_dz);
    case BP_TANH: return bp_tanh_backward (z, dL_dh, dL_dz);
    }
  GSL_ERROR ("bp_activation_backward: unknown activation", GSL_EINVAL);
}
