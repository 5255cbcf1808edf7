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
	    -e 's|](\(\(\.\./\)\{0,1\}[A-Za-z0-9_-]*\)\.md\([#)]\)|](\1.html\3|g' $< | \
	$(PANDOC) --from=markdown --to=html5 --standalone --mathml \
	  --metadata=lang=$(DERIVATIONS_LANG) "--variable=include-before=$(DERIVATIONS_TRANSLATION)" \
	  --metadata pagetitle="backprop: $$(sed -n '/^# /{s/^# //;p;q;}' $<)" -o $@
endif

## --- The Russian edition (issue 12, item 4) ------------------------------
## derivations/ru/: one translation per English document, the same file
## names, equation tags, Slides:/Function:/Test: lines and generated blocks
## (tests/check_derivations holds the two editions together).  Installed in
## $(docdir)/derivations/ru; its HTML pages are built by the rule above, and
## each page links to its translation (DERIVATIONS_TRANSLATION).
derivationsrudir = $(derivationsdir)/ru
DERIVATIONS_RU_MD = \
  derivations/ru/README.md \
  derivations/ru/00-numeric-check.md \
  derivations/ru/01-forward-pass.md \
  derivations/ru/02-cross-entropy-dL-dy.md \
  derivations/ru/03-chain-rule-dL-dv.md \
  derivations/ru/04-softmax-jacobian.md \
  derivations/ru/05-dL-du.md \
  derivations/ru/06-dL-db.md \
  derivations/ru/07-dL-dW.md \
  derivations/ru/08-reshape-and-dL-dx.md \
  derivations/ru/09-whole-chain.md \
  derivations/ru/10-simplification-y-minus-labels.md \
  derivations/ru/11-activations.md \
  derivations/ru/12-two-layer-network.md \
  derivations/ru/13-complex-step.md \
  derivations/ru/14-mini-batch.md \
  derivations/ru/errata.md
dist_derivationsru_DATA = $(DERIVATIONS_RU_MD)

# `make regen-derivations' rewrites the generated blocks of both editions.
regen-derivations: regen-derivations-ru
regen-derivations-ru: derivations/gen-examples$(EXEEXT)
	derivations/gen-examples$(EXEEXT) --lang ru --update $(srcdir)/derivations/ru
.PHONY: regen-derivations-ru

# A page's language and a link to its translation, at its top
# (derivations/X.html <-> derivations/ru/X.html); used by the rule above.
DERIVATIONS_LANG = $$(case '$@' in (*/ru/*) echo ru;; (*) echo en;; esac)
DERIVATIONS_TRANSLATION = $$(case '$@' in \
  (*/ru/*) printf '<p class="translation"><a href="../%s" hreflang="en" lang="en">English</a></p>' '$(@F)';; \
  (*) printf '<p class="translation"><a href="ru/%s" hreflang="ru" lang="ru">Русский</a></p>' '$(@F)';; \
  esac)

if HAVE_PANDOC
derivationsru_DATA = $(DERIVATIONS_RU_MD:.md=.html)
CLEANFILES += $(DERIVATIONS_RU_MD:.md=.html)
endif
