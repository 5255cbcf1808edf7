/* child.h -- (internal) running code that may crash, exit or hang (the
   user's functions of `backprop check') in a child process, watched by
   the parent: its end is reported, not shared. */
#ifndef BP_CLI_CHILD_H
#define BP_CLI_CHILD_H
#include <stddef.h>

/* Shared between the child and the parent (an anonymous shared mapping):
   the child marks each call of the watched code with child_call_begin and
   child_call_end; what and where are the caller's own description of the
   call (which function, at which element), read by the parent when the
   child ends inside a call. */
typedef struct
{
  volatile unsigned long calls;   /* calls begun */
  volatile int in_call;           /* 1 while a call runs */
  volatile long long start_ns;    /* CLOCK_MONOTONIC when it began */
  volatile int finished;          /* the body returned */
  volatile int what;
  volatile size_t where[4];
} child_state;

/* A new state (all zero); NULL out of memory.  child_state_free (NULL)
   does nothing. */
child_state *child_state_alloc (void);
void child_state_free (child_state *s);

void child_call_begin (child_state *s, int what);
void child_call_end (child_state *s);

typedef enum
{
  CHILD_DONE,         /* the body returned: *code is what it returned */
  CHILD_EXITED,       /* the child exited inside a call or before the body
                         returned: *code is its exit status */
  CHILD_SIGNALED,     /* killed by signal *code */
  CHILD_TIMED_OUT,    /* a call ran longer than the timeout: killed */
  CHILD_NOT_STARTED   /* fork failed (errno): nothing ran */
} child_end;

/* body (arg) in a child process, whose exit status is body's return value
   (0 .. 255); stdout is flushed first (what was printed is not printed
   twice, nor lost).  timeout > 0: a call (child_call_begin to _end) that
   runs longer than timeout seconds is ended with SIGKILL; 0: no bound. */
child_end child_run (int (*body) (void *arg), void *arg, double timeout,
                     child_state *s, int *code);

/* "SIGSEGV" for SIGSEGV ...; "signal N" for a signal without a name (into
   buf of size at least 32). */
const char *child_signal_name (int sig, char *buf);

#endif /* BP_CLI_CHILD_H */
