/* verify_cnn.c -- the rows of `backprop verify' for issue 13: the
   convolution layer (derivations/15-convolution.md), pooling and flatten
   (16-pooling.md), and the networks of the table checked whole, the CNN
   (bp_net_cnn) and the deeper perceptron (bp_net_deep, derivations/12-
   two-layer-network.md, "More hidden layers"), by the rows' mechanism
   of verify.c (rows.h): every gradient row one bp_gradcheck call, every
   batch form compared with the single-example functions.  The first
   column is the equation's number. */
#include <config.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "verify/i18n.h"
#include "verify/rows.h"
#include "verify/verify.h"

/* The batch forms sum the same products as the single-example functions
   in another order (one dgemm): they agree to rounding, a few ulps of
   sums of at most C_in k k terms of order 1. */
#define SAME_RTOL 1e-12
#define SAME_ATOL 1e-12

/* --- the convolution layer ------------------------------------------------ */

static int
conv_forward (const bp_gradcheck_point *p, void *params, gsl_vector *y)
{
  const example_binding *b = params;
  return conv_example_forward (b->ex, p->block[0], y);
}

static int
conv_cforward (const bp_gradcheck_cpoint *p, void *params, gsl_vector_complex *y)
{
  const example_binding *b = params;
  return conv_example_cforward (b->ex, p->block[0], y);
}

int
verify_conv (const conv_example *ex, const verify_opts *o)
{
  static const verify_row rows[] = {
    {"15.1", "dY/dK = cols^T (15.5)", "bp_conv", CV_FWD},
    {"15.2", "dL/dK = X~ (*) dL/dY", "bp_conv_grad_weights", CV_K},
    {"15.3", "dL/dX = dL/dY (*) flip(K)", "bp_conv_grad_input", CV_X},
    {"15.4", "dL/db = sum_ij dL/dY", "bp_conv_grad_bias", CV_B},
  };
  static const verify_row batch[] = {
    {"15.5-6", "K cols + b 1^T = each image", "bp_batch_conv", 0},
    {"15.7", "dL/dY cols^T = sum of each", "bp_batch_conv_grad_weights", 0},
    {"15.8", "col2im(K^T dL/dY) = each", "bp_batch_conv_grad_input", 0},
  };
  const bp_gradcheck_block point[CV_BLOCKS] = {
    [CV_K] = { "K", ex->K, NULL }, [CV_B] = { "b", NULL, ex->b },
    [CV_X] = { "X", ex->X, NULL }, [CV_FWD] = { "K", ex->K, NULL },
  };
  const bp_gradcheck_block analytic[CV_BLOCKS] = {
    [CV_K] = { "dL/dK", ex->dK, NULL }, [CV_B] = { "dL/db", NULL, ex->db },
    [CV_X] = { "dL/dX", ex->dX, NULL }, [CV_FWD] = { "dY/dK", ex->J, NULL },
  };
  int failures = 0;
  for (size_t k = 0; k < ROWS (rows) && failures >= 0; k++)
    {
      example_binding b = { ex, rows[k].arg };
      bp_gradcheck_function f = { conv_block_loss, NULL, 0, NULL, conv_block_closs,
                                  NULL, &b, NULL, 0 };
      if (rows[k].arg == CV_FWD)
        f = (bp_gradcheck_function) { NULL, conv_forward, ex->Y->size1 * ex->Y->size2,
                                      NULL, NULL, conv_cforward, &b, NULL, 0 };
      tally (&failures, check_row (o, &rows[k], &f, &point[rows[k].arg],
                                   &analytic[rows[k].arg], 1));
    }
  const gsl_matrix *got[] = { ex->Yb, ex->dKb, ex->dXb };
  const gsl_matrix *want[] = { ex->Yb_each, ex->dKb_each, ex->dXb_each };
  for (size_t k = 0; k < ROWS (batch) && failures >= 0; k++)
    {
      verify_diff r;
      verify_compare (got[k], want[k], SAME_RTOL, SAME_ATOL, &r);
      tally (&failures, compare_row (o, &batch[k], &r, 1));
    }
  return failures;
}

/* --- pooling and flatten --------------------------------------------------- */

