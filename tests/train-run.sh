#!/bin/sh
# train-run.sh -- a run of `backprop train' that fails early, stops cleanly
# and resumes (issue 11, items 3-5; issue 14's trainer items), on the small
# data set of tests/data ($BP_TEST_DATA):
#  1. resume: 3 epochs in one run, and 1 epoch (--stop-after 1) then the
#     same command with --resume, give the same model file byte for byte,
#     for both models; a differing setting is refused, naming both values;
#  2. a signal (SIGINT, SIGTERM, SIGHUP) stops the run at the next batch
#     (the last finished epoch kept): exit 128+N, the message says what was
#     saved, no temporary file, and the saved run resumes to the
#     uninterrupted run's bytes (the pty case: tests/train-interrupt.sh);
#  3. SIGPIPE (train | head -1) does not lose the model;
#  4. failing early: an unwritable --plot folder or --model, and --batch
#     larger than the training set, are refused before the first epoch;
#  5. divergence: --lr 1e308 stops with exit 3 and a message, and the
#     previous model file is left as it was; eval refuses a finite model
#     whose outputs are not finite;
#  6. the progress line: on a terminal (script(1)'s pty) of 40 columns
#     each redraw fits in 39 columns and shows img/s, the time left and the
#     loss; nothing of it when stderr is not a terminal.
prog=./backprop
data=${BP_TEST_DATA:-$(dirname "$0")/data}
tmp=train-run.$$
fail=0
failed () { echo "FAIL: $*"; fail=1; }
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
[ -x "$prog" ] || { echo "no $prog (run from the build directory)"; exit 99; }

