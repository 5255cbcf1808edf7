/* bench.c -- `make bench': how fast backprop is, and how close to the
   machine's limit.  Not part of `make check' (timings are not tests).

   Each measurement is a section (the table `sections' below); each prints
   Markdown table rows, the figure taken as the minimum over repeats (the
   machine may be shared: the minimum is the run least disturbed by other
   work; the median is printed beside it).
     machine   CPU model, cores, the CBLAS linked, OpenMP threads
     verify    `backprop verify' in full mode (every partial) and in
               --fast mode, on the slides' model (W 10x784)
     scaling   the same for n classes in {10, 100}, m inputs in {784, 3072}
     peak      the dgemm peak: gsl_blas_dgemm of 2000 x 2000 matrices
               through the CBLAS configure chose, in GFLOP/s
     epoch     (when training is built) one epoch per batch size, its
               FLOP rate as a fraction of the peak
     memory    the peak resident memory of this process (getrusage)
     gradcheck bp_gradcheck's directional method on a mean of 10^6
               weighted squares: the right gradient, and one element
               wrong, localized by group testing (derivations/00, eq.
               (0.12a)); each verdict is checked
     compare   one epoch of `backprop train''s loop, batch 64, of the
               one-layer 784-10 and the two-layer 784-256-10 (ReLU, SGD
               with momentum and the cosine rate) on 60,000 synthetic
               images, as rows to put beside bench/torch_train.py's
               (bench/compare.sh does): not run by default
     gemm      sgemm and dgemm on the products of one batch of 64 of the
               models of compare and cnn, shape by shape, and their sum
               over an epoch: the floor an epoch of the same BLAS calls
               cannot go below; not run by default
     cnn       batches of 64 of `backprop train --conv C1,C2 --hidden H''s
               network (bp_net_train_epoch, float64: --conv, --hidden,
               --batches), on the first images of Fashion-MNIST's training
               set when --data names it, else synthetic 28x28 images: rows
               and RESULT lines beside bench/torch_train.py --cnn's
               (bench/compare.sh --cnn does), the parameters' checksum
               after the first epoch, the process's peak memory; not run
               by default
     compare32, cnn32  the same epochs in float32 (bp_net_train_epoch of
               the float32 rows), rows and RESULT lines of arithmetic
               float32 (linear32, mlp32: compare32's one model); not run
               by default
   Usage: bench/bench [--repeats N] [--threads T] [--conv C1,C2] [--hidden H]
     [--batches N] [--data DIR] [SECTION]...  (default: all but gemm,
   compare and cnn; --threads sets OpenBLAS's threads for the epochs and
   gemm, OpenMP's too for cnn and cnn32; cnn32 keeps OpenBLAS on one) */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#ifdef _OPENMP
# include <omp.h>
#endif
#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "verify/example.h"
#include "verify/verify.h"
#include "cli/blas_threads.h"
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include "backprop/bp_gradcheck.h"
#include "backprop/bp_net.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_vector_float.h>
#include "cli/cli.h"

/* blas_threads.c names the program in its warnings (cli.h) */
const char *program_name = "bench";

typedef struct
{
  size_t repeats;        /* of each timing */
  double peak_gflops;    /* measured by section peak, 0 before */
  FILE *devnull;         /* where the verify tables go */
  int threads;           /* --threads, 0 when not given */
  size_t C1, C2, H;      /* --conv C1,C2 and --hidden H: section cnn's network */
  size_t batches;        /* --batches: section cnn's batches of 64 per epoch */
  const char *data;      /* --data: Fashion-MNIST's folder, NULL: synthetic */
} bench;

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* The minimum and median of k timings t (sorted in place). */
static void
summarise (double *t, size_t k, double *min, double *median)
{
  gsl_sort (t, 1, k);
  *min = t[0];
  *median = gsl_stats_median_from_sorted_data (t, 1, k);
}

/* ---- machine --------------------------------------------------------- */

static void
cpu_model (char *buf, size_t len)
{
  FILE *f = fopen ("/proc/cpuinfo", "r");
  char line[512];
  snprintf (buf, len, "unknown");
  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, "model name", 10) == 0)
      {
        const char *colon = strchr (line, ':');
        if (colon)
          {
            snprintf (buf, len, "%s", colon + 2);
            buf[strcspn (buf, "\n")] = '\0';
          }
        break;
      }
  if (f)
    fclose (f);
}

static int
section_machine (bench *b)
{
  char model[256];
  const char *obt = getenv ("OPENBLAS_NUM_THREADS");
  cpu_model (model, sizeof model);
  printf ("| CPU | %s |\n| cores online | %ld |\n", model, sysconf (_SC_NPROCESSORS_ONLN));
  printf ("| CBLAS | %s |\n| checker threads | %zu (OpenMP; OMP_NUM_THREADS limits) |\n",
          BP_CBLAS, bp_gradcheck_threads ((size_t) -1));
  printf ("| OPENBLAS_NUM_THREADS | %s |\n| repeats | %zu, minimum reported |\n",
          obt ? obt : "(unset)", b->repeats);
  FILE *f = fopen ("/proc/loadavg", "r");
  double load;
  if (f && fscanf (f, "%lf", &load) == 1)
    printf ("| load average (1 min) at start | %.2f |\n", load);
  if (f)
    fclose (f);
  return 0;
}

/* ---- peak ------------------------------------------------------------ */

/* Seconds of one C = A B of k x k matrices by gsl_blas_dgemm. */
static double
dgemm_seconds (size_t k)
{
  gsl_matrix *A = gsl_matrix_alloc (k, k), *B = gsl_matrix_alloc (k, k);
  gsl_matrix *C = gsl_matrix_alloc (k, k);
  if (!A || !B || !C)
    abort ();
  for (size_t i = 0; i < k * k; i++)
    {
      A->data[i] = (double) (i % 7) / 7.0;
      B->data[i] = (double) (i % 11) / 11.0;
    }
  const double t0 = now ();
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, C);
  const double t = now () - t0;
  gsl_matrix_free (A);
  gsl_matrix_free (B);
  gsl_matrix_free (C);
  return t;
}

