# torch_darknet.py OK.so [FIXED.so] -- darknet's own backward against
# PyTorch: float64 autograd of darknet's forward (as darknet computes it),
# darknet's backward called through darknet_ops.c (ctypes), at 20 points
# uniform in (-1, 1) with dy uniform in (-1, 1); per layer and block the
# largest |darknet - torch| over the largest |torch|.  FIXED.so: the same
# with batchnorm's dx over N - 1 (darknet-trial.sh builds both).
import ctypes
import sys

import numpy as np
import torch

F = ctypes.POINTER(ctypes.c_float)
B, C, H, W = 2, 2, 4, 4


def bwd(lib, op, x, m, dy):
    dx = np.zeros(x.size, np.float32)
    r = getattr(lib, op + "_bwd")(ctypes.c_size_t(x.size), x.ctypes.data_as(F),
                                  ctypes.c_size_t(m), dy.ctypes.data_as(F),
                                  dx.ctypes.data_as(F))
    assert r == 0
    return dx


def grad(lib, op, x):
    g = np.zeros(x.size, np.float32)
    assert getattr(lib, op + "_grad")(ctypes.c_size_t(x.size), x.ctypes.data_as(F),
                                      g.ctypes.data_as(F)) == 0
    return g


def bn(t):
    """forward_batchnorm_layer, training: the variance over N - 1 (variance_cpu),
    x_hat = (x - mean) / (sqrt(var) + 1e-6) (normalize_cpu)"""
    x = t[:64].view(B, C, H, W)
    mu = x.mean(dim=(0, 2, 3), keepdim=True)
    var = ((x - mu) ** 2).sum(dim=(0, 2, 3), keepdim=True) / (B * H * W - 1)
    y = (x - mu) / (torch.sqrt(var) + 1e-6) * t[64:66].view(1, C, 1, 1)
    return (y + t[66:68].view(1, C, 1, 1)).reshape(-1)


def l2norm(t):
    """l2normalize_cpu: over the channels at each pixel"""
    x = t.view(B, C, H * W)
    return (x / torch.sqrt((x ** 2).sum(dim=1, keepdim=True))).reshape(-1)


T = torch.tensor([-2, -1, 0, 1, 2, 2.5, -0.5, 0.25, -1.5, 1.5], dtype=torch.float64)


def sse(t):
    """the cost layer's SSE: sum (truth - x)^2"""
    return ((T - t) ** 2).sum()


def smooth(t):
    """smooth_l1_cpu: d^2 where |d| < 1, else 2 |d| - 1"""
    d = T - t
    return torch.where(d.abs() < 1, d * d, 2 * d.abs() - 1).sum()


LAYERS = (("bn", 68, 64, bn, ((0, 64, "input"), (64, 66, "scales"), (66, 68, "biases"))),
          ("l2norm", 64, 64, l2norm, ((0, 64, "input"),)))
LOSSES = (("sse", sse), ("smooth", smooth))


def main():
    for path in sys.argv[1:]:
        lib = ctypes.CDLL(path)
        rng = np.random.default_rng(1)
        worst = {}
        for _ in range(20):
            for op, n, m, f, blocks in LAYERS:
                x = rng.uniform(-1, 1, n).astype(np.float32)
                dy = rng.uniform(-1, 1, m).astype(np.float32)
                t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
                (f(t) * torch.tensor(dy, dtype=torch.float64)).sum().backward()
                dx, ref = bwd(lib, op, x, m, dy), t.grad.numpy()
                for lo, hi, name in blocks:
                    e = np.abs(dx[lo:hi] - ref[lo:hi]).max() / np.abs(ref[lo:hi]).max()
                    worst[op, name] = max(worst.get((op, name), 0.0), e)
            for op, f in LOSSES:
                x = rng.uniform(-1, 1, 10).astype(np.float32)
                t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
                f(t).backward()
                g, ref = grad(lib, op, x), t.grad.numpy()
                e = np.abs(g - ref).max() / np.abs(ref).max()
                worst[op, "input"] = max(worst.get((op, "input"), 0.0), e)
        for (op, name), e in worst.items():
            print(f"torch   {path.rsplit('/', 1)[-1]:8s} {op:7s} {name:7s} "
                  f"max |darknet - torch| / max |torch| over 20 points: {e:.2e}")


main()
