"""The Tensor API against numpy on random shapes and views (and PyTorch when installed)."""

import math
import operator

import numpy as np
import pytest

import minitorch as mt
from conftest import assert_matches, random_shape

UNARY = {
    "neg": np.negative,
    "exp": np.exp,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "relu": lambda x: np.maximum(x, 0),
    "tanh": np.tanh,
    "abs": np.abs,
    "sin": np.sin,
    "cos": np.cos,
    "sign": np.sign,
    "floor": np.floor,
    "expm1": np.expm1,
}
POSITIVE_UNARY = {"log": np.log, "sqrt": np.sqrt, "log1p": np.log1p, "reciprocal": np.reciprocal}
BINARY = {
    operator.add: np.add,
    operator.sub: np.subtract,
    operator.mul: np.multiply,
    operator.truediv: np.divide,
    operator.lt: np.less,
    operator.gt: np.greater,
    operator.le: np.less_equal,
    operator.ge: np.greater_equal,
    operator.eq: np.equal,
    operator.ne: np.not_equal,
}


def random_view(rng, shape):
    """A numpy float32 array of shape, sometimes as a transposed or stepped view."""
    kind = rng.integers(0, 3)
    if kind == 0 or len(shape) < 2:
        return rng.standard_normal(shape).astype(np.float32)
    if kind == 1:
        return rng.standard_normal(shape[::-1]).astype(np.float32).T
    big = tuple(s * 2 for s in shape)
    return rng.standard_normal(big).astype(np.float32)[tuple(slice(None, None, 2) for _ in shape)]


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_numpy(rng, name):
    for _ in range(8):
        x = random_view(rng, random_shape(rng))
        t = mt.from_numpy(x)
        assert_matches(getattr(t, name)(), UNARY[name](x), rtol=1e-5, atol=1e-6)
        if name in ("exp", "sigmoid", "relu", "tanh", "abs", "sin", "cos", "sign", "floor"):
            assert_matches(getattr(mt, name)(t), UNARY[name](x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(POSITIVE_UNARY))
def test_positive_unary_matches_numpy(rng, name):
    for _ in range(8):
        x = np.asarray(np.abs(random_view(rng, random_shape(rng))) + 0.1)
        assert_matches(getattr(mt.from_numpy(x), name)(), POSITIVE_UNARY[name](x), rtol=1e-5)


@pytest.mark.parametrize("op", list(BINARY), ids=lambda op: op.__name__)
def test_binary_broadcasts_like_numpy(rng, op):
    for _ in range(10):
        shape = random_shape(rng, max_dims=3, max_size=4)
        other = tuple(1 if rng.random() < 0.4 else s for s in shape)[int(rng.integers(0, 2)) :]
        a = random_view(rng, shape)
        b = random_view(rng, other)
        if op is operator.truediv:
            b = np.where(np.abs(b) < 0.1, 1.0, b).astype(np.float32)
        expected = BINARY[op](a, b)
        assert_matches(op(mt.from_numpy(a), mt.from_numpy(b)), expected, rtol=1e-5)
        # With a number on either side (the number takes the tensor's dtype).
        assert_matches(op(mt.from_numpy(a), 1.5), BINARY[op](a, np.float32(1.5)))
        assert_matches(op(1.5, mt.from_numpy(a)), BINARY[op](np.float32(1.5), a))


def test_comparisons_give_bool_tensors():
    t = mt.tensor([1.0, 2.0, 3.0])
    assert (t > 2).dtype == mt.bool
    assert (t == 2).tolist() == [False, True, False]
    assert (t != 2).tolist() == [True, False, True]


def test_pow_and_reflected_pow():
    x = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    t = mt.from_numpy(x)
    assert_matches(t**2, x**2)
    assert_matches(2.0**t, np.float32(2.0) ** x)
    assert_matches(t ** mt.tensor([1.0, 2.0, 3.0]), x ** np.array([1, 2, 3], np.float32))


def test_matmul_matches_numpy(rng):
    for m, k, n in [(1, 1, 1), (7, 31, 33), (33, 7, 1), (5, 0, 3)]:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        assert_matches(mt.from_numpy(a) @ mt.from_numpy(b), a @ b, rtol=1e-4, atol=1e-4)
    batch = rng.standard_normal((3, 4, 5)).astype(np.float64)
    vec = rng.standard_normal(5)
    assert_matches(mt.from_numpy(batch) @ mt.from_numpy(vec), batch @ vec, rtol=1e-10)
    assert_matches(mt.matmul(mt.from_numpy(vec), mt.from_numpy(vec)), vec @ vec, rtol=1e-10)


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "prod", "var", "std"])
def test_reductions_match_numpy(rng, name):
    numpy_fn = {"amax": np.max, "amin": np.min}.get(name, getattr(np, name))
    for _ in range(10):
        shape = random_shape(rng, max_dims=3, max_size=4)
        if 0 in shape or not shape:
            shape = (2, 3)
        x = random_view(rng, shape).astype(np.float64)
        t = mt.from_numpy(x)
        kwargs = {"ddof": 1} if name in ("var", "std") else {}
        assert_matches(getattr(t, name)(), numpy_fn(x, **kwargs), rtol=1e-9)
        dim = int(rng.integers(-len(shape), len(shape)))
        for keepdim in (False, True):
            if name == "prod":
                got = t.prod(dim, keepdim)
            else:
                got = getattr(t, name)(dim, keepdim=keepdim)
            expected = numpy_fn(x, axis=dim, keepdims=keepdim, **kwargs)
            if name in ("var", "std") and shape[dim] == 1:
                continue
            assert_matches(got, expected, rtol=1e-9)


