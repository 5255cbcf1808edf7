## derivations/local.mk
EXTRA_DIST += derivations/11-mini-batch.md
