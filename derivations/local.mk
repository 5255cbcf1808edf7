## derivations/local.mk
EXTRA_DIST += \
  derivations/11-activations.md \
  derivations/12-two-layer-network.md \
  derivations/13-complex-step.md
EXTRA_DIST += derivations/14-mini-batch.md
