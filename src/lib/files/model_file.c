/* model_file.c -- the model file: see bp_model_file.h for the format.
   bp_model_file_write writes version 4 for any bp_net; the reader takes
   version 4 and the versions 1-3 of 0.1.0 (their headers decoded into the
   matching row and shape, their parameters already in the row's order). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <gsl/gsl_errno.h>
#include "backprop/bp_model_file.h"
#include "backprop/bp_net.h"
#include "backprop/bp_train.h"
#include "lib/files/report.h"
#include "lib/alloc.h"
#include "lib/valid.h"
#include "lib/net/net.h"

#define HEADER_BYTES 28       /* version 1 */
#define HEADER_BYTES_MLP 36   /* version 2 */
#define HEADER_BYTES_CNN 48   /* version 3 */
/* version 4: 16 + a name + the shape's 8 + BP_NET_MAX_HIDDEN integers +
   BP_NET_MAX_BLOCKS blocks of 12 bytes and a name */
#define HEADER_BYTES_MAX (16 + BP_MODEL_FILE_MAX_NAME + 4 * (8 + BP_NET_MAX_HIDDEN) \
                          + BP_NET_MAX_BLOCKS * (12 + BP_MODEL_FILE_MAX_NAME))

static void
put_u32 (unsigned char *p, uint32_t x)
{
  for (int k = 0; k < 4; k++)
    p[k] = (unsigned char) (x >> (8 * k));
}

static uint32_t
get_u32 (const unsigned char *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16)
         | ((uint32_t) p[3] << 24);
}

static void
put_f64 (unsigned char *p, double x)
{
  uint64_t bits;
  memcpy (&bits, &x, sizeof bits);
  for (int k = 0; k < 8; k++)
    p[k] = (unsigned char) (bits >> (8 * k));
}

static double
get_f64 (const unsigned char *p)
{
  uint64_t bits = 0;
  double x;
  for (int k = 0; k < 8; k++)
    bits |= (uint64_t) p[k] << (8 * k);
  memcpy (&x, &bits, sizeof x);
  return x;
}

static void
put_u64 (unsigned char *p, uint64_t x)
{
  for (int k = 0; k < 8; k++)
    p[k] = (unsigned char) (x >> (8 * k));
}

static uint64_t
get_u64 (const unsigned char *p)
{
  uint64_t x = 0;
  for (int k = 0; k < 8; k++)
    x |= (uint64_t) p[k] << (8 * k);
  return x;
}

/* a b + c, or SIZE_MAX when it overflows */
static size_t
mul_add (size_t a, size_t b, size_t c)
{
  if (b != 0 && a > (SIZE_MAX - c) / b)
    return SIZE_MAX;
  return a * b + c;
}

/* The length of a file of a header of head bytes and count parameters,
   or 0 when it would overflow. */
static size_t
file_bytes_of (size_t head, size_t count)
{
  const size_t len = mul_add (count, 8, head + 4);
  return len == SIZE_MAX ? 0 : len;
}

/* The elements of a block of the layout: size1 size2, or size1 for a
   vector (size2 = 0); SIZE_MAX when it overflows. */
static size_t
block_elements (size_t size1, size_t size2)
{
  return mul_add (size1, size2 ? size2 : 1, 0);
}

/* Write all of buf to fd, then fsync it. */
static int
write_all (int fd, const unsigned char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      buf += w;
      len -= (size_t) w;
    }
  return fsync (fd);
}

/* Make the rename durable: fsync the directory holding path. */
static void
sync_directory (const char *path)
{
  char *copy = strdup (path);
  if (copy == NULL)
    return;
  int fd = open (dirname (copy), O_RDONLY);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  free (copy);
}

/* The temporary file's name: path's, cut to leave room for mkstemp's
   ".XXXXXX" within the folder's longest name (a 255-character name can
   be saved), then ".XXXXXX".  NULL when out of memory. */
static char *
temp_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  const size_t dir_len = slash ? (size_t) (slash - path) + 1 : 0;
  size_t base_len = strlen (path) - dir_len;
  char *dir = dir_len ? strndup (path, dir_len) : strdup (".");
  if (dir == NULL)
    return NULL;
  long name_max = pathconf (dir, _PC_NAME_MAX);
  free (dir);
  if (name_max < 14)
    name_max = 255;   /* unknown: POSIX's usual */
  if (base_len + 7 > (size_t) name_max)
    base_len = (size_t) name_max - 7;
  char *tmp = malloc (dir_len + base_len + 8);
  if (tmp == NULL)
    return NULL;
  memcpy (tmp, path, dir_len + base_len);
  memcpy (tmp + dir_len + base_len, ".XXXXXX", 8);
  return tmp;
}

/* The signals whose default action ends the process and that can be
   caught.  While a save holds them, each one that comes is noted and
   raised again once the temporary file is renamed or removed, so that no
   temporary file is left behind; a signal the program handles itself
   or ignores is left alone. */
static const int holdable[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM,
                                SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF };
#define N_HOLDABLE (sizeof holdable / sizeof holdable[0])

typedef struct
{
  struct sigaction old[N_HOLDABLE];
  int taken[N_HOLDABLE];   /* 1: the handler below was put in */
} held_signals;

static volatile sig_atomic_t came[N_HOLDABLE];

static void
note_signal (int sig)
{
  for (size_t k = 0; k < N_HOLDABLE; k++)
    if (holdable[k] == sig)
      came[k] = 1;
}

static void
hold_signals (held_signals *h)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = note_signal;
  sa.sa_flags = SA_RESTART;
  sigfillset (&sa.sa_mask);
  for (size_t k = 0; k < N_HOLDABLE; k++)
    {
      came[k] = 0;
      h->taken[k] = sigaction (holdable[k], NULL, &h->old[k]) == 0
                    && h->old[k].sa_handler == SIG_DFL
                    && !(h->old[k].sa_flags & SA_SIGINFO)
                    && sigaction (holdable[k], &sa, NULL) == 0;
    }
}

