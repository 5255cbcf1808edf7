## tests/fuzz/local.mk -- fuzzing: each harness tests/fuzz/fuzz_NAME.c
## (see tests/fuzz/fuzz.h) is built two ways:
##
##   make check    replays the committed corpus tests/fuzz/corpus/NAME/
##                 through tests/fuzz/replay_NAME (CC, so also under
##                 --enable-sanitizers), and FUZZ_MUTATIONS mutants of each
##                 input (default 24; tests/fuzz/replay.c), the same ones
##                 on every run (seed FUZZ_SEED, default 1; no timing);
##                 make check-valgrind replays the corpus alone;
##   make fuzz     first fuzz-mutate: FUZZ_LONG_MUTATIONS mutants of each
##                 input (default 200) under valgrind when configure found
##                 it (no error, no definitely lost byte), logged in
##                 tests/fuzz/replay_NAME.fuzz.log; then, with clang and
##                 libFuzzer, builds tests/fuzz/fuzz_NAME
##                 (ASan + UBSan) and runs each harness FUZZ_TIME seconds
##                 (default 600), growing tests/fuzz/work/NAME/; a finding
##                 is saved as tests/fuzz/NAME-crash-* (or -leak-, -oom-,
##                 -timeout-) and libFuzzer stops with its report.
##                 make fuzz FUZZ_HARNESSES=idx FUZZ_TIME=60 FUZZ_FLAGS=...
##                 make fuzz-mutate FUZZ_SEED=7 FUZZ_LONG_MUTATIONS=1000
##   make fuzz-merge   adds the inputs of tests/fuzz/work/NAME/ that reach
##                 new code to the committed corpus (then git add it);
##   make fuzz-clean   removes the fuzz binaries, work corpora, findings.
##
## A mutant that fails is named by its input, seed and number: replay it
## alone with FUZZ_SEED=S FUZZ_ONLY=K FUZZ_VERBOSE=1 tests/fuzz/replay_NAME
## FILE.  After fixing a finding, copy its file into tests/fuzz/corpus/NAME/
## (a name saying what it was): make check then replays it forever.
##
## Adding a harness NAME: write tests/fuzz/fuzz_NAME.c after
## fuzz_softmax.c; put at least one seed input in tests/fuzz/corpus/NAME/;
## add NAME to FUZZ_HARNESSES, tests/fuzz/replay_NAME to FUZZ_REPLAYS,
## and copy the three tests_fuzz_replay_softmax_* lines below.  A reader
## of files (like fuzz_idx.c, fuzz_model_file.c) writes each input to a
## file with fuzz_file and reads it: the mutants need nothing more.

FUZZ_HARNESSES = softmax idx model_file
FUZZ_TIME = 600
FUZZ_SEED = 1
FUZZ_LONG_MUTATIONS = 200
FUZZ_FLAGS =
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_REPLAY_LDADD = src/lib/libbackprop.la $(GSL_LIBS)

FUZZ_REPLAYS = tests/fuzz/replay_softmax
check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)
tests_fuzz_replay_softmax_SOURCES = tests/fuzz/fuzz_softmax.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_softmax_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"softmax"'
tests_fuzz_replay_softmax_LDADD = $(FUZZ_REPLAY_LDADD)

# The IDX reader, plain and gzip'd, and the model-file readers (issue 6).
FUZZ_REPLAYS += tests/fuzz/replay_idx tests/fuzz/replay_model_file
tests_fuzz_replay_idx_SOURCES = tests/fuzz/fuzz_idx.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_idx_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"idx"'
tests_fuzz_replay_idx_LDADD = $(FUZZ_REPLAY_LDADD) $(ZLIB_LIBS)
tests_fuzz_replay_model_file_SOURCES = tests/fuzz/fuzz_model_file.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_model_file_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"model_file"'
tests_fuzz_replay_model_file_LDADD = $(FUZZ_REPLAY_LDADD) $(ZLIB_LIBS)

EXTRA_DIST += tests/fuzz/corpus

fuzz-mutate: $(FUZZ_REPLAYS)
	@fail=0; vg='$(VALGRIND)'; for t in $(FUZZ_REPLAYS); do \
	  log=$$t.fuzz.log; t0=$$(date +%s); \
	  echo "== fuzz-mutate $$t: $(FUZZ_LONG_MUTATIONS) mutants of each input, seed" \
	    "$(FUZZ_SEED), $${vg:+under }$${vg:-without valgrind (not found by configure)}"; \
	  srcdir=$(srcdir) FUZZ_MUTATIONS=$(FUZZ_LONG_MUTATIONS) FUZZ_SEED=$(FUZZ_SEED) \
	    $(LIBTOOL) --mode=execute $(VALGRIND) $${vg:+$(VALGRIND_FLAGS)} \
	    ./$$t > $$log 2>&1; st=$$?; \
	  grep 'inputs replayed' $$log; dt="$$(( $$(date +%s) - t0 )) s"; \
	  if test $$st -eq 0; then echo "PASS: fuzz-mutate $$t ($$dt)"; \
	  else echo "FAIL: fuzz-mutate $$t (exit $$st, $$dt; see $$log)"; fail=1; fi; \
	done; exit $$fail

fuzz: fuzz-mutate $(top_builddir)/config.h
	@test -n "$(FUZZ_CC)" || { echo "make fuzz: libFuzzer skipped: it needs clang with" \
	  "libFuzzer. On Debian: apt-get install clang libclang-rt-dev, then ./configure again"; \
	  exit 0; }; \
	srcs=; for f in $(src_lib_libbackprop_la_SOURCES); do \
	  case $$f in *.c) srcs="$$srcs $(top_srcdir)/$$f";; esac; done; \
	for h in $(FUZZ_HARNESSES); do \
	  echo "== fuzz $$h: building tests/fuzz/fuzz_$$h with $(FUZZ_CC)"; \
	  $(MKDIR_P) tests/fuzz/work/$$h || exit 1; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -DHAVE_CONFIG_H -I$(top_builddir) \
	    -I$(top_srcdir)/src $(GSL_CFLAGS) $$srcs \
	    $(top_srcdir)/tests/fuzz/fuzz_$$h.c -o tests/fuzz/fuzz_$$h \
	    $(src_lib_libbackprop_la_LIBADD) $(LIBS) || exit 1; \
	  echo "== fuzz $$h: $(FUZZ_TIME) s, corpus tests/fuzz/work/$$h" \
	    "+ $(top_srcdir)/tests/fuzz/corpus/$$h"; \
	  ./tests/fuzz/fuzz_$$h -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    -artifact_prefix=tests/fuzz/$$h- $(FUZZ_FLAGS) \
	    tests/fuzz/work/$$h $(top_srcdir)/tests/fuzz/corpus/$$h || exit 1; \
	done

fuzz-merge:
	@for h in $(FUZZ_HARNESSES); do \
	  test -x tests/fuzz/fuzz_$$h || { echo "run make fuzz first" >&2; exit 2; }; \
	  ./tests/fuzz/fuzz_$$h -merge=1 $(top_srcdir)/tests/fuzz/corpus/$$h \
	    tests/fuzz/work/$$h || exit 1; \
	done

fuzz-clean:
	rm -rf tests/fuzz/work
	for h in $(FUZZ_HARNESSES); do rm -f tests/fuzz/fuzz_$$h tests/fuzz/$$h-*; done

.PHONY: fuzz fuzz-mutate fuzz-merge fuzz-clean
CLEANFILES += tests/fuzz/*.fuzz.log
