#!/bin/sh
# compare.sh -- `make bench-torch' (run by `make bench'): one epoch of
# backprop's training loop beside PyTorch's (bench/torch_train.py), same
# machine, same thread count (1 and 2), same batch (64), same models, the
# runs interleaved (backprop, PyTorch, backprop, ...) so that other work on
# the machine weighs on both alike; then the medians over every round and
# the ratios the targets are about (issue 11 for float64, issue 22 for
# float32, backprop's float32 beside PyTorch's):
#   two-layer: backprop <= 0.5 x PyTorch float64 and <= 1.0 x float32;
#   one-layer: backprop <= 0.5 x PyTorch float32;
#   CNN: backprop float32 <= 1.0 x PyTorch float32.
# First the kernels each side runs (torch_train.py --kernels: PyTorch's
# products go to the same OpenBLAS, its float32 convolutions to oneDNN;
# bench/bench names OpenBLAS's kernels), last the floor: the machine's
# sgemm and dgemm on the epoch's products alone (bench/bench gemm), and
# backprop float32's epoch over it (bench/bench compare32 and cnn32, each
# in its own process beside the float64 one).
# And the whole `backprop train --hidden 256 --epochs 1` run, by
# /usr/bin/time, when the full Fashion-MNIST is installed.
# When OPENBLAS_CORETYPE holds OpenBLAS to older kernels (Haswell's AVX2
# on an AVX-512 machine), PyTorch's float32 convolutions still run
# oneDNN's best JIT (avx512_core): in --cnn mode a second PyTorch float32
# row then runs with oneDNN held to the same ISA (ONEDNN_MAX_CPU_ISA,
# which oneDNN 2.6 honours: torch_train.py --kernels prints the JIT's
# ISA), beside the default row, with its own ratio.
# Wall time is what a user waits; CPU time (all threads) is what an epoch
# costs whatever else runs on the machine, the steadier figure on a shared
# one: both are printed, and the ratios of each.
# With --cnn C1,C2,H (`make bench-cnn', run by `make bench'): the same
# for the CNN of `backprop train --conv C1,C2 --hidden H' instead:
# --batches N batches of 64 as one epoch (bench/bench cnn,
# bp_net_train_epoch of bp_net_cnn, float64, and bench/bench cnn32, float32;
# torch_train.py --cnn, float64 and float32, each dtype in its own process), on the first
# images of Fashion-MNIST when $BACKPROP_DATA (default
# /usr/share/datasets/fashion-mnist) has it, else synthetic ones (said
# so); the target (issue 13): backprop <= 1.0 x PyTorch float64, at 1 and
# at 2 threads; and the peak memory of each process (ru_maxrss).
#   usage: compare.sh [--cnn C1,C2,H [--batches N]] BENCH PROGRAM [ROUNDS [THREADS...]]
cnn= batches=20
while case $1 in
        --cnn) cnn=$2; shift 2 ;;
        --batches) batches=$2; shift 2 ;;
        *) false ;;
      esac; do :; done
bench=${1:-./bench/bench}
prog=${2:-./backprop}
rounds=${3:-3}
[ $# -gt 3 ] && { shift 3; thread_counts=$*; } || thread_counts="1 2"
py=/usr/bin/python3
src=$(dirname "$0")
data=${BACKPROP_DATA:-/usr/share/datasets/fashion-mnist}
"$py" -c 'import torch' 2>/dev/null \
  || { echo "bench-torch: no PyTorch (apt-get install python3-torch)" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}/bench-compare.$$
mkdir "$tmp" || exit 2
trap 'rm -rf "$tmp"' EXIT
if [ -n "$cnn" ]; then
  set -- $(echo "$cnn" | tr ',' ' ')
  [ $# -eq 3 ] || { echo "compare.sh: --cnn wants C1,C2,H" >&2; exit 2; }
  conv=$1,$2 hidden=$3
  # oneDNN's name for the ISA of OpenBLAS's kernels OPENBLAS_CORETYPE names
  case $(echo "${OPENBLAS_CORETYPE:-}" | tr '[:upper:]' '[:lower:]') in
    '') held= ;;
    haswell|zen) held=AVX2 ;;
    skylakex) held=AVX512_CORE ;;
    cooperlake) held=AVX512_CORE_BF16 ;;
    sandybridge) held=AVX ;;
    *) held=
       echo "compare.sh: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE: no oneDNN ISA to hold PyTorch to" >&2 ;;
  esac
  if [ -f "$data/train-images-idx3-ubyte.gz" ]; then
    with_data="--data $data"
    echo "data: the first $((64 * batches)) training images of Fashion-MNIST ($data)"
  else
    with_data=
    echo "data: synthetic 28x28 images (no Fashion-MNIST in $data)"
  fi
