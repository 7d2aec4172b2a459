"""Seconds per training epoch of the course's CNNs written in minitorch's Python API and in
PyTorch (cuDNN on CUDA), same models, batches, synthetic data of the real shapes, one process,
alternating (issue #13's GPU comparison; on the CPU, bench/python/task_compare.py compares the
`minitorch train` program instead).

usage: python bench/python/task_compare_device.py [--device cuda] [--repeats 3] [--epochs 2]
Inputs live on the device in a torch tensor; each batch is gathered there by torch and handed
to minitorch through DLPack (no copy), so both sides train on the same bytes. Each step:
zero_grad, forward, loss, backward, SGD step, loss.item().
"""

import argparse
import statistics
import time

import torch
from task_compare import ImageCnn, SentimentCnn

import minitorch as mt


def torch_models(dev):
    # task_compare.py's torch.nn models (this script's directory is on sys.path).
    return SentimentCnn(16981).to(dev), ImageCnn().to(dev)


def minitorch_models(dev, table):
    F = mt.nn.functional

    class Sentiment(mt.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = mt.nn.Embedding.from_pretrained(table, freeze=True)
            self.convs = mt.nn.ModuleList([mt.nn.Conv1d(50, 100, w, device=dev) for w in (3, 4, 5)])
            self.linear = mt.nn.Linear(100, 1, device=dev)
            self.drop = mt.nn.Dropout(0.25)

        def forward(self, ids):
            x = self.emb(ids).permute(0, 2, 1)
            pooled = None
            for c in self.convs:
                m = c(x).relu().amax(-1)
                pooled = m if pooled is None else pooled + m
            return self.drop(self.linear(pooled)).sigmoid().reshape(ids.shape[0])

    class Image(mt.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = mt.nn.Conv2d(1, 4, 3, padding=1, device=dev)
            self.c2 = mt.nn.Conv2d(4, 8, 3, padding=1, device=dev)
            self.l1 = mt.nn.Linear(392, 64, device=dev)
            self.drop = mt.nn.Dropout(0.25)
            self.l2 = mt.nn.Linear(64, 10, device=dev)

        def forward(self, x):
            h = self.c2(self.c1(x).relu()).relu()
            h = F.avg_pool2d(h, 4).reshape(x.shape[0], 392)
            return mt.log_softmax(self.l2(self.drop(self.l1(h).relu())), 1)

    return Sentiment(), Image()


def epoch_seconds(lib, model, x, y, batch, lr, loss_fn, epochs, dev):
    opt = lib.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    n = x.shape[0]
    times = []
    for _ in range(epochs):
        if dev == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        order = torch.randperm(n, device=dev)
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            xb, yb = x[idx], y[idx]
            if lib is mt:
                xb, yb = mt.from_dlpack(xb), mt.from_dlpack(yb)
            opt.zero_grad()
            loss = loss_fn(lib, model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()
        if dev == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the course sizes")
    args = parser.parse_args()
    dev = args.device
    torch.manual_seed(0)
    n_sent, n_img = int(450 * args.scale), int(5000 * args.scale)
    ids = torch.randint(0, 16981, (n_sent, 63), device=dev)
    ys = torch.randint(0, 2, (n_sent,), device=dev).float()
    imgs = torch.rand((n_img, 1, 28, 28), device=dev)
    yi_long = torch.randint(0, 10, (n_img,), device=dev)
    yi_float = yi_long.float()
    t_sent, t_img = torch_models(dev)
    m_sent, m_img = minitorch_models(dev, mt.from_dlpack(t_sent.embedding.weight.detach()))

    def bce(lib, out, y):
        return lib.nn.functional.binary_cross_entropy(out, y) if lib is torch else \
            mt.nn.BCELoss()(out, y)

    def nll(lib, out, y):
        return torch.nn.functional.nll_loss(out, y) if lib is torch else mt.nn.NLLLoss()(out, y)

    name = torch.cuda.get_device_name() if dev == "cuda" else "cpu"
    print(f"{name}; torch {torch.__version__} (cuDNN {torch.backends.cudnn.version()}); "
          f"{args.repeats} alternating runs of {args.epochs} epochs; seconds per epoch, median (min)")
    print(f"{'task':10s} {'minitorch':>17s} {'pytorch':>17s} {'pytorch/minitorch':>18s}")
    for task, tm, mm, x, yt, ym, batch, lr, loss in (
            ("sentiment", t_sent, m_sent, ids, ys, ys, 10, 0.01, bce),
            ("mnist", t_img, m_img, imgs, yi_long, yi_float, 16, 0.05, nll)):
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(epoch_seconds(mt, mm, x, ym, batch, lr, loss, args.epochs, dev))
            theirs.append(epoch_seconds(torch, tm, x, yt, batch, lr, loss, args.epochs, dev))
        m, p = statistics.median(ours), statistics.median(theirs)
        print(f"{task:10s} {m:8.3f} ({min(ours):6.3f}) {p:8.3f} ({min(theirs):6.3f}) {p / m:18.2f}",
              flush=True)


if __name__ == "__main__":
    main()
