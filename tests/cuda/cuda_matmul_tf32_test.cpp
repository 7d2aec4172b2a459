// The TF32 tensor-core matmul (cuda_matmul_tf32.cu) against float64, and its dispatch: it
// runs only where set_allow_tf32 allows it and the problem is one the tiled kernel takes with
// K >= 64; everything else, and everything with the flag off, is the float32 kernels' output.
//
// Note [TF32 tolerance]: cvt.rna rounds each input to 10 explicit mantissa bits, a relative
// error of at most 2^-11, so a product is off by at most (2 * 2^-11 + 2^-22) |a b| < 2^-9.99
// |a b|; the products are summed in float32 on the tensor cores (whose adds need not round to
// nearest: allow 2 ulp per add). Hence, with s = sum over k of |a[i, k]| |b[k, j]|:
//   |out[i, j] - exact[i, j]| <= (2^-10 + (K + 2) 2^-22) s,
// where exact is the float64 matmul of the float32 inputs (its own error, about K 2^-53 s,
// is far below this).
#include <cmath>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "cuda/cuda_test_support.h"
#include "minitorch/matmul_precision.h"
#include "support/nd_array.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

// Each test starts and ends with MINITORCH_ALLOW_TF32's value (off unless set), so that a
// failing test leaves no TF32 behind for the other CUDA tests.
class CudaMatmulTf32 : public ::testing::Test {
 protected:
  void SetUp() override { reset_allow_tf32(); }
  void TearDown() override { reset_allow_tf32(); }
};

Tensor random_cuda(const Shape& shape, Generator& gen) {
  return (rand(shape, {}, &gen) * 4.0 - 2.0).to(Device::cuda());
}

// got (float32) against the float64 product of the same inputs, within Note [TF32
// tolerance]; "" when within. Rejects an all-zero result where exact is not.
std::string compare_tf32(const Tensor& got, const Tensor& a, const Tensor& b) {
  const Tensor a64 = a.to(kFloat64);
  const Tensor b64 = b.to(kFloat64);
  const NdArray want = read(a64.matmul(b64).to(Device::cpu()));
  const NdArray magnitude = read(a64.abs().matmul(b64.abs()).to(Device::cpu()));
  const NdArray out = read(got.to(Device::cpu()));
  if (out.shape != want.shape) {
    return "shape " + sizes_string(out.shape) + " vs " + sizes_string(want.shape);
  }
  const std::int64_t k = a.shape()[a.ndim() - 1];
  const double bound = std::ldexp(1.0, -10) + static_cast<double>(k + 2) * std::ldexp(1.0, -22);
  bool any_nonzero = false;
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    any_nonzero = any_nonzero || out.values[i] != 0;
    const double error = std::abs(out.values[i] - want.values[i]);
    if (!(error <= bound * magnitude.values[i])) {
      return "element " + std::to_string(i) + ": got " + std::to_string(out.values[i]) +
          ", float64 " + std::to_string(want.values[i]) + ", error " + std::to_string(error) +
          " > " + std::to_string(bound * magnitude.values[i]);
    }
  }
  if (!any_nonzero && !want.values.empty() && magnitude.values[0] > 0) {
    return "all zeros";
  }
  return "";
}

struct Dims3 {
  std::int64_t m, k, n;
};

// Whether cuda_matmul.cu sends [m, k] @ [k, n] in these layouts to the TF32 kernel (rows of
// fresh tensors are 16-byte aligned when their length is a multiple of 4).
bool takes_tf32(Dims3 d, bool a_transposed, bool b_transposed) {
  const bool a_ok = a_transposed ? d.m % 4 == 0 : d.k % 4 == 0;
  const bool b_ok = b_transposed ? d.k % 4 == 0 : d.n % 4 == 0;
  return a_ok && b_ok && d.m >= 64 && d.n >= 64 && d.k >= 64;
}

TEST_F(CudaMatmulTf32, MatchesFloat64WithinTf32BoundOnOddShapesAndLayouts) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  set_allow_tf32(true);
  // Off tile boundaries (128 x 128 x 32) on every side, plus the dispatch threshold (64).
  for (Dims3 d :
       {Dims3{1, 1000, 1000}, Dims3{17, 17, 17}, Dims3{127, 128, 129}, Dims3{129, 1000, 127},
        Dims3{1000, 1000, 1000}, Dims3{1000, 1, 1000}, Dims3{64, 64, 64}, Dims3{129, 132, 129},
        Dims3{130, 68, 132}, Dims3{257, 1000, 255}, Dims3{128, 100, 256}, Dims3{1000, 129, 17}}) {
    for (int layout = 0; layout < 4; ++layout) {
      const bool a_transposed = (layout & 1) != 0;
      const bool b_transposed = (layout & 2) != 0;
      SCOPED_TRACE("m " + std::to_string(d.m) + " k " + std::to_string(d.k) + " n " +
                   std::to_string(d.n) + " layout " + std::to_string(layout) + " seed " +
                   std::to_string(test_seed()));
      Tensor a = a_transposed ? random_cuda({d.k, d.m}, gen).transpose(0, 1)
                              : random_cuda({d.m, d.k}, gen);
      Tensor b = b_transposed ? random_cuda({d.n, d.k}, gen).transpose(0, 1)
                              : random_cuda({d.k, d.n}, gen);
      Tensor got = a.matmul(b);
      const bool tf32 = std::string(primitive_report().path) == "cuda_matmul_tf32";
      EXPECT_EQ(tf32, takes_tf32(d, a_transposed, b_transposed))
          << "path " << primitive_report().path;
      EXPECT_EQ(compare_tf32(got, a, b), "");
    }
  }
}

