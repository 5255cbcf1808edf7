/* net.h -- (internal) what the rows of the table (linear.c, mlp.c,
   deep.c, cnn.c) and the trainer share of a bp_net; see bp_net.h. */
#ifndef BP_LIB_NET_H
#define BP_LIB_NET_H
#include "backprop/bp_net.h"

/* A workspace: the row's, and the batch the trainer and the evaluation
   read examples into. */
struct bp_net_workspace
{
  const bp_net_type *type;
  bp_net_shape shape;   /* the network's it was made for */
  size_t B;
  void *row;
  gsl_matrix *U, *T;   /* B x m, B x n (a double row) */
  /* a float32 row: its batch U, T, dL/dU in float, and the logits widened
     for bp_net_forward (NULL in a double row) */
  gsl_matrix_float *U_float, *T_float, *dU_float;
  gsl_matrix *V;
  void *cws;   /* bp_net_cforward's scratch, made at its first call */
};

/* Block k of theta (or grad) as the matrix or vector the chains take,
   by arithmetic: net_matrix (theta_M), net_float_matrix (theta_float_M)
   ..., one definition for the eight. */
#define NET_BLOCK_VIEW(NAME, TYPE, VIEWS, MEMBER)                               \
  static inline TYPE *                                                         \
  NAME (const bp_net *net, size_t k)                                           \
  {                                                                            \
    return (TYPE *) &net->VIEWS[k].MEMBER;                                     \
  }
NET_BLOCK_VIEW (net_matrix, gsl_matrix, theta_M, matrix)
NET_BLOCK_VIEW (net_vector, gsl_vector, theta_v, vector)
NET_BLOCK_VIEW (net_grad_matrix, gsl_matrix, grad_M, matrix)
NET_BLOCK_VIEW (net_grad_vector, gsl_vector, grad_v, vector)
NET_BLOCK_VIEW (net_float_matrix, gsl_matrix_float, theta_float_M, matrix)
NET_BLOCK_VIEW (net_float_vector, gsl_vector_float, theta_float_v, vector)
NET_BLOCK_VIEW (net_float_grad_matrix, gsl_matrix_float, grad_float_M, matrix)
NET_BLOCK_VIEW (net_float_grad_vector, gsl_vector_float, grad_float_v, vector)
#undef NET_BLOCK_VIEW

/* The buffers, block k of them as one vector, the batch matrices of a
   workspace and the row's passes, by arithmetic: net_NAME for a double
   row, net_float_NAME for a float32 row (FUNCTION (net, NAME) in a
   templated source). */
static inline gsl_vector *net_theta (const bp_net *net) { return net->theta; }
static inline gsl_vector *net_grad (const bp_net *net) { return net->grad; }
static inline gsl_vector_float *net_float_theta (const bp_net *net) { return net->theta_float; }
static inline gsl_vector_float *net_float_grad (const bp_net *net) { return net->grad_float; }
static inline gsl_vector *
net_theta_block (bp_net *net, size_t k) { return &net->theta_v[k].vector; }
static inline gsl_vector *
net_grad_block (bp_net *net, size_t k) { return &net->grad_v[k].vector; }
static inline gsl_vector_float *
net_float_theta_block (bp_net *net, size_t k) { return &net->theta_float_v[k].vector; }
static inline gsl_vector_float *
net_float_grad_block (bp_net *net, size_t k) { return &net->grad_float_v[k].vector; }
static inline gsl_matrix *net_ws_U (bp_net_workspace *w) { return w->U; }
static inline gsl_matrix *net_ws_T (bp_net_workspace *w) { return w->T; }
static inline gsl_matrix_float *net_float_ws_U (bp_net_workspace *w) { return w->U_float; }
static inline gsl_matrix_float *net_float_ws_T (bp_net_workspace *w) { return w->T_float; }
/* the first b rows of a workspace's B-row matrix: a batch of b <= B */
static inline gsl_matrix_view
net_rows_of (gsl_matrix *M, size_t b) { return gsl_matrix_submatrix (M, 0, 0, b, M->size2); }
static inline gsl_matrix_float_view
net_float_rows_of (gsl_matrix_float *M, size_t b)
{ return gsl_matrix_float_submatrix (M, 0, 0, b, M->size2); }

