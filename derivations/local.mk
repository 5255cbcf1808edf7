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
  derivations/17-cnn.md \
  derivations/summary.md \
  derivations/glossary.md \
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
# docgen runs the CNN's internal chain (lib/formulas/cnn_chain.h): the
# static archive, with the BLAS the shared library uses (else GSL's own
# CBLAS gives other last bits in the documents' figures)
derivations_gen_examples_LDADD = derivations/libdocgen.la $(CBLAS_LIBS)
derivations_gen_examples_LDFLAGS = -static

# Rewrite the generated blocks of the documents in the source tree, after a
# change of the library or of derivations/docgen.c.
.PHONY: regen-derivations
regen-derivations: derivations/gen-examples$(EXEEXT)
	BP_SRCDIR=$(srcdir) derivations/gen-examples$(EXEEXT) --update $(srcdir)/derivations

# Figures: Graphviz sources, drawn into SVG at build time when `dot' is
# found (Debian package graphviz); shipped and installed with the pages.
derivationsfiguresdir = $(derivationsdir)/figures
DERIVATIONS_FIGURES = \
  derivations/figures/model-graph.dot \
  derivations/figures/mlp-graph.dot \
  derivations/figures/cnn-graph.dot
dist_derivationsfigures_DATA = $(DERIVATIONS_FIGURES)
if HAVE_DOT
derivationsfigures_DATA = $(DERIVATIONS_FIGURES:.dot=.svg)
CLEANFILES += $(DERIVATIONS_FIGURES:.dot=.svg)
SUFFIXES += .dot .svg
.dot.svg:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(DOT) -Tsvg -o $@ $<
endif

# The Russian edition's figures, derivations/ru/figures/*.svg: the same
# sources, their words put in Russian by the table derivations/figures/ru.sed
# (tests/figures-ru.sh fails on an English word left in them).
EXTRA_DIST += derivations/figures/ru.sed
derivationsrufiguresdir = $(derivationsdir)/ru/figures
DERIVATIONS_FIGURES_RU = \
  derivations/ru/figures/model-graph.svg \
  derivations/ru/figures/mlp-graph.svg \
  derivations/ru/figures/cnn-graph.svg
if HAVE_DOT
derivationsrufigures_DATA = $(DERIVATIONS_FIGURES_RU)
CLEANFILES += $(DERIVATIONS_FIGURES_RU)
derivations/ru/figures/model-graph.svg: derivations/figures/model-graph.dot
derivations/ru/figures/mlp-graph.svg: derivations/figures/mlp-graph.dot
derivations/ru/figures/cnn-graph.svg: derivations/figures/cnn-graph.dot
$(DERIVATIONS_FIGURES_RU): $(srcdir)/derivations/figures/ru.sed
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	sed -f $(srcdir)/derivations/figures/ru.sed \
	  $(srcdir)/derivations/figures/$$(basename $@ .svg).dot | $(DOT) -Tsvg -o $@-t && \
	mv $@-t $@
endif

# HTML pages, when pandoc is available: math as MathML (no script, no
# network), written for a real browser by the filter derivations/html.lua
# (upright operator names, equation tags, boxes that scroll, links to the
# pages, each function name with the file that defines it) and the style
# derivations/derivations.css (a math font; installed beside the pages).
EXTRA_DIST += derivations/html.lua
dist_derivations_DATA += derivations/derivations.css
if HAVE_PANDOC
derivations_DATA = $(DERIVATIONS_MD:.md=.html)
CLEANFILES += $(DERIVATIONS_MD:.md=.html) derivations/names.txt
SUFFIXES += .md .html

