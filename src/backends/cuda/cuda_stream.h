// Streams and the current device: the backend queues every kernel, copy and memset for a
// device on that device's one stream (Note [CUDA streams]). Not a stream pool: there is no
// user-facing stream API yet; the invariant kept is "all work on cuda:N is on stream N".
#pragma once

#include <cuda_runtime_api.h>

#include "minitorch/tensor_data.h"

namespace minitorch::cuda {

// Note [CUDA streams]
// Each device gets one stream, created on first use with cudaStreamCreate and never destroyed
// (late frees at exit stay valid). It is a *blocking* stream: it synchronises with the legacy
// default stream both ways, so work that other code (a benchmark's cudaMemcpy, a DLPack
// producer asked for stream 1, PyTorch's default stream) queues on the legacy stream stays
// ordered with ours. Ops queue their kernels without syncing; the host waits only where it
// needs the bytes (a copy to the CPU). The caching allocator hands a freed block again only
// to work on the stream it was allocated for (cuda_allocator.h), which is what makes reuse
// without a sync safe; work that crosses streams (a copy between devices, NCCL) orders them
// with events (order_after). A named stream, unlike the legacy one, can be captured into a
// CUDA graph.

/// The stream on which the backend queues work for device (an index below device_count();
/// check_device has been called). Created on first use; cheap afterwards (one atomic load).
cudaStream_t current_stream(int device);

/// The stream of t's device.
inline cudaStream_t stream_of(const TensorData& t) { return current_stream(t.device().index()); }

/// Makes work queued later on waiter_device's stream wait for all work queued so far on
/// waited_device's stream (an event, no host wait). Throws DeviceError naming op on failure.
void order_after(int waiter_device, int waited_device, const char* op);

/// RAII cudaSetDevice: makes device current for the calling thread (cudaSetDevice is per
/// thread) and restores the previous device on destruction. Skips both calls when device
/// is already current, so the common one-GPU case costs one cudaGetDevice.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
  bool switched_ = false;
};

}  // namespace minitorch::cuda
