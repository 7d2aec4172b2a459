"""minitorch: tensors with reverse-mode autodiff over C++ backends, with PyTorch's names.

The heavy lifting is the C++ library (module ``minitorch._minitorch``); this package adds the
Python-only parts: ``tensor()``, ``no_grad``, the function spellings of Tensor methods, and the
``nn``, ``optim``, ``amp`` and ``data`` submodules. See docs/python.md.
"""

import collections as _collections
import functools as _functools

from . import _minitorch as _C
from ._minitorch import (  # noqa: F401
    AutogradError,
    ConfigError,
    DeviceError,
    DTypeError,
    ElementwiseFunction,
    Error,
    Expr,
    Generator,
    IndexError,
    InternalError,
    OutOfMemoryError,
    ShapeError,
    Tensor,
    ValueError,
    abs,
    add,
    arange,
    cat,
    chunk,
    clamp,
    cos,
    device,
    div,
    dtype,
    empty,
    empty_like,
    eq,
    exp,
    expm1,
    eye,
    flip,
    floor,
    bfloat16,
    float16,
    float32,
    float64,
    from_dlpack,
    from_numpy,
    full,
    full_like,
    gather,
    ge,
    gelu,
    get_num_threads,
    gt,
    half,
    index_add,
    index_select,
    int64,
    inv,
    is_grad_enabled,
    le,
    leaky_relu,
    linspace,
    log,
    log1p,
    lt,
    manual_seed,
    matmul,
    maximum,
    minimum,
    mul,
    neg,
    one_hot,
    ones,
    ones_like,
    pow,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    relu,
    scalar_tensor,
    scatter_add,
    set_grad_enabled,
    set_num_threads,
    sigmoid,
    sign,
    silu,
    sin,
    split,
    sqrt,
    stack,
    sub,
    tanh,
    where,
    zeros,
    zeros_like,
)

__version__ = "0.1.0"



class return_types:  # noqa: N801 (PyTorch's spelling)
    """Named results, as torch.return_types: ``values, indices = t.max(dim)``."""

    max = _collections.namedtuple("max", ["values", "indices"])
    min = max


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of data: a number, nested lists, a numpy array or a Tensor.

    Lists infer their dtype as PyTorch does (bools -> bool, ints -> int64, floats -> float32);
    numpy arrays keep theirs (float16, float32, float64, int64, bool; other ints become int64,
    other floats float32).
    """
    if isinstance(data, Tensor):
        out = data.detach().clone()
        if dtype is not None or device is not None:
            out = out.to(dtype=dtype, device=device)
        return out.requires_grad_(requires_grad) if requires_grad else out
    if hasattr(data, "__array_interface__") or hasattr(data, "__array__"):
        import numpy as np

        array = np.asarray(data)
        if array.dtype.kind in "iu" and array.dtype != np.int64:
            array = array.astype(np.int64)
        elif array.dtype.kind == "f" and array.dtype not in (np.float16, np.float32, np.float64):
            array = array.astype(np.float32)
        out = from_numpy(np.array(array, copy=True, order="C")).clone()
        if dtype is not None or device is not None:
            out = out.to(dtype=dtype, device=device)
        return out.requires_grad_(requires_grad) if requires_grad else out
    return _C._tensor_from_data(data, dtype, device, requires_grad)


as_tensor = tensor


def asarray(obj, dtype=None, device=None):
    """Shares memory when it can (a Tensor, a numpy array, a DLPack producer), else copies."""
    if isinstance(obj, Tensor):
        return obj if dtype is None and device is None else obj.to(dtype=dtype, device=device)
    if hasattr(obj, "__dlpack__") and dtype is None and device is None:
        return from_dlpack(obj)
    return tensor(obj, dtype=dtype, device=device)


class no_grad:  # noqa: N801 (PyTorch's spelling)
    """``with minitorch.no_grad():`` records no autograd history; also a decorator."""

    _enabled = False

    def __enter__(self):
        self._previous = is_grad_enabled()
        set_grad_enabled(self._enabled)

    def __exit__(self, *exc):
        set_grad_enabled(self._previous)
        return False

    def __call__(self, fn):
        @_functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class enable_grad(no_grad):  # noqa: N801
    """Turns recording back on inside a no_grad block."""

    _enabled = True


def elementwise(fn=None, *, name="elementwise"):
    """Traces fn (1 to 8 arguments) into one elementwise program; see docs/python.md.

    ``f = minitorch.elementwise(lambda x, y: x * minitorch.sigmoid(y) + 1)``; ``f(a, b)`` then
    broadcasts a and b and runs in one pass on their device, differentiable, with no Python per
    element. Also a decorator: ``@minitorch.elementwise``.
    """
    if fn is None:
        return lambda f: ElementwiseFunction(f, getattr(f, "__name__", name))
    label = name if name != "elementwise" else getattr(fn, "__name__", name)
    if label == "<lambda>":
        label = name
    return ElementwiseFunction(fn, label)


# ---- Function spellings of Tensor methods (torch.sum(x, 1) == x.sum(1)) ------------------------


def _method(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"minitorch.{name}(t, ...) is t.{name}(...)."
    return fn


for _name in (
    "sum mean amax amin max min prod var std logsumexp cumsum softmax log_softmax any all "
    "argmax argmin masked_fill permute transpose reshape squeeze unsqueeze flatten narrow "
    "select isclose allclose reciprocal numel clone detach"
).split():
    globals()[_name] = _method(_name)
del _name


def is_tensor(obj):
    return isinstance(obj, Tensor)


def cuda_is_available():
    """True when this build has the CUDA backend and a GPU is visible."""
    try:
        zeros(1, device="cuda")
        return True
    except (DeviceError, RuntimeError):
        return False


class cuda:  # noqa: N801 (torch.cuda.is_available(), torch.cuda.CUDAGraph)
    is_available = staticmethod(cuda_is_available)
    CUDAGraph = _C.CUDAGraph


from . import amp, data, nn, optim  # noqa: E402
from .amp import autocast, get_autocast_dtype, is_autocast_enabled  # noqa: E402, F401

# PyTorch's dtype aliases, last, so that the builtins keep their meaning in the code above.
bool = dtype.bool  # noqa: A001
float = float32  # noqa: A001
double = float64
long = int64