static int
section_peak (bench *b)
{
  const size_t k = 2000;
  const double flop = 2.0 * (double) k * (double) k * (double) k;
  blas_threads_default ((int) sysconf (_SC_NPROCESSORS_ONLN));   /* every core */
  /* A slow reference CBLAS takes seconds per product: fewer repeats then. */
  const double probe = dgemm_seconds (500) * 64.0;
  size_t reps = probe > 2.0 ? 1 : b->repeats;
  double t[64], min, median;
  for (size_t r = 0; r < reps; r++)
    t[r] = dgemm_seconds (k);
  summarise (t, reps, &min, &median);
  b->peak_gflops = flop / min * 1e-9;
  printf ("| dgemm %zux%zu (%.1f GFLOP) | %.3f s | %.3f s | %.1f GFLOP/s (%zu runs) |\n",
          k, k, flop * 1e-9, min, median, b->peak_gflops, reps);
  return 0;
}

/* ---- verify ---------------------------------------------------------- */

/* Time `backprop verify' (full, or fast with that many directions) on an
   example of n classes and a rows x cols image; 0 on success, 1 if a row
   failed, -1 on error. */
static int
time_verify (bench *b, size_t n, size_t rows, size_t cols, size_t directions,
             size_t repeats, double *min, double *median)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  /* W's spread scaled so that v = W u + b spreads as on the slides' model
     (sigma 0.05 at m = 784): with 100 classes and wider logits some y_i
     fall below the step 1e-4 of the dL/dy row, whose central difference
     then takes log of a negative number. */
  const double w_sigma = 0.05 * sqrt (784.0 / (double) (rows * cols));
  example *ex = example_alloc (n, rows, cols, w_sigma, LABELS_SOFT, rng);
  double t[64];
  int failures = ex ? 0 : -1;
  for (size_t r = 0; failures == 0 && r < repeats; r++)
    {
      const double t0 = now ();
      failures = directions
        ? verify_run_fast (ex, directions, rng, BP_CHECK_RTOL, BP_CHECK_ATOL, b->devnull)
        : verify_run (ex, BP_CHECK_RTOL, BP_CHECK_ATOL, b->devnull);
      t[r] = now () - t0;
    }
  if (failures == 0)
    summarise (t, repeats, min, median);
  example_free (ex);
  gsl_rng_free (rng);
  return failures;
}

static int
verify_row (bench *b, size_t n, size_t rows, size_t cols, size_t repeats)
{
  const size_t m = rows * cols, partials = n + n * n + n + m + n + n * m + m + n;
  double full, full_med, fast, fast_med, one, one_med;
  if (time_verify (b, n, rows, cols, 0, repeats, &full, &full_med) != 0
      || time_verify (b, n, rows, cols, BP_CHECK_DIRECTIONS, b->repeats, &fast,
                      &fast_med) != 0
      || time_verify (b, n, rows, cols, 1, b->repeats, &one, &one_med) != 0)
    {
      fprintf (stderr, "bench: verify %zux%zu failed\n", n, m);
      return 1;
    }
  printf ("| %zu | %zu (%zux%zu) | %zu | %.4f s | %.4f s | %.2f ms | %.2f ms | %.2f ms "
          "| %.2f us |\n", n, m, rows, cols, partials, full, full_med, fast * 1e3,
          fast_med * 1e3, one * 1e3, full / (double) partials * 1e6);
  return 0;
}

/* Full: every partial; fast: BP_CHECK_DIRECTIONS directions per row; and
   one direction per row, the closest to gradcheck's fast mode (which
   checks one direction of one function). */
static void
table_header (void)
{
  printf ("| n | m | partials (full) | full min | full median | fast min | fast median "
          "| fast, 1 direction, min | full per partial |\n"
          "|---|---|---|---|---|---|---|---|---|\n");
}

static int
section_verify (bench *b)
{
  blas_threads_default (1);      /* as `backprop verify' */
  table_header ();
  return verify_row (b, 10, 28, 28, b->repeats);
}

static int
section_scaling (bench *b)
{
  static const size_t ns[] = { 10, 100 };
  static const size_t shapes[][2] = { { 28, 28 }, { 32, 96 } };  /* 784, 3072 = 32x32x3 */
  blas_threads_default (1);
  int failed = 0;
  table_header ();
  for (size_t i = 0; i < 2; i++)
    for (size_t s = 0; s < 2; s++)
      {
        /* the largest (300k partials) takes seconds: fewer repeats */
        const size_t big = ns[i] * shapes[s][0] * shapes[s][1] > 100000;
        failed |= verify_row (b, ns[i], shapes[s][0], shapes[s][1],
                              big ? 1 + b->repeats / 4 : b->repeats);
      }
  return failed;
}

/* ---- epoch ----------------------------------------------------------- */

/* One training epoch (bp_net_train_epoch of bp_net_linear, the SGD of `backprop train') per
   batch size 1, 16, 64, 256, on 60,000 synthetic 28x28 images with 10
   classes (the size of Fashion-MNIST's training set; the time does not
   depend on the pixel values): seconds, images per second, and the FLOP
   rate against the dgemm peak.  An epoch's arithmetic is the two products
   of each batch, V = U W^T and dL/dW = dL/dV^T U: 4 N n m = 1.88 GFLOP
   (softmax, bias and update are O(N n + n m) per batch, left out).  The
   epoch alone, as PyTorch's figure: no test-set evaluation; the loss only
   in the row that asks for it (backprop train does, to print it). */
