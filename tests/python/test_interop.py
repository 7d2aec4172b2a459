"""Zero-copy interop: numpy (buffer protocol, __array__, from_numpy) and DLPack, both ways,
over many layouts; lifetimes; refusals with clear errors."""

import gc
import weakref

import numpy as np
import pytest

import minitorch as mt
from conftest import layouts


def address(a):
    return a.__array_interface__["data"][0]


@pytest.mark.filterwarnings("ignore:from_numpy")
def test_at_least_50_layouts_round_trip_without_copy(rng):
    arrays = layouts(rng, 64)
    assert len(arrays) >= 50
    for a in arrays:
        t = mt.from_numpy(a)
        assert t.shape == a.shape
        assert t.data_ptr() == address(a)
        assert tuple(s * a.itemsize for s in t.stride()) == a.strides or a.size == 0
        back = t.numpy()
        assert address(back) == address(a) and back.strides == a.strides or a.size == 0
        np.testing.assert_array_equal(back, a)
        again = mt.from_dlpack(t)
        assert again.data_ptr() == t.data_ptr() and again.stride() == t.stride()
        via_numpy_dlpack = np.from_dlpack(t)
        assert address(via_numpy_dlpack) == address(a) or a.size == 0
        if a.size > 0 and a.dtype != np.bool_ and 0 not in a.strides and a.flags.writeable:
            # Writes are visible both ways (expanded views refuse in-place writes).
            t.fill_(3)
            assert np.all(a == 3)
            a[...] = 5
            assert np.all(t.numpy() == 5)


def test_array_protocol_and_memoryview():
    t = mt.arange(6.0).reshape(2, 3)
    a = np.asarray(t)
    assert address(a) == t.data_ptr()
    assert np.array(t, dtype=np.float64).dtype == np.float64
    m = memoryview(t)
    assert m.format == "f" and m.shape == (2, 3) and m.strides == (12, 4)
    assert mt.tensor([True]).numpy().dtype == np.bool_
    assert mt.tensor([1]).numpy().dtype == np.int64


def test_numpy_array_outlives_its_tensor():
    t = mt.arange(1000.0)
    ref = weakref.ref(t) if hasattr(t, "__weakref__") else None
    a = t.numpy()
    del t
    gc.collect()
    assert ref is None or ref() is None
    assert a[999] == 999.0
    a[0] = 7  # still valid memory


def test_tensor_outlives_its_numpy_array():
    a = np.arange(1000.0)
    t = mt.from_numpy(a)
    del a
    gc.collect()
    assert t[999].item() == 999.0
    t[0] = 5.0
    assert t[0].item() == 5.0


def test_the_tensor_keeps_the_producer_alive_then_releases_it():
    class Owner(np.ndarray):
        pass

    a = np.arange(10.0).view(Owner)
    ref = weakref.ref(a)
    t = mt.from_numpy(a)
    del a
    gc.collect()
    assert ref() is not None
    view = t[2:5]
    del t
    gc.collect()
    assert ref() is not None
    assert view.tolist() == [2.0, 3.0, 4.0]
    del view
    gc.collect()
    assert ref() is None


def test_dlpack_capsule_is_consumed_once():
    t = mt.ones(3)
    capsule = t.__dlpack__()
    u = mt.from_dlpack(capsule)
    assert u.data_ptr() == t.data_ptr()
    with pytest.raises(mt.ValueError, match="already"):
        mt.from_dlpack(capsule)
    assert t.__dlpack_device__() == (1, 0)
    del capsule  # an unconsumed capsule frees its tensor too
    t.__dlpack__()


def test_refusals_name_the_problem():
    with pytest.raises(mt.ValueError, match="strides"):
        mt.from_numpy(np.arange(5.0)[::-1])
    with pytest.raises(mt.DTypeError, match="astype"):
        mt.from_numpy(np.arange(5, dtype=np.int32))
    with pytest.raises(TypeError):
        mt.from_numpy([1, 2, 3])
    with pytest.raises(mt.AutogradError, match="detach"):
        mt.ones(2, requires_grad=True).numpy()
    assert mt.ones(2, requires_grad=True).detach().numpy().tolist() == [1.0, 1.0]


def test_read_only_arrays_are_shared_with_a_warning():
    a = np.arange(4.0)
    a.flags.writeable = False
    with pytest.warns(UserWarning, match="read-only"):
        t = mt.from_numpy(a)
    assert t.data_ptr() == address(a)


def test_dlpack_with_pytorch_when_installed(rng):
    torch = pytest.importorskip("torch")
    for a in layouts(rng, 16):
        if a.size == 0:
            continue  # an empty tensor's strides and address carry no meaning
        r = torch.from_numpy(a.copy() if not a.flags.writeable else a)
        t = mt.from_dlpack(r)
        assert t.data_ptr() == r.data_ptr() and t.stride() == tuple(r.stride())
        back = torch.from_dlpack(t)
        assert back.data_ptr() == r.data_ptr() and back.stride() == r.stride()
        if r.dtype != torch.bool:
            back.add_(1)  # written by PyTorch, seen by minitorch
        np.testing.assert_array_equal(t.numpy(), r.numpy())
    if torch.cuda.is_available() and mt.cuda.is_available():
        r = torch.arange(12.0, device="cuda").reshape(3, 4).T
        t = mt.from_dlpack(r)
        assert t.device == mt.device("cuda:0") and t.data_ptr() == r.data_ptr()
        back = torch.from_dlpack(t)
        assert back.data_ptr() == r.data_ptr() and back.stride() == r.stride()
        assert t.sum().item() == r.sum().item()


def test_an_uninitialised_tensor_object_exports_nothing():
    raw = mt.Tensor.__new__(mt.Tensor)
    with pytest.raises(BufferError):
        memoryview(raw)


def test_dlpack_copy_and_device_keywords():
    t = mt.arange(4.0)
    copied = mt.from_dlpack(t.__dlpack__(copy=True))
    assert copied.data_ptr() != t.data_ptr() and copied.tolist() == t.tolist()
    assert mt.from_dlpack(t.__dlpack__(dl_device=(1, 0))).data_ptr() == t.data_ptr()
    with pytest.raises(mt.DeviceError):
        t.__dlpack__(dl_device=(2, 0))
