// The index primitives of the CPU backend against the reference backend, bit for bit: random
// shapes with size-0/1 dims, operands and indices laid out as contiguous, sliced, permuted and
// expanded views (an expanded index repeats indices), every value dtype, with 1, 2 and 3
// threads and chunks made tiny so that small cases split. Then bitwise determinism: sums over
// many repeated indices give the same bits for any thread count (Note [Index primitives]).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "backends/cpu/loop_engine.h"
#include "minitorch/minitorch.h"
#include "minitorch/threading.h"
#include "support/case_gen.h"
#include "support/test_seed.h"

#ifndef MT_DIFF_CASES
#define MT_DIFF_CASES 300
#endif

namespace minitorch::testing {
namespace {

constexpr int kCases = MT_DIFF_CASES;

ValueFn int_values(std::int64_t lo, std::int64_t hi) {
  return [lo, hi](std::mt19937_64& rng) {
    return static_cast<double>(std::uniform_int_distribution<std::int64_t>(lo, hi)(rng));
  };
}

// Values a dtype holds exactly: integers for int64, 0/1 for bool.
ValueFn values_for(DType dtype) {
  if (dtype == kInt64) {
    return int_values(-50, 50);
  }
  if (dtype == kBool) {
    return int_values(0, 1);
  }
  return uniform_values(-3, 3);
}

// The elements in row-major order as float64 (exact for every dtype used here).
std::vector<double> elements(const Tensor& t) { return t.to(kFloat64).contiguous().to_vector(); }

void expect_same_bits(const Tensor& got, const Tensor& want) {
  ASSERT_EQ(got.shape(), want.shape());
  ASSERT_EQ(got.dtype(), want.dtype());
  std::vector<double> g = elements(got);
  std::vector<double> w = elements(want);
  ASSERT_EQ(g.size(), w.size());
  if (g.empty()) {
    return;  // memcmp must not see the null data of empty vectors (UBSan)
  }
  EXPECT_EQ(std::memcmp(g.data(), w.data(), g.size() * sizeof(double)), 0)
      << "first values " << g[0] << " vs " << w[0];
}

// Runs f on the reference backend, then on the cpu backend, and compares the bits.
template <class F>
void expect_backends_agree(F f) {
  set_backend("reference");
  Tensor want = f();
  set_backend("cpu");
  Tensor got = f();
  expect_same_bits(got, want);
}

// A random case: values a with shape, dim, an index operand of index_shape in [0, a's size
// along dim), laid out by CaseGen::operand.
struct IndexCase {
  Operand a;
  int dim = 0;
  Operand index;
  std::string details;
};

// gather / scatter_add: index has a's rank, no larger than a off dim.
IndexCase gather_case(CaseGen& gen, DType dtype) {
  Sizes shape = gen.shape(4, 5);
  if (shape.empty()) {
    shape.push_back(gen.uniform_int(1, 4));
  }
  IndexCase c;
  c.dim = static_cast<int>(gen.uniform_int(0, static_cast<std::int64_t>(shape.size()) - 1));
  auto d = static_cast<std::size_t>(c.dim);
  Sizes index_shape = shape;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    index_shape[k] = k == d ? gen.uniform_int(0, 6) : gen.uniform_int(0, shape[k]);
  }
  if (shape[d] == 0) {
    index_shape[d] = 0;
  }
  c.a = gen.operand(shape, dtype, values_for(dtype));
  c.index =
      gen.operand(index_shape, kInt64, int_values(0, std::max<std::int64_t>(shape[d] - 1, 0)));
  c.details = std::string(to_string(dtype)) + " " + sizes_string(shape) + " (" + c.a.recipe +
      ") dim " + std::to_string(c.dim) + " index " + sizes_string(index_shape) + " (" +
      c.index.recipe + ")";
  return c;
}

// index_select / index_add: a 1-D index of any length.
IndexCase select_case(CaseGen& gen, DType dtype) {
  Sizes shape = gen.shape(4, 5);
  if (shape.empty()) {
    shape.push_back(gen.uniform_int(1, 4));
  }
  IndexCase c;
  c.dim = static_cast<int>(gen.uniform_int(0, static_cast<std::int64_t>(shape.size()) - 1));
  std::int64_t size = shape[static_cast<std::size_t>(c.dim)];
  std::int64_t length = size == 0 ? 0 : gen.uniform_int(0, 8);
  c.a = gen.operand(shape, dtype, values_for(dtype));
  c.index = gen.operand({length}, kInt64, int_values(0, std::max<std::int64_t>(size - 1, 0)));
  c.details = std::string(to_string(dtype)) + " " + sizes_string(shape) + " (" + c.a.recipe +
      ") dim " + std::to_string(c.dim) + " index [" + std::to_string(length) + "] (" +
      c.index.recipe + ")";
  return c;
}

struct Config {
  int threads;
};

class IndexDifferential : public ::testing::TestWithParam<Config> {
 protected:
  void SetUp() override {
    set_num_threads(GetParam().threads);
    cpu::set_min_grain_for_testing(GetParam().threads > 1 ? 3 : 0);
  }
  void TearDown() override {
    set_num_threads(0);
    cpu::set_min_grain_for_testing(0);
    set_backend("cpu");
  }
};

TEST_P(IndexDifferential, GatherMatchesReference) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed);
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    for (int i = 0; i < kCases; ++i) {
      IndexCase c = gather_case(gen, dtype);
      SCOPED_TRACE(case_note(i, "gather", c.details, seed));
      expect_backends_agree([&] { return gather(c.a.tensor, c.dim, c.index.tensor); });
    }
  }
}

