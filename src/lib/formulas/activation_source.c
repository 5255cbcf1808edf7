/* activation_source.c -- h = f(z) for ReLU, sigmoid and tanh, once for
   every arithmetic (templates_on.h); derivations/11-activations.md,
   eqs. (11.3), (11.4), (11.6).  Only the double ones and the run-time
   choice FUNCTION (bp, activation_forward) are public: SCOPE. */
#if defined(BASE_DOUBLE)
# define SCOPE
#else
# define SCOPE static
#endif

/* z where Re z > 0, 0 where Re z <= 0 (NaN stays NaN): off the reals,
   ReLU extended piecewise by the real part, as Martins et al. extend
   abs(); analytic wherever Re z != 0, 0 at Re z = 0 (the subgradient) */
static BASE
FUNCTION (scalar, relu) (BASE z)
{
  return RE (z) > 0 ? z : (RE (z) <= 0 ? ZERO : z);
}

/* 1/(1+t) for Re z >= 0, t/(1+t) for Re z < 0, t = e^-z and e^z: on the
   reals t = e^-|z|, so that nothing overflows; each side analytic */
static BASE
FUNCTION (scalar, sigmoid) (BASE z)
{
  const int right = RE (z) >= 0;
  const BASE t = EXP (right ? -z : z);
  return right ? DIV (ONE, ONE + t) : DIV (t, ONE + t);
}

static BASE
FUNCTION (scalar, tanh) (BASE z)
{
  return TANH (z);
}

/* h_i = f(z_i) */
static int
FUNCTION (activation, apply) (const char *name, BASE (*f) (BASE), const TYPE (gsl_vector) *z,
                              TYPE (gsl_vector) *h)
{
  if (h->size != z->size)
    GSL_ERROR (name, GSL_EBADLEN);
  for (size_t i = 0; i < z->size; i++)
    VSET (h, i, f (VGET (z, i)));
  return GSL_SUCCESS;
}

SCOPE int
FUNCTION (bp, relu) (const TYPE (gsl_vector) *z, TYPE (gsl_vector) *h)
{
  if (MISSING (z) || MISSING (h))
    GSL_ERROR (NAME (bp, relu) ": z and h must not be NULL", GSL_EFAULT);
  return FUNCTION (activation, apply) (NAME (bp, relu) ": h must have z's size",
                                       FUNCTION (scalar, relu), z, h);
}

SCOPE int
FUNCTION (bp, sigmoid) (const TYPE (gsl_vector) *z, TYPE (gsl_vector) *h)
{
  if (MISSING (z) || MISSING (h))
    GSL_ERROR (NAME (bp, sigmoid) ": z and h must not be NULL", GSL_EFAULT);
  return FUNCTION (activation, apply) (NAME (bp, sigmoid) ": h must have z's size",
                                       FUNCTION (scalar, sigmoid), z, h);
}

SCOPE int
FUNCTION (bp, tanh) (const TYPE (gsl_vector) *z, TYPE (gsl_vector) *h)
{
  if (MISSING (z) || MISSING (h))
    GSL_ERROR (NAME (bp, tanh) ": z and h must not be NULL", GSL_EFAULT);
  return FUNCTION (activation, apply) (NAME (bp, tanh) ": h must have z's size",
                                       FUNCTION (scalar, tanh), z, h);
}

int
FUNCTION (bp, activation_forward) (bp_activation a, const TYPE (gsl_vector) *z,
                                   TYPE (gsl_vector) *h)
{
  switch (a)
    {
    case BP_RELU: return FUNCTION (bp, relu) (z, h);
    case BP_SIGMOID: return FUNCTION (bp, sigmoid) (z, h);
    case BP_TANH: return FUNCTION (bp, tanh) (z, h);
    }
  GSL_ERROR (NAME (bp, activation_forward) ": unknown activation", GSL_EINVAL);
}

#undef SCOPE
