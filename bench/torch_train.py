#!/usr/bin/python3
"""torch_train.py -- PyTorch's side of bench/compare.sh: one epoch of the
loop `backprop train' runs, on the same machine, thread count, batch and
model: 60,000 synthetic 28x28 images of 10 classes, batch 64, the
one-layer 784-10 and the two-layer 784-256-10 (ReLU) networks, SGD with
momentum 0.9, the cosine rate set each step, weight decay 5e-5 on the
two-layer network's weights (as backprop's defaults), float32 and
float64.  The images are converted to floats once, beforehand (backprop
converts each batch), which favours PyTorch.

Prints Markdown rows and, on stderr, "RESULT torch MODEL DTYPE THREADS
MEDIAN CPU_MEDIAN" lines (CPU: time.process_time, every thread).  Usage: torch_train.py THREADS REPEATS
(Debian's python3-torch: run with /usr/bin/python3.)"""
import math
import statistics
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
torch.set_num_threads(threads)
torch.manual_seed(1)
N, m, n, H, B = 60000, 784, 10, 256, 64
images = torch.randint(0, 256, (N, m), dtype=torch.uint8)
labels = torch.randint(0, n, (N,))

print("| program | model | arithmetic | threads | epoch min | epoch median | CPU median |")
print("|---|---|---|---|---|---|---|")
for hidden in (False, True):
    for dtype in (torch.float32, torch.float64):
        X = images.to(dtype) / 255.0
        if hidden:
            model = torch.nn.Sequential(torch.nn.Linear(m, H), torch.nn.ReLU(),
                                        torch.nn.Linear(H, n)).to(dtype)
            decay = [p for name, p in model.named_parameters() if name.endswith("weight")]
            bias = [p for name, p in model.named_parameters() if name.endswith("bias")]
            groups = [{"params": decay, "weight_decay": 5e-5},
                      {"params": bias, "weight_decay": 0.0}]
        else:
            model = torch.nn.Linear(m, n).to(dtype)
            groups = [{"params": model.parameters(), "weight_decay": 0.0}]
        opt = torch.optim.SGD(groups, lr=0.05, momentum=0.9)
        steps = repeats * ((N + B - 1) // B)
        step, times, cpu = 0, [], []
        for r in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            order = torch.randperm(N)
            for start in range(0, N, B):
                index = order[start:start + B]
                x, y = X[index], labels[index]
                lr = 0.05 * 0.5 * (1 + math.cos(math.pi * step / steps))
                for g in opt.param_groups:
                    g["lr"] = lr
                step += 1
                loss = torch.nn.functional.cross_entropy(model(x), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        name = "784-256-10" if hidden else "784-10"
        kind = "float32" if dtype == torch.float32 else "float64"
        med, cmed = statistics.median(times), statistics.median(cpu)
        print(f"| PyTorch {torch.__version__} | {name} | {kind} | {threads} | "
              f"{min(times):.3f} s | {med:.3f} s | {cmed:.3f} s |", flush=True)
        print(f"RESULT torch {name} {kind} {threads} {med:.6f} {cmed:.6f}",
              file=sys.stderr, flush=True)
