// AutocastGuard (Note [Autocast]) and GradScaler (Note [Loss scaling]): what is cast where,
// gradients' dtypes, skipped steps and the scale's schedule, and a small model that trains
// under float16 autocast as it does in float32.
#include "minitorch/autocast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

TEST(Autocast, MatmulRunsInTheScopesDtype) {
  Tensor a = ones({4, 8});
  Tensor b = ones({8, 3});
  EXPECT_FALSE(is_autocast_enabled());
  {
    AutocastGuard guard(kFloat16);
    EXPECT_TRUE(is_autocast_enabled());
    EXPECT_EQ(autocast_dtype(), kFloat16);
    EXPECT_EQ(a.matmul(b).dtype(), kFloat16);
    EXPECT_EQ(matmul(a, b).to_vector(), std::vector<double>(12, 8.0));
    EXPECT_EQ((a + 1.0).dtype(), kFloat32) << "only products are cast";
    {
      AutocastGuard off(kBFloat16, /*enabled=*/false);
      EXPECT_EQ(a.matmul(b).dtype(), kFloat32);
    }
    EXPECT_EQ(a.matmul(b).dtype(), kFloat16) << "the outer scope is back";
    EXPECT_EQ(a.to(kFloat64).matmul(b.to(kFloat64)).dtype(), kFloat64) << "float64 is left alone";
  }
  EXPECT_FALSE(is_autocast_enabled());
  EXPECT_EQ(a.matmul(b).dtype(), kFloat32);
}

TEST(Autocast, IsPerThread) {
  AutocastGuard guard(kBFloat16);
  DType other = kFloat64;
  std::thread t([&] { other = ones({2, 2}).matmul(ones({2, 2})).dtype(); });
  t.join();
  EXPECT_EQ(other, kFloat32);
}

TEST(Autocast, RefusesOtherDtypes) {
  testing::expect_error<DTypeError>([] { AutocastGuard guard(kFloat32); },
                                    {"AutocastGuard", "float32"});
  EXPECT_FALSE(is_autocast_enabled());
}

TEST(Autocast, LinearKeepsFloat32WeightsAndActivations) {
  Generator gen(5);
  nn::Linear layer(16, 4);
  Tensor x = randn({8, 16}, {}, &gen);
  Tensor want = layer.forward(x);
  Tensor got;
  {
    AutocastGuard guard(kBFloat16);
    got = layer.forward(x);
    EXPECT_EQ(got.dtype(), kFloat32) << "the float32 bias promotes the product";
    EXPECT_EQ(got.to(kBFloat16).log_softmax(1).dtype(), kFloat32) << "widened";
  }
  const std::vector<double> w = want.to_vector();
  const std::vector<double> g = got.to_vector();
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_NEAR(g[i], w[i], 0.03 * (1.0 + std::fabs(w[i])));
  }
  got.sum().backward();
  EXPECT_EQ(layer.weight().grad().dtype(), kFloat32);
  EXPECT_EQ(layer.bias().grad().dtype(), kFloat32);
}

// A gradient that met a 16-bit tensor comes back in its tensor's dtype.
TEST(Autocast, MixedOperandsGetGradientsInTheirOwnDtype) {
  Tensor h = ones({3}, {.dtype = kBFloat16}).requires_grad_(true);
  Tensor f = full({3}, 2.0).requires_grad_(true);
  Tensor y = h * f;
  EXPECT_EQ(y.dtype(), kFloat32);
  y.sum().backward();
  EXPECT_EQ(h.grad().dtype(), kBFloat16);
  EXPECT_EQ(h.grad().to_vector(), std::vector<double>(3, 2.0));
  EXPECT_EQ(f.grad().dtype(), kFloat32);
}

