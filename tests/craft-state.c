/* craft-state.c -- set one field of the training state saved after a
   model (bp_model_file.h, "BPSTATE") and write the state's CRC-32 again,
   so that only the field's range can refuse it (tests/robust-cli.sh).
   Usage: craft-state FILE FIELD VALUE, FIELD one of epoch epochs batch
   validation seed (whole numbers) or lr momentum weight-decay (reals). */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
  if (k < 5)
    put_le (p, strtoull (argv[3], NULL, 10), 8);
  else
    {
      const double d = strtod (argv[3], NULL);
      uint64_t bits;
      memcpy (&bits, &d, 8);
      put_le (p, bits, 8);
    }
  const size_t n = len - at - 4;
  put_le (buf + len - 4, crc32_z (crc32_z (0L, Z_NULL, 0), buf + at, n), 4);
  if (fseek (f, 0, SEEK_SET) != 0 || fwrite (buf, 1, len, f) != len || fclose (f) != 0)
    return 1;
  return 0;
}