static int
section_epoch (bench *b)
{
  enum { N = 60000, n = 10, rows = 28, cols = 28, m = rows * cols };
  static const size_t batches[] = { 1, 16, 64, 64, 256 };
  const size_t with_loss = 3;   /* batches[3]: asking for the loss, as backprop train does */
  const double gflop = 4.0 * N * n * m * 1e-9;
  if (b->peak_gflops == 0.0)
    {
      printf ("(the peak first)\n\n");
      section_peak (b);
      printf ("\n");
    }
  bp_dataset d = { .count = N, .rows = rows, .cols = cols, .n_classes = n };
  d.images = malloc ((size_t) N * m);
  d.labels = malloc (N);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (!d.images || !d.labels || !rng)
    abort ();
  for (size_t k = 0; k < (size_t) N * m; k++)
    d.images[k] = (unsigned char) gsl_rng_uniform_int (rng, 256);
  for (size_t k = 0; k < N; k++)
    d.labels[k] = (unsigned char) gsl_rng_uniform_int (rng, n);
  printf ("| batch | epoch min | epoch median | images/s | GFLOP/s | of dgemm peak |\n"
          "|---|---|---|---|---|---|\n");
  int status = 0;
  for (size_t i = 0; i < sizeof batches / sizeof batches[0] && status == 0; i++)
    {
      double loss;
      bp_sgd_params p = bp_net_linear->defaults;
      p.batch = batches[i];
      const bp_net_shape s = { .rows = rows, .cols = cols, .n = n };
      bp_net *net = bp_net_alloc (bp_net_linear, &s);   /* zero, as W and b were */
      bp_net_trainer *t = net ? bp_net_trainer_alloc (net, N, p.batch) : NULL;
      if (!t)
        abort ();
      const size_t reps = p.batch == 1 ? 1 + b->repeats / 4 : b->repeats;
      double tm[64], min, median;
      for (size_t r = 0; r < reps && status == 0; r++)
        {
          const double t0 = now ();
          status = bp_net_train_epoch (&d, &p, 0, rng, t, NULL, NULL, net,
                                       i == with_loss ? &loss : NULL);
          tm[r] = now () - t0;
        }
      if (status == 0)
        {
          summarise (tm, reps, &min, &median);
          printf ("| %zu%s | %.3f s | %.3f s | %.0f | %.2f | %.1f%% |\n", p.batch,
                  i == with_loss ? " and the loss" : "", min, median,
                  N / min, gflop / min, 100.0 * gflop / min / b->peak_gflops);
        }
      bp_net_trainer_free (t);
      bp_net_free (net);
    }
  free (d.images);
  free (d.labels);
  gsl_rng_free (rng);
  return status != 0;
}

/* ---- compare ------------------------------------------------------- */

/* 60,000 synthetic 28x28 images of 10 classes (the time does not depend
   on the pixel values). */
static bp_dataset
synthetic (gsl_rng *rng)
{
  enum { N = 60000, m = 784 };
  bp_dataset d = { .count = N, .rows = 28, .cols = 28, .n_classes = 10 };
  d.images = malloc ((size_t) N * m);
  d.labels = malloc (N);
  if (!d.images || !d.labels)
    abort ();
  for (size_t k = 0; k < (size_t) N * m; k++)
    d.images[k] = (unsigned char) gsl_rng_uniform_int (rng, 256);
  for (size_t k = 0; k < N; k++)
    d.labels[k] = (unsigned char) gsl_rng_uniform_int (rng, 10);
  return d;
}

/* CPU seconds of this process, all threads (CLOCK_PROCESS_CPUTIME_ID):
   what an epoch costs whatever else the machine runs. */
static double
cpu_now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* Rows "| backprop | model | float64 | threads | min | median | CPU |";
   and "RESULT backprop MODEL float64 THREADS MEDIAN CPU_MEDIAN" lines on
   stderr for bench/compare.sh. */
static int
section_compare (bench *b)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    abort ();
  bp_dataset d = synthetic (rng);
  const int threads = b->threads ? b->threads : 1;
  blas_threads_default (threads);
  printf ("| program | model | arithmetic | threads | epoch min | epoch median "
          "| CPU median |\n|---|---|---|---|---|---|---|\n");
  int status = 0;
  for (int hidden = 0; hidden <= 1 && status == 0; hidden++)
    {
      const bp_net_type *T = hidden ? bp_net_mlp : bp_net_linear;
      bp_sgd_params p = T->defaults;
      p.batch = 64;
      const bp_net_shape s = { .rows = 28, .cols = 28, .n = 10, .n_hidden = (size_t) hidden,
                               .hidden = { 256 }, .act = BP_RELU };
      bp_net *net = bp_net_alloc (T, &s);
      if (net)
        bp_net_init (net, rng);
      bp_net_trainer *t = net ? bp_net_trainer_alloc (net, d.count, p.batch) : NULL;
      if (!t)
        abort ();
      double tm[64], cpu[64], min, median, cmin, cmedian, loss;
      for (size_t r = 0; r < b->repeats && status == 0; r++)
        {
          const double t0 = now (), c0 = cpu_now ();
          status = bp_net_train_epoch (&d, &p, r, rng, t, NULL, NULL, net, &loss);
          tm[r] = now () - t0;
          cpu[r] = cpu_now () - c0;
        }
      if (status == 0)
        {
          const char *model = hidden ? "784-256-10" : "784-10";
          summarise (tm, b->repeats, &min, &median);
          summarise (cpu, b->repeats, &cmin, &cmedian);
          printf ("| backprop | %s | float64 | %d | %.3f s | %.3f s | %.3f s |\n", model,
                  threads, min, median, cmedian);
          fprintf (stderr, "RESULT backprop %s float64 %d %.6f %.6f\n", model, threads,
                   median, cmedian);
        }
      bp_net_trainer_free (t);
      bp_net_free (net);
    }
  free (d.images);
  free (d.labels);
  gsl_rng_free (rng);
  return status != 0;
}

/* ---- cnn ----------------------------------------------------------- */

/* FNV-1a (64 bits) of the bytes of every parameter of net, the blocks
   in the layout's order (net->theta): equal checksums, bit-identical
   parameters. */
static unsigned long long
cnn_checksum (const bp_net *net)
{
  unsigned long long h = 14695981039346656037ULL;
  const unsigned char *c = (const unsigned char *) net->theta->data;
  for (size_t i = 0; i < net->size * sizeof (double); i++)
    h = (h ^ c[i]) * 1099511628211ULL;
  return h;
}

/* The first count images of Fashion-MNIST's training set in dir, or
   (dir NULL) count synthetic ones; *real says which.  0 on success. */
