"""Seconds per training epoch of the course's CNNs: `minitorch train --task ...` against the same
model, batch and thread count in PyTorch eager, measured side by side in one run (issue #13).

usage: python bench/python/task_compare.py [--minitorch build/release/bin/minitorch]
                                            [--repeats 3] [--threads 1 2] [--tasks sentiment mnist]

Models (apps/minitorch/task_models.h), written again in torch.nn:
- sentiment (course sizes): frozen embedding [V, 50] -> conv1d(50 -> 100, w) for w in 3, 4, 5 ->
  relu -> max over time -> summed -> Linear(100, 1) -> dropout(0.25) -> sigmoid; BCE; SGD lr 0.01,
  batch 10; 450 sentences of 63 token ids (the padded length of the real data).
- mnist (course sizes): conv2d(1,4,3x3,pad 1) -> relu -> conv2d(4,8,3x3,pad 1) -> relu ->
  avgpool 4x4 -> Linear(392, 64) -> relu -> dropout(0.25) -> Linear(64, 10) -> log_softmax; NLL;
  SGD lr 0.05, batch 16; 5,000 images.
Each PyTorch epoch does what minitorch's epoch does: a fresh shuffle, per batch zero_grad,
forward, loss, backward, step, loss.item() and the predicted labels on the host. PyTorch trains
on random inputs of the real data's shapes (the work does not depend on the values); minitorch
trains on the real data (fetch it first: bash tools/fetch_data.sh). Runs alternate between the
two so that drift on a shared machine hits both; the median and min of the per-run medians are
printed, and the ratio PyTorch / minitorch of the medians (> 1: minitorch is faster).
"""

import argparse
import json
import statistics
import subprocess
import time

import torch
from torch import nn


class SentimentCnn(nn.Module):
    def __init__(self, vocab, dim=50, maps=100, widths=(3, 4, 5)):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.embedding.weight.requires_grad_(False)
        self.convs = nn.ModuleList(nn.Conv1d(dim, maps, w) for w in widths)
        self.linear = nn.Linear(maps, 1)
        self.dropout = nn.Dropout(0.25)

    def forward(self, ids):
        x = self.embedding(ids).permute(0, 2, 1)
        pooled = None
        for conv in self.convs:
            m = conv(x).relu().amax(-1)
            pooled = m if pooled is None else pooled + m
        return self.dropout(self.linear(pooled)).sigmoid().reshape(ids.shape[0])


class ImageCnn(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.linear1 = nn.Linear(392, 64)
        self.dropout = nn.Dropout(0.25)
        self.linear2 = nn.Linear(64, classes)

    def forward(self, x):
        h = self.conv2(self.conv1(x).relu()).relu()
        h = nn.functional.avg_pool2d(h, 4).reshape(x.shape[0], 392)
        h = self.dropout(self.linear1(h).relu())
        return self.linear2(h).log_softmax(1)


TASKS = {
    # name: (model factory, inputs, targets, batch, lr, loss, binary)
    "sentiment": dict(
        model=lambda: SentimentCnn(16981),
        x=lambda g: torch.randint(0, 16981, (450, 63), generator=g),
        y=lambda g: torch.randint(0, 2, (450,), generator=g).float(),
        batch=10, lr=0.01, loss=nn.functional.binary_cross_entropy, binary=True),
    "mnist": dict(
        model=ImageCnn,
        x=lambda g: torch.rand((5000, 1, 28, 28), generator=g),
        y=lambda g: torch.randint(0, 10, (5000,), generator=g),
        batch=16, lr=0.05, loss=nn.functional.nll_loss, binary=False),
}


def torch_epoch_seconds(task, threads, epochs):
    torch.set_num_threads(threads)
    spec = TASKS[task]
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model, x, y = spec["model"](), spec["x"](g), spec["y"](g)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=spec["lr"])
    model.train()
    seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(x.shape[0], generator=g)
        correct = 0
        for start in range(0, x.shape[0], spec["batch"]):
            idx = order[start:start + spec["batch"]]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            out = model(xb)
            loss = spec["loss"](out, yb)
            loss.backward()
            opt.step()
            loss.item()
            pred = (out.detach() > 0.5).long() if spec["binary"] else out.detach().argmax(1)
            correct += int((pred == yb.long()).sum())
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)


def minitorch_epoch_seconds(binary, task, threads, epochs):
    cmd = [binary, "train", "--task", task, "--course", "--epochs", str(epochs), "--threads",
           str(threads), "--json", "--quiet", "--plot", "none"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    return summary["seconds_per_epoch_median"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minitorch", default="build/release/bin/minitorch")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (median taken)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--tasks", nargs="+", default=["sentiment", "mnist"])
    args = parser.parse_args()
    print(f"torch {torch.__version__}; {args.repeats} alternating runs of {args.epochs} epochs; "
          "seconds per epoch: median (min) of the runs' medians")
    print(f"{'task':10s} {'threads':>7s} {'minitorch':>17s} {'pytorch':>17s} {'pytorch/minitorch':>18s}")
    for task in args.tasks:
        for threads in args.threads:
            mt, pt = [], []
            for _ in range(args.repeats):
                mt.append(minitorch_epoch_seconds(args.minitorch, task, threads, args.epochs))
                pt.append(torch_epoch_seconds(task, threads, args.epochs))
            m, p = statistics.median(mt), statistics.median(pt)
            print(f"{task:10s} {threads:7d} {m:8.3f} ({min(mt):6.3f}) {p:8.3f} ({min(pt):6.3f}) "
                  f"{p / m:18.2f}", flush=True)


if __name__ == "__main__":
    main()
