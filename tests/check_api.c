/* check_api.c -- every public function against the library's error rule
   (bp_common.h, src/lib/valid.h):
     NULL where a value is read or a result written  -> GSL_EFAULT
     sizes that do not agree                          -> GSL_EBADLEN
     NaN or infinity where a finite input is needed   -> GSL_EDOM
   through GSL's error handler, called once: int functions return the code,
   double functions return NaN, void functions only call the handler.

   One table, one row per public function: its arguments by kind, which of
   them may be NULL, which of them may have any shape, which must be
   finite, and a call.  For each row the test
     1. calls it with well-formed arguments: GSL_SUCCESS and no call of
        the handler (so that the refusals below are due to the one
        argument changed);
     2. passes NULL in each pointer argument in turn: GSL_EFAULT, or
        success for the optional ones;
     3. gives each vector or matrix argument in turn a wrong size (every
        wrong shape its kind has): GSL_EBADLEN;
     4. puts a NaN in each argument that must be finite: GSL_EDOM.
   It runs twice: with a handler that records the code it is given and
   counts its calls (exactly one per refusal), and with the handler off
   (gsl_set_error_handler_off), as a caller would.

   Functions that take no pointer, allocators and free functions are not
   rows: each has a test of what it promises instead (the "promises" below:
   allocators return NULL with one GSL_EINVAL for a zero size, free
   functions accept NULL as free() does).

   C cannot list a library's functions, so tests/api_coverage.sh checks
   that every function declared in src/backprop/bp_*.h has a row or a
   promise here (its name in quotes).  A new public function follows the
   rule and gets one: add its argument kinds (a new kind if none fits) and
   a call adapter. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_nan.h>
#include <gsl/gsl_complex_math.h>
#include "testutil.h"
#include "backprop/bp_complex_step.h"
#include "lib/formulas/mlp_chain.h"
#include "backprop/bp_gradcheck.h"
#include "lib/formulas/cnn_chain.h"
#include "backprop/bp_train.h"
#include "backprop/bp_net.h"

/* Sizes of the well-formed arguments: n classes, m inputs (a 2x2 image),
   k parameters and q outputs for the checker's functions, H hidden units,
   batches of BB rows, data sets of COUNT examples. */
enum { N = 3, M = 4, XR = 2, XC = 2, K = 2, Q = 3, HH = 2, BB = 2, COUNT = 3 };

typedef enum
{
  VN,      /* vector of N: logits, labels (summing to 1), y, b */
  VM,      /* vector of M */
  MNM,     /* N x M matrix: W, dL/dW */
  MNN,     /* N x N matrix: J */
  MX,      /* XR x XC image, M elements */
  WS,      /* bp_model_workspace for N, M */
  TK,      /* theta, K elements */
  ZK,      /* vector of K zeros: the gradient of a constant, its errors */
  ZQK,     /* Q x K zeros: the Jacobian of a constant, its errors */
  DBL,     /* double * */
  PAR,     /* void *params (the caller's: never NULL-tested) */
  MBN,     /* BB x N matrix, rows summing to 1: logits, labels */
  MCN,     /* BB x N matrix where any number of rows will do: dL/dV */
  MBM,     /* BB x M matrix: a batch of inputs */
  MBH,     /* BB x HH matrix: hidden values */
  VIEW,    /* gsl_matrix_view * */
  BWS,     /* bp_batch_workspace for BB, N, M */
  NET,     /* mlp_chain of M, HH, N (ReLU) */
  MWS,     /* mlp_chain_workspace for M, HH, N */
  RNG,     /* gsl_rng * */
  STR,     /* an activation's name */
  ACTP,    /* bp_activation * */
  CVN,     /* complex vector of N */
  CVM,     /* complex vector of M */
  CVH,     /* complex vector of HH */
  CMNM,    /* complex N x M matrix */
  CMHM,    /* complex HH x M matrix */
  CMNH,    /* complex N x HH matrix */
  CMX,     /* complex XR x XC image */
  CNBK,    /* the complex blocks of NNET (gsl_matrix_complex *[4]) */
  CBM,     /* complex BB x M matrix: a batch of inputs */
  CPL,     /* gsl_complex *, a result */
  DS,      /* bp_dataset * of COUNT 2x2 images of N classes */
  IDXA,    /* size_t index[BB] */
  SGDP,    /* bp_sgd_params * (the defaults) */
  PROG,    /* bp_progress_function */
  CONF,    /* N x N gsl_matrix_ulong */
  SZP,     /* size_t * */
  PIMG,    /* path of an IDX images file (tests/data) */
  PLBL,    /* path of an IDX labels file (tests/data) */
  PW,      /* path of a file to write (removed afterwards) */
  P1,      /* path of a one-layer model file (version 4) */
  IDXS,    /* bp_idx *, a result */
  DSP,     /* bp_dataset *, a result */
  PMAT,    /* gsl_matrix **, a result */
  PVEC,    /* gsl_vector **, a result */
  PNET,    /* mlp_chain **, a result */
  ERR,     /* char err[ERRLEN] */
  CSH,     /* bp_conv_shape * of the layer below (never a wrong shape) */
  CX,      /* CI x CHW: a convolution's input */
  CK,      /* CO x CKC: its kernels */
  CBV,     /* vector of CO: its bias */
  CY,      /* CO x CYW: its output */
  CYR,     /* CO x CYW where any number of columns will do: dL/dY for dL/db */
  BCX,     /* CI x (CB CHW): a batch of CB inputs */
  BCOLS,   /* CKC x (CB CYW): its im2col matrix */
  BCY,     /* CO x (CB CYW): its outputs */
  CCX,     /* complex CX */
  CCK,     /* complex CK */
  CCB,     /* complex vector of CO */
  CCY,     /* complex CY */
  PX,      /* PC x PHW: a pooling's input, PH x PWD images */
  PY,      /* PC x PYW: its output */
  CPX,     /* complex PX */
  CPY,     /* complex PY */
  GCF,     /* bp_gradcheck_function * (a constant scalar f) */
  GBLK,    /* bp_gradcheck_block[1]: a vector of K (theta) */
  GANA,    /* bp_gradcheck_block[1]: K zeros (the analytic gradient) */
  GOPT,    /* bp_gradcheck_options * (the defaults) */
  GRESP,   /* bp_gradcheck_result **, a result */
  GRES,    /* const bp_gradcheck_result * of a check */
  FILEP,   /* FILE * (a temporary file) */
  MNAME,   /* a checker method's name */
  UNSP,    /* unsigned * */
  TST1,    /* bp_train_state * of a one-layer model (N M + N velocities) */
  P3,      /* path of a one-layer model file with its training state */
  PST,     /* bp_train_state *, a result */
  FNET,    /* bp_net * of the one-layer row: N classes, XR x XC images */
  PFNET,   /* bp_net **, a result */
  FTYPE,   /* const bp_net_type **, a result */
  FSHAPE,  /* bp_net_shape *, a result */
  FLP,     /* FC x (BB FHW): a batch of BB images of FC channels (flatten's P) */
  FLF,     /* BB x (FC FHW): the batch flattened (F) */
  CNN,     /* cnn_chain of NR x NCL images, NC1, NC2 channels, HH hidden, N classes */
  CNWS,    /* cnn_chain_workspace for BB examples of CNN's shape */
  CU,      /* BB x NPIX: a batch of NR x NCL images */
  CBLK,    /* cnn_chain_block[CNN_CHAIN_MAX_BLOCKS], a result */
  NNET,    /* bp_net of the mlp row: XR x XC images, HH hidden, N classes */
  NNWS,    /* bp_net_workspace for BB examples of NNET's shape */
  NTR,     /* bp_net_trainer for DS and NNET, batches of BB */
} kind;

/* The convolution of the rows: C_in = CI channels of CH x CW, CO kernels
   of CKS x CKS, no padding (Ho = Wo = 2); batches of CB.  The pooling:
   PC channels of PH x PWD. */
enum { CI = 2, CH = 3, CW = 3, CO = 2, CKS = 2, CHW = CH * CW, CKC = CI * CKS * CKS,
       CYW = 4, CB = 2, PC = 2, PH = 4, PWD = 4, PHW = PH * PWD, PYW = 4 };
static const bp_conv_shape conv_shape = { CI, CH, CW, CO, CKS, 0 };

/* The batch flatten: FC channels of FHW pixels.  The CNN: the smallest
   image (4 x 4), NC1 and NC2 channels. */
enum { FC = 3, FHW = 2, NR = 4, NCL = 4, NPIX = NR * NCL, NC1 = 1, NC2 = 2 };

#define ERRLEN 256

/* How many wrong shapes each kind has (0: not sized). */
static int
n_wrong (kind k)
{
  switch (k)
    {
    case MNM: case MNN: case MBN: case MBM: case MBH: case CMNM: case CMHM:
    case CMNH: case CONF: case CX: case CK: case CY: case BCX: case BCOLS: case BCY:
    case CCX: case CCK: case CCY: case PX: case PY: case CPX: case CPY: case FLP:
    case FLF: case CU: case CBM: return 2;
    case VN: case VM: case MX: case WS: case TK: case ZK: case ZQK: case BWS:
    case NET: case MWS: case CVN: case CVM: case CVH: case CMX:
    case CNBK: case MCN: case CBV: case CYR: case CCB:
    case GANA: case TST1: case CNN: case CNWS: case NNET: case NNWS: case NTR: return 1;
    default: return 0;
    }
}

/* "make" with wrong = POISON: the well-formed argument with a NaN. */
#define POISON (-1)

static int
no_progress (size_t done, size_t total, double loss, void *arg)
{
  (void) done;
  (void) total;
  (void) loss;
  (void) arg;
  return 0;
}

static int
constant_loss (const bp_gradcheck_point *pt, void *params, double *L)
{
  (void) pt;
  (void) params;
  *L = 0.0;
  return 0;
}

static bp_gradcheck_function a_function = { .loss = constant_loss };
static bp_gradcheck_options some_options;
static bp_gradcheck_result *a_gresult;
static unsigned an_unsigned;
static double loss;
static gsl_complex a_complex;
static size_t a_size;
static bp_activation an_activation;
static gsl_matrix_view a_view;
static size_t an_index[BB] = { 0, 2 };
static bp_sgd_params sgd_params;
static bp_idx an_idx;
static bp_dataset a_dataset;
static gsl_matrix *a_matrix;
static gsl_vector *a_vector;
static mlp_chain *a_net;
static char an_err[ERRLEN];
static bp_train_state a_state;
static unsigned char an_rng_state[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static cnn_chain_block some_blocks[CNN_CHAIN_MAX_BLOCKS];
static bp_net *a_fnet;
static const bp_net_type *a_type;
static bp_net_shape a_shape;

/* The one-layer network of N classes and XR x XC images, every parameter
   0.5 (a NaN in the first when poisoned). */
static bp_net *
fnet_of (int poison)
{
  const bp_net_shape s = { .rows = XR, .cols = XC, .n = N };
  bp_net *net = bp_net_alloc (bp_net_linear, &s);
  ck_assert_ptr_nonnull (net);
  gsl_vector_set_all (net->theta, 0.5);
  if (poison)
    gsl_vector_set (net->theta, 0, GSL_NAN);
  return net;
}

/* A training state of count velocities (a NaN in the first when
   poisoned). */
static bp_train_state *
state_of (size_t count, int poison)
{
  bp_train_state *t = calloc (1, sizeof *t);
  ck_assert_ptr_nonnull (t);
  *t = (bp_train_state) { 1, 2, BB, 0, 7, 0.1, 0.9, 0.0, gsl_vector_calloc (count),
                          sizeof an_rng_state, an_rng_state, NULL };
  if (poison)
    gsl_vector_set (t->velocity, 0, GSL_NAN);
  return t;
}

/* COUNT images of 2 x 2 bytes and their classes */
static unsigned char ds_images[COUNT * M] = { 0, 64, 128, 255, 255, 0, 1, 2, 9, 8, 7, 6 };
static unsigned char ds_labels[COUNT] = { 0, 1, 2 };
static bp_dataset tiny = { COUNT, XR, XC, N, ds_images, ds_labels };

static gsl_vector *
vector_of (size_t n, double x)
{
  gsl_vector *v = gsl_vector_alloc (n);
  gsl_vector_set_all (v, x);
  return v;
}

static gsl_matrix *
matrix_of (size_t r, size_t c, double x)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  gsl_matrix_set_all (A, x);
  return A;
}

