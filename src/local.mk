## src/local.mk -- three floors, each in a folder of its own:
##   src/lib/      the library libbackprop: the formulas, the checker,
##                 the files it reads and writes, the training loops;
##                 its public headers are backprop.h and src/backprop/;
##   src/verify/   the harness of `backprop verify' (the seeded example
##                 points and the table of rows), not installed;
##   src/cli/      the program `backprop'.

include_HEADERS += src/backprop.h

include src/lib/local.mk
include src/verify/local.mk
include src/cli/local.mk
