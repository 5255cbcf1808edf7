/* model_file.c -- the model file: see bp_model_file.h for the format. */
#include <config.h>
#include <assert.h>
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
#include "backprop/bp_cnn.h"
#include "backprop/bp_train.h"
#include "lib/files/report.h"
#include "lib/valid.h"

#define HEADER_BYTES 28       /* version 1 */
#define HEADER_BYTES_MLP 36   /* version 2 */
#define HEADER_BYTES_CNN 48   /* version 3 */
#define HEADER_BYTES_MAX HEADER_BYTES_CNN

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

/* The parameters of a file, in order: a matrix (row-major) or a vector. */
typedef struct
{
  const char *name;
  const gsl_matrix *M;
  const gsl_vector *v;
} block;

static size_t
block_size (block b)
{
  return b.M ? b.M->size1 * b.M->size2 : b.v->size;
}

static double
block_get (block b, size_t k)
{
  return b.M ? gsl_matrix_get (b.M, k / b.M->size2, k % b.M->size2)
             : gsl_vector_get (b.v, k);
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

/* Write the header head (len_head bytes, magic and version included) and
   the blocks' values after it, with the CRC, atomically. */
static int
write_model (const char *path, const unsigned char *head, size_t len_head,
             const block *blocks, size_t nblocks, const unsigned char *tail,
             size_t len_tail, char *err, size_t errlen)
{
  size_t count = 0;
  for (size_t k = 0; k < nblocks; k++)
    {
      for (size_t j = 0; j < block_size (blocks[k]); j++)
        if (!isfinite (block_get (blocks[k], j)))
          return report_file_error (err, errlen, GSL_EDOM, path, "cannot save: %s has a "
                            "value that is not finite (element %zu)", blocks[k].name, j);
      count += block_size (blocks[k]);
    }
  const size_t len = file_bytes_of (len_head, count);
  unsigned char *buf = len && len <= SIZE_MAX - len_tail ? malloc (len + len_tail) : NULL;
  if (buf == NULL)
    return report_file_error (err, errlen, GSL_ENOMEM, path, "cannot save: out of memory");
  memcpy (buf, head, len_head);
  unsigned char *p = buf + len_head;
  for (size_t k = 0; k < nblocks; k++)
    for (size_t j = 0; j < block_size (blocks[k]); j++, p += 8)
      put_f64 (p, block_get (blocks[k], j));
  put_u32 (p, (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), buf, len - 4));
  if (len_tail)
    memcpy (buf + len, tail, len_tail);   /* the training state, after the model */

  /* What path is now: only a regular file that may be written, or no
     file, may be replaced. */
  struct stat st;
  int exists = 1;
  if (lstat (path, &st) != 0)
    {
      if (errno != ENOENT)
        {
          const int e = errno;
          free (buf);
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
      free (buf);
      return report_file_error (err, errlen, GSL_EFAILED, path, "cannot save: it is %s; "
                                "refused", refusal);
    }

  /* A temporary file beside path, then rename: all or nothing. */
  char *tmp = temp_name (path);
  if (tmp == NULL)
    {
      free (buf);
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
      free (buf);
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
  if (fchmod (fd, mode) != 0 || write_all (fd, buf, len + len_tail) != 0)
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
  free (buf);
  free (tmp);
  return status;
}

/* The header's first 28 bytes, common to every version: the magic's 8
   bytes (without its NUL), the version, n, m, rows, cols. */
static void
put_header (unsigned char *head, uint32_t version, size_t n, size_t m, size_t rows,
            size_t cols)
{
  memcpy (head, BP_MODEL_FILE_MAGIC, 8);   /* NOLINT(bugprone-not-null-terminated-result) */
  put_u32 (head + 8, version);
  put_u32 (head + 12, (uint32_t) n);
  put_u32 (head + 16, (uint32_t) m);
  put_u32 (head + 20, (uint32_t) rows);
  put_u32 (head + 24, (uint32_t) cols);
}

static int
write_linear (const char *path, const gsl_matrix *W, const gsl_vector *b,
              size_t rows, size_t cols, const unsigned char *tail, size_t len_tail,
              char *err, size_t errlen)
{
  if (!path || !W || !b)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write",
                      "path, W and b must not be NULL");
  const size_t n = W->size1, m = W->size2;
  if (b->size != n || rows * cols != m || n > UINT32_MAX || m > UINT32_MAX
      || rows > UINT32_MAX || cols > UINT32_MAX)
    return report_file_error (err, errlen, GSL_EBADLEN, path,
                      "cannot save: b must have W's rows and W's columns must "
                      "be rows x cols (each below 2^32)");
  unsigned char head[HEADER_BYTES];
  put_header (head, BP_MODEL_FILE_VERSION, n, m, rows, cols);
  const block blocks[] = { { "W", W, NULL }, { "b", NULL, b } };
  return write_model (path, head, HEADER_BYTES, blocks, 2, tail, len_tail, err, errlen);
}

static int
write_mlp (const char *path, const bp_mlp *net, size_t rows, size_t cols,
           const unsigned char *tail, size_t len_tail, char *err, size_t errlen)
{
  if (!path || !net)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write_mlp",
                      "path and net must not be NULL");
  const size_t m = net->m, H = net->H, n = net->n;
  if (net->W1->size1 != H || net->W1->size2 != m || net->b1->size != H
      || net->W2->size1 != n || net->W2->size2 != H || net->b2->size != n
      || rows * cols != m || n > UINT32_MAX || m > UINT32_MAX || H > UINT32_MAX
      || rows > UINT32_MAX || cols > UINT32_MAX || bp_activation_name (net->act) == NULL)
    return report_file_error (err, errlen, GSL_EBADLEN, path,
                      "cannot save: W1, b1, W2, b2 must be H x m, H, n x H, n, "
                      "m must be rows x cols (each below 2^32) and the activation known");
  unsigned char head[HEADER_BYTES_MLP];
  put_header (head, BP_MODEL_FILE_VERSION_MLP, n, m, rows, cols);
  put_u32 (head + 28, (uint32_t) H);
  put_u32 (head + 32, (uint32_t) net->act);
  const block blocks[] = { { "W1", net->W1, NULL }, { "b1", NULL, net->b1 },
                           { "W2", net->W2, NULL }, { "b2", NULL, net->b2 } };
  return write_model (path, head, HEADER_BYTES_MLP, blocks, 4, tail, len_tail,
                      err, errlen);
}

