#!/bin/sh
# bench-train.sh -- the training targets, measured (not a test: run by
# `make bench'):  test accuracy of `backprop train' with its defaults on
# the full Fashion-MNIST (Debian's dataset-fashion-mnist), the same
# accuracy from the saved model by `backprop eval', the wall time per
# epoch, and the peak resident memory, by GNU time (Debian's package time).
#   usage: bench-train.sh [PROGRAM [DATA_DIR]]
prog=${1:-./backprop}
data=${2:-${BACKPROP_DATA:-/usr/share/datasets/fashion-mnist}}
[ -d "$data" ] || { echo "bench-train: no $data (apt-get install dataset-fashion-mnist)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-train: no /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}/bench-train.$$
mkdir "$tmp" || exit 2
trap 'rm -rf "$tmp"' EXIT

echo "== /usr/bin/time -v $prog train --data $data --model $tmp/model --plot $tmp/plot"
/usr/bin/time -v "$prog" train --data "$data" --model "$tmp/model" --plot "$tmp/plot" \
  >"$tmp/out" 2>"$tmp/time" || { cat "$tmp/out" "$tmp/time"; exit 1; }
cat "$tmp/out"
echo "== $prog eval --model $tmp/model --data $data"
"$prog" eval --model "$tmp/model" --data "$data" | tee "$tmp/eval" | head -2

acc=$(sed -n 's/^model saved to .*; test accuracy \([0-9.]*\)%$/\1/p' "$tmp/out")
eval_acc=$(sed -n 's/^test accuracy \([0-9.]*\)% .*/\1/p' "$tmp/eval")
epochs=$(grep -cE '^ *[0-9]+/[0-9]+ ' "$tmp/out")
secs=$(grep -E '^ *[0-9]+/[0-9]+ ' "$tmp/out" | tail -1 | awk '{ print $NF }')
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
echo "== summary"
echo "test accuracy after $epochs epochs: $acc% (target >= 84.5%); eval of the saved model: $eval_acc%"
echo "training + validation: $secs s, $(awk -v s="$secs" -v e="$epochs" 'BEGIN { printf "%.2f", s / e }') s per epoch; whole run $wall"
echo "peak resident memory: $rss kB = $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB (target <= 200 MB)"
st=0
awk -v a="$acc" 'BEGIN { exit !(a >= 84.5) }' || { echo "accuracy target missed"; st=1; }
[ "$acc" = "$eval_acc" ] || { echo "eval does not reproduce the accuracy"; st=1; }
[ "$rss" -le 195312 ] || { echo "memory target missed"; st=1; }
exit $st
