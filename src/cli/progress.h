/* progress.h -- (internal) the progress line of `backprop train' on a
   terminal: the epoch, its share done, images per second, the time left in
   the whole run and the running training loss, redrawn in place at most ten
   times a second and cut to the terminal's width (TIOCGWINSZ, else
   $COLUMNS, else 80), so it never wraps.  Nothing when stderr is not a
   terminal. */
#ifndef BP_PROGRESS_H
#define BP_PROGRESS_H
#include <stddef.h>

typedef struct
{
  int on;                  /* stderr is a terminal */
  size_t epoch, epochs;    /* 1-based */
  double start, last;      /* when the epoch began, the last redraw */
} progress;

/* on = isatty (stderr), unless forced off. */
void progress_init (progress *pr, size_t epochs);
void progress_epoch (progress *pr, size_t epoch);
/* A bp_progress_function: arg is the progress. */
void progress_show (size_t done, size_t total, double loss, void *arg);
/* Erase the line (before an epoch's summary is printed). */
void progress_clear (progress *pr);
/* The width of the terminal on fd, else $COLUMNS, else 80. */
int terminal_width (int fd);
/* Seconds on the monotonic clock. */
double seconds (void);
/* Format line into buf cut to width - 1 columns (the last column left
   empty, so that the cursor does not wrap); exposed for the tests. */
void progress_format (char *buf, size_t len, int width, size_t epoch, size_t epochs,
                      size_t done, size_t total, double elapsed, double loss);
#endif /* BP_PROGRESS_H */
