#!/bin/sh
# compare.sh -- `make bench-torch' (run by `make bench'): one epoch of
# backprop's training loop beside PyTorch's (bench/torch_train.py), same
# machine, same thread count (1 and 2), same batch (64), same models, the
# runs interleaved (backprop, PyTorch, backprop, ...) so that other work on
# the machine weighs on both alike; then the medians over every round and
# the ratios the targets are about (issue 11):
#   two-layer: backprop <= 0.5 x PyTorch float64 and <= 1.0 x float32;
#   one-layer: backprop <= 0.5 x PyTorch float32.
# And the whole `backprop train --hidden 256 --epochs 1` run, by
# /usr/bin/time, when the full Fashion-MNIST is installed.
# Wall time is what a user waits; CPU time (all threads) is what an epoch
# costs whatever else runs on the machine, the steadier figure on a shared
# one: both are printed, and the ratios of each.
#   usage: compare.sh BENCH PROGRAM [ROUNDS [THREADS...]]
bench=${1:-./bench/bench}
prog=${2:-./backprop}
rounds=${3:-3}
[ $# -gt 3 ] && { shift 3; thread_counts=$*; } || thread_counts="1 2"
py=/usr/bin/python3
src=$(dirname "$0")
"$py" -c 'import torch' 2>/dev/null \
  || { echo "bench-torch: no PyTorch (apt-get install python3-torch)" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}/bench-compare.$$
mkdir "$tmp" || exit 2
trap 'rm -rf "$tmp"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in $thread_counts; do
  for r in $(seq "$rounds"); do
    "$bench" --repeats 2 --threads "$threads" compare >>"$tmp/rows" 2>>"$tmp/results" || exit 1
    "$py" "$src/torch_train.py" "$threads" 2 >>"$tmp/rows" 2>>"$tmp/results" || exit 1
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| threads | model | time | backprop float64 | PyTorch float64 | PyTorch float32 | backprop / PyTorch float64 | backprop / PyTorch float32 |"
echo "|---|---|---|---|---|---|---|---|"
# medians of each (program, model, arithmetic, threads) over the rounds
awk -v counts="$thread_counts" '$1 == "RESULT" { for (f = 6; f <= 7; f++) { k = $2 " " $3 " " $4 " " $5 " " f; v[k, ++c[k]] = $f } }
     END {
       for (k in c) {
         n = c[k]
         for (i = 1; i <= n; i++) a[i] = v[k, i]
         for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
         med[k] = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
       }
       nt = split(counts, ts, " ")
       for (i = 1; i <= nt; i++)
         for (m = 1; m <= 2; m++)
           for (f = 6; f <= 7; f++) {
             t = ts[i]; model = m == 1 ? "784-10" : "784-256-10"
             b = med["backprop " model " float64 " t " " f]
             f64 = med["torch " model " float64 " t " " f]; f32 = med["torch " model " float32 " t " " f]
             if (b == "" || f64 == "" || f32 == "") continue
             printf "| %d | %s | %s | %.3f s | %.3f s | %.3f s | %.2f | %.2f |\n", t, model, f == 6 ? "wall" : "CPU", b, f64, f32, b / f64, b / f32
           }
     }' "$tmp/results"
echo
echo "(medians of $rounds rounds of 2 epochs each; every row:)"
sort -u "$tmp/rows" | grep -v '^|---' | grep -v '^| program'
data=${BACKPROP_DATA:-/usr/share/datasets/fashion-mnist}
if [ -d "$data" ] && [ -x /usr/bin/time ]; then
  echo
  echo "whole run: /usr/bin/time $prog train --data $data --hidden 256 --epochs 1 --model $tmp/m"
  /usr/bin/time -f "%e s wall, %U s user, %M kB peak" "$prog" train --data "$data" --hidden 256 \
    --epochs 1 --model "$tmp/m" 2>&1 >/dev/null | tail -1
fi
