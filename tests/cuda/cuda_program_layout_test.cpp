// Compiled elementwise programs (Note [CUDA program compiler]) on every operand layout the
// kernel generator distinguishes, against the reference backend: flat (vectors, a partial
// last vector, unaligned starts), and strided (Note [CUDA program geometry]) with row and
// column broadcasts (vector loads beside broadcast ones), transposed and sliced operands,
// merged dims, size-1 dims, an operand read once, and the tiled kernel for operands
// unit-stride along another dim than the output's (Note [CUDA tiled programs]), in float32,
// float64, bfloat16 and int64.
// Sizes are off the vector and block boundaries. The op table's programs cover the ops.
#include <functional>
#include <string>

#include "backends/backend.h"
#include "cuda/cuda_test_support.h"
#include "minitorch/user_function.h"
#include "ops/property_support.h"
#include "support/nd_array.h"

namespace minitorch::testing {
namespace {

Tensor random_on(const Shape& shape, DType dtype, Generator& gen) {
  Tensor t = rand(shape, {.dtype = kFloat32}, &gen) * 4.0 - 2.0;
  if (dtype == kInt64) {
    return (t * 10.0).to(kInt64);
  }
  return t.to(dtype);
}

// |got - want| <= atol + rtol |want|. CUDA's and glibc's exp may differ by a few float32 (or
// one float64) ulp inside sigmoid: a few ulp of the terms (magnitude <= 2) absolutely, which
// atol covers where x * sigmoid(y) and y * 0.5 cancel; bfloat16 rounds such a float32 result
// once more (rtol: one ulp of 8 bits). fma3 rounds alike on both sides.
struct Tolerance {
  double rtol;
  double atol;
};

Tolerance tolerance(DType dtype) {
  if (dtype == kInt64) {
    return {0, 0};
  }
  if (dtype == kFloat64) {
    return {1e-14, 1e-14};
  }
  return dtype == kFloat32 ? Tolerance{4e-6, 1e-6} : Tolerance{8e-3, 1e-6};
}

class CudaProgramLayouts : public ::testing::TestWithParam<DType> {
 protected:
  void SetUp() override {
    if (!cuda_available()) {
      GTEST_SKIP() << "no CUDA device";
    }
  }
};

TEST_P(CudaProgramLayouts, MatchReference) {
  const DType dtype = GetParam();
  const bool floating = dtype != kInt64;
  // Two inputs, and three (one of them a scalar-shaped operand read once).
  static const auto swish = elementwise([](auto x, auto y) { return x * sigmoid(y) + y * 0.5; });
  static const auto fma3 = elementwise([](auto x, auto y, auto z) { return x * y + z; });
  Generator gen(test_seed());
  for (std::int64_t rows : {1, 3, 129}) {
    for (std::int64_t cols : {1, 7, 32, 1028, 1025}) {
      SCOPED_TRACE(dtype_name(dtype) + " [" + std::to_string(rows) + ", " + std::to_string(cols) +
                   "]");
      // Host tensors, then the same layouts on the GPU (on_cuda keeps offsets and strides).
      const Tensor a = random_on({rows, cols}, dtype, gen);
      const Tensor same = random_on({rows, cols}, dtype, gen);
      const Tensor row = random_on({cols}, dtype, gen);
      const Tensor col = random_on({rows, 1}, dtype, gen);
      const Tensor transposed = random_on({cols, rows}, dtype, gen).transpose(0, 1);
      const Tensor sliced = random_on({rows, cols + 3}, dtype, gen).narrow(1, 1, cols);
      const Tensor shifted =
          random_on({rows * cols + 1}, dtype, gen).narrow(0, 1, rows * cols).reshape({rows, cols});
      const Tensor scalar = random_on({1, 1}, dtype, gen);
      const Tensor batch = random_on({2, rows, cols}, dtype, gen);
      const std::pair<const char*, Tensor> operands[] = {
          {"contiguous", same},       {"row broadcast", row}, {"column broadcast", col},
          {"transposed", transposed}, {"sliced", sliced},     {"unaligned start", shifted},
          {"scalar-shaped", scalar}};
      std::string gpu_path;  // the path of the last check's GPU program
      auto check = [&](const char* what,
                       const std::function<Tensor(const Tensor&, const Tensor&)>& f,
                       const Tensor& x, const Tensor& y) {
        Tensor got = f(on_cuda(x), on_cuda(y));
        gpu_path = primitive_report().path;
        Tensor want = on_reference([&] { return f(x, y); });
        const Tolerance tol = tolerance(dtype);
        EXPECT_EQ(compare(read(got.to(Device::cpu())), read(want), tol.rtol, tol.atol), "") << what;
      };
      for (const auto& [name, y] : operands) {
        if (floating) {
          check(
              name, [](const Tensor& p, const Tensor& q) { return swish(p, q); }, a, y);
          check(
              name, [](const Tensor& p, const Tensor& q) { return swish(q, p); }, a, y);
        }
        check(
            name,
            [&](const Tensor& p, const Tensor& q) { return fma3(p, q, scalar.to(p.device())); }, a,
            y);
      }
      // A batch over a broadcast [rows, 1] (merging [2, rows] keeps the broadcast dim apart),
      // and over a transposed operand.
      check(
          "batch, column broadcast", [](const Tensor& x, const Tensor& y) { return fma3(x, y, x); },
          batch, col);
      check(
          "batch, transposed", [](const Tensor& x, const Tensor& y) { return fma3(x, y, y); },
          batch, transposed);
      // Note [CUDA tiled programs]: unit-stride along the output's middle dim (p is merged
      // dim 1, the batch a block index), and along its outer dim (p is moved to dim 1).
      const Tensor middle = random_on({cols, 2, rows}, dtype, gen).permute({1, 2, 0});
      const Tensor outer = random_on({cols, 2, rows}, dtype, gen).permute({2, 1, 0});
      const bool tiled = rows >= 16 && cols >= 16;
      check(
          "3-D, unit-stride middle dim",
          [](const Tensor& x, const Tensor& y) { return fma3(x, y, x); }, batch, middle);
      if (tiled) {
        EXPECT_EQ(gpu_path, "cuda_compiled_tiled");
      }
      check(
          "3-D, unit-stride outer dim",
          [](const Tensor& x, const Tensor& y) { return fma3(y, x, y); },
          random_on({rows, 2, cols}, dtype, gen), outer);
      if (tiled) {
        EXPECT_EQ(gpu_path, "cuda_compiled_tiled");
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaProgramLayouts,
                         ::testing::Values(kFloat32, kFloat64, kBFloat16, kInt64),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

}  // namespace
}  // namespace minitorch::testing
