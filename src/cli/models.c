/* models.c -- the rows of models.h: each over its library functions
   (bp_train.h, bp_mlp_train.h, bp_cnn_train.h, bp_model_file.h). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_mlp_train.h"
#include "backprop/bp_cnn_train.h"
#include "cli/models.h"

/* Examples classified per batch by evaluate (the CNN's lowered images
   take 25 C1 doubles per pixel: a smaller batch). */
#define EVAL_BATCH 256
#define EVAL_BATCH_CNN 64

/* ---- the model file over bp_net (bp_model_file.h) ------------------- */

/* A temporary bridge until the commands run on bp_net: a model's blocks,
   contiguous and in the file's order, are copied into a network of its
   row and shape to be saved, and out of the network read. */
typedef struct
{
  double *data;
  size_t size;
} span;

static int
file_save (const bp_net_type *T, const bp_net_shape *s, const span *b, size_t count,
           const char *path, const bp_train_state *st, char *err, size_t len)
{
  bp_net *net = bp_net_alloc (T, s);
  if (net == NULL)
    return GSL_ENOMEM;
  size_t at = 0;
  for (size_t k = 0; k < count; k++)
    for (size_t j = 0; j < b[k].size && at < net->size; j++)
      gsl_vector_set (net->theta, at++, b[k].data[j]);
  const int status = at == net->size ? bp_model_file_write (path, net, st, err, len)
                                     : GSL_ESANITY;
  bp_net_free (net);
  return status;
}

/* The network of path, which must be of row T. */
static int
file_load (const bp_net_type *T, const char *path, bp_net **net, char *err, size_t len)
{
  int status = bp_model_file_read (path, net, NULL, err, len);
  if (status == GSL_SUCCESS && (*net)->type != T)
    {
      snprintf (err, len, "%s: holds a %s network, not a %s one", path,
                (*net)->type->name, T->name);
      bp_net_free (*net);
      *net = NULL;
      status = GSL_EINVAL;
    }
  return status;
}

static void
file_copy_out (const bp_net *net, const span *b, size_t count)
{
  size_t at = 0;
  for (size_t k = 0; k < count; k++)
    for (size_t j = 0; j < b[k].size; j++)
      b[k].data[j] = gsl_vector_get (net->theta, at++);
}

const model_kind *
model_kind_file (const char *path, size_t *rows, size_t *cols, size_t *n, char *err,
                 size_t len)
{
  const bp_net_type *T;
  bp_net_shape s;
  if (bp_model_file_shape (path, &T, &s, err, len) != GSL_SUCCESS)
    return NULL;
  *rows = s.rows;
  *cols = s.cols;
  *n = s.n;
  const size_t layers = T == bp_net_linear ? 1 : T == bp_net_mlp ? 2
                        : T == bp_net_cnn ? 3 + s.n_hidden : 0;
  const model_kind *kind = layers ? model_kind_layers (layers) : NULL;
  if (kind == NULL)
    snprintf (err, len, "%s: holds a %s network, which this program cannot run", path,
              T->name);
  return kind;
}

int
model_file_state (const char *path, bp_train_state *st, char *err, size_t len)
{
  bp_net *net;
  const int status = bp_model_file_read (path, &net, st, err, len);
  if (status == GSL_SUCCESS)
    bp_net_free (net);
  return status;
}

/* ---- the one-layer classifier v = W u + b ---------------------------- */

typedef struct
{
  gsl_matrix *W;
  gsl_vector *b;
  bp_trainer *t;
  bp_batch_workspace *ws;
} linear;

static int
linear_alloc (model *M, const model_shape *s)
{
  linear *l = calloc (1, sizeof *l);
  M->impl = l;
  if (l == NULL)
    return -1;
  l->W = gsl_matrix_calloc (s->n, s->m);
  l->b = gsl_vector_calloc (s->n);
  return l->W && l->b ? 0 : -1;
}

static int
linear_init (model *M, gsl_rng *rng)
{
  (void) M;
  (void) rng;
  return 0;   /* W = 0, b = 0: the softmax classifier's loss is convex */
}

