#!/bin/sh
# darknet-trial.sh DARKNET_DIR [BACKPROP [SEED]] -- issue 18's float32
# trial on a third third-party C network, Joseph Redmon's darknet
# (github.com/pjreddie/darknet, its src/ and include/): its layers checked
# from their own forward and backward functions (darknet_ops.c wraps them)
# by `backprop check --type float --forward --backward' at the default
# options and with --method all, its loss layers as a loss and a gradient;
# then planted bugs, each a one-line edit (sed) of a copy of darknet's
# source, at the defaults; then the layers whose gradient darknet itself
# gets wrong, also against PyTorch (torch_darknet.py) when python3 has it.
# Prints one line per check and the counts: correct PASS, bugs FAIL, bugs
# with a hint.
set -u
dk=${1:?usage: darknet-trial.sh DARKNET_DIR [BACKPROP [SEED]]}
bp=${2:-backprop}
seed=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
# darknet's CPU sources that the wrapped layers need (image.c, list.c and
# box.c only to resolve the layers' visualisation code)
srcs='activations blas gemm im2col col2im utils list image box
activation_layer avgpool_layer batchnorm_layer connected_layer
convolutional_layer cost_layer l2norm_layer logistic_layer maxpool_layer
shortcut_layer softmax_layer upsample_layer'
# compile DIR FILES: darknet's objects in DIR (a copy of src/ and include/)
compile() {
  for f in $2; do
    ${CC:-cc} -O2 -fPIC -w -I"$1/include" -I"$1/src" -c "$1/src/$f.c" -o "$1/$f.o" || return 1
  done
}
# link DIR: DIR.so, the wrapper and darknet's objects
link() {
  objs=
  for f in $srcs; do objs="$objs $1/$f.o"; done
  ${CC:-cc} -O2 -fPIC -w -I"$1/include" -I"$1/src" -c "$here/darknet_ops.c" -o "$1/ops.o" || return 1
  # shellcheck disable=SC2086
  ${CC:-cc} -shared -o "$1.so" "$1/ops.o" $objs -lm
}
mkdir -p "$work/ok" && cp -R "$dk/src" "$dk/include" "$work/ok/" &&
  compile "$work/ok" "$srcs" && link "$work/ok" || exit 1