static int
write_cnn (const char *path, const bp_cnn *net, const unsigned char *tail,
           size_t len_tail, char *err, size_t errlen)
{
  if (!path || !net)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write_cnn",
                              "path and net must not be NULL");
  if (net->n > UINT32_MAX || net->rows > UINT32_MAX || net->cols > UINT32_MAX
      || net->C1 > UINT32_MAX || net->C2 > UINT32_MAX || net->H > UINT32_MAX)
    return report_file_error (err, errlen, GSL_EBADLEN, path, "cannot save: the "
                              "network's sizes must each be below 2^32");
  unsigned char head[HEADER_BYTES_CNN];
  put_header (head, BP_MODEL_FILE_VERSION_CNN, net->n, net->rows * net->cols, net->rows,
              net->cols);
  put_u32 (head + 28, (uint32_t) net->C1);
  put_u32 (head + 32, (uint32_t) net->C2);
  put_u32 (head + 36, (uint32_t) net->H);
  put_u32 (head + 40, BP_CNN_K);
  put_u32 (head + 44, BP_CNN_PAD);
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  block blocks[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (net, b);
  for (size_t k = 0; k < count; k++)
    blocks[k] = (block) { b[k].name, b[k].M, b[k].v };
  return write_model (path, head, HEADER_BYTES_CNN, blocks, count, tail, len_tail, err,
                      errlen);
}

int
bp_model_file_write_cnn (const char *path, const bp_cnn *net, char *err, size_t errlen)
{
  return write_cnn (path, net, NULL, 0, err, errlen);
}

int
bp_model_file_write (const char *path, const gsl_matrix *W, const gsl_vector *b,
                     size_t rows, size_t cols, char *err, size_t errlen)
{
  return write_linear (path, W, b, rows, cols, NULL, 0, err, errlen);
}

int
bp_model_file_write_mlp (const char *path, const bp_mlp *net, size_t rows,
                         size_t cols, char *err, size_t errlen)
{
  return write_mlp (path, net, rows, cols, NULL, 0, err, errlen);
}

/* ---- the training state (bp_model_file.h, "The training state") ---- */

#define STATE_MAGIC "BPSTATE\n"
#define STATE_VERSION 1u       /* without the run's history */
#define STATE_VERSION_HISTORY 2u
#define STATE_HEAD 80         /* magic to weight decay */

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

