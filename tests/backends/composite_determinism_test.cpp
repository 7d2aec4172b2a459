// cumsum and var give the same bits for 1, 2 and 4 CPU threads (and with chunks forced tiny):
// cumsum is a fixed sequence of zips (Note [Cumsum order]), var a fixed sequence of
// reductions whose own order does not depend on the thread count (Note [Reduction order]).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "backends/cpu/loop_engine.h"
#include "minitorch/minitorch.h"
#include "minitorch/threading.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

std::vector<std::vector<double>> cumsum_and_var(const Tensor& x) {
  std::vector<std::vector<double>> out;
  for (int d = 0; d < x.ndim(); ++d) {
    out.push_back(x.cumsum(d).to_vector());
    out.push_back(x.var(d).to_vector());
    out.push_back(x.std(d, 0.0).to_vector());
  }
  out.push_back(x.var().to_vector());
  if (x.ndim() > 1) {
    out.push_back(x.var({0, -1}, 1.0, true).to_vector());
  }
  return out;
}

bool same_bits(const std::vector<std::vector<double>>& a,
               const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size() ||
        std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(double)) != 0) {
      return false;
    }
  }
  return true;
}

class CompositeDeterminism : public ::testing::TestWithParam<DType> {
 protected:
  void TearDown() override {
    set_num_threads(0);
    cpu::set_min_grain_for_testing(0);
  }
};

TEST_P(CompositeDeterminism, CumsumAndVarAreBitwiseEqualForAnyThreadCount) {
  Generator gen(testing::test_seed());
  for (const Shape& shape : std::vector<Shape>{{4099}, {37, 515}, {515, 37}, {3, 5, 257}}) {
    Tensor base = rand(shape, {.dtype = GetParam()}, &gen) * 4.0 - 2.0;
    for (bool transposed : {false, true}) {
      Tensor x = transposed && shape.size() > 1 ? base.transpose(0, -1) : base;
      SCOPED_TRACE(to_string(shape) + (transposed ? " transposed" : ""));
      set_num_threads(1);
      cpu::set_min_grain_for_testing(0);
      auto expected = cumsum_and_var(x);
      for (int threads : {1, 2, 4}) {
        for (std::int64_t grain : {0, 1, 4096}) {
          set_num_threads(threads);
          cpu::set_min_grain_for_testing(grain);
          EXPECT_TRUE(same_bits(cumsum_and_var(x), expected))
              << threads << " threads, grain " << grain;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DTypes, CompositeDeterminism, ::testing::Values(kFloat32, kFloat64));

}  // namespace
}  // namespace minitorch
