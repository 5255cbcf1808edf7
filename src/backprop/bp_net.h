/* bp_net.h -- a network is a type (GSL's pattern, gsl_root_fsolver_type):
   a row of the table names its blocks for given sizes and gives its batch
   forward and backward over ONE parameter buffer.

     bp_net_linear  v = W u + b                                (slides 3-4)
     bp_net_mlp     v = W2 f(W1 u + b1) + b2                   (12)
     bp_net_deep    v = W_L f(... f(W1 u + b1) ...) + b_L      (12, "More hidden layers")
     bp_net_cnn     the convolutional chain conv-relu-maxpool twice,
                    [linear-relu,] linear                      (17)

   Each arithmetic is a row too (GSL's gsl_vector / gsl_vector_float): the
   float32 rows bp_net_linear_float, bp_net_mlp_float, bp_net_deep_float,
   bp_net_cnn_float (named "linear_float32", ...) are the same networks over
   gsl_vector_float buffers, running the same templated chains in float
   (sgemm); a double row's float32 field names its float twin.  A float
   network's buffers are theta_float and grad_float (theta and grad are
   NULL, and so are its bp_gradcheck_block views); bp_net_forward and
   bp_net_backward take double U and T for either arithmetic and round
   them to float for a float row; the trainer (bp_train.h) runs its loop
   in the row's arithmetic, the batches read in float.

   A bp_net is a type, its sizes, the buffer theta of every parameter
   (the blocks back to back, each matrix row-major) and the buffer grad of
   the gradients in the same layout.  Its block views (block, grad_block)
   are bp_gradcheck_blocks: a network is checked by one bp_gradcheck call.
   The rows run the existing chain code (bp_batch.h, the library's internal
   two-layer and CNN chains) on views into the two buffers.

   Errors (bp_common.h): GSL_EFAULT for a NULL, GSL_EINVAL for sizes a row
   refuses, GSL_EBADLEN for matrices that do not fit the network,
   GSL_EDOM for NaN or infinity in the parameters, U or T, or labels
   whose rows do not sum to 1; GSL_EOVRFLW, without the error handler,
   when finite parameters give a logit that is not finite (a diverged
   run).  Nothing is written when an argument is refused.
   Derivation: derivations/12-two-layer-network.md ("More hidden layers"),
   derivations/14-mini-batch.md (the trainer, bp_train.h). */
#ifndef BP_NET_H
#define BP_NET_H
#include <gsl/gsl_types.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_complex.h>
#include <gsl/gsl_matrix_complex_double.h>
#include "bp_common.h"
#include "bp_activation.h"
#include "bp_gradcheck.h"
BP_BEGIN_DECLS

/* The ranges of a run's settings: `backprop train' refuses others on its
   command line, and the model file's reader in a saved training state
   (corrupt: such a run was never saved).  A learning rate is > 0, a
   momentum in [0, 1), a weight decay >= 0, all finite. */
#define BP_SGD_EPOCHS_MAX 100000u
#define BP_SGD_BATCH_MAX 1000000u
#define BP_SGD_SEED_MIN 1ul          /* mt19937's seeds (gsl_rng_set keeps 32 bits) */
#define BP_SGD_SEED_MAX 4294967295ul
#define BP_SGD_VALIDATION_MAX 4294967295ul   /* an IDX file counts in 32 bits */

/* The optimiser's settings (bp_train.h). */
typedef struct
{
  size_t batch;       /* B, examples per step */
  double lr;          /* eta, the learning rate of the first epoch */
  double momentum;    /* mu in [0, 1): 0 is plain SGD */
  double weight_decay;/* lambda >= 0: the loss minimised is
                         L + (lambda/2) sum ||W||^2 over the weight blocks
                         (biases are not decayed) */
  size_t epochs;      /* the schedule's length */
} bp_sgd_params;

#define BP_NET_MAX_HIDDEN 8
#define BP_NET_MAX_BLOCKS (2 * BP_NET_MAX_HIDDEN + 8)

/* The sizes a network is made for. */
typedef struct
{
  size_t rows, cols;        /* the image: m = rows cols inputs */
  size_t n;                 /* classes */
  size_t n_hidden;          /* hidden layers: linear 0, mlp 1, deep >= 2,
                               cnn 0 or 1 (its fully connected layer) */
  size_t hidden[BP_NET_MAX_HIDDEN];   /* their units */
  bp_activation act;        /* the hidden layers' activation (cnn: relu) */
  size_t C1, C2;            /* cnn: the convolutions' channels; 0 otherwise */
} bp_net_shape;

/* One block of the layout. */
typedef struct
{
  const char *name;         /* "W", "b", "W1", "K1", ... */
  size_t size1, size2;      /* a matrix; size2 == 0: a vector of size1 */
  int decay;                /* 1 for weights (weight decay applies), 0 for biases */
} bp_net_block_shape;

/* The arithmetic of a row. */
typedef enum
{
  BP_NET_FLOAT64 = 0,   /* double, the reference */
  BP_NET_FLOAT32 = 1    /* float, GSL's gsl_vector_float; sums of a batch's
                           loss and bias gradients accumulate in double */
} bp_net_dtype;

