## tests/fuzz/local.mk -- fuzzing (filled in below)