int
bp_model_file_write_state (const char *path, const gsl_matrix *W, const gsl_vector *b,
                           size_t rows, size_t cols, const bp_train_state *s,
                           char *err, size_t errlen)
{
  if (!path || !W || !b || !s)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write_state",
                              "path, W, b and s must not be NULL");
  unsigned char *tail;
  size_t len;
  int status = state_bytes (path, s, W->size1 * W->size2 + b->size, &tail, &len, err,
                            errlen);
  if (status == GSL_SUCCESS)
    status = write_linear (path, W, b, rows, cols, tail, len, err, errlen);
  free (tail);
  return status;
}

int
bp_model_file_write_mlp_state (const char *path, const bp_mlp *net, size_t rows,
                               size_t cols, const bp_train_state *s, char *err,
                               size_t errlen)
{
  if (!path || !net || !s)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write_mlp_state",
                              "path, net and s must not be NULL");
  unsigned char *tail;
  size_t len;
  const size_t count = net->H * (net->m + 1) + net->n * (net->H + 1);
  int status = state_bytes (path, s, count, &tail, &len, err, errlen);
  if (status == GSL_SUCCESS)
    status = write_mlp (path, net, rows, cols, tail, len, err, errlen);
  free (tail);
  return status;
}

int
bp_model_file_write_cnn_state (const char *path, const bp_cnn *net,
                               const bp_train_state *s, char *err, size_t errlen)
{
  if (!path || !net || !s)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_write_cnn_state",
                              "path, net and s must not be NULL");
  unsigned char *tail;
  size_t len;
  int status = state_bytes (path, s, bp_cnn_count (net), &tail, &len, err, errlen);
  if (status == GSL_SUCCESS)
    status = write_cnn (path, net, tail, len, err, errlen);
  free (tail);
  return status;
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

/* What a header says. */
typedef struct
{
  uint32_t version;
  size_t n, m, rows, cols, H;   /* H = 0 in version 1 */
  size_t C1, C2, k, pad;        /* version 3 only */
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
  if (h->version == BP_MODEL_FILE_VERSION_CNN   /* its count has no single field */
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
  /* bp_cnn_count: C1 (k2 + 1) + C2 (C1 k2 + 1) + H (features + 1) + n (last + 1) */
  size_t count = mul_add (h->C1, k2 + 1, 0);
  count = mul_add (h->C2, mul_add (h->C1, k2, 1), count);
  count = mul_add (h->H, features == SIZE_MAX ? SIZE_MAX : features + 1, count);
  count = mul_add (h->n, last == SIZE_MAX ? SIZE_MAX : last + 1, count);
  h->count = count;
  return GSL_SUCCESS;
}

/* The magic, a known version (want, when not 0) and the sizes of the
   header head, got bytes read of it. */
static int
decode_header (const unsigned char *head, size_t got, const char *path, uint32_t want,
               header *h, char *err, size_t errlen)
{
  if (got < HEADER_BYTES)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "truncated model file: %zu bytes, shorter than the "
                      "%d-byte header", got, HEADER_BYTES);
  if (memcmp (head, BP_MODEL_FILE_MAGIC, 8) != 0)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "not a backprop model file (bad magic number)");
  h->version = get_u32 (head + 8);
  /* the kinds a version holds, and the function that reads each */
  static const char *const kinds[] = { NULL, "a one-layer classifier",
                                       "a two-layer network", "a convolutional network" };
  static const char *const readers[] = { NULL, "bp_model_file_read",
                                         "bp_model_file_read_mlp", "bp_model_file_read_cnn" };
  if (h->version < BP_MODEL_FILE_VERSION || h->version > BP_MODEL_FILE_VERSION_CNN)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "model file version %lu is not supported (only %u, %u and %u)",
                      (unsigned long) h->version, BP_MODEL_FILE_VERSION,
                      BP_MODEL_FILE_VERSION_MLP, BP_MODEL_FILE_VERSION_CNN);
  if (want != 0 && h->version != want)
    return report_file_error (err, errlen, GSL_EINVAL, path,
                      "model file version %lu holds %s, not %s (%s reads it)",
                      (unsigned long) h->version, kinds[h->version], kinds[want],
                      readers[h->version]);
  h->head = h->version == BP_MODEL_FILE_VERSION ? HEADER_BYTES
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
    return read_cnn_header (head, path, h, err, errlen);
  h->H = h->version == BP_MODEL_FILE_VERSION ? 0 : get_u32 (head + 28);
  h->act = h->version == BP_MODEL_FILE_VERSION ? 0 : get_u32 (head + 32);
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
  return GSL_SUCCESS;
}

