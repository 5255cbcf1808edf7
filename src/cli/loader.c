/* loader.c -- loading the user's library and opening the user's files
   for `backprop check' (loader.h). */
#include <config.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "cli/cli.h"
#include "lib/files/report.h"
#include "cli/loader.h"
#include "verify/i18n.h"

/* The shared objects' extension (libtool's shrext for modules). */
#define MODULE_EXT ".so"

/* What kind of file st is, for a message; NULL for a regular file. */
static const char *
not_regular (const struct stat *st)
{
  return S_ISREG (st->st_mode) ? NULL : file_type_name (st->st_mode);
}

static int
ends_with (const char *s, const char *tail)
{
  const size_t n = strlen (s), t = strlen (tail);
  return n >= t && strcmp (s + n - t, tail) == 0;
}

static char *
concat (const char *a, const char *b, const char *c)
{
  const size_t na = strlen (a), nb = strlen (b), nc = strlen (c);
  char *s = malloc (na + nb + nc + 1);
  if (s)
    snprintf (s, na + nb + nc + 1, "%s%s%s", a, b, c);
  return s;
}

/* la's shared object (its dlname='...', in .libs/ beside it while
   installed=no), newly allocated; NULL after a message. */
static char *
la_target (const char *option, const char *la)
{
  FILE *in = open_user_file (option, la);
  if (in == NULL)
    return NULL;
  char line[4096], dlname[4096] = "";
  int installed = 1, found = 0;
  while (fgets (line, sizeof line, in))
    {
      if (sscanf (line, "dlname='%4095[^']'", dlname) == 1
          || strcmp (line, "dlname=''\n") == 0)
        found = 1;
      else if (strcmp (line, "installed=no\n") == 0)
        installed = 0;
    }
  fclose (in);
  if (!found || dlname[0] == '\0')
    {
      fprintf (stderr, _("%s: check: %s: '%s' names no shared library (not a "
                         "libtool library, or built static only)\n"),
               program_name, option, la);
      return NULL;
    }
  const char *slash = strrchr (la, '/');
  char *dir = slash ? strndup (la, (size_t) (slash - la + 1)) : strdup ("");
  char *path = dir ? concat (dir, installed ? "" : ".libs/", dlname) : NULL;
  free (dir);
  if (path == NULL)
    fprintf (stderr, _("%s: check: out of memory\n"), program_name);
  return path;
}

void *
load_library (const char *option, const char *path)
{
  /* which file: path itself, or path.la, or path.so */
  char *file = NULL;
  const int bare = strchr (path, '/') == NULL;
  struct stat st;
  if (!bare)
    {
      const char *ext[] = { "", ".la", MODULE_EXT };
      for (size_t k = 0; k < 3 && file == NULL; k++)
        {
          char *f = concat (path, ext[k], "");
          if (f && stat (f, &st) == 0)
            file = f;
          else
            free (f);
          if (k == 0 && file == NULL && errno != ENOENT && errno != ENOTDIR)
            break;              /* path exists but cannot be seen: say why below */
        }
      if (file && ends_with (file, ".la") && S_ISREG (st.st_mode))
        {
          char *so = la_target (option, file);
          free (file);
          if (so == NULL)
            return NULL;
          file = so;
          if (stat (file, &st) != 0)
            {
              fprintf (stderr, _("%s: check: %s: cannot load '%s': %s\n"), program_name,
                       option, file, strerror (errno));
              free (file);
              return NULL;
            }
        }
      /* dlopen would block on a FIFO and read a device for ever */
      const char *what = file ? not_regular (&st) : NULL;
      if (what)
        {
          fprintf (stderr, _("%s: check: %s: '%s' is %s, not a shared library\n"),
                   program_name, option, file, what);
          free (file);
          return NULL;
        }
    }
  dlerror ();
  void *lib = dlopen (file ? file : path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL)
    {
      const char *why = dlerror ();
      fprintf (stderr, _("%s: check: %s: cannot load '%s': %s\n"), program_name,
               option, path, why ? why : _("unknown error"));
      if (bare && stat (path, &st) == 0)
        fprintf (stderr, _("%s: check: %s: '%s' is in the current folder, where a "
                           "name without '/' is not looked for: did you mean './%s'?\n"),
                 program_name, option, path, path);
    }
  free (file);
  return lib;
}

int
find_function (void *lib, const char *path, const char *option, const char *name,
               void *fn, size_t size)
{
  dlerror ();
  void *p = dlsym (lib, name);
  const char *why = dlerror ();
  if (p == NULL)
    {
      fprintf (stderr, _("%s: check: %s: no function '%s' in '%s' (%s)\n"), program_name,
               option, name, path, why ? why : _("its address is NULL"));
      return -1;
    }
  /* POSIX: a data pointer from dlsym holds a function's address */
  memcpy (fn, &p, size);
  return 0;
}

FILE *
open_user_file (const char *option, const char *file)
{
  int fd;
  char err[512];
  /* the library's reader of data files: no blocking open, regular only */
  if (open_regular (file, &fd, err, sizeof err) != GSL_SUCCESS)
    {
      fprintf (stderr, _("%s: check: %s: %s\n"), program_name, option, err);
      return NULL;
    }
  FILE *in = fdopen (fd, "r");
  if (in == NULL)
    {
      fprintf (stderr, _("%s: check: %s: cannot open '%s': %s\n"), program_name, option,
               file, strerror (errno));
      close (fd);
    }
  return in;
}