static void
release_signals (held_signals *h)
{
  for (size_t k = 0; k < N_HOLDABLE; k++)
    if (h->taken[k])
      sigaction (holdable[k], &h->old[k], NULL);
  for (size_t k = 0; k < N_HOLDABLE; k++)
    if (h->taken[k] && came[k])
      raise (holdable[k]);
}

/* Replace path by the len bytes of buf, atomically (bp_model_file.h):
   path's checks, a temporary file beside it, the signals held, rename. */
static int
save_bytes (const char *path, const unsigned char *buf, size_t len, char *err,
            size_t errlen)
{
  /* What path is now: only a regular file that may be written, or no
     file, may be replaced. */
  struct stat st;
  int exists = 1;
  if (lstat (path, &st) != 0)
    {
      if (errno != ENOENT)
        {
          const int e = errno;
          return report_file_error (err, errlen, GSL_EFAILED, path, "cannot save: %s",
                                    strerror (e));
        }
      exists = 0;
    }
  const char *refusal = NULL;
  if (exists && S_ISLNK (st.st_mode))
    refusal = "a symbolic link (the model is only written over a regular file "
              "or a new name: give the link's target)";
  else if (exists && !S_ISREG (st.st_mode))
    refusal = file_type_name (st.st_mode);
  else if (exists && ((st.st_mode & 0222) == 0 || access (path, W_OK) != 0))
    refusal = "read-only (make it writable, or remove it, to replace it)";
  if (refusal != NULL)
    {
      return report_file_error (err, errlen, GSL_EFAILED, path, "cannot save: it is %s; "
                                "refused", refusal);
    }

  /* A temporary file beside path, then rename: all or nothing. */
  char *tmp = temp_name (path);
  if (tmp == NULL)
    {
      return report_file_error (err, errlen, GSL_ENOMEM, path, "cannot save: out of memory");
    }
  /* From the temporary file's creation to its rename or removal, the
     signals that would end the process are held (see hold_signals). */
  held_signals held;
  hold_signals (&held);
  int fd = mkstemp (tmp);
  if (fd < 0)
    {
      int e = errno;
      release_signals (&held);
      free (tmp);
      return report_file_error (err, errlen, GSL_EFAILED, path,
                        "cannot create a temporary file beside it: %s", strerror (e));
    }
  mode_t mode;
  if (exists)
    mode = st.st_mode & 07777;   /* the file's mode, kept */
  else
    {
      mode_t mask = umask (0);
      umask (mask);
      mode = 0666 & ~mask;
    }
  int status = GSL_SUCCESS, e = 0;
  if (fchmod (fd, mode) != 0 || write_all (fd, buf, len) != 0)
    {
      e = errno;
      status = GSL_EFAILED;
    }
  if (close (fd) != 0 && status == GSL_SUCCESS)
    {
      e = errno;
      status = GSL_EFAILED;
    }
  if (status == GSL_SUCCESS && rename (tmp, path) != 0)
    {
      e = errno;
      status = GSL_EFAILED;
    }
  if (status != GSL_SUCCESS)
    unlink (tmp);
  release_signals (&held);
  if (status != GSL_SUCCESS)
    report_file_error (err, errlen, status, path, "cannot save: %s", strerror (e));
  else
    sync_directory (path);
  free (tmp);
  return status;
}


/* ---- the training state (bp_model_file.h, "The training state") ---- */

#define STATE_MAGIC "BPSTATE\n"
#define STATE_VERSION 1u       /* without the run's history */
#define STATE_VERSION_HISTORY 2u
#define STATE_HEAD 80         /* magic to weight decay */

/* The state section of s for a model of count parameters, newly
   allocated in *out (*len bytes); GSL_EBADLEN when the velocity does not
   have count elements, GSL_EDOM when a value is not finite. */
static int
state_bytes (const char *path, const bp_train_state *s, size_t count,
             unsigned char **out, size_t *len, char *err, size_t errlen)
{
  *out = NULL;
  if (!s->velocity || s->velocity->size != count || (s->rng_size && !s->rng_state)
      || s->rng_size > UINT32_MAX)
    return report_file_error (err, errlen, GSL_EBADLEN, path, "cannot save: the "
                              "training state must have a velocity per parameter (%zu)",
                              count);
  const gsl_matrix *hi = s->history;
  if (hi && (hi->size1 != s->epoch || hi->size2 != BP_HISTORY_FIELDS))
    return report_file_error (err, errlen, GSL_EBADLEN, path, "cannot save: the "
                              "history must have a row of %d per epoch done (%zu)",
                              BP_HISTORY_FIELDS, s->epoch);
  if (!isfinite (s->lr) || !isfinite (s->momentum) || !isfinite (s->weight_decay)
      || !vector_finite (s->velocity) || (hi && !matrix_finite (hi)))
    return report_file_error (err, errlen, GSL_EDOM, path, "cannot save: the training "
                              "state has a value that is not finite");
  const size_t rows = hi ? hi->size1 : 0;
  *len = STATE_HEAD + 8 * count + s->rng_size + (size_t) 8 * BP_HISTORY_FIELDS * rows + 4;
  unsigned char *p = *out = malloc (*len);
  if (p == NULL)
    return report_file_error (err, errlen, GSL_ENOMEM, path, "cannot save: out of memory");
  memcpy (p, STATE_MAGIC, 8);   /* NOLINT(bugprone-not-null-terminated-result) */
  put_u32 (p + 8, hi ? STATE_VERSION_HISTORY : STATE_VERSION);
  put_u32 (p + 12, (uint32_t) s->rng_size);
  put_u64 (p + 16, s->epoch);
  put_u64 (p + 24, s->epochs);
  put_u64 (p + 32, s->batch);
  put_u64 (p + 40, s->validation);
  put_u64 (p + 48, s->seed);
  put_f64 (p + 56, s->lr);
  put_f64 (p + 64, s->momentum);
  put_f64 (p + 72, s->weight_decay);
  for (size_t k = 0; k < count; k++)
    put_f64 (p + STATE_HEAD + 8 * k, gsl_vector_get (s->velocity, k));
  if (s->rng_size)
    memcpy (p + STATE_HEAD + 8 * count, s->rng_state, s->rng_size);
  unsigned char *q = p + STATE_HEAD + 8 * count + s->rng_size;
  for (size_t e = 0; e < rows; e++)
    for (size_t j = 0; j < BP_HISTORY_FIELDS; j++, q += 8)
      put_f64 (q, gsl_matrix_get (hi, e, j));
  put_u32 (p + *len - 4, (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), p, *len - 4));
  return GSL_SUCCESS;
}

