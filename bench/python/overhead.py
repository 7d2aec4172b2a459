"""Per-call overhead from Python: a 1K-element float32 `a + b` with minitorch, numpy and PyTorch
(when installed) in the same run, and a 4-op user function over 16M float32 elements
(minitorch.elementwise vs the same ops composed; compare with the C++ user function's row of
`minitorch bench ops`).

usage: python bench/python/overhead.py [--quick]
Prints the best of several repeats of a timeit loop, in ns (or ms) per call. The lead runs it.
"""

import argparse
import timeit

import numpy as np

import minitorch as mt


def per_call_ns(stmt, number, repeat):
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number * 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    number, repeat = (2000, 3) if args.quick else (200000, 7)

    an = np.random.default_rng(0).random(1024, dtype=np.float32)
    bn = np.random.default_rng(1).random(1024, dtype=np.float32)
    a, b = mt.from_numpy(an), mt.from_numpy(bn)
    print("1K-element float32 a + b, ns per call (best of repeats)")
    print(f"  minitorch {mt.__version__:10s} {per_call_ns(lambda: a + b, number, repeat):8.0f}")
    print(f"  numpy {np.__version__:14s} {per_call_ns(lambda: an + bn, number, repeat):8.0f}")
    try:
        import torch

        at, bt = torch.from_numpy(an), torch.from_numpy(bn)
        print(f"  torch {torch.__version__:14s} {per_call_ns(lambda: at + bt, number, repeat):8.0f}")
    except ImportError:
        print("  torch: not installed")

    size = 1 << (20 if args.quick else 24)
    x = mt.rand(size) + 0.5
    y = mt.rand(size) + 0.5
    fused = mt.elementwise(lambda x, y: x * mt.sigmoid(y) + y * 0.5)  # 4 ops
    composed = lambda: x * y.sigmoid() + y * 0.5  # noqa: E731
    reps = 3 if args.quick else 20
    print(f"user function x*sigmoid(y)+y*0.5 over {size} float32, ms per call (best of {reps})")
    print(f"  minitorch.elementwise  {min(timeit.repeat(lambda: fused(x, y), number=1, repeat=reps)) * 1e3:8.3f}")
    print(f"  composed ops           {min(timeit.repeat(composed, number=1, repeat=reps)) * 1e3:8.3f}")


if __name__ == "__main__":
    main()
