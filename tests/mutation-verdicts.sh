#!/bin/sh
# mutation-verdicts.sh -- tests/mutation.py's verdicts (issue 24): a
# mutant the compiler refuses is "not compiled", no kill, out of the
# score; a build out of time is no verdict (not cached); a cache entry
# of the old "killed [build]" is run again; a survivor of its covering
# test cases alone is "survived [cases]", in the score, confirmed by its
# whole suites only when asked; a cached kill is re-witnessed by its test
# case, and judged afresh when that case passes; an equivalent entry may
# name its function; the direct rebuild compiles an object as make does;
# a loop is judged by CPU time (a starved suite is no verdict, a hung one
# a kill), the suite's processes and the children they reaped sharing one
# budget; a survivor's -O2 check is bounded in CPU; a survivor is keyed
# by the code its covering test cases run.
srcdir=${srcdir:-.}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PYTHONDONTWRITEBYTECODE=1 exec python3 - "$srcdir/tests" <<'PY'
import sys
import threading
import time
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

# A kill is keyed by the mutated code and re-witnessed: a cached kill
# whose mutated objects are unchanged but whose witness's suite changed is
# "recheck" (its witness case first, then the plan); a survivor's entry
# with any file changed is judged afresh (None).
class H(dict):
    def valid(self, deps):
        return all(self.get(f) == h for f, h in deps.items())
h = H({"obj:a.c": "A", "bin:tests/check_x": "X2", "obj:b.c": "B"})
own = {"obj:a.c"}
S = {"tests/check_x", "tests/check_y"}
kill = {"verdict": "killed", "by": "check_x fail (test_t)", "deps": {"obj:a.c": "A"},
        "witness": ["tests/check_x", "c1"], "witness_deps": {"bin:tests/check_x": "X1"}}
assert m.reuse(kill, own, h, S) == "recheck"
assert m.reuse(dict(kill, witness_deps={"bin:tests/check_x": "X2"}), own, h, S) == "valid"
assert m.reuse(dict(kill, deps={"obj:a.c": "A0"}), own, h, S) is None
assert m.reuse(kill, own, h, {"tests/check_y"}) is None    # its suite is gone
assert m.reuse(kill, {"obj:a.c", "obj:b.c"}, h, S) is None  # a new owner
old = {"verdict": "killed", "by": "check_x fail (test_t)",
       "deps": {"obj:a.c": "A", "bin:tests/check_x": "X1"}}
assert m.reuse(old, own, h, S) == "recheck"
assert m.witness_of(old)[0] == "tests/check_x"
assert m.witness_of(kill) == ("tests/check_x", "c1")
surv = {"verdict": "survived", "by": "", "deps": {"obj:a.c": "A", "bin:tests/check_x": "X1"}}
assert m.reuse(surv, own, h, S) is None
assert m.reuse(dict(surv, deps={"obj:a.c": "A", "obj:b.c": "B"}), own, h, S) == "valid"
w, c1, c2 = ("tests/check_x", "c1"), ("tests/check_y", "d"), ("tests/check_x", None)
assert m.witness_first(w, [c1, w], [c2]) == ([w, c1], [c2])
assert m.witness_first(None, [c1], [c2]) == ([c1], [c2])

