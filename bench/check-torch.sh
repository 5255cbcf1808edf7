#!/bin/sh
# check-torch.sh -- `make bench-check-torch': the whole-process time of
# `backprop check' on the slides' model written as a user would
# (bench/modules/slides.c: a plain loss callback and its gradient, 8,634
# parameters) beside torch.autograd.gradcheck on the same model and point
# (bench/torch_check.py), one thread each, interleaved; the median of
# ROUNDS pairs and the ratio backprop / PyTorch.  Needs python3-torch
# (Debian's, for /usr/bin/python3; PYTHON=... picks another interpreter).
# Usage: bench/check-torch.sh PROGRAM MODULE SRCDIR [ROUNDS]
prog=$1 mod=$2 srcdir=$3 rounds=${4:-5}
py=${PYTHON:-/usr/bin/python3}
"$py" -c 'import torch' 2>/dev/null || {
  echo "bench-check-torch: PyTorch is missing (Debian: apt-get install python3-torch)" >&2; exit 2; }
[ -x /usr/bin/time ] || {
  echo "bench-check-torch: /usr/bin/time is missing (Debian: apt-get install time)" >&2; exit 2; }
point=bench-check-torch.point
# W ~ U(-0.05, 0.05), b ~ U(-0.1, 0.1), x ~ U(0, 1): the slides' scales.
awk 'BEGIN { srand (1); for (k = 0; k < 8634; k++)
  printf "%.17g\n", k < 7840 ? 0.1 * rand () - 0.05 : k < 7850 ? 0.2 * rand () - 0.1 : rand () }' >$point
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
rm -f bench-check-torch.bp bench-check-torch.pt
i=0
while [ $i -lt "$rounds" ]; do
  /usr/bin/time -q -a -o bench-check-torch.bp -f '%e %x' "$prog" check --lib "$mod" \
    --loss slides_loss --grad slides_grad --n 8634 --point $point >/dev/null 2>&1
  /usr/bin/time -q -a -o bench-check-torch.pt -f '%e %x' "$py" "$srcdir/bench/torch_check.py" $point 1 \
    >/dev/null 2>&1
  i=$((i + 1))
done
med () { sort -n "$1" | awk '{ t[NR] = $1; x = x " " $2 } END { printf "%.3f %s", t[int((NR + 1) / 2)], x }'; }
set -- $(med bench-check-torch.bp | cut -d' ' -f1) $(med bench-check-torch.pt | cut -d' ' -f1)
echo "The slides' model, 8,634 parameters, one thread each, median of $rounds interleaved runs:"
echo
echo "| checker | wall s | exit statuses |"
echo "|---|---|---|"
echo "| backprop check (central differences, defaults) | $1 |$(cut -d' ' -f2 bench-check-torch.bp | tr '\n' ' ')|"
echo "| torch.autograd.gradcheck (float64) | $2 |$(cut -d' ' -f2 bench-check-torch.pt | tr '\n' ' ')|"
awk -v a="$1" -v b="$2" 'BEGIN { printf "\nbackprop / PyTorch: %.2f\n", a / b }'
rm -f $point bench-check-torch.bp bench-check-torch.pt
