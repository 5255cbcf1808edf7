#!/bin/sh
# run.sh -- out-of-memory testing as SQLite does it (issue 14): each
# scenario is run once to count its allocations (K), then again for every
# N = 1 .. K with the Nth allocation failing ("once") and with every one
# from the Nth on failing ("from"), through tests/oom/oomshim.so (argument
# 1).  Every run must
#   - end within $BP_OOM_TIMEOUT s (default 30; 124: a hang) and not by a
#     signal (a crash);
#   - exit 0 with the very output of the run without failures (a failure
#     that was absorbed), or exit 2 or 4 (backprop.1) with a message on
#     stderr -- never 1, which says a check failed; verify and verify
#     --fast exit 4 only (never 2: nothing of theirs is bad input), with
#     "out of memory" in the message (verify dereferenced a failed
#     gsl_rng_alloc at N = 13 once);
#   - for train: leave the previous model byte for byte, or the new one
#     (the same seed gives the same model), and no temporary file.
# Scenarios: verify, verify --fast, train (one and two layers, one epoch
# on tests/data), eval, and tests/oom/alloc_all (the library's
# allocators).  Every N is tried for verify and alloc_all; verify --fast
# (the same allocation sites as verify) every second N once and every
# eighth from; BP_OOM_STEP and BP_OOM_FROM_STEP (default 1) thin out the
# others.  BP_OOM_JOBS runs in parallel (default 2).  A scenario writing
# no file tries its N in one run that forks a child at each (the shim's
# BP_OOM_FORK, BP_OOM_JOBS children at once), the same start for the
# cost of the error path alone;
# BP_OOM_NO_FORK=1 runs every N in a process of its own instead;
# BP_OOM_SCENARIOS="eval verify" runs only those.
# Run from the build directory; prints one summary line per scenario.
self=$0
if [ "$1" = --one ] || [ "$1" = --judge ]; then
  # --one NAME KIND N MODE: one run of the scenario in $OOM_CMD (set by
  # the parent, as are $tmp, $shim, $timeout_s), judged;
  # --judge NAME KIND N MODE: the verdict on a child of the forking run,
  # which left its out, err and exit status in the run's folder
  name=$2 kind=$3 n=$4 mode=$5
  d=$tmp/$name.$mode.$n
  if [ "$1" = --judge ]; then
    st=$(cat "$d/status") && rm -f "$d/status" || st=99
  else
    mkdir "$d"
    case $kind in model*) cp "$tmp/old${kind#model}" "$d/model";; esac
    # shellcheck disable=SC2086
    (cd "$d" && BP_OOM_FAIL=$n BP_OOM_MODE=$mode LD_PRELOAD=$shim \
       exec timeout "$timeout_s" $OOM_CMD >out 2>err)
    st=$?
  fi
  v=ok
  if [ $st -eq 124 ]; then v=hang
  elif [ $st -gt 128 ]; then v=signal
  elif [ $st -eq 1 ]; then v=exit1
  elif [ $st -eq 0 ]; then
    case $kind in
      out) cmp -s "$d/out" "$tmp/$name.ref" || v=silent;;
      model*) cmp -s "$d/model" "$tmp/$name.ref" || v=silent;;
    esac
  elif [ $st -eq 2 ] && [ "${name%_fast}" = verify ]; then v=exit2
  elif [ $st -eq 2 ] || [ $st -eq 4 ]; then
    [ -s "$d/err" ] || v=nomessage
    # verify says why it stopped (its own message or main's, for a
    # library that ended the program)
    case $name in verify*) grep -q 'out of memory' "$d/err" || v=nomessage;; esac
    case $kind in
      model*) cmp -s "$d/model" "$tmp/old${kind#model}" \
                || cmp -s "$d/model" "$tmp/$name.ref" || v=model;;
    esac
  else v=exit$st
  fi
  case $kind in
    model*) [ "$(ls -A "$d" | grep -cv '^\(model\|out\|err\)$')" -eq 0 ] || v="$v+tempfile";;
  esac
  if [ "$v" = ok ]; then echo "ok $st"
  else echo "FAIL $v $st $name $mode $n: $(head -c 200 "$d/err" | tr '\n' ' ')"
  fi
  rm -rf "$d"
  exit 0
fi
shim=$1
data=$(cd "${BP_TEST_DATA:-$(dirname "$0")/../data}" && pwd)
timeout_s=${BP_OOM_TIMEOUT:-30}
step=${BP_OOM_STEP:-1}
from_step=${BP_OOM_FROM_STEP:-1}
jobs=${BP_OOM_JOBS:-2}
[ -f "$shim" ] || { echo "no shim $shim"; exit 99; }
tmp=$(pwd)/oom-run.$$
mkdir "$tmp" || exit 99
export tmp shim timeout_s
trap 'rm -rf "$tmp"' EXIT
# the programs themselves, not libtool's wrappers (a wrapper would be
# counted instead)
prog=./backprop
[ -x .libs/backprop ] && prog=.libs/backprop
alloc=tests/oom/alloc_all
[ -x tests/oom/.libs/alloc_all ] && alloc=tests/oom/.libs/alloc_all
LD_LIBRARY_PATH=$(pwd)/src/lib/.libs:$(pwd)/src/verify/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
# one thread: the same allocations in every run
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMP_NUM_THREADS OPENBLAS_NUM_THREADS

