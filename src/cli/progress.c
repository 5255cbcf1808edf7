/* progress.c -- see progress.h */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "verify/i18n.h"
#include "cli/progress.h"

double
seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

int
terminal_width (int fd)
{
  struct winsize ws;
  if (ioctl (fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  const char *c = getenv ("COLUMNS");
  long v = c ? strtol (c, NULL, 10) : 0;
  return v > 0 && v < 10000 ? (int) v : 80;
}

void
progress_init (progress *pr, size_t epochs)
{
  memset (pr, 0, sizeof *pr);
  pr->on = isatty (STDERR_FILENO);
  pr->epochs = epochs;
}

void
progress_epoch (progress *pr, size_t epoch)
{
  pr->epoch = epoch;
  pr->start = pr->last = seconds ();
}

/* s seconds as m:ss, or h:mm:ss from an hour */
static void
clock_format (char *buf, size_t len, double s)
{
  const long t = s > 0 && s < 1e9 ? (long) s : 0;
  if (t >= 3600)
    snprintf (buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    snprintf (buf, len, "%ld:%02ld", t / 60, t % 60);
}

void
progress_format (char *buf, size_t len, int width, size_t epoch, size_t epochs,
                 size_t done, size_t total, double elapsed, double loss)
{
  const double rate = elapsed > 0 ? (double) done / elapsed : 0.0;
  /* the whole run's time left: the rest of this epoch and the epochs
     after it, at this epoch's rate */
  const double after = (double) (epochs > epoch ? epochs - epoch : 0);
  const double left = rate > 0 ? ((double) (total - done) + after * (double) total) / rate
                               : 0.0;
  const int pct = (int) (100 * done / total), room = width - 1;
  char head[64], tail[128], clock[32];
  clock_format (clock, sizeof clock, left);
  snprintf (head, sizeof head, _("epoch %zu/%zu %3d%%"), epoch, epochs, pct);
  snprintf (tail, sizeof tail, _(" %.0f img/s  %s left  loss %.4g"), rate, clock, loss);
  /* the widest form that fits: with a bar of up to 30 columns, without,
     then a terse one; the last cut to the width */
  const int bar = room - (int) utf8_length (head) - (int) utf8_length (tail) - 3;
  if (bar >= 5)
    {
      const int w = bar > 30 ? 30 : bar, full = (int) ((size_t) w * done / total);
      char b[40];
      memset (b, '#', (size_t) full);
      memset (b + full, '.', (size_t) (w - full));
      b[w] = '\0';
      snprintf (buf, len, "%s [%s]%s", head, b, tail);
    }
  else if ((int) (utf8_length (head) + utf8_length (tail)) <= room)
    snprintf (buf, len, "%s%s", head, tail);
  else
    snprintf (buf, len, _("%zu/%zu %d%% %.0f img/s %s left loss %.3g"), epoch,
              epochs, pct, rate, clock, loss);
  if (room >= 0)
    utf8_cut (buf, (size_t) room);
}

void
progress_show (size_t done, size_t total, double loss, void *arg)
{
  progress *pr = arg;
  const double now = seconds ();
  if (!pr->on || (now - pr->last < 0.1 && done < total))
    return;
  pr->last = now;
  char line[512];
  progress_format (line, sizeof line, terminal_width (STDERR_FILENO), pr->epoch,
                   pr->epochs, done, total, now - pr->start, loss);
  fprintf (stderr, "\r%s\033[K", line);
  fflush (stderr);
}

void
progress_clear (progress *pr)
{
  if (pr->on)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
}
