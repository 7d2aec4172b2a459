// Capture once, replay many times: a CUDA graph of the GPU work one call queues (PyTorch's
// torch.cuda.CUDAGraph). A training step of a small model is dozens of tiny kernels, each
// costing a few microseconds of host work and launch; replaying them as one graph costs one
// launch. See Note [CUDA graphs] in docs/cuda.md ("Graph replay") for what a step may do.
#pragma once

#include <functional>
#include <memory>

#include "minitorch/device.h"

namespace minitorch {

/// One captured sequence of GPU work on one device.
///
/// capture(step) runs step once on the host while the device's stream records, rather than
/// runs, the kernels and copies step queues; replay() then runs that recorded work again, on
/// the same memory: the tensors step read are read again (copy new values into them with
/// copy_ to feed a new batch), the tensors it wrote are written again. Memory that step
/// allocated belongs to the graph until the graph is destroyed, so no tensor made outside it
/// is overwritten by a replay.
///
/// Run step once eagerly before capturing it (it compiles its programs and fills the cache).
/// step must be replayable: GPU work on this graph's device only, no value read back on the
/// host (item(), to(cpu), to_vector()), no copy from the CPU, the same shapes every time. The
/// host code in step is not replayed: an optimiser's host-side state (Adam's step count) stays
/// as it was at capture. A step that breaks these rules makes capture throw DeviceError
/// naming what failed; the graph stays empty and the library stays usable.
class CudaGraph {
 public:
  /// An empty graph for device (a CUDA device; throws DeviceError at capture otherwise).
  explicit CudaGraph(Device device = Device::cuda(0));
  ~CudaGraph();
  CudaGraph(CudaGraph&& other) noexcept;
  CudaGraph& operator=(CudaGraph&& other) noexcept;
  CudaGraph(const CudaGraph&) = delete;
  CudaGraph& operator=(const CudaGraph&) = delete;

  /// Records the GPU work step queues on the device (step's kernels do not run now: replay()
  /// runs them). Throws DeviceError when the graph already holds a capture, when the device is
  /// not a CUDA device of this build, or when step does something a graph cannot hold.
  void capture(const std::function<void()>& step);

  /// Queues the captured work once more on the device's stream (asynchronous, like any op).
  /// Throws DeviceError when nothing was captured.
  void replay();

  /// Whether capture succeeded (replay may be called).
  bool captured() const;

  /// The kernels and copies the graph holds (0 before capture).
  std::size_t node_count() const;

  Device device() const { return device_; }

  struct State;

 private:
  Device device_;
  std::unique_ptr<State> state_;
};

}  // namespace minitorch
