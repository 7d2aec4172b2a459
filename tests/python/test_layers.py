"""minitorch.nn's convolution, pooling, flatten, embedding and normalization modules, the
buffers in state_dict, AdamW, the lr schedulers, clip_grad_norm_ and the thread count, against
numpy (always) and PyTorch (where installed)."""

import math

import numpy as np
import pytest

import minitorch as mt
from minitorch import nn

F = nn.functional


def test_conv_modules_parameters_and_forward():
    conv = nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2)
    assert tuple(conv.weight.shape) == (6, 2, 3, 2) and tuple(conv.bias.shape) == (6,)
    assert conv.num_parameters() == 6 * 2 * 3 * 2 + 6
    bound = 1 / math.sqrt(2 * 3 * 2)
    assert 0 < float(conv.weight.abs().max()) <= bound
    x = mt.randn(2, 4, 7, 5)
    expected = F.conv2d(x, conv.weight, conv.bias, 2, 1, 1, 2)
    assert conv(x).tolist() == expected.tolist()
    conv1 = nn.Conv1d(3, 5, 4, padding="same", bias=False)
    assert [n for n, _ in conv1.named_parameters()] == ["weight"]
    assert tuple(conv1(mt.randn(2, 3, 9)).shape) == (2, 5, 9)
    assert "Conv2d(4, 6, kernel_size=(3, 2), stride=(2, 2)" in repr(conv)


def test_pool_flatten_modules():
    x = mt.randn(2, 3, 8, 6)
    assert nn.MaxPool2d(2)(x).tolist() == F.max_pool2d(x, 2).tolist()
    assert nn.AvgPool2d(3, 1, 1)(x).tolist() == F.avg_pool2d(x, 3, 1, 1).tolist()
    assert tuple(nn.Flatten()(x).shape) == (2, 144)
    assert tuple(nn.Flatten(0, 2)(x).shape) == (48, 6)
    assert tuple(mt.flatten(x, 1).shape) == (2, 144)
    assert tuple(x.flatten(2).shape) == (2, 3, 48) and tuple(x.flatten().shape) == (288,)
    assert nn.MaxPool2d(2).num_parameters() == 0
    with pytest.raises(mt.ValueError, match="Flatten"):
        nn.Flatten(2, 1)(x)


def test_a_small_cnn_trains_and_round_trips(tmp_path):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4),
                                          nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
            self.head = nn.Linear(4 * 3 * 3, 2)

        def forward(self, x):
            return self.head(self.features(x))

    model = Net()
    names = list(model.state_dict())
    assert names == ["features.0.weight", "features.0.bias", "features.1.weight",
                     "features.1.bias", "features.1.running_mean", "features.1.running_var",
                     "features.1.num_batches_tracked", "head.weight", "head.bias"]
    assert model.num_parameters() == 4 * 9 + 4 + 4 + 4 + 36 * 2 + 2
    x = mt.randn(8, 1, 6, 6)
    y = mt.tensor([0, 1] * 4)
    opt = mt.optim.AdamW(model.parameters(), lr=0.05)
    losses = []
    for _ in range(15):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    assert model.features[1].num_batches_tracked.item() == 15
    path = tmp_path / "cnn.safetensors"
    model.save(path)
    copy = Net()
    copy.load(path)
    model.eval()
    copy.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), copy(x).detach().numpy())
    assert copy.features[1].num_batches_tracked.item() == 15


