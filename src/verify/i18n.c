/* i18n.c -- columns of the report that count characters, not bytes. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "verify/i18n.h"

/* The characters of UTF-8 text: every byte but the continuation bytes
   10xxxxxx (the report's math and the translations' letters are one
   column each). */
static size_t
utf8_length (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char) *s & 0xC0) != 0x80;
  return n;
}

void
print_column (FILE *out, const char *s, int width)
{
  const size_t w = (size_t) (width < 0 ? -width : width), n = utf8_length (s);
  const size_t pad = n < w ? w - n : 0;
  if (width < 0)
    fprintf (out, "%*s", (int) pad, "");
  fputs (s, out);
  if (width > 0)
    fprintf (out, "%*s", (int) pad, "");
}
