/* plot.h -- (internal) what `backprop train --plot DIR' writes: the
   learning curves (CSV, a gnuplot script, and a PNG when gnuplot is
   installed) and the learned weight rows as PNG images. */
#ifndef BP_PLOT_H
#define BP_PLOT_H
#include <stddef.h>
#include <stdio.h>
#include <gsl/gsl_matrix.h>

/* Create dir if needed; 0 on success, else prints a message naming it. */
int plot_dir (const char *cmd, const char *dir);

/* The set of plots is written in a new folder beside DIR (plot_stage)
   and put at DIR as a whole (plot_publish): DIR holds one run's whole
   set at any time, the previous one until the next is complete.

   plot_folder checks DIR before the run: created if needed, *real its
   real path (a link to a folder: the folder; the caller frees it), not
   the current folder nor one above it (which is replaced), and a folder
   can be made beside it.  0, or -1 after a message. */
int plot_folder (const char *cmd, const char *dir, char **real);

/* A new empty folder DIR.XXXXXX for the next set (the caller frees the
   name); NULL after a message. */
char *plot_stage (const char *cmd, const char *dir);

/* Put the folder stage at dir, exchanged with the previous one in one
   rename; what the previous folder held that is not of the set (the
   model, the user's files) stays in dir, the previous set's files go.
   0, or -1 after a message (stage removed, dir as it was). */
int plot_publish (const char *cmd, const char *stage, const char *dir);

/* Remove the folder stage and its files (a set not put in place). */
void plot_discard (const char *stage);

/* dir/curves.csv (epoch,train_loss,validation_loss,validation_accuracy,
   learning_rate: one row per row of history, bp_train_state's columns,
   none for a row of NaN, an epoch whose figures were not kept),
   dir/curves.gp titled "backprop train: TITLE" (the model), and
   dir/curves.png by running gnuplot when it is on PATH (its failure
   named on the folder shown).  *png tells whether the PNG was made.  0
   on success. */
int plot_curves (const char *cmd, const char *dir, const char *shown, const char *title,
                 const gsl_matrix *history, int *png);

/* dir/weights-K.png for each row K of W, a rows x cols image, mid-grey 0,
   white the row's largest positive weight and black its most negative
   (equal scale both ways), magnified to at least 112 pixels a side; and
   dir/weights.png, a montage of them, 5 per line at least 112 pixels a
   tile for up to 10 rows (the one-layer model's classes), else 8 per
   line at least 56.  Each PNG's tEXt Title says what it shows.  Only the
   first PLOT_MAX_UNITS rows are drawn (the hidden units of a wide layer).
   0 on success. */
#define PLOT_MAX_UNITS 64
int plot_weights (const char *cmd, const char *dir, const gsl_matrix *W,
                     size_t rows, size_t cols);

#endif /* BP_PLOT_H */
