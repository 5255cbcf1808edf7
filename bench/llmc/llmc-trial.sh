#!/bin/sh
# llmc-trial.sh LLMC_DIR [BACKPROP [SEED]] -- issue 18's float32 trial on
# a second third-party C network, Karpathy's llm.c (its train_gpt2.c,
# github.com/karpathy/llm.c): seven layers checked from their own forward
# and backward functions (llmc_ops.c wraps them) by `backprop check --type
# float --forward --backward' at the default options and with --method
# all, the mean cross-entropy also as a plain loss; then planted bugs, each
# a one-line edit (sed) of a copy of train_gpt2.c or of the wrapper, at the
# defaults and with --method all.  Prints one line per check and the
# counts (bench/trial.sh): correct PASS, bugs FAIL, bugs with a hint.
set -u
llmc=${1:?usage: llmc-trial.sh LLMC_DIR [BACKPROP [SEED]]}
bp=${2:-backprop}
seed=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
# build SO SOURCE-OF-train_gpt2.c WRAPPER: the wrapper includes train_gpt2.c
# (found first in the folder of the copy), llm.c's llmc/ headers from LLMC_DIR
build() {
  mkdir -p "$work/$1" && cp "$2" "$work/$1/train_gpt2.c" && cp "$3" "$work/$1/llmc_ops.c" &&
  ${CC:-cc} -O2 -fPIC -shared -I"$work/$1" -I"$llmc" -o "$work/$1.so" "$work/$1/llmc_ops.c" -lm
}
build ok "$llmc/train_gpt2.c" "$here/llmc_ops.c" || exit 1
# operator:m:blocks (m 0: the plain loss ce_loss, ce_grad)
ops="ln:24:inp:2x3x4,weight:4,bias:4 mm:24:inp:2x4x4,weight:3x4,bias:3
att:24:qkv:2x3x12 gelu:24:inp:2x3x4 res:24:inp1:2x3x4,inp2:2x3x4
ce:6:logits:2x3x8 celoss:0:logits:2x3x8 enc:24:wte:5x4,wpe:3x4"
# run SO OP M BLOCKS METHOD: the report in $work/out
run() {
  if [ "$3" = 0 ]; then fn="--loss ce_loss --grad ce_grad"
  else fn="--forward ${2}_fwd --backward ${2}_bwd --m $3"; fi
  # shellcheck disable=SC2046,SC2086
  "$bp" check --lib "$work/$1.so" --type float $fn --block $(echo "$4" | sed 's/,/ --block /g') \
    --method "$5" --seed "$seed" >"$work/out" 2>&1
}
check_op() {
  op=${1%%:*}; rest=${1#*:}
  run ok "$op" "${rest%%:*}" "${rest#*:}" "$2"
}
check_bug() { run "$bug" "$op" "$mm" "$blocks" "$1"; }
# shellcheck source=bench/trial.sh
. "$here/../trial.sh"
trial_correct
# name|operator|file (t train_gpt2.c, w the wrapper)|sed expression: a bug a
# user would make; a mutant that the expression leaves unchanged is an error
bugs='ln_term3|ln|t|s#dval -= norm_bti \* dnorm_norm_mean;#;#
ln_dweight_unnormed|ln|t|s#dweight\[i\] += norm_bti \* dout_bt\[i\]#dweight[i] += inp_bt[i] * dout_bt[i]#
att_dquery_unscaled|att|t|s#dquery_t\[i\] += key_t2\[i\] \* dpreatt_bth\[t2\] \* scale;#dquery_t[i] += key_t2[i] * dpreatt_bth[t2];#
att_dvalue_not_accumulated|att|t|s#dvalue_t2\[i\] += att_bth#dvalue_t2[i] = att_bth#
att_scratch_not_zeroed|att|w|/memset (dpreatt, 0/d
gelu_cube_factor|gelu|t|s#(1.0f + 3.0f \* 0.044715f \* x \* x)#(1.0f + 0.044715f * x * x)#
mm_dweight_transposed|mm|t|s#dwrow\[i\] += inp_bt\[i\] \* d;#dweight[i * OC + o] += inp_bt[i] * d;#
mm_dbias_one_row|mm|t|s#dbias\[o\] += d;#dbias[o] = d;#
res_dinp2_dropped|res|t|s#dinp2\[i\] += dout\[i\];#;#
ce_target_shifted|ce|t|s#float indicator = i == ix ?#float indicator = i == (ix + 1) % V ?#
celoss_not_mean|celoss|w|s#1.0f / (B \* T);#1.0f;#
enc_dwte_not_accumulated|enc|t|s#dwte_ix\[i\] += d;#dwte_ix[i] = d;#'
nl='
'
IFS_=$IFS; IFS=$nl
for e in $bugs; do
  IFS=$IFS_
  bug=${e%%|*}; rest=${e#*|}; op=${rest%%|*}; rest=${rest#*|}; f=${rest%%|*}; expr=${rest#*|}
  t="$llmc/train_gpt2.c" w="$here/llmc_ops.c"
  if [ "$f" = t ]; then sed "$expr" "$t" >"$work/mut.c"; src=$t; t=$work/mut.c
  else sed "$expr" "$w" >"$work/mut.c"; src=$w; w=$work/mut.c; fi
  if cmp -s "$src" "$work/mut.c"; then echo "$bug: the edit did not apply" >&2; exit 1; fi
  build "$bug" "$t" "$w" || exit 1
  for x in $ops; do case $x in "$op":*) rest=${x#*:}; mm=${rest%%:*}; blocks=${rest#*:};; esac; done
  trial_bug "$bug"
  IFS=$nl
done
IFS=$IFS_
trial_summary
