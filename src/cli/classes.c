/* classes.c -- see classes.h */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli/cli.h"
#include "cli/classes.h"

/* Fashion-MNIST's labels 0 .. 9 (Xiao, Rasul and Vollgraf, 2017). */
static const char *const fashion[10] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
};

static int
names_from_file (const char *cmd, const char *path, class_names *c)
{
  FILE *f = fopen (path, "r");
  if (f == NULL)
    {
      fprintf (stderr, "%s: %s: %s: cannot open: %s\n", program_name, cmd, path,
               strerror (errno));
      return -1;
    }
  char line[256];
  size_t k = 0;
  while (k < c->n && fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\r\n")] = '\0';
      snprintf (c->name[k++], CLASS_NAME_MAX, "%.*s", CLASS_NAME_MAX - 1, line);
    }
  fclose (f);
  if (k < c->n)
    {
      fprintf (stderr, "%s: %s: %s: %zu class names, expected %zu (one a line)\n",
               program_name, cmd, path, k, c->n);
      return -1;
    }
  return 0;
}

/* 1 when s contains "fashion", in any case. */
static int
names_fashion (const char *s)
{
  for (; *s; s++)
    if (strncasecmp (s, "fashion", 7) == 0)
      return 1;
  return 0;
}

int
class_names_load (const char *cmd, const char *file, const char *dir, size_t n,
                  class_names *c)
{
  c->n = n;
  c->name = calloc (n ? n : 1, sizeof *c->name);
  if (c->name == NULL)
    {
      fprintf (stderr, "%s: %s: out of memory\n", program_name, cmd);
      return -1;
    }
  char path[4096];
  snprintf (path, sizeof path, "%s/classes.txt", dir);
  FILE *f;
  if (file == NULL && (f = fopen (path, "r")) != NULL)
    {
      fclose (f);
      file = path;
    }
  if (file != NULL)
    {
      if (names_from_file (cmd, file, c) == 0)
        return 0;
      class_names_free (c);
      return -1;
    }
  for (size_t k = 0; k < n; k++)
    if (n == 10 && names_fashion (dir))
      snprintf (c->name[k], CLASS_NAME_MAX, "%s", fashion[k]);
    else
      snprintf (c->name[k], CLASS_NAME_MAX, "%zu", k);
  return 0;
}

void
class_names_free (class_names *c)
{
  free (c->name);
  c->name = NULL;
}
