/* plot.c -- see plot.h */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1   /* renameat2 (RENAME_EXCHANGE); NOLINT(bugprone-reserved-identifier) */
#endif
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <sys/types.h>
#include "verify/i18n.h"
#include "cli/cli.h"
#include "cli/plot.h"
#include "backprop/bp_model_file.h"

#define MONTAGE_GAP 4
#define PLOT_MAX_XTICS 10
/* The PNGs' captions (tEXt is Latin-1: not translated). */
#define PNG_CAPTION_ROW "weights of row %zu of the first layer, %zux%zu: mid-grey 0, " \
  "white %.3g, black its negative"
#define PNG_CAPTION_MONTAGE "weights of the first %zu of %zu rows of the first layer, " \
  "%zux%zu each, %zu a line: mid-grey 0, white each row's largest |w|"

int
plot_dir (const char *cmd, const char *dir)
{
  struct stat st;
  if (mkdir (dir, 0777) != 0 && !(errno == EEXIST && stat (dir, &st) == 0
                                   && S_ISDIR (st.st_mode)))
    {
      fprintf (stderr, _("%s: %s: cannot create the folder %s: %s\n"),
               program_name, cmd, dir, strerror (errno == EEXIST ? ENOTDIR : errno));
      return -1;
    }
  return 0;
}

/* ---- the set: written in a folder beside DIR, put at DIR as a whole --- */

int
plot_folder (const char *cmd, const char *dir, char **real)
{
  char cwd[4096];
  *real = NULL;
  if (plot_dir (cmd, dir) != 0)
    return -1;
  if ((*real = realpath (dir, NULL)) == NULL || getcwd (cwd, sizeof cwd) == NULL)
    {
      fprintf (stderr, _("%s: %s: cannot write %s: %s\n"), program_name, cmd, dir,
               strerror (errno));
      return -1;
    }
  /* the folder is replaced by another: the current folder (or one above
     it) would leave the run, and the shell that started it, in a
     removed folder */
  const size_t len = strlen (*real);
  if (strcmp (*real, "/") == 0
      || (strncmp (cwd, *real, len) == 0 && (cwd[len] == '\0' || cwd[len] == '/')))
    {
      fprintf (stderr, _("%s: %s: %s: the plot folder holds the current folder; a set "
                         "of plots replaces its folder as a whole: give a folder of its "
                         "own (--plot plots)\n"), program_name, cmd, dir);
      return -1;
    }
  char *stage = plot_stage (cmd, *real);   /* can a folder be made beside it? */
  if (stage == NULL)
    return -1;
  plot_discard (stage);
  free (stage);
  return 0;
}

char *
plot_stage (const char *cmd, const char *dir)
{
  const size_t len = strlen (dir);
  char *stage = malloc (len + sizeof ".XXXXXX");
  if (stage == NULL)
    {
      fprintf (stderr, _("%s: %s: out of memory\n"), program_name, cmd);
      return NULL;
    }
  memcpy (stage, dir, len);   /* ended by the next copy; NOLINT(bugprone-not-null-terminated-result) */
  memcpy (stage + len, ".XXXXXX", sizeof ".XXXXXX");
  if (mkdtemp (stage) == NULL)
    {
      fprintf (stderr, _("%s: %s: cannot create a folder beside %s for the plots: %s\n"),
               program_name, cmd, dir, strerror (errno));
      free (stage);
      return NULL;
    }
  const mode_t mask = umask (0);   /* mkdtemp's 0700: the mode mkdir would give */
  umask (mask);
  chmod (stage, 0777 & ~mask);
  return stage;
}

/* 1 when name is one of the set's files (or the temporary of one):
   curves.csv, curves.gp, curves.png, weights.png, weights-K.png. */
static int
of_the_set (const char *name)
{
  static const char *const fixed[] = { "curves.csv", "curves.gp", "curves.png",
                                       "weights.png" };
  char base[64];
  size_t n = strlen (name);
  if (n >= sizeof base)
    return 0;
  memcpy (base, name, n + 1);
  if (n > 7 && base[n - 7] == '.' && strspn (base + n - 6, "0123456789abcdef") == 6)
    base[n - 7] = '\0';   /* open_in's temporary name */
  for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
    if (strcmp (base, fixed[k]) == 0)
      return 1;
  n = strlen (base);
  return n > 12 && strncmp (base, "weights-", 8) == 0 && strcmp (base + n - 4, ".png") == 0
         && strspn (base + 8, "0123456789") == n - 12;
}

