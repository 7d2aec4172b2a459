"""minitorch.nn: PyTorch-shaped modules in Python over the C++ ops.

Module and Parameter are in _module.py, the convolution, pooling, embedding and normalization
layers in _layers.py; this file holds Linear, the activations, containers and losses, and
gathers everything under PyTorch's names (``nn.functional``, ``nn.utils``).
"""

from collections import OrderedDict

import minitorch as _mt

from ._minitorch import _nn as _C
from ._module import Module, Parameter  # noqa: F401
from ._layers import (  # noqa: F401
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv1d,
    Conv2d,
    Embedding,
    Flatten,
    LayerNorm,
    MaxPool2d,
)


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
    conv1d = staticmethod(_C.conv1d)
    conv2d = staticmethod(_C.conv2d)
    avg_pool2d = staticmethod(_C.avg_pool2d)
    max_pool2d = staticmethod(_C.max_pool2d)
    pad = staticmethod(_C.pad)
    embedding = staticmethod(_C.embedding)
    layer_norm = staticmethod(_C.layer_norm)
    batch_norm = staticmethod(_C.batch_norm)
    flatten = staticmethod(_mt.flatten)


F = functional


def _clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Scales the gradients in place so that their joint norm is at most max_norm.

    parameters: an iterable of tensors or one tensor (those without a gradient are skipped);
    norm_type: any p >= 1 or ``float("inf")`` (also the string "inf"). Returns the norm before
    clipping, as a float (PyTorch returns a 0-dim tensor).
    """
    if isinstance(parameters, _mt.Tensor):
        parameters = [parameters]
    return _C.clip_grad_norm_(list(parameters), float(max_norm), float(norm_type))


class utils:  # noqa: N801 (minitorch.nn.utils, as torch.nn.utils)
    clip_grad_norm_ = staticmethod(_clip_grad_norm_)