void
bp_train_state_free (bp_train_state *s)
{
  if (s == NULL)
    return;
  if (s->velocity) gsl_vector_free (s->velocity);
  if (s->history) gsl_matrix_free (s->history);
  free (s->rng_state);
  s->velocity = NULL;
  s->history = NULL;
  s->rng_state = NULL;
}

/* ---- writing: version 4 ---------------------------------------------- */

/* A name field at p: its length, then its bytes; returns the end. */
static unsigned char *
put_name (unsigned char *p, const char *name)
{
  const size_t len = strlen (name);
  put_u32 (p, (uint32_t) len);
  /* a counted field: no terminating NUL in the file */
  memcpy (p + 4, name, len);   /* NOLINT(bugprone-not-null-terminated-result) */
  return p + 4 + len;
}

/* 1 when name fits a name field: 1 to BP_MODEL_FILE_MAX_NAME bytes. */
static int
name_fits (const char *name)
{
  return name != NULL && name[0] != '\0' && strlen (name) <= BP_MODEL_FILE_MAX_NAME;
}

/* GSL_SUCCESS when net can be written as version 4: its names fit, its
   sizes are below 2^32 and its parameters finite; else the report. */
static int
net_writable (const char *path, const bp_net *net, char *err, size_t errlen)
{
  const bp_net_shape *s = &net->shape;
  int fits = name_fits (net->type->name) && s->rows <= UINT32_MAX
             && s->cols <= UINT32_MAX && s->n <= UINT32_MAX
             && s->n_hidden <= BP_NET_MAX_HIDDEN && s->C1 <= UINT32_MAX
             && s->C2 <= UINT32_MAX && net->n_blocks <= BP_NET_MAX_BLOCKS;
  for (size_t k = 0; fits && k < s->n_hidden; k++)
    fits = s->hidden[k] <= UINT32_MAX;
  for (size_t k = 0; fits && k < net->n_blocks; k++)
    fits = name_fits (net->layout[k].name) && net->layout[k].size1 <= UINT32_MAX
           && net->layout[k].size2 <= UINT32_MAX;
  if (!fits)
    return report_file_error (err, errlen, GSL_EBADLEN, path, "cannot save: the "
                              "network's sizes must each be below 2^32 and its names "
                              "1 to %d bytes", BP_MODEL_FILE_MAX_NAME);
  size_t at = 0;
  for (size_t k = 0; k < net->n_blocks; k++)
    {
      const size_t count = block_elements (net->layout[k].size1, net->layout[k].size2);
      for (size_t j = 0; j < count; j++)
        if (!isfinite (net_param (net, at + j)))
          return report_file_error (err, errlen, GSL_EDOM, path, "cannot save: %s has a "
                                    "value that is not finite (element %zu)",
                                    net->layout[k].name, j);
      at += count;
    }
  return GSL_SUCCESS;
}

/* net's version 4 header (bp_model_file.h) into head, of
   HEADER_BYTES_MAX bytes; returns its length. */
static size_t
put_header (unsigned char *head, const bp_net *net)
{
  const bp_net_shape *s = &net->shape;
  memcpy (head, BP_MODEL_FILE_MAGIC, 8);   /* NOLINT(bugprone-not-null-terminated-result) */
  put_u32 (head + 8, BP_MODEL_FILE_VERSION);
  unsigned char *p = put_name (head + 12, net->type->name);
  const size_t sizes[] = { s->rows, s->cols, s->n, s->n_hidden };
  for (size_t k = 0; k < 4; k++, p += 4)
    put_u32 (p, (uint32_t) sizes[k]);
  for (size_t k = 0; k < s->n_hidden; k++, p += 4)
    put_u32 (p, (uint32_t) s->hidden[k]);
  const size_t more[] = { (size_t) s->act, s->C1, s->C2, net->n_blocks };
  for (size_t k = 0; k < 4; k++, p += 4)
    put_u32 (p, (uint32_t) more[k]);
  for (size_t k = 0; k < net->n_blocks; k++, p += 8)
    {
      p = put_name (p, net->layout[k].name);
      put_u32 (p, (uint32_t) net->layout[k].size1);
      put_u32 (p + 4, (uint32_t) net->layout[k].size2);
    }
  return (size_t) (p - head);
}

int
bp_model_file_write (const char *path, const bp_net *net, const bp_train_state *s,
                     char *err, size_t errlen)
{
  if (!path || !net)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write",
                              "path and net must not be NULL");
  int status = net_writable (path, net, err, errlen);
  unsigned char *tail = NULL;
  size_t len_tail = 0;
  if (status == GSL_SUCCESS && s != NULL)
    status = state_bytes (path, s, net->size, &tail, &len_tail, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  unsigned char head[HEADER_BYTES_MAX];
  const size_t len_head = put_header (head, net);
  const size_t len = file_bytes_of (len_head, net->size);
  unsigned char *buf = len && len <= SIZE_MAX - len_tail ? malloc (len + len_tail) : NULL;
  if (buf == NULL)
    {
      free (tail);
      return report_file_error (err, errlen, GSL_ENOMEM, path, "cannot save: out of memory");
    }
  memcpy (buf, head, len_head);
  for (size_t k = 0; k < net->size; k++)
    put_f64 (buf + len_head + 8 * k, net_param (net, k));   /* float32: exact */
  put_u32 (buf + len - 4, (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), buf, len - 4));
  if (len_tail)
    memcpy (buf + len, tail, len_tail);   /* the training state, after the model */
  status = save_bytes (path, buf, len + len_tail, err, errlen);
  free (buf);
  free (tail);
  return status;
}

/* ---- reading: versions 1-3 (0.1.0) and 4 ----------------------------- */

