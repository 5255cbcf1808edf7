## tests/local.mk -- the Check suites (one per formula) and the program test.

check_LTLIBRARIES += tests/libtestutil.la
tests_libtestutil_la_SOURCES = tests/testutil.c tests/testutil.h
tests_libtestutil_la_CFLAGS = $(TEST_CFLAGS)

TEST_LDADD = tests/libtestutil.la src/verify/libbpverify.la src/lib/libbackprop.la \
  $(CHECK_LIBS) $(GSL_LIBS)
## A struct's last fields may be left out of an initializer where the
## headers say so (bp_conv_shape's algorithm, bp_gradcheck_block's rank
## and shape), and the tests' tables do: -Wextra's warning of it is off.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -Wno-missing-field-initializers

BP_SUITES = \
  tests/check_reshape \
  tests/check_linear \
  tests/check_softmax \
  tests/check_cross_entropy \
  tests/check_model \
  tests/check_checker \
  tests/check_hints \
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
# failalloc.c: their own malloc, failing the Nth call of a test or padding
# every block on demand (check_checker, check_hints)
tests_check_checker_SOURCES = tests/check_checker.c tests/failalloc.c tests/failalloc.h
tests_check_checker_CFLAGS = $(TEST_CFLAGS)
tests_check_checker_LDADD = $(TEST_LDADD) -ldl
tests_check_hints_SOURCES = tests/check_hints.c tests/failalloc.c tests/failalloc.h
tests_check_hints_CFLAGS = $(TEST_CFLAGS)
tests_check_hints_LDADD = $(TEST_LDADD) -ldl
tests_check_edge_CFLAGS = $(TEST_CFLAGS)
tests_check_edge_LDADD = $(TEST_LDADD)
tests_check_api_CFLAGS = $(TEST_CFLAGS)
# its rows include the CNN's internal chain (lib/formulas/cnn_chain.h):
# the static archive, with the shared library's BLAS
tests_check_api_LDADD = $(TEST_LDADD) $(CBLAS_LIBS)
tests_check_api_LDFLAGS = -static

# Issue 5: the checker on threads and the directional check.
BP_SUITES += tests/check_threads
tests_check_threads_CFLAGS = $(TEST_CFLAGS)
tests_check_threads_LDADD = $(TEST_LDADD)

# `make installcheck' (run by `make distcheck'): programs outside the tree
# built against the installed library through pkg-config: the consumer,
# and the manual's example as installed in $(docdir)/examples; then the
# installed program itself (--version, verify).  Under DESTDIR the .pc
# file names the final prefix, where nothing is yet: the staged include
# and library folders come first (-I, -L are searched in order).  A
# sanitizer build's library needs its programs built so too (ASan's
# runtime must come first: distcheck with --enable-sanitizers, .ci/run).
EXTRA_DIST += tests/consumer.c
installcheck-local:
	PKG_CONFIG_PATH="$(DESTDIR)$(libdir)/pkgconfig$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH}"; \
	export PKG_CONFIG_PATH; \
	$(CC) $(BP_SANITIZE_CFLAGS) -I"$(DESTDIR)$(includedir)" -o bp-consumer$(EXEEXT) $(srcdir)/tests/consumer.c \
	  -L"$(DESTDIR)$(libdir)" `$(PKG_CONFIG) --cflags --libs backprop` -lm \
	  -Wl,-rpath,"$(DESTDIR)$(libdir)" && \
	./bp-consumer$(EXEEXT); status=$$?; rm -f bp-consumer$(EXEEXT); \
	test $$status -eq 0 || exit $$status; \
	$(CC) $(BP_SANITIZE_CFLAGS) -I"$(DESTDIR)$(includedir)" -o bp-check-layer$(EXEEXT) \
	  "$(DESTDIR)$(docdir)/examples/check_layer.c" \
	  -L"$(DESTDIR)$(libdir)" `$(PKG_CONFIG) --cflags --libs backprop` -lm \
	  -Wl,-rpath,"$(DESTDIR)$(libdir)" && \
	./bp-check-layer$(EXEEXT) > /dev/null; status=$$?; rm -f bp-check-layer$(EXEEXT); \
	test $$status -eq 0 || exit $$status; \
	LD_LIBRARY_PATH="$(DESTDIR)$(libdir)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}"; \
	export LD_LIBRARY_PATH; \
	"$(DESTDIR)$(bindir)/backprop$(EXEEXT)" --version >/dev/null && \
	"$(DESTDIR)$(bindir)/backprop$(EXEEXT)" verify >/dev/null

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

