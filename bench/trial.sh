# shellcheck shell=sh disable=SC2154
# (SC2154: work and ops are the caller's)
# trial.sh -- sourced by bench/{kann,llmc,darknet}/*-trial.sh:
# the tally of issue 18's float32 trials on third-party code, one copy.
# The caller sets work (a folder) and ops (its correct checks, one word
# each, the name before the first ':'), and defines check_op WORD METHOD
# and check_bug METHOD, each running `backprop check' with its report
# into $work/out.  trial_correct runs every op by the default method
# (gsl) and by --method all; trial_bug NAME runs the bug set up for
# check_bug by both; trial_summary prints the counts.
pass=0 n_ops=0 pass_all=0 fail=0 fail_all=0 n_bugs=0 hinted=0
# the report's verdict, and its hints joined by '; '
trial_verdict() { sed -n 's/^gradient check: \([A-Z]*\).*/\1/p' "$work/out" | head -n 1; }
trial_hints() { sed -n 's/^ *hint: //p' "$work/out" | tr '\n' ';' | sed 's/;$//; s/;/; /g'; }
trial_correct() {
  for m in gsl all; do
    for e in $ops; do
      check_op "$e" "$m"
      v=$(trial_verdict)
      printf '%-4s correct %-27s %s\n' "$m" "${e%%:*}" "$v"
      if [ $m = gsl ]; then
        n_ops=$((n_ops + 1)); [ "$v" = PASS ] && pass=$((pass + 1))
      else
        [ "$v" = PASS ] && pass_all=$((pass_all + 1))
      fi
    done
  done
}
trial_bug() {
  check_bug gsl
  v=$(trial_verdict) h=$(trial_hints)
  printf 'gsl  bug     %-27s %s%s\n' "$1" "$v" "${h:+ (hint: $h)}"
  n_bugs=$((n_bugs + 1)); [ "$v" = FAIL ] && fail=$((fail + 1))
  [ "$v" = FAIL ] && [ -n "$h" ] && hinted=$((hinted + 1))
  check_bug all
  v=$(trial_verdict)
  printf 'all  bug     %-27s %s\n' "$1" "$v"
  [ "$v" = FAIL ] && fail_all=$((fail_all + 1))
  return 0
}
trial_summary() {
  echo "correct operators PASS at the defaults: $pass of $n_ops (--method all: $pass_all of $n_ops)"
  echo "planted bugs FAIL at the defaults: $fail of $n_bugs (--method all: $fail_all), with a hint: $hinted"
}