/* What a header says. */
typedef struct
{
  uint32_t version;
  const bp_net_type *type;      /* the row of the file's network */
  bp_net_shape shape;           /* its sizes */
  size_t n, m, rows, cols, H;   /* H: the (largest) hidden layer's units, or 0 */
  size_t C1, C2, k, pad;        /* channels; k and pad of version 3 */
  unsigned act;
  size_t head, count, len;      /* header bytes, parameters, model bytes */
  size_t state, rng_size;       /* the training state's bytes after them, or 0 */
  size_t history;               /* its history's rows (state version 2) */
} header;

/* A size field of a header that disagrees with the file's length, and
   the value that agrees. */
typedef struct
{
  const char *name;
  size_t was, is;
} field_fix;

/* Files up to this length are read to tell a corrupt size field from a
   cut file. */
#define FIX_MAX_BYTES ((size_t) 1 << 28)

/* 1 when the file f of len bytes, whose header head / h disagrees with
   len, is whole but for one size field: the value of n, m or H that
   len implies, put in the header, makes the checksum at the end match
   (a cut file has no checksum at its end).  The fix in *fix. */
static int
corrupt_field (FILE *f, const unsigned char *head, const header *h, size_t len,
               field_fix *fix)
{
  if (h->version >= BP_MODEL_FILE_VERSION_CNN   /* its count has no single field */
      || len < h->head + 4 || len > FIX_MAX_BYTES || (len - h->head - 4) % 8 != 0)
    return 0;
  const size_t count = (len - h->head - 4) / 8, n = h->n, m = h->m, H = h->H;
  /* the field at offset, now was: (count - sub) / den would fit len
     (m is not a candidate: rows cols = m is checked first) */
  typedef struct { const char *name; size_t offset, was, sub, den; } candidate;
  candidate c[2];
  size_t nc = 0;
  if (H == 0)   /* count = n (m + 1) */
    c[nc++] = (candidate) { "number of classes", 12, n, 0, m + 1 };
  else          /* count = H (m + 1 + n) + n = n (H + 1) + H (m + 1) */
    {
      c[nc++] = (candidate) { "number of hidden units", 28, H, n, m + 1 + n };
      c[nc++] = (candidate) { "number of classes", 12, n, H * (m + 1), H + 1 };
    }
  unsigned char *buf = NULL;
  int found = 0;
  for (size_t k = 0; k < nc && !found; k++)
    {
      if (count < c[k].sub || (count - c[k].sub) % c[k].den != 0)
        continue;
      const size_t is = (count - c[k].sub) / c[k].den;
      if (is == 0 || is > UINT32_MAX || is == c[k].was)
        continue;
      if (buf == NULL)
        {
          if ((buf = malloc (len)) == NULL)
            return 0;
          rewind (f);
          if (fread (buf, 1, len, f) != len)
            break;
        }
      unsigned char fixed[HEADER_BYTES_MLP];
      memcpy (fixed, head, h->head);
      put_u32 (fixed + c[k].offset, (uint32_t) is);
      uLong crc = crc32_z (crc32_z (0L, Z_NULL, 0), fixed, h->head);
      crc = crc32_z (crc, buf + h->head, len - 4 - h->head);
      if (get_u32 (buf + len - 4) == (uint32_t) crc)
        {
          *fix = (field_fix) { c[k].name, c[k].was, is };
          found = 1;
        }
    }
  free (buf);
  return found;
}

/* The length of the training state section that starts at offset h->len
   of f, from its first 24 bytes, or 0 when there is none that fits;
   *history the rows of its history (version 2: one per epoch done). */
static size_t
state_length (FILE *f, const header *h, size_t file_size, size_t *rng_size,
              size_t *history)
{
  unsigned char head[24];
  *history = 0;
  if (file_size <= h->len || fseek (f, (long) h->len, SEEK_SET) != 0
      || fread (head, 1, sizeof head, f) != sizeof head
      || memcmp (head, STATE_MAGIC, 8) != 0
      || (get_u32 (head + 8) != STATE_VERSION
          && get_u32 (head + 8) != STATE_VERSION_HISTORY))
    return 0;
  *rng_size = get_u32 (head + 12);
  const uint64_t epochs = get_u64 (head + 16);
  if (get_u32 (head + 8) == STATE_VERSION_HISTORY)
    {
      if (epochs == 0 || epochs > SIZE_MAX / ((size_t) 8 * BP_HISTORY_FIELDS))
        return 0;
      *history = (size_t) epochs;
    }
  size_t len = mul_add (h->count, 8, STATE_HEAD + 4 + *rng_size);
  if (len != SIZE_MAX)
    len = mul_add (*history, (size_t) 8 * BP_HISTORY_FIELDS, len);
  return len == SIZE_MAX ? 0 : len;
}

/* 1 (after the report) when h's channels or hidden units are beyond what
   `backprop train' makes (a valid C1 = 512 model cost 1.7 GB in eval). */
static int
sizes_beyond_train (const header *h, const char *path, char *err, size_t errlen)
{
  if (h->C1 <= BP_MODEL_FILE_MAX_CHANNELS && h->C2 <= BP_MODEL_FILE_MAX_CHANNELS
      && h->H <= BP_MODEL_FILE_MAX_HIDDEN)
    return 0;
  report_file_error (err, errlen, GSL_EINVAL, path, "sizes beyond train's in the "
                     "header: %zu and %zu channels (at most %d), %zu hidden units (at "
                     "most %d)", h->C1, h->C2, BP_MODEL_FILE_MAX_CHANNELS, h->H,
                     BP_MODEL_FILE_MAX_HIDDEN);
  return 1;
}