/* r x c, each row 0.2, 0.3, 0.5 (summing to 1) for c = N */
static gsl_matrix *
rows_of_labels (size_t r, size_t c)
{
  gsl_matrix *A = gsl_matrix_alloc (r, c);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      gsl_matrix_set (A, i, j, j + 1 == N ? 0.5 : (double) (j + 2) / 10.0);
  return A;
}

static gsl_vector_complex *
cvector_of (size_t n)
{
  gsl_vector_complex *v = gsl_vector_complex_alloc (n);
  gsl_vector_complex_set_all (v, gsl_complex_rect (0.25, 0.0));
  return v;
}

static gsl_matrix_complex *
cmatrix_of (size_t r, size_t c)
{
  gsl_matrix_complex *A = gsl_matrix_complex_alloc (r, c);
  gsl_matrix_complex_set_all (A, gsl_complex_rect (0.1, 0.0));
  return A;
}

static mlp_chain *
net_of (size_t H)
{
  mlp_chain *net = mlp_chain_alloc (M, H, N, BP_RELU);
  gsl_matrix_set_all (net->W1, 0.1);
  gsl_matrix_set_all (net->W2, -0.1);
  return net;
}

/* The network of the mlp row, H hidden units, every parameter set (a
   NaN in the first when poisoned). */
static bp_net *
nnet_of (size_t H, int poison)
{
  const bp_net_shape s = { .rows = XR, .cols = XC, .n = N, .n_hidden = 1,
                           .hidden = { H }, .act = BP_TANH };
  bp_net *net = bp_net_alloc (bp_net_mlp, &s);
  ck_assert_ptr_nonnull (net);
  for (size_t k = 0; k < net->size; k++)
    gsl_vector_set (net->theta, k, k % 3 == 0 ? -0.1 : 0.1);
  if (poison)
    gsl_vector_set (net->theta, 0, GSL_NAN);
  return net;
}

/* The CNN of the rows, c2 channels in its second convolution: every
   weight and bias set (a NaN in K1 when poisoned). */
static cnn_chain *
cnn_of (size_t c2, int poison)
{
  cnn_chain *net = cnn_chain_alloc (NR, NCL, NC1, c2, HH, N);
  ck_assert_ptr_nonnull (net);
  cnn_chain_block b[CNN_CHAIN_MAX_BLOCKS];
  const size_t count = cnn_chain_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    if (b[k].M)
      gsl_matrix_set_all (b[k].M, k % 4 == 2 ? -0.05 : 0.1);
    else
      gsl_vector_set_all (b[k].v, 0.01);
  if (poison)
    gsl_matrix_set (net->K1, 0, 0, GSL_NAN);
  return net;
}

static char *
path_of (const char *name)
{
  char *p = malloc (ERRLEN);
  snprintf (p, ERRLEN, "model-test-api-%ld-%s", (long) getpid (), name);
  return p;
}

static char *
data_path (const char *file)
{
  char *p = malloc (1024);
  snprintf (p, 1024, "%s/%s", test_data_dir (), file);
  return p;
}

static void unmake (kind k, void *p);

/* An argument of kind k, well-formed (wrong = 0), of wrong shape number
   wrong (1 or 2), or well-formed with a NaN (wrong = POISON). */
static void *
make (kind k, int wrong)
{
  const size_t w = wrong > 0 ? 1 : 0;   /* one more: the first wrong shape */
  gsl_vector *v = NULL;
  gsl_matrix *A = NULL;
  mlp_chain *net = NULL;
  char *path = NULL;
  switch (k)
    {
    case VN:
      v = gsl_vector_alloc (N + w);
      for (size_t i = 0; i < v->size; i++)
        gsl_vector_set (v, i, (double) (i + 2) / 10.0);   /* 0.2, 0.3, 0.4 */
      gsl_vector_set (v, N - 1, 0.5);                    /* sum 1 */
      if (wrong == POISON)
        gsl_vector_set (v, 0, GSL_NAN);
      return v;
    case VM:
      return vector_of (M + w, 0.25);
    case TK:
      v = vector_of (K + w, 0.5);
      if (wrong == POISON)
        gsl_vector_set (v, 0, GSL_NAN);
      return v;
    case ZK:
      return gsl_vector_calloc (K + w);
    case MNM:
      A = matrix_of (N + (wrong == 1), M + (wrong == 2), 0.01);
      break;
    case MNN:
      return matrix_of (N + (wrong == 1), N + (wrong == 2), 0.02);
    case MX:
      A = matrix_of (XR + w, XC + w, 0.5);
      break;
    case ZQK:
      return gsl_matrix_calloc (Q, K + w);
    case MBN:
      A = rows_of_labels (BB + (wrong == 1), N + (wrong == 2));
      break;
    case MCN:
      A = rows_of_labels (BB, N + w);
      break;
    case MBM:
      A = matrix_of (BB + (wrong == 1), M + (wrong == 2), 0.25);
      break;
    case MBH:
      return matrix_of (BB + (wrong == 1), HH + (wrong == 2), -0.5);
    case CONF:
      return gsl_matrix_ulong_calloc (N + (wrong == 1), N + (wrong == 2));
    case WS:
      return bp_model_workspace_alloc (N + w, M);
    case BWS:
      return bp_batch_workspace_alloc (BB, N + w, M);
    case NET:
      net = net_of (HH + w);
      if (wrong == POISON)
        gsl_matrix_set (net->W1, 0, 0, GSL_NAN);
      return net;
    case MWS:
      return mlp_chain_workspace_alloc (M, HH + w, N);
    case CVN:
      return cvector_of (N + w);
    case CVM:
      return cvector_of (M + w);
    case CVH:
      return cvector_of (HH + w);
    case CMNM:
      return cmatrix_of (N + (wrong == 1), M + (wrong == 2));
    case CMHM:
      return cmatrix_of (HH + (wrong == 1), M + (wrong == 2));
    case CMNH:
      return cmatrix_of (N + (wrong == 1), HH + (wrong == 2));
    case CMX:
      return cmatrix_of (XR + w, XC + w);
    case CNBK:
      {
        gsl_matrix_complex **b = calloc (4, sizeof *b);
        b[0] = cmatrix_of (HH + w, M);
        b[1] = cmatrix_of (HH, 1);
        b[2] = cmatrix_of (N, HH);
        b[3] = cmatrix_of (N, 1);
        return b;
      }
    case CBM:
      return cmatrix_of (BB + (wrong == 1), M + (wrong == 2));
    case CPL: return &a_complex;
    case RNG:
      return test_rng (0);
    case DBL: return &loss;
    case SZP: return &a_size;
    case ACTP: return &an_activation;
    case VIEW: return &a_view;
    case IDXA: return an_index;
    case DS: return &tiny;
    case IDXS: return &an_idx;
    case DSP: return &a_dataset;
    case PMAT: return &a_matrix;
    case PVEC: return &a_vector;
    case PNET: return &a_net;
    case PST: return &a_state;
    case TST1: return state_of (N * M + N + w, wrong == POISON);
    case FNET: return fnet_of (wrong == POISON);
    case PFNET: return &a_fnet;
    case FTYPE: return &a_type;
    case FSHAPE: return &a_shape;
    case ERR: return an_err;
    case STR: return (void *) "tanh";
    case SGDP:
      sgd_params = bp_net_linear->defaults;
      return &sgd_params;
    case PROG: return (void *) no_progress;
    case PAR: return NULL;
    case PIMG: return data_path ("t10k-images-idx3-ubyte.gz");
    case PLBL: return data_path ("t10k-labels-idx1-ubyte.gz");
    case PW: return path_of ("w");
    case CSH: return (void *) &conv_shape;
    case CX: return matrix_of (CI + (wrong == 1), CHW + (wrong == 2), 0.25);
    case CK: return matrix_of (CO + (wrong == 1), CKC + (wrong == 2), -0.5);
    case CBV: return vector_of (CO + w, 0.1);
    case CY: return matrix_of (CO + (wrong == 1), CYW + (wrong == 2), 0.5);
    case CYR: return matrix_of (CO + w, CYW, 0.5);
    case BCX: return matrix_of (CI + (wrong == 1), CB * CHW + (wrong == 2), 0.25);
    case BCOLS: return matrix_of (CKC + (wrong == 1), CB * CYW + (wrong == 2), 0.0);
    case BCY: return matrix_of (CO + (wrong == 1), CB * CYW + (wrong == 2), 0.5);
    case CCX: return cmatrix_of (CI + (wrong == 1), CHW + (wrong == 2));
    case CCK: return cmatrix_of (CO + (wrong == 1), CKC + (wrong == 2));
    case CCB: return cvector_of (CO + w);
    case CCY: return cmatrix_of (CO + (wrong == 1), CYW + (wrong == 2));
    case PX:   /* distinct values: no ties */
      A = gsl_matrix_alloc (PC + (wrong == 1), PHW + (wrong == 2));
      for (size_t i = 0; i < A->size1 * A->size2; i++)
        A->data[i] = (double) i / 8.0;
      break;
    case PY: return matrix_of (PC + (wrong == 1), PYW + (wrong == 2), 0.5);
    case FLP: case FLF:   /* distinct values: a wrong permutation shows */
      A = k == FLP ? gsl_matrix_alloc (FC + (wrong == 1), BB * FHW + (wrong == 2))
                   : gsl_matrix_alloc (BB + (wrong == 1), FC * FHW + (wrong == 2));
      for (size_t i = 0; i < A->size1 * A->size2; i++)
        A->data[i] = 1.0 + (double) i / 8.0;
      break;
    case CU:
      A = gsl_matrix_alloc (BB + (wrong == 1), NPIX + (wrong == 2));
      for (size_t i = 0; i < A->size1 * A->size2; i++)
        A->data[i] = (double) (i % 7) / 7.0;
      break;
    case CNN: return cnn_of (NC2 + w, wrong == POISON);
    case NNET: return nnet_of (HH + w, wrong == POISON);
    case NNWS:
      {
        bp_net *shape = nnet_of (HH + w, 0);
        bp_net_workspace *ws = bp_net_workspace_alloc (shape, BB);
        bp_net_free (shape);
        return ws;
      }
    case NTR:
      {
        bp_net *shape = nnet_of (HH, 0);
        bp_net_trainer *t = bp_net_trainer_alloc (shape, COUNT + w, BB);
        bp_net_free (shape);
        return t;
      }
    case CNWS:
      {
        cnn_chain *shape = cnn_of (NC2 + w, 0);
        cnn_chain_workspace *ws = cnn_chain_workspace_alloc (BB, shape);
        cnn_chain_free (shape);
        return ws;
      }
    case CBLK: return some_blocks;
    case CPX: return cmatrix_of (PC + (wrong == 1), PHW + (wrong == 2));
    case CPY: return cmatrix_of (PC + (wrong == 1), PYW + (wrong == 2));
    case P1:
      path = path_of ("1");
      {
        bp_net *f = fnet_of (0);
        ck_assert_int_eq (bp_model_file_write (path, f, NULL, NULL, 0), GSL_SUCCESS);
        bp_net_free (f);
      }
      return path;
    case GBLK:
    case GANA:
      {
        bp_gradcheck_block *b = calloc (1, sizeof *b);
        b->vector = make (k == GBLK ? TK : ZK, wrong);
        return b;
      }
    case GCF: return &a_function;
    case GOPT:
      bp_gradcheck_options_default (&some_options);
      return &some_options;
    case GRESP: return &a_gresult;
    case GRES:
      {
        bp_gradcheck_block *b = make (GBLK, 0), *a = make (GANA, 0);
        bp_gradcheck_result *r = NULL;
        ck_assert_int_eq (bp_gradcheck (&a_function, 1, b, a, NULL, &r), GSL_SUCCESS);
        unmake (GBLK, b);
        unmake (GANA, a);
        return r;
      }
    case FILEP: return tmpfile ();
    case MNAME: return (void *) "all";
    case UNSP: return &an_unsigned;
    case P3:
      path = path_of ("3");
      {
        bp_net *f = fnet_of (0);
        bp_train_state *t = state_of (N * M + N, 0);
        ck_assert_int_eq (bp_model_file_write (path, f, t, NULL, 0), GSL_SUCCESS);
        gsl_vector_free (t->velocity);
        free (t);
        bp_net_free (f);
      }
      return path;
    }
  if (A != NULL && wrong == POISON)   /* the real matrices that may be finite */
    gsl_matrix_set (A, 0, 0, GSL_NAN);
  return A;
}

