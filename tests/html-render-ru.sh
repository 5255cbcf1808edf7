#!/bin/sh
# html-render-ru.sh -- tests/html-render.sh on the Russian edition of the
# derivations (derivations/ru/*.html): the same checks in Chromium, and
# the "Далее" chain through every Russian page.
BP_HTML_EDITION=ru
export BP_HTML_EDITION
exec "${srcdir:-.}/tests/html-render.sh" "$@"
