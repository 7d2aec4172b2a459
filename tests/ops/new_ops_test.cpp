// The elementwise ops of issue 11 item 1 on PyTorch's values: NaN, ±inf and ±0 behaviour,
// int64 and bool inputs where the op allows them, gradients at ties and kinks, and the CPU
// backend bitwise against the reference where the generic differential suites do not reach
// (three-operand ops). The op-table suites cover every descriptor on random inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr TensorOptions kF64 = {.dtype = kFloat64};
constexpr TensorOptions kI64 = {.dtype = kInt64};

Tensor f64(const std::vector<double>& values) {
  return from_vector(values, {static_cast<std::int64_t>(values.size())}, kF64);
}
Tensor f32(const std::vector<double>& values) { return f64(values).to(kFloat32); }
Tensor i64(const std::vector<std::int64_t>& values) {
  return from_vector(values, {static_cast<std::int64_t>(values.size())}, kI64);
}

// Equal values, NaN matching NaN, and the sign of a zero checked (PyTorch prints -0.).
void expect_values(const Tensor& got, const std::vector<double>& want, double rtol = 0) {
  std::vector<double> values = got.to_vector();
  ASSERT_EQ(values.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("element " + std::to_string(i) + ": got " + std::to_string(values[i]) + ", want " +
                 std::to_string(want[i]));
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(values[i]));
    } else if (want[i] == 0 || std::isinf(want[i]) || rtol == 0) {
      EXPECT_EQ(values[i], want[i]);
      EXPECT_EQ(std::signbit(values[i]), std::signbit(want[i]));
    } else {
      EXPECT_NEAR(values[i], want[i], rtol * std::fabs(want[i]));
    }
  }
}

// ---- unary ---------------------------------------------------------------------------------

TEST(NewOps, Sqrt) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({4, 2.25, 0, -0.0, -1, kInf, -kInf, kNaN}).to(dtype);
    expect_values(x.sqrt(), {2, 1.5, 0, -0.0, kNaN, kInf, kNaN, kNaN});
    expect_values(sqrt(x), {2, 1.5, 0, -0.0, kNaN, kInf, kNaN, kNaN});
  }
  Tensor n = i64({9, 2});
  EXPECT_EQ(n.sqrt().dtype(), kFloat32);
  expect_values(n.sqrt(), {3, std::sqrt(2.0f)});
  Tensor x = f64({0.25, 4}).requires_grad_(true);
  x.sqrt().sum().backward();
  expect_values(x.grad(), {1, 0.25});
}

TEST(NewOps, Sin) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({0, -0.0, 0.5, -2, kInf, -kInf, kNaN}).to(dtype);
    expect_values(x.sin(), {0, -0.0, std::sin(0.5), std::sin(-2.0), kNaN, kNaN, kNaN}, 1e-6);
  }
  expect_values(sin(i64({0, 1})), {0, std::sin(1.0)}, 1e-6);
  EXPECT_EQ(sin(i64({1})).dtype(), kFloat32);
  Tensor x = f64({0.5, -2}).requires_grad_(true);
  x.sin().sum().backward();
  expect_values(x.grad(), {std::cos(0.5), std::cos(-2.0)}, 1e-15);
}

TEST(NewOps, Cos) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({0, -0.0, 0.5, -2, kInf, -kInf, kNaN}).to(dtype);
    expect_values(x.cos(), {1, 1, std::cos(0.5), std::cos(-2.0), kNaN, kNaN, kNaN}, 1e-6);
  }
  expect_values(cos(i64({0, 1})), {1, std::cos(1.0)}, 1e-6);
  Tensor x = f64({0.5, -2}).requires_grad_(true);
  x.cos().sum().backward();
  expect_values(x.grad(), {-std::sin(0.5), -std::sin(-2.0)}, 1e-15);
}

TEST(NewOps, Log1p) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({0, -0.0, 1e-10, 1, -1, -2, kInf, kNaN}).to(dtype);
    // log(1 + 1e-10) would round 1 + 1e-10 (to 1 in float32); log1p keeps it.
    expect_values(x.log1p(), {0, -0.0, 1e-10, std::log(2.0), -kInf, kNaN, kInf, kNaN}, 1e-6);
  }
  expect_values(log1p(i64({0, 1})), {0, std::log(2.0)}, 1e-6);
  Tensor x = f64({0.5, -0.5}).requires_grad_(true);
  x.log1p().sum().backward();
  expect_values(x.grad(), {1 / 1.5, 2}, 1e-15);
}

