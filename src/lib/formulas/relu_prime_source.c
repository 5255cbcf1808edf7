/* relu_prime_source.c -- ReLU's derivative, once for the real arithmetics
   (templates_on.h): the activations' backward passes
   (activation_grad_source.c) and max-pooling's fused with ReLU's
   (pool_backward_source.c); derivations/11-activations.md */

/* 1 for z > 0; 0 for z <= 0: the subgradient 0 at z = 0 */
static BASE
FUNCTION (relu, prime) (BASE z)
{
  return z > ZERO ? ONE : (z <= ZERO ? ZERO : z);
}
