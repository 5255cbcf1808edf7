#!/usr/bin/env python3
"""mutation.py -- `make mutation': how many single-site mutants of the
library's sources the test suites kill (issues 14 and 24).

Each mutant changes one thing in one line of code -- an operator (+ -, * /,
< <=, > >=, == !=, && ||), a constant (0.0 1.0 2.0, 1 2 in arithmetic), a
transpose (CblasTrans CblasNoTrans), an index (i + 1, size1 size2) -- or is
one of the named mutants of issues 14 and 24.  A mutant is killed when a
suite fails, or one of its processes, or all of them together (the
children they reaped included), uses five times the suite's (or the
case's) clean time in CPU (at least 60 s: a loop; run_suite()).  One the compiler or the linker refuses is "not compiled": no
kill, reported apart and left out of the score; a build that runs out
of time is not cached (the next run tries the mutant again).

The files mutated: the library's C sources and the files under src/lib
their objects include (the compiler's .deps files): the templated
formulas' NAME_source.c, included by NAME.c once per arithmetic, and the
headers with inline code.  A mutant of an included file rebuilds every
object that includes it (make, from the same .deps), and its suites are
those that see any of these objects.

The source tree is never changed: each job works in its own copy of the
built tree (tests/mutation-work/N), changes the file there, rebuilds the
library and runs the suites against it.  When every suite to run uses the
shared library, the rebuild is the compiler on the mutated objects' PIC
objects and the shared library's link (the commands read once from make
and libtool --dry-run), the originals put back afterwards; otherwise make
(libtool compiles each object twice, archives all of them and relinks the
-static suites).  Interrupting the run (SIGINT or SIGTERM) lets the
mutants under way end, and loses nothing: the cache is written after
each mutant.

Which tests: the Check test cases that execute the mutated line, from one
build with --coverage (tests/mutation-work/cov) and one run of each test
case of each suite (CK_RUN_CASE; gcov's lines per case, --coverage FILE,
kept with the hashes of each suite's code); the suites that killed most
of the file's mutants so far first, then the quickest.  Each run reads
Check's TAP log (CK_TAP_LOG_FILE_NAME=-) as the tests end and stops at
the first failure.  When the cases all pass, the mutant is "survived
[cases]" (unconfirmed); with --confirm (MUTATION_CONFIRM=1) the whole of
their suites then runs to confirm it, and every cached "survived [cases]"
entry is confirmed the same way.  A line no suite executes is a survivor [not covered],
without a build.  Where coverage cannot tell (a line without code), the
suites that can see the mutated file first: a suite sees a library
object when the test program's undefined dynamic symbols (or, linked
-static, its defined ones) reach one the object defines, directly or
through other library objects (nm); the other suites only if they all
pass.

The mutated objects are compiled at -O0 (the same source semantics, a
fraction of the compile): equivalence by object code is judged against
the original at -O0, and a survivor's against make's -O2 objects.

The cache (--cache, tests/mutation-cache.json): one entry per mutant (its
file, the line's text before and after, the occurrence), with the verdict
and the SHA-1 of the code the verdict depends on, without debug sections
(objcopy --strip-debug): the library objects the mutated file is compiled
into, and for a survivor the programs of the suites whose test cases
execute its line, the library objects those cases execute and the ones
whose data those name (Graph.executed_keys; where coverage cannot tell,
every suite's program and the objects it reaches).  An entry whose code all still
hashes the same is reused: a change of a header or a comment that leaves
the code alone keeps the results, any other reruns exactly the mutants it
can affect.  A kill is kept with its witness (the suite and test case
that failed) and keyed by the mutated code alone: when the witness's
suite changed, the witness case runs first on the rebuilt mutant, and
the rest of the plan only if it passes (reuse()).
The unmutated suites' times and test cases and the coverage map are
cached the same way; a suite whose coverage is measured passes and is
timed in that run (at -O0), not run twice.

Usage: mutation.py --sources 'SRC...' --suites 'tests/check_x...' [-j N]
       [--cache FILE] [--report FILE] [--equivalent FILE] [--max N]
       [--only 'SUBSTRING...'] [--named] [--confirm] [--report-only]
Run from the top of a configured, built tree, built in the source tree
(make mutation does).  Writes the score and every survivor (file:line, the
change) to the report and prints it.
"""
import argparse
import fcntl
import glob
import hashlib
import json
import os
import queue
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

# (class, pattern, replacement): one mutant per match.
RULES = [
    ("operator", r"(?<=[\w)\]]) \+ (?=[\w(])", " - "),
    ("operator", r"(?<=[\w)\]]) - (?=[\w(])", " + "),
    ("operator", r"(?<=[\w)\]]) \* (?=[\w(])", " / "),
    ("operator", r"(?<=[\w)\]]) / (?=[\w(])", " * "),
    ("operator", r" < (?!=)", " <= "),
    ("operator", r" <= ", " < "),
    ("operator", r" > (?!=)", " >= "),
    ("operator", r" >= ", " > "),
    ("operator", r" == ", " != "),
    ("operator", r" != ", " == "),
    ("operator", r" && ", " || "),
    ("operator", r" \|\| ", " && "),
    ("constant", r"\b0\.0\b", "1.0"),
    ("constant", r"\b1\.0\b", "0.0"),
    ("constant", r"\b1\.0\b", "2.0"),
    ("constant", r"\b2\.0\b", "1.0"),
    ("constant", r"(?<=[-+*/] )1\b(?!\.)", "2"),
    ("constant", r"(?<=[-+*/] )2\b(?!\.)", "1"),
    ("transpose", r"\bCblasTrans\b", "CblasNoTrans"),
    ("transpose", r"\bCblasNoTrans\b", "CblasTrans"),
    ("index", r"\bsize1\b", "size2"),
    ("index", r"\bsize2\b", "size1"),
    ("index", r"\[(\w+)\]", r"[\1 + 1]"),
    ("index", r"\b([ijk]) \+ 1\b", r"\1"),
]

# The named survivors of issues 14 and 24, found by their text:
# (file, text, replacement, what).
NAMED = [
    ("src/lib/formulas/softmax.c", "gsl_blas_dgemv (CblasTrans, 1.0, J, dL_dy",
     "gsl_blas_dgemv (CblasNoTrans, 1.0, J, dL_dy", "bp_softmax_backward: J^T -> J"),
    ("src/lib/train/train.c", "return count / B + (count % B != 0);", "return count / B + 1;",
     "batches per epoch ceil(count/B) -> (count+B+1)/B's count/B + 1 at count = k B"),
    ("src/lib/formulas/mlp.c", "sqrt (1.0 / (double) net->H)", "1.0",
     "bp_mlp_randomize: W2's spread 1/sqrt(H) -> 1"),
    ("src/lib/check/rules.c", "*rel = diff / scale;", "*rel = diff;",
     "max_rel_err = diff/scale -> diff"),
    ("src/lib/check/gradcheck.c", "gsl_vector_scale (d, 1.0 / gsl_blas_dnrm2 (d));",
     ";", "directions not normalised"),
    ("src/lib/cmplx.h", "2 * i * v->stride", "2 * i / v->stride",
     "complex step: 2 i stride -> 2 i / stride"),
    ("src/lib/check/gradcheck.c", "return x > 0.0 && isfinite (x);",
     "return x >= 0.0 && isfinite (x);",
     "h > 0 -> h >= 0 (the one check of the step)"),
    # issue 24
    ("src/lib/check/hints.c", "for (size_t i = 0; i < b->analytic->size1; i++)\n"
     "    for (size_t j = 0; j < b->analytic->size2; j++)\n"
     "      if (bad (b, i, j) && !near (A (i, j), E (j, i)",
     "for (size_t i = 1; i < b->analytic->size1; i++)\n"
     "    for (size_t j = 0; j < b->analytic->size2; j++)\n"
     "      if (bad (b, i, j) && !near (A (i, j), E (j, i)",
     "the transpose hint's test from row 1"),
    ("src/lib/check/hints.c", "for (long s = 1; s >= -1 && n_bad >= 2; s -= 2)",
     "for (long s = 1; s >= 1 && n_bad >= 2; s -= 2)", "the shift hint tries s = +1 only"),
    ("src/lib/check/print.c", "b->factor, b->factor, 1.0 / b->factor", "b->factor, b->factor, b->factor",
     "the printed reciprocal of the factor"),
    ("src/lib/train/train.c", "a0 <= b1", "a0 < b1", "the aliasing test: spans sharing one element"),
    ("src/lib/check/gradcheck.c",
     "w->pt.is_base = 1;   /* the blocks stay at theta + t d",
     "w->pt.is_base = 0;   /* the blocks stay at theta + t d",
     "is_base after a directional evaluation"),
    ("src/lib/formulas/conv_batch_source.c", "HoWo = out_height (s) * out_width (s), k = s->k;\n"
     "  if (dL_dY->size1 != s->channels_out",
     "HoWo = out_width (s), k = s->k;\n  if (dL_dY->size1 != s->channels_out",
     "bp_batch_conv_grad_weights: dL/dY's width Ho Wo -> Wo"),
]


def code_lines(text):
    """Indices of the lines that are code: not comments, preprocessor lines,
    error messages or asserts (and generate() leaves string literals
    alone)."""
    out, in_comment = [], False
    for k, line in enumerate(text.split("\n")):
        s = line.strip()
        if in_comment:
            if "*/" in s:
                in_comment = False
            continue
        if s.startswith("/*"):
            in_comment = "*/" not in s
            continue
        if (not s or s.startswith("#") or s.startswith("//") or "GSL_ERROR" in s
                or s.startswith('"') or "assert" in s or s.startswith("*")):
            continue
        out.append(k)
    return out


def sha1(data):
    return hashlib.sha1(data.encode() if isinstance(data, str) else data).hexdigest()


class Mutant:
    """One mutant: path, the original text's offset and length, the new
    text; key names it in the cache independently of its line number."""

    def __init__(self, cls, path, pos, old, new, what, nth):
        self.cls, self.path, self.pos, self.old, self.new = cls, path, pos, old, new
        self.what = what
        self.key = "%s|%s|%s|%s|%d" % (cls, path, sha1(old), sha1(new), nth)
        self.line = 0
        self.where = path
        self.change = what or ""
        self.func = None   # the enclosing function's name (functions())


