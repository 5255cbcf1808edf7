#!/bin/sh
# api_coverage.sh -- every function declared in the installed headers
# (src/backprop/bp_*.h) has a row in tests/check_api.c's table, which
# tests it against the library's error rule (bp_common.h); and every
# complex instantiation of a templated formula (bp_complex_NAME,
# src/lib/formulas/templates_on.h) is called in tests/check_templates.c,
# which holds it to its real form bit for bit on real arguments (issue 23,
# "Tests that could fail").  C cannot list a library's functions; the
# headers can be read.
src=${srcdir:-.}
fail=0 n=0
# A declaration starts in column 0; comment lines (indented, or "/*")
# may show a call such as "bp_f (z, h)" that declares nothing.
for f in $(sed -n 's/^[^ /].*[ *]\(bp_[a-z0-9_]*\) (.*/\1/p' "$src"/src/backprop/bp_*.h | sort -u); do
  n=$((n + 1))
  grep -q "\"$f\"" "$src/tests/check_api.c" \
    || { echo "FAIL: $f is public but has no row in tests/check_api.c"; fail=1; }
done
[ "$n" -gt 0 ] || { echo "FAIL: no function found in $src/src/backprop/bp_*.h"; fail=1; }
nc=0
for f in $(sed -n 's/^[^ /].*[ *]\(bp_complex_[a-z0-9_]*\) (.*/\1/p' "$src"/src/backprop/bp_*.h | sort -u); do
  nc=$((nc + 1))
  grep -qw "$f" "$src/tests/check_templates.c" \
    || { echo "FAIL: $f is a complex instantiation that tests/check_templates.c does not call"; fail=1; }
done
[ "$nc" -gt 0 ] || { echo "FAIL: no bp_complex_ function found in $src/src/backprop/bp_*.h"; fail=1; }
echo "$nc complex instantiations looked for in tests/check_templates.c"
echo "$n public functions looked for in tests/check_api.c"
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
