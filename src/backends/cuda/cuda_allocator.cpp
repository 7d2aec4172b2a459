// The caching allocator and device discovery (see cuda_allocator.h).
#include "backends/cuda/cuda_allocator.h"

#include <cuda_runtime_api.h>

#include <string>

#include "backends/cuda/cuda_check.h"
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
  if (device.index() != 0) {
    throw DeviceError(std::string(op) + ": " + device.to_string() +
                      " is not supported: this build places all CUDA storage on cuda:0 (" +
                      std::to_string(info.count) + " device(s) present)");
  }
}

std::int64_t CachingAllocator::round_size(std::int64_t nbytes) {
  constexpr std::int64_t kSmallStep = 512;
  constexpr std::int64_t kLargeStep = std::int64_t{1} << 20;
  std::int64_t step = nbytes < kLargeStep ? kSmallStep : kLargeStep;
  std::int64_t rounded = (nbytes + step - 1) / step * step;
  return rounded == 0 ? kSmallStep : rounded;
}

void* CachingAllocator::allocate(std::int64_t nbytes) {
  check_device(Device::cuda(0), "allocate");
  std::int64_t size = round_size(nbytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_blocks_.find(size);
    if (it != free_blocks_.end() && !it->second.empty()) {
      void* ptr = it->second.back();
      it->second.pop_back();
      cached_bytes_ -= size;
      return ptr;
    }
  }
  void* ptr = nullptr;
  cudaError_t error = cudaMalloc(&ptr, static_cast<std::size_t>(size));
  if (error == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    empty_cache();
    error = cudaMalloc(&ptr, static_cast<std::size_t>(size));
    if (error == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      std::size_t free_bytes = 0;
      std::size_t total_bytes = 0;
      cudaMemGetInfo(&free_bytes, &total_bytes);
      throw OutOfMemoryError("allocate: out of memory on cuda:0 (requested " +
                             std::to_string(nbytes) + " bytes, " + std::to_string(free_bytes) +
                             " bytes free of " + std::to_string(total_bytes) +
                             "; the cache was freed and the allocation retried once)");
    }
  }
  OpContext context;
  context.primitive = "allocate";
  MT_CUDA_CHECK(error, context);
  return ptr;
}

void CachingAllocator::deallocate(void* ptr, std::int64_t nbytes) {
  std::int64_t size = round_size(nbytes);
  std::lock_guard<std::mutex> lock(mutex_);
  free_blocks_[size].push_back(ptr);
  cached_bytes_ += size;
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  OpContext context;
  context.primitive = "empty_cache";
  for (auto& [size, blocks] : free_blocks_) {
    for (void* ptr : blocks) {
      MT_CUDA_CHECK(cudaFree(ptr), context);
    }
    blocks.clear();
  }
  cached_bytes_ = 0;
}

std::int64_t CachingAllocator::cached_bytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_bytes_;
}

CachingAllocator& caching_allocator() {
  static auto* instance = new CachingAllocator();
  return *instance;
}

}  // namespace minitorch::cuda
