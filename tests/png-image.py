#!/usr/bin/env python3
"""png-image.py FILE ROWS COLS MIN_SIDE: FILE is a PNG (the signature,
every chunk's CRC-32, IHDR an 8-bit greyscale image, IDAT one zlib
stream of lines of filter 0, IEND last) with a tEXt Title, showing a
ROWS x COLS grid magnified by a whole factor to at least MIN_SIDE pixels
a side: each magnified pixel one grey level.  Prints the width, the
height and the title; exit 1 with the reason otherwise.  ROWS 0: the
grid is not checked (a montage)."""
import struct
import sys
import zlib


def fail(why):
    print("%s: %s" % (sys.argv[1], why))
    sys.exit(1)


data = open(sys.argv[1], "rb").read()
rows, cols, least = (int(a) for a in sys.argv[2:5])
if data[:8] != b"\x89PNG\r\n\x1a\n":
    fail("no PNG signature")
chunks, at = [], 8
while at < len(data):
    if at + 12 > len(data):
        fail("a cut chunk")
    (length,) = struct.unpack(">I", data[at:at + 4])
    kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
    (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
    if zlib.crc32(kind + body) != crc:
        fail("the CRC of %r" % kind)
    chunks.append((kind, body))
    at += 12 + length
kinds = [k for k, _ in chunks]
if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or b"IDAT" not in kinds:
    fail("chunks %r" % kinds)
w, h, depth, colour, comp, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
if (depth, colour, comp, filt, interlace) != (8, 0, 0, 0, 0):
    fail("not an 8-bit greyscale image: %r" % (chunks[0][1],))
titles = [b.split(b"\0", 1)[1] for k, b in chunks if k == b"tEXt" and b.startswith(b"Title\0")]
if not titles or not titles[0]:
    fail("no tEXt Title")
raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
if len(raw) != h * (w + 1) or any(raw[y * (w + 1)] != 0 for y in range(h)):
    fail("%d bytes of image data for %dx%d, or a line filter not 0" % (len(raw), w, h))
if rows:
    if w % cols or h % rows or w // cols != h // rows:
        fail("%dx%d is not %dx%d magnified" % (w, h, cols, rows))
    zoom = w // cols
    if min(w, h) < least:
        fail("%dx%d is smaller than %d pixels a side" % (w, h, least))
    pix = lambda x, y: raw[y * (w + 1) + 1 + x]
    if any(pix(x, y) != pix(x - x % zoom, y - y % zoom) for y in range(h) for x in range(w)):
        fail("a magnified pixel is not one grey level")
print(w, h, titles[0].decode("latin-1"))
