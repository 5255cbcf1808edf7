#!/bin/sh
# figures-ru.sh -- the Russian edition's figures carry no English word.
# Fails when
#   - a word of a label (label= / xlabel= of derivations/figures/*.dot,
#     after the table derivations/figures/ru.sed the build applies) or of
#     a drawn derivations/ru/figures/*.svg is Latin and not one of the
#     pages' symbols (x, W, labels, Softmax, ReLU, reshape, log, max of
#     "max-пулинг" in ru/glossary.md);
#   - a Russian page shows the English edition's figure (../figures/*.svg)
#     or a figure that is not drawn from a source.
set -u
LC_ALL=C; export LC_ALL   # words are bytes: [A-Za-z] is ASCII
srcdir=${srcdir:-.}
table=$srcdir/derivations/figures/ru.sed
status=0

# the words of a label that are not symbols; one per line
english () {
  tr -c 'A-Za-z' '\n' | grep -E '^[A-Za-z]{2,}$' |
    grep -vxE 'Softmax|ReLU|reshape|labels|Labels|log|max' || true
}

for dot in "$srcdir"/derivations/figures/*.dot; do
  name=${dot##*/}
  words=$(sed -f "$table" "$dot" | sed -n 's/.*label = "\([^"]*\)".*/\1/p' |
          sed 's/\\n/ /g' | english | sort -u | tr '\n' ' ')
  if [ -n "$words" ]; then
    echo "figures-ru: FAIL: $name: English left in the Russian labels: $words(add them to derivations/figures/ru.sed)" >&2
    status=1
  fi
done

# the drawn figures, when dot was found
for svg in derivations/ru/figures/*.svg; do
  [ -f "$svg" ] || continue
  words=$(tr '\n' ' ' < "$svg" | sed 's/<text[^>]*>/\n&/g' |
          sed -n 's/^<text[^>]*>\([^<]*\)<\/text>.*/\1/p' |
          sed 's/&[a-z]*;/ /g; s/&#[0-9]*;/ /g' | english | sort -u | tr '\n' ' ')
  if [ -n "$words" ]; then
    echo "figures-ru: FAIL: $svg: English words drawn: $words" >&2
    status=1
  fi
done

# each Russian page shows its own edition's figures, drawn from a source
shown=0
for md in "$srcdir"/derivations/ru/*.md; do
  for src in $(sed -n 's/.*!\[[^]]*\](\([^)]*\.svg\)).*/\1/p' "$md"); do
    shown=$((shown + 1))
    case $src in
      figures/*.svg)
        [ -f "$srcdir/derivations/figures/$(basename "$src" .svg).dot" ] || {
          echo "figures-ru: FAIL: ${md##*/}: $src has no source figures/*.dot" >&2; status=1; } ;;
      *) echo "figures-ru: FAIL: ${md##*/}: shows $src, not the Russian figures/*.svg" >&2
         status=1 ;;
    esac
  done
done
if [ "$shown" = 0 ]; then
  echo "figures-ru: FAIL: no Russian page shows a figure (the pattern missed them?)" >&2
  status=1
fi
echo "figures-ru: $shown figures on the Russian pages checked"
exit $status
