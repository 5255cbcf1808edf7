/* bench-conv.c -- `make bench-conv': the cost of the convolution and
   pooling layers of issue 13's CNN, batch by batch, with the batch forms
   of bp_conv.h (im2col + one dgemm) and bp_pool.h.  Not part of
   `make check' (timings are not tests).

   The network's feature layers for 28 x 28 images, batch B:
     conv 5x5 p=2 (1 -> C1) -> max-pool -> conv 5x5 p=2 (C1 -> C2) -> max-pool
   (the ReLUs are element-wise and left out).  For each step: the minimum
   and median seconds per batch over the repeats (the machine may be
   shared: the minimum is the least disturbed run), the dgemm arithmetic
   of the step (2 x rows x inner x columns) as GFLOP/s at the minimum, and
   the total for one epoch of Fashion-MNIST's 60,000 training images.
   The first layer needs no dL/dX (its input is the data).
   Usage: bench/bench-conv [--repeats N] [--batch B] [--conv C1,C2] */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "backprop.h"

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

static gsl_matrix *
random_matrix (gsl_rng *rng, size_t r, size_t c)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  if (A == NULL)
    abort ();
  for (size_t i = 0; i < r * c; i++)
    A->data[i] = gsl_rng_uniform (rng) - 0.5;
  return A;
}

enum { STEPS = 8, MAX_REPEATS = 64 };

