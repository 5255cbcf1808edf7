/* shift_source.c -- the shift of softmax and log-sum-exp, once for every
   arithmetic (templates_on.h): c = v_k*, k* the first argmax of Re v.
   Chosen by the real parts, so no real exponent is positive; subtracted
   whole, imaginary part included, so that the winning term is exactly
   e^0 = 1 and the imaginary parts of the others are differences taken
   before exponentiating, not after (where they would cancel).  The shift
   is an identity of analytic functions: it changes no derivative.
   derivations/01-forward-pass.md, eq. (1.3); derivations/13-complex-step.md */
static BASE
FUNCTION (shift, of) (const TYPE (gsl_vector) *v)
{
  size_t kmax = 0;
  for (size_t k = 1; k < v->size; k++)
    if (RE (VGET (v, k)) > RE (VGET (v, kmax)))
      kmax = k;
  return VGET (v, kmax);
}
