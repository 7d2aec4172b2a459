"""The GIL is released inside kernels: Python keeps running while another thread computes."""

import threading
import time

import minitorch as mt


def test_python_runs_while_another_thread_is_in_a_kernel():
    a = mt.rand(600, 600)
    b = mt.rand(600, 600)
    window = {}

    def work():
        window["start"] = time.perf_counter()
        for _ in range(6):
            a @ b
            (a.exp() + b).sum()
        window["end"] = time.perf_counter()

    thread = threading.Thread(target=work)
    ticks = []
    thread.start()
    while thread.is_alive():
        ticks.append(time.perf_counter())
    thread.join()
    inside = [t for t in ticks if window["start"] < t < window["end"]]
    # With the GIL held through each kernel this thread could only tick between kernels, a
    # handful of times; released, it ticks throughout.
    assert len(inside) > 1000, (len(inside), window["end"] - window["start"])


def test_two_threads_compute_at_once_and_agree():
    a = mt.rand(300, 300, dtype=mt.float64)
    expected = (a @ a).sum().item()
    results = []

    def work():
        results.append((a @ a).sum().item())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