static int
cnn_data (const char *dir, size_t count, gsl_rng *rng, bp_dataset *d, int *real)
{
  *real = 0;
  if (dir != NULL)
    {
      char images[4096], labels[4096], err[256];
      snprintf (images, sizeof images, "%s/train-images-idx3-ubyte.gz", dir);
      snprintf (labels, sizeof labels, "%s/train-labels-idx1-ubyte.gz", dir);
      if (bp_dataset_read (images, labels, 10, d, err, sizeof err) != GSL_SUCCESS)
        {
          fprintf (stderr, "bench: %s\n", err);
          return 1;
        }
      if (d->count < count || d->rows != 28 || d->cols != 28)
        {
          fprintf (stderr, "bench: %s has %zu images of %zu x %zu, not %zu of 28 x 28\n",
                   dir, d->count, d->rows, d->cols, count);
          return 1;
        }
      d->count = count;   /* the first count: the rest stays allocated */
      *real = 1;
      return 0;
    }
  *d = (bp_dataset) { .count = count, .rows = 28, .cols = 28, .n_classes = 10 };
  d->images = malloc (count * 784);
  d->labels = malloc (count);
  if (!d->images || !d->labels)
    abort ();
  for (size_t k = 0; k < count * 784; k++)
    d->images[k] = (unsigned char) gsl_rng_uniform_int (rng, 256);
  for (size_t k = 0; k < count; k++)
    d->labels[k] = (unsigned char) gsl_rng_uniform_int (rng, 10);
  return 0;
}

/* --batches batches of 64 as one epoch of bp_net_train_epoch (the SGD of
   `backprop train --conv C1,C2 --hidden H': momentum 0.9, weight decay
   on the weights, the cosine rate), --repeats times.  Rows "| backprop |
   cnn C1,C2,H | float64 | threads | min | median | CPU median | peak |",
   "RESULT backprop cnn-C1-C2-H float64 THREADS MEDIAN CPU_MEDIAN PEAK_KB"
   on stderr for bench/compare.sh. */
static int
section_cnn (bench *b)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    abort ();
  const size_t count = 64 * b->batches;
  bp_dataset d;
  int real;
  if (cnn_data (b->data, count, rng, &d, &real) != 0)
    {
      gsl_rng_free (rng);
      return 1;
    }
  const int threads = b->threads ? b->threads : 1;
  blas_threads_default (threads);
#ifdef _OPENMP
  /* the chain's own loops (im2col, col2im, pooling) on as many threads,
     unless OMP_NUM_THREADS says otherwise */
  if (getenv ("OMP_NUM_THREADS") == NULL)
    omp_set_num_threads (threads);
  printf ("| OpenMP threads | %d |\n", omp_get_max_threads ());
#endif
  char blas[512];
  blas_describe (blas, sizeof blas);
  printf ("| CBLAS | %s |\n| data | %s, the first %zu images (%zu batches of 64) |\n\n",
          blas, real ? b->data : "synthetic 28x28 images (no Fashion-MNIST)", count,
          b->batches);
  bp_sgd_params p = bp_net_cnn->defaults;
  p.batch = 64;
  p.epochs = b->repeats;
  const bp_net_shape s = { .rows = 28, .cols = 28, .n = 10, .n_hidden = b->H > 0,
                           .hidden = { b->H }, .act = BP_RELU, .C1 = b->C1, .C2 = b->C2 };
  bp_net *net = bp_net_alloc (bp_net_cnn, &s);
  bp_net_trainer *t = net ? bp_net_trainer_alloc (net, count, p.batch) : NULL;
  if (!t)
    abort ();
  bp_net_init (net, rng);
  double tm[64], cpu[64], min, median, cmin, cmedian, loss;
  unsigned long long sum = 0;
  int status = 0;
  for (size_t r = 0; r < b->repeats && status == 0; r++)
    {
      const double t0 = now (), c0 = cpu_now ();
      status = bp_net_train_epoch (&d, &p, r, rng, t, NULL, NULL, net, &loss);
      tm[r] = now () - t0;
      cpu[r] = cpu_now () - c0;
      if (r == 0)
        sum = cnn_checksum (net);
    }
  if (status == 0)
    {
      struct rusage ru;
      getrusage (RUSAGE_SELF, &ru);
      summarise (tm, b->repeats, &min, &median);
      summarise (cpu, b->repeats, &cmin, &cmedian);
      printf ("| program | model | arithmetic | threads | %zu batches min | median "
              "| CPU median | peak memory |\n|---|---|---|---|---|---|---|---|\n",
              b->batches);
      printf ("| backprop | cnn %zu,%zu,%zu | float64 | %d | %.3f s | %.3f s | %.3f s "
              "| %.0f MiB |\n", b->C1, b->C2, b->H, threads, min, median, cmedian,
              (double) ru.ru_maxrss / 1024.0);
      printf ("\nparameters after the first epoch, %d thread(s): FNV-1a %016llx\n",
              threads, sum);
      fprintf (stderr, "RESULT backprop cnn-%zu-%zu-%zu float64 %d %.6f %.6f %ld\n", b->C1,
               b->C2, b->H, threads, median, cmedian, ru.ru_maxrss);
    }
  bp_net_trainer_free (t);
  bp_net_free (net);
  if (real)
    bp_dataset_free (&d);
  else
    {
      free (d.images);
      free (d.labels);
    }
  gsl_rng_free (rng);
  return status != 0;
}

/* ---- float32 ------------------------------------------------------- */

/* The float32 side of compare and cnn (issue 22): the same epochs through
   the float32 rows (T->float32: bp_net_linear_float, ...) and the
   trainer users run (bp_net_train_epoch: shuffle, batches read in float,
   the float chains, weight decay, the momentum step over the flat float
   buffer).  The starting point is the double network's (bp_net_init),
   rounded to float.  Rows and RESULT lines as section compare's and
   cnn's, arithmetic float32; the parameters' FNV-1a after the first
   epoch. */
