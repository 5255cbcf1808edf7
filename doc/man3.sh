#!/bin/sh
# man3.sh HEADER... -- write into the current folder a man page (section 3)
# for every function the headers declare: its name, the header to
# include, its prototype as written, and the comment above it (the
# comment of its group of prototypes).  Made from the installed headers
# at `make', so a page cannot drift from its prototype.  A function with
# a page of its own in doc/ (bp_gradcheck*) is left to that page.
# Prints the names of the pages written, one a line.
version=${BP_VERSION:-}
for h in "$@"; do
  awk -v header="$(basename "$h")" -v version="$version" -v skip="${BP_MAN3_SKIP:-}" '
    function roff(s) {            # text as roff: backslashes, leading dots
      gsub(/\\/, "\\e", s)
      if (s ~ /^[.'"'"']/) s = "\\&" s
      return s
    }
    BEGIN { n = split(skip, sk, " "); for (i = 1; i <= n; i++) skipped[sk[i]] = 1 }
    # a comment at the top level: the last one is the next prototypes
    /^\/\*/ && depth == 0 {
      comment = ""; incomment = 1
    }
    incomment {
      line = $0
      sub(/^\/\* ?/, "", line); sub(/^   /, "", line); sub(/ *\*\/ *$/, "", line)
      comment = comment line "\n"
      if ($0 ~ /\*\//) incomment = 0
      next
    }
    /\{/ { depth += gsub(/\{/, "{") }
    /\}/ { depth -= gsub(/\}/, "}") }
    depth == 0 && !inproto && /^[A-Za-z]/ && !/^(typedef|struct|enum|#|BP_|GSL_VAR)/ \
      && match($0, /bp_[a-z0-9_]+ \(/) {
      name = substr($0, RSTART, RLENGTH - 2); proto = ""; inproto = 1
    }
    inproto {
      proto = proto $0 "\n"
      if ($0 ~ /;/) {
        inproto = 0
        if (name in skipped) next
        file = name ".3"
        printf ".\\\" %s -- made by doc/man3.sh from <backprop/%s>: do not edit.\n", file, header > file
        printf ".TH %s 3 \"\" \"backprop %s\" \"Library Functions Manual\"\n", toupper(name), version > file
        printf ".SH NAME\n%s \\- a function of the backprop library (%s)\n", name, header > file
        printf ".SH SYNOPSIS\n.nf\n.B #include <backprop.h>\n.PP\n" > file
        m = split(proto, pl, "\n")
        for (i = 1; i < m; i++) printf "%s\n", roff(pl[i]) > file
        printf ".fi\n.PP\nLink with \\fB$(pkg-config \\-\\-libs backprop)\\fR.\n" > file
        printf ".SH DESCRIPTION\nFrom <backprop/%s>, the comment above the prototype:\n.PP\n.nf\n", header > file
        m = split(comment, cl, "\n")
        for (i = 1; i < m; i++) printf "%s\n", roff(cl[i]) > file
        printf ".fi\n.PP\nErrors are reported as\n.BR backprop (3)\ndescribes (GSL_EFAULT, GSL_EBADLEN, GSL_EDOM through GSL\x27s error handler).\n" > file
        printf ".SH \"SEE ALSO\"\n.BR backprop (3),\n.BR backprop (1)\n" > file
        close(file)
        print name
      }
    }
  ' "$h" || exit 1
done
