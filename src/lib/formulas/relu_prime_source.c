/* relu_prime_source.c -- ReLU's derivative, once for the real arithmetics
   (templates_on.h): the activations' backward passes
   (activation_grad_source.c) and max-pooling's fused with ReLU's
   (pool_backward_source.c); derivations/11-activations.md */

/* 1 for z > 0; 0 for z <= 0: the subgradient 0 at z = 0 */
static BASE
FUNCTION (relu, prime) (BASE z)
{
  /* both tests made, then selections: under -ftrapping-math a test made
     only on the other's failure is a branch, and the loops over relu'
     (max-pooling's backward pass) would not vectorize */
  const int pos = z > ZERO, nonpos = z <= ZERO;
  return pos ? ONE : (nonpos ? ZERO : z);
}
