## doc/local.mk -- the user manual and the man pages.

dist_doc_DATA += doc/manual.md doc/training.md doc/robustness.md doc/checker.md
dist_man_MANS += doc/backprop.1 doc/backprop.3
# The checker for users' code: one page, and a link for each function.
dist_man_MANS += doc/bp_gradcheck.3 doc/bp_gradcheck_options_default.3 \
  doc/bp_gradcheck_method_parse.3 doc/bp_gradcheck_fprintf.3 \
  doc/bp_gradcheck_result_free.3 doc/bp_gradcheck_verdict_name.3

# The manual's example ("Checking your own gradients"): installed to
# $(docdir)/examples, built and run by `make check' here and by
# `make installcheck' against the installed library (tests/local.mk).
exampledir = $(docdir)/examples
dist_example_DATA = doc/examples/check_layer.c
check_PROGRAMS += doc/examples/check_layer
doc_examples_check_layer_SOURCES = doc/examples/check_layer.c
doc_examples_check_layer_LDADD = src/lib/libbackprop.la $(GSL_LIBS)
TESTS += doc/examples/check_layer

# Section 3 for every public function (issue 20): doc/man3.sh writes a
# page per prototype of the installed headers into doc/man3/ at `make'
# (the headers are the pages' source: a page cannot drift from its
# prototype), beside the hand-written pages above, which it leaves alone.
# The pages' names come from the headers, so they are installed and
# uninstalled by the list doc/man3/stamp; tests/man3.sh checks that every
# exported function has its page, `make installcheck' reads one installed.
EXTRA_DIST += doc/man3.sh
all-local: doc/man3/stamp
doc/man3/stamp: $(pkginclude_HEADERS) $(srcdir)/doc/man3.sh
	$(AM_V_GEN)rm -rf doc/man3 && $(MKDIR_P) doc/man3 && \
	skip=`for f in $(dist_man_MANS); do case $$f in doc/bp_*.3) basename $$f .3;; esac; done`; \
	headers=`for h in $(pkginclude_HEADERS); do echo "$(abs_top_srcdir)/$$h"; done`; \
	(cd doc/man3 && BP_VERSION='$(VERSION)' BP_MAN3_SKIP="$$skip" \
	  $(SHELL) '$(abs_top_srcdir)/doc/man3.sh' $$headers) >doc/man3-list.tmp && \
	mv doc/man3-list.tmp doc/man3/stamp
install-data-local: install-man3-pages
install-man3-pages: doc/man3/stamp
	$(MKDIR_P) '$(DESTDIR)$(man3dir)'
	for n in `cat doc/man3/stamp`; do \
	  $(INSTALL_DATA) "doc/man3/$$n.3" "$(DESTDIR)$(man3dir)/$$n.3" || exit 1; \
	done
uninstall-local: uninstall-man3-pages
uninstall-man3-pages: doc/man3/stamp
	for n in `cat doc/man3/stamp`; do rm -f "$(DESTDIR)$(man3dir)/$$n.3"; done
installcheck-local: installcheck-man3
installcheck-man3:
	grep -q '^int bp_linear (const gsl_matrix \*W' "$(DESTDIR)$(man3dir)/bp_linear.3"
	if command -v man >/dev/null 2>&1; then \
	  MANPATH='$(DESTDIR)$(mandir)' man 3 bp_linear | grep -q 'int bp_linear (const gsl_matrix'; \
	fi
clean-local: man3-clean
man3-clean:
	rm -rf doc/man3 doc/man3-list.tmp
.PHONY: install-man3-pages uninstall-man3-pages installcheck-man3 man3-clean

# The manual as HTML (pandoc, as the derivations' pages), installed in
# $(docdir) beside the Markdown; tests/manual-html.sh checks its headings.
if HAVE_PANDOC
doc_DATA = doc/manual.html
CLEANFILES += doc/manual.html
doc/manual.html: $(srcdir)/doc/manual.md
	$(AM_V_GEN)$(MKDIR_P) doc && \
	$(PANDOC) --from=markdown --to=html5 --standalone --toc \
	  --metadata pagetitle='backprop: the manual' $(srcdir)/doc/manual.md > $@-t && \
	mv $@-t $@
endif