FUNCTION = re.compile(r"^([A-Za-z_]\w*) \(")


def functions(lines):
    """The name of the function each line is in: the nearest line above, at
    column 0, of the form 'NAME (' (a definition in GNU style), or None."""
    out, cur = [], None
    for ln in lines:
        m = FUNCTION.match(ln)
        if m:
            cur = m.group(1)
        out.append(cur)
    return out


def generate(sources):
    mutants = []
    for path in sources:
        text = open(path).read()
        lines = text.split("\n")
        starts = [0]
        for ln in lines:
            starts.append(starts[-1] + len(ln) + 1)
        seen, func = {}, functions(lines)
        for k in code_lines(text):
            line = lines[k].split("/*")[0]
            strings = [q.span() for q in re.finditer(r'"(?:\\.|[^"\\])*"', line)]
            for cls, pat, rep in RULES:
                for m in re.finditer(pat, line):
                    new = line[:m.start()] + m.expand(rep) + line[m.end():]
                    if new == line or any(a < m.end() and m.start() < b for a, b in strings):
                        continue   # no change, or a change of a message's text
                    nth = seen.get((lines[k], new), 0)
                    seen[(lines[k], new)] = nth + 1
                    mu = Mutant(cls, path, starts[k], lines[k],
                                new + lines[k][len(line):], None, nth)
                    mu.line = k + 1
                    mu.func = func[k]
                    mu.where = "%s:%d" % (path, k + 1)
                    mu.change = "%s: %s  ->  %s" % (cls, lines[k].strip(), mu.new.strip())
                    mutants.append(mu)
    return mutants


def named():
    out, seen = [], {}
    for path, old, new, what in NAMED:
        nth = seen.get((path, old), 0)   # the second h > 0 is the Jacobian's
        seen[(path, old)] = nth + 1
        pos = -1
        if os.path.exists(path):
            text = open(path).read()
            for _ in range(nth + 1):
                pos = text.find(old, pos + 1)
                if pos < 0:
                    break
        mu = Mutant("named", path, pos, old, new, what, nth)
        if pos >= 0:
            mu.line = text[:pos].count("\n") + 1
            mu.func = functions(text.split("\n"))[mu.line - 1]
            mu.where = "%s:%d" % (path, mu.line)
        mu.change = "%s: %r -> %r" % (what, old, new)
        out.append(mu)
    return out


# --- what each suite sees and depends on, from the build --------------------