static void
unmake (kind k, void *p)
{
  if (p == NULL)
    return;
  switch (k)
    {
    case VN: case VM: case TK: case ZK: gsl_vector_free (p); break;
    case MNM: case MNN: case MX: case ZQK: case MBN: case MCN: case MBM: case MBH:
    case CX: case CK: case CY: case CYR: case BCX: case BCOLS: case BCY: case PX: case PY:
    case FLP: case FLF: case CU:
      gsl_matrix_free (p); break;
    case CNN: cnn_chain_free (p); break;
    case CNWS: cnn_chain_workspace_free (p); break;
    case NNET: bp_net_free (p); break;
    case NNWS: bp_net_workspace_free (p); break;
    case NTR: bp_net_trainer_free (p); break;
    case CBV: gsl_vector_free (p); break;
    case CCX: case CCK: case CCY: case CPX: case CPY: gsl_matrix_complex_free (p); break;
    case CCB: gsl_vector_complex_free (p); break;
    case CONF: gsl_matrix_ulong_free (p); break;
    case WS: bp_model_workspace_free (p); break;
    case BWS: bp_batch_workspace_free (p); break;
    case NET: mlp_chain_free (p); break;
    case MWS: mlp_chain_workspace_free (p); break;
    case CVN: case CVM: case CVH: gsl_vector_complex_free (p); break;
    case CMNM: case CMHM: case CMNH: case CMX: gsl_matrix_complex_free (p); break;
    case CNBK:
      for (size_t i = 0; i < 4; i++)
        gsl_matrix_complex_free (((gsl_matrix_complex **) p)[i]);
      free (p);
      break;
    case CBM: gsl_matrix_complex_free (p); break;
    case RNG: gsl_rng_free (p); break;
    case IDXS: bp_idx_free (p); break;
    case DSP: bp_dataset_free (p); break;
    case PMAT:
      gsl_matrix_free (a_matrix);   /* NULL after a refusal: nothing to free */
      a_matrix = NULL;
      break;
    case PVEC:
      gsl_vector_free (a_vector);
      a_vector = NULL;
      break;
    case PNET:
      mlp_chain_free (a_net);
      a_net = NULL;
      break;
    case GBLK: case GANA:
      gsl_vector_free ((gsl_vector *) ((bp_gradcheck_block *) p)->vector);
      free (p);
      break;
    case GRESP:
      bp_gradcheck_result_free (a_gresult);
      a_gresult = NULL;
      break;
    case GRES: bp_gradcheck_result_free (p); break;
    case FILEP: fclose (p); break;
    case PIMG: case PLBL: free (p); break;
    case TST1:
      gsl_vector_free (((bp_train_state *) p)->velocity);
      free (p);
      break;
    case PST:
      bp_train_state_free (&a_state);
      break;
    case FNET: bp_net_free (p); break;
    case PFNET:
      bp_net_free (a_fnet);
      a_fnet = NULL;
      break;
    case PW: case P1: case P3:
      unlink (p);
      free (p);
      break;
    default: break;
    }
}

/* What a call returned: an int function's code, or for a double
   function NAN_RETURNED when it returned NaN, GSL_SUCCESS otherwise. */
#define NAN_RETURNED (-1000)

static int
of_double (double x)
{
  return isnan (x) ? NAN_RETURNED : GSL_SUCCESS;
}

#define V(i) ((gsl_vector *) p[i])
#define A(i) ((gsl_matrix *) p[i])
#define CV(i) ((gsl_vector_complex *) p[i])
#define CA(i) ((gsl_matrix_complex *) p[i])
#define S(i) ((const char *) p[i])

/* The call adapters, one per public function. */
static int call_reshape (void **p) { return bp_reshape (A (0), V (1)); }
static int call_reshape_inverse (void **p) { return bp_reshape_inverse (V (0), A (1)); }
static int call_linear (void **p) { return bp_linear (A (0), V (1), V (2), V (3)); }
static int call_linear_grad_input (void **p)
{ return bp_linear_grad_input (A (0), V (1), V (2)); }
static int call_linear_grad_bias (void **p) { return bp_linear_grad_bias (V (0), V (1)); }
static int call_linear_grad_weights (void **p)
{ return bp_linear_grad_weights (V (0), V (1), A (2)); }
static int call_softmax (void **p) { return bp_softmax (V (0), V (1)); }
static int call_softmax_jacobian (void **p) { return bp_softmax_jacobian (V (0), A (1)); }
static int call_softmax_backward (void **p)
{ return bp_softmax_backward (A (0), V (1), V (2)); }
static int call_cross_entropy (void **p)
{ return of_double (bp_cross_entropy (V (0), V (1))); }
static int call_cross_entropy_grad (void **p)
{ return bp_cross_entropy_grad (V (0), V (1), V (2)); }
static int call_softmax_cross_entropy (void **p)
{ return of_double (bp_softmax_cross_entropy (V (0), V (1))); }
static int call_softmax_cross_entropy_grad (void **p)
{ return bp_softmax_cross_entropy_grad (V (0), V (1), V (2)); }
static int call_model_forward (void **p)
{ return of_double (bp_model_forward (A (0), V (1), A (2), V (3), p[4])); }
static int call_model_backward (void **p)
{ return bp_model_backward (A (0), V (1), A (2), V (3), A (4), V (5), A (6), p[7]); }

/* activations */
static int call_relu (void **p) { return bp_relu (V (0), V (1)); }
static int call_relu_jacobian (void **p) { return bp_relu_jacobian (V (0), A (1)); }
static int call_relu_backward (void **p) { return bp_relu_backward (V (0), V (1), V (2)); }
static int call_sigmoid (void **p) { return bp_sigmoid (V (0), V (1)); }
static int call_sigmoid_jacobian (void **p) { return bp_sigmoid_jacobian (V (0), A (1)); }
static int call_sigmoid_backward (void **p)
{ return bp_sigmoid_backward (V (0), V (1), V (2)); }
static int call_tanh (void **p) { return bp_tanh (V (0), V (1)); }
static int call_tanh_jacobian (void **p) { return bp_tanh_jacobian (V (0), A (1)); }
static int call_tanh_backward (void **p) { return bp_tanh_backward (V (0), V (1), V (2)); }
static int call_activation_from_name (void **p)
{ return bp_activation_from_name (S (0), p[1]); }
static int call_activation_forward (void **p)
{ return bp_activation_forward (BP_SIGMOID, V (0), V (1)); }
static int call_activation_jacobian (void **p)
{ return bp_activation_jacobian (BP_SIGMOID, V (0), A (1)); }
static int call_activation_backward (void **p)
{ return bp_activation_backward (BP_SIGMOID, V (0), V (1), V (2)); }

/* batch formulas */
static int call_batch_linear (void **p) { return bp_batch_linear (A (0), V (1), A (2), A (3)); }
static int call_batch_softmax (void **p) { return bp_batch_softmax (A (0), A (1)); }
static int call_batch_softmax_cross_entropy (void **p)
{ return of_double (bp_batch_softmax_cross_entropy (A (0), A (1))); }
static int call_batch_softmax_cross_entropy_grad (void **p)
{ return bp_batch_softmax_cross_entropy_grad (A (0), A (1), A (2)); }
static int call_batch_grad_weights (void **p)
{ return bp_batch_grad_weights (A (0), A (1), A (2)); }
static int call_batch_grad_bias (void **p) { return bp_batch_grad_bias (A (0), V (1)); }
static int call_batch_grad_input (void **p)
{ return bp_batch_grad_input (A (0), A (1), A (2)); }
static int call_batch_workspace_view (void **p)
{ return bp_batch_workspace_view (p[0], 1, p[1], p[2], p[3], p[4], p[5]); }

/* the two-layer network */
static int call_mlp_randomize (void **p) { return mlp_chain_randomize (p[0], p[1]); }
static int call_mlp_forward (void **p)
{ return of_double (mlp_chain_forward (p[0], A (1), V (2), p[3])); }
static int call_mlp_backward (void **p)
{ return mlp_chain_backward (p[0], A (1), V (2), p[3], p[4], A (5), p[6]); }
static int call_batch_activation_forward (void **p)
{ return bp_batch_activation_forward (BP_TANH, A (0), A (1)); }
static int call_batch_activation_backward (void **p)
{ return bp_batch_activation_backward (BP_TANH, A (0), A (1), A (2)); }
static int call_mlp_init (void **p) { return mlp_chain_init (p[0], p[1]); }

/* the complex step */
static int call_cstep_reshape (void **p) { return bp_complex_reshape (CA (0), CV (1)); }
static int call_cstep_linear (void **p)
{ return bp_complex_linear (CA (0), CV (1), CV (2), CV (3)); }
static int call_cstep_softmax (void **p) { return bp_complex_softmax (CV (0), CV (1)); }
static int call_cstep_cross_entropy (void **p)
{ return of_double (creal (bp_complex_cross_entropy (V (0), CV (1)))); }
static int call_cstep_softmax_cross_entropy (void **p)
{ return of_double (creal (bp_complex_softmax_cross_entropy (V (0), CV (1)))); }
static int call_cstep_activation (void **p)
{ return bp_complex_activation_forward (BP_TANH, CV (0), CV (1)); }
static int call_net_cforward (void **p)
{ return bp_net_cforward (p[0], p[1], CA (2), A (3), p[4], p[5]); }


/* the one checker over blocks */
static int call_gradcheck (void **p)
{ return bp_gradcheck (p[0], 1, p[1], p[2], p[3], p[4]); }
static int call_gradcheck_options_default (void **p)
{ return bp_gradcheck_options_default (p[0]); }
static int call_gradcheck_method_parse (void **p)
{ return bp_gradcheck_method_parse (S (0), p[1]); }
static int call_gradcheck_fprintf (void **p) { return bp_gradcheck_fprintf (p[0], p[1]); }

