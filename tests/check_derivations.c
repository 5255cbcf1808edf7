/* check_derivations.c -- suite "derivations": the documents of
   derivations/ and the code cannot drift apart.

   Everything is discovered, nothing is listed here, so that a new module
   is covered as soon as its header is in src/backprop/ and its document
   is in derivations/:
     * public functions: the declarations of src/backprop.h, of the
       headers it includes (quoted #include, followed recursively), and of
       every other header of src/backprop/.  All the headers of src/backprop/ are
       installed (pkginclude_HEADERS in src/local.mk), but not all are
       reachable from backprop.h: bp_complex_step.h is deliberately left
       out of it because it pulls in <complex.h>, whose macro I would land
       in every program that includes backprop.h.  Its functions are public
       all the same, so the directory, not backprop.h, says what is public;
     * documents: every .md file of derivations/;
     * names in documents: the machine-readable lines
         Function: `bp_name`[, `bp_other`...]
         Test: `test_name`[, `test_other`...] in `tests/check_file.c`
       (also "Functions:", "Tests:", with a leading "- " or "**" allowed).

   The rules checked:
     1. every public function is named on a Function: line of some
        document of derivations/.  A function that is not a formula
        (workspace alloc/free, file I/O, dataset readers, the checker's
        utilities) is named like any other, in the document of its module
        or in the reference section of derivations/README.md;
     2. every name on a Function: line is a public function;
     3. every Test: line names a file of the tree and tests defined in it
        by START_TEST;
     4. every numbered document (NN-*.md) has a Function: and a Test: line;
     5. every bp_ identifier anywhere in a document (or in doc/manual.md)
        is declared in a header of src/, and every test_ identifier is a
        START_TEST of some tests/NAME.c;
     6. every generated block (<!-- BEGIN GENERATED name --> ... END) holds
        its template (in the BEGIN marker, in the edition's language)
        filled with what derivations/docgen.c computes now with the
        library; the template uses every value of the block and names no
        other; every block the generator writes is held by one document
        (fix: `make regen-derivations`);
     7. every derivations/NAME.md cited in an installed header exists, every
        "eq. (N.M)" cited there is a \tag{N.M} of the documents, and every
        header that declares a public function cites some document;
     8. doc/manual.md has a heading naming every public function;
     9. the Russian edition derivations/ru/ is the English one file for
        file: the same documents, and in each pair the same Slides:,
        Function: and Test: lines, the same equation tags and the same
        generated blocks, in the same order; each Russian document links
        to its English original.  Rules 1-6 hold for each edition alone;
    10. the Russian pages are free of the listed calques of English syntax,
        and their generated blocks of English words;
    11. the index of each edition (a section of summary.md) names every
        equation (its anchor #eq-N.M) and every public function exactly
        once, and links to no equation that does not exist;
    12. the answer of each pen-and-paper exercise (section "On paper") is
        what the library computes from the exercise's data.

   The tree is read from $BP_SRCDIR (set by AM_TESTS_ENVIRONMENT to
   $(abs_top_srcdir)); nothing is written. */
#define _POSIX_C_SOURCE 200809L
#include <config.h>
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <check.h>
#include "testutil.h"
#include "backprop.h"
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_deriv.h>
#include "backprop/bp_complex_step.h"
#include "docgen.h"
#include "lib/formulas/cnn_chain.h"

/* --- small tools ---------------------------------------------------- */

typedef struct
{
  char **s;
  size_t n, cap;
} strset;

static int
strset_has (const strset *set, const char *s)
{
  for (size_t k = 0; k < set->n; k++)
    if (strcmp (set->s[k], s) == 0)
      return 1;
  return 0;
}

static void
strset_addn (strset *set, const char *s, size_t len)
{
  char *copy = strndup (s, len);
  ck_assert_ptr_nonnull (copy);
  if (strset_has (set, copy))
    {
      free (copy);
      return;
    }
  if (set->n == set->cap)
    {
      set->cap = set->cap ? 2 * set->cap : 32;
      set->s = realloc (set->s, set->cap * sizeof *set->s);
      ck_assert_ptr_nonnull (set->s);
    }
  set->s[set->n++] = copy;
}

static void
strset_add (strset *set, const char *s)
{
  strset_addn (set, s, strlen (s));
}

static void
strset_free (strset *set)
{
  for (size_t k = 0; k < set->n; k++)
    free (set->s[k]);
  free (set->s);
  *set = (strset) { 0 };
}

static const char *
srcdir (void)
{
  const char *d = getenv ("BP_SRCDIR");
  ck_assert_msg (d != NULL && *d != '\0',
                 "BP_SRCDIR is not set: run through `make check`, or set it "
                 "to the top of the source tree");
  return d;
}

/* The text of srcdir/rel, or NULL when it cannot be read. */
static char *
slurp (const char *rel)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", srcdir (), rel);
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return NULL;
  char *text = NULL;
  size_t len = 0, n;
  FILE *out = open_memstream (&text, &len);
  char buf[8192];
  ck_assert_ptr_nonnull (out);
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    fwrite (buf, 1, n, out);
  fclose (f);
  fclose (out);
  return text;
}

static char *
slurp_or_fail (const char *rel)
{
  char *text = slurp (rel);
  ck_assert_msg (text != NULL, "cannot read %s/%s", srcdir (), rel);
  return text;
}

/* The entries of srcdir/dir ending in suffix, as "dir/name", sorted. */
static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static strset
list_dir (const char *dir, const char *suffix)
{
  strset set = { 0 };
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", srcdir (), dir);
  DIR *d = opendir (path);
  ck_assert_msg (d != NULL, "cannot open directory %s", path);
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name), sl = strlen (suffix);
      if (len > sl && strcmp (e->d_name + len - sl, suffix) == 0)
        {
          snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
          strset_add (&set, path);
        }
    }
  closedir (d);
  qsort (set.s, set.n, sizeof *set.s, by_name);
  return set;
}

static int
is_ident (int c)
{
  return isalnum ((unsigned char) c) || c == '_';
}

/* --- headers --------------------------------------------------------- */

typedef struct
{
  strset functions;  /* public functions (installed headers) */
  strset types;      /* typedef names of the installed headers */
  strset headers;    /* the installed headers read, "src/backprop/x.h" */
} api;

static void
api_free (api *a)
{
  strset_free (&a->functions);
  strset_free (&a->types);
  strset_free (&a->headers);
}

/* Blank out comments and preprocessor lines (keeping newlines). */
static void
strip_comments_and_cpp (char *t)
{
  int line_start = 1;
  for (char *p = t; *p; p++)
    {
      if (p[0] == '/' && p[1] == '*')
        {
          char *e = strstr (p + 2, "*/");
          char *stop = e ? e + 2 : p + strlen (p);
          for (; p < stop; p++)
            if (*p != '\n')
              *p = ' ';
          p--;
          continue;
        }
      if (p[0] == '/' && p[1] == '/')
        {
          for (; *p && *p != '\n'; p++)
            *p = ' ';
          if (!*p)
            break;
        }
      if (line_start)
        {
          char *q = p;
          while (*q == ' ' || *q == '\t')
            q++;
          if (*q == '#')
            for (p = q; *p && !(*p == '\n' && p[-1] != '\\'); p++)
              *p = ' ';
          if (!*p)
            break;
        }
      line_start = *p == '\n';
    }
}

/* Read the declarations of one statement (text between ';' at depth 0). */
static void
statement (api *a, char *s, int installed)
{
  /* skip words ending in _DECLS (BP_BEGIN_DECLS, BP_END_DECLS) */
  for (;;)
    {
      while (isspace ((unsigned char) *s))
        s++;
      char *w = s;
      while (is_ident (*w))
        w++;
      if (w - s > 6 && strncmp (w - 6, "_DECLS", 6) == 0)
        s = w;
      else
        break;
    }
  if (strncmp (s, "typedef", 7) == 0 && !is_ident (s[7]))
    {
      char *fp = strstr (s, "(*");
      char *name, *end;
      if (fp)
        {
          name = fp + 2;
          while (isspace ((unsigned char) *name))
            name++;
          for (end = name; is_ident (*end); end++)
            ;
        }
      else
        {
          end = s + strlen (s);
          while (end > s && !is_ident (end[-1]))
            end--;
          for (name = end; name > s && is_ident (name[-1]); name--)
            ;
        }
      if (end > name)
        strset_addn (&a->types, name, (size_t) (end - name));
      return;
    }
  /* a function: the identifier before the first '(' outside braces */
  int depth = 0;
  for (char *p = s; *p; p++)
    {
      depth += (*p == '{') - (*p == '}');
      if (*p == '(' && depth == 0)
        {
          char *end = p;
          while (end > s && isspace ((unsigned char) end[-1]))
            end--;
          char *name = end;
          while (name > s && is_ident (name[-1]))
            name--;
          if (end > name && installed)
            strset_addn (&a->functions, name, (size_t) (end - name));
          else if (end > name)
            strset_addn (&a->types, name, (size_t) (end - name));   /* internal names */
          return;
        }
    }
  /* a variable (GSL_VAR const bp_net_type *bp_net_mlp): its last name */
  if (strchr (s, '{') == NULL)
    {
      char *end = s + strlen (s);
      while (end > s && !is_ident (end[-1]))
        end--;
      char *name = end;
      while (name > s && is_ident (name[-1]))
        name--;
      if (end - name > 3 && strncmp (name, "bp_", 3) == 0)
        strset_addn (&a->types, name, (size_t) (end - name));
    }
}

/* Read the header srcdir/rel, then (when follow) the headers it includes
   with quotes. */
static void
read_header (api *a, const char *rel, int installed, int follow)
{
  if (strset_has (&a->headers, rel))
    return;
  strset_add (&a->headers, rel);
  char *t = slurp_or_fail (rel);
  const char *slash = strrchr (rel, '/');
  const size_t dirlen = slash ? (size_t) (slash - rel + 1) : 0;
  for (const char *p = t; follow && (p = strstr (p, "#include")) != NULL; p++)
    {
      const char *q = p + 8;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '"')
        continue;
      const char *e = strchr (q + 1, '"');
      if (e == NULL)
        continue;
      char inc[4096];
      snprintf (inc, sizeof inc, "%.*s%.*s", (int) dirlen, rel, (int) (e - q - 1), q + 1);
      read_header (a, inc, installed, follow);
    }
  strip_comments_and_cpp (t);
  int depth = 0;
  char *start = t;
  for (char *p = t; *p; p++)
    {
      depth += (*p == '{') - (*p == '}');
      if (*p == ';' && depth == 0)
        {
          *p = '\0';
          statement (a, start, installed);
          start = p + 1;
        }
    }
  free (t);
}

/* The installed API: backprop.h and what it includes, and every other
   installed header src/backprop/bp_NAME.h (bp_complex_step.h is installed but
   not included by backprop.h: see the comment at the top). */
static api
read_api (void)
{
  api a = { 0 };
  read_header (&a, "src/backprop.h", 1, 1);
  strset installed = list_dir ("src/backprop", ".h");
  for (size_t k = 0; k < installed.n; k++)
    read_header (&a, installed.s[k], 1, 1);
  strset_free (&installed);
  ck_assert_msg (a.functions.n > 0, "no function found in src/backprop.h");
  return a;
}

/* Every bp_ name declared in any header of src/, installed or not. */
static strset
declared_names (void)
{
  api a = read_api ();
  strset all = { 0 };
  for (size_t k = 0; k < a.functions.n; k++)
    strset_add (&all, a.functions.s[k]);
  for (size_t k = 0; k < a.types.n; k++)
    strset_add (&all, a.types.s[k]);
  strset internal = list_dir ("src", ".h");
  api b = { 0 };
  for (size_t k = 0; k < internal.n; k++)
    read_header (&b, internal.s[k], 0, 0);
  for (size_t k = 0; k < b.types.n; k++)
    strset_add (&all, b.types.s[k]);
  api_free (&a);
  api_free (&b);
  strset_free (&internal);
  return all;
}

