## tests/local.mk -- the Check suites (one per formula) and the program test.

check_LTLIBRARIES += tests/libtestutil.la
tests_libtestutil_la_SOURCES = tests/testutil.c tests/testutil.h
tests_libtestutil_la_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

TEST_LDADD = tests/libtestutil.la src/libbpinternal.la src/libbackprop.la \
  $(CHECK_LIBS) $(GSL_LIBS)
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

BP_SUITES = \
  tests/check_reshape \
  tests/check_linear \
  tests/check_softmax \
  tests/check_cross_entropy \
  tests/check_model \
  tests/check_checker

check_PROGRAMS += $(BP_SUITES)
TESTS += $(BP_SUITES) tests/verify.sh

tests_check_reshape_CFLAGS = $(TEST_CFLAGS)
tests_check_reshape_LDADD = $(TEST_LDADD)
tests_check_linear_CFLAGS = $(TEST_CFLAGS)
tests_check_linear_LDADD = $(TEST_LDADD)
tests_check_softmax_CFLAGS = $(TEST_CFLAGS)
tests_check_softmax_LDADD = $(TEST_LDADD)
tests_check_cross_entropy_CFLAGS = $(TEST_CFLAGS)
tests_check_cross_entropy_LDADD = $(TEST_LDADD)
tests_check_model_CFLAGS = $(TEST_CFLAGS)
tests_check_model_LDADD = $(TEST_LDADD)
tests_check_checker_CFLAGS = $(TEST_CFLAGS)
tests_check_checker_LDADD = $(TEST_LDADD)

# `make installcheck' (run by `make distcheck'): a program outside the tree
# built against the installed library through pkg-config.
EXTRA_DIST += tests/consumer.c
installcheck-local:
	PKG_CONFIG_PATH="$(DESTDIR)$(libdir)/pkgconfig$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH}"; \
	export PKG_CONFIG_PATH; \
	$(CC) -o bp-consumer$(EXEEXT) $(srcdir)/tests/consumer.c \
	  `$(PKG_CONFIG) --cflags --libs backprop` -lm -Wl,-rpath,"$(DESTDIR)$(libdir)" && \
	./bp-consumer$(EXEEXT); status=$$?; rm -f bp-consumer$(EXEEXT); exit $$status

# Beyond the slides: activations, the two-layer network, the complex step.
BP_SUITES += tests/check_activation
tests_check_activation_CFLAGS = $(TEST_CFLAGS)
tests_check_activation_LDADD = $(TEST_LDADD)
BP_SUITES += tests/check_mlp
tests_check_mlp_CFLAGS = $(TEST_CFLAGS)
tests_check_mlp_LDADD = $(TEST_LDADD)
BP_SUITES += tests/check_complex_step
tests_check_complex_step_CFLAGS = $(TEST_CFLAGS)
tests_check_complex_step_LDADD = $(TEST_LDADD)