def test_batch_norm_train_and_eval_match_numpy(rng):
    x = rng.standard_normal((6, 3, 4, 2)) * 3 + 1
    bn = nn.BatchNorm2d(3, momentum=0.2, dtype=mt.float64)
    out = bn(mt.tensor(x)).detach().numpy()
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    expected = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.2 * mean, rtol=1e-12)
    unbiased = x.var(axis=(0, 2, 3), ddof=1)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.8 + 0.2 * unbiased, rtol=1e-12)
    bn.eval()
    out = bn(mt.tensor(x)).detach().numpy()
    rm, rv = bn.running_mean.numpy(), bn.running_var.numpy()
    expected = (x - rm[None, :, None, None]) / np.sqrt(rv[None, :, None, None] + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-9)
    assert bn.num_batches_tracked.item() == 1  # eval does not count
    plain = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert list(plain.state_dict()) == [] and plain.num_parameters() == 0
    plain.eval()
    z = plain(mt.randn(5, 3, 4)).numpy()
    np.testing.assert_allclose(z.mean(axis=(0, 2)), 0, atol=1e-5)
    with pytest.raises(mt.ShapeError, match=r"BatchNorm1d.*\[5, 4\]"):
        plain(mt.randn(5, 4))
    with pytest.raises(mt.ValueError, match="more than 1 value"):
        nn.BatchNorm1d(3)(mt.randn(1, 3))
    with pytest.raises(mt.ValueError, match="BatchNorm2d"):
        nn.BatchNorm2d(0)


def test_layer_norm_matches_numpy_and_its_gradient_flows(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    ln = nn.LayerNorm((4, 5), dtype=mt.float64)
    with mt.no_grad():
        ln.weight.copy_(mt.tensor(rng.standard_normal((4, 5))))
        ln.bias.copy_(mt.tensor(rng.standard_normal((4, 5))))
    out = ln(mt.tensor(x))
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5) * ln.weight.detach().numpy() + \
        ln.bias.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-9, atol=1e-9)
    out.sum().backward()
    np.testing.assert_allclose(ln.bias.grad.numpy(), np.full((4, 5), 6.0))
    assert nn.LayerNorm(5).num_parameters() == 10
    assert nn.LayerNorm(5, elementwise_affine=False).num_parameters() == 0
    with pytest.raises(mt.ShapeError, match="LayerNorm"):
        ln(mt.randn(2, 5, 4))


def test_embedding_module_and_from_pretrained():
    emb = nn.Embedding(10, 3)
    assert tuple(emb.weight.shape) == (10, 3) and emb.num_parameters() == 30
    idx = mt.tensor([[1, 9], [9, 0]])
    out = emb(idx)
    assert out.tolist()[0][1] == emb.weight.tolist()[9]
    out.sum().backward()
    assert emb.weight.grad.tolist()[9] == [2.0, 2.0, 2.0]
    table = mt.arange(6.0).reshape(3, 2)
    frozen = nn.Embedding.from_pretrained(table)
    assert list(frozen.parameters()) == [] and list(frozen.state_dict()) == ["weight"]
    assert frozen(mt.tensor([2])).tolist() == [[4.0, 5.0]]
    trained = nn.Embedding.from_pretrained(table, freeze=False)
    assert [n for n, _ in trained.named_parameters()] == ["weight"]
    with mt.no_grad():
        trained.weight.fill_(0.0)
    assert table.tolist()[1] == [2.0, 3.0]  # from_pretrained copies
    frozen.load_state_dict({"weight": mt.ones(3, 2)})
    assert frozen(mt.tensor([0])).tolist() == [[1.0, 1.0]]
    with pytest.raises(mt.IndexError, match="embedding"):
        emb(mt.tensor([10]))
    with pytest.raises(mt.ShapeError, match="from_pretrained"):
        nn.Embedding.from_pretrained(mt.ones(3))


