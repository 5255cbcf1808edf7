/* net_file.h -- (internal) the program's saving and loading of a bp_net
   through the model file's writers and readers of versions 1-3 (one per
   row: linear, mlp, cnn), handed the network's block views.  The one
   model file over a bp_net replaces this adapter. */
#ifndef BP_NET_FILE_H
#define BP_NET_FILE_H
#include <stddef.h>
#include "backprop/bp_net.h"
#include "backprop/bp_model_file.h"

/* 1 when this adapter writes networks of row T (not yet the deep row). */
int net_file_writable (const bp_net_type *T);

/* net (and s, may be NULL) into path, atomically; the error in err. */
int net_file_save (const char *path, const bp_net *net, const bp_train_state *s,
                   char *err, size_t len);

/* The network in path, of the row its version names: *net newly
   allocated (bp_net_free); NULL on error, the error in err. */
int net_file_load (const char *path, bp_net **net, char *err, size_t len);

#endif /* BP_NET_FILE_H */
