// argmax/argmin, max/min_with_indices, one_hot, masked_fill(_) and any/all (issue 11 item 5)
// on PyTorch's examples: ties, NaN, ±inf, ±0, size-0 and size-1 dims, scalars, int64 and
// bool inputs; their errors; and random views on the reference and cpu backends, which must
// agree bitwise and with a plain-loop model of the first extreme.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "cuda/cuda_test_support.h"
#include "minitorch/minitorch.h"
#include "support/case_gen.h"
#include "support/expect_error.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using I64s = std::vector<std::int64_t>;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr TensorOptions kF64 = {.dtype = kFloat64};
constexpr TensorOptions kI64 = {.dtype = kInt64};

Tensor f64(const std::vector<double>& values, const Shape& shape) {
  return from_vector(values, shape, kF64);
}
Tensor f64(const std::vector<double>& values) {
  return f64(values, {static_cast<std::int64_t>(values.size())});
}
Tensor i64(const I64s& values, const Shape& shape) { return from_vector(values, shape, kI64); }
Tensor i64(const I64s& values) { return i64(values, {static_cast<std::int64_t>(values.size())}); }
Tensor mask(const std::vector<double>& values, const Shape& shape) {
  return f64(values, shape).to(kBool);
}

I64s ints(const Tensor& t) {
  EXPECT_EQ(t.dtype(), kInt64);
  return t.to_vector<std::int64_t>();
}
std::vector<bool> bools(const Tensor& t) {
  EXPECT_EQ(t.dtype(), kBool);
  return t.to_vector<bool>();
}

using testing::expect_error;

// ---- argmax / argmin ---------------------------------------------------------------------

TEST(ArgOps, ArgmaxTakesTheFirstOfTiesAndTheFirstNaN) {
  for (DType dtype : {kFloat32, kFloat64}) {
    auto t = [&](const std::vector<double>& v) { return f64(v).to(dtype); };
    EXPECT_EQ(ints(t({1, 3, 3, 2}).argmax()), I64s{1});
    EXPECT_EQ(ints(t({2, 1, 1, 3}).argmin()), I64s{1});
    // NaN is the largest and the smallest (PyTorch), the first one wins.
    EXPECT_EQ(ints(t({1, kNaN, 5, kNaN}).argmax()), I64s{1});
    EXPECT_EQ(ints(t({1, kNaN, -5, kNaN}).argmin()), I64s{1});
    EXPECT_EQ(ints(t({kInf, 1, kInf}).argmax()), I64s{0});
    EXPECT_EQ(ints(t({-kInf, -kInf}).argmax()), I64s{0});
    EXPECT_EQ(ints(t({kInf, -kInf, -kInf}).argmin()), I64s{1});
    EXPECT_EQ(ints(t({-0.0, 0.0}).argmax()), I64s{0});  // -0 == 0: a tie
    EXPECT_EQ(ints(t({0.0, -0.0}).argmin()), I64s{0});
  }
}