## Training on images: IDX files, mini-batches, the model file, SGD.
## The small data set is found through $BP_TEST_DATA (tests/data).
AM_TESTS_ENVIRONMENT += BP_TEST_DATA='$(abs_top_srcdir)/tests/data'; export BP_TEST_DATA;
## One BLAS thread per test process unless the caller sets another: under
## make -j2 check on a loaded machine, OpenBLAS's idle workers spin in
## sched_yield (500,000 calls in check_complex_step's two-layer case) and
## starve the suites (that case passed its 120 s Check timeout under
## distcheck).  The tests check values, not speed: bench/ measures threads.
AM_TESTS_ENVIRONMENT += OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS-1}; export OPENBLAS_NUM_THREADS;
BP_TEST_DATA_CFLAGS = -DBP_TEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_libtestutil_la_CFLAGS += $(BP_TEST_DATA_CFLAGS)

BP_TRAIN_SUITES = tests/check_idx tests/check_batch tests/check_model_file \
  tests/check_train
check_PROGRAMS += $(BP_TRAIN_SUITES)
TESTS += $(BP_TRAIN_SUITES) tests/train.sh tests/train-cnn.sh
CLEANFILES += train-cnn.*

tests_check_idx_CFLAGS = $(TEST_CFLAGS)
tests_check_idx_LDADD = $(TEST_LDADD) $(ZLIB_LIBS)
# dataset_float_batch is internal (not exported): linked from the static library
tests_check_idx_LDFLAGS = -static
tests_check_batch_CFLAGS = $(TEST_CFLAGS)
tests_check_batch_LDADD = $(TEST_LDADD)
tests_check_model_file_CFLAGS = $(TEST_CFLAGS)
tests_check_model_file_LDADD = $(TEST_LDADD) $(ZLIB_LIBS)
tests_check_train_CFLAGS = $(TEST_CFLAGS)
tests_check_train_LDADD = $(TEST_LDADD)

dist_check_DATA = \
  tests/data/train-images-idx3-ubyte.gz \
  tests/data/train-labels-idx1-ubyte.gz \
  tests/data/t10k-images-idx3-ubyte.gz \
  tests/data/t10k-labels-idx1-ubyte.gz \
  tests/data/classes.txt
EXTRA_DIST += tests/data/README tests/data/make-subset.sh
CLEANFILES += idx-* model-test-* train-test.*

# `make bench': the training targets (accuracy, memory, time per epoch) on
# the full Fashion-MNIST; needs dataset-fashion-mnist and time.
bench-train: backprop$(EXEEXT)
	$(SHELL) $(srcdir)/tests/bench-train.sh ./backprop$(EXEEXT)
bench: bench-train
.PHONY: bench bench-train
EXTRA_DIST += tests/bench-train.sh

# The derivations in step with the code (derivations/, doc/manual.md): the
# documents are read from the source tree, named by BP_SRCDIR.
AM_TESTS_ENVIRONMENT += BP_SRCDIR='$(abs_top_srcdir)'; export BP_SRCDIR;
check_PROGRAMS += tests/check_derivations
TESTS += tests/check_derivations
tests_check_derivations_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/derivations
tests_check_derivations_CFLAGS = $(TEST_CFLAGS)
# the CNN's chain (lib/formulas/cnn_chain.h) is internal: the static
# archive, with the shared library's BLAS (the documents' figures)
tests_check_derivations_LDADD = derivations/libdocgen.la $(TEST_LDADD) $(CBLAS_LIBS)
tests_check_derivations_LDFLAGS = -static
## The two-layer network on mini-batches and its training (issue 7).
BP_TRAIN_SUITES += tests/check_mlp_batch
tests_check_mlp_batch_CFLAGS = $(TEST_CFLAGS)
tests_check_mlp_batch_LDADD = $(TEST_LDADD)
# the chain and its workspace are internal (the row bp_net_mlp runs them):
# the suite links the library's static archive
tests_check_mlp_batch_LDFLAGS = -static