/* Read and check the header of the open file f at path: the magic, a known
   version (want, when not 0), the sizes, and the file's exact length. */
static int
read_header (FILE *f, const char *path, uint32_t want, header *h, char *err,
             size_t errlen)
{
  struct stat st;
  unsigned char head[HEADER_BYTES_MAX];
  field_fix fix;
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode))
    return report_file_error (err, errlen, GSL_EFAILED, path, "not a regular file");
  const size_t got = fread (head, 1, HEADER_BYTES_MAX, f);
  int status = decode_header (head, got, path, want, h, err, errlen);
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

/* Open path, check its header (version want, or any when 0), read the
   whole file into *buf and check its CRC and that every parameter is
   finite.  On error *buf is NULL. */
static int
read_model (const char *path, uint32_t want, header *h, unsigned char **buf,
            char *err, size_t errlen)
{
  *buf = NULL;
  FILE *f;
  int status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  status = read_header (f, path, want, h, err, errlen);
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

/* Fill M (a matrix, or v a vector) from p, row-major; returns the end. */
static const unsigned char *
get_block (const unsigned char *p, gsl_matrix *M, gsl_vector *v)
{
  assert (M != NULL || v != NULL);   /* one block: a matrix or a vector */
  if (M)
    for (size_t i = 0; i < M->size1; i++)
      for (size_t j = 0; j < M->size2; j++, p += 8)
        gsl_matrix_set (M, i, j, get_f64 (p));
  else
    for (size_t i = 0; i < v->size; i++, p += 8)
      gsl_vector_set (v, i, get_f64 (p));
  return p;
}

int
bp_model_file_read (const char *path, gsl_matrix **W, gsl_vector **b,
                    size_t *rows, size_t *cols, char *err, size_t errlen)
{
  if (!path || !W || !b)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_read",
                      "path, W and b must not be NULL");
  *W = NULL;
  *b = NULL;
  header h = { 0 };
  unsigned char *buf;
  int status = read_model (path, BP_MODEL_FILE_VERSION, &h, &buf, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  *W = gsl_matrix_alloc (h.n, h.m);
  *b = gsl_vector_alloc (h.n);
  if (*W == NULL || *b == NULL)
    {
      if (*W) gsl_matrix_free (*W);
      if (*b) gsl_vector_free (*b);
      *W = NULL;
      *b = NULL;
      free (buf);
      return report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
    }
  get_block (get_block (buf + h.head, *W, NULL), NULL, *b);
  free (buf);
  if (rows) *rows = h.rows;
  if (cols) *cols = h.cols;
  return GSL_SUCCESS;
}

int
bp_model_file_read_mlp (const char *path, bp_mlp **net, size_t *rows, size_t *cols,
                        char *err, size_t errlen)
{
  if (!path || !net)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_read_mlp",
                      "path and net must not be NULL");
  *net = NULL;
  header h = { 0 };
  unsigned char *buf;
  int status = read_model (path, BP_MODEL_FILE_VERSION_MLP, &h, &buf, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  if ((*net = bp_mlp_alloc (h.m, h.H, h.n, (bp_activation) h.act)) == NULL)
    {
      free (buf);
      return report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
    }
  const unsigned char *p = buf + h.head;
  p = get_block (p, (*net)->W1, NULL);
  p = get_block (p, NULL, (*net)->b1);
  p = get_block (p, (*net)->W2, NULL);
  get_block (p, NULL, (*net)->b2);
  free (buf);
  if (rows) *rows = h.rows;
  if (cols) *cols = h.cols;
  return GSL_SUCCESS;
}

int
bp_model_file_read_cnn (const char *path, bp_cnn **net, char *err, size_t errlen)
{
  if (!path || !net)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_read_cnn",
                      "path and net must not be NULL");
  *net = NULL;
  header h = { 0 };
  unsigned char *buf;
  int status = read_model (path, BP_MODEL_FILE_VERSION_CNN, &h, &buf, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  if ((*net = bp_cnn_alloc (h.rows, h.cols, h.C1, h.C2, h.H, h.n)) == NULL)
    {
      free (buf);
      return report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
    }
  bp_cnn_block b[BP_CNN_MAX_BLOCKS];
  const size_t count = bp_cnn_blocks (*net, b);
  const unsigned char *p = buf + h.head;
  for (size_t k = 0; k < count; k++)
    p = get_block (p, b[k].M, b[k].v);
  free (buf);
  return GSL_SUCCESS;
}

/* What bp_model_file_layers says of a header: the layers with parameters. */
static size_t
layers_of (const header *h)
{
  if (h->version == BP_MODEL_FILE_VERSION_CNN)
    return h->H ? 4 : 3;
  return h->H == 0 ? 1 : 2;
}

int
bp_model_file_shape (const char *path, size_t *layers, size_t *rows, size_t *cols,
                     size_t *classes, size_t *hidden, char *err, size_t errlen)
{
  if (!path)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_shape",
                              "path must not be NULL");
  FILE *f;
  int status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  header h = { 0 };
  status = read_header (f, path, 0, &h, err, errlen);
  fclose (f);
  if (status != GSL_SUCCESS)
    return status;
  if (layers) *layers = layers_of (&h);
  if (rows) *rows = h.rows;
  if (cols) *cols = h.cols;
  if (classes) *classes = h.n;
  if (hidden) *hidden = h.H;
  return GSL_SUCCESS;
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

int
bp_model_file_read_state (const char *path, bp_train_state *s, char *err, size_t errlen)
{
  if (!path || !s)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_read_state",
                              "path and s must not be NULL");
  memset (s, 0, sizeof *s);
  header h = { 0 };
  unsigned char *buf, *st = NULL;
  /* the model first: its own checks, its checksum */
  int status = read_model (path, 0, &h, &buf, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  free (buf);
  if (h.state == 0)
    return report_file_error (err, errlen, GSL_EINVAL, path, "the model file holds no "
                              "training state (it was not saved by backprop train "
                              "of this version)");
  FILE *f;
  status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  if ((st = malloc (h.state)) == NULL)
    status = report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
  else if (fseek (f, (long) h.len, SEEK_SET) != 0 || fread (st, 1, h.state, f) != h.state)
    status = report_file_error (err, errlen, GSL_EFAILED, path, "cannot read the "
                                "training state: %s", ferror (f) ? strerror (errno)
                                : "the file shrank");
  else if (get_u32 (st + h.state - 4)
           != (uint32_t) crc32_z (crc32_z (0L, Z_NULL, 0), st, h.state - 4))
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
      s->rng_size = h.rng_size;
      s->velocity = gsl_vector_alloc (h.count);
      s->rng_state = malloc (h.rng_size ? h.rng_size : 1);
      if (h.history)
        s->history = gsl_matrix_alloc (h.history, BP_HISTORY_FIELDS);
      if (!s->velocity || !s->rng_state || (h.history && !s->history))
        status = report_file_error (err, errlen, GSL_ENOMEM, path, "out of memory");
    }
  if (status == GSL_SUCCESS)
    {
      for (size_t k = 0; k < h.count; k++)
        gsl_vector_set (s->velocity, k, get_f64 (st + STATE_HEAD + 8 * k));
      memcpy (s->rng_state, st + STATE_HEAD + 8 * h.count, h.rng_size);
      const unsigned char *q = st + STATE_HEAD + 8 * h.count + h.rng_size;
      for (size_t e = 0; e < h.history; e++)
        for (size_t j = 0; j < BP_HISTORY_FIELDS; j++, q += 8)
          gsl_matrix_set (s->history, e, j, get_f64 (q));
      if (!vector_finite (s->velocity) || !isfinite (s->lr) || !isfinite (s->momentum)
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
bp_model_file_layers (const char *path, size_t *layers, char *err, size_t errlen)
{
  if (!path || !layers)
    return report_file_error (err, errlen, GSL_EFAULT, "bp_model_file_layers",
                      "path and layers must not be NULL");
  FILE *f;
  int status = open_model (path, &f, err, errlen);
  if (status != GSL_SUCCESS)
    return status;
  header h = { 0 };
  status = read_header (f, path, 0, &h, err, errlen);
  fclose (f);
  if (status == GSL_SUCCESS)
    *layers = layers_of (&h);
  return status;
}
