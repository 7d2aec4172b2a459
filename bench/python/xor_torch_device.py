"""PyTorch eager (and, for reference, PyTorch with CUDA-graph replay) on gpu_bench's xor task:
50 points, batches of 10, MLP 2-100-100-1 (relu, relu, sigmoid), BCE, SGD 0.05; milliseconds
per epoch (5 steps and one loss.item() per epoch), median over 200 epochs after 5 of warm-up.
Prints lines to set beside mt_gpu_bench's "Training" block.

usage: python bench/python/xor_torch_device.py
"""

import statistics
import time

import torch


def make(dev):
    g = torch.Generator().manual_seed(7)
    xs = torch.rand(50, 2, generator=g)
    ys = ((xs[:, 0] < 0.5) != (xs[:, 1] < 0.5)).float().unsqueeze(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 100), torch.nn.ReLU(), torch.nn.Linear(100, 100), torch.nn.ReLU(),
        torch.nn.Linear(100, 1), torch.nn.Sigmoid()).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    batches = [(xs[s:s + 10].to(dev), ys[s:s + 10].to(dev)) for s in range(0, 50, 10)]
    return model, opt, batches


def epochs(run_step, batches, n=200, warm=5):
    times = []
    for e in range(n + warm):
        t0 = time.perf_counter()
        for x, y in batches:
            loss = run_step(x, y)
        loss.item()
        if e >= warm:
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main():
    dev = torch.device("cuda")
    model, opt, batches = make(dev)
    bce = torch.nn.BCELoss()

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = bce(model(x), y)
        loss.backward()
        opt.step()
        return loss

    eager = epochs(step, batches)
    print(f"  pytorch {torch.__version__} eager:      {eager:9.3f} ms per epoch")

    model, opt, batches = make(dev)
    static_x, static_y = batches[0][0].clone(), batches[0][1].clone()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            step(static_x, static_y)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    opt.zero_grad(set_to_none=True)
    with torch.cuda.graph(graph):
        static_loss = step(static_x, static_y)

    def replay(x, y):
        static_x.copy_(x)
        static_y.copy_(y)
        graph.replay()
        return static_loss

    graphed = epochs(replay, batches)
    print(f"  pytorch {torch.__version__} graph replay: {graphed:7.3f} ms per epoch")


if __name__ == "__main__":
    main()
