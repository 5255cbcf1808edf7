/* dataset_batch_source.c -- a batch of a data set as its input and label
   matrices, once for every real arithmetic (templates_on.h): double,
   bp_dataset_batch (bp_idx.h); float, dataset_float_batch
   (lib/formulas/float.h), the float32 trainer's input.  The same C
   operation in each: u = (BASE) BP_PIXEL_SCALE * x.
   derivations/14-mini-batch.md, eq. (14.1) */

/* U[r] = x_index[r] / 255 (u = reshape(x), row-major), T[r] = one-hot */
int
FUNCTION (bp_dataset, batch) (const bp_dataset *d, const size_t *index,
                              TYPE (gsl_matrix) *U, TYPE (gsl_matrix) *T)
{
  if (MISSING (d) || MISSING (index) || MISSING (U))
    GSL_ERROR (NAME (bp_dataset, batch) ": d, index and U must not be NULL", GSL_EFAULT);
  if (GIVEN_MISSING (T))
    GSL_ERROR (NAME (bp_dataset, batch) ": T has NULL data", GSL_EFAULT);
  const size_t m = d->rows * d->cols;
  if (U->size2 != m)
    GSL_ERROR (NAME (bp_dataset, batch) ": U must have one column per pixel", GSL_EBADLEN);
  if (T != NULL && (T->size1 != U->size1 || T->size2 != d->n_classes))
    GSL_ERROR (NAME (bp_dataset, batch) ": T must be B x n_classes, B the rows of U",
               GSL_EBADLEN);
  if (T != NULL && data_overlap (U->data, MATRIX_BYTES (U) * ELEMENT_BYTES, T->data,
                                 MATRIX_BYTES (T) * ELEMENT_BYTES))
    GSL_ERROR (NAME (bp_dataset, batch) ": U and T overlap (bp_common.h)", GSL_EINVAL);
  for (size_t r = 0; r < U->size1; r++)
    if (index[r] >= d->count)
      GSL_ERROR (NAME (bp_dataset, batch) ": index beyond the data set", GSL_EINVAL);
  /* The images lie anywhere in the data set (shuffled): ask the cache for
     all of them first, so that their misses overlap (one image ahead
     left the loop below waiting on memory: 15 ms of an epoch's 47 MB in
     float instead of 10 ms, 20 ms instead of 12-15 in double) */
  for (size_t r = 0; r < U->size1; r++)
    prefetch (d->images + index[r] * m, m);
  const BASE scale = (BASE) BP_PIXEL_SCALE;
  for (size_t r = 0; r < U->size1; r++)
    {
      const unsigned char *x = d->images + index[r] * m;
      BASE *u = U->data + r * U->tda;
#pragma omp simd
      for (size_t j = 0; j < m; j++)
        u[j] = scale * x[j];
    }
  if (T != NULL)
    {
      FUNCTION (gsl_matrix, set_zero) (T);
      for (size_t r = 0; r < T->size1; r++)
        MSET (T, r, d->labels[index[r]], ONE);
    }
  return GSL_SUCCESS;
}
