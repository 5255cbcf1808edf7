/* model_lock.h -- (internal) one writer per model file: `backprop train'
   holds an advisory lock (flock) on MODEL.lock, beside --model, for the
   whole run, so that a second run saving to the same path is refused at
   its start instead of both printing "model saved" over one file. */
#ifndef BP_MODEL_LOCK_H
#define BP_MODEL_LOCK_H
#include <sys/types.h>

typedef struct
{
  int fd;                /* the lock file, flock'ed; -1: none */
  char *lock_path;       /* MODEL.lock (the model's name cut to fit NAME_MAX) */
  const char *model;
  int exists;            /* the model's identity when last seen by this run: */
  dev_t dev;             /* at the start, then after each save */
  ino_t ino;
} model_lock;

/* 0 when path is a name a model can be saved under: not empty, not a
   folder ("DIR/", ".", ".."), a last component within the folder's
   NAME_MAX, and, when it exists, a regular writable file this user may
   replace (the sticky bit).  Else a message "backprop: CMD: PATH: cannot
   save the model there: REASON" and -1. */
int model_path_check (const char *cmd, const char *path);

/* Take the lock of model (creating MODEL.lock: this also proves the
   model's folder writable, before any epoch), record the model's
   identity, and report stale temporary files of earlier interrupted
   saves (MODEL.XXXXXX starting with a model's magic).  0 on success;
   else, after a message, the exit status 2: another process holds the
   lock (its PID named), or the lock file cannot be made. */
int model_lock_take (const char *cmd, const char *model, model_lock *l);

/* 0 when the model is still what this run last saw (the file it saved:
   same device and inode; or absent then, or now); else -1 after a
   message -- another program replaced it, and this run will not
   overwrite that. */
int model_lock_check (const char *cmd, model_lock *l);

/* Record the model's identity after a save of this run. */
void model_lock_saved (model_lock *l);

/* Remove MODEL.lock while still holding it, then release it. */
void model_lock_release (model_lock *l);

#endif /* BP_MODEL_LOCK_H */
