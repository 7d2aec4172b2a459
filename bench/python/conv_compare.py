"""Conv forward + backward GFLOP/s: `minitorch bench conv` beside PyTorch eager on the CPU, same
workloads, threads and counting (3 x 2 x the forward's multiply-adds per call), alternating
runs in one process tree (issue #13). The FMA-loop peak comes from `minitorch bench conv`.

usage: python bench/python/conv_compare.py [--minitorch build/release/bin/minitorch]
                                           [--threads 1 2] [--repeats 3] [--budget 1.0]
Prints, per workload and thread count, the median over runs of each side's median time, its
GFLOP/s, the share of the peak and the ratio PyTorch time / minitorch time (> 1: minitorch is
faster).
"""

import argparse
import json
import statistics
import subprocess
import time

import torch

WORKLOADS = {  # bench_conv.cpp's names: (input, weight, padding)
    "mnist 64x1x28x28, 1->16 3x3": ((64, 1, 28, 28), (16, 1, 3, 3), 1),
    "course conv2 64x4x28x28, 4->8 3x3": ((64, 4, 28, 28), (8, 4, 3, 3), 1),
    "64x16x32x32, 16->16 3x3": ((64, 16, 32, 32), (16, 16, 3, 3), 1),
    "sentiment conv1d 10x50x63, 50->100 w3": ((10, 50, 63), (100, 50, 3), 0),
}


def torch_median_s(shape_x, shape_w, padding, budget):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(shape_x, generator=g)
    w = torch.rand(shape_w, generator=g) - 0.5
    b = torch.rand(shape_w[0], generator=g)
    conv = torch.nn.functional.conv1d if len(shape_x) == 3 else torch.nn.functional.conv2d
    grad = torch.rand(conv(x, w, b, padding=padding).shape, generator=g)
    times = []
    start = time.perf_counter()
    for i in range(100000):
        xi, wi, bi = (t.detach().requires_grad_() for t in (x, w, b))
        t0 = time.perf_counter()
        conv(xi, wi, bi, padding=padding).backward(grad)
        t1 = time.perf_counter()
        if i >= 3:
            times.append(t1 - t0)
        if len(times) >= 5 and t1 - start > budget:
            break
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minitorch", default="build/release/bin/minitorch")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget", type=float, default=1.0)
    args = parser.parse_args()
    print(f"torch {torch.__version__}; {args.repeats} alternating runs; float32 conv forward + "
          "backward (input, weight, bias gradients)")
    print(f"{'workload':40s} {'thr':>3s} {'minitorch ms':>12s} {'GFLOP/s':>8s} {'%peak':>6s} "
          f"{'torch ms':>9s} {'GFLOP/s':>8s} {'%peak':>6s} {'torch/mt':>8s}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        ours = {name: [] for name in WORKLOADS}
        theirs = {name: [] for name in WORKLOADS}
        info = {}
        for _ in range(args.repeats):
            cmd = [args.minitorch, "bench", "conv", "--json", "--threads", str(threads),
                   "--budget", str(args.budget)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            for line in out.strip().splitlines():
                row = json.loads(line)
                ours[row["workload"]].append(row["median_s"])
                info[row["workload"]] = (row["flop"], row["peak_gflops"])
            for name, (sx, sw, pad) in WORKLOADS.items():
                theirs[name].append(torch_median_s(sx, sw, pad, args.budget))
        for name in WORKLOADS:
            flop, peak = info[name]
            m, t = statistics.median(ours[name]), statistics.median(theirs[name])
            print(f"{name:40s} {threads:3d} {m * 1e3:12.3f} {flop / m * 1e-9:8.1f} "
                  f"{100 * flop / m * 1e-9 / peak:5.1f}% {t * 1e3:9.3f} {flop / t * 1e-9:8.1f} "
                  f"{100 * flop / t * 1e-9 / peak:5.1f}% {t / m:8.2f}", flush=True)
        print(f"  (FMA-loop peak at {threads} thread(s): {peak:.1f} GFLOP/s)")


if __name__ == "__main__":
    main()