fi
# Both sides run libgomp's OpenMP threads (backprop's im2col and pooling,
# PyTorch's oneDNN) beside OpenBLAS's pthreads: left at libgomp's default,
# a worker spins for a while after each parallel region, on the core the
# OpenBLAS thread of the next product wants.  Passive waiting, for both,
# unless set: at 2 threads, load 33-39, the CNN's 10 batches took 1.89 s
# CPU in backprop, 3.67 s in PyTorch, and 1.34 s and 1.33 s passive
# (bench/bench cnn32, torch_train.py --cnn --dtype float32).
: "${OMP_WAIT_POLICY:=passive}"
export OMP_WAIT_POLICY
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
echo
"$py" "$src/torch_train.py" --kernels ${cnn:+--cnn "$cnn"} || exit 1
if [ -n "$cnn" ] && [ -n "$held" ]; then
  echo
  echo "PyTorch float32 held to OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE's ISA: ONEDNN_MAX_CPU_ISA=$held"
  ONEDNN_MAX_CPU_ISA=$held "$py" "$src/torch_train.py" --kernels --cnn "$cnn" | grep float32 \
    || exit 1
fi
echo
for threads in $thread_counts; do
  for r in $(seq "$rounds"); do
    if [ -n "$cnn" ]; then
      # 3 epochs a process: the median leaves the first (page faults) out
      "$bench" --repeats 3 --threads "$threads" --conv "$conv" --hidden "$hidden" \
        --batches "$batches" $with_data cnn >"$tmp/out" 2>>"$tmp/results" || exit 1
      grep -e '^| backprop' -e '^| CBLAS' -e '^| OpenMP' -e '^parameters' "$tmp/out" >>"$tmp/rows"
      "$bench" --repeats 3 --threads "$threads" --conv "$conv" --hidden "$hidden" \
        --batches "$batches" $with_data cnn32 >"$tmp/out" 2>>"$tmp/results" || exit 1
      grep -e '^| backprop' -e '^(cnn' "$tmp/out" >>"$tmp/rows"
      for dtype in float64 float32; do
        "$py" "$src/torch_train.py" "$threads" 3 --cnn "$cnn" --batches "$batches" \
          $with_data --dtype "$dtype" >>"$tmp/rows" 2>>"$tmp/results" || exit 1
      done
      # beside the default row, never instead: "RESULT torch-held ..."
      if [ -n "$held" ]; then
        ONEDNN_MAX_CPU_ISA=$held "$py" "$src/torch_train.py" "$threads" 3 --cnn "$cnn" \
          --batches "$batches" $with_data --dtype float32 >>"$tmp/rows" 2>>"$tmp/results" \
          || exit 1
      fi
    else
      "$bench" --repeats 2 --threads "$threads" compare >>"$tmp/rows" 2>>"$tmp/results" || exit 1
      "$bench" --repeats 2 --threads "$threads" compare32 >>"$tmp/rows" 2>>"$tmp/results" || exit 1
      "$py" "$src/torch_train.py" "$threads" 2 >>"$tmp/rows" 2>>"$tmp/results" || exit 1
    fi
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# the machine's sgemm and dgemm on the same products, each thread count:
# the floor of an epoch (bench/bench gemm)
for threads in $thread_counts; do
  "$bench" --repeats 5 --threads "$threads" ${cnn:+--conv "$conv" --hidden "$hidden"} gemm \
    >>"$tmp/gemm" 2>>"$tmp/results" || exit 1
done
echo
if [ -n "$cnn" ] && [ -n "$held" ]; then
  echo "| threads | model | time | backprop float64 | backprop float32 | PyTorch float64 | PyTorch float32 (oneDNN default ISA) | PyTorch float32 (ONEDNN_MAX_CPU_ISA=$held) | backprop / PyTorch float64 | backprop float32 / PyTorch float32 default | backprop float32 / PyTorch float32 $held | sgemm floor | backprop float32 / floor |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
else
  echo "| threads | model | time | backprop float64 | backprop float32 | PyTorch float64 | PyTorch float32 | backprop / PyTorch float64 | backprop float32 / PyTorch float32 | sgemm floor | backprop float32 / floor |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
