"""User functions from Python: traced once per arity into the C++ program, then run without
Python per element; the same lambda also works on plain numbers."""

import math

import numpy as np
import pytest

import minitorch as mt


def test_traced_program_matches_the_composed_ops(rng):
    f = mt.elementwise(lambda x, y: x * mt.sigmoid(y) + 1)
    assert f.program(2) == "add(mul(in0, sigmoid(in1)), 1)"
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((5,)).astype(np.float32)
    ta, tb = mt.from_numpy(a), mt.from_numpy(b)
    np.testing.assert_array_equal(f(ta, tb).numpy(), (ta * tb.sigmoid() + 1).numpy())


def test_traces_once_per_arity():
    calls = []

    def fn(*xs):
        calls.append(len(xs))
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out * 2

    f = mt.elementwise(fn)
    for _ in range(5):
        f(mt.ones(3), mt.ones(3))
    f(mt.ones(3))
    f(mt.ones(3), mt.ones(3), mt.ones(3))
    assert calls == [2, 1, 3]


def test_numbers_and_constants():
    f = mt.elementwise(lambda x: mt.where(x > 0, x, 0.1 * x) - 3 / (1 + x * x))
    assert f(2.0) == pytest.approx(2.0 - 3 / 5)
    assert f(mt.tensor([2.0, -1.0])).tolist() == pytest.approx([2.0 - 0.6, -0.1 - 1.5])
    g = mt.elementwise(lambda x: 2.0)
    assert g(mt.ones(3)).tolist() == [2.0, 2.0, 2.0]
    assert mt.sigmoid(0.0) == 0.5 and mt.exp(1.0) == pytest.approx(math.e)


def test_decorator_and_gradient():
    @mt.elementwise
    def swish(x):
        return x * mt.sigmoid(x)

    x = mt.tensor([0.5, -1.0], dtype=mt.float64, requires_grad=True)
    swish(x).sum().backward()
    s = 1 / (1 + np.exp(-x.detach().numpy()))
    np.testing.assert_allclose(x.grad.numpy(), s + x.detach().numpy() * s * (1 - s), rtol=1e-12)


def test_tracing_errors_are_clear():
    with pytest.raises(TypeError, match="truth value"):
        mt.elementwise(lambda x: x if x > 0 else 0)(mt.ones(2))
    with pytest.raises(TypeError, match="Expr"):
        mt.elementwise(lambda x: math.exp(x))(mt.ones(2))
    with pytest.raises(mt.ValueError, match="1 to 8"):
        mt.elementwise(lambda *xs: xs[0])(*[mt.ones(1)] * 9)


@pytest.mark.skipif(not mt.cuda.is_available(), reason="no CUDA backend or GPU")
def test_user_function_on_cuda_matches_cpu(rng):
    f = mt.elementwise(lambda x, y: x * mt.sigmoid(y) + y * 0.5)
    a = mt.from_numpy(rng.standard_normal((64, 33)).astype(np.float32))
    b = mt.from_numpy(rng.standard_normal((33,)).astype(np.float32))
    on_gpu = f(a.cuda(), b.cuda())
    assert on_gpu.device == mt.device("cuda:0")
    np.testing.assert_allclose(on_gpu.cpu().numpy(), f(a, b).numpy(), rtol=1e-6, atol=1e-6)
    x = a.cuda().requires_grad_()
    f(x, b.cuda()).sum().backward()
    assert x.grad.device == mt.device("cuda:0")
