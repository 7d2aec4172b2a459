// The per-device streams, cross-stream ordering and DeviceGuard (see cuda_stream.h).
#include "backends/cuda/cuda_stream.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "backends/cuda/cuda_allocator.h"
#include "minitorch/error.h"

namespace minitorch::cuda {
namespace {

[[noreturn]] void throw_stream_error(cudaError_t error, const char* op, const char* call,
                                     int device) {
  cudaGetLastError();
  throw DeviceError(std::string(op) + ": " + call + " failed on cuda:" + std::to_string(device) +
                    ": " + cudaGetErrorName(error) + ": " + cudaGetErrorString(error));
}

// One slot per device; a slot is written once, under the mutex, and read without it.
struct StreamTable {
  std::mutex mutex;
  std::unique_ptr<std::atomic<cudaStream_t>[]> streams;
};

StreamTable& stream_table() {
  static auto* table = [] {
    auto* result = new StreamTable;  // never destroyed: late frees at exit use the streams
    result->streams =
        std::make_unique<std::atomic<cudaStream_t>[]>(static_cast<std::size_t>(device_count()));
    return result;
  }();
  return *table;
}

}  // namespace

cudaStream_t current_stream(int device) {
  StreamTable& table = stream_table();
  std::atomic<cudaStream_t>& slot = table.streams[static_cast<std::size_t>(device)];
  cudaStream_t stream = slot.load(std::memory_order_acquire);
  if (stream != nullptr) {
    return stream;
  }
  std::lock_guard<std::mutex> lock(table.mutex);
  stream = slot.load(std::memory_order_relaxed);
  if (stream == nullptr) {
    DeviceGuard guard(device);
    // Blocking (no cudaStreamNonBlocking flag): see Note [CUDA streams].
    cudaError_t error = cudaStreamCreate(&stream);
    if (error != cudaSuccess) {
      throw_stream_error(error, "current_stream", "cudaStreamCreate", device);
    }
    slot.store(stream, std::memory_order_release);
  }
  return stream;
}

void order_after(int waiter_device, int waited_device, const char* op) {
  cudaStream_t waited = current_stream(waited_device);
  cudaStream_t waiter = current_stream(waiter_device);
  if (waited == waiter) {
    return;
  }
  // The event belongs to the waited stream's device; a stream of any device may wait on it.
  DeviceGuard guard(waited_device);
  cudaEvent_t event = nullptr;
  cudaError_t error = cudaEventCreateWithFlags(&event, cudaEventDisableTiming);
  if (error != cudaSuccess) {
    throw_stream_error(error, op, "cudaEventCreateWithFlags", waited_device);
  }
  error = cudaEventRecord(event, waited);
  if (error == cudaSuccess) {
    error = cudaStreamWaitEvent(waiter, event, 0);
  }
  // Destroying an event still pending is allowed: its resources go once it completes.
  cudaEventDestroy(event);
  if (error != cudaSuccess) {
    throw_stream_error(error, op, "cudaEventRecord/cudaStreamWaitEvent", waited_device);
  }
}

DeviceGuard::DeviceGuard(int device) {
  cudaError_t error = cudaGetDevice(&previous_);
  if (error == cudaSuccess && previous_ != device) {
    error = cudaSetDevice(device);
    switched_ = error == cudaSuccess;
  }
  if (error != cudaSuccess) {
    throw_stream_error(error, "DeviceGuard", "cudaSetDevice", device);
  }
}

DeviceGuard::~DeviceGuard() {
  if (switched_) {
    cudaSetDevice(previous_);
  }
}

}  // namespace minitorch::cuda
