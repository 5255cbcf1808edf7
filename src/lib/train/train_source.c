/* train_source.c -- (internal) the trainer's loops, written once over
   templates_on.h: train.c instantiates them in double (double rows) and
   float (float32 rows).  derivations/14-mini-batch.md */

/* velocity <- mu velocity + grad; theta <- theta - eta velocity (14.8),
   one pass over the three (it was three passes: scale, then two daxpy, of
   every parameter at every step) */
static void
FUNCTION (sgd, update_loop) (BASE eta, BASE mu, const TYPE (gsl_vector) *grad,
                             TYPE (gsl_vector) *velocity, TYPE (gsl_vector) *theta)
{
  const size_t n = grad->size, sg = grad->stride, sv = velocity->stride,
    st = theta->stride;
  const BASE *g = grad->data;
  BASE *v = velocity->data, *t = theta->data;
  if (sg == 1 && sv == 1 && st == 1)
    {
      /* the trainer's flat buffers: several elements an instruction, each
         the same two roundings (a fifth of a float32 two-layer epoch when
         it was one element at a time) */
#pragma omp simd
      for (size_t k = 0; k < n; k++)
        {
          v[k] = mu * v[k] + g[k];
          t[k] -= eta * v[k];
        }
      return;
    }
  for (size_t k = 0; k < n; k++)
    {
      v[k * sv] = mu * v[k * sv] + g[k * sg];
      t[k * st] -= eta * v[k * sv];
    }
}

/* The step of (14.8) over the whole network: dL/dW += lambda W on each
   weight block (d/dW (lambda/2) ||W||^2), then the update over the flat
   buffers at once. */
static int
FUNCTION (sgd, net_step) (bp_net *net, TYPE (gsl_vector) *velocity, double lambda,
                          double eta, double mu)
{
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < net->n_blocks && status == GSL_SUCCESS; k++)
    if (net->layout[k].decay && lambda != 0.0)
      status = AXPY ((BASE) lambda, FUNCTION (net, theta_block) (net, k),
                     FUNCTION (net, grad_block) (net, k));
  if (status == GSL_SUCCESS)
    FUNCTION (sgd, update_loop) ((BASE) eta, (BASE) mu, FUNCTION (net, grad) (net),
                                 velocity, FUNCTION (net, theta) (net));
  return status;
}

/* The predictions of the rows of V (bp_count_predictions, trusted). */
static void
FUNCTION (sgd, count) (const bp_dataset *d, size_t first, const TYPE (gsl_matrix) *V,
                       gsl_matrix_ulong *confusion, size_t *right)
{
  for (size_t r = 0; r < V->size1; r++)
    {
      VIEW (gsl_vector, const_view) vr = FUNCTION (gsl_matrix, const_row) (V, r);
      const size_t predicted = FUNCTION (gsl_vector, max_index) (&vr.vector);
      const size_t truth = d->labels[first + r];
      *right += predicted == truth;
      if (confusion)
        confusion->data[truth * confusion->tda + predicted]++;
    }
}

/* An epoch's batches in the order order (bp_net_train_epoch, trusted):
   *total the sum of B L. */
static int
FUNCTION (sgd, epoch) (const bp_dataset *d, const bp_sgd_params *p, size_t step,
                       size_t per_epoch, const size_t *order, bp_net_workspace *ws,
                       TYPE (gsl_vector) *velocity, bp_progress_function progress,
                       void *arg, bp_net *net, double *total)
{
  TYPE (gsl_matrix) *Ub = FUNCTION (net, ws_U) (ws), *Tb = FUNCTION (net, ws_T) (ws);
  const size_t Bmax = ws->B;
  for (size_t start = 0; start < d->count; start += Bmax)
    {
      const size_t B = d->count - start < Bmax ? d->count - start : Bmax;
      VIEW (gsl_matrix, view) U = FUNCTION (gsl_matrix, submatrix) (Ub, 0, 0, B, Ub->size2);
      VIEW (gsl_matrix, view) T = FUNCTION (gsl_matrix, submatrix) (Tb, 0, 0, B, Tb->size2);
      double L;
      int status = FUNCTION (bp_dataset, batch) (d, order + start, &U.matrix, &T.matrix);
      if (status == GSL_SUCCESS)
        status = FUNCTION (net, backward) (net, &U.matrix, &T.matrix, ws->row, NULL, &L);
      if (status != GSL_SUCCESS)
        return status;
      if (!isfinite (L))   /* the one finiteness check per batch */
        return GSL_EOVRFLW;
      *total += (double) B * L;
      const double eta = bp_sgd_learning_rate (p, step++, p->epochs * per_epoch);
      status = FUNCTION (sgd, net_step) (net, velocity, p->weight_decay, eta, p->momentum);
      if (status != GSL_SUCCESS)
        return status;
      if (progress && progress (start + B, d->count, *total / (double) (start + B), arg)
          && start + B < d->count)
        return GSL_CONTINUE;   /* stopped by the caller, between batches */
    }
  return GSL_SUCCESS;
}

/* Every example of d in batches of ws's B (bp_net_evaluate, trusted):
   *right the rows right, *total the sum of B L. */
static int
FUNCTION (sgd, evaluate) (const bp_dataset *d, const bp_net *net, bp_net_workspace *ws,
                          size_t *index, gsl_matrix_ulong *confusion, size_t *right,
                          double *total)
{
  TYPE (gsl_matrix) *Ub = FUNCTION (net, ws_U) (ws), *Tb = FUNCTION (net, ws_T) (ws);
  const size_t Bmax = ws->B;
  int status = GSL_SUCCESS;
  for (size_t start = 0; status == GSL_SUCCESS && start < d->count; start += Bmax)
    {
      const size_t B = d->count - start < Bmax ? d->count - start : Bmax;
      VIEW (gsl_matrix, view) U = FUNCTION (gsl_matrix, submatrix) (Ub, 0, 0, B, Ub->size2);
      VIEW (gsl_matrix, view) T = FUNCTION (gsl_matrix, submatrix) (Tb, 0, 0, B, Tb->size2);
      VIEW (gsl_matrix, view) V;
      double L = 0.0;
      for (size_t r = 0; r < B; r++)
        index[r] = start + r;
      status = FUNCTION (bp_dataset, batch) (d, index, &U.matrix, &T.matrix);
      if (status == GSL_SUCCESS)   /* GSL_EOVRFLW: finite parameters, infinite logits */
        status = FUNCTION (net, forward) (net, &U.matrix, &T.matrix, ws->row, &V, &L);
      if (status != GSL_SUCCESS)
        break;
      *total += (double) B * L;
      FUNCTION (sgd, count) (d, start, &V.matrix, confusion, right);
    }
  return status;
}
