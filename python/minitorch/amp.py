"""minitorch.amp: mixed precision, as torch.amp. ``autocast`` runs matrix products (matmul,
Linear, conv) in float16 or bfloat16 while parameters and activations stay float32; GradScaler
scales a float16 loss so that small gradients survive. See Note [Autocast] in docs/dtypes.md
and docs/python.md."""

import functools as _functools
import threading as _threading

from ._minitorch import Error as _Error
from ._minitorch import _amp as _C
from ._minitorch import bfloat16 as _bfloat16

GradScaler = _C.GradScaler
is_autocast_enabled = _C.is_autocast_enabled
get_autocast_dtype = _C.get_autocast_dtype


class autocast:  # noqa: N801 (PyTorch's spelling)
    """``with minitorch.autocast("cuda", dtype=minitorch.float16):`` or, as a decorator,
    ``@minitorch.autocast()``.

    Inside, matmul and what is built on it (Linear, conv1d, conv2d) cast float32 operands to
    dtype (float16 or bfloat16, else DTypeError) and return dtype; bias adds promote back to
    float32, softmax/log_softmax/cross_entropy widen to float32, and gradients arrive in their
    parameter's dtype (float32). ``enabled=False`` opens a float32 region inside an outer scope.

    device_type ("cpu", "cuda", or None) is accepted for PyTorch's signature only: the scope is
    not per device, it covers every device's ops on this thread. cache_enabled is accepted and
    ignored (there is no cast cache). The scope belongs to the thread that enters it: a with
    block or decorated call on another thread is not affected, and one autocast object may be
    entered on several threads, or re-entered, at once.
    """

    def __init__(self, device_type=None, dtype=_bfloat16, enabled=True, cache_enabled=None):
        if device_type is not None and not isinstance(device_type, str):
            raise TypeError(
                f"autocast: device_type must be a string such as 'cuda' or 'cpu', "
                f"got {type(device_type).__name__}"
            )
        self.device = device_type
        self.fast_dtype = dtype
        self._enabled = bool(enabled)
        # Checks dtype now (DTypeError from the C++ AutocastGuard), so that a bad one fails
        # where autocast(...) is written, also in decorator form; opening and closing at once
        # leaves this thread's state as it was.
        _C.AutocastScope(dtype, self._enabled).close()
        # The scopes this object has open, per thread, innermost last.
        self._open = _threading.local()

    def __enter__(self):
        stack = self._open.__dict__.setdefault("scopes", [])
        stack.append(_C.AutocastScope(self.fast_dtype, self._enabled))
        return self

    def __exit__(self, *exc):
        scopes = getattr(self._open, "scopes", None)
        if not scopes:
            raise _Error("autocast: __exit__ on a thread where this autocast is not entered")
        scopes.pop().close()
        return False

    def __call__(self, fn):
        @_functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper

    def __repr__(self):
        return (f"minitorch.autocast(device_type={self.device!r}, dtype={self.fast_dtype!r}, "
                f"enabled={self._enabled})")
