/* bp_model_file.h -- saving and loading the classifier's W and b, or the
   two-layer network's W1, b1, W2, b2, or the convolutional network (bp_cnn.h).

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

   Version 3: the convolutional network of bp_cnn.h:

     0       8        magic "BPMODEL\n"
     8       4        version, 3
     12      4        n, 16  4  m, 20  4  rows, 24  4  cols: as version 1
                      (rows, cols >= 4)
     28      4        C1, 32  4  C2: the convolutions' channels (> 0)
     36      4        H, the fully connected hidden layer's units (0: none)
     40      4        k, the kernels' side (5), 44  4  p, their padding (2)
     48      ..       K1, b1, K2, b2, [W3, b3 when H > 0,] W4, b4, in the
                      order and shapes of bp_cnn_blocks, matrices row-major
     ..      4        CRC-32 of every byte before it

   A one-layer model is always written as version 1, so older programs
   still read it; a file's version tells which kind it holds
   (bp_model_file_layers).

   The training state (bp_train_state), optional, follows a version 1 or
   2 model's CRC in a file saved by `backprop train', so that a run can be
   continued (`--resume'); the readers above ignore it (older programs
   refuse such a file: its length is not a bare model's).  With c the
   model's parameter count and R the bytes of the RNG's state:

     0       8        magic "BPSTATE\n"
     8       4        state version: 1, or 2 with the run's history
     12      4        R
     16      8 each   epochs done, the schedule's epochs, batch, validation
                      images held out, seed (little-endian unsigned 64-bit)
     56      8 each   learning rate, momentum, weight decay (binary64)
     80      8 c      the momentum's velocity of every parameter, in the
                      model's order (W, b; or W1, b1, W2, b2; or bp_cnn_blocks' order)
     ..      R        gsl_rng_state of the shuffling's mt19937 (this
                      machine's layout: 5,000 bytes on x86-64)
     ..      32 E     version 2 only, E the epochs done (> 0): per epoch,
                      its learning rate (its first step's), training loss,
                      validation loss and validation accuracy (binary64;
                      0, 0 for the validation without held-out images)
     ..      4        CRC-32 of the section's bytes before it

   The history holds no times, so that a resumed run's file is the
   uninterrupted run's, byte for byte.  Version 1 (written when the
   state has no history) is read as a state without history.

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
#include "bp_cnn.h"
BP_BEGIN_DECLS

#define BP_MODEL_FILE_MAGIC "BPMODEL\n"
#define BP_MODEL_FILE_VERSION 1u
#define BP_MODEL_FILE_VERSION_MLP 2u
#define BP_MODEL_FILE_VERSION_CNN 3u

/* The readers refuse (GSL_EINVAL) a header beyond the sizes `backprop
   train' makes: convolutions of more channels, a hidden layer of more
   units. */
#define BP_MODEL_FILE_MAX_CHANNELS 1024
#define BP_MODEL_FILE_MAX_HIDDEN 100000

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

/* The convolutional network net as version 3, atomically; its image
   shape is net's.  Non-finite values are refused (GSL_EDOM). */
int bp_model_file_write_cnn (const char *path, const bp_cnn *net, char *err,
                             size_t errlen);

/* Read a version 3 file: *net newly allocated (bp_cnn_free).  Versions 1
   and 2 are refused (GSL_EINVAL), as their readers refuse version 3.  On
   error *net is NULL. */
int bp_model_file_read_cnn (const char *path, bp_cnn **net, char *err, size_t errlen);

/* What `backprop train --resume' needs, saved after the model. */
typedef struct
{
  size_t epoch;              /* epochs done */
  size_t epochs;             /* the schedule's length (bp_sgd_params) */
  size_t batch;
  size_t validation;         /* training images held out */
  unsigned long seed;
  double lr, momentum, weight_decay;
  gsl_vector *velocity;      /* every parameter's, in the file's order */
  size_t rng_size;           /* bytes of rng_state */
  unsigned char *rng_state;  /* gsl_rng_state of the shuffling's RNG */
  gsl_matrix *history;       /* epoch x BP_HISTORY_FIELDS (the BP_HISTORY_*
                                columns), or NULL: none (state version 1) */
} bp_train_state;

/* The columns of bp_train_state's history, one row per epoch done. */
enum
{
  BP_HISTORY_LR, BP_HISTORY_TRAIN_LOSS, BP_HISTORY_VALID_LOSS,
  BP_HISTORY_VALID_ACCURACY, BP_HISTORY_FIELDS
};

/* bp_model_file_write and bp_model_file_write_mlp with the training state
   s after the model, in one atomic write.  s->velocity must have one
   element per parameter and s->history, when not NULL, a row per epoch
   done (GSL_EBADLEN), and every value be finite (GSL_EDOM).  Not a formula: derivations/14-mini-batch.md (resuming). */
int bp_model_file_write_state (const char *path, const gsl_matrix *W,
                               const gsl_vector *b, size_t rows, size_t cols,
                               const bp_train_state *s, char *err, size_t errlen);
int bp_model_file_write_mlp_state (const char *path, const bp_mlp *net,
                                   size_t rows, size_t cols,
                                   const bp_train_state *s, char *err,
                                   size_t errlen);
int bp_model_file_write_cnn_state (const char *path, const bp_cnn *net,
                                   const bp_train_state *s, char *err,
                                   size_t errlen);

/* Read the training state of path (the model's checks and checksum, then
   the state's): s->velocity, s->rng_state and s->history (NULL for a
   state of version 1) newly allocated, freed by bp_train_state_free
   (which accepts NULL).  GSL_EINVAL for a file
   without one.  On error nothing is left allocated. */
int bp_model_file_read_state (const char *path, bp_train_state *s, char *err,
                              size_t errlen);
void bp_train_state_free (bp_train_state *s);

/* The kind of model in path, from its header (magic, version, sizes and
   length checked; the parameters and checksum are checked by the readers):
   *layers is the number of layers with parameters: 1 for the classifier
   (version 1), 2 for the two-layer network (version 2), 3 for the
   convolutional network, 4 with its hidden layer (version 3). */
int bp_model_file_layers (const char *path, size_t *layers, char *err,
                          size_t errlen);

/* The shape of the model in path, from its header alone (checked as by
   bp_model_file_layers): its layers (1 or 2), image rows and cols, number
   of classes and hidden units (0 for none); each pointer may be NULL.
   A caller can refuse a model of the wrong shape before reading (and
   allocating) a file of up to 2^64 bytes. */
int bp_model_file_shape (const char *path, size_t *layers, size_t *rows,
                         size_t *cols, size_t *classes, size_t *hidden,
                         char *err, size_t errlen);

BP_END_DECLS
#endif /* BP_MODEL_FILE_H */