static int
linear_trainer (model *M, size_t count, size_t B)
{
  linear *l = M->impl;
  l->t = bp_trainer_alloc (count, B, l->W->size1, l->W->size2);
  return l->t ? 0 : -1;
}

static int
linear_epoch (model *M, const bp_dataset *d, const bp_sgd_params *p, size_t e,
              gsl_rng *rng, bp_progress_function f, void *arg, double *loss)
{
  linear *l = M->impl;
  return bp_train_epoch (d, p, e, rng, l->t, f, arg, l->W, l->b, loss);
}

static int
linear_evaluate (model *M, const bp_dataset *d, gsl_matrix_ulong *confusion,
                 double *accuracy, double *loss)
{
  linear *l = M->impl;
  if (l->ws == NULL
      && (l->ws = bp_batch_workspace_alloc (EVAL_BATCH, l->W->size1, l->W->size2)) == NULL)
    return GSL_ENOMEM;
  return bp_evaluate (d, l->W, l->b, l->ws, confusion, accuracy, loss);
}

static size_t
linear_count (const model *M)
{
  const linear *l = M->impl;
  return l->W->size1 * l->W->size2 + l->b->size;
}

/* Copy between the flat v and the blocks (matrices contiguous). */
static void
copy_block (gsl_vector *v, size_t *at, double *data, size_t size, int out)
{
  for (size_t k = 0; k < size; k++, (*at)++)
    if (out)
      gsl_vector_set (v, *at, data[k]);
    else
      data[k] = gsl_vector_get (v, *at);
}

static int
linear_velocity (model *M, gsl_vector *v, int out)
{
  linear *l = M->impl;
  size_t at = 0;
  if (l->t == NULL || v->size != linear_count (M))
    return GSL_EBADLEN;
  copy_block (v, &at, l->t->vel_W->data, l->W->size1 * l->W->size2, out);
  copy_block (v, &at, l->t->vel_b->data, l->b->size, out);
  return GSL_SUCCESS;
}

static int
linear_save (const model *M, const char *path, size_t rows, size_t cols,
             const bp_train_state *s, char *err, size_t len)
{
  const linear *l = M->impl;
  const bp_net_shape shape = { .rows = rows, .cols = cols, .n = l->W->size1 };
  const span b[] = { { l->W->data, l->W->size1 * l->W->size2 }, { l->b->data, l->b->size } };
  return file_save (bp_net_linear, &shape, b, 2, path, s, err, len);
}

static int
linear_load (model *M, const char *path, size_t *rows, size_t *cols, char *err,
             size_t len)
{
  linear *l = calloc (1, sizeof *l);
  M->impl = l;
  bp_net *net;
  if (l == NULL)
    return GSL_ENOMEM;
  int status = file_load (bp_net_linear, path, &net, err, len);
  if (status != GSL_SUCCESS)
    return status;
  l->W = gsl_matrix_alloc (net->shape.n, net->shape.rows * net->shape.cols);
  l->b = gsl_vector_alloc (net->shape.n);
  if (l->W && l->b)
    {
      const span b[] = { { l->W->data, l->W->size1 * l->W->size2 },
                         { l->b->data, l->b->size } };
      file_copy_out (net, b, 2);
      *rows = net->shape.rows;
      *cols = net->shape.cols;
    }
  else
    status = GSL_ENOMEM;
  bp_net_free (net);
  return status;
}

static const gsl_matrix *
linear_weights (const model *M, size_t image_rows, size_t image_cols, size_t *rows,
                size_t *cols)
{
  *rows = image_rows;
  *cols = image_cols;
  return ((const linear *) M->impl)->W;
}

static size_t
linear_classes (const model *M)
{
  return ((const linear *) M->impl)->W->size1;
}

static void
linear_describe (const model *M, char *buf, size_t len)
{
  const linear *l = M->impl;
  snprintf (buf, len, "one-layer classifier %zu -> %zu", l->W->size2, l->W->size1);
}

static void
linear_free (model *M)
{
  linear *l = M->impl;
  if (l == NULL)
    return;
  if (l->W) gsl_matrix_free (l->W);
  if (l->b) gsl_vector_free (l->b);
  bp_trainer_free (l->t);
  bp_batch_workspace_free (l->ws);
  free (l);
  M->impl = NULL;
}

