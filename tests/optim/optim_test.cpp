// One optimiser step equals the hand-computed update: SGD (plain, momentum, Nesterov,
// weight decay) and Adam (two steps, bias correction, weight decay). Float64 throughout.
#include <gtest/gtest.h>

#include <cmath>

#include "minitorch/minitorch.h"

namespace minitorch::optim {
namespace {

constexpr TensorOptions kF64 = {.dtype = kFloat64};

// A parameter p with gradient g (set by backward of sum(p * g)).
Tensor param(std::vector<double> values) {
  return from_vector(values, {static_cast<std::int64_t>(values.size())}, kF64).requires_grad_(true);
}

void set_grad(Tensor& p, const std::vector<double>& g) {
  p.zero_grad();
  (p * from_vector(g, p.shape(), kF64)).sum().backward();
}

void expect_values(const Tensor& t, const std::vector<double>& want) {
  std::vector<double> got = t.to_vector();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], 1e-14) << "element " << i;
  }
}

TEST(SGD, PlainStep) {
  Tensor p = param({1.0, -2.0});
  SGD sgd(std::vector<Tensor>{p}, {.lr = 0.1});
  set_grad(p, {0.5, -1.0});
  sgd.step();
  expect_values(p, {1.0 - 0.05, -2.0 + 0.1});
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
}

TEST(SGD, MomentumAndWeightDecay) {
  Tensor p = param({1.0});
  SGD sgd(std::vector<Tensor>{p}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
  set_grad(p, {0.5});
  sgd.step();
  double d1 = 0.5 + 0.01 * 1.0;  // buffer = d1 on the first step
  double p1 = 1.0 - 0.1 * d1;
  expect_values(p, {p1});
  set_grad(p, {-0.2});
  sgd.step();
  double d2 = -0.2 + 0.01 * p1;
  double b2 = 0.9 * d1 + d2;
  expect_values(p, {p1 - 0.1 * b2});
}

TEST(SGD, Nesterov) {
  Tensor p = param({0.0});
  SGD sgd(std::vector<Tensor>{p}, {.lr = 1.0, .momentum = 0.5, .nesterov = true});
  set_grad(p, {1.0});
  sgd.step();
  expect_values(p, {-(1.0 + 0.5 * 1.0)});
  EXPECT_THROW(SGD(std::vector<Tensor>{p}, {.lr = 1.0, .nesterov = true}), Error);
}

TEST(SGD, SkipsParametersWithoutGradAndZeroGradClears) {
  Tensor a = param({1.0});
  Tensor b = param({2.0});
  SGD sgd(std::vector<Tensor>{a, b}, {.lr = 1.0});
  set_grad(a, {1.0});
  sgd.step();
  expect_values(a, {0.0});
  expect_values(b, {2.0});
  sgd.zero_grad();
  EXPECT_FALSE(a.grad().defined());
  EXPECT_EQ(sgd.steps(), 1);
}

TEST(Adam, TwoStepsMatchTheFormula) {
  Tensor p = param({1.0, -1.0});
  AdamOptions o{.lr = 0.01, .beta1 = 0.9, .beta2 = 0.99, .eps = 1e-8, .weight_decay = 0.1};
  Adam adam(std::vector<Tensor>{p}, o);
  std::vector<double> value = {1.0, -1.0};
  std::vector<double> m = {0.0, 0.0};
  std::vector<double> v = {0.0, 0.0};
  const std::vector<std::vector<double>> grads = {{0.3, -0.7}, {-0.1, 0.2}};
  for (int t = 1; t <= 2; ++t) {
    set_grad(p, grads[static_cast<std::size_t>(t - 1)]);
    adam.step();
    for (std::size_t i = 0; i < 2; ++i) {
      double g = grads[static_cast<std::size_t>(t - 1)][i] + o.weight_decay * value[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
      double m_hat = m[i] / (1 - std::pow(o.beta1, t));
      double v_hat = v[i] / (1 - std::pow(o.beta2, t));
      value[i] -= o.lr * m_hat / (std::sqrt(v_hat) + o.eps);
    }
    std::vector<double> got = p.to_vector();
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_NEAR(got[i], value[i], 1e-13) << "step " << t << " element " << i;
    }
  }
  // The first Adam step moves each element by about lr, whatever the gradient's scale.
  EXPECT_NEAR(p.to_vector()[0], 1.0 - 0.02, 5e-3);
}

TEST(Optimizer, RejectsNonLeafOrNoGradParameters) {
  Tensor p = param({1.0});
  EXPECT_THROW(SGD(std::vector<Tensor>{p * 2.0}, {.lr = 0.1}), Error);
  EXPECT_THROW(SGD(std::vector<Tensor>{zeros({1})}, {.lr = 0.1}), Error);
  EXPECT_THROW(Adam(std::vector<Tensor>{p}, {.beta1 = 1.0}), Error);
}

TEST(Optimizer, UpdatesModuleParametersInPlace) {
  nn::Linear layer(2, 1, {.init = nn::Init::Course});
  SGD sgd(layer.parameters(), {.lr = 0.5});
  Tensor before = layer.bias().clone();
  layer(ones({1, 2})).sum().backward();
  sgd.step();
  // d(sum)/d(bias) = 1, so the bias drops by lr.
  EXPECT_NEAR(layer.bias().item(), before.item() - 0.5, 1e-6);
}

}  // namespace
}  // namespace minitorch::optim
