// bfloat16/float16 matmul through the CUDA dispatch (cuda_matmul.cu's matmul_half) on shapes
// the Hopper wgmma kernel takes ("TN": x @ W^T with both operands K-major, M, N >= 128,
// K >= 64, rows 16-byte aligned) and on those it leaves to the mma.sync kernel, against a
// float64 matmul of the same rounded inputs within Note [Half matmul tolerance]
// (cuda_matmul_half_test.cpp). Which kernel ran is checked too: wgmma exactly where the device
// is compute capability 9.0, the build compiled it and the layout rules hold.
#include <cuda_runtime.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "cuda/cuda_test_support.h"
#include "minitorch/config.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

// Whether launch_matmul_wgmma can take problems here: an sm_90 device, and a build for it.
bool wgmma_expected() {
#ifdef MT_TEST_WGMMA_BUILT
  int device = 0;
  int major = 0;
  int minor = 0;
  return cudaGetDevice(&device) == cudaSuccess &&
      cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) == cudaSuccess &&
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) == cudaSuccess &&
      major == 9 && minor == 0;
#else
  return false;
#endif
}

// a @ b on the GPU (operands already there, in the layout under test) against the float64
// matmul of the same values; "" when every element is within the bound.
std::string compare_to_float64(const Tensor& got_cuda, const Tensor& a, const Tensor& b) {
  const Tensor got = got_cuda.to(Device::cpu());
  const Tensor a64 = a.to(Device::cpu()).to(kFloat64);
  const Tensor b64 = b.to(Device::cpu()).to(kFloat64);
  const std::vector<double> g = got.to_vector();
  const std::vector<double> w = matmul(a64, b64).to_vector();
  const std::vector<double> s = matmul(a64.abs(), b64.abs()).to_vector();
  const bool bf16 = got.dtype() == kBFloat16;
  const double u = std::ldexp(1.0, bf16 ? -8 : -11);
  const double tiny = bf16 ? 0.0 : std::ldexp(1.0, -25);
  const double per_add = static_cast<double>(a.shape()[a.ndim() - 1] + 2) * std::ldexp(1.0, -21);
  bool any_nonzero = false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double bound = u * std::fabs(w[i]) + (1 + u) * per_add * s[i] + tiny;
    any_nonzero = any_nonzero || g[i] != 0.0;
    if (!(std::fabs(g[i] - w[i]) <= bound)) {
      return "element " + std::to_string(i) + " = " + std::to_string(g[i]) + ", float64 " +
          std::to_string(w[i]) + ", bound " + std::to_string(bound);
    }
  }
  return any_nonzero ? "" : "all zeros";
}

std::string path_of_last_launch() { return std::string(primitive_report().path); }

Tensor random_on_gpu(const Shape& shape, DType dtype, Generator& gen) {
  return randn(shape, {}, &gen).to(dtype).to(Device::cuda());
}

// a @ b runs on wgmma exactly where this device and build have it, within the float64 bound.
void expect_product_on_wgmma(const Tensor& a, const Tensor& b) {
  SCOPED_TRACE(std::string(to_string(a.dtype())) + " a " + to_string(a.shape()) + " b " +
               to_string(b.shape()));
  const Tensor got = a.matmul(b);
  EXPECT_EQ(path_of_last_launch() == "cuda_matmul_wgmma", wgmma_expected())
      << "path " << path_of_last_launch();
  EXPECT_EQ(compare_to_float64(got, a, b), "");
}

struct Shape3 {
  std::int64_t m, n, k;
};

// Off the 128 x 256 x 64 block tile on every side, K from 64 to 1000 (multiples of 8, not
// all of 64), and K = 100 (rows of 200 bytes: not 16-byte aligned, so never wgmma).
constexpr Shape3 kShapes[] = {
    {129, 255, 64},     {255, 129, 1000}, {1000, 300, 520}, {128, 256, 72},  {300, 1000, 136},
    {1000, 1000, 1000}, {200, 130, 100},  {127, 300, 128},  {300, 127, 128}, {256, 256, 56}};

bool takes_wgmma(const Shape3& d) {
  return wgmma_expected() && d.m >= 128 && d.n >= 128 && d.k >= 64 && d.k % 8 == 0;
}

// MINITORCH_CUDA_WGMMA is on by default; these tests set it so that the environment cannot
// turn the kernel under test off.
class CudaMatmulWgmma : public ::testing::TestWithParam<DType> {
 protected:
  void SetUp() override { config::set_override("MINITORCH_CUDA_WGMMA", "1"); }
  void TearDown() override { config::clear_override("MINITORCH_CUDA_WGMMA"); }
};