/* ---- the two-layer network v = W2 f(W1 u + b1) + b2 ------------------ */

typedef struct
{
  bp_mlp *net;
  bp_mlp_trainer *t;
  bp_mlp_batch_workspace *ws;
} mlp;

static int
mlp_alloc (model *M, const model_shape *s)
{
  mlp *k = calloc (1, sizeof *k);
  M->impl = k;
  if (k == NULL)
    return -1;
  k->net = bp_mlp_alloc (s->m, s->H, s->n, s->act);
  return k->net ? 0 : -1;
}

static int
mlp_init (model *M, gsl_rng *rng)
{
  return bp_mlp_init (((mlp *) M->impl)->net, rng);
}

static int
mlp_trainer (model *M, size_t count, size_t B)
{
  mlp *k = M->impl;
  k->t = bp_mlp_trainer_alloc (count, B, k->net);
  return k->t ? 0 : -1;
}

static int
mlp_epoch (model *M, const bp_dataset *d, const bp_sgd_params *p, size_t e,
           gsl_rng *rng, bp_progress_function f, void *arg, double *loss)
{
  mlp *k = M->impl;
  return bp_mlp_train_epoch (d, p, e, rng, k->t, f, arg, k->net, loss);
}

static int
mlp_evaluate (model *M, const bp_dataset *d, gsl_matrix_ulong *confusion,
              double *accuracy, double *loss)
{
  mlp *k = M->impl;
  const bp_mlp *n = k->net;
  if (k->ws == NULL
      && (k->ws = bp_mlp_batch_workspace_alloc (EVAL_BATCH, n->m, n->H, n->n)) == NULL)
    return GSL_ENOMEM;
  return bp_mlp_evaluate (d, n, k->ws, confusion, accuracy, loss);
}

static size_t
mlp_count (const model *M)
{
  const bp_mlp *n = ((const mlp *) M->impl)->net;
  return n->H * (n->m + 1) + n->n * (n->H + 1);
}

static int
mlp_velocity (model *M, gsl_vector *v, int out)
{
  mlp *k = M->impl;
  size_t at = 0;
  if (k->t == NULL || v->size != mlp_count (M))
    return GSL_EBADLEN;
  const bp_mlp *vel = k->t->vel;
  copy_block (v, &at, vel->W1->data, vel->H * vel->m, out);
  copy_block (v, &at, vel->b1->data, vel->H, out);
  copy_block (v, &at, vel->W2->data, vel->n * vel->H, out);
  copy_block (v, &at, vel->b2->data, vel->n, out);
  return GSL_SUCCESS;
}

static int
mlp_save (const model *M, const char *path, size_t rows, size_t cols,
          const bp_train_state *s, char *err, size_t len)
{
  const bp_mlp *n = ((const mlp *) M->impl)->net;
  const bp_net_shape shape = { .rows = rows, .cols = cols, .n = n->n, .n_hidden = 1,
                               .hidden = { n->H }, .act = n->act };
  const span b[] = { { n->W1->data, n->H * n->m }, { n->b1->data, n->H },
                     { n->W2->data, n->n * n->H }, { n->b2->data, n->n } };
  return file_save (bp_net_mlp, &shape, b, 4, path, s, err, len);
}

static int
mlp_load (model *M, const char *path, size_t *rows, size_t *cols, char *err,
          size_t len)
{
  mlp *k = calloc (1, sizeof *k);
  M->impl = k;
  bp_net *net;
  if (k == NULL)
    return GSL_ENOMEM;
  int status = file_load (bp_net_mlp, path, &net, err, len);
  if (status != GSL_SUCCESS)
    return status;
  const bp_net_shape *s = &net->shape;
  bp_mlp *n = k->net = bp_mlp_alloc (s->rows * s->cols, s->hidden[0], s->n, s->act);
  if (n != NULL)
    {
      const span b[] = { { n->W1->data, n->H * n->m }, { n->b1->data, n->H },
                         { n->W2->data, n->n * n->H }, { n->b2->data, n->n } };
      file_copy_out (net, b, 4);
      *rows = s->rows;
      *cols = s->cols;
    }
  else
    status = GSL_ENOMEM;
  bp_net_free (net);
  return status;
}

