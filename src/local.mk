## src/local.mk -- the library, its headers and the program.

lib_LTLIBRARIES += src/libbackprop.la
src_libbackprop_la_SOURCES = \
  src/valid.h \
  src/reshape.c \
  src/linear.c \
  src/softmax.c \
  src/cross_entropy.c \
  src/model.c \
  src/check.c
src_libbackprop_la_LIBADD = $(GSL_LIBS)
src_libbackprop_la_LDFLAGS = -version-info $(BP_LT_VERSION) -no-undefined

include_HEADERS += src/backprop.h
pkginclude_HEADERS += \
  src/backprop/bp_common.h \
  src/backprop/bp_reshape.h \
  src/backprop/bp_linear.h \
  src/backprop/bp_softmax.h \
  src/backprop/bp_cross_entropy.h \
  src/backprop/bp_model.h \
  src/backprop/bp_check.h

# Internal code shared by the program and the tests.
noinst_LTLIBRARIES += src/libbpinternal.la
src_libbpinternal_la_SOURCES = src/example.c src/example.h src/verify.c src/verify.h
src_libbpinternal_la_LIBADD = src/libbackprop.la $(GSL_LIBS)

# The program is built at the top (src/backprop/ holds the headers).
bin_PROGRAMS += backprop
backprop_SOURCES = src/main.c src/cli.c src/cli.h src/cmd_verify.c
backprop_LDADD = src/libbpinternal.la src/libbackprop.la $(GSL_LIBS)
