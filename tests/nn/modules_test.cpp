// nn modules against hand-computed values: the parameter tree, Linear (and its inits),
// Sequential, activations, softmax/log_softmax (finite at +-1000) and dropout.
#include <gtest/gtest.h>

#include <cmath>

#include "minitorch/minitorch.h"

namespace minitorch::nn {
namespace {

constexpr TensorOptions kF64 = {.dtype = kFloat64};

void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-12) {
  std::vector<double> got = t.to_vector();
  ASSERT_EQ(got.size(), want.size()) << t;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i << " of " << t;
  }
}

// Two layers in a child Sequential, so names read "layers.0.weight".
class TwoLayer : public Module {
 public:
  TwoLayer() {
    layers_ = register_module("layers",
                              std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
                                  std::make_shared<Linear>(2, 3, LinearOptions{.dtype = kFloat64}),
                                  std::make_shared<ReLU>(), std::make_shared<Dropout>(0.5),
                                  std::make_shared<Linear>(3, 1, LinearOptions{.bias = false})}));
  }
  Tensor forward(const Tensor& x) override { return layers_->forward(x); }

 private:
  std::shared_ptr<Sequential> layers_;
};

TEST(Module, NamedParametersFollowTheTree) {
  TwoLayer model;
  auto named = model.named_parameters();
  ASSERT_EQ(named.size(), 3u);
  EXPECT_EQ(named[0].first, "layers.0.weight");
  EXPECT_EQ(named[1].first, "layers.0.bias");
  EXPECT_EQ(named[2].first, "layers.3.weight");
  EXPECT_EQ(named[0].second.shape(), Shape({3, 2}));
  EXPECT_EQ(named[2].second.shape(), Shape({1, 3}));
  EXPECT_EQ(model.num_parameters(), 6 + 3 + 3);
  for (const auto& [name, p] : named) {
    EXPECT_TRUE(p.requires_grad()) << name;
    EXPECT_TRUE(p.is_leaf()) << name;
  }
}

TEST(Module, TrainEvalReachesDescendants) {
  TwoLayer model;
  EXPECT_TRUE(model.is_training());
  model.eval();
  EXPECT_FALSE(model.is_training());
  for (const auto& [name, child] : model.named_children()) {
    EXPECT_FALSE(child->is_training()) << name;
    for (const auto& [inner, grandchild] : child->named_children()) {
      EXPECT_FALSE(grandchild->is_training()) << inner;
    }
  }
  model.train();
  EXPECT_TRUE(model.named_children()[0].second->is_training());
}

TEST(Module, ZeroGradDropsEveryGradient) {
  Linear layer(2, 2);
  layer(ones({4, 2})).sum().backward();
  ASSERT_TRUE(layer.weight().grad().defined());
  layer.zero_grad();
  for (const Parameter& p : layer.parameters()) {
    EXPECT_FALSE(p.grad().defined());
  }
}

TEST(Module, ParametersShareStorageWithTheModule) {
  Linear layer(2, 1, {.init = Init::Course});
  Parameter w = layer.parameters()[0];
  w.update(tensor({{1.0, 2.0}}));
  EXPECT_EQ(layer.weight().to_vector(), (std::vector<double>{1.0, 2.0}));
  EXPECT_THROW(w.update(zeros({3})), ShapeError);
}

TEST(Module, DuplicateNamesThrow) {
  class Bad : public Module {
   public:
    Bad() {
      register_parameter("w", zeros({1}));
      register_parameter("w", zeros({1}));
    }
    Tensor forward(const Tensor& x) override { return x; }
  };
  EXPECT_THROW(Bad(), Error);
}

TEST(Linear, ForwardMatchesHandComputation) {
  Linear layer(2, 3, {.dtype = kFloat64});
  layer.weight().update(tensor({{1.0, 2.0}, {-1.0, 0.5}, {0.0, 3.0}}, kF64));
  layer.bias().update(tensor({0.1, 0.2, 0.3}, kF64));
  Tensor x = tensor({{1.0, 1.0}, {2.0, -1.0}}, kF64);
  // y[i, j] = sum_k x[i, k] w[j, k] + b[j]
  expect_values(layer(x), {3.1, -0.3, 3.3, 0.1, -2.3, -2.7});
  EXPECT_EQ(layer(x).shape(), Shape({2, 3}));
  EXPECT_THROW(layer(ones({2, 3}, kF64)), ShapeError);
}

