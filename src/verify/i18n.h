/* i18n.h -- (internal) the messages of `backprop' in the user's language
   (GNU gettext, po/): _("...") translates a message where it is printed,
   N_("...") marks one in a table, translated where it is printed.  The
   domain is bound by the program's main; without it (the tests, the
   benchmark) every message is its English msgid. */
#ifndef BP_I18N_H
#define BP_I18N_H

#if ENABLE_NLS
# include <libintl.h>
# define _(msgid) gettext (msgid)
#else
# define _(msgid) (msgid)
#endif
#define N_(msgid) (msgid)
/* trn: the form of msgid or plural for the count n (ngettext) */
#if ENABLE_NLS
# define trn(msgid, plural, n) ngettext (msgid, plural, n)
#else
# define trn(msgid, plural, n) ((n) == 1 ? (msgid) : (plural))
#endif

#include <stdio.h>

/* The characters (columns) of UTF-8 text s: its bytes but the
   continuation bytes 10xxxxxx. */
size_t utf8_length (const char *s);
/* s cut to its first `chars' characters (UTF-8), never inside one. */
void utf8_cut (char *s, size_t chars);
/* Print s in a column of |width| characters (UTF-8 characters, not bytes,
   so that a translated heading keeps the table aligned): left-aligned and
   padded with spaces when width > 0, right-aligned when width < 0; wider
   text is printed whole. */
void print_column (FILE *out, const char *s, int width);
/* Print s and a newline in lines of at most width characters (UTF-8),
   broken at spaces; each further line starts with indent.  Newlines
   leading s are printed first, one trailing it is dropped; a word longer
   than a line is printed whole. */
void print_wrapped (FILE *out, const char *s, size_t width, const char *indent);

/* bp_net_describe's text for a reader, in the user's language: the
   library's words ("two-layer network", " in float32") through the
   catalogue, its sizes, arrows and layer names as they are.  Output for
   scripts (--json) keeps the library's English. */
struct bp_net;
void net_describe_local (const struct bp_net *net, char *buf, size_t len);

#endif /* BP_I18N_H */