static int
float_epochs (bench *b, const bp_dataset *d, const bp_net_type *T, const bp_net_shape *s,
              int cnn, const char *model, const char *label, gsl_rng *rng)
{
  const int threads = b->threads ? b->threads : 1;
  bp_sgd_params p = T->defaults;
  p.batch = 64;
  if (cnn)
    p.epochs = b->repeats;
  bp_net *net = bp_net_alloc (T->float32, s);
  if (!net || bp_net_init (net, rng) != GSL_SUCCESS)
    abort ();
  bp_net_trainer *t = bp_net_trainer_alloc (net, d->count, p.batch);
  if (!t)
    abort ();
  double tm[64], cpu[64], min, median, cmin, cmedian, loss = 0.0;
  unsigned long long sum = 14695981039346656037ULL;
  int status = 0;
  for (size_t r = 0; r < b->repeats && status == 0; r++)
    {
      const double t0 = now (), c0 = cpu_now ();
      status = bp_net_train_epoch (d, &p, r, rng, t, NULL, NULL, net, &loss);
      tm[r] = now () - t0;
      cpu[r] = cpu_now () - c0;
      if (r == 0)
        for (size_t i = 0; i < net->size * sizeof (float); i++)
          sum = (sum ^ ((const unsigned char *) net->theta_float->data)[i]) * 1099511628211ULL;
    }
  if (status == 0)
    {
      struct rusage ru;
      getrusage (RUSAGE_SELF, &ru);
      summarise (tm, b->repeats, &min, &median);
      summarise (cpu, b->repeats, &cmin, &cmedian);
      printf ("| backprop | %s | float32 | %d | %.3f s | %.3f s | %.3f s | %.0f MiB |\n",
              label, threads, min, median, cmedian, (double) ru.ru_maxrss / 1024.0);
      printf ("(%s float32: loss of the last epoch %.4f; parameters after the first, "
              "FNV-1a %016llx)\n", label, loss, sum);
      fflush (stdout);
      fprintf (stderr, "RESULT backprop %s float32 %d %.6f %.6f %ld\n", model, threads,
               median, cmedian, ru.ru_maxrss);
    }
  else
    fprintf (stderr, "bench: float32 %s: status %d\n", label, status);
  bp_net_trainer_free (t);
  bp_net_free (net);
  return status != 0;
}

/* compare's one-layer (which & 1) and two-layer (which & 2) epochs in
   float32 */
static int
compare32 (bench *b, int which)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    abort ();
  bp_dataset d = synthetic (rng);
  blas_threads_default (b->threads ? b->threads : 1);
  printf ("| program | model | arithmetic | threads | epoch min | epoch median "
          "| CPU median | peak memory |\n|---|---|---|---|---|---|---|---|\n");
  const bp_net_shape one = { .rows = 28, .cols = 28, .n = 10 };
  const bp_net_shape two = { .rows = 28, .cols = 28, .n = 10, .n_hidden = 1,
                             .hidden = { 256 }, .act = BP_RELU };
  int status = 0;
  if (which & 1)
    status = float_epochs (b, &d, bp_net_linear, &one, 0, "784-10", "784-10", rng);
  if (status == 0 && (which & 2))
    status = float_epochs (b, &d, bp_net_mlp, &two, 0, "784-256-10", "784-256-10", rng);
  free (d.images);
  free (d.labels);
  gsl_rng_free (rng);
  return status;
}

static int
section_compare32 (bench *b)
{
  return compare32 (b, 3);
}

static int
section_linear32 (bench *b)
{
  return compare32 (b, 1);
}

static int
section_mlp32 (bench *b)
{
  return compare32 (b, 2);
}

/* cnn's epochs in float32 */
static int
section_cnn32 (bench *b)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    abort ();
  bp_dataset d;
  int real;
  if (cnn_data (b->data, 64 * b->batches, rng, &d, &real) != 0)
    {
      gsl_rng_free (rng);
      return 1;
    }
  const int threads = b->threads ? b->threads : 1;
  /* as `OMP_NUM_THREADS=T backprop train --dtype float32': the chain's
     products are OpenMP's pieces (the first convolution's, Winograd's),
     each on one thread, and the dense layers' (0.08 GFLOP a batch) on
     the calling thread; OpenBLAS's own thread pool, woken, spins beside
     the OpenMP worker (doc/performance.md) */
  blas_threads_default (1);
#ifdef _OPENMP
  if (getenv ("OMP_NUM_THREADS") == NULL)
    omp_set_num_threads (threads);
#endif
  printf ("| program | model | arithmetic | threads | %zu batches min | median "
          "| CPU median | peak memory |\n|---|---|---|---|---|---|---|---|\n", b->batches);
  const bp_net_shape s = { .rows = 28, .cols = 28, .n = 10, .n_hidden = b->H > 0,
                           .hidden = { b->H }, .act = BP_RELU, .C1 = b->C1, .C2 = b->C2 };
  char model[64], label[64];
  snprintf (model, sizeof model, "cnn-%zu-%zu-%zu", b->C1, b->C2, b->H);
  snprintf (label, sizeof label, "cnn %zu,%zu,%zu", b->C1, b->C2, b->H);
  const int status = float_epochs (b, &d, bp_net_cnn, &s, 1, model, label, rng);
  if (real)
    bp_dataset_free (&d);
  else
    {
      free (d.images);
      free (d.labels);
    }
  gsl_rng_free (rng);
  return status;
}

/* ---- gemm ------------------------------------------------------------ */

/* The products of one batch of 64, shape by shape as the batch formulas
   call them (src/lib/formulas/batch.c, mlp_batch.c, conv.c, cnn.c):
   C (M x N) = op(A) op(B), op(A) M x K; `epoch' of them per epoch. */
typedef struct
{
  const char *what;
  size_t M, N, K;
  CBLAS_TRANSPOSE_t ta, tb;
} product;

enum { GEMM_MAX = 12 };

/* The products of each model's batch: the one-layer 784-10 (bp_train_epoch),
   the two-layer 784-256-10 (mlp_batch_trusted) and the CNN of --conv C1,C2
   --hidden H (cnn.c; no dL/dU: the trainer asks for none).  Returns the count. */
