"""Autograd from Python against central differences in float64."""

import numpy as np
import pytest

import minitorch as mt


def numerical_grad(fn, x, eps=1e-6):
    """d sum(fn(x)) / dx by central differences, x a float64 numpy array."""
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = fn(mt.from_numpy(x)).sum().item()
        flat[i] = old - eps
        down = fn(mt.from_numpy(x)).sum().item()
        flat[i] = old
        grad.reshape(-1)[i] = (up - down) / (2 * eps)
    return grad


CASES = {
    "exp": lambda t: t.exp(),
    "sigmoid*tanh": lambda t: t.sigmoid() * t.tanh(),
    "pow": lambda t: (t * t + 1.0) ** 1.5,
    "div": lambda t: 1.0 / (t.abs() + 1.0),
    "matmul": lambda t: t @ t.T,
    "softmax": lambda t: t.softmax(1) * mt.arange(4.0, dtype=mt.float64),
    "logsumexp": lambda t: t.logsumexp(0),
    "var": lambda t: t.var(1),
    "index": lambda t: t[mt.tensor([2, 0, 2])][:, 1:3],
    "slice": lambda t: t[::2, 1::2] * 3.0,
    "max": lambda t: t.amax(1),
    "where": lambda t: mt.where(t > 0, t, t * 0.1),
    "user_fn": lambda t: mt.elementwise(lambda x: x * mt.sigmoid(x) + 1)(t),
    "user_fn2": lambda t: mt.elementwise(lambda x, y: mt.exp(x) * y - x / 2)(t, t.T.T * 2.0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_central_differences(rng, name):
    fn = CASES[name]
    x = rng.standard_normal((3, 4))
    t = mt.from_numpy(x.copy()).requires_grad_()
    fn(t).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), numerical_grad(fn, x.copy()), rtol=1e-5, atol=1e-6)


def test_backward_accumulates_and_grad_can_be_reset():
    w = mt.ones(2, requires_grad=True)
    (w * 3.0).sum().backward()
    (w * 3.0).sum().backward()
    assert w.grad.tolist() == [6.0, 6.0]
    w.grad = None
    assert w.grad is None
    assert w.is_leaf and not (w * 2).is_leaf
    assert (w * 2).grad_fn is not None


def test_no_grad_and_enable_grad():
    w = mt.ones(2, requires_grad=True)
    with mt.no_grad():
        assert not (w * 2).requires_grad
        with mt.enable_grad():
            assert (w * 2).requires_grad
    assert (w * 2).requires_grad

    @mt.no_grad()
    def update():
        return w * 2

    assert not update().requires_grad
    assert mt.is_grad_enabled()


def test_backward_with_an_explicit_gradient():
    w = mt.tensor([1.0, 2.0], requires_grad=True)
    (w * w).backward(mt.tensor([1.0, 0.5]))
    assert w.grad.tolist() == [2.0, 2.0]


def test_post_accumulate_grad_hook_runs_python_during_backward():
    w = mt.ones(3, requires_grad=True)
    seen = []
    w.register_post_accumulate_grad_hook(lambda leaf: seen.append(leaf.grad.tolist()))
    (w * 2.0).sum().backward()
    assert seen == [[2.0, 2.0, 2.0]]
