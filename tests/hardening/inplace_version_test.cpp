// A tensor saved for backward and then modified in place makes backward throw, as in
// PyTorch, instead of giving a wrong gradient (Note [Saved versions] in node.cpp).
#include <gtest/gtest.h>

#include <string>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

void expect_modified_error(const Tensor& loss, const char* node) {
  try {
    loss.backward();
    FAIL() << "expected AutogradError";
  } catch (const AutogradError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("modified by an in-place operation"), std::string::npos) << what;
    EXPECT_NE(what.find(node), std::string::npos) << what;
  }
}

TEST(SavedVersions, OutputModifiedUnderNoGradGuard) {
  Tensor x = tensor({1.0, 2.0}, {.requires_grad = true});
  Tensor y = x.exp();  // exp's rule reads y
  {
    NoGradGuard no_grad;
    y.mul_(2.0);
  }
  expect_modified_error(y.sum(), "exp");
  EXPECT_FALSE(x.grad().defined()) << "nothing was accumulated";
}

TEST(SavedVersions, InputModifiedThroughADetachedAlias) {
  Tensor x = tensor({1.0, 2.0}, {.requires_grad = true});
  Tensor y = x.log();  // log's rule reads x
  x.detach().fill_(5.0);
  expect_modified_error(y.sum(), "log");
}

TEST(SavedVersions, WriteThroughAViewOfTheSameStorageCounts) {
  Tensor a = tensor({{1.0, 2.0}, {3.0, 4.0}}, {.requires_grad = true});
  Tensor b = tensor({{1.0, 0.0}, {0.0, 1.0}}, {.requires_grad = true});
  Tensor y = a.matmul(b);
  b.detach().select(0, 1).copy_(tensor({7.0, 7.0}));
  expect_modified_error(y.sum(), "matmul");
  Tensor w = tensor({{2.0, 2.0}, {2.0, 2.0}}, {.requires_grad = true});
  Tensor z = a * w;
  w.detach().narrow(0, 1, 1).fill_(9.0);  // mul's rule reads w for a's gradient
  expect_modified_error(z.sum(), "mul");
}

TEST(SavedVersions, OnlyTheTensorsARuleReadsAreChecked) {
  Tensor x = tensor({1.0, 2.0}, {.requires_grad = true});
  Tensor w = tensor({3.0, 4.0});  // a constant: x's gradient reads w, never x
  Tensor y = x * w;
  Tensor s = x + 1.0;  // add reads nothing
  x.detach().fill_(7.0);
  (y.sum() + s.sum()).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{4.0, 5.0}));
}

TEST(SavedVersions, ModifyingBeforeTheOpOrAfterBackwardIsFine) {
  Tensor x = tensor({1.0, 2.0}, {.requires_grad = true});
  {
    NoGradGuard no_grad;
    x.add_(tensor({1.0, 1.0}));  // before the op: the graph sees the new values
  }
  Tensor y = (x * x).sum();
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{4.0, 6.0}));
  {
    NoGradGuard no_grad;
    x.add_(x.grad(), -0.1);  // an optimiser step after backward
  }
  Tensor y2 = (x * x).sum();
  x.zero_grad();
  y2.backward();
  EXPECT_NEAR(x.grad().to_vector()[0], 3.2, 1e-6);  // 2 (2 - 0.1 * 4)
}

TEST(SavedVersions, EveryInPlaceOpBumpsTheVersion) {
  Tensor t = zeros({3});
  const auto& storage = t.data().storage();
  std::uint64_t v = storage->version();
  t.fill_(1.0);
  t.zero_();
  t.copy_(ones({3}));
  t.add_(ones({3}));
  t.add_(ones({3}), 0.5);
  t.mul_(2.0);
  t.set({1}, 4.0);
  EXPECT_EQ(storage->version(), v + 7);
  Tensor before = t.clone();
  EXPECT_THROW(t.add_(ones({4})), ShapeError);
  EXPECT_EQ(t.to_vector(), before.to_vector()) << "a failed in-place op writes nothing";
}

}  // namespace
}  // namespace minitorch
