#!/bin/sh
# kann-trial.sh KANN_DIR [BACKPROP [SEED]] -- the float32 trial of issue 18 on a
# third-party C network library: 15 operators of kann (its kautodiff.c,
# github.com/attractivechaos/kann) and 9 planted bugs in their gradients
# (kann_ops.c), each checked by `backprop check --type float' at the
# default options, and with --method all.  Prints one line per check and
# the counts: correct PASS, bugs FAIL, bugs with a hint.
set -u
kann=${1:?usage: kann-trial.sh KANN_DIR [BACKPROP [SEED]]}
bp=${2:-backprop}
seed=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
${CC:-cc} -O2 -fPIC -shared -I"$kann" -o "$work/kann_ops.so" "$here/kann_ops.c" \
  "$kann/kautodiff.c" -lm || exit 1
# operator:n:domain
ops="matmul:24 bias:5 softmax:15 ce_multi:15 ce_bin:15 mse:15 sigm:15 tanh:15
relu:15 log:15:0.1,2 stdnorm:18 max2d:72 conv1d:36 conv2d:54 concat:12"
bugs="matmul_transposed:matmul:24 matmul_one_off:matmul:24 bias_batch:bias:5
tanh_sign:tanh:15 sigm_half:sigm:15 softmax_shift:softmax:15
ce_multi_one_off:ce_multi:15 conv2d_edge:conv2d:54 relu_missing:relu:15"
shape() { case $1 in matmul) echo "--shape 4x6";; *) echo;; esac; }
verdict() { sed -n 's/^gradient check: \([A-Z]*\).*/\1/p' "$1" | head -n 1; }
pass=0 n_ops=0 fail=0 n_bugs=0 hinted=0 pass_all=0
for m in gsl all; do
  for e in $ops; do
    op=${e%%:*}; rest=${e#*:}; n=${rest%%:*}; dom=
    [ "$rest" != "$n" ] && dom="--domain ${rest#*:}"
    # shellcheck disable=SC2046,SC2086
    "$bp" check --lib "$work/kann_ops.so" --type float --loss "${op}_loss" \
      --grad "${op}_grad" --n "$n" $dom $(shape "$op") --method $m --seed "$seed" >"$work/out" 2>&1
    v=$(verdict "$work/out")
    printf '%-4s correct %-22s %s\n' "$m" "$op" "$v"
    if [ $m = gsl ]; then
      n_ops=$((n_ops + 1)); [ "$v" = PASS ] && pass=$((pass + 1))
    else
      [ "$v" = PASS ] && pass_all=$((pass_all + 1))
    fi
  done
done
for e in $bugs; do
  bug=${e%%:*}; rest=${e#*:}; op=${rest%%:*}; n=${rest#*:}; dom=
  # shellcheck disable=SC2046
  "$bp" check --lib "$work/kann_ops.so" --type float --loss "${op}_loss" \
    --grad "${bug}_grad" --n "$n" $(shape "$op") --seed "$seed" >"$work/out" 2>&1
  v=$(verdict "$work/out")
  h=$(grep -ci 'hint' "$work/out")
  printf 'gsl  bug     %-22s %s%s\n' "$bug" "$v" "$( [ "$h" -gt 0 ] && echo ' (hint)')"
  n_bugs=$((n_bugs + 1)); [ "$v" = FAIL ] && fail=$((fail + 1))
  [ "$v" = FAIL ] && [ "$h" -gt 0 ] && hinted=$((hinted + 1))
done
echo "correct operators PASS at the defaults: $pass of $n_ops (--method all: $pass_all of $n_ops)"
echo "planted bugs FAIL at the defaults: $fail of $n_bugs, with a hint: $hinted"