TEST(NewOps, Expm1) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({0, -0.0, 1e-10, 1, -kInf, kInf, kNaN}).to(dtype);
    expect_values(x.expm1(), {0, -0.0, 1e-10, std::exp(1.0) - 1, -1, kInf, kNaN}, 1e-6);
  }
  expect_values(expm1(i64({0, 1})), {0, std::exp(1.0) - 1}, 1e-6);
  Tensor x = f64({0.5, -1}).requires_grad_(true);
  x.expm1().sum().backward();
  expect_values(x.grad(), {std::exp(0.5), std::exp(-1.0)}, 1e-15);
}

TEST(NewOps, Sign) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({3, -2.5, 0, -0.0, 1e-30, kInf, -kInf, kNaN}).to(dtype);
    expect_values(x.sign(), {1, -1, 0, 0, 1, 1, -1, kNaN});
  }
  Tensor n = i64({-5, 0, 7});
  EXPECT_EQ(sign(n).dtype(), kInt64);
  EXPECT_EQ(sign(n).to_vector<std::int64_t>(), (std::vector<std::int64_t>{-1, 0, 1}));
  Tensor x = f64({0.5, -2}).requires_grad_(true);
  Tensor y = x.sign();
  EXPECT_TRUE(y.requires_grad());
  y.sum().backward();
  expect_values(x.grad(), {0, 0});
}

TEST(NewOps, Floor) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({2.5, -2.5, 3, -0.0, -0.5, 0.5, 1e30, kInf, -kInf, kNaN}).to(dtype);
    expect_values(x.floor(), {2, -3, 3, -0.0, -1, 0, 1e30, kInf, -kInf, kNaN}, 1e-7);
  }
  Tensor n = i64({-3, 4, 9007199254740993});
  EXPECT_EQ(floor(n).dtype(), kInt64);
  EXPECT_EQ(floor(n).to_vector<std::int64_t>(), n.to_vector<std::int64_t>());
  Tensor x = f64({0.5, -2.25}).requires_grad_(true);
  x.floor().sum().backward();
  expect_values(x.grad(), {0, 0});
}

// ---- binary --------------------------------------------------------------------------------

TEST(NewOps, Minimum) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor a = f64({1, 5, kNaN, 2, 0, -0.0, -kInf, 3}).to(dtype);
    Tensor b = f64({4, -5, 1, kNaN, -0.0, 0, 7, 3}).to(dtype);
    expect_values(minimum(a, b), {1, -5, kNaN, kNaN, 0, -0.0, -kInf, 3});
    expect_values(minimum(a, 2.5), {1, 2.5, kNaN, 2, 0, -0.0, -kInf, 2.5});
  }
  // Broadcast, int64 in int64.
  Tensor n = minimum(i64({-3, 8}).view({2, 1}), i64({0, 5, 10}));
  EXPECT_EQ(n.dtype(), kInt64);
  EXPECT_EQ(n.shape(), Shape({2, 3}));
  EXPECT_EQ(n.to_vector<std::int64_t>(), (std::vector<std::int64_t>{-3, -3, -3, 0, 5, 8}));
  // PyTorch: the smaller operand gets the gradient, a tie half each.
  Tensor a = f64({1, 5, 3}).requires_grad_(true);
  Tensor b = f64({4, -5, 3}).requires_grad_(true);
  minimum(a, b).sum().backward();
  expect_values(a.grad(), {1, 0, 0.5});
  expect_values(b.grad(), {0, 1, 0.5});
}

TEST(NewOps, Maximum) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor a = f64({1, 5, kNaN, 2, 0, -0.0, kInf, 3}).to(dtype);
    Tensor b = f64({4, -5, 1, kNaN, -0.0, 0, 7, 3}).to(dtype);
    expect_values(maximum(a, b), {4, 5, kNaN, kNaN, 0, -0.0, kInf, 3});
    expect_values(maximum(a, 2.5), {2.5, 5, kNaN, 2.5, 2.5, 2.5, kInf, 3});
  }
  Tensor n = maximum(i64({-3, 8}).view({2, 1}), i64({0, 5, 10}));
  EXPECT_EQ(n.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 5, 10, 8, 8, 10}));
  Tensor a = f64({1, 5, 3}).requires_grad_(true);
  Tensor b = f64({4, -5, 3}).requires_grad_(true);
  maximum(a, b).sum().backward();
  expect_values(a.grad(), {0, 1, 0.5});
  expect_values(b.grad(), {1, 0, 0.5});
}

