/* bp_model_file.h -- saving and loading the classifier's W and b, or the
   two-layer network's W1, b1, W2, b2.

   File format, version 1: the one-layer classifier (all integers
   little-endian unsigned 32-bit, all reals IEEE 754 binary64
   little-endian):

     offset  size     field
     0       8        magic "BPMODEL\n" (42 50 4d 4f 44 45 4c 0a)
     8       4        version, 1
     12      4        n, the number of classes (rows of W)
     16      4        m, the number of inputs (columns of W)
     20      4        rows, 24  4  cols: the image shape, rows cols = m
     28      8 n m    W, row-major
     ..      8 n      b
     ..      4        CRC-32 (zlib's crc32) of every byte before it

   Version 2: the two-layer network of bp_mlp.h (H hidden units):

     0       8        magic "BPMODEL\n"
     8       4        version, 2
     12      4        n, 16  4  m, 20  4  rows, 24  4  cols: as version 1
     28      4        H, the hidden units (> 0)
     32      4        the activation: 0 relu, 1 sigmoid, 2 tanh (bp_activation)
     36      8 H m    W1, row-major
     ..      8 H      b1
     ..      8 n H    W2, row-major
     ..      8 n      b2
     ..      4        CRC-32 of every byte before it

   A one-layer model is always written as version 1, so older programs
   still read it; a file's version tells which kind it holds
   (bp_model_file_layers).

   A file is written atomically: to a temporary file in the same directory
   (FILE.XXXXXX, FILE's name cut so that it fits the folder's longest
   name), flushed to disk (fsync), then renamed over FILE, so FILE is
   either the old model or the whole new one, never a part; a write error
   removes the temporary file (tests/save-faults.sh).  While it exists,
   the signals that would end the process and that it leaves to their
   default action (SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM,
   SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF) are held and
   delivered once it is renamed or removed, so only SIGKILL (or a crash)
   can leave it behind.  (The handlers are swapped process-wide for the
   time of the save: do not change those signals' actions from another
   thread meanwhile.)

   FILE is only ever replaced when it is a regular file that may be
   written, or a new name: a symbolic link (to a file or to a folder), a
   FIFO, a device, a socket or a folder is refused, as is a read-only
   file (no write permission bit, or access (W_OK) refused), with
   GSL_EFAILED and a message saying what FILE is.  A replaced file keeps
   its permission bits; a new one gets 0666 less the umask.

   Reading opens only regular files (without waiting on a FIFO: it is
   refused, as are devices, sockets and folders, with GSL_EFAILED), then
   checks the magic, version, sizes, exact length and checksum, and that
   every value is finite, before it returns anything.

   Errors as in bp_idx.h: the GSL error handler and code (GSL_EFAILED for
   I/O, GSL_EINVAL for a malformed or corrupt file, GSL_EBADLEN for bad
   arguments, GSL_ENOMEM) and a message naming the file in err; a NULL
   path or result pointer is GSL_EFAULT (bp_common.h), its message naming
   the function.  err may be NULL. */
#ifndef BP_MODEL_FILE_H
#define BP_MODEL_FILE_H
#include <stddef.h>
#include "bp_common.h"
#include "bp_mlp.h"
BP_BEGIN_DECLS

#define BP_MODEL_FILE_MAGIC "BPMODEL\n"
#define BP_MODEL_FILE_VERSION 1u
#define BP_MODEL_FILE_VERSION_MLP 2u

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

/* The two-layer network net, its input an image of rows x cols
   (rows cols = net->m), as version 2, atomically.  Non-finite values are
   refused (GSL_EDOM). */
int bp_model_file_write_mlp (const char *path, const bp_mlp *net, size_t rows,
                             size_t cols, char *err, size_t errlen);

/* Read a version 2 file: *net is newly allocated (bp_mlp_free), with the
   activation the file names; rows and cols may be NULL.  A version 1 file
   is refused (GSL_EINVAL), as bp_model_file_read refuses version 2.  On
   error *net is NULL. */
int bp_model_file_read_mlp (const char *path, bp_mlp **net, size_t *rows,
                            size_t *cols, char *err, size_t errlen);

/* The kind of model in path, from its header (magic, version, sizes and
   length checked; the parameters and checksum are checked by the readers):
   *layers is 1 for the classifier (version 1), 2 for the two-layer network
   (version 2). */
int bp_model_file_layers (const char *path, size_t *layers, char *err,
                          size_t errlen);

/* The shape of the model in path, from its header alone (checked as by
   bp_model_file_layers): its layers (1 or 2), image rows and cols, number
   of classes and hidden units (0 for one layer); each pointer may be NULL.
   A caller can refuse a model of the wrong shape before reading (and
   allocating) a file of up to 2^64 bytes. */
int bp_model_file_shape (const char *path, size_t *layers, size_t *rows,
                         size_t *cols, size_t *classes, size_t *hidden,
                         char *err, size_t errlen);

BP_END_DECLS
#endif /* BP_MODEL_FILE_H */
