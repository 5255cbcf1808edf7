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

/* Their derivatives and backward passes, for double and float:
   activation_grad_source.c */
#define BASE_DOUBLE
#include "lib/formulas/templates_on.h"
#include "lib/formulas/activation_grad_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_DOUBLE

#define BASE_FLOAT
#include "lib/formulas/templates_on.h"
#include "lib/formulas/activation_grad_source.c"
#include "lib/formulas/templates_off.h"
#undef BASE_FLOAT

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

#define SQUARE ": J must be n x n for z of size n"

int
bp_relu_jacobian (const gsl_vector *z, gsl_matrix *J)
{
  if (MISSING (z) || MISSING (J))
    GSL_ERROR ("bp_relu_jacobian: z and J must not be NULL", GSL_EFAULT);
  return jacobian ("bp_relu_jacobian" SQUARE, relu_prime, z, J);
}

int
bp_sigmoid_jacobian (const gsl_vector *z, gsl_matrix *J)
{
  if (MISSING (z) || MISSING (J))
    GSL_ERROR ("bp_sigmoid_jacobian: z and J must not be NULL", GSL_EFAULT);
  return jacobian ("bp_sigmoid_jacobian" SQUARE, sigmoid_prime, z, J);
}

int
bp_tanh_jacobian (const gsl_vector *z, gsl_matrix *J)
{
  if (MISSING (z) || MISSING (J))
    GSL_ERROR ("bp_tanh_jacobian: z and J must not be NULL", GSL_EFAULT);
  return jacobian ("bp_tanh_jacobian" SQUARE, tanh_prime, z, J);
}

/* --- choice at run time ---------------------------------------------- */

/* a switch, as bp_activation_jacobian's: no table bound to get wrong */
const char *
bp_activation_name (bp_activation a)
{
  switch (a)
    {
    case BP_RELU: return "relu";
    case BP_SIGMOID: return "sigmoid";
    case BP_TANH: return "tanh";
    }
  return NULL;
}

int
bp_activation_from_name (const char *name, bp_activation *a)
{
  if (MISSING (name) || MISSING (a))
    GSL_ERROR ("bp_activation_from_name: name and a must not be NULL", GSL_EFAULT);
  for (int k = BP_RELU; k <= BP_TANH; k++)
    if (strcmp (name, bp_activation_name ((bp_activation) k)) == 0)
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
