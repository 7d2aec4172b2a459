"""The parallel-matmul notebook's comparison from Python: minitorch beside numpy, Numba
(prange), multiprocessing and PyTorch, whichever are installed, in one run.

Workloads (as `minitorch bench matmul`): lowL 10 x (200x10)(10x400), highL 10 x
(20x10000)(10000x40), big 3 x (200x100000)(100000x400), each in C and F orders and float32 and
float64; then the course's xor training loop (run_fast_tensor.py's: 50 points, hidden 100,
batches of 10 built from Python lists, the course's loss, SGD lr 0.05) per epoch, minitorch vs
PyTorch eager. Prints a table (median ms per workload) and, with
--plot, draws a bar chart (SVG, no matplotlib needed).

usage: python bench/python/notebook_compare.py [--quick] [--threads N] [--plot out.svg]
       [--only lowL,highL,big,xor] [--peers minitorch,numpy,numba,mp,torch]
The lead runs it; do not time anything on a shared machine.
"""

import argparse
import os
import random
import statistics
import sys
import time

import numpy as np

import minitorch as mt

WORKLOADS = {  # name: (m, k, n, products)
    "lowL": (200, 10, 400, 10),
    "highL": (20, 10000, 40, 10),
    "big": (200, 100000, 400, 3),
}


def timed(fn, runs):
    fn()  # warm-up: first-touch of memory, thread pools, JIT
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def make_inputs(m, k, n, count, dtype, order, seed=0):
    rng = np.random.default_rng(seed)
    a = [np.asarray(rng.standard_normal((m, k)), dtype=dtype, order=order) for _ in range(count)]
    b = [np.asarray(rng.standard_normal((k, n)), dtype=dtype, order=order) for _ in range(count)]
    return a, b


# ---- Peers ------------------------------------------------------------------------------------


def peer_minitorch(a, b):
    ta = [mt.from_numpy(x) for x in a]  # zero-copy, any order
    tb = [mt.from_numpy(x) for x in b]
    return lambda: [x @ y for x, y in zip(ta, tb)]


def peer_numpy(a, b):
    return lambda: [x @ y for x, y in zip(a, b)]


def peer_numba(a, b):
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(parallel=True, fastmath=False, cache=True)
    def matmul(x, y):
        m, k = x.shape
        n = y.shape[1]
        out = np.zeros((m, n), dtype=x.dtype)
        for i in numba.prange(m):
            for p in range(k):
                xv = x[i, p]
                for j in range(n):
                    out[i, j] += xv * y[p, j]
        return out

    return lambda: [matmul(x, y) for x, y in zip(a, b)]


def _mp_matmul(pair):
    return pair[0] @ pair[1]


def peer_multiprocessing(a, b, threads):
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(threads)
    pairs = list(zip(a, b))
    run = lambda: pool.map(_mp_matmul, pairs)  # noqa: E731 (the notebook's way: pickle in/out)
    run.pool = pool
    return run


def peer_torch(a, b):
    try:
        import torch
    except ImportError:
        return None
    ta = [torch.from_numpy(x) for x in a]
    tb = [torch.from_numpy(x) for x in b]
    return lambda: [x @ y for x, y in zip(ta, tb)]


# ---- The course's training loop -----------------------------------------------------------------


def course_xor_loop(lib, epochs):
    """The course's training loop (run_fast_tensor.py) for lib (minitorch or torch): the
    Network Linear(2, 100)-relu-Linear(100, 100)-relu-Linear(100, 1)-sigmoid, each epoch a
    shuffle of the 50 xor points in Python, mini-batches of 10 made from Python lists, the
    course's loss -log(out * y + (out - 1) * (y - 1)) averaged, backward, SGD lr 0.05."""
    ds = mt.data.make_xor(50, 0)
    points, labels = ds.x_tensor().tolist(), ds.y_tensor().tolist()
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(2, 100), lib.nn.ReLU(), lib.nn.Linear(100, 100),
                              lib.nn.ReLU(), lib.nn.Linear(100, 1), lib.nn.Sigmoid())
    opt = lib.optim.SGD(model.parameters(), lr=0.05)
    rng = random.Random(0)

    def run():
        for _ in range(epochs):
            pairs = list(zip(points, labels))
            rng.shuffle(pairs)
            for i in range(0, len(pairs), 10):
                batch = pairs[i:i + 10]
                x = lib.tensor([p for p, _ in batch])
                y = lib.tensor([t for _, t in batch])
                opt.zero_grad()
                out = model(x).view(y.shape[0])
                prob = (out * y) + (out - 1.0) * (y - 1.0)
                loss = -prob.log()
                (loss / y.shape[0]).sum().view(1).backward()
                opt.step()

    return run