/* --- documents ------------------------------------------------------- */

/* A machine-readable line: "Function:" or "Test:" (or plural). */
typedef struct
{
  const char *doc;
  int line;
  strset names;     /* backquoted names on the line */
  char file[256];   /* Test lines: the backquoted *.c */
} named_line;

typedef struct
{
  named_line *l;
  size_t n;
} named_lines;

/* Is the line at p a "key:" line?  Returns the text after the colon. */
static const char *
key_line (const char *p, const char *key)
{
  while (*p == ' ' || *p == '-' || *p == '*' || *p == '>')
    p++;
  const size_t k = strlen (key);
  if (strncmp (p, key, k) != 0)
    return NULL;
  p += k;
  if (*p == 's')
    p++;
  if (p[0] == '*' && p[1] == '*')
    p += 2;
  if (*p != ':')
    return NULL;
  return p + 1;
}

static void
read_named_lines (named_lines *out, const char *doc, const char *text,
                  const char *key)
{
  int line = 1;
  for (const char *p = text; *p; line++)
    {
      const char *eol = strchr (p, '\n');
      if (eol == NULL)
        eol = p + strlen (p);
      const char *rest = key_line (p, key);
      if (rest != NULL && rest < eol)
        {
          out->l = realloc (out->l, (out->n + 1) * sizeof *out->l);
          ck_assert_ptr_nonnull (out->l);
          named_line *nl = &out->l[out->n++];
          *nl = (named_line) { .doc = doc, .line = line };
          for (const char *q = rest; q < eol; q++)
            {
              if (*q != '`')
                continue;
              const char *e = memchr (q + 1, '`', (size_t) (eol - q - 1));
              if (e == NULL)
                break;
              size_t len = (size_t) (e - q - 1);
              if (len >= 2 && q[len - 1] == '(' && q[len] == ')')
                len -= 2;   /* `bp_name()` */
              if (len > 2 && strncmp (e - 2, ".c", 2) == 0)
                snprintf (nl->file, sizeof nl->file, "%.*s", (int) len, q + 1);
              else
                strset_addn (&nl->names, q + 1, len);
              q = e;
            }
        }
      p = *eol ? eol + 1 : eol;
    }
}

typedef struct
{
  strset paths;     /* "derivations/04-softmax-jacobian.md" */
  char **texts;
  named_lines functions, tests;
} documents;

static void
named_lines_free (named_lines *nl)
{
  for (size_t i = 0; i < nl->n; i++)
    strset_free (&nl->l[i].names);
  free (nl->l);
}

static void
documents_free (documents *d)
{
  for (size_t k = 0; k < d->paths.n; k++)
    free (d->texts[k]);
  free (d->texts);
  strset_free (&d->paths);
  named_lines_free (&d->functions);
  named_lines_free (&d->tests);
}

/* The editions: the English documents and their Russian translation, file
   for file (rule 9).  The loop tests run over both. */
static const char *const editions[] = { "derivations", "derivations/ru" };
enum { N_EDITIONS = sizeof editions / sizeof editions[0] };

static documents
read_documents_in (const char *dir)
{
  documents d = { 0 };
  d.paths = list_dir (dir, ".md");
  ck_assert_msg (d.paths.n > 0, "no document in %s/", dir);
  d.texts = calloc (d.paths.n, sizeof *d.texts);
  ck_assert_ptr_nonnull (d.texts);
  for (size_t k = 0; k < d.paths.n; k++)
    {
      d.texts[k] = slurp_or_fail (d.paths.s[k]);
      read_named_lines (&d.functions, d.paths.s[k], d.texts[k], "Function");
      read_named_lines (&d.tests, d.paths.s[k], d.texts[k], "Test");
    }
  return d;
}

static documents
read_documents (void)
{
  return read_documents_in (editions[0]);
}

/* Is test a START_TEST of the text of a test file? */
static int
defines_test (const char *text, const char *test)
{
  const size_t len = strlen (test);
  for (const char *p = text; (p = strstr (p, "START_TEST")) != NULL; p++)
    {
      const char *q = p + 10;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '(')
        continue;
      q++;
      while (*q == ' ' || *q == '\t')
        q++;
      if (strncmp (q, test, len) == 0 && !is_ident (q[len]))
        return 1;
    }
  return 0;
}

/* --- the tests ------------------------------------------------------- */

START_TEST (test_derivations_name_every_public_function)
{
  api a = read_api ();
  documents d = read_documents_in (editions[_i]);
  int missing = 0;
  for (size_t k = 0; k < a.functions.n; k++)
    {
      int named = 0;
      for (size_t i = 0; i < d.functions.n && !named; i++)
        named = strset_has (&d.functions.l[i].names, a.functions.s[k]);
      if (!named)
        {
          fprintf (stderr, "public function %s is named on no Function: line "
                   "of %s/*.md\n", a.functions.s[k], editions[_i]);
          missing++;
        }
    }
  api_free (&a);
  documents_free (&d);
  ck_assert_msg (missing == 0, "%d public function(s) named by no derivation "
                 "(see above)", missing);
}
END_TEST

START_TEST (test_named_functions_exist)
{
  api a = read_api ();
  documents d = read_documents_in (editions[_i]);
  int bad = 0;
  for (size_t i = 0; i < d.functions.n; i++)
    {
      const named_line *nl = &d.functions.l[i];
      if (nl->names.n == 0)
        {
          fprintf (stderr, "%s:%d: a Function: line names no `function`\n", nl->doc,
                   nl->line);
          bad++;
        }
      for (size_t k = 0; k < nl->names.n; k++)
        if (!strset_has (&a.functions, nl->names.s[k]))
          {
            fprintf (stderr, "%s:%d: `%s` is not a public function of src/backprop/*.h\n",
                     nl->doc, nl->line, nl->names.s[k]);
            bad++;
          }
    }
  api_free (&a);
  documents_free (&d);
  ck_assert_msg (bad == 0, "%d Function: name(s) do not exist (see above)", bad);
}
END_TEST

START_TEST (test_named_tests_exist)
{
  documents d = read_documents_in (editions[_i]);
  int bad = 0;
  for (size_t i = 0; i < d.tests.n; i++)
    {
      const named_line *nl = &d.tests.l[i];
      if (nl->file[0] == '\0' || nl->names.n == 0)
        {
          fprintf (stderr, "%s:%d: a Test: line must name `test_...` in `tests/FILE.c`\n",
                   nl->doc, nl->line);
          bad++;
          continue;
        }
      char *text = slurp (nl->file);
      if (text == NULL)
        {
          fprintf (stderr, "%s:%d: no file %s\n", nl->doc, nl->line, nl->file);
          bad++;
          continue;
        }
      for (size_t k = 0; k < nl->names.n; k++)
        if (!defines_test (text, nl->names.s[k]))
          {
            fprintf (stderr, "%s:%d: %s has no START_TEST (%s)\n", nl->doc, nl->line,
                     nl->file, nl->names.s[k]);
            bad++;
          }
      free (text);
    }
  documents_free (&d);
  ck_assert_msg (bad == 0, "%d Test: name(s) do not exist (see above)", bad);
}
END_TEST

START_TEST (test_documents_name_function_and_test)
{
  documents d = read_documents_in (editions[_i]);
  int bad = 0;
  for (size_t k = 0; k < d.paths.n; k++)
    {
      const char *base = d.paths.s[k] + strlen (editions[_i]) + 1;
      if (!(isdigit ((unsigned char) base[0]) && isdigit ((unsigned char) base[1])
            && base[2] == '-'))
        continue;
      int f = 0, t = 0;
      for (size_t i = 0; i < d.functions.n; i++)
        f += strcmp (d.functions.l[i].doc, d.paths.s[k]) == 0;
      for (size_t i = 0; i < d.tests.n; i++)
        t += strcmp (d.tests.l[i].doc, d.paths.s[k]) == 0;
      if (f == 0 || t == 0)
        {
          fprintf (stderr, "%s: no %s line\n", d.paths.s[k], f == 0 ? "Function:" : "Test:");
          bad++;
        }
    }
  documents_free (&d);
  ck_assert_msg (bad == 0, "%d document(s) without Function: or Test: (see above)", bad);
}
END_TEST

/* Check every bp_ and test_ identifier of text. */
static int
check_identifiers (const char *doc, const char *text, const strset *declared,
                   const strset *test_files)
{
  int bad = 0, line = 1;
  for (const char *p = text; *p; p++)
    {
      line += *p == '\n';
      const int bp = strncmp (p, "bp_", 3) == 0, test = strncmp (p, "test_", 5) == 0;
      if (!(bp || test) || (p > text && (is_ident (p[-1]) || p[-1] == '/')))
        continue;
      size_t len = 0;
      while (is_ident (p[len]))
        len++;
      char name[256];
      snprintf (name, sizeof name, "%.*s", (int) len, p);
      const char *after = p + len;
      p += len - 1;
      if (after[0] == '.' && (after[1] == 'h' || after[1] == 'c') && !is_ident (after[2]))
        continue;     /* a file name: bp_check.h */
      int found = 0;
      if (bp)
        found = strset_has (declared, name);
      else
        for (size_t k = 0; k < test_files->n && !found; k++)
          {
            char *t = slurp_or_fail (test_files->s[k]);
            found = defines_test (t, name);
            free (t);
          }
      if (!found)
        {
          fprintf (stderr, "%s:%d: %s `%s` does not exist\n", doc, line,
                   bp ? "identifier" : "test", name);
          bad++;
        }
    }
  return bad;
}

START_TEST (test_identifiers_in_documents_exist)
{
  documents d = read_documents_in (editions[_i]);
  strset declared = declared_names ();
  strset test_files = list_dir ("tests", ".c");
  int bad = 0;
  for (size_t k = 0; k < d.paths.n; k++)
    bad += check_identifiers (d.paths.s[k], d.texts[k], &declared, &test_files);
  if (_i == 0)
    {
      char *manual = slurp_or_fail ("doc/manual.md");
      bad += check_identifiers ("doc/manual.md", manual, &declared, &test_files);
      free (manual);
    }
  documents_free (&d);
  strset_free (&declared);
  strset_free (&test_files);
  ck_assert_msg (bad == 0, "%d name(s) in the documents do not exist (see above)", bad);
}
END_TEST

/* The first line where a and b differ, for the message. */
static void
first_difference (const char *a, const char *b, char *buf, size_t size)
{
  int line = 1;
  const char *la = a, *lb = b;
  while (*a && *a == *b)
    {
      if (*a == '\n')
        {
          line++;
          la = a + 1;
          lb = b + 1;
        }
      a++, b++;
    }
  snprintf (buf, size, "line %d of the block: document has \"%.*s\", library gives \"%.*s\"",
            line, (int) strcspn (la, "\n"), la, (int) strcspn (lb, "\n"), lb);
}

/* A power-of-ten bound "1eN" (followed by nothing or punctuation) at the
   start of token t (length n): its exponent in *e. */
static int
bound_exponent (const char *t, size_t n, long *e)
{
  if (n < 3 || t[0] != '1' || t[1] != 'e')
    return 0;
  char *end;
  *e = strtol (t + 2, &end, 10);
  return end != t + 2 && (size_t) (end - t) >= n - 1 && (end == t + n || ispunct ((unsigned char) *end));
}