TEST_F(CudaMatmulTf32, BatchedAndBroadcastBatches) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  set_allow_tf32(true);
  Tensor a = random_cuda({3, 1, 130, 72}, gen);
  Tensor b = random_cuda({2, 72, 68}, gen);
  Tensor got = a.matmul(b);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tf32");
  EXPECT_EQ(got.shape(), Shape({3, 2, 130, 68}));
  EXPECT_EQ(compare_tf32(got, a, b), "") << "broadcast batch";
  // The same b for every batch (stride 0), transposed.
  Tensor bt = random_cuda({68, 72}, gen).transpose(0, 1);
  got = a.matmul(bt);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tf32");
  EXPECT_EQ(compare_tf32(got, a, bt), "") << "one transposed b for every batch";
  // A batch of transposed a.
  Tensor at = random_cuda({4, 200, 96}, gen).transpose(1, 2);
  Tensor b4 = random_cuda({4, 200, 132}, gen);
  got = at.matmul(b4);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tf32");
  EXPECT_EQ(compare_tf32(got, at, b4), "") << "batched transposed a";
}

TEST_F(CudaMatmulTf32, SizeZeroDims) {
  MT_REQUIRE_CUDA();
  set_allow_tf32(true);
  Generator gen(test_seed());
  Tensor none_m = random_cuda({0, 64}, gen).matmul(random_cuda({64, 64}, gen));
  EXPECT_EQ(none_m.shape(), Shape({0, 64}));
  Tensor none_k = random_cuda({64, 0}, gen).matmul(random_cuda({0, 128}, gen));
  EXPECT_EQ(none_k.shape(), Shape({64, 128}));
  EXPECT_EQ(none_k.abs().max().item(), 0.0);
  Tensor none_batch = random_cuda({0, 64, 64}, gen).matmul(random_cuda({64, 64}, gen));
  EXPECT_EQ(none_batch.shape(), Shape({0, 64, 64}));
}

TEST_F(CudaMatmulTf32, RoundsInputsToTf32) {
  MT_REQUIRE_CUDA();
  // 1 + 2^-20 is exact in float32 and rounds to 1 in TF32 (10 mantissa bits): the float32
  // kernel keeps the 2^-20, the TF32 kernel drops it.
  const std::int64_t n = 128;
  Tensor a = full({n, n}, 1.0 + std::ldexp(1.0, -20), {.device = Device::cuda()});
  Tensor b = eye(n, -1, {.device = Device::cuda()});
  set_allow_tf32(false);
  const double fp32 = a.matmul(b).max().item();
  set_allow_tf32(true);
  const double tf32 = a.matmul(b).max().item();
  EXPECT_EQ(fp32, 1.0 + std::ldexp(1.0, -20));
  EXPECT_EQ(tf32, 1.0);
}

TEST_F(CudaMatmulTf32, FlagOffKeepsTheFloat32Kernels) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  Tensor a = random_cuda({300, 256}, gen);
  Tensor b = random_cuda({256, 300}, gen);
  // The path is read before bits(), whose copy to the host is a primitive too.
  set_allow_tf32(false);
  Tensor out = a.matmul(b);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tiled");
  const auto before = bits(out);
  set_allow_tf32(true);
  out = a.matmul(b);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tf32");
  EXPECT_NE(bits(out), before) << "TF32 gave float32's bits: did it run?";
  set_allow_tf32(false);
  out = a.matmul(b);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tiled");
  EXPECT_EQ(bits(out), before) << "turning TF32 off again";
  // float64 and small float32 problems never take TF32, allowed or not.
  set_allow_tf32(true);
  Tensor a64 = a.to(kFloat64);
  Tensor b64 = b.to(kFloat64);
  Tensor out64 = a64.matmul(b64);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tiled");
  set_allow_tf32(false);
  EXPECT_EQ(bits(a64.matmul(b64)), bits(out64));
  Tensor small_k = random_cuda({300, 32}, gen);
  Tensor small_b = random_cuda({32, 300}, gen);
  const auto small_off = bits(small_k.matmul(small_b));
  set_allow_tf32(true);
  EXPECT_EQ(bits(small_k.matmul(small_b)), small_off) << "K < 64 keeps float32";
}

TEST_F(CudaMatmulTf32, BitwiseDeterministic) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  set_allow_tf32(true);
  Tensor a = random_cuda({1000, 520}, gen);
  Tensor b = random_cuda({520, 700}, gen).transpose(0, 1).contiguous().transpose(0, 1);
  const auto first = bits(a.matmul(b));
  for (int repeat = 0; repeat < 2; ++repeat) {
    EXPECT_EQ(bits(a.matmul(b)), first) << "run " << repeat + 2;
  }
}

TEST_F(CudaMatmulTf32, EnvironmentTurnsItOn) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  Tensor a = random_cuda({128, 128}, gen);
  config::ScopedOverride on("MINITORCH_ALLOW_TF32", "1");
  reset_allow_tf32();
  (void)a.matmul(a);
  EXPECT_EQ(std::string(primitive_report().path), "cuda_matmul_tf32");
}

}  // namespace
}  // namespace minitorch::testing
