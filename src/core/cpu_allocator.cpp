// The CPU allocator: 64-byte-aligned blocks from aligned_alloc, with a per-thread cache of
// large freed blocks keyed by their exact size. A training loop frees and reallocates the
// same large sizes every step; without the cache, glibc hands such blocks (>= its mmap
// threshold) back to the kernel and every step pays page faults to get them again.
// Small blocks go straight to malloc, which is fast for them. The cache holds at most
// kMaxCachedBytes per thread; a block freed on another thread joins that thread's cache.
// Under AddressSanitizer the cache is off, so use-after-free stays detectable.
#include "core/cpu_allocator.h"

#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "minitorch/error.h"

namespace minitorch {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCacheEnabled = false;
#else
constexpr bool kCacheEnabled = true;
#endif
constexpr std::int64_t kMinCachedBlock = std::int64_t{64} << 10;  // 64 KiB
constexpr std::int64_t kMaxCachedBytes = std::int64_t{256} << 20;  // 256 MiB per thread

std::int64_t rounded_size(std::int64_t nbytes) {
  // aligned_alloc needs a multiple of the alignment; 0 bytes still gets a real block so
  // that data() is never null.
  std::int64_t rounded =
      (nbytes + Storage::kAlignment - 1) / Storage::kAlignment * Storage::kAlignment;
  return rounded == 0 ? Storage::kAlignment : rounded;
}

struct BlockCache {
  std::unordered_map<std::int64_t, std::vector<void*>> free_blocks;
  std::int64_t cached_bytes = 0;

  ~BlockCache();
};

// Set when this thread's cache has been destroyed (thread exit): storages freed later
// (e.g. by static tensors) then go straight back to free(). A trivially destructible
// thread_local stays readable until the thread is gone.
thread_local bool t_cache_destroyed = false;

BlockCache::~BlockCache() {
  t_cache_destroyed = true;
  for (auto& [size, blocks] : free_blocks) {
    for (void* block : blocks) {
      std::free(block);
    }
  }
}

BlockCache& block_cache() {
  thread_local BlockCache cache;
  return cache;
}

class CpuAllocator final : public Allocator {
 public:
  void* allocate(std::int64_t nbytes) override {
    std::int64_t size = rounded_size(nbytes);
    if (kCacheEnabled && size >= kMinCachedBlock && !t_cache_destroyed) {
      BlockCache& cache = block_cache();
      auto found = cache.free_blocks.find(size);
      if (found != cache.free_blocks.end() && !found->second.empty()) {
        void* block = found->second.back();
        found->second.pop_back();
        cache.cached_bytes -= size;
        return block;
      }
    }
    void* ptr = std::aligned_alloc(static_cast<std::size_t>(Storage::kAlignment),
                                   static_cast<std::size_t>(size));
    if (ptr == nullptr) {
      throw DeviceError("allocate: out of memory on cpu (requested " + std::to_string(nbytes) +
                        " bytes)");
    }
    return ptr;
  }

  void deallocate(void* ptr, std::int64_t nbytes) override {
    std::int64_t size = rounded_size(nbytes);
    if (kCacheEnabled && size >= kMinCachedBlock && !t_cache_destroyed) {
      BlockCache& cache = block_cache();
      if (cache.cached_bytes + size <= kMaxCachedBytes) {
        cache.free_blocks[size].push_back(ptr);
        cache.cached_bytes += size;
        return;
      }
    }
    std::free(ptr);
  }
};

}  // namespace

Allocator& cpu_allocator() {
  // Never destroyed: storages owned by static objects may be freed after main returns.
  static CpuAllocator* instance = new CpuAllocator();
  return *instance;
}

}  // namespace minitorch
