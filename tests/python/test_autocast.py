"""Mixed precision from Python (docs/python.md, Note [Autocast] and Note [Loss scaling] in
docs/dtypes.md): minitorch.autocast as a context manager and decorator, its thread-local scope,
what it casts and what it leaves in float32, and GradScaler in a float16 training loop."""

import threading

import numpy as np
import pytest

import minitorch as mt
from minitorch import nn

REDUCED = [mt.float16, mt.bfloat16]


@pytest.fixture(autouse=True)
def no_scope_leaks():
    # Every test starts and ends outside any scope: a leaked guard would change later tests.
    assert not mt.is_autocast_enabled()
    yield
    assert not mt.is_autocast_enabled()
    assert mt.get_autocast_dtype() == mt.bfloat16


# ---- The scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", REDUCED)
def test_matmul_is_16_bit_inside_and_float32_outside(dtype, rng):
    a_np = rng.standard_normal((7, 33)).astype(np.float32)
    b_np = rng.standard_normal((33, 5)).astype(np.float32)
    a, b = mt.tensor(a_np), mt.tensor(b_np)
    with mt.autocast("cpu", dtype=dtype) as scope:
        assert isinstance(scope, mt.autocast)
        assert mt.is_autocast_enabled() and mt.is_autocast_enabled("cuda")
        assert mt.get_autocast_dtype() == dtype and mt.get_autocast_dtype("cpu") == dtype
        inside = a @ b
        assert inside.dtype == dtype
        assert mt.matmul(a, b).dtype == dtype
        # Only matrix products are lowered: elementwise ops keep float32.
        assert (a + 1).dtype == mt.float32
    outside = a @ b
    assert outside.dtype == mt.float32
    # The product of the rounded operands, summed in float32 and rounded once.
    a16, b16 = a.to(dtype).float().numpy(), b.to(dtype).float().numpy()
    expected = mt.tensor(a16 @ b16).to(dtype).float().numpy()
    np.testing.assert_allclose(inside.float().numpy(), expected, rtol=1e-2, atol=1e-2)
    assert np.abs(inside.float().numpy()).sum() > 0


def test_default_dtype_is_bfloat16_and_device_type_is_optional():
    a = mt.ones(2, 3)
    with mt.autocast():
        assert (a @ a.T).dtype == mt.bfloat16
    with mt.autocast(device_type="cuda"):
        assert mt.get_autocast_dtype() == mt.bfloat16
    assert repr(mt.autocast("cuda", dtype=mt.float16)) == (
        "minitorch.autocast(device_type='cuda', dtype=minitorch.float16, enabled=True)")


def test_aliases():
    assert mt.amp.autocast is mt.autocast
    assert mt.optim.GradScaler is mt.amp.GradScaler
    assert mt.amp.is_autocast_enabled is mt.is_autocast_enabled
    assert mt.amp.get_autocast_dtype is mt.get_autocast_dtype


def test_nested_scopes_restore_the_outer_state():
    a = mt.ones(4, 4)
    with mt.autocast(dtype=mt.float16):
        with mt.autocast(dtype=mt.bfloat16):
            assert (a @ a).dtype == mt.bfloat16
        assert (a @ a).dtype == mt.float16
        with mt.autocast(enabled=False):
            assert not mt.is_autocast_enabled()
            assert (a @ a).dtype == mt.float32
        assert mt.is_autocast_enabled() and (a @ a).dtype == mt.float16
    assert (a @ a).dtype == mt.float32


def test_one_object_reentered_and_left_on_an_exception():
    scope = mt.autocast(dtype=mt.float16)
    with scope:
        with scope:
            assert mt.get_autocast_dtype() == mt.float16
        assert mt.is_autocast_enabled()
    with pytest.raises(KeyError):
        with scope:
            raise KeyError("inside")
    assert not mt.is_autocast_enabled()


def test_decorator_form():
    @mt.autocast(dtype=mt.float16)
    def product(x):
        """Docstring kept."""
        assert mt.is_autocast_enabled()
        return x @ x

    assert product(mt.ones(3, 3)).dtype == mt.float16
    assert product.__name__ == "product" and product.__doc__ == "Docstring kept."
    assert not mt.is_autocast_enabled()


def test_bad_dtype_raises_where_written():
    for bad in (mt.float32, mt.float64, mt.int64, "float32"):
        with pytest.raises(mt.DTypeError, match="AutocastGuard: dtype"):
            mt.autocast("cuda", dtype=bad)
        with pytest.raises(TypeError):  # DTypeError is a TypeError, as PyTorch's
            mt.autocast(dtype=bad)
    with pytest.raises(TypeError, match="device_type"):
        mt.autocast(3)
    # A string naming a 16-bit dtype is accepted, as elsewhere in the package.
    with mt.autocast(dtype="half"):
        assert mt.get_autocast_dtype() == mt.float16


