#!/usr/bin/python3
"""torch_train.py -- PyTorch's side of bench/compare.sh: one epoch of the
loop `backprop train' runs, on the same machine, thread count, batch and
model: 60,000 synthetic 28x28 images of 10 classes, batch 64, the
one-layer 784-10 and the two-layer 784-256-10 (ReLU) networks, SGD with
momentum 0.9, the cosine rate set each step, weight decay 5e-5 on the
two-layer network's weights (as backprop's defaults), float32 and
float64.  The images are converted to floats once, beforehand (backprop
converts each batch), which favours PyTorch.  THREADS is every thread the
process runs: torch's OpenMP threads and OpenBLAS's (OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS are set to it before torch is imported), as backprop
sets its OpenBLAS to the same count.

Prints Markdown rows and, on stderr, "RESULT torch MODEL DTYPE THREADS
MEDIAN CPU_MEDIAN" lines (CPU: time.process_time, every thread).  Usage: torch_train.py THREADS REPEATS
(Debian's python3-torch: run with /usr/bin/python3.)

With --cnn C1,C2,H (bench/compare.sh --cnn): instead, BATCHES batches of
64 of `backprop train --conv C1,C2 --hidden H''s network (conv 5x5 p=2
C1 -> ReLU -> max-pool 2x2 -> conv 5x5 p=2 C2 -> ReLU -> max-pool ->
flatten -> [linear H -> ReLU] -> linear 10; SGD with momentum 0.9, the
cosine rate from 0.05 over the REPEATS epochs, weight decay 5e-4 on the
weights only, as bp_net_cnn->defaults), in the one --dtype, on the
first 64 BATCHES images of Fashion-MNIST's training set in --data DIR
(else synthetic ones): "RESULT torch cnn-C1-C2-H DTYPE THREADS MEDIAN
CPU_MEDIAN PEAK_KB" (PEAK_KB: this process's ru_maxrss, import torch
included; one dtype per process so that each peak is its own); with
ONEDNN_MAX_CPU_ISA set (oneDNN's convolutions held to that ISA),
"RESULT torch-held ..." and the row names it.
  Usage: torch_train.py THREADS REPEATS --cnn C1,C2,H [--batches N]
         [--data DIR] [--dtype float64|float32]

With --kernels: instead, one training step of each model in each dtype
under the profiler, and the kernels they ran, as Markdown rows: the
ATen operators of the products (aten::addmm and aten::mm go to the BLAS
torch was linked with, named from this process's maps, with
OPENBLAS_CORETYPE; aten::mkldnn_convolution to oneDNN, with the ISA its
JIT chose; aten::_slow_conv2d_* is im2col and the BLAS), and
torch.__config__.show()'s CPU capability and BLAS_INFO.
  Usage: torch_train.py --kernels [--cnn C1,C2,H]"""
import argparse
import gzip
import math
import os
import resource
import statistics
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("threads", type=int, nargs="?", default=1)
ap.add_argument("repeats", type=int, nargs="?", default=3)
ap.add_argument("--cnn")
ap.add_argument("--batches", type=int, default=20)
ap.add_argument("--data")
ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
ap.add_argument("--kernels", action="store_true")
args = ap.parse_args()
threads, repeats = args.threads, args.repeats
# Debian's torch calls the system's OpenBLAS (BLAS_INFO=generic), whose
# pthreads torch.set_num_threads does not govern: left alone, OpenBLAS
# starts one thread a core, which busy-wait between products, so that
# "1 thread" burned 2 cores and 2 threads ran 2 OpenMP threads beside 2
# OpenBLAS ones.  Both libraries read these when torch is imported; backprop
# sets its OpenBLAS to the same count (openblas_set_num_threads).
os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(threads)
import torch  # noqa: E402  (after the variables above)

torch.set_num_threads(threads)
torch.manual_seed(1)


def idx(path, header):
    """The bytes of an IDX file after its header (gzip'd, as Debian ships it)."""
    with gzip.open(path, "rb") as f:
        return bytearray(f.read()[header:])