// ---- ternary -------------------------------------------------------------------------------

TEST(NewOps, WhereBroadcastsThreeShapes) {
  // cond [3, 1], a [1, 4], b [] -> [3, 4].
  Tensor cond = f64({1, -1, 2}).view({3, 1}).gt(0.0);
  EXPECT_EQ(cond.dtype(), kBool);
  Tensor a = f64({10, 11, 12, 13}).view({1, 4});
  Tensor b = scalar_tensor(-1.0, kF64);
  Tensor y = where(cond, a, b);
  EXPECT_EQ(y.shape(), Shape({3, 4}));
  expect_values(y, {10, 11, 12, 13, -1, -1, -1, -1, 10, 11, 12, 13});
  expect_values(where(cond, 1.0, a), {1, 1, 1, 1, 10, 11, 12, 13, 1, 1, 1, 1});
  expect_values(where(cond, a, 0.0).select(1, 0), {10, 0, 10});
}

TEST(NewOps, WhereConditionIsNonzeroOfAnyDtype) {
  Tensor a = f32({1, 2, 3, 4, 5});
  Tensor b = f32({-1, -2, -3, -4, -5});
  // NaN is true, -0 is false, as bool(x).
  Tensor cond = f32({kNaN, -0.0, 0, 0.5, -kInf});
  expect_values(where(cond, a, b), {1, -2, -3, 4, 5});
  // A float64 or int64 condition does not change the float32 result.
  EXPECT_EQ(where(cond.to(kFloat64), a, b).dtype(), kFloat32);
  expect_values(where(i64({0, 3, 0, -1, 0}), a, b), {-1, 2, -3, 4, -5});
  // int64 values stay int64, exact past 2^53.
  Tensor big = i64({9007199254740993, 1});
  Tensor w = where(f32({1, 0}).gt(0.5), big, i64({0, -7}));
  EXPECT_EQ(w.dtype(), kInt64);
  EXPECT_EQ(w.to_vector<std::int64_t>(), (std::vector<std::int64_t>{9007199254740993, -7}));
  // An int64 condition beside bool values keeps bool.
  Tensor t = from_vector(std::vector<double>{1, 0}, {2}, {.dtype = kBool});
  EXPECT_EQ(where(i64({2, 0}), t, t).dtype(), kBool);
}

TEST(NewOps, WhereGradientGoesWhereChosen) {
  Tensor cond = f64({1, 0, 1}).gt(0.5);
  Tensor a = f64({1, 2, 3}).requires_grad_(true);
  Tensor b = f64({7}).requires_grad_(true);  // broadcast: its gradient sums
  (where(cond, a, b) * f64({1, 10, 100})).sum().backward();
  expect_values(a.grad(), {1, 0, 100});
  expect_values(b.grad(), {10});
  // A float condition that requires grad gets a zero gradient, never NaN.
  Tensor c = f64({1, 0, 1}).requires_grad_(true);
  where(c, a.detach(), b.detach()).sum().backward();
  expect_values(c.grad(), {0, 0, 0});
}

TEST(NewOps, WhereCpuMatchesReference) {
  // The three-operand path (no vector form) on views: transposed, expanded and offset.
  Tensor cond = rand({5, 7}).gt(0.5).transpose(0, 1);
  Tensor a = randn({7, 1}).expand({7, 5});
  Tensor b = randn({2, 7, 6}).select(0, 1).narrow(1, 1, 5);
  set_backend("reference");
  std::vector<double> want = where(cond, a, b).to_vector();
  set_backend("cpu");
  std::vector<double> got = where(cond, a, b).to_vector();
  EXPECT_EQ(got, want);
}

// ---- composites ----------------------------------------------------------------------------

