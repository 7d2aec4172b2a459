// The FP32 cp.async matmul (cuda_matmul_async.cu, Note [FP32 cp.async matmul]): which problems
// take it, and that it gives matmul_tiled's bits (one increasing-k fma chain per element), so
// a result never depends on which of the two kernels ran. MINITORCH_CUDA_ASYNC_MATMUL is off by
// default until these tests have passed on a GPU; the fixture turns it on.
#include <cmath>
#include <string>

#include "backends/backend.h"
#include "cuda/cuda_test_support.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

class CudaMatmulAsync : public ::testing::Test {
 protected:
  void SetUp() override { config::set_override("MINITORCH_CUDA_ASYNC_MATMUL", "1"); }
  void TearDown() override { config::clear_override("MINITORCH_CUDA_ASYNC_MATMUL"); }
};

Tensor random_cuda(const Shape& shape, Generator& gen) {
  return (rand(shape, {}, &gen) * 4.0 - 2.0).to(Device::cuda());
}

std::string path_of(const Tensor& a, const Tensor& b, Tensor& out) {
  out = a.matmul(b);
  return std::string(primitive_report().path);  // read before another primitive runs
}

// |out - exact| <= K 2^-23 sum_k |a b| (float32 sums) against the float64 product.
void expect_close_to_float64(const Tensor& out, const Tensor& a, const Tensor& b) {
  const Tensor a64 = a.to(kFloat64);
  const Tensor b64 = b.to(kFloat64);
  const Tensor error = (out.to(kFloat64) - a64.matmul(b64)).abs();
  const Tensor bound = a64.abs().matmul(b64.abs()) *
      (static_cast<double>(a.shape()[a.ndim() - 1]) * std::ldexp(1.0, -23));
  EXPECT_EQ(error.gt(bound).to(kFloat64).sum().item(), 0.0);
}

// A batch of many 128 x 128 tiles takes the kernel; the first few items alone (too few tiles
// to fill the GPU) take matmul_tiled, with the same bits.
TEST_F(CudaMatmulAsync, BatchedProblemsGiveTheTiledKernelsBits) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  const Tensor a = random_cuda({1024, 128, 48}, gen);
  const Tensor b = random_cuda({1024, 48, 256}, gen);
  Tensor out;
  ASSERT_EQ(path_of(a, b, out), "cuda_matmul_async");
  Tensor few;
  ASSERT_EQ(path_of(a.slice(0, 0, 3), b.slice(0, 0, 3), few), "cuda_matmul_tiled");
  EXPECT_EQ(bits(out.slice(0, 0, 3)), bits(few));
  expect_close_to_float64(out.slice(0, 1000, 1024), a.slice(0, 1000, 1024), b.slice(0, 1000, 1024));
  // A broadcast B (batch stride 0).
  const Tensor shared_b = random_cuda({48, 128}, gen);
  ASSERT_EQ(path_of(a, shared_b, out), "cuda_matmul_async");
  ASSERT_EQ(path_of(a.slice(0, 5, 7), shared_b, few), "cuda_matmul_tiled");
  EXPECT_EQ(bits(out.slice(0, 5, 7)), bits(few));
  // Turned off, the same problem runs matmul_tiled, with the same bits.
  config::set_override("MINITORCH_CUDA_ASYNC_MATMUL", "0");
  Tensor tiled;
  ASSERT_EQ(path_of(a, shared_b, tiled), "cuda_matmul_tiled");
  EXPECT_EQ(bits(tiled), bits(out));
}

// One large matrix: the same bits as matmul_tiled's run of the same operands held
// column-major (which the cp.async kernel does not take), and as a run of each row block.
TEST_F(CudaMatmulAsync, OneLargeProblemMatchesTheTiledKernelInAnotherLayout) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  const Tensor a = random_cuda({2560, 80}, gen);
  const Tensor b = random_cuda({80, 2560}, gen);
  Tensor out;
  ASSERT_EQ(path_of(a, b, out), "cuda_matmul_async");
  const Tensor a_col = a.transpose(0, 1).contiguous().transpose(0, 1);
  Tensor tiled;
  ASSERT_EQ(path_of(a_col, b, tiled), "cuda_matmul_tiled");
  EXPECT_EQ(bits(out), bits(tiled));
  expect_close_to_float64(out.slice(0, 0, 256), a.slice(0, 0, 256), b);
  // Views it does not take: M not a multiple of 128, K not a multiple of 16, B's rows not
  // 16-byte aligned, a column-major B.
  EXPECT_EQ(path_of(a.slice(0, 0, 2559), b, tiled), "cuda_matmul_tiled");
  EXPECT_EQ(bits(tiled), bits(out.slice(0, 0, 2559)));
  EXPECT_EQ(path_of(a.slice(1, 0, 72), b.slice(0, 0, 72), tiled), "cuda_matmul_tiled");
  const Tensor b_wide = random_cuda({80, 2564}, gen);
  EXPECT_NE(path_of(a, b_wide.slice(1, 1, 2561), tiled), "cuda_matmul_async");
  const Tensor b_col = b.transpose(0, 1).contiguous().transpose(0, 1);
  EXPECT_EQ(path_of(a, b_col, tiled), "cuda_matmul_tiled");
  EXPECT_EQ(bits(tiled), bits(out));
}

TEST_F(CudaMatmulAsync, BitwiseDeterministic) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  const Tensor a = random_cuda({2048, 512}, gen);
  const Tensor b = random_cuda({512, 3072}, gen);
  Tensor out;
  ASSERT_EQ(path_of(a, b, out), "cuda_matmul_async");
  const auto first = bits(out);
  for (int repeat = 0; repeat < 2; ++repeat) {
    EXPECT_EQ(bits(a.matmul(b)), first) << "run " << repeat + 2;
  }
}

}  // namespace
}  // namespace minitorch::testing