/* A version 3 header's sizes (bp_model_file.h), and its parameter count. */
static int
read_cnn_header (const unsigned char *head, const char *path, header *h, char *err,
                 size_t errlen)
{
  h->C1 = get_u32 (head + 28);
  h->C2 = get_u32 (head + 32);
  h->H = get_u32 (head + 36);
  h->k = get_u32 (head + 40);
  h->pad = get_u32 (head + 44);
  if (h->n == 0 || h->rows < 4 || h->cols < 4 || h->rows * h->cols != h->m
      || h->C1 == 0 || h->C2 == 0 || h->k != BP_CNN_K || h->pad != BP_CNN_PAD)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "bad sizes in the header: %zu classes, image %zu x %zu (%zu inputs), "
                      "%zu and %zu channels, kernel %zu, padding %zu (the image must be "
                      "at least 4 x 4, the kernel %d, the padding %d)", h->n, h->rows,
                      h->cols, h->m, h->C1, h->C2, h->k, h->pad, BP_CNN_K, BP_CNN_PAD);
  const size_t k2 = (size_t) BP_CNN_K * BP_CNN_K;
  const size_t features = mul_add (h->C2, (h->rows / 4) * (h->cols / 4), 0);
  const size_t last = h->H ? h->H : features;
  /* cnn_chain_count: C1 (k2 + 1) + C2 (C1 k2 + 1) + H (features + 1) + n (last + 1) */
  size_t count = mul_add (h->C1, k2 + 1, 0);
  count = mul_add (h->C2, mul_add (h->C1, k2, 1), count);
  count = mul_add (h->H, features == SIZE_MAX ? SIZE_MAX : features + 1, count);
  count = mul_add (h->n, last == SIZE_MAX ? SIZE_MAX : last + 1, count);
  h->count = count;
  return GSL_SUCCESS;
}

/* The row and shape of a 0.1.0 header (versions 1-3): the one-layer
   classifier, the two-layer network, the convolutional network (with its
   hidden layer when H > 0). */
static void
legacy_net (header *h)
{
  bp_net_shape *s = &h->shape;
  memset (s, 0, sizeof *s);
  s->rows = h->rows;
  s->cols = h->cols;
  s->n = h->n;
  s->n_hidden = h->H ? 1 : 0;
  s->hidden[0] = h->H;
  s->act = (bp_activation) h->act;   /* 0, relu, in versions 1 and 3 */
  if (h->version == BP_MODEL_FILE_VERSION_CNN)
    {
      h->type = bp_net_cnn;
      s->C1 = h->C1;
      s->C2 = h->C2;
    }
  else
    h->type = h->H ? bp_net_mlp : bp_net_linear;
}

/* The fields of a version 4 header, taken in order from got bytes;
   cut once a field runs past them. */
typedef struct
{
  const unsigned char *head;
  size_t got, at;
  int cut;
} fields;

static size_t
take_u32 (fields *f)
{
  if (f->cut || f->got - f->at < 4)
    {
      f->cut = 1;
      return 0;
    }
  f->at += 4;
  return get_u32 (f->head + f->at - 4);
}

/* A name field into name (BP_MODEL_FILE_MAX_NAME + 1 bytes): 0, or -1
   when its length is outside 1 to BP_MODEL_FILE_MAX_NAME or a byte is not
   printable ASCII. */
static int
take_name (fields *f, char *name)
{
  const size_t len = take_u32 (f);
  name[0] = '\0';
  if (f->cut)
    return 0;
  if (len == 0 || len > BP_MODEL_FILE_MAX_NAME)
    return -1;
  if (f->got - f->at < len)
    {
      f->cut = 1;
      return 0;
    }
  for (size_t k = 0; k < len; k++)
    if (f->head[f->at + k] < 0x21 || f->head[f->at + k] > 0x7e)
      return -1;
  memcpy (name, f->head + f->at, len);
  name[len] = '\0';
  f->at += len;
  return 0;
}

/* "W 10 x 784", or "b 10" for a vector */
static void
block_text (char *buf, size_t len, const char *name, size_t size1, size_t size2)
{
  if (size2)
    snprintf (buf, len, "%s %zu x %zu", name, size1, size2);
  else
    snprintf (buf, len, "%s %zu", name, size1);
}

/* Version 4 (bp_model_file.h): the type by its name, the shape, the
   blocks against the row's layout for that shape. */