TEST_P(CudaMatmulWgmma, TransposedWeightMatchesFloat64OnAndOffTheTiles) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  for (const Shape3& d : kShapes) {
    SCOPED_TRACE(std::string(to_string(GetParam())) + " m " + std::to_string(d.m) + " n " +
                 std::to_string(d.n) + " k " + std::to_string(d.k) + " seed " +
                 std::to_string(test_seed()));
    const Tensor x = randn({d.m, d.k}, {}, &gen).to(GetParam()).to(Device::cuda());
    // W stored [N, K] and transposed on the device: B column-major, the "TN" layout.
    const Tensor w_t =
        randn({d.n, d.k}, {}, &gen).to(GetParam()).to(Device::cuda()).transpose(0, 1);
    const Tensor got = x.matmul(w_t);
    EXPECT_EQ(path_of_last_launch() == "cuda_matmul_wgmma", takes_wgmma(d))
        << "path " << path_of_last_launch();
    EXPECT_EQ(compare_to_float64(got, x, w_t), "");
  }
}

TEST_P(CudaMatmulWgmma, OtherLayoutsFallBackAndStayCorrect) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  for (const Shape3& d : {Shape3{300, 1000, 136}, Shape3{129, 255, 64}}) {
    SCOPED_TRACE(std::string(to_string(GetParam())) + " m " + std::to_string(d.m) + " n " +
                 std::to_string(d.n) + " k " + std::to_string(d.k));
    const Tensor x = randn({d.m, d.k}, {}, &gen).to(GetParam()).to(Device::cuda());
    const Tensor w = randn({d.k, d.n}, {}, &gen).to(GetParam()).to(Device::cuda());
    const Tensor got = x.matmul(w);  // "NN": B row-major
    EXPECT_NE(path_of_last_launch(), "cuda_matmul_wgmma");
    EXPECT_EQ(compare_to_float64(got, x, w), "");
    const Tensor x_t =
        randn({d.k, d.m}, {}, &gen).to(GetParam()).to(Device::cuda()).transpose(0, 1);
    const Tensor w_t =
        randn({d.n, d.k}, {}, &gen).to(GetParam()).to(Device::cuda()).transpose(0, 1);
    const Tensor got_tt = x_t.matmul(w_t);  // A column-major
    EXPECT_NE(path_of_last_launch(), "cuda_matmul_wgmma");
    EXPECT_EQ(compare_to_float64(got_tt, x_t, w_t), "");
  }
}

TEST_P(CudaMatmulWgmma, BatchedAndBroadcastBatches) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  auto on_gpu = [&](const Shape& shape) { return random_on_gpu(shape, GetParam(), gen); };
  // [4] @ [4]; [3] @ one W (stride 0); [2, 1] @ [1, 3] (both operands broadcast).
  const std::vector<std::array<Tensor, 2>> cases = {
      {on_gpu({4, 256, 128}), on_gpu({4, 192, 128}).transpose(1, 2)},
      {on_gpu({3, 130, 136}), on_gpu({300, 136}).transpose(0, 1)},
      {on_gpu({2, 1, 129, 72}), on_gpu({1, 3, 257, 72}).transpose(2, 3)}};
  for (const auto& [a, b] : cases) {
    expect_product_on_wgmma(a, b);
  }
}

// Note [wgmma by copying] (cuda_matmul.cu): from M >= 2048 a row-major B, from N >= 2048 a
// column-major A, is copied K-major and the product runs on wgmma; broadcast batches stay
// broadcast in the copy.
TEST_P(CudaMatmulWgmma, LargeProblemsInOtherLayoutsRunThroughAKMajorCopy) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  auto on_gpu = [&](const Shape& shape) { return random_on_gpu(shape, GetParam(), gen); };
  // NN; A column-major; both; NN with B broadcast over a batch of 3.
  const std::vector<std::array<Tensor, 2>> cases = {
      {on_gpu({2048, 72}), on_gpu({72, 136})},
      {on_gpu({64, 130}).transpose(0, 1), on_gpu({2048, 64}).transpose(0, 1)},
      {on_gpu({80, 2048}).transpose(0, 1), on_gpu({80, 2049})},
      {on_gpu({3, 2050, 64}), on_gpu({64, 200})}};
  for (const auto& [a, b] : cases) {
    const Tensor a_before = a.to(Device::cpu());
    expect_product_on_wgmma(a, b);
    EXPECT_EQ(a.to(Device::cpu()).to_vector(), a_before.to_vector())
        << "an operand changed: a " << to_string(a.shape()) << " b " << to_string(b.shape());
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, CudaMatmulWgmma, ::testing::Values(kBFloat16, kFloat16),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

}  // namespace
}  // namespace minitorch::testing
