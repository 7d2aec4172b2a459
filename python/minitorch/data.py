"""minitorch.data: the course's 2-D datasets (simple, diag, split, xor, circle, spiral) and
shuffled mini-batches of them."""

from ._minitorch import _data as _C

Dataset = _C.Dataset
Batches = _C.Batches
dataset_names = _C.dataset_names


def make_dataset(name, n, seed=0):
    """The course's dataset `name` with n points: x [n, 2], labels y [n] in {0, 1}."""
    return _C.make_dataset(name, n, seed)


def _maker(name):
    def make(n, seed=0):
        return _C.make_dataset(name, n, seed)

    make.__name__ = f"make_{name}"
    make.__doc__ = f"The course's {name} dataset with n points."
    return make


for _n in ("simple", "diag", "split", "xor", "circle", "spiral"):
    globals()[f"make_{_n}"] = _maker(_n)
del _n