TEST(ArgOps, ArgmaxAlongADim) {
  Tensor x = f64({1, 5, 5, 7, 2, 7}, {2, 3});
  EXPECT_EQ(ints(x.argmax(1)), (I64s{1, 0}));
  EXPECT_EQ(ints(x.argmax(-1)), (I64s{1, 0}));
  EXPECT_EQ(ints(x.argmax(0)), (I64s{1, 0, 1}));
  EXPECT_EQ(ints(x.argmin(0)), (I64s{0, 1, 0}));
  EXPECT_EQ(x.argmax(1, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(x.argmax(0).shape(), (Shape{3}));
  // Over everything: an index into the flattened tensor, 0-dim.
  EXPECT_EQ(x.argmax().shape(), Shape{});
  EXPECT_EQ(x.argmax().item<std::int64_t>(), 3);
  EXPECT_EQ(x.argmin().item<std::int64_t>(), 0);
  // A transposed view.
  EXPECT_EQ(ints(x.transpose(0, 1).argmax(0)), (I64s{1, 0}));
}

TEST(ArgOps, ArgmaxOfScalarsSizeOneAndSizeZeroDims) {
  Tensor s = full({}, 3.0, kF64);
  EXPECT_EQ(s.argmax().item<std::int64_t>(), 0);
  EXPECT_EQ(s.argmax(0).shape(), Shape{});
  EXPECT_EQ(s.argmin(-1, true).shape(), Shape{});
  EXPECT_EQ(ints(f64({4, 2, 9}, {3, 1}).argmax(1)), (I64s{0, 0, 0}));
  // An empty tensor whose reduced dim is not empty: an empty result.
  Tensor e = zeros({0, 3});
  EXPECT_EQ(e.argmax(1).shape(), (Shape{0}));
  EXPECT_EQ(e.argmin(1, true).shape(), (Shape{0, 1}));
  expect_error<ShapeError>([&] { e.argmax(0); }, {"argmax", "dim 0", "size 0", "[0, 3]"});
  expect_error<ShapeError>([&] { e.argmin(); }, {"argmin", "0 elements", "[0, 3]"});
  expect_error<IndexError>([&] { s.argmax(1); }, {"argmax", "dim 1"});
  expect_error<IndexError>([&] { e.argmax(2); }, {"argmax", "dim 2", "[0, 3]"});
}

TEST(ArgOps, ArgmaxOfIntegersAndBools) {
  EXPECT_EQ(ints(i64({3, 9, 9, -1}).argmax()), I64s{1});
  EXPECT_EQ(ints(i64({3, 9, 9, -1}).argmin()), I64s{3});
  EXPECT_EQ(ints(i64({5, 1, 2, 5}, {2, 2}).argmax(0)), (I64s{0, 1}));
  Tensor b = mask({0, 1, 1}, {3});
  EXPECT_EQ(ints(b.argmax()), I64s{1});
  EXPECT_EQ(ints(b.argmin()), I64s{0});
}

TEST(ArgOps, ArgmaxIsNotDifferentiableAndLeavesGradientsAlone) {
  Tensor x = f64({1, 2, 3}).requires_grad_(true);
  Tensor i = x.argmax();
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(i.dtype(), kInt64);
}

// ---- max_with_indices / min_with_indices ----------------------------------------------------

TEST(ArgOps, MaxWithIndicesGivesValuesAndTheFirstIndex) {
  Tensor x = f64({1, 5, 5, 7, kNaN, 7}, {2, 3});
  auto [values, indices] = x.max_with_indices(1);
  EXPECT_EQ(ints(indices), (I64s{1, 1}));
  std::vector<double> v = values.to_vector();
  EXPECT_EQ(v[0], 5);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(values.dtype(), kFloat64);
  auto [lo, lo_index] = f64({3, -kInf, -kInf, 2}, {2, 2}).min_with_indices(0, true);
  EXPECT_EQ(lo.shape(), (Shape{1, 2}));
  EXPECT_EQ(lo.to_vector(), (std::vector<double>{-kInf, -kInf}));
  EXPECT_EQ(ints(lo_index), (I64s{1, 0}));
  // A scalar is its own extreme, at 0.
  auto [sv, si] = full({}, 2.5, kF64).max_with_indices(0, true);
  EXPECT_EQ(sv.shape(), Shape{});
  EXPECT_EQ(sv.item(), 2.5);
  EXPECT_EQ(si.item<std::int64_t>(), 0);
  // int64 and bool values keep their dtype.
  auto [iv, ii] = i64({4, 8, 8}).max_with_indices(0);
  EXPECT_EQ(ints(iv), I64s{8});
  EXPECT_EQ(ints(ii), I64s{1});
  auto [bv, bi] = mask({0, 1, 1, 0}, {2, 2}).min_with_indices(1);
  EXPECT_EQ(bools(bv), (std::vector<bool>{false, false}));
  EXPECT_EQ(ints(bi), (I64s{0, 1}));
  expect_error<ShapeError>(
      [] {
        zeros({2, 0}).max_with_indices(1);
      },
      {"max_with_indices", "dim 1", "[2, 0]"});
  expect_error<IndexError>(
      [] {
        zeros({2, 3}).min_with_indices(-3);
      },
      {"min_with_indices", "dim -3", "[2, 3]"});
}

TEST(ArgOps, MaxWithIndicesRoutesTheGradientToTheIndexUnlikeMax) {
  // PyTorch's max(dim) gives the whole gradient to the index it returns; amax-like max(dim)
  // shares it among the ties.
  Tensor x = f64({1, 5, 5, 7, 2, 7}, {2, 3}).requires_grad_(true);
  x.max_with_indices(1).values.sum().backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0, 1, 0, 1, 0, 0}));
  x.zero_grad();
  x.max(1).sum().backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0, 0.5, 0.5, 0.5, 0, 0.5}));
  x.zero_grad();
  (x.min_with_indices(0).values * f64({1, 2, 3})).sum().backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1, 0, 3, 0, 2, 0}));
}

