"""Typed errors: Python exception classes with the C++ message; inputs untouched after a throw."""

import numpy as np
import pytest

import minitorch as mt


def test_hierarchy():
    assert issubclass(mt.ShapeError, ValueError) and issubclass(mt.ShapeError, mt.Error)
    assert issubclass(mt.IndexError, IndexError)
    assert issubclass(mt.DTypeError, TypeError)
    assert issubclass(mt.ValueError, ValueError)
    assert issubclass(mt.ConfigError, mt.ValueError)
    assert issubclass(mt.OutOfMemoryError, MemoryError)
    assert issubclass(mt.DeviceError, RuntimeError)
    assert issubclass(mt.AutogradError, RuntimeError)


def test_messages_name_the_op_and_shapes():
    a = mt.zeros(2, 3)
    with pytest.raises(mt.ShapeError, match=r"add: shapes \[2, 3\] and \[4\]"):
        a + mt.zeros(4)
    with pytest.raises(mt.ShapeError, match=r"matmul"):
        a @ a
    with pytest.raises(mt.IndexError, match="select"):
        a[5]
    with pytest.raises(mt.IndexError, match="too many indices"):
        a[0, 0, 0]
    with pytest.raises(mt.DTypeError, match="float32 and float64"):
        a + mt.zeros(2, 3, dtype=mt.float64)
    with pytest.raises(mt.ShapeError, match="view"):
        a.T.view(6)
    with pytest.raises(mt.DTypeError):
        mt.zeros(2, dtype="int32")
    with pytest.raises(mt.DeviceError):
        mt.zeros(2, device="tpu")
    with pytest.raises(mt.ValueError, match="step"):
        a[::-1]


def test_inputs_untouched_after_a_throw():
    a = mt.ones(2, 3)
    before = a.tolist()
    with pytest.raises(mt.ShapeError):
        a.add_(mt.ones(4))
    with pytest.raises(mt.ShapeError):
        a.copy_(mt.ones(5))
    assert a.tolist() == before


def test_wrong_python_types_raise_type_error():
    a = mt.ones(2)
    with pytest.raises(TypeError):
        a + "x"
    with pytest.raises(TypeError):
        a.reshape("x")
    with pytest.raises(TypeError):
        mt.tensor([[1, 2], "ab"])
    with pytest.raises(mt.ShapeError, match="ragged"):
        mt.tensor([[1, 2], [3]])


def test_in_place_on_a_leaf_that_requires_grad():
    w = mt.ones(2, requires_grad=True)
    with pytest.raises(mt.Error):
        w.add_(mt.ones(2))
    with mt.no_grad():
        w.add_(mt.ones(2))
    assert w.tolist() == [2.0, 2.0]


def test_random_api_loop_never_crashes(rng):
    """A short random walk over the API with bad arguments: only typed exceptions come out."""
    ops = [
        lambda a, b: a + b,
        lambda a, b: a @ b,
        lambda a, b: a[b.shape[0] if b.ndim else 0],
        lambda a, b: a.reshape(b.shape),
        lambda a, b: a.sum(int(b.numel()) - 2),
        lambda a, b: mt.cat([a, b]),
        lambda a, b: a.permute(*range(b.ndim)),
        lambda a, b: mt.from_numpy(np.asarray(b)) * a,
        lambda a, b: a.expand(*b.shape),
        lambda a, b: a.softmax(b.ndim - 1),
    ]
    for _ in range(500):
        shapes = [tuple(int(s) for s in rng.integers(0, 4, rng.integers(0, 3))) for _ in range(2)]
        a = mt.rand(*shapes[0]) if shapes[0] else mt.rand(())
        b = mt.rand(*shapes[1]) if shapes[1] else mt.rand(())
        op = ops[rng.integers(0, len(ops))]
        try:
            op(a, b)
        except (mt.Error, TypeError):
            pass