/* data sets, training, model files */
static int call_idx_read (void **p)
{ return bp_idx_read (S (0), 1, p[1], p[2], ERRLEN); }
static int call_dataset_read (void **p)
{ return bp_dataset_read (S (0), S (1), 10, p[2], p[3], ERRLEN); }
static int call_dataset_batch (void **p)
{ return bp_dataset_batch (p[0], p[1], A (2), A (3)); }
static int call_sgd_learning_rate (void **p)
{ return of_double (bp_sgd_learning_rate (p[0], 3, 10)); }
static int call_sgd_update (void **p)
{ return bp_sgd_update (0.1, 0.9, V (0), V (1), V (2)); }
static int call_count_predictions (void **p)
{ return bp_count_predictions (p[0], 1, A (1), p[2], p[3]); }
static int call_model_file_write (void **p)
{ return bp_model_file_write (S (0), p[1], p[2], p[3], ERRLEN); }
static int call_model_file_read (void **p)
{ return bp_model_file_read (S (0), p[1], p[2], p[3], ERRLEN); }
static int call_model_file_shape (void **p)
{ return bp_model_file_shape (S (0), p[1], p[2], p[3], ERRLEN); }

/* convolution and pooling */
static int call_conv (void **p) { return bp_conv (p[0], A (1), V (2), A (3), A (4)); }
static int call_conv_grad_weights (void **p)
{ return bp_conv_grad_weights (p[0], A (1), A (2), A (3)); }
static int call_conv_grad_input (void **p)
{ return bp_conv_grad_input (p[0], A (1), A (2), A (3)); }
static int call_conv_grad_bias (void **p) { return bp_conv_grad_bias (A (0), V (1)); }
static int call_cstep_conv (void **p)
{ return bp_complex_conv (p[0], CA (1), CV (2), CA (3), CA (4)); }
static int call_batch_conv (void **p)
{ return bp_batch_conv (p[0], A (1), V (2), A (3), A (4), A (5)); }
static int call_batch_conv_grad_weights (void **p)
{ return bp_batch_conv_grad_weights (p[0], A (1), A (2), A (3)); }
static int call_batch_conv_grad_input (void **p)
{ return bp_batch_conv_grad_input (p[0], A (1), A (2), A (3), A (4)); }
static int call_maxpool (void **p) { return bp_maxpool (A (0), PH, PWD, A (1)); }
static int call_maxpool_backward (void **p)
{ return bp_maxpool_backward (A (0), PH, PWD, A (1), A (2)); }
static int call_avgpool (void **p) { return bp_avgpool (A (0), PH, PWD, A (1)); }
static int call_avgpool_backward (void **p)
{ return bp_avgpool_backward (A (0), PH, PWD, A (1)); }
static int call_cstep_maxpool (void **p) { return bp_complex_maxpool (CA (0), PH, PWD, CA (1)); }
static int call_cstep_avgpool (void **p) { return bp_complex_avgpool (CA (0), PH, PWD, CA (1)); }

/* the batch flatten and the CNN (cnn_chain_blocks, _count and
   _same_shape return 0 only for a NULL here, as every network of the
   rows has blocks and parameters and the shapes are the same) */
static int call_batch_flatten (void **p) { return bp_batch_flatten (A (0), FHW, A (1)); }
static int call_batch_flatten_inverse (void **p)
{ return bp_batch_flatten_inverse (A (0), FHW, A (1)); }
static int call_cnn_init (void **p) { return cnn_chain_init (p[0], p[1]); }
static int call_cnn_blocks (void **p)
{ return cnn_chain_blocks (p[0], p[1]) == 0 ? GSL_EFAULT : GSL_SUCCESS; }
static int call_cnn_count (void **p)
{ return cnn_chain_count (p[0]) == 0 ? GSL_EFAULT : GSL_SUCCESS; }
static int call_cnn_same_shape (void **p)
{ return cnn_chain_same_shape (p[0], p[1]) == 1 ? GSL_SUCCESS : GSL_EFAULT; }
static int call_cnn_forward (void **p)
{ return of_double (cnn_chain_forward (p[0], A (1), A (2), p[3])); }
static int call_cnn_backward (void **p)
{ return cnn_chain_backward (p[0], A (1), A (2), p[3], p[4], A (5), p[6]); }

/* the networks of the table (bp_net.h) and the one trainer */
static int call_net_init (void **p)
{ return bp_net_init (p[0], p[1]); }
static int call_net_describe (void **p)
{ return bp_net_describe (p[0], p[1], ERRLEN); }
static int call_net_forward (void **p)
{ return bp_net_forward (p[0], A (1), A (2), p[3], p[4], p[5]); }
static int call_net_backward (void **p)
{ return bp_net_backward (p[0], A (1), A (2), p[3], A (4), p[5]); }
static int call_net_train_epoch (void **p)
{ return bp_net_train_epoch (p[0], p[1], 0, p[2], p[3], (bp_progress_function) p[4], p[5],
                             p[6], p[7]); }
static int call_net_evaluate (void **p)
{ return bp_net_evaluate (p[0], p[1], p[2], p[3], p[4], p[5]); }

#define MAX_ARGS 10

typedef enum { R_INT, R_DOUBLE, R_VOID } returns;

typedef struct
{
  const char *name;
  int (*call) (void **p);
  returns ret;
  int nargs;
  kind args[MAX_ARGS];
  unsigned optional;   /* bit i: argument i may be NULL */
  unsigned any_shape;  /* bit i: argument i may have any shape (no wrong one) */
  unsigned finite;     /* bit i: argument i must be finite (NaN: GSL_EDOM) */
} api_row;

#define B_(i) (1u << (i))

/* Every public function of the library taking pointers; the others are
   tested by the promises below the table. */
