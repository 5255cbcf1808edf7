## src/verify/local.mk -- the harness of `backprop verify': seeded example
## points of the models, their losses as functions of each argument, and
## the table of rows.  Shared by the program, the tests and the benchmark;
## not installed.

noinst_LTLIBRARIES += src/verify/libbpverify.la
src_verify_libbpverify_la_SOURCES = \
  src/verify/example.c src/verify/example.h \
  src/verify/example_partial.c src/verify/example_partial.h \
  src/verify/mlp_example.c src/verify/mlp_example.h \
  src/verify/mlp_partial.c src/verify/mlp_partial.h \
  src/verify/cstep_example.c src/verify/cstep_example.h \
  src/verify/cnn_example.c src/verify/cnn_example.h \
  src/verify/verify.c src/verify/verify.h src/verify/rows.h \
  src/verify/verify_cnn.c \
  src/verify/verify_float.c src/verify/verify_float.h \
  src/verify/i18n.c src/verify/i18n.h \
  src/verify/json.c src/verify/json.h
# The two-layer network's per-example chain (lib/formulas/mlp_chain.h),
# internal to the library, which does not run it: its users are the
# harness, the documents and the tests, which link it from here.
src_verify_libbpverify_la_SOURCES += src/lib/formulas/mlp.c
src_verify_libbpverify_la_LIBADD = src/lib/libbackprop.la $(GSL_LIBS)