def test_scope_is_per_thread():
    a = mt.ones(8, 8)
    seen = {}

    def other():
        seen["enabled"] = mt.is_autocast_enabled()
        seen["dtype"] = (a @ a).dtype

    with mt.autocast(dtype=mt.float16):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert (a @ a).dtype == mt.float16
    assert seen == {"enabled": False, "dtype": mt.float32}


def test_one_decorated_function_on_several_threads_at_once():
    start = threading.Barrier(4)
    results, errors = [], []

    @mt.autocast(dtype=mt.bfloat16)
    def work(n):
        start.wait()  # all four inside the same autocast object's scope together
        x = mt.rand(n, n)
        return (x @ x).dtype, mt.is_autocast_enabled()

    def run(n):
        try:
            results.append(work(n))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 7, 31, 33)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == [(mt.bfloat16, True)] * 4


def test_exit_on_another_thread_or_out_of_order_is_refused():
    scope = mt.autocast(dtype=mt.float16)
    scope.__enter__()
    caught = []

    def exit_elsewhere():
        try:
            scope.__exit__(None, None, None)
        except mt.Error as e:
            caught.append(str(e))

    thread = threading.Thread(target=exit_elsewhere)
    thread.start()
    thread.join()
    assert caught and "not entered" in caught[0]
    assert mt.is_autocast_enabled()  # still open on this thread
    scope.__exit__(None, None, None)

    # The C++ scope object checks both itself: another thread, and the innermost first.
    AutocastScope = mt._minitorch._amp.AutocastScope
    outer = AutocastScope(mt.float16)
    inner = AutocastScope(mt.bfloat16)
    with pytest.raises(mt.Error, match="reverse order"):
        outer.close()
    assert mt.get_autocast_dtype() == mt.bfloat16
    caught.clear()

    def close_elsewhere():
        try:
            inner.close()
        except mt.Error as e:
            caught.append(str(e))

    thread = threading.Thread(target=close_elsewhere)
    thread.start()
    thread.join()
    assert caught and "thread that entered" in caught[0]
    inner.close()
    outer.close()
    with pytest.raises(mt.Error, match="already closed"):
        outer.close()


# ---- Layers and gradients ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", REDUCED)
def test_linear_output_and_weight_grads_stay_float32(dtype):
    layer = nn.Linear(33, 7, generator=mt.Generator(3))
    x = mt.randn(5, 33, generator=mt.Generator(4))
    with mt.autocast("cpu", dtype=dtype):
        y = layer(x)
        loss = nn.functional.cross_entropy(y, mt.tensor([0, 1, 2, 3, 6]))
    assert y.dtype == mt.float32  # the float32 bias promotes the 16-bit product
    assert loss.dtype == mt.float32
    loss.backward()  # outside the scope: the recorded casts decide, not the scope
    assert layer.weight.dtype == mt.float32 and layer.weight.grad.dtype == mt.float32
    assert layer.bias.grad.dtype == mt.float32

    # Close to the float32 gradient: the 16-bit rounding of x and weight is the only difference.
    reference = nn.Linear(33, 7, generator=mt.Generator(3))
    nn.functional.cross_entropy(reference(x), mt.tensor([0, 1, 2, 3, 6])).backward()
    got, want = layer.weight.grad.numpy(), reference.weight.grad.numpy()
    assert np.abs(want).sum() > 0
    np.testing.assert_allclose(got, want, rtol=0.05, atol=0.02)


@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_under_autocast(bias):
    conv = nn.Conv2d(3, 4, 3, padding=1, bias=bias)
    x = mt.randn(2, 3, 7, 5, generator=mt.Generator(5))
    with mt.autocast(dtype=mt.bfloat16):
        y = conv(x)
    # Without a bias the 16-bit product is the output, as in PyTorch.
    assert y.dtype == (mt.float32 if bias else mt.bfloat16)
    y.float().sum().backward()
    assert conv.weight.grad.dtype == mt.float32
    assert np.abs(conv.weight.grad.numpy()).sum() > 0


def test_backward_inside_the_scope_matches_outside():
    def grad(backward_inside):
        w = mt.randn(6, 4, generator=mt.Generator(1)).requires_grad_(True)
        x = mt.randn(3, 6, generator=mt.Generator(2))
        with mt.autocast(dtype=mt.float16):
            loss = (x @ w).float().pow(2).sum()
            if backward_inside:
                loss.backward()
        if not backward_inside:
            loss.backward()
        return w.grad.numpy()

    np.testing.assert_array_equal(grad(True), grad(False))


# ---- GradScaler --------------------------------------------------------------------------------


