## bench/local.mk -- `make bench': timings and the machine's limit, printed
## as Markdown tables (doc/performance.md).  Not part of `make check'.

EXTRA_PROGRAMS = bench/bench
bench_bench_SOURCES = bench/bench.c src/cli/blas_threads.c src/cli/blas_threads.h
bench_bench_LDADD = src/verify/libbpverify.la src/lib/libbackprop.la $(GSL_LIBS) $(CBLAS_LIBS)
# the library's own archive: sections compare32 and cnn32 call the float
# chains (lib/formulas/float.h), internal names the shared library hides
bench_bench_LDFLAGS = -static
CLEANFILES += bench/bench$(EXEEXT)
EXTRA_DIST += bench/torch_gradcheck.py bench/torch_train.py bench/compare.sh
dist_doc_DATA += doc/performance.md

# `make bench' runs this after tests/local.mk's bench-train; alone:
# `make bench-speed', BENCH_FLAGS e.g. "--repeats 3 verify".
bench-speed: bench/bench$(EXEEXT)
	./bench/bench$(EXEEXT) $(BENCH_FLAGS)
bench: bench-speed
.PHONY: bench-speed

# `make bench-conv': the convolution and pooling layers of issue 13's CNN,
# per batch and per epoch (im2col + dgemm); BENCH_CONV_FLAGS e.g.
# "--conv 16,32 --batch 128 --repeats 9".
EXTRA_PROGRAMS += bench/bench-conv
bench_bench_conv_SOURCES = bench/bench-conv.c
bench_bench_conv_LDADD = src/lib/libbackprop.la $(GSL_LIBS) $(CBLAS_LIBS)
CLEANFILES += bench/bench-conv$(EXEEXT)
EXTRA_DIST += bench/torch_conv.py
bench-conv: bench/bench-conv$(EXEEXT)
	./bench/bench-conv$(EXEEXT) $(BENCH_CONV_FLAGS)
	@echo "PyTorch on the same layers: python3 $(srcdir)/bench/torch_conv.py $(BENCH_CONV_FLAGS)"
bench: bench-conv
.PHONY: bench-conv

# `make bench-torch': one epoch beside PyTorch's (Debian's python3-torch),
# 1 and 2 threads, interleaved, with the ratios (bench/compare.sh).
bench-torch: bench/bench$(EXEEXT) backprop$(EXEEXT)
	$(SHELL) $(srcdir)/bench/compare.sh ./bench/bench$(EXEEXT) ./backprop$(EXEEXT) $(BENCH_ROUNDS)
bench: bench-torch
.PHONY: bench-torch

# `make bench-cnn': the CNN of `backprop train --conv C1,C2 --hidden H'
# beside PyTorch's, batches of 64 of Fashion-MNIST (synthetic images when
# it is not installed), 1 and 2 threads, interleaved (bench/compare.sh
# --cnn); BENCH_CNN e.g. 16,32,0, BENCH_CNN_BATCHES the batches per epoch.
BENCH_CNN = 32,64,128
BENCH_CNN_BATCHES = 20
bench-cnn: bench/bench$(EXEEXT)
	$(SHELL) $(srcdir)/bench/compare.sh --cnn $(BENCH_CNN) --batches $(BENCH_CNN_BATCHES) \
	  ./bench/bench$(EXEEXT) ./backprop$(EXEEXT) $(BENCH_ROUNDS)
bench: bench-cnn
.PHONY: bench-cnn

# `make bench-check': `backprop check' on a loss of n = 10,000 parameters
# (tests/modules/quad.c), each method, whole-process times.
EXTRA_DIST += bench/check.sh
bench-check: backprop$(EXEEXT) tests/modules/quad.la
	$(SHELL) $(srcdir)/bench/check.sh ./backprop$(EXEEXT) tests/modules/quad.la
bench: bench-check
.PHONY: bench-check

# `make bench-check-torch': `backprop check' on the slides' model written
# as a user would (bench/modules/slides.c) beside torch.autograd.gradcheck,
# one thread each (bench/check-torch.sh; needs python3-torch).
EXTRA_LTLIBRARIES = bench/modules/slides.la
bench_modules_slides_la_SOURCES = bench/modules/slides.c
bench_modules_slides_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
bench_modules_slides_la_LIBADD = -lm
CLEANFILES += bench/modules/slides.la
EXTRA_DIST += bench/check-torch.sh bench/torch_check.py
bench-check-torch: backprop$(EXEEXT) bench/modules/slides.la
	$(SHELL) $(srcdir)/bench/check-torch.sh ./backprop$(EXEEXT) bench/modules/slides.la $(srcdir) $(BENCH_ROUNDS)
bench: bench-check-torch
.PHONY: bench-check-torch

# `make bench-kann KANN_DIR=DIR': issue 18's float32 trial on a third-party
# C network library, kann (github.com/attractivechaos/kann, not shipped):
# 15 of its operators and 9 planted bugs through `backprop check --type
# float' at the defaults (bench/kann/kann-trial.sh).
EXTRA_DIST += bench/trial.sh bench/kann/kann-trial.sh bench/kann/kann_ops.c
bench-kann: backprop$(EXEEXT)
	@test -n "$(KANN_DIR)" || { echo "usage: make bench-kann KANN_DIR=DIR (a clone of kann)" >&2; exit 2; }
	$(SHELL) $(srcdir)/bench/kann/kann-trial.sh $(KANN_DIR) ./backprop$(EXEEXT)
.PHONY: bench-kann

# `make bench-llmc LLMC_DIR=DIR': the same trial on Karpathy's llm.c
# (github.com/karpathy/llm.c, not shipped): seven layers of its
# train_gpt2.c checked from their forward and backward functions
# (--forward/--backward, the VJP form) and 12 planted bugs, at the
# defaults (bench/llmc/llmc-trial.sh).
EXTRA_DIST += bench/llmc/llmc-trial.sh bench/llmc/llmc_ops.c
bench-llmc: backprop$(EXEEXT)
	@test -n "$(LLMC_DIR)" || { echo "usage: make bench-llmc LLMC_DIR=DIR (a clone of llm.c)" >&2; exit 2; }
	$(SHELL) $(srcdir)/bench/llmc/llmc-trial.sh $(LLMC_DIR) ./backprop$(EXEEXT)
.PHONY: bench-llmc

# `make bench-darknet DARKNET_DIR=DIR [SEED=S]': the same trial on Joseph
# Redmon's darknet (github.com/pjreddie/darknet, not shipped): 21 of its
# layers and losses from their own forward and backward functions, 10
# planted bugs, and the layers whose gradient darknet gets wrong, at the
# defaults (bench/darknet/darknet-trial.sh).
EXTRA_DIST += bench/darknet/darknet-trial.sh bench/darknet/darknet_ops.c \
  bench/darknet/torch_darknet.py
bench-darknet: backprop$(EXEEXT)
	@test -n "$(DARKNET_DIR)" || { echo "usage: make bench-darknet DARKNET_DIR=DIR (a clone of darknet)" >&2; exit 2; }
	$(SHELL) $(srcdir)/bench/darknet/darknet-trial.sh $(DARKNET_DIR) ./backprop$(EXEEXT) $(SEED)
.PHONY: bench-darknet
