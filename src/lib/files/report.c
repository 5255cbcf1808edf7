/* report.c -- see report.h */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#define BP_REPORT_C   /* the definition below is not the analyzer's macro */
#include "lib/files/report.h"

int
report_file_error (char *err, size_t errlen, int code, const char *path,
           const char *fmt, ...)
{
  char what[512], msg[1024];
  va_list ap;
  va_start (ap, fmt);
  /* ap is initialized by va_start just above: a false report of clang's
     valist checker (it does not follow va_start into vsnprintf here) */
  vsnprintf (what, sizeof what, fmt, ap);   /* NOLINT(clang-analyzer-valist.Uninitialized) */
  va_end (ap);
  snprintf (msg, sizeof msg, "%s: %s", path, what);
  if (err != NULL && errlen > 0)
    snprintf (err, errlen, "%s", msg);
  gsl_error (msg, __FILE__, __LINE__, code);
  return code;
}