# judge() on a tree of its own: a make that builds nothing and two suites
# of one test case each, which fail when src/lib/x.c holds their marker.
# The witness case (check_x's) passes on the mutant now; the plan's next
# case (check_y's) kills it, and is the new witness.  With no marker
# left, the mutant survives both: a witness that no longer kills is no
# kill.
import os, signal, stat, subprocess, tempfile
SUITE = """#!/bin/sh
if grep -q %s src/lib/x.c; then r="not ok"; else r="ok"; fi
echo "$r 1 - %s.c:$CK_RUN_CASE:test_%s: out"
[ "$r" = ok ]
"""
with tempfile.TemporaryDirectory() as tree:
    os.makedirs(os.path.join(tree, "src/lib"))
    os.makedirs(os.path.join(tree, "tests"))
    with open(os.path.join(tree, "Makefile"), "w") as f:
        f.write("src/lib/libbackprop.la:\n\t@:\n")
    for name, marker in (("check_x", "XKILLS"), ("check_y", "YKILLS")):
        p = os.path.join(tree, "tests", name)
        with open(p, "w") as f:
            f.write(SUITE % (marker, name, name))
        os.chmod(p, stat.S_IRWXU)
    lim = {"tests/check_x": 60.0, "tests/check_y": 60.0}
    for text, want in (("int f = 1;  /* YKILLS */\n", ("killed", "tests/check_y")),
                       ("int f = 1;\n", ("survived", None))):
        with open(os.path.join(tree, "src/lib/x.c"), "w") as f:
            f.write(text)
        mu = m.Mutant("constant", "src/lib/x.c", 0, "int f = 1;", "int f = 2;", None, 0)
        first, rest = m.witness_first(("tests/check_x", "c1"), [("tests/check_y", "d")], [])
        prof = {}
        v, by, ran = m.judge(tree, mu, first, rest, lim, {}, set(), None, prof)
        assert (v, prof.get("witness", [None])[0]) == want, (v, by, prof)
        assert ran == (["tests/check_y"] if v == "killed" else ["tests/check_x", "tests/check_y"])
        assert open(os.path.join(tree, "src/lib/x.c")).read() == text

    # a survivor of its -O0 build whose -O2 code is the original's is
    # equivalent (a direct build that changes nothing, its optimized()
    # telling -O2's verdict)
    class Same:
        link, MUTANT_OPT = "true", ["-O0"]

        def __init__(self, same):
            self.same, self.opts = same, []

        def prepare(self, tree):
            return True

        def original(self, tree, src):
            return "A"

        def build(self, tree, owners, saved, prof=None, opt=None):
            self.opts.append(opt)
            return "ok", ""

        def build_static(self, tree, owners, suites, saved, prof=None, opt=None):
            self.opts.append(opt)
            return "ok", ""

        def opt(self, opt):
            return self.MUTANT_OPT if opt is None else opt

        def code_of(self, tree, src, opt):
            self.opts.append(opt)
            return "B"   # the mutant's -O0 code: not the original's

        def optimized(self, tree, owners, code):
            return self.same
    for same, want in ((True, "equivalent"), (False, "survived")):
        v, by, _ = m.judge(tree, mu, [("tests/check_x", "c1")], [], lim, {}, {"src/lib/x.c"},
                           Same(same), {})
        assert v == want, (same, v, by)
    # --confirm-o2: the mutant built at the library's own flags ([]) and
    # its code compared with make's objects (code), not the -O0 original
    d = Same(False)
    v, by, _ = m.judge(tree, mu, [("tests/check_x", "c1")], [], lim, {"src/lib/x.c": "B"},
                       {"src/lib/x.c"}, d, {}, [])
    assert (v, d.opts) == ("equivalent", [[], []]), (v, by, d.opts)
    d = Same(False)
    v, by, _ = m.judge(tree, mu, [("tests/check_x", "c1")], [], lim, {"src/lib/x.c": "C"},
                       {"src/lib/x.c"}, d, {}, [])
    assert (v, d.opts) == ("survived", [[], []]), (v, by, d.opts)
print("PASS: a cached kill is re-witnessed, and judged afresh when its witness passes")