// ---- one_hot ------------------------------------------------------------------------------

TEST(ArgOps, OneHotFollowsPyTorch) {
  // F.one_hot(torch.arange(0, 5) % 3)
  Tensor h = one_hot(i64({0, 1, 2, 0, 1}));
  EXPECT_EQ(h.shape(), (Shape{5, 3}));
  EXPECT_EQ(ints(h), (I64s{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0}));
  EXPECT_EQ(one_hot(i64({0, 1, 2, 0, 1}), 5).shape(), (Shape{5, 5}));
  Tensor h2 = one_hot(i64({0, 2, 1, 0}, {2, 2}), 3);
  EXPECT_EQ(h2.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(ints(h2), (I64s{1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0}));
  Tensor scalar = one_hot(full({}, 2.0, kI64), 4);
  EXPECT_EQ(scalar.shape(), (Shape{4}));
  EXPECT_EQ(ints(scalar), (I64s{0, 0, 1, 0}));
  EXPECT_EQ(one_hot(zeros({0}, kI64), 3).shape(), (Shape{0, 3}));
  EXPECT_EQ(one_hot(i64({0, 0}), 1).shape(), (Shape{2, 1}));
}

TEST(ArgOps, OneHotErrors) {
  Tensor idx = i64({0, 3, 1});
  expect_error<IndexError>([&] { one_hot(idx, 3); }, {"one_hot", "index 3", "3 classes", "[3]"});
  expect_error<IndexError>([] { one_hot(i64({1, -1}), 3); }, {"one_hot", "index -1", "3 classes"});
  expect_error<IndexError>([] { one_hot(i64({1, -1})); }, {"one_hot", "index -1"});
  expect_error<DTypeError>([] { one_hot(f64({0, 1})); }, {"one_hot", "int64", "float64", "[2]"});
  expect_error<ValueError>([] { one_hot(zeros({0}, kI64)); }, {"one_hot", "empty", "[0]"});
  expect_error<ValueError>([&] { one_hot(idx, -2); }, {"one_hot", "-2"});
  EXPECT_EQ(ints(idx), (I64s{0, 3, 1}));
}

// ---- masked_fill ----------------------------------------------------------------------------

TEST(ArgOps, MaskedFillBroadcastsAndKeepsTheDtype) {
  Tensor x = f64({1, 2, 3, 4}, {2, 2});
  Tensor row = mask({1, 0}, {2});
  EXPECT_EQ(x.masked_fill(row, -1).to_vector(), (std::vector<double>{-1, 2, -1, 4}));
  EXPECT_EQ(x.masked_fill(mask({0, 1}, {2, 1}), kInf).to_vector(),
            (std::vector<double>{1, 2, kInf, kInf}));
  std::vector<double> nan_fill = x.masked_fill(row, kNaN).to_vector();
  EXPECT_TRUE(std::isnan(nan_fill[0]));
  EXPECT_EQ(nan_fill[1], 2);
  // PyTorch's out-of-place masked_fill broadcasts self and mask together.
  Tensor wide = f64({1, 2, 3}).masked_fill(mask({1, 0}, {2, 1}), 0);
  EXPECT_EQ(wide.shape(), (Shape{2, 3}));
  EXPECT_EQ(wide.to_vector(), (std::vector<double>{0, 0, 0, 1, 2, 3}));
  Tensor f = x.to(kFloat32).masked_fill(row, 0.5);
  EXPECT_EQ(f.dtype(), kFloat32);
  // The value takes self's dtype: 2.5 truncates to 2 in int64 (PyTorch).
  Tensor n = i64({7, 8}).masked_fill(mask({1, 0}, {2}), 2.5);
  EXPECT_EQ(ints(n), (I64s{2, 8}));
  Tensor b = mask({0, 0, 1}, {3}).masked_fill(mask({1, 0, 0}, {3}), 1);
  EXPECT_EQ(bools(b), (std::vector<bool>{true, false, true}));
  // An empty mask dim broadcasts to an empty result.
  EXPECT_EQ(x.masked_fill(mask({}, {0, 1, 2}), 1).shape(), (Shape{0, 2, 2}));
}

TEST(ArgOps, MaskedFillGradientIsZeroWhereFilled) {
  Tensor x = f64({1, 2, 3, 4}, {2, 2}).requires_grad_(true);
  (x.masked_fill(mask({1, 0}, {2}), 5.0) * x).sum().backward();
  // d/dx (fill * x) = fill where masked, else 2x.
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{5, 4, 5, 8}));
}

