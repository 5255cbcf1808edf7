/* report.h -- (internal) errors of functions that read or write files:
   a message naming the file and the problem, given both to the caller's
   buffer and to the GSL error handler. */
#ifndef BP_REPORT_H
#define BP_REPORT_H
#include <stddef.h>

/* Format "PATH: MESSAGE" into err (errlen bytes, NUL-terminated; err may
   be NULL), call gsl_error with it and return code. */
int report_file_error (char *err, size_t errlen, int code, const char *path,
               const char *fmt, ...)
#ifdef __GNUC__
  __attribute__ ((format (printf, 5, 6)))
#endif
  ;

/* Open path for reading without blocking in open (a FIFO with no writer
   would wait forever) and only if it is a regular file; the descriptor,
   blocking again, in *fd.  Anything else (a FIFO, a device, a socket, a
   directory) is refused with GSL_EFAILED and a message naming what it is,
   as a failed open is. */
int open_regular (const char *path, int *fd, char *err, size_t errlen);

/* What the file type of mode st_mode is, in words ("a FIFO"). */
const char *file_type_name (unsigned st_mode);

/* For the static analyzer, which sees one file at a time: report_file_error
   returns its code argument, never GSL_SUCCESS for an error. */
#if defined __clang_analyzer__ && !defined BP_REPORT_C
# define report_file_error(err, errlen, code, ...) \
  (report_file_error ((err), (errlen), (code), __VA_ARGS__), (code))
#endif

#endif /* BP_REPORT_H */