static size_t
model_products (int model, const bench *b, product *p)
{
  enum { B = 64, m = 784, n = 10, H = 256 };
  const CBLAS_TRANSPOSE_t N = CblasNoTrans, T = CblasTrans;
  size_t k = 0;
  if (model == 0)
    {
      p[k++] = (product) { "V = U W^T", B, n, m, N, T };
      p[k++] = (product) { "dL/dW = dL/dV^T U", n, m, B, T, N };
      return k;
    }
  if (model == 1)
    {
      p[k++] = (product) { "Z = U W1^T", B, H, m, N, T };
      p[k++] = (product) { "V = A W2^T", B, n, H, N, T };
      p[k++] = (product) { "dL/dW2 = dL/dV^T A", n, H, B, T, N };
      p[k++] = (product) { "dL/dA = dL/dV W2", B, H, n, N, N };
      p[k++] = (product) { "dL/dW1 = dL/dZ^T U", H, m, B, T, N };
      return k;
    }
  const size_t C1 = b->C1, C2 = b->C2, Hc = b->H, k2 = 25;
  const size_t hw = 28 * 28, hw2 = 14 * 14, F = C2 * 7 * 7;
  p[k++] = (product) { "conv1 Z1 = K1 cols1", C1, B * hw, k2, N, N };
  p[k++] = (product) { "conv2 Z2 = K2 cols2", C2, B * hw2, C1 * k2, N, N };
  if (Hc)
    {
      p[k++] = (product) { "Z3 = F W3^T", B, Hc, F, N, T };
      p[k++] = (product) { "V = A3 W4^T", B, n, Hc, N, T };
      p[k++] = (product) { "dL/dW4 = dL/dV^T A3", n, Hc, B, T, N };
      p[k++] = (product) { "dL/dA3 = dL/dV W4", B, Hc, n, N, N };
      p[k++] = (product) { "dL/dW3 = dL/dZ3^T F", Hc, F, B, T, N };
      p[k++] = (product) { "dL/dF = dL/dZ3 W3", B, F, Hc, N, N };
    }
  else
    {
      p[k++] = (product) { "V = F W4^T", B, n, F, N, T };
      p[k++] = (product) { "dL/dW4 = dL/dV^T F", n, F, B, T, N };
      p[k++] = (product) { "dL/dF = dL/dV W4", B, F, n, N, N };
    }
  p[k++] = (product) { "conv2 dL/dK2 = G2 cols2^T", C2, C1 * k2, B * hw2, N, T };
  p[k++] = (product) { "conv2 dL/dcols2 = K2^T G2", C1 * k2, B * hw2, C2, T, N };
  p[k++] = (product) { "conv1 dL/dK1 = G1 cols1^T", C1, k2, B * hw, N, T };
  return k;
}

/* An r x c matrix of element i = (i mod p) / p - 1/2: operands without
   zeros or subnormals a kernel could take a shortcut on */
static gsl_matrix *
gemm_operand (size_t r, size_t c, size_t p)
{
  gsl_matrix *M = gsl_matrix_alloc (r, c);
  if (M == NULL)
    abort ();
  for (size_t i = 0; i < r * c; i++)
    M->data[i] = (double) (i % p) / (double) p - 0.5;
  return M;
}

/* M rounded to float */
static gsl_matrix_float *
gemm_operand_float (const gsl_matrix *M)
{
  gsl_matrix_float *F = gsl_matrix_float_alloc (M->size1, M->size2);
  if (F == NULL)
    abort ();
  for (size_t i = 0; i < M->size1 * M->size2; i++)
    F->data[i] = (float) M->data[i];
  return F;
}

/* Seconds of one product p in float (sgemm) or double (dgemm) through GSL's
   BLAS, as the formulas call it, wall (*wall) and CPU (*cpu, every
   thread): the minimum of `reps' timings, each of `calls' products in a
   row (a small product takes microseconds).  The minimum: a floor.  The
   same operands in both, the float ones rounded from the double. */
static void
gemm_seconds (const product *p, int single, size_t calls, size_t reps, double *wall,
              double *cpu)
{
  const size_t ra = p->ta == CblasNoTrans ? p->M : p->K, ca = p->ta == CblasNoTrans ? p->K : p->M;
  const size_t rb = p->tb == CblasNoTrans ? p->K : p->N, cb = p->tb == CblasNoTrans ? p->N : p->K;
  gsl_matrix *A = gemm_operand (ra, ca, 7), *B = gemm_operand (rb, cb, 11);
  gsl_matrix *C = gsl_matrix_calloc (p->M, p->N);
  if (C == NULL)
    abort ();
  gsl_matrix_float *Af = single ? gemm_operand_float (A) : NULL;
  gsl_matrix_float *Bf = single ? gemm_operand_float (B) : NULL;
  gsl_matrix_float *Cf = single ? gemm_operand_float (C) : NULL;
  for (size_t r = 0; r < reps; r++)
    {
      const double t0 = now (), c0 = cpu_now ();
      for (size_t c = 0; c < calls; c++)
        if (single)
          gsl_blas_sgemm (p->ta, p->tb, 1.0f, Af, Bf, 0.0f, Cf);
        else
          gsl_blas_dgemm (p->ta, p->tb, 1.0, A, B, 0.0, C);
      const double t = (now () - t0) / (double) calls, c = (cpu_now () - c0) / (double) calls;
      *wall = r == 0 || t < *wall ? t : *wall;
      *cpu = r == 0 || c < *cpu ? c : *cpu;
    }
  gsl_matrix_float_free (Af);
  gsl_matrix_float_free (Bf);
  gsl_matrix_float_free (Cf);
  gsl_matrix_free (A);
  gsl_matrix_free (B);
  gsl_matrix_free (C);
}

/* The machine's sgemm and dgemm rates on the products of one batch of 64
   of each model compared with PyTorch (sections compare and cnn), one
   after the other on the same matrices, at --threads OpenBLAS threads:
   each product's GFLOP/s (wall) and its seconds per epoch of 60,000
   images (937.5 batches), and their sum, the epoch's floor: the time of
   its products alone at this machine's rate, what no trainer calling the
   same BLAS goes below.  Each the minimum over --repeats.  "RESULT gemm
   MODEL float32|float64 THREADS WALL CPU" lines (seconds an epoch) on
   stderr for bench/compare.sh. */