# `make bench-mlp': the two-layer target (>= 89% with --hidden 256) on the
# full Fashion-MNIST; minutes with GSL's reference CBLAS.
bench-mlp: backprop$(EXEEXT)
	$(SHELL) $(srcdir)/tests/bench-mlp.sh ./backprop$(EXEEXT)
bench: bench-mlp
.PHONY: bench-mlp
EXTRA_DIST += tests/bench-mlp.sh


# Issue 5: the two-layer network's losses from the point's cache, on threads.
BP_SUITES += tests/check_mlp_partial
tests_check_mlp_partial_CFLAGS = $(TEST_CFLAGS)
tests_check_mlp_partial_LDADD = $(TEST_LDADD)

## The regression corpus of malformed files (issue 6): tests/data/malformed/,
## made by tests/check_malformed itself (`make malformed-corpus' writes the
## files again; a test checks the committed ones are what it makes).
BP_SUITES += tests/check_malformed
tests_check_malformed_CFLAGS = $(TEST_CFLAGS)
tests_check_malformed_LDADD = $(TEST_LDADD) $(ZLIB_LIBS)
EXTRA_DIST += tests/data/malformed
malformed-corpus: tests/check_malformed$(EXEEXT)
	$(MKDIR_P) $(srcdir)/tests/data/malformed
	./tests/check_malformed$(EXEEXT) --write $(srcdir)/tests/data/malformed
.PHONY: malformed-corpus

# Faults while saving the model (issue 6): SIGKILL during `backprop train'
# and a file-size limit leave the previous model or the whole new one.
TESTS += tests/save-faults.sh
EXTRA_DIST += tests/save-faults.sh
CLEANFILES += save-faults.*

## Issue 14: hostile paths -- special files read, the rules of the save
## (special files, symbolic links, read-only models, the mode kept, long
## names, signals during the save).
BP_TRAIN_SUITES += tests/check_robust
tests_check_robust_CFLAGS = $(TEST_CFLAGS)
tests_check_robust_LDADD = $(TEST_LDADD)
CLEANFILES += robust-test-*

# Issue 14: the program's helpers, tested on their own (the parsers, the
# data folder's checks).
BP_SUITES += tests/check_cli
tests_check_cli_SOURCES = tests/check_cli.c src/cli/cli.c src/cli/cli.h \
  src/cli/data_dir.c src/cli/data_dir.h
tests_check_cli_CFLAGS = $(TEST_CFLAGS)
tests_check_cli_LDADD = $(TEST_LDADD)
CLEANFILES += cli-test-*
TESTS += tests/robust-cli.sh
EXTRA_DIST += tests/robust-cli.sh
CLEANFILES += robust-cli.*

## Out-of-memory testing as SQLite does it (issue 14): tests/oom/oomshim, an
## LD_PRELOAD module failing the Nth allocation (or every one from N on),
## and tests/oom/run.sh driving it over the program's commands and the
## library's allocators (tests/oom/alloc_all).  `make check-oom'; .ci/run.
check_LTLIBRARIES += tests/oom/oomshim.la
tests_oom_oomshim_la_SOURCES = tests/oom/oomshim.c
tests_oom_oomshim_la_CFLAGS =
tests_oom_oomshim_la_LDFLAGS = -module -avoid-version -shared -rpath '$(abs_builddir)/tests/oom'
tests_oom_oomshim_la_LIBADD = -ldl
check_PROGRAMS += tests/oom/alloc_all
tests_oom_alloc_all_CFLAGS = $(TEST_CFLAGS)
tests_oom_alloc_all_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/oom/run.sh
check-oom: backprop$(EXEEXT) tests/oom/oomshim.la tests/oom/alloc_all$(EXEEXT)
	BP_TEST_DATA='$(abs_top_srcdir)/tests/data' \
	  $(SHELL) $(srcdir)/tests/oom/run.sh '$(abs_builddir)/tests/oom/.libs/oomshim.so'
.PHONY: check-oom
CLEANFILES += oom-run.*

