"""minitorch.nn.Module and Parameter: PyTorch's module tree in Python.

A Module finds its parameters, buffers and submodules from its attributes (as PyTorch's does),
so a subclass only assigns them in ``__init__`` and writes ``forward``. Buffers (state that is
saved but not trained, like BatchNorm's running mean) are registered with ``register_buffer``.
"""

from collections import OrderedDict

import minitorch as _mt

from ._minitorch import Tensor
from ._minitorch import _nn as _C


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable (requires grad unless told otherwise)."""

    def __init__(self, data, requires_grad=True):
        super().__init__(data.detach())
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base of every module: parameters, buffers and submodules are found from attributes."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        buffers = self.__dict__.get("_buffers")
        if params is None:
            raise AttributeError("Module.__init__() must be called before assigning attributes")
        # Assigning to a buffer's name replaces the buffer, as in PyTorch.
        if name in buffers and not isinstance(value, (Parameter, Module)):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer '{name}' "
                                "(a Tensor or None)")
            buffers[name] = value
            object.__setattr__(self, name, value)
            return
        params.pop(name, None)
        modules.pop(name, None)
        buffers.pop(name, None)
        if isinstance(value, Parameter):
            params[name] = value
        elif isinstance(value, Module):
            modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        setattr(self, name, param)

    def register_buffer(self, name, tensor):
        """Adds tensor (or None: a slot for one) as a buffer: in state_dict, not trained."""
        if "." in name or not name:
            raise KeyError(f"register_buffer: bad buffer name '{name}'")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: '{name}' must be a Tensor or None "
                            f"(got {type(tensor).__name__})")
        if name in self.__dict__:
            self.__delattr__(name)
        self._buffers[name] = tensor
        object.__setattr__(self, name, tensor)

    def add_module(self, name, module):
        setattr(self, name, module)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def named_children(self):
        return iter(self._modules.items())

    def children(self):
        return iter(self._modules.values())

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def _named_members(self, table, prefix):
        seen = set()
        for mod_prefix, module in self.named_modules(prefix):
            for name, t in module.__dict__[table].items():
                if t is not None and id(t) not in seen:
                    seen.add(id(t))
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), t

    def named_parameters(self, prefix=""):
        return self._named_members("_parameters", prefix)

    def parameters(self):
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self, prefix=""):
        return self._named_members("_buffers", prefix)

    def buffers(self):
        for _, b in self.named_buffers():
            yield b

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            p.grad = None

    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def _state_entries(self, prefix):
        # PyTorch's order: a module's parameters, then its buffers, then each child's.
        for table in ("_parameters", "_buffers"):
            for name, t in self.__dict__[table].items():
                if t is not None:
                    yield prefix + name, t
        for name, child in self._modules.items():
            yield from child._state_entries(f"{prefix}{name}.")

    def state_dict(self):
        """Name -> detached tensor sharing the parameter's or buffer's memory."""
        return OrderedDict((name, t.detach()) for name, t in self._state_entries(""))

    def load_state_dict(self, state_dict, strict=True):
        own = dict(self._state_entries(""))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise _mt.ValueError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        for name, value in state_dict.items():
            if name in own and tuple(own[name].shape) != tuple(value.shape):
                raise _mt.ShapeError(f"load_state_dict: '{name}' has shape {tuple(value.shape)}, "
                                     f"the module's is {tuple(own[name].shape)}")
        with _mt.no_grad():
            for name, value in state_dict.items():
                if name in own:
                    own[name].copy_(value)
        return missing, unexpected

    def save(self, path, metadata=None):
        """Writes the parameters and buffers to a safetensors file."""
        _C.save_safetensors(str(path), list(self.state_dict().items()), metadata or {})

    def load(self, path):
        """Reads parameters and buffers from a safetensors file written by save (or PyTorch)."""
        tensors, metadata = _C.load_safetensors(str(path))
        self.load_state_dict(dict(tensors))
        return metadata

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"  ({name}): " + repr(m).replace("\n", "\n  ")
                 for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        return head + ("\n" + "\n".join(lines) + "\n)" if lines else ")")
