#!/usr/bin/env python3
"""torch_check.py -- torch.autograd.gradcheck on the slides' model, the
counterpart of `backprop check` on bench/modules/slides.c (bench/check-torch.sh):
float64, gradcheck over (W 10x784, b, x 784): 8,634 partials, the point read
from the same file.  Exit 0 when gradcheck passes.  Needs python3-torch.

Usage: python3 bench/torch_check.py POINT_FILE
"""
import sys

import torch


def main():
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    with open(sys.argv[1]) as f:
        theta = torch.tensor([float(t) for t in f.read().split()], dtype=torch.float64)
    W = theta[:7840].reshape(10, 784).clone().requires_grad_()
    b = theta[7840:7850].clone().requires_grad_()
    x = theta[7850:].clone().requires_grad_()
    labels = torch.arange(1, 11, dtype=torch.float64) / 55.0

    def loss(W, b, x):
        return -(labels * torch.log_softmax(W @ x + b, dim=0)).sum()

    sys.exit(0 if torch.autograd.gradcheck(loss, (W, b, x)) else 1)


if __name__ == "__main__":
    main()
