#!/bin/sh
# po-complete.sh -- every translatable message of the sources named in
# po/POTFILES.in (_("..."), N_("...")) has a Russian translation in
# po/ru.po, neither missing nor fuzzy nor empty: xgettext extracts the
# messages, msgcmp compares them with the catalogue (it fails on a msgid
# that ru.po lacks or leaves untranslated), msgfmt -c checks the formats.
srcdir=${srcdir:-.}
for tool in xgettext msgcmp msgfmt msgattrib; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: no $tool (gettext)"; exit 77; }
done
tmp=po-complete.$$
mkdir "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
(cd "$srcdir" && grep -v '^#' po/POTFILES.in | grep . > "$OLDPWD/$tmp/files")
(cd "$srcdir" && xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ \
  -f "$OLDPWD/$tmp/files" -o "$OLDPWD/$tmp/backprop.pot") || exit 99
[ -s "$tmp/backprop.pot" ] || { echo "FAIL: xgettext found no message"; exit 1; }
msgcmp "$srcdir/po/ru.po" "$tmp/backprop.pot" 2>"$tmp/err" \
  || { echo "FAIL: messages missing from po/ru.po:"; cat "$tmp/err"; fail=1; }
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$srcdir/po/ru.po" | grep -c '^msgid ')
[ "$fuzzy" -eq 0 ] || { echo "FAIL: $fuzzy fuzzy entries in po/ru.po (the header counts)"; \
  msgattrib --only-fuzzy --no-obsolete "$srcdir/po/ru.po"; fail=1; }
msgfmt -c "$srcdir/po/ru.po" -o /dev/null || { echo "FAIL: msgfmt -c po/ru.po"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
