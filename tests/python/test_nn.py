"""minitorch.nn, optim and data from Python: subclassed modules, state_dict, checkpoints and
the course's training loop."""

import numpy as np
import pytest

import minitorch as mt
from minitorch import nn


class TwoLayer(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.first = nn.Linear(2, hidden)
        self.second = nn.Linear(hidden, 1)
        self.scale = nn.Parameter(mt.ones(1))
        self.not_a_parameter = mt.ones(3)

    def forward(self, x):
        return self.second(self.first(x).relu()).squeeze(1) * self.scale


def test_parameters_are_found_from_attributes():
    model = TwoLayer(5)
    names = [n for n, _ in model.named_parameters()]
    assert names == ["scale", "first.weight", "first.bias", "second.weight", "second.bias"]
    assert model.num_parameters() == 1 + 10 + 5 + 5 + 1
    assert all(p.requires_grad for p in model.parameters())
    assert list(model.state_dict()) == names


def test_state_dict_round_trip_and_checkpoint(tmp_path):
    a = TwoLayer(4)
    b = TwoLayer(4)
    b.load_state_dict(a.state_dict())
    x = mt.rand(3, 2)
    assert a(x).tolist() == b(x).tolist()
    path = tmp_path / "model.safetensors"
    a.save(path)
    c = TwoLayer(4)
    c.load(path)
    assert a(x).tolist() == c(x).tolist()
    with pytest.raises(mt.ValueError, match="missing"):
        c.load_state_dict({})


def test_modules_and_losses():
    x = mt.tensor([[1.0, -2.0, 3.0]])
    assert nn.ReLU()(x).tolist() == [[1.0, 0.0, 3.0]]
    assert nn.Softmax(1)(x).sum().item() == pytest.approx(1.0)
    drop = nn.Dropout(0.5)
    drop.eval()
    assert drop(x).tolist() == x.tolist()
    seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    assert seq(x).shape == (1, 2) and len(seq) == 3
    logits = mt.tensor([[2.0, 0.5], [0.1, 1.0]])
    target = mt.tensor([0, 1])
    expected = -np.mean([np.log(np.exp(2) / (np.exp(2) + np.exp(0.5))),
                         np.log(np.exp(1) / (np.exp(0.1) + np.exp(1)))])
    assert nn.CrossEntropyLoss()(logits, target).item() == pytest.approx(expected, rel=1e-5)
    assert nn.functional.mse_loss(mt.ones(3), mt.zeros(3)).item() == 1.0


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_loop_learns_xor(optimizer):
    dataset = mt.data.make_xor(50, seed=1)
    x, y = dataset.x_tensor(), dataset.y_tensor()
    model = nn.Sequential(nn.Linear(2, 20, generator=mt.Generator(0)), nn.ReLU(),
                          nn.Linear(20, 1, generator=mt.Generator(1)))
    opt = (mt.optim.SGD(model.parameters(), lr=0.5) if optimizer == "sgd"
           else mt.optim.Adam(model.parameters(), lr=0.05))
    loss_fn = nn.BCEWithLogitsLoss()
    first = None
    for _ in range(300):
        opt.zero_grad()
        loss = loss_fn(model(x).squeeze(1), y)
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < 0.5 * first
    accuracy = ((model(x).squeeze(1) > 0).float() == y).float().mean().item()
    assert accuracy > 0.85


def test_batches_cover_the_dataset():
    dataset = mt.data.make_dataset("circle", 30, 0)
    batches = mt.data.Batches(dataset, 8, seed=0)
    epoch = batches.epoch()
    assert len(batches) == 4 and sum(xb.shape[0] for xb, _ in epoch) == 30
    assert "xor" in mt.data.dataset_names()
