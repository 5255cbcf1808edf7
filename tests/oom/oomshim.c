/* oomshim.c -- an LD_PRELOAD module failing allocations on purpose, as
   SQLite's tests do (issue 14): malloc, calloc and realloc are counted
   from the moment the program starts its own work (its first call of
   getopt_long, or at once with BP_OOM_ARM=start), and
     BP_OOM_FAIL=N          the Nth call fails (returns NULL, errno ENOMEM);
     BP_OOM_MODE=from       every call from the Nth on fails (default: once);
     BP_OOM_COUNT=FILE      at exit, the number of calls counted is written
                            to FILE (the run's last allocation: the range
                            of N to try), by a process that was armed;
     BP_OOM_FORK=PREFIX     every N in one run: at its Nth call the process
                            forks a child failing that call (once) and one
                            failing every call from it on (from), waits for
                            each and goes on without a fault.  A child is
                            the run BP_OOM_FAIL=N would be at that call,
                            for the cost of its error path only.  Child
                            MODE.N works in the folder PREFIX.MODE.N (made
                            by the parent), where its out and err begin
                            with what the process wrote to its standard
                            output and error so far; the parent writes its
                            exit status there to `status' as the shell
                            gives it (124: killed after BP_OOM_TIMEOUT s,
                            default 30).  Only N where the process is alone
                            with the files it was started with are forked
                            (one thread, no descriptor of its own open, out
                            and err regular files, not a call of the C
                            library's own); these and the children that
                            timed out are appended to PREFIX.unsafe as
                            "N MODE", for runs of their own.
                            BP_OOM_EVERY, BP_OOM_FROM_EVERY (default 1):
                            only N = 1, 1 + k, 1 + 2k ... are tried;
                            BP_OOM_JOBS (default 1): children at once.
   Calls before arming (the dynamic loader, libraries' constructors) pass;
   so do those made while dlsym looks the real functions up (a static
   buffer serves them), and malloc's calls from OpenBLAS itself: its
   SkylakeX small-matrix dgemm kernel uses the scratch it mallocs without
   looking at the result (a crash no caller can prevent: OpenBLAS's
   limitation, stated in doc/robustness.md), so they are neither counted
   nor failed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *(*real_malloc) (size_t);
static void *(*real_calloc) (size_t, size_t);
static void *(*real_realloc) (void *, size_t);
static void (*real_free) (void *);
static int (*real_getopt_long) (int, char *const *, const char *,
                                const struct option *, int *);

static unsigned long fail_at, counted;
static int from_on, armed, ever_armed, looking_up;
/* BP_OOM_FORK: */
static const char *fork_prefix;
static unsigned long every_once, every_from;
static unsigned timeout_s, jobs;
static int in_child, spawning;
/* the children running (BP_OOM_JOBS at most), oldest first */
static struct child
{
  pid_t pid;
  unsigned long n;
  int from;
} running[64];
static unsigned n_running;

static unsigned long
env_number (const char *name, unsigned long dflt)
{
  const char *v = getenv (name);
  unsigned long n = v ? strtoul (v, NULL, 10) : 0;
  return n ? n : dflt;
}

/* what dlsym asks for while the real functions are looked up */
static char early[1 << 16];
static size_t early_used;

static void *
early_alloc (size_t n)
{
  n = (n + 15) & ~(size_t) 15;
  if (early_used + n > sizeof early)
    return NULL;
  void *p = early + early_used;
  early_used += n;
  return p;
}

static int
is_early (const void *p)
{
  return (const char *) p >= early && (const char *) p < early + sizeof early;
}

static void
look_up (void)
{
  if (real_malloc != NULL || looking_up)
    return;
  looking_up = 1;
  real_malloc = (void *(*) (size_t)) dlsym (RTLD_NEXT, "malloc");
  real_calloc = (void *(*) (size_t, size_t)) dlsym (RTLD_NEXT, "calloc");
  real_realloc = (void *(*) (void *, size_t)) dlsym (RTLD_NEXT, "realloc");
  real_free = (void (*) (void *)) dlsym (RTLD_NEXT, "free");
  real_getopt_long = (int (*) (int, char *const *, const char *, const struct option *,
                               int *)) dlsym (RTLD_NEXT, "getopt_long");
  const char *n = getenv ("BP_OOM_FAIL"), *mode = getenv ("BP_OOM_MODE"),
             *arm = getenv ("BP_OOM_ARM");
  fail_at = n ? strtoul (n, NULL, 10) : 0;
  from_on = mode && strcmp (mode, "from") == 0;
  armed = arm && strcmp (arm, "start") == 0;
  fork_prefix = getenv ("BP_OOM_FORK");
  if (fork_prefix != NULL && *fork_prefix == 0)
    fork_prefix = NULL;
  every_once = env_number ("BP_OOM_EVERY", 1);
  every_from = env_number ("BP_OOM_FROM_EVERY", 1);
  timeout_s = (unsigned) env_number ("BP_OOM_TIMEOUT", 30);
  jobs = (unsigned) env_number ("BP_OOM_JOBS", 1);
  if (jobs > sizeof running / sizeof running[0])
    jobs = sizeof running / sizeof running[0];
  looking_up = 0;
}