/* Does a block held by a document (doc) agree with what the generator
   writes now (lib)?  Token by token, ignoring the width of runs of blanks
   (column padding), and line by line.  Every token must be equal, except
   the bounds "1eN" that docgen prints for errors that are rounding noise
   (differences between the analytic and numeric derivatives, GSL's error
   estimates): their digits differ between CBLAS builds, CPUs and libm by up
   to two powers of ten (seen: OpenBLAS against gslcblas).  Such a bound
   agrees when the document's claim still holds (lib's exponent <= doc's:
   the error is still below what the document says) and is not loose by
   more than three powers of ten.  So an error that grows, or a document
   left stale by a real change of the error, still fails. */
static int
blocks_agree (const char *doc, const char *lib)
{
  for (;;)
    {
      while (*doc == ' ' || *doc == '\t')
        doc++;
      while (*lib == ' ' || *lib == '\t')
        lib++;
      if (*doc == '\0' || *lib == '\0')
        return *doc == *lib;
      const size_t nd = (*doc == '\n') ? 1 : strcspn (doc, " \t\n");
      const size_t nl = (*lib == '\n') ? 1 : strcspn (lib, " \t\n");
      long ed, el;
      if (bound_exponent (doc, nd, &ed) && bound_exponent (lib, nl, &el))
        {
          const int pd = ispunct ((unsigned char) doc[nd - 1]);
          const int pl = ispunct ((unsigned char) lib[nl - 1]);
          if (!(el <= ed && ed - el <= 3) || pd != pl || (pd && doc[nd - 1] != lib[nl - 1]))
            return 0;
        }
      else if (nd != nl || memcmp (doc, lib, nd) != 0)
        return 0;
      doc += nd;
      lib += nl;
    }
}

START_TEST (test_generated_blocks_match)
{
  documents d = read_documents_in (editions[_i]);
  docgen_block *blocks;
  size_t n;
  ck_assert_msg (docgen_generate (&blocks, &n) == 0,
                 "the generator failed");
  size_t *uses = calloc (n, sizeof *uses);
  int bad = 0;
  for (size_t k = 0; k < d.paths.n; k++)
    {
      const char *text = d.texts[k];
      size_t pos = 0, tbegin, tend, begin, end;
      char name[128];
      int found;
      while ((found = docgen_next_block (text, &pos, name, sizeof name, &tbegin, &tend,
                                         &begin, &end)) == 1)
        {
          size_t i = 0;
          while (i < n && strcmp (blocks[i].name, name) != 0)
            i++;
          if (i == n)
            {
              fprintf (stderr, "%s: block '%s' is not written by derivations/docgen.c\n",
                       d.paths.s[k], name);
              bad++;
              continue;
            }
          uses[i]++;
          char why[600];
          char *fresh = docgen_fill (&blocks[i], text + tbegin, tend - tbegin, why, sizeof why);
          if (fresh == NULL)
            {
              fprintf (stderr, "%s: %s\n", d.paths.s[k], why);
              bad++;
              continue;
            }
          char *held_now = strndup (text + begin, end - begin);
          const int agree = blocks_agree (held_now, fresh);
          free (held_now);
          if (!agree)
            {
              char *held = strndup (text + begin, end - begin);
              first_difference (held, fresh, why, sizeof why);
              fprintf (stderr, "%s: block '%s' is not what the library computes now "
                       "(run `make regen-derivations`): %s\n", d.paths.s[k], name, why);
              free (held);
              bad++;
            }
          free (fresh);
        }
      if (found < 0)
        {
          fprintf (stderr, "%s: malformed GENERATED markers at offset %zu\n",
                   d.paths.s[k], pos);
          bad++;
        }
    }
  for (size_t i = 0; i < n; i++)
    if (uses[i] != 1)
      {
        fprintf (stderr, "block '%s' is held by %zu documents of %s/, expected 1\n",
                 blocks[i].name, uses[i], editions[_i]);
        bad++;
      }
  free (uses);
  docgen_free (blocks, n);
  documents_free (&d);
  ck_assert_msg (bad == 0, "%d generated block(s) out of date or misplaced (see above)", bad);
}
END_TEST

/* Each document's equation tags in page order: N.k with k rising, a
   lettered N.ka after N.k (issue 19: 00's (0.10)-(0.14) stood before its
   (0.4)).  The README's pattern \tag{NN.k} is not a tag. */
START_TEST (test_equation_tags_in_order)
{
  documents d = read_documents_in (editions[_i]);
  int bad = 0;
  for (size_t k = 0; k < d.paths.n; k++)
    {
      unsigned long last_major = 0, last_minor = 0;
      char last_letter = 0, last[64] = "";
      for (const char *p = d.texts[k]; (p = strstr (p, "\\tag{")) != NULL; p++)
        {
          unsigned long major, minor;
          char letter = 0, close = 0;
          if (!isdigit ((unsigned char) p[5]))
            continue;
          const int got = sscanf (p + 5, "%lu.%lu%c%c", &major, &minor, &letter, &close);
          if (got < 3 || (letter == '}' ? 0 : !(islower ((unsigned char) letter) && close == '}')))
            {
              fprintf (stderr, "%s: tag \"%.20s\" is not N.k or N.ka\n", d.paths.s[k], p + 5);
              bad++;
              continue;
            }
          if (letter == '}')
            letter = 0;
          const int rises = major > last_major
                            || (major == last_major && (minor > last_minor
                                                        || (minor == last_minor
                                                            && letter > last_letter)));
          char tag[64];
          snprintf (tag, sizeof tag, "%lu.%lu%c", major, minor, letter ? letter : '\0');
          if (!rises && last[0])
            {
              fprintf (stderr, "%s: equation (%s) comes after (%s)\n", d.paths.s[k], tag, last);
              bad++;
            }
          last_major = major;
          last_minor = minor;
          last_letter = letter;
          snprintf (last, sizeof last, "%s", tag);
        }
    }
  documents_free (&d);
  ck_assert_msg (bad == 0, "%d equation tag(s) out of page order (see above)", bad);
}
END_TEST

START_TEST (test_header_citations_exist)
{
  api a = read_api ();
  documents d = read_documents ();
  /* the equation tags of all documents */
  strset tags = { 0 };
  for (size_t k = 0; k < d.paths.n; k++)
    for (const char *p = d.texts[k]; (p = strstr (p, "\\tag{")) != NULL; p++)
      {
        const char *e = strchr (p, '}');
        ck_assert_ptr_nonnull (e);
        char tag[64];
        snprintf (tag, sizeof tag, "%.*s", (int) (e - p - 5), p + 5);
        ck_assert_msg (!strset_has (&tags, tag), "%s: equation (%s) is numbered twice",
                       d.paths.s[k], tag);
        strset_add (&tags, tag);
      }
  int bad = 0;
  for (size_t h = 0; h < a.headers.n; h++)
    {
      char *t = slurp_or_fail (a.headers.s[h]);
      int cites = 0;
      for (const char *p = t; (p = strstr (p, "derivations/")) != NULL; p++)
        {
          size_t len = 0;
          while (is_ident (p[len]) || p[len] == '-' || p[len] == '/' || p[len] == '.')
            len++;
          while (len > 0 && p[len - 1] == '.')
            len--;    /* the full stop of a sentence */
          char path[256];
          snprintf (path, sizeof path, "%.*s", (int) len, p);
          cites++;
          if (!strset_has (&d.paths, path))
            {
              fprintf (stderr, "%s cites %s, which does not exist\n", a.headers.s[h], path);
              bad++;
            }
        }
      /* eq. (N.M) and eqs. (N.M), (N.K) and (N.L) */
      for (const char *p = t; (p = strstr (p, "eq")) != NULL; p++)
        {
          const char *q = p + 2;
          if (p > t && is_ident (p[-1]))
            continue;
          if (*q == 's')
            q++;
          if (*q != '.')
            continue;
          q++;
          for (;;)
            {
              while (*q == ' ' || *q == ',' || *q == '\n' || *q == '*' || *q == '-'
                     || strncmp (q, "and ", 4) == 0)
                q += (strncmp (q, "and ", 4) == 0) ? 4 : 1;
              if (*q != '(')
                break;
              const char *e = strchr (q, ')');
              if (e == NULL)
                break;
              char tag[64];
              snprintf (tag, sizeof tag, "%.*s", (int) (e - q - 1), q + 1);
              if (!strset_has (&tags, tag))
                {
                  fprintf (stderr, "%s cites eq. (%s), which no document numbers\n",
                           a.headers.s[h], tag);
                  bad++;
                }
              q = e + 1;
            }
        }
      /* does this header itself declare a public function? */
      api one = { 0 };
      read_header (&one, a.headers.s[h], 1, 0);
      const int declares = one.functions.n > 0;
      api_free (&one);
      if (declares && cites == 0)
        {
          fprintf (stderr, "%s declares public functions but cites no derivations/ "
                   "document\n", a.headers.s[h]);
          bad++;
        }
      free (t);
    }
  api_free (&a);
  documents_free (&d);
  strset_free (&tags);
  ck_assert_msg (bad == 0, "%d citation(s) in headers are wrong (see above)", bad);
}
END_TEST

START_TEST (test_manual_documents_every_public_function)
{
  api a = read_api ();
  char *manual = slurp_or_fail ("doc/manual.md");
  int missing = 0;
  for (size_t k = 0; k < a.functions.n; k++)
    {
      char quoted[256];
      snprintf (quoted, sizeof quoted, "`%s`", a.functions.s[k]);
      int found = 0;
      for (const char *p = manual; *p && !found; )
        {
          const char *eol = strchr (p, '\n');
          size_t len = eol ? (size_t) (eol - p) : strlen (p);
          if (*p == '#')
            {
              char *line = strndup (p, len);
              found = strstr (line, quoted) != NULL;
              free (line);
            }
          p += len + (eol != NULL);
        }
      if (!found)
        {
          fprintf (stderr, "doc/manual.md has no heading naming %s\n", a.functions.s[k]);
          missing++;
        }
    }
  free (manual);
  api_free (&a);
  ck_assert_msg (missing == 0, "%d public function(s) missing from doc/manual.md "
                 "(see above)", missing);
}
END_TEST

/* --- the index (rule 11) ---------------------------------------------- */

/* The heading of each edition's index section in summary.md. */
static const char *const index_heading[N_EDITIONS] = { "## Index", "## Указатель" };

/* The occurrences of needle in [p, end). */
static int
count_in (const char *p, const char *end, const char *needle)
{
  int n = 0;
  const size_t len = strlen (needle);
  for (const char *q = p; (q = strstr (q, needle)) != NULL && q + len <= end; q += len)
    n++;
  return n;
}

