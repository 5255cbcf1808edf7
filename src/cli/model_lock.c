/* model_lock.c -- see model_lock.h */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "verify/i18n.h"
#include "cli/cli.h"
#include "cli/model_lock.h"

/* The folder of path ("." for a bare name) and its last component. */
static char *
folder_of (const char *path, const char **base)
{
  const char *slash = strrchr (path, '/');
  *base = slash ? slash + 1 : path;
  if (slash == NULL)
    return strdup (".");
  if (slash == path)
    return strdup ("/");
  return strndup (path, (size_t) (slash - path));
}

/* The folder's longest name (POSIX's usual 255 when unknown). */
static size_t
name_max (const char *dir)
{
  const long n = pathconf (dir, _PC_NAME_MAX);
  return n < 14 ? 255 : (size_t) n;
}

/* Why errno e keeps a file from being made in a folder, with advice. */
static const char *
write_problem (int e)
{
  if (e == EROFS)
    return _("the file system is read-only (save the model on another one with "
              "--model, or mount it read-write)");
  return strerror (e);
}

static int
cannot_save (const char *cmd, const char *path, const char *why)
{
  fprintf (stderr, _("%s: %s: %s: cannot save the model there: %s\n"), program_name, cmd,
           path, why);
  return -1;
}

int
model_path_check (const char *cmd, const char *path)
{
  const char *base;
  struct stat st, dst;
  char why[128];
  if (path[0] == '\0')
    return cannot_save (cmd, "''", _("an empty name"));
  char *dir = folder_of (path, &base);
  if (dir == NULL)
    return cannot_save (cmd, path, strerror (ENOMEM));
  int status = 0;
  const size_t max = name_max (dir);
  if (base[0] == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0
      || (stat (path, &st) == 0 && S_ISDIR (st.st_mode)))
    status = cannot_save (cmd, path, _("is a folder (give a file's name)"));
  else if (strlen (base) > max)
    {
      snprintf (why, sizeof why, _("its name is %zu bytes long, longer than the %zu "
                   "the folder allows"), strlen (base), max);
      status = cannot_save (cmd, path, why);
    }
  else if (stat (dir, &dst) != 0 || !S_ISDIR (dst.st_mode))
    status = cannot_save (cmd, path, stat (dir, &dst) != 0 ? strerror (errno)
                          : _("its folder is not a folder"));
  else if (access (dir, W_OK | X_OK) != 0)
    status = cannot_save (cmd, path, write_problem (errno));
  else if (lstat (path, &st) == 0)
    {
      /* the rules of bp_model_file.h's save, checked before the first epoch */
      if (S_ISLNK (st.st_mode))
        status = cannot_save (cmd, path, _("it is a symbolic link (the model is only "
                                 "written over a regular file or a new name: give the "
                                 "link's target)"));
      else if (!S_ISREG (st.st_mode))
        status = cannot_save (cmd, path, _("it is not a regular file"));
      else if ((st.st_mode & 0222) == 0 || access (path, W_OK) != 0)
        status = cannot_save (cmd, path, errno == EROFS ? write_problem (EROFS)
                              : _("it is read-only (make it writable, or remove it, "
                                   "to replace it)"));
      /* in a sticky folder (/tmp) only the file's or the folder's owner
         may replace it: the rename of the save would fail */
      else if ((dst.st_mode & S_ISVTX) && geteuid () != 0 && st.st_uid != geteuid ()
               && dst.st_uid != geteuid ())
        status = cannot_save (cmd, path, _("it belongs to another user, in a folder "
                                 "with the sticky bit (only they may replace it)"));
    }
  free (dir);
  return status;
}

/* The lock file's name: model's, cut so that ".lock" fits NAME_MAX. */
static char *
lock_name (const char *model)
{
  const char *base;
  char *dir = folder_of (model, &base);
  if (dir == NULL)
    return NULL;
  const size_t max = name_max (dir);
  free (dir);
  const size_t dir_len = (size_t) (base - model);
  size_t base_len = strlen (base);
  if (base_len + 5 > max)
    base_len = max - 5;
  char *name = malloc (dir_len + base_len + 6);
  if (name != NULL)
    {
      memcpy (name, model, dir_len + base_len);
      memcpy (name + dir_len + base_len, ".lock", 6);
    }
  return name;
}

/* The PID written in the lock file fd, or 0 when it is not there yet. */
static long
holder (int fd)
{
  char buf[32];
  const ssize_t got = pread (fd, buf, sizeof buf - 1, 0);
  if (got <= 0)
    return 0;
  buf[got] = '\0';
  const long pid = strtol (buf, NULL, 10);
  return pid > 0 ? pid : 0;
}

/* Report MODEL.XXXXXX files (bp_model_file.h's temporary names) that hold
   a model's magic: left by a save that was killed.  They are reported,
   not removed: a program without this lock could be writing one. */