TEST(ArgOps, MaskedFillErrors) {
  Tensor x = f64({1, 2, 3, 4}, {2, 2});
  expect_error<DTypeError>(
      [&] {
        x.masked_fill(f64({1, 0}), 0);
      },
      {"masked_fill", "bool", "float64", "[2]", "[2, 2]"});
  expect_error<ShapeError>(
      [&] {
        x.masked_fill(mask({1, 0, 1}, {3}), 0);
      },
      {"masked_fill", "[2, 2]", "[3]"});
  expect_error<DTypeError>([&] { x.masked_fill_(i64({1, 0}), 0); }, {"masked_fill_", "bool"});
  EXPECT_EQ(x.to_vector(), (std::vector<double>{1, 2, 3, 4}));
}

TEST(ArgOps, MaskedFillInPlaceFollowsTheInPlaceRules) {
  Tensor x = f64({1, 2, 3, 4}, {2, 2});
  std::uint64_t version = x.data().storage()->version();
  Tensor& same = x.masked_fill_(mask({0, 1}, {2}), -3);
  EXPECT_EQ(&same, &x);
  EXPECT_EQ(x.to_vector(), (std::vector<double>{1, -3, 3, -3}));
  EXPECT_EQ(x.data().storage()->version(), version + 1);
  // A view writes through to its base.
  x.select(0, 1).masked_fill_(mask({1, 0}, {2}), 9);
  EXPECT_EQ(x.to_vector(), (std::vector<double>{1, -3, 9, -3}));
  Tensor b = mask({0, 1, 0}, {3});
  b.masked_fill_(mask({1, 1, 0}, {3}), 0);
  EXPECT_EQ(bools(b), (std::vector<bool>{false, false, false}));
  // The mask must broadcast to the destination's shape; the destination is left as it was.
  expect_error<ShapeError>(
      [&] {
        x.masked_fill_(mask({1, 0}, {2, 1, 1}), 0);
      },
      {"masked_fill_", "[2, 1, 1]", "[2, 2]"});
  // An expanded destination (stride 0) would write one element twice.
  Tensor e = f64({1, 2}).expand({3, 2});
  expect_error<ShapeError>(
      [&] {
        e.masked_fill_(mask({1, 0}, {2}), 0);
      },
      {"masked_fill_", "expanded"});
  // Refused on a tensor that requires grad while grad mode is on.
  Tensor w = f64({1, 2}).requires_grad_(true);
  expect_error<AutogradError>(
      [&] {
        w.masked_fill_(mask({1, 0}, {2}), 0);
      },
      {"masked_fill_", "[2]"});
  {
    NoGradGuard no_grad;
    w.masked_fill_(mask({1, 0}, {2}), 0);
  }
  EXPECT_EQ(w.to_vector(), (std::vector<double>{0, 2}));
  EXPECT_EQ(x.to_vector(), (std::vector<double>{1, -3, 9, -3}));
  // A tensor saved for backward and then filled in place: backward refuses.
  Tensor a = f64({1, 2}).requires_grad_(true);
  Tensor saved = f64({3, 4});
  Tensor y = (a * saved).sum();
  saved.masked_fill_(mask({1, 0}, {2}), 0);
  EXPECT_THROW(y.backward(), AutogradError);
}

