/* json.c -- JSON strings and numbers for --json (json.h). */
#include <config.h>
#include <math.h>
#include "verify/json.h"

void
json_string (FILE *out, const char *s)
{
  fputc ('"', out);
  for (const unsigned char *c = (const unsigned char *) s; *c; c++)
    if (*c == '"' || *c == '\\')
      fprintf (out, "\\%c", *c);
    else if (*c < 0x20)
      fprintf (out, "\\u%04x", *c);
    else
      fputc (*c, out);
  fputc ('"', out);
}

void
json_number (FILE *out, double x)
{
  if (isfinite (x))
    fprintf (out, "%.17g", x);
  else
    fputs ("null", out);
}