# `make mutation' (issues 14, 24): single-site mutants of the library's
# sources against the Check suites, MUTATION_JOBS at a time (default 1);
# the score and every survivor in tests/mutation-report.txt.
# MUTATION_MAX=N samples N generated mutants, MUTATION_ONLY='TEXT...' keeps
# the mutants whose FILE:LINE contains one of the TEXTs (hints.c:386), MUTATION_NAMED=1 runs the
# named mutants alone.  A mutant that survives the test cases that
# execute its line is "survived [cases]" (in the score, listed apart);
# MUTATION_CONFIRM=1 runs their suites whole for it and for every such
# cached entry; MUTATION_CONFIRM_O2=1 does so with the mutants built at
# the library's own flags, not -O0.  The results are cached in
# tests/mutation-cache.json, keyed by the mutant and the hashes of the
# files each result depends on: a run resumes where the last stopped and
# reruns only what a change can affect; a kill whose killing suite
# changed is re-checked by its killing test case first.  The cache and the coverage map
# (tests/mutation-coverage.json) are kept in git, so that the next session
# resumes the run (their keys are file hashes, so an entry whose files
# changed is simply rerun); no clean target removes them.
# doc/robustness.md, "Mutation testing".
EXTRA_DIST += tests/mutation.py tests/mutation-equivalent.txt tests/ecnoise-agreement.py
# its verdicts: a mutant that does not compile is no kill
TESTS += tests/mutation-verdicts.sh
EXTRA_DIST += tests/mutation-verdicts.sh
MUTATION_JOBS = 1
mutation: all $(check_PROGRAMS)
	$(PYTHON3) $(srcdir)/tests/mutation.py -j $(MUTATION_JOBS) \
	  --equivalent $(srcdir)/tests/mutation-equivalent.txt \
	  --sources '$(src_lib_libbackprop_la_SOURCES)' \
	  --suites '$(filter tests/check_%,$(TESTS))' \
	  --cache tests/mutation-cache.json --coverage tests/mutation-coverage.json \
	  --report tests/mutation-report.txt
.PHONY: mutation
CLEANFILES += tests/mutation-report.txt
clean-local: mutation-clean
mutation-clean:
	rm -rf tests/mutation-work
.PHONY: mutation-clean
PYTHON3 = python3
# Issue 13: the convolution and pooling layers and their batch forms.
BP_SUITES += tests/check_conv tests/check_pool
tests_check_conv_CFLAGS = $(TEST_CFLAGS)
tests_check_conv_LDADD = $(TEST_LDADD)
tests_check_pool_CFLAGS = $(TEST_CFLAGS)
tests_check_pool_LDADD = $(TEST_LDADD) $(CBLAS_LIBS)
tests_check_pool_LDFLAGS = -static
# Issue 23 item 4: each templated formula's complex instantiation equals
# the double one bit for bit on real arguments, its float one within a
# derived bound.
BP_SUITES += tests/check_templates
tests_check_templates_CFLAGS = $(TEST_CFLAGS)
tests_check_templates_LDADD = $(TEST_LDADD)
# the float instantiations are internal (not exported by the shared
# library): the suite links the library's static archive
tests_check_templates_LDFLAGS = -static
# Issue 22: Winograd's F(2x2, 5x5) for the float32 CNN (internal float
# instantiations and matrices: the static archive)
BP_SUITES += tests/check_winograd
tests_check_winograd_CFLAGS = $(TEST_CFLAGS)
tests_check_winograd_LDADD = $(TEST_LDADD) $(CBLAS_LIBS)
tests_check_winograd_LDFLAGS = -static
BP_SUITES += tests/check_float
tests_check_float_CFLAGS = $(TEST_CFLAGS)
tests_check_float_LDADD = $(TEST_LDADD)
tests_check_float_LDFLAGS = -static
# The CNN chain (lib/formulas/cnn_chain.h, internal: the static archive)
# against both oracles, the batch flatten, its trainer.
BP_SUITES += tests/check_cnn
tests_check_cnn_CFLAGS = $(TEST_CFLAGS)
tests_check_cnn_LDADD = $(TEST_LDADD) $(CBLAS_LIBS)
tests_check_cnn_LDFLAGS = -static