static int
decode_v4 (const unsigned char *head, size_t got, const char *path, header *h,
           char *err, size_t errlen)
{
  fields f = { head, got, 12, 0 };
  char name[BP_MODEL_FILE_MAX_NAME + 1];
  bp_net_shape *s = &h->shape;
  memset (s, 0, sizeof *s);
  if (take_name (&f, name) != 0)
    return report_file_error (err, errlen, GSL_EINVAL, path, "bad network type name "
                              "in the header (1 to %d printable characters)",
                              BP_MODEL_FILE_MAX_NAME);
  s->rows = take_u32 (&f);
  s->cols = take_u32 (&f);
  s->n = take_u32 (&f);
  s->n_hidden = take_u32 (&f);
  size_t H = 0;
  for (size_t k = 0; k < s->n_hidden && k < BP_NET_MAX_HIDDEN; k++)
    {
      s->hidden[k] = take_u32 (&f);
      H = s->hidden[k] > H ? s->hidden[k] : H;
    }
  h->act = (unsigned) take_u32 (&f);
  s->act = (bp_activation) h->act;
  s->C1 = take_u32 (&f);
  s->C2 = take_u32 (&f);
  const size_t blocks = take_u32 (&f);
  if (f.cut)
    return report_file_error (err, errlen, GSL_EINVAL, path, "truncated model file: "
                              "%zu bytes, shorter than its header", got);
  if ((h->type = bp_net_type_by_name (name)) == NULL)
    return report_file_error (err, errlen, GSL_EINVAL, path, "unknown network type "
                              "'%s' in the header", name);
  h->n = s->n;
  h->rows = s->rows;
  h->cols = s->cols;
  h->m = mul_add (s->rows, s->cols, 0);
  h->H = H;
  h->C1 = s->C1;
  h->C2 = s->C2;
  if (s->n == 0 || s->rows == 0 || s->cols == 0 || h->m > UINT32_MAX
      || s->n_hidden > BP_NET_MAX_HIDDEN)
    return report_file_error (err, errlen, GSL_EINVAL, path, "bad sizes in the header: "
                              "%zu classes, image %zu x %zu, %zu hidden layers (at most "
                              "%d)", s->n, s->rows, s->cols, s->n_hidden, BP_NET_MAX_HIDDEN);
  for (size_t k = 0; k < s->n_hidden; k++)
    if (s->hidden[k] == 0)
      return report_file_error (err, errlen, GSL_EINVAL, path, "bad sizes in the header: "
                                "hidden layer %zu has no units", k + 1);
  if (bp_activation_name (s->act) == NULL)
    return report_file_error (err, errlen, GSL_EINVAL, path, "bad activation %u in the "
                              "header (0 relu, 1 sigmoid, 2 tanh)", h->act);
  if (sizes_beyond_train (h, path, err, errlen))
    return GSL_EINVAL;
  /* the row's own layout for these sizes: the file's blocks must be it */
  size_t count;
  bp_net_block_shape want[BP_NET_MAX_BLOCKS];
  if (h->type->layout (s, &count, want) != GSL_SUCCESS)
    return report_file_error (err, errlen, GSL_EINVAL, path, "bad sizes in the header "
                              "for a %s network: %zu classes, image %zu x %zu, %zu hidden "
                              "layers, channels %zu and %zu", h->type->name, s->n, s->rows,
                              s->cols, s->n_hidden, s->C1, s->C2);
  if (blocks != count)
    return report_file_error (err, errlen, GSL_EINVAL, path, "corrupt header: %zu "
                              "blocks, but a %s network of these sizes has %zu", blocks,
                              h->type->name, count);
  h->count = 0;
  for (size_t k = 0; k < count; k++)
    {
      const int bad = take_name (&f, name);
      const size_t size1 = take_u32 (&f), size2 = take_u32 (&f);
      if (f.cut)
        return report_file_error (err, errlen, GSL_EINVAL, path, "truncated model file: "
                                  "%zu bytes, shorter than its header", got);
      if (bad || strcmp (name, want[k].name) != 0 || size1 != want[k].size1
          || size2 != want[k].size2)
        {
          char is[64 + BP_MODEL_FILE_MAX_NAME], should[64 + BP_MODEL_FILE_MAX_NAME];
          block_text (is, sizeof is, bad ? "?" : name, size1, size2);
          block_text (should, sizeof should, want[k].name, want[k].size1, want[k].size2);
          return report_file_error (err, errlen, GSL_EINVAL, path, "corrupt header: "
                                    "block %zu is %s, but a %s network of these sizes "
                                    "has %s there", k + 1, is, h->type->name, should);
        }
      const size_t elements = block_elements (size1, size2);
      h->count = elements == SIZE_MAX ? SIZE_MAX : mul_add (1, h->count, elements);
    }
  h->head = f.at;
  return GSL_SUCCESS;
}

/* The magic, a known version and the sizes of the header head, got bytes
   read of it: versions 1-3 (0.1.0) and 4. */
static int
decode_header (const unsigned char *head, size_t got, const char *path, header *h,
               char *err, size_t errlen)
{
  if (got < HEADER_BYTES)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "truncated model file: %zu bytes, shorter than the "
                      "%d-byte header", got, HEADER_BYTES);
  if (memcmp (head, BP_MODEL_FILE_MAGIC, 8) != 0)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "not a backprop model file (bad magic number)");
  h->version = get_u32 (head + 8);
  if (h->version < BP_MODEL_FILE_VERSION_LINEAR || h->version > BP_MODEL_FILE_VERSION)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "model file version %lu is not supported (only %u to %u)",
                      (unsigned long) h->version, BP_MODEL_FILE_VERSION_LINEAR,
                      BP_MODEL_FILE_VERSION);
  if (h->version == BP_MODEL_FILE_VERSION)
    return decode_v4 (head, got, path, h, err, errlen);
  h->head = h->version == BP_MODEL_FILE_VERSION_LINEAR ? HEADER_BYTES
            : h->version == BP_MODEL_FILE_VERSION_MLP ? HEADER_BYTES_MLP : HEADER_BYTES_CNN;
  if (got < h->head)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "truncated model file: %zu bytes, shorter than the "
                      "%zu-byte header", got, h->head);
  h->n = get_u32 (head + 12);
  h->m = get_u32 (head + 16);
  h->rows = get_u32 (head + 20);
  h->cols = get_u32 (head + 24);
  if (h->version == BP_MODEL_FILE_VERSION_CNN)
    {
      const int status = read_cnn_header (head, path, h, err, errlen);
      legacy_net (h);
      return status;
    }
  h->H = h->version == BP_MODEL_FILE_VERSION_LINEAR ? 0 : get_u32 (head + 28);
  h->act = h->version == BP_MODEL_FILE_VERSION_LINEAR ? 0 : get_u32 (head + 32);
  if (h->n == 0 || h->m == 0 || h->rows * h->cols != h->m
      || (h->version == BP_MODEL_FILE_VERSION_MLP && h->H == 0))
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "bad sizes in the header: %zu classes, %zu inputs, "
                      "image %zu x %zu%s", h->n, h->m, h->rows, h->cols,
                      h->version == BP_MODEL_FILE_VERSION_MLP && h->H == 0
                      ? ", no hidden units" : "");
  if (h->version == BP_MODEL_FILE_VERSION_MLP
      && bp_activation_name ((bp_activation) h->act) == NULL)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "bad activation %u in the header (0 relu, 1 sigmoid, 2 tanh)",
                      h->act);
  /* version 1: n m + n; version 2: H m + H + n H + n */
  h->count = h->H == 0 ? mul_add (h->n, h->m, h->n)
                       : mul_add (h->H, h->m + 1, mul_add (h->n, h->H + 1, 0));
  legacy_net (h);
  return GSL_SUCCESS;
}

/* Read and check the header of the open file f at path: the magic, a known
   version, the sizes, and the file's exact length. */
