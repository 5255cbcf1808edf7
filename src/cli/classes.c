/* classes.c -- see classes.h */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "verify/i18n.h"
#include "cli/cli.h"
#include "cli/classes.h"

/* Fashion-MNIST's labels 0 .. 9 (Xiao, Rasul and Vollgraf, 2017). */
static const char *const fashion[10] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
};

/* The exit status of a file that cannot be opened: 4 when it was memory
   that failed (backprop.1), else 2; after a message naming the file. */
static int
cannot_open (const char *cmd, const char *path, int err)
{
  fprintf (stderr, _("%s: %s: %s: cannot open: %s\n"), program_name, cmd, path,
           strerror (err));
  return err == ENOMEM ? EXIT_NOT_CARRIED_OUT : EXIT_USAGE;
}

/* path opened for reading only when it is a regular file: a FIFO would
   block in open, a device (/dev/urandom) never end; NULL after a message. */
static FILE *
open_names (const char *cmd, const char *path, int *status)
{
  struct stat st;
  const int fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  FILE *f = NULL;
  *status = 0;
  if (fd >= 0 && fstat (fd, &st) == 0 && !S_ISREG (st.st_mode))
    {
      fprintf (stderr, _("%s: %s: %s: not a regular file: refused (class names are "
                  "read from a file of one name a line)\n"), program_name, cmd, path);
      *status = EXIT_USAGE;
    }
  else if (fd < 0 || fstat (fd, &st) != 0 || (f = fdopen (fd, "r")) == NULL)
    *status = cannot_open (cmd, path, errno);
  if (f == NULL && fd >= 0)
    close (fd);
  return f;
}

/* 1 when line holds a byte that is not printable text (a control
   character; UTF-8 bytes are taken). */
static int
binary (const char *line)
{
  for (const unsigned char *p = (const unsigned char *) line; *p; p++)
    if (*p < 0x20 && *p != '\t')
      return 1;
  return 0;
}

static int
names_from_file (const char *cmd, const char *path, class_names *c)
{
  int status;
  FILE *f = open_names (cmd, path, &status);
  if (f == NULL)
    return status;
  char line[256];
  size_t k = 0, extra = 0;
  int bad = 0;
  while (fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\r\n")] = '\0';
      bad |= binary (line);
      if (k < c->n)
        snprintf (c->name[k++], CLASS_NAME_MAX, "%.*s", CLASS_NAME_MAX - 1, line);
      else if (line[0] != '\0')
        extra++;   /* blank lines at the end are taken */
    }
  fclose (f);
  if (bad)
    {
      fprintf (stderr, _("%s: %s: %s: not a text file of class names (a control "
                  "character)\n"), program_name, cmd, path);
      return EXIT_USAGE;
    }
  if (k < c->n || extra > 0)
    {
      fprintf (stderr, _("%s: %s: %s: %zu class names, expected %zu (one a line)\n"),
               program_name, cmd, path, k + extra, c->n);
      return EXIT_USAGE;
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
      fprintf (stderr, _("%s: %s: out of memory\n"), program_name, cmd);
      return EXIT_NOT_CARRIED_OUT;
    }
  char path[4096];
  snprintf (path, sizeof path, "%s/classes.txt", dir);
  if (file == NULL)
    {
      /* only a folder without classes.txt falls back; a classes.txt that
         cannot be opened (out of memory, no permission) is an error, not
         the digits in place of its names */
      struct stat st;   /* not opened here: a FIFO would block */
      if (stat (path, &st) == 0)
        file = path;
      else if (errno != ENOENT)
        {
          class_names_free (c);
          return cannot_open (cmd, path, errno);
        }
    }
  if (file != NULL)
    {
      const int status = names_from_file (cmd, file, c);
      if (status != 0)
        class_names_free (c);
      return status;
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