# Every row of the network table (bp_net.h) and the one trainer (issue 23).
BP_SUITES += tests/check_net
tests_check_net_CFLAGS = $(TEST_CFLAGS)
tests_check_net_LDADD = $(TEST_LDADD)
# Every allocator under each of its allocations failing in turn (issue 24:
# make check's seam for the out-of-memory paths, tests/failalloc.c; the
# internal chain and workspaces: the static archive).
BP_SUITES += tests/check_alloc
tests_check_alloc_SOURCES = tests/check_alloc.c tests/failalloc.c tests/failalloc.h
tests_check_alloc_CFLAGS = $(TEST_CFLAGS)
tests_check_alloc_LDADD = $(TEST_LDADD) $(CBLAS_LIBS) -ldl
tests_check_alloc_LDFLAGS = -static
# The float32 rows against the double ones, their trainer, resume and file.
BP_SUITES += tests/check_net_float
tests_check_net_float_CFLAGS = $(TEST_CFLAGS)
tests_check_net_float_LDADD = $(TEST_LDADD)

# A run that fails early, stops cleanly on a signal and resumes to the same
# bytes; divergence; the progress line on a pty (issue 11, items 3-5).
check_PROGRAMS += tests/write-huge-model
# A training state with one field set and a valid checksum (issue 21).
check_PROGRAMS += tests/craft-state
tests_craft_state_LDADD = $(ZLIB_LIBS)
# A gzip bomb: an IDX file of gigabytes of zeros in a few MB (issue 21).
check_PROGRAMS += tests/craft-idx
tests_craft_idx_LDADD = $(ZLIB_LIBS)
tests_write_huge_model_LDADD = src/lib/libbackprop.la $(GSL_LIBS)
TESTS += tests/train-run.sh
EXTRA_DIST += tests/train-run.sh
CLEANFILES += train-run.*
TESTS += tests/train-interrupt.sh
EXTRA_DIST += tests/train-interrupt.sh
CLEANFILES += train-interrupt.*
TESTS += tests/train-json.sh
EXTRA_DIST += tests/train-json.sh
CLEANFILES += train-json.*
TESTS += tests/eval-json.sh
EXTRA_DIST += tests/eval-json.sh
# a PNG checked chunk by chunk (train.sh, train-cnn.sh: the weights' images)
EXTRA_DIST += tests/png-image.py
# every exported function has its man page (doc/man3.sh, doc/local.mk)
TESTS += tests/man3.sh
EXTRA_DIST += tests/man3.sh
# the manual's HTML has all of the manual (skipped without pandoc)
TESTS += tests/manual-html.sh
EXTRA_DIST += tests/manual-html.sh
AM_TESTS_ENVIRONMENT += PANDOC='$(PANDOC)'; export PANDOC;
CLEANFILES += eval-json.*
TESTS += tests/check-json.sh
EXTRA_DIST += tests/check-json.sh
CLEANFILES += check-json.*
## The shared training loop: the schedule over multi-step epochs,
## divergence, the trainers' overflow, the initial spreads.
BP_TRAIN_SUITES += tests/check_trainer
tests_check_trainer_CFLAGS = $(TEST_CFLAGS)
tests_check_trainer_LDADD = $(TEST_LDADD)
# mlp_chain_init (lib/formulas/mlp_chain.h) is internal: the static archive
tests_check_trainer_LDFLAGS = -static
## The linked CBLAS, with the kernels the program chooses, against GSL's
## reference CBLAS on a training step's products (issue 11, item 2).
check_PROGRAMS += tests/check_blas
tests_check_blas_SOURCES = tests/check_blas.c src/cli/blas_threads.c src/cli/blas_threads.h
tests_check_blas_LDADD = src/lib/libbackprop.la $(GSL_LIBS) $(CBLAS_LIBS)
TESTS += tests/check_blas

