/* gen-examples -- write the generated blocks of the derivations.

     gen-examples              print the values of every block
     gen-examples --update DIR rewrite the blocks of the *.md files of DIR
                               by their templates (what `make
                               regen-derivations' runs on derivations/
                               and derivations/ru/)

   Each document is rewritten through a temporary file and rename(), and
   only when its text changes; a block that no document holds, or a
   document block that is not generated, is an error (exit 1). */
#define _POSIX_C_SOURCE 200809L   /* open_memstream; NOLINT(bugprone-reserved-identifier) */
#include <config.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "docgen.h"

static char *
read_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return NULL;
  char *text = NULL;
  size_t len = 0, n;
  FILE *out = open_memstream (&text, &len);
  char buf[8192];
  while (out != NULL && (n = fread (buf, 1, sizeof buf, f)) > 0)
    fwrite (buf, 1, n, out);
  int bad = ferror (f) || out == NULL;
  fclose (f);
  if (out != NULL)
    fclose (out);
  if (bad)
    {
      free (text);
      return NULL;
    }
  return text;
}

static int
write_file (const char *path, const char *text)
{
  char tmp[4200];
  snprintf (tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen (tmp, "wb");
  if (f == NULL)
    return -1;
  size_t len = strlen (text);
  int bad = fwrite (text, 1, len, f) != len;
  bad |= fclose (f) != 0;
  if (bad || rename (tmp, path) != 0)
    {
      remove (tmp);
      return -1;
    }
  return 0;
}

static int
is_markdown (const char *name)
{
  size_t len = strlen (name);
  return len > 3 && strcmp (name + len - 3, ".md") == 0;
}

/* Count the blocks of text named name. */
static size_t
count_uses (const char *text, const char *name)
{
  size_t pos = 0, tbegin, tend, begin, end, uses = 0;
  char found[128];
  while (docgen_next_block (text, &pos, found, sizeof found, &tbegin, &tend, &begin, &end)
         == 1)
    uses += strcmp (found, name) == 0;
  return uses;
}

/* Rewrite the blocks of every DIR/NAME.md: all documents are read and
   checked first, and none is written when any has a problem. */
static int
update (const char *dir, const docgen_block *blocks, size_t n)
{
  DIR *d = opendir (dir);
  if (d == NULL)
    {
      fprintf (stderr, "gen-examples: cannot open directory '%s'\n", dir);
      return 1;
    }
  size_t *uses = calloc (n, sizeof *uses);
  char **paths = NULL, **olds = NULL, **news = NULL;
  size_t count = 0;
  int status = uses == NULL;
  struct dirent *e;
  while (status == 0 && (e = readdir (d)) != NULL)
    {
      if (!is_markdown (e->d_name))
        continue;
      char path[4096], why[256] = "";
      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      /* each array kept when its growth fails: the loop below frees it */
      char **p = realloc (paths, (count + 1) * sizeof *paths);
      paths = p ? p : paths;
      char **o = p ? realloc (olds, (count + 1) * sizeof *olds) : NULL;
      olds = o ? o : olds;
      char **w = o ? realloc (news, (count + 1) * sizeof *news) : NULL;
      news = w ? w : news;
      if (w == NULL)
        {
          fprintf (stderr, "gen-examples: out of memory\n");
          status = 1;
          break;
        }
      paths[count] = strdup (path);
      olds[count] = read_file (path);
      news[count] = NULL;
      count++;
      if (olds[count - 1] == NULL)
        {
          fprintf (stderr, "gen-examples: cannot read '%s'\n", path);
          status = 1;
          break;
        }
      news[count - 1] = docgen_replace (olds[count - 1], blocks, n, why, sizeof why);
      if (news[count - 1] == NULL)
        {
          fprintf (stderr, "gen-examples: %s: %s\n", path, why);
          status = 1;
          break;
        }
      for (size_t k = 0; k < n; k++)
        uses[k] += count_uses (news[count - 1], blocks[k].name);
    }
  closedir (d);
  for (size_t k = 0; status == 0 && k < n; k++)
    if (uses[k] != 1)
      {
        fprintf (stderr, "gen-examples: block '%s' is held by %zu documents of %s, "
                 "expected 1\n", blocks[k].name, uses[k], dir);
        status = 1;
      }
  for (size_t i = 0; status == 0 && i < count; i++)
    if (strcmp (news[i], olds[i]) != 0)
      {
        if (write_file (paths[i], news[i]) != 0)
          {
            fprintf (stderr, "gen-examples: cannot write '%s'\n", paths[i]);
            status = 1;
          }
        else
          printf ("updated %s\n", paths[i]);
      }
  for (size_t i = 0; i < count; i++)
    {
      free (paths[i]);
      free (olds[i]);
      free (news[i]);
    }
  free (paths);
  free (olds);
  free (news);
  free (uses);
  return status;
}

int
main (int argc, char **argv)
{
  docgen_block *blocks;
  size_t n;
  if (!(argc == 1 || (argc == 3 && strcmp (argv[1], "--update") == 0)))
    {
      fprintf (stderr, "Usage: gen-examples [--update DIR]\n");
      return 2;
    }
  if (docgen_generate (&blocks, &n) != 0)
    {
      fprintf (stderr, "gen-examples: a computation of the library failed\n");
      return 1;
    }
  int status = 0;
  if (argc == 1)
    for (size_t k = 0; k < n; k++)
      for (size_t i = 0; i < blocks[k].n; i++)
        printf ("%s {%s}:\n%s\n\n", blocks[k].name, blocks[k].value[i].key,
                blocks[k].value[i].text);
  else
    status = update (argv[2], blocks, n);
  docgen_free (blocks, n);
  return status;
}