# 1. resume, the one-layer, two-layer and deeper networks, in both
# arithmetics (float32: the float rows)
for run in 0:float64 16:float64 0:float32 16:float32 8,6:float64 8,6:float32; do
  H=${run%%:*} D=${run#*:}
  "$prog" train --data "$data" --hidden $H --dtype $D --epochs 3 --model "$tmp/full$H$D" \
    >/dev/null 2>&1 || failed "train --hidden $H --dtype $D --epochs 3"
  "$prog" train --data "$data" --hidden $H --dtype $D --epochs 3 --stop-after 1 \
    --model "$tmp/part$H$D" >/dev/null 2>"$tmp/err" || failed "train --stop-after 1 exited $?"
  grep -q "after epoch 1 of 3" "$tmp/err" || failed "--stop-after: '$(cat "$tmp/err")'"
  cmp -s "$tmp/full$H$D" "$tmp/part$H$D" && failed "one epoch gave the model of three"
  # the original command with --resume appended
  out=$("$prog" train --data "$data" --hidden $H --dtype $D --epochs 3 --model "$tmp/part$H$D" \
    --resume "$tmp/part$H$D" 2>&1) || failed "--resume with the original options exited $?: $out"
  printf '%s\n' "$out" | grep -q "^resumed from $tmp/part$H$D after epoch 1" || failed "no resumed line"
  [ "$(printf '%s\n' "$out" | grep -cE '^ *[0-9]+/3 ')" -eq 2 ] || failed "resume ran not 2 epochs"
  cmp "$tmp/full$H$D" "$tmp/part$H$D" \
    || failed "--hidden $H --dtype $D: resumed model differs from the uninterrupted one"
done
cmp -s "$tmp/full16float64" "$tmp/full16float32" && failed "--dtype float32 gave the float64 model"
"$prog" eval --data "$data" --model "$tmp/full16float32" 2>&1 | grep -q "^model: .* in float32$" \
  || failed "eval does not follow the float32 model"
"$prog" train --data "$data" --dtype float64 --resume "$tmp/part0float32" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--dtype float64 differs from the run saved" "$tmp/err" \
  || failed "--resume with another --dtype: $(cat "$tmp/err")"
"$prog" train --data "$data" --resume "$tmp/full0float64" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "the run is complete" "$tmp/err" || failed "resuming a complete run"
# a setting that differs from the saved run's is refused, naming both
"$prog" train --data "$data" --epochs 3 --stop-after 1 --lr 0.02 --model "$tmp/lr" \
  >/dev/null 2>&1 || failed "train --lr 0.02 --stop-after 1"
cp "$tmp/lr" "$tmp/lr.saved"
"$prog" train --data "$data" --epochs 3 --lr 0.03 --resume "$tmp/lr" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--lr 0.03 differs from the run saved in $tmp/lr (0.02)" "$tmp/err" \
  || failed "--resume with another --lr: $(cat "$tmp/err")"
"$prog" train --data "$data" --epochs 3 --hidden 4 --resume "$tmp/lr" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "the options give the two-layer network .* holds the one-layer" "$tmp/err" \
  || failed "--resume with another model: $(cat "$tmp/err")"
cmp -s "$tmp/lr" "$tmp/lr.saved" || failed "a refused --resume changed the file"

# 1b. the curves survive a resume: --stop-after 2, then --resume --plot,
# give the uninterrupted --plot run's curves.csv (every epoch, the figures
# of the first two kept in the training state), and a stopped run has
# written its curves too
"$prog" train --data "$data" --hidden 8 --epochs 4 --model "$tmp/cu" --plot "$tmp/cu-full" \
  >/dev/null 2>&1 || failed "train --plot"
"$prog" train --data "$data" --hidden 8 --epochs 4 --stop-after 2 --model "$tmp/cp" \
  --plot "$tmp/cu-part" >/dev/null 2>&1 || failed "train --plot --stop-after 2"
[ "$(grep -c '^[0-9]' "$tmp/cu-part/curves.csv")" -eq 2 ] \
  || failed "a stopped run's curves: $(cat "$tmp/cu-part/curves.csv")"
rm -rf "$tmp/cu-part"
"$prog" train --data "$data" --resume "$tmp/cp" --plot "$tmp/cu-part" >/dev/null 2>&1 \
  || failed "--resume --plot"
[ "$(grep -c '^[1-4],' "$tmp/cu-part/curves.csv")" -eq 4 ] \
  || failed "resumed curves lack an epoch: $(cat "$tmp/cu-part/curves.csv")"
grep -qE '^[0-9]+,0,0,' "$tmp/cu-part/curves.csv" && failed "a zero row in the curves"
cmp "$tmp/cu-full/curves.csv" "$tmp/cu-part/curves.csv" \
  || failed "resumed curves differ from the uninterrupted run's"
cmp -s "$tmp/cu" "$tmp/cp" || failed "the resumed --plot run's model differs"

# 2. signals: stop after the epoch's save; the state resumes to the same bytes
for sig in INT TERM HUP; do
  rm -f "$tmp/s" "$tmp/fifo"
  # the run's stdout is a FIFO of this case's own, read line by line: the
  # signal follows this run's first epoch line, whatever the load (a
  # shared output file let a previous run's line through, so the signal
  # landed before the handler was installed: exit 143; a poll of it had
  # a deadline)
  out="$tmp/out-$sig"
  mkfifo "$tmp/fifo" || exit 99
  "$prog" train --data "$data" --hidden 256 --epochs 20 --model "$tmp/s" >"$tmp/fifo" 2>"$tmp/err" &
  pid=$!
  exec 3<"$tmp/fifo"
  : > "$out"
  # the first epoch line, then the signal in the second epoch (no
  # process between the line and the signal)
  while IFS= read -r line <&3; do
    printf '%s\n' "$line" >> "$out"
    case ${line#"${line%%[! ]*}"} in "1/20 "*) break;; esac
  done
  kill -$sig $pid
  cat <&3 >> "$out"
  exec 3<&-
  wait $pid; st=$?
  grep -qE '^ *1/20 ' "$out" || failed "SIG$sig: no first epoch: $(cat "$tmp/err")"
  case $sig in INT) want=130;; TERM) want=143;; HUP) want=129;; esac
  # 19 epochs between the first one's line and the signal sent on reading
  # it: the signal was not heeded (this was a SKIP, "a slow machine", and
  # let a run that ignores its stop flag pass)
  if grep -qE '^ *20/20 ' "$out"; then
    failed "SIG$sig: the run went on to its last epoch (exit $st)"
    continue
  fi
  [ $st -eq $want ] || failed "SIG$sig: exit $st, expected $want"
  # stopped at a batch of the next epoch (its model dropped), or, for a
  # signal during an epoch's last batch or save, after that epoch
  grep -qE "(after epoch [0-9]+ of 20: the model and its training state are saved in $tmp/s|in epoch [0-9]+ of 20: $tmp/s keeps the model and training state of epoch [1-9])" "$tmp/err" \
    || failed "SIG$sig: message '$(cat "$tmp/err")'"
  ls "$tmp" | grep -q '^s\.' && failed "SIG$sig left a temporary file: $(ls "$tmp")"
  "$prog" train --data "$data" --resume "$tmp/s" >/dev/null 2>&1 || failed "resume after SIG$sig"
  [ -f "$tmp/s256" ] || "$prog" train --data "$data" --hidden 256 --epochs 20 --model "$tmp/s256" \
    >/dev/null 2>&1
  cmp -s "$tmp/s" "$tmp/s256" || failed "SIG$sig then --resume differs from the uninterrupted run"
done

