"""Shared helpers of the Python suite (docs/python.md): seeded random arrays and views."""

import os
import zlib

import numpy as np
import pytest

import minitorch as mt


@pytest.fixture
def rng(request):
    # One seed per test: the test id's CRC-32 (stable across runs, unlike hash(), which Python
    # salts per process) plus MINITORCH_TEST_SEED when set, as in the C++ suites.
    extra = int(os.environ.get("MINITORCH_TEST_SEED", "0"))
    return np.random.default_rng((zlib.crc32(request.node.name.encode()) + extra) % (2**32))


def random_shape(rng, max_dims=4, max_size=5):
    """A shape of 0 to max_dims dims, sizes 0 to max_size (1 and 0 included)."""
    return tuple(int(rng.integers(0, max_size + 1)) for _ in range(rng.integers(0, max_dims + 1)))


def assert_matches(t, expected, rtol=1e-5, atol=1e-6):
    """t (a minitorch Tensor) equals the numpy array expected: shape, dtype kind and values."""
    got = t.detach().numpy()
    assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


def layouts(rng, count):
    """count numpy arrays with varied layouts: permuted, stepped slices, expanded, offset, 0-d,
    size-0, non-contiguous, in every dtype minitorch shares."""
    out = []
    dtypes = [np.float32, np.float64, np.int64, np.bool_]
    i = 0
    while len(out) < count:
        dtype = dtypes[i % len(dtypes)]
        kind = i % 8
        base = (rng.standard_normal((6, 7, 8)) * 10).astype(dtype)
        if kind == 0:
            a = base.transpose(2, 0, 1)
        elif kind == 1:
            a = base[1::2, ::3, 2:7:2]
        elif kind == 2:
            a = np.broadcast_to(base[:, :1, 3:4], (6, 5, 4))
        elif kind == 3:
            a = base[2:3, 3:4, 4:5].reshape(())
        elif kind == 4:
            a = base[:, 2:2, :]
        elif kind == 5:
            a = base[3:, 1:, 5:]
        elif kind == 6:
            a = base[..., 1].T
        else:
            a = base.reshape(6, 56)[:, 7:41:3]
        out.append(a)
        i += 1
    return out


@pytest.fixture
def mt_module():
    return mt
