"""minitorch.nn's convolution, pooling, flatten, embedding and normalization layers.

Python Modules holding Parameters and buffers, so that state_dict, optimisers and subclassing
work as for Linear; their shapes, checks and initialisation come from the C++ modules
(include/minitorch/nn/), and forward is one call into the C++ functional op.
"""

import minitorch as _mt

from ._minitorch import _nn as _C
from ._module import Module, Parameter


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _single(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _ConvNd(Module):
    _spatial = 0  # spatial dims, set by Conv1d and Conv2d

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 groups, bias, dtype, device, generator):
        super().__init__()
        normalise = _single if self._spatial == 1 else _pair
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = normalise(kernel_size)
        self.stride = normalise(stride)
        self.padding = padding if isinstance(padding, str) else normalise(padding)
        self.dilation = normalise(dilation)
        self.groups = groups
        w, b = _C.conv_init(in_channels, out_channels, list(self.kernel_size), groups, bias,
                            dtype, device, generator)
        self.weight = Parameter(w)
        self.bias = Parameter(b) if b is not None else None

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding not in ((0,), (0, 0)):
            text += f", padding={self.padding!r}"
        if self.dilation not in ((1,), (1, 1)):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv1d(_ConvNd):
    """x [N, C_in, L] -> [N, C_out, L_out]; weight [C_out, C_in / groups, k], bias [C_out]."""

    _spatial = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, *, dtype=None, device=None, generator=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, dtype, device, generator)

    def forward(self, x):
        return _C.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                         self.groups)


class Conv2d(_ConvNd):
    """x [N, C_in, H, W] -> [N, C_out, H_out, W_out]; weight [C_out, C_in / groups, kh, kw]."""

    _spatial = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, *, dtype=None, device=None, generator=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, dtype, device, generator)

    def forward(self, x):
        return _C.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                         self.groups)


class MaxPool2d(Module):
    """[N, C, H, W] -> [N, C, H_out, W_out], the max of each window; stride defaults to kernel."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation

    def forward(self, x):
        return _C.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}")


class AvgPool2d(Module):
    """[N, C, H, W] -> [N, C, H_out, W_out], the mean of each window (zero padding counted)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def forward(self, x):
        return _C.avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class Flatten(Module):
    """Dims start_dim..end_dim merged into one: [N, C, H, W] -> [N, C * H * W] by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Embedding(Module):
    """int64 indices [...] -> [..., embedding_dim]: rows of weight [num_embeddings, dim]."""

    def __init__(self, num_embeddings, embedding_dim, *, dtype=None, device=None,
                 generator=None, _weight=None, _freeze=False):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if _weight is None:
            _weight = _C.embedding_init(num_embeddings, embedding_dim, dtype, device, generator)
        # A frozen table is a buffer (as in the C++ Embedding): saved as "weight" in
        # state_dict but not a parameter, since the optimisers refuse tensors without grad.
        if _freeze:
            self.register_buffer("weight", _weight)
        else:
            self.weight = Parameter(_weight)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True):
        """An Embedding over a copy of embeddings [n, dim]; frozen (a buffer) by default."""
        table = _C.embedding_pretrained(embeddings)
        return cls(table.shape[0], table.shape[1], _weight=table, _freeze=freeze)

    def forward(self, indices):
        return _C.embedding(indices, self.weight)

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"


class LayerNorm(Module):
    """x [..., *normalized_shape] -> same shape, normalised over the trailing dims."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, *, dtype=None,
                 device=None):
        super().__init__()
        self.normalized_shape = _single(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        w, b = _C.layer_norm_init(self.normalized_shape, eps, elementwise_affine, dtype, device)
        self.weight = Parameter(w) if w is not None else None
        self.bias = Parameter(b) if b is not None else None

    def forward(self, x):
        return _C.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class _BatchNorm(Module):
    _ranks = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, *, dtype=None, device=None):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        w, b, mean, var, count = _C.batch_norm_init(type(self).__name__, num_features, eps,
                                                    momentum, affine, track_running_stats,
                                                    dtype, device)
        self.weight = Parameter(w) if w is not None else None
        self.bias = Parameter(b) if b is not None else None
        self.register_buffer("running_mean", mean)
        self.register_buffer("running_var", var)
        self.register_buffer("num_batches_tracked", count)

    def forward(self, x):
        if x.ndim not in self._ranks or x.shape[1] != self.num_features:
            ranks = " or ".join(str(r) for r in self._ranks)
            raise _mt.ShapeError(f"{type(self).__name__}: expected an input of {ranks} dims with "
                                 f"{self.num_features} channels in dim 1, got shape "
                                 f"{list(x.shape)}")
        # Batch statistics in training, or always without running stats (as PyTorch).
        use_batch_stats = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        out = _C.batch_norm(x, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch_stats, self.momentum, self.eps)
        if self.training and self.num_batches_tracked is not None:
            with _mt.no_grad():
                self.num_batches_tracked.add_(1)
        return out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """x [N, C] or [N, C, L] -> same shape, normalised per channel."""

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """x [N, C, H, W] -> same shape, normalised per channel."""

    _ranks = (4,)
