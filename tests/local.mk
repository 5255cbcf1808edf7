## tests/local.mk -- the Check suites (one per formula) and the program test.

check_LTLIBRARIES += tests/libtestutil.la
tests_libtestutil_la_SOURCES = tests/testutil.c tests/testutil.h
tests_libtestutil_la_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

TEST_LDADD = tests/libtestutil.la src/libbpinternal.la src/libbackprop.la \
  $(CHECK_LIBS) $(GSL_LIBS)
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

BP_SUITES = \
  tests/check_softmax

check_PROGRAMS += $(BP_SUITES)
TESTS += $(BP_SUITES) tests/verify.sh

tests_check_softmax_CFLAGS = $(TEST_CFLAGS)
tests_check_softmax_LDADD = $(TEST_LDADD)

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
