/* classes.h -- (internal) the names of the classes, for eval's confusion
   matrix and the plots: from --classes FILE (one name a line), else from
   DIR/classes.txt when the data folder has one, else Fashion-MNIST's ten
   names when the folder's path names Fashion-MNIST (as Debian's
   /usr/share/datasets/fashion-mnist does), else the digits 0 .. n-1
   (MNIST's classes). */
#ifndef BP_CLASSES_H
#define BP_CLASSES_H
#include <stddef.h>

enum { CLASS_NAME_MAX = 24 };

typedef struct
{
  size_t n;
  char (*name)[CLASS_NAME_MAX];   /* n names, cut to CLASS_NAME_MAX - 1 bytes */
} class_names;

/* 0 on success; else the exit status after a message naming CMD (and the
   file): 4 (EXIT_NOT_CARRIED_OUT) out of memory, 2 (EXIT_USAGE) when the
   file cannot be read or has fewer than n names.  Only a folder without
   classes.txt falls back to the names above. */
int class_names_load (const char *cmd, const char *file, const char *dir, size_t n,
                      class_names *c);
void class_names_free (class_names *c);
#endif /* BP_CLASSES_H */
