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
  gsl_matrix *U, *T;   /* B x m, B x n */
};

/* Block k of theta (or grad) as the matrix or vector the chains take. */
static inline gsl_matrix *
net_matrix (const bp_net *net, size_t k)
{
  return (gsl_matrix *) &net->theta_M[k].matrix;
}

static inline gsl_vector *
net_vector (const bp_net *net, size_t k)
{
  return (gsl_vector *) &net->theta_v[k].vector;
}

static inline gsl_matrix *
net_grad_matrix (const bp_net *net, size_t k)
{
  return (gsl_matrix *) &net->grad_M[k].matrix;
}

static inline gsl_vector *
net_grad_vector (const bp_net *net, size_t k)
{
  return (gsl_vector *) &net->grad_v[k].vector;
}

/* The inputs m = rows cols of s. */
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
   softmax cross-entropy (10.2), one example at a time. */
int net_dense_cforward (const bp_net *net, const gsl_matrix_complex *const block[],
                        const gsl_matrix_complex *U, const gsl_matrix *T, gsl_complex *L);

#endif /* BP_LIB_NET_H */
