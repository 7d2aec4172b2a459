"""A random-API loop for a fixed time, printing the process's RSS as it goes: the issue's
"no leak in a random-API loop run for 10 minutes" check (run outside CI; RSS should level off).

usage: python bench/python/leak_check.py [seconds=600] [report_every_s=30]
Each iteration makes tensors of random shapes, runs ops that succeed and ops that throw
(wrong shapes, dtypes, indices), shares memory with numpy and DLPack both ways, traces a user
function and runs backward.
"""

import gc
import sys
import time

import numpy as np

import minitorch as mt


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def iteration(rng):
    shape = tuple(int(s) for s in rng.integers(1, 6, rng.integers(1, 4)))
    a = mt.rand(*shape, requires_grad=True)
    b = mt.from_numpy(rng.standard_normal(shape).astype(np.float32))
    f = mt.elementwise(lambda x, y: x * mt.sigmoid(y) + 1)
    (f(a, b).sum() + (a @ a.T if a.ndim == 2 else a).sum()).backward()
    n = b.numpy()
    c = mt.from_dlpack(b.__dlpack__())
    _ = np.from_dlpack(b).sum()
    _ = mt.from_numpy(n[..., ::2]) + c[..., :1]
    for bad in (lambda: a + mt.zeros(7, 7, 7), lambda: a[99], lambda: a + mt.zeros(1, dtype="float64"),
                lambda: mt.from_numpy(n[::-1]), lambda: a.view(-1, 13), lambda: mt.tensor([[1], []])):
        try:
            bad()
        except (mt.Error, TypeError):
            pass


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 600
    every = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    rng = np.random.default_rng(0)
    start = last = time.time()
    count = 0
    print(f"t=0s rss={rss_mib():.1f} MiB")
    while time.time() - start < seconds:
        iteration(rng)
        count += 1
        if time.time() - last >= every:
            gc.collect()
            last = time.time()
            print(f"t={last - start:.0f}s iterations={count} rss={rss_mib():.1f} MiB", flush=True)
    gc.collect()
    print(f"done: {count} iterations, rss={rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
