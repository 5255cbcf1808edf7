/* bp_model_file.h -- saving and loading a network of bp_net.h (any row
   of its table) with, optionally, its training state.

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

   Version 2: the two-layer network, the row bp_net_mlp (H hidden units):

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

   Version 3: the convolutional network (bp_net_cnn):

     0       8        magic "BPMODEL\n"
     8       4        version, 3
     12      4        n, 16  4  m, 20  4  rows, 24  4  cols: as version 1
                      (rows, cols >= 4)
     28      4        C1, 32  4  C2: the convolutions' channels (> 0)
     36      4        H, the fully connected hidden layer's units (0: none)
     40      4        k, the kernels' side (5), 44  4  p, their padding (2)
     48      ..       K1, b1, K2, b2, [W3, b3 when H > 0,] W4, b4, in the
                      order and shapes of bp_net_cnn's blocks, matrices row-major
     ..      4        CRC-32 of every byte before it

   Version 4 (0.2.0): any network of bp_net.h, named by its type; the
   one written.  L is the type's name's length, h its hidden layers, B
   its blocks:

     0       8        magic "BPMODEL\n"
     8       4        version, 4
     12      4        L (1 to BP_MODEL_FILE_MAX_NAME)
     16      L        the type's name (bp_net_type's name: "linear", "mlp",
                      "cnn", ...), printable ASCII without a NUL
     then, from a = 16 + L, the shape (bp_net_shape):
     a       4        rows, a+4  4  cols: the image (rows cols inputs)
     a+8     4        n, the classes
     a+12    4        h, the hidden layers (0 to BP_NET_MAX_HIDDEN)
     a+16    4 h      their units, in order (each 1 to BP_MODEL_FILE_MAX_HIDDEN)
     ..      4        the activation: 0 relu, 1 sigmoid, 2 tanh (bp_activation)
     ..      4        C1, 4  C2: the convolutions' channels (0 without;
                      at most BP_MODEL_FILE_MAX_CHANNELS)
     ..      4        B, the blocks
     ..               B times: 4 its name's length l (1 to
                      BP_MODEL_FILE_MAX_NAME), l its name ("W1", "b1", ...),
                      4 size1, 4 size2 (0: a vector of size1)
     ..      8 c      the parameters: the blocks back to back in that
                      order, matrices row-major (bp_net's theta), c the
                      blocks' elements
     ..      4        CRC-32 of every byte before it

   The blocks must be exactly the layout the named type gives for the
   shape (bp_net_type's layout): names, order and sizes.  A file whose
   blocks disagree is corrupt, and is refused.

   A float32 row ("linear_float32", "mlp_float32", "deep_float32",
   "cnn_float32") is the same layout under its own name: the dtype is the
   row.  Its parameters and its training state's velocities are floats
   written exactly as doubles; a value that is not a float is refused
   (corrupt), so that a file read and written again is the same bytes.
   A reader that does not know the row refuses the file by the name
   ("unknown network type").

   Versions 1-3, written by 0.1.0, are read into the rows they hold:
   version 1 a "linear" network, version 2 an "mlp" of one hidden layer,
   version 3 a "cnn" (relu; its hidden layer when H > 0); their
   parameters are already in the row's order.

   The training state (bp_train_state), optional, follows the model's CRC
   (of any version) in a file saved by `backprop train', so that a run can
   be continued (`--resume'); bp_model_file_read reads it when asked to.
   With c the
   model's parameter count and R the bytes of the RNG's state:

     0       8        magic "BPSTATE\n"
     8       4        state version: 1, or 2 with the run's history
     12      4        R
     16      8 each   epochs done, the schedule's epochs, batch, validation
                      images held out, seed (little-endian unsigned 64-bit)
     56      8 each   learning rate, momentum, weight decay (binary64)
     80      8 c      the momentum's velocity of every parameter, in the
                      model's order (bp_net's theta: its blocks back to back)
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
#include "bp_net.h"
BP_BEGIN_DECLS

#define BP_MODEL_FILE_MAGIC "BPMODEL\n"
#define BP_MODEL_FILE_VERSION 4u          /* written, by bp_model_file_write */
#define BP_MODEL_FILE_VERSION_LINEAR 1u   /* read: 0.1.0's one-layer classifier */
#define BP_MODEL_FILE_VERSION_MLP 2u      /* read: 0.1.0's two-layer network */
#define BP_MODEL_FILE_VERSION_CNN 3u      /* read: 0.1.0's convolutional network */

/* The readers refuse (GSL_EINVAL) a header beyond the sizes `backprop
   train' makes: convolutions of more channels, a hidden layer of more
   units. */
#define BP_MODEL_FILE_MAX_CHANNELS 1024
#define BP_MODEL_FILE_MAX_HIDDEN 100000
/* The longest name of a type or a block in a version 4 file. */
#define BP_MODEL_FILE_MAX_NAME 32

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

/* Write net (its type's name, shape, blocks and parameters) as version 4
   to path, atomically, and the training state s after it when s is not
   NULL.  s->velocity must have one element per parameter (net->size, in
   theta's order) and s->history, when not NULL, a row per epoch done
   (GSL_EBADLEN); sizes of 2^32 or more, or names longer than
   BP_MODEL_FILE_MAX_NAME, are GSL_EBADLEN; every value must be finite
   (GSL_EDOM, the block named).  The file is not a formula
   (derivations/README.md); the state: derivations/14-mini-batch.md
   (resuming). */
int bp_model_file_write (const char *path, const bp_net *net, const bp_train_state *s,
                         char *err, size_t errlen);

/* Read the network of path, of version 1 to 4: *net newly allocated
   (bp_net_free), of the row and shape the file names.  When s is not
   NULL, the training state after the model too: s->velocity,
   s->rng_state and s->history (NULL for a state of version 1) newly
   allocated, freed by bp_train_state_free (which accepts NULL); a file
   without one is GSL_EINVAL.  On error *net is NULL and nothing is left
   allocated. */
int bp_model_file_read (const char *path, bp_net **net, bp_train_state *s, char *err,
                        size_t errlen);

/* The type and shape of the network in path, from its header alone (the
   magic, version, sizes, the blocks against the type's layout, and the
   file's length checked; the parameters and checksum are checked by
   bp_model_file_read): a caller can refuse a network of the wrong shape
   before reading (and allocating) a file of up to 2^64 bytes.  type and
   shape may each be NULL. */
int bp_model_file_shape (const char *path, const bp_net_type **type,
                         bp_net_shape *shape, char *err, size_t errlen);

void bp_train_state_free (bp_train_state *s);

BP_END_DECLS
#endif /* BP_MODEL_FILE_H */
