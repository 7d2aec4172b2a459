// Autograd mechanics: accumulation, topological order with shared subgraphs, no-grad,
// detach, explicit gradients, broadcasting undone, long chains.
#include <gtest/gtest.h>

#include "minitorch/minitorch.h"
#include "minitorch/profiler.h"

namespace minitorch {
namespace {

TEST(Autograd, SimpleChainAndAccumulation) {
  Tensor x = tensor({2.0, 3.0}, {.requires_grad = true});
  Tensor y = (x * x + x * 3.0).sum();  // dy/dx = 2x + 3
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{7, 9}));
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{14, 18})) << "grads accumulate";
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, SharedSubgraphIsVisitedOnce) {
  Tensor x = scalar_tensor(3.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor a = x * x;  // 9
  Tensor b = a + a;  // 18
  Tensor c = b * a;  // 2 x^4
  c.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 8 * 27.0);  // d(2x^4)/dx = 8 x^3
}

TEST(Autograd, BroadcastingIsUndoneInBackward) {
  Tensor a = ones({3, 1}, {.requires_grad = true});
  Tensor b = ones({4}, {.requires_grad = true});
  (a * b).sum().backward();
  EXPECT_EQ(a.grad().shape(), (Shape{3, 1}));
  EXPECT_EQ(a.grad().to_vector(), (std::vector<double>{4, 4, 4}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<double>{3, 3, 3, 3}));
}

TEST(Autograd, MatmulGradientsSumOverBroadcastBatches) {
  Tensor a = ones({2, 3}, {.requires_grad = true});
  Tensor b = ones({4, 3, 5}, {.requires_grad = true});
  a.matmul(b).sum().backward();
  EXPECT_EQ(a.grad().shape(), (Shape{2, 3}));
  EXPECT_EQ(a.grad().at({0, 0}), 20.0);  // 4 batches x 5 columns
  EXPECT_EQ(b.grad().at({3, 2, 4}), 2.0);
}

TEST(Autograd, NoGradGuardAndDetachStopRecording) {
  Tensor x = ones({2}, {.requires_grad = true});
  {
    NoGradGuard guard;
    EXPECT_FALSE((x * 2.0).requires_grad());
  }
  EXPECT_TRUE(is_grad_enabled());
  EXPECT_TRUE((x * 2.0).requires_grad());
  EXPECT_FALSE(x.detach().requires_grad());
  EXPECT_TRUE(x.detach().data().storage() == x.data().storage());
  Tensor y = x * 2.0;
  EXPECT_FALSE(y.is_leaf());
  EXPECT_EQ(y.grad_fn_name(), "mul");
  EXPECT_THROW(y.requires_grad_(false), Error);
}

TEST(Autograd, ExplicitGradient) {
  Tensor x = tensor({1.0, 2.0}, {.requires_grad = true});
  Tensor y = x * 3.0;
  y.backward(tensor({1.0, 10.0}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{3, 30}));
}

TEST(Autograd, LeafGradIsItsOwnContiguousTensor) {
  Tensor x = ones({3}, {.requires_grad = true});
  x.sum().backward();  // the rule gives an expanded view; the leaf must not keep it
  EXPECT_TRUE(x.grad().is_contiguous());
  Tensor g = x.grad();
  NoGradGuard guard;
  g.zero_();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0, 0, 0}));
}

TEST(Autograd, TransposedWeightGetsAContiguousGradWithoutACopy) {
  // Linear's forward is x @ W^T: the weight's gradient must come back in W's own layout.
  Tensor x = randn({5, 3});
  Tensor w = randn({4, 3}, {.requires_grad = true});
  Tensor loss = x.matmul(w.transpose(0, 1)).sum();
  ProfileScope profile;
  loss.backward();
  for (const ProfileRecord& record : profile.stop()) {
    EXPECT_NE(record.kind, PrimitiveKind::Copy) << "backward copied " << to_string(record.output);
  }
  EXPECT_TRUE(w.grad().is_contiguous());
  EXPECT_EQ(w.grad().shape(), (Shape{4, 3}));
  Tensor expected = ones({5, 4}).transpose(0, 1).matmul(x);
  EXPECT_TRUE(w.grad().all_close(expected));
}

TEST(Autograd, LongChainDoesNotOverflowTheStack) {
  Tensor x = scalar_tensor(1.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor y = x;
  for (int i = 0; i < 20000; ++i) {
    y = y * 1.0;
  }
  y.backward();
  EXPECT_EQ(x.grad().item(), 1.0);
}

TEST(Autograd, ComparisonsAreNotDifferentiable) {
  Tensor x = ones({2}, {.requires_grad = true});
  EXPECT_FALSE(x.lt(2.0).requires_grad());
  EXPECT_FALSE(x.eq(x).requires_grad());
}

TEST(Autograd, FitsALine) {
  Tensor x = arange(0.0, 1.0, 0.1, {.dtype = kFloat64}).unsqueeze(1);
  Tensor y = x * 2.0 + 1.0;
  Tensor w = zeros({1, 1}, {.dtype = kFloat64, .requires_grad = true});
  Tensor b = zeros({1}, {.dtype = kFloat64, .requires_grad = true});
  for (int step = 0; step < 1000; ++step) {
    Tensor loss = (x.matmul(w) + b - y).pow(2.0).mean();
    w.zero_grad();
    b.zero_grad();
    loss.backward();
    NoGradGuard guard;
    w.add_(w.grad(), -0.5);
    b.add_(b.grad(), -0.5);
  }
  EXPECT_NEAR(w.item(), 2.0, 1e-4);
  EXPECT_NEAR(b.item(), 1.0, 1e-4);
}

}  // namespace
}  // namespace minitorch
