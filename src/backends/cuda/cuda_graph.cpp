// CUDA graph capture and replay (cuda_graph.h).
//
// Note [CUDA graphs]
// capture_graph puts the device's stream (current_stream, a named stream: the legacy one
// cannot be captured) into capture mode, runs the step on the host, and takes the recorded
// kernels and copies out as a graph, which it instantiates once; replay_graph launches it
// on the same stream, so replays are ordered with every other op like one more kernel.
// Relaxed capture mode: the step may still call cudaMalloc (a cold cache), while anything
// that waits for the device (a copy to the host, item()) or touches the legacy stream ends
// the capture with an error, which capture_graph reports as a DeviceError.
//
// Memory. A replay writes the very blocks the captured kernels wrote, so none of them may be
// handed to other work while the graph lives. While a capture runs, the caching allocator
// gives the stream's allocations a pool of the graph's own (CachingAllocator's graph pools):
// a block allocated, or freed, during the capture belongs to the graph from then on; freed
// again it goes back to the graph's free list, never to the shared cache. Within the capture
// the graph reuses its own freed blocks, which is safe because its nodes run in stream
// order, as the eager ops did. Destroying the graph returns its free blocks to the cache;
// blocks that tensors still hold return there when those tensors go.
#include "backends/cuda/cuda_graph.h"

#include <cuda_runtime_api.h>

#include <exception>
#include <string>

#include "backends/cuda/cuda_allocator.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_stream.h"
#include "minitorch/error.h"

namespace minitorch::cuda {
namespace {

struct Captured {
  int device = 0;
  int pool = 0;
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;

  Captured() = default;
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  ~Captured() {
    if (exec != nullptr) {
      cudaGraphExecDestroy(exec);
    }
    if (graph != nullptr) {
      cudaGraphDestroy(graph);
    }
    if (pool != 0) {
      caching_allocator().release_graph_pool(device, pool);
    }
    cudaGetLastError();
  }
};

std::string describe(cudaError_t error) {
  return std::string(cudaGetErrorName(error)) + ": " + cudaGetErrorString(error);
}

std::string where(int device) {
  return "CudaGraph::capture on cuda:" + std::to_string(device) + ": ";
}

constexpr const char* kRules =
    " (a captured step may only queue GPU work on its device: no item(), no copy to or from "
    "the CPU, no other device)";

}  // namespace

std::shared_ptr<void> capture_graph(int device, const std::function<void()>& step,
                                    std::size_t* nodes) {
  check_device(Device::cuda(device), "CudaGraph::capture");
  DeviceGuard guard(device);
  cudaStream_t stream = current_stream(device);
  auto captured = std::make_shared<Captured>();
  captured->device = device;
  captured->pool = caching_allocator().begin_graph_pool(device, stream);
  cudaError_t begun = cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed);
  if (begun != cudaSuccess) {
    cudaGetLastError();
    caching_allocator().end_graph_pool(device);
    throw DeviceError(where(device) + "cudaStreamBeginCapture: " + describe(begun));
  }
  std::exception_ptr failure;
  try {
    step();
  } catch (...) {
    failure = std::current_exception();
  }
  cudaError_t ended = cudaStreamEndCapture(stream, &captured->graph);
  caching_allocator().end_graph_pool(device);
  cudaGetLastError();
  if (failure != nullptr) {
    try {
      std::rethrow_exception(failure);
    } catch (const DeviceError& e) {
      throw DeviceError(where(device) + "the step failed while capturing: " + e.what() + kRules);
    }
  }
  if (ended != cudaSuccess || captured->graph == nullptr) {
    throw DeviceError(where(device) + "cudaStreamEndCapture: " + describe(ended) + kRules);
  }
  cudaError_t made = cudaGraphInstantiate(&captured->exec, captured->graph, 0);
  if (made != cudaSuccess) {
    cudaGetLastError();
    captured->exec = nullptr;
    throw DeviceError(where(device) + "cudaGraphInstantiate: " + describe(made));
  }
  std::size_t count = 0;
  OpContext context;
  context.primitive = "CudaGraph::capture";
  MT_CUDA_CHECK(cudaGraphGetNodes(captured->graph, nullptr, &count), context);
  *nodes = count;
  return captured;
}

void replay_graph(void* graph) {
  auto* captured = static_cast<Captured*>(graph);
  DeviceGuard guard(captured->device);
  OpContext context;
  context.primitive = "CudaGraph::replay";
  MT_CUDA_CHECK(cudaGraphLaunch(captured->exec, current_stream(captured->device)), context);
}

}  // namespace minitorch::cuda
