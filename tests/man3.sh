#!/bin/sh
# man3.sh -- section 3 covers the library: every function the built
# libbackprop.so exports (nm -D) has a page, made by doc/man3.sh or
# written by hand in doc/, except the internals some of the library's
# own headers declare (src/lib/, not installed: listed, not failed); each
# made page holds its function's prototype as the header writes it, and
# renders with man -l when man is installed.
srcdir=${srcdir:-.}
lib=src/lib/.libs/libbackprop.so
command -v nm >/dev/null 2>&1 || { echo "SKIP: no nm"; exit 77; }
[ -f "$lib" ] || { echo "SKIP: no $lib (a static build)"; exit 77; }
[ -f doc/man3/stamp ] || { echo "FAIL: no doc/man3/stamp (make all makes the pages)"; exit 1; }
fail=0 n=0 internal=0
failed () { echo "FAIL: $*"; fail=1; }
for f in $(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^bp_/ { print $3 }'); do
  n=$((n + 1))
  if [ -f "doc/man3/$f.3" ]; then
    page=doc/man3/$f.3
  elif [ -f "$srcdir/doc/$f.3" ]; then
    continue                      # a hand-written page
  elif grep -rqs "[ *]$f (" "$srcdir/src/lib" --include='*.h'; then
    internal=$((internal + 1))
    echo "internal, exported without a public header: $f"
    continue
  else
    failed "$f: exported but no page (man 3 $f)"
    continue
  fi
  # the prototype's first line, from the public header that declares it
  first=$(grep -h "^[A-Za-z].*[ *]$f (" "$srcdir"/src/backprop/*.h | head -n 1)
  [ -n "$first" ] || { failed "$f: a page, but no public header declares it"; continue; }
  grep -qF "$first" "$page" || failed "$page lacks the prototype '$first'"
  if command -v man >/dev/null 2>&1; then
    out=$(man -l "$page" 2>&1) || failed "man -l $page: $out"
    printf '%s\n' "$out" | grep -q "$f (" || failed "man -l $page shows no $f ("
  fi
done
[ "$n" -gt 50 ] || failed "only $n functions exported: nm read the wrong library?"
echo "$n exported functions, $internal internal"
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
