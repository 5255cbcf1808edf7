/* docgen.h -- (internal) the generated parts of the derivations: worked
   examples computed by the library and what `backprop verify' found on
   its default example.  Used by derivations/gen-examples (which writes
   them into the documents) and by tests/check_derivations.c (which checks
   that the documents still hold what the library computes).

   A generated block sits in a document between two marker lines:
       <!-- BEGIN GENERATED 04-example -->
       ...Markdown written by the generator...
       <!-- END GENERATED 04-example -->
   Its name is "NN-what", NN being the number of its document. */
#ifndef BP_DOCGEN_H
#define BP_DOCGEN_H

#include <stddef.h>

typedef struct
{
  char *name;   /* "04-example" */
  char *text;   /* the lines between the markers, each ending in '\n' */
} docgen_block;

/* The editions of the documents: derivations/ (English) and
   derivations/ru/ (Russian).  Their blocks hold the same numbers; the
   sentences of the NN-default blocks are in the edition's language. */
typedef enum { DOCGEN_EN, DOCGEN_RU, DOCGEN_N_LANGS } docgen_lang;

/* Run the library and write every block; *blocks (malloc'ed, *n of them)
   is freed by docgen_free.  Returns 0, or -1 when a computation failed.
   docgen_generate writes the English edition's blocks. */
int docgen_generate (docgen_block **blocks, size_t *n);
int docgen_generate_lang (docgen_lang lang, docgen_block **blocks, size_t *n);
void docgen_free (docgen_block *blocks, size_t n);

/* The text of the block named name among blocks, or NULL. */
const char *docgen_lookup (const docgen_block *blocks, size_t n,
                           const char *name);

/* Find the next block of doc at or after *pos.  On success returns 1 and
   sets name (NUL-terminated, at most name_size - 1 characters), the body
   [*begin, *end) and *pos past the END marker.  Returns 0 when there is
   no further block, -1 when the markers are malformed (a BEGIN without
   its END, or names that differ); *pos then points at the bad marker. */
int docgen_next_block (const char *doc, size_t *pos, char *name,
                       size_t name_size, size_t *begin, size_t *end);

/* doc with the body of each of its blocks replaced by the generated text
   (malloc'ed).  Returns NULL when a block is malformed or not generated,
   or when out of memory, with the reason in why. */
char *docgen_replace (const char *doc, const docgen_block *blocks, size_t n,
                      char *why, size_t why_size);

#endif /* BP_DOCGEN_H */
