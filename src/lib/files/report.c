/* report.c -- see report.h */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#define BP_REPORT_C   /* the definition below is not the analyzer's macro */
#include "lib/files/report.h"

/* "PATH: WHAT" into out (len bytes, len > 0); when it does not fit, the
   middle of PATH gives way to "..." so that the reason is kept whole
   (issue 21: a long path left no reason). */
static void
join_fitted (char *out, size_t len, const char *path, const char *what)
{
  const size_t np = strlen (path), nw = strlen (what);
  if (np + 2 + nw < len)
    {
      snprintf (out, len, "%s: %s", path, what);
      return;
    }
  /* the path's room: what ": WHAT" and the NUL leave, at least 16 */
  const size_t room = len > nw + 3 + 16 ? len - nw - 3 : 16;
  size_t head = room > 3 ? (room - 3) / 2 : 0, tail = room > 3 ? room - 3 - head : 0;
  if (tail > np)
    tail = np;
  while (head > 0 && ((unsigned char) path[head] & 0xC0) == 0x80)
    head--;   /* not inside a UTF-8 character */
  while (tail > 0 && ((unsigned char) path[np - tail] & 0xC0) == 0x80)
    tail--;
  snprintf (out, len, "%.*s...%s: %s", (int) head, path, path + np - tail, what);
}

int
report_file_error (char *err, size_t errlen, int code, const char *path,
           const char *fmt, ...)
{
  /* room for the longest reasons, which name a second path */
  char what[8192], msg[1024];
  va_list ap;
  va_start (ap, fmt);
  /* ap is initialized by va_start just above: a false report of clang's
     valist checker (it does not follow va_start into vsnprintf here) */
  vsnprintf (what, sizeof what, fmt, ap);   /* NOLINT(clang-analyzer-valist.Uninitialized) */
  va_end (ap);
  join_fitted (msg, sizeof msg, path, what);
  if (err != NULL && errlen > 0)
    join_fitted (err, errlen, path, what);
  gsl_error (msg, __FILE__, __LINE__, code);
  return code;
}

const char *
file_type_name (unsigned st_mode)
{
  const mode_t m = (mode_t) st_mode;
  return S_ISDIR (m) ? "a directory" : S_ISFIFO (m) ? "a FIFO" : S_ISCHR (m)
         ? "a character device" : S_ISBLK (m) ? "a block device" : S_ISSOCK (m)
         ? "a socket" : S_ISLNK (m) ? "a symbolic link" : S_ISREG (m)
         ? "a regular file" : "not a regular file";
}

int
open_regular (const char *path, int *fd, char *err, size_t errlen)
{
  struct stat st;
  *fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  char target[1024];
  ssize_t n;
  if (*fd < 0 && errno == ENOENT
      && (n = readlink (path, target, sizeof target - 1)) >= 0)
    {
      target[n] = '\0';   /* a dangling link: say so, and where it points */
      return report_file_error (err, errlen, GSL_EFAILED, path, "cannot open: a symbolic "
                                "link to '%s', which does not exist", target);
    }
  if (*fd < 0)
    return report_file_error (err, errlen, errno == ENOMEM ? GSL_ENOMEM : GSL_EFAILED,
                              path, "cannot open: %s", strerror (errno));
  if (fstat (*fd, &st) != 0)
    {
      const int e = errno;
      close (*fd);
      *fd = -1;
      return report_file_error (err, errlen, GSL_EFAILED, path, "cannot stat: %s",
                                strerror (e));
    }
  if (!S_ISREG (st.st_mode))
    {
      close (*fd);
      *fd = -1;
      return report_file_error (err, errlen, GSL_EFAILED, path, "not a regular file "
                                "but %s: refused (only regular files are read)",
                                file_type_name (st.st_mode));
    }
  const int flags = fcntl (*fd, F_GETFL);
  if (flags < 0 || fcntl (*fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    {
      const int e = errno;
      close (*fd);
      *fd = -1;
      return report_file_error (err, errlen, GSL_EFAILED, path, "cannot open: %s",
                                strerror (e));
    }
  return GSL_SUCCESS;
}
