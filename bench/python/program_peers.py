"""PyTorch eager (and numpy) composing the ops of the user-function benchmark rows of
`minitorch bench ops` (Note [Program benchmark]): the same 16M-element float32 arrays, the same
thread counts; median and min of the time per call in ms. Run by bench/program_bench.sh."""
import statistics
import sys
import time

import numpy as np

SIZE = 1 << 24
FUNCTIONS = {
    "x*sigmoid(y)+y*0.5": (lambda t, x, y: x * t.sigmoid(y) + y * 0.5),
    "(x-y)*(x+y)+x": (lambda t, x, y: (x - y) * (x + y) + x),
}


def timed(fn, budget_s=0.5, min_reps=5):
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < budget_s:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times), len(times)


def main():
    threads = [int(t) for t in sys.argv[1].split(",")] if len(sys.argv) > 1 else [1, 2]
    rng = np.random.default_rng(1234)
    x_np = (rng.random(SIZE, dtype=np.float32) + 0.5)
    y_np = (rng.random(SIZE, dtype=np.float32) + 0.5)
    try:
        import torch
    except ImportError:
        print("torch not installed: no PyTorch rows")
        return
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    for n in threads:
        torch.set_num_threads(n)
        for name, fn in FUNCTIONS.items():
            median, best, reps = timed(lambda: fn(torch, x, y))
            print(f"torch {torch.__version__} eager  {name:22s} thr {n}  median {median:8.2f} ms"
                  f"  min {best:8.2f} ms  reps {reps}")


if __name__ == "__main__":
    main()
