/* craft-state.c -- set one field of the training state saved after a
   model (bp_model_file.h, "BPSTATE") and write the state's CRC-32 again,
   so that only the field's range can refuse it (tests/robust-cli.sh).
   In a state of version 2, whose history has a row per epoch done, a new
   epoch also gets as many rows (zeros, or the first ones kept), so that
   the file stays consistent and only the epoch's range can refuse it.
   Usage: craft-state FILE FIELD VALUE, FIELD one of epoch epochs batch
   validation seed (whole numbers) or lr momentum weight-decay (reals). */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static uint64_t
get_le (const unsigned char *p, int bytes)
{
  uint64_t x = 0;
  for (int i = bytes - 1; i >= 0; i--)
    x = (x << 8) | p[i];
  return x;
}

static void
put_le (unsigned char *p, uint64_t x, int bytes)
{
  for (int i = 0; i < bytes; i++)
    p[i] = (unsigned char) (x >> (8 * i));
}

int
main (int argc, char **argv)
{
  static const char *const fields[] = { "epoch", "epochs", "batch", "validation",
                                        "seed", "lr", "momentum", "weight-decay" };
  if (argc != 4)
    return 2;
  size_t k = 0;
  while (k < 8 && strcmp (argv[2], fields[k]) != 0)
    k++;
  FILE *f = fopen (argv[1], "r+b");
  static unsigned char buf[1 << 24];
  const size_t len = f ? fread (buf, 1, sizeof buf, f) : 0;
  size_t at = SIZE_MAX;   /* the last "BPSTATE\n" */
  for (size_t i = 0; i + 8 <= len; i++)
    if (memcmp (buf + i, "BPSTATE\n", 8) == 0)
      at = i;
  if (k == 8 || f == NULL || at == SIZE_MAX || len - at < 84)
    {
      fprintf (stderr, "craft-state: %s: no state, or an unknown field %s\n", argv[1],
               argv[2]);
      return 1;
    }
  unsigned char *p = buf + at + 16 + 8 * k;
  size_t len2 = len;
  if (k == 0 && get_le (buf + at + 8, 4) == 2)
    {
      /* the history's rows (4 doubles each) end just before the CRC */
      const uint64_t old = get_le (p, 8), now = strtoull (argv[3], NULL, 10);
      const size_t end = len - 4, row = 4 * 8;
      if (now > old && (now - old) * row <= sizeof buf - len)
        {
          memset (buf + end, 0, (size_t) (now - old) * row);
          len2 = end + (size_t) (now - old) * row + 4;
        }
      else if (now < old && (old - now) * row <= end - at)
        len2 = end - (size_t) (old - now) * row + 4;
    }
  if (k < 5)
    put_le (p, strtoull (argv[3], NULL, 10), 8);
  else
    {
      const double d = strtod (argv[3], NULL);
      uint64_t bits;
      memcpy (&bits, &d, 8);
      put_le (p, bits, 8);
    }
  const size_t n = len2 - at - 4;
  put_le (buf + len2 - 4, crc32_z (crc32_z (0L, Z_NULL, 0), buf + at, n), 4);
  if (fseek (f, 0, SEEK_SET) != 0 || fwrite (buf, 1, len2, f) != len2 || fclose (f) != 0)
    return 1;
  if (len2 < len && truncate (argv[1], (off_t) len2) != 0)
    return 1;
  return 0;
}
