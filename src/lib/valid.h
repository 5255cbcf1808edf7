/* valid.h -- argument checks shared by the library's functions (internal,
   not installed).

   The rule every public function follows (bp_common.h states it for
   users; tests/check_api.c tests it function by function -- a new public
   function gets a row there):
     NULL where a value is read or a result written  -> GSL_EFAULT
       (pointers documented "may be NULL" are optional, not checked),
       and a vector or matrix that describes no memory (MISSING);
     sizes that do not agree                          -> GSL_EBADLEN;
     NaN or infinity where a finite input is needed   -> GSL_EDOM.
   Each goes through GSL_ERROR, so GSL's error handler sees it: functions
   returning int return the code, functions returning double return NaN
   (GSL_ERROR_VAL), allocators return NULL (GSL_ERROR_NULL). */
#ifndef BP_VALID_H
#define BP_VALID_H

#include <math.h>
#include <stdint.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include "lib/formulas/mlp_chain.h"

/* 1 when a b overflows size_t (and *out is left alone), else 0 with
   *out = a b.  gsl_matrix_alloc multiplies its sizes unchecked, so each
   allocator asks this of its sizes first. */
static inline int
size_mul_overflows (size_t a, size_t b, size_t *out)
{
  if (b != 0 && a > SIZE_MAX / b)
    return 1;
  *out = a * b;
  return 0;
}

/* *bytes += a b c (c an element's size), saturating at SIZE_MAX: the
   bytes of a workspace's buffers, summed one buffer at a time. */
static inline void
bytes_add (size_t *bytes, size_t a, size_t b, size_t c)
{
  size_t ab, abc;
  if (size_mul_overflows (a, b, &ab) || size_mul_overflows (ab, c, &abc)
      || *bytes > SIZE_MAX - abc)
    *bytes = SIZE_MAX;
  else
    *bytes += abc;
}

/* 1 when an argument is missing: a NULL pointer, or a vector or matrix
   that describes no memory -- its data NULL (a struct filled in by
   hand, or freed and reused), or sizes whose bytes overflow size_t or a
   row longer than its tda, which no block can hold (a loop over them
   runs off the block).  Every public function tests its pointers with
   MISSING, so each is GSL_EFAULT; a pointer of any other type is tested
   against NULL only. */
#define MISSING_OF(T, ELEMENT)                                          \
  static inline int T##_missing (const T *x)                            \
  {                                                                     \
    size_t n, bytes;                                                    \
    return !x || !x->data                                               \
           || size_mul_overflows (x->size, x->stride, &n)               \
           || size_mul_overflows (n, sizeof (ELEMENT), &bytes);         \
  }
#define MATRIX_MISSING_OF(T, ELEMENT)                                   \
  static inline int T##_missing (const T *x)                            \
  {                                                                     \
    size_t n, bytes;                                                    \
    return !x || !x->data || x->size2 > x->tda                          \
           || size_mul_overflows (x->size1, x->tda, &n)                 \
           || size_mul_overflows (n, sizeof (ELEMENT), &bytes);         \
  }
MISSING_OF (gsl_vector, double)
MATRIX_MISSING_OF (gsl_matrix, double)
MISSING_OF (gsl_vector_float, float)
MATRIX_MISSING_OF (gsl_matrix_float, float)
MISSING_OF (gsl_vector_complex, gsl_complex)
MATRIX_MISSING_OF (gsl_matrix_complex, gsl_complex)
MATRIX_MISSING_OF (gsl_matrix_ulong, unsigned long)
#undef MISSING_OF
#undef MATRIX_MISSING_OF

static inline int
pointer_missing (const void *p)
{
  return !p;
}

#define MISSING_CASE(T) T *: T##_missing, const T *: T##_missing
#ifdef __CPPCHECK__   /* make lint: cppcheck cannot parse _Generic */
# define MISSING(p) ((p) == NULL)
#else
#define MISSING(p)                                                      \
  _Generic ((p), MISSING_CASE (gsl_vector), MISSING_CASE (gsl_matrix),  \
            MISSING_CASE (gsl_vector_float), MISSING_CASE (gsl_matrix_float), \
            MISSING_CASE (gsl_vector_complex),                          \
            MISSING_CASE (gsl_matrix_complex),                          \
            MISSING_CASE (gsl_matrix_ulong),                            \
            default: pointer_missing) (p)
#endif

/* 1 when every element of v is finite.  gsl_vector_minmax returns NaN as
   both bounds when an element is NaN, so its two bounds say it all. */
static inline int
vector_finite (const gsl_vector *v)
{
  double lo, hi;

/* 1 when an optional argument (NULL: not asked for) is given without
   data: GSL_EFAULT as well. */
#define GIVEN_MISSING(p) ((p) != NULL && MISSING (p))
  if (v->size == 0)
    return 1;
  gsl_vector_minmax (v, &lo, &hi);
  return isfinite (lo) && isfinite (hi);
}

/* 1 when every element of m is finite (as above). */
static inline int
matrix_finite (const gsl_matrix *m)
{
  double lo, hi;
  if (m->size1 == 0 || m->size2 == 0)
    return 1;
  gsl_matrix_minmax (m, &lo, &hi);
  return isfinite (lo) && isfinite (hi);
}

