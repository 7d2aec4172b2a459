// Storage: alignment, zero-size blocks, unavailable devices.
#include "minitorch/storage.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "minitorch/error.h"

namespace minitorch {
namespace {

TEST(Storage, IsSixtyFourByteAligned) {
  for (std::int64_t n : {0, 1, 3, 64, 65, 1000}) {
    auto s = Storage::allocate(n, Device::cpu());
    EXPECT_NE(s->data(), nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(s->data()) % 64, 0u) << n;
    EXPECT_EQ(s->nbytes(), n);
  }
}

TEST(Storage, LargeFreedBlocksAreReusedOnTheSameThread) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the block cache is off under AddressSanitizer";
#else
  constexpr std::int64_t kSize = std::int64_t{1} << 20;
  void* first = Storage::allocate(kSize, Device::cpu())->data();
  auto again = Storage::allocate(kSize, Device::cpu());
  EXPECT_EQ(again->data(), first) << "a freed 1 MiB block should be reused";
  auto other = Storage::allocate(kSize, Device::cpu());
  EXPECT_NE(other->data(), again->data()) << "a block in use must never be handed out twice";
#endif
}

TEST(Storage, CudaWithoutACudaBuildIsADeviceError) {
  try {
    Storage::allocate(16, Device::cuda(0));
    FAIL() << "no throw";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("cuda:0"), std::string::npos);
  }
}

}  // namespace
}  // namespace minitorch
