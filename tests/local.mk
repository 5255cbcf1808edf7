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

# The derivations in step with the code (derivations/, doc/manual.md): the
# documents are read from the source tree, named by BP_SRCDIR.
AM_TESTS_ENVIRONMENT += BP_SRCDIR='$(abs_top_srcdir)'; export BP_SRCDIR;
check_PROGRAMS += tests/check_derivations
TESTS += tests/check_derivations
tests_check_derivations_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/derivations
tests_check_derivations_CFLAGS = $(TEST_CFLAGS)
tests_check_derivations_LDADD = derivations/libdocgen.la $(TEST_LDADD)