def test_max_with_dim_returns_values_and_indices():
    t = mt.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    values, indices = t.max(1)
    assert values.tolist() == [5.0, 7.0]
    assert indices.tolist() == [1, 0]
    assert t.min(dim=0).indices.tolist() == [0, 1, 0]
    assert t.argmax().item() == 3


def test_softmax_logsumexp_cumsum(rng):
    x = rng.standard_normal((4, 6))
    t = mt.from_numpy(x)
    e = np.exp(x - x.max(1, keepdims=True))
    assert_matches(t.softmax(1), e / e.sum(1, keepdims=True), rtol=1e-9)
    assert_matches(t.logsumexp(1), np.log(np.exp(x).sum(1)), rtol=1e-9)
    assert_matches(t.cumsum(0), np.cumsum(x, 0), rtol=1e-9)


def random_index(rng, shape):
    """A random basic index (ints, slices with steps, None, ...) for shape."""
    parts = []
    dims = list(shape)
    use_ellipsis = rng.random() < 0.3 and dims
    for d, size in enumerate(dims):
        if use_ellipsis and d == len(dims) - 1:
            parts.append(Ellipsis)
            break
        r = rng.random()
        if r < 0.25 and size > 0:
            parts.append(int(rng.integers(-size, size)))
        elif r < 0.35:
            parts.append(None)
            parts.append(slice(None))
        else:
            start = int(rng.integers(-size - 2, size + 2)) if rng.random() < 0.5 else None
            stop = int(rng.integers(-size - 2, size + 2)) if rng.random() < 0.5 else None
            parts.append(slice(start, stop, int(rng.integers(1, 4))))
    return tuple(parts)


def test_basic_indexing_gives_numpy_views(rng):
    for _ in range(200):
        shape = random_shape(rng, max_dims=4, max_size=6)
        x = rng.standard_normal(shape)
        t = mt.from_numpy(x)
        index = random_index(rng, shape)
        got = t[index]
        expected = x[index]
        assert got.shape == expected.shape, (shape, index)
        assert_matches(got, expected)
        if got.numel() > 0:
            # A view: writing through it is visible in the numpy array.
            got.fill_(42.0)
            assert np.all(x[index] == 42.0), (shape, index)


def test_tensor_and_bool_indexing(rng):
    x = rng.standard_normal((5, 4, 3))
    t = mt.from_numpy(x)
    idx = np.array([[0, 4], [-1, 2]])
    assert_matches(t[mt.tensor(idx.tolist())], x[idx])
    assert_matches(t[:, [3, 0, -2]], x[:, [3, 0, -2]])
    # An int next to a tensor index selects first, as in PyTorch (numpy would move dims).
    assert_matches(t[1, :, mt.tensor([2, 0])], x[1][:, [2, 0]])
    mask = x > 0
    assert_matches(t[t > 0], x[mask])
    assert_matches(t[mt.from_numpy(mask[:, :, 0])], x[mask[:, :, 0]])
    t[t > 0] = 0.0
    assert np.all(x <= 0)


def test_setitem_with_tensor_and_number():
    t = mt.zeros(3, 4)
    t[1] = 5.0
    t[:, 2] = mt.tensor([1.0, 2.0, 3.0])
    t[0, ...] = mt.tensor([9.0])
    assert t.tolist() == [[9.0] * 4, [5.0, 5.0, 2.0, 5.0], [0.0, 0.0, 3.0, 0.0]]


def test_python_protocols():
    t = mt.tensor([[1, 2, 3], [4, 5, 6]])
    assert len(t) == 2
    assert [row.tolist() for row in t] == [[1, 2, 3], [4, 5, 6]]
    assert t.dtype == mt.int64 and t.shape == (2, 3) and t.ndim == 2
    assert t.device == mt.device("cpu") and str(t.device) == "cpu"
    assert t[1, 2].item() == 6 and isinstance(t[1, 2].item(), int)
    assert int(t[0, 0]) == 1 and float(t[0, 1]) == 2.0
    assert repr(t) == "tensor([[1, 2, 3],\n        [4, 5, 6]])"
    assert mt.tensor(2.5).item() == 2.5
    assert mt.tensor([True, False]).dtype == mt.bool
    assert mt.tensor([1.0, 2]).dtype == mt.float32
    assert bool(mt.tensor(1.0)) and not bool(mt.tensor(0.0))
    assert [1, 2, 3][mt.tensor(1)] == 2
    with pytest.raises(TypeError):
        len(mt.tensor(1.0))
    s = {t, t}
    assert len(s) == 1


