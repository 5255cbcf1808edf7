/* check_blas.c -- the CBLAS configure linked, with the kernels the
   program chooses (blas_kernels_default, as `backprop' runs it), against
   GSL's reference CBLAS (libgslcblas, opened with dlopen so that its
   cblas_dgemm does not clash with the linked one), on the products of a
   training step of the two-layer network 784-256-10, batch 64:
   V = U W^T, dL/dW = G^T U, dL/dU = G W.  Each element of the two
   results must agree within the bound of the dot product's rounding,
   |C1 - C2|_ij <= 2 gamma_k (|A| |B|)_ij, gamma_k = k u / (1 - k u),
   u = 2^-53 (Higham, Accuracy and Stability of Numerical Algorithms,
   eq. (3.13)): both are within gamma_k (|A||B|)_ij of the exact product,
   whatever order of summation their kernels take.  Skipped (77) when
   libgslcblas cannot be opened. */
#include <config.h>
#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_rng.h>
#include "cli/blas_threads.h"

/* blas_threads.c names the program in its warnings (cli.h) */
const char *program_name = "check_blas";

typedef void (*dgemm_fn) (enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                          int, int, int, double, const double *, int, const double *,
                          int, double, double *, int);

static gsl_matrix *
random_matrix (size_t r, size_t c, gsl_rng *rng, double scale)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  for (size_t k = 0; k < r * c; k++)
    A->data[k] = scale * (gsl_rng_uniform (rng) - 0.5);
  return A;
}

/* C = op(A) op(B) by the linked CBLAS (gsl_blas_dgemm) and by ref; the
   number of elements beyond the bound. */
static size_t
compare (dgemm_fn ref, CBLAS_TRANSPOSE_t ta, CBLAS_TRANSPOSE_t tb, const gsl_matrix *A,
         const gsl_matrix *B, const char *what)
{
  const size_t M = ta == CblasNoTrans ? A->size1 : A->size2;
  const size_t K = ta == CblasNoTrans ? A->size2 : A->size1;
  const size_t N = tb == CblasNoTrans ? B->size2 : B->size1;
  gsl_matrix *C1 = gsl_matrix_alloc (M, N), *C2 = gsl_matrix_alloc (M, N);
  gsl_matrix *absA = gsl_matrix_alloc (A->size1, A->size2);
  gsl_matrix *absB = gsl_matrix_alloc (B->size1, B->size2), *bound = gsl_matrix_alloc (M, N);
  for (size_t k = 0; k < A->size1 * A->size2; k++)
    absA->data[k] = fabs (A->data[k]);
  for (size_t k = 0; k < B->size1 * B->size2; k++)
    absB->data[k] = fabs (B->data[k]);
  gsl_blas_dgemm (ta, tb, 1.0, A, B, 0.0, C1);
  ref (CblasRowMajor, (enum CBLAS_TRANSPOSE) ta, (enum CBLAS_TRANSPOSE) tb, (int) M,
       (int) N, (int) K, 1.0, A->data, (int) A->tda, B->data, (int) B->tda, 0.0,
       C2->data, (int) C2->tda);
  ref (CblasRowMajor, (enum CBLAS_TRANSPOSE) ta, (enum CBLAS_TRANSPOSE) tb, (int) M,
       (int) N, (int) K, 1.0, absA->data, (int) absA->tda, absB->data, (int) absB->tda,
       0.0, bound->data, (int) bound->tda);
  const double u = DBL_EPSILON / 2, gamma = (double) K * u / (1 - (double) K * u);
  size_t bad = 0;
  double worst = 0.0;
  for (size_t k = 0; k < M * N; k++)
    {
      const double d = fabs (C1->data[k] - C2->data[k]);
      /* the bound's own rounding: |A||B| is computed with gamma_k too */
      const double b = 2 * gamma * bound->data[k] * (1 + gamma) + DBL_MIN;
      bad += !(d <= b);
      if (bound->data[k] > 0 && d / bound->data[k] > worst)
        worst = d / bound->data[k];
    }
  printf ("%s: %zu x %zu x %zu, %zu of %zu beyond the bound; worst |C1-C2|/(|A||B|) "
          "%.3g, bound 2 gamma_k = %.3g\n", what, M, K, N, bad, M * N, worst, 2 * gamma);
  gsl_matrix_free (C1);
  gsl_matrix_free (C2);
  gsl_matrix_free (absA);
  gsl_matrix_free (absB);
  gsl_matrix_free (bound);
  return bad;
}

int
main (int argc, char **argv)
{
  (void) argc;
  blas_kernels_default (argv);
  char blas[512];
  blas_describe (blas, sizeof blas);
  printf ("linked CBLAS: %s\n", blas);
  void *h = dlopen ("libgslcblas.so.0", RTLD_NOW | RTLD_LOCAL);
  dgemm_fn ref = h ? (dgemm_fn) dlsym (h, "cblas_dgemm") : NULL;
  if (ref == NULL)
    {
      printf ("SKIP: libgslcblas.so.0 cannot be opened: %s\n", dlerror ());
      return 77;
    }
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_matrix *U = random_matrix (64, 784, rng, 2.0);     /* pixels / 255 */
  gsl_matrix *W1 = random_matrix (256, 784, rng, 0.1);
  gsl_matrix *G = random_matrix (64, 256, rng, 0.01);    /* dL/dZ */
  size_t bad = compare (ref, CblasNoTrans, CblasTrans, U, W1, "Z = U W1^T")
               + compare (ref, CblasTrans, CblasNoTrans, G, U, "dL/dW1 = G^T U")
               + compare (ref, CblasNoTrans, CblasNoTrans, G, W1, "dL/dU = G W1");
  gsl_matrix_free (U);
  gsl_matrix_free (W1);
  gsl_matrix_free (G);
  gsl_rng_free (rng);
  dlclose (h);
  printf ("%s\n", bad == 0 ? "1 passed, 0 failed" : "0 passed, 1 failed");
  return bad == 0 ? 0 : 1;
}
