#!/bin/sh
# kann-trial.sh KANN_DIR [BACKPROP [SEED]] -- the float32 trial of issue 18 on a
# third-party C network library: 15 operators of kann (its kautodiff.c,
# github.com/attractivechaos/kann) and 9 planted bugs in their gradients
# (kann_ops.c), each checked by `backprop check --type float' at the
# default options, and with --method all.  Prints one line per check and
# the counts (bench/trial.sh): correct PASS, bugs FAIL, bugs with a hint.
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
# run OP GRAD N METHOD [DOMAIN]: the report in $work/out
run() {
  dom=; [ -n "${5:-}" ] && dom="--domain $5"
  # shellcheck disable=SC2046,SC2086
  "$bp" check --lib "$work/kann_ops.so" --type float --loss "${1}_loss" --grad "$2" \
    --n "$3" $dom $(shape "$1") --method "$4" --seed "$seed" >"$work/out" 2>&1
}
check_op() {
  op=${1%%:*}; rest=${1#*:}; n=${rest%%:*}; dom=
  [ "$rest" != "$n" ] && dom=${rest#*:}
  run "$op" "${op}_grad" "$n" "$2" "$dom"
}
check_bug() { run "$op" "${bug}_grad" "$n" "$1"; }
# shellcheck source=bench/trial.sh
. "$here/../trial.sh"
trial_correct
for e in $bugs; do
  bug=${e%%:*}; rest=${e#*:}; op=${rest%%:*}; n=${rest#*:}
  trial_bug "$bug"
done
trial_summary
