// The CUDA caching allocator: device memory comes from cudaMalloc once and is then reused,
// so an op never calls cudaMalloc in steady state. Each device has its own cache; in it,
// free blocks are kept by (stream, rounded size) (512 B steps below 1 MiB, 1 MiB steps above)
// and handed out again only for the same rounded size on the same stream: whatever still
// reads a freed block was queued on that stream before the work that will overwrite it
// (Note [CUDA streams] in cuda_stream.h). A block is allocated for work on its device's
// current_stream.
#pragma once

#include <cuda_runtime_api.h>

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

 private:
  // Free blocks of one stream, by rounded size.
  struct StreamPool {
    cudaStream_t stream = nullptr;
    std::unordered_map<std::int64_t, std::vector<void*>> free_blocks;
  };
  struct DeviceCache {
    std::mutex mutex;
    std::vector<StreamPool> pools;  // one per stream that has freed a block (today: one)
    std::unordered_map<void*, cudaStream_t> stream_of_block;  // blocks in use
    std::int64_t cached_bytes = 0;
  };

  DeviceCache& cache_of(int device);
  static StreamPool& pool_of(DeviceCache& cache, cudaStream_t stream);
  void* allocate_fresh(std::int64_t size, std::int64_t nbytes, int device);

  std::once_flag caches_made_;
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
