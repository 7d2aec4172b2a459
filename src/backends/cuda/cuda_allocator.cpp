// The caching allocator and device discovery (see cuda_allocator.h).
#include "backends/cuda/cuda_allocator.h"

#include <cuda_runtime_api.h>

#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_stream.h"
#include "minitorch/error.h"

namespace minitorch::cuda {
namespace {

struct DeviceInfo {
  int count = 0;
  std::string why_none;
};

const DeviceInfo& device_info() {
  static const DeviceInfo info = [] {
    DeviceInfo result;
    cudaError_t error = cudaGetDeviceCount(&result.count);
    if (error != cudaSuccess) {
      result.count = 0;
      result.why_none = std::string("cudaGetDeviceCount: ") + cudaGetErrorName(error) + ": " +
          cudaGetErrorString(error);
      cudaGetLastError();
    } else if (result.count == 0) {
      result.why_none = "cudaGetDeviceCount found 0 devices";
    }
    return result;
  }();
  return info;
}

}  // namespace

int device_count() { return device_info().count; }

void check_device(Device device, const char* op) {
  const DeviceInfo& info = device_info();
  if (info.count == 0) {
    throw DeviceError(std::string(op) + ": no CUDA device (" + info.why_none + ")");
  }
  if (device.index() < 0 || device.index() >= info.count) {
    throw DeviceError(std::string(op) + ": " + device.to_string() +
                      " is not a device of this machine (it has " + std::to_string(info.count) +
                      " CUDA device(s), cuda:0 to cuda:" + std::to_string(info.count - 1) + ")");
  }
}

std::int64_t CachingAllocator::round_size(std::int64_t nbytes) {
  constexpr std::int64_t kSmallStep = 512;
  constexpr std::int64_t kLargeStep = std::int64_t{1} << 20;
  std::int64_t step = nbytes < kLargeStep ? kSmallStep : kLargeStep;
  std::int64_t rounded = (nbytes + step - 1) / step * step;
  return rounded == 0 ? kSmallStep : rounded;
}

CachingAllocator::DeviceCache& CachingAllocator::cache_of(int device) {
  std::call_once(caches_made_, [this] {
    caches_ = std::make_unique<DeviceCache[]>(static_cast<std::size_t>(device_count()));
  });
  return caches_[static_cast<std::size_t>(device)];
}

CachingAllocator::StreamPool& CachingAllocator::pool_of(DeviceCache& cache, cudaStream_t stream) {
  for (StreamPool& pool : cache.pools) {
    if (pool.stream == stream) {
      return pool;
    }
  }
  cache.pools.push_back(StreamPool{stream, {}});
  return cache.pools.back();
}

void* CachingAllocator::allocate(std::int64_t nbytes, Device device) {
  check_device(device, "allocate");
  const int index = device.index();
  const std::int64_t size = round_size(nbytes);
  cudaStream_t stream = current_stream(index);
  DeviceCache& cache = cache_of(index);
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    std::vector<void*>& blocks = pool_of(cache, stream).free_blocks[size];
    if (!blocks.empty()) {
      void* ptr = blocks.back();
      blocks.pop_back();
      cache.cached_bytes -= size;
      cache.stream_of_block.emplace(ptr, stream);
      return ptr;
    }
  }
  void* ptr = allocate_fresh(size, nbytes, index);
  std::lock_guard<std::mutex> lock(cache.mutex);
  cache.stream_of_block.emplace(ptr, stream);
  return ptr;
}

void* CachingAllocator::allocate_fresh(std::int64_t size, std::int64_t nbytes, int device) {
  DeviceGuard guard(device);
  void* ptr = nullptr;
  cudaError_t error = cudaMalloc(&ptr, static_cast<std::size_t>(size));
  if (error == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    empty_cache(device);
    error = cudaMalloc(&ptr, static_cast<std::size_t>(size));
    if (error == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      std::size_t free_bytes = 0;
      std::size_t total_bytes = 0;
      cudaMemGetInfo(&free_bytes, &total_bytes);
      throw OutOfMemoryError(
          "allocate: out of memory on cuda:" + std::to_string(device) + " (requested " +
          std::to_string(nbytes) + " bytes, " + std::to_string(free_bytes) + " bytes free of " +
          std::to_string(total_bytes) + "; the cache was freed and the allocation retried once)");
    }
  }
  OpContext context;
  context.primitive = "allocate";
  MT_CUDA_CHECK(error, context);
  return ptr;
}

void CachingAllocator::deallocate(void* ptr, std::int64_t nbytes, Device device) {
  const std::int64_t size = round_size(nbytes);
  DeviceCache& cache = cache_of(device.index());
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto it = cache.stream_of_block.find(ptr);
  // Every block in use was recorded by allocate; the fallback keeps a broken invariant from
  // losing the block (its device's stream is the only one today).
  cudaStream_t stream = it != cache.stream_of_block.end() ? it->second : nullptr;
  if (it != cache.stream_of_block.end()) {
    cache.stream_of_block.erase(it);
  }
  pool_of(cache, stream).free_blocks[size].push_back(ptr);
  cache.cached_bytes += size;
}

void CachingAllocator::empty_cache(int device) {
  DeviceCache& cache = cache_of(device);
  DeviceGuard guard(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  OpContext context;
  context.primitive = "empty_cache";
  for (StreamPool& pool : cache.pools) {
    for (auto& [size, blocks] : pool.free_blocks) {
      for (void* ptr : blocks) {
        MT_CUDA_CHECK(cudaFree(ptr), context);
      }
      blocks.clear();
    }
  }
  cache.cached_bytes = 0;
}

void CachingAllocator::empty_cache() {
  for (int device = 0; device < device_count(); ++device) {
    empty_cache(device);
  }
}

std::int64_t CachingAllocator::cached_bytes(int device) {
  DeviceCache& cache = cache_of(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  return cache.cached_bytes;
}

CachingAllocator& caching_allocator() {
  static auto* instance = new CachingAllocator();
  return *instance;
}

}  // namespace minitorch::cuda