def test_buffers_and_state_dict_checks():
    class WithBuffer(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(mt.ones(2))
            self.register_buffer("count", mt.zeros(2))

    m = WithBuffer()
    assert [n for n, _ in m.named_buffers()] == ["count"]
    assert [n for n, _ in m.named_parameters()] == ["scale"]
    m.count = mt.full((2,), 3.0)  # assigning to a buffer's name replaces the buffer
    assert m.state_dict()["count"].tolist() == [3.0, 3.0]
    with pytest.raises(mt.ValueError, match="missing keys \\['count'\\]"):
        m.load_state_dict({"scale": mt.ones(2)})
    with pytest.raises(mt.ShapeError, match="count"):
        m.load_state_dict({"scale": mt.ones(2), "count": mt.ones(3)})
    assert m.count.tolist() == [3.0, 3.0]  # nothing written after a refused load


def test_adamw_schedulers_and_clip_grad_norm():
    w = mt.tensor([1.0, -2.0], requires_grad=True)
    opt = mt.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    (w * w).sum().backward()
    opt.step()
    # Decoupled decay, then Adam's first step moves each weight by lr against its gradient.
    expected = [1.0 * (1 - 0.05) - 0.1, -2.0 * (1 - 0.05) + 0.1]
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-6)
    step = mt.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        step.step()
        lrs.append(step.get_last_lr()[0])
    np.testing.assert_allclose(lrs, [0.1, 0.05, 0.05, 0.025, 0.025])
    assert step.last_epoch == 5 and step.base_lrs == [0.1]
    cos = mt.optim.lr_scheduler.CosineAnnealingLR(mt.optim.SGD([w], lr=1.0), T_max=4,
                                                 eta_min=0.2)
    values = []
    for _ in range(4):
        cos.step()
        values.append(cos.get_last_lr()[0])
    expected = [0.2 + 0.8 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(1, 5)]
    np.testing.assert_allclose(values, expected)
    with pytest.raises(mt.ValueError, match="StepLR"):
        mt.optim.lr_scheduler.StepLR(opt, step_size=0)

    a = mt.tensor([3.0], requires_grad=True)
    b = mt.tensor([4.0], requires_grad=True)
    (a * 1.0 + b * 1.0).sum().backward()
    a.grad = mt.tensor([3.0])
    b.grad = mt.tensor([4.0])
    assert nn.utils.clip_grad_norm_([a, b], 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose([a.grad.item(), b.grad.item()], [0.6, 0.8], rtol=1e-5)
    assert nn.utils.clip_grad_norm_(a, 10.0, norm_type="inf") == pytest.approx(0.6, rel=1e-5)
    with pytest.raises(mt.ValueError, match="clip_grad_norm_"):
        nn.utils.clip_grad_norm_([a], -1.0)


def test_num_threads_round_trip():
    before = mt.get_num_threads()
    assert before >= 1
    try:
        mt.set_num_threads(1)
        assert mt.get_num_threads() == 1
        x = mt.randn(64, 64)
        single = (x @ x).tolist()
        mt.set_num_threads(2)
        assert mt.get_num_threads() == 2
        assert (x @ x).tolist() == single  # results never depend on the thread count
    finally:
        mt.set_num_threads(before)


def test_modules_match_torch():
    torch = pytest.importorskip("torch")
    pairs = [
        (nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), torch.nn.Conv1d(4, 6, 3, 2, 1,
                                                                           groups=2), (2, 4, 9)),
        (nn.Conv2d(3, 4, (3, 2), dilation=2, padding="same"),
         torch.nn.Conv2d(3, 4, (3, 2), dilation=2, padding="same"), (2, 3, 7, 8)),
        (nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3), (4, 3, 5, 5)),
        (nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3), (4, 3, 6)),
        (nn.LayerNorm((5, 6)), torch.nn.LayerNorm((5, 6)), (2, 3, 5, 6)),
        (nn.Embedding(7, 3), torch.nn.Embedding(7, 3), None),
    ]
    for ours, theirs, shape in pairs:
        assert list(ours.state_dict()) == list(theirs.state_dict()), type(ours).__name__
        assert ours.num_parameters() == sum(p.numel() for p in theirs.parameters())
        # PyTorch's values into ours (through numpy), then the same input through both.
        ours.load_state_dict({k: mt.tensor(v.detach().numpy())
                              for k, v in theirs.state_dict().items()})
        if shape is None:
            x = np.array([[0, 6, 3]])
            got, want = ours(mt.tensor(x)), theirs(torch.tensor(x))
        else:
            x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
            got, want = ours(mt.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-4,
                                   atol=1e-5, err_msg=type(ours).__name__)
        for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=name)
