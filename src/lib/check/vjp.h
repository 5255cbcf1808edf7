/* vjp.h -- (internal) the VJP form of bp_gradcheck_function (f->vjp):
   bp_gradcheck's arguments, checked through L(x) = <dy, F(x)>. */
#ifndef BP_CHECK_VJP_H
#define BP_CHECK_VJP_H
#include "backprop/bp_gradcheck.h"

int core_vjp (const bp_gradcheck_function *f, size_t n_blocks,
              const bp_gradcheck_block blocks[], const bp_gradcheck_block analytic[],
              const bp_gradcheck_options *opts, bp_gradcheck_result **result);

#endif /* BP_CHECK_VJP_H */
