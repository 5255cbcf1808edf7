## doc/local.mk -- the user manual and the man pages.

dist_doc_DATA += doc/manual.md doc/training.md
dist_man_MANS += doc/backprop.1 doc/backprop.3
