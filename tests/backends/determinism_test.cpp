// Bitwise determinism of the CPU backend's reductions: sum, mean, max and prod over every dim
// and over everything give the same bits with 1, 2, 3 and 4 threads (and with chunks forced
// tiny), and the same bits at every SIMD level (Note [Reduction order]). The vector forms of
// exp, log, tanh and sigmoid (within ulps of the reference, Note [SIMD forms]) give the same
// bits for any thread count, at AVX2 and AVX-512, and on transposed operands.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "minitorch/minitorch.h"
#include "minitorch/threading.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

struct Results {
  std::vector<std::vector<double>> values;
  bool operator==(const Results& other) const {
    if (values.size() != other.values.size()) {
      return false;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].size() != other.values[i].size() ||
          std::memcmp(values[i].data(), other.values[i].data(),
                      values[i].size() * sizeof(double)) != 0) {
        return false;
      }
    }
    return true;
  }
};

// Every reduction of x over every dim and over everything.
Results reduce_all(const Tensor& x, const Tensor& near_one) {
  Results r;
  for (int d = 0; d < x.ndim(); ++d) {
    r.values.push_back(x.sum(d).to_vector());
    r.values.push_back(x.mean(d).to_vector());
    r.values.push_back(x.max(d).to_vector());
    r.values.push_back(near_one.prod(d).to_vector());
  }
  r.values.push_back(x.sum().to_vector());
  r.values.push_back(x.mean().to_vector());
  r.values.push_back(x.max().to_vector());
  r.values.push_back(near_one.prod().to_vector());
  return r;
}

class Determinism : public ::testing::TestWithParam<DType> {
 protected:
  void TearDown() override {
    set_num_threads(0);
    cpu::set_min_grain_for_testing(0);
    cpu::set_simd_level(cpu::max_simd_level());
  }
};

TEST_P(Determinism, ReductionsAreBitwiseEqualForAnyThreadCountAndSimdLevel) {
  Generator gen(testing::test_seed());
  // {523, 1300} over dim 0: a deep row tree under column blocks of registers, partial blocks
  // and vector tails at every SIMD level.
  std::vector<Shape> shapes = {{200003},   {37, 1025},  {1025, 37},
                               {3, 70001}, {5, 9, 511}, {523, 1300}};
#ifndef MT_SANITIZE_BUILD
  shapes.push_back({2, 3000000});
#endif
  for (const Shape& shape : shapes) {
    Tensor base = rand(shape, {.dtype = GetParam()}, &gen) * 4.0 - 2.0;
    Tensor signs = (rand(shape, {.dtype = GetParam()}, &gen).lt(0.5) * 2.0 - 1.0);
    Tensor near_one = (rand(shape, {.dtype = GetParam()}, &gen) * 0.45 + 0.8) * signs;
    for (bool transposed : {false, true}) {
      Tensor x = transposed && shape.size() > 1 ? base.transpose(0, -1) : base;
      Tensor y = transposed && shape.size() > 1 ? near_one.transpose(0, -1) : near_one;
      SCOPED_TRACE(to_string(shape) + (transposed ? " transposed" : ""));
      set_num_threads(1);
      cpu::set_min_grain_for_testing(0);
      Results expected = reduce_all(x, y);
      for (int threads : {1, 2, 3, 4}) {
        for (std::int64_t grain : {0, 1, 4096}) {
          set_num_threads(threads);
          cpu::set_min_grain_for_testing(grain);
          EXPECT_TRUE(reduce_all(x, y) == expected) << threads << " threads, grain " << grain;
        }
      }
      set_num_threads(0);
      cpu::set_min_grain_for_testing(0);
      for (cpu::SimdLevel level : {cpu::SimdLevel::Scalar, cpu::SimdLevel::Avx2}) {
        if (level <= cpu::max_simd_level()) {
          cpu::set_simd_level(level);
          EXPECT_TRUE(reduce_all(x, y) == expected) << cpu::to_string(level);
        }
      }
      cpu::set_simd_level(cpu::max_simd_level());
    }
  }
}

// exp, log, tanh, sigmoid and a program of them, over values that reach every branch of the
// vector forms (overflow, underflow, subnormal results, both tanh branches) and special values.
Results transcendentals(const Tensor& x) {
  static const auto program =
      elementwise([](auto a) { return exp(tanh(a)) * sigmoid(a) - log(abs(a) + 0.5); });
  Results r;
  for (const Tensor& y : {x.exp(), x.abs().log(), x.tanh(), x.sigmoid(), program(x)}) {
    r.values.push_back(y.contiguous().to_vector());
  }
  return r;
}

TEST_P(Determinism, TranscendentalsAreBitwiseEqualForAnyThreadCountAndVectorLevel) {
  Generator gen(testing::test_seed());
  const double big = GetParam() == kFloat32 ? 120.0 : 800.0;
  Tensor base = (rand({613, 129}, {.dtype = GetParam()}, &gen) * 2.0 - 1.0) *
      (rand({613, 129}, {.dtype = GetParam()}, &gen).lt(0.2) * (big - 3.0) + 3.0);
  std::vector<double> specials = {0.0,
                                  -0.0,
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(),
                                  std::nan(""),
                                  1e-310,
                                  -1e-310,
                                  0.625,
                                  -0.625,
                                  1e-30};
  Tensor edge =
      from_vector(specials, {static_cast<std::int64_t>(specials.size())}, {.dtype = GetParam()});
  for (const Tensor& x : {base, base.transpose(0, 1), edge}) {
    set_num_threads(1);
    const Results expected = transcendentals(x.contiguous());
    for (int threads : {1, 2, 3, 4}) {
      for (std::int64_t grain : {0, 1, 4096}) {
        set_num_threads(threads);
        cpu::set_min_grain_for_testing(grain);
        EXPECT_TRUE(transcendentals(x) == expected) << threads << " threads, grain " << grain;
      }
    }
    set_num_threads(0);
    cpu::set_min_grain_for_testing(0);
    if (cpu::max_simd_level() >= cpu::SimdLevel::Avx2) {
      cpu::set_simd_level(cpu::SimdLevel::Avx2);
      EXPECT_TRUE(transcendentals(x) == expected) << "avx2";
      cpu::set_simd_level(cpu::max_simd_level());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DTypes, Determinism, ::testing::Values(kFloat32, kFloat64));

}  // namespace
}  // namespace minitorch
