/* data_dir.h -- (internal) where `backprop train' and `backprop eval' find
   their data: the four IDX files of MNIST / Fashion-MNIST in one folder. */
#ifndef BP_DATA_DIR_H
#define BP_DATA_DIR_H
#include <stddef.h>
#include "backprop/bp_idx.h"

/* Where Debian's dataset-fashion-mnist puts the files. */
#define BP_DEFAULT_DATA_DIR "/usr/share/datasets/fashion-mnist"
#define BP_DATA_PACKAGE "dataset-fashion-mnist"

/* The folder to read: dir when given, else $BACKPROP_DATA when set and
   non-empty, else BP_DEFAULT_DATA_DIR, when that folder exists; NULL (after printing what to install or give, naming CMD) when
   there is none, or when dir is "" (which named the root's files). */
const char *data_dir (const char *cmd, const char *dir);

/* Read DIR/PREFIX-images-idx3-ubyte[.gz] and DIR/PREFIX-labels-idx1-ubyte[.gz]
   (PREFIX "train" or "t10k"; the .gz name is preferred when both exist)
   with 10 classes; on error prints "backprop: CMD: FILE: problem" and
   returns the exit status: EXIT_NOT_CARRIED_OUT when out of memory,
   EXIT_USAGE otherwise (cli.h). */
int data_load (const char *cmd, const char *dir, const char *prefix,
                  bp_dataset *d);

/* Nonzero (after "backprop: CMD: PATH is the data file ...: refused")
   when path is one of DIR's data files -- the same file (st_dev, st_ino),
   whatever its name: a hard link, a "./" or a symbolic link to it
   (train --model DATA/t10k-images-idx3-ubyte.gz replaced the test set);
   0 otherwise, a new name included. */
int data_protect (const char *cmd, const char *dir, const char *path);

#endif /* BP_DATA_DIR_H */
