#!/bin/sh
# mutation-verdicts.sh -- tests/mutation.py's verdicts (issue 24): a
# mutant the compiler refuses is "not compiled", no kill, out of the
# score; a build out of time is no verdict (not cached); a cache entry
# of the old "killed [build]" is run again; a survivor of its covering
# test cases alone is "survived [cases]", in the score, confirmed by its
# whole suites only when asked; the direct rebuild compiles an object as
# make does.
srcdir=${srcdir:-.}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PYTHONDONTWRITEBYTECODE=1 exec python3 - "$srcdir/tests" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import mutation as m
err = ("src/lib/check/print.c: In function 'hint_factor':\n"
       "src/lib/check/print.c:143:44: error: expected ')' before ';' token\n")
v, by, ran = m.build_verdict("fail", err)
assert v == "not compiled" and ran == [], v
assert by == "build: src/lib/check/print.c:143:44: error: expected ')' before ';' token", by
v, by, _ = m.build_verdict("fail", "x.o: undefined reference to `bp_f'\n")
assert v == "not compiled" and "undefined reference" in by, (v, by)
assert m.build_verdict("timeout", "")[0] == "error"
assert m.cached_verdict({"verdict": "killed", "by": "build"}) is None
assert m.cached_verdict({"verdict": "killed", "by": "check_x fail (t)"}) == \
    ("killed", "check_x fail (t)")
assert m.cached_verdict({"verdict": "not compiled", "by": "build: e"}) == \
    ("not compiled", "build: e")
t = m.tally({"a": ("killed", "check_x fail"), "b": ("killed", "check_y fail"),
             "c": ("survived", ""), "d": ("not compiled", "build: e"),
             "e": ("survived", ""), "f": ("equivalent", "same object code")}, {"e"})
assert (t["killed"], t["survived"], t["reviewed"], t["not compiled"], t["equivalent"],
        t["tried"]) == (2, 1, 1, 1, 1, 3), t
assert abs(t["score"] - 200.0 / 3) < 1e-9, t
# a survivor of the test cases that execute its line, its suites not run
# whole: a survivor in the score, counted apart; reviewed ones as reviewed
U = m.UNCONFIRMED
t = m.tally({"a": ("killed", "check_x fail"), "b": (U, "1 case(s) of check_x"),
             "c": ("survived", ""), "d": (U, "2 case(s) of check_y")}, {"d"})
assert (t["killed"], t["survived"], t["unconfirmed"], t["reviewed"], t["tried"]) == \
    (1, 1, 1, 1, 3), t
assert abs(t["score"] - 100.0 / 3) < 1e-9, t
assert m.cached_verdict({"verdict": U, "by": "1 case(s) of check_x"})[0] == U
# the phases: by line, the whole suites (rest) only with --confirm; a
# cached unconfirmed entry confirmed by its whole suites alone; by file,
# the suites that cannot see the file still run
cases, whole = [("tests/check_x", "c1")], [("tests/check_x", None)]
assert m.phases_of(cases, whole, True, False, False) == (cases, [], True)
assert m.phases_of(cases, whole, True, True, False) == (cases, whole, False)
assert m.phases_of(cases, whole, True, True, True) == (whole, [], False)
assert m.phases_of(whole, [], True, False, False) == (whole, [], False)
other = [("tests/check_y", None)]
assert m.phases_of(whole, other, False, False, False) == (whole, other, False)
print("PASS: mutation.py's verdicts")

# The direct rebuild's compiler command, read from make, builds print.c
# (-DLOCALEDIR='"DIR"': read through echo it lost its quotes, and every
# print.c mutant failed to compile) into the object make built.  In a
# tree built in the source tree, as make mutation wants.
import os, tempfile
obj = "src/lib/check/.libs/print.o"
if not (os.path.exists("src/lib/check/print.c") and os.path.exists(obj)):
    print("SKIP: the direct rebuild (not a tree built in its source tree)")
    sys.exit(77)
d = m.Direct(".")
assert d.compile and d.link, "the library's compile and link commands not found"
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "print.o")
    r, log = m.run(d.compile + ["-c", "src/lib/check/print.c", "-fPIC", "-DPIC", "-o", out],
                   ".", m.make_env(), 600)
    assert r == "ok", log[-2000:]
    assert m.object_code(out) == m.object_code(obj), "the direct build of print.c differs"
print("PASS: the direct rebuild's compile of print.c")
PY
