## doc/local.mk
EXTRA_DIST += doc/training.md
