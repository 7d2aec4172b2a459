// AdamW's decoupled weight decay against the formula, the learning-rate schedulers' closed
// forms, and clip_grad_norm_ (2-norm, inf-norm, no-op below the bound). Float64 throughout.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

constexpr TensorOptions kF64 = {.dtype = kFloat64};

TEST(AdamW, OneStepMatchesTheFormula) {
  Tensor p = from_vector(std::vector<double>{1.0, -2.0}, {2}, kF64).requires_grad_(true);
  optim::AdamW opt(std::vector<Tensor>{p}, {.lr = 0.1, .weight_decay = 0.5});
  p.set_grad(from_vector(std::vector<double>{0.3, 0.0}, {2}, kF64));
  opt.step();
  // p = p (1 - lr wd), then Adam's first step: m / (1 - b1) = g, v / (1 - b2) = g^2, so the
  // move is lr * g / (|g| + eps).
  double shrunk0 = 1.0 * (1.0 - 0.05);
  double shrunk1 = -2.0 * (1.0 - 0.05);
  EXPECT_NEAR(p.at({0}), shrunk0 - 0.1 * 0.3 / (0.3 + 1e-8), 1e-12);
  EXPECT_NEAR(p.at({1}), shrunk1, 1e-12);  // zero gradient: only the decay
  EXPECT_THROW(optim::AdamW(std::vector<Tensor>{p}, {.beta1 = 1.0}), ValueError);
}

TEST(LRSchedulers, StepAndCosineClosedForms) {
  Tensor p = zeros({1}, {.requires_grad = true});
  optim::SGD sgd(std::vector<Tensor>{p}, {.lr = 1.0});
  optim::StepLR step(sgd, 3, 0.5);
  std::vector<double> lrs;
  for (int i = 0; i < 7; ++i) {
    step.step();
    lrs.push_back(sgd.lr());
  }
  EXPECT_EQ(lrs, (std::vector<double>{1, 1, 0.5, 0.5, 0.5, 0.25, 0.25}));
  EXPECT_EQ(step.last_epoch(), 7);

  optim::SGD sgd2(std::vector<Tensor>{p}, {.lr = 0.2});
  optim::CosineAnnealingLR cosine(sgd2, 4, 0.02);
  for (int i = 1; i <= 4; ++i) {
    cosine.step();
    double want = 0.02 + 0.18 * (1 + std::cos(std::numbers::pi * i / 4.0)) / 2;
    EXPECT_NEAR(sgd2.lr(), want, 1e-15);
  }
  EXPECT_NEAR(sgd2.lr(), 0.02, 1e-15);
  EXPECT_THROW(optim::StepLR(sgd, 0), ValueError);
  EXPECT_THROW(optim::CosineAnnealingLR(sgd, 0), ValueError);
}

TEST(ClipGradNorm, ScalesAllGradientsTogether) {
  Tensor a = zeros({2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor b = zeros({1}, {.dtype = kFloat64, .requires_grad = true});
  Tensor c = zeros({1}, {.dtype = kFloat64, .requires_grad = true});  // no gradient
  a.set_grad(from_vector(std::vector<double>{3.0, 0.0}, {2}, kF64));
  b.set_grad(from_vector(std::vector<double>{-4.0}, {1}, kF64));
  std::vector<Tensor> params = {a, b, c};
  double norm = nn::clip_grad_norm_(params, 1.0);
  EXPECT_DOUBLE_EQ(norm, 5.0);
  double scale = 1.0 / (5.0 + 1e-6);
  EXPECT_NEAR(a.grad().at({0}), 3.0 * scale, 1e-15);
  EXPECT_NEAR(b.grad().at({0}), -4.0 * scale, 1e-15);
  // Below the bound: unchanged.
  EXPECT_NEAR(nn::clip_grad_norm_(params, 10.0), 1.0, 1e-6);
  EXPECT_NEAR(b.grad().at({0}), -4.0 * scale, 1e-15);
  // The inf-norm is the largest magnitude.
  EXPECT_NEAR(nn::clip_grad_norm_(params, 10.0, std::numeric_limits<double>::infinity()),
              4.0 * scale, 1e-15);
  EXPECT_THROW(nn::clip_grad_norm_(params, -1.0), ValueError);
}

}  // namespace
}  // namespace minitorch