START_TEST (test_index_names_each_once)
{
  documents d = read_documents_in (editions[_i]);
  api a = read_api ();
  char rel[4096];
  snprintf (rel, sizeof rel, "%s/summary.md", editions[_i]);
  char *summary = slurp_or_fail (rel);
  const char *start = strstr (summary, index_heading[_i]);
  ck_assert_msg (start != NULL, "%s has no section \"%s\"", rel, index_heading[_i]);
  const char *end = strstr (start + 3, "\n## ");
  if (end == NULL)
    end = start + strlen (start);
  int bad = 0;
  char item[512];
  strset tags = { 0 };
  for (size_t k = 0; k < d.paths.n; k++)
    for (const char *p = d.texts[k]; (p = strstr (p, "\\tag{")) != NULL; p++)
      {
        const char *e = strchr (p, '}');
        ck_assert_ptr_nonnull (e);
        if (!isdigit ((unsigned char) p[5]))
          continue;   /* README's pattern \tag{NN.k} */
        snprintf (item, sizeof item, "#eq-%.*s)", (int) (e - p - 5), p + 5);
        strset_add (&tags, item);
        const int n = count_in (start, end, item);
        if (n != 1)
          {
            fprintf (stderr, "%s: equation (%.*s) of %s is in the index %d times\n", rel,
                     (int) (e - p - 5), p + 5, d.paths.s[k], n);
            bad++;
          }
      }
  for (const char *p = start; (p = strstr (p, "#eq-")) != NULL && p < end; p++)
    {
      const char *e = strchr (p, ')');
      ck_assert_ptr_nonnull (e);
      snprintf (item, sizeof item, "%.*s", (int) (e - p + 1), p);
      if (!strset_has (&tags, item))
        {
          fprintf (stderr, "%s: the index links to %s, no equation of %s/\n", rel, item,
                   editions[_i]);
          bad++;
        }
    }
  for (size_t k = 0; k < a.functions.n; k++)
    {
      snprintf (item, sizeof item, "`%s`", a.functions.s[k]);
      const int n = count_in (start, end, item);
      if (n != 1)
        {
          fprintf (stderr, "%s: public function %s is in the index %d times\n", rel,
                   a.functions.s[k], n);
          bad++;
        }
    }
  strset_free (&tags);
  free (summary);
  api_free (&a);
  documents_free (&d);
  ck_assert_msg (bad == 0, "%d equation(s) or function(s) not named exactly once by "
                 "the index of %s (see above)", bad, rel);
}
END_TEST

/* --- the pen-and-paper answers (rule 12) ------------------------------ */

/* x as the answers write it: an integer, or [-]\tfrac{p}{q} with the
   smallest q <= 64 that gives x to rounding. */
static void
latex_number (double x, char *buf, size_t size)
{
  for (long q = 1; q <= 64; q++)
    {
      const long p = lround (x * (double) q);
      if (fabs (x * (double) q - (double) p) < 1e-9 * (double) q)
        {
          if (q == 1)
            snprintf (buf, size, "%ld", p);
          else
            snprintf (buf, size, "%s\\tfrac{%ld}{%ld}", p < 0 ? "-" : "", labs (p), q);
          return;
        }
    }
  snprintf (buf, size, "%.17g", x);   /* no small fraction: in no answer */
}

/* "(a, b, c)" */
static void
latex_vector (const gsl_vector *v, char *out, size_t size)
{
  size_t len = (size_t) snprintf (out, size, "(");
  for (size_t i = 0; i < v->size && len < size; i++)
    {
      char x[64];
      latex_number (gsl_vector_get (v, i), x, sizeof x);
      len += (size_t) snprintf (out + len, size - len, "%s%s", i ? ", " : "", x);
    }
  if (len < size)
    snprintf (out + len, size - len, ")");
}

/* "\begin{pmatrix} a & b \\ c & d \end{pmatrix}" */
static void
latex_matrix (const gsl_matrix *m, char *out, size_t size)
{
  size_t len = (size_t) snprintf (out, size, "\\begin{pmatrix} ");
  for (size_t i = 0; i < m->size1 && len < size; i++)
    for (size_t j = 0; j < m->size2 && len < size; j++)
      {
        char x[64];
        latex_number (gsl_matrix_get (m, i, j), x, sizeof x);
        len += (size_t) snprintf (out + len, size - len, "%s%s", x,
                                  j + 1 < m->size2 ? " & "
                                  : i + 1 < m->size1 ? " \\\\ " : " ");
      }
  if (len < size)
    snprintf (out + len, size - len, "\\end{pmatrix}");
}

/* Each exercise's data, as its statement gives them, through the library;
   the answer as the document must write it (several: one per line). */

static void
paper_02 (char *out, size_t size)   /* dL/dy_i = -labels_i / y_i (2.1) */
{
  double labels[] = { 0.5, 0.5, 0 }, y[] = { 0.25, 0.5, 0.25 }, g[3];
  gsl_vector_view l = gsl_vector_view_array (labels, 3), yv = gsl_vector_view_array (y, 3),
                  gv = gsl_vector_view_array (g, 3);
  ck_assert_int_eq (bp_cross_entropy_grad (&l.vector, &yv.vector, &gv.vector), 0);
  latex_vector (&gv.vector, out, size);
}

/* y = Softmax(ln 2, 0, 0) = (1/2, 1/4, 1/4) and its Jacobian (4.3). */
static void
paper_softmax_point (gsl_vector *y, gsl_matrix *J)
{
  double v[] = { log (2.0), 0, 0 };
  gsl_vector_view vv = gsl_vector_view_array (v, 3);
  ck_assert_int_eq (bp_softmax (&vv.vector, y), 0);
  ck_assert_int_eq (bp_softmax_jacobian (y, J), 0);
}

static void
paper_04 (char *out, size_t size)
{
  gsl_vector *y = gsl_vector_alloc (3);
  gsl_matrix *J = gsl_matrix_alloc (3, 3);
  paper_softmax_point (y, J);
  latex_matrix (J, out, size);
  gsl_vector_free (y);
  gsl_matrix_free (J);
}

static void
paper_03 (char *out, size_t size)   /* J^T dL/dy (3.2), labels (0, 1, 0) */
{
  gsl_vector *y = gsl_vector_alloc (3), *g = gsl_vector_alloc (3), *dv = gsl_vector_alloc (3);
  gsl_matrix *J = gsl_matrix_alloc (3, 3);
  double labels[] = { 0, 1, 0 };
  gsl_vector_view l = gsl_vector_view_array (labels, 3);
  paper_softmax_point (y, J);
  ck_assert_int_eq (bp_cross_entropy_grad (&l.vector, y, g), 0);
  ck_assert_int_eq (bp_softmax_backward (J, g, dv), 0);
  latex_vector (dv, out, size);
  gsl_vector_free (y);
  gsl_vector_free (g);
  gsl_vector_free (dv);
  gsl_matrix_free (J);
}

static void
paper_10 (char *out, size_t size)   /* y - labels (10.1), the point of paper_03 */
{
  gsl_vector *y = gsl_vector_alloc (3), *dv = gsl_vector_alloc (3);
  gsl_matrix *J = gsl_matrix_alloc (3, 3);
  double labels[] = { 0, 1, 0 };
  gsl_vector_view l = gsl_vector_view_array (labels, 3);
  paper_softmax_point (y, J);
  ck_assert_int_eq (bp_softmax_cross_entropy_grad (&l.vector, y, dv), 0);
  latex_vector (dv, out, size);
  gsl_vector_free (y);
  gsl_vector_free (dv);
  gsl_matrix_free (J);
}

/* The linear layer of 05 and 07: W (3 x 2), u, dL/dv. */
static double paper_W[] = { 1, 2, 3, 4, 0, -1 }, paper_u[] = { 3, -1 },
              paper_dv[] = { 1, 0, -2 };

static void
paper_05 (char *out, size_t size)   /* W^T dL/dv (5.2) */
{
  double du[2];
  gsl_matrix_view W = gsl_matrix_view_array (paper_W, 3, 2);
  gsl_vector_view dv = gsl_vector_view_array (paper_dv, 3), d = gsl_vector_view_array (du, 2);
  ck_assert_int_eq (bp_linear_grad_input (&W.matrix, &dv.vector, &d.vector), 0);
  latex_vector (&d.vector, out, size);
}

static void
paper_07 (char *out, size_t size)   /* dL/dv u^T (7.3) */
{
  double dW[6];
  gsl_vector_view dv = gsl_vector_view_array (paper_dv, 3), u = gsl_vector_view_array (paper_u, 2);
  gsl_matrix_view d = gsl_matrix_view_array (dW, 3, 2);
  ck_assert_int_eq (bp_linear_grad_weights (&dv.vector, &u.vector, &d.matrix), 0);
  latex_matrix (&d.matrix, out, size);
}

static void
paper_11 (char *out, size_t size)   /* the ReLU's and the sigmoid's steps (11.2) */
{
  double z[] = { -1, 2, 0.5 }, dh[] = { 3, -1, 4 }, dz[3];
  double z0[] = { 0, 0 }, dh0[] = { 4, -8 }, dz0[2];
  gsl_vector_view zv = gsl_vector_view_array (z, 3), hv = gsl_vector_view_array (dh, 3),
                  dv = gsl_vector_view_array (dz, 3), z0v = gsl_vector_view_array (z0, 2),
                  h0v = gsl_vector_view_array (dh0, 2), d0v = gsl_vector_view_array (dz0, 2);
  ck_assert_int_eq (bp_relu_backward (&zv.vector, &hv.vector, &dv.vector), 0);
  ck_assert_int_eq (bp_sigmoid_backward (&z0v.vector, &h0v.vector, &d0v.vector), 0);
  char a[256], b[256];
  latex_vector (&dv.vector, a, sizeof a);
  latex_vector (&d0v.vector, b, sizeof b);
  snprintf (out, size, "%s\n%s", a, b);   /* two answers */
}

static void
paper_16 (char *out, size_t size)   /* max-pooling's gradient at a tie (16.2) */
{
  double X[] = { 1, 3, 3, 2 }, dY[] = { 5 }, dX[4];
  gsl_matrix_view Xv = gsl_matrix_view_array (X, 1, 4), dYv = gsl_matrix_view_array (dY, 1, 1),
                  dXv = gsl_matrix_view_array (dX, 1, 4);
  ck_assert_int_eq (bp_maxpool_backward (&Xv.matrix, 2, 2, &dYv.matrix, &dXv.matrix), 0);
  gsl_matrix_view image = gsl_matrix_view_array (dX, 2, 2);   /* the 2 x 2 image */
  latex_matrix (&image.matrix, out, size);
}

static void
paper_06 (char *out, size_t size)   /* dL/db = dL/dv (6.2), the layer of 05 */
{
  double db[3];
  gsl_vector_view dv = gsl_vector_view_array (paper_dv, 3), d = gsl_vector_view_array (db, 3);
  ck_assert_int_eq (bp_linear_grad_bias (&dv.vector, &d.vector), 0);
  latex_vector (&d.vector, out, size);
}

static void
paper_08 (char *out, size_t size)   /* reshape^-1 (8.2) of a 2 x 2 image */
{
  double du[] = { 1, 2, 3, 4 }, dx[4];
  gsl_vector_view d = gsl_vector_view_array (du, 4);
  gsl_matrix_view x = gsl_matrix_view_array (dx, 2, 2);
  ck_assert_int_eq (bp_reshape_inverse (&d.vector, &x.matrix), 0);
  latex_matrix (&x.matrix, out, size);
}

static void
paper_09 (char *out, size_t size)   /* the whole chain (9.1)-(9.3) at W = 0, b = 0 */
{
  double x[] = { 3, -1, 2, 0 }, labels[] = { 0, 1, 0 }, L;
  gsl_matrix *W = gsl_matrix_calloc (3, 4), *dW = gsl_matrix_alloc (3, 4);
  gsl_vector *b = gsl_vector_calloc (3), *db = gsl_vector_alloc (3);
  gsl_matrix *dx = gsl_matrix_alloc (2, 2);
  gsl_matrix_view xv = gsl_matrix_view_array (x, 2, 2);
  gsl_vector_view l = gsl_vector_view_array (labels, 3);
  ck_assert_int_eq (bp_model_backward (W, b, &xv.matrix, &l.vector, dW, db, dx, &L), 0);
  char a[512], c[128], d[128];
  latex_matrix (dW, a, sizeof a);
  latex_vector (db, c, sizeof c);
  latex_matrix (dx, d, sizeof d);
  snprintf (out, size, "%s\n%s\n%s", a, c, d);
  gsl_matrix_free (W);
  gsl_matrix_free (dW);
  gsl_vector_free (b);
  gsl_vector_free (db);
  gsl_matrix_free (dx);
}