static inline int
net_forward (const bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
             gsl_matrix_view *V, double *L)
{
  return net->type->forward (net, U, T, ws, V, L);
}

static inline int
net_float_forward (const bp_net *net, const gsl_matrix_float *U, const gsl_matrix_float *T,
                   void *ws, gsl_matrix_float_view *V, double *L)
{
  return net->type->forward_float (net, U, T, ws, V, L);
}

static inline int
net_backward (bp_net *net, const gsl_matrix *U, const gsl_matrix *T, void *ws,
              gsl_matrix *dL_dU, double *L)
{
  return net->type->backward (net, U, T, ws, dL_dU, L);
}

static inline int
net_float_backward (bp_net *net, const gsl_matrix_float *U, const gsl_matrix_float *T,
                    void *ws, gsl_matrix_float *dL_dU, double *L)
{
  return net->type->backward_float (net, U, T, ws, dL_dU, L);
}

/* Parameter k of net, in double (a float32 row's exactly widened). */
static inline double
net_param (const bp_net *net, size_t k)
{
  return net->type->dtype == BP_NET_FLOAT32 ? (double) net->theta_float->data[k]
         : net->theta->data[k * net->theta->stride];
}

/* 1 when x is a float value exactly (a float32 row's parameter or
   velocity in a model file's doubles). */
static inline int
net_is_float (double x)
{
  return (double) (float) x == x;
}

/* 1 when every parameter of net is finite, in its arithmetic. */
int net_params_finite (const bp_net *net);

/* What describe appends for the row's arithmetic: "" or " in float32". */
static inline const char *
net_dtype_suffix (const bp_net *net)
{
  return net->type->dtype == BP_NET_FLOAT32 ? " in float32" : "";
}

/* A float32 row's init: the starting point of the double row whose twin
   it is, from rng (the same draws), rounded to float. */
int net_init_rounded (bp_net *net, gsl_rng *rng);

/* The inputs m = rows cols of s (bp_net_alloc refuses a product that
   overflows). */
static inline size_t
net_inputs (const bp_net_shape *s)
{
  return s->rows * s->cols;
}

/* 1 when a workspace made for a network of shape a serves one of b. */
int net_same_shape (const bp_net_shape *a, const bp_net_shape *b);

/* The rows' block names, "W1".."W9", "b1".."b9" (index 1 to 9). */
extern const char *const net_weight_name[10], *const net_bias_name[10];

/* The complex step (bp_net_cforward): the loss of the example u (a row
   of U) against t, written into *L, a row's scratch at hand; 0 on success. */
typedef int (*net_cexample) (const bp_net *net, const gsl_matrix_complex *const block[],
                             const gsl_vector_complex *u, const gsl_vector *t,
                             void *scratch, gsl_complex *L);

/* The mean of f over the rows of U and T into *L (NaN when f fails on
   one); GSL_SUCCESS. */
int net_cmean (const bp_net *net, const gsl_matrix_complex *const block[],
               const gsl_matrix_complex *U, const gsl_matrix *T, net_cexample f,
               void *scratch, gsl_complex *L);

/* The loss of the perceptrons (mlp.c, deep.c) in complex arithmetic:
   Z_l = W_l A_{l-1} + b_l, A_l = f(Z_l), V = W_L A_{L-1} + b_L, the
   softmax cross-entropy (10.2), one example at a time, in the scratch
   of net_dense_cws_alloc. */
int net_dense_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                        const gsl_matrix_complex *U, const gsl_matrix *T, void *cws,
                        gsl_complex *L);
void *net_dense_cws_alloc (const bp_net *net);
void net_dense_cws_free (void *cws);

#endif /* BP_LIB_NET_H */
