"""minitorch.optim: SGD, Adam and AdamW, the C++ optimisers updating the parameters in place,
the lr schedulers StepLR and CosineAnnealingLR (``optim.lr_scheduler``), and GradScaler (also
``minitorch.amp.GradScaler``)."""

from ._minitorch import _optim as _C
from .amp import GradScaler  # noqa: F401

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


class AdamW(_C.AdamW):
    """AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01): decoupled decay."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(_params(params), lr, tuple(betas), eps, weight_decay)


class lr_scheduler:  # noqa: N801 (minitorch.optim.lr_scheduler, as torch.optim.lr_scheduler)
    """Schedulers set their optimizer's lr from the number of step() calls (one per epoch)."""

    LRScheduler = _C.LRScheduler
    StepLR = _C.StepLR
    CosineAnnealingLR = _C.CosineAnnealingLR
