"""minitorch.optim: SGD and Adam, the C++ optimisers updating the parameters in place."""

from ._minitorch import _optim as _C

Optimizer = _C.Optimizer


def _params(params):
    params = list(params)
    if params and isinstance(params[0], dict):
        raise TypeError("optim: parameter groups are not supported; pass the parameters")
    return params


class SGD(_C.SGD):
    """SGD(params, lr=0.01, momentum=0, dampening=0, weight_decay=0, nesterov=False)."""

    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        super().__init__(_params(params), lr, momentum, dampening, weight_decay, nesterov)


class Adam(_C.Adam):
    """Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(_params(params), lr, tuple(betas), eps, weight_decay)
