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
  tests/check_checker \
  tests/check_edge \
  tests/check_api

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
tests_check_edge_CFLAGS = $(TEST_CFLAGS)
tests_check_edge_LDADD = $(TEST_LDADD)
tests_check_api_CFLAGS = $(TEST_CFLAGS)
tests_check_api_LDADD = $(TEST_LDADD)