/* 1 when every row of T sums to 1 within 1e-9 (the labels of a batch,
   as bp_softmax_cross_entropy_grad requires of one example's); a NaN
   fails. */
static inline int
matrix_rows_sum_to_one (const gsl_matrix *T)
{
  for (size_t k = 0; k < T->size1; k++)
    {
      double sum = 0.0;
      for (size_t i = 0; i < T->size2; i++)
        sum += gsl_matrix_get (T, k, i);
      if (!(fabs (sum - 1.0) <= 1e-9))
        return 0;
    }
  return 1;
}

/* 1 when every parameter of the two-layer network net is finite. */
static inline int
mlp_finite (const mlp_chain *net)
{
  return matrix_finite (net->W1) && vector_finite (net->b1)
         && matrix_finite (net->W2) && vector_finite (net->b2);
}

/* 1 when the two-layer networks a and b have the same shape (their
   activations aside). */
static inline int
mlp_same_shape (const mlp_chain *a, const mlp_chain *b)
{
  return a->W1->size1 == b->W1->size1 && a->W1->size2 == b->W1->size2
         && a->b1->size == b->b1->size && a->W2->size1 == b->W2->size1
         && a->W2->size2 == b->W2->size2 && a->b2->size == b->b2->size;
}

/* 1 when an a x b matrix of doubles cannot be addressed: a b, or its
   bytes a b sizeof (double), overflows size_t. */
static inline int
matrix_too_large (size_t a, size_t b)
{
  size_t elements, bytes;
  return size_mul_overflows (a, b, &elements)
         || size_mul_overflows (elements, sizeof (double), &bytes);
}

/* The bytes [first, last] an n-element strided run of doubles at p
   covers (n > 0). */
static inline void
span_of (const double *p, size_t n, size_t stride, uintptr_t *first,
         uintptr_t *last)
{
  *first = (uintptr_t) p;
  *last = (uintptr_t) (p + (n - 1) * stride) + sizeof (double) - 1;
}

/* 1 when the byte ranges [a0, a1] and [b0, b1] of two blocks of data
   meet: an output that overlaps an input.  The callers below compare the
   ranges from a block's first element to its last, so two interleaved
   views (the even and odd elements of one vector) count as overlapping,
   a cautious answer; empty blocks overlap nothing. */
static inline int
blocks_overlap (uintptr_t a0, uintptr_t a1, uintptr_t b0, uintptr_t b1)
{
  return a0 <= b1 && b0 <= a1;
}

static inline void
vector_span (const gsl_vector *v, uintptr_t *first, uintptr_t *last)
{
  span_of (v->data, v->size, v->stride, first, last);
}

static inline void
matrix_span (const gsl_matrix *m, uintptr_t *first, uintptr_t *last)
{
  span_of (m->data, (m->size1 - 1) * m->tda + m->size2, 1, first, last);
}

/* 1 when vectors a and b overlap in memory (see blocks_overlap). */
static inline int
vectors_overlap (const gsl_vector *a, const gsl_vector *b)
{
  uintptr_t a0, a1, b0, b1;
  if (a->size == 0 || b->size == 0)
    return 0;
  vector_span (a, &a0, &a1);
  vector_span (b, &b0, &b1);
  return blocks_overlap (a0, a1, b0, b1);
}

/* 1 when matrices a and b overlap in memory. */
static inline int
matrices_overlap (const gsl_matrix *a, const gsl_matrix *b)
{
  uintptr_t a0, a1, b0, b1;
  if (a->size1 == 0 || a->size2 == 0 || b->size1 == 0 || b->size2 == 0)
    return 0;
  matrix_span (a, &a0, &a1);
  matrix_span (b, &b0, &b1);
  return blocks_overlap (a0, a1, b0, b1);
}

/* 1 when vector a and matrix b overlap in memory. */
static inline int
vector_matrix_overlap (const gsl_vector *a, const gsl_matrix *b)
{
  uintptr_t a0, a1, b0, b1;
  if (a->size == 0 || b->size1 == 0 || b->size2 == 0)
    return 0;
  vector_span (a, &a0, &a1);
  matrix_span (b, &b0, &b1);
  return blocks_overlap (a0, a1, b0, b1);
}

/* 1 when a block of the network net overlaps the matrix A. */
static inline int
mlp_overlaps_matrix (const mlp_chain *net, const gsl_matrix *A)
{
  return matrices_overlap (net->W1, A) || vector_matrix_overlap (net->b1, A)
         || matrices_overlap (net->W2, A) || vector_matrix_overlap (net->b2, A);
}

/* 1 when a block of the network net overlaps the vector v. */
static inline int
mlp_overlaps_vector (const mlp_chain *net, const gsl_vector *v)
{
  return vector_matrix_overlap (v, net->W1) || vectors_overlap (net->b1, v)
         || vector_matrix_overlap (v, net->W2) || vectors_overlap (net->b2, v);
}

/* 1 when a block of network a overlaps a block of network b. */
static inline int
mlps_overlap (const mlp_chain *a, const mlp_chain *b)
{
  return mlp_overlaps_matrix (a, b->W1) || mlp_overlaps_vector (a, b->b1)
         || mlp_overlaps_matrix (a, b->W2) || mlp_overlaps_vector (a, b->b2);
}

#endif /* BP_VALID_H */
