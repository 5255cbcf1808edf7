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

#endif /* BP_LIB_NET_H */