fi
# medians of each (program, model, arithmetic, threads, field) over the
# rounds; the models in the order they came; field 8, the peak memory;
# "RESULT gemm MODEL DTYPE THREADS WALL CPU": an epoch's products alone
# (60,000 images; the CNN's rows are --batches batches: scaled to those)
awk -v counts="$thread_counts" -v batches="${cnn:+$batches}" -v held="${cnn:+$held}" '
     function fmt(x) { return x == "" ? "-" : sprintf("%.3f s", x) }
     function ratio(a, b) { return a == "" || b == "" ? "-" : sprintf("%.2f", a / b) }
     $1 == "RESULT" && $2 == "gemm" {
       for (f = 6; f <= 7; f++) floor[$3, $4, $5, f] = $f * (batches ? batches / 937.5 : 1)
       next
     }
     $1 == "RESULT" {
       if (!($3 in seen)) { seen[$3] = 1; models[++nm] = $3 }
       for (f = 6; f <= NF && f <= 8; f++) { k = $2 " " $3 " " $4 " " $5 " " f; v[k, ++c[k]] = $f }
     }
     END {
       for (k in c) {
         n = c[k]
         for (i = 1; i <= n; i++) a[i] = v[k, i]
         for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
         med[k] = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
       }
       nt = split(counts, ts, " ")
       for (i = 1; i <= nt; i++)
         for (m = 1; m <= nm; m++)
           for (f = 6; f <= 7; f++) {
             t = ts[i]; model = models[m]
             b64 = med["backprop " model " float64 " t " " f]; b32 = med["backprop " model " float32 " t " " f]
             f64 = med["torch " model " float64 " t " " f]; f32 = med["torch " model " float32 " t " " f]
             fl = floor[model, "float32", t, f]
             h32 = med["torch-held " model " float32 " t " " f]
             if (f64 == "" || f32 == "") continue
             if (held != "")
               printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", t, model,
                      f == 6 ? "wall" : "CPU", fmt(b64), fmt(b32), fmt(f64), fmt(f32), fmt(h32),
                      ratio(b64, f64), ratio(b32, f32), ratio(b32, h32), fmt(fl), ratio(b32, fl)
             else
               printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", t, model,
                      f == 6 ? "wall" : "CPU", fmt(b64), fmt(b32), fmt(f64), fmt(f32),
                      ratio(b64, f64), ratio(b32, f32), fmt(fl), ratio(b32, fl)
           }
       peaks = 0
       for (i = 1; i <= nt; i++)
         for (m = 1; m <= nm; m++) {
           t = ts[i]; model = models[m]
           b = med["backprop " model " float64 " t " 8"]; b32 = med["backprop " model " float32 " t " 8"]
           f64 = med["torch " model " float64 " t " 8"]; f32 = med["torch " model " float32 " t " 8"]
           if (b == "" || f64 == "" || f32 == "") continue
           if (!peaks++)
             printf "\n| threads | model | peak memory | backprop float64 | backprop float32 | PyTorch float64 | PyTorch float32 |\n|---|---|---|---|---|---|---|\n"
           printf "| %d | %s | ru_maxrss | %.0f MiB | %s | %.0f MiB | %.0f MiB |\n", t, model,
                  b / 1024, b32 == "" ? "-" : sprintf("%.0f MiB", b32 / 1024), f64 / 1024, f32 / 1024
         }
     }' "$tmp/results"
echo
echo "(sgemm floor: the products of the epoch alone, each timed by itself through"
echo "the same BLAS at the same thread count, summed: bench/bench gemm;"
echo "its rows, float32 and float64:)"
grep -e '^| CBLAS' -e '^| OpenBLAS threads' -e 'all, one epoch' "$tmp/gemm"
echo
if [ -n "$cnn" ]; then
  echo "(medians of $rounds rounds, each the median of 3 epochs of $batches batches in one"
  echo "process; one epoch of Fashion-MNIST, 938 batches, takes 938/$batches times as long; every row:)"
else
  echo "(medians of $rounds rounds of 2 epochs each; every row:)"
fi
sort -u "$tmp/rows" | grep -v '^|---' | grep -v '^| program'
[ -n "$cnn" ] && exit 0
if [ -d "$data" ] && [ -x /usr/bin/time ]; then
  echo
  echo "whole run: /usr/bin/time $prog train --data $data --hidden 256 --epochs 1 --model $tmp/m"
  /usr/bin/time -f "%e s wall, %U s user, %M kB peak" "$prog" train --data "$data" --hidden 256 \
    --epochs 1 --model "$tmp/m" 2>&1 >/dev/null | tail -1
fi
