/* models.h -- (internal) the model kinds `backprop train' and `backprop
   eval' know, as rows of one table: the commands hold a `model' and call
   its kind's operations, never branching on the kind.  Adding a model is
   adding a row (models.c) over its library functions. */
#ifndef BP_MODELS_H
#define BP_MODELS_H
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_matrix_ulong.h>
#include "backprop/bp_idx.h"
#include "backprop/bp_train.h"
#include "backprop/bp_model_file.h"

typedef struct model_kind model_kind;

/* A model of some kind: its parameters and, once asked for, its trainer
   and evaluation workspace, all in impl. */
typedef struct
{
  const model_kind *kind;
  void *impl;
} model;

/* The shape asked for: m = rows cols inputs, n classes, H hidden units
   (0: none); C1, C2 the convolutions' channels (0: no convolutions). */
typedef struct
{
  size_t m, n, H;
  bp_activation act;
  size_t rows, cols, C1, C2;
} model_shape;

struct model_kind
{
  const char *name;          /* "one-layer", "two-layer", "cnn" */
  /* its layers with parameters: without, with a hidden layer (0: no
     hidden layer) */
  size_t layers, layers_hidden;
  void (*defaults) (bp_sgd_params *p);
  /* Parameters of shape s, zero; 0 on success. */
  int (*alloc) (model *M, const model_shape *s);
  /* The starting point (the one-layer model starts at zero). */
  int (*init) (model *M, gsl_rng *rng);
  int (*trainer) (model *M, size_t count, size_t B);
  int (*epoch) (model *M, const bp_dataset *d, const bp_sgd_params *p, size_t e,
                gsl_rng *rng, bp_progress_function f, void *arg, double *loss);
  int (*evaluate) (model *M, const bp_dataset *d, gsl_matrix_ulong *confusion,
                   double *accuracy, double *loss);
  /* The parameter count, and the velocities copied to (out = 1) or from
     (out = 0) v, in the model file's order. */
  size_t (*count) (const model *M);
  int (*velocity) (model *M, gsl_vector *v, int out);
  int (*save) (const model *M, const char *path, size_t rows, size_t cols,
               const bp_train_state *s, char *err, size_t len);
  int (*load) (model *M, const char *path, size_t *rows, size_t *cols, char *err,
               size_t len);
  /* The first layer's weights (plots), a row per image of *rows x *cols:
     the data's images, image_rows x image_cols, or the kernels; and the
     classes. */
  const gsl_matrix *(*weights) (const model *M, size_t image_rows, size_t image_cols,
                                size_t *rows, size_t *cols);
  size_t (*classes) (const model *M);
  /* "two-layer network 784 -> 256 relu -> 10" */
  void (*describe) (const model *M, char *buf, size_t len);
  void (*free) (model *M);
};

/* The kind of a shape (convolutions, or H hidden units, or one layer),
   and of a file's layers. */
const model_kind *model_kind_of (const model_shape *s);
const model_kind *model_kind_layers (size_t layers);

/* The kind of the model in path, from its header, and its image's rows
   and cols and its classes; NULL, the message in err, when the header is
   refused or names a network no kind runs. */
const model_kind *model_kind_file (const char *path, size_t *rows, size_t *cols,
                                   size_t *n, char *err, size_t len);

/* The training state saved after the model in path (bp_model_file_read). */
int model_file_state (const char *path, bp_train_state *st, char *err, size_t len);

#endif /* BP_MODELS_H */
