// User-defined elementwise functions (Note [User functions]): tracing, one-pass evaluation on
// each CPU backend bitwise equal to composing the ops, float64 gradients, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

// The examples of the issue and the docs, and a few that stress the tracer.
const auto swish_plus = elementwise([](auto x, auto y) { return x * sigmoid(y) + 1; });
const auto four_ops = elementwise([](auto x, auto y) { return x * sigmoid(y) + y * 0.5; });
const auto squared_relu = elementwise([](auto x) { return relu(x) * relu(x); });
const auto three_inputs =
    elementwise([](auto a, auto b, auto c) { return (a - b) / (c * c + 1) + exp(a * 0.25); });

class UserFunction : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { set_backend(GetParam()); }
  void TearDown() override { set_backend("cpu"); }
};

std::vector<double> values_of(const Tensor& t) { return t.contiguous().to_vector(); }

void expect_bitwise(const Tensor& got, const Tensor& want) {
  ASSERT_EQ(got.shape(), want.shape());
  ASSERT_EQ(got.dtype(), want.dtype());
  std::vector<double> g = values_of(got);
  std::vector<double> w = values_of(want);
  for (std::size_t i = 0; i < g.size(); ++i) {
    bool same = g[i] == w[i] || (std::isnan(g[i]) && std::isnan(w[i]));
    ASSERT_TRUE(same) << "element " << i << ": " << g[i] << " vs " << w[i];
  }
}

TEST(UserFunctionTrace, RecordsOneNodePerOpAndRunsOnNumbers) {
  EXPECT_EQ(swish_plus.program().to_string(), "add(mul(in0, sigmoid(in1)), 1)");
  EXPECT_EQ(four_ops.program().op_count(), 4);
  EXPECT_EQ(decltype(three_inputs)::kArity, 3);
  float s = swish_plus(0.5f, 2.0f);
  EXPECT_FLOAT_EQ(s, 0.5f * (1.0f / (1.0f + std::exp(-2.0f))) + 1.0f);
  EXPECT_DOUBLE_EQ(squared_relu(-2.0), 0.0);
  EXPECT_DOUBLE_EQ(squared_relu(3.0), 9.0);
}

TEST_P(UserFunction, EqualsComposingTheOpsBitwise) {
  Generator gen(7);
  for (DType dtype : {kFloat32, kFloat64}) {
    // Broadcast shapes and a transposed, offset operand.
    Tensor x = randn({5, 1}, {.dtype = dtype}, &gen);
    Tensor y = randn({3, 7, 6}, {.dtype = dtype}, &gen).slice(2, 1, 6, 1).transpose(1, 2);
    ASSERT_EQ(y.shape(), (Shape{3, 5, 7}));
    expect_bitwise(swish_plus(x, y), x * y.sigmoid() + 1.0);
    expect_bitwise(four_ops(x, y), x * y.sigmoid() + y * 0.5);
    Tensor big = randn({3, 70000}, {.dtype = dtype}, &gen);
    Tensor other = randn({70000}, {.dtype = dtype}, &gen);
    expect_bitwise(four_ops(big, other), big * other.sigmoid() + other * 0.5);
    expect_bitwise(squared_relu(big), big.relu() * big.relu());
  }
}

TEST_P(UserFunction, GradientsPassGradcheck) {
  Generator gen(11);
  auto leaf = [&](const Shape& shape) {
    return (rand(shape, {.dtype = kFloat64}, &gen) * 3.0 - 1.5).detach().requires_grad_(true);
  };
  std::vector<Tensor> two = {leaf({4, 3}), leaf({3})};
  EXPECT_TRUE(
      gradcheck([](const std::vector<Tensor>& in) { return swish_plus(in[0], in[1]); }, two));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return four_ops(in[0], in[1]); }, two));
  // Away from relu's kink at 0.
  Tensor x = leaf({6, 2});
  Tensor shifted = (x + (x.gt(0.0).to(kFloat64) - 0.5) * 0.2).detach().requires_grad_(true);
  EXPECT_TRUE(
      gradcheck([](const std::vector<Tensor>& in) { return squared_relu(in[0]); }, {shifted}));
  std::vector<Tensor> three = {leaf({2, 1, 3}), leaf({4, 3}), leaf({1})};
  EXPECT_TRUE(gradcheck(
      [](const std::vector<Tensor>& in) { return three_inputs(in[0], in[1], in[2]); }, three));
}

TEST_P(UserFunction, OnlyInputsThatRequireGradGetOne) {
  Tensor x = full({3}, 2.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor y = full({3}, 0.0, {.dtype = kFloat64});
  swish_plus(x, y).sum().backward();
  EXPECT_DOUBLE_EQ(x.grad().to_vector()[0], 0.5);
  EXPECT_FALSE(y.grad().defined());
}

TEST(UserFunctionErrors, ShapesDevicesAndSizeAreChecked) {
  Tensor a = ones({3, 4});
  Tensor b = ones({5});
  testing::expect_error<ShapeError>([&] { (void)swish_plus(a, b); },
                                    {"elementwise", "[3, 4]", "[5]"});
  Tensor d = ones({3, 4}, {.dtype = kFloat64});
  testing::expect_error<DTypeError>([&] { (void)swish_plus(a, d); },
                                    {"elementwise", "float32", "float64"});
  // 70 chained ops do not fit one program.
  auto too_long = [](auto x) {
    auto y = x;
    for (int i = 0; i < 70; ++i) {
      y = y * 1.5;
    }
    return y;
  };
  EXPECT_THROW((void)elementwise(too_long), ValueError);
}

INSTANTIATE_TEST_SUITE_P(Backends, UserFunction, ::testing::Values("cpu", "reference"));

}  // namespace
}  // namespace minitorch