typedef struct bp_net_type bp_net_type;
typedef struct bp_net bp_net;
typedef struct bp_net_workspace bp_net_workspace;

/* A row of the table.  The functions trust their arguments: the bp_net_*
   entries below check them once. */
struct bp_net_type
{
  const char *name;         /* "linear", "mlp", "deep", "cnn" */
  /* The layout for s: GSL_EINVAL (not reported) for sizes the row refuses. */
  int (*layout) (const bp_net_shape *s, size_t *count, bp_net_block_shape *b);
  /* The starting point drawn from rng (the linear row: zero). */
  int (*init) (bp_net *net, gsl_rng *rng);
  /* What a batch of up to B examples needs; NULL when out of memory. */
  void *(*workspace_alloc) (const bp_net *net, size_t B);
  void (*workspace_free) (void *ws);
  /* The logits of the rows of U (U->size1 <= B), *V a view into ws; the
     mean loss against T into *L when T is not NULL. */
  int (*forward) (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                  void *ws, gsl_matrix_view *V, double *L);
  /* The mean loss *L against T and every gradient into net->grad; dL_dU
     may be NULL. */
  int (*backward) (bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
                   gsl_matrix *dL_dU, double *L);
  /* The mean loss against T in complex arithmetic, for the complex step
     (bp_complex_step.h): block[k] the complex block k of the layout (a
     vector block as one column), U's rows the inputs.  Composed of the
     formulas' complex instantiations one example at a time, in cws (made
     by cws_alloc); NULL for a row without one.  See bp_net_cforward. */
  int (*cforward) (const bp_net *net, const gsl_matrix_complex *const block[],
                   const gsl_matrix_complex *U, const gsl_matrix *T, void *cws,
                   gsl_complex *L);
  /* "two-layer network 784 -> 256 relu -> 10" */
  void (*describe) (const bp_net *net, char *buf, size_t len);
  bp_sgd_params defaults;   /* what `backprop train' uses for this row */
  size_t eval_batch;        /* examples per batch to classify a data set */
  bp_net_dtype dtype;       /* BP_NET_FLOAT32: forward and backward are NULL,
                               the two below run on theta_float, grad_float */
  /* forward and backward over float batches (float32 rows only) */
  int (*forward_float) (const bp_net *net, const gsl_matrix_float *U,
                        const gsl_matrix_float *T, void *ws,
                        gsl_matrix_float_view *V, double *L);
  int (*backward_float) (bp_net *net, const gsl_matrix_float *U,
                         const gsl_matrix_float *T, void *ws,
                         gsl_matrix_float *dL_dU, double *L);
  /* the same network in float32 (NULL: none; a float row: itself) */
  const bp_net_type *float32;
  /* cforward's scratch for one example of net's shape (NULL when out of
     memory), and its free; NULL with cforward */
  void *(*cws_alloc) (const bp_net *net);
  void (*cws_free) (void *cws);
  /* the bytes of workspace_alloc's buffers per example (a batch of B
     holds B times as many); SIZE_MAX when that overflows size_t */
  size_t (*example_bytes) (const bp_net *net);
};

GSL_VAR const bp_net_type *bp_net_linear;
GSL_VAR const bp_net_type *bp_net_mlp;
GSL_VAR const bp_net_type *bp_net_deep;
GSL_VAR const bp_net_type *bp_net_cnn;
/* bp_net_cnn's convolutions: 5 x 5 kernels, zero padding 2 (the
   convolutions keep the image's size); derivations/17-cnn.md */
#define BP_CNN_K 5
#define BP_CNN_PAD 2
GSL_VAR const bp_net_type *bp_net_linear_float;
GSL_VAR const bp_net_type *bp_net_mlp_float;
GSL_VAR const bp_net_type *bp_net_deep_float;
GSL_VAR const bp_net_type *bp_net_cnn_float;

/* Row k of the table, k = 0, 1, ... (every row, the float32 ones
   after the double ones), NULL from the end on (no error): a loop over
   the table, as GSL's gsl_rng_types_setup. */
const bp_net_type *bp_net_type_at (size_t k);

/* The row named name, NULL for none (no error). */
const bp_net_type *bp_net_type_by_name (const char *name);

/* The row `backprop train' picks for s: convolutions (C1 > 0): cnn;
   else no hidden layer: linear, one: mlp, more: deep.  NULL (GSL_EFAULT)
   for a NULL s. */
const bp_net_type *bp_net_type_of (const bp_net_shape *s);