// ---- any / all ------------------------------------------------------------------------------

TEST(ArgOps, AnyAndAllFollowPyTorch) {
  EXPECT_EQ(bools(f64({0, kNaN}).any()), std::vector<bool>{true});
  EXPECT_EQ(bools(f64({1, kNaN, -kInf}).all()), std::vector<bool>{true});
  EXPECT_EQ(bools(f64({1, -0.0}).all()), std::vector<bool>{false});
  EXPECT_EQ(bools(f64({0, -0.0}).any()), std::vector<bool>{false});
  Tensor x = f64({0, 0, 0, 1}, {2, 2});
  EXPECT_EQ(bools(x.any(1)), (std::vector<bool>{false, true}));
  EXPECT_EQ(bools(x.all(0)), (std::vector<bool>{false, false}));
  EXPECT_EQ(x.any(1, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(x.all({0, 1}).shape(), Shape{});
  EXPECT_EQ(x.any().shape(), Shape{});
  // Over no elements: any is false, all is true.
  Tensor e = zeros({2, 0});
  EXPECT_EQ(bools(e.any(1)), (std::vector<bool>{false, false}));
  EXPECT_EQ(bools(e.all(1)), (std::vector<bool>{true, true}));
  EXPECT_EQ(bools(e.all()), std::vector<bool>{true});
  EXPECT_EQ(e.any(0).shape(), (Shape{0}));
  // Scalars, int64 and bool.
  EXPECT_EQ(bools(full({}, 2.0).all(0)), std::vector<bool>{true});
  EXPECT_EQ(bools(i64({3, 0, -1}).all()), std::vector<bool>{false});
  EXPECT_EQ(bools(i64({0, 0, -1}).any()), std::vector<bool>{true});
  EXPECT_EQ(bools(mask({1, 1, 0, 1}, {2, 2}).all(-1)), (std::vector<bool>{true, false}));
  expect_error<IndexError>([&] { x.any(2); }, {"any", "dim 2", "[2, 2]"});
  expect_error<IndexError>([&] { x.all({1, -1}); }, {"all", "more than once"});
}

// ---- reference vs cpu ------------------------------------------------------------------------

// The first index of the largest (or smallest) element along dim, NaN first, by plain loops.
testing::NdArray first_extreme_model(const testing::NdArray& x, int d, bool largest) {
  testing::Sizes shape = x.shape;
  std::int64_t n = shape[static_cast<std::size_t>(d)];
  std::int64_t outer = 1;
  std::int64_t inner = 1;
  for (int k = 0; k < static_cast<int>(shape.size()); ++k) {
    if (k < d) {
      outer *= shape[static_cast<std::size_t>(k)];
    } else if (k > d) {
      inner *= shape[static_cast<std::size_t>(k)];
    }
  }
  shape[static_cast<std::size_t>(d)] = 1;
  testing::NdArray out = testing::NdArray::filled(shape, 0);
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      std::int64_t best = 0;
      for (std::int64_t j = 1; j < n; ++j) {
        double b = x.values[static_cast<std::size_t>((o * n + best) * inner + i)];
        double v = x.values[static_cast<std::size_t>((o * n + j) * inner + i)];
        if (!std::isnan(b) && (std::isnan(v) || (largest ? v > b : v < b))) {
          best = j;
        }
      }
      out.values[static_cast<std::size_t>(o * inner + i)] = static_cast<double>(best);
    }
  }
  return out;
}

// Each result of got has want's dtype, shape and bits (NaN matching NaN).
void expect_same_bits(const std::vector<Tensor>& got, const std::vector<Tensor>& want,
                      const char* backend) {
  for (std::size_t k = 0; k < want.size(); ++k) {
    ASSERT_EQ(got[k].dtype(), want[k].dtype()) << backend << ", result " << k;
    ASSERT_EQ(got[k].shape(), want[k].shape()) << backend << ", result " << k;
    std::vector<double> a = got[k].to(Device::cpu()).to_vector();
    std::vector<double> b = want[k].to_vector();
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_TRUE(std::isnan(a[i]) ? std::isnan(b[i]) : std::memcmp(&a[i], &b[i], 8) == 0)
          << backend << ", result " << k << ", element " << i << ": " << a[i] << ", reference "
          << b[i];
    }
  }
}

