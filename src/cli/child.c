/* child.c -- the user's code in a child process, watched by the parent
   (child.h).  The parent waits on a pipe whose only writer is the child:
   poll wakes when the child ends (the pipe closes), or when the call it is
   in has run past the timeout, read from the shared state. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1   /* sigabbrev_np; NOLINT(bugprone-reserved-identifier) */
#endif
#include <config.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "verify/i18n.h"
#include "cli/child.h"

child_state *
child_state_alloc (void)
{
  void *p = mmap (NULL, sizeof (child_state), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;     /* zero-filled */
}

void
child_state_free (child_state *s)
{
  if (s)
    munmap (s, sizeof *s);
}

static long long
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* start before calls, in_call after: a parent that reads calls, start,
   in_call, calls and sees calls unchanged has a start no older than the
   call's (it never ends a call early) */
void
child_call_begin (child_state *s, int what)
{
  s->what = what;
  s->start_ns = now_ns ();
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  s->calls++;
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  s->in_call = 1;
}

void
child_call_end (child_state *s)
{
  s->in_call = 0;
}

/* The call running now, and when it began; 0 when none runs. */
static int
running_call (const child_state *s, long long *start)
{
  for (;;)
    {
      const unsigned long c1 = __atomic_load_n (&s->calls, __ATOMIC_SEQ_CST);
      __atomic_thread_fence (__ATOMIC_SEQ_CST);
      const long long t = s->start_ns;
      const int in = s->in_call;
      __atomic_thread_fence (__ATOMIC_SEQ_CST);
      if (__atomic_load_n (&s->calls, __ATOMIC_SEQ_CST) == c1)
        {
          *start = t;
          return in;
        }
    }
}

/* Wait for the child (pid, the read end fd of its pipe): 1 when a call
   outlived timeout (> 0) and the child was killed, else 0. */
static int
watch (pid_t pid, int fd, double timeout, const child_state *s)
{
  const long long limit = timeout > 0 ? (long long) ceil (timeout * 1e9) : -1;
  for (;;)
    {
      int ms = -1;
      long long start;
      if (limit >= 0 && running_call (s, &start))
        {
          const long long left = start + limit - now_ns ();
          if (left <= 0)
            {
              kill (pid, SIGKILL);
              return 1;
            }
          ms = (int) fmin (ceil ((double) left / 1e6), 1000.0);
        }
      else if (limit >= 0)
        ms = (int) fmin (ceil ((double) limit / 1e6), 1000.0);
      struct pollfd p = { fd, POLLIN, 0 };
      const int r = poll (&p, 1, ms);
      if (r > 0)
        return 0;               /* the pipe closed: the child has ended */
      if (r < 0 && errno != EINTR)
        return 0;               /* cannot watch: wait for the end */
    }
}

child_end
child_run (int (*body) (void *arg), void *arg, double timeout, child_state *s,
           int *code)
{
  int fds[2];
  fflush (stdout);
  fflush (stderr);
  if (pipe (fds) != 0)
    return CHILD_NOT_STARTED;
  const pid_t pid = fork ();
  if (pid < 0)
    {
      const int e = errno;
      close (fds[0]);
      close (fds[1]);
      errno = e;
      return CHILD_NOT_STARTED;
    }
  if (pid == 0)
    {
      close (fds[0]);
      const int status = body (arg);
      fflush (stdout);
      fflush (stderr);
      s->finished = 1;
      _exit (status & 255);     /* the parent's atexit handlers are its own */
    }
  close (fds[1]);
  const int timed_out = watch (pid, fds[0], timeout, s);
  close (fds[0]);
  int st;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return CHILD_NOT_STARTED;
  if (timed_out)
    return CHILD_TIMED_OUT;
  if (WIFSIGNALED (st))
    {
      *code = WTERMSIG (st);
      return CHILD_SIGNALED;
    }
  *code = WEXITSTATUS (st);
  return s->finished && !s->in_call ? CHILD_DONE : CHILD_EXITED;
}

const char *
child_signal_name (int sig, char *buf)
{
#ifdef HAVE_SIGABBREV_NP
  const char *abbrev = sigabbrev_np (sig);
  if (abbrev)
    {
      snprintf (buf, 32, "SIG%s", abbrev);
      return buf;
    }
#endif
  snprintf (buf, 32, _("signal %d"), sig);
  return buf;
}
