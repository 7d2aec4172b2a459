// The CUDA caching allocator: device memory comes from cudaMalloc once and is then reused,
// so an op never calls cudaMalloc in steady state. Each device has its own cache; in it,
// free blocks are kept by (stream, rounded size) (512 B steps below 1 MiB, 1 MiB steps above)
// and handed out again only for the same rounded size on the same stream: whatever still
// reads a freed block was queued on that stream before the work that will overwrite it
// (Note [CUDA streams] in cuda_stream.h). A block is allocated for work on its device's
// current_stream.
#pragma once

#include <cuda_runtime_api.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "minitorch/storage.h"

namespace minitorch::cuda {

class CachingAllocator final : public Allocator {
 public:
  /// A block of at least nbytes on device (cuda:N), for work on current_stream(N). On
  /// cudaErrorMemoryAllocation it frees that device's cache and retries once, then throws
  /// OutOfMemoryError naming the device, the requested and the free bytes. Throws DeviceError
  /// when device is not one of this machine's (check_device).
  void* allocate(std::int64_t nbytes, Device device) override;
  /// Returns the block to device's cache, kept for the stream it was allocated for (no CUDA
  /// call: safe during static destruction).
  void deallocate(void* ptr, std::int64_t nbytes, Device device) override;

  /// Frees every cached block of every device (cudaFree), e.g. to hand memory back.
  void empty_cache();
  /// Frees device's cached blocks (cudaFree waits for the device, so no stream still uses them).
  void empty_cache(int device);
  /// Bytes held in device's cache, not in use.
  std::int64_t cached_bytes(int device);

  static std::int64_t round_size(std::int64_t nbytes);

  // Graph pools (Note [CUDA graphs] in cuda_graph.cpp): while a capture runs on stream, every
  // block allocated for it, or freed from it, belongs to the graph's pool; freed, it goes back
  // to that pool only, never to the shared cache, until release_graph_pool.

  /// Starts a graph pool for the capture about to run on device's stream; returns its id
  /// (> 0). Throws DeviceError when a capture already runs on device.
  int begin_graph_pool(int device, cudaStream_t stream);
  /// Ends the capture's allocation phase: later allocations use the shared cache again, while
  /// the pool keeps its blocks.
  void end_graph_pool(int device);
  /// The graph is gone: its free blocks join the shared cache, and blocks that tensors still
  /// hold will when freed.
  void release_graph_pool(int device, int pool);
  /// Bytes held free in device's graph pools (not counted by cached_bytes).
  std::int64_t graph_pool_bytes(int device);

 private:
  // Which free list a block belongs to: its stream's shared one (graph 0) or a graph's.
  struct PoolKey {
    cudaStream_t stream = nullptr;
    int graph = 0;
  };
  // Free blocks of one stream (or of one graph on it), by rounded size.
  struct StreamPool {
    PoolKey key;
    std::unordered_map<std::int64_t, std::vector<void*>> free_blocks;
  };
  struct DeviceCache {
    std::mutex mutex;
    std::vector<StreamPool> pools;  // one per stream, and one per graph captured on it
    std::unordered_map<void*, PoolKey> pool_of_block;  // blocks in use
    std::int64_t cached_bytes = 0;  // free in the shared pools
    std::int64_t graph_bytes = 0;  // free in graph pools
    PoolKey capture;  // graph != 0 while a capture allocates (Note [CUDA graphs])
  };

  DeviceCache& cache_of(int device);
  static StreamPool& pool_of(DeviceCache& cache, PoolKey key);
  static void* take(DeviceCache& cache, PoolKey key, std::int64_t size);
  void* allocate_fresh(std::int64_t size, std::int64_t nbytes, int device);

  std::once_flag caches_made_;
  std::atomic<int> next_graph_{0};  // graph pool ids, never reused
  std::unique_ptr<DeviceCache[]> caches_;  // one per device, made at the first allocation
};

/// The process's allocator (never destroyed, so late frees stay valid).
CachingAllocator& caching_allocator();

/// Number of usable CUDA devices (0 when none or no driver); cached after the first call.
int device_count();

/// Throws DeviceError "<op>: no CUDA device (...)" when device_count() is 0, and
/// "<op>: cuda:N is not a device of this machine (it has C CUDA device(s), cuda:0 to ...)"
/// when device's index is negative or not below device_count().
void check_device(Device device, const char* op);

}  // namespace minitorch::cuda
