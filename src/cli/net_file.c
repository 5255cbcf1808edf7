/* net_file.c -- the adapter of net_file.h */
#include <config.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_mlp.h"
#include "backprop/bp_cnn.h"
#include "verify/i18n.h"
#include "cli/net_file.h"

/* Block k of net as a matrix (a vector block: its size1 x 1 view). */
static gsl_matrix *
block_matrix (const bp_net *net, size_t k)
{
  return (gsl_matrix *) &net->theta_M[k].matrix;
}

static gsl_vector *
block_vector (const bp_net *net, size_t k)
{
  return (gsl_vector *) &net->theta_v[k].vector;
}

/* The mlp row's blocks as the bp_mlp of version 2: views. */
static bp_mlp
as_mlp (const bp_net *net)
{
  const bp_net_shape *s = &net->shape;
  return (bp_mlp) { s->rows * s->cols, s->hidden[0], s->n, s->act,
                    block_matrix (net, 0), block_vector (net, 1),
                    block_matrix (net, 2), block_vector (net, 3) };
}

/* Copy between the network's blocks and a bp_cnn's (to_net: into net). */
static void
copy_cnn (bp_net *net, bp_cnn *c, int to_net)
{
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (c, b);
  for (size_t k = 0; k < count && k < net->n_blocks; k++)
    {
      gsl_vector_view v = b[k].M ? gsl_vector_view_array (b[k].M->data,
                                                          b[k].M->size1 * b[k].M->size2)
                                 : gsl_vector_subvector (b[k].v, 0, b[k].v->size);
      if (to_net)
        gsl_vector_memcpy (block_vector (net, k), &v.vector);
      else
        gsl_vector_memcpy (&v.vector, block_vector (net, k));
    }
}

int
net_file_writable (const bp_net_type *T)
{
  return T == bp_net_linear || T == bp_net_mlp || T == bp_net_cnn;
}

int
net_file_save (const char *path, const bp_net *net, const bp_train_state *s, char *err,
               size_t len)
{
  const bp_net_shape *sh = &net->shape;
  if (net->type == bp_net_linear)
    return s ? bp_model_file_write_state (path, block_matrix (net, 0), block_vector (net, 1),
                                          sh->rows, sh->cols, s, err, len)
             : bp_model_file_write (path, block_matrix (net, 0), block_vector (net, 1),
                                    sh->rows, sh->cols, err, len);
  if (net->type == bp_net_mlp)
    {
      const bp_mlp m = as_mlp (net);
      return s ? bp_model_file_write_mlp_state (path, &m, sh->rows, sh->cols, s, err, len)
               : bp_model_file_write_mlp (path, &m, sh->rows, sh->cols, err, len);
    }
  if (net->type == bp_net_cnn)
    {
      bp_cnn *c = bp_cnn_alloc (sh->rows, sh->cols, sh->C1, sh->C2,
                                sh->n_hidden ? sh->hidden[0] : 0, sh->n);
      if (c == NULL)
        {
          snprintf (err, len, _("out of memory"));
          return GSL_ENOMEM;
        }
      copy_cnn ((bp_net *) net, c, 0);
      const int status = s ? bp_model_file_write_cnn_state (path, c, s, err, len)
                           : bp_model_file_write_cnn (path, c, err, len);
      bp_cnn_free (c);
      return status;
    }
  snprintf (err, len, _("%s: the %s network's model file needs a newer model file "
                        "format than this program writes"), path, net->type->name);
  return GSL_EINVAL;
}

/* A network of row T and shape s, or NULL with err set. */
static bp_net *
new_net (const bp_net_type *T, const bp_net_shape *s, const char *path, char *err,
         size_t len)
{
  bp_net *net = bp_net_alloc (T, s);
  if (net == NULL)
    snprintf (err, len, _("%s: out of memory"), path);
  return net;
}

int
net_file_load (const char *path, bp_net **net, char *err, size_t len)
{
  size_t layers, rows = 0, cols = 0;
  *net = NULL;
  int status = bp_model_file_layers (path, &layers, err, len);
  if (status != GSL_SUCCESS)
    return status;
  if (layers == 1)
    {
      gsl_matrix *W;
      gsl_vector *b;
      status = bp_model_file_read (path, &W, &b, &rows, &cols, err, len);
      if (status != GSL_SUCCESS)
        return status;
      const bp_net_shape s = { .rows = rows, .cols = cols, .n = W->size1 };
      if ((*net = new_net (bp_net_linear, &s, path, err, len)) != NULL)
        {
          gsl_matrix_memcpy (block_matrix (*net, 0), W);
          gsl_vector_memcpy (block_vector (*net, 1), b);
        }
      gsl_matrix_free (W);
      gsl_vector_free (b);
    }
  else if (layers == 2)
    {
      bp_mlp *m;
      status = bp_model_file_read_mlp (path, &m, &rows, &cols, err, len);
      if (status != GSL_SUCCESS)
        return status;
      const bp_net_shape s = { .rows = rows, .cols = cols, .n = m->n, .n_hidden = 1,
                               .hidden = { m->H }, .act = m->act };
      if ((*net = new_net (bp_net_mlp, &s, path, err, len)) != NULL)
        {
          const bp_mlp to = as_mlp (*net);
          gsl_matrix_memcpy (to.W1, m->W1);
          gsl_vector_memcpy (to.b1, m->b1);
          gsl_matrix_memcpy (to.W2, m->W2);
          gsl_vector_memcpy (to.b2, m->b2);
        }
      bp_mlp_free (m);
    }
  else
    {
      bp_cnn *c;
      status = bp_model_file_read_cnn (path, &c, err, len);
      if (status != GSL_SUCCESS)
        return status;
      const bp_net_shape s = { .rows = c->rows, .cols = c->cols, .n = c->n,
                               .n_hidden = c->H > 0, .hidden = { c->H }, .act = BP_RELU,
                               .C1 = c->C1, .C2 = c->C2 };
      if ((*net = new_net (bp_net_cnn, &s, path, err, len)) != NULL)
        copy_cnn (*net, c, 1);
      bp_cnn_free (c);
    }
  return *net ? GSL_SUCCESS : GSL_ENOMEM;
}