static const gsl_matrix *
mlp_weights (const model *M, size_t image_rows, size_t image_cols, size_t *rows,
             size_t *cols)
{
  *rows = image_rows;
  *cols = image_cols;
  return ((const mlp *) M->impl)->net->W1;
}

static size_t
mlp_classes (const model *M)
{
  return ((const mlp *) M->impl)->net->n;
}

static void
mlp_describe (const model *M, char *buf, size_t len)
{
  const bp_mlp *n = ((const mlp *) M->impl)->net;
  snprintf (buf, len, "two-layer network %zu -> %zu %s -> %zu", n->m, n->H,
            bp_activation_name (n->act), n->n);
}

static void
mlp_free (model *M)
{
  mlp *k = M->impl;
  if (k == NULL)
    return;
  bp_mlp_free (k->net);
  bp_mlp_trainer_free (k->t);
  bp_mlp_batch_workspace_free (k->ws);
  free (k);
  M->impl = NULL;
}

/* ---- the convolutional network of bp_cnn.h --------------------------- */

typedef struct
{
  bp_cnn *net;
  bp_cnn_trainer *t;
  bp_cnn_workspace *ws;
} cnn;

static int
cnn_alloc (model *M, const model_shape *s)
{
  cnn *k = calloc (1, sizeof *k);
  M->impl = k;
  if (k == NULL)
    return -1;
  k->net = bp_cnn_alloc (s->rows, s->cols, s->C1, s->C2, s->H, s->n);
  return k->net ? 0 : -1;
}

static int
cnn_init (model *M, gsl_rng *rng)
{
  return bp_cnn_init (((cnn *) M->impl)->net, rng);
}

static int
cnn_trainer (model *M, size_t count, size_t B)
{
  cnn *k = M->impl;
  k->t = bp_cnn_trainer_alloc (count, B, k->net);
  return k->t ? 0 : -1;
}

static int
cnn_epoch (model *M, const bp_dataset *d, const bp_sgd_params *p, size_t e,
           gsl_rng *rng, bp_progress_function f, void *arg, double *loss)
{
  cnn *k = M->impl;
  return bp_cnn_train_epoch (d, p, e, rng, k->t, f, arg, k->net, loss);
}

static int
cnn_evaluate (model *M, const bp_dataset *d, gsl_matrix_ulong *confusion,
              double *accuracy, double *loss)
{
  cnn *k = M->impl;
  if (k->ws == NULL && (k->ws = bp_cnn_workspace_alloc (EVAL_BATCH_CNN, k->net)) == NULL)
    return GSL_ENOMEM;
  return bp_cnn_evaluate (d, k->net, k->ws, confusion, accuracy, loss);
}

static size_t
cnn_count (const model *M)
{
  return bp_cnn_count (((const cnn *) M->impl)->net);
}

static int
cnn_velocity (model *M, gsl_vector *v, int out)
{
  cnn *k = M->impl;
  size_t at = 0;
  if (k->t == NULL || v->size != cnn_count (M))
    return GSL_EBADLEN;
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (k->t->vel, b);
  for (size_t j = 0; j < count; j++)
    if (b[j].M)
      copy_block (v, &at, b[j].M->data, b[j].M->size1 * b[j].M->size2, out);
    else
      copy_block (v, &at, b[j].v->data, b[j].v->size, out);
  return GSL_SUCCESS;
}

