#!/bin/sh
# check-json.sh -- `backprop check --json': stdout is one JSON document
# (python3's json module) whose figures are the table's of the same check:
# the exit status, the verdict of the whole and of each method, each
# block's counts, the worst elements' analytic and numeric values (to the
# table's 11 digits); a gradient that is not finite is a FAIL with its
# value and element.  The test modules are tests/modules (check.sh's).
prog=./backprop
mods=tests/modules/.libs
[ -x "$prog" ] || { echo "no $prog (run from the build directory)"; exit 99; }
[ -f "$mods/quad.so" ] || { echo "SKIP: no $mods/quad.so"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=check-json.$$
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
printf '0.5\n-0.25\n1\n2\n-1\n' >"$tmp/point"
for args in "--lib $mods/quad.so --loss quad_loss --grad quad_grad --closs quad_closs --n 6 --method all" \
            "--lib $mods/quad.so --loss quad_loss --grad quad_grad_sign --n 6" \
            "--lib $mods/quad.so --loss quad_loss --grad quad_grad_half --n 6 --shape 2x3 --method all" \
            "--lib $mods/misbehave.so --loss sq_loss --grad inf_grad --n 5 --point $tmp/point"; do
  n=$((n + 1))
  "$prog" check $args >"$tmp/table" 2>/dev/null; want=$?
  "$prog" check $args --json >"$tmp/json" 2>/dev/null; st=$?
  [ $st -eq $want ] || { echo "FAIL: check $args --json exited $st, the table $want"; fail=1; }
  python3 - "$tmp/json" "$tmp/table" <<'PY' || { echo "FAIL: check $args --json"; fail=1; }
import json, re, sys
text = open(sys.argv[1]).read()
table = open(sys.argv[2]).read()
try:
    d = json.loads(text)
except ValueError as e:
    print("not one JSON document: %s: %r" % (e, text)); sys.exit(1)
fail = []
verdict = re.search(r"^gradient check: (\w+)", table, re.M).group(1)
if d["verdict"] != verdict:
    fail.append("verdict %s, the table's %s" % (d["verdict"], verdict))
runs = re.findall(r"^(?!gradient check)[A-Za-z][^:\n]*: (PASS|FAIL|INCONCLUSIVE): ", table, re.M)
if [r["verdict"] for r in d["runs"]] != runs:
    fail.append("runs %r, the table's %r" % ([r["verdict"] for r in d["runs"]], runs))
blocks = re.findall(r"^  \S+ \(.*\): (\d+) checked, \d+ passed, \d+ inconclusive, (\d+) failed", table, re.M)
# the blocks with elements checked (the table shows no other)
checked = [b for r in d["runs"] for b in r["blocks"] if b["checked"]]
got = [(str(b["checked"]), str(b["failed"])) for b in checked]
if got != blocks:
    fail.append("blocks %r, the table's %r" % (got, blocks))
# a number, or None where the table prints inf or nan (JSON's null)
num = lambda x: None if x is None or not re.match(r"-?[0-9]", x) else "%.10e" % float(x)
worst = [(num(a), num(e)) for a, e in
         re.findall(r"^      \S+ +analytic +(\S+) +numeric +(\S+)", table, re.M)]
got = [(num(w["analytic"] and repr(w["analytic"])), num(w["numeric"] and repr(w["numeric"])))
       for b in checked for w in b["worst"]]
if got != worst:
    fail.append("worst %r, the table's %r" % (got, worst))
m = re.search(r"FAIL: \S+ gave (\S+) at element (\S+) \((\d+) values", table)
nf = d.get("nonfinite")
if bool(m) != bool(nf) or (m and (nf["element"] != m.group(2) or nf["count"] != int(m.group(3))
                                   or "%g" % (nf["value"] or float("inf")) != m.group(1))):
    fail.append("nonfinite %r, the table's %r" % (nf, m and m.groups()))
for f in fail:
    print(f)
sys.exit(1 if fail else 0)
PY
  echo "case $n: exit $st"
done
[ $fail -eq 0 ] && echo "$n passed, 0 failed" || echo "some failed"
exit $fail
