## derivations/local.mk