static int
section_gemm (bench *b)
{
  const int threads = b->threads ? b->threads : 1;
  const double batches = 60000.0 / 64.0;
  blas_threads_default (threads);
  char blas[512], cnn[64];
  blas_describe (blas, sizeof blas);
  snprintf (cnn, sizeof cnn, "cnn-%zu-%zu-%zu", b->C1, b->C2, b->H);
  printf ("| CBLAS | %s |\n| OpenBLAS threads | %d |\n\n", blas, threads);
  printf ("| model | product | M x N x K | sgemm GFLOP/s | dgemm GFLOP/s | s / d "
          "| float32 s/epoch | float64 s/epoch | float32 CPU s/epoch | float64 CPU s/epoch |\n"
          "|---|---|---|---|---|---|---|---|---|---|\n");
  for (int model = 0; model < 3; model++)
    {
      product p[GEMM_MAX];
      const size_t count = model_products (model, b, p);
      const char *name = model == 0 ? "784-10" : model == 1 ? "784-256-10" : cnn;
      double ws = 0.0, wd = 0.0, cs = 0.0, cd = 0.0, flops = 0.0;
      for (size_t k = 0; k < count; k++)
        {
          const double flop = 2.0 * (double) p[k].M * (double) p[k].N * (double) p[k].K;
          /* about 20 ms a timing: thousands of the small products, one large */
          const size_t calls = flop < 4e7 ? (size_t) (4e7 / flop) + 1 : 1;
          double ts, td, cts, ctd;
          gemm_seconds (&p[k], 1, calls, b->repeats, &ts, &cts);
          gemm_seconds (&p[k], 0, calls, b->repeats, &td, &ctd);
          ws += ts * batches;
          wd += td * batches;
          cs += cts * batches;
          cd += ctd * batches;
          flops += flop * batches;
          printf ("| %s | %s | %zu x %zu x %zu | %.1f | %.1f | %.2f | %.4f s | %.4f s "
                  "| %.4f s | %.4f s |\n", name, p[k].what, p[k].M, p[k].N, p[k].K,
                  flop / ts * 1e-9, flop / td * 1e-9, ts / td, ts * batches, td * batches,
                  cts * batches, ctd * batches);
        }
      printf ("| %s | **all, one epoch (60,000 images)** | %.2f GFLOP | %.1f | %.1f | %.2f "
              "| **%.3f s** | **%.3f s** | %.3f s | %.3f s |\n", name, flops * 1e-9,
              flops / ws * 1e-9, flops / wd * 1e-9, ws / wd, ws, wd, cs, cd);
      fflush (stdout);
      fprintf (stderr, "RESULT gemm %s float32 %d %.6f %.6f\n"
               "RESULT gemm %s float64 %d %.6f %.6f\n", name, threads, ws, cs, name,
               threads, wd, cd);
    }
  return 0;
}

/* ---- gradcheck ------------------------------------------------------- */

/* L = (1 / 2n) sum_i w_i theta_i^2, w_i = 1 + i / n: a mean, as losses
   are; one pass over theta per evaluation, O(n). */
static int
mean_quad (const bp_gradcheck_point *p, void *params, double *L)
{
  (void) params;
  const gsl_vector *t = p->vector[0];
  const double n = (double) t->size;
  double s = 0.0;
  for (size_t i = 0; i < t->size; i++)
    s += (1.0 + (double) i / n) * t->data[i] * t->data[i];
  *L = s / (2.0 * n);
  return 0;
}

/* The directional check (16 directions, the defaults) of mean_quad at
   n = 10^6, theta uniform in (-1, 1): the right gradient, then one
   element missing its 1/n, localized by group testing (eq. 0.12a). */
static int
section_gradcheck (bench *b)
{
  const size_t n = 1000000, bad = 765432;
  gsl_vector *t = gsl_vector_alloc (n), *g = gsl_vector_alloc (n);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double *sec = malloc (b->repeats * sizeof *sec), cpu = 0.0;
  if (!t || !g || !rng || !sec)
    return 1;
  for (size_t i = 0; i < n; i++)
    {
      gsl_vector_set (t, i, 2.0 * gsl_rng_uniform_pos (rng) - 1.0);
      gsl_vector_set (g, i, (1.0 + (double) i / (double) n) * gsl_vector_get (t, i) / (double) n);
    }
  bp_gradcheck_function f = { .loss = mean_quad };
  bp_gradcheck_block blk = { .name = "theta", .vector = t }, a = { .vector = g };
  bp_gradcheck_options o;
  bp_gradcheck_options_default (&o);
  o.method = BP_GRADCHECK_DIRECTIONAL;
  int status = 0;
  printf ("| gradient (n = 10^6, 16 directions) | verdict | localized to | directions "
          "on halves | min | median | CPU (min) |\n|---|---|---|---|---|---|---|\n");
  for (int wrong = 0; wrong < 2 && status == 0; wrong++)
    {
      if (wrong)
        gsl_vector_set (g, bad, gsl_vector_get (g, bad) * (double) n);
      bp_gradcheck_result *r = NULL;
      for (size_t k = 0; k < b->repeats && status == 0; k++)
        {
          bp_gradcheck_result_free (r);
          r = NULL;
          struct timespec c0, c1;
          clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &c0);
          const double t0 = now ();
          const int s = bp_gradcheck (&f, 1, &blk, &a, &o, &r);
          sec[k] = now () - t0;
          clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &c1);
          const double c = (double) (c1.tv_sec - c0.tv_sec) + 1e-9 * (double) (c1.tv_nsec - c0.tv_nsec);
          cpu = k == 0 || c < cpu ? c : cpu;
          status = s > 0 || (s == GSL_FAILURE) != wrong;
        }
      if (status == 0)
        {
          const bp_gradcheck_run *run = &r->run[0];
          char where[64] = "-";
          if (run->localized)
            snprintf (where, sizeof where, "%zu elements; worst (%zu,%zu)", run->n_checked,
                      run->worst.row, run->worst.col);
          double min, median;
          summarise (sec, b->repeats, &min, &median);
          printf ("| %s | %s | %s | %zu | %.2f s | %.2f s | %.2f s |\n",
                  wrong ? "one element wrong (765432,0)" : "right",
                  bp_gradcheck_verdict_name (r->verdict), where, run->n_localizing, min, median,
                  cpu);
        }
      else
        fprintf (stderr, "bench: gradcheck: the %s gradient got the wrong verdict\n",
                 wrong ? "wrong" : "right");
      bp_gradcheck_result_free (r);
    }
  free (sec);
  gsl_rng_free (rng);
  gsl_vector_free (g);
  gsl_vector_free (t);
  return status;
}