/* The CNN's blocks in bp_cnn_blocks' order. */
static size_t
cnn_spans (const bp_cnn *n, span b[BP_CNN_MAX_BLOCKS])
{
  bp_cnn_block blocks[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (n, blocks);
  for (size_t k = 0; k < count; k++)
    b[k] = blocks[k].M ? (span) { blocks[k].M->data, blocks[k].M->size1 * blocks[k].M->size2 }
                       : (span) { blocks[k].v->data, blocks[k].v->size };
  return count;
}

static int
cnn_save (const model *M, const char *path, size_t rows, size_t cols,
          const bp_train_state *s, char *err, size_t len)
{
  const bp_cnn *n = ((const cnn *) M->impl)->net;
  (void) rows;   /* the network's own */
  (void) cols;
  const bp_net_shape shape = { .rows = n->rows, .cols = n->cols, .n = n->n,
                               .n_hidden = n->H ? 1 : 0, .hidden = { n->H },
                               .act = BP_RELU, .C1 = n->C1, .C2 = n->C2 };
  span b[BP_CNN_MAX_BLOCKS];
  const size_t count = cnn_spans (n, b);
  return file_save (bp_net_cnn, &shape, b, count, path, s, err, len);
}

static int
cnn_load (model *M, const char *path, size_t *rows, size_t *cols, char *err,
          size_t len)
{
  cnn *k = calloc (1, sizeof *k);
  M->impl = k;
  bp_net *net;
  if (k == NULL)
    return GSL_ENOMEM;
  int status = file_load (bp_net_cnn, path, &net, err, len);
  if (status != GSL_SUCCESS)
    return status;
  const bp_net_shape *s = &net->shape;
  k->net = bp_cnn_alloc (s->rows, s->cols, s->C1, s->C2, s->n_hidden ? s->hidden[0] : 0,
                         s->n);
  if (k->net != NULL)
    {
      span b[BP_CNN_MAX_BLOCKS];
      file_copy_out (net, b, cnn_spans (k->net, b));
      *rows = s->rows;
      *cols = s->cols;
    }
  else
    status = GSL_ENOMEM;
  bp_net_free (net);
  return status;
}

/* the first convolution's kernels, C1 images of k x k */
static const gsl_matrix *
cnn_weights (const model *M, size_t image_rows, size_t image_cols, size_t *rows,
             size_t *cols)
{
  (void) image_rows;
  (void) image_cols;
  *rows = BP_CNN_K;
  *cols = BP_CNN_K;
  return ((const cnn *) M->impl)->net->K1;
}

static size_t
cnn_classes (const model *M)
{
  return ((const cnn *) M->impl)->net->n;
}

static void
cnn_describe (const model *M, char *buf, size_t len)
{
  const bp_cnn *n = ((const cnn *) M->impl)->net;
  char hidden[64] = "";
  if (n->H)
    snprintf (hidden, sizeof hidden, " -> %zu relu", n->H);
  snprintf (buf, len, "convolutional network %zux%zu -> conv%d %zu relu maxpool -> "
            "conv%d %zu relu maxpool -> %zu%s -> %zu", n->rows, n->cols, BP_CNN_K, n->C1,
            BP_CNN_K, n->C2, n->features, hidden, n->n);
}

static void
cnn_free (model *M)
{
  cnn *k = M->impl;
  if (k == NULL)
    return;
  bp_cnn_free (k->net);
  bp_cnn_trainer_free (k->t);
  bp_cnn_workspace_free (k->ws);
  free (k);
  M->impl = NULL;
}

/* ---- the table ------------------------------------------------------- */

static const model_kind kinds[] = {
  { "one-layer", 1, 0, bp_sgd_params_default, linear_alloc, linear_init, linear_trainer,
    linear_epoch, linear_evaluate, linear_count, linear_velocity, linear_save,
    linear_load, linear_weights, linear_classes, linear_describe, linear_free },
  { "two-layer", 2, 2, bp_mlp_sgd_params_default, mlp_alloc, mlp_init, mlp_trainer,
    mlp_epoch, mlp_evaluate, mlp_count, mlp_velocity, mlp_save, mlp_load,
    mlp_weights, mlp_classes, mlp_describe, mlp_free },
  { "cnn", 3, 4, bp_cnn_sgd_params_default, cnn_alloc, cnn_init, cnn_trainer, cnn_epoch,
    cnn_evaluate, cnn_count, cnn_velocity, cnn_save, cnn_load, cnn_weights, cnn_classes,
    cnn_describe, cnn_free },
};

const model_kind *
model_kind_of (const model_shape *s)
{
  return &kinds[s->C1 > 0 ? 2 : s->H == 0 ? 0 : 1];
}

const model_kind *
model_kind_layers (size_t layers)
{
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    if (kinds[k].layers == layers || (layers > 0 && kinds[k].layers_hidden == layers))
      return &kinds[k];
  return NULL;
}
