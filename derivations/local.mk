## derivations/local.mk -- the derivations, one Markdown document per step
## of the backward pass; their generated examples; their HTML pages.

# The documents: shipped by `make dist' and installed in $(docdir)/derivations.
derivationsdir = $(docdir)/derivations
DERIVATIONS_MD = \
  derivations/README.md \
  derivations/00-numeric-check.md \
  derivations/01-forward-pass.md \
  derivations/02-cross-entropy-dL-dy.md \
  derivations/03-chain-rule-dL-dv.md \
  derivations/04-softmax-jacobian.md \
  derivations/05-dL-du.md \
  derivations/06-dL-db.md \
  derivations/07-dL-dW.md \
  derivations/08-reshape-and-dL-dx.md \
  derivations/09-whole-chain.md \
  derivations/10-simplification-y-minus-labels.md \
  derivations/11-activations.md \
  derivations/12-two-layer-network.md \
  derivations/13-complex-step.md \
  derivations/14-mini-batch.md \
  derivations/15-convolution.md \
  derivations/16-pooling.md \
  derivations/errata.md
dist_derivations_DATA = $(DERIVATIONS_MD)

# The generator of the documents' worked examples and check results; also
# linked into tests/check_derivations, which compares its output with the
# documents.
check_LTLIBRARIES += derivations/libdocgen.la
derivations_libdocgen_la_SOURCES = derivations/docgen.c derivations/docgen.h
derivations_libdocgen_la_LIBADD = src/verify/libbpverify.la src/lib/libbackprop.la $(GSL_LIBS)

check_PROGRAMS += derivations/gen-examples
derivations_gen_examples_SOURCES = derivations/gen-examples.c
derivations_gen_examples_LDADD = derivations/libdocgen.la

# Rewrite the generated blocks of the documents in the source tree, after a
# change of the library or of derivations/docgen.c.
.PHONY: regen-derivations
regen-derivations: derivations/gen-examples$(EXEEXT)
	derivations/gen-examples$(EXEEXT) --update $(srcdir)/derivations

# HTML pages, when pandoc is available: math as MathML (no script, no
# network), links between documents pointing at the pages.  \tag{N.M},
# which pandoc's MathML writer drops, becomes a visible (N.M).
if HAVE_PANDOC
derivations_DATA = $(DERIVATIONS_MD:.md=.html)
CLEANFILES += $(DERIVATIONS_MD:.md=.html)
SUFFIXES += .md .html
.md.html:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	sed -e 's/\\tag{\([^}]*\)}/\\qquad(\1)/' \
	    -e 's/](\([A-Za-z0-9_-]*\)\.md\([#)]\)/](\1.html\2/g' $< | \
	$(PANDOC) --from=markdown --to=html5 --standalone --mathml \
	  --metadata pagetitle="backprop: $$(sed -n '/^# /{s/^# //;p;q;}' $<)" -o $@
endif
