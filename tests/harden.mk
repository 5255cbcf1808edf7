## tests/harden.mk -- the hardening targets (issue 6):
##   ./configure --enable-sanitizers && make check   ASan + UBSan on everything
##   make check-valgrind                             every Check suite under memcheck
##   make lint                                       cppcheck and clang-tidy on src/, derivations/*.c
## and the fuzzing of tests/fuzz/local.mk (`make fuzz').

# Sanitizer reports must end the test, and never be lost: Check forks each
# test, so a report in the child is turned into SIGABRT (abort_on_error),
# which Check prints as "Received signal 6" and counts as a failure.
# halt_on_error stops at the first report; the user's own options win.
AM_TESTS_ENVIRONMENT += \
  ASAN_OPTIONS="abort_on_error=1:halt_on_error=1:detect_leaks=1:$${ASAN_OPTIONS-}"; \
  UBSAN_OPTIONS="abort_on_error=1:halt_on_error=1:print_stacktrace=1:$${UBSAN_OPTIONS-}"; \
  export ASAN_OPTIONS UBSAN_OPTIONS;

# A sanitizer build tells the tests so: ASan cannot run under an
# address-space limit (tests/robust-cli.sh skips its `ulimit -v' group).
if BP_SANITIZERS
AM_TESTS_ENVIRONMENT += BP_SANITIZERS=yes; export BP_SANITIZERS;
endif

# Every public function has a row in tests/check_api.c's error-rule table.
TESTS += tests/api_coverage.sh
EXTRA_DIST += tests/api_coverage.sh

# Memcheck: no error and no definitely-lost byte, for every Check suite,
# the fuzz corpora's replays (their mutants under valgrind: make fuzz)
# and `backprop verify'.  CK_FORK=no runs every
# test in the one process valgrind watches.  Each suite's log goes to
# tests/NAME.valgrind.log; its Check summary lines are printed.  The tests
# see the environment `make check' gives them (AM_TESTS_ENVIRONMENT).
# Each run is a target of its own (NAME.valgrind.res, its lines), so
# `make -j2 check-valgrind' keeps two going; a run's target succeeds even
# when the run fails, so every run ends, and check-valgrind fails after
# them if one did.  The slowest are named first (make starts them in
# that order): wall seconds of each in a serial run, check_verify 269,
# check_batch 129, check_float 82, check_mlp_batch 78, check_net_float 71,
# check_mlp_partial 69, check_checker and check_mlp 46; all 1060.
VALGRIND_FLAGS = --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --num-callers=30 --quiet
VALGRIND_TESTS = $(BP_SUITES) $(BP_TRAIN_SUITES) tests/check_derivations $(FUZZ_REPLAYS)
VALGRIND_SLOW = tests/check_verify tests/check_batch tests/check_float \
  tests/check_mlp_batch tests/check_net_float tests/check_mlp_partial \
  tests/check_checker tests/check_mlp