static void
paper_12 (char *out, size_t size)   /* layer 1's gradients by the steps of (12.3) */
{
  double W2[] = { 1, 2, 3, -1 }, dv[] = { 0.5, -0.5 }, z[] = { 1, -2 }, u[] = { 2, 1 };
  double dh[2], dz[2], dW1[4];
  gsl_matrix_view W2v = gsl_matrix_view_array (W2, 2, 2), dW1v = gsl_matrix_view_array (dW1, 2, 2);
  gsl_vector_view dvv = gsl_vector_view_array (dv, 2), zv = gsl_vector_view_array (z, 2),
                  uv = gsl_vector_view_array (u, 2), dhv = gsl_vector_view_array (dh, 2),
                  dzv = gsl_vector_view_array (dz, 2);
  ck_assert_int_eq (bp_linear_grad_input (&W2v.matrix, &dvv.vector, &dhv.vector), 0);
  ck_assert_int_eq (bp_relu_backward (&zv.vector, &dhv.vector, &dzv.vector), 0);
  ck_assert_int_eq (bp_linear_grad_weights (&dzv.vector, &uv.vector, &dW1v.matrix), 0);
  char a[256], b[256], c[256];
  latex_vector (&dhv.vector, a, sizeof a);
  latex_vector (&dzv.vector, b, sizeof b);   /* dL/dz = dL/db1 */
  latex_matrix (&dW1v.matrix, c, sizeof c);
  snprintf (out, size, "%s\n%s\n%s", a, b, c);
}

static void
paper_13 (char *out, size_t size)   /* a linear layer's complex step (13.2), h = 1/2 */
{
  const double W[] = { 1, 2, 0, -1, 0, 3 }, b[] = { 1, 1 }, h = 0.5;
  gsl_matrix_complex *Wc = gsl_matrix_complex_alloc (2, 3);
  gsl_vector_complex *bc = gsl_vector_complex_alloc (2), *uc = gsl_vector_complex_alloc (3);
  gsl_vector_complex *vc = gsl_vector_complex_alloc (2);
  ck_assert (Wc && bc && uc && vc);
  for (size_t t = 0; t < 6; t++)
    gsl_matrix_complex_set (Wc, t / 3, t % 3, gsl_complex_rect (W[t], 0.0));
  for (size_t i = 0; i < 2; i++)
    gsl_vector_complex_set (bc, i, gsl_complex_rect (b[i], 0.0));
  for (size_t j = 0; j < 3; j++)   /* u = (1, 1, 1) + i h e_2 */
    gsl_vector_complex_set (uc, j, gsl_complex_rect (1.0, j == 1 ? h : 0.0));
  ck_assert_int_eq (bp_complex_linear (Wc, bc, uc, vc), 0);
  gsl_vector_view re = gsl_vector_complex_real (vc), im = gsl_vector_complex_imag (vc);
  gsl_vector_scale (&im.vector, 1.0 / h);
  char a[256], c[256];
  latex_vector (&re.vector, a, sizeof a);
  latex_vector (&im.vector, c, sizeof c);
  snprintf (out, size, "%s\n%s", a, c);
  gsl_matrix_complex_free (Wc);
  gsl_vector_complex_free (bc);
  gsl_vector_complex_free (uc);
  gsl_vector_complex_free (vc);
}

static void
paper_14 (char *out, size_t size)   /* (14.2), (14.5), (14.6) for B = 2 at W = 0 */
{
  double u[] = { 1, 0, 0, 2 }, t[] = { 1, 0, 0, 0, 0, 1 };
  gsl_matrix_view U = gsl_matrix_view_array (u, 2, 2), T = gsl_matrix_view_array (t, 2, 3);
  gsl_matrix *W = gsl_matrix_calloc (3, 2), *V = gsl_matrix_alloc (2, 3),
             *Y = gsl_matrix_alloc (2, 3), *dV = gsl_matrix_alloc (2, 3),
             *dW = gsl_matrix_alloc (3, 2);
  gsl_vector *b = gsl_vector_calloc (3);
  ck_assert_int_eq (bp_batch_linear (W, b, &U.matrix, V), 0);
  ck_assert_int_eq (bp_batch_softmax (V, Y), 0);
  ck_assert_int_eq (bp_batch_softmax_cross_entropy_grad (&T.matrix, Y, dV), 0);
  ck_assert_int_eq (bp_batch_grad_weights (dV, &U.matrix, dW), 0);
  char a[512], c[512];
  latex_matrix (dV, a, sizeof a);
  latex_matrix (dW, c, sizeof c);
  snprintf (out, size, "%s\n%s", a, c);
  gsl_matrix_free (W);
  gsl_matrix_free (V);
  gsl_matrix_free (Y);
  gsl_matrix_free (dV);
  gsl_matrix_free (dW);
  gsl_vector_free (b);
}

static void
paper_15 (char *out, size_t size)   /* dL/dK (15.2): a 3 x 3 image, a 2 x 2 kernel */
{
  const bp_conv_shape s = { .channels_in = 1, .height = 3, .width = 3,
                            .channels_out = 1, .k = 2, .pad = 0 };
  double x[] = { 1, 2, 0, 0, 1, 3, 2, 0, 1 }, dy[] = { 1, 1, 1, 1 }, dk[4];
  gsl_matrix_view X = gsl_matrix_view_array (x, 1, 9), dY = gsl_matrix_view_array (dy, 1, 4),
                  dK = gsl_matrix_view_array (dk, 1, 4);
  ck_assert_int_eq (bp_conv_grad_weights (&s, &X.matrix, &dY.matrix, &dK.matrix), 0);
  gsl_matrix_view kernel = gsl_matrix_view_array (dk, 2, 2);   /* the 2 x 2 kernel */
  latex_matrix (&kernel.matrix, out, size);
}

static void
paper_01 (char *out, size_t size)   /* u = reshape(x) (1.1), v = W u + b (1.2) */
{
  double x[] = { 1, 2, 0, -1 }, w[] = { 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1 },
         b[] = { 0, 0, -2 }, u[4], v[3];
  gsl_matrix_view xv = gsl_matrix_view_array (x, 2, 2), W = gsl_matrix_view_array (w, 3, 4);
  gsl_vector_view bv = gsl_vector_view_array (b, 3), uv = gsl_vector_view_array (u, 4),
                  vv = gsl_vector_view_array (v, 3);
  ck_assert_int_eq (bp_reshape (&xv.matrix, &uv.vector), 0);
  ck_assert_int_eq (bp_linear (&W.matrix, &bv.vector, &uv.vector, &vv.vector), 0);
  char a[128], c[128];
  latex_vector (&uv.vector, a, sizeof a);
  latex_vector (&vv.vector, c, sizeof c);
  snprintf (out, size, "%s\n%s", a, c);
}

static void
paper_17 (char *out, size_t size)   /* the parameters of --conv 8,16 on 28 x 28, 10 classes */
{
  cnn_chain *net = cnn_chain_alloc (28, 28, 8, 16, 0, 10);
  ck_assert_ptr_nonnull (net);
  snprintf (out, size, "$%zu$", cnn_chain_count (net));
  cnn_chain_free (net);
}

static double
paper_cube (double x, void *params)
{
  (void) params;
  return x * x * x;
}

static void
paper_00 (char *out, size_t size)   /* D_3 (0.1) and gsl_deriv_central of x^3 at 1, h = 1/2 */
{
  const double h = 0.5;
  gsl_function f = { .function = paper_cube, .params = NULL };
  const double d3h = (paper_cube (1 + h, NULL) - paper_cube (1 - h, NULL)) / (2 * h);
  const double d3h2 = (paper_cube (1 + h / 2, NULL) - paper_cube (1 - h / 2, NULL)) / h;
  double e, err;
  ck_assert_int_eq (gsl_deriv_central (&f, 1.0, h, &e, &err), GSL_SUCCESS);
  snprintf (out, size, "$D_3(h) = %g$\n$D_3(h/2) = %g$\n$f'(1) = %.6g$", d3h, d3h2, e);
}

static const struct
{
  const char *doc;
  void (*answer) (char *out, size_t size);
} paper[] = {
  { "00-numeric-check.md", paper_00 },
  { "01-forward-pass.md", paper_01 },
  { "02-cross-entropy-dL-dy.md", paper_02 },
  { "03-chain-rule-dL-dv.md", paper_03 },
  { "04-softmax-jacobian.md", paper_04 },
  { "05-dL-du.md", paper_05 },
  { "06-dL-db.md", paper_06 },
  { "07-dL-dW.md", paper_07 },
  { "08-reshape-and-dL-dx.md", paper_08 },
  { "09-whole-chain.md", paper_09 },
  { "10-simplification-y-minus-labels.md", paper_10 },
  { "11-activations.md", paper_11 },
  { "12-two-layer-network.md", paper_12 },
  { "13-complex-step.md", paper_13 },
  { "14-mini-batch.md", paper_14 },
  { "15-convolution.md", paper_15 },
  { "16-pooling.md", paper_16 },
  { "17-cnn.md", paper_17 },
};

/* The heading of the pen-and-paper section, per edition. */
static const char *const paper_heading[N_EDITIONS] = { "## On paper", "## На бумаге" };

START_TEST (test_paper_answers_are_the_library_s)
{
  int bad = 0;
  for (size_t k = 0; k < sizeof paper / sizeof paper[0]; k++)
    {
      char answer[1024], rel[4096];
      paper[k].answer (answer, sizeof answer);
      for (size_t e = 0; e < N_EDITIONS; e++)
        {
          snprintf (rel, sizeof rel, "%s/%s", editions[e], paper[k].doc);
          char *text = slurp_or_fail (rel);
          char *start = strstr (text, paper_heading[e]);
          char *end = start ? strstr (start + 3, "\n## ") : NULL;
          if (end != NULL)
            *end = '\0';   /* the section only */
          if (start == NULL)
            {
              fprintf (stderr, "%s: no section \"%s\"\n", rel, paper_heading[e]);
              bad++;
            }
          else
            for (char *a = answer, *next; a != NULL; a = next)
              {
                next = strchr (a, '\n');   /* one answer per line */
                char one[1024];
                snprintf (one, sizeof one, "%.*s", (int) (next ? next - a : (long) strlen (a)), a);
                if (strstr (start, one) == NULL)
                  {
                    fprintf (stderr, "%s: section \"%s\" does not give the library's "
                             "answer $%s$\n", rel, paper_heading[e], one);
                    bad++;
                  }
                next = next ? next + 1 : NULL;
              }
          free (text);
        }
    }
  ck_assert_msg (bad == 0, "%d pen-and-paper answer(s) not the library's (see above)",
                 bad);
}
END_TEST

/* --- one letter per meaning (01's Notation, 14, 15) -------------------- */

/* Does the maths at p write a letter that 01's Notation gives to something
   else?  Returns the rule broken, or NULL.  start is the text's start. */
