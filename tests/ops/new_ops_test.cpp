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

}  // namespace
}  // namespace minitorch