# Where each name is defined: "def bp_x src/lib/...c", "decl bp_x
# backprop/bp_y.h", "test test_z tests/check_w.c", read by html.lua.
derivations/names.txt: $(src_lib_libbackprop_la_SOURCES) $(pkginclude_HEADERS) $(include_HEADERS)
	$(AM_V_GEN)$(MKDIR_P) $(@D) && ( cd $(srcdir) && \
	for f in $(src_lib_libbackprop_la_SOURCES); do \
	  sed -n "s|^\(bp_[a-z0-9_]*\) (.*|def \1 $$f|p" $$f; done; \
	for f in $(pkginclude_HEADERS) $(include_HEADERS); do \
	  sed -n "s|^[a-z].*[ *]\(bp_[a-z0-9_]*\) (.*|decl \1 backprop/$${f##*/}|p" $$f; done; \
	for f in tests/*.c; do \
	  sed -n "s|^START_TEST (\(test_[A-Za-z0-9_]*\)).*|test \1 $$f|p" $$f; done ) > $@-t && \
	mv $@-t $@

HTML_DEPS = derivations/names.txt $(srcdir)/derivations/html.lua
if HAVE_DOT
HTML_DEPS += $(DERIVATIONS_FIGURES:.dot=.svg)
endif
$(DERIVATIONS_MD:.md=.html): $(HTML_DEPS)

# pandoc's MathML gives an operator name (\operatorname{Softmax}) the
# thick spaces of an unknown operator; the sed gives it TeX's thin one after.
# It writes \Big( as a non-stretchy operator of size "1.8", which Chromium
# (MathML Core: a size needs a unit, and only a stretchy operator takes it)
# draws at its normal size; the second sed makes it 1.8em tall.
.md.html:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	$(PANDOC) --from=markdown --to=html5 --standalone --mathml \
	  --lua-filter=$(srcdir)/derivations/html.lua \
	  --metadata names=derivations/names.txt \
	  --metadata figdir=$(DERIVATIONS_FIGDIR) \
	  --css=$(DERIVATIONS_UP)derivations.css \
	  --metadata=lang=$(DERIVATIONS_LANG) "--variable=include-before=$(DERIVATIONS_TRANSLATION)" \
	  --metadata pagetitle="backprop: $$(sed -n '/^# /{s/^# //;p;q;}' $<)" \
	  $< | sed -e 's|<mo>\([A-Za-z][A-Za-z]*\)</mo>|<mo lspace="0" rspace="0.1667em">\1</mo>|g' \
	  -e 's|minsize="\([0-9.]*\)" maxsize="\([0-9.]*\)" stretchy="false"|minsize="\1em" maxsize="\2em" stretchy="true"|g' \
	  > $@-t && mv $@-t $@
endif

## --- The Russian edition (issue 12, item 4) ------------------------------
## derivations/ru/: one translation per English document, the same file
## names, equation tags, Slides:/Function:/Test: lines and generated blocks
## (tests/check_derivations holds the two editions together).  Installed in
## $(docdir)/derivations/ru; its HTML pages are built by the rule above
## (with ../derivations.css), and each page links to its translation
## (DERIVATIONS_TRANSLATION).
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
  derivations/ru/15-convolution.md \
  derivations/ru/16-pooling.md \
  derivations/ru/17-cnn.md \
  derivations/ru/summary.md \
  derivations/ru/glossary.md \
  derivations/ru/errata.md
dist_derivationsru_DATA = $(DERIVATIONS_RU_MD)

# `make regen-derivations' rewrites the generated blocks of both editions.
regen-derivations: regen-derivations-ru
regen-derivations-ru: derivations/gen-examples$(EXEEXT)
	BP_SRCDIR=$(srcdir) derivations/gen-examples$(EXEEXT) --update $(srcdir)/derivations/ru
.PHONY: regen-derivations-ru

# A page's language and a link to its translation, at its top
# (derivations/X.html <-> derivations/ru/X.html); used by the rule above.
DERIVATIONS_LANG = $$(case '$@' in (*/ru/*) echo ru;; (*) echo en;; esac)
DERIVATIONS_UP = $$(case '$@' in (*/ru/*) echo ../;; esac)
DERIVATIONS_FIGDIR = $$(case '$@' in (*/ru/*) echo derivations/ru/figures;; (*) echo derivations/figures;; esac)
DERIVATIONS_TRANSLATION = $$(case '$@' in \
  (*/ru/*) printf '<p class="translation"><a href="../%s" hreflang="en" lang="en">English</a></p>' '$(@F)';; \
  (*) printf '<p class="translation"><a href="ru/%s" hreflang="ru" lang="ru">Русский</a></p>' '$(@F)';; \
  esac)

if HAVE_PANDOC
derivationsru_DATA = $(DERIVATIONS_RU_MD:.md=.html)
CLEANFILES += $(DERIVATIONS_RU_MD:.md=.html)
HTML_DEPS_RU = $(HTML_DEPS)
if HAVE_DOT
HTML_DEPS_RU += $(DERIVATIONS_FIGURES_RU)
endif
$(DERIVATIONS_RU_MD:.md=.html): $(HTML_DEPS_RU)
endif
