// The CUDA caching allocator: device memory comes from cudaMalloc once and is then reused,
// so an op never calls cudaMalloc in steady state. Blocks are cached by rounded size (512 B
// steps below 1 MiB, 1 MiB steps above) and handed out again for the same rounded size.
// All work runs on the legacy default stream, so a freed block is safe to reuse at once:
// any kernel that still reads it was queued before the kernel that will overwrite it.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "minitorch/storage.h"

namespace minitorch::cuda {

class CachingAllocator final : public Allocator {
 public:
  /// A block of at least nbytes on device 0. On cudaErrorMemoryAllocation it frees the cache
  /// and retries once, then throws DeviceError naming the requested and free bytes. Throws
  /// DeviceError("... no CUDA device ...") when there is none.
  void* allocate(std::int64_t nbytes) override;
  /// Returns the block to the cache (no CUDA call: safe during static destruction).
  void deallocate(void* ptr, std::int64_t nbytes) override;

  /// Frees every cached block (cudaFree), e.g. before a retry on out-of-memory.
  void empty_cache();
  /// Bytes held in the cache, not in use.
  std::int64_t cached_bytes();

  static std::int64_t round_size(std::int64_t nbytes);

 private:
  std::mutex mutex_;
  std::unordered_map<std::int64_t, std::vector<void*>> free_blocks_;
  std::int64_t cached_bytes_ = 0;
};

/// The process's allocator (never destroyed, so late frees stay valid).
CachingAllocator& caching_allocator();

/// Number of usable CUDA devices (0 when none or no driver); cached after the first call.
int device_count();

/// Throws DeviceError "<op>: no CUDA device (...)" when device_count() is 0, or when device's
/// index is not 0 (this build places all CUDA storage on device 0).
void check_device(Device device, const char* op);

}  // namespace minitorch::cuda
