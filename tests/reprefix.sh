#!/bin/sh
# reprefix.sh SRCDIR -- a tree configured for one --prefix and installed,
# then reconfigured for another and installed again, must install a
# program that starts from the second prefix (its run path names the
# second libdir, not the first) and reads its messages from the second
# prefix's locale folder (issue 20: it failed with "libbackprop.so.1"
# and looked for its catalogue under the first; the library's checker
# still did, so verify's verdicts came out in English).  SRCDIR is an
# unconfigured copy of the distributed sources (`make check-reprefix'
# makes one with `make distdir'); it is configured and built in place.
# Only what the checks below read is built and installed: the library
# and the program (install-exec) and the catalogs (po/), not the
# documents, whose build does not depend on the prefix.  The second
# configure reads the first's cache (-C: no test depends on the prefix).
# The first prefix is removed before the second install's program runs,
# so nothing can come from it.
src=$1
[ -n "$src" ] && [ -x "$src/configure" ] || { echo "usage: $0 SRCDIR (unconfigured)"; exit 99; }
if ! locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\{0,1\}8$'; then
  echo "SKIP: the ru_RU.UTF-8 locale is not installed"; exit 77
fi
top=$(cd "$src" && pwd) || exit 99
a=$top/prefix-a
b=$top/prefix-b
make=${MAKE:-make}
log=$top/reprefix.log
step () { echo "== $*" >>"$log"; "$@" >>"$log" 2>&1 || { echo "FAIL: $* (see $log)"; tail -20 "$log"; exit 1; }; }

cd "$top" || exit 99
step ./configure -q -C --prefix="$a"
step $make -j2 install-exec
step $make -C po install
step ./configure -q -C --prefix="$b"
step $make -j2 install-exec
step $make -C po install
rm -rf "$a"

fail=0
prog=$b/bin/backprop
# no LD_LIBRARY_PATH: the program finds the library by its own run path
out=$(env -u LD_LIBRARY_PATH "$prog" --version 2>&1) \
  || { echo "FAIL: $prog --version: $out"; fail=1; }
out=$(env -u LD_LIBRARY_PATH -u LANGUAGE LC_ALL=ru_RU.UTF-8 "$prog" --help 2>&1)
case $out in
  *"Использование:"*) ;;
  *) echo "FAIL: $prog --help under ru_RU.UTF-8 is not in Russian:"; echo "$out" | head -3
     fail=1 ;;
esac
# the library's checker binds the catalogs' folder itself at each report
# (src/lib/check/print.c): its verdicts in Russian too (they were English,
# its folder still the first prefix's, which is gone)
out=$(env -u LD_LIBRARY_PATH -u LANGUAGE LC_ALL=ru_RU.UTF-8 "$prog" verify --fast 2>&1)
case $out in
  *ВЕРНО*) case $out in
             *" PASS"*) echo "FAIL: verify under ru_RU.UTF-8 mixes English verdicts:"
                        echo "$out" | grep " PASS" | head -3; fail=1 ;;
           esac ;;
  *) echo "FAIL: $prog verify --fast under ru_RU.UTF-8 is not in Russian:"
     echo "$out" | head -5; fail=1 ;;
esac
if command -v readelf >/dev/null 2>&1; then
  rpath=$(readelf -d "$prog" 2>/dev/null | grep -E 'R(UN)?PATH')
  case $rpath in
    *"$a"*) echo "FAIL: the installed program's run path names the first prefix: $rpath"
            fail=1 ;;
  esac
fi
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