int
main (int argc, char **argv)
{
  size_t repeats = 5, B = 64, C1 = 32, C2 = 64;
  for (int a = 1; a < argc; a++)
    {
      if (strcmp (argv[a], "--repeats") == 0 && a + 1 < argc)
        repeats = strtoul (argv[++a], NULL, 10);
      else if (strcmp (argv[a], "--batch") == 0 && a + 1 < argc)
        B = strtoul (argv[++a], NULL, 10);
      else if (strcmp (argv[a], "--conv") == 0 && a + 1 < argc
               && sscanf (argv[++a], "%zu,%zu", &C1, &C2) == 2)
        ;
      else
        {
          fprintf (stderr, "usage: %s [--repeats N] [--batch B] [--conv C1,C2]\n", argv[0]);
          return 2;
        }
    }
  if (repeats < 1 || repeats > MAX_REPEATS || B < 1 || C1 < 1 || C2 < 1)
    {
      fprintf (stderr, "%s: repeats 1..%d, batch and channels >= 1\n", argv[0], MAX_REPEATS);
      return 2;
    }
  const bp_conv_shape s1 = { .channels_in = 1, .height = 28, .width = 28, .channels_out = C1,
                            .k = 5, .pad = 2 },
                      s2 = { .channels_in = C1, .height = 14, .width = 14, .channels_out = C2,
                             .k = 5, .pad = 2 };
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_matrix *X1 = random_matrix (rng, 1, B * 784), *K1 = random_matrix (rng, C1, 25);
  gsl_matrix *cols1 = random_matrix (rng, 25, B * 784), *Y1 = random_matrix (rng, C1, B * 784);
  gsl_matrix *dK1 = random_matrix (rng, C1, 25), *P1 = random_matrix (rng, C1, B * 196);
  gsl_matrix *dY1 = random_matrix (rng, C1, B * 784);
  gsl_matrix *K2 = random_matrix (rng, C2, C1 * 25), *cols2 = random_matrix (rng, C1 * 25, B * 196);
  gsl_matrix *Y2 = random_matrix (rng, C2, B * 196), *dK2 = random_matrix (rng, C2, C1 * 25);
  gsl_matrix *dX2 = random_matrix (rng, C1, B * 196), *P2 = random_matrix (rng, C2, B * 49);
  gsl_matrix *dY2 = random_matrix (rng, C2, B * 196);
  gsl_vector *b1 = gsl_vector_calloc (C1), *b2 = gsl_vector_calloc (C2);
  gsl_vector *db1 = gsl_vector_alloc (C1), *db2 = gsl_vector_alloc (C2);
  static const char *const names[STEPS] = {
    "conv1 forward (im2col, dgemm)", "max-pool 1 forward", "conv2 forward (im2col, dgemm)",
    "max-pool 2 forward", "max-pool 2 backward", "conv2 dL/dK, dL/db, dL/dX (dgemm x 2, col2im)",
    "max-pool 1 backward", "conv1 dL/dK, dL/db (dgemm)" };
  const double f1 = 2.0 * (double) C1 * 25.0 * (double) B * 784.0;
  const double f2 = 2.0 * (double) C2 * (double) C1 * 25.0 * (double) B * 196.0;
  const double flops[STEPS] = { f1, 0, f2, 0, 0, 2 * f2, 0, f1 };
  double t[STEPS][MAX_REPEATS];
  int st = 0;
  for (size_t r = 0; r < repeats && st == 0; r++)
    {
      double t0 = now (), t1;
#define STEP(k, call) do { st |= (call); t1 = now (); t[k][r] = t1 - t0; t0 = t1; } while (0)
      STEP (0, bp_batch_conv (&s1, K1, b1, X1, cols1, Y1));
      STEP (1, bp_maxpool (Y1, 28, 28, P1));
      STEP (2, bp_batch_conv (&s2, K2, b2, P1, cols2, Y2));
      STEP (3, bp_maxpool (Y2, 14, 14, P2));
      STEP (4, bp_maxpool_backward (Y2, 14, 14, P2, dY2));
      STEP (5, bp_batch_conv_grad_weights (&s2, dY2, cols2, dK2)
               | bp_conv_grad_bias (dY2, db2)
               | bp_batch_conv_grad_input (&s2, K2, dY2, cols2, dX2));
      STEP (6, bp_maxpool_backward (Y1, 28, 28, dX2, dY1));
      STEP (7, bp_batch_conv_grad_weights (&s1, dY1, cols1, dK1) | bp_conv_grad_bias (dY1, db1));
#undef STEP
    }
  if (st != 0)
    {
      fprintf (stderr, "%s: a layer failed\n", argv[0]);
      return 1;
    }
  const double batches = 60000.0 / (double) B;
  double total_min = 0.0, total_median = 0.0, total_flops = 0.0;
  printf ("conv 5x5 p=2 1->%zu, max-pool, conv 5x5 p=2 %zu->%zu, max-pool; batch %zu; "
          "%zu repeats\n\n", C1, C1, C2, B, repeats);
  printf ("| step | min s/batch | median s/batch | GFLOP/s |\n|---|---|---|---|\n");
  for (int k = 0; k < STEPS; k++)
    {
      gsl_sort (t[k], 1, repeats);
      const double min = t[k][0], med = gsl_stats_median_from_sorted_data (t[k], 1, repeats);
      total_min += min;
      total_median += med;
      total_flops += flops[k];
      if (flops[k] > 0)
        printf ("| %s | %.4f | %.4f | %.1f |\n", names[k], min, med, flops[k] / min * 1e-9);
      else
        printf ("| %s | %.4f | %.4f | — |\n", names[k], min, med);
    }
  printf ("| all | %.4f | %.4f | %.1f |\n\n", total_min, total_median,
          total_flops / total_min * 1e-9);
  printf ("one epoch of 60,000 images (%.0f batches): %.1f s at the minimum, %.1f s at the "
          "median\n", batches, total_min * batches, total_median * batches);
  gsl_matrix *ms[] = { X1, K1, cols1, Y1, dK1, P1, dY1, K2, cols2, Y2, dK2, dX2, P2, dY2 };
  for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
    gsl_matrix_free (ms[k]);
  gsl_vector_free (b1);
  gsl_vector_free (b2);
  gsl_vector_free (db1);
  gsl_vector_free (db2);
  gsl_rng_free (rng);
  return 0;
}