static const api_row api[] = {
  { "bp_reshape", call_reshape, R_INT, 2, { MX, VM }, 0, 0, 0 },
  { "bp_reshape_inverse", call_reshape_inverse, R_INT, 2, { VM, MX }, 0, 0, 0 },
  { "bp_linear", call_linear, R_INT, 4, { MNM, VN, VM, VN }, 0, 0, 0 },
  { "bp_linear_grad_input", call_linear_grad_input, R_INT, 3, { MNM, VN, VM }, 0, 0, 0 },
  { "bp_linear_grad_bias", call_linear_grad_bias, R_INT, 2, { VN, VN }, 0, 0, 0 },
  { "bp_linear_grad_weights", call_linear_grad_weights, R_INT, 3, { VN, VM, MNM },
    0, 0, 0 },
  { "bp_softmax", call_softmax, R_INT, 2, { VN, VN }, 0, 0, B_ (0) },
  { "bp_softmax_jacobian", call_softmax_jacobian, R_INT, 2, { VN, MNN }, 0, 0, 0 },
  { "bp_softmax_backward", call_softmax_backward, R_INT, 3, { MNN, VN, VN }, 0, 0, 0 },
  { "bp_cross_entropy", call_cross_entropy, R_DOUBLE, 2, { VN, VN }, 0, 0, 0 },
  { "bp_cross_entropy_grad", call_cross_entropy_grad, R_INT, 3, { VN, VN, VN }, 0, 0, 0 },
  { "bp_softmax_cross_entropy", call_softmax_cross_entropy, R_DOUBLE, 2, { VN, VN },
    0, 0, B_ (0) | B_ (1) },
  { "bp_softmax_cross_entropy_grad", call_softmax_cross_entropy_grad, R_INT, 3,
    { VN, VN, VN }, 0, 0, B_ (0) },
  { "bp_model_forward", call_model_forward, R_DOUBLE, 5, { MNM, VN, MX, VN, WS }, 0, 0,
    B_ (0) | B_ (1) | B_ (2) | B_ (3) },
  { "bp_model_backward", call_model_backward, R_INT, 8,
    { MNM, VN, MX, VN, MNM, VN, MX, DBL }, B_ (7), 0,
    B_ (0) | B_ (1) | B_ (2) | B_ (3) },

  /* activations (a NaN z gives a NaN h, as documented: no finite rule) */
  { "bp_relu", call_relu, R_INT, 2, { VN, VN }, 0, 0, 0 },
  { "bp_relu_jacobian", call_relu_jacobian, R_INT, 2, { VN, MNN }, 0, 0, 0 },
  { "bp_relu_backward", call_relu_backward, R_INT, 3, { VN, VN, VN }, 0, 0, 0 },
  { "bp_sigmoid", call_sigmoid, R_INT, 2, { VN, VN }, 0, 0, 0 },
  { "bp_sigmoid_jacobian", call_sigmoid_jacobian, R_INT, 2, { VN, MNN }, 0, 0, 0 },
  { "bp_sigmoid_backward", call_sigmoid_backward, R_INT, 3, { VN, VN, VN }, 0, 0, 0 },
  { "bp_tanh", call_tanh, R_INT, 2, { VN, VN }, 0, 0, 0 },
  { "bp_tanh_jacobian", call_tanh_jacobian, R_INT, 2, { VN, MNN }, 0, 0, 0 },
  { "bp_tanh_backward", call_tanh_backward, R_INT, 3, { VN, VN, VN }, 0, 0, 0 },
  { "bp_activation_from_name", call_activation_from_name, R_INT, 2, { STR, ACTP },
    0, 0, 0 },
  { "bp_activation_forward", call_activation_forward, R_INT, 2, { VN, VN }, 0, 0, 0 },
  { "bp_activation_jacobian", call_activation_jacobian, R_INT, 2, { VN, MNN }, 0, 0, 0 },
  { "bp_activation_backward", call_activation_backward, R_INT, 3, { VN, VN, VN },
    0, 0, 0 },

  /* batch formulas */
  { "bp_batch_linear", call_batch_linear, R_INT, 4, { MNM, VN, MBM, MBN }, 0, 0, 0 },
  { "bp_batch_softmax", call_batch_softmax, R_INT, 2, { MBN, MBN }, 0, 0, B_ (0) },
  { "bp_batch_softmax_cross_entropy", call_batch_softmax_cross_entropy, R_DOUBLE, 2,
    { MBN, MBN }, 0, 0, B_ (0) | B_ (1) },
  { "bp_batch_softmax_cross_entropy_grad", call_batch_softmax_cross_entropy_grad, R_INT,
    3, { MBN, MBN, MBN }, 0, 0, B_ (0) },
  { "bp_batch_grad_weights", call_batch_grad_weights, R_INT, 3, { MBN, MBM, MNM },
    0, 0, 0 },
  { "bp_batch_grad_bias", call_batch_grad_bias, R_INT, 2, { MCN, VN }, 0, 0, 0 },
  { "bp_batch_grad_input", call_batch_grad_input, R_INT, 3, { MNM, MBN, MBM }, 0, 0, 0 },
  { "bp_batch_workspace_view", call_batch_workspace_view, R_INT, 6,
    { BWS, VIEW, VIEW, VIEW, VIEW, VIEW }, 0x3eu, B_ (0), 0 },

  /* the two-layer network */
  { "mlp_chain_randomize", call_mlp_randomize, R_INT, 2, { NET, RNG }, 0, B_ (0), 0 },
  { "mlp_chain_forward", call_mlp_forward, R_DOUBLE, 4, { NET, MX, VN, MWS }, B_ (2), 0,
    B_ (0) | B_ (1) | B_ (2) },
  { "mlp_chain_backward", call_mlp_backward, R_INT, 7, { NET, MX, VN, MWS, NET, MX, DBL },
    B_ (5) | B_ (6), 0, B_ (0) | B_ (1) | B_ (2) },
  { "bp_batch_activation_forward", call_batch_activation_forward, R_INT, 2, { MBH, MBH },
    0, 0, 0 },
  { "bp_batch_activation_backward", call_batch_activation_backward, R_INT, 3,
    { MBH, MBH, MBH }, 0, 0, 0 },
  { "mlp_chain_init", call_mlp_init, R_INT, 2, { NET, RNG }, 0, B_ (0), 0 },

  /* the complex step (params may be NULL; r may be NULL) */
  { "bp_complex_reshape", call_cstep_reshape, R_INT, 2, { CMX, CVM }, 0, 0, 0 },
  { "bp_complex_linear", call_cstep_linear, R_INT, 4, { CMNM, CVN, CVM, CVN }, 0, 0, 0 },
  { "bp_complex_softmax", call_cstep_softmax, R_INT, 2, { CVN, CVN }, 0, 0, 0 },
  { "bp_complex_cross_entropy", call_cstep_cross_entropy, R_DOUBLE, 2, { VN, CVN },
    0, 0, 0 },
  { "bp_complex_softmax_cross_entropy", call_cstep_softmax_cross_entropy, R_DOUBLE, 2,
    { VN, CVN }, 0, 0, 0 },
  { "bp_complex_activation_forward", call_cstep_activation, R_INT, 2, { CVN, CVN }, 0, 0, 0 },
  { "bp_net_cforward", call_net_cforward, R_INT, 6, { NNET, CNBK, CBM, MBN, NNWS, CPL },
    0, 0, 0 },


  /* the one checker (opts and result may be NULL) */
  { "bp_gradcheck", call_gradcheck, R_INT, 5, { GCF, GBLK, GANA, GOPT, GRESP },
    B_ (3) | B_ (4), 0, B_ (1) },
  { "bp_gradcheck_options_default", call_gradcheck_options_default, R_INT, 1, { GOPT },
    0, 0, 0 },
  { "bp_gradcheck_method_parse", call_gradcheck_method_parse, R_INT, 2, { MNAME, UNSP },
    0, 0, 0 },
  { "bp_gradcheck_fprintf", call_gradcheck_fprintf, R_INT, 2, { FILEP, GRES }, 0, 0, 0 },

  /* data sets (the readers also write their message into err, which may
     be NULL; a NULL path names the function instead of a file) */
  { "bp_idx_read", call_idx_read, R_INT, 3, { PLBL, IDXS, ERR }, B_ (2), 0, 0 },
  { "bp_dataset_read", call_dataset_read, R_INT, 4, { PIMG, PLBL, DSP, ERR }, B_ (3),
    0, 0 },
  { "bp_dataset_batch", call_dataset_batch, R_INT, 4, { DS, IDXA, MBM, MBN }, B_ (3),
    0, 0 },

  /* training (progress and its argument may be NULL; so may the outputs
     loss, accuracy and confusion) */
  { "bp_sgd_learning_rate", call_sgd_learning_rate, R_DOUBLE, 1, { SGDP }, 0, 0, 0 },
  { "bp_sgd_update", call_sgd_update, R_INT, 3, { VN, VN, VN }, 0, 0, 0 },
  { "bp_count_predictions", call_count_predictions, R_INT, 4, { DS, MBN, CONF, SZP },
    B_ (2), 0, 0 },

  /* convolution and pooling (the shape is never wrong here: a bad shape is
     GSL_EINVAL, tested in check_conv.c) */
  { "bp_conv", call_conv, R_INT, 5, { CSH, CK, CBV, CX, CY }, 0, B_ (0), 0 },
  { "bp_conv_grad_weights", call_conv_grad_weights, R_INT, 4, { CSH, CX, CY, CK }, 0,
    B_ (0), 0 },
  { "bp_conv_grad_input", call_conv_grad_input, R_INT, 4, { CSH, CK, CY, CX }, 0, B_ (0),
    0 },
  { "bp_conv_grad_bias", call_conv_grad_bias, R_INT, 2, { CYR, CBV }, 0, 0, 0 },
  { "bp_complex_conv", call_cstep_conv, R_INT, 5, { CSH, CCK, CCB, CCX, CCY }, 0, B_ (0), 0 },
  { "bp_batch_conv", call_batch_conv, R_INT, 6, { CSH, CK, CBV, BCX, BCOLS, BCY }, 0,
    B_ (0), 0 },
  { "bp_batch_conv_grad_weights", call_batch_conv_grad_weights, R_INT, 4,
    { CSH, BCY, BCOLS, CK }, 0, B_ (0), 0 },
  { "bp_batch_conv_grad_input", call_batch_conv_grad_input, R_INT, 5,
    { CSH, CK, BCY, BCOLS, BCX }, 0, B_ (0), 0 },
  { "bp_maxpool", call_maxpool, R_INT, 2, { PX, PY }, 0, 0, B_ (0) },
  { "bp_maxpool_backward", call_maxpool_backward, R_INT, 3, { PX, PY, PX }, 0, 0, B_ (0) },
  { "bp_avgpool", call_avgpool, R_INT, 2, { PX, PY }, 0, 0, 0 },
  { "bp_avgpool_backward", call_avgpool_backward, R_INT, 2, { PY, PX }, 0, 0, 0 },
  { "bp_complex_maxpool", call_cstep_maxpool, R_INT, 2, { CPX, CPY }, 0, 0, 0 },
  { "bp_complex_avgpool", call_cstep_avgpool, R_INT, 2, { CPX, CPY }, 0, 0, 0 },

  /* the batch flatten; the CNN (the labels may be NULL in the forward
     pass, dL/dU and L in the backward one) */
  { "bp_batch_flatten", call_batch_flatten, R_INT, 2, { FLP, FLF }, 0, 0, 0 },
  { "bp_batch_flatten_inverse", call_batch_flatten_inverse, R_INT, 2, { FLF, FLP },
    0, 0, 0 },
  { "cnn_chain_init", call_cnn_init, R_INT, 2, { CNN, RNG }, 0, B_ (0), 0 },
  { "cnn_chain_blocks", call_cnn_blocks, R_INT, 2, { CNN, CBLK }, 0, B_ (0), 0 },
  { "cnn_chain_count", call_cnn_count, R_INT, 1, { CNN }, 0, B_ (0), 0 },
  { "cnn_chain_same_shape", call_cnn_same_shape, R_INT, 2, { CNN, CNN }, 0,
    B_ (0) | B_ (1), 0 },
  { "cnn_chain_forward", call_cnn_forward, R_DOUBLE, 4, { CNN, CU, MBN, CNWS }, B_ (2), 0,
    B_ (0) | B_ (1) | B_ (2) },
  { "cnn_chain_backward", call_cnn_backward, R_INT, 7, { CNN, CU, MBN, CNWS, CNN, CU, DBL },
    B_ (5) | B_ (6), 0, B_ (0) | B_ (1) | B_ (2) },

  /* the networks of the table and the one trainer (bp_net.h, bp_train.h) */
  { "bp_net_init", call_net_init, R_INT, 2, { NNET, RNG }, 0, B_ (0), 0 },
  { "bp_net_describe", call_net_describe, R_INT, 2, { NNET, ERR }, 0, B_ (0), 0 },
  { "bp_net_forward", call_net_forward, R_INT, 6, { NNET, MBM, MBN, NNWS, VIEW, DBL },
    B_ (2) | B_ (4) | B_ (5), 0, B_ (0) | B_ (1) | B_ (2) },
  { "bp_net_backward", call_net_backward, R_INT, 6, { NNET, MBM, MBN, NNWS, MBM, DBL },
    B_ (4) | B_ (5), 0, B_ (0) | B_ (1) | B_ (2) },
  { "bp_net_train_epoch", call_net_train_epoch, R_INT, 8,
    { DS, SGDP, RNG, NTR, PROG, PAR, NNET, DBL }, B_ (4) | B_ (7), 0, B_ (6) },
  { "bp_net_evaluate", call_net_evaluate, R_INT, 6, { DS, NNET, NNWS, CONF, DBL, DBL },
    B_ (3) | B_ (4) | B_ (5), 0, B_ (1) },

  /* model files (the same reporting as the readers above) */
  { "bp_model_file_write", call_model_file_write, R_INT, 4, { PW, FNET, TST1, ERR },
    B_ (2) | B_ (3), B_ (1), B_ (1) | B_ (2) },
  { "bp_model_file_read", call_model_file_read, R_INT, 4, { P3, PFNET, PST, ERR },
    B_ (2) | B_ (3), 0, 0 },
  { "bp_model_file_shape", call_model_file_shape, R_INT, 4, { P1, FTYPE, FSHAPE, ERR },
    B_ (1) | B_ (2) | B_ (3), 0, 0 },
  /* (bp_train_state_free: a promise below) */
};
#define N_API (sizeof api / sizeof api[0])

static void
reset_errors (void)
{
  test_errors.code = GSL_SUCCESS;
  test_errors.count = 0;
}

/* Call row r with argument nulled set to NULL (-1: none) and argument
   bad given wrong shape number wrong (bad -1: none; wrong POISON: a NaN);
   check the outcome is expect, through the handler too (called once)
   when recording. */
static void
call_and_check (const api_row *r, int nulled, int bad, int wrong, int expect,
                int recording)
{
  void *p[MAX_ARGS];
  for (int i = 0; i < r->nargs; i++)
    p[i] = (i == nulled) ? NULL : make (r->args[i], i == bad ? wrong : 0);
  reset_errors ();
  const int got = r->call (p);
  const int want = (r->ret == R_DOUBLE && expect != GSL_SUCCESS) ? NAN_RETURNED : expect;
  if (r->ret != R_VOID)
    ck_assert_msg (got == want, "%s (NULL arg %d, wrong arg %d shape %d): "
                   "returned %d, expected %d (%s)", r->name, nulled, bad, wrong, got,
                   want, expect == GSL_SUCCESS ? "success" : gsl_strerror (expect));
  if (recording)
    {
      ck_assert_msg (test_errors.code == expect, "%s (NULL arg %d, wrong arg %d shape %d):"
                     " handler got %d, expected %d", r->name, nulled, bad, wrong,
                     test_errors.code, expect);
      ck_assert_msg (test_errors.count == (expect == GSL_SUCCESS ? 0 : 1),
                     "%s (NULL arg %d, wrong arg %d shape %d): the handler was called"
                     " %d times", r->name, nulled, bad, wrong, test_errors.count);
    }
  for (int i = 0; i < r->nargs; i++)
    unmake (r->args[i], p[i]);
}

/* Loop index: row r, first with the recording handler, then with the
   handler off. */
START_TEST (test_api_row)
{
  const api_row *r = &api[(size_t) _i % N_API];   /* _i >= 0 */
  const int recording = (_i < (int) N_API);
  gsl_error_handler_t *old = recording ? test_record_errors ()
                                       : gsl_set_error_handler_off ();
  call_and_check (r, -1, -1, 0, GSL_SUCCESS, recording);
  for (int i = 0; i < r->nargs; i++)
    if (r->args[i] != PAR)   /* params is the caller's, never read here */
      call_and_check (r, i, -1, 0, (r->optional >> i) & 1u ? GSL_SUCCESS : GSL_EFAULT,
                      recording);
  for (int i = 0; i < r->nargs; i++)
    if (!((r->any_shape >> i) & 1u))
      for (int w = 1; w <= n_wrong (r->args[i]); w++)
        call_and_check (r, -1, i, w, GSL_EBADLEN, recording);
  for (int i = 0; i < r->nargs; i++)
    if ((r->finite >> i) & 1u)
      call_and_check (r, -1, i, POISON, GSL_EDOM, recording);
  gsl_set_error_handler (old);
}
END_TEST


/* --- hostile structs: every vector or matrix argument broken in turn -- */

/* The arguments that are a GSL vector or matrix the caller builds (and
   may fill in by hand): which struct each is. */
typedef enum { NOT_GSL, GVEC, GMAT, GCVEC, GCMAT, GUMAT } gsl_struct;

