// int64 and bool on the CUDA backend: fill, copy (between devices, between dtypes, permuted
// layouts, sizes off the 16-byte vector) and the reductions that go through float64. Each
// result is compared with the same op on the CPU.
#include <cmath>
#include <cstdint>
#include <vector>

#include "cuda/cuda_test_support.h"

namespace minitorch::testing {
namespace {

using I64 = std::vector<std::int64_t>;

constexpr std::int64_t kBig = (std::int64_t{1} << 60) + 1;

TEST(CudaDType, FillEveryDtype) {
  MT_REQUIRE_CUDA();
  for (std::int64_t n : {1, 7, 31, 33, 127, 513}) {
    EXPECT_EQ(
        full({n}, -2.7, {.dtype = kInt64, .device = Device::cuda()}).to_vector<std::int64_t>(),
        I64(static_cast<std::size_t>(n), -2));
    EXPECT_EQ(full({n}, 0.5, {.dtype = kBool, .device = Device::cuda()}).to_vector<bool>(),
              std::vector<bool>(static_cast<std::size_t>(n), true));
    EXPECT_EQ(zeros({n}, {.dtype = kBool, .device = Device::cuda()}).to_vector<bool>(),
              std::vector<bool>(static_cast<std::size_t>(n), false));
  }
}

// Equal element by element, NaN equal to NaN (float32 keeps the NaN of the input).
bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) {
      return false;
    }
  }
  return true;
}

TEST(CudaDType, CopiesMatchTheCpu) {
  MT_REQUIRE_CUDA();
  Tensor values = from_vector(std::vector<double>{-1.5, 0, 2.5, NAN, 1e30, -1e30, 0.25, -0.0},
                              {2, 4}, {.dtype = kFloat64});
  for (DType to : {kInt64, kBool, kFloat32}) {
    Tensor want = values.to(to);
    Tensor got = values.to(Device::cuda()).to(to);
    EXPECT_EQ(got.device(), Device::cuda());
    EXPECT_TRUE(same_values(got.to_vector(), want.to_vector())) << to_string(to);
    // A permuted operand takes the tiled or strided path.
    EXPECT_TRUE(same_values(values.to(Device::cuda()).transpose(0, 1).to(to).to_vector(),
                            values.transpose(0, 1).to(to).to_vector()))
        << to_string(to);
  }
  Tensor big = from_vector(I64{kBig, -kBig, 0, 5}, {4});
  EXPECT_EQ(big.to(Device::cuda()).to_vector<std::int64_t>(), (I64{kBig, -kBig, 0, 5}));
  EXPECT_EQ(big.to(Device::cuda()).to(kBool).to_vector<bool>(),
            (std::vector<bool>{true, true, false, true}));
  EXPECT_EQ(big.to(Device::cuda()).to(kBool).to(kInt64).to_vector<std::int64_t>(),
            (I64{1, 1, 0, 1}));
  // Off the vector width: 1-byte elements move 16 at a time.
  Tensor mask = randint(0, 2, {33, 65}).to(kBool);
  EXPECT_EQ(mask.to(Device::cuda()).transpose(0, 1).contiguous().to_vector<bool>(),
            mask.transpose(0, 1).contiguous().to_vector<bool>());
  EXPECT_EQ(mask.to(Device::cuda()).slice(1, 1, 65).to(kFloat32).to_vector(),
            mask.slice(1, 1, 65).to(kFloat32).to_vector());
}

TEST(CudaDType, IntegerReductionsMatchTheCpu) {
  MT_REQUIRE_CUDA();
  Tensor i = randint(-1000, 1000, {17, 33});
  Tensor gi = i.to(Device::cuda());
  EXPECT_EQ(gi.sum().item<std::int64_t>(), i.sum().item<std::int64_t>());
  EXPECT_EQ(gi.sum(0).to_vector<std::int64_t>(), i.sum(0).to_vector<std::int64_t>());
  EXPECT_EQ(gi.max(1).to_vector<std::int64_t>(), i.max(1).to_vector<std::int64_t>());
  Tensor mask = i.to(kBool);
  EXPECT_EQ(mask.to(Device::cuda()).sum(1).to_vector<std::int64_t>(),
            mask.sum(1).to_vector<std::int64_t>());
  EXPECT_THROW((void)from_vector(I64{kBig, 1}, {2}).to(Device::cuda()).sum(), DTypeError);
  EXPECT_THROW((void)gi.matmul(gi.transpose(0, 1)), DTypeError);
}

}  // namespace
}  // namespace minitorch::testing