def cnn():
    """--cnn: the network of `backprop train --conv C1,C2 --hidden H'."""
    c1, c2, hidden = (int(c) for c in args.cnn.split(","))
    B, count = 64, 64 * args.batches
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    if args.data:
        images = torch.frombuffer(idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"),
                                      16), dtype=torch.uint8).view(-1, 1, 28, 28)[:count]
        labels = torch.frombuffer(idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"),
                                      8), dtype=torch.uint8)[:count].long()
        what = f"{args.data}, the first {count} images"
    else:
        images = torch.randint(0, 256, (count, 1, 28, 28), dtype=torch.uint8)
        labels = torch.randint(0, 10, (count,))
        what = f"synthetic 28x28 images (no Fashion-MNIST), {count}"
    X = images.to(dtype) / 255.0
    layers = [torch.nn.Conv2d(1, c1, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
              torch.nn.Conv2d(c1, c2, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
              torch.nn.Flatten()]
    features = c2 * 7 * 7
    if hidden:
        layers += [torch.nn.Linear(features, hidden), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(hidden or features, 10))
    model = torch.nn.Sequential(*layers).to(dtype)
    decay = [p for name, p in model.named_parameters() if name.endswith("weight")]
    bias = [p for name, p in model.named_parameters() if name.endswith("bias")]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4},
                           {"params": bias, "weight_decay": 0.0}], lr=0.05, momentum=0.9)
    steps = repeats * args.batches
    step, times, cpu = 0, [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        order = torch.randperm(count)
        for start in range(0, count, B):
            index = order[start:start + B]
            x, y = X[index], labels[index]
            for g in opt.param_groups:
                g["lr"] = 0.05 * 0.5 * (1 + math.cos(math.pi * step / steps))
            step += 1
            loss = torch.nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    name = f"cnn-{c1}-{c2}-{hidden}"
    med, cmed = statistics.median(times), statistics.median(cpu)
    # ONEDNN_MAX_CPU_ISA set (compare.sh, to match OPENBLAS_CORETYPE): its
    # own row and RESULT name, beside the default one
    held = os.environ.get("ONEDNN_MAX_CPU_ISA")
    program = f"PyTorch {torch.__version__}" + (f" (ONEDNN_MAX_CPU_ISA={held})" if held else "")
    print(f"| {program} | cnn {c1},{c2},{hidden} | {args.dtype} | {threads} | "
          f"{min(times):.3f} s | {med:.3f} s | {cmed:.3f} s | {peak / 1024:.0f} MiB |", flush=True)
    print(f"(PyTorch: {what}; torch.get_num_threads() {torch.get_num_threads()})",
          file=sys.stderr, flush=True)
    print(f"RESULT {'torch-held' if held else 'torch'} {name} {args.dtype} {threads} "
          f"{med:.6f} {cmed:.6f} {peak}", file=sys.stderr, flush=True)


def onednn_isa(step):
    """The ISA line oneDNN prints in verbose mode while step() runs (its
    output goes to the C stdout: fd 1 is sent to a file meanwhile)."""
    import tempfile
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+b") as f:
        os.dup2(f.fileno(), 1)
        try:
            with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
                step()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        f.seek(0)
        lines = f.read().decode(errors="replace").splitlines()
    isa = [ln.split("isa:", 1)[1] for ln in lines if "isa:" in ln]
    impl = sorted({" ".join(ln.split(",")[4:6]) for ln in lines
                   if ln.startswith("onednn_verbose,exec,cpu,convolution")})
    return (isa[0] if isa else "?"), ", ".join(impl)


def kernels():
    """--kernels: the operators each model's step runs, and where they go."""
    c1, c2, hidden = (int(c) for c in (args.cnn or "32,64,128").split(","))
    maps = sorted({ln.split()[-1] for ln in open("/proc/self/maps")
                   if "blas" in ln.split()[-1]})
    blas = next((m for m in maps if "openblas" in os.path.basename(m)),
                maps[0] if maps else "?")
    config = torch.__config__.show()
    cap = next((ln.split(":", 1)[1].strip() for ln in config.splitlines()
                if "CPU capability" in ln), "?")
    info = next((f for f in config.replace(",", " ").split() if f.startswith("BLAS_INFO=")),
                "BLAS_INFO=?")
    try:
        import ctypes
        blas_threads = ctypes.CDLL(blas).openblas_get_num_threads()
    except (OSError, AttributeError):
        blas_threads = "?"
    print(f"PyTorch {torch.__version__}: {info}, CPU capability {cap}; BLAS loaded: {blas}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; "
          f"threads: torch {torch.get_num_threads()}, OpenBLAS {blas_threads}\n")
    print("| model | dtype | operators of the products | kernels |\n|---|---|---|---|")
    convs = [torch.nn.Conv2d(1, c1, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
             torch.nn.Conv2d(c1, c2, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
             torch.nn.Flatten()]
    fc = ([torch.nn.Linear(c2 * 49, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)]
          if hidden else [torch.nn.Linear(c2 * 49, 10)])
    models = (("784-10", lambda: torch.nn.Linear(784, 10), (64, 784)),
              ("784-256-10", lambda: torch.nn.Sequential(torch.nn.Linear(784, 256),
                                                         torch.nn.ReLU(),
                                                         torch.nn.Linear(256, 10)), (64, 784)),
              (f"cnn {c1},{c2},{hidden}", lambda: torch.nn.Sequential(*convs, *fc),
               (64, 1, 28, 28)))
    for name, make, shape in models:
        for dtype in (torch.float32, torch.float64):
            model = make().to(dtype)
            x, y = torch.rand(*shape, dtype=dtype), torch.randint(0, 10, (64,))

            def step():
                torch.nn.functional.cross_entropy(model(x), y).backward()
            with torch.autograd.profiler.profile() as prof:
                step()
            ops = sorted({e.name for e in prof.function_events
                          if e.name in ("aten::addmm", "aten::mm", "aten::mkldnn_convolution",
                                        "aten::_slow_conv2d_forward",
                                        "aten::_slow_conv2d_backward",
                                        "aten::mkldnn_convolution_backward")
                          or e.name.startswith("aten::convolution_backward")})
            where = []
            if {"aten::addmm", "aten::mm"} & set(ops):
                where.append(f"{'s' if dtype == torch.float32 else 'd'}gemm of "
                             f"{os.path.basename(blas)}")
            if "aten::mkldnn_convolution" in ops:
                isa, impl = onednn_isa(step)
                where.append(f"oneDNN convolution {impl} ({isa})")
            if "aten::_slow_conv2d_forward" in ops:
                where.append("im2col and gemm of the BLAS (slow_conv2d)")
            kind = "float32" if dtype == torch.float32 else "float64"
            print(f"| {name} | {kind} | {', '.join(ops)} | {'; '.join(where)} |", flush=True)


if args.kernels:
    kernels()
    sys.exit(0)
if args.cnn:
    cnn()
    sys.exit(0)
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