static gsl_struct
struct_of (kind k)
{
  switch (k)
    {
    case VN: case VM: case TK: case ZK: case CBV:
    case GBLK: case GANA: return GVEC;   /* a checker's block: its vector */
    case MNM: case MNN: case MX: case ZQK: case MBN: case MCN: case MBM: case MBH:
    case CX: case CK: case CY: case CYR: case BCX: case BCOLS: case BCY: case PX:
    case PY: case FLP: case FLF: case CU: return GMAT;
    case CVN: case CVM: case CVH: case CCB: return GCVEC;
    case CMNM: case CMHM: case CMNH: case CMX: case CCX: case CCK: case CCY:
    case CPX: case CPY: return GCMAT;
    case CONF: return GUMAT;
    default: return NOT_GSL;
    }
}

/* What is done to the struct: its data pointer NULL, or one of its sizes
   0 or SIZE_MAX (a vector's size is its first).  SIZE_MAX is the size
   that, accepted, makes a loop run off the block and the element
   count's product wrap. */
typedef enum { NULL_DATA, SIZE1_ZERO, SIZE1_MAX, SIZE2_ZERO, SIZE2_MAX, N_HOSTILE } hostile;

static const char *const hostile_name[N_HOSTILE] = {
  "data NULL", "size(1) 0", "size(1) SIZE_MAX", "size2 0", "size2 SIZE_MAX"
};

/* The fields of p that h changes (p a struct of kind s); 0 when h does
   not apply (a vector has no size2). */
static int
apply_hostile (gsl_struct s, void *p, hostile h)
{
  size_t *size1, *size2 = NULL;
  void **data;
  switch (s)
    {
    case GVEC:
      size1 = &((gsl_vector *) p)->size;
      data = (void **) &((gsl_vector *) p)->data;
      break;
    case GCVEC:
      size1 = &((gsl_vector_complex *) p)->size;
      data = (void **) &((gsl_vector_complex *) p)->data;
      break;
    case GMAT:
      size1 = &((gsl_matrix *) p)->size1;
      size2 = &((gsl_matrix *) p)->size2;
      data = (void **) &((gsl_matrix *) p)->data;
      break;
    case GCMAT:
      size1 = &((gsl_matrix_complex *) p)->size1;
      size2 = &((gsl_matrix_complex *) p)->size2;
      data = (void **) &((gsl_matrix_complex *) p)->data;
      break;
    case GUMAT:
      size1 = &((gsl_matrix_ulong *) p)->size1;
      size2 = &((gsl_matrix_ulong *) p)->size2;
      data = (void **) &((gsl_matrix_ulong *) p)->data;
      break;
    default: return 0;
    }
  switch (h)
    {
    case NULL_DATA: *data = NULL; return 1;
    case SIZE1_ZERO: *size1 = 0; return 1;
    case SIZE1_MAX: *size1 = SIZE_MAX; return 1;
    case SIZE2_ZERO: if (!size2) return 0; *size2 = 0; return 1;
    case SIZE2_MAX: if (!size2) return 0; *size2 = SIZE_MAX; return 1;
    default: return 0;
    }
}

/* The struct that argument p of kind k holds: itself, or a checker
   block's vector (a block filled in by hand is what a NULL data hits). */
static void *
struct_in (kind k, void *p)
{
  return k == GBLK || k == GANA ? (void *) ((bp_gradcheck_block *) p)->vector : p;
}

/* The largest of the structs, to put one back as it was. */
typedef union
{
  gsl_vector v;
  gsl_matrix m;
  gsl_vector_complex cv;
  gsl_matrix_complex cm;
  gsl_matrix_ulong um;
} any_struct;

static size_t
struct_size (gsl_struct s)
{
  switch (s)
    {
    case GVEC: return sizeof (gsl_vector);
    case GMAT: return sizeof (gsl_matrix);
    case GCVEC: return sizeof (gsl_vector_complex);
    case GCMAT: return sizeof (gsl_matrix_complex);
    case GUMAT: return sizeof (gsl_matrix_ulong);
    default: return 0;
    }
}

/* Row r with argument i's struct broken by h (every other argument
   well-formed): for a NULL data or a size of SIZE_MAX (a struct that
   describes no memory, valid.h's MISSING), GSL_EFAULT; for a size of 0,
   GSL_EBADLEN or GSL_EINVAL or, where the sizes still agree (a batch of
   no rows: an empty sum), success.  A
   refusal goes through the handler once, a success not at all.
   Returns 0 when h does not apply (a vector's size2), else 1. */
static int
call_hostile (const api_row *r, int i, hostile h)
{
  void *p[MAX_ARGS];
  any_struct saved;
  const gsl_struct s = struct_of (r->args[i]);
  for (int k = 0; k < r->nargs; k++)
    p[k] = make (r->args[k], 0);
  void *target = struct_in (r->args[i], p[i]);
  memcpy (&saved, target, struct_size (s));
  const int applies = apply_hostile (s, target, h);
  if (applies)
    {
      reset_errors ();
      int got = r->call (p);
      if (r->ret == R_DOUBLE)   /* NaN: refused, with the handler's code */
        got = got == NAN_RETURNED ? test_errors.code : GSL_SUCCESS;
      const int zero = h == SIZE1_ZERO || h == SIZE2_ZERO;
      const int ok = !zero ? got == GSL_EFAULT
                     : got == GSL_EBADLEN || got == GSL_EINVAL || got == GSL_SUCCESS;
      ck_assert_msg (ok && test_errors.code == got && test_errors.count == (got != GSL_SUCCESS),
                     "%s, argument %d with %s: returned %d, handler called %d times,"
                     " last with %d", r->name, i, hostile_name[h], got, test_errors.count,
                     test_errors.code);
    }
  memcpy (target, &saved, struct_size (s));
  for (int k = 0; k < r->nargs; k++)
    unmake (r->args[k], p[k]);
  return applies;
}

/* Loop index: row r.  Each GSL vector or matrix argument in turn with a
   NULL data pointer, then with each size 0 and SIZE_MAX (call_hostile
   says what each must give).  Before valid.h's
   MISSING, a NULL data crashed bp_linear, bp_softmax, bp_relu and the
   rest inside GSL or BLAS, and a checker block's vector with a NULL data
   crashed bp_gradcheck (its blocks are structs of the caller's too). */
START_TEST (test_api_hostile)
{
  const api_row *r = &api[_i];
  gsl_error_handler_t *old = test_record_errors ();
  int calls = 0;
  for (int i = 0; i < r->nargs; i++)
    if (struct_of (r->args[i]) != NOT_GSL)
      for (hostile h = 0; h < N_HOSTILE; h++)
        calls += call_hostile (r, i, h);
  gsl_set_error_handler (old);
  if (getenv ("BP_HOSTILE_REPORT") != NULL)   /* the counts of doc/robustness.md */
    printf ("hostile %s: %d calls\n", r->name, calls);
}
END_TEST

/* --- aliasing: an output that overlaps another argument --------------- */

/* The real vectors and matrices of the table, whose data can overlap. */
static int
is_vector_kind (kind k)
{
  return k == VN || k == VM || k == TK || k == ZK;
}

static int
is_matrix_kind (kind k)
{
  return k == MNM || k == MNN || k == MX || k == ZQK || k == MBN || k == MCN
         || k == MBM || k == MBH || k == FLP || k == FLF || k == CU;
}

static int
is_data_kind (kind k)
{
  return is_vector_kind (k) || is_matrix_kind (k) || k == NET;
}

/* The values of a data argument, in order (a NET: its four blocks). */
static size_t
values_of (kind k, const void *p, double *out)
{
  size_t n = 0;
  if (is_vector_kind (k))
    for (size_t i = 0; i < ((const gsl_vector *) p)->size; i++)
      out[n++] = gsl_vector_get (p, i);
  else if (is_matrix_kind (k))
    for (size_t i = 0; i < ((const gsl_matrix *) p)->size1; i++)
      for (size_t j = 0; j < ((const gsl_matrix *) p)->size2; j++)
        out[n++] = gsl_matrix_get (p, i, j);
  else
    {
      const mlp_chain *net = p;
      n += values_of (MNM, net->W1, out + n);
      n += values_of (VN, net->b1, out + n);
      n += values_of (MNM, net->W2, out + n);
      n += values_of (VN, net->b2, out + n);
    }
  return n;
}

#define MAX_VALUES 64

/* A copy of a data argument, in memory of its own. */
static void *
copy_of (kind k, const void *p)
{
  if (is_vector_kind (k))
    {
      gsl_vector *c = gsl_vector_alloc (((const gsl_vector *) p)->size);
      gsl_vector_memcpy (c, p);
      return c;
    }
  if (is_matrix_kind (k))
    {
      const gsl_matrix *A = p;
      gsl_matrix *c = gsl_matrix_alloc (A->size1, A->size2);
      gsl_matrix_memcpy (c, A);
      return c;
    }
  const mlp_chain *net = p;
  mlp_chain *c = mlp_chain_alloc (net->m, net->H, net->n, net->act);
  gsl_matrix_memcpy (c->W1, net->W1);
  gsl_vector_memcpy (c->b1, net->b1);
  gsl_matrix_memcpy (c->W2, net->W2);
  gsl_vector_memcpy (c->b2, net->b2);
  return c;
}

/* The number of elements of a vector or matrix argument. */
static size_t
elements_of (kind k, const void *p)
{
  return is_vector_kind (k) ? ((const gsl_vector *) p)->size
         : ((const gsl_matrix *) p)->size1 * ((const gsl_matrix *) p)->size2;
}

/* An argument shaped as p (of kind k) whose data are the first elements
   of the contiguous data at data (freed by unmake: it owns no block). */
static void *
overlay (kind k, const void *p, double *data)
{
  if (is_vector_kind (k))
    {
      gsl_vector *v = malloc (sizeof *v);
      *v = gsl_vector_view_array (data, ((const gsl_vector *) p)->size).vector;
      return v;
    }
  gsl_matrix *A = malloc (sizeof *A);
  *A = gsl_matrix_view_array (data, ((const gsl_matrix *) p)->size1,
                              ((const gsl_matrix *) p)->size2).matrix;
  return A;
}

static double *
data_of (kind k, void *p)
{
  return is_vector_kind (k) ? ((gsl_vector *) p)->data : ((gsl_matrix *) p)->data;
}

/* Which data arguments a well-formed call of row r changes: its outputs. */
static unsigned
outputs_of (const api_row *r)
{
  void *p[MAX_ARGS];
  double before[MAX_ARGS][MAX_VALUES], after[MAX_VALUES];
  size_t len[MAX_ARGS];
  unsigned out = 0;
  for (int i = 0; i < r->nargs; i++)
    {
      p[i] = make (r->args[i], 0);
      if (is_data_kind (r->args[i]))
        len[i] = values_of (r->args[i], p[i], before[i]);
    }
  r->call (p);
  for (int i = 0; i < r->nargs; i++)
    {
      if (is_data_kind (r->args[i]))
        {
          values_of (r->args[i], p[i], after);
          if (memcmp (before[i], after, len[i] * sizeof (double)) != 0)
            out |= B_ (i);
        }
      unmake (r->args[i], p[i]);
    }
  return out;
}

/* Row r with output o overlapping argument i: argument o made a view of
   the first elements of i's data (or i of o's, when o has more), or for
   two networks the same network.  The outcome must be GSL_EINVAL (the
   overlap refused), or the result of the same call on copies of the
   arguments, which do not overlap: every output the same.  Returns 1
   when the pair was refused, 0 when it was handled, 2 when it was wrong
   (alias_problem says how), -1 when the copies' call itself fails (those
   values do not make a well-formed call). */
static char alias_problem[512];