def test_grad_scaler_defaults_and_checks():
    scaler = mt.amp.GradScaler()
    assert scaler.get_scale() == 65536.0 and scaler.is_enabled() and scaler.skipped_steps == 0
    assert mt.amp.GradScaler("cuda", init_scale=8.0).get_scale() == 8.0
    off = mt.amp.GradScaler(enabled=False)
    assert not off.is_enabled() and off.get_scale() == 1.0
    loss = mt.tensor(2.0)
    assert off.scale(loss).item() == 2.0
    scaled = mt.amp.GradScaler(init_scale=4.0).scale(loss.half())
    assert scaled.dtype == mt.float32 and scaled.item() == 8.0
    for bad in ({"init_scale": 0.0}, {"growth_factor": 1.0}, {"backoff_factor": 1.0},
                {"growth_interval": 0}):
        with pytest.raises(mt.ValueError, match="GradScaler"):
            mt.amp.GradScaler(**bad)


def test_grad_scaler_skips_a_step_with_inf_grads_and_halves_the_scale():
    w = mt.ones(3, requires_grad=True)
    opt = mt.optim.SGD([w], lr=0.1)
    scaler = mt.optim.GradScaler(init_scale=1024.0)
    loss = (w * mt.tensor([1.0, float("inf"), 2.0])).sum()
    scaler.scale(loss).backward()
    assert scaler.step(opt) is False
    scaler.update()
    assert w.detach().numpy().tolist() == [1.0, 1.0, 1.0]  # untouched
    assert scaler.get_scale() == 512.0 and scaler.skipped_steps == 1
    assert opt.steps == 0

    # A clean step: gradients unscaled before the step, scale kept (growth_interval 2000).
    opt.zero_grad()
    scaler.scale((w * mt.tensor([1.0, 3.0, 2.0])).sum()).backward()
    assert scaler.step(opt) is True
    scaler.update()
    np.testing.assert_allclose(w.detach().numpy(), [0.9, 0.7, 0.8], rtol=1e-6)
    assert scaler.get_scale() == 512.0 and scaler.skipped_steps == 1


def test_grad_scaler_unscale_then_clip_then_step_and_growth():
    w = mt.ones(2, requires_grad=True)
    opt = mt.optim.Adam([w], lr=0.01)
    scaler = mt.amp.GradScaler(init_scale=256.0, growth_interval=2, growth_factor=4.0)
    for _ in range(2):
        opt.zero_grad()
        scaler.scale((w * mt.tensor([3.0, 4.0])).sum()).backward()
        scaler.unscale_(opt)
        np.testing.assert_allclose(w.grad.numpy(), [3.0, 4.0])
        with pytest.raises(mt.Error, match="already called"):
            scaler.unscale_(opt)
        nn.utils.clip_grad_norm_([w], 1.0)
        assert scaler.step(opt)
        scaler.update()
    assert scaler.get_scale() == 1024.0 and opt.steps == 2


def test_float16_overflow_in_backward_is_caught():
    # A scale far too large for float16: the 16-bit gradients of the product overflow to inf.
    model = nn.Linear(4, 1, generator=mt.Generator(0))
    opt = mt.optim.SGD(model.parameters(), lr=0.1)
    scaler = mt.amp.GradScaler(init_scale=2.0**40)
    before = model.weight.detach().clone().numpy()
    with mt.autocast("cuda", dtype=mt.float16):
        loss = model(mt.ones(8, 4)).pow(2).mean()
    scaler.scale(loss).backward()
    assert not scaler.step(opt)
    scaler.update()
    np.testing.assert_array_equal(model.weight.detach().numpy(), before)
    assert scaler.get_scale() == 2.0**39


def test_float16_training_loop_with_grad_scaler_learns_xor():
    dataset = mt.data.make_xor(50, seed=1)
    x, y = dataset.x_tensor(), dataset.y_tensor()
    model = nn.Sequential(nn.Linear(2, 20, generator=mt.Generator(0)), nn.ReLU(),
                          nn.Linear(20, 1, generator=mt.Generator(1)))
    opt = mt.optim.Adam(model.parameters(), lr=0.05)
    scaler = mt.amp.GradScaler(init_scale=2.0**16, growth_interval=50)
    loss_fn = nn.BCEWithLogitsLoss()
    first = None
    taken = 0
    for _ in range(300):
        opt.zero_grad()
        with mt.autocast("cpu", dtype=mt.float16):
            logits = model(x).squeeze(1)
            loss = loss_fn(logits, y)
        assert logits.dtype == mt.float32 and loss.dtype == mt.float32
        scaler.scale(loss).backward()
        assert all(p.grad.dtype == mt.float32 for p in model.parameters())
        taken += scaler.step(opt)
        scaler.update()
        first = first if first is not None else loss.item()
    assert loss.item() < 0.5 * first
    assert taken == opt.steps and taken + scaler.skipped_steps == 300
    assert taken > 250
    with mt.autocast(dtype=mt.float16):
        accuracy = ((model(x).squeeze(1) > 0).float() == y).float().mean().item()
    assert accuracy > 0.85