struct bp_net
{
  const bp_net_type *type;
  bp_net_shape shape;
  size_t size;              /* parameters */
  gsl_vector *theta;        /* every parameter, the blocks back to back */
  gsl_vector *grad;         /* the gradients, the same layout */
  size_t n_blocks;
  bp_net_block_shape layout[BP_NET_MAX_BLOCKS];
  size_t offset[BP_NET_MAX_BLOCKS];   /* block k's first element in theta */
  /* The blocks as views into theta and grad: bp_gradcheck_blocks. */
  bp_gradcheck_block block[BP_NET_MAX_BLOCKS], grad_block[BP_NET_MAX_BLOCKS];
  /* (the views' storage; theta_v[k], grad_v[k]: block k's elements as one
     vector, whatever its shape; theta_M[k]: as a matrix, size1 x 1 for a
     vector block) */
  gsl_matrix_view theta_M[BP_NET_MAX_BLOCKS], grad_M[BP_NET_MAX_BLOCKS];
  gsl_vector_view theta_v[BP_NET_MAX_BLOCKS], grad_v[BP_NET_MAX_BLOCKS];
  /* A float32 row's buffers and their views, as above (NULL and unused
     in a double row) */
  gsl_vector_float *theta_float, *grad_float;
  gsl_matrix_float_view theta_float_M[BP_NET_MAX_BLOCKS], grad_float_M[BP_NET_MAX_BLOCKS];
  gsl_vector_float_view theta_float_v[BP_NET_MAX_BLOCKS], grad_float_v[BP_NET_MAX_BLOCKS];
};

/* A network of type T for sizes s, every parameter and gradient zero.
   NULL (GSL_EFAULT) for a NULL, (GSL_EINVAL) for sizes T refuses,
   (GSL_ENOMEM) when out of memory.  bp_net_free (NULL) does nothing. */
bp_net *bp_net_alloc (const bp_net_type *T, const bp_net_shape *s);
void bp_net_free (bp_net *net);

/* The type's starting point from rng. */
int bp_net_init (bp_net *net, gsl_rng *rng);

/* "two-layer network 784 -> 256 relu -> 10" into buf (len bytes). */
int bp_net_describe (const bp_net *net, char *buf, size_t len);

/* What the batches of up to B examples need: the row's matrices and the
   batch U (B x m), T (B x n) that bp_train.h reads examples into.
   NULL (GSL_EINVAL) for B = 0, (GSL_ENOMEM) when out of memory;
   bp_net_workspace_free (NULL) does nothing. */
bp_net_workspace *bp_net_workspace_alloc (const bp_net *net, size_t B);
void bp_net_workspace_free (bp_net_workspace *w);

/* The bytes of the buffers bp_net_workspace_alloc (net, B) makes (the
   row's and the batch's, without the allocator's own), B times those of
   one example; SIZE_MAX when that overflows size_t.  0 (GSL_EFAULT) for
   a NULL net, (GSL_EINVAL) for B = 0. */
size_t bp_net_workspace_bytes (const bp_net *net, size_t B);

/* What a pass over a data set (bp_net_evaluate) may hold in its
   workspace: `backprop eval' and train's validation and test passes. */
#define BP_NET_EVAL_BYTES ((size_t) 256 << 20)

/* The batch to classify a data set with: the row's eval_batch, or fewer
   so that the workspace holds at most max_bytes
   (bp_net_workspace_bytes), but at least 1 example.  The accuracy does
   not depend on it; the mean loss may differ in its last bits.
   0 (GSL_EFAULT) for a NULL net. */
size_t bp_net_eval_batch (const bp_net *net, size_t max_bytes);

/* The forward pass of the rows of U (1 to B rows of m): the logits in *V
   (a view into w; may be NULL), the mean loss against T (may be NULL:
   then 0) into *L (may be NULL).  A float32 row: U and T rounded to
   float, the logits computed in float and widened into *V. */
int bp_net_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                    bp_net_workspace *w, gsl_matrix_view *V, double *L);

/* The forward pass, then every gradient of the mean loss against T into
   net->grad (a float32 row: net->grad_float); dL_dU (U's shape, may be
   NULL) gets dL/dU, *L (may be NULL) the loss. */
int bp_net_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T,
                     bp_net_workspace *w, gsl_matrix *dL_dU, double *L);

/* The mean loss *L against T (b x n, rows summing to 1) of the rows of
   U (b x m, contiguous, b >= 1) in complex arithmetic, the parameters
   the complex blocks block[0 .. n_blocks - 1] of net's layout (a vector
   block as one column; net's own theta is not read): the complex step of
   a whole network (derivations/13-complex-step.md).  On real arguments
   (imaginary parts 0) it is the row's loss of one example at a time,
   the slides' forward pass for the linear row (eqs. (1.1)-(1.4)), the
   stable softmax cross-entropy (10.2) for the others, and the mean.
   w is a workspace made for net (bp_net_workspace_alloc, any B): the
   complex scratch is made at its first bp_net_cforward and kept until
   bp_net_workspace_free, so that the checker's many calls allocate
   nothing.  GSL_EFAULT for a NULL, GSL_EBADLEN for shapes that do not
   fit net or a workspace made for another network, GSL_EDOM for rows of
   T that do not sum to 1, GSL_EUNIMPL for a row without a complex
   forward, GSL_ENOMEM when out of memory.  *L is NaN when the forward
   pass fails on the values. */
int bp_net_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                     const gsl_matrix_complex *U, const gsl_matrix *T,
                     bp_net_workspace *w, gsl_complex *L);

BP_END_DECLS
#endif /* BP_NET_H */