def nm(args, path):
    r = subprocess.run(["nm"] + args + [path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    return [ln.split()[-1] for ln in r.stdout.split("\n") if ln.strip()]


def nm_data(path):
    """The global data symbols an object defines (nm's D, R, B, C, G, S)."""
    r = subprocess.run(["nm", "-g", "--defined-only", path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    return [f[2] for f in (ln.split() for ln in r.stdout.split("\n"))
            if len(f) == 3 and f[1] in "DRBCGS"]


def lib_object(src):
    d, f = os.path.split(src)
    return os.path.join(d, ".libs", os.path.splitext(f)[0] + ".o")


def dep_files(depfile):
    """The tree's files (not the system's) a .deps file names."""
    if not os.path.exists(depfile):
        return []
    text = open(depfile).read().replace("\\\n", " ")
    out = []
    for ln in text.split("\n"):
        if ":" not in ln or ln.startswith("\t"):
            continue
        for tok in ln.split(":", 1)[1].split():
            if not os.path.isabs(tok) and os.path.exists(tok):
                out.append(os.path.normpath(tok))
    return out


def lib_depfile(src):
    d, f = os.path.split(src)
    return os.path.join(d, ".deps", os.path.splitext(f)[0] + ".Plo")


def included(sources):
    """The library's own files (under src/lib) the objects of sources
    include, from their .deps files: the templated formulas' NAME_source.c
    (included by NAME.c once per arithmetic, not compiled on their own)
    and the headers with inline code."""
    return sorted({f for s in sources for f in dep_files(lib_depfile(s))
                   if f.startswith("src/lib/") and f not in sources})


class Graph:
    def __init__(self, sources, suites):
        # owners[f]: the objects (by their source) a change of f rebuilds
        self.owners = {s: {s} for s in sources}
        for s in sources:
            for f in dep_files(lib_depfile(s)):
                self.owners.setdefault(f, set()).add(s)
        self.defines, self.needs = {}, {}
        for s in sources:
            o = lib_object(s)
            self.defines[s] = set(nm(["-g", "--defined-only"], o))
            self.needs[s] = set(nm(["-u"], o))
        self.by_symbol = {}
        for s, syms in self.defines.items():
            for y in syms:
                self.by_symbol[y] = s
        # reads[s]: the other objects whose data (nm: D, R, B, C, G, S: a
        # type table row, say) s names; their change reaches s's callers
        # without any of their code running
        data = {y for s in sources for y in nm_data(lib_object(s))}
        self.reads = {s: {self.by_symbol[y] for y in self.needs[s]
                          if y in data and y in self.by_symbol} - {s} for s in sources}
        # the test helpers every suite links (TEST_LDADD's convenience libraries)
        helpers = sorted(glob.glob("tests/.deps/*.Plo") + glob.glob("src/verify/.deps/*.Plo"))
        self.helper_files = sorted({f for d in helpers for f in dep_files(d)})
        self.sees, self.files, self.keys = {}, {}, {}
        for t in suites:
            name = os.path.basename(t)
            binary = os.path.join("tests", ".libs", name)
            if os.path.exists(binary):
                seen = self.reach(set(nm(["-D", "--undefined-only"], binary)))
            else:   # linked -static: the library's objects it holds
                seen = self.reach(set(nm(["-g", "--defined-only"], t)))
            self.sees[t] = seen
            own = glob.glob("tests/.deps/%s-*.Po" % name) + glob.glob("tests/.deps/%s.Po" % name)
            files = set(self.helper_files)
            for d in own:
                files.update(dep_files(d))
            for s in seen:
                files.update(dep_files(lib_depfile(s)))
                files.add(s)
            self.files[t] = sorted(files)
            # what its results depend on: its program's code (the test
            # helpers linked in) and the code of the library objects it
            # reaches, compared without debug sections (Hashes)
            self.keys[t] = ["bin:" + t] + ["obj:" + o for o in sorted(seen)]
        self.own = program_objects(suites)

    def executed_keys(self, suite, lines, objects=None):
        """What the results of a run of suite that executed lines ({file:
        lines}, its coverage) depend on: its program's own code ("prog:":
        its objects and the test helpers', not the library a -static one
        holds), the code of the library objects it executed (objects, read
        from each object's own counters; without them, every object the
        executed lines are compiled into: a header's or a NAME_source.c's,
        every object that includes it), and of the objects whose data they
        name (reads).  A library object whose code no case of the run
        executes cannot change what the run does, except through its data
        (reads) or undefined behaviour (doc/robustness.md)."""
        objs = set()
        if objects is not None:
            objs.update(objects)
        else:
            for f, ran in lines.items():
                if ran:
                    objs.update(self.owners.get(f, ()))
        todo = list(objs)   # data that names other data (a pointer in a table)
        while todo:
            for r in self.reads.get(todo.pop(), ()):
                if r not in objs:
                    objs.add(r)
                    todo.append(r)
        return ["prog:" + suite] + ["obj:" + o for o in sorted(objs)]

    def sees_file(self, suite, path):
        """Whether suite reaches an object path is compiled into."""
        return bool(self.owners.get(path, set()) & self.sees[suite])

    def reach(self, symbols):
        seen, todo = set(), list(symbols)
        while todo:
            s = self.by_symbol.get(todo.pop())
            if s and s not in seen:
                seen.add(s)
                todo.extend(self.needs[s])
        return seen


def program_objects(suites):
    """{suite: the files of its program's own code}: its objects and the
    archives of the test helpers' libraries it links (make's NAME_OBJECTS
    and NAME_DEPENDENCIES), without the library's, which a -static
    program holds too and which its executed objects key ("obj:").  A
    suite make cannot tell of is left out: "prog:" is then its program
    whole ("bin:")."""
    names = {t: re.sub(r"[^A-Za-z0-9_]", "_", t) for t in suites}
    rule = "mutation-objects: ; %s@:" % "".join(
        "$(info %s $(%s_OBJECTS) | $(%s_DEPENDENCIES))" % (t, n, n) for t, n in names.items())
    r = subprocess.run(["make", "-s", "--eval", rule, "mutation-objects"], env=make_env(),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    out = {}
    for ln in r.stdout.split("\n") if r.returncode == 0 else []:
        f = ln.split()
        if len(f) < 2 or f[0] not in names or "|" not in f:
            continue
        k = f.index("|")
        files = [o for o in f[1:k] if o.endswith(".o")]
        for la in f[k + 1:]:
            if la.endswith(".la") and la != LIBRARY:
                d, b = os.path.split(la)
                files.append(os.path.join(d, ".libs", b[:-3] + ".a"))
        if files and all(os.path.exists(x) for x in files):
            out[f[0]] = sorted(files)
    return out


# the library's libtool archive: its objects are keyed one by one ("obj:")
LIBRARY = "src/lib/libbackprop.la"


class Hashes:
    def __init__(self, own=None):
        self.memo = {}
        self.own = own   # Graph.own: {suite: its program's own files}

    def __call__(self, path):
        """The SHA-1 of a file; of "obj:SRC", SRC's library object's code;
        of "bin:tests/check_x", the suite program's code: a header or
        comment change that leaves the code alone keeps the results."""
        if path not in self.memo:
            if path.startswith("obj:"):
                self.memo[path] = object_code(lib_object(path[4:]))
            elif path.startswith("prog:"):
                # the program's own objects and its helpers' archives;
                # without them (make could not tell), the program whole
                own = self.own.get(path[5:]) if self.own is not None else None
                codes = [(f, object_code(f, TOP)) for f in own or ()]
                self.memo[path] = (None if any(c is None for _, c in codes)
                                   else sha1(json.dumps(codes))) if own else self("bin:" + path[5:])
            elif path.startswith("bin:"):
                t = path[4:]
                binary = os.path.join("tests", ".libs", os.path.basename(t))
                self.memo[path] = object_code(binary if os.path.exists(binary) else t, TOP)
            else:
                try:
                    self.memo[path] = sha1(open(path, "rb").read())
                except OSError:
                    self.memo[path] = None
        return self.memo[path]

    def of(self, files):
        return {f: self(f) for f in files}

    def valid(self, deps):
        return all(h is not None and self(f) == h for f, h in deps.items())


class Cache:
    def __init__(self, path):
        self.path, self.lock = path, threading.Lock()
        try:
            self.data = json.load(open(path))
        except (OSError, ValueError):
            self.data = {}
        self.data.setdefault("mutants", {})
        self.data.setdefault("suites", {})

    def save(self):
        with self.lock:
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.data, f, indent=0, sort_keys=True)
            os.replace(tmp, self.path)


# --- the jobs' trees -------------------------------------------------------

WORK = os.path.abspath("tests/mutation-work")
IGNORE = shutil.ignore_patterns(".git", "mutation-work", "mutation-cache.json*",
                                "autom4te.cache")


def make_tree(src, n):
    """A copy of the built tree src for job n (WORK/n, WORK under src), its
    libtool wrappers pointing at the copy's libraries."""
    dst = os.path.join(WORK, str(n))
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True, ignore=IGNORE)
    for d, _, names in os.walk(dst):
        for f in names:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.access(p, os.X_OK) or os.path.getsize(p) > 200000:
                continue
            with open(p, "rb") as fh:
                head = fh.read(200)
            if b"temporary wrapper script" in head:
                st = os.stat(p)
                text = open(p).read().replace(src + "/", dst + "/")
                with open(p, "w") as fh:
                    fh.write(text)
                os.utime(p, (st.st_atime, st.st_mtime))
    return dst


def run(cmd, cwd, env, timeout, preexec=None):
    """("ok" | "fail" | "timeout" | "killed": by SIGXCPU or SIGKILL, its
    output); preexec: cpu_limited's, say."""
    try:
        r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, preexec_fn=preexec)
        out = r.stdout.decode(errors="replace")
        if r.returncode != 0 and "Test timeout expired" in out:
            return "timeout", out
        if preexec and r.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return "killed", out
        return ("ok" if r.returncode == 0 else "fail"), out
    except subprocess.TimeoutExpired:
        return "timeout", ""


def source_cases(suite):
    """The test cases' names a suite's source creates (tcase_create with a
    literal name): for a suite whose cases no run has listed yet."""
    try:
        text = open(suite + ".c").read()
    except OSError:
        return []
    return list(dict.fromkeys(re.findall(r'tcase_create \("([^"]*)"\)', text)))


def suite_env(tree):
    return dict(os.environ, CK_DEFAULT_TIMEOUT="20", OMP_NUM_THREADS="1",
                BP_TEST_DATA=os.path.join(tree, "tests/data"), BP_SRCDIR=tree)


# Check's TAP log (CK_TAP_LOG_FILE_NAME=-) on stdout: a line per test as it
# ends, "ok|not ok N - FILE:TCASE:TEST: message"
TAP = re.compile(r"^(ok|not ok) \d+ - [^:]*:(.*?):(\w+):", re.M)


FAIL_FAST = True   # --whole-suites: each suite to its end, as before


def kill_session(sid):
    """SIGKILL every process of session sid (the suite's: start_new_session).
    Check forks each test into a process group of its own, so killing
    the suite's group left a test that loops running, its end of the
    pipe open, and the job waiting on it for ever (session 8: two jobs
    stuck at once behind check_robust's tests); a session holds them
    all."""
    for pid, _, _, _ in session_procs(sid):
        try:
            os.kill(pid, 9)
        except OSError:
            pass


# a mutant's suite runs under a limit of CPU time per process (cpu=True):
# its wall-clock backstop is this many times that limit
WALL_BACKSTOP = 10.0
# Check's message for a test killed by RLIMIT_CPU's SIGXCPU (or SIGKILL
# at the hard limit, a few seconds later)
CPU_KILLED = re.compile(r"Received signal (%d|%d)\b" % (signal.SIGXCPU, signal.SIGKILL))


def session_procs(sid):
    """[(pid, state, CPU seconds, its reaped children's CPU seconds)] of the
    live processes of session sid (/proc/PID/stat: utime + stime, cutime
    + cstime)."""
    out, tick = [], os.sysconf("SC_CLK_TCK")
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 14 and fields[3] == str(sid):
            out.append((int(d), fields[0], (int(fields[11]) + int(fields[12])) / tick,
                        (int(fields[13]) + int(fields[14])) / tick))
    return out


def session_cpu(procs):
    """The CPU seconds a session has used (session_procs): its live
    processes' and every child they reaped (a child's time joins its
    parent's cutime when waited for: Check's forked tests, the
    programs a test runs)."""
    return sum(c + r for _, _, c, r in procs)


def cpu_limited(seconds):
    """A preexec_fn: RLIMIT_CPU of seconds (soft: SIGXCPU; hard a few
    seconds later: SIGKILL), no core files.  A limit is inherited across
    fork and each process's CPU time starts at 0: every test Check forks
    gets seconds of its own."""
    import resource

    def set_limits():
        s = max(1, int(seconds + 0.5))
        resource.setrlimit(resource.RLIMIT_CPU, (s, s + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return set_limits


def run_suite(tree, suite, limit, case=None, cases=None, cpu=False):
    """suite in tree within limit seconds, only its test case named case
    (CK_RUN_CASE) if given; each Check test within five times its own
    timeout (a loaded machine: the suite's limit catches loops).  The run
    stops at the first test that fails (the rest cannot make it pass).
    Returns ("ok" | "fail" | "timeout", its output); cases, a list, gets
    the test cases' names in the order they ran.

    With cpu (a mutant's run), limit is CPU time, not wall time: each
    process of the suite (Check forks one per test) may use limit seconds
    of CPU (RLIMIT_CPU); one that does is killed by SIGXCPU and the run is
    "cpu-limit" (a loop: a kill).  The session's processes together, the
    children they reaped included (session_cpu), may use limit seconds
    too: past that the session is killed, "cpu-limit" as well (watch()).
    A starved process uses little CPU however long it waits: Check's own
    wall-clock timeouts are made large, and the wall-clock backstop
    (WALL_BACKSTOP times limit) is "error" (no verdict, not cached, the
    mutant tried again next run).  A suite blocked for good (all its
    processes asleep, no CPU used, for limit seconds) is "hang", a kill."""
    env = dict(suite_env(tree), CK_TIMEOUT_MULTIPLIER="1000" if cpu else "5",
               CK_TAP_LOG_FILE_NAME="-")
    if case is not None:
        env["CK_RUN_CASE"] = case
    p = subprocess.Popen([os.path.join(tree, suite)], cwd=tree, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True,
                         preexec_fn=cpu_limited(limit) if cpu else None)
    expired, done = [], threading.Event()

    def stop(why):
        if why:
            expired.append(why)
        kill_session(p.pid)

    def watch():
        """The wall-clock limits.  With cpu, every 2 s: "cpu-limit" once the
        session has used limit seconds of CPU; past WALL_BACKSTOP * limit
        "error" (starved: runnable or stopped, not looping); and a suite whose processes all
        sleep (state S: waiting on a pipe, a signal, a lock) without using
        any CPU for limit seconds is "hang" (a kill: blocked for good; a
        starved process is runnable, R)."""
        t0 = time.time()
        idle_since, last = t0, None
        while not done.wait(2.0 if cpu else limit):
            now = time.time()
            if not cpu:
                stop("timeout")
                return
            procs = session_procs(p.pid)
            used = session_cpu(procs)
            if used >= limit:
                # the session's budget: a test that runs long without
                # looping, or a loop spread over many processes, each
                # under its own RLIMIT_CPU (gradcheck.c:487, session 13:
                # 3,196 s of check_checker, a fresh limit per forked test)
                stop("cpu-limit")
                return
            if not procs or any(s not in "SZ" for _, s, _, _ in procs) or used != last:
                idle_since, last = now, used
            elif now - idle_since >= limit:
                stop("hang")
                return
            if now - t0 >= WALL_BACKSTOP * limit:
                stop("error")   # starved: the session used less than its budget
                return
    timer = threading.Thread(target=watch, daemon=True)
    timer.start()
    out, failed = [], None
    try:
        for raw in p.stdout:
            ln = raw.decode(errors="replace")
            out.append(ln)
            m = TAP.match(ln)
            if m and cases is not None and m.group(2) not in cases:
                cases.append(m.group(2))
            if m and m.group(1) == "not ok" and failed is None:
                failed = ln
            if m and m.group(1) == "not ok" and FAIL_FAST:
                stop(None)
                break
    finally:
        p.stdout.close()
        rc = p.wait()
        done.set()
    text = "".join(out)
    if expired:
        return expired[0], text
    if failed is not None:
        if "Test timeout expired" in failed:   # Check's own timer: wall clock
            return ("error" if cpu else "timeout"), text
        return ("cpu-limit" if cpu and CPU_KILLED.search(failed) else "fail"), text
    if cpu and rc in (-signal.SIGXCPU, -signal.SIGKILL):   # the suite's own process
        return "cpu-limit", text
    return ("ok" if rc == 0 else "fail"), text


def build(tree, suites):
    """Rebuild the mutated objects and the library, and relink the suites
    among suites that link the library's archive (-static: no libtool
    wrapper reads the shared library for them)."""
    static = [s for s in suites if not is_wrapper(os.path.join(tree, s))]
    return run(["make", "-s", "src/lib/libbackprop.la"] + static, tree, make_env(), 600)


def make_env():
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


class Direct:
    """The shared library's own commands, read once from the build, so that
    a mutant whose suites all use the shared library costs one compiler
    run per mutated object (its PIC object alone) and one link, where make
    and libtool compile each object twice (PIC and not), archive every
    object and read the tree's dependencies.  compile: make's $(COMPILE)
    (the library has no per-target flags); link: libtool's link of the
    shared library, from a --dry-run; out: the library file it writes."""

    # the mutated objects are compiled at -O0 (the last -O wins): the same
    # source semantics in a third to a fifth of the time; equivalence by
    # object code is judged against the original compiled so too
    # (original()), and a survivor's against make's -O2 (optimized())
    MUTANT_OPT = ["-O0"]
    # a survivor's check at -O2 (optimized()) compiles each of its objects
    # within this many seconds of CPU; one past it is too dear at -O2 for
    # the rest of the run, its survivors checked at -O0 alone (conv.c: 67
    # s of cc1 at -O2, its Winograd templates, against 0.3 s at -O0 and
    # 1.1 s for gradcheck.c at -O2: 400 to 800 s of a survivor's wall time
    # at nice 19, session 13)
    O2_CPU = 10

    def __init__(self, tree):
        self.compile = self.link = self.out = None
        self.memo, self.lock, self.dear = {}, threading.Lock(), set()
        # $(info): the variable's text as the recipe's shell would read it
        # (echo would strip a level of quotes: -DLOCALEDIR='"DIR"' became
        # -DLOCALEDIR=DIR, and every print.c mutant failed to compile)
        r = subprocess.run(["make", "-s", "--eval", "mutation-compile: ; $(info $(COMPILE))@:",
                            "mutation-compile"], cwd=tree, env=make_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        lines = r.stdout.strip().split("\n")
        if r.returncode != 0 or not lines[-1].strip():
            return
        compile_cmd = shlex.split(lines[-1])
        # the link recipe make would run after an object changes, as libtool
        # would run it (--dry-run prints "libtool: link: CMD" and runs nothing)
        r = subprocess.run(["make", "-n", "-W", lib_object_lo(LINK_PROBE),
                            "src/lib/libbackprop.la"], cwd=tree, env=make_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        recipe = [ln for ln in r.stdout.split("\n") if "--mode=link" in ln]
        if r.returncode != 0 or len(recipe) != 1:
            return
        cmd = recipe[0][recipe[0].find("/bin/"):] if ";" in recipe[0] else recipe[0]
        cmd = cmd.replace("--silent ", "").replace("--mode=link", "--dry-run --mode=link")
        r = subprocess.run(["sh", "-c", cmd], cwd=tree, env=make_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        shared = [ln[len("libtool: link: "):] for ln in r.stdout.split("\n")
                  if ln.startswith("libtool: link: ") and " -shared " in ln]
        out = re.search(r" -o (\S+)$", shared[0].strip()) if len(shared) == 1 else None
        if out:
            self.compile, self.link, self.out = compile_cmd, shared[0].strip(), out.group(1)

    def usable(self, tree, suites):
        """Whether every suite reads the shared library (a libtool wrapper)."""
        return self.link is not None and all(is_wrapper(os.path.join(tree, s))
                                             for s in suites)

    def prepare(self, tree):
        """Bring tree's library up to date (a mutant built by make leaves its
        objects to the next make): before the source is mutated."""
        r, _ = run(["make", "-s", "src/lib/libbackprop.la"], tree, make_env(), 600)
        return r == "ok"

    def build(self, tree, owners, saved, prof=None, opt=None):
        """Compile owners' PIC objects and link the shared library in tree,
        the originals first copied into saved ([(copy, path)], for
        restore); (run()'s status, the output).  The tree is up to date
        before the mutant (prepare)."""
        for path in [lib_object(o) for o in sorted(owners)] + [self.out]:
            full = os.path.join(tree, path)
            shutil.copy2(full, full + ".orig")
            saved.append((full + ".orig", full))
        t = time.time()
        for o in sorted(owners):
            r, out = run(self.compile + self.opt(opt) + ["-c", o, "-fPIC", "-DPIC", "-o",
                                                           lib_object(o)],
                         tree, make_env(), 600)
            if r != "ok":
                return r, out
        if prof is not None:   # the compiler's part of the build
            prof["compile"] = prof.get("compile", 0.0) + time.time() - t
        return run(["sh", "-c", self.link], tree, make_env(), 600)

    def build_static(self, tree, owners, suites, saved, prof=None, opt=None):
        """For the suites linked -static: compile owners' non-PIC objects
        (libtool's, beside the .lo) at MUTANT_OPT, replace them in the
        library's archive and let make relink the suites (-W: the library
        taken as changed; its objects are not remade while the mutated
        source keeps its time).  The originals first copied into saved,
        as build()."""
        archive = os.path.join(os.path.dirname(self.out), "libbackprop.a")
        objs = [nonpic_object(o) for o in sorted(owners)]
        for path in objs + [archive] + list(suites):
            full = os.path.join(tree, path)
            shutil.copy2(full, full + ".orig")
            saved.append((full + ".orig", full))
        t = time.time()
        for o, obj in zip(sorted(owners), objs):
            r, out = run(self.compile + self.opt(opt) + ["-c", o, "-o", obj],
                         tree, make_env(), 600)
            if r != "ok":
                return r, out
        if prof is not None:
            prof["compile"] = prof.get("compile", 0.0) + time.time() - t
        r, out = run(["ar", "rs", archive] + objs, tree, make_env(), 600)
        if r != "ok":
            return "error", out   # no verdict: the next run tries again
        return run(["make", "-s", "-W", "src/lib/libbackprop.la"] + list(suites), tree,
                   make_env(), 600)

    def opt(self, opt):
        """The flags a mutant is compiled with: MUTANT_OPT, or opt ([]: the
        library's own, --confirm-o2)."""
        return self.MUTANT_OPT if opt is None else opt

    def code_of(self, tree, src, opt, cpu=None):
        """The code (object_code) of src as it now is in tree, compiled
        with opt added to the library's flags (a scratch object), or None;
        with cpu, the compiler within cpu seconds of CPU, src put among
        the dear when it needs more."""
        tmp = os.path.join(tree, lib_object(src) + ".scratch.o")
        r, out = run(self.compile + opt + ["-c", src, "-fPIC", "-DPIC", "-o", tmp],
                     tree, make_env(), 600, cpu_limited(cpu) if cpu else None)
        try:
            if r == "ok":
                return object_code(tmp)
            # SIGXCPU (SIGKILL at the hard limit) of the compiler or, gcc
            # reporting it, of its cc1
            if cpu and (r == "killed" or "signal terminated program" in out):
                with self.lock:
                    self.dear.add(src)
            return None
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    def original(self, tree, src):
        """The original src's code at MUTANT_OPT, once per run (call it
        before the source is mutated)."""
        with self.lock:
            if src not in self.memo:
                self.memo[src] = self.code_of(tree, src, self.MUTANT_OPT)
            return self.memo[src]

    def optimized(self, tree, owners, code):
        """Whether the mutant now in tree compiles, at the library's own
        flags, to the original's code (code: {src: object_code}) in every
        object of owners: a survivor at -O0 that -O2 proves equivalent.
        False, without compiling, when an owner is dear (O2_CPU)."""
        return all(code.get(o) and o not in self.dear
                   and self.code_of(tree, o, [], self.O2_CPU) == code[o]
                   for o in sorted(owners))


# a library source whose object the link probe pretends changed
LINK_PROBE = "src/lib/check/hints.c"


def nonpic_object(src):
    """libtool's non-PIC object of src (the static archive's member)."""
    return os.path.splitext(src)[0] + ".o"


def lib_object_lo(src):
    return os.path.splitext(src)[0] + ".lo"


def restore(saved):
    for copy, path in saved:
        os.replace(copy, path)


def is_wrapper(path):
    try:
        with open(path, "rb") as fh:
            return b"temporary wrapper script" in fh.read(400)
    except OSError:
        return False


FAILED = re.compile(r"^(?:[^\s:]+:\d+:[FE]:[^:]*|not ok \d+ - [^:]*:[^:]*):(\w+):", re.M)


def judge(tree, mu, first, rest, limit, code, owners, direct=None, prof=None, opt=None):
    """Mutate mu in tree, rebuild, run first then rest ([(suite, its test
    case or None: the whole suite)]) up to the first failure; restore.  Returns
    (verdict, by, the suites that ran); by names the suite and the first
    test that failed.  A mutant whose objects (owners: those mu.path is
    compiled into) all have the original's code (a line the preprocessor
    leaves out, say) is equivalent by construction.  With direct (a
    Direct), the mutated objects are compiled and the library linked
    directly for the suites that read the shared library, and the
    original objects and library put back afterwards; make rebuilds the
    library and relinks the -static suites only when those all pass.
    prof, a dict, gets the seconds spent in each phase: "prepare" (make
    bringing the copy up to date), "build" (the mutant's compile and
    link; "compile": its compiler part, direct builds only), "run" (the
    suites), "runs" (how many suite runs) and "o2" (a survivor's check at
    -O2: Direct.optimized).  opt: the mutated objects'
    flags instead of Direct.MUTANT_OPT ([]: the library's own, compared
    with make's objects, code)."""
    prof = {} if prof is None else prof
    prof.update(prepare=0.0, build=0.0, compile=0.0, run=0.0, runs=0, o2=0.0)
    path = os.path.join(tree, mu.path)
    original = open(path).read()
    st = os.stat(path)
    units = first + rest
    # the suites that read the shared library first, on the direct build;
    # the -static ones (their objects compiled directly too, the archive
    # updated and make relinking them) only if those all pass
    shared = [u for u in units if is_wrapper(os.path.join(tree, u[0]))]
    static = [u for u in units if u not in shared]
    t = time.time()
    fast = (direct is not None and owners and direct.link is not None
            and direct.prepare(tree))
    prof["prepare"] += time.time() - t
    phases = [(shared, "shared"), (static, "static")] if fast else [(units, "make")]
    base = ({o: direct.original(tree, o) for o in owners} if opt is None else code) \
        if fast else {}
    saved, made = [], False
    try:
        with open(path, "w") as f:
            f.write(original[:mu.pos] + mu.new + original[mu.pos + len(mu.old):])
        ran = []
        for todo, how in phases:
            if not todo:
                continue
            t = time.time()
            suites = sorted({s for s, _ in todo})
            r = None
            if how == "shared" and not made:
                r, out = direct.build(tree, owners, saved, prof, opt)
            elif how == "static" and not made:
                # the source keeps its time: make relinks, and does not recompile
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
                r, out = direct.build_static(tree, owners, suites, saved, prof, opt)
            if r == "fail" or r is None:
                # make: not compiled only if make refuses it too (the
                # direct commands are read from make, and may be read
                # wrong); the source newer than its objects
                restore(saved)
                saved, made = [], True
                os.utime(path, None)
                r, out = build(tree, suites)
            prof["build"] += time.time() - t
            if r != "ok":
                return build_verdict(r, out)
            # the mutated code against the original's: at -O0 after a direct
            # build (the PIC object: compiled for it when only the static
            # suites ran), make's otherwise
            if not ran and owners:
                if made:
                    now, ref = {o: object_code(os.path.join(tree, lib_object(o)))
                                for o in owners}, code
                elif how == "shared":
                    now, ref = {o: object_code(os.path.join(tree, lib_object(o)))
                                for o in owners}, base
                else:
                    now, ref = {o: direct.code_of(tree, o, direct.opt(opt))
                                for o in owners}, base
                if all(ref.get(o) and now[o] == ref[o] for o in owners):
                    return "equivalent", "same object code", []
            for s, case in todo:
                if s not in ran:
                    ran.append(s)
                # a suite past its limit (a few times its clean time) loops: killed
                t = time.time()
                r, out = run_suite(tree, s, limit.get((s, case), limit[s]), case, cpu=True)
                prof["run"] += time.time() - t
                prof["runs"] += 1
                if r == "error":   # starved past the wall-clock backstop: no verdict
                    return "error", "%s %s: wall-clock backstop, CPU limit not reached" % (
                        os.path.basename(s), case or ""), []
                if r != "ok":
                    test = FAILED.search(out)
                    prof["witness"] = [s, case]
                    return "killed", "%s %s%s" % (os.path.basename(s), r,
                                                 " (%s)" % test.group(1) if test else ""), [s]
        if fast and owners and opt is None:
            t = time.time()
            same = direct.optimized(tree, owners, code)
            prof["o2"] += time.time() - t
            if same:
                return "equivalent", "same object code at -O2", []
        return "survived", "", ran
    finally:
        with open(path, "w") as f:
            f.write(original)
        restore(saved)
        if not made:
            # the original objects and library are back (direct), and the
            # source's time: the tree is as make left it
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        else:
            # an mtime after the mutant's object, so make rebuilds the original
            os.utime(path, None)


def build_verdict(r, out):
    """The verdict of a mutant whose build failed (run()'s status r, the
    output out): "not compiled" when the compiler or the linker refused
    it (by: "build: " and the first error line), no kill and left out of
    the score; "error" (not cached: the next run tries it again) when
    the build ran out of time, which says nothing of the mutant."""
    if r == "timeout":
        return "error", "build timeout", []
    if r == "error":   # a step that is not the compiler's (ar): no verdict
        return "error", ("build: " + out.strip()[-200:]).strip(), []
    first = next((ln.strip() for ln in out.split("\n")
                  if "error" in ln or "undefined reference" in ln), "")
    return "not compiled", ("build: " + first[:200]).strip(), []


def cached_verdict(e):
    """(verdict, by) of a cache entry.  Until session 7 a failed build
    was cached as ("killed", "build"), timeouts included (print.c's
    named mutant compiles, yet was "killed [build]"): such an entry is
    none, and the mutant runs again."""
    if e["verdict"] == "killed" and e["by"] == "build":
        return None
    return e["verdict"], e["by"]


# a survivor of the test cases that execute its line, its suites not yet
# run whole (--confirm runs them)
UNCONFIRMED = "survived [cases]"


def reuse(e, own, hashes, suites, units=None):
    """What a cache entry e is worth now: "valid" (its verdict stands),
    "recheck" (a kill whose mutated code, the keys own, is unchanged but
    whose witness's suite changed: run the witness first) or None (judge
    afresh).  A kill is a positive fact, witnessed by one test case on
    one build; it stands while that case and the mutated code stand, and
    is re-witnessed when the case's suite changes.  Every other verdict
    (a survival: no test of any suite that executes the line tells the
    mutant apart) needs every file it depends on unchanged.  Entries
    written before the witness was kept (their deps: the mutated objects
    and the killing suite's code) are re-checked the same way, their
    witness the suite and test named in "by".

    A survivor judged by line since session 11 keeps "units", the test
    cases that executed its line, and is keyed by the code those cases
    execute (Coverage.unit_keys): it stands while that code hashes the
    same and the coverage map (units, [(suite, case)] now, None when the
    map cannot tell) names the same cases.  A kill by "timeout" was
    judged by a wall-clock limit (until session 10), which a starved
    test on a loaded machine reaches too: judged afresh."""
    v = cached_verdict(e)
    if v is None:
        return None
    deps = e["deps"]
    if v[0] != "killed":
        if "units" in e and (units is None or sorted(map(list, units)) != e["units"]):
            return None
        return "valid" if hashes.valid(deps) else None
    if re.search(r"^\S+ timeout\b", e["by"]):
        return None
    if not own <= set(deps) or not hashes.valid({k: deps[k] for k in own}):
        return None
    if witness_of(e)[0] not in suites:
        return None
    return "valid" if hashes.valid(e.get("witness_deps", deps)) else "recheck"


def case_of_test(suite, test):
    """The test case (tcase_create's name) suite's source adds test to, or
    None."""
    try:
        text = open(suite + ".c").read()
    except OSError:
        return None
    names = dict(re.findall(r'(\w+) = tcase_create \("([^"]*)"\)', text))
    for var, fn in re.findall(r'tcase_add_(?:loop_)?test(?:_raise_signal|_exit)? '
                              r'\((\w+), (\w+)', text):
        if fn == test:
            return names.get(var)
    return None


def witness_of(e):
    """(suite, test case or None) that killed a cached mutant: kept since
    session 10; before, the suite and test named in "by" ("check_x fail
    (test_fn)"), the case read from the suite's source."""
    if e.get("witness"):
        return tuple(e["witness"])
    suite = "tests/" + e["by"].split()[0]
    test = re.search(r"\((\w+)\)", e["by"])
    return suite, case_of_test(suite, test.group(1)) if test else None


def witness_first(w, first, rest):
    """(first, rest) with the witness unit w (suite, case) run before all
    the others (when w is None, unchanged)."""
    if w is None:
        return first, rest
    return [w] + [u for u in first if u != w], [u for u in rest if u != w]


def phases_of(first, rest, by_line, confirm, confirming):
    """(first, rest, unconfirmed) for judge() from a plan (first, rest, by
    line).  By line, rest is the whole of the suites whose test cases in
    first execute the mutated line: it runs only with confirm (a survivor
    of first is otherwise UNCONFIRMED, unconfirmed true); confirming a
    cached UNCONFIRMED entry runs rest alone (it holds first).  By file,
    rest (the suites that cannot see the file) runs as before: a file
    coverage cannot tell has no cases to trust."""
    if confirming:
        return rest or first, [], False
    if by_line and rest and not confirm:
        return first, [], True
    return first, rest, False


def tally(results, survivors_accepted=()):
    """Counts of {key: (verdict, by)}: killed, survived, unconfirmed
    (UNCONFIRMED: survived the cases that execute the line), the reviewed
    equivalent (keys in survivors_accepted) apart, not compiled,
    equivalent by object code, and the score killed / (killed + survived
    + unconfirmed): a mutant that does not compile is no kill, and one
    not confirmed counts as a survivor until a confirmation kills it."""
    t = {"killed": 0, "survived": 0, "unconfirmed": 0, "reviewed": 0, "not compiled": 0,
         "equivalent": 0}
    for key, (v, _) in results.items():
        if v in ("survived", UNCONFIRMED) and key in survivors_accepted:
            t["reviewed"] += 1
        elif v == UNCONFIRMED:
            t["unconfirmed"] += 1
        elif v in t:
            t[v] += 1
    tried = t["killed"] + t["survived"] + t["unconfirmed"]
    t["tried"] = tried
    t["score"] = 100.0 * t["killed"] / max(tried, 1)
    return t


# the top of the tree make mutation runs in (main()); a suite program
# holds it (BP_TEST_DATA_DIR='"TOP/tests/data"'), so its code is hashed
# with TOP replaced: the results carry to a clone at another path
TOP = None


def object_code(obj, top=None):
    """The SHA-1 of an object without its debug sections (which name the
    folder it was compiled in), the text top (a path) made a fixed word
    and the NULs padding its string dropped, or None."""
    tmp = obj + ".nodebug"
    r = subprocess.run(["objcopy", "--strip-debug", obj, tmp], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    try:
        if r.returncode != 0:
            return None
        data = open(tmp, "rb").read()
        if top:
            # the path, the rest of its string and the NULs after it (the
            # test helpers hold it in an array of fixed size, testutil.c:
            # a clone at a path of another length has the same layout)
            data = re.sub(re.escape(top.encode()) + rb"([^\0]*)\0*",
                          lambda t: b"@TOP@" + t.group(1) + b"\0", data)
        return sha1(data)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# --- which suites execute which lines: a coverage build ---------------------

COVERAGE_CFLAGS = "-g -O0 --coverage"


def gcda_files(tree):
    """The counters the library's objects wrote (under src/lib, in .libs
    for the shared library's: glob skips those)."""
    return sorted(os.path.join(d, f) for d, _, names in os.walk(os.path.join(tree, "src/lib"))
                  for f in names if f.endswith(".gcda"))


def gcda_source(tree, data_file):
    """The source of the object whose counters are data_file (a .gcda in
    tree, the shared library's under .libs): src/lib/d/.libs/x.gcda ->
    src/lib/d/x.c."""
    path = os.path.normpath(os.path.relpath(data_file, tree) if os.path.isabs(data_file)
                            else data_file)
    d, f = os.path.split(path)
    if os.path.basename(d) == ".libs":
        d = os.path.dirname(d)
    return os.path.join(d, os.path.splitext(f)[0] + ".c")


def gcov_lines(tree, objects=None, sources=()):
    """{source: ({executed lines}, {instrumented lines})} for the library's
    files under src/lib, from the .gcda files the last run left in tree.
    objects, a set, gets the library's sources (of sources) whose object
    executed a line, each read from the object's own counters (gcov
    reports a header's lines per object that includes it); it gets None
    (unknown: keyed by file) when an object that ran is not one of
    sources."""
    gcdas = gcda_files(tree)
    out = {}
    for k in range(0, len(gcdas), 40):
        r = subprocess.run(["gcov", "--json-format", "--stdout"] + gcdas[k:k + 40], cwd=tree,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        for doc in r.stdout.split("\n"):
            if not doc.strip():
                continue
            report = json.loads(doc)
            if objects is not None and any(ln["count"] > 0 for f in report.get("files", [])
                                           for ln in f.get("lines", [])):
                src = gcda_source(tree, report.get("data_file", ""))
                d, f = os.path.split(src)
                if src not in sources and os.path.join(d, f.partition("-")[2]) in sources:
                    # a program's own object of a library source (automake's
                    # PROGRAM-x.o: the CLI's report.c): keyed by the
                    # library's object of that source, as by file
                    src = os.path.join(d, f.partition("-")[2])
                if src in sources:
                    objects.add(src)
                else:
                    objects.add(None)
            for f in report.get("files", []):
                path = f["file"]
                if os.path.isabs(path):
                    path = os.path.relpath(path, tree)
                path = os.path.normpath(path)
                if not path.startswith("src/lib/"):
                    continue
                ran, known = out.setdefault(path, (set(), set()))
                for ln in f.get("lines", []):
                    known.add(ln["line_number"])
                    if ln["count"] > 0:
                        ran.add(ln["line_number"])
    return out


class Coverage:
    """The lines of src/lib each suite executes, from one build with
    --coverage (WORK/cov) and one run of each suite; stored in FILE (beside
    the cache), each suite's entry keyed by the hashes of its files (the
    graph's: its sources, the helpers', the library's it reaches)."""

    def __init__(self, path, suites, graph, hashes, cases=None):
        self.path, self.suites = path, suites
        self.cases = {} if cases is None else cases   # each suite's test cases
        try:
            self.data = json.load(open(path))
        except (OSError, ValueError):
            self.data = {}
        self.data.setdefault("suites", {})
        self.data.setdefault("instrumented", {})
        self.graph, self.hashes = graph, hashes
        self.sets = None
        self.lock = threading.Lock()

    def stale(self):
        """The suites whose entry is missing, out of date, or (a suite of
        several test cases) without its cases' lines."""
        return [s for s in self.suites
                if not (s in self.data["suites"] and
                        self.hashes.valid(self.data["suites"][s]["deps"]) and
                        ("cases" in self.data["suites"][s] or "whole" in self.data["suites"][s]
                         or len(self.cases.get(s, [])) < 2) and
                        self.measured(s))]

    @staticmethod
    def signature(e):
        """What an entry's executed objects were measured with: its keys and
        lines.  A merge of two maps by key can mix the objects of one run
        with the lines of another; they then do not match, and the suite
        is measured again (stale)."""
        return sha1(json.dumps([e.get("deps"), e.get("lines"), e.get("cases")],
                               sort_keys=True))

    def measured(self, s):
        """Whether suite s's entry holds the objects its run executed (since
        session 12), measured with its lines (signature)."""
        e = self.data["suites"].get(s, {})
        o = e.get("objects")
        return isinstance(o, dict) and o.get("for") == self.signature(e)

    def objects_of(self, s, c=None):
        """The library objects (by source) suite s's test case c (None: the
        suite) executed, or None: not measured so (before session 12, or
        an object that ran not known), or the entry mixed by a merge."""
        if not self.measured(s):
            return None
        o = self.data["suites"][s]["objects"]
        return o.get("suite") if c is None else o.get("cases", {}).get(c)

    def update(self, tree0, limit):
        stale = self.stale()
        if not stale:
            return True
        print("mutation: coverage of %d suite(s): a build with %s in %s" %
              (len(stale), COVERAGE_CFLAGS, os.path.join(WORK, "cov")), flush=True)
        tree = os.path.join(WORK, "cov")
        # the build is reused while every file of every suite hashes the same
        files = sorted(set().union(*(self.graph.files[s] for s in self.suites)))
        stamp = sha1(json.dumps([sorted(self.suites), self.hashes.of(files)], sort_keys=True))
        stamp_file = os.path.join(tree, ".mutation-coverage-build")
        if not (os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
            tree = make_tree(tree0, "cov")
            env = {k: v for k, v in os.environ.items()
                   if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
            for cmd in (["make", "-s", "clean"],
                        ["make", "-s", "-j2", "CFLAGS=" + COVERAGE_CFLAGS, "backprop"]
                        + self.suites):
                r = subprocess.run(cmd, cwd=tree, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, universal_newlines=True)
                if r.returncode != 0:
                    print(r.stderr[-2000:], file=sys.stderr)
                    print("mutation: the coverage build failed; suites by file",
                          file=sys.stderr)
                    return False
            with open(stamp_file, "w") as f:
                f.write(stamp)
        known = {}
        for s in stale:
            # a suite of several test cases: the lines of each (CK_RUN_CASE),
            # so that a mutant runs only the cases that execute its line;
            # the suite whole when a case runs no test (a name not found)
            cases = self.cases.get(s) or []
            units = cases if len(cases) > 1 else [None]
            while True:
                ran, per, secs, took = {}, {}, {}, 0.0
                objs, per_objs = set(), {}
                for c in units:
                    for g in gcda_files(tree):
                        os.remove(g)
                    t = time.time()
                    r, out = run_suite(tree, s, 10 * limit[s], c)
                    took += time.time() - t
                    if c is not None and r == "ok" and not TAP.search(out):
                        break
                    ran_objs = set()
                    lines = gcov_lines(tree, ran_objs, self.graph.defines)
                    print("mutation: coverage of %s%s: %s, %.0f s, %d lines" % (
                        os.path.basename(s), "" if c is None else " (case %s)" % c, r,
                        time.time() - t, sum(len(a) for a, _ in lines.values())), flush=True)
                    if r != "ok":
                        return False
                    for f, (a, k) in lines.items():
                        known.setdefault(f, set()).update(k)
                        ran.setdefault(f, set()).update(a)
                    objs |= ran_objs
                    if c is not None:
                        per[c] = {f: sorted(a) for f, (a, _) in lines.items() if a}
                        per_objs[c] = ran_objs
                        secs[c] = round(time.time() - t, 1)
                else:
                    break
                print("mutation: %s runs no test as case %r: its coverage whole" % (s, c),
                      flush=True)
                units = [None]
            if units == [None] and len(cases) > 1:
                ran["whole"] = True
            whole = ran.pop("whole", False)
            # keyed by the code it executed (Graph.executed_keys), not all
            # it reaches: a change of an object it never runs keeps it
            known_objs = None if None in objs else objs
            e = self.data["suites"][s] = {
                "deps": self.hashes.of(self.graph.executed_keys(s, ran, known_objs)),
                "lines": {f: sorted(a) for f, a in ran.items()},
                "seconds": round(took, 1)}
            if whole:
                e["whole"] = True
            if per:
                e["cases"] = per
                e["case_seconds"] = secs
            # (objs holds every case's: None in it, an object not known)
            e["objects"] = {"suite": None if known_objs is None else sorted(known_objs),
                            "cases": {} if known_objs is None else
                            {c: sorted(o) for c, o in per_objs.items()},
                            "for": self.signature(e)}
            self.save()
        for f, k in known.items():
            self.data["instrumented"][f] = {"sha1": self.hashes(f), "lines": sorted(k)}
        self.save()
        return True

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, sort_keys=True)
        os.replace(tmp, self.path)

    def line_of(self, path, line):
        """The instrumented line that stands for line: itself, or for the
        continuation of a statement (gcov counts a statement on its first
        line) the nearest instrumented line above with no preprocessor line
        between; None when there is none (a line the preprocessor leaves
        out, say, or a file with no coverage data)."""
        e = self.data["instrumented"].get(path)
        if not e or e["sha1"] != self.hashes(path):
            return None
        known = set(e["lines"])
        text = open(path).read().split("\n")
        while line >= 1:
            if line in known:
                return line
            if text[line - 1].lstrip().startswith("#"):
                return None
            line -= 1
        return None

    def suites_of(self, mu):
        """The suites that execute mu's line(s), or None when coverage
        cannot tell (the plan by file applies)."""
        units = self.units_of(mu)
        return None if units is None else sorted({s for s, _ in units})

    def units_of(self, mu):
        """[(suite, test case)] that execute mu's line(s) (case None: the
        whole suite, one of a single case or without cases in the map),
        or None when coverage cannot tell."""
        lines = [self.line_of(mu.path, ln)
                 for ln in range(mu.line, mu.line + mu.old.count("\n") + 1)]
        if not lines or any(ln is None for ln in lines):
            return None
        with self.lock:
            # the jobs' threads plan at once: one built the sets while
            # another read self.case_sets before it existed (session 8)
            if self.sets is None:
                if self.stale():
                    return None
                self.case_sets = {
                    s: {c: {f: set(a) for f, a in ls.items()}
                        for c, ls in self.data["suites"][s].get("cases", {}).items()}
                    for s in self.suites}
                self.sets = {s: {f: set(a) for f, a in self.data["suites"][s]["lines"].items()}
                             for s in self.suites}
        out, lines = [], set(lines)
        for s in self.suites:
            if not self.sets[s].get(mu.path, set()) & lines:
                continue
            cases = [c for c, fs in self.case_sets[s].items() if fs.get(mu.path, set()) & lines]
            out.extend([(s, c) for c in cases] if cases else [(s, None)])
        return out

    def unit_keys(self, units):
        """What a survivor of units ([(suite, case or None)], units_of's)
        depends on besides its own code: for each suite, its program and
        the library objects the units execute (Graph.executed_keys)."""
        keys = set()
        for s, c in units:
            e = self.data["suites"][s]
            if c is None or c not in e.get("cases", {}):
                lines, objs = e["lines"], self.objects_of(s)
            else:
                lines, objs = e["cases"][c], self.objects_of(s, c)
            keys.update(self.graph.executed_keys(s, lines, objs))
        return sorted(keys)

    def case_seconds(self, s, c):
        return self.data["suites"].get(s, {}).get("case_seconds", {}).get(c, 0.0)


def read_equivalent(path):
    """{(file, function or None, the text before, after): why} from lines
    FILE TAB before TAB after TAB why (# starts a comment); FILE:FUNCTION
    names the one function whose line it is (a text that occurs in
    several functions, not all of them equivalent)."""
    out = {}
    if os.path.exists(path):
        for ln in open(path):
            if ln.strip() and not ln.startswith("#"):
                f = ln.rstrip("\n").split("\t")
                if len(f) == 4:
                    name, _, func = f[0].partition(":")
                    out[(name, func or None, f[1].strip(), f[2].strip())] = f[3]
    return out


def reviewed_why(reviewed, mu):
    """The reason mu is reviewed equivalent (read_equivalent's), or None:
    an entry for its function, or one for its file."""
    old, new = mu.old.strip(), mu.new.strip()
    return reviewed.get((mu.path, mu.func, old, new)) or reviewed.get((mu.path, None, old, new))


def fmt_time(s):
    s = int(s)
    return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", required=True,
                    help="the library's sources (src_lib_libbackprop_la_SOURCES)")
    ap.add_argument("--suites", required=True, help="the Check suites (tests/check_*)")
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "1")))
    ap.add_argument("--cache", default="tests/mutation-cache.json")
    ap.add_argument("--max", type=int, default=int(os.environ.get("MUTATION_MAX", "0")),
                    help="try at most N generated mutants (a seeded sample); 0: all")
    ap.add_argument("--only", default=os.environ.get("MUTATION_ONLY", ""),
                    help="the mutants whose FILE:LINE contains one of these words")
    ap.add_argument("--named", action="store_true", default=bool(os.environ.get("MUTATION_NAMED")),
                    help="only the named mutants")
    ap.add_argument("--confirm", action="store_true",
                    default=os.environ.get("MUTATION_CONFIRM", "") not in ("", "0"),
                    help="run the whole suites of a mutant that survives the test cases "
                    "executing its line, and of every cached \"%s\" entry" % UNCONFIRMED)
    ap.add_argument("--confirm-o2", action="store_true",
                    default=os.environ.get("MUTATION_CONFIRM_O2", "") not in ("", "0"),
                    help="--confirm, the mutants built at the library's own flags, not -O0 "
                    "(undefined behaviour a mutant brings in may differ: noise.c:21's "
                    "array two short survives at -O0, make check kills it)")
    ap.add_argument("--report", default="tests/mutation-report.txt")
    ap.add_argument("--coverage", default="tests/mutation-coverage.json",
                    help="the lines each suite executes (a --coverage build); '': by file")
    ap.add_argument("--whole-suites", action="store_true",
                    help="run whole suites to their end, not only the test cases that "
                    "execute the line up to the first failure (the old way: to measure)")
    ap.add_argument("--report-only", action="store_true",
                    help="run nothing: the score and the survivors from the cache")
    ap.add_argument("--equivalent", default="tests/mutation-equivalent.txt",
                    help="the survivors reviewed as equivalent, with the reason")
    a = ap.parse_args()
    a.confirm = a.confirm or a.confirm_o2
    global FAIL_FAST, TOP
    FAIL_FAST = not a.whole_suites
    a.cache, a.report = os.path.abspath(a.cache), os.path.abspath(a.report)
    a.coverage = a.coverage and os.path.abspath(a.coverage)
    reviewed = read_equivalent(a.equivalent)
    t0 = time.time()
    # everything below reads and runs the snapshot of the tree in job 0's
    # copy, so the tree may change while the run goes on
    top = os.path.abspath(".")
    TOP = top
    os.makedirs(WORK, exist_ok=True)
    held = open(os.path.join(WORK, "lock"), "w")   # open until the run ends
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("mutation: another run uses %s" % WORK, file=sys.stderr)
        return 2
    tree0 = make_tree(top, 0)
    os.chdir(tree0)
    compiled = [s for s in a.sources.split() if s.endswith(".c")]
    suites = [s for s in a.suites.split() if os.path.exists(os.path.join("tests", ".libs",
                                                                         os.path.basename(s)))
              or (os.path.exists(s) and not is_wrapper(s))]
    if not suites:
        print("mutation: no suite programs under tests/.libs (a shared build is needed)",
              file=sys.stderr)
        return 2
    graph = Graph(compiled, suites)
    direct = Direct(tree0)
    if direct.link is None:
        print("mutation: the library's compile and link commands not found; "
              "every mutant rebuilt by make", file=sys.stderr)
    code = {src: object_code(lib_object(src)) for src in compiled}
    sources = compiled + included(compiled)
    hashes = Hashes(graph.own)
    # every hash read now, while tree0's objects are the originals (job 0
    # mutates them later)
    for f in set(sources).union(*graph.files.values(), *graph.keys.values(),
                                {"obj:" + s for s in compiled}, {"prog:" + s for s in suites}):
        hashes(f)
    cache = Cache(a.cache)

    gen = generate(sources)
    only = a.only.split()

    def chosen(path):
        return not only or any(o in path for o in only)
    gen = [m for m in gen if chosen(m.where)]
    if a.max and len(gen) > a.max:
        gen = sorted(random.Random(14).sample(gen, a.max), key=lambda m: (m.path, m.pos))
    named_mu = [m for m in named() if chosen(m.where)]
    mutants = named_mu + ([] if a.named else gen)
    skipped = [m for m in mutants if m.pos < 0]
    mutants = [m for m in mutants if m.pos >= 0]

    # the unmutated suites: they must pass; their times order them.  A
    # suite whose coverage is to be measured too passes and is timed in
    # the coverage run (at -O0: a longer limit), not run twice
    trees = queue.Queue()
    trees.put(tree0)
    seconds, cases = {}, {}
    coverage = None
    if a.coverage and (os.path.exists(a.coverage) or not a.report_only):
        coverage = Coverage(a.coverage, suites, graph, hashes, cases)
    deferred = []

    def unmutated(s):
        t = time.time()
        cases[s] = []
        r, out = run_suite(tree0, s, 1800, cases=cases[s])
        if r != "ok":
            print(out[-3000:])
            print("mutation: the unmutated %s does not pass (%s)" % (s, r), file=sys.stderr)
            return False
        seconds[s] = time.time() - t
        cache.data["suites"][s] = {"seconds": seconds[s], "deps": hashes.of(graph.keys[s]),
                                   "cases": cases[s]}
        cache.save()
        return True
    for s in suites:
        e = cache.data["suites"].get(s)
        if a.report_only:
            seconds[s] = e["seconds"] if e else 0.0
            continue
        if e and hashes.valid(e["deps"]):
            seconds[s] = e["seconds"]
            cases[s] = e.get("cases") or source_cases(s)
            continue
        if coverage is not None:
            seconds[s] = e["seconds"] if e else 180.0
            cases[s] = source_cases(s)
            deferred.append(s)
        elif not unmutated(s):
            return 2
    if coverage is not None and not a.report_only:
        order = sorted(suites, key=lambda s: seconds[s])
        coverage.suites = order
        # deferred suites are stale in the map (their files changed)
        if not coverage.update(tree0, {s: max(60.0, 5 * seconds[s]) for s in suites}):
            coverage = None
        for s in deferred:
            e = coverage.data["suites"].get(s) if coverage else None
            if e and "seconds" in e:
                seconds[s] = e["seconds"]
                cache.data["suites"][s] = {"seconds": seconds[s],
                                           "deps": hashes.of(graph.keys[s]),
                                           "cases": cases[s], "at": "-O0"}
                cache.save()
            elif not unmutated(s):
                return 2
    # a mutant that keeps a suite past five times its clean time loops;
    # one test case alone, past five times the case's own (at -O0, in the
    # coverage run; at least 60 s): a loop in one case cost the whole
    # suite's limit (check_robust's: 185 s, session 8)
    limit = {s: max(60.0, 5 * seconds[s]) for s in suites}
    for s in suites:
        for c in cases.get(s) or []:
            t = coverage.case_seconds(s, c) if coverage is not None else 0.0
            limit[s, c] = min(limit[s], max(60.0, 5 * t)) if t > 0.0 else limit[s]
    order = sorted(suites, key=lambda s: seconds[s])
    if coverage is not None:
        coverage.suites = order

    # among the suites that see the file, the ones that killed most of its
    # mutants so far first, then the quickest
    kills = {}
    for e in cache.data["mutants"].values():
        if e["verdict"] == "killed" and e["by"] != "build":
            k = (e["where"].split(":")[0], "tests/" + e["by"].split()[0])
            kills[k] = kills.get(k, 0) + 1

    def plan(mu):
        """(first, rest, by line), each [(suite, test case or None)]: by
        line, the test cases that execute the mutated line, then (to
        confirm a survivor) the whole of the suites they belong to when
        the coverage map has their cases; otherwise the suites that see
        the file, then the rest."""
        units = coverage.units_of(mu) if coverage and not a.whole_suites else None
        if units is None and coverage:
            covering = coverage.suites_of(mu)
            units = None if covering is None else [(s, None) for s in covering]
        if units is not None:
            first = sorted(units, key=lambda u: (-kills.get((mu.path, u[0]), 0), seconds[u[0]],
                                                 coverage.case_seconds(*u) if u[1] else 0.0))
            return first, sorted({(s, None) for s, c in units if c is not None},
                                 key=lambda u: seconds[u[0]]), True
        first = sorted((s for s in order if graph.sees_file(s, mu.path)),
                       key=lambda s: (-kills.get((mu.path, s), 0), seconds[s]))
        return [(s, None) for s in first], [(s, None) for s in order if s not in first], False

    def own_keys(mu):
        # the code of the objects mu.path is compiled into (the source
        # itself when it is in none): a change of a header or a comment
        # that leaves the code alone keeps it
        owners = graph.owners.get(mu.path, ())
        return {"obj:" + o for o in owners} if owners else {mu.path}

    def deps_of(mu, ran, verdict, units):
        # a kill: the mutated code alone (its witness is re-run when its
        # suite changes: reuse()).  A survivor by line (units: the test
        # cases that execute the line): the code those cases execute, and
        # the map naming the same cases (reuse()); otherwise the code of
        # every suite
        files = own_keys(mu)
        if verdict == "killed":
            return hashes.of(sorted(files))
        if verdict in ("survived", UNCONFIRMED) and units is not None:
            files.update(coverage.unit_keys(units))
            return hashes.of(sorted(files))
        for s in order if verdict in ("survived", UNCONFIRMED) else ran:
            files.update(graph.keys[s])
        return hashes.of(sorted(files))

    # survivors reviewed as equivalent count as equivalent in the progress
    accepted_keys = {m.key for m in mutants if reviewed_why(reviewed, m)}
    todo, results, confirming, witness, rekeyed = [], {}, set(), {}, 0
    for mu in mutants:
        e = cache.data["mutants"].get(mu.key)
        how = reuse(e, own_keys(mu), hashes, set(suites),
                    coverage.units_of(mu) if coverage else None) if e else None
        if how == "valid":
            results[mu.key] = cached_verdict(e)
            units = coverage.units_of(mu) if coverage else None
            keys = sorted(own_keys(mu) | set(coverage.unit_keys(units))) \
                if units is not None and e["verdict"] in ("survived", UNCONFIRMED) else None
            if keys is not None and sorted(e["deps"]) != keys and not a.report_only:
                # a survivor keyed by every suite's code (before session
                # 11), or by every object including a header its cases ran
                # and a -static program whole (before session 12), all of
                # it unchanged: keyed now by the code its cases execute
                e["deps"] = hashes.of(keys)
                e["units"] = sorted(map(list, units))
                rekeyed += 1
            if a.confirm and e["verdict"] == UNCONFIRMED:
                confirming.add(mu.key)
        else:
            if how == "recheck":
                witness[mu.key] = witness_of(e)
            todo.append(mu)
    total, cached = len(mutants), len(results)
    if a.report_only:
        todo, confirming = [], set()
    print("mutation: %d mutants (%d named), %d from the cache (%d survivors, %d of them "
          "keyed now by the code of their cases), %d to run (%d kills to "
          "re-check by their witness first), %d to confirm "
          "(%s), %d job(s); suites: %s" % (
              total, len(named_mu), cached,
              sum(1 for v, _ in results.values() if v in ("survived", UNCONFIRMED)), rekeyed,
              len(todo), len(witness), len(confirming),
              "--confirm" if a.confirm else "survivors of their cases left unconfirmed",
              a.jobs, " ".join(os.path.basename(s) for s in order)), flush=True)
    for n in range(1, min(a.jobs, len(todo))):
        trees.put(make_tree(tree0, n))

    # the named first, then the rest in a seeded random order: a run
    # stopped part way has tried a fair sample of the whole
    todo = [m for m in mutants if m.key in confirming] + \
        [m for m in todo if m.cls == "named"] + \
        random.Random(24).sample([m for m in todo if m.cls != "named"],
                                 len([m for m in todo if m.cls != "named"]))
    work = queue.Queue()
    for mu in todo:
        work.put(mu)
    lock = threading.Lock()
    state = {"run": 0, "busy": 0.0}

    def worker():
        tree = trees.get()
        while True:
            try:
                mu = work.get_nowait()
            except queue.Empty:
                return
            t = time.time()
            first, rest, by_line = plan(mu)
            # the test cases that execute the line, which key a survivor
            units = coverage.units_of(mu) if by_line else None
            first, rest, unconfirmed = phases_of(first, rest, by_line, a.confirm,
                                                 mu.key in confirming)
            # a cached kill whose witness's suite changed: that test case
            # first, then (if it no longer kills) the plan, judged afresh
            first, rest = witness_first(witness.get(mu.key), first, rest)
            prof = {}
            if by_line and not first:
                verdict, by, ran = "survived", "not covered", []
            else:
                verdict, by, ran = judge(tree, mu, first, rest, limit, code,
                                         graph.owners.get(mu.path, set()), direct, prof,
                                         [] if a.confirm_o2 else None)
            if unconfirmed and verdict == "survived":
                verdict, by = UNCONFIRMED, "%d case(s) of %s" % (
                    len(first), " ".join(sorted({os.path.basename(s) for s, _ in first})))
            dt = time.time() - t
            if verdict == "error":   # a build out of time: tried again next run
                print("mutation: %s  %s: %s, not cached" % (mu.where, mu.change, by), flush=True)
                continue
            with lock:
                cache.data["mutants"][mu.key] = {
                    "verdict": verdict, "by": by, "where": mu.where, "change": mu.change,
                    "seconds": round(dt, 1), "deps": deps_of(mu, ran, verdict, units)}
                if verdict in ("survived", UNCONFIRMED) and units is not None:
                    cache.data["mutants"][mu.key]["units"] = sorted(map(list, units))
                if a.confirm_o2:   # built at the library's flags
                    cache.data["mutants"][mu.key]["at"] = "-O2"
                if verdict == "killed" and prof.get("witness"):
                    # keyed by the mutated code alone; the witness's suite's
                    # code decides whether it is re-run (reuse())
                    w = prof.pop("witness")
                    cache.data["mutants"][mu.key].update(
                        witness=w, witness_deps=hashes.of(graph.keys[w[0]]))
                prof.pop("witness", None)
                if prof:
                    cache.data["mutants"][mu.key]["phases"] = {
                        k: round(v, 1) for k, v in prof.items()}
                results[mu.key] = (verdict, by)
                if ran and verdict == "killed":
                    kills[(mu.path, ran[0])] = kills.get((mu.path, ran[0]), 0) + 1
                state["run"] += 1
                state["busy"] += dt
                done = len(results)
                n = tally(results, accepted_keys)
                left = total - done
                eta = state["busy"] / state["run"] * left / max(a.jobs, 1)
                print("[%d/%d] killed %d survived %d (+%d by their cases) equivalent %d "
                      "not compiled %d ETA %s  %-8s %s  %s%s%s" % (
                          done, total, n["killed"], n["survived"], n["unconfirmed"],
                          n["equivalent"] + n["reviewed"], n["not compiled"], fmt_time(eta),
                          verdict, mu.where,
                    mu.change,
                    " [%s]" % by if by else "",
                    "  (%.0f s: make %.1f, build %.1f (cc %.1f), %d run(s) %.1f, -O2 %.1f)" % (
                        dt, prof["prepare"], prof["build"], prof["compile"], prof["runs"],
                        prof["run"], prof["o2"])
                    if prof else ""), flush=True)
            cache.save()

    threads = [threading.Thread(target=worker) for _ in range(max(1, min(a.jobs, len(todo))))]
    def interrupted(*_):
        raise KeyboardInterrupt
    # SIGTERM as SIGINT: the mutants under way end, then the run
    signal.signal(signal.SIGTERM, interrupted)

    def join():
        # a timed join: an untimed one left SIGINT pending in the main
        # thread until every mutant had run
        for th in threads:
            while th.is_alive():
                th.join(0.5)
    try:
        for th in threads:
            th.start()
        join()
    except KeyboardInterrupt:
        while not work.empty():
            work.get_nowait()
        print("mutation: interrupted; the results so far are in %s; the mutants under "
              "way end first" % a.cache, file=sys.stderr, flush=True)
        join()

    killed = [m for m in mutants if results.get(m.key, ("",))[0] == "killed"]
    survivors = [m for m in mutants
                 if results.get(m.key, ("",))[0] in ("survived", UNCONFIRMED)]
    why = {m.key: reviewed_why(reviewed, m) for m in survivors}
    accepted = [m for m in survivors if why[m.key]]
    unconfirmed = [m for m in survivors if not why[m.key] and results[m.key][0] == UNCONFIRMED]
    survivors = [m for m in survivors if not why[m.key] and results[m.key][0] == "survived"]
    same = [m for m in mutants if results.get(m.key, ("",))[0] == "equivalent"]
    stillborn = [m for m in mutants if results.get(m.key, ("",))[0] == "not compiled"]
    tried = len(killed) + len(survivors) + len(unconfirmed)
    run_s = sum(cache.data["mutants"][m.key].get("seconds", 0.0) for m in mutants
                if m.key in results)
    with open(a.report, "w") as f:
        f.write("make mutation: %d mutants tried, %d killed, %d survived (%d of them "
                "unconfirmed: their covering test cases pass, their suites not run whole; "
                "score %.1f%%), "
                "%d equivalent (%d the same object code, %d reviewed), %d not compiled "
                "(no kill, out of the score), %d not run yet, "
                "%d not applicable; this run %.0f s (%d run, %d cached), all the results' "
                "own run time %.0f s\n"
                % (tried, len(killed), len(survivors) + len(unconfirmed), len(unconfirmed),
                   100.0 * len(killed) / max(tried, 1),
                   len(same) + len(accepted), len(same), len(accepted), len(stillborn),
                   len(mutants) - tried - len(same) - len(accepted) - len(stillborn),
                   len(skipped),
                   time.time() - t0, state["run"], cached, run_s))
        f.write("suites: %s\n\nsurvivors, confirmed (%d executed by no suite: not covered):\n" % (
            " ".join(os.path.basename(s) for s in order),
            sum(1 for m in survivors if results[m.key][1] == "not covered")))
        for m in survivors:
            f.write("  %s  %s%s\n" % (m.where, m.change,
                                      "  [not covered]" if results[m.key][1] == "not covered"
                                      else ""))
        if unconfirmed:
            f.write("\nsurvivors of the test cases that execute the line, unconfirmed "
                    "(MUTATION_CONFIRM=1 runs their suites whole):\n")
            for m in unconfirmed:
                f.write("  %s  %s  [%s]\n" % (m.where, m.change, results[m.key][1]))
        if accepted:
            f.write("\nequivalent (reviewed: %s):\n" % os.path.basename(a.equivalent))
            for m in accepted:
                f.write("  %s  %s\n    %s\n" % (m.where, m.change, why[m.key]))
        if same:
            f.write("\nequivalent (the object code is the original's):\n")
            for m in same:
                f.write("  %s  %s\n" % (m.where, m.change))
        if stillborn:
            f.write("\nnot compiled (no kill: the compiler or the linker refused them):\n")
            for m in stillborn:
                f.write("  %s  %s\n    %s\n" % (m.where, m.change, results[m.key][1]))
        if skipped:
            f.write("\nnot applicable (the text is no longer there):\n")
            for m in skipped:
                f.write("  %s  %s\n" % (m.path, m.what))
    print(open(a.report).read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
