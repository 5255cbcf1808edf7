/* cli.c -- helpers shared by the commands of the backprop program. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "cli/cli.h"

int
parse_ulong (const char *s, unsigned long *out)
{
  char *end;
  errno = 0;
  if (s[0] == '-' || s[0] == '\0')
    return -1;
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
  errno = 0;
  double v = strtod (s, &end);
  if (s[0] == '\0' || errno != 0 || *end != '\0' || !isfinite (v))
    return -1;
  *out = v;
  return 0;
}