static const char *
notation_slip (const char *start, const char *p)
{
  const int alone = (p == start || !(isalpha ((unsigned char) p[-1]) || p[-1] == '\\'))
                    && !isalpha ((unsigned char) p[1]);
  if (strncmp (p, "\\top", 4) == 0)
    return "the transpose is \\mathsf{T}, as 01 writes it";
  if (*p == 'T' && alone
      && !(p - start >= 8 && strncmp (p - 8, "\\mathsf{", 8) == 0)
      && !(p - start >= 8 && strncmp (p - 8, "\\mathsf ", 8) == 0))
    return "T is the transpose \\mathsf{T} only; the labels are \\mathrm{Labels}";
  if (*p == 'k' && alone && (p == start || p[-1] != '_'))
    {
      static const char *const side[] = { " \\times", "\\times", "^2", "-1-", " - 1 - ",
                                          " = 5" };
      for (size_t k = 0; k < sizeof side / sizeof side[0]; k++)
        if (strncmp (p + 1, side[k], strlen (side[k])) == 0)
          return "k numbers the examples; the kernel side is \\kappa";
      if (p - start >= 3 && strncmp (p - 3, " - k + 1", 8) == 0)
        return "k numbers the examples; the kernel side is \\kappa";
    }
  /* m is the number of inputs; 14's layers are l and \ell (R_m was a layer) */
  if (strncmp (p, "R_m", 3) == 0 || strncmp (p, "R'_m", 4) == 0 || strncmp (p, "W_m[", 4) == 0
      || strncmp (p, "X_{m+1}", 7) == 0)
    return "m is the number of inputs; a second layer index is \\ell";
  /* 12's deeper network has M layers: L is the loss */
  if (strncmp (p, "Z_L", 3) == 0 || strncmp (p, "W_L", 3) == 0 || strncmp (p, "A_{L-1}", 7) == 0)
    return "L is the loss; the number of layers is M";
  /* h is the numeric derivative's step (00, 13, 16's ties) and nothing
     else: an image is R x Q (rows, columns), a hidden output a (glossary) */
  static const char *const image_h[] = { "h_o", "h_l", "w_l", "h_{l", "w_{l", "h_2", "w_2",
                                         "hw", "h \\times w", "H_o" };
  for (size_t k = 0; k < sizeof image_h / sizeof image_h[0]; k++)
    if (strncmp (p, image_h[k], strlen (image_h[k])) == 0
        && (p == start || !(isalpha ((unsigned char) p[-1]) || p[-1] == '\\'))
        && !isalpha ((unsigned char) p[strlen (image_h[k])]))
      return "an image is R x Q (rows, columns); h is the numeric step";
  static const char *const hidden_h[] = { "\\partial h", "h = f(", "W_2 h", "h^{\\mathsf",
                                          "h_k^", "h_i = f" };
  for (size_t k = 0; k < sizeof hidden_h / sizeof hidden_h[0]; k++)
    if (strncmp (p, hidden_h[k], strlen (hidden_h[k])) == 0
        && (p == start || !(isalpha ((unsigned char) p[-1]) || (p[-1] == '\\' && *p == 'h'))))
      return "a hidden layer's output is a; h is the numeric step";
  if (strncmp (p, "x_{r,c}", 7) == 0)
    return "an image's column is q (08, 15-17); c is a channel";
  /* Y is the softmax: the convolution's output is Z (as 17's Z_l), the
     pooling's P; a kernel's or window's offsets are alpha, beta */
  if (strncmp (p, "Y[o", 3) == 0 || strncmp (p, "Y[c", 3) == 0)
    return "Y is the softmax; a convolution's output is Z, a pooling's P";
  if (strncmp (p, ",a,e]", 5) == 0 || strncmp (p, "i+a", 3) == 0 || strncmp (p, "(a,e)", 5) == 0
      || (strncmp (p, "a^*", 3) == 0 && !isalpha ((unsigned char) p[-1])))
    return "a is a hidden output; a kernel's or window's offsets are \\alpha, \\beta";
  /* 00: the numeric check differentiates by theta_j (glossary) */
  if (strncmp (p, "\\theta_k", 8) == 0 || strncmp (p, "\\mathbf{e}_k", 12) == 0)
    return "k numbers the examples; a parameter of the check is \\theta_j";
  /* "m = 0..B-1", "\sum_{n=0}^{B-1}": the examples of a batch are k's */
  if (strncmp (p, "0..B", 4) == 0 || strncmp (p, "0}^{B-1}", 8) == 0)
    {
      const char *q = p - 1;
      while (q > start && (*q == ' ' || *q == '='))
        q--;
      if (*q != 'k' && *q != '\'')
        return "the examples of a batch are numbered k";
    }
  return NULL;
}

START_TEST (test_one_letter_per_meaning)
{
  documents d = read_documents_in (editions[_i]);
  int bad = 0;
  for (size_t k = 0; k < d.paths.n; k++)
    {
      /* the errata quote the slides' own letters */
      if (strcmp (d.paths.s[k] + strlen (d.paths.s[k]) - strlen ("/errata.md"),
                  "/errata.md") == 0)
        continue;
      const char *text = d.texts[k];
      int line = 1, fence = 0, listing = 0, maths = 0;
      for (const char *p = text; *p; p++)
        {
          if (*p == '\n')
            {
              line++;
              if (strncmp (p + 1, "```", 3) == 0)
                {
                  fence = !fence;
                  listing = fence && strncmp (p + 4, "c\n", 2) == 0;
                }
              continue;
            }
          /* the code listings (from src/) name the labels as the maths does */
          if (listing && *p == 'T' && !isalnum ((unsigned char) p[1]) && p[1] != '_'
              && !isalnum ((unsigned char) p[-1]) && p[-1] != '_' && p[-1] != '^')
            {
              fprintf (stderr, "%s:%d: a listing calls the labels T: name the "
                       "parameter Labels in src/, then make regen-derivations\n",
                       d.paths.s[k], line);
              bad++;
            }
          /* the generated grids label an image k, as the maths does */
          if (strncmp (p, "[m=", 3) == 0)
            {
              fprintf (stderr, "%s:%d: a label \"[m=\": the examples of a batch are "
                       "numbered k\n", d.paths.s[k], line);
              bad++;
            }
          if (fence)
            continue;
          if (*p == '$')
            {
              maths = !maths;
              if (p[1] == '$')
                p++;
              continue;
            }
          const char *rule = maths ? notation_slip (text, p) : NULL;
          if (rule != NULL)
            {
              fprintf (stderr, "%s:%d: \"%.12s\": %s\n", d.paths.s[k], line, p, rule);
              bad++;
            }
        }
    }
  documents_free (&d);
  /* the figures' labels (Graphviz sources, one set for both editions) */
  static const char *const figure_slip[][2] = {
    { "\"T\\n", "the labels node is Labels, not T" },
    { " T)", "the labels are Labels, not T" },
    { "k=5", "the kernel side is κ" },
    { "\"h\\n", "a hidden layer's output is a; h is the numeric step" },
  };
  strset dots = list_dir ("derivations/figures", ".dot");
  for (size_t k = 0; _i == 0 && k < dots.n; k++)
    {
      char *text = slurp_or_fail (dots.s[k]);
      for (size_t f = 0; f < sizeof figure_slip / sizeof figure_slip[0]; f++)
        if (strstr (text, figure_slip[f][0]) != NULL)
          {
            fprintf (stderr, "%s: \"%s\": %s\n", dots.s[k], figure_slip[f][0],
                     figure_slip[f][1]);
            bad++;
          }
      free (text);
    }
  strset_free (&dots);
  ck_assert_msg (bad == 0, "%d letter(s) with a second meaning (see above)", bad);
}
END_TEST

/* --- the two editions (rule 9) ---------------------------------------- */

/* What a translation must keep of a document, as one line per item:
   "slides 3 4", "Function: bp_a bp_b", "Test: tests/x.c test_a",
   "tag 4.1", "block 04-example", in the order of the text. */
static strset
skeleton (const char *text)
{
  strset sk = { 0 };
  char item[4096];
  for (const char *p = text; *p; )
    {
      const char *eol = strchr (p, '\n');
      if (eol == NULL)
        eol = p + strlen (p);
      const char *rest;
      if ((rest = key_line (p, "Slide")) != NULL && rest < eol)
        {
          /* the slide numbers only: the words around them are translated */
          size_t len = (size_t) snprintf (item, sizeof item, "slides");
          for (const char *q = rest; q < eol && len < sizeof item - 16; q++)
            if (isdigit ((unsigned char) *q) && !isdigit ((unsigned char) q[-1]))
              len += (size_t) snprintf (item + len, sizeof item - len, " %ld",
                                        strtol (q, NULL, 10));
          strset_addn (&sk, item, len);
        }
      const char *keys[] = { "Function", "Test" };
      for (size_t k = 0; k < 2; k++)
        if ((rest = key_line (p, keys[k])) != NULL && rest < eol)
          {
            named_lines nl = { 0 };
            char *line = strndup (p, (size_t) (eol - p));
            ck_assert_ptr_nonnull (line);
            read_named_lines (&nl, "", line, keys[k]);
            size_t len = (size_t) snprintf (item, sizeof item, "%s:%s%s", keys[k],
                                            nl.n && nl.l[0].file[0] ? " " : "",
                                            nl.n ? nl.l[0].file : "");
            for (size_t i = 0; nl.n && i < nl.l[0].names.n && len < sizeof item; i++)
              len += (size_t) snprintf (item + len, sizeof item - len, " %s",
                                        nl.l[0].names.s[i]);
            strset_addn (&sk, item, len < sizeof item ? len : sizeof item - 1);
            named_lines_free (&nl);
            free (line);
          }
      p = *eol ? eol + 1 : eol;
    }
  for (const char *p = text; (p = strstr (p, "\\tag{")) != NULL; p++)
    {
      const char *e = strchr (p, '}');
      ck_assert_ptr_nonnull (e);
      snprintf (item, sizeof item, "tag %.*s", (int) (e - p - 5), p + 5);
      strset_add (&sk, item);
    }
  size_t pos = 0, tbegin, tend, begin, end;
  char name[128];
  while (docgen_next_block (text, &pos, name, sizeof name, &tbegin, &tend, &begin, &end) == 1)
    {
      snprintf (item, sizeof item, "block %s", name);
      strset_add (&sk, item);
    }
  return sk;
}

/* The items of a missing from b, reported against doc. */
static int
report_missing (const strset *a, const strset *b, const char *doc, const char *other)
{
  int bad = 0;
  for (size_t k = 0; k < a->n; k++)
    if (!strset_has (b, a->s[k]))
      {
        fprintf (stderr, "%s has \"%s\", its translation %s does not\n", doc, a->s[k],
                 other);
        bad++;
      }
  return bad;
}

START_TEST (test_editions_agree)
{
  documents en = read_documents_in (editions[0]), ru = read_documents_in (editions[1]);
  int bad = 0;
  const size_t en_len = strlen (editions[0]) + 1, ru_len = strlen (editions[1]) + 1;
  for (size_t k = 0; k < en.paths.n; k++)
    {
      char other[4096];
      snprintf (other, sizeof other, "%s/%s", editions[1], en.paths.s[k] + en_len);
      size_t j = 0;
      while (j < ru.paths.n && strcmp (ru.paths.s[j], other) != 0)
        j++;
      if (j == ru.paths.n)
        {
          fprintf (stderr, "%s has no Russian edition %s\n", en.paths.s[k], other);
          bad++;
          continue;
        }
      strset a = skeleton (en.texts[k]), b = skeleton (ru.texts[j]);
      const int missing = report_missing (&a, &b, en.paths.s[k], ru.paths.s[j])
                          + report_missing (&b, &a, ru.paths.s[j], en.paths.s[k]);
      bad += missing;
      /* the same items, and in the same order */
      if (missing == 0)
        for (size_t i = 0; i < a.n; i++)
          if (strcmp (a.s[i], b.s[i]) != 0)
            {
              fprintf (stderr, "%s: \"%s\" where %s has \"%s\" (the same items in "
                       "another order)\n",
                       ru.paths.s[j], b.s[i], en.paths.s[k], a.s[i]);
              bad++;
              break;
            }
      char link[4200];
      snprintf (link, sizeof link, "](../%s", en.paths.s[k] + en_len);
      if (strstr (ru.texts[j], link) == NULL)
        {
          fprintf (stderr, "%s does not link to its original (%s)\n", ru.paths.s[j],
                   link + 2);
          bad++;
        }
      strset_free (&a);
      strset_free (&b);
    }
  for (size_t j = 0; j < ru.paths.n; j++)
    {
      char other[4096];
      snprintf (other, sizeof other, "%s/%s", editions[0], ru.paths.s[j] + ru_len);
      if (!strset_has (&en.paths, other))
        {
          fprintf (stderr, "%s translates no English document (%s)\n", ru.paths.s[j],
                   other);
          bad++;
        }
    }
  documents_free (&en);
  documents_free (&ru);
  ck_assert_msg (bad == 0, "%d difference(s) between the English and the Russian "
                 "derivations (see above)", bad);
}
END_TEST

