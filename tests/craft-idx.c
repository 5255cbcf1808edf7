/* craft-idx.c -- write a gzip bomb: a gzip'd IDX images file whose header
   claims COUNT x ROWS x COLS bytes and whose payload really is that many
   zeros, made in milliseconds: one deflate block of 1 MiB of zeros ended
   by a full flush (byte-aligned, no reference before it) is written as
   many times as needed, and the trailer's CRC-32 is combined from the
   pieces' (crc32_combine).  tests/robust-cli.sh.
   Usage: craft-idx FILE COUNT ROWS COLS */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PIECE ((size_t) 1 << 20)

static void
die (const char *what)
{
  fprintf (stderr, "craft-idx: %s\n", what);
  exit (99);
}

/* Deflate in[0 .. len) with flush into out (cap bytes); the bytes made. */
static size_t
deflate_piece (z_stream *z, const unsigned char *in, size_t len, int flush,
               unsigned char *out, size_t cap)
{
  z->next_in = (Bytef *) in;
  z->avail_in = (uInt) len;
  z->next_out = out;
  z->avail_out = (uInt) cap;
  const int r = deflate (z, flush);
  if ((r != Z_OK && r != Z_STREAM_END) || z->avail_in != 0 || z->avail_out == 0)
    die ("deflate failed");
  return cap - z->avail_out;
}

static void
put (FILE *f, const void *p, size_t len)
{
  if (fwrite (p, 1, len, f) != len)
    die ("cannot write");
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    die ("usage: craft-idx FILE COUNT ROWS COLS");
  unsigned char head[16] = { 0, 0, 0x08, 3 };
  uint64_t payload = 1;
  for (int k = 0; k < 3; k++)
    {
      const unsigned long dim = strtoul (argv[2 + k], NULL, 10);
      if (dim == 0 || dim > 0xFFFFFFFFul)
        die ("a size must be 1 to 2^32 - 1");
      for (int j = 0; j < 4; j++)
        head[4 + 4 * k + j] = (unsigned char) (dim >> (8 * (3 - j)));
      payload *= dim;
    }
  unsigned char *zeros = calloc (PIECE, 1), *out = malloc (2 * PIECE);
  if (zeros == NULL || out == NULL)
    die ("out of memory");
  z_stream z;
  memset (&z, 0, sizeof z);
  if (deflateInit2 (&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    die ("deflateInit2 failed");
  FILE *f = fopen (argv[1], "wb");
  if (f == NULL)
    die ("cannot open the file");
  /* RFC 1952: magic, deflate, no flags, mtime 0, no extra flags, Unix */
  static const unsigned char gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
  put (f, gz_head, sizeof gz_head);
  put (f, out, deflate_piece (&z, head, sizeof head, Z_FULL_FLUSH, out, 2 * PIECE));
  uLong crc = crc32 (crc32 (0L, Z_NULL, 0), head, sizeof head);
  const uLong crc_piece = crc32 (crc32 (0L, Z_NULL, 0), zeros, (uInt) PIECE);
  const size_t piece_len = deflate_piece (&z, zeros, PIECE, Z_FULL_FLUSH, out, 2 * PIECE);
  for (uint64_t done = 0; done + PIECE <= payload; done += PIECE)
    {
      put (f, out, piece_len);
      crc = crc32_combine (crc, crc_piece, (z_off_t) PIECE);
    }
  const size_t rest = (size_t) (payload % PIECE);
  crc = crc32_combine (crc, crc32 (crc32 (0L, Z_NULL, 0), zeros, (uInt) rest), (z_off_t) rest);
  put (f, out, deflate_piece (&z, zeros, rest, Z_FINISH, out, 2 * PIECE));
  deflateEnd (&z);
  const uint64_t total = sizeof head + payload;
  unsigned char tail[8];
  for (int j = 0; j < 4; j++)
    {
      tail[j] = (unsigned char) (crc >> (8 * j));
      tail[4 + j] = (unsigned char) (total >> (8 * j));   /* ISIZE: mod 2^32 */
    }
  put (f, tail, sizeof tail);
  if (fclose (f) != 0)
    die ("cannot write");
  free (zeros);
  free (out);
  return 0;
}