/* The entries of the folder dirfd, one by one to f (with arg); each
   name is passed once, . and .. not at all. */
static void
each_entry (int dirfd, void (*f) (int dirfd, const char *name, void *arg), void *arg)
{
  const int fd = dup (dirfd);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  rewinddir (d);   /* the duplicate shares dirfd's offset: an earlier pass left it at the end */
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      f (dirfd, e->d_name, arg);
  closedir (d);
}

/* Before the swap: a second name in the new folder for each file of
   the old one that is not of the set (the model, its lock, the user's
   files), so that no path of theirs is ever missing. */
static void
link_other (int old, const char *name, void *new)
{
  if (!of_the_set (name))
    linkat (old, name, *(int *) new, name, 0);
}

/* After the swap, in the old folder: the set's files removed; another
   entry dropped when the new folder holds it (its link), moved there
   when it does not (a folder, or a file made since); *kept counts the
   entries left. */
typedef struct { int new; int kept; } carry;

static void
carry_other (int old, const char *name, void *arg)
{
  carry *c = arg;
  struct stat was, is;
  if (fstatat (old, name, &was, AT_SYMLINK_NOFOLLOW) != 0)
    return;
  if (of_the_set (name) && !S_ISDIR (was.st_mode) && unlinkat (old, name, 0) == 0)
    return;
  if (fstatat (c->new, name, &is, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (is.st_dev == was.st_dev && is.st_ino == was.st_ino && !S_ISDIR (was.st_mode)
          && unlinkat (old, name, 0) == 0)
        return;
    }
  else if (errno == ENOENT && renameat2 (old, name, c->new, name, RENAME_NOREPLACE) == 0)
    return;
  c->kept++;
}

/* Remove the set's names and the links made by link_other from the
   folder stage (none of its entries is the only name of a file the
   user made), then the folder. */
static void
unlink_file (int dirfd, const char *name, void *arg)
{
  (void) arg;
  unlinkat (dirfd, name, 0);
}

void
plot_discard (const char *stage)
{
  const int fd = open (stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    {
      each_entry (fd, unlink_file, NULL);
      close (fd);
    }
  rmdir (stage);
}

int
plot_publish (const char *cmd, const char *stage, const char *dir)
{
  const int new = open (stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int old = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  int e = 0;
  if (new < 0)
    e = errno;
  else if (old >= 0)
    {
      if (fstat (old, &st) == 0)
        fchmod (new, st.st_mode & 07777);
      each_entry (old, link_other, (void *) &new);
    }
  /* the swap: one rename exchanging the two folders, so that dir always
     holds a whole set, the previous one until the new one is complete */
  if (e == 0 && renameat2 (AT_FDCWD, stage, AT_FDCWD, dir,
                           old >= 0 ? RENAME_EXCHANGE : RENAME_NOREPLACE) != 0)
    e = errno;
  if (e != 0)
    {
      fprintf (stderr, _("%s: %s: cannot put the plots at %s: %s\n"), program_name, cmd,
               dir, strerror (e));
      plot_discard (stage);
    }
  else if (old >= 0)
    {
      carry c = { new, 0 };
      each_entry (old, carry_other, &c);
      if (c.kept > 0 || rmdir (stage) != 0)
        fprintf (stderr, _("%s: %s: the previous plot folder is kept as %s (entries "
                           "not moved to %s: %d)\n"), program_name, cmd, stage,
                 dir, c.kept);
    }
  if (new >= 0)
    close (new);
  if (old >= 0)
    close (old);
  return e != 0 ? -1 : 0;
}

/* A file of the plot folder being written: a temporary name in the
   folder, renamed over the name when complete (a full disk leaves the
   previous file, not a cut one).  The folder is opened once and the
   files are made in it with openat (O_EXCL: never through a symbolic
   link planted there); the rename replaces such a link, not its target. */
typedef struct
{
  FILE *f;
  int dirfd;
  char name[64], tmp[80], path[4096];
} out_file;

/* Open dir/name for writing into o; NULL (after a message) on failure. */
static FILE *
open_in (const char *cmd, const char *dir, const char *name, out_file *o)
{
  static unsigned serial;
  snprintf (o->path, sizeof o->path, "%s/%s", dir, name);
  snprintf (o->name, sizeof o->name, "%s", name);
  o->f = NULL;
  o->dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = -1;
  for (int tries = 0; o->dirfd >= 0 && fd < 0 && tries < 100; tries++)
    {
      snprintf (o->tmp, sizeof o->tmp, "%s.%06x", name,
                (unsigned) (((unsigned) getpid () * 2654435761u + serial++) & 0xffffffu));
      fd = openat (o->dirfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   0666);
      if (fd < 0 && errno != EEXIST)
        break;
    }
  if (fd >= 0 && (o->f = fdopen (fd, "wb")) == NULL)
    {
      unlinkat (o->dirfd, o->tmp, 0);
      close (fd);
    }
  if (o->f == NULL)
    {
      fprintf (stderr, _("%s: %s: cannot write %s: %s\n"), program_name, cmd, o->path,
               strerror (errno));
      if (o->dirfd >= 0)
        close (o->dirfd);
    }
  return o->f;
}

/* Finish o: flushed, synced, closed and renamed over its name; on an
   error the temporary file is removed and the message printed. */
static int
close_checked (const char *cmd, out_file *o)
{
  int bad = ferror (o->f) | (fflush (o->f) != 0) | (fsync (fileno (o->f)) != 0);
  int e = errno;
  if ((fclose (o->f) != 0) && !bad)
    {
      bad = 1;
      e = errno;
    }
  if (!bad && renameat (o->dirfd, o->tmp, o->dirfd, o->name) != 0)
    {
      bad = 1;
      e = errno;
    }
  if (bad)
    {
      unlinkat (o->dirfd, o->tmp, 0);
      fprintf (stderr, _("%s: %s: cannot write %s: %s\n"), program_name, cmd, o->path,
               strerror (e));
    }
  close (o->dirfd);
  return bad ? -1 : 0;
}

/* Whether an executable named prog is on PATH. */
static int
on_path (const char *prog)
{
  const char *path = getenv ("PATH");
  char buf[4096];
  while (path != NULL && *path != '\0')
    {
      const char *colon = strchr (path, ':');
      size_t len = colon ? (size_t) (colon - path) : strlen (path);
      snprintf (buf, sizeof buf, "%.*s/%s", (int) len, len ? path : ".", prog);
      if (access (buf, X_OK) == 0)
        return 1;
      path = colon ? colon + 1 : NULL;
    }
  return 0;
}

static const char gnuplot_script[] =
  "# curves.gp -- written by backprop train --plot; run: gnuplot curves.gp\n"
  "set datafile separator ','\n"
  "set terminal png size 1000,420\n"
  "set output 'curves.png'\n";
/* then the multiplot's title, naming the model, the x axis, then the
   loss plot and the accuracy plot, each after its y range (y_range): */
static const char gnuplot_loss[] =
  "set xlabel 'epoch'\n"
  "set grid\n"
  "set ylabel 'mean cross-entropy'\n"
  "plot 'curves.csv' skip 1 using 1:2 with linespoints title 'training loss', \\\n"
  "     '' skip 1 using 1:3 with linespoints title 'validation loss'\n";
static const char gnuplot_accuracy[] =
  "set ylabel 'validation accuracy (%)'\n"
  "plot 'curves.csv' skip 1 using 1:($4*100) with linespoints title 'validation accuracy'\n"
  "unset multiplot\n";

/* gnuplot's autoscale, unless the epochs so far give columns c1 and c2
   (times scale) a single value, as after the first epoch: gnuplot warns
   on stderr of an empty range, so the range is written, pad_rel |value|
   + pad_abs either side. */
static void
y_range (FILE *f, const gsl_matrix *history, size_t c1, size_t c2, double scale,
         double pad_rel, double pad_abs)
{
  double lo = INFINITY, hi = -INFINITY;
  for (size_t e = 0; e < history->size1; e++)
    if (!isnan (gsl_matrix_get (history, e, BP_HISTORY_TRAIN_LOSS)))
      {
        const double a = scale * gsl_matrix_get (history, e, c1);
        const double b = scale * gsl_matrix_get (history, e, c2);
        lo = fmin (lo, fmin (a, b));
        hi = fmax (hi, fmax (a, b));
      }
  if (lo < hi || !isfinite (lo))
    fputs ("set autoscale y\n", f);
  else
    {
      const double pad = pad_rel * fabs (lo) + pad_abs;
      fprintf (f, "set yrange [%.9g:%.9g]\n", lo - pad, hi + pad);
    }
}

/* gnuplot's time to draw curves.png: a hanging one (a broken terminal,
   a wrapper waiting for input) must not keep train from ending. */
#define GNUPLOT_SECONDS 20

/* Wait for the child pid up to GNUPLOT_SECONDS, its status in *st; 1
   when it ended, 0 when it was killed for taking longer.  The bound is
   read from the monotonic clock: counted in 20 ms sleeps, it grew with
   the machine's load (each sleep ends late). */
static int
wait_bounded (pid_t pid, int *st)
{
  const struct timespec tick = { 0, 20000000 };   /* 20 ms */
  struct timespec t0, t;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (;;)
    {
      const pid_t got = waitpid (pid, st, WNOHANG);
      if (got == pid || (got < 0 && errno != EINTR))
        return got == pid;
      clock_gettime (CLOCK_MONOTONIC, &t);
      if ((double) (t.tv_sec - t0.tv_sec) + 1e-9 * (double) (t.tv_nsec - t0.tv_nsec)
          >= GNUPLOT_SECONDS)
        break;
      nanosleep (&tick, NULL);
    }
  kill (pid, SIGKILL);
  waitpid (pid, st, 0);
  return 0;
}

int
plot_curves (const char *cmd, const char *dir, const char *shown, const char *title,
             const gsl_matrix *history, int *png)
{
  out_file o = { NULL, -1, "", "", "" };
  *png = 0;
  FILE *f = open_in (cmd, dir, "curves.csv", &o);
  if (f == NULL)
    return -1;
  fputs ("epoch,train_loss,validation_loss,validation_accuracy,learning_rate\n", f);
  for (size_t e = 0; e < history->size1; e++)
    if (!isnan (gsl_matrix_get (history, e, BP_HISTORY_TRAIN_LOSS)))
      fprintf (f, "%zu,%.9g,%.9g,%.6f,%.9g\n", e + 1,
               gsl_matrix_get (history, e, BP_HISTORY_TRAIN_LOSS),
               gsl_matrix_get (history, e, BP_HISTORY_VALID_LOSS),
               gsl_matrix_get (history, e, BP_HISTORY_VALID_ACCURACY),
               gsl_matrix_get (history, e, BP_HISTORY_LR));
  if (close_checked (cmd, &o) != 0)
    return -1;
  if ((f = open_in (cmd, dir, "curves.gp", &o)) == NULL)
    return -1;
  fputs (gnuplot_script, f);
  fputs ("set multiplot layout 1,2 title 'backprop train: ", f);
  for (const char *c = title; *c; c++)
    fputc (*c == '\'' || *c == '\\' ? ' ' : *c, f);
  fputs ("'\n", f);
  /* at most PLOT_MAX_XTICS labelled epochs: 30 labels overlapped */
  const size_t n = history->size1;
  fprintf (f, "set xtics %zu\n",
           n <= PLOT_MAX_XTICS ? 1 : (n + PLOT_MAX_XTICS - 1) / PLOT_MAX_XTICS);
  /* the run's epochs, half an epoch either side: a one-epoch range [1:1]
     is empty */
  fprintf (f, "set xrange [0.5:%zu.5]\n", n);
  y_range (f, history, BP_HISTORY_TRAIN_LOSS, BP_HISTORY_VALID_LOSS, 1.0, 0.01, 0.01);
  fputs (gnuplot_loss, f);
  y_range (f, history, BP_HISTORY_VALID_ACCURACY, BP_HISTORY_VALID_ACCURACY, 100.0, 0.0, 0.5);
  fputs (gnuplot_accuracy, f);
  if (close_checked (cmd, &o) != 0)
    return -1;
  if (!on_path ("gnuplot"))
    return 0;
  /* gnuplot writes curves.png itself: a symbolic link planted under
     that name is removed first, so that it is not followed */
  int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat link;
  if (dirfd >= 0 && fstatat (dirfd, "curves.png", &link, AT_SYMLINK_NOFOLLOW) == 0
      && S_ISLNK (link.st_mode))
    unlinkat (dirfd, "curves.png", 0);
  if (dirfd >= 0)
    close (dirfd);
  fflush (NULL);
  pid_t pid = fork ();
  if (pid == 0)
    {
      /* the curves are drawn after every epoch: after the first,
         gnuplot warns of its one-point "empty x range" on stderr, which
         is train's (tests/train.sh failed on it); a failure is said
         below, and `gnuplot curves.gp' in the folder shows why */
      const int null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (null >= 0)
        {
          dup2 (null, STDOUT_FILENO);
          dup2 (null, STDERR_FILENO);
        }
      if (chdir (dir) == 0)
        execlp ("gnuplot", "gnuplot", "curves.gp", (char *) NULL);
      _exit (127);
    }
  int st;
  const int done = pid > 0 && wait_bounded (pid, &st);
  if (done && WIFEXITED (st) && WEXITSTATUS (st) == 0)
    *png = 1;
  else if (pid > 0 && !done)
    fprintf (stderr, _("%s: %s: gnuplot could not draw %s/curves.png (it had not ended "
                       "after %d seconds: stopped)\n"), program_name, cmd, shown,
             GNUPLOT_SECONDS);
  else
    fprintf (stderr, _("%s: %s: gnuplot could not draw %s/curves.png\n"), program_name,
             cmd, shown);
  return 0;
}

/* Grey level of weight w for a row whose largest |weight| is scale. */
static unsigned char
grey (double w, double scale)
{
  const double g = 127.5 + 127.5 * (scale > 0 ? w / scale : 0.0);
  return (unsigned char) fmin (255.0, fmax (0.0, round (g)));
}

static void
put_be32 (unsigned char *b, unsigned long v)
{
  b[0] = (unsigned char) (v >> 24);
  b[1] = (unsigned char) (v >> 16);
  b[2] = (unsigned char) (v >> 8);
  b[3] = (unsigned char) v;
}

/* A PNG chunk: its length, type and data, then the CRC-32 of the type
   and the data (the PNG specification, 5.3). */
static void
png_chunk (FILE *f, const char *type, const unsigned char *data, size_t len)
{
  unsigned char be[4];
  put_be32 (be, (unsigned long) len);
  fwrite (be, 1, 4, f);
  fwrite (type, 1, 4, f);
  uLong crc = crc32 (crc32 (0L, Z_NULL, 0), (const Bytef *) type, 4);
  if (len > 0)   /* IEND has no data (crc32 of Z_NULL is the initial value) */
    {
      fwrite (data, 1, len, f);
      crc = crc32 (crc, data, (uInt) len);
    }
  put_be32 (be, crc);
  fwrite (be, 1, 4, f);
}

/* dir/name: the width x height grey levels of pixels magnified zoom
   times, an 8-bit greyscale PNG (colour type 0, each line filter 0,
   one zlib stream) whose tEXt Title is caption. */
static int
write_png (const char *cmd, const char *dir, const char *name, const unsigned char *pixels,
           size_t width, size_t height, size_t zoom, const char *caption)
{
  const size_t w = width * zoom, h = height * zoom, line = w + 1, raw_len = h * line;
  uLongf packed_len = compressBound ((uLong) raw_len);
  unsigned char *raw = malloc (raw_len), *packed = malloc (packed_len);
  int status = -1;
  if (raw == NULL || packed == NULL)
    fprintf (stderr, _("%s: %s: out of memory\n"), program_name, cmd);
  else
    {
      for (size_t y = 0; y < h; y++)
        {
          raw[y * line] = 0;
          for (size_t x = 0; x < w; x++)
            raw[y * line + 1 + x] = pixels[(y / zoom) * width + x / zoom];
        }
      if (compress2 (packed, &packed_len, raw, (uLong) raw_len, 9) != Z_OK)
        fprintf (stderr, _("%s: %s: out of memory\n"), program_name, cmd);
      else
        {
          out_file o = { NULL, -1, "", "", "" };
          FILE *f = open_in (cmd, dir, name, &o);
          if (f != NULL)
            {
              unsigned char ihdr[13] = { 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0 };
              put_be32 (ihdr, (unsigned long) w);
              put_be32 (ihdr + 4, (unsigned long) h);
              char text[256];
              const int n = snprintf (text, sizeof text, "Title%c%s", '\0', caption);
              fwrite ("\211PNG\r\n\032\n", 1, 8, f);
              png_chunk (f, "IHDR", ihdr, sizeof ihdr);
              png_chunk (f, "tEXt", (const unsigned char *) text,
                         n < (int) sizeof text ? (size_t) n : sizeof text - 1);
              png_chunk (f, "IDAT", packed, packed_len);
              png_chunk (f, "IEND", NULL, 0);
              status = close_checked (cmd, &o);
            }
        }
    }
  free (raw);
  free (packed);
  return status;
}

/* The magnification that shows a side of `side' pixels over at least
   `least' pixels, and at least `zoom'. */
static size_t
zoom_to (size_t side, size_t least, size_t zoom)
{
  const size_t z = (least + side - 1) / side;
  return z > zoom ? z : zoom;
}

/* The rows of a matrix of `count' rows that are drawn. */
static size_t
rows_drawn (size_t count)
{
  return count < PLOT_MAX_UNITS ? count : PLOT_MAX_UNITS;
}

int
plot_weights (const char *cmd, const char *dir, const gsl_matrix *W,
                 size_t rows, size_t cols)
{
  const size_t n = rows_drawn (W->size1), side = rows > cols ? rows : cols;
  /* the ten classes of the one-layer model large, 5 a line; hidden units
     or kernels at half the size, 8 a line; a 5x5 kernel as large as an
     image (the montage's tiles at least 56 pixels, each file 112) */
  const size_t MONTAGE_PER_LINE = n <= 10 ? 5 : 8;
  const size_t zoom = zoom_to (side, n <= 10 ? 112 : 56, 1), one = zoom_to (side, 112, 1);
  const size_t lines = (n + MONTAGE_PER_LINE - 1) / MONTAGE_PER_LINE;
  const size_t per_line = n < MONTAGE_PER_LINE ? n : MONTAGE_PER_LINE;
  const size_t cw = cols * zoom + MONTAGE_GAP, ch = rows * zoom + MONTAGE_GAP;
  const size_t width = per_line * cw + MONTAGE_GAP, height = lines * ch + MONTAGE_GAP;
  unsigned char *image = malloc (rows * cols), *montage = malloc (width * height);
  int status = 0;
  char caption[160];
  if (image == NULL || montage == NULL)
    {
      fprintf (stderr, _("%s: %s: out of memory\n"), program_name, cmd);
      status = -1;
    }
  else
    memset (montage, 255, width * height);
  for (size_t k = 0; status == 0 && k < n; k++)
    {
      gsl_vector_const_view row = gsl_matrix_const_row (W, k);
      const double scale = fmax (gsl_vector_max (&row.vector), -gsl_vector_min (&row.vector));
      for (size_t p = 0; p < rows * cols; p++)
        image[p] = grey (gsl_vector_get (&row.vector, p), scale);
      char name[64];
      snprintf (name, sizeof name, "weights-%zu.png", k);
      snprintf (caption, sizeof caption, PNG_CAPTION_ROW, k, rows, cols, scale);
      status = write_png (cmd, dir, name, image, cols, rows, one, caption);
      const size_t x0 = MONTAGE_GAP + (k % MONTAGE_PER_LINE) * cw;
      const size_t y0 = MONTAGE_GAP + (k / MONTAGE_PER_LINE) * ch;
      for (size_t y = 0; y < rows * zoom; y++)
        for (size_t x = 0; x < cols * zoom; x++)
          montage[(y0 + y) * width + x0 + x] = image[(y / zoom) * cols + x / zoom];
    }
  if (status == 0)
    {
      snprintf (caption, sizeof caption, PNG_CAPTION_MONTAGE, n, W->size1, rows, cols,
                MONTAGE_PER_LINE);
      status = write_png (cmd, dir, "weights.png", montage, width, height, 1, caption);
    }
  free (image);
  free (montage);
  return status;
}
