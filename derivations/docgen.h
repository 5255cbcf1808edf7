/* docgen.h -- (internal) the generated parts of the derivations: the
   numbers of the worked examples, computed by the library, and what
   `backprop verify' found on its default example.  Used by
   derivations/gen-examples (which writes them into the documents) and by
   tests/check_derivations.c (which checks that the documents still hold
   what the library computes).

   The generator writes numbers, never sentences: the words around them
   live in the documents, in their language.  A generated block sits in a
   document between two marker lines; the BEGIN marker may hold the
   block's template, the Markdown its body is made of:
       <!-- BEGIN GENERATED 16-check
       ```text
       max-pooling at its ties ({ties.n} partials): {ties.fail} fail
       ```
       -->
       ...the template filled in...
       <!-- END GENERATED 16-check -->
   {key} is replaced by the block's value named key, {key?A|B} by A when
   that value is neither empty nor "0", else by B.  A block without a
   template is its one value "text" (a code listing, or numbers with
   labels in notation only).  Its name is "NN-what", NN being the number
   of its document. */
#ifndef BP_DOCGEN_H
#define BP_DOCGEN_H

#include <stddef.h>

/* A value: a number, or lines of numbers, without a trailing newline. */
typedef struct
{
  char *key;    /* "ties.n" */
  char *text;   /* "32" */
} docgen_value;

typedef struct
{
  char *name;           /* "16-check" */
  docgen_value *value;  /* n of them */
  size_t n;
} docgen_block;

/* Run the library and write every block; *blocks (malloc'ed, *n of them)
   is freed by docgen_free.  Returns 0, or -1 when a computation failed. */
int docgen_generate (docgen_block **blocks, size_t *n);
void docgen_free (docgen_block *blocks, size_t n);

/* The block named name among blocks, or NULL. */
const docgen_block *docgen_lookup (const docgen_block *blocks, size_t n,
                                   const char *name);

/* The body of block b by template [tmpl, tmpl + len) (len 0: no
   template), malloc'ed.  NULL when the template names a value b does not
   have, or leaves one of b's values out (a number the page would not
   show), or when out of memory, with the reason in why. */
char *docgen_fill (const docgen_block *b, const char *tmpl, size_t len, char *why,
                   size_t why_size);

/* Find the next block of doc at or after *pos.  On success returns 1 and
   sets name (NUL-terminated, at most name_size - 1 characters), the
   template [*tbegin, *tend) (empty when the marker has none), the body
   [*begin, *end) and *pos past the END marker.  Returns 0 when there is
   no further block, -1 when the markers are malformed (a BEGIN without
   its END, or names that differ); *pos then points at the bad marker. */
int docgen_next_block (const char *doc, size_t *pos, char *name,
                       size_t name_size, size_t *tbegin, size_t *tend,
                       size_t *begin, size_t *end);

/* doc with the body of each of its blocks replaced by its template
   filled in (malloc'ed).  Returns NULL when a block is malformed or not generated,
   or when out of memory, with the reason in why. */
char *docgen_replace (const char *doc, const docgen_block *blocks, size_t n,
                      char *why, size_t why_size);

#endif /* BP_DOCGEN_H */
