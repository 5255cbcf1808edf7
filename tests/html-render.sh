#!/bin/sh
# html-render.sh -- every HTML page of the derivations rendered in headless
# Chromium, at two window widths; fails on
#   - horizontal overflow of the page (scrollWidth > clientWidth), at a
#     phone's width (400 px) and a laptop's (1024 px),
#   - raw TeX left in the text ("$$", "\\Bigl": an equation pandoc's math
#     did not convert), a worked example that wraps its rows, a figure
#     shrunk below legibility, a table whose first column scrolls away,
#     a table that does not fit the page at 1024 px,
#   - an operator or variable name set as a run of italic single letters
#     (<mi>S</mi><mi>o</mi>...), or as an italic <mi>,
#   - an equation tag cut off, raw TeX in a heading, the math font missing,
#     a figure not loaded (tests/html-render.js does these checks),
#   - a "Next" chain that does not run from the index through every page,
#     01 first, then the summary, the errata and the appendix 00, and back
#     to the index.
# Skipped (exit 77) without pandoc's pages or without chromium, unless
# BP_REQUIRE_CHROMIUM=1 (as .ci/run sets it), when that is a failure.
# BP_SCREENSHOTS=DIR also writes a PNG of each page, 1024 px wide, to DIR,
# and one 400 px wide (NAME-400.png); the Russian edition's in DIR/ru.
# BP_HTML_EDITION=ru checks the Russian edition, derivations/ru/ (its pages
# say "Далее:" for "Next:" and take the style and figures from ..).
set -u

srcdir=${srcdir:-.}
pages=derivations
next_word=Next
site_sub=
if [ "${BP_HTML_EDITION:-en}" = ru ]; then
  pages=derivations/ru; next_word='Далее'; site_sub=/ru
fi
status=0

skip () {
  if [ "${BP_REQUIRE_CHROMIUM:-0}" = 1 ]; then
    echo "html-render: FAIL: $1 (BP_REQUIRE_CHROMIUM=1)" >&2; exit 1
  fi
  echo "html-render: SKIP: $1"
  [ "$status" = 0 ] || exit 1   # the Next chain was checked, and failed
  exit 77
}

ls "$pages"/README.html >/dev/null 2>&1 ||
  skip "no HTML pages (pandoc was not found by configure; Debian package pandoc)"

# The "Next" chain, read from the pages' links: index -> 01 -> ... -> errata -> 00 -> index.
n_pages=$(ls "$pages"/*.html | wc -l)
page=README.html; seen=" README.html "; steps=0; order=
while :; do
  next=$(tr '\n' ' ' < "$pages/$page" |
         LC_ALL=C sed -n "s/.*$next_word: *<a href=\"\\([^\"#]*\\)[^\"]*\"[^>]*>.*/\\1/p")
  if [ -z "$next" ]; then
    echo "html-render: FAIL: $page has no \"$next_word:\" link" >&2; status=1; break
  fi
  steps=$((steps + 1))
  if [ "$next" = README.html ]; then break; fi
  case $seen in *" $next "*)
    echo "html-render: FAIL: the Next chain loops at $page -> $next" >&2; status=1; break;;
  esac
  [ -f "$pages/$next" ] || { echo "html-render: FAIL: $page: Next $next does not exist" >&2; status=1; break; }
  seen="$seen$next "; page=$next; order="$order $next"
done
if [ "$status" = 0 ]; then
  if [ "$steps" != "$n_pages" ]; then
    echo "html-render: FAIL: the Next chain visits $steps of $n_pages pages:$seen" >&2; status=1
  else
    # a student's path: 01 first, ..., the summary, the errata, then the
    # numeric check's appendix (00)
    case "$order " in
      " 01-forward-pass.html "*" summary.html "*"errata.html 00-numeric-check.html ")
        echo "html-render: the Next chain runs through all $n_pages pages, from 01 to the summary, the errata and the appendix 00";;
      *) echo "html-render: FAIL: the Next chain is not 01 ... summary, errata, 00:$order" >&2
         status=1;;
    esac
  fi
fi

# configure's CHROMIUM (passed by make check), else the PATH's
CHROMIUM=${CHROMIUM:-}
[ -n "$CHROMIUM" ] || CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] ||
  skip "chromium not found (Debian package chromium)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/site/figures" "$tmp/site$site_sub" "$tmp/shots$site_sub"
cp "$pages"/*.html "$tmp/shots$site_sub/"
cp "$srcdir/derivations/derivations.css" "$tmp/site/"
cp "$srcdir/derivations/derivations.css" "$tmp/shots/"
# each edition's own figures (the Russian ones' words are Russian)
if ls "$pages"/figures/*.svg >/dev/null 2>&1; then
  mkdir -p "$tmp/site$site_sub/figures" "$tmp/shots$site_sub/figures"
  cp "$pages"/figures/*.svg "$tmp/site$site_sub/figures/"
  cp "$pages"/figures/*.svg "$tmp/shots$site_sub/figures/"
fi
cp "$srcdir/tests/html-render.js" "$tmp/site$site_sub/"
for f in "$pages"/*.html; do
  sed 's|</body>|<script src="html-render.js"></script></body>|' "$f" > "$tmp/site$site_sub/${f##*/}"
done

chrome () {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>/dev/null
}

# Headless Chromium's window is at least 500 px wide; a page is laid out at
# a phone's 400 px (and at 1024 px) in an iframe of that width, whose
# html-render.js posts its result to the frame around it.
frame () {  # width page-file -> the file of a frame around it
  printf '%s\n' '<!DOCTYPE html><html><head><meta charset="utf-8"></head>' \
    '<body style="margin:0">' \
    "<iframe src=\"file://$2\" style=\"border:0;width:${1}px;height:900px\"></iframe>" \
    '<script>addEventListener ("message", function (e) {' \
    '  var p = document.createElement ("pre"); p.id = "bp-check-result";' \
    '  p.textContent = e.data; document.body.appendChild (p); });</script>' \
    '</body></html>' > "$tmp/frame-$1.html"
  echo "$tmp/frame-$1.html"
}

checked=0
for f in "$tmp"/site$site_sub/*.html; do
  name=${f##*/}
  for width in 1024 400; do
    out=$(chrome --window-size=1100,900 --virtual-time-budget=5000 --dump-dom "file://$(frame $width "$f")" |
          tr '\n' '\001' |
          sed -n 's|.*<pre id="bp-check-result">\([^<]*\)</pre>.*|\1|p' | tr '\001' '\n' |
          sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g')
    if [ -z "$out" ]; then
      echo "html-render: FAIL: $name at $width px: the page did not report (chromium failed?)" >&2
      status=1
    elif [ "$out" != OK ]; then
      printf '%s\n' "$out" | sed "s|^|html-render: FAIL: $name at $width px: |" >&2
      status=1
    fi
    checked=$((checked + 1))
  done
done
echo "html-render: $checked renderings of $n_pages pages checked"

if [ -n "${BP_SCREENSHOTS:-}" ]; then
  shots=$BP_SCREENSHOTS$site_sub   # the Russian pages in DIR/ru
  mkdir -p "$shots"
  for f in "$tmp"/shots$site_sub/*.html; do
    name=${f##*/}
    chrome --window-size=1024,2400 --virtual-time-budget=5000 \
      --screenshot="$shots/${name%.html}.png" "file://$f" >/dev/null
    chrome --window-size=400,4000 --virtual-time-budget=5000 \
      --screenshot="$shots/${name%.html}-400.png" "file://$f" >/dev/null
  done
  echo "html-render: screenshots in $shots"
fi
exit $status
