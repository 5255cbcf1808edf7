#!/bin/sh
# train-json.sh -- `backprop train --json': every line of stdout is a JSON
# object (parsed by python3's json module): one per epoch, numbered, then
# the test figures, which agree with the table of the same run without
# --json (the same seed: the same bytes).
prog=./backprop
data=${BP_TEST_DATA:-$(dirname "$0")/data}
[ -x "$prog" ] || { echo "no $prog (run from the build directory)"; exit 99; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=train-json.$$
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
"$prog" train --data "$data" --hidden 8 --epochs 3 --json --model "$tmp/j" --plot "$tmp/p" \
  >"$tmp/json" 2>/dev/null || { echo "FAIL: train --json exited $?"; exit 1; }
"$prog" train --data "$data" --hidden 8 --epochs 3 --model "$tmp/t" >"$tmp/table" 2>/dev/null \
  || { echo "FAIL: train exited $?"; exit 1; }
python3 - "$tmp/json" "$tmp/table" "$tmp/j" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
table = open(sys.argv[2]).read()
fail = []
try:
    docs = [json.loads(l) for l in lines]
except ValueError as e:
    print("FAIL: a line is not JSON: %s: %r" % (e, lines)); sys.exit(1)
epochs = [d for d in docs if d.get("event") == "epoch"]
if [d["epoch"] for d in epochs] != [1, 2, 3] or any(d["epochs"] != 3 for d in epochs):
    fail.append("epoch lines: %r" % epochs)
if docs[-1].get("event") != "test" or docs[-1].get("model") != sys.argv[3]:
    fail.append("the last line: %r" % docs[-1])
rows = re.findall(r"^ *(\d+)/3 +(\S+) +(\S+) +(\S+) +(\S+)%", table, re.M)
for d, r in zip(epochs, rows):
    if "%.4g" % d["train_loss"] != r[2] or "%.4g" % d["valid_loss"] != r[3] \
       or "%.2f" % (100 * d["valid_accuracy"]) != r[4]:
        fail.append("epoch %d: %r against the table's %r" % (d["epoch"], d, r))
acc = re.search(r"test accuracy ([0-9.]+)%", table).group(1)
if "%.2f" % (100 * docs[-1]["test_accuracy"]) != acc:
    fail.append("test accuracy %r against the table's %s" % (docs[-1], acc))
for f in fail:
    print("FAIL: " + f)
print("%d passed, %d failed" % (not fail, bool(fail)))
sys.exit(1 if fail else 0)
PY
