#!/bin/sh
# eval-json.sh -- `backprop eval --json': stdout is one JSON document
# (parsed by python3's json module) whose figures are the table's of the
# same model: the accuracy, the loss, the confusion matrix, each class's
# name, precision, recall and images.  A class name with a quote and a
# backslash tests the strings' escapes.
prog=./backprop
data=${BP_TEST_DATA:-$(dirname "$0")/data}
[ -x "$prog" ] || { echo "no $prog (run from the build directory)"; exit 99; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=eval-json.$$
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
"$prog" train --data "$data" --epochs 1 --model "$tmp/m" >/dev/null 2>&1 \
  || { echo "FAIL: train exited $?"; exit 1; }
sed '1s/.*/say "hi" \\ top/' "$data/classes.txt" >"$tmp/classes" || exit 99
"$prog" eval --json --model "$tmp/m" --data "$data" --classes "$tmp/classes" >"$tmp/json" \
  || { echo "FAIL: eval --json exited $?"; exit 1; }
"$prog" eval --model "$tmp/m" --data "$data" --classes "$tmp/classes" >"$tmp/table" \
  || { echo "FAIL: eval exited $?"; exit 1; }
python3 - "$tmp/json" "$tmp/table" "$tmp/m" "$tmp/classes" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
table = open(sys.argv[2]).read()
names = open(sys.argv[4]).read().splitlines()
fail = []
try:
    d = json.loads(text)
except ValueError as e:
    print("FAIL: not one JSON document: %s: %r" % (e, text)); sys.exit(1)
if d.get("command") != "eval" or d.get("model") != sys.argv[3]:
    fail.append("command or model: %r" % d)
m = re.search(r"test accuracy ([0-9.]+)% \((\d+) of (\d+)\), mean loss ([0-9.]+)", table)
if "%.2f" % (100 * d["test_accuracy"]) != m.group(1) or d["images"] != int(m.group(3)) \
   or "%.4f" % d["test_loss"] != m.group(4):
    fail.append("accuracy, images or loss %r against the table's %r" % (d, m.groups()))
C = d["confusion"]
n = len(C)
rows = re.findall(r"^ ?(\d+) .{12} ((?: +\d+){%d})$" % n, table, re.M)
if [[int(x) for x in r[1].split()] for r in rows] != C:
    fail.append("confusion %r against the table's %r" % (C, rows))
if sum(C[k][k] for k in range(n)) != int(m.group(2)):
    fail.append("the confusion's diagonal against %s right" % m.group(2))
pct = lambda x: "-" if x is None else "%.2f%%" % (100 * x)
stats = re.findall(r"^ ?(\d+) .{12} +(\S+) +(\S+) +(\d+)$", table, re.M)
for c, s in zip(d["classes"], stats):
    want = (str(c["class"]), pct(c["precision"]), pct(c["recall"]), str(c["images"]))
    if want != s:
        fail.append("class %r against the table's %r" % (c, s))
if [c["name"] for c in d["classes"]] != names[:n]:
    fail.append("names %r against %r" % ([c["name"] for c in d["classes"]], names[:n]))
if len(stats) != n or len(d["classes"]) != n:
    fail.append("%d classes in the JSON, %d rows in the table, %d in the matrix"
                % (len(d["classes"]), len(stats), n))
for f in fail:
    print("FAIL: " + f)
print("%d passed, %d failed" % (not fail, bool(fail)))
sys.exit(1 if fail else 0)
PY