VALGRIND_TEST_RUNS = $(VALGRIND_TESTS:=.valgrind.res)
CLEANFILES += tests/*.valgrind.log tests/fuzz/*.valgrind.log \
  tests/*.valgrind.res tests/fuzz/*.valgrind.res

check-valgrind:
	@test -n "$(VALGRIND)" || { echo "make check-valgrind needs valgrind." \
	  "On Debian: apt-get install valgrind" >&2; exit 2; }
	@runs=; \
	for t in $(VALGRIND_SLOW); do case " $(VALGRIND_TESTS) " in \
	  *" $$t "*) runs="$$runs $$t.valgrind.res";; esac; done; \
	for t in $(VALGRIND_TESTS); do case " $(VALGRIND_SLOW) " in \
	  *" $$t "*) ;; *) runs="$$runs $$t.valgrind.res";; esac; done; \
	runs="$$runs backprop-verify.valgrind.res"; \
	rm -f $$runs; \
	$(MAKE) $(AM_MAKEFLAGS) $$runs || exit 1; \
	fail=0; for r in $$runs; do \
	  test -f $$r || { echo "FAIL: $$r not written"; fail=1; continue; }; \
	  grep -q '^PASS: ' $$r || { grep -h '^FAIL: ' $$r; fail=1; }; \
	done; \
	test $$fail -eq 0 || echo "check-valgrind: some runs failed (above)"; \
	exit $$fail
$(VALGRIND_TEST_RUNS): $(check_PROGRAMS)
	@$(AM_TESTS_ENVIRONMENT) \
	t='$@'; t=$${t%.valgrind.res}; log=$$t.valgrind.log; t0=$$(date +%s); \
	srcdir=$(srcdir) CK_FORK=no FUZZ_MUTATIONS=0 $(LIBTOOL) --mode=execute $(VALGRIND) $(VALGRIND_FLAGS) \
	  ./$$t >$$log 2>&1; st=$$?; \
	dt="$$(( $$(date +%s) - t0 )) s"; \
	{ grep -E '^[0-9]+%: Checks:|^[0-9]+ passed, [0-9]+ failed' $$log \
	    | sed "s|^|$$t: |"; \
	  if test $$st -eq 0; then echo "PASS: valgrind $$t ($$dt)"; \
	  else echo "FAIL: valgrind $$t (exit $$st, $$dt; see $$log)"; fi; \
	} >$@-t; mv -f $@-t $@; cat $@
backprop-verify.valgrind.res: $(bin_PROGRAMS)
	@log=backprop-verify.valgrind.log; t0=$$(date +%s); \
	$(LIBTOOL) --mode=execute $(VALGRIND) $(VALGRIND_FLAGS) \
	  ./backprop$(EXEEXT) verify >$$log 2>&1 \
	  && echo "PASS: valgrind backprop verify ($$(( $$(date +%s) - t0 )) s)" >$@-t \
	  || echo "FAIL: valgrind backprop verify (see $$log)" >$@-t; \
	mv -f $@-t $@; cat $@
CLEANFILES += backprop-verify.valgrind.log backprop-verify.valgrind.res

# Static analysis of every C file of src/ and of the documents' generator
# (derivations/docgen.c, gen-examples.c).  clang-tidy checks:
#   bugprone-*         likely bugs (narrowing, misplaced widening, ...)
#   clang-analyzer-*   the Clang static analyzer (null dereference, leaks,
#                      use after free, dead stores)
#   performance-*, portability-*
# minus bugprone-easily-swappable-parameters (every "inputs first, outputs
# last" GSL signature has adjacent parameters of one type, by design) and
# clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling
# (asks for C11 Annex K's memcpy_s etc., which glibc does not provide) and
# bugprone-suspicious-include (GSL's template pattern: each formula's
# NAME_source.c is included once per arithmetic by its family's file).
# A finding is fixed, or suppressed on its line with NOLINT(check) and a
# comment saying why.  clang-tidy runs as two processes, over every other
# file each, the first beside cppcheck (the whole serially took most of
# the lint phase); their findings are printed after both end.
CLANG_TIDY_CHECKS = bugprone-*,clang-analyzer-*,performance-*,portability-*,-bugprone-easily-swappable-parameters,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-bugprone-suspicious-include
CPPCHECK_FLAGS = --enable=warning,style,performance,portability \
  --std=c99 --inline-suppr --error-exitcode=1 --quiet \
  --suppress=missingIncludeSystem \
  --include=$(top_srcdir)/tests/cppcheck-gsl.h -D__CPPCHECK__
# (cppcheck defines __CPPCHECK__ only when no -D is given; valid.h needs it
# to hide MISSING's _Generic, which cppcheck 2.10 cannot parse)
EXTRA_DIST += tests/cppcheck-gsl.h
LINT_FILES = $(src_lib_libbackprop_la_SOURCES) $(src_verify_libbpverify_la_SOURCES) \
  $(backprop_SOURCES) $(derivations_libdocgen_la_SOURCES) $(derivations_gen_examples_SOURCES)

# What the Makefile defines beyond config.h (src/cli/local.mk: the catalogs).
LINT_DEFS = -DLOCALEDIR='"$(localedir)"'
lint:
	@test -n "$(CPPCHECK)" || { echo "make lint needs cppcheck." \
	  "On Debian: apt-get install cppcheck" >&2; exit 2; }
	@test -n "$(CLANG_TIDY)" || { echo "make lint needs clang-tidy." \
	  "On Debian: apt-get install clang-tidy" >&2; exit 2; }
	@srcs=; for f in $(LINT_FILES); do \
	  case $$f in *.c) srcs="$$srcs $(top_srcdir)/$$f";; esac; done; \
	odd=; even=; i=0; for f in $$srcs; do i=$$((i + 1)); \
	  if test $$((i % 2)) -eq 1; then odd="$$odd $$f"; else even="$$even $$f"; fi; done; \
	tidy () { $(CLANG_TIDY) --quiet --checks='-*,$(CLANG_TIDY_CHECKS)' \
	  --warnings-as-errors='*' "$$@" -- -std=gnu99 -DHAVE_CONFIG_H $(LINT_DEFS) \
	  -I$(top_builddir) -I$(top_srcdir)/src $(GSL_CFLAGS); }; \
	fail=0; \
	tidy $$odd >lint.out1 2>lint.err1 & pid=$$!; \
	echo "== cppcheck"; \
	$(CPPCHECK) $(CPPCHECK_FLAGS) -DHAVE_CONFIG_H $(LINT_DEFS) -I$(top_builddir) \
	  -I$(top_srcdir)/src $$srcs || fail=1; \
	test -z "$$even" || tidy $$even >lint.out2 2>lint.err2 || fail=1; \
	wait $$pid || fail=1; \
	echo "== clang-tidy ($(CLANG_TIDY_CHECKS))"; \
	cat lint.out1 lint.out2 2>/dev/null; \
	cat lint.err1 lint.err2 2>/dev/null | grep -v 'warnings* generated'; \
	rm -f lint.out1 lint.out2 lint.err1 lint.err2; \
	test $$fail -eq 0 && echo "lint: clean"; exit $$fail

.PHONY: check-valgrind lint