int
verify_pool (const pool_example *ex, const verify_opts *o)
{
  static const verify_row rows[] = {
    {"16.2", "dL/dX = dL/dY at the max", "bp_maxpool_backward", PL_MAX},
    {"16.2", "at ties: to the first max", "bp_maxpool_backward", PL_TIES},
    {"16.4", "dL/dX = dL/dY / 4", "bp_avgpool_backward", PL_AVG},
    {"16.6", "dL/dX = reshape^-1(dL/du)", "bp_reshape_inverse", PL_FLAT},
    {"16.8", "dL/dP = flatten^-1(dL/dF)", "bp_batch_flatten_inverse", PL_BFLAT},
  };
  static const verify_row flat = { "16.7", "F[n] = reshape(P_n) each", "bp_batch_flatten", 0 };
  const bp_gradcheck_block point[PL_BLOCKS] = {
    [PL_MAX] = { "X", ex->X, NULL }, [PL_TIES] = { "X", ex->Xtie, NULL },
    [PL_AVG] = { "X", ex->X, NULL }, [PL_FLAT] = { "X", ex->X1, NULL },
    [PL_BFLAT] = { "P", ex->X, NULL },
  };
  const bp_gradcheck_block analytic[PL_BLOCKS] = {
    [PL_MAX] = { "dL/dX", ex->dXmax, NULL }, [PL_TIES] = { "dL/dX", ex->dXtie, NULL },
    [PL_AVG] = { "dL/dX", ex->dXavg, NULL }, [PL_FLAT] = { "dL/dX", ex->dX1, NULL },
    [PL_BFLAT] = { "dL/dP", ex->dXb, NULL },
  };
  int failures = 0;
  for (size_t k = 0; k < ROWS (rows) && failures >= 0; k++)
    {
      example_binding b = { ex, rows[k].arg };
      const bp_gradcheck_function f = { pool_block_loss, NULL, 0, NULL, pool_block_closs,
                                        NULL, &b, NULL, 0 };
      tally (&failures, check_row (o, &rows[k], &f, &point[rows[k].arg],
                                   &analytic[rows[k].arg], 1));
      if (rows[k].arg == PL_FLAT && failures >= 0)
        {
          /* a copy: exactly equal */
          verify_diff r;
          verify_compare (ex->Fb, ex->Fb_each, 0.0, 0.0, &r);
          tally (&failures, compare_row (o, &flat, &r, 1));
        }
    }
  return failures;
}

/* --- a network of the table: the CNN, the deeper perceptron ------------- */

/* The rows of the networks checked whole, as data: for each row of the
   table, one row per block of its layout in order, then U, each the
   equation and the formula of that gradient (bp_net_backward computes
   them all).  The CNN's rows name its chain's backward pass as before
   it was reached through bp_net; the deeper perceptron's (two hidden
   layers: W1, b1, W2, b2, W3, b3) the backward step of eq. (12.5) from
   the top, dL/dZ3 = dL/dV. */
typedef struct
{
  const char *slide, *formula;
} net_row;

static const net_row cnn_rows[] = {
  {"17.8", "dL/dK1 = dL/dZ1 cols1^T"},
  {"17.8", "dL/db1 = sum dL/dZ1"},
  {"17.8", "dL/dK2 = dL/dZ2 cols2^T"},
  {"17.8", "dL/db2 = sum dL/dZ2"},
  {"17.6", "dL/dW3 = dL/dZ3^T F"},
  {"17.6", "dL/db3 = dL/dZ3^T 1"},
  {"17.6", "dL/dW4 = dL/dV^T A3"},
  {"17.6", "dL/db4 = dL/dV^T 1"},
  {"17.8", "dL/dU = col2im(K1^T dL/dZ1)"},
};

static const net_row deep_rows[] = {
  {"12.5", "dL/dW1 = dL/dZ1^T U"},
  {"12.5", "dL/db1 = dL/dZ1^T 1"},
  {"12.5", "dL/dW2 = dL/dZ2^T A1"},
  {"12.5", "dL/db2 = dL/dZ2^T 1"},
  {"12.5", "dL/dW3 = dL/dV^T A2"},
  {"12.5", "dL/db3 = dL/dV^T 1"},
  {"12.5", "dL/dU = dL/dZ1 W1"},
};

static const struct
{
  const char *type;         /* the row of the table (bp_net_type's name) */
  const net_row *rows;
  size_t n_rows;            /* its blocks + 1 */
} net_tables[] = {
  { "cnn", cnn_rows, ROWS (cnn_rows) },
  { "deep", deep_rows, ROWS (deep_rows) },
};

int
verify_net (const net_example *ex, const verify_opts *o)
{
  const net_row *rows = NULL;
  for (size_t t = 0; t < ROWS (net_tables) && rows == NULL; t++)
    if (strcmp (net_tables[t].type, ex->net->type->name) == 0
        && net_tables[t].n_rows == ex->n_blocks + 1)
      rows = net_tables[t].rows;
  if (rows == NULL)
    return -1;
  const bp_gradcheck_block *b = ex->net->block, *g = ex->net->grad_block;
  int failures = 0;
  for (size_t k = 0; k <= ex->n_blocks && failures >= 0; k++)
    {
      const verify_row row = { rows[k].slide, rows[k].formula, "bp_net_backward", k };
      const int is_u = k == ex->n_blocks;
      const bp_gradcheck_block point = { .name = is_u ? "U" : b[k].name,
                                         .matrix = is_u ? ex->U : b[k].matrix,
                                         .vector = is_u ? NULL : b[k].vector };
      const bp_gradcheck_block analytic = { .name = "dL/d",
                                            .matrix = is_u ? ex->dU : g[k].matrix,
                                            .vector = is_u ? NULL : g[k].vector };
      example_binding bind = { ex, k };
      const bp_gradcheck_function f = { net_block_loss, NULL, 0, NULL, net_block_closs,
                                        NULL, &bind, NULL, 0 };
      tally (&failures, check_row (o, &row, &f, &point, &analytic, 1));
    }
  return failures;
}