TEST(NewOps, Clamp) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({-2, 0.5, 3, kNaN, -kInf, kInf, -0.0}).to(dtype);
    expect_values(clamp(x, -1, 1), {-1, 0.5, 1, kNaN, -1, 1, -0.0});
    expect_values(clamp(x, std::nullopt, 0), {-2, 0, 0, kNaN, -kInf, 0, -0.0});
    expect_values(clamp(x, 0, std::nullopt), {0, 0.5, 3, kNaN, 0, kInf, -0.0});
    // min > max: max everywhere (PyTorch's min(max(x, min), max)).
    expect_values(clamp(x, 2, 1), {1, 1, 1, kNaN, 1, 1, 1});
  }
  Tensor n = clamp(i64({-5, 3, 9}), 0, 5);
  EXPECT_EQ(n.dtype(), kInt64);
  EXPECT_EQ(n.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 3, 5}));
  EXPECT_EQ(clamp(i64({-5, 3}), 0.5, std::nullopt).dtype(), kFloat32);
  // A value equal to a bound keeps its gradient (PyTorch's mask min <= x <= max).
  Tensor x = f64({-2, -1, 0.5, 1, 3}).requires_grad_(true);
  clamp(x, -1, 1).sum().backward();
  expect_values(x.grad(), {0, 1, 1, 1, 0});
  Tensor kept = f64({1, 2});
  try {
    clamp(kept, std::nullopt, std::nullopt);
    ADD_FAILURE() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("clamp"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2]"), std::string::npos) << e.what();
  }
  expect_values(kept, {1, 2});
}

TEST(NewOps, LeakyRelu) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({-2, 0, -0.0, 3, kNaN, -kInf, kInf}).to(dtype);
    expect_values(leaky_relu(x), {-0.02, 0, -0.0, 3, kNaN, -kInf, kInf}, 1e-6);
    expect_values(leaky_relu(x, 0.2), {-0.4, 0, -0.0, 3, kNaN, -kInf, kInf}, 1e-6);
  }
  Tensor x = f64({-2, 3, 0}).requires_grad_(true);
  leaky_relu(x).sum().backward();
  expect_values(x.grad(), {0.01, 1, 0.01});
}

TEST(NewOps, GeluTanh) {
  auto want = [](double x) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  };
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({0, -0.0, 1, -1, 2.5, -3, kInf, -kInf, kNaN}).to(dtype);
    // PyTorch: gelu(1, approximate="tanh") = 0.8412, gelu(-1) = -0.1588; -inf gives
    // -inf * (1 + tanh(-inf)) = -inf * 0, NaN.
    // In float32, 1 + tanh(u) cancels near u = -2.4 (x = -3): the few ulps of tanh's SIMD
    // form (its ulps32) become a relative error near 1e-5 there.
    expect_values(gelu(x), {0, -0.0, want(1), want(-1), want(2.5), want(-3), kInf, kNaN, kNaN},
                  dtype == kFloat32 ? 1e-4 : 1e-6);
  }
  expect_values(gelu(i64({1})), {want(1)}, 1e-6);
  EXPECT_NEAR(gelu(f64({1})).item(), 0.8411919906082768, 1e-15);
  // The derivative, by the program's derived gradient, against a central difference.
  Tensor x = f64({0.7, -1.3}).requires_grad_(true);
  gelu(x).sum().backward();
  const double h = 1e-6;
  expect_values(
      x.grad(),
      {(want(0.7 + h) - want(0.7 - h)) / (2 * h), (want(-1.3 + h) - want(-1.3 - h)) / (2 * h)},
      1e-7);
}

TEST(NewOps, Silu) {
  auto want = [](double x) { return x / (1 + std::exp(-x)); };
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = f64({0, -0.0, 1, -1, 20, -20, kInf, -kInf, kNaN}).to(dtype);
    // PyTorch: silu(1) = 0.7311, silu(-1) = -0.2689; -inf * sigmoid(-inf) is -inf * 0, NaN.
    expect_values(silu(x), {0, -0.0, want(1), want(-1), want(20), want(-20), kInf, kNaN, kNaN},
                  1e-6);
  }
  EXPECT_EQ(silu(i64({1})).dtype(), kFloat32);
  Tensor x = f64({0.7, -1.3}).requires_grad_(true);
  silu(x).sum().backward();
  auto dsilu = [](double v) {
    double s = 1 / (1 + std::exp(-v));
    return s * (1 + v * (1 - s));
  };
  expect_values(x.grad(), {dsilu(0.7), dsilu(-1.3)}, 1e-14);
}

}  // namespace
}  // namespace minitorch
