"""mt.cuda.CUDAGraph: capture a step's GPU work once, replay it on new data (docs/cuda.md,
"Graph replay"); refused off the GPU and for steps that read values back on the host."""

import pytest

import minitorch as mt


def test_capture_off_the_gpu_is_a_device_error():
    with pytest.raises(mt.DeviceError, match="CudaGraph::capture"):
        mt.cuda.CUDAGraph("cpu").capture(lambda: None)
    graph = mt.cuda.CUDAGraph()
    assert not graph.captured
    with pytest.raises(mt.DeviceError, match="nothing captured"):
        graph.replay()


@pytest.mark.skipif(not mt.cuda.is_available(), reason="no CUDA backend or GPU")
def test_replay_reads_the_static_inputs_again():
    x = mt.tensor([1.0, 2.0, 3.0]).cuda()
    out = {"y": x * 2.0 + 1.0}  # warm-up: compiles the program, fills the cache
    graph = mt.cuda.CUDAGraph()
    graph.capture(lambda: out.update(y=x * 2.0 + 1.0))
    graph.replay()
    assert out["y"].tolist() == [3.0, 5.0, 7.0]
    x.copy_(mt.tensor([10.0, 20.0, 30.0]).cuda())
    graph.replay()
    assert out["y"].tolist() == [21.0, 41.0, 61.0]
    with pytest.raises(mt.DeviceError, match="CudaGraph::capture"):
        mt.cuda.CUDAGraph().capture(lambda: (x + 1.0).sum().item())
    with pytest.raises(ZeroDivisionError):
        mt.cuda.CUDAGraph().capture(lambda: 1 / 0)
    assert (x + x).tolist() == [20.0, 40.0, 60.0]
