"""float16 and bfloat16 from Python (docs/python.md, Note [Reduced floats] in docs/dtypes.md):
the dtype objects, conversions rounding to nearest even (checked bit for bit against numpy's
float16 and a bfloat16 rounding written here), promotion, float32 accumulation, autograd
through .to(), and the ways out and in: buffer protocol, numpy, DLPack, PyTorch."""

import ctypes

import numpy as np
import pytest

import minitorch as mt

REDUCED = [mt.float16, mt.bfloat16]


def bfloat16_bits(values):
    """float32 values rounded to bfloat16 (nearest even; NaN kept quiet), as uint16 bits."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    nan = np.isnan(np.asarray(values, dtype=np.float32))
    rounded[nan] = (bits[nan] >> 16) | 0x40
    return rounded.astype(np.uint16)


def bits_of(t):
    """The uint16 bits of a float16 or bfloat16 tensor, read through float32 (exact)."""
    widened = t.float().numpy()
    if t.dtype == mt.bfloat16:
        return (widened.view(np.uint32) >> 16).astype(np.uint16)
    return widened.astype(np.float16).view(np.uint16)


def dlpack_dtype(capsule):
    """(code, bits, lanes) of an unconsumed DLPack capsule, read from its DLTensor."""

    class DLDataType(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]

    class DLTensor(ctypes.Structure):
        _fields_ = [
            ("data", ctypes.c_void_p),
            ("device_type", ctypes.c_int32),
            ("device_id", ctypes.c_int32),
            ("ndim", ctypes.c_int32),
            ("dtype", DLDataType),
        ]

    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    dl = DLTensor.from_address(get_pointer(capsule, b"dltensor"))
    return (dl.dtype.code, dl.dtype.bits, dl.dtype.lanes)


# ---- The dtypes ---------------------------------------------------------------------------------


def test_dtype_objects():
    assert mt.half is mt.float16 and mt.float16 == mt.dtype.float16
    assert mt.bfloat16 == mt.dtype.bfloat16 and mt.bfloat16 != mt.float16
    assert repr(mt.float16) == "minitorch.float16" and str(mt.bfloat16) == "minitorch.bfloat16"
    for d in REDUCED:
        assert d.itemsize == 2 and d.is_floating_point
    assert mt.zeros(2, dtype="half").dtype == mt.float16
    assert mt.zeros(2, dtype="float16").dtype == mt.float16
    assert mt.zeros(2, dtype="bfloat16").dtype == mt.bfloat16
    assert mt.zeros(2, dtype=np.float16).dtype == mt.float16
    with pytest.raises(mt.DTypeError, match="float16, bfloat16"):
        mt.zeros(2, dtype="float8")


@pytest.mark.parametrize("dtype", REDUCED)
def test_creation_and_elements(dtype):
    t = mt.tensor([[0.1, -2.5], [65504.0, 1e-3]], dtype=dtype)
    assert t.dtype == dtype and t.element_size() == 2 and t.is_floating_point()
    assert dtype.__repr__().split(".")[1] in repr(t)
    values = t.tolist()
    assert all(type(v) is float for row in values for v in row)
    assert type(t[0, 0].item()) is float and isinstance(float(t[0, 1]), float)
    # The stored values are the float32 values rounded to 16 bits.
    want = np.float32([0.1, -2.5, 65504.0, 1e-3])
    if dtype == mt.float16:
        assert values == want.astype(np.float16).reshape(2, 2).astype(float).tolist()
        assert t[0, 0].item() == 0.0999755859375
    else:
        widened = (bfloat16_bits(want).astype(np.uint32) << 16).view(np.float32)
        assert values == widened.reshape(2, 2).astype(float).tolist()
        assert t[0, 0].item() == 0.10009765625
    for factory in (mt.zeros, mt.ones, mt.empty, mt.rand, mt.randn):
        assert factory(3, 2, dtype=dtype).dtype == dtype
    assert mt.full((2,), 1.5, dtype=dtype).tolist() == [1.5, 1.5]
    assert mt.arange(0.0, 4.0, dtype=dtype).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert mt.zeros_like(t).dtype == dtype


def test_conversion_methods():
    x = mt.tensor([1.0, 2.0, 3.0])
    assert x.half().dtype == mt.float16 and x.bfloat16().dtype == mt.bfloat16
    assert x.to(mt.half).dtype == mt.float16 and x.to("bfloat16").dtype == mt.bfloat16
    assert x.to(dtype=np.float16).dtype == mt.float16
    h = x.half()
    assert h.half().data_ptr() == h.data_ptr()  # already float16: the same tensor
    assert h.bfloat16().float().tolist() == [1.0, 2.0, 3.0]
    assert h.double().dtype == mt.float64 and h.long().tolist() == [1, 2, 3]
    assert mt.tensor([0, 1]).bool().half().tolist() == [0.0, 1.0]


def test_float16_rounds_as_numpy_does(rng):
    # Normal, subnormal, tie and overflowing magnitudes; numpy rounds to nearest even too.
    x = np.concatenate(
        [
            rng.standard_normal(4000).astype(np.float32) * 10.0 ** rng.integers(-9, 6, 4000),
            np.float32([65504, 65519.99, 65520, 1e9, -1e9, 2.0**-24, 2.0**-25, 3 * 2.0**-26]),
            np.float32([1 + 2.0**-11, 1 + 3 * 2.0**-11, np.inf, -np.inf, 0.0, -0.0]),
        ]
    ).astype(np.float32)
    got = mt.from_numpy(x).half().numpy()
    with np.errstate(over="ignore"):
        want = x.astype(np.float16)
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))


def test_bfloat16_rounds_to_nearest_even(rng):
    x = np.concatenate(
        [
            rng.standard_normal(4000).astype(np.float32) * 10.0 ** rng.integers(-30, 30, 4000),
            # ties: 1 + 2^-8 rounds down to 1 (even), 1 + 3 * 2^-8 up; huge values reach inf.
            np.float32([1 + 2.0**-8, 1 + 3 * 2.0**-8, 3.3961e38, -3.4e38, 1e-40, np.inf, -0.0]),
            np.float32([np.nan, -np.nan]),
        ]
    ).astype(np.float32)
    got = bits_of(mt.from_numpy(x).bfloat16())
    np.testing.assert_array_equal(got, bfloat16_bits(x))


def test_every_float16_value_widens_exactly():
    every = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    widened = mt.from_numpy(every).float().numpy()
    want = every.astype(np.float32)
    finite = ~np.isnan(want)
    np.testing.assert_array_equal(widened[finite].view(np.uint32), want[finite].view(np.uint32))
    assert np.isnan(widened[~finite]).all()


# ---- Arithmetic ---------------------------------------------------------------------------------


def test_promotion_as_pytorch():
    h = mt.ones(2, dtype=mt.float16)
    b = mt.ones(2, dtype=mt.bfloat16)
    f = mt.ones(2)
    assert (h + h).dtype == mt.float16 and (b * b).dtype == mt.bfloat16
    assert (h + f).dtype == mt.float32 and (f * b).dtype == mt.float32
    assert (h + b).dtype == mt.float32
    assert (b + mt.ones(2, dtype=mt.int64)).dtype == mt.bfloat16
    assert (b < f).dtype == mt.bool
    assert (b * 3.0).dtype == mt.bfloat16 and (2 - h).dtype == mt.float16
    with pytest.raises(mt.DTypeError, match="add: .*bfloat16.*float64"):
        b + mt.ones(2, dtype=mt.float64)
    with pytest.raises(mt.DTypeError, match="float16.*float64"):
        mt.ones(2, dtype=mt.float64) * h
    assert b.tolist() == [1.0, 1.0] and h.tolist() == [1.0, 1.0]  # inputs untouched


@pytest.mark.parametrize("dtype", REDUCED)
def test_ops_compute_in_float32_and_round_once(dtype, rng):
    x32 = rng.standard_normal(257).astype(np.float32)
    x = mt.from_numpy(x32).to(dtype)
    wide = x.float().numpy()
    for name in ("exp", "sigmoid", "tanh"):
        got = getattr(x, name)()
        assert got.dtype == dtype
        want = getattr(mt.from_numpy(wide), name)().to(dtype)
        np.testing.assert_array_equal(bits_of(got), bits_of(want), err_msg=name)
    square = (mt.from_numpy(wide) * mt.from_numpy(wide)).to(dtype)
    np.testing.assert_array_equal(bits_of(x * x), bits_of(square))


@pytest.mark.parametrize("dtype", REDUCED)
def test_sums_accumulate_in_float32(dtype):
    # Summed in 16 bits, 1 + 1 + ... would stall at 256 (bfloat16) or 2048 (float16).
    ones = mt.ones(4096, dtype=dtype)
    total = ones.sum()
    assert total.dtype == dtype and total.item() == 4096.0
    assert mt.full((3, 1000), 0.5, dtype=dtype).sum(1).tolist() == [500.0] * 3
    assert ones.mean().item() == 1.0
    index = mt.zeros(600, dtype=mt.int64)
    added = mt.zeros(2, dtype=dtype).index_add(0, index, mt.ones(600, dtype=dtype))
    assert added.tolist() == [600.0, 0.0]


@pytest.mark.parametrize("dtype", REDUCED)
def test_matmul_is_the_rounded_float32_product(dtype, rng):
    a = mt.from_numpy(rng.standard_normal((17, 33)).astype(np.float32)).to(dtype)
    b = mt.from_numpy(rng.standard_normal((9, 33)).astype(np.float32)).to(dtype).T
    got = a @ b
    assert got.dtype == dtype and got.shape == (17, 9)
    want = (a.float() @ b.float()).to(dtype)
    np.testing.assert_array_equal(bits_of(got), bits_of(want))
    assert np.abs(got.float().numpy()).max() > 0


def test_user_functions_keep_the_dtype():
    f = mt.elementwise(lambda x, y: x * mt.sigmoid(y) + 1)
    a = mt.tensor([0.5, -1.0, 2.0], dtype=mt.bfloat16)
    got = f(a, a)
    assert got.dtype == mt.bfloat16
    want = (a.float() * a.float().sigmoid() + 1).bfloat16()
    assert got.tolist() == want.tolist()


# ---- Autograd -----------------------------------------------------------------------------------


def test_gradients_flow_through_to_bfloat16():
    x = mt.tensor([0.5, -1.25, 2.0], requires_grad=True)
    y = x.to(mt.bfloat16)
    loss = (y * y).sum()
    assert loss.dtype == mt.bfloat16
    loss.backward()
    assert x.grad.dtype == mt.float32 and x.grad.tolist() == [1.0, -2.5, 4.0]


def test_float16_leaves_get_float16_gradients():
    w = mt.ones(2, 2, dtype=mt.float16, requires_grad=True)
    (w @ w).sum().backward()
    assert w.grad.dtype == mt.float16 and w.grad.tolist() == [[4.0, 4.0], [4.0, 4.0]]
    b = mt.full((3,), 2.0, dtype=mt.bfloat16).requires_grad_()
    b.half().exp().sum().backward()  # exp's gradient in float16, then rounded to bfloat16
    assert b.grad.dtype == mt.bfloat16
    np.testing.assert_allclose(b.grad.tolist(), [np.exp(2.0)] * 3, rtol=2.0**-7)


# ---- Out and in: buffer protocol, numpy, DLPack -------------------------------------------------


def test_float16_shares_with_numpy_both_ways():
    a = np.arange(12, dtype=np.float16).reshape(3, 4)[:, ::2]
    t = mt.from_numpy(a)
    assert t.dtype == mt.float16 and t.shape == (3, 2) and t.stride() == (4, 2)
    assert t.data_ptr() == a.__array_interface__["data"][0]
    back = t.numpy()
    assert back.dtype == np.float16 and back.strides == a.strides
    assert back.__array_interface__["data"][0] == t.data_ptr()
    view = memoryview(t)
    assert view.format == "e" and view.itemsize == 2
    assert np.asarray(t).dtype == np.float16
    t.fill_(0.1)
    assert (a == np.float16(0.1)).all()  # written by minitorch, seen by numpy


def test_float16_bits_are_kept_through_numpy():
    every = np.arange(65536, dtype=np.uint32).astype(np.uint16)
    as_half = every.view(np.float16)
    shared = mt.from_numpy(as_half).numpy().view(np.uint16)
    np.testing.assert_array_equal(shared, every)  # every pattern, NaN payloads included
    copied = mt.tensor(as_half)
    assert copied.dtype == mt.float16 and copied.data_ptr() != as_half.ctypes.data
    finite = ~np.isnan(as_half)
    np.testing.assert_array_equal(copied.numpy().view(np.uint16)[finite], every[finite])
    assert np.isnan(copied.numpy()[~finite]).all()


def test_bfloat16_has_no_buffer_format():
    t = mt.tensor([1.5, 2.0], dtype=mt.bfloat16)
    with pytest.raises(BufferError, match=r"bfloat16.*\.float\(\).*__dlpack__"):
        memoryview(t)
    with pytest.raises(mt.DTypeError, match=r"numpy: numpy has no bfloat16.*\.float\(\)"):
        t.numpy()
    with pytest.raises(TypeError, match=r"\.float\(\)"):
        np.asarray(t)
    assert t.float().numpy().tolist() == [1.5, 2.0]
    assert t.tolist() == [1.5, 2.0]  # untouched
    # A named dtype is reached through a float32 copy, exactly.
    assert np.asarray(t, dtype=np.float32).tolist() == [1.5, 2.0]
    assert np.array(t, dtype=np.float64).dtype == np.float64


def test_numpy_float16_into_tensor_keeps_float16():
    a = np.array([[0.5, 65504.0]], dtype=np.float16)
    assert mt.tensor(a).dtype == mt.float16 and mt.asarray(a).dtype == mt.float16
    assert mt.tensor(a).tolist() == [[0.5, 65504.0]]
    assert mt.tensor(a, dtype=mt.bfloat16).dtype == mt.bfloat16
    assert mt.tensor(np.array([1.0], dtype=np.longdouble)).dtype == mt.float32


@pytest.mark.parametrize(("dtype", "code"), [(mt.float16, 2), (mt.bfloat16, 4)])
def test_dlpack_dtype_codes_and_round_trip(dtype, code, rng):
    t = mt.from_numpy(rng.standard_normal((5, 7)).astype(np.float32)).to(dtype).T
    capsule = t.__dlpack__()
    assert dlpack_dtype(capsule) == (code, 16, 1)
    u = mt.from_dlpack(capsule)
    assert u.dtype == dtype and u.data_ptr() == t.data_ptr() and u.stride() == t.stride()
    np.testing.assert_array_equal(bits_of(u), bits_of(t))


def test_dlpack_float16_with_numpy():
    a = np.arange(6, dtype=np.float16).reshape(2, 3).T
    t = mt.from_dlpack(a)
    assert t.dtype == mt.float16 and t.data_ptr() == a.__array_interface__["data"][0]
    back = np.from_dlpack(t)
    assert back.dtype == np.float16 and back.__array_interface__["data"][0] == t.data_ptr()
    np.testing.assert_array_equal(back, a)


def test_unsupported_dlpack_dtypes_list_the_supported_ones():
    with pytest.raises(mt.DTypeError, match=r"from_dlpack: .*float16, bfloat16"):
        mt.from_dlpack(np.arange(3, dtype=np.int32))
    with pytest.raises(mt.DTypeError, match="float16"):
        mt.from_numpy(np.arange(3, dtype=np.float32).astype(np.complex64))


def test_round_trips_with_pytorch_when_installed(rng):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional)")
    x = rng.standard_normal(1000).astype(np.float32) * 100
    for ours, theirs in ((mt.float16, torch.float16), (mt.bfloat16, torch.bfloat16)):
        # The same rounding as PyTorch's, bit for bit.
        t = mt.from_numpy(x).to(ours)
        r = torch.from_numpy(x).to(theirs)
        assert torch.equal(torch.from_dlpack(t), r)
        # Both ways without a copy, strides kept.
        r2 = r.reshape(20, 50).T
        u = mt.from_dlpack(r2)
        assert u.dtype == ours and u.data_ptr() == r2.data_ptr()
        assert u.stride() == tuple(r2.stride())
        back = torch.from_dlpack(u)
        assert back.dtype == theirs and back.data_ptr() == r2.data_ptr()
        back.add_(1)  # written by PyTorch, seen by minitorch
        assert torch.equal(torch.from_dlpack(u.float()), r2.float())
        # Sums accumulate in float32 in both.
        ones_ours = mt.ones(4096, dtype=ours).sum().item()
        assert ones_ours == torch.ones(4096, dtype=theirs).sum().item() == 4096.0