TEST(GradScaler, ScalesUnscalesAndSteps) {
  Tensor w = full({2}, 1.0).requires_grad_(true);
  optim::SGD sgd({w}, {.lr = 0.5});
  optim::GradScaler scaler({.init_scale = 1024.0});
  Tensor loss = (w * 3.0).sum();
  Tensor scaled = scaler.scale(loss);
  EXPECT_EQ(scaled.item(), 6.0 * 1024.0);
  scaled.backward();
  EXPECT_EQ(w.grad().to_vector(), std::vector<double>(2, 3.0 * 1024.0));
  EXPECT_TRUE(scaler.step(sgd));
  EXPECT_EQ(w.grad().to_vector(), std::vector<double>(2, 3.0)) << "unscaled before the step";
  EXPECT_EQ(w.to_vector(), std::vector<double>(2, 1.0 - 1.5));
  scaler.update();
  EXPECT_EQ(scaler.scale_value(), 1024.0);
}

TEST(GradScaler, SkipsNonFiniteStepsAndBacksOff) {
  Tensor w = full({2}, 1.0).requires_grad_(true);
  optim::SGD sgd({w}, {.lr = 0.5});
  optim::GradScaler scaler({.init_scale = 8.0, .growth_interval = 2});
  w.set_grad(tensor({1.0, INFINITY}));
  EXPECT_FALSE(scaler.step(sgd));
  EXPECT_EQ(w.to_vector(), std::vector<double>(2, 1.0)) << "no step was taken";
  scaler.update();
  EXPECT_EQ(scaler.scale_value(), 4.0);
  EXPECT_EQ(scaler.skipped_steps(), 1);
  for (int i = 0; i < 2; ++i) {
    w.set_grad(tensor({4.0, 4.0}));
    EXPECT_TRUE(scaler.step(sgd));
    scaler.update();
  }
  EXPECT_EQ(scaler.scale_value(), 8.0) << "two clean steps grow it";
  w.set_grad(tensor({NAN, 0.0}));
  scaler.unscale_(sgd);
  testing::expect_error<Error>([&] { scaler.unscale_(sgd); }, {"unscale_", "already"});
  EXPECT_FALSE(scaler.step(sgd));
}

TEST(GradScaler, DisabledPassesThroughAndOptionsAreChecked) {
  Tensor w = full({1}, 1.0).requires_grad_(true);
  optim::SGD sgd({w}, {.lr = 1.0});
  optim::GradScaler scaler({.enabled = false});
  Tensor loss = (w * 2.0).sum();
  EXPECT_EQ(scaler.scale(loss).item(), 2.0);
  scaler.scale(loss).backward();
  EXPECT_TRUE(scaler.step(sgd));
  EXPECT_EQ(w.item(), -1.0);
  testing::expect_error<ValueError>([] { optim::GradScaler bad({.init_scale = 0.0}); },
                                    {"GradScaler", "init_scale"});
  testing::expect_error<ValueError>([] { optim::GradScaler bad({.backoff_factor = 1.0}); },
                                    {"GradScaler"});
}

// Tiny gradients underflow in float16 without scaling and survive with it.
TEST(GradScaler, KeepsFloat16GradientsFromUnderflowing) {
  Tensor x = full({1, 4}, 1e-4);
  auto grad_with = [&](bool scaled) {
    Tensor w = full({4, 1}, 1e-4).requires_grad_(true);
    optim::SGD sgd({w}, {.lr = 0.0});
    optim::GradScaler scaler({.enabled = scaled});
    Tensor loss;
    {
      AutocastGuard guard(kFloat16);
      // d loss / d w = 1e-8, below float16's smallest value (6e-8) when computed in float16.
      loss = x.matmul(w).to(kFloat32).sum() * 1e-4;
    }
    scaler.scale(loss).backward();
    scaler.unscale_(sgd);
    return w.grad().to_vector()[0];
  };
  EXPECT_EQ(grad_with(false), 0.0) << "underflows unscaled";
  EXPECT_NEAR(grad_with(true), 1e-8, 1e-10);
}

// The scaled loss is float32 whatever the loss's dtype: 65536 is past float16's range.
TEST(GradScaler, ScaledLossIsFloat32) {
  optim::GradScaler scaler;
  Tensor loss = full({}, 0.5, {.dtype = kFloat16});
  Tensor scaled = scaler.scale(loss);
  EXPECT_EQ(scaled.dtype(), kFloat32);
  EXPECT_EQ(scaled.item(), 32768.0);
}

}  // namespace
}  // namespace minitorch
