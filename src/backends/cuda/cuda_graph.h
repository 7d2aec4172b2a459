// CUDA graph capture and replay for CudaGraph (minitorch/cuda_graph.h; Note [CUDA graphs] in
// cuda_graph.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace minitorch::cuda {

/// Captures the work step queues on current_stream(device) into an instantiated graph, with
/// the blocks step allocates or frees kept in a memory pool of the graph's own; *nodes gets
/// the graph's node count. Dropping the last reference destroys the graph and gives its
/// pool's blocks back to the cache. Throws DeviceError when capture fails (the stream is out
/// of capture mode again and nothing was kept).
std::shared_ptr<void> capture_graph(int device, const std::function<void()>& step,
                                    std::size_t* nodes);

/// Queues a graph from capture_graph once more on its device's stream.
void replay_graph(void* graph);

}  // namespace minitorch::cuda