TEST(Linear, CourseInitIsUniformHalfWithBiasPointOne) {
  Generator gen(7);
  Linear layer(50, 40, {.init = Init::Course, .generator = &gen});
  std::vector<double> w = layer.weight().to_vector();
  double lo = 1.0;
  double hi = -1.0;
  for (double v : w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_GE(lo, -0.5);
  EXPECT_LT(hi, 0.5);
  EXPECT_LT(lo, -0.45);
  EXPECT_GT(hi, 0.45);
  for (double b : layer.bias().to_vector()) {
    EXPECT_EQ(b, static_cast<double>(0.1f));
  }
}

TEST(Linear, StandardInitsHaveTheirBounds) {
  struct Case {
    Init init;
    double bound;
  };
  for (Case c : {Case{Init::PyTorch, 1.0 / std::sqrt(20.0)},
                 Case{Init::XavierUniform, std::sqrt(6.0 / 30.0)},
                 Case{Init::KaimingUniform, std::sqrt(6.0 / 20.0)}}) {
    Linear layer(20, 10, {.init = c.init});
    for (double v : layer.weight().to_vector()) {
      ASSERT_LE(std::abs(v), c.bound + 1e-6) << to_string(c.init);
    }
    EXPECT_GT(layer.weight().abs().max().item(), 0.8 * c.bound) << to_string(c.init);
  }
  EXPECT_EQ(parse_init("xavier"), Init::XavierUniform);
  EXPECT_THROW(parse_init("zeros"), Error);
}

TEST(Sequential, AppliesLayersInOrder) {
  auto first = std::make_shared<Linear>(1, 1, LinearOptions{.dtype = kFloat64});
  first->weight().update(tensor({{-2.0}}, kF64));
  first->bias().update(tensor({1.0}, kF64));
  Sequential net({first, std::make_shared<ReLU>(), std::make_shared<Tanh>()});
  Tensor x = tensor({{-1.0}, {0.0}, {1.0}}, kF64);
  expect_values(net(x), {std::tanh(3.0), std::tanh(1.0), 0.0});
  EXPECT_EQ(net.size(), 3u);
  EXPECT_EQ(net.named_parameters()[0].first, "0.weight");
}

TEST(Activation, ForwardValues) {
  Tensor x = tensor({-2.0, 0.0, 3.0}, kF64);
  expect_values(ReLU()(x), {0.0, 0.0, 3.0});
  expect_values(Sigmoid()(x), {1 / (1 + std::exp(2.0)), 0.5, 1 / (1 + std::exp(-3.0))});
  expect_values(Tanh()(x), {std::tanh(-2.0), 0.0, std::tanh(3.0)});
}

TEST(Softmax, ForwardValuesAlongADim) {
  Tensor x = tensor({{1.0, 2.0, 3.0}, {0.0, 0.0, 0.0}}, kF64);
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expect_values(
      Softmax(1)(x),
      {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z, 1.0 / 3, 1.0 / 3, 1.0 / 3});
  expect_values(LogSoftmax(-1)(x),
                {1 - std::log(z), 2 - std::log(z), 3 - std::log(z), -std::log(3.0), -std::log(3.0),
                 -std::log(3.0)});
  // Along dim 0 each column sums to 1.
  expect_values(functional::softmax(x, 0).sum(0), {1.0, 1.0, 1.0});
}

TEST(Softmax, FiniteForInputsOfPlusMinusThousand) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = tensor({{1000.0, -1000.0, 999.0}, {-1000.0, -1000.0, -1000.0}}, {.dtype = dtype})
                   .requires_grad_(true);
    Tensor s = functional::softmax(x, 1);
    Tensor ls = functional::log_softmax(x, 1);
    for (double v : s.to_vector()) {
      EXPECT_TRUE(std::isfinite(v));
    }
    for (double v : ls.to_vector()) {
      EXPECT_TRUE(std::isfinite(v));
    }
    double e = std::exp(-1.0);
    expect_values(s, {1 / (1 + e), 0.0, e / (1 + e), 1.0 / 3, 1.0 / 3, 1.0 / 3}, 1e-6);
    EXPECT_NEAR(ls.at({0, 1}), -2000.0 - std::log(1 + e), 1e-3);
    (ls.sum() + s.sum()).backward();
    for (double v : x.grad().to_vector()) {
      EXPECT_TRUE(std::isfinite(v));
    }
  }
}

TEST(Softplus, StableAndExactGradientAtZero) {
  Tensor x = tensor({-1000.0, 0.0, 1000.0}, kF64).requires_grad_(true);
  Tensor y = functional::softplus(x);
  expect_values(y, {0.0, std::log(2.0), 1000.0});
  y.sum().backward();
  expect_values(x.grad(), {0.0, 0.5, 1.0});
}

TEST(Dropout, IdentityInEvalAndScaledMaskInTraining) {
  Dropout drop(0.25, /*seed=*/3);
  Tensor x = ones({1000}, kF64);
  drop.eval();
  expect_values(drop(x), std::vector<double>(1000, 1.0));
  drop.train();
  std::vector<double> y = drop(x).to_vector();
  int kept = 0;
  for (double v : y) {
    ASSERT_TRUE(v == 0.0 || std::abs(v - 1.0 / 0.75) < 1e-12) << v;
    kept += v != 0.0 ? 1 : 0;
  }
  EXPECT_GT(kept, 700);
  EXPECT_LT(kept, 800);
  EXPECT_THROW(Dropout(1.0), Error);
}

}  // namespace
}  // namespace minitorch::nn