# operator:m:blocks (m 0: the loss form, OP_loss and OP_grad)
acts='logistic relu relie linear ramp tanh plse leaky elu loggy hardtan lhtan selu'
ops="conn:6:input:2x5,weights:3x5,biases:3 conv:96:input:2x2x4x4,weights:3x2x3x3,biases:3
maxpool:36:input:2x2x5x5 avgpool:4:input:2x2x4x4 upsample:256:input:2x2x4x4
shortcut:64:input:2x2x4x4,from:2x3x4x4 $(for a in $acts; do printf 'act_%s:20:input:2x10 ' "$a"; done)
softmax:0:input:2x5 logistic:0:input:2x5"
# darknet's own: the batchnorm layer as made (NULL buffers), batchnorm's dx,
# l2norm's backward, the cost layer (SSE, smooth L1); the verdicts are
# reported, not counted
lib="bn_raw:64:input:2x2x4x4,scales:2,biases:2 bn:64:input:2x2x4x4,scales:2,biases:2
l2norm:64:input:2x2x4x4 sse:0:input:2x5 smooth:0:input:2x5"
# check SO OP M BLOCKS METHOD: prints the verdict, the report in $work/out
check() {
  if [ "$3" = 0 ]; then fn="--loss ${2}_loss --grad ${2}_grad"
  else fn="--forward ${2}_fwd --backward ${2}_bwd --m $3"; fi
  # shellcheck disable=SC2046,SC2086
  "$bp" check --lib "$work/$1.so" --type float $fn --block $(echo "$4" | sed 's/,/ --block /g') \
    --method "$5" --seed "$seed" >"$work/out" 2>&1
  sed -n 's/^gradient check: \([A-Z]*\).*/\1/p' "$work/out" | head -n 1
}
# check_op OPS-ENTRY METHOD and check_bug METHOD for bench/trial.sh: a
# correct operator of ok.so, and the operator $op of bug.so
check_op() {
  op=${1%%:*}; rest=${1#*:}; mm=${rest%%:*}; blocks=${rest#*:}
  check ok "$op" "$mm" "$blocks" "$2" >/dev/null
}
check_bug() { check bug "$op" "$mm" "$blocks" "$1" >/dev/null; }
# shellcheck source=bench/trial.sh
. "$here/../trial.sh"
trial_correct
# name|operator|file of darknet's src/|sed expression: a bug a user would
# make; a mutant that the expression leaves unchanged is an error
bugs='conn_activation_derivative_dropped|conn|connected_layer.c|/^void backward_connected_layer/,/^}/s#^ *gradient_array(l.output, l.outputs\*l.batch, l.activation, l.delta);#;#
conn_dweight_transposed|conn|connected_layer.c|s#gemm(1,0,m,n,k,1,a,m,b,n,1,c,n);#gemm(1,0,n,m,k,1,b,n,a,m,1,c,m);#
conv_dbias_last_sample_only|conv|convolutional_layer.c|s#bias_updates\[i\] += sum_array(delta+size\*(i+b\*n), size);#bias_updates[i] = sum_array(delta+size*(i+b*n), size);#
conv_col2im_last_column|conv|col2im.c|s#col >= width) return;#col >= width - 1) return;#
logistic_derivative_sign|act_logistic|activations.h|s#return (1-x)\*x;}#return (x-1)*x;}#
leaky_derivative_slope|act_leaky|activations.h|s#return (x>0) ? 1 : .1;}#return (x>0) ? 1 : .01;}#
maxpool_not_accumulated|maxpool|maxpool_layer.c|s#net.delta\[index\] += l.delta\[i\];#net.delta[index] = l.delta[i];#
avgpool_mean_factor_dropped|avgpool|avgpool_layer.c|s#+= l.delta\[out_index\] / (l.h\*l.w);#+= l.delta[out_index];#
shortcut_alpha_dropped|shortcut|shortcut_layer.c|s#axpy_cpu(l.outputs\*l.batch, l.alpha, l.delta, 1, net.delta, 1);#axpy_cpu(l.outputs*l.batch, 1, l.delta, 1, net.delta, 1);#
softmax_xent_sign|softmax|blas.c|/^void softmax_x_ent_cpu/,/^}/s#delta\[i\] = t-p;#delta[i] = p-t;#'
nl='
'
IFS_=$IFS; IFS=$nl
for e in $bugs; do
  IFS=$IFS_
  bug=${e%%|*}; rest=${e#*|}; op=${rest%%|*}; rest=${rest#*|}; f=${rest%%|*}; expr=${rest#*|}
  rm -rf "$work/bug" && cp -R "$work/ok" "$work/bug" || exit 1
  sed "$expr" "$work/ok/src/$f" >"$work/bug/src/$f"
  if cmp -s "$work/ok/src/$f" "$work/bug/src/$f"; then echo "$bug: the edit did not apply" >&2; exit 1; fi
  case $f in *.h) redo=$srcs;; *) redo=${f%.c};; esac
  compile "$work/bug" "$redo" && link "$work/bug" || exit 1
  for x in $ops; do case $x in "$op":*) rest=${x#*:}; mm=${rest%%:*}; blocks=${rest#*:};; esac; done
  trial_bug "$bug"
  IFS=$nl
done
IFS=$IFS_
for e in $lib; do
  op=${e%%:*}; rest=${e#*:}; mm=${rest%%:*}; blocks=${rest#*:}
  v=$(check ok "$op" "$mm" "$blocks" gsl)
  [ -n "$v" ] || v=$(sed -n 's/^backprop: check: //p' "$work/out")
  h=$(trial_hints)
  printf 'gsl  darknet %-34s %s%s\n' "$op" "$v" "${h:+ (hint: $h)}"
done
# batchnorm's dx with its variance term over N - 1, as its forward has it
sed 's#(x\[index\] - mean\[f\]) / (spatial \* batch)#(x[index] - mean[f]) / (spatial * batch - 1)#' \
  "$work/ok/src/batchnorm_layer.c" >"$work/fix.c"
if cmp -s "$work/ok/src/batchnorm_layer.c" "$work/fix.c"; then echo "bn fix: the edit did not apply" >&2; exit 1; fi
cp -R "$work/ok" "$work/fix" && cp "$work/fix.c" "$work/fix/src/batchnorm_layer.c" &&
  compile "$work/fix" batchnorm_layer && link "$work/fix" || exit 1
printf 'gsl  darknet %-34s %s\n' "bn, dx over N - 1" "$(check fix bn 64 input:2x2x4x4,scales:2,biases:2 gsl)"
# PyTorch's float64 autograd of darknet's forward against its backward,
# when Debian's python3 has torch and numpy (PYTHON=... names another)
if ${PYTHON:-/usr/bin/python3} -c 'import torch, numpy' 2>/dev/null; then
  ${PYTHON:-/usr/bin/python3} "$here/torch_darknet.py" "$work/ok.so" "$work/fix.so" 2>/dev/null
else
  echo "torch   skipped: ${PYTHON:-/usr/bin/python3} has no torch and numpy"
fi
trial_summary
