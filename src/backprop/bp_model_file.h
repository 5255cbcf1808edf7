/* bp_model_file.h -- saving and loading the classifier's W and b.

   File format, version 1 (all integers little-endian unsigned 32-bit,
   all reals IEEE 754 binary64 little-endian):

     offset  size     field
     0       8        magic "BPMODEL\n" (42 50 4d 4f 44 45 4c 0a)
     8       4        version, 1
     12      4        n, the number of classes (rows of W)
     16      4        m, the number of inputs (columns of W)
     20      4        rows, 24  4  cols: the image shape, rows cols = m
     28      8 n m    W, row-major
     ..      8 n      b
     ..      4        CRC-32 (zlib's crc32) of every byte before it

   A file is written atomically: to a temporary file in the same directory,
   flushed to disk (fsync), then renamed over FILE, so FILE is either the
   old model or the whole new one, never a part.  Reading checks the
   magic, version, sizes, exact length and checksum, and that every value
   is finite, before it returns anything.

   Errors as in bp_idx.h: the GSL error handler and code (GSL_EFAILED for
   I/O, GSL_EINVAL for a malformed or corrupt file, GSL_EBADLEN for bad
   arguments, GSL_ENOMEM) and a message naming the file in err. */
#ifndef BP_MODEL_FILE_H
#define BP_MODEL_FILE_H
#include <stddef.h>
#include "bp_common.h"
BP_BEGIN_DECLS

#define BP_MODEL_FILE_MAGIC "BPMODEL\n"
#define BP_MODEL_FILE_VERSION 1u

/* Write W (n x m), b (n) and the image shape rows x cols (rows cols = m)
   to path, atomically.  Non-finite values are refused (GSL_EDOM).
   W and b are those of v = W u + b, derivations/01-forward-pass.md,
   eq. (1.2); the file is not a formula (derivations/README.md). */
int bp_model_file_write (const char *path, const gsl_matrix *W,
                         const gsl_vector *b, size_t rows, size_t cols,
                         char *err, size_t errlen);

/* Read a model: *W and *b are newly allocated (free them with
   gsl_matrix_free and gsl_vector_free); rows and cols may be NULL.
   On error nothing is allocated. */
int bp_model_file_read (const char *path, gsl_matrix **W, gsl_vector **b,
                        size_t *rows, size_t *cols, char *err, size_t errlen);

BP_END_DECLS
#endif /* BP_MODEL_FILE_H */
