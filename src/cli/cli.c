/* cli.c -- helpers shared by the commands of the backprop program. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verify/i18n.h"
#include "cli/cli.h"

int
parse_ulong (const char *s, unsigned long *out)
{
  char *end;
  /* digits only: strtoul would skip blanks, take a sign (' -1' became
     ULONG_MAX) and, in base 0, hex */
  if (!isdigit ((unsigned char) s[0]))
    return -1;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

int
parse_double (const char *s, double *out)
{
  char *end;
  /* a decimal number: no leading blank, no hex ("0x1p3"), no "inf" or
     "nan" (strtod takes them all) */
  const char *digits = s + (s[0] == '+' || s[0] == '-');
  if (!(isdigit ((unsigned char) digits[0])
        || (digits[0] == '.' && isdigit ((unsigned char) digits[1])))
      || (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')))
    return -1;
  errno = 0;
  double v = strtod (s, &end);
  if (*end != '\0' || !isfinite (v))
    return -1;
  /* ERANGE: an overflow (refused above: HUGE_VAL is not finite), or an
     underflow: to 0 (refused: "1e-400" is not 0), or to a subnormal,
     which is the value asked for (1e-310, 4.9e-324 are doubles) */
  if (errno == ERANGE && v == 0.0)
    return -1;
  *out = v;
  return 0;
}

int
parse_seed (const char *s, unsigned long *out)
{
  unsigned long v;
  if (parse_ulong (s, &v) != 0 || v < SEED_MIN || v > SEED_MAX)
    return -1;
  *out = v;
  return 0;
}

int
close_stream (FILE *stream)
{
  const int had_error = ferror (stream) != 0;
  const int failed = fclose (stream) != 0;
  if (had_error || failed)
    {
      if (!failed)
        errno = 0;   /* the error came before: its errno is gone */
      return -1;
    }
  return 0;
}

void
close_stdout (void)
{
  if (close_stream (stdout) != 0)
    {
      const int e = errno;
      fprintf (stderr, _("%s: write error%s%s\n"), program_name, e ? ": " : "",
               e ? strerror (e) : "");
      fflush (stderr);
      _Exit (EXIT_USAGE);
    }
  if (close_stream (stderr) != 0)
    _Exit (EXIT_USAGE);
}