// The CUDA leg runs where a device is (it is skipped silently elsewhere).
TEST(ArgOps, CpuAndCudaMatchReferenceAndTheModelOnRandomViews) {
  const std::uint64_t seed = testing::test_seed();
  testing::CaseGen gen(seed);
  // Few distinct values, so that ties, NaN and infinities are common.
  const std::vector<double> pool = {-1, 0, 2, 2.5, kNaN, kInf, -kInf, -0.0};
  testing::ValueFn values = [&](std::mt19937_64& rng) {
    return pool[static_cast<std::size_t>(rng() % (rng() % 4 == 0 ? pool.size() : 4))];
  };
  for (int c = 0; c < 200; ++c) {
    DType dtype = gen.dtype();
    testing::Sizes sizes = gen.shape(4, 5);
    testing::Operand x = gen.operand(sizes, dtype, values);
    Tensor m = gen.operand(sizes, kFloat32).tensor.gt(0.0);
    int rank = static_cast<int>(sizes.size());
    int d = rank == 0 ? 0 : static_cast<int>(gen.uniform_int(0, rank - 1));
    bool keepdim = gen.chance(0.5);
    SCOPED_TRACE(testing::case_note(c, "arg ops", x.recipe + " dim " + std::to_string(d), seed));
    if (rank > 0 && sizes[static_cast<std::size_t>(d)] == 0) {
      EXPECT_THROW(x.tensor.argmax(d), ShapeError);
      continue;
    }
    auto run = [&](const Tensor& t, const Tensor& mask) {
      auto [values_max, index_max] = t.max_with_indices(d, keepdim);
      return std::vector<Tensor>{t.argmax(d, true), t.argmin(d, true),        values_max,
                                 index_max,         t.masked_fill(mask, 7.0), t.any(d, keepdim),
                                 t.all(d, keepdim)};
    };
    set_backend("reference");
    std::vector<Tensor> want = run(x.tensor, m);
    set_backend("cpu");
    std::vector<Tensor> got = run(x.tensor, m);
    expect_same_bits(got, want, "cpu");
    if (testing::cuda_available()) {
      expect_same_bits(run(testing::on_cuda(x.tensor), testing::on_cuda(m)), want, "cuda");
    }
    if (rank > 0) {
      EXPECT_EQ(got[0].to_vector(), first_extreme_model(x.expected, d, true).values);
      EXPECT_EQ(got[1].to_vector(), first_extreme_model(x.expected, d, false).values);
    }
  }
}

TEST(ArgOps, CudaOneHotMaskedFillInPlaceAndAnyAll) {
  MT_REQUIRE_CUDA();
  const Device gpu = Device::cuda();
  Tensor h = one_hot(i64({0, 2, 1}).to(gpu));
  EXPECT_TRUE(h.device().is_cuda());
  EXPECT_EQ(ints(h.to(Device::cpu())), (I64s{1, 0, 0, 0, 0, 1, 0, 1, 0}));
  expect_error<IndexError>([&] { one_hot(i64({0, 4}).to(gpu), 3); }, {"one_hot", "index 4"});
  for (DType dtype : {kFloat32, kInt64, kBool}) {
    Tensor x = f64({1, 0, 3, 4}, {2, 2}).to(dtype).to(gpu);
    x.masked_fill_(mask({1, 0}, {2}).to(gpu), 0);
    EXPECT_EQ(x.to(Device::cpu()).to_vector(), f64({0, 0, 0, 4}).to(dtype).to_vector());
  }
  expect_error<DeviceError>(
      [&] {
        zeros({2}, {.device = gpu}).masked_fill(mask({1, 0}, {2}), 0);
      },
      {"masked_fill", "mask"});
  EXPECT_EQ(bools(f64({0, kNaN}).to(gpu).any().to(Device::cpu())), std::vector<bool>{true});
}

}  // namespace
}  // namespace minitorch
