// float16 and bfloat16 on the CUDA backend through the Tensor API (Note [Reduced floats]):
// copies keep the bits, sums accumulate in float32, matmul (the tensor-core kernel or its
// strided fallback) matches a float64 product of the same 16-bit inputs, and an autocast
// Linear matches the CPU's.
#include <array>
#include <cmath>
#include <vector>

#include "cuda/cuda_test_support.h"
#include "minitorch/autocast.h"

namespace minitorch::testing {
namespace {

constexpr DType kReduced[] = {kFloat16, kBFloat16};

TEST(CudaReducedFloat, CopiesKeepTheBits) {
  MT_REQUIRE_CUDA();
  for (DType dtype : kReduced) {
    Tensor x = tensor({0.1, -65504.0, 1e-7, 3.5, -0.0, INFINITY}).to(dtype);
    Tensor back = x.to(Device::cuda()).to(Device::cpu());
    EXPECT_EQ(back.dtype(), dtype);
    EXPECT_EQ(back.to_vector(), x.to_vector()) << to_string(dtype);
    EXPECT_EQ(x.to(Device::cuda()).to(kFloat32).to(Device::cpu()).to_vector(), x.to_vector());
  }
}

TEST(CudaReducedFloat, SumsAccumulateInFloat32) {
  MT_REQUIRE_CUDA();
  for (DType dtype : kReduced) {
    Tensor ones = full({4096}, 1.0, {.dtype = dtype, .device = Device::cuda()});
    EXPECT_EQ(ones.sum().item(), 4096.0) << to_string(dtype);
    EXPECT_EQ((ones + ones).dtype(), dtype);
    EXPECT_EQ((ones * 3.0).sum().item(), 12288.0);
  }
}

// CUDA folds 16-bit elements straight into float32 (Backend::folds_reduced_floats): every
// reduction kernel (rows, split rows, columns, split columns, transposed, strided) and odd,
// unaligned lengths, against float64 folds of the same values. max is exact; a sum is within
// one rounding to 16 bits plus float32 sums.
TEST(CudaReducedFloat, ReductionsFoldSixteenBitElementsInFloat32InEveryLayout) {
  MT_REQUIRE_CUDA();
  Generator gen(11);
  for (DType dtype : kReduced) {
    const Tensor base = randn({3, 1031, 70}, {}, &gen).to(dtype);
    const Tensor gpu = base.to(Device::cuda());
    const Tensor base64 = base.to(kFloat64);
    struct Case {
      Tensor cpu;  // float64
      Tensor cuda;
      int dim;
    };
    const std::vector<Case> cases = {
        {base64, gpu, 2},  // short rows
        {base64, gpu, 1},  // columns
        {base64, gpu, 0},  // few long columns: split
        {base64.transpose(1, 2), gpu.transpose(1, 2), 2},  // transposed
        {base64.reshape({-1}), gpu.reshape({-1}), 0},  // one long row: split
        {base64.slice(2, 1, 70), gpu.slice(2, 1, 70), 2},  // unaligned rows
        {base64.permute({2, 0, 1}), gpu.permute({2, 0, 1}), 1},  // strided
    };
    const double u = dtype == kFloat16 ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(to_string(dtype)) + " shape " + to_string(c.cuda.shape()) + " dim " +
                   std::to_string(c.dim));
      const Tensor sum = c.cuda.sum(c.dim).to(Device::cpu());
      const Tensor max = c.cuda.max(c.dim).to(Device::cpu());
      ASSERT_EQ(sum.dtype(), dtype);
      const std::vector<double> got = sum.to_vector();
      const std::vector<double> want = c.cpu.sum(c.dim).to_vector();
      const std::vector<double> scale = c.cpu.abs().sum(c.dim).to_vector();
      const double n = static_cast<double>(c.cpu.shape()[c.dim]);
      for (std::size_t i = 0; i < want.size(); ++i) {
        ASSERT_LE(std::fabs(got[i] - want[i]),
                  u * std::fabs(want[i]) + 2 * n * std::ldexp(1.0, -24) * scale[i])
            << "element " << i;
      }
      EXPECT_EQ(max.to_vector(), c.cpu.max(c.dim).to_vector());
    }
  }
}

// |got - want| within the 16-bit rounding of the result plus float32 sums over k.
void expect_matmul_close(const Tensor& a, const Tensor& b, DType dtype) {
  const Tensor got = matmul(a.to(Device::cuda()), b.to(Device::cuda())).to(Device::cpu());
  ASSERT_EQ(got.dtype(), dtype);
  const Tensor want = matmul(a.to(kFloat64), b.to(kFloat64));
  const Tensor scale = matmul(a.to(kFloat64).abs(), b.to(kFloat64).abs());
  const std::vector<double> g = got.to_vector();
  const std::vector<double> w = want.to_vector();
  const std::vector<double> s = scale.to_vector();
  const double eps = dtype == kFloat16 ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
  for (std::size_t i = 0; i < w.size(); ++i) {
    ASSERT_LE(std::fabs(g[i] - w[i]), eps * std::fabs(w[i]) + 1e-5 * s[i] + 1e-6)
        << "element " << i << " of " << to_string(got.shape()) << " " << to_string(dtype);
  }
}

TEST(CudaReducedFloat, MatmulMatchesFloat64OfTheSameInputs) {
  MT_REQUIRE_CUDA();
  Generator gen(7);
  for (DType dtype : kReduced) {
    for (auto [m, k, n] : {std::array<std::int64_t, 3>{17, 33, 9},
                           {128, 256, 64},
                           {129, 100, 127},
                           {1, 64, 1},
                           {200, 7, 300}}) {
      Tensor a = randn({m, k}, {}, &gen).to(dtype);
      Tensor b = randn({k, n}, {}, &gen).to(dtype);
      expect_matmul_close(a, b, dtype);
      expect_matmul_close(a, randn({n, k}, {}, &gen).to(dtype).transpose(0, 1), dtype);
      expect_matmul_close(randn({k, m}, {}, &gen).to(dtype).transpose(0, 1), b, dtype);
    }
    // Batched, broadcast batch, and a sliced (strided) operand for the SIMT fallback.
    expect_matmul_close(randn({3, 65, 80}, {}, &gen).to(dtype), randn({80, 72}, {}, &gen).to(dtype),
                        dtype);
    expect_matmul_close(randn({40, 90}, {}, &gen).to(dtype).slice(1, 0, 90, 3),
                        randn({30, 20}, {}, &gen).to(dtype), dtype);
  }
}

TEST(CudaReducedFloat, AutocastLinearMatchesTheCpu) {
  MT_REQUIRE_CUDA();
  Generator gen(9);
  Tensor x = randn({64, 96}, {}, &gen);
  Tensor w = randn({48, 96}, {}, &gen);
  Tensor cpu;
  Tensor gpu;
  {
    AutocastGuard guard(kBFloat16);
    cpu = x.matmul(w.transpose(0, 1));
    gpu = x.to(Device::cuda()).matmul(w.to(Device::cuda()).transpose(0, 1)).to(Device::cpu());
  }
  ASSERT_EQ(gpu.dtype(), kBFloat16);
  const std::vector<double> c = cpu.to_vector();
  const std::vector<double> g = gpu.to_vector();
  for (std::size_t i = 0; i < c.size(); ++i) {
    // Both round one float32 sum of the same bfloat16 products; the orders differ.
    ASSERT_LE(std::fabs(g[i] - c[i]), std::ldexp(1.0, -7) * std::fabs(c[i]) + 1e-4) << i;
  }
}

}  // namespace
}  // namespace minitorch::testing
