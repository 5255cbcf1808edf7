#!/usr/bin/env python3
"""po-marked.py POT: the messages of POT (xgettext's extraction of the
literals given straight to printf, fprintf, puts, fputs and snprintf as
the format, without _()) that a user reads: those with a word of three
letters or more, besides the program's and its commands' names and the
pieces of --json's output.  Prints each with its place; exit 1 if any."""
import re
import sys

NAMES = {"backprop", "train", "eval", "check", "verify", "BLAS", "theta", "mlp",
         "SIG", "ubyte", "idx", "txt", "pgm", "png", "classes"}
# what is written into files, not read as a message: curves.csv's header,
# the gnuplot script, the plots' file names, a PNG's tEXt keyword, JSON's
# null
FILE_CONTENT = ("epoch,train_loss,", "set ", "weights-", "Title%c", "null")
CONVERSION = r"%[-+ #0]*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|z|j|t|L)?[a-zA-Z%]"

found = 0
for block in open(sys.argv[1], encoding="utf-8").read().split("\n\n")[1:]:
    m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
    if not m:
        continue
    msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
    if re.search(r'\\":|^[{,\]\[]', msgid) or msgid.startswith(FILE_CONTENT):
        continue          # a piece of a JSON document or of a file
    words = re.findall(r"[A-Za-z]{3,}", re.sub(CONVERSION, " ", msgid))
    if any(w not in NAMES for w in words):
        places = " ".join(l[3:] for l in block.splitlines() if l.startswith("#: "))
        print("%s: %s" % (places, msgid))
        found += 1
sys.exit(1 if found else 0)