static int
read_header (FILE *f, const char *path, header *h, char *err, size_t errlen)
{
  struct stat st;
  unsigned char head[HEADER_BYTES_MAX];
  field_fix fix;
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode))
    return report_file_error (err, errlen, GSL_EFAILED, path, "not a regular file");
  const size_t got = fread (head, 1, HEADER_BYTES_MAX, f);
  int status = decode_header (head, got, path, h, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  h->len = file_bytes_of (h->head, h->count);
  if (h->len == 0)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "bad sizes in the header: %zu classes, %zu inputs%s make "
                      "a file longer than %zu bytes", h->n, h->m,
                      h->H ? " and the hidden units" : "", (size_t) SIZE_MAX);
  if (sizes_beyond_train (h, path, err, errlen))
    return GSL_EINVAL;
  h->state = state_length (f, h, (size_t) st.st_size, &h->rng_size, &h->history);
  if ((size_t) st.st_size != h->len && h->state == 0
      && corrupt_field (f, head, h, (size_t) st.st_size, &fix))
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "corrupt header: its %s is %zu, but the file's length (%lld "
                      "bytes) and checksum show it is %zu", fix.name, fix.was,
                      (long long) st.st_size, fix.is);
  if ((size_t) st.st_size != h->len && (h->state == 0
                                        || (size_t) st.st_size - h->len != h->state))
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "%s model file: %lld bytes, expected %zu for %zu x %zu%s",
                      (size_t) st.st_size < h->len ? "truncated" : "overlong",
                      (long long) st.st_size, h->len, h->n, h->m,
                      h->H ? " with a hidden layer" : "");
  return GSL_SUCCESS;
}

/* Open path for reading, a regular file only (open_regular: a FIFO
   does not block). */
static int
open_model (const char *path, FILE **f, char *err, size_t errlen)
{
  int fd;
  int status = open_regular (path, &fd, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  if ((*f = fdopen (fd, "rb")) == NULL)
    {
      close (fd);
      return report_file_error (err, errlen, GSL_ENOMEM, path, "cannot open: out of memory");
    }
  return GSL_SUCCESS;
}

/* The CRC-32 of the first len bytes of f against the 4 at their end,
   read in chunks before anything is allocated for them: a sparse file
   whose header claims 2 GB cost 2.1 GB before "checksum mismatch". */
static int
crc_in_chunks (FILE *f, const char *path, size_t len, char *err, size_t errlen)
{
  unsigned char chunk[65536];
  uLong crc = crc32_z (0L, Z_NULL, 0);
  rewind (f);
  for (size_t done = 0; done < len - 4;)
    {
      const size_t want = len - 4 - done < sizeof chunk ? len - 4 - done : sizeof chunk;
      if (fread (chunk, 1, want, f) != want)
        return report_file_error (err, errlen, GSL_EFAILED, path, "cannot read: %s",
                                  ferror (f) ? strerror (errno) : "the file shrank");
      crc = crc32_z (crc, chunk, want);
      done += want;
    }
  if (fread (chunk, 1, 4, f) != 4)
    return report_file_error (err, errlen, GSL_EFAILED, path, "cannot read: %s",
                              ferror (f) ? strerror (errno) : "the file shrank");
  if (get_u32 (chunk) != (uint32_t) crc)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                              "checksum mismatch: the model file is corrupt");
  return GSL_SUCCESS;
}

/* Open path, check its header, read the whole model (without the
   training state) into *buf and check its CRC and that every parameter is
   finite.  On error *buf is NULL. */
static int
read_model (const char *path, header *h, unsigned char **buf, char *err, size_t errlen)
{
  *buf = NULL;
  FILE *f;
  int status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  status = read_header (f, path, h, err, errlen);
  if (status == GSL_SUCCESS)
    status = crc_in_chunks (f, path, h->len, err, errlen);
  if (status == GSL_SUCCESS && (*buf = malloc (h->len)) == NULL)
    status = report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
  if (status == GSL_SUCCESS)
    {
      rewind (f);
      size_t got = fread (*buf, 1, h->len, f);
      if (got != h->len)
        status = report_file_error (err, errlen, GSL_EFAILED, path, "cannot read: %s",
                            ferror (f) ? strerror (errno) : "the file shrank");
      else if (get_u32 (*buf + h->len - 4)
               != (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), *buf, h->len - 4))
        status = report_file_error (err, errlen, GSL_EINVAL, path,
                            "checksum mismatch: the model file is corrupt");
    }
  fclose (f);
  for (size_t k = 0; status == GSL_SUCCESS && k < h->count; k++)
    if (!isfinite (get_f64 (*buf + h->head + 8 * k)))
      status = report_file_error (err, errlen, GSL_EINVAL, path,
                          "parameter %zu is not a finite number", k);
  if (status != GSL_SUCCESS)
    {
      free (*buf);
      *buf = NULL;
    }
  return status;
}

/* The settings of s within bp_train.h's ranges, those of train's command
   line; a field outside them is named (a state with a valid checksum but
   epochs 6148914691236517206 made train --resume allocate 3 epochs
   doubles, wrapped). */
static int
state_in_range (const bp_train_state *s, const char *path, char *err, size_t errlen)
{
  /* the whole-number fields, then the reals */
  const struct { const char *name; size_t value, lo, hi; } whole[] = {
    { "schedule's epochs", s->epochs, 1, BP_SGD_EPOCHS_MAX },
    { "epochs done", s->epoch, 0, s->epochs },
    { "batch size", s->batch, 1, BP_SGD_BATCH_MAX },
    { "validation count", s->validation, 0, BP_SGD_VALIDATION_MAX },
    { "seed", s->seed, BP_SGD_SEED_MIN, BP_SGD_SEED_MAX } };
  for (size_t k = 0; k < sizeof whole / sizeof whole[0]; k++)
    if (whole[k].value < whole[k].lo || whole[k].value > whole[k].hi)
      return report_file_error (err, errlen, GSL_EINVAL, path, "corrupt training "
                                "state: its %s is %zu, outside %zu to %zu",
                                whole[k].name, whole[k].value, whole[k].lo, whole[k].hi);
  const char *field = !(s->lr > 0) ? "learning rate (> 0)"
                      : !(s->momentum >= 0 && s->momentum < 1) ? "momentum (in [0, 1))"
                      : !(s->weight_decay >= 0) ? "weight decay (>= 0)" : NULL;
  if (field != NULL)
    return report_file_error (err, errlen, GSL_EINVAL, path, "corrupt training state: "
                              "its %s is %g", field, field[0] == 'l' ? s->lr
                              : field[0] == 'm' ? s->momentum : s->weight_decay);
  return GSL_SUCCESS;
}