# Loops are judged by CPU time (issue 24, session 11): a mutant's suite
# runs with RLIMIT_CPU, which each process it forks inherits with its own
# count.  A test that loops is killed by SIGXCPU ("cpu-limit", a kill); a
# suite stopped (SIGSTOP: starved of CPU) past the wall-clock backstop has
# no verdict ("error": not cached); one asleep for good ("hang") is a
# kill.  Check's message for a test killed by a signal, from the status
# of the forked test itself.
FAKE = {
    "loop": '( while :; do :; done ); s=$?\n'
            'echo "not ok 1 - x.c:c:test_loop: (after this point) Received signal '
            '$((s - 128))"; exit 1\n',
    "stop": 'kill -STOP $$\necho "ok 1 - x.c:c:test_stop: Passed"\n',
    "sleep": 'sleep 1000\necho "ok 1 - x.c:c:test_sleep: Passed"\n',
    "ok": 'echo "ok 1 - x.c:c:test_ok: Passed"\n',
}
m.WALL_BACKSTOP = 10.0
with tempfile.TemporaryDirectory() as tree:
    os.makedirs(os.path.join(tree, "tests"))
    for name, body in FAKE.items():
        p = os.path.join(tree, "tests", name)
        with open(p, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(p, stat.S_IRWXU)
    runs = {name: m.run_suite(tree, "tests/" + name, 1.0, cpu=True) for name in FAKE}
    got = {name: r for name, (r, _) in runs.items()}
    assert got == {"loop": "cpu-limit", "stop": "error", "sleep": "hang", "ok": "ok"}, got
    # the loop ended by its own CPU limit, not by the backstop
    assert "Received signal %d" % signal.SIGXCPU in runs["loop"][1], runs["loop"]
    # judge(): a CPU-limit kill is a kill, a starved suite no verdict
    with open(os.path.join(tree, "Makefile"), "w") as f:
        f.write("src/lib/libbackprop.la:\n\t@:\n")
    os.makedirs(os.path.join(tree, "src/lib"))
    with open(os.path.join(tree, "src/lib/x.c"), "w") as f:
        f.write("int f = 1;\n")
    mu = m.Mutant("constant", "src/lib/x.c", 0, "int f = 1;", "int f = 2;", None, 0)
    lim = {"tests/loop": 1.0, "tests/stop": 1.0}
    v = m.judge(tree, mu, [("tests/loop", None)], [], lim, {}, set())
    assert v[0] == "killed" and "cpu-limit" in v[1], v
    v = m.judge(tree, mu, [("tests/stop", None)], [], lim, {}, set())
    assert v[0] == "error", v
print("PASS: a loop is judged by CPU time; a starved suite is no kill, a hung one is")

# The CPU limit holds for the suite's session as a whole, the children its
# processes reaped included (session 14): twenty children of 0.5 s of CPU
# each, one after the other, each under the 1 s RLIMIT_CPU that every
# process gets afresh, are "cpu-limit" once they add up to 1 s (until
# session 13 the run went on: gradcheck.c:487's check_checker used 3,196
# s, a test at a time).  The backstop is made long: a loaded machine
# starving the suite must not give "error" here.
with tempfile.TemporaryDirectory() as tree:
    os.makedirs(os.path.join(tree, "tests"))
    p = os.path.join(tree, "tests", "spread")
    with open(p, "w") as f:
        f.write("#!/bin/sh\nfor i in $(seq 20); do %s -c 'import time\n"
                "t = time.process_time()\nwhile time.process_time() - t < 0.5: pass'; done\n"
                'echo "ok 1 - x.c:c:test_spread: Passed"\n' % sys.executable)
    os.chmod(p, stat.S_IRWXU)
    m.WALL_BACKSTOP = 120.0
    r, out = m.run_suite(tree, "tests/spread", 1.0, cpu=True)
    m.WALL_BACKSTOP = 10.0
    assert r == "cpu-limit" and "test_spread" not in out, (r, out)
print("PASS: a suite's processes share one CPU budget, reaped children included")

# A survivor's -O2 check compiles each of its objects within
# Direct.O2_CPU seconds of CPU; an object past it is dear for the rest of
# the run: no equivalence, no compile again (session 14: conv.c's 67 s of
# cc1 cost every Winograd survivor 400 to 800 s of wall time).  The
# "compiler" here loops, then leaves a mark it ran.
with tempfile.TemporaryDirectory() as tree:
    d = m.Direct.__new__(m.Direct)
    d.memo, d.lock, d.dear, d.O2_CPU = {}, threading.Lock(), set(), 1
    mark = os.path.join(tree, "ran")
    d.compile = ["sh", "-c", "touch %s; while :; do :; done" % mark, "cc"]
    os.makedirs(os.path.join(tree, "src/lib/.libs"))
    code = {"src/lib/x.c": "X"}
    t = time.time()
    assert not d.optimized(tree, ["src/lib/x.c"], code)
    assert d.dear == {"src/lib/x.c"} and os.path.exists(mark), d.dear
    os.remove(mark)
    assert not d.optimized(tree, ["src/lib/x.c"], code) and not os.path.exists(mark)
print("PASS: a survivor's -O2 check is bounded in CPU, a dear object not compiled again")

# A cached kill by "timeout" (a wall-clock limit, until session 10) is
# judged afresh.  A survivor by line keeps the test cases that executed
# its line (units) and is keyed by the code they execute: it stands while
# the coverage map names the same cases (None: the map cannot tell).
h = H({"obj:a.c": "A", "bin:tests/check_x": "X"})
tk = dict(kill, by="check_x timeout (test_t)", witness_deps={"bin:tests/check_x": "X"})
assert m.reuse(tk, own, h, S) is None
assert m.reuse(dict(tk, by="check_x cpu-limit (test_t)"), own, h, S) == "valid"
sv = {"verdict": U, "by": "1 case(s) of check_x", "units": [["tests/check_x", "c1"]],
      "deps": {"obj:a.c": "A", "bin:tests/check_x": "X"}}
assert m.reuse(sv, own, h, S, [("tests/check_x", "c1")]) == "valid"
assert m.reuse(sv, own, h, S, [("tests/check_x", "c1"), ("tests/check_y", None)]) is None
assert m.reuse(sv, own, h, S, None) is None
assert m.reuse(dict(sv, units=[]), own, h, S, []) == "valid"   # not covered, still
# the keys: the program, the objects whose lines ran (a header's: every
# object including it), and the objects whose data those name
g = m.Graph.__new__(m.Graph)
g.owners = {"a.c": {"a.c"}, "h.h": {"a.c", "c.c"}, "b.c": {"b.c"}, "d.c": {"d.c"}}
g.reads = {"a.c": {"d.c"}, "c.c": set(), "d.c": {"e.c"}}
assert g.executed_keys("tests/check_x", {"a.c": [3], "h.h": [1], "b.c": []}) == \
    ["prog:tests/check_x", "obj:a.c", "obj:c.c", "obj:d.c", "obj:e.c"]
# with the objects each run executed (their own counters), a header's
# line charges only the objects that ran it
assert g.executed_keys("tests/check_x", {"a.c": [3], "h.h": [1]}, ["a.c"]) == \
    ["prog:tests/check_x", "obj:a.c", "obj:d.c", "obj:e.c"]
# nm: a table of data one object defines and another reads
with tempfile.TemporaryDirectory() as d:
    for name, text in (("t.c", "const int row[2] = {1, 2};\nint var;\nint fn (void) { return 0; }\n"),):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        r = subprocess.run(["cc", "-c", "-o", os.path.join(d, "t.o"), os.path.join(d, name)])
        assert r.returncode == 0
    assert sorted(m.nm_data(os.path.join(d, "t.o"))) == ["row", "var"], m.nm_data(os.path.join(d, "t.o"))
print("PASS: a survivor is keyed by the code its covering cases execute")

# The objects a run executed, from each object's own counters (session
# 12): two objects include a header with inline code, and only one of
# them runs it; a third is never called.  The map must name every object
# that ran (the two whose code executed: a survivor kept after a change
# to either is wrong) and only those (a change to the third keeps it).
with tempfile.TemporaryDirectory() as tree:
    lib = os.path.join(tree, "src/lib")
    os.makedirs(os.path.join(lib, ".libs"))
    texts = {"h.h": "static inline int h (int x) { return x + 1; }\n",
             "a.c": '#include "h.h"\nint a (int x) { return h (x); }\n',
             "b.c": '#include "h.h"\nint a (int);\nint b (int x) { return a (x) * 2; }\n'
                    "int main (void) { return b (1) - 4; }\n",
             "c.c": '#include "h.h"\nint c (int x) { return h (x) - 1; }\n'}
    for name, text in texts.items():
        with open(os.path.join(lib, name), "w") as f:
            f.write(text)
    objs = []
    for name, obj in (("a.c", ".libs/a.o"), ("b.c", "b.o"), ("c.c", ".libs/c.o")):
        objs.append("src/lib/" + obj)
        r = subprocess.run(["cc", "--coverage", "-O0", "-c", "src/lib/" + name, "-o",
                            "src/lib/" + obj], cwd=tree)
        assert r.returncode == 0
    assert subprocess.run(["cc", "--coverage", "-o", "p"] + objs, cwd=tree).returncode == 0
    assert subprocess.run([os.path.join(tree, "p")], cwd=tree).returncode == 0
    ran = set()
    lines = m.gcov_lines(tree, ran, {"src/lib/a.c", "src/lib/b.c", "src/lib/c.c"})
    assert ran == {"src/lib/a.c", "src/lib/b.c"}, ran
    assert lines["src/lib/h.h"][0] == {1}, lines["src/lib/h.h"]
    # an object that ran and is not the library's: unknown, keyed by file;
    # a program's own object of a library source (PROGRAM-x.o), that source
    ran = set()
    m.gcov_lines(tree, ran, {"src/lib/a.c"})
    assert None in ran, ran
    os.rename(os.path.join(lib, "b.gcda"), os.path.join(lib, "prog-b.gcda"))
    os.rename(os.path.join(lib, "b.gcno"), os.path.join(lib, "prog-b.gcno"))
    ran = set()
    m.gcov_lines(tree, ran, {"src/lib/a.c", "src/lib/b.c"})
    assert ran == {"src/lib/a.c", "src/lib/b.c"}, ran
    # a survivor of a case that ran those lines and objects, after a
    # change to each object: kept only while every object it ran is the same
    g = m.Graph.__new__(m.Graph)
    g.owners = {"src/lib/a.c": {"src/lib/a.c"}, "src/lib/b.c": {"src/lib/b.c"},
                "src/lib/c.c": {"src/lib/c.c"},
                "src/lib/h.h": {"src/lib/a.c", "src/lib/b.c", "src/lib/c.c"}}
    g.reads = {}
    cov = m.Coverage.__new__(m.Coverage)
    cov.graph = g
    per = {f: sorted(a) for f, (a, _) in lines.items() if a}
    e = {"deps": {}, "lines": per, "cases": {"c1": per}}
    e["objects"] = {"suite": ["src/lib/a.c", "src/lib/b.c"],
                    "cases": {"c1": ["src/lib/a.c", "src/lib/b.c"]},
                    "for": m.Coverage.signature(e)}
    cov.data = {"suites": {"tests/check_x": e}}
    units = [("tests/check_x", "c1")]
    code = {"obj:src/lib/a.c": "A", "obj:src/lib/b.c": "B", "obj:src/lib/c.c": "C",
            "prog:tests/check_x": "P"}
    keys = cov.unit_keys(units)
    sv = {"verdict": U, "by": "1 case(s) of check_x", "units": [list(u) for u in units],
          "deps": {k: code[k] for k in keys}}
    for changed, kept in (("obj:src/lib/a.c", False), ("obj:src/lib/b.c", False),
                          ("prog:tests/check_x", False), ("obj:src/lib/c.c", True)):
        assert (m.reuse(sv, set(), H(code, **{changed: "new"}), S, units) == "valid") == kept, \
            (changed, keys)
    # the objects of one run mixed with the lines of another (a merge of
    # two maps by key): not trusted, the suite measured again
    e["lines"] = {"src/lib/c.c": [2]}
    assert cov.objects_of("tests/check_x") is None and not cov.measured("tests/check_x")
    assert cov.unit_keys([("tests/check_x", None)]) == ["obj:src/lib/c.c", "prog:tests/check_x"]

# A suite's own code ("prog:"): its objects and its helpers' archives,
# not the library's (a -static program holds it; its executed objects are
# keyed one by one)
with tempfile.TemporaryDirectory() as tree:
    for f in ("tests/check_x.o", "tests/.libs/libtestutil.a", "src/lib/.libs/libbackprop.a"):
        os.makedirs(os.path.join(tree, os.path.dirname(f)), exist_ok=True)
        open(os.path.join(tree, f), "w").close()
    with open(os.path.join(tree, "Makefile"), "w") as f:
        f.write("tests_check_x_OBJECTS = tests/check_x.o\n"
                "tests_check_x_DEPENDENCIES = tests/libtestutil.la src/lib/libbackprop.la\n")
    here = os.getcwd()
    os.chdir(tree)
    try:
        own = m.program_objects(["tests/check_x", "tests/check_y"])
    finally:
        os.chdir(here)
    assert own == {"tests/check_x": ["tests/.libs/libtestutil.a", "tests/check_x.o"]}, own
print("PASS: a survivor is keyed by the objects its cases ran, a program by its own code")

# An entry of the reviewed equivalent may name the function: FILE:FUNCTION
# matches the line's text in that function only (net.c's block loop is in
# three functions, two of them equivalent).
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "f.c")
    with open(src, "w") as f:
        f.write("int\nalpha (int n)\n{\n  for (int k = 0; k < n; k++)\n    n--;\n"
                "  return n;\n}\n\nint\nbeta (int n)\n{\n  for (int k = 0; k < n; k++)\n"
                "    n--;\n  return n;\n}\n")
    eq = os.path.join(d, "eq.txt")
    with open(eq, "w") as f:
        f.write("# c\n%s:alpha\tfor (int k = 0; k < n; k++)\tfor (int k = 0; k <= n; k++)"
                "\tbecause\n" % src)
    rv = m.read_equivalent(eq)
    le = [x for x in m.generate([src]) if "<=" in x.new]
    assert [(x.line, x.func) for x in le] == [(4, "alpha"), (12, "beta")], \
        [(x.line, x.func) for x in le]
    assert [m.reviewed_why(rv, x) for x in le] == ["because", None]
    with open(eq, "w") as f:
        f.write("%s\tfor (int k = 0; k < n; k++)\tfor (int k = 0; k <= n; k++)\tall\n" % src)
    rv = m.read_equivalent(eq)
    assert [m.reviewed_why(rv, x) for x in le] == ["all", "all"]
