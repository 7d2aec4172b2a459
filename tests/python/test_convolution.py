"""minitorch.nn.functional's conv1d, conv2d, pools, pad, embedding and Tensor.unfold from
Python: forward against a small numpy reference and float64 central differences (always), and
forward and gradients against PyTorch on random configurations where it is installed."""

import numpy as np
import pytest

import minitorch as mt

F = mt.nn.functional


def _same_padding(kernel, dilation):
    # "same": total padding dilation * (k - 1), the odd element after, as PyTorch.
    total = dilation * (kernel - 1)
    return total // 2, total - total // 2


def conv2d_ref(x, w, b=None, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
               groups=1):
    """x [N, C, H, W], w [O, C / groups, kh, kw]; padding ((top, bottom), (left, right))."""
    x = np.pad(x, ((0, 0), (0, 0)) + tuple(padding))
    n, _, h, wd = x.shape
    o, cg, kh, kw = w.shape
    ho = (h - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, ho, wo), dtype=np.float64)
    og = o // groups
    for g in range(groups):
        xs = x[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                r, c = i * dilation[0], j * dilation[1]
                patch = xs[:, :, r:r + stride[0] * (ho - 1) + 1:stride[0],
                           c:c + stride[1] * (wo - 1) + 1:stride[1]]
                out[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, w[g * og:(g + 1) * og, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def pool2d_ref(x, kernel, stride, padding, reduce, pad_value, dilation=(1, 1)):
    x = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2),
               constant_values=pad_value)
    kh, kw = kernel
    ho = (x.shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (x.shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    windows = [x[:, :, i * dilation[0]:i * dilation[0] + stride[0] * (ho - 1) + 1:stride[0],
                 j * dilation[1]:j * dilation[1] + stride[1] * (wo - 1) + 1:stride[1]]
               for i in range(kh) for j in range(kw)]
    return reduce(np.stack(windows), axis=0)


def numeric_grad(fn, arrays, index, eps=1e-6):
    """d sum(fn(*arrays) * weights) / d arrays[index] by central differences (float64)."""
    a = arrays[index]
    grad = np.zeros_like(a)
    flat = a.reshape(-1)
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + eps
        up = fn(*arrays)
        flat[k] = saved - eps
        down = fn(*arrays)
        flat[k] = saved
        grad.reshape(-1)[k] = (up - down) / (2 * eps)
    return grad


def mt64(a, grad=False):
    return mt.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


CONV2D_CASES = [
    # (N, C_in, H, W, C_out, kh, kw, stride, padding, dilation, groups)
    (2, 3, 7, 6, 4, 3, 3, 1, 0, 1, 1),
    (1, 4, 9, 8, 6, 3, 2, (2, 1), (1, 2), 1, 2),
    (2, 2, 8, 9, 2, 2, 3, 1, 1, (2, 1), 2),
    (1, 3, 5, 7, 2, 3, 3, 1, "same", 1, 1),
    (1, 2, 6, 6, 4, 2, 2, 1, "same", 2, 1),
    (3, 1, 4, 5, 1, 1, 1, 1, "valid", 1, 1),
]


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


def _padding_pairs(padding, kernel, dilation):
    if padding == "same":
        return tuple(_same_padding(k, d) for k, d in zip(kernel, dilation))
    if padding == "valid":
        return ((0, 0), (0, 0))
    return tuple((p, p) for p in _pair(padding))


@pytest.mark.parametrize("case", CONV2D_CASES)
def test_conv2d_forward_matches_numpy(rng, case):
    n, c, h, w, o, kh, kw, stride, padding, dilation, groups = case
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((o, c // groups, kh, kw))
    b = rng.standard_normal(o)
    got = F.conv2d(mt64(x), mt64(wt), mt64(b), stride, padding, dilation, groups)
    expected = conv2d_ref(x, wt, b, _pair(stride), _padding_pairs(padding, (kh, kw),
                          _pair(dilation)), _pair(dilation), groups)
    assert np.abs(expected).max() > 0
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-10)


def test_conv1d_matches_numpy_through_a_unit_height(rng):
    x = rng.standard_normal((2, 4, 11))
    wt = rng.standard_normal((6, 2, 3))
    got = F.conv1d(mt64(x), mt64(wt), None, stride=2, padding=(1,), dilation=2, groups=2)
    expected = conv2d_ref(x[:, :, None], wt[:, :, None], None, (1, 2), ((0, 0), (1, 1)),
                          (1, 2), 2)[:, :, 0]
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-10)
    unbatched = F.conv1d(mt64(x[0]), mt64(wt), stride=2, padding=1, dilation=2, groups=2)
    np.testing.assert_allclose(unbatched.numpy(), expected[0], rtol=1e-10, atol=1e-10)


def test_conv2d_gradients_match_central_differences(rng):
    x = rng.standard_normal((1, 2, 5, 4))
    wt = rng.standard_normal((2, 1, 2, 3))
    b = rng.standard_normal(2)
    r = rng.standard_normal(conv2d_ref(x, wt, b, (2, 1), ((1, 1), (1, 1))).shape)
    xt, wtt, bt = mt64(x, True), mt64(wt, True), mt64(b, True)
    (F.conv2d(xt, wtt, bt, (2, 1), 1, 1, 2) * mt64(r)).sum().backward()

    def loss(x_, w_, b_):
        return float((conv2d_ref(x_, w_, b_, (2, 1), ((1, 1), (1, 1)), (1, 1), 2) * r).sum())

    for i, t in enumerate((xt, wtt, bt)):
        np.testing.assert_allclose(t.grad.numpy(), numeric_grad(loss, [x, wt, b], i),
                                   rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), ((3, 2), 1, 1), (3, 2, 1)])
def test_pools_match_numpy(rng, kernel, stride, padding):
    x = rng.standard_normal((2, 3, 7, 6))
    k = _pair(kernel)
    s = _pair(stride) if stride is not None else k
    p = _pair(padding)
    avg = F.avg_pool2d(mt64(x), kernel, stride, padding)
    # atol too: a window whose values cancel has a mean near 0, where the summation order
    # (ours and numpy's differ) leaves a relative error above rtol (seen: 1.9e-12 at 2.4e-5).
    np.testing.assert_allclose(avg.numpy(), pool2d_ref(x, k, s, p, np.mean, 0.0), rtol=1e-12,
                               atol=1e-14)
    mx = F.max_pool2d(mt64(x), kernel, stride, padding)
    np.testing.assert_allclose(mx.numpy(), pool2d_ref(x, k, s, p, np.max, -np.inf))
    dilated = F.max_pool2d(mt64(x), 2, 1, 0, dilation=2)
    np.testing.assert_allclose(dilated.numpy(),
                               pool2d_ref(x, (2, 2), (1, 1), (0, 0), np.max, -np.inf, (2, 2)))


def test_pool_gradients_match_central_differences(rng):
    x = rng.standard_normal((1, 2, 5, 5))
    r = rng.standard_normal((1, 2, 3, 3))
    for op, reduce, pad_value in ((F.avg_pool2d, np.mean, 0.0), (F.max_pool2d, np.max, -np.inf)):
        xt = mt64(x, True)
        (op(xt, 3, 2, 1) * mt64(r)).sum().backward()

        def loss(x_, reduce=reduce, pad_value=pad_value):
            return float((pool2d_ref(x_, (3, 3), (2, 2), (1, 1), reduce, pad_value) * r).sum())

        np.testing.assert_allclose(xt.grad.numpy(), numeric_grad(loss, [x], 0), atol=1e-6)


def test_pad_unfold_embedding_match_numpy(rng):
    x = rng.standard_normal((2, 3, 4))
    got = F.pad(mt64(x), (1, 2, 0, 1), value=0.5)
    np.testing.assert_array_equal(got.numpy(),
                                  np.pad(x, ((0, 0), (0, 1), (1, 2)), constant_values=0.5))
    windows = mt64(x).unfold(2, 2, 1)
    expected = np.lib.stride_tricks.sliding_window_view(x, 2, axis=2)
    np.testing.assert_array_equal(windows.numpy(), expected)
    table = rng.standard_normal((5, 3))
    idx = np.array([[4, 0], [2, 2]])
    np.testing.assert_array_equal(F.embedding(mt.tensor(idx), mt64(table)).numpy(), table[idx])
    weight = mt64(table, True)
    F.embedding(mt.tensor(idx), weight).sum().backward()
    counts = np.bincount(idx.reshape(-1), minlength=5)[:, None] * np.ones((1, 3))
    np.testing.assert_array_equal(weight.grad.numpy(), counts)


def test_errors_name_the_op():
    x = mt.zeros(1, 3, 5, 5)
    with pytest.raises(mt.ShapeError, match="conv2d"):
        F.conv2d(x, mt.zeros(2, 4, 3, 3))  # 3 channels, the weight wants 4
    with pytest.raises(mt.ShapeError, match="conv1d"):
        F.conv1d(mt.zeros(1, 2, 5), mt.zeros(2, 3, 3))
    with pytest.raises(mt.ValueError, match="conv2d"):
        F.conv2d(x, mt.zeros(2, 3, 3, 3), padding=-1)
    with pytest.raises(mt.ValueError, match="conv2d"):
        F.conv2d(x, mt.zeros(2, 3, 3, 3), padding="full")
    with pytest.raises(mt.ShapeError, match="conv2d"):
        F.conv2d(x, mt.zeros(2, 3, 7, 7))  # kernel larger than the input
    with pytest.raises(mt.ShapeError, match="max_pool2d"):
        F.max_pool2d(x, 6)
    with pytest.raises(mt.ValueError, match="avg_pool2d"):
        F.avg_pool2d(x, 2, padding=-1)
    with pytest.raises(mt.ValueError, match="pad"):
        F.pad(x, (-1, 0))
    with pytest.raises(mt.IndexError, match="embedding"):
        F.embedding(mt.tensor([0, 7]), mt.zeros(5, 2))
    with pytest.raises(mt.ValueError, match="stride"):
        F.conv2d(x, mt.zeros(2, 3, 3, 3), stride=(1, 1, 1))
    assert issubclass(mt.ShapeError, ValueError) and issubclass(mt.IndexError, IndexError)


def _random_conv2d_config(rng):
    groups = int(rng.choice([1, 2, 3]))
    c_in = groups * int(rng.integers(1, 3))
    c_out = groups * int(rng.integers(1, 3))
    kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
    dilation = tuple(int(v) for v in rng.integers(1, 3, size=2))
    if rng.random() < 0.3:
        stride, padding = (1, 1), "same"
    else:
        stride = tuple(int(v) for v in rng.integers(1, 4, size=2))
        padding = tuple(int(rng.integers(0, (k + 1) // 2 + 1)) for k in (kh, kw))
    h = dilation[0] * (kh - 1) + 1 + int(rng.integers(0, 6))
    w = dilation[1] * (kw - 1) + 1 + int(rng.integers(0, 6))
    n = int(rng.integers(1, 4))
    return (n, c_in, h, w), (c_out, c_in // groups, kh, kw), stride, padding, dilation, groups


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
def test_conv_and_pools_match_torch_on_random_configs(rng):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    for _ in range(25):
        x_shape, w_shape, stride, padding, dilation, groups = _random_conv2d_config(rng)
        x = rng.standard_normal(x_shape)
        wt = rng.standard_normal(w_shape)
        b = rng.standard_normal(w_shape[0])
        config = (stride, padding, dilation, groups)
        ours = [mt64(a, True) for a in (x, wt, b)]
        theirs = [torch.tensor(a, requires_grad=True) for a in (x, wt, b)]
        got = F.conv2d(*ours, *config)
        want = tf.conv2d(*theirs, *config)
        r = rng.standard_normal(tuple(want.shape))
        (got * mt64(r)).sum().backward()
        (want * torch.tensor(r)).sum().backward()
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-9,
                                   atol=1e-9, err_msg=str(config))
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-9,
                                       err_msg=str(config))
        # conv1d: the same configuration's first spatial dim.
        x1, w1 = x[:, :, 0], wt[:, :, 0]
        p1 = padding if isinstance(padding, str) else padding[1]
        got1 = F.conv1d(mt64(x1), mt64(w1), mt64(b), stride[1], p1, dilation[1], groups)
        want1 = tf.conv1d(torch.tensor(x1), torch.tensor(w1), torch.tensor(b), stride[1], p1,
                          dilation[1], groups)
        np.testing.assert_allclose(got1.numpy(), want1.numpy(), rtol=1e-9, atol=1e-9)
        # Pools over the same input: kernel at most the input, padding at most half the kernel.
        k = (min(w_shape[2], x_shape[2]), min(w_shape[3], x_shape[3]))
        p = (k[0] // 2, k[1] // 2)
        s = stride if padding != "same" else None
        for ours_pool, torch_pool in ((F.avg_pool2d, tf.avg_pool2d), (F.max_pool2d,
                                                                       tf.max_pool2d)):
            xo, xt = mt64(x, True), torch.tensor(x, requires_grad=True)
            got_p, want_p = ours_pool(xo, k, s, p), torch_pool(xt, k, s, p)
            rp = rng.standard_normal(tuple(want_p.shape))
            (got_p * mt64(rp)).sum().backward()
            (want_p * torch.tensor(rp)).sum().backward()
            np.testing.assert_allclose(got_p.detach().numpy(), want_p.detach().numpy(),
                                       rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-12,
                                       atol=1e-12)
