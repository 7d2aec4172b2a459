"""minitorch.nn: PyTorch-shaped modules in Python over the C++ ops.

A Module finds its parameters and submodules from its attributes (as PyTorch's does), so a
subclass only assigns them in ``__init__`` and writes ``forward``.
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
    """Base of every module: parameters and submodules are found from attributes."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        if params is None:
            raise AttributeError("Module.__init__() must be called before assigning attributes")
        params.pop(name, None)
        modules.pop(name, None)
        if isinstance(value, Parameter):
            params[name] = value
        elif isinstance(value, Module):
            modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        setattr(self, name, param)

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

    def named_parameters(self, prefix=""):
        seen = set()
        for mod_prefix, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), p

    def parameters(self):
        for _, p in self.named_parameters():
            yield p

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

    def state_dict(self):
        """Name -> detached tensor sharing the parameter's memory, in registration order."""
        return OrderedDict((name, p.detach()) for name, p in self.named_parameters())

    def load_state_dict(self, state_dict, strict=True):
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise _mt.ValueError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        with _mt.no_grad():
            for name, value in state_dict.items():
                if name in own:
                    own[name].copy_(value)
        return missing, unexpected

    def save(self, path, metadata=None):
        """Writes the parameters to a safetensors file."""
        _C.save_safetensors(str(path), list(self.state_dict().items()), metadata or {})

    def load(self, path):
        """Reads parameters from a safetensors file written by save (or by PyTorch)."""
        tensors, metadata = _C.load_safetensors(str(path))
        self.load_state_dict(dict(tensors))
        return metadata

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"  ({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        return head + ("\n" + "\n".join(lines) + "\n)" if lines else ")")


class Linear(Module):
    """y = x @ weight.T + bias; weight [out, in], initialised as PyTorch's (or init=...)."""

    def __init__(self, in_features, out_features, bias=True, *, init="pytorch", dtype=None,
                 device=None, generator=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        w, b = _C.linear_init(in_features, out_features, bias, init, dtype, device, generator)
        self.weight = Parameter(w)
        self.bias = Parameter(b) if b is not None else None

    def forward(self, x):
        return _C.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Sigmoid(Module):
    def forward(self, x):
        return x.sigmoid()


class Tanh(Module):
    def forward(self, x):
        return x.tanh()


class GELU(Module):
    def forward(self, x):
        return _mt.gelu(x)


class SiLU(Module):
    def forward(self, x):
        return _mt.silu(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return _mt.leaky_relu(x, self.negative_slope)


class Softmax(Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return _C.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x):
        return _C.log_softmax(x, self.dim)


class Dropout(Module):
    """Zeroes each element with probability p while training, scaling the rest by 1/(1-p)."""

    def __init__(self, p=0.5, seed=0):
        super().__init__()
        self.p = p
        self.generator = _mt.Generator(seed)

    def forward(self, x):
        return _C.dropout(x, self.p, self.training, self.generator)

    def extra_repr(self):
        return f"p={self.p}"


class Sequential(Module):
    """Applies its modules in order; indexable and iterable."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (dict, OrderedDict)):
            for name, m in modules[0].items():
                setattr(self, name, m)
        else:
            for i, m in enumerate(modules):
                setattr(self, str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        setattr(self, str(len(self._modules)), module)
        return self


class ModuleList(Module):
    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        setattr(self, str(len(self._modules)), module)
        return self

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class MSELoss(_Loss):
    def forward(self, input, target):
        return _C.mse_loss(input, target, self.reduction)


class BCELoss(_Loss):
    def forward(self, input, target):
        return _C.binary_cross_entropy(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    def forward(self, input, target):
        return _C.binary_cross_entropy_with_logits(input, target, self.reduction)


class NLLLoss(_Loss):
    def forward(self, input, target):
        return _C.nll_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    def forward(self, input, target):
        return _C.cross_entropy(input, target, self.reduction)


class functional:  # noqa: N801 (minitorch.nn.functional, as torch.nn.functional)
    linear = staticmethod(_C.linear)
    softmax = staticmethod(_C.softmax)
    log_softmax = staticmethod(_C.log_softmax)
    softplus = staticmethod(_C.softplus)
    log_sigmoid = staticmethod(_C.log_sigmoid)
    dropout = staticmethod(_C.dropout)
    mse_loss = staticmethod(_C.mse_loss)
    binary_cross_entropy = staticmethod(_C.binary_cross_entropy)
    binary_cross_entropy_with_logits = staticmethod(_C.binary_cross_entropy_with_logits)
    nll_loss = staticmethod(_C.nll_loss)
    cross_entropy = staticmethod(_C.cross_entropy)
    relu = staticmethod(_mt.relu)
    sigmoid = staticmethod(_mt.sigmoid)
    tanh = staticmethod(_mt.tanh)
    gelu = staticmethod(_mt.gelu)
    silu = staticmethod(_mt.silu)
    leaky_relu = staticmethod(_mt.leaky_relu)
    one_hot = staticmethod(_mt.one_hot)


F = functional