# a signal before the first epoch: exit 128+N, nothing saved
rm -f "$tmp/early"
"$prog" train --data "$data" --hidden 256 --epochs 20 --model "$tmp/early" >"$tmp/out-early" 2>"$tmp/err" &
pid=$!
kill -TERM $pid
wait $pid; st=$?
[ $st -eq 143 ] || failed "SIGTERM at the start: exit $st, expected 143"
[ -e "$tmp/early" ] && ! grep -qE '^ *1/20 ' "$tmp/out-early" && failed "a model saved though no epoch ran"

# 3. SIGPIPE: the reader is gone after one line, the model is saved
rm -f "$tmp/p"
"$prog" train --data "$data" --epochs 3 --model "$tmp/p" 2>/dev/null | head -1 >/dev/null
cmp -s "$tmp/p" "$tmp/full0float64" || failed "train | head -1 did not save the whole run's model"

# 4. failing early: before the first epoch, nothing written
expect () {
  want=$1 what=$2 pattern=$3
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; st=$?
  [ $st -eq "$want" ] || failed "$what: exit status $st, expected $want"
  grep -q -- "$pattern" "$tmp/err" || failed "$what: message '$(cat "$tmp/err")' does not say '$pattern'"
  grep -qE '^ *[0-9]+/[0-9]+ ' "$tmp/out" && failed "$what: an epoch ran"
}
: > "$tmp/file"
expect 2 "--plot under a file" "cannot create the folder" \
  "$prog" train --data "$data" --epochs 1 --model "$tmp/e" --plot "$tmp/file/plots"
expect 2 "--model a folder" "cannot save the model there: is a folder" \
  "$prog" train --data "$data" --epochs 1 --model "$tmp"
expect 2 "--batch too large" "is larger than the training set (459 images, 41 held out" \
  "$prog" train --data "$data" --epochs 1 --batch 460 --model "$tmp/e"
expect 2 "--validation too large" "leaves no training image" \
  "$prog" train --data "$data" --epochs 1 --validation 500 --model "$tmp/e"
[ -e "$tmp/e" ] && failed "a model was written by a run refused early"
"$prog" train --data "$data" --epochs 1 --batch 459 --model "$tmp/e" >/dev/null 2>&1 \
  || failed "--batch equal to the training set refused"

# 5. divergence: exit 3, the previous model kept
cp "$tmp/full0float64" "$tmp/d"
expect 3 "--lr 1e308" "training diverged" \
  "$prog" train --data "$data" --epochs 2 --lr 1e308 --model "$tmp/d"
cmp -s "$tmp/full0float64" "$tmp/d" || failed "a diverged run replaced the previous model"
expect 3 "--hidden --lr 1e308" "training diverged" \
  "$prog" train --data "$data" --hidden 8 --epochs 2 --lr 1e308 --model "$tmp/d"
cmp -s "$tmp/full0float64" "$tmp/d" || failed "a diverged two-layer run replaced the previous model"
# a finite model whose logits overflow (tests/write-huge-model.c)
if ./tests/write-huge-model "$tmp/huge" 2>/dev/null; then
  expect 2 "eval of a huge model" "outputs are not finite" \
    "$prog" eval --model "$tmp/huge" --data "$data"
else
  failed "tests/write-huge-model"
fi

# 6. the progress line on a 40-column terminal, none off a terminal
if command -v script >/dev/null 2>&1; then
  COLUMNS=40 LINES=24 script -qec "stty cols 40 2>/dev/null; $prog train --data $data --hidden 64 --epochs 2 --model $tmp/t >/dev/null" \
    "$tmp/typescript" >/dev/null 2>&1 </dev/null
  tr '\r' '\n' < "$tmp/typescript" | sed 's/\x1b\[K//g' | grep 'img/s' > "$tmp/lines"
  [ -s "$tmp/lines" ] || failed "no progress line on a terminal: $(head -c 300 "$tmp/typescript")"
  awk 'length > 39 { bad = 1 } END { exit bad }' "$tmp/lines" \
    || failed "a progress line is wider than 39 columns: $(awk 'length > 39' "$tmp/lines" | head -1)"
  grep -q 'left' "$tmp/lines" && grep -q 'loss' "$tmp/lines" \
    || echo "note: at 40 columns the line was cut before the time left or the loss"
  script -qec "stty cols 120 2>/dev/null; $prog train --data $data --hidden 64 --epochs 1 --model $tmp/t >/dev/null" \
    "$tmp/typescript" >/dev/null 2>&1 </dev/null
  tr '\r' '\n' < "$tmp/typescript" | grep -qE 'img/s .*left .*loss [0-9.]+' \
    || failed "the progress line at 120 columns lacks img/s, time left or loss"
else
  echo "SKIP: no script(1) for a pty"
fi
"$prog" train --data "$data" --epochs 1 --model "$tmp/t" >/dev/null 2>"$tmp/err"
[ -s "$tmp/err" ] && failed "progress written when stderr is not a terminal: $(cat "$tmp/err")"

[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
