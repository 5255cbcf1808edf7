/* alloc.h -- (internal) gsl_matrix_alloc and gsl_matrix_calloc for each
   type, without GSL 2.7.1's leak: its gsl_matrix_alloc mallocs the
   matrix's struct, then its block, and returns NULL without freeing the
   struct when the block's malloc fails (matrix/init_source.c).  Here the
   block comes first and the matrix is made on it, owning it; a failure
   at either step frees what the other made.  The same matrix otherwise:
   data at the block's start, tda = n2, gsl_matrix_free frees both
   (doc/robustness.md, "Allocation failures").
     matrix_alloc, matrix_calloc            gsl_matrix
     matrix_float_alloc, _calloc            gsl_matrix_float
     matrix_complex_alloc, _calloc          gsl_matrix_complex
     matrix_uchar_alloc, _calloc            gsl_matrix_uchar
   and FUNCTION (matrix, alloc) in a templated source. */
#ifndef BP_LIB_ALLOC_H
#define BP_LIB_ALLOC_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>

/* SUFFIX: empty (double), _float, _complex or _uchar, as in GSL's names */
#define BP_MATRIX_ALLOC(SUFFIX)                                                    \
  static inline gsl_matrix##SUFFIX *                                               \
  matrix##SUFFIX##_on_block (gsl_block##SUFFIX *b, size_t n1, size_t n2)           \
  {                                                                                \
    gsl_matrix##SUFFIX *m = b ? gsl_matrix##SUFFIX##_alloc_from_block (b, 0, n1, n2, n2) \
                              : NULL;                                              \
    if (!m)                                                                        \
      {                                                                            \
        if (b)                                                                     \
          gsl_block##SUFFIX##_free (b);                                            \
        return NULL;                                                               \
      }                                                                            \
    m->owner = 1;                                                                  \
    return m;                                                                      \
  }                                                                                \
  static inline gsl_matrix##SUFFIX *                                               \
  matrix##SUFFIX##_alloc (size_t n1, size_t n2)                                    \
  {                                                                                \
    return matrix##SUFFIX##_on_block (gsl_block##SUFFIX##_alloc (n1 * n2), n1, n2); \
  }                                                                                \
  static inline gsl_matrix##SUFFIX *                                               \
  matrix##SUFFIX##_calloc (size_t n1, size_t n2)                                   \
  {                                                                                \
    return matrix##SUFFIX##_on_block (gsl_block##SUFFIX##_calloc (n1 * n2), n1, n2); \
  }

BP_MATRIX_ALLOC ()
BP_MATRIX_ALLOC (_float)
BP_MATRIX_ALLOC (_complex)
BP_MATRIX_ALLOC (_uchar)

#undef BP_MATRIX_ALLOC

#endif /* BP_LIB_ALLOC_H */