/* ---- memory ---------------------------------------------------------- */

static int
section_memory (bench *b)
{
  (void) b;
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  printf ("| peak resident memory (ru_maxrss) | %.1f MiB |\n", (double) ru.ru_maxrss / 1024.0);
  return 0;
}

static const struct
{
  const char *name;
  const char *title;
  int (*run) (bench *b);
} sections[] = {
  /* verify before peak: OpenBLAS's threads spin for a while after a large
     product, and would compete with the checker's threads */
  {"machine", "Machine", section_machine},
  {"verify", "backprop verify on the slides' model", section_verify},
  {"scaling", "Verification cost by classes n and inputs m", section_scaling},
  {"peak", "Machine's dgemm peak (| product | min | median | rate |)", section_peak},
  {"epoch", "Training epoch", section_epoch},
  {"memory", "Memory", section_memory},
  {"gradcheck", "The directional check at n = 10^6 (bp_gradcheck)", section_gradcheck},
  {"gemm", "sgemm and dgemm on the products of an epoch (the floor)", section_gemm},
  {"compare", "One epoch, batch 64, beside PyTorch (bench/compare.sh)", section_compare},
  {"cnn", "The CNN, batches of 64, beside PyTorch (bench/compare.sh --cnn)", section_cnn},
  {"compare32", "compare's epochs in float32", section_compare32},
  {"cnn32", "cnn's epochs in float32", section_cnn32},
  {"linear32", "compare's one-layer epoch in float32", section_linear32},
  {"mlp32", "compare's two-layer epoch in float32", section_mlp32},
};
/* the sections run when none is named: all but gemm, compare, cnn and
   their float32 forms */
#define N_DEFAULT (N_SECTIONS - 7)
#define N_SECTIONS (sizeof sections / sizeof sections[0])

static int
run_section (bench *b, size_t k)
{
  printf ("\n### %s\n\n", sections[k].title);
  fflush (stdout);
  const int status = sections[k].run (b);
  fflush (stdout);
  return status;
}

int
main (int argc, char **argv)
{
  bench b = { .repeats = 7, .C1 = 32, .C2 = 64, .H = 128, .batches = 20 };
  blas_kernels_default (argv);   /* the kernels `backprop' runs */
  /* `backprop verify' runs OpenBLAS on one thread (blas_threads.h); the
     verify sections do the same, the peak and the epochs take what
     OPENBLAS_NUM_THREADS gives (all cores by default). */
  int status = 0, any = 0;
  gsl_set_error_handler_off ();
  b.devnull = fopen ("/dev/null", "w");
  if (b.devnull == NULL)
    {
      perror ("bench: /dev/null");
      return 2;
    }
  for (int a = 1; a < argc; a++)
    {
      if (strcmp (argv[a], "--repeats") == 0 && a + 1 < argc)
        {
          long r = strtol (argv[++a], NULL, 10);
          if (r < 1 || r > 64)
            {
              fprintf (stderr, "bench: --repeats must be 1 to 64\n");
              return 2;
            }
          b.repeats = (size_t) r;
          continue;
        }
      if (strcmp (argv[a], "--threads") == 0 && a + 1 < argc)
        {
          long r = strtol (argv[++a], NULL, 10);
          if (r < 1 || r > 64)
            {
              fprintf (stderr, "bench: --threads must be 1 to 64\n");
              return 2;
            }
          b.threads = (int) r;
          continue;
        }
      if (strcmp (argv[a], "--conv") == 0 && a + 1 < argc)
        {
          char end;
          if (sscanf (argv[++a], "%zu,%zu%c", &b.C1, &b.C2, &end) != 2 || b.C1 == 0
              || b.C2 == 0 || b.C1 > 4096 || b.C2 > 4096)
            {
              fprintf (stderr, "bench: --conv must be C1,C2, each 1 to 4096\n");
              return 2;
            }
          continue;
        }
      if ((strcmp (argv[a], "--hidden") == 0 || strcmp (argv[a], "--batches") == 0)
          && a + 1 < argc)
        {
          const int hidden = argv[a][2] == 'h';
          char *end;
          unsigned long v = strtoul (argv[++a], &end, 10);
          if (*end != '\0' || v > 100000 || (!hidden && v == 0))
            {
              fprintf (stderr, "bench: --hidden must be 0 to 100000, --batches 1 to "
                       "100000\n");
              return 2;
            }
          *(hidden ? &b.H : &b.batches) = (size_t) v;
          continue;
        }
      if (strcmp (argv[a], "--data") == 0 && a + 1 < argc)
        {
          b.data = argv[++a];
          continue;
        }
      size_t k = 0;
      while (k < N_SECTIONS && strcmp (argv[a], sections[k].name) != 0)
        k++;
      if (k == N_SECTIONS)
        {
          fprintf (stderr, "bench: unknown section '%s' (machine peak verify scaling "
                   "epoch memory gradcheck gemm compare cnn compare32 cnn32 linear32 mlp32)\n", argv[a]);
          return 2;
        }
      any = 1;
      status |= run_section (&b, k);
    }
  for (size_t k = 0; !any && k < N_DEFAULT; k++)
    status |= run_section (&b, k);
  fclose (b.devnull);
  return status ? 1 : 0;
}
