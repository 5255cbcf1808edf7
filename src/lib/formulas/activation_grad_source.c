/* activation_grad_source.c -- the activations' derivatives and backward
   passes, once for the real arithmetics (templates_on.h: double, float;
   activation.c); derivations/11-activations.md.  Only the double ones
   and the run-time choice FUNCTION (bp, activation_backward) are
   bp_activation.h's: SCOPE. */
#if defined(BASE_DOUBLE)
# define SCOPE
#else
# define SCOPE static
#endif

#include "lib/formulas/relu_prime_source.c"

/* s(1-s) = t/(1+t)^2, t = e^-|z| */
static BASE
FUNCTION (sigmoid, prime) (BASE z)
{
  const BASE t = EXP (-FABS (z));
  return t / ((ONE + t) * (ONE + t));
}

/* 1 - tanh^2 z = sech^2 z = 4t/(1+t)^2, t = e^-2|z| */
static BASE
FUNCTION (tanh, prime) (BASE z)
{
  const BASE t = EXP ((BASE) -2 * FABS (z));
  return (BASE) 4 * t / ((ONE + t) * (ONE + t));
}

/* dL/dz_i = f'(z_i) dL/dh_i */
static int
FUNCTION (activation, backward_apply) (const char *name, BASE (*fprime) (BASE),
                                       const TYPE (gsl_vector) *z,
                                       const TYPE (gsl_vector) *dL_dh,
                                       TYPE (gsl_vector) *dL_dz)
{
  if (dL_dh->size != z->size || dL_dz->size != z->size)
    GSL_ERROR (name, GSL_EBADLEN);
  for (size_t i = 0; i < z->size; i++)
    VSET (dL_dz, i, fprime (VGET (z, i)) * VGET (dL_dh, i));
  return GSL_SUCCESS;
}

SCOPE int
FUNCTION (bp, relu_backward) (const TYPE (gsl_vector) *z, const TYPE (gsl_vector) *dL_dh,
                              TYPE (gsl_vector) *dL_dz)
{
  if (MISSING (z) || MISSING (dL_dh) || MISSING (dL_dz))
    GSL_ERROR (NAME (bp, relu_backward) ": z, dL_dh and dL_dz must not be NULL", GSL_EFAULT);
  return FUNCTION (activation, backward_apply) (NAME (bp, relu_backward)
                                                ": dL_dh and dL_dz must have z's size",
                                                FUNCTION (relu, prime), z, dL_dh, dL_dz);
}

SCOPE int
FUNCTION (bp, sigmoid_backward) (const TYPE (gsl_vector) *z, const TYPE (gsl_vector) *dL_dh,
                                 TYPE (gsl_vector) *dL_dz)
{
  if (MISSING (z) || MISSING (dL_dh) || MISSING (dL_dz))
    GSL_ERROR (NAME (bp, sigmoid_backward) ": z, dL_dh and dL_dz must not be NULL",
               GSL_EFAULT);
  return FUNCTION (activation, backward_apply) (NAME (bp, sigmoid_backward)
                                                ": dL_dh and dL_dz must have z's size",
                                                FUNCTION (sigmoid, prime), z, dL_dh, dL_dz);
}

SCOPE int
FUNCTION (bp, tanh_backward) (const TYPE (gsl_vector) *z, const TYPE (gsl_vector) *dL_dh,
                              TYPE (gsl_vector) *dL_dz)
{
  if (MISSING (z) || MISSING (dL_dh) || MISSING (dL_dz))
    GSL_ERROR (NAME (bp, tanh_backward) ": z, dL_dh and dL_dz must not be NULL", GSL_EFAULT);
  return FUNCTION (activation, backward_apply) (NAME (bp, tanh_backward)
                                                ": dL_dh and dL_dz must have z's size",
                                                FUNCTION (tanh, prime), z, dL_dh, dL_dz);
}

int
FUNCTION (bp, activation_backward) (bp_activation a, const TYPE (gsl_vector) *z,
                                    const TYPE (gsl_vector) *dL_dh, TYPE (gsl_vector) *dL_dz)
{
  switch (a)
    {
    case BP_RELU: return FUNCTION (bp, relu_backward) (z, dL_dh, dL_dz);
    case BP_SIGMOID: return FUNCTION (bp, sigmoid_backward) (z, dL_dh, dL_dz);
    case BP_TANH: return FUNCTION (bp, tanh_backward) (z, dL_dh, dL_dz);
    }
  GSL_ERROR (NAME (bp, activation_backward) ": unknown activation", GSL_EINVAL);
}

/* --- the CNN's chain: contiguous matrices, checked by its caller ------- */

void
FUNCTION (relu, batch_trusted) (const TYPE (gsl_matrix) *Z, TYPE (gsl_matrix) *A)
{
  const size_t count = Z->size1 * Z->size2;
  const BASE *z = Z->data;
  BASE *a = A->data;
  /* branch-free, several elements an instruction: each still z or 0;
     float32 on OpenMP's threads from 32768 elements (the CNN's first
     layer's 1.6 million a batch of 64), each element the same */
#ifdef BASE_FLOAT
# pragma omp parallel for simd schedule (static) if (count >= 32768)
#else
# pragma omp simd
#endif
  for (size_t i = 0; i < count; i++)
    a[i] = FUNCTION (scalar, relu) (z[i]);
}

void
FUNCTION (relu, batch_backward_trusted) (const TYPE (gsl_matrix) *Z,
                                         const TYPE (gsl_matrix) *dL_dA,
                                         TYPE (gsl_matrix) *dL_dZ)
{
  const size_t count = Z->size1 * Z->size2;
  const BASE *z = Z->data, *g = dL_dA->data;
  BASE *out = dL_dZ->data;   /* may be g: element i read before it is written */
#pragma omp simd
  for (size_t i = 0; i < count; i++)
    out[i] = FUNCTION (relu, prime) (z[i]) * g[i];
}

#undef SCOPE
