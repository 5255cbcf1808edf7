/* json.h -- (internal) the pieces of the program's --json output: one
   copy for train's lines and verify's document. */
#ifndef BP_JSON_H
#define BP_JSON_H
#include <stdio.h>

/* s as a JSON string: quotes, backslashes and control characters
   escaped, other bytes (UTF-8) as they are. */
void json_string (FILE *out, const char *s);

/* x as a JSON number (%.17g: the double read back exactly), or null when
   x is not finite (JSON has no inf or nan). */
void json_number (FILE *out, double x);

#endif /* BP_JSON_H */
