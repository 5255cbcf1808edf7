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
  src/cli/models.c src/cli/models.h src/cli/progress.c src/cli/progress.h \
  src/cli/classes.c src/cli/classes.h \
  src/cli/model_lock.c src/cli/model_lock.h \
  src/cli/child.c src/cli/child.h src/cli/loader.c src/cli/loader.h
backprop_LDADD = src/verify/libbpverify.la src/lib/libbackprop.la $(GSL_LIBS) $(DL_LIBS)
# The messages' catalogs are looked up in $(localedir) (gettext, po/).
backprop_CPPFLAGS = $(AM_CPPFLAGS) -DLOCALEDIR='"$(localedir)"'
backprop_LDADD += $(LIBINTL)