/* --- the Russian edition reads as Russian ---------------------------- */

/* Calques of English syntax that a Russian lecturer would not write, with
   what is written instead. */
static const char *const calques[][2] = {
  {"Численная сторона", "Численно дифференцируется ..."},
  {"Пример с числами", "Численный пример"},
  {"в гору", "в сторону роста"},
  {"свидетел", "проверка"},
  {"на потоках", "в нескольких потоках"},
  {"непрохожд", "отказ проверки"},
  {"содержит только слагаемое", "входит только в слагаемое"},
  {"численная сторона", "численное дифференцирование"},
  {"численной сторон", "численное дифференцирование"},
  {"аналитическая сторона", "аналитический градиент"},
  {"страница говорит", "ответ на странице расходится с ..."},
  {"говорит формула", "следует из формулы"},
  {"держат проверку", "проверяют"},
  {"не смотрит на", "не зависит от"},
  {"На потоках", "В нескольких потоках"},
  {"каналов в каждую сторону", "входных и выходных каналов"},
  /* English words left in the prose (code names aside) */
  {"Flatten", "Развёртка (в вектор)"},
  {"и flatten", "и развёртка"},
  {"затем flatten", "затем развёртка"},
  {"— flatten", "— развёртка"},
  {"flatten батча", "развёртка батча"},
  {"flatten$", "обратная развёртка"},
  {"` of `", "`функция` для `сети`"},
  /* an English preposition dropped: "(gradient) to the first max" */
  {"градиент первому", "градиент передаётся первому"},
  {"(первому максимуму", "(градиент передаётся первому максимуму"},
  /* English "see" and "must choose" of a method or a rule */
  {"совпадения видят", "разности дают"},
  {"у края видят", "пиксель попадает в ... положений ядра"},
  {"свёртки видят", "в ядро попадает"},
  {"правило должно выбрать", "приходится выбирать по правилу"},
  /* the listings' sentence: "as it is in the source ... make check fails" */
  {"как он есть в исходнике", "листинг ниже дословно повторяет исходник"},
  {"`make check` падает", "`make check` не проходит"},
  {"пример с числами", "численный пример"},
  {"примера с числами", "численного примера"},
  {"примере с числами", "численном примере"},
  /* "velocity" is the momentum's variable only (14) */
  {"Скорость обучения", "шаг обучения"},
  {"скорость обучения", "шаг обучения"},
  /* English "relative(ly)", "is off by", "judged" */
  {"в относительном смысле", "относительная погрешность ..."},
  {"ошибается на", "погрешность ... равна; отличается от точного на"},
  {"судится", "оценивается"},
  /* numerical-methods terms: truncation error, cancellation, a tie */
  {"шибка усечения", "погрешность метода (усечения)"},
  {"погрешность отбрасывания", "погрешность метода"},
  {"взаимного уничтожения цифр", "потеря значащих цифр при вычитании"},
  {"значимых цифр", "значащих цифр"},
  {"очти-равенств", "почти совпадающие максимумы"},
  /* "checked against": X сравнивается с Y (numbers may stand "против") */
  {"против `", "в сравнении с `...`"},
  {"против комплексного шага", "в сравнении с методом комплексного шага"},
  /* English words left in the prose: glossary's max-пулинг, the option --seed */
  {"max-pool", "max-пулинг"},
  {"при seed", "при `--seed N`"},
  {"При seed", "При `--seed N`"},
  {"значениях seed", "значениях `--seed`"},
  /* "the power of ten above them": a bound from above */
  {"десяти над ними", "ограничивающая их сверху степень десяти"},
  /* "padded by p": padding is counted in zeros */
  {"дополненной на", "дополненной ... нулями"},
  {"дополненный на", "дополненный ... нулями"},
  /* INCONCLUSIVE has one Russian name, НЕЯСНО (00) */
  {"НЕОПРЕДЕЛЁНН", "НЕЯСНО"},
  /* truncation error is погрешность метода (glossary) */
  {"погрешность усечения", "погрешность метода"},
  {"часть усечения", "погрешность метода"},
  {"оценка усечения", "оценка погрешности метода"},
  /* VJP named by the glossary's term */
  {"Форма VJP", "в форме произведения вектора на матрицу Якоби (VJP)"},
  /* "the chain backwards": the backward pass */
  {"цепочка назад", "обратный проход"},
  {"цепочка сети назад", "обратный проход по сети"},
  {"(complex step)", "(комплексный шаг)"},
  /* "on six shapes", "the price is", "a weight meets", "gives an element PASS" */
  {"на шести формах", "при шести наборах размеров"},
  {"на нескольких формах", "при нескольких наборах размеров"},
  {"Цена —", "Плата за это —"},
  {"вес встречает", "в градиент веса входят ..."},
  {"встретил вес", "на которые умножался вес"},
  {"даёт элементу", "элемент получает вердикт"},
  /* "rows are examples", "the tilde is zero outside" */
  {"строки — примеры", "по примеру в строке"},
  {"тильда — нуль", "тильда означает продолжение нулями"},
  /* the heading "What the numeric check found" */
  {"Что нашла численная проверка", "Результаты численной проверки"},
  /* "average pooling" as the glossary names it; "does not agree" of a
     direction or a set */
  {"пулинг усреднением", "усредняющий пулинг"},
  {"пулинга усреднением", "усредняющего пулинга"},
  {"не согласно", "не согласуется"},
};

/* "Слайд 5 пишет", "слайд печатает", "слайд 9 подставляет (использует,
   ставит, копирует, делает)": a slide does not write; "на слайде N
   записано". */
static int
slide_writes (const char *p)
{
  static const char *const verbs[] = {
    " пишет", " печатает", " подставляет", " делает", " использует", " ставит",
    " копирует",
  };
  for (const char *q = p; q < p + 24 && *q && *q != '\n'; q++)
    for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
      {
        const size_t n = strlen (verbs[v]);
        /* the whole word: not "используется" (a Cyrillic letter is 2 bytes, 0xD0/0xD1 first) */
        const unsigned char next = (unsigned char) q[n];
        if (strncmp (q, verbs[v], n) == 0 && next != 0xD0 && next != 0xD1)
          return 1;
      }
  return 0;
}

START_TEST (test_russian_has_no_calques)
{
  documents ru = read_documents_in (editions[1]);
  int bad = 0;
  for (size_t k = 0; k < ru.paths.n; k++)
    {
      /* the glossary's table rows quote the English term beside the Russian */
      const char *const base = strrchr (ru.paths.s[k], '/');
      const int glossary = base != NULL && strcmp (base, "/glossary.md") == 0;
      int line = 1;
      for (const char *p = ru.texts[k]; *p; p++)
        {
          if (*p == '\n')
            line++;
          if (glossary && (p == ru.texts[k] || p[-1] == '\n') && *p == '|')
            {
              while (p[1] && p[1] != '\n')
                p++;
              continue;
            }
          for (size_t c = 0; c < sizeof calques / sizeof calques[0]; c++)
            if (strncmp (p, calques[c][0], strlen (calques[c][0])) == 0)
              {
                fprintf (stderr, "%s:%d: \"%s\": write \"%s\"\n", ru.paths.s[k], line,
                         calques[c][0], calques[c][1]);
                bad++;
              }
          if ((strncmp (p, "Слайд", strlen ("Слайд")) == 0
               || strncmp (p, "слайд", strlen ("слайд")) == 0) && slide_writes (p))
            {
              fprintf (stderr, "%s:%d: a slide that writes: \"на слайде N записано\"\n",
                       ru.paths.s[k], line);
              bad++;
            }
        }
    }
  documents_free (&ru);
  ck_assert_msg (bad == 0, "%d calque(s) in the Russian edition (see above)", bad);
}
END_TEST

/* English words of the generated blocks' labels and sentences: a Russian
   block (its template and its text, code listings aside) has none. */
static const char *const english[] = {
  "the", "of", "by", "with", "and", "from", "each", "every", "row", "column",
  "channel", "image", "partials", "fail", "failed", "checked", "largest", "difference",
  "below", "same", "yes", "route", "forward", "backward", "above", "example", "again",
  "moved", "ties", "kinks", "pooling", "average", "mean", "those", "exactly", "equals",
  "symmetric", "analytic", "result", "function", "seed", "hand",
  /* the checker's hints (00-teeth) */
  "hint", "transpose", "sign", "factor", "shift", "one", "edge", "slice", "layout", "over",
};

/* Is the word w (or W capitalised) at p, not inside an identifier? */
static int
word_at (const char *text, const char *p, const char *w)
{
  const size_t n = strlen (w);
  return (strncmp (p, w, n) == 0
          || (toupper ((unsigned char) *p) == *p && strncasecmp (p, w, n) == 0
              && strncmp (p + 1, w + 1, n - 1) == 0))
         && (p == text || !(isalnum ((unsigned char) p[-1]) || p[-1] == '_'))
         && !(isalnum ((unsigned char) p[n]) || p[n] == '_');
}

START_TEST (test_russian_blocks_are_russian)
{
  documents ru = read_documents_in (editions[1]);
  int bad = 0;
  for (size_t k = 0; k < ru.paths.n; k++)
    {
      const char *text = ru.texts[k];
      size_t pos = 0, tbegin, tend, begin, end;
      char name[128];
      while (docgen_next_block (text, &pos, name, sizeof name, &tbegin, &tend, &begin, &end)
             == 1)
        {
          const size_t len = strlen (name);
          if (len > 5 && strcmp (name + len - 5, "-code") == 0)
            continue;
          /* the template and the text, without the {keys} of the template */
          const size_t from = tend > tbegin ? tbegin : begin;
          for (const char *p = text + from; p < text + end; p++)
            {
              if (*p == '{')
                {
                  const char *q = p + 1;
                  while (q < text + end && (isalnum ((unsigned char) *q) || *q == '.'
                                            || *q == '_'))
                    q++;
                  if (q < text + end && (*q == '}' || *q == '?'))
                    p = q;
                }
              for (size_t w = 0; w < sizeof english / sizeof english[0]; w++)
                if (word_at (text, p, english[w]))
                  {
                    fprintf (stderr, "%s: block '%s' has the English word \"%s\"\n",
                             ru.paths.s[k], name, english[w]);
                    bad++;
                  }
            }
        }
    }
  documents_free (&ru);
  ck_assert_msg (bad == 0, "%d English word(s) in the Russian edition's generated blocks "
                 "(see above)", bad);
}
END_TEST

/* --- 15's Winograd matrices and worked block (rule 12) ----------------- */

/* An exact rational p/q, q > 0, in lowest terms. */
typedef struct
{
  long long p, q;
} ratio;

static long long
gcd_ll (long long a, long long b)
{
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0)
    {
      const long long t = a % b;
      a = b;
      b = t;
    }
  return a == 0 ? 1 : a;
}

static ratio
ratio_make (long long p, long long q)
{
  ck_assert (q != 0);
  if (q < 0)
    p = -p, q = -q;
  const long long g = gcd_ll (p, q);
  return (ratio) { .p = p / g, .q = q / g };
}

static ratio
ratio_add (ratio a, ratio b)
{
  return ratio_make (a.p * b.q + b.p * a.q, a.q * b.q);
}

static ratio
ratio_mul (ratio a, ratio b)
{
  return ratio_make (a.p * b.p, a.q * b.q);
}

