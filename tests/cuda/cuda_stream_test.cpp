// The CUDA backend's streams and allocator from the inside (Note [CUDA streams]): one blocking
// stream per device, not the legacy one, stable across calls; DeviceGuard restores the
// previous device; the caching allocator counts cached bytes per device and empties one
// device's cache alone. Built only with CUDA (it includes the backend's headers); skipped
// without a device.
#include "backends/cuda/cuda_stream.h"

#include <gtest/gtest.h>

#include "backends/cuda/cuda_allocator.h"
#include "cuda/cuda_test_support.h"

namespace minitorch::cuda {
namespace {

TEST(CudaStream, OneBlockingStreamPerDeviceNotTheLegacyOne) {
  MT_REQUIRE_CUDA();
  for (int device = 0; device < device_count(); ++device) {
    cudaStream_t stream = current_stream(device);
    EXPECT_NE(stream, nullptr);
    EXPECT_NE(stream, cudaStreamLegacy);
    EXPECT_EQ(current_stream(device), stream) << "created once";
    unsigned flags = 1;
    ASSERT_EQ(cudaStreamGetFlags(stream, &flags), cudaSuccess);
    EXPECT_EQ(flags, static_cast<unsigned>(cudaStreamDefault)) << "a blocking stream";
  }
  if (device_count() >= 2) {
    EXPECT_NE(current_stream(0), current_stream(1));
  }
}

TEST(CudaStream, DeviceGuardRestoresThePreviousDevice) {
  MT_REQUIRE_CUDA();
  const int last = device_count() - 1;
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  {
    DeviceGuard guard(last);
    int current = -1;
    ASSERT_EQ(cudaGetDevice(&current), cudaSuccess);
    EXPECT_EQ(current, last);
  }
  int current = -1;
  ASSERT_EQ(cudaGetDevice(&current), cudaSuccess);
  EXPECT_EQ(current, 0);
}

TEST(CudaAllocator, CachedBytesArePerDeviceAndEmptiedPerDevice) {
  MT_REQUIRE_CUDA();
  CachingAllocator& allocator = caching_allocator();
  // 1234 float32 elements: 4936 bytes, cached as one 5120-byte block.
  const std::int64_t block = CachingAllocator::round_size(1234 * 4);
  ASSERT_EQ(block, 5120);
  for (int device = 0; device < device_count(); ++device) {
    std::int64_t during = 0;
    std::int64_t other_before = allocator.cached_bytes((device + 1) % device_count());
    {
      Tensor t = empty({1234}, {.device = Device::cuda(device)});
      during = allocator.cached_bytes(device);
    }
    EXPECT_EQ(allocator.cached_bytes(device), during + block) << "cuda:" << device;
    if (device_count() >= 2) {
      EXPECT_EQ(allocator.cached_bytes((device + 1) % device_count()), other_before)
          << "another device's cache moved";
    }
    allocator.empty_cache(device);
    EXPECT_EQ(allocator.cached_bytes(device), 0) << "cuda:" << device;
  }
  // The device still works after its cache was emptied.
  EXPECT_EQ(ones({4}, {.device = Device::cuda(0)}).sum().item(), 4.0);
}

}  // namespace
}  // namespace minitorch::cuda
