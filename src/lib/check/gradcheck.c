/* gradcheck.c -- the one checker core (bp_gradcheck.h); stubs for now.
   derivations/00-numeric-check.md */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_gradcheck.h"

int
bp_gradcheck_options_default (bp_gradcheck_options *opts)
{
  (void) opts;
  GSL_ERROR ("bp_gradcheck_options_default: not implemented yet", GSL_EUNIMPL);
}

int
bp_gradcheck_method_parse (const char *name, unsigned *method)
{
  (void) name;
  (void) method;
  GSL_ERROR ("bp_gradcheck_method_parse: not implemented yet", GSL_EUNIMPL);
}

int
bp_gradcheck (const bp_gradcheck_function *f, size_t n_blocks,
              const bp_gradcheck_block blocks[],
              const bp_gradcheck_block analytic[],
              const bp_gradcheck_options *opts, bp_gradcheck_result **result)
{
  (void) f; (void) n_blocks; (void) blocks; (void) analytic; (void) opts;
  if (result)
    *result = NULL;
  GSL_ERROR ("bp_gradcheck: not implemented yet", GSL_EUNIMPL);
}

void
bp_gradcheck_result_free (bp_gradcheck_result *r)
{
  (void) r;
}

int
bp_gradcheck_fprintf (FILE *stream, const bp_gradcheck_result *r)
{
  (void) stream; (void) r;
  GSL_ERROR ("bp_gradcheck_fprintf: not implemented yet", GSL_EUNIMPL);
}

const char *
bp_gradcheck_verdict_name (bp_gradcheck_verdict v)
{
  (void) v;
  return NULL;
}