static ratio
ratio_abs (ratio a)
{
  return (ratio) { .p = a.p < 0 ? -a.p : a.p, .q = a.q };
}

/* As the page writes it: 3, -\tfrac54, \tfrac{32}{3}. */
static void
ratio_latex (ratio a, char *buf, size_t size)
{
  const long long p = a.p < 0 ? -a.p : a.p;
  if (a.q == 1)
    snprintf (buf, size, "%lld", a.p);
  else if (p < 10 && a.q < 10)
    snprintf (buf, size, "%s\\tfrac%lld%lld", a.p < 0 ? "-" : "", p, a.q);
  else
    snprintf (buf, size, "%s\\tfrac{%lld}{%lld}", a.p < 0 ? "-" : "", p, a.q);
}

/* One entry of a pmatrix: [-]N, [-]\tfrac{P}{Q} or [-]\tfracPQ (digits). */
static const char *
parse_ratio (const char *s, ratio *out)
{
  while (*s == ' ' || *s == '\n')
    s++;
  long long sign = 1;
  if (*s == '-')
    sign = -1, s++;
  if (strncmp (s, "\\tfrac", 6) == 0)
    {
      s += 6;
      long long p, q;
      char *end;
      if (*s == '{')
        {
          p = strtoll (s + 1, &end, 10);
          ck_assert (end[0] == '}' && end[1] == '{');
          q = strtoll (end + 2, &end, 10);
          ck_assert (*end == '}');
          s = end + 1;
        }
      else
        {
          ck_assert (isdigit ((unsigned char) s[0]) && isdigit ((unsigned char) s[1]));
          p = s[0] - '0';
          q = s[1] - '0';
          s += 2;
        }
      *out = ratio_make (sign * p, q);
      return s;
    }
  char *end;
  const long long n = strtoll (s, &end, 10);
  ck_assert_msg (end != s, "not a number in a pmatrix: \"%.20s\"", s);
  *out = ratio_make (sign * n, 1);
  return end;
}

/* The rows x cols matrix after the first `name` in text, into m. */
static void
parse_pmatrix (const char *text, const char *doc, const char *name, size_t rows,
               size_t cols, ratio *m)
{
  const char *p = strstr (text, name);
  ck_assert_msg (p != NULL, "%s: no \"%s\"", doc, name);
  p += strlen (name);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++)
      {
        p = parse_ratio (p, &m[i * cols + j]);
        while (*p == ' ' || *p == '\n')
          p++;
        const char *sep = j + 1 < cols ? "&" : i + 1 < rows ? "\\\\" : "\\end{pmatrix}";
        ck_assert_msg (strncmp (p, sep, strlen (sep)) == 0,
                       "%s: %s is not %zu x %zu (at \"%.20s\")", doc, name, rows, cols, p);
        p += strlen (sep);
      }
}

/* The page's AT (2 x 6), G (6 x 5), BT (6 x 6) compute F(2, 5) exactly
   (15.9): sum_s AT[i][s] G[s][beta] BT[s][r] = 1[r = i + beta], which is
   (15.10) and (15.13) too.  The page's block (K, X, 6 x 6, p = 0) gives
   the library's Z = bp_conv through the matrices, and the page states the
   rows of K^ and X^, the magnitude sums of the growth factor and of the
   bound (15.14) as computed here. */
START_TEST (test_winograd_page_is_exact)
{
  char rel[4096];
  snprintf (rel, sizeof rel, "%s/15-convolution.md", editions[_i]);
  char *text = slurp_or_fail (rel);
  ratio AT[2 * 6], G[6 * 5], BT[6 * 6], K[5 * 5], X[6 * 6];
  parse_pmatrix (text, rel, "\\mathcal A^{\\mathsf{T}} = \\begin{pmatrix}", 2, 6, AT);
  parse_pmatrix (text, rel, "\\mathcal G = \\begin{pmatrix}", 6, 5, G);
  parse_pmatrix (text, rel, "\\mathcal B^{\\mathsf{T}} = \\begin{pmatrix}", 6, 6, BT);
  parse_pmatrix (text, rel, "K = \\begin{pmatrix}", 5, 5, K);
  parse_pmatrix (text, rel, "\\tilde X^{(0,0)} = \\begin{pmatrix}", 6, 6, X);
  int bad = 0;
  ratio sum1[2] = { { 0, 1 }, { 0, 1 } };
  for (int i = 0; i < 2; i++)
    for (int b = 0; b < 5; b++)
      for (int r = 0; r < 6; r++)
        {
          ratio t = { 0, 1 }, a = { 0, 1 };
          for (int s = 0; s < 6; s++)
            {
              t = ratio_add (t, ratio_mul (ratio_mul (AT[i * 6 + s], G[s * 5 + b]), BT[s * 6 + r]));
              a = ratio_add (a, ratio_mul (ratio_mul (ratio_abs (AT[i * 6 + s]),
                                                      ratio_abs (G[s * 5 + b])),
                                           ratio_abs (BT[s * 6 + r])));
            }
          sum1[i] = ratio_add (sum1[i], a);
          if (t.p != (r == i + b) || t.q != 1)
            {
              fprintf (stderr, "%s: (15.9) with the page's matrices: z_%d gets %lld/%lld "
                       "K_%d x_%d, not %d\n", rel, i, t.p, t.q, b, r, r == i + b);
              bad++;
            }
        }
  /* the block: K^ = G K G^T, X^ = BT X BT^T, Z = AT (K^ . X^) AT^T, and the
     magnitude sums |AT|(|G||K||G^T| . |BT||X||BT^T|)|AT^T| of (15.14) */
  ratio Kh[36], Xh[36], Ka[36], Xa[36];
  for (int s = 0; s < 6; s++)
    for (int t = 0; t < 6; t++)
      {
        ratio k = { 0, 1 }, x = { 0, 1 }, ka = { 0, 1 }, xa = { 0, 1 };
        for (int a = 0; a < 5; a++)
          for (int b = 0; b < 5; b++)
            {
              const ratio g = ratio_mul (G[s * 5 + a], G[t * 5 + b]);
              k = ratio_add (k, ratio_mul (g, K[a * 5 + b]));
              ka = ratio_add (ka, ratio_mul (ratio_abs (g), ratio_abs (K[a * 5 + b])));
            }
        for (int r = 0; r < 6; r++)
          for (int q = 0; q < 6; q++)
            {
              const ratio c = ratio_mul (BT[s * 6 + r], BT[t * 6 + q]);
              x = ratio_add (x, ratio_mul (c, X[r * 6 + q]));
              xa = ratio_add (xa, ratio_mul (ratio_abs (c), ratio_abs (X[r * 6 + q])));
            }
        Kh[s * 6 + t] = k, Xh[s * 6 + t] = x, Ka[s * 6 + t] = ka, Xa[s * 6 + t] = xa;
      }
  double xd[36], kd[25], zd[4];
  for (int k = 0; k < 36; k++)
    xd[k] = (double) X[k].p / (double) X[k].q;
  for (int k = 0; k < 25; k++)
    kd[k] = (double) K[k].p / (double) K[k].q;
  const bp_conv_shape cs = { .channels_in = 1, .height = 6, .width = 6,
                             .channels_out = 1, .k = 5, .pad = 0 };
  double b0 = 0;
  gsl_matrix_view Xv = gsl_matrix_view_array (xd, 1, 36), Kv = gsl_matrix_view_array (kd, 1, 25),
                  Zv = gsl_matrix_view_array (zd, 1, 4);
  gsl_vector_view bv = gsl_vector_view_array (&b0, 1);
  ck_assert_int_eq (bp_conv (&cs, &Kv.matrix, &bv.vector, &Xv.matrix, &Zv.matrix), 0);
  char want[2048];
  size_t len = 0;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      {
        ratio z = { 0, 1 }, m = { 0, 1 };
        for (int s = 0; s < 6; s++)
          for (int t = 0; t < 6; t++)
            {
              const ratio c = ratio_mul (AT[i * 6 + s], AT[j * 6 + t]);
              z = ratio_add (z, ratio_mul (c, ratio_mul (Kh[s * 6 + t], Xh[s * 6 + t])));
              m = ratio_add (m, ratio_mul (ratio_abs (c), ratio_mul (Ka[s * 6 + t], Xa[s * 6 + t])));
            }
        if (z.q != 1 || (double) z.p != zd[i * 2 + j])
          {
            fprintf (stderr, "%s: the block's Z[%d][%d] is %lld/%lld through the page's "
                     "matrices, %g by bp_conv\n", rel, i, j, z.p, z.q, zd[i * 2 + j]);
            bad++;
          }
        ratio_latex (m, want + len, sizeof want - len);
        len += strlen (want + len);
        want[len++] = '\n';
      }
  for (int i = 0; i < 2; i++)
    {
      ratio_latex (sum1[i], want + len, sizeof want - len);
      len += strlen (want + len);
      want[len++] = '\n';
    }
  gsl_matrix_view Z2 = gsl_matrix_view_array (zd, 2, 2);
  latex_matrix (&Z2.matrix, want + len, sizeof want - len);
  len += strlen (want + len);
  const ratio *rows[2] = { Kh + 6, Xh + 6 };   /* row 1 of K^ and of X^ */
  for (int k = 0; k < 2; k++)
    {
      len += (size_t) snprintf (want + len, sizeof want - len, "\n(");
      for (int t = 0; t < 6; t++)
        {
          ratio_latex (rows[k][t], want + len, sizeof want - len);
          len += strlen (want + len);
          if (t < 5)
            len += (size_t) snprintf (want + len, sizeof want - len, ", ");
        }
      len += (size_t) snprintf (want + len, sizeof want - len, ")");
    }
  for (char *a = want, *next; a != NULL; a = next)
    {
      next = strchr (a, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (strstr (text, a) == NULL)
        {
          fprintf (stderr, "%s: does not write \"%s\" (computed from its matrices)\n", rel, a);
          bad++;
        }
    }
  free (text);
  ck_assert_msg (bad == 0, "%d difference(s) between 15's Winograd section and its "
                 "matrices (see above)", bad);
}
END_TEST

static Suite *
derivations_suite (void)
{
  Suite *s = suite_create ("derivations");
  TCase *tc = tcase_create ("in_step_with_the_code");
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_derivations_name_every_public_function, 0, N_EDITIONS);
  tcase_add_loop_test (tc, test_named_functions_exist, 0, N_EDITIONS);
  tcase_add_loop_test (tc, test_named_tests_exist, 0, N_EDITIONS);
  tcase_add_loop_test (tc, test_documents_name_function_and_test, 0, N_EDITIONS);
  tcase_add_loop_test (tc, test_identifiers_in_documents_exist, 0, N_EDITIONS);
  tcase_add_loop_test (tc, test_generated_blocks_match, 0, N_EDITIONS);
  tcase_add_test (tc, test_header_citations_exist);
  tcase_add_loop_test (tc, test_equation_tags_in_order, 0, N_EDITIONS);
  tcase_add_test (tc, test_manual_documents_every_public_function);
  tcase_add_test (tc, test_editions_agree);
  tcase_add_loop_test (tc, test_one_letter_per_meaning, 0, N_EDITIONS);
  tcase_add_test (tc, test_russian_has_no_calques);
  tcase_add_test (tc, test_russian_blocks_are_russian);
  tcase_add_loop_test (tc, test_index_names_each_once, 0, N_EDITIONS);
  tcase_add_test (tc, test_paper_answers_are_the_library_s);
  tcase_add_loop_test (tc, test_winograd_page_is_exact, 0, N_EDITIONS);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  Suite *(*const makers[]) (void) = { derivations_suite };
  return test_run_suites (makers, 1);
}
