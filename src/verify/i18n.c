/* i18n.c -- columns of the report that count characters, not bytes. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "verify/i18n.h"
#include "backprop/bp_net.h"

/* The characters of UTF-8 text: every byte but the continuation bytes
   10xxxxxx (the report's math and the translations' letters are one
   column each) -- i18n.h. */
size_t
utf8_length (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char) *s & 0xC0) != 0x80;
  return n;
}

void
utf8_cut (char *s, size_t chars)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char) *s & 0xC0) != 0x80 && n++ == chars)
      {
        *s = '\0';
        return;
      }
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

void
print_wrapped (FILE *out, const char *s, size_t width, const char *indent)
{
  for (; *s == '\n'; s++)
    fputc ('\n', out);
  const size_t lead = utf8_length (indent);
  size_t col = 0;
  while (*s != '\0' && strcmp (s, "\n") != 0)
    {
      const char *end = s;
      while (*end != '\0' && *end != ' ' && strcmp (end, "\n") != 0)
        end++;
      size_t w = 0;
      for (const char *c = s; c < end; c++)
        w += ((unsigned char) *c & 0xC0) != 0x80;
      if (col > lead && col + 1 + w > width)
        {
          fprintf (out, "\n%s", indent);
          col = lead;
        }
      else if (col > 0)
        {
          fputc (' ', out);
          col++;
        }
      fwrite (s, 1, (size_t) (end - s), out);
      col += w;
      s = *end == ' ' ? end + 1 : end;
    }
  fputc ('\n', out);
}

/* The kinds of bp_net_describe's text, each the words it starts with. */
static const char *const net_kinds[] = {
  N_("one-layer classifier"), N_("two-layer network"), N_("convolutional network")
};

void
net_describe_local (const bp_net *net, char *buf, size_t len)
{
  char en[256], kind[64];
  const char *rest = en;
  size_t layers;
  int used;
  bp_net_describe (net, en, sizeof en);
  kind[0] = '\0';
  for (size_t k = 0; k < sizeof net_kinds / sizeof *net_kinds; k++)
    if (strncmp (en, net_kinds[k], strlen (net_kinds[k])) == 0)
      {
        snprintf (kind, sizeof kind, "%s", _(net_kinds[k]));
        rest = en + strlen (net_kinds[k]);
      }
  if (kind[0] == '\0' && sscanf (en, "%zu-layer network%n", &layers, &used) == 1
      && used > 0)
    {
      snprintf (kind, sizeof kind, _("%zu-layer network"), layers);
      rest = en + used;
    }
  static const char float32[] = " in float32";
  const size_t n = strlen (rest), f = sizeof float32 - 1;
  const int is_float = n >= f && strcmp (rest + n - f, float32) == 0;
  snprintf (buf, len, "%s%.*s%s", kind, (int) (is_float ? n - f : n), rest,
            is_float ? _(" in float32") : "");
}
