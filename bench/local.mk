## bench/local.mk -- `make bench': timings and the machine's limit, printed
## as Markdown tables (doc/performance.md).  Not part of `make check'.

EXTRA_PROGRAMS = bench/bench
bench_bench_SOURCES = bench/bench.c
bench_bench_LDADD = src/libbpinternal.la src/libbackprop.la $(GSL_LIBS) $(CBLAS_LIBS)
CLEANFILES += bench/bench$(EXEEXT)
EXTRA_DIST += bench/torch_gradcheck.py

# BENCH_FLAGS: e.g. `make bench BENCH_FLAGS="--repeats 3 verify"'.
bench: bench/bench$(EXEEXT)
	./bench/bench$(EXEEXT) $(BENCH_FLAGS)
.PHONY: bench
