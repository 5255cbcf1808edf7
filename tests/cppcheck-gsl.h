/* cppcheck-gsl.h -- what cppcheck must know of GSL's error macros.
   `make lint' runs cppcheck without the system headers (parsing them is
   slow and reports on code that is not ours), so it would not know that
   GSL_ERROR and its kin return; this file, forced in with --include,
   says so, with the definitions of <gsl/gsl_errno.h> minus the handler
   call. */
#define GSL_ERROR(reason, gsl_errno) return gsl_errno
#define GSL_ERROR_VAL(reason, gsl_errno, value) return value
#define GSL_ERROR_NULL(reason, gsl_errno) return 0
#define GSL_ERROR_VOID(reason, gsl_errno) return