static int
check_alias_pair (const api_row *r, int o, int i)
{
  void *p[MAX_ARGS], *q[MAX_ARGS];
  double got[MAX_VALUES], want[MAX_VALUES], q0[MAX_ARGS][MAX_VALUES];
  size_t qlen[MAX_ARGS];
  for (int k = 0; k < r->nargs; k++)
    p[k] = make (r->args[k], 0);
  const kind ko = r->args[o], ki = r->args[i];
  int shared = -1;   /* the argument whose object is shared (NET) */
  if (ko == NET)
    {
      unmake (ko, p[o]);
      p[o] = p[i];
      shared = o;
    }
  else if (elements_of (ko, p[o]) <= elements_of (ki, p[i]))
    {
      void *shape = p[o];
      p[o] = overlay (ko, shape, data_of (ki, p[i]));
      unmake (ko, shape);
    }
  else
    {
      void *shape = p[i];
      p[i] = overlay (ki, shape, data_of (ko, p[o]));
      unmake (ki, shape);
    }
  /* the copies: the same values, apart */
  for (int k = 0; k < r->nargs; k++)
    {
      q[k] = is_data_kind (r->args[k]) ? copy_of (r->args[k], p[k]) : make (r->args[k], 0);
      if (is_data_kind (r->args[k]))
        qlen[k] = values_of (r->args[k], q[k], q0[k]);
    }
  const int want_status = r->call (q);
  const int status = r->call (p);
  int verdict = -1;
  if (want_status == GSL_SUCCESS)
    {
      if (status != GSL_SUCCESS && status != GSL_EINVAL)
        snprintf (alias_problem, sizeof alias_problem, "%s: output %d overlapping "
                  "argument %d: returned %d, expected GSL_EINVAL (refused) or success",
                  r->name, o, i, status);
      verdict = status == GSL_EINVAL ? 1 : status == GSL_SUCCESS ? 0 : 2;
      for (int k = 0; status == GSL_SUCCESS && k < r->nargs; k++)
        if (is_data_kind (r->args[k]))
          {
            values_of (r->args[k], q[k], want);
            if (memcmp (want, q0[k], qlen[k] * sizeof (double)) == 0)
              continue;   /* not an output */
            values_of (r->args[k], p[k], got);
            for (size_t j = 0; j < qlen[k] && verdict == 0; j++)
              if (gsl_fcmp (got[j] + 1.0, want[j] + 1.0, 1e-12) != 0)
                {
                  snprintf (alias_problem, sizeof alias_problem, "%s: output %d "
                            "overlapping argument %d: returned success, but argument "
                            "%d's element %zu is %.17g, not %.17g (the result without "
                            "the overlap)", r->name, o, i, k, (size_t) j, got[j], want[j]);
                  verdict = 2;
                }
          }
    }
  if (shared >= 0)
    p[shared] = NULL;
  for (int k = 0; k < r->nargs; k++)
    {
      unmake (r->args[k], p[k]);
      unmake (r->args[k], q[k]);
    }
  return verdict;
}

/* Loop index: row r.  Every output against every other data argument
   of the row (bp_common.h's rule: an output that overlaps another
   argument is handled as if apart, or refused with GSL_EINVAL). */
START_TEST (test_api_alias)
{
  const api_row *r = &api[_i];
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  const unsigned outputs = outputs_of (r);
  int count[4] = { 0, 0, 0, 0 };   /* not applicable, handled, refused, wrong */
  for (int o = 0; o < r->nargs; o++)
    if ((outputs >> o) & 1u)
      for (int i = 0; i < r->nargs; i++)
        if (i != o && is_data_kind (r->args[i]) && is_data_kind (r->args[o])
            && (r->args[o] == NET) == (r->args[i] == NET))
          count[check_alias_pair (r, o, i) + 1]++;
  gsl_set_error_handler (old);
  if (getenv ("BP_ALIAS_REPORT") != NULL)   /* the counts of doc/robustness.md */
    printf ("alias %s: %d pairs, %d handled, %d refused, %d wrong, %d n/a\n", r->name,
            count[1] + count[2] + count[3], count[1], count[2], count[3], count[0]);
  ck_assert_msg (count[3] == 0, "%d of the %d overlapping pairs wrong; the last: %s",
                 count[3], count[1] + count[2] + count[3], alias_problem);
}
END_TEST

/* --- the promises of the functions that are not rows ------------------ */

/* An allocator refusing a size: NULL, and one call of the handler with
   code; a free function given NULL does nothing. */
