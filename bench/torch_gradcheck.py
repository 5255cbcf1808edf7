#!/usr/bin/env python3
"""torch_gradcheck.py -- PyTorch's gradcheck on the slides' model, for
comparison with `backprop verify` (full) and `backprop verify --fast`.
NOT run by `make check` or `make bench`: it needs PyTorch
(Debian: apt-get install python3-torch).

The model: u = reshape(x), v = W u + b, L = -sum labels_i log softmax(v)_i,
with W 10x784 ~ N(0, 0.05^2), b ~ N(0, 0.1^2), x a 28x28 image in [0, 1),
soft labels; float64; gradcheck over (W, b, x): 8,634 partials.
Each figure is the minimum over repeats (the machine may be shared).

Usage: python3 bench/torch_gradcheck.py [REPEATS]
"""
import os
import sys
import time

import torch


def model_loss(W, b, x, labels):
    u = x.reshape(-1)
    v = W @ u + b
    return -(labels * torch.log_softmax(v, dim=0)).sum()


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ok = fn()
        times.append(time.perf_counter() - t0)
        assert ok
    times.sort()
    return times[0], times[len(times) // 2]


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    # Debian's torch may start with one thread: give it every core, as
    # backprop's checker has.
    torch.set_num_threads(os.cpu_count() or 1)
    g = torch.Generator().manual_seed(1)
    W = (0.05 * torch.randn(10, 784, generator=g, dtype=torch.float64)).requires_grad_()
    b = (0.1 * torch.randn(10, generator=g, dtype=torch.float64)).requires_grad_()
    x = torch.rand(28, 28, generator=g, dtype=torch.float64).requires_grad_()
    labels = torch.rand(10, generator=g, dtype=torch.float64)
    labels /= labels.sum()
    f = lambda W, b, x: model_loss(W, b, x, labels)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    blas = [w for w in torch.__config__.show().replace(",", " ").split()
            if w.startswith("BLAS_INFO=")]
    print(" ".join(blas) or "BLAS_INFO: (not reported)")
    full = best_of(max(1, repeats // 2),
                   lambda: torch.autograd.gradcheck(f, (W, b, x)))
    fast = best_of(repeats,
                   lambda: torch.autograd.gradcheck(f, (W, b, x), fast_mode=True))
    print("| check | min | median |")
    print("|---|---|---|")
    print(f"| gradcheck full (8,634 partials) | {full[0]:.4f} s | {full[1]:.4f} s |")
    print(f"| gradcheck fast_mode | {fast[0] * 1e3:.2f} ms | {fast[1] * 1e3:.2f} ms |")


if __name__ == "__main__":
    main()
