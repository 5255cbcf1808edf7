#!/usr/bin/env python3
"""mutation.py -- `make mutation': how many single-site mutants of the
formula, checker and training sources the fast test suites kill (issue 14).

Each mutant changes one thing in one line of code -- an operator (+ -, * /,
< <=, > >=, == !=, && ||), a constant (0.0 1.0 2.0, 1 2 in arithmetic), a
transpose (CblasTrans CblasNoTrans), an index (i + 1, size1 size2) -- or is
one of the named mutants of issue 14 (the nine survivors it lists).  For
each: the file is changed in the build tree, the library rebuilt (one
object and the link; the test programs use the shared library, so they
need no relink), the fast suites run, and the file restored, even on
interruption.  A mutant is killed when a suite fails or times out, or
when the library does not build.

Usage: mutation.py [--max N] [--only SUBSTRING] [--report FILE]
Run from the top of a configured, built tree (make mutation does).
Writes the score and every survivor (file:line, the change) to the report.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import time

SOURCES = ["src/lib/formulas/%s.c" % f for f in
           ("reshape", "linear", "softmax", "cross_entropy", "model", "activation",
            "mlp", "batch", "mlp_batch", "conv", "pool", "cnn")] + \
          ["src/lib/check/%s.c" % f for f in
           ("check", "check_threads", "check_directional", "complex_step")] + \
          ["src/lib/train/%s.c" % f for f in ("train", "mlp_train", "cnn_train")]

# The fast suites, the quickest first (a mutant is killed by the first
# that fails); the file and data suites are left out.
SUITES = ["check_edge", "check_cross_entropy", "check_activation", "check_softmax",
          "check_reshape", "check_train", "check_threads", "check_api",
          "check_complex_step", "check_batch", "check_model", "check_checker",
          "check_linear", "check_mlp", "check_mlp_batch", "check_conv", "check_pool",
          "check_cnn"]
EXTRA_SUITES = ["check_trainer", "check_mutants", "check_gradcheck", "check_verify"]

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

# Issue 14's nine surviving mutants, at their places in today's code
# (the checker's core, src/lib/check/gradcheck.c, and the shared training
# loop, src/lib/train/loop.c, replaced the files the issue names):
# (file, text, replacement, what).
NAMED = [
    ("src/lib/formulas/softmax.c", "gsl_blas_dgemv (CblasTrans, 1.0, J, dL_dy",
     "gsl_blas_dgemv (CblasNoTrans, 1.0, J, dL_dy", "bp_softmax_backward: J^T -> J"),
    ("src/lib/train/loop.c", "return count / B + (count % B != 0);", "return count / B + 1;",
     "batches per epoch ceil(count/B) -> (count+B+1)/B's count/B + 1 at count = k B"),
    ("src/lib/formulas/mlp.c", "sqrt (1.0 / (double) net->H)", "1.0",
     "bp_mlp_randomize: W2's spread 1/sqrt(H) -> 1"),
    ("src/lib/check/gradcheck.c", "b->max_rel_err = diff / scale;", "b->max_rel_err = diff;",
     "max_rel_err = diff/scale -> diff"),
    ("src/lib/check/gradcheck.c", "gsl_vector_scale (d, 1.0 / gsl_blas_dnrm2 (d));",
     ";", "directions not normalised"),
    ("src/lib/check/complex_step.c", "2 * i * v->stride", "2 * i / v->stride",
     "complex step: 2 i stride -> 2 i / stride"),
    ("src/lib/check/gradcheck.c", "return x > 0.0 && isfinite (x);",
     "return x >= 0.0 && isfinite (x);",
     "h > 0 -> h >= 0 (one check now, for bp_deriv_gradient and bp_deriv_jacobian)"),
    ("src/lib/check/check.c",
     "if (s != GSL_SUCCESS && l->status[p->thread] == GSL_SUCCESS)\n    l->status[p->thread] = s;",
     "(void) s;", "the vector function's error not recorded"),
]


def code_lines(text):
    """Indices of the lines that are code: not comments, preprocessor lines,
    error messages or asserts."""
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


def generate():
    mutants = []
    for path in SOURCES:
        if not os.path.exists(path):
            continue
        text = open(path).read()
        lines = text.split("\n")
        for k in code_lines(text):
            line = lines[k].split("/*")[0]
            for cls, pat, rep in RULES:
                for m in re.finditer(pat, line):
                    new = line[:m.start()] + m.expand(rep) + line[m.end():]
                    if new != line:
                        mutants.append((cls, path, k, lines[k], new + lines[k][len(line):],
                                        None))
    return mutants


def named():
    out = []
    seen = {}
    for path, old, new, what in NAMED:
        if not os.path.exists(path):
            out.append(("named", path, -1, old, new, what))
            continue
        text = open(path).read()
        nth = seen.get((path, old), 0)   # the second h > 0 is the Jacobian's
        seen[(path, old)] = nth + 1
        pos = -1
        for _ in range(nth + 1):
            pos = text.find(old, pos + 1)
            if pos < 0:
                break
        out.append(("named", path, pos, old, new, what))
    return out


def run(cmd, timeout):
    try:
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return 124


def build():
    return run(["make", "-s", "src/lib/libbackprop.la"], 300)


def suites_pass(suites):
    env = dict(os.environ, CK_DEFAULT_TIMEOUT="20", OMP_NUM_THREADS="1",
               BP_TEST_DATA=os.path.abspath("tests/data"),
               BP_SRCDIR=os.path.abspath("."))
    for s in suites:
        try:
            r = subprocess.run(["tests/" + s], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=120, env=env).returncode
        except subprocess.TimeoutExpired:
            r = 124
        if r != 0:
            return False, s
    return True, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=int(os.environ.get("MUTATION_MAX", "0")),
                    help="try at most N generated mutants (a seeded sample); 0: all")
    ap.add_argument("--only", default=os.environ.get("MUTATION_ONLY", ""))
    ap.add_argument("--named", action="store_true", help="only issue 14's named mutants")
    ap.add_argument("--report", default="tests/mutation-report.txt")
    a = ap.parse_args()
    suites = [s for s in SUITES + EXTRA_SUITES if os.path.exists("tests/" + s)]
    ok, which = suites_pass(suites)
    if build() != 0 or not ok:
        print("mutation: the unmutated tree does not pass (%s)" % which, file=sys.stderr)
        return 2
    gen = generate()
    if a.only:
        gen = [m for m in gen if a.only in m[1]]
    if a.max and len(gen) > a.max:
        gen = sorted(random.Random(14).sample(gen, a.max), key=lambda m: (m[1], m[2]))
    all_mutants = named() + ([] if a.named else gen)
    killed, survivors, skipped = 0, [], []
    t0 = time.time()
    for n, (cls, path, k, old, new, what) in enumerate(all_mutants, 1):
        original = open(path).read() if os.path.exists(path) else None
        if original is None or k < 0:
            skipped.append((cls, path, what or old))
            continue
        if cls == "named":
            mutated = original[:k] + new + original[k + len(old):]
            where = "%s:%d" % (path, original[:k].count("\n") + 1)
            change = "%s: %r -> %r" % (what, old, new)
        else:
            lines = original.split("\n")
            lines[k] = new
            mutated = "\n".join(lines)
            where = "%s:%d" % (path, k + 1)
            change = "%s: %s  ->  %s" % (cls, old.strip(), new.strip())
        try:
            with open(path, "w") as f:
                f.write(mutated)
            if build() != 0:
                verdict, by = "killed", "build"
            else:
                passed, by = suites_pass(suites)
                verdict = "survived" if passed else "killed"
        finally:
            with open(path, "w") as f:
                f.write(original)
        if verdict == "killed":
            killed += 1
        else:
            survivors.append((where, change))
        print("%4d/%d %-8s %s %s%s" % (n, len(all_mutants), verdict, where, change,
                                      "" if verdict == "survived" else " [%s]" % by),
              flush=True)
    build()
    tried = killed + len(survivors)
    with open(a.report, "w") as f:
        f.write("make mutation: %d mutants tried, %d killed, %d survived (score %.1f%%), "
                "%d not applicable; %.0f s\n" % (tried, killed, len(survivors),
                                                 100.0 * killed / max(tried, 1),
                                                 len(skipped), time.time() - t0))
        f.write("suites: %s\n\nsurvivors:\n" % " ".join(suites))
        for where, change in survivors:
            f.write("  %s  %s\n" % (where, change))
        if skipped:
            f.write("\nnot applicable (the text is no longer there):\n")
            for cls, path, what in skipped:
                f.write("  %s  %s\n" % (path, what))
    print(open(a.report).read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
