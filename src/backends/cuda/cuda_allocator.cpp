// The caching allocator and device discovery (see cuda_allocator.h).
#include "backends/cuda/cuda_allocator.h"

#include <cuda_runtime_api.h>

#include <algorithm>
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

CachingAllocator::StreamPool& CachingAllocator::pool_of(DeviceCache& cache, PoolKey key) {
  for (StreamPool& pool : cache.pools) {
    if (pool.key.stream == key.stream && pool.key.graph == key.graph) {
      return pool;
    }
  }
  cache.pools.push_back(StreamPool{key, {}});
  return cache.pools.back();
}

// A free block of size from key's pool, or nullptr. Caller holds cache.mutex.
void* CachingAllocator::take(DeviceCache& cache, PoolKey key, std::int64_t size) {
  std::vector<void*>& blocks = pool_of(cache, key).free_blocks[size];
  if (blocks.empty()) {
    return nullptr;
  }
  void* ptr = blocks.back();
  blocks.pop_back();
  (key.graph == 0 ? cache.cached_bytes : cache.graph_bytes) -= size;
  return ptr;
}

void* CachingAllocator::allocate(std::int64_t nbytes, Device device) {
  check_device(device, "allocate");
  const int index = device.index();
  const std::int64_t size = round_size(nbytes);
  cudaStream_t stream = current_stream(index);
  DeviceCache& cache = cache_of(index);
  PoolKey key{stream, 0};
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (cache.capture.graph != 0 && cache.capture.stream == stream) {
      // Note [CUDA graphs]: the graph's own freed blocks first; any block it takes is its own.
      key = cache.capture;
      void* ptr = take(cache, key, size);
      if (ptr == nullptr) {
        ptr = take(cache, PoolKey{stream, 0}, size);
      }
      if (ptr != nullptr) {
        cache.pool_of_block.emplace(ptr, key);
        return ptr;
      }
    } else if (void* ptr = take(cache, key, size)) {
      cache.pool_of_block.emplace(ptr, key);
      return ptr;
    }
  }
  void* ptr = allocate_fresh(size, nbytes, index);
  std::lock_guard<std::mutex> lock(cache.mutex);
  cache.pool_of_block.emplace(ptr, key);
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
  auto it = cache.pool_of_block.find(ptr);
  // Every block in use was recorded by allocate; the fallback keeps a broken invariant from
  // losing the block (its device's stream is the only one today).
  PoolKey key = it != cache.pool_of_block.end() ? it->second : PoolKey{};
  if (it != cache.pool_of_block.end()) {
    cache.pool_of_block.erase(it);
  }
  // Note [CUDA graphs]: a block freed while its stream is being captured may be written by
  // the graph's later nodes, so it joins the graph.
  if (key.graph == 0 && cache.capture.graph != 0 && key.stream == cache.capture.stream) {
    key = cache.capture;
  }
  pool_of(cache, key).free_blocks[size].push_back(ptr);
  (key.graph == 0 ? cache.cached_bytes : cache.graph_bytes) += size;
}

int CachingAllocator::begin_graph_pool(int device, cudaStream_t stream) {
  DeviceCache& cache = cache_of(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.capture.graph != 0) {
    throw DeviceError("CudaGraph::capture: a capture already runs on cuda:" +
                      std::to_string(device) + " (captures do not nest)");
  }
  cache.capture = PoolKey{stream, ++next_graph_};
  return cache.capture.graph;
}

void CachingAllocator::end_graph_pool(int device) {
  DeviceCache& cache = cache_of(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  cache.capture = PoolKey{};
}

void CachingAllocator::release_graph_pool(int device, int pool) {
  DeviceCache& cache = cache_of(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto graph_pool = std::find_if(cache.pools.begin(), cache.pools.end(),
                                 [pool](const StreamPool& p) { return p.key.graph == pool; });
  if (graph_pool != cache.pools.end()) {
    StreamPool released = std::move(*graph_pool);
    cache.pools.erase(graph_pool);
    StreamPool& shared = pool_of(cache, PoolKey{released.key.stream, 0});
    for (auto& [size, blocks] : released.free_blocks) {
      std::vector<void*>& into = shared.free_blocks[size];
      into.insert(into.end(), blocks.begin(), blocks.end());
      const auto bytes = static_cast<std::int64_t>(blocks.size()) * size;
      cache.graph_bytes -= bytes;
      cache.cached_bytes += bytes;
    }
  }
  for (auto& [ptr, key] : cache.pool_of_block) {
    if (key.graph == pool) {
      key.graph = 0;
    }
  }
}

std::int64_t CachingAllocator::graph_pool_bytes(int device) {
  DeviceCache& cache = cache_of(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  return cache.graph_bytes;
}

void CachingAllocator::empty_cache(int device) {
  DeviceCache& cache = cache_of(device);
  DeviceGuard guard(device);
  std::lock_guard<std::mutex> lock(cache.mutex);
  OpContext context;
  context.primitive = "empty_cache";
  for (StreamPool& pool : cache.pools) {
    if (pool.key.graph != 0) {
      continue;  // a live graph's replays write these
    }
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
