## src/lib/local.mk -- the library libbackprop and its public headers.

lib_LTLIBRARIES += src/lib/libbackprop.la
src_lib_libbackprop_la_SOURCES = src/lib/valid.h src/lib/cmplx.h src/lib/alloc.h
src_lib_libbackprop_la_LIBADD = $(GSL_LIBS) $(ZLIB_LIBS) $(CBLAS_LIBS) $(LIBINTL)
# The checker's report in the user's language: the library's messages are
# in the package's domain, bound to $(localedir) (src/lib/check/print.c).
AM_CPPFLAGS += -DLOCALEDIR='"$(localedir)"'
# The public names only (bp_*): the rest is internal.
src_lib_libbackprop_la_LDFLAGS = -version-info $(BP_LT_VERSION) -no-undefined \
  -export-symbols-regex '^bp_'
# OpenMP for the checker's threads: the library carries it, and everything
# linked with it gets it.
AM_CFLAGS += $(OPENMP_CFLAGS)

pkginclude_HEADERS += src/backprop/bp_common.h

# The formulas: one function per formula of the slides and beyond.
src_lib_libbackprop_la_SOURCES += \
  src/lib/formulas/reshape.c \
  src/lib/formulas/linear.c \
  src/lib/formulas/softmax.c \
  src/lib/formulas/cross_entropy.c \
  src/lib/formulas/model.c \
  src/lib/formulas/activation.c \
  src/lib/formulas/batch.c \
  src/lib/formulas/mlp_batch.c src/lib/formulas/mlp_batch_trusted.h \
  src/lib/formulas/mlp_chain.h \
  src/lib/formulas/layers_trusted.h \
  src/lib/formulas/conv.c \
  src/lib/formulas/pool.c \
  src/lib/formulas/cnn.c src/lib/formulas/cnn_chain.h src/lib/formulas/cnn_trusted.h \
  src/lib/formulas/templates_on.h src/lib/formulas/templates_off.h \
  src/lib/formulas/arith.h src/lib/formulas/float.h src/lib/formulas/winograd.h
# Each forward formula written once (templates_on.h), included by its
# family's file once per arithmetic: not compiled on its own.
EXTRA_DIST += \
  src/lib/formulas/reshape_source.c \
  src/lib/formulas/linear_source.c \
  src/lib/formulas/shift_source.c \
  src/lib/formulas/relu_prime_source.c \
  src/lib/formulas/softmax_source.c \
  src/lib/formulas/cross_entropy_source.c \
  src/lib/formulas/activation_source.c \
  src/lib/formulas/conv_source.c \
  src/lib/formulas/pool_source.c \
  src/lib/formulas/batch_source.c \
  src/lib/formulas/activation_grad_source.c \
  src/lib/formulas/mlp_batch_source.c \
  src/lib/formulas/conv_batch_source.c \
  src/lib/formulas/winograd_source.c \
  src/lib/formulas/pool_backward_source.c \
  src/lib/formulas/reshape_batch_source.c \
  src/lib/formulas/cnn_source.c
pkginclude_HEADERS += \
  src/backprop/bp_reshape.h \
  src/backprop/bp_linear.h \
  src/backprop/bp_softmax.h \
  src/backprop/bp_cross_entropy.h \
  src/backprop/bp_model.h \
  src/backprop/bp_activation.h \
  src/backprop/bp_batch.h \
  src/backprop/bp_conv.h \
  src/backprop/bp_pool.h

# The checker (bp_gradcheck.h) and the complex forward passes.
src_lib_libbackprop_la_SOURCES += \
  src/lib/check/gradcheck.c \
  src/lib/check/core.h \
  src/lib/check/rules.c src/lib/check/rules.h \
  src/lib/check/hints.c src/lib/check/hints.h src/lib/check/noise.c \
  src/lib/check/print.c src/lib/check/shape.c src/lib/check/shape.h \
  src/lib/check/vjp.c src/lib/check/vjp.h
pkginclude_HEADERS += \
  src/backprop/bp_complex_step.h \
  src/backprop/bp_gradcheck.h


# Files: IDX data sets and model files.
src_lib_libbackprop_la_SOURCES += \
  src/lib/files/report.c src/lib/files/report.h \
  src/lib/files/idx.c \
  src/lib/files/model_file.c
# bp_dataset_batch once per arithmetic, included by idx.c
EXTRA_DIST += src/lib/files/dataset_batch_source.c
pkginclude_HEADERS += \
  src/backprop/bp_idx.h \
  src/backprop/bp_model_file.h

# Training on mini-batches.
src_lib_libbackprop_la_SOURCES += \
  src/lib/train/train.c
pkginclude_HEADERS += \
  src/backprop/bp_net.h \
  src/backprop/bp_train.h

# Networks as types (bp_net.h): the buffers and dispatch, and the rows.
src_lib_libbackprop_la_SOURCES += \
  src/lib/net/net.h \
  src/lib/net/net.c \
  src/lib/net/linear.c \
  src/lib/net/mlp.c \
  src/lib/net/deep.c \
  src/lib/net/cnn.c
# the rows and the trainer's loops once per arithmetic, included by
# linear.c, mlp.c, deep.c, cnn.c and train.c
EXTRA_DIST += src/lib/net/linear_row_source.c src/lib/net/mlp_row_source.c \
  src/lib/net/deep_row_source.c src/lib/net/cnn_row_source.c src/lib/train/train_source.c