print("PASS: a reviewed equivalent entry names its function")

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
# a mutant is compiled at -O0 and compared with the original at -O0; a
# survivor's -O2 code with make's
o0 = d.original(".", "src/lib/check/print.c")
assert o0 and o0 != m.object_code(obj), "print.c at -O0 is its -O2 code"
assert d.optimized(".", ["src/lib/check/print.c"], {"src/lib/check/print.c": m.object_code(obj)})
print("PASS: the direct rebuild's compile of print.c")

# A suite program holds the tree's path (BP_TEST_DATA_DIR): its code is
# hashed with the path made a fixed word, so that a result carries to a
# clone at another path.  The same program with the path changed (same
# length) hashes the same.
top = os.path.abspath(".")
prog = next((p for p in ("tests/.libs/check_api", "tests/check_api", "tests/.libs/check_checker")
             if os.path.exists(p) and not m.is_wrapper(p)), None)
if prog and top.encode() in open(prog, "rb").read():
    other = top[:-1] + ("x" if top[-1] != "x" else "y")
    with tempfile.TemporaryDirectory() as tmp:
        moved = os.path.join(tmp, "prog")
        with open(moved, "wb") as f:
            f.write(open(prog, "rb").read().replace(top.encode(), other.encode()))
        assert m.object_code(moved) != m.object_code(prog)
        assert m.object_code(moved, other) == m.object_code(prog, top)
    print("PASS: a suite's code is hashed without the tree's path")

