#!/bin/sh
# save-faults.sh -- faults while `backprop train' saves its model (issue 6,
# item 5), on the small data set of tests/data ($BP_TEST_DATA, its first 80
# training images):
#
# 1. SIGKILL at seeded random moments of a run that saves over an existing
#    model FILE: after every kill FILE is the previous model byte for byte,
#    or the whole new one byte for byte (the same seed gives the same
#    model, so the new one is known from an uninterrupted run), never a
#    part of one.  A quarter of the kills fall anywhere in the run, the
#    others in the moments after the last epoch's line, when the model is
#    being saved.
#    A kill during the save may leave the temporary file the writer had
#    made beside FILE (FILE.XXXXXX, mkstemp's six characters: nothing can
#    remove it once the process is killed); it never has FILE's name.
#    Such files are counted, checked to be named so, and removed.
# 2. A file-size limit (ulimit -f) below the model's size, like a full
#    disk: train exits 2 with "FILE: cannot save: File too large" (backprop
#    ignores SIGXFSZ, so write fails with EFBIG instead of killing it),
#    FILE is still the previous model, and no temporary file is left.
#
# Seeded: BP_FAULT_SEED (default 1) and BP_FAULT_TRIALS (default 20).
prog=./backprop
data=${BP_TEST_DATA:-$(dirname "$0")/data}
seed=${BP_FAULT_SEED:-1}
trials=${BP_FAULT_TRIALS:-20}
tmp=save-faults.$$
fail=0
failed () { echo "FAIL: $*"; fail=1; }
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
[ -x "$prog" ] || { echo "no $prog (run from the build directory)"; exit 99; }
# the two-layer network with 1000 hidden units: a 6.3 MB file, so the save
# lasts long enough (milliseconds) to be hit; trained on the first 80
# images (the save is what is tested: its size is the model's, not the
# data's, and a shorter epoch leaves more of each run to the save)
mkdir "$tmp/tiny" && sh "$data/make-subset.sh" "$data" "$tmp/tiny" 80 20 || exit 99
train_opts="--data $tmp/tiny --epochs 1 --hidden 1000"

# milliseconds since the epoch (GNU date), for the calibration
now_ms () { echo $(( $(date +%s%N) / 1000000 )); }

# The previous model (seed 1) and the new one (seed 2), uninterrupted; the
# run's length and the time from its last epoch line to its end (the save)
# give the range of the kills' delays.
"$prog" train $train_opts --seed 1 --model "$tmp/old" >/dev/null 2>"$tmp/err" \
  || { cat "$tmp/err"; exit 99; }
mkfifo "$tmp/fifo" || exit 99
t0=$(now_ms)
"$prog" train $train_opts --seed 2 --model "$tmp/new" >"$tmp/fifo" 2>"$tmp/err" &
pid=$!
while IFS= read -r line; do
  case ${line#"${line%%[! ]*}"} in [0-9]*/[0-9]*" "*) t1=$(now_ms);; esac   # an epoch's line
done <"$tmp/fifo"
wait $pid || { cat "$tmp/err"; exit 99; }
t2=$(now_ms)
run_ms=$((t2 - t0)) save_ms=$((t2 - t1 + 1))
echo "calibration: a run takes $run_ms ms, its save (after the epoch line) $save_ms ms"
"$prog" eval --model "$tmp/new" --data "$data" >/dev/null || failed "eval of the new model"
cmp -s "$tmp/old" "$tmp/new" && failed "the two seeds give the same model"

# delay K MS: the seeded delay of trial K, uniform in [0, MS] ms, in seconds
delay () {
  awk -v s="$seed" -v k="$1" -v ms="$2" \
    'BEGIN { srand(1000 * s + k); printf "%.3f", rand () * ms / 1000 }'
}

n_old=0 n_new=0 n_left=0
k=0
while [ $k -lt "$trials" ]; do
  k=$((k + 1))
  cp "$tmp/old" "$tmp/m" || exit 99
  if [ $((k % 4)) -eq 1 ]; then
    # anywhere in the run
    d=$(delay $k $((run_ms + run_ms / 5)))
    "$prog" train $train_opts --seed 2 --model "$tmp/m" >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
  else
    # during the save: after the last epoch's line (" 1/1 ...", not the
    # header "epoch lr ..." printed before the epoch: matching it put
    # these kills in the training, before any save)
    d=$(delay $k $save_ms)
    "$prog" train $train_opts --seed 2 --model "$tmp/m" >"$tmp/fifo" 2>/dev/null &
    pid=$!
    exec 3<"$tmp/fifo"
    while IFS= read -r line <&3; do
      case ${line#"${line%%[! ]*}"} in [0-9]*/[0-9]*" "*) break;; esac
    done
    sleep "$d"
  fi
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  if [ $((k % 4)) -ne 1 ]; then
    cat <&3 >/dev/null
    exec 3<&-
  fi
  if cmp -s "$tmp/m" "$tmp/old"; then
    n_old=$((n_old + 1)) what=previous
  elif cmp -s "$tmp/m" "$tmp/new"; then
    n_new=$((n_new + 1)) what=new
  else
    what=neither
    failed "trial $k (kill after $d s): $tmp/m is $(wc -c <"$tmp/m") bytes," \
      "neither the previous model nor the new one"
  fi
  left=
  for f in "$tmp"/*; do
    case ${f#"$tmp/"} in
      # m.lock: the lock file of a killed run, whose flock died with it
      old|new|m|m.lock|fifo|err|tiny) ;;
      m.??????) left="$left ${f#"$tmp/"}"; n_left=$((n_left + 1)); rm -f "$f";;
      *) failed "trial $k: unexpected file $f";;
    esac
  done
  echo "trial $k: killed after $d s: the $what model${left:+, temporary file left:$left}"
  [ "$what" = neither ] || "$prog" eval --model "$tmp/m" --data "$data" >/dev/null \
    || failed "trial $k: backprop eval refuses the model"
done
echo "$trials kills: previous model $n_old, new model $n_new, temporary files left $n_left"

# The file-size limit: 20 blocks (10 KiB in dash's 512-byte blocks, 20 KiB
# in bash's 1024-byte ones), far below the 6.3 MB model.
cp "$tmp/old" "$tmp/m" || exit 99
(ulimit -f 20 && exec "$prog" train $train_opts --seed 2 --model "$tmp/m") \
  >/dev/null 2>"$tmp/err"
st=$?
[ $st -eq 2 ] || failed "file-size limit: exit status $st, expected 2"
grep -q "^backprop: train: $tmp/m: cannot save: File too large$" "$tmp/err" \
  || failed "file-size limit: message '$(cat "$tmp/err")'"
cmp -s "$tmp/m" "$tmp/old" || failed "file-size limit: the previous model was changed"
for f in "$tmp"/m.*; do
  [ -e "$f" ] && failed "file-size limit: temporary file $f left"
done
echo "file-size limit: exit $st, '$(cat "$tmp/err")', the previous model intact"

exit $fail
