#!/bin/sh
# check.sh -- `make bench-check': the whole-process time of `backprop
# check' on the separable loss of tests/modules/quad.c (a right gradient)
# with n = 10,000, for each method; the median of REPEATS runs by
# /usr/bin/time, printed as a Markdown table (doc/performance.md).
# Usage: bench/check.sh PROGRAM MODULE [REPEATS]
prog=$1 mod=$2 repeats=${3:-5} n=10000
command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] || {
  echo "bench-check: /usr/bin/time is missing (Debian: apt-get install time)" >&2; exit 2; }
echo "backprop check, n = $n (L = sum_k a_k theta_k^2), median of $repeats runs:"
echo
echo "| method | wall s | max RSS MB | exit |"
echo "|---|---|---|---|"
for m in gsl complex-step directional taylor all; do
  rm -f bench-check.times
  st=0
  i=0
  while [ $i -lt "$repeats" ]; do
    /usr/bin/time -a -o bench-check.times -f '%e %M' "$prog" check --lib "$mod" \
      --loss quad_loss --grad quad_grad --closs quad_closs --n $n --method $m \
      >/dev/null 2>&1 || st=$?
    i=$((i + 1))
  done
  sort -n bench-check.times | awk -v m=$m -v st=$st '
    { t[NR] = $1; r[NR] = $2 }
    END { k = int((NR + 1) / 2); printf "| %s | %.3f | %.1f | %d |\n", m, t[k], r[k] / 1024, st }'
done
rm -f bench-check.times
