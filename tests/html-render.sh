#!/bin/sh
# html-render.sh -- every HTML page of the derivations rendered in headless
# Chromium, at two window widths; fails on
#   - horizontal overflow of the page (scrollWidth > clientWidth),
#   - an operator or variable name set as a run of italic single letters
#     (<mi>S</mi><mi>o</mi>...), or as an italic <mi>,
#   - an equation tag cut off, raw TeX in a heading, the math font missing,
#     a figure not loaded (tests/html-render.js does these checks),
#   - a "Next" chain that does not run from the index through every page,
#     the errata last, and back to the index.
# Skipped (exit 77) without pandoc's pages or without chromium, unless
# BP_REQUIRE_CHROMIUM=1 (as .ci/run sets it), when that is a failure.
# BP_SCREENSHOTS=DIR also writes a PNG of each page, 1024 px wide, to DIR.
set -u

srcdir=${srcdir:-.}
pages=derivations
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

# The "Next" chain, read from the pages' links: index -> ... -> errata -> index.
n_pages=$(ls "$pages"/*.html | wc -l)
page=README.html; seen=" README.html "; steps=0; last=
while :; do
  next=$(tr '\n' ' ' < "$pages/$page" |
         sed -n 's/.*Next: *<a href="\([^"#]*\)[^"]*"[^>]*>.*/\1/p')
  if [ -z "$next" ]; then
    echo "html-render: FAIL: $page has no \"Next:\" link" >&2; status=1; break
  fi
  steps=$((steps + 1))
  if [ "$next" = README.html ]; then last=$page; break; fi
  case $seen in *" $next "*)
    echo "html-render: FAIL: the Next chain loops at $page -> $next" >&2; status=1; break;;
  esac
  [ -f "$pages/$next" ] || { echo "html-render: FAIL: $page: Next $next does not exist" >&2; status=1; break; }
  seen="$seen$next "; page=$next
done
if [ "$status" = 0 ]; then
  if [ "$steps" != "$n_pages" ]; then
    echo "html-render: FAIL: the Next chain visits $steps of $n_pages pages:$seen" >&2; status=1
  elif [ "$last" != errata.html ]; then
    echo "html-render: FAIL: the Next chain ends at $last, not at errata.html" >&2; status=1
  else
    echo "html-render: the Next chain runs through all $n_pages pages, errata last"
  fi
fi

# configure's CHROMIUM (passed by make check), else the PATH's
CHROMIUM=${CHROMIUM:-}
[ -n "$CHROMIUM" ] || CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] ||
  skip "chromium not found (Debian package chromium)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/site/figures" "$tmp/shots"
cp "$pages"/*.html "$tmp/shots/"
cp "$srcdir/derivations/derivations.css" "$tmp/site/"
cp "$srcdir/derivations/derivations.css" "$tmp/shots/"
if ls "$pages"/figures/*.svg >/dev/null 2>&1; then
  cp "$pages"/figures/*.svg "$tmp/site/figures/"
  mkdir -p "$tmp/shots/figures" && cp "$pages"/figures/*.svg "$tmp/shots/figures/"
fi
cp "$srcdir/tests/html-render.js" "$tmp/site/"
for f in "$pages"/*.html; do
  sed 's|</body>|<script src="html-render.js"></script></body>|' "$f" > "$tmp/site/${f##*/}"
done

chrome () {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>/dev/null
}

checked=0
for f in "$tmp"/site/*.html; do
  name=${f##*/}
  for width in 1024 600; do
    out=$(chrome --window-size=$width,900 --virtual-time-budget=5000 --dump-dom "file://$f" |
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
  mkdir -p "$BP_SCREENSHOTS"
  for f in "$tmp"/shots/*.html; do
    name=${f##*/}
    chrome --window-size=1024,2400 --virtual-time-budget=5000 \
      --screenshot="$BP_SCREENSHOTS/${name%.html}.png" "file://$f" >/dev/null
  done
  echo "html-render: screenshots in $BP_SCREENSHOTS"
fi
exit $status
