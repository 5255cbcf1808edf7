#!/usr/bin/env python3
"""torch_conv.py -- PyTorch on the layers bench/bench-conv times, for
comparison, in float64 or (--dtype float32) float32, whose convolutions
go to oneDNN instead of im2col and the BLAS (bench/torch_train.py
--kernels names them): conv 5x5 p=2 (1 -> C1) -> max-pool 2x2 -> conv 5x5 p=2
(C1 -> C2) -> max-pool 2x2 on a batch of B 28x28 images, the forward pass
and the backward pass of L = sum(G * output) (the gradients of both
kernels, both biases and of the first pooling's input; not of the data).
The ReLUs are left out, as in bench-conv.  Each figure is the minimum
(and median) over repeats: the machine may be shared.
NOT run by `make check`; `make bench-conv` prints the command.  Needs
PyTorch (Debian: apt-get install python3-torch).

Usage: python3 bench/torch_conv.py [--repeats N] [--batch B] [--conv C1,C2] [--threads T]
       [--dtype float64|float32]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--conv", default="32,64")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    a = ap.parse_args()
    c1, c2 = (int(c) for c in a.conv.split(","))
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(1)
    d = torch.float64 if a.dtype == "float64" else torch.float32
    x = torch.rand(a.batch, 1, 28, 28, generator=g, dtype=d)
    k1 = (torch.rand(c1, 1, 5, 5, generator=g, dtype=d) - 0.5).requires_grad_()
    b1 = torch.zeros(c1, dtype=d, requires_grad=True)
    k2 = (torch.rand(c2, c1, 5, 5, generator=g, dtype=d) - 0.5).requires_grad_()
    b2 = torch.zeros(c2, dtype=d, requires_grad=True)
    gout = torch.rand(a.batch, c2, 7, 7, generator=g, dtype=d)
    fwd, bwd = [], []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        out = F.max_pool2d(F.conv2d(F.max_pool2d(F.conv2d(x, k1, b1, padding=2), 2),
                                    k2, b2, padding=2), 2)
        t1 = time.perf_counter()
        (out * gout).sum().backward()
        t2 = time.perf_counter()
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
        for p in (k1, b1, k2, b2):
            p.grad = None
    tot = [f + b for f, b in zip(fwd, bwd)]
    batches = 60000 / a.batch
    print(f"PyTorch {torch.__version__} {a.dtype}, {a.threads} thread(s): conv 5x5 p=2 "
          f"1->{c1}, max-pool, conv 5x5 p=2 {c1}->{c2}, max-pool; batch {a.batch}; "
          f"{a.repeats} repeats\n")
    print("| step | min s/batch | median s/batch |\n|---|---|---|")
    for name, t in (("forward", fwd), ("backward", bwd), ("all", tot)):
        print(f"| {name} | {min(t):.4f} | {statistics.median(t):.4f} |")
    print(f"\none epoch of 60,000 images ({batches:.0f} batches): {min(tot) * batches:.1f} s "
          f"at the minimum, {statistics.median(tot) * batches:.1f} s at the median")


if __name__ == "__main__":
    main()
