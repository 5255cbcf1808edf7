/* plot.c -- see plot.h */
#include <config.h>
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
#include "cli/cli.h"
#include "cli/plot.h"
#include "backprop/bp_model_file.h"

#define MONTAGE_GAP 4

int
plot_dir (const char *cmd, const char *dir)
{
  struct stat st;
  if (mkdir (dir, 0777) != 0 && !(errno == EEXIST && stat (dir, &st) == 0
                                   && S_ISDIR (st.st_mode)))
    {
      fprintf (stderr, "%s: %s: cannot create the folder %s: %s\n",
               program_name, cmd, dir, strerror (errno == EEXIST ? ENOTDIR : errno));
      return -1;
    }
  return 0;
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
      fprintf (stderr, "%s: %s: cannot write %s: %s\n", program_name, cmd, o->path,
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
      fprintf (stderr, "%s: %s: cannot write %s: %s\n", program_name, cmd, o->path,
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
/* then the multiplot's title, naming the model, then: */
static const char gnuplot_tail[] =
  "set xlabel 'epoch'\n"
  "set xtics 1\n"
  "set grid\n"
  "set ylabel 'mean cross-entropy'\n"
  "plot 'curves.csv' skip 1 using 1:2 with linespoints title 'training loss', \\\n"
  "     '' skip 1 using 1:3 with linespoints title 'validation loss'\n"
  "set ylabel 'validation accuracy (%)'\n"
  "plot 'curves.csv' skip 1 using 1:($4*100) with linespoints title 'validation accuracy'\n"
  "unset multiplot\n";

/* gnuplot's time to draw curves.png: a hanging one (a broken terminal,
   a wrapper waiting for input) must not keep train from ending. */
#define GNUPLOT_SECONDS 20
#define GNUPLOT_SECONDS_TEXT "20"

/* Wait for the child pid up to GNUPLOT_SECONDS, its status in *st; 1
   when it ended, 0 when it was killed for taking longer. */
static int
wait_bounded (pid_t pid, int *st)
{
  const struct timespec tick = { 0, 20000000 };   /* 20 ms */
  for (long t = 0; t < GNUPLOT_SECONDS * 50L; t++)
    {
      const pid_t got = waitpid (pid, st, WNOHANG);
      if (got == pid || (got < 0 && errno != EINTR))
        return got == pid;
      nanosleep (&tick, NULL);
    }
  kill (pid, SIGKILL);
  waitpid (pid, st, 0);
  return 0;
}

int
plot_curves (const char *cmd, const char *dir, const char *title,
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
  fputs (gnuplot_tail, f);
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
      if (chdir (dir) == 0)
        execlp ("gnuplot", "gnuplot", "curves.gp", (char *) NULL);
      _exit (127);
    }
  int st;
  const int done = pid > 0 && wait_bounded (pid, &st);
  if (done && WIFEXITED (st) && WEXITSTATUS (st) == 0)
    *png = 1;
  else
    fprintf (stderr, "%s: %s: gnuplot could not draw %s/curves.png%s\n",
             program_name, cmd, dir, pid > 0 && !done
             ? " (it had not ended after " GNUPLOT_SECONDS_TEXT " seconds: stopped)" : "");
  return 0;
}

/* Grey level of weight w for a row whose largest |weight| is scale. */
static unsigned char
grey (double w, double scale)
{
  const double g = 127.5 + 127.5 * (scale > 0 ? w / scale : 0.0);
  return (unsigned char) fmin (255.0, fmax (0.0, round (g)));
}

static int
write_pgm (const char *cmd, const char *dir, const char *name,
           const unsigned char *pixels, size_t width, size_t height)
{
  out_file o = { NULL, -1, "", "", "" };
  FILE *f = open_in (cmd, dir, name, &o);
  if (f == NULL)
    return -1;
  fprintf (f, "P5\n%zu %zu\n255\n", width, height);
  fwrite (pixels, 1, width * height, f);
  return close_checked (cmd, &o);
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
  const size_t n = rows_drawn (W->size1);
  /* the ten classes of the one-layer model large, 5 a line; hidden units
     at half the size, 8 a line */
  const size_t MONTAGE_PER_LINE = n <= 10 ? 5 : 8, MONTAGE_ZOOM = n <= 10 ? 4 : 2;
  const size_t lines = (n + MONTAGE_PER_LINE - 1) / MONTAGE_PER_LINE;
  const size_t per_line = n < MONTAGE_PER_LINE ? n : MONTAGE_PER_LINE;
  const size_t cw = cols * MONTAGE_ZOOM + MONTAGE_GAP, ch = rows * MONTAGE_ZOOM + MONTAGE_GAP;
  const size_t width = per_line * cw + MONTAGE_GAP, height = lines * ch + MONTAGE_GAP;
  unsigned char *image = malloc (rows * cols), *montage = malloc (width * height);
  int status = 0;
  if (image == NULL || montage == NULL)
    {
      fprintf (stderr, "%s: %s: out of memory\n", program_name, cmd);
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
      snprintf (name, sizeof name, "weights-%zu.pgm", k);
      status = write_pgm (cmd, dir, name, image, cols, rows);
      const size_t x0 = MONTAGE_GAP + (k % MONTAGE_PER_LINE) * cw;
      const size_t y0 = MONTAGE_GAP + (k / MONTAGE_PER_LINE) * ch;
      for (size_t y = 0; y < rows * MONTAGE_ZOOM; y++)
        for (size_t x = 0; x < cols * MONTAGE_ZOOM; x++)
          montage[(y0 + y) * width + x0 + x]
            = image[(y / MONTAGE_ZOOM) * cols + x / MONTAGE_ZOOM];
    }
  if (status == 0)
    status = write_pgm (cmd, dir, "weights.pgm", montage, width, height);
  free (image);
  free (montage);
  return status;
}
