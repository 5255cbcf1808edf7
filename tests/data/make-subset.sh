#!/bin/sh
# make-subset.sh -- cut the small data set of tests/data from the full
# Fashion-MNIST of Debian's dataset-fashion-mnist (MIT licence, (c) 2017
# Zalando SE; see tests/data/README): the first NTRAIN training and the
# first NTEST test images and labels, as gzip'd IDX files of the original
# names, so that `backprop train --data tests/data' reads them as it reads
# the full set.
#   usage: make-subset.sh [SRC [DST [NTRAIN [NTEST]]]]
set -eu
src=${1:-/usr/share/datasets/fashion-mnist}
dst=${2:-.}
ntrain=${3:-500}
ntest=${4:-200}

# A 32-bit big-endian unsigned integer, as four bytes.
be32 () {
  for shift in 24 16 8 0; do
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' $(( ($1 >> shift) & 255 )))"
  done
}

# subset PREFIX COUNT: images (header 16 bytes, 784 per item), labels (8, 1)
subset () {
  { printf '\000\000\010\003'; be32 "$2"; be32 28; be32 28
    zcat "$src/$1-images-idx3-ubyte.gz" | head -c $((16 + $2 * 784)) | tail -c +17
  } | gzip -9n > "$dst/$1-images-idx3-ubyte.gz"
  { printf '\000\000\010\001'; be32 "$2"
    zcat "$src/$1-labels-idx1-ubyte.gz" | head -c $((8 + $2)) | tail -c +9
  } | gzip -9n > "$dst/$1-labels-idx1-ubyte.gz"
}

subset train "$ntrain"
subset t10k "$ntest"
