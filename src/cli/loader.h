/* loader.h -- (internal) the user's shared library for `backprop check',
   loaded with immediate binding, and the input files it reads refused
   unless they are regular files (a FIFO or a device would block or never
   end). */
#ifndef BP_CLI_LOADER_H
#define BP_CLI_LOADER_H
#include <stdio.h>

/* The library named by path, as --lib takes it: a libtool .la (its
   dlname, in .libs/ while not installed), the shared object itself, or
   either without its extension; a name without '/' is looked up by the
   loader (LD_LIBRARY_PATH, the system's folders), as dlopen does.
   Loaded with RTLD_NOW: a symbol it cannot resolve is an error now.
   NULL after a message naming option, path and the reason (dlerror's
   text: not an ELF file, a folder, a missing dependency, permission
   denied, an undefined symbol); for a bare name that is a file in the
   current folder, the message suggests ./NAME. */
void *load_library (const char *option, const char *path);

/* The function name of lib into *fn (a function pointer's storage of
   size bytes); 0, or -1 after a message naming option, name and path. */
int find_function (void *lib, const char *path, const char *option,
                   const char *name, void *fn, size_t size);

/* file opened for reading if it is a regular file (opened without
   blocking, then fstat'ed: a FIFO with no writer does not hang); NULL
   after a message naming option, file and what it is. */
FILE *open_user_file (const char *option, const char *file);

#endif /* BP_CLI_LOADER_H */
