"""PyTorch's side of `minitorch train --task mnist` on one device: the course's CNN
(task_compare.py's ImageCnn), the real MNIST files, batch 16, SGD lr 0.05, eager mode, in
float32 or under torch.autocast (bfloat16, or float16 with a GradScaler), as --autocast does.
Prints seconds per epoch (median over epochs) and the test accuracy after the last epoch, to
set beside `minitorch train --task mnist --backend cuda --autocast ...` in the same call.

usage: python bench/python/mnist_torch_device.py [--device cuda] [--epochs 2]
       [--autocast off|bfloat16|float16] [--data $MINITORCH_DATA/mnist]
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch
from task_compare import ImageCnn


def read_idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load(data, split):
    images = read_idx(os.path.join(data, f"{split}-images-idx3-ubyte"), 16)
    labels = read_idx(os.path.join(data, f"{split}-labels-idx1-ubyte"), 8)
    x = torch.from_numpy(images.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--device", default="cuda")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--autocast", default="off", choices=["off", "bfloat16", "float16"])
    default_data = os.path.join(
        os.environ.get("MINITORCH_DATA", os.path.expanduser("~/.cache/minitorch")), "mnist")
    p.add_argument("--data", default=default_data)
    a = p.parse_args()
    dev = torch.device(a.device)
    torch.manual_seed(0)
    x, y = load(a.data, "train")
    tx, ty = load(a.data, "t10k")
    x, y, tx, ty = x.to(dev), y.to(dev), tx.to(dev), ty.to(dev)
    model = ImageCnn().to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    amp = a.autocast != "off"
    amp_dtype = torch.float16 if a.autocast == "float16" else torch.bfloat16
    scaler = torch.amp.GradScaler(enabled=a.autocast == "float16")
    seconds = []
    for _ in range(a.epochs):
        model.train()
        order = torch.randperm(x.shape[0], device=dev)
        torch.cuda.synchronize() if dev.type == "cuda" else None
        t0 = time.perf_counter()
        for s in range(0, x.shape[0], 16):
            idx = order[s:s + 16]
            opt.zero_grad()
            with torch.autocast(dev.type, dtype=amp_dtype, enabled=amp):
                out = model(x[idx])
            loss = torch.nn.functional.nll_loss(out.float(), y[idx])
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            loss.item()  # as minitorch train reads each batch's loss
        torch.cuda.synchronize() if dev.type == "cuda" else None
        seconds.append(time.perf_counter() - t0)
    model.eval()
    correct = 0
    with torch.no_grad(), torch.autocast(dev.type, dtype=amp_dtype, enabled=amp):
        for s in range(0, tx.shape[0], 500):
            correct += (model(tx[s:s + 500]).argmax(1) == ty[s:s + 500]).sum().item()
    print(f"pytorch {torch.__version__} mnist autocast={a.autocast}: "
          f"{statistics.median(seconds):.2f} s per epoch (min {min(seconds):.2f}), "
          f"test accuracy {100.0 * correct / tx.shape[0]:.2f}% after {a.epochs} epochs")


if __name__ == "__main__":
    main()