# ... and without its length: the test helpers compiled for two clones at
# paths of different lengths have the same code (testutil.c holds the
# path in an array of fixed size; in a string of its own, every datum
# after it moved)
r = subprocess.run(["make", "-s", "--eval", "x: ; $(info $(CC) $(DEFS) $(DEFAULT_INCLUDES) "
                    "$(INCLUDES) $(AM_CPPFLAGS) $(CPPFLAGS) $(tests_libtestutil_la_CFLAGS) "
                    "$(CFLAGS))@:", "x", "BP_TEST_DATA_CFLAGS="], env=m.make_env(),
                   stdout=subprocess.PIPE, universal_newlines=True)
cc = r.stdout.strip().split("\n")[-1].split() if r.returncode == 0 else []
assert cc, "the test helpers' compile command not found"
with tempfile.TemporaryDirectory() as tmp:
    codes = []
    for clone in ("/work/h1", "/work/a-clone-at-a-longer-path"):
        out = os.path.join(tmp, "testutil.o")
        r = subprocess.run(cc + ['-DBP_TEST_DATA_DIR="%s/tests/data"' % clone, "-c",
                                 os.path.join(sys.argv[1], "testutil.c"), "-o", out])
        assert r.returncode == 0
        codes.append(m.object_code(out, clone))
    assert codes[0] == codes[1], "the test helpers' code depends on the path's length"
print("PASS: a suite's code is hashed without the tree's path and its length")
PY
