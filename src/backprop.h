/* backprop.h -- the backward pass of a one-layer softmax classifier,
   every formula its own function, every gradient checkable numerically.

   Model (slides 3-4):  u = reshape(x),  v = W u + b,  y = Softmax(v),
                        L = cross-entropy(labels, y) = -sum_i labels_i log y_i.

   Conventions follow GSL: inputs first, outputs last; sizes are checked and
   a mismatch is reported through GSL_ERROR with GSL_EBADLEN; functions
   returning int return GSL_SUCCESS or a GSL error code.  See backprop(3). */

#ifndef BACKPROP_H
#define BACKPROP_H

#include "backprop/bp_reshape.h"
#include "backprop/bp_linear.h"
#include "backprop/bp_softmax.h"
#include "backprop/bp_cross_entropy.h"
#include "backprop/bp_model.h"
#include "backprop/bp_activation.h"
#include "backprop/bp_idx.h"
#include "backprop/bp_batch.h"
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include "backprop/bp_model_file.h"
#include "backprop/bp_gradcheck.h"
#include "backprop/bp_conv.h"
#include "backprop/bp_pool.h"

#endif /* BACKPROP_H */
