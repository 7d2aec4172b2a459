// Convolution, pooling, pad, unfold and embedding on the GPU against the CPU backend: forward
// and gradients over stride/padding/dilation/groups combinations at odd sizes (float64, within
// 1e-10: the matmuls sum in another order), and embedding's range check before any write.
// The float64 gradchecks of these ops run on the GPU from the shared table
// (cuda_gradcheck_test.cpp, tests/support/gradcheck_rows_conv.cpp).
#include <gtest/gtest.h>

#include "cuda/cuda_test_support.h"
#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

constexpr TensorOptions kF64 = {.dtype = kFloat64};

struct Result {
  std::vector<double> out;
  std::vector<std::vector<double>> grads;
};

// f over leaves made on device from the same host values; the output and each leaf's gradient
// of sum(out * out), back on the host.
template <class F>
Result run_on(Device device, const std::vector<Tensor>& host, F f) {
  std::vector<Tensor> leaves;
  for (const Tensor& t : host) {
    leaves.push_back(t.to(device).detach().requires_grad_(true));
  }
  Tensor out = f(leaves);
  (out * out).sum().backward();
  Result r{out.to(Device::cpu()).to_vector(), {}};
  for (const Tensor& leaf : leaves) {
    r.grads.push_back(leaf.grad().to(Device::cpu()).to_vector());
  }
  return r;
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want,
                 const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], 1e-10) << what << " at " << i;
  }
}

template <class F>
void expect_gpu_matches_cpu(const std::vector<Tensor>& host, F f, const std::string& what) {
  Result want = run_on(Device::cpu(), host, f);
  Result got = run_on(Device::cuda(), host, f);
  expect_near(got.out, want.out, what + ": output");
  for (std::size_t i = 0; i < want.grads.size(); ++i) {
    expect_near(got.grads[i], want.grads[i], what + ": gradient " + std::to_string(i));
  }
}

TEST(CudaConvolution, MatchesTheCpuBackend) {
  MT_REQUIRE_CUDA();
  Generator gen(21);
  auto r = [&](const Shape& s) { return rand(s, kF64, &gen) * 2.0 - 1.0; };
  expect_gpu_matches_cpu(
      {r({2, 4, 9, 7}), r({6, 2, 3, 2}), r({6})},
      [](const std::vector<Tensor>& in) {
        return conv2d(in[0], in[1], in[2], {2, 1}, {1, 2}, {1, 2}, 2);
      },
      "conv2d stride/padding/dilation/groups");
  expect_gpu_matches_cpu(
      {r({3, 5, 17}), r({4, 5, 4})},
      [](const std::vector<Tensor>& in) { return conv1d(in[0], in[1], {}, 1, "same", 2); },
      "conv1d same, dilation 2");
  expect_gpu_matches_cpu(
      {r({2, 3, 11, 10})},
      [](const std::vector<Tensor>& in) {
        return max_pool2d(in[0], 3, Size2{2}, 1) + avg_pool2d(in[0], 3, Size2{2}, 1);
      },
      "pools, overlapping windows");
  expect_gpu_matches_cpu(
      {r({3, 8})},
      [](const std::vector<Tensor>& in) {
        return pad(in[0], {2, 1, 1, 0}, 0.5).unfold(1, 4, 3);
      },
      "pad and unfold");
  expect_gpu_matches_cpu(
      {r({6, 4})},
      [](const std::vector<Tensor>& in) {
        Tensor ids = from_vector(std::vector<std::int64_t>{5, 0, 5, 2}, {2, 2}).to(in[0].device());
        return embedding(ids, in[0]);
      },
      "embedding, repeated indices");
}

TEST(CudaConvolution, EmbeddingRangeIsCheckedBeforeAnyWrite) {
  MT_REQUIRE_CUDA();
  Tensor table = ones({4, 2}, {.device = Device::cuda()});
  Tensor ids = from_vector(std::vector<std::int64_t>{1, 4}, {2}).to(Device::cuda());
  EXPECT_THROW(embedding(ids, table), IndexError);
  EXPECT_EQ(table.to(Device::cpu()).sum().item(), 8.0);
}

}  // namespace
}  // namespace minitorch
