#!/bin/sh
# po-complete.sh -- every translatable message of the sources named in
# po/POTFILES.in (_("..."), N_("...")) has a Russian translation in
# po/ru.po, neither missing nor fuzzy nor empty: xgettext extracts the
# messages, msgcmp compares them with the catalogue (it fails on a msgid
# that ru.po lacks or leaves untranslated), msgfmt -c checks the formats;
# then no message of src/cli or src/verify is printed without _().
srcdir=${srcdir:-.}
for tool in xgettext msgcmp msgfmt msgattrib; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: no $tool (gettext)"; exit 77; }
done
tmp=po-complete.$$
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
(cd "$srcdir" && grep -v '^#' po/POTFILES.in | grep . > "$OLDPWD/$tmp/files")
# The keywords are po/Makevars' own (one list: _, N_, trn, NC_).
keywords=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$srcdir/po/Makevars" | tr ' ' '\n' | grep '^--keyword=')
[ -n "$keywords" ] || { echo "FAIL: no --keyword in po/Makevars' XGETTEXT_OPTIONS"; exit 99; }
(cd "$srcdir" && xgettext --from-code=UTF-8 $keywords \
  -f "$OLDPWD/$tmp/files" -o "$OLDPWD/$tmp/backprop.pot") || exit 99
[ -s "$tmp/backprop.pot" ] || { echo "FAIL: xgettext found no message"; exit 1; }
msgcmp "$srcdir/po/ru.po" "$tmp/backprop.pot" 2>"$tmp/err" \
  || { echo "FAIL: messages missing from po/ru.po:"; cat "$tmp/err"; fail=1; }
# and no entry whose message the sources no longer have (a file removed,
# a message reworded): a stale translation only misleads translators.
msgcmp --use-untranslated "$tmp/backprop.pot" "$srcdir/po/ru.po" 2>"$tmp/err" \
  || { echo "FAIL: entries of po/ru.po that no source has:"; cat "$tmp/err"; fail=1; }
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$srcdir/po/ru.po" | grep -c '^msgid ')
[ "$fuzzy" -eq 0 ] || { echo "FAIL: $fuzzy fuzzy entries in po/ru.po (the header counts)"; \
  msgattrib --only-fuzzy --no-obsolete "$srcdir/po/ru.po"; fail=1; }
msgfmt -c "$srcdir/po/ru.po" -o /dev/null || { echo "FAIL: msgfmt -c po/ru.po"; fail=1; }
# Every message is marked: a literal given straight to printf and its
# kin as the format, not through _(), is extracted by xgettext with those
# functions as keywords (and not without them); po-marked.py keeps the
# ones a user reads.  The sources are every .c of src/cli and src/verify,
# so a file that prints and is missing from POTFILES.in fails too.
if command -v python3 >/dev/null 2>&1; then
  (cd "$srcdir" && ls src/cli/*.c src/verify/*.c) > "$tmp/all"
  (cd "$srcdir" && xgettext --from-code=UTF-8 -k -k_ -kN_ -f "$OLDPWD/$tmp/all" \
     -o "$OLDPWD/$tmp/marked.pot" && \
   xgettext --from-code=UTF-8 -k -k_ -kN_ -kprintf:1 -kfprintf:2 -kputs:1 -kfputs:1 \
     -ksnprintf:3 -kcannot_save:3 -f "$OLDPWD/$tmp/all" -o "$OLDPWD/$tmp/printed.pot") 2>"$tmp/err" \
    || { cat "$tmp/err"; exit 99; }
  msgcomm --unique "$tmp/marked.pot" "$tmp/printed.pot" -o "$tmp/unmarked.pot" 2>/dev/null \
    || exit 99
  if [ -s "$tmp/unmarked.pot" ] && ! python3 "$srcdir/tests/po-marked.py" "$tmp/unmarked.pot" \
       > "$tmp/list"; then
    echo "FAIL: messages printed without _():"; cat "$tmp/list"; fail=1
  fi
  for f in $(cd "$srcdir" && grep -l '[^A-Za-z_]_ \{0,1\}("' $(cat "$tmp/all")); do
    grep -qx "$f" "$tmp/files" || { echo "FAIL: $f has messages but is not in po/POTFILES.in"; fail=1; }
  done
else
  echo "skipped: the unmarked messages (no python3)"
fi
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
