/* consumer.c -- a program outside the tree: built by `make installcheck'
   (and so by `make distcheck') against the installed library with
   $(pkg-config --cflags --libs backprop), it calls every function of the
   slides' table and the checker.  Exit 0 when all agree. */
#include <math.h>
#include <stdio.h>
#include <backprop.h>

static int
loss_of_b (const bp_gradcheck_point *p, void *params, double *L)
{
  const gsl_vector *b = p->vector[0];
  const gsl_matrix *W = ((void **) params)[0];
  const gsl_matrix *x = ((void **) params)[1];
  const gsl_vector *labels = ((void **) params)[2];
  bp_model_workspace *w = ((void **) params)[3];
  *L = bp_model_forward (W, b, x, labels, w);
  return 0;
}

int
main (void)
{
  const size_t n = 3, rows = 2, cols = 2, m = rows * cols;
  gsl_matrix *W = gsl_matrix_alloc (n, m), *x = gsl_matrix_alloc (rows, cols);
  gsl_vector *b = gsl_vector_alloc (n), *labels = gsl_vector_calloc (n);
  gsl_vector *u = gsl_vector_alloc (m), *v = gsl_vector_alloc (n), *y = gsl_vector_alloc (n);
  gsl_vector *dL_dy = gsl_vector_alloc (n), *dL_dv = gsl_vector_alloc (n);
  gsl_vector *fused = gsl_vector_alloc (n), *dL_du = gsl_vector_alloc (m);
  gsl_vector *dL_db = gsl_vector_alloc (n), *db2 = gsl_vector_alloc (n);
  gsl_matrix *J = gsl_matrix_alloc (n, n), *dL_dW = gsl_matrix_alloc (n, m);
  gsl_matrix *dW2 = gsl_matrix_alloc (n, m), *dL_dx = gsl_matrix_alloc (rows, cols);
  gsl_matrix *dx2 = gsl_matrix_alloc (rows, cols);
  bp_model_workspace *w = bp_model_workspace_alloc (n, m);
  int bad = 0;

  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < m; j++)
      gsl_matrix_set (W, i, j, sin (1.0 + i * m + j));
  for (size_t i = 0; i < n; i++)
    gsl_vector_set (b, i, 0.1 * i);
  for (size_t k = 0; k < m; k++)
    gsl_matrix_set (x, k / cols, k % cols, 0.25 * k);
  gsl_vector_set (labels, 1, 1.0);

  bp_reshape (x, u);
  bp_linear (W, b, u, v);
  bp_softmax (v, y);
  const double L = bp_cross_entropy (labels, y);
  bp_cross_entropy_grad (labels, y, dL_dy);
  bp_softmax_jacobian (y, J);
  bp_softmax_backward (J, dL_dy, dL_dv);
  bp_linear_grad_input (W, dL_dv, dL_du);
  bp_linear_grad_bias (dL_dv, dL_db);
  bp_linear_grad_weights (dL_dv, u, dL_dW);
  bp_reshape_inverse (dL_du, dL_dx);
  bp_softmax_cross_entropy_grad (labels, y, fused);

  double L2;
  bad |= bp_model_backward (W, b, x, labels, dW2, db2, dx2, &L2) != GSL_SUCCESS;
  bad |= fabs (L - L2) > 1e-14 || fabs (L - bp_softmax_cross_entropy (labels, v)) > 1e-12;
  bad |= fabs (L - bp_model_forward (W, b, x, labels, w)) > 1e-14;
  bad |= !gsl_matrix_equal (dL_dW, dW2) || !gsl_vector_equal (dL_db, db2)
         || !gsl_matrix_equal (dL_dx, dx2);

  void *params[] = { W, x, labels, w };
  const bp_gradcheck_function f = { .loss = loss_of_b, .params = params };
  const bp_gradcheck_block theta = { .name = "b", .vector = b },
      grad = { .name = "dL/db", .vector = dL_db };
  bp_gradcheck_result *r = NULL;
  bad |= bp_gradcheck (&f, 1, &theta, &grad, NULL, &r) != GSL_SUCCESS;
  const size_t checked = r ? r->run[0].n_checked : 0;
  bp_gradcheck_result_free (r);
  for (size_t i = 0; i < n; i++)
    bad |= fabs (gsl_vector_get (fused, i) - gsl_vector_get (dL_dv, i))
           > fmax (1e-15, 1e-12 * fabs (gsl_vector_get (dL_dv, i)));

  printf ("consumer: L = %.6f, dL/db checked on %zu partials: %s\n", L, checked,
          bad ? "FAIL" : "ok");
  bp_model_workspace_free (w);
  gsl_matrix_free (W); gsl_matrix_free (x); gsl_matrix_free (J);
  gsl_matrix_free (dL_dW); gsl_matrix_free (dW2); gsl_matrix_free (dL_dx); gsl_matrix_free (dx2);
  gsl_vector_free (b); gsl_vector_free (labels); gsl_vector_free (u); gsl_vector_free (v);
  gsl_vector_free (y); gsl_vector_free (dL_dy); gsl_vector_free (dL_dv); gsl_vector_free (fused);
  gsl_vector_free (dL_du); gsl_vector_free (dL_db); gsl_vector_free (db2);
  return bad ? 1 : 0;
}
