#!/bin/sh
# manual-html.sh -- doc/manual.html (pandoc, doc/local.mk) is the whole
# manual: every heading of doc/manual.md is a heading of the page, in
# order.  Skipped without pandoc (configure builds no page then).
srcdir=${srcdir:-.}
[ -n "${PANDOC:-}" ] || { echo "SKIP: no pandoc"; exit 77; }
page=doc/manual.html
[ -s "$page" ] || { echo "FAIL: no $page"; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
python3 - "$srcdir/doc/manual.md" "$page" <<'PY'
import html, re, sys
md = open(sys.argv[1], encoding="utf-8").read()
page = open(sys.argv[2], encoding="utf-8").read()
# the Markdown's headings, outside code blocks
text = re.sub(r"^```.*?^```", "", md, flags=re.M | re.S)
text = re.sub(r"(?m)^(?:    |\t).*$", "", text)
want = [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"(?m)^(#{1,4}) +(.+?) *#*$", text)]
got = [(int(m.group(1)), html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip())
       for m in re.finditer(r"<h([1-4])[^>]*>(.*?)</h\1>", page, re.S)]
plain = lambda s: " ".join(s.replace("`", "").split())
want = [(l, plain(t)) for l, t in want]
got = [(l, plain(t)) for l, t in got]
if len(want) < 3:
    print("FAIL: %d headings in the manual?" % len(want)); sys.exit(1)
if want != got:
    print("FAIL: headings of manual.md %r\nbut of manual.html %r" % (want, got)); sys.exit(1)
print("%d headings; 1 passed, 0 failed" % len(want))
PY
