#!/bin/sh
# check.sh -- `make bench-check': the whole-process time of `backprop
# check' on the separable loss of tests/modules/quad.c (a right gradient)
# with n = 10,000, for each method; the median of REPEATS runs by
# /usr/bin/time, printed as a Markdown table (doc/performance.md).
# atol 1e-7: the loss, a sum of 10,000 terms near 5,000, carries a rounding
# error of about 1e-12, which central differences with h = 1e-4 turn into
# about 1e-8 on every element: beyond rtol 1e-6 of the smallest gradient
# elements (a few 1e-3), so the default tolerances call a few of them
# INCONCLUSIVE (rightly: only GSL's error estimate clears them).
# Usage: bench/check.sh PROGRAM MODULE [REPEATS]
prog=$1 mod=$2 repeats=${3:-5} n=10000
command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] || {
  echo "bench-check: /usr/bin/time is missing (Debian: apt-get install time)" >&2; exit 2; }
echo "backprop check, n = $n (L = sum_k a_k theta_k^2, --atol 1e-7), median of $repeats runs:"
echo
echo "| method | wall s | max RSS MB | exit |"
echo "|---|---|---|---|"
for m in gsl complex-step directional taylor all; do
  rm -f bench-check.times
  st=0
  i=0
  while [ $i -lt "$repeats" ]; do
    /usr/bin/time -q -a -o bench-check.times -f '%e %M' "$prog" check --lib "$mod" \
      --loss quad_loss --grad quad_grad --closs quad_closs --n $n --method $m --atol 1e-7 \
      >/dev/null 2>&1 || st=$?
    i=$((i + 1))
  done
  sort -n bench-check.times | awk -v m=$m -v st=$st '
    { t[NR] = $1; r[NR] = $2 }
    END { k = int((NR + 1) / 2); printf "| %s | %.3f | %.1f | %d |\n", m, t[k], r[k] / 1024, st }'
done
# the directional method at n = 10^6: group testing keeps it near 16
# directional derivatives (each one pass over theta), not n elements
rm -f bench-check.times
i=0 st=0
while [ $i -lt "$repeats" ]; do
  /usr/bin/time -q -a -o bench-check.times -f '%e %M' "$prog" check --lib "$mod" \
    --loss quad_loss --grad quad_grad --n 1000000 --method directional >/dev/null 2>&1 || st=$?
  i=$((i + 1))
done
sort -n bench-check.times | awk -v st=$st '
  { t[NR] = $1; r[NR] = $2 }
  END { k = int((NR + 1) / 2); printf "\ndirectional, n = 1,000,000 (defaults): %.3f s wall, %.1f MB max RSS, exit %d\n", t[k], r[k] / 1024, st }'
rm -f bench-check.times