def xor_epoch_minitorch(epochs):
    return course_xor_loop(mt, epochs)


def xor_epoch_torch(epochs):
    try:
        import torch
    except ImportError:
        return None
    return course_xor_loop(torch, epochs)


# ---- Output -------------------------------------------------------------------------------------


def write_svg(path, rows, peers):
    """A grouped bar chart of log10(ms), one group per workload, one bar per peer."""
    import math

    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
    width, height, left, bottom = 60 + 24 * len(peers) * len(rows), 320, 50, 260
    values = [v for _, r in rows for v in r.values() if v]
    top = math.ceil(math.log10(max(values))) + 1 if values else 1
    lo = math.floor(math.log10(min(values))) if values else 0
    scale = (bottom - 20) / max(top - lo, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 150}" height="{height}" '
             'font-family="sans-serif" font-size="10">']
    x = left
    for name, result in rows:
        for i, peer in enumerate(peers):
            ms = result.get(peer)
            if ms:
                h = (math.log10(ms) - lo) * scale
                parts.append(f'<rect x="{x + 20 * i}" y="{bottom - h:.1f}" width="18" '
                             f'height="{h:.1f}" fill="{colors[i % len(colors)]}"/>')
        parts.append(f'<text x="{x}" y="{bottom + 14}" transform="rotate(30 {x} {bottom + 14})">'
                     f"{name}</text>")
        x += 24 * len(peers)
    for i, peer in enumerate(peers):
        parts.append(f'<rect x="{x + 10}" y="{20 + 14 * i}" width="10" height="10" '
                     f'fill="{colors[i % len(colors)]}"/><text x="{x + 24}" y="{29 + 14 * i}">'
                     f"{peer}</text>")
    parts.append(f'<text x="5" y="12">median ms per workload, log scale (10^{lo} .. 10^{top})'
                 "</text></svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, lowL and highL only")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--plot", help="write a bar chart (SVG) here")
    parser.add_argument("--only", default="lowL,highL,big,xor")
    parser.add_argument("--peers", default="minitorch,numpy,numba,mp,torch")
    args = parser.parse_args()
    only = args.only.split(",")
    if args.quick and args.only == parser.get_default("only"):
        only = ["lowL", "highL", "xor"]
    wanted = args.peers.split(",")
    runs = 3 if args.quick else 10
    os.environ.setdefault("MINITORCH_NUM_THREADS", str(args.threads))
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        pass

    peers = [p for p in ["minitorch", "numpy", "numba", "mp", "torch"] if p in wanted]
    rows = []
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {args.threads} threads")
    print(f"{'workload':24s}" + "".join(f"{p:>12s}" for p in peers) + "   (median ms)")
    for name, (m, k, n, count) in WORKLOADS.items():
        if name not in only:
            continue
        for dtype in (np.float64, np.float32):
            for order in ("C", "F"):
                a, b = make_inputs(m, k, n, count, dtype, order)
                expected = [x @ y for x, y in zip(a, b)]
                result = {}
                for peer in peers:
                    make = {
                        "minitorch": lambda: peer_minitorch(a, b),
                        "numpy": lambda: peer_numpy(a, b),
                        "numba": lambda: peer_numba(a, b),
                        "mp": lambda: peer_multiprocessing(a, b, args.threads),
                        "torch": lambda: peer_torch(a, b),
                    }[peer]
                    run = make()
                    if run is None:
                        continue
                    got = run()
                    tol = 1e-3 if dtype == np.float32 else 1e-9
                    for g, e in zip(got, expected):
                        np.testing.assert_allclose(np.asarray(g), e, rtol=tol, atol=tol * k)
                    result[peer] = timed(run, runs if name != "big" else max(1, runs // 3))
                    if hasattr(run, "pool"):
                        run.pool.terminate()
                label = f"{name} {np.dtype(dtype).name} {order}"
                rows.append((label, result))
                print(f"{label:24s}" + "".join(
                    f"{result[p]:12.3f}" if p in result else f"{'-':>12s}" for p in peers))
    if "xor" in only:
        epochs = 50
        result = {}
        for peer, make in (("minitorch", xor_epoch_minitorch), ("torch", xor_epoch_torch)):
            if peer in peers:
                run = make(epochs)
                if run is not None:
                    result[peer] = timed(run, runs) / epochs
        rows.append(("xor epoch", result))
        print(f"{'xor epoch (course loop)':24s}" + "".join(
            f"{result[p]:12.4f}" if p in result else f"{'-':>12s}" for p in peers))
    if args.plot:
        write_svg(args.plot, rows, peers)
        print(f"chart: {args.plot}")


if __name__ == "__main__":
    main()