#define ASSERT_REFUSED(call, want)                                         \
  do {                                                                     \
    reset_errors ();                                                       \
    const void *got_ = (call);                                                   \
    ck_assert_msg (got_ == NULL, "%s: not NULL", #call);                   \
    ck_assert_msg (test_errors.code == (want) && test_errors.count == 1,   \
                   "%s: handler called %d times, last with %d, "           \
                   "expected once with %d", #call, test_errors.count,      \
                   test_errors.code, (want));                              \
  } while (0)

START_TEST (test_api_workspace)
{
  /* "bp_model_workspace_alloc": a zero size is GSL_EINVAL (a size, not a
     pointer, is wrong); "bp_model_workspace_free" (NULL) does nothing */
  gsl_error_handler_t *old = test_record_errors ();
  ASSERT_REFUSED (bp_model_workspace_alloc (0, M), GSL_EINVAL);
  ASSERT_REFUSED (bp_model_workspace_alloc (N, 0), GSL_EINVAL);
  bp_model_workspace_free (NULL);
  bp_model_workspace *w = bp_model_workspace_alloc (N, M);
  ck_assert_ptr_nonnull (w);
  bp_model_workspace_free (w);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_api_allocators)
{
  gsl_error_handler_t *old = test_record_errors ();
  /* "bp_batch_workspace_alloc", "bp_batch_workspace_free" */
  ASSERT_REFUSED (bp_batch_workspace_alloc (0, N, M), GSL_EINVAL);
  ASSERT_REFUSED (bp_batch_workspace_alloc (BB, 0, M), GSL_EINVAL);
  ASSERT_REFUSED (bp_batch_workspace_alloc (BB, N, 0), GSL_EINVAL);
  bp_batch_workspace_free (NULL);
  /* "mlp_chain_alloc", "mlp_chain_free": zero sizes, an unknown activation */
  ASSERT_REFUSED (mlp_chain_alloc (0, HH, N, BP_RELU), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_alloc (M, 0, N, BP_RELU), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_alloc (M, HH, 0, BP_RELU), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_alloc (M, HH, N, (bp_activation) 99), GSL_EINVAL);
  mlp_chain_free (NULL);
  /* "mlp_chain_workspace_alloc", "mlp_chain_workspace_free" */
  ASSERT_REFUSED (mlp_chain_workspace_alloc (0, HH, N), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_workspace_alloc (M, 0, N), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_workspace_alloc (M, HH, 0), GSL_EINVAL);
  mlp_chain_workspace_free (NULL);
  /* sizes whose product overflows size_t (issue 14): refused as GSL_EINVAL,
     not handed to gsl_matrix_alloc, which multiplies them unchecked (2^62 + 1
     rows of 4 doubles wrap around to 4 elements; 2^61 of 1 double to 0
     bytes) and returned a workspace that crashed on first use */
  const size_t wrap4 = ((size_t) 1 << (sizeof (size_t) * 8 - 2)) + 1;
  const size_t wrap0 = (size_t) 1 << (sizeof (size_t) * 8 - 3);
  ASSERT_REFUSED (bp_batch_workspace_alloc (wrap4, 1, 4), GSL_EINVAL);
  ASSERT_REFUSED (bp_batch_workspace_alloc (1, wrap4, 4), GSL_EINVAL);
  ASSERT_REFUSED (bp_batch_workspace_alloc (1, 1, wrap0), GSL_EINVAL);
  /* n x m alone overflowing (dL_dW), B x m and B x n not */
  const size_t half = (size_t) 1 << (sizeof (size_t) * 4);
  ASSERT_REFUSED (bp_batch_workspace_alloc (1, half, half), GSL_EINVAL);
  /* B x m alone overflowing (U: 2^40 x 2^30 on 64 bits), B x n and n x m
     not */
  const size_t bigB = (size_t) 1 << (sizeof (size_t) * 4 + 8);
  const size_t bigm = (size_t) 1 << (sizeof (size_t) * 4 - 2);
  ASSERT_REFUSED (bp_batch_workspace_alloc (bigB, 1, bigm), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_alloc (4, wrap4, 1, BP_RELU), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_alloc (1, wrap0, 1, BP_RELU), GSL_EINVAL);
  ASSERT_REFUSED (mlp_chain_alloc (1, 4, wrap4, BP_RELU), GSL_EINVAL);
  ASSERT_REFUSED (bp_model_workspace_alloc (wrap4, 1), GSL_EINVAL);
  ASSERT_REFUSED (bp_model_workspace_alloc (wrap0, 1), GSL_EINVAL);

  /* and each allocates with well-formed sizes, without an error */
  reset_errors ();
  void *ok[3] = { bp_batch_workspace_alloc (BB, N, M), mlp_chain_alloc (M, HH, N, BP_TANH),
                  mlp_chain_workspace_alloc (M, HH, N) };
  ck_assert_int_eq (test_errors.count, 0);
  for (int k = 0; k < 3; k++)
    ck_assert_ptr_nonnull (ok[k]);
  bp_batch_workspace_free (ok[0]);
  mlp_chain_free (ok[1]);
  mlp_chain_workspace_free (ok[2]);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_api_net_allocators)
{
  gsl_error_handler_t *old = test_record_errors ();
  bp_net_shape s = { .rows = XR, .cols = XC, .n = N, .n_hidden = 1, .hidden = { HH } };
  /* "bp_net_type_of", "bp_net_type_by_name": a NULL shape is GSL_EFAULT,
     an unknown name NULL without an error */
  ASSERT_REFUSED (bp_net_type_of (NULL), GSL_EFAULT);
  reset_errors ();
  ck_assert_ptr_null (bp_net_type_by_name ("nonesuch"));
  ck_assert_ptr_null (bp_net_type_by_name (NULL));
  ck_assert_ptr_eq (bp_net_type_by_name ("mlp"), bp_net_type_of (&s));
  /* "bp_net_type_at": every row once, found by its name; past the end
     NULL without an error */
  size_t rows = 0;
  for (; bp_net_type_at (rows) != NULL; rows++)
    ck_assert_ptr_eq (bp_net_type_by_name (bp_net_type_at (rows)->name), bp_net_type_at (rows));
  ck_assert_uint_ge (rows, 8);
  ck_assert_ptr_null (bp_net_type_at (rows + 1));
  ck_assert_ptr_null (bp_net_type_at ((size_t) -1));
  ck_assert_int_eq (test_errors.count, 0);
  /* "bp_net_alloc", "bp_net_free": NULLs, sizes the row refuses */
  ASSERT_REFUSED (bp_net_alloc (NULL, &s), GSL_EFAULT);
  ASSERT_REFUSED (bp_net_alloc (bp_net_mlp, NULL), GSL_EFAULT);
  ASSERT_REFUSED (bp_net_alloc (bp_net_linear, &s), GSL_EINVAL);
  s.hidden[0] = 0;
  ASSERT_REFUSED (bp_net_alloc (bp_net_mlp, &s), GSL_EINVAL);
  s.hidden[0] = HH;
  bp_net_free (NULL);
  bp_net *net = nnet_of (HH, 0);
  /* "bp_net_workspace_alloc", "bp_net_workspace_free" */
  ASSERT_REFUSED (bp_net_workspace_alloc (NULL, BB), GSL_EFAULT);
  ASSERT_REFUSED (bp_net_workspace_alloc (net, 0), GSL_EINVAL);
  bp_net_workspace_free (NULL);
  /* "bp_net_workspace_bytes", "bp_net_eval_batch": 0 and the handler once */
  reset_errors ();
  ck_assert_uint_eq (bp_net_workspace_bytes (NULL, BB), 0);
  ck_assert (test_errors.code == GSL_EFAULT && test_errors.count == 1);
  reset_errors ();
  ck_assert_uint_eq (bp_net_workspace_bytes (net, 0), 0);
  ck_assert (test_errors.code == GSL_EINVAL && test_errors.count == 1);
  reset_errors ();
  ck_assert_uint_eq (bp_net_eval_batch (NULL, 1), 0);
  ck_assert (test_errors.code == GSL_EFAULT && test_errors.count == 1);
  reset_errors ();
  ck_assert_uint_ge (bp_net_eval_batch (net, 1), 1);
  ck_assert_int_eq (test_errors.count, 0);
  /* "bp_net_trainer_alloc", "bp_net_trainer_free" */
  ASSERT_REFUSED (bp_net_trainer_alloc (NULL, COUNT, BB), GSL_EFAULT);
  ASSERT_REFUSED (bp_net_trainer_alloc (net, 0, BB), GSL_EINVAL);
  ASSERT_REFUSED (bp_net_trainer_alloc (net, COUNT, 0), GSL_EINVAL);
  bp_net_trainer_free (NULL);
  /* and each allocates with well-formed sizes, without an error */
  reset_errors ();
  void *ok[3] = { bp_net_alloc (bp_net_mlp, &s), bp_net_workspace_alloc (net, BB),
                  bp_net_trainer_alloc (net, COUNT, BB) };
  ck_assert_int_eq (test_errors.count, 0);
  for (int k = 0; k < 3; k++)
    ck_assert_ptr_nonnull (ok[k]);
  bp_net_free (ok[0]);
  bp_net_workspace_free (ok[1]);
  bp_net_trainer_free (ok[2]);
  bp_net_free (net);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_api_cnn_allocators)
{
  gsl_error_handler_t *old = test_record_errors ();
  /* "cnn_chain_alloc", "cnn_chain_free": a zero size or an image under 4 x 4 is
     GSL_EINVAL (H = 0 is no hidden layer) */
  ASSERT_REFUSED (cnn_chain_alloc (NR - 1, NCL, NC1, NC2, HH, N), GSL_EINVAL);
  ASSERT_REFUSED (cnn_chain_alloc (NR, NCL - 1, NC1, NC2, HH, N), GSL_EINVAL);
  ASSERT_REFUSED (cnn_chain_alloc (NR, NCL, 0, NC2, HH, N), GSL_EINVAL);
  ASSERT_REFUSED (cnn_chain_alloc (NR, NCL, NC1, 0, HH, N), GSL_EINVAL);
  ASSERT_REFUSED (cnn_chain_alloc (NR, NCL, NC1, NC2, HH, 0), GSL_EINVAL);
  cnn_chain_free (NULL);
  cnn_chain *net = cnn_of (NC2, 0);
  /* "cnn_chain_workspace_alloc", "cnn_chain_workspace_free" */
  ASSERT_REFUSED (cnn_chain_workspace_alloc (0, net), GSL_EINVAL);
  ASSERT_REFUSED (cnn_chain_workspace_alloc (BB, NULL), GSL_EFAULT);
  /* B whose first lowered image, (B H W) x (k^2 max(C1, C2)) doubles,
     overflows size_t while the second's (B H W / 4) x (k^2 C1) does not */
  ASSERT_REFUSED (cnn_chain_workspace_alloc (SIZE_MAX / 2048 + 1, net), GSL_EINVAL);
  /* B whose B H W wraps to 0 (so the first lowered image passes its
     test), while the second's (B H W / 4) x (k^2 C1) doubles overflow */
  ASSERT_REFUSED (cnn_chain_workspace_alloc (SIZE_MAX / NPIX + 1, net), GSL_EINVAL);
  cnn_chain_workspace_free (NULL);
  reset_errors ();
  void *ok[2] = { cnn_chain_alloc (NR, NCL, NC1, NC2, 0, N), cnn_chain_workspace_alloc (BB, net) };
  ck_assert_int_eq (test_errors.count, 0);
  for (int k = 0; k < 2; k++)
    ck_assert_ptr_nonnull (ok[k]);
  cnn_chain_free (ok[0]);
  cnn_chain_workspace_free (ok[1]);
  cnn_chain_free (net);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_api_readers_free)
{
  /* "bp_idx_free" and "bp_dataset_free" accept NULL, as free() does (they
     crashed on it) */
  bp_idx_free (NULL);
  bp_dataset_free (NULL);
  /* "bp_train_state_free" too, and a state read back is what was written */
  bp_train_state_free (NULL);
  char *path = path_of ("st");
  bp_net *f = fnet_of (0), *f2;
  bp_train_state *t = state_of (N * M + N, 0), back;
  gsl_vector_set (t->velocity, N * M + N - 1, -0.25);
  ck_assert_int_eq (bp_model_file_write (path, f, t, NULL, 0), GSL_SUCCESS);
  ck_assert_int_eq (bp_model_file_read (path, &f2, &back, NULL, 0), GSL_SUCCESS);
  ck_assert_uint_eq (back.epoch, t->epoch);
  ck_assert_uint_eq (back.epochs, t->epochs);
  ck_assert_uint_eq (back.batch, t->batch);
  ck_assert_uint_eq (back.seed, t->seed);
  ck_assert (back.lr == t->lr && back.momentum == t->momentum);
  ck_assert_int_eq (gsl_vector_equal (back.velocity, t->velocity), 1);
  ck_assert_uint_eq (back.rng_size, t->rng_size);
  ck_assert_int_eq (memcmp (back.rng_state, t->rng_state, t->rng_size), 0);
  ck_assert_int_eq (gsl_vector_equal (f->theta, f2->theta), 1);
  bp_train_state_free (&back);
  ck_assert_ptr_null (back.velocity);
  bp_net_free (f2);
  /* a model without a state is refused when the state is asked for */
  ck_assert_int_eq (bp_model_file_write (path, f, NULL, NULL, 0), GSL_SUCCESS);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (bp_model_file_read (path, &f2, &back, NULL, 0), GSL_EINVAL);
  gsl_set_error_handler (old);
  ck_assert_ptr_null (f2);
  unlink (path);
  free (path);
  bp_net_free (f);
  gsl_vector_free (t->velocity);
  free (t);
}
END_TEST

START_TEST (test_api_dataset_zero_classes)
{
  /* bp_dataset_read with n_classes = 0: refused as GSL_EINVAL, once, with
     a message saying so -- not "0 to 18446744073709551615" (n_classes - 1
     wrapped around, as it did) */
  gsl_error_handler_t *old = test_record_errors ();
  char *images = make (PIMG, 0), *labels = make (PLBL, 0), err[ERRLEN] = "";
  bp_dataset d = tiny;   /* nothing is written into d when refused */
  reset_errors ();
  ck_assert_int_eq (bp_dataset_read (images, labels, 0, &d, err, sizeof err), GSL_EINVAL);
  ck_assert_int_eq (test_errors.count, 1);
  ck_assert_int_eq (test_errors.code, GSL_EINVAL);
  ck_assert_msg (strstr (err, "18446744073709551615") == NULL, "message: %s", err);
  ck_assert_msg (strstr (err, "n_classes must be positive") != NULL, "message: %s", err);
  ck_assert (d.count == COUNT && d.images == tiny.images);
  free (images);
  free (labels);
  gsl_set_error_handler (old);
}
END_TEST

START_TEST (test_api_no_pointer)
{
  /* "bp_activation_name": the three names, NULL for an unknown value */
  ck_assert_str_eq (bp_activation_name (BP_RELU), "relu");
  ck_assert_str_eq (bp_activation_name (BP_SIGMOID), "sigmoid");
  ck_assert_str_eq (bp_activation_name (BP_TANH), "tanh");
  ck_assert_ptr_null (bp_activation_name ((bp_activation) 3));
  /* bp_activation_from_name of an unknown name: GSL_EINVAL, returned
     without the handler (the caller names the bad value), *a untouched */
  gsl_error_handler_t *old = test_record_errors ();
  bp_activation a = BP_TANH;
  reset_errors ();
  ck_assert_int_eq (bp_activation_from_name ("softplus", &a), GSL_EINVAL);
  ck_assert_int_eq (test_errors.count, 0);
  ck_assert_int_eq (a, BP_TANH);
  /* "bp_gradcheck_result_free" (NULL) does nothing; "bp_gradcheck_verdict_name"
     of no verdict is NULL; bp_gradcheck_method_parse of an unknown name:
     GSL_EINVAL without the handler, *method untouched */
  bp_gradcheck_result_free (NULL);
  ck_assert_ptr_null (bp_gradcheck_verdict_name ((bp_gradcheck_verdict) 7));
  ck_assert_str_eq (bp_gradcheck_verdict_name (BP_GRADCHECK_FAIL), "FAIL");
  unsigned method = 0;
  reset_errors ();
  ck_assert_int_eq (bp_gradcheck_method_parse ("newton", &method), GSL_EINVAL);
  ck_assert_int_eq (test_errors.count, 0);
  ck_assert_uint_eq (method, 0);
  /* "bp_gradcheck_threads": 0 for none, else between 1 and asked */
  ck_assert_uint_eq (bp_gradcheck_threads (0), 0);
  ck_assert_uint_eq (bp_gradcheck_threads (1), 1);
  ck_assert (bp_gradcheck_threads (4) >= 1 && bp_gradcheck_threads (4) <= 4);
  /* bp_sgd_update: a non-finite eta or mu is GSL_EDOM, theta untouched */
  gsl_vector *g = vector_of (N, 1.0), *vel = vector_of (N, 0.0), *th = vector_of (N, 2.0);
  reset_errors ();
  ck_assert_int_eq (bp_sgd_update (GSL_NAN, 0.9, g, vel, th), GSL_EDOM);
  ck_assert_int_eq (bp_sgd_update (0.1, GSL_POSINF, g, vel, th), GSL_EDOM);
  ck_assert_int_eq (test_errors.count, 2);
  ck_assert (gsl_vector_get (th, 0) == 2.0 && gsl_vector_get (vel, 0) == 0.0);
  gsl_vector_free (g);
  gsl_vector_free (vel);
  gsl_vector_free (th);
  gsl_set_error_handler (old);
}
END_TEST

static Suite *
api_suite (void)
{
  Suite *s = suite_create ("api_errors");
  TCase *tc = tcase_create ("table");
  tcase_add_loop_test (tc, test_api_row, 0, 2 * (int) N_API);
  suite_add_tcase (s, tc);
  TCase *th = tcase_create ("hostile");
  tcase_add_loop_test (th, test_api_hostile, 0, (int) N_API);
  suite_add_tcase (s, th);
  TCase *ta = tcase_create ("aliasing");
  tcase_add_loop_test (ta, test_api_alias, 0, (int) N_API);
  suite_add_tcase (s, ta);
  TCase *tp = tcase_create ("promises");
  tcase_add_test (tp, test_api_workspace);
  tcase_add_test (tp, test_api_allocators);
  tcase_add_test (tp, test_api_cnn_allocators);
  tcase_add_test (tp, test_api_net_allocators);
  tcase_add_test (tp, test_api_readers_free);
  tcase_add_test (tp, test_api_dataset_zero_classes);
  tcase_add_test (tp, test_api_no_pointer);
  suite_add_tcase (s, tp);
  return s;
}

int
main (void)
{
  Suite *(*const suites[]) (void) = { api_suite };
  return test_run_suites (suites, sizeof suites / sizeof suites[0]);
}