/* The training state after the model h of path (checked by read_model):
   s->velocity, s->rng_state and s->history newly allocated; its checksum,
   finiteness and ranges checked.  On error nothing is left allocated. */
static int
read_state (const char *path, const header *h, bp_train_state *s, char *err,
            size_t errlen)
{
  unsigned char *st = NULL;
  memset (s, 0, sizeof *s);
  if (h->state == 0)
    return report_file_error (err, errlen, GSL_EINVAL, path, "the model file holds no "
                              "training state (it was not saved by backprop train "
                              "of this version)");
  FILE *f;
  int status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  if ((st = malloc (h->state)) == NULL)
    status = report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
  else if (fseek (f, (long) h->len, SEEK_SET) != 0 || fread (st, 1, h->state, f) != h->state)
    status = report_file_error (err, errlen, GSL_EFAILED, path, "cannot read the "
                                "training state: %s", ferror (f) ? strerror (errno)
                                : "the file shrank");
  else if (get_u32 (st + h->state - 4)
           != (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), st, h->state - 4))
    status = report_file_error (err, errlen, GSL_EINVAL, path, "checksum mismatch: the "
                                "training state is corrupt");
  fclose (f);
  if (status == GSL_SUCCESS)
    {
      s->epoch = get_u64 (st + 16);
      s->epochs = get_u64 (st + 24);
      s->batch = get_u64 (st + 32);
      s->validation = get_u64 (st + 40);
      s->seed = get_u64 (st + 48);
      s->lr = get_f64 (st + 56);
      s->momentum = get_f64 (st + 64);
      s->weight_decay = get_f64 (st + 72);
      s->rng_size = h->rng_size;
      s->velocity = gsl_vector_alloc (h->count);
      s->rng_state = malloc (h->rng_size ? h->rng_size : 1);
      if (h->history)
        s->history = matrix_alloc (h->history, BP_HISTORY_FIELDS);
      if (!s->velocity || !s->rng_state || (h->history && !s->history))
        status = report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
    }
  if (status == GSL_SUCCESS)
    {
      for (size_t k = 0; k < h->count; k++)
        gsl_vector_set (s->velocity, k, get_f64 (st + STATE_HEAD + 8 * k));
      memcpy (s->rng_state, st + STATE_HEAD + 8 * h->count, h->rng_size);
      const unsigned char *q = st + STATE_HEAD + 8 * h->count + h->rng_size;
      for (size_t e = 0; e < h->history; e++)
        for (size_t j = 0; j < BP_HISTORY_FIELDS; j++, q += 8)
          gsl_matrix_set (s->history, e, j, get_f64 (q));
      int floats = 1;   /* a float32 row's velocities are floats */
      for (size_t k = 0; h->type->dtype == BP_NET_FLOAT32 && k < h->count; k++)
        floats = floats && net_is_float (gsl_vector_get (s->velocity, k));
      if (!floats)
        status = report_file_error (err, errlen, GSL_EINVAL, path, "the training state "
                                    "of the float32 network has a velocity that is "
                                    "not a float32 value");
      else if (!vector_finite (s->velocity) || !isfinite (s->lr) || !isfinite (s->momentum)
          || !isfinite (s->weight_decay) || (s->history && !matrix_finite (s->history)))
        status = report_file_error (err, errlen, GSL_EINVAL, path, "the training state "
                                    "has a value that is not finite");
      else
        status = state_in_range (s, path, err, errlen);
    }
  free (st);
  if (status != GSL_SUCCESS)
    bp_train_state_free (s);
  return status;
}


int
bp_model_file_read (const char *path, bp_net **net, bp_train_state *s, char *err,
                    size_t errlen)
{
  if (!path || !net)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_read",
                              "path and net must not be NULL");
  *net = NULL;
  if (s)
    memset (s, 0, sizeof *s);
  header h = { 0 };
  unsigned char *buf;
  /* the model first: its own checks, its checksum */
  int status = read_model (path, &h, &buf, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  bp_net *r = bp_net_alloc (h.type, &h.shape);
  if (r == NULL)
    status = report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
  else if (r->size != h.count)   /* versions 1-3: the header's count is the row's */
    status = report_file_error (err, errlen, GSL_ESANITY, path, "the %s network of "
                                "the header has %zu parameters, the file %zu",
                                h.type->name, r->size, h.count);
  else if (r->type->dtype == BP_NET_FLOAT32)
    {
      /* a float32 row's values are floats, written exactly as doubles */
      for (size_t k = 0; k < h.count && status == GSL_SUCCESS; k++)
        {
          const double x = get_f64 (buf + h.head + 8 * k);
          if (!net_is_float (x))
            status = report_file_error (err, errlen, GSL_EINVAL, path, "parameter %zu "
                                        "of the float32 network is not a float32 "
                                        "value", k);
          r->theta_float->data[k] = (float) x;
        }
    }
  else
    for (size_t k = 0; k < h.count; k++)
      gsl_vector_set (r->theta, k, get_f64 (buf + h.head + 8 * k));
  free (buf);
  if (status == GSL_SUCCESS && s != NULL)
    status = read_state (path, &h, s, err, errlen);
  if (status != GSL_SUCCESS)
    {
      if (r)
        bp_net_free (r);
      return status;
    }
  *net = r;
  return GSL_SUCCESS;
}

int
bp_model_file_shape (const char *path, const bp_net_type **type, bp_net_shape *shape,
                     char *err, size_t errlen)
{
  if (!path)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_shape",
                              "path must not be NULL");
  FILE *f;
  int status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  header h = { 0 };
  status = read_header (f, path, &h, err, errlen);
  fclose (f);
  if (status != GSL_SUCCESS)
    return status;
  if (type)
    *type = h.type;
  if (shape)
    *shape = h.shape;
  return GSL_SUCCESS;
}