def test_in_place_operators_keep_the_object():
    t = mt.ones(2, 2)
    alias = t
    t += 1
    t *= mt.tensor([2.0, 3.0])
    t -= 1.0
    t /= 2
    assert t is alias
    assert t.tolist() == [[1.5, 2.5], [1.5, 2.5]]
    assert t.add_(1.0, alpha=2.0) is alias
    assert t.tolist() == [[3.5, 4.5], [3.5, 4.5]]


def test_factories():
    assert mt.zeros(2, 3).shape == (2, 3)
    assert mt.zeros((2, 3), dtype=mt.float64).dtype == mt.float64
    assert mt.ones([4]).tolist() == [1.0] * 4
    assert mt.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert mt.arange(5).dtype == mt.int64 and mt.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert mt.arange(0.0, 1.0, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert mt.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert mt.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    r = mt.randint(0, 10, (100,))
    assert r.dtype == mt.int64 and 0 <= r.min().item() and r.max().item() < 10
    g = mt.Generator(3)
    a = mt.rand(4, generator=g)
    b = mt.rand(4, generator=mt.Generator(3))
    assert a.tolist() == b.tolist()
    assert mt.zeros_like(a, dtype="float64").dtype == mt.float64
    assert mt.randn(1000).std().item() == pytest.approx(1.0, abs=0.15)
    assert mt.tensor(np.arange(3, dtype=np.int32)).dtype == mt.int64


def test_views_share_storage():
    t = mt.arange(12.0).reshape(3, 4)
    v = t.T
    assert v.shape == (4, 3) and v.stride() == (1, 4)
    v[0, 0] = 100.0
    assert t[0, 0].item() == 100.0
    assert t.permute(1, 0).is_contiguous() is False
    assert t.view(-1).shape == (12,)
    assert t.unsqueeze(0).squeeze().shape == (3, 4)
    assert t.expand(2, 3, 4).stride() == (0, 4, 1)
    assert [p.shape for p in mt.split(t, 2, 1)] == [(3, 2), (3, 2)]
    assert mt.cat([t, t]).shape == (6, 4) and mt.stack([t, t], 1).shape == (3, 2, 4)


def test_conversions():
    t = mt.tensor([1.7, -2.2])
    assert t.to(mt.int64).tolist() == [1, -2]
    assert t.long().dtype == mt.int64 and t.double().dtype == mt.float64
    assert t.to("float64").dtype == mt.float64 and t.to("cpu") is not None
    assert t.bool().tolist() == [True, True]
    assert math.isclose(t.sum().item(), -0.5, rel_tol=1e-6)


def test_against_pytorch_when_installed(rng):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((3, 4)).astype(np.float32)
    t = mt.from_numpy(x)
    r = torch.from_numpy(x)
    for name in ("exp", "tanh", "sigmoid", "relu"):
        np.testing.assert_allclose(getattr(t, name)().numpy(), getattr(r, name)().numpy(), rtol=1e-6)
    np.testing.assert_allclose(t.softmax(1).numpy(), r.softmax(1).numpy(), rtol=1e-5)
    np.testing.assert_allclose(t.var(1).numpy(), r.var(1).numpy(), rtol=1e-5)


def test_where_numbers_take_the_value_dtype():
    t = mt.tensor([-1.0, 2.0], dtype=mt.float64)
    assert mt.where(t > 0, t, 0.0).dtype == mt.float64
    assert mt.where(t > 0, 0.0, t).tolist() == [-1.0, 0.0]
    both = mt.where(t > 0, 1.0, 0.0)
    assert both.dtype == mt.float32 and both.tolist() == [0.0, 1.0]


def test_setitem_through_an_int_index(rng):
    x = rng.standard_normal((5, 4, 3))
    t = mt.tensor(x)
    t[[0, -1]] = 7.0
    x[[0, -1]] = 7.0
    t[1, :, mt.tensor([2, 0])] = mt.tensor([[1.0, 2.0]], dtype=mt.float64)
    x[1][:, [2, 0]] = np.array([[1.0, 2.0]])
    t[2:4, mt.tensor([[1], [3]])] = mt.zeros(2, 2, 1, 3, dtype=mt.float64)
    x[2:4][:, [[1], [3]]] = 0
    assert_matches(t, x)
    with pytest.raises(mt.IndexError, match="last entry"):
        t[mt.tensor([0]), 1] = 0.0
