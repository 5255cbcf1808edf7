## src/cli/local.mk -- the program `backprop' (built at the top: src/backprop/
## holds the headers).

bin_PROGRAMS += backprop
backprop_SOURCES = \
  src/cli/main.c src/cli/cli.c src/cli/cli.h \
  src/cli/cmd_verify.c src/cli/cmd_check.c src/cli/cmd_train.c src/cli/cmd_eval.c \
  src/cli/data_dir.c src/cli/data_dir.h \
  src/cli/plot.c src/cli/plot.h \
  src/cli/blas_threads.c src/cli/blas_threads.h \
  src/cli/memory_limit.c src/cli/memory_limit.h \
  src/cli/progress.c src/cli/progress.h \
  src/cli/classes.c src/cli/classes.h \
  src/cli/model_lock.c src/cli/model_lock.h \
  src/cli/child.c src/cli/child.h src/cli/loader.c src/cli/loader.h
# open_regular and file_type_name (loader.c) are the library's internals,
# which it does not export: the program compiles their file too.
backprop_SOURCES += src/lib/files/report.c
backprop_LDADD = src/verify/libbpverify.la src/lib/libbackprop.la $(GSL_LIBS) $(DL_LIBS)
# The messages' catalogs are looked up in $(localedir) (gettext, po/).
backprop_CPPFLAGS = $(AM_CPPFLAGS) -DLOCALEDIR='"$(localedir)"'
backprop_LDADD += $(LIBINTL)
# the weights' PNGs (plot.c): zlib's deflate and CRC-32
backprop_LDADD += $(ZLIB_LIBS)
# The paths that depend on configure's --prefix (the catalogs' folder
# compiled into main.c and the library's print.c; the library's libdir,
# which libtool writes into libbackprop.la and the program's run path at
# install), in a stamp rewritten only when they change: a tree
# reconfigured with another --prefix recompiles main.c and print.c and
# relinks the library and the program, instead of installing a program
# built for the first prefix.
src/cli/prefix.stamp: Makefile
	$(AM_V_GEN)printf 'localedir %s\nlibdir %s\n' '$(localedir)' '$(libdir)' >$@-t && \
	if cmp -s $@-t $@; then rm -f $@-t; else mv -f $@-t $@; fi
src/cli/backprop-main.$(OBJEXT): src/cli/prefix.stamp
src/lib/check/print.lo: src/cli/prefix.stamp
EXTRA_src_lib_libbackprop_la_DEPENDENCIES = src/cli/prefix.stamp
CLEANFILES += src/cli/prefix.stamp src/cli/prefix.stamp-t
