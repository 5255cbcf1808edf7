/* bp_idx.h -- IDX files (the format of MNIST and Fashion-MNIST), plain or
   gzip'd, and a labelled data set of images kept as uint8 bytes.

   An IDX file is: 2 zero bytes, a type byte (0x08: unsigned byte, the only
   type read here), a byte giving the number of dimensions d, then d sizes
   as 32-bit big-endian unsigned integers, then the payload: the product
   of the sizes, as bytes, row-major.  Images files have d = 3
   (count, rows, cols); labels files have d = 1 (count).

   Errors are reported the GSL way (GSL_ERROR, so through the GSL error
   handler, and as the return code) and, when err is not NULL, as a
   message naming the file and the problem written into err (errlen
   bytes, always NUL-terminated):
     GSL_EFAILED  the file cannot be opened or read (errno's message);
     GSL_EINVAL   the file is malformed: wrong magic or type, wrong number
                  of dimensions, a zero or overflowing size, a truncated
                  header or payload, trailing bytes, corrupt gzip data;
                  or the two files of a data set disagree in count, or a
                  label is >= the number of classes;
     GSL_ENOMEM   the payload cannot be allocated;
     GSL_EFAULT   a path or the result (idx, d) is NULL (the message names
                  the function instead of a file; err may be NULL).
   Nothing is read out of bounds, and on error nothing is left allocated. */
#ifndef BP_IDX_H
#define BP_IDX_H
#include <stddef.h>
#include "bp_common.h"
BP_BEGIN_DECLS

/* Maximum number of dimensions of an IDX file read here. */
#define BP_IDX_MAX_DIMS 4

/* One IDX file of unsigned bytes. */
typedef struct
{
  size_t ndims;                    /* d */
  size_t dims[BP_IDX_MAX_DIMS];    /* the sizes, dims[0] the item count */
  size_t size;                     /* product of the sizes: payload bytes */
  unsigned char *data;             /* size bytes, row-major */
} bp_idx;

/* Read the IDX file at path (gzip'd or plain: zlib tells them apart by
   content, not by name) that must have exactly ndims dimensions.
   On success *idx owns its data (free it with bp_idx_free).
   Not a formula: derivations/README.md, reference list. */
int bp_idx_read (const char *path, size_t ndims, bp_idx *idx,
                 char *err, size_t errlen);

/* Frees idx's data and zeroes *idx; bp_idx_free (NULL) does nothing. */
void bp_idx_free (bp_idx *idx);

/* A labelled set of count images of rows x cols bytes (0 = background,
   255 = ink) and their classes 0 .. n_classes-1. */
typedef struct
{
  size_t count, rows, cols, n_classes;
  unsigned char *images;   /* count x (rows cols) bytes, image k at
                              images + k rows cols */
  unsigned char *labels;   /* count classes */
} bp_dataset;

/* Read an images file (3 dimensions) and a labels file (1 dimension) into
   d; the counts must agree and every label be < n_classes (n_classes = 0
   is refused, GSL_EINVAL). */
int bp_dataset_read (const char *images_path, const char *labels_path,
                     size_t n_classes, bp_dataset *d, char *err, size_t errlen);

/* bp_dataset_free (NULL) does nothing. */
void bp_dataset_free (bp_dataset *d);

/* The pixel scale of the slides' model: u = x / 255, so u is in [0, 1]. */
#define BP_PIXEL_SCALE (1.0 / 255.0)

/* Rows of the input matrix of a batch: row r of U is image index[r] of d,
   scaled by BP_PIXEL_SCALE (u = reshape(x), slide 3, row-major), and row r
   of the one-hot label matrix T has a 1 at column labels[index[r]].
   U is B x (rows cols), T is B x n_classes, index has B entries < count.
   T may be NULL.  GSL_EFAULT for a NULL d, index or U, GSL_EBADLEN for
   shapes that do not agree, GSL_EINVAL for an index beyond the data set.
   derivations/14-mini-batch.md, eq. (14.1) */
int bp_dataset_batch (const bp_dataset *d, const size_t *index,
                      gsl_matrix *U, gsl_matrix *T);

BP_END_DECLS
#endif /* BP_IDX_H */
