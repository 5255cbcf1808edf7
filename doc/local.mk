## doc/local.mk -- the user manual and the man pages.

dist_doc_DATA += doc/manual.md doc/training.md
dist_man_MANS += doc/backprop.1 doc/backprop.3
# The checker for users' code: one page, and a link for each function.
dist_man_MANS += doc/bp_gradcheck.3 doc/bp_gradcheck_options_default.3 \
  doc/bp_gradcheck_method_parse.3 doc/bp_gradcheck_fprintf.3 \
  doc/bp_gradcheck_result_free.3 doc/bp_gradcheck_verdict_name.3

# The manual's example ("Checking your own gradients"): installed to
# $(docdir)/examples, built and run by `make check' here and by
# `make installcheck' against the installed library (tests/local.mk).
exampledir = $(docdir)/examples
dist_example_DATA = doc/examples/check_layer.c
check_PROGRAMS += doc/examples/check_layer
doc_examples_check_layer_SOURCES = doc/examples/check_layer.c
doc_examples_check_layer_LDADD = src/lib/libbackprop.la $(GSL_LIBS)
TESTS += doc/examples/check_layer