/* The descriptors open when the program starts its work (inherited,
   such as 0, 1, 2), given the value 1 by open_fds (NULL: only those).
   Returns 0 when they cannot be listed. */
static unsigned char inherited[1024];
static int fds_known;

static int
open_fds (unsigned char *mark)
{
  int dir = open ("/proc/self/fd", O_RDONLY | O_DIRECTORY);
  if (dir < 0)
    return 0;
  char buf[4096];
  long len;
  int ok = 1;
  while (ok && (len = syscall (SYS_getdents64, dir, buf, sizeof buf)) > 0)
    for (long at = 0; ok && at < len;)
      {
        /* struct linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name */
        unsigned short reclen;
        memcpy (&reclen, buf + at + 16, sizeof reclen);
        const char *name = buf + at + 19;
        long fd = strtol (name, NULL, 10);
        if (name[0] != '.' && fd != dir)
          {
            ok = fd >= 0 && fd < (long) sizeof inherited;
            if (ok && mark != NULL)
              mark[fd] = 1;
            else if (ok)
              ok = inherited[fd];
          }
        at += reclen;
      }
  close (dir);
  return ok && len == 0;
}

/* 1 when a fork of this process starts as a new run would: one thread,
   no descriptor open but those inherited, 1 and 2 regular files (their
   content is copied) */
static int
alone (void)
{
  struct stat st;
  if (!fds_known || stat ("/proc/self/task", &st) != 0 || st.st_nlink != 3)
    return 0;
  for (int fd = 1; fd <= 2; fd++)
    if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
      return 0;
  return open_fds (NULL);
}

/* fd, a regular file, replaced by folder/name holding what it holds */
static int
take_over (int fd, const char *folder, const char *name)
{
  char path[4096], buf[8192];
  if (snprintf (path, sizeof path, "%s/%s", folder, name) >= (int) sizeof path)
    return -1;
  char self[64];
  snprintf (self, sizeof self, "/proc/self/fd/%d", fd);
  int from = open (self, O_RDONLY);   /* fd itself is write-only */
  int to = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  off_t end = lseek (fd, 0, SEEK_CUR), at = 0;
  while (from >= 0 && to >= 0 && at < end)
    {
      ssize_t k = pread (from, buf, (size_t) (end - at) < sizeof buf ? (size_t) (end - at)
                                                                   : sizeof buf, at);
      if (k <= 0 || write (to, buf, (size_t) k) != k)
        return -1;
      at += k;
    }
  return from < 0 || close (from) != 0 || to < 0 || dup2 (to, fd) < 0 || close (to) != 0
         ? -1 : 0;
}

/* "N MODE" appended to the unsafe list, or the status of a child written
   in its folder */
static void
record (unsigned long n, int from, int forked, int st)
{
  const char *mode = from ? "from" : "once";
  char folder[4096], path[4200], line[64];
  snprintf (folder, sizeof folder, "%s.%s.%lu", fork_prefix, mode, n);
  int code = !forked ? 0
             : WIFEXITED (st) ? WEXITSTATUS (st)
             : WTERMSIG (st) == SIGALRM ? 124 : 128 + WTERMSIG (st);
  snprintf (path, sizeof path, "%s/status", folder);
  int len = snprintf (line, sizeof line, "%d\n", code);
  if (!forked || code == 124)
    {
      /* not forked; or a lock the fork could not hand over, or a hang: a
         run of its own tells */
      static const char *const files[] = { "out", "err" };
      for (int i = 0; forked && i < 2; i++)
        {
          snprintf (path, sizeof path, "%s/%s", folder, files[i]);
          unlink (path);
        }
      rmdir (folder);
      snprintf (path, sizeof path, "%s.unsafe", fork_prefix);
      len = snprintf (line, sizeof line, "%lu %s\n", n, mode);
    }
  int fd = open (path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0 || write (fd, line, (size_t) len) != len || close (fd) != 0)
    abort ();   /* the verdict would be lost */
}


