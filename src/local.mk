## src/local.mk -- the library, its headers and the program.

lib_LTLIBRARIES += src/libbackprop.la
src_libbackprop_la_SOURCES = \
  src/valid.h src/cmplx.h \
  src/reshape.c \
  src/linear.c \
  src/softmax.c \
  src/cross_entropy.c \
  src/model.c \
  src/check.c \
  src/report.c src/report.h \
  src/idx.c \
  src/batch.c \
  src/train.c \
  src/model_file.c
src_libbackprop_la_LIBADD = $(GSL_LIBS) $(ZLIB_LIBS)
src_libbackprop_la_LDFLAGS = -version-info $(BP_LT_VERSION) -no-undefined

include_HEADERS += src/backprop.h
pkginclude_HEADERS += \
  src/backprop/bp_common.h \
  src/backprop/bp_reshape.h \
  src/backprop/bp_linear.h \
  src/backprop/bp_softmax.h \
  src/backprop/bp_cross_entropy.h \
  src/backprop/bp_model.h \
  src/backprop/bp_check.h \
  src/backprop/bp_idx.h \
  src/backprop/bp_batch.h \
  src/backprop/bp_train.h \
  src/backprop/bp_model_file.h

# Internal code shared by the program and the tests.
noinst_LTLIBRARIES += src/libbpinternal.la
src_libbpinternal_la_SOURCES = src/example.c src/example.h src/verify.c src/verify.h
src_libbpinternal_la_LIBADD = src/libbackprop.la $(GSL_LIBS)

# The program is built at the top (src/backprop/ holds the headers).
bin_PROGRAMS += backprop
backprop_SOURCES = src/main.c src/cli.c src/cli.h src/cmd_verify.c \
  src/cmd_train.c src/cmd_eval.c src/data_dir.c src/data_dir.h \
  src/plot.c src/plot.h
backprop_LDADD = src/libbpinternal.la src/libbackprop.la $(GSL_LIBS)

# Beyond the slides: activations, the two-layer network, the complex step.
src_libbackprop_la_SOURCES += src/activation.c src/mlp.c
pkginclude_HEADERS += src/backprop/bp_activation.h src/backprop/bp_mlp.h
src_libbpinternal_la_SOURCES += src/mlp_example.c src/mlp_example.h
src_libbackprop_la_SOURCES += src/complex_step.c
pkginclude_HEADERS += src/backprop/bp_complex_step.h
src_libbpinternal_la_SOURCES += src/cstep_example.c src/cstep_example.h
# The CBLAS configure chose (m4/bp_cblas.m4) and OpenMP for the checker's
# threads: the library carries both, and everything linked with it gets them.
AM_CFLAGS += $(OPENMP_CFLAGS)
src_libbackprop_la_LIBADD += $(CBLAS_LIBS)

# Issue 5: the checker on threads, the directional (fast) check, and the
# example's loss evaluated from the point's cache for `backprop verify'.
src_libbackprop_la_SOURCES += src/check_threads.c src/check_directional.c
pkginclude_HEADERS += src/backprop/bp_check_threads.h \
  src/backprop/bp_check_directional.h
src_libbpinternal_la_SOURCES += src/example_partial.c src/example_partial.h \
  src/blas_threads.c src/blas_threads.h

# The two-layer network on mini-batches, and its training.
src_libbackprop_la_SOURCES += src/mlp_batch.c src/mlp_train.c
pkginclude_HEADERS += src/backprop/bp_mlp_batch.h src/backprop/bp_mlp_train.h

# Issue 5: the two-layer network's loss evaluated from the point's cache.
src_libbpinternal_la_SOURCES += src/mlp_partial.c src/mlp_partial.h