TEST_P(IndexDifferential, ScatterAddMatchesReference) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 1);
  for (DType dtype : {kFloat32, kFloat64, kInt64}) {
    for (int i = 0; i < kCases; ++i) {
      IndexCase c = gather_case(gen, dtype);
      // src is at least index's size in every dim.
      Sizes src_shape(c.index.tensor.shape().begin(), c.index.tensor.shape().end());
      for (auto& size : src_shape) {
        size += gen.chance(0.3) ? gen.uniform_int(0, 2) : 0;
      }
      Operand src = gen.operand(src_shape, dtype, values_for(dtype));
      SCOPED_TRACE(
          case_note(i, "scatter_add",
                    c.details + " src " + sizes_string(src_shape) + " (" + src.recipe + ")", seed));
      expect_backends_agree(
          [&] { return scatter_add(c.a.tensor, c.dim, c.index.tensor, src.tensor); });
    }
  }
}

TEST_P(IndexDifferential, IndexSelectMatchesReference) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 2);
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    for (int i = 0; i < kCases; ++i) {
      IndexCase c = select_case(gen, dtype);
      SCOPED_TRACE(case_note(i, "index_select", c.details, seed));
      expect_backends_agree([&] { return index_select(c.a.tensor, c.dim, c.index.tensor); });
    }
  }
}

TEST_P(IndexDifferential, IndexAddMatchesReference) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 3);
  for (DType dtype : {kFloat32, kFloat64, kInt64}) {
    for (int i = 0; i < kCases; ++i) {
      IndexCase c = select_case(gen, dtype);
      Sizes src_shape(c.a.tensor.shape().begin(), c.a.tensor.shape().end());
      src_shape[static_cast<std::size_t>(c.dim)] = c.index.tensor.numel();
      Operand src = gen.operand(src_shape, dtype, values_for(dtype));
      SCOPED_TRACE(case_note(i, "index_add", c.details + " src (" + src.recipe + ")", seed));
      expect_backends_agree(
          [&] { return index_add(c.a.tensor, c.dim, c.index.tensor, src.tensor); });
    }
  }
}

TEST_P(IndexDifferential, FlipMatchesReference) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 4);
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    for (int i = 0; i < kCases / 4; ++i) {
      Sizes shape = gen.shape(4, 5);
      Operand a = gen.operand(shape, dtype, values_for(dtype));
      Dims dims;
      for (std::size_t d = 0; d < shape.size(); ++d) {
        if (gen.chance(0.5)) {
          dims.push_back(static_cast<std::int64_t>(d));
        }
      }
      SCOPED_TRACE(case_note(i, "flip", sizes_string(shape) + " dims " + to_string(dims), seed));
      expect_backends_agree([&] { return flip(a.tensor, dims); });
    }
  }
}

std::string config_name(const ::testing::TestParamInfo<Config>& info) {
  return std::to_string(info.param.threads) + "threads";
}

INSTANTIATE_TEST_SUITE_P(Threads, IndexDifferential,
                         ::testing::Values(Config{1}, Config{2}, Config{3}), config_name);

// ---- Determinism ------------------------------------------------------------------------

// Sums that depend on the order of additions: thousands of float32 values of mixed magnitude
// scattered onto few outputs, over dim 0 (columns split across threads) and the last dim
// (rows split), through index_add and scatter_add, at 1, 2 and 4 threads with default and
// tiny chunks.
std::vector<std::vector<double>> sums(const Tensor& values, const Tensor& rows,
                                      const Tensor& cols) {
  std::vector<std::vector<double>> out;
  out.push_back(elements(index_add(zeros({7, 33}), 0, rows, values)));
  out.push_back(elements(index_add(zeros({33, 5}), 1, cols, values.transpose(0, 1))));
  Tensor index_2d = rows.unsqueeze(1).expand({rows.numel(), 33}).contiguous();
  out.push_back(elements(scatter_add(zeros({7, 33}), 0, index_2d, values)));
  return out;
}

TEST(IndexDeterminism, ScatteredSumsAreBitwiseEqualForAnyThreadCount) {
  set_backend("cpu");
  Generator g(test_seed());
  const std::int64_t n = 3000;
  Tensor values = (rand({n, 33}, {}, &g) - 0.5) * (rand({n, 33}, {}, &g) * 8.0).exp();
  Tensor rows = (rand({n}, {.dtype = kFloat64}, &g) * 7.0).to(kInt64);
  Tensor cols = (rand({n}, {.dtype = kFloat64}, &g) * 5.0).to(kInt64);
  set_num_threads(1);
  auto want = sums(values, rows, cols);
  set_backend("reference");
  EXPECT_EQ(sums(values, rows, cols), want) << "cpu with 1 thread vs reference";
  set_backend("cpu");
  for (int threads : {2, 4}) {
    for (std::int64_t grain : {0, 3}) {
      set_num_threads(threads);
      cpu::set_min_grain_for_testing(grain);
      EXPECT_EQ(sums(values, rows, cols), want) << threads << " threads, grain " << grain;
    }
  }
  set_num_threads(0);
  cpu::set_min_grain_for_testing(0);
}

}  // namespace
}  // namespace minitorch::testing