static void
reap_oldest (void)
{
  int st;
  while (waitpid (running[0].pid, &st, 0) < 0)
    if (errno != EINTR)
      {
        st = 99 << 8;
        break;
      }
  record (running[0].n, running[0].from, 1, st);
  memmove (running, running + 1, --n_running * sizeof running[0]);
}

/* the child failing call n (from: and every later one); returns in the
   child only */
static void
spawn (unsigned long n, int from, int safe)
{
  char folder[4096];
  if (snprintf (folder, sizeof folder, "%s.%s.%lu", fork_prefix, from ? "from" : "once", n)
      >= (int) sizeof folder)
    abort ();
  if (n_running == jobs)
    reap_oldest ();
  pid_t pid = safe && mkdir (folder, 0755) == 0 ? fork () : -1;
  if (pid == 0)
    {
      fork_prefix = NULL;   /* a child forks no more, and counts nothing */
      in_child = 1;
      n_running = 0;
      fail_at = n;
      from_on = from;
      if (chdir (folder) != 0 || take_over (1, ".", "out") != 0
          || take_over (2, ".", "err") != 0)
        _exit (99);
      alarm (timeout_s);
      return;
    }
  if (pid < 0)
    record (n, from, 0, 0);
  else
    running[n_running++] = (struct child) { pid, n, from };
}

/* 1 when the code at address pc is in the library named lib... */
static int
in_library (const void *pc, const char *lib)
{
  Dl_info info;
  return dladdr (pc, &info) != 0 && info.dli_fname != NULL
         && strstr (info.dli_fname, lib) != NULL;
}

/* 1 when this call (made from pc) is to fail */
static int
fails (const void *pc)
{
  if (!armed || spawning)
    return 0;
  counted++;
  if (fork_prefix != NULL)
    {
      /* the C library's own calls may hold a lock that a child, another
         thread to it, could not release (gettext's rwlock knows its
         writer by thread id): those N run on their own */
      int safe = !in_library (pc, "libc.so") && alone ();
      spawning = 1;
      if ((counted - 1) % every_once == 0)
        spawn (counted, 0, safe);
      if (fork_prefix != NULL && (counted - 1) % every_from == 0)
        spawn (counted, 1, safe);
      spawning = 0;
    }
  return fail_at != 0 && (counted == fail_at || (from_on && counted > fail_at));
}


void *
malloc (size_t n)
{
  if (real_malloc == NULL)
    {
      if (looking_up)
        return early_alloc (n);
      look_up ();
    }
  if (in_library (__builtin_return_address (0), "libopenblas"))
    return real_malloc (n);
  if (fails (__builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_malloc (n);
}

void *
calloc (size_t a, size_t b)
{
  if (real_calloc == NULL)
    {
      if (looking_up)
        {
          void *p = (b == 0 || a <= sizeof early / b) ? early_alloc (a * b) : NULL;
          if (p)
            memset (p, 0, a * b);
          return p;
        }
      look_up ();
    }
  if (fails (__builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_calloc (a, b);
}

void *
realloc (void *p, size_t n)
{
  if (real_realloc == NULL)
    look_up ();
  if (is_early (p))
    {
      void *q = malloc (n);
      if (q)
        memcpy (q, p, n);   /* early blocks are never large */
      return q;
    }
  if (fails (__builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_realloc (p, n);
}

void
free (void *p)
{
  if (p == NULL || is_early (p))
    return;
  if (real_free == NULL)
    look_up ();
  if (real_free != NULL)   /* NULL only while dlsym is at work: leaked */
    real_free (p);
}

int
getopt_long (int argc, char *const *argv, const char *opts, const struct option *lo,
             int *li)
{
  look_up ();
  if (fork_prefix != NULL && !ever_armed)
    fds_known = open_fds (inherited);   /* else every N is unsafe */
  armed = ever_armed = 1;
  return real_getopt_long (argc, argv, opts, lo, li);
}

__attribute__ ((destructor)) static void
report (void)
{
  const char *file = getenv ("BP_OOM_COUNT");
  armed = 0;
  while (n_running > 0)
    reap_oldest ();
  if (file == NULL || !ever_armed || in_child)   /* a wrapper, not the program */
    return;
  FILE *f = fopen (file, "w");
  if (f)
    {
      fprintf (f, "%lu\n", counted);
      fclose (f);
    }
}