"$prog" train --data "$data" --epochs 1 --seed 5 --model "$tmp/old1" >/dev/null 2>&1 &&
"$prog" train --data "$data" --epochs 1 --seed 5 --hidden 16 --model "$tmp/old2" >/dev/null 2>&1 ||
  { echo "cannot train the previous models"; exit 99; }

# scenario NAME KIND CMD...: KIND is out (stdout compared with the run
# without faults), model1 / model2 (the model file compared; the previous
# one of that kind put there first) or alloc.
fail=0
scenario () {
  name=$1 kind=$2
  shift 2
  case " ${BP_OOM_SCENARIOS:-$name} " in *" $name "*) ;; *) return;; esac
  OOM_CMD="$*"
  export OOM_CMD
  # every N for verify and the allocators; verify --fast, whose
  # allocations are verify's own sites again, every other N and every
  # eighth "from" run (BP_OOM_STEP, BP_OOM_FROM_STEP scale the others)
  case $name in
    verify|alloc*) s=1 fs=1;;
    verify_fast) s=$((2 * step)) fs=$((8 * step * from_step));;
    *) s=$step fs=$((step * from_step));;
  esac
  # Scenarios that write no file (KIND out) try their N in the counting
  # run itself: it forks a child at each N (the shim's BP_OOM_FORK), and
  # only the N it could not fork run on their own.  The others run every
  # N on its own, as they must start from their folder's files.
  forking=
  case $kind in out) [ -z "$BP_OOM_NO_FORK" ] && forking=$tmp/$name;; esac
  t0=$(date +%s)
  d=$tmp/$name.count
  mkdir "$d"
  case $kind in model*) cp "$tmp/old${kind#model}" "$d/model";; esac
  (cd "$d" && BP_OOM_COUNT=count BP_OOM_FORK=$forking BP_OOM_EVERY=$s BP_OOM_FROM_EVERY=$fs \
     BP_OOM_TIMEOUT=$timeout_s BP_OOM_JOBS=$jobs LD_PRELOAD=$shim "$@" >out 2>err) \
    || { echo "$name: fails without a fault: $(cat "$d/err")"; fail=1; return; }
  K=$(cat "$d/count")
  case $kind in model*) cp "$d/model" "$tmp/$name.ref";; *) cp "$d/out" "$tmp/$name.ref";; esac
  {
    seq 1 "$s" "$K" | sed 's/$/ once/'
    seq 1 "$fs" "$K" | sed 's/$/ from/'
  } | sort >"$tmp/$name.wanted"
  if [ -n "$forking" ]; then
    touch "$tmp/$name.unsafe"
    # every wanted N is forked (a folder with its status) or unsafe
    (cd "$tmp" && ls -d "$name".once.* "$name".from.* 2>/dev/null) \
      | sed "s/^$name\.\([a-z]*\)\.\([0-9]*\)\$/\2 \1/" >"$tmp/$name.forked"
    sort "$tmp/$name.forked" "$tmp/$name.unsafe" | cmp -s - "$tmp/$name.wanted" \
      || { echo "$name: the forking run did not try every N it should"; fail=1; }
    xargs -P "$jobs" -n 2 sh "$self" --judge "$name" "$kind" <"$tmp/$name.forked" >"$tmp/$name.verdicts"
    own=$tmp/$name.unsafe
  else
    own=$tmp/$name.wanted
  fi
  xargs -P "$jobs" -n 2 sh "$self" --one "$name" "$kind" <"$own" >>"$tmp/$name.verdicts"
  runs=$(wc -l <"$tmp/$name.verdicts")
  bad=$(grep -c '^FAIL' "$tmp/$name.verdicts")
  codes=$(grep '^ok' "$tmp/$name.verdicts" | awk '{c[$2]++} END {for (k in c) printf " exit %s: %d;", k, c[k]}')
  echo "$name: $K allocations, $runs runs (N every $s once, every $fs from; $(wc -l <"$own") in a process of their own), $bad failed;$codes; $(( $(date +%s) - t0 )) s"
  grep '^FAIL' "$tmp/$name.verdicts" | awk '{print $2}' | sort | uniq -c | sed 's/^/    /'
  grep '^FAIL' "$tmp/$name.verdicts" | head -n 3 | sed 's/^/    /'
  [ "$bad" -eq 0 ] || fail=1
  rm -rf "$d"
}

here=$(pwd)
scenario alloc_all alloc "$here/$alloc" "$data"
scenario eval out "$here/$prog" eval --model "$tmp/old1" --data "$data"
scenario train1 model1 "$here/$prog" train --data "$data" --epochs 1 --seed 5 --model model
scenario train2 model2 "$here/$prog" train --data "$data" --epochs 1 --seed 5 --hidden 16 --model model
[ -n "$BP_OOM_ONLY" ] && { [ $fail -eq 0 ]; exit $?; }
scenario verify_fast out "$here/$prog" verify --fast
scenario verify out "$here/$prog" verify
[ $fail -eq 0 ] && echo "check-oom: every run ended well" || echo "check-oom: some runs failed"
exit $fail