## `backprop check' (issue 10): test modules a user might write, loaded by
## the program (dlopen, RTLD_NOW); tests/check.sh runs the program on each
## right and wrong gradient through every method.
check_LTLIBRARIES += tests/modules/quad.la tests/modules/kink.la
tests_modules_quad_la_SOURCES = tests/modules/quad.c
tests_modules_quad_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_modules_quad_la_LIBADD = -lm
tests_modules_kink_la_SOURCES = tests/modules/kink.c
tests_modules_kink_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_modules_kink_la_LIBADD = -lm
# issue 18: user code that crashes, exits, hangs or gives inf (misbehave),
# a layer's forward and backward in double and float (layer), a library
# with an undefined symbol (undef); tests/check.sh builds needs.c against
# gone.c with $(CC) and removes gone: a missing dependency (a libtool
# module would find it through its RUNPATH in the build tree)
check_LTLIBRARIES += tests/modules/misbehave.la tests/modules/layer.la \
  tests/modules/undef.la
tests_modules_misbehave_la_SOURCES = tests/modules/misbehave.c
tests_modules_misbehave_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_modules_misbehave_la_LIBADD = -lm
tests_modules_layer_la_SOURCES = tests/modules/layer.c
tests_modules_layer_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_modules_layer_la_LIBADD = -lm
tests_modules_undef_la_SOURCES = tests/modules/undef.c
tests_modules_undef_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
EXTRA_DIST += tests/modules/needs.c tests/modules/gone.c
TESTS += tests/check.sh
CLEANFILES += check-test.*
# The table of `backprop verify' reports what the checker finds.
BP_SUITES += tests/check_verify
tests_check_verify_CFLAGS = $(TEST_CFLAGS)
tests_check_verify_LDADD = $(TEST_LDADD) $(CBLAS_LIBS)
tests_check_verify_LDFLAGS = -static

# The HTML pages of the derivations in headless Chromium (issue 12): no
# sideways overflow, operator names upright, the Next chain complete.
# Skipped (77) without pandoc or chromium; .ci/run makes it mandatory.
TESTS += tests/html-render.sh
EXTRA_DIST += tests/html-render.sh tests/html-render.js
AM_TESTS_ENVIRONMENT += CHROMIUM='$(CHROMIUM)'; export CHROMIUM;

## The Russian edition of the derivations (issue 12, item 4): its HTML pages
## through the same Chromium checks (BP_HTML_EDITION=ru of html-render.sh).
TESTS += tests/html-render-ru.sh
EXTRA_DIST += tests/html-render-ru.sh
# Its figures: drawn from the same Graphviz sources with the labels' words
# in Russian (derivations/figures/ru.sed); no English word left.
TESTS += tests/figures-ru.sh
EXTRA_DIST += tests/figures-ru.sh

## The program in Russian (issue 12, item 6): `backprop verify' under
## ru_RU.UTF-8 and under C (skipped without the locale).  Every other test
## reads the program's English, so the tests run with LC_ALL=C whatever the
## user's locale.
AM_TESTS_ENVIRONMENT += LC_ALL=C; export LC_ALL;
TESTS += tests/verify-locale.sh
CLEANFILES += verify-locale.*

## Every translatable message has its Russian translation (po/ru.po).
TESTS += tests/po-complete.sh
EXTRA_DIST += tests/po-complete.sh tests/po-marked.py
CLEANFILES += po-complete.*

# Issue 18: the noise-aware checker (float32 code, large sums).
BP_SUITES += tests/check_noise
tests_check_noise_CFLAGS = $(TEST_CFLAGS)
tests_check_noise_LDADD = $(TEST_LDADD)
## Model files written by 0.1.0 (versions 1-3 with their training state),
## read, evaluated and resumed by the current program (tests/data/legacy/README).
EXTRA_DIST += tests/data/legacy
TESTS += tests/model-legacy.sh
EXTRA_DIST += tests/model-legacy.sh
CLEANFILES += model-legacy.*

# `make check-reprefix' (issue 20): a copy of the distributed sources
# configured for one --prefix and installed, reconfigured for another and
# installed again; the second install's program must start and speak
# Russian with the first prefix gone (tests/reprefix.sh).  A build of
# its own, so not part of `make check'; .ci/run runs it.
EXTRA_DIST += tests/reprefix.sh
check-reprefix:
	rm -rf reprefix.src
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir=reprefix.src
	$(SHELL) $(srcdir)/tests/reprefix.sh reprefix.src; status=$$?; \
	  chmod -R u+w reprefix.src; rm -rf reprefix.src; exit $$status
.PHONY: check-reprefix
