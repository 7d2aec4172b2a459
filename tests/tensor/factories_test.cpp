// Factories: values, shapes, dtypes, seeding, nested lists.
#include "minitorch/factories.h"

#include <gtest/gtest.h>

#include <cmath>

#include "minitorch/error.h"

namespace minitorch {
namespace {

TEST(Factories, FilledTensors) {
  EXPECT_EQ(zeros({2, 2}).to_vector(), (std::vector<double>{0, 0, 0, 0}));
  EXPECT_EQ(ones({3}, {.dtype = kFloat64}).dtype(), kFloat64);
  EXPECT_EQ(full({2}, 2.5).to_vector(), (std::vector<double>{2.5, 2.5}));
  EXPECT_EQ(scalar_tensor(3.0).ndim(), 0);
  EXPECT_EQ(zeros({0, 3}).numel(), 0);
  EXPECT_TRUE(ones({2}, {.requires_grad = true}).requires_grad());
  EXPECT_THROW(zeros({-1, 2}), ShapeError);
}

TEST(Factories, Arange) {
  EXPECT_EQ(arange(4).to_vector(), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(arange(1, 2, 0.25).to_vector(), (std::vector<double>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(arange(3, 0, -1).to_vector(), (std::vector<double>{3, 2, 1}));
  EXPECT_EQ(arange(2, 1).numel(), 0);
  EXPECT_THROW(arange(0, 1, 0), ShapeError);
}

TEST(Factories, RandIsSeededAndInRange) {
  Generator a(42);
  Generator b(42);
  Tensor x = rand({1000}, {}, &a);
  Tensor y = rand({1000}, {}, &b);
  EXPECT_EQ(x.to_vector(), y.to_vector());
  double lo = 1;
  double hi = 0;
  for (double v : x.to_vector()) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  manual_seed(7);
  Tensor p = randn({2000}, {.dtype = kFloat64});
  manual_seed(7);
  EXPECT_EQ(p.to_vector(), randn({2000}, {.dtype = kFloat64}).to_vector());
  double mean = p.mean().item();
  double var = (p - mean).pow(2).mean().item();
  EXPECT_NEAR(mean, 0.0, 0.1);
  EXPECT_NEAR(var, 1.0, 0.1);
}

TEST(Factories, FromVectorAndNestedLists) {
  Tensor t = from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.at({1, 0}), 4.0);
  EXPECT_THROW(from_vector(std::vector<double>{1, 2}, {3}), ShapeError);
  Tensor n = tensor({{1, 2, 3}, {4, 5, 6}}, {.dtype = kFloat64});
  EXPECT_EQ(n.shape(), (Shape{2, 3}));
  EXPECT_EQ(n.to_vector(), t.to_vector());
  EXPECT_EQ(tensor(2.5).ndim(), 0);
  EXPECT_EQ(tensor({1.0}).shape(), (Shape{1}));
  EXPECT_EQ(tensor({{{1}, {2}}}).shape(), (Shape{1, 2, 1}));
  EXPECT_THROW(tensor({{1, 2}, {3}}), ShapeError);
  EXPECT_THROW(tensor({{1, 2}, 3}), ShapeError);
}

}  // namespace
}  // namespace minitorch