static void
report_stale (const char *cmd, const char *model)
{
  const char *base;
  char *dir = folder_of (model, &base);
  DIR *d = dir ? opendir (dir) : NULL;
  if (d == NULL)
    {
      free (dir);
      return;
    }
  size_t base_len = strlen (base);
  const size_t max = name_max (dir);
  if (base_len + 7 > max)
    base_len = max - 7;   /* as the save cuts it */
  const struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      const char *name = e->d_name;
      if (strlen (name) != base_len + 7 || strncmp (name, base, base_len) != 0
          || name[base_len] != '.' || strspn (name + base_len + 1,
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "abcdefghijklmnopqrstuvwxyz0123456789") != 6)
        continue;
      char magic[8];
      const int fd = openat (dirfd (d), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK
                             | O_CLOEXEC);
      struct stat st;
      if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode)
          && pread (fd, magic, 8, 0) == 8 && memcmp (magic, "BPMODEL\n", 8) == 0)
        fprintf (stderr, _("%s: %s: warning: %s/%s is the temporary file of a save "
                    "that was killed; remove it\n"), program_name, cmd, dir, name);
      if (fd >= 0)
        close (fd);
    }
  closedir (d);
  free (dir);
}

/* The model's identity now into l. */
static void
identify (model_lock *l)
{
  struct stat st;
  l->exists = lstat (l->model, &st) == 0;
  l->dev = l->exists ? st.st_dev : 0;
  l->ino = l->exists ? st.st_ino : 0;
}

int
model_lock_take (const char *cmd, const char *model, model_lock *l)
{
  l->fd = -1;
  l->model = model;
  if ((l->lock_path = lock_name (model)) == NULL)
    {
      fprintf (stderr, _("%s: %s: out of memory\n"), program_name, cmd);
      return EXIT_NOT_CARRIED_OUT;
    }
  /* A lock file is removed by its holder while it holds it: a process
     that locked the removed file sees that it is no longer the one at
     the name, and starts again (at most a few times: each retry means
     another run ended meanwhile). */
  for (int tries = 0; tries < 100; tries++)
    {
      const int fd = open (l->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK
                           | O_NOCTTY | O_CLOEXEC, 0666);
      struct stat mine, now;
      if (fd < 0)
        {
          const int e = errno;
          fprintf (stderr, _("%s: %s: %s: cannot save the model there: cannot create "
                      "the lock file %s: %s\n"), program_name, cmd, model, l->lock_path,
                   e == ELOOP ? _("it is a symbolic link") : write_problem (e));
          return e == ENOMEM ? EXIT_NOT_CARRIED_OUT : EXIT_USAGE;
        }
      if (fstat (fd, &mine) != 0 || !S_ISREG (mine.st_mode))
        {
          fprintf (stderr, _("%s: %s: %s: the lock file %s is not a regular file: "
                      "refused\n"), program_name, cmd, model, l->lock_path);
          close (fd);
          return EXIT_USAGE;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          const int e = errno;
          const long pid = holder (fd);
          close (fd);
          if (e == EWOULDBLOCK && pid > 0)
            fprintf (stderr, _("%s: %s: %s is being saved by another run (PID %ld, "
                        "which holds %s): refused\n"), program_name, cmd, model, pid,
                     l->lock_path);
          else if (e == EWOULDBLOCK)
            fprintf (stderr, _("%s: %s: %s is being saved by another run (which holds "
                        "%s): refused\n"), program_name, cmd, model, l->lock_path);
          else
            fprintf (stderr, _("%s: %s: %s: cannot lock %s: %s\n"), program_name, cmd,
                     model, l->lock_path, strerror (e));
          return EXIT_USAGE;
        }
      if (stat (l->lock_path, &now) != 0 || now.st_dev != mine.st_dev
          || now.st_ino != mine.st_ino)
        {
          close (fd);   /* removed by the run that held it: again */
          continue;
        }
      char pid[32];
      const int len = snprintf (pid, sizeof pid, "%ld\n", (long) getpid ());
      if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, (size_t) len, 0) != len)
        {
          const int e = errno;
          unlink (l->lock_path);
          close (fd);
          fprintf (stderr, _("%s: %s: %s: cannot save the model there: cannot write the "
                      "lock file %s: %s\n"), program_name, cmd, model, l->lock_path,
                   write_problem (e));
          return EXIT_USAGE;
        }
      l->fd = fd;
      identify (l);
      report_stale (cmd, model);
      return 0;
    }
  fprintf (stderr, _("%s: %s: %s: the lock file %s keeps being replaced: refused\n"),
           program_name, cmd, model, l->lock_path);
  return EXIT_USAGE;
}

int
model_lock_check (const char *cmd, model_lock *l)
{
  struct stat st;
  /* removed meanwhile: nothing to lose by saving */
  if (lstat (l->model, &st) != 0
      || (l->exists && st.st_dev == l->dev && st.st_ino == l->ino))
    return 0;
  fprintf (stderr, l->exists ? _("%s: %s: %s was replaced by another program during "
                                 "this run: not overwritten\n")
                   : _("%s: %s: %s was created by another program during this run: "
                       "not overwritten\n"), program_name, cmd, l->model);
  return -1;
}

void
model_lock_saved (model_lock *l)
{
  identify (l);
}

void
model_lock_release (model_lock *l)
{
  if (l->fd >= 0)
    {
      unlink (l->lock_path);   /* before the lock goes: see model_lock_take */
      close (l->fd);
    }
  l->fd = -1;
  free (l->lock_path);
  l->lock_path = NULL;
}
