// The course's datasets (labels follow each rule, seeds repeat) and shuffled mini-batches
// (every point exactly once per epoch, the last batch short, orders repeat per seed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "minitorch/minitorch.h"

namespace minitorch::data {
namespace {

TEST(Datasets, LabelsFollowTheCourseRules) {
  std::map<std::string, std::function<bool(double, double)>> rules = {
      {"simple", [](double a, double) { return a < 0.5; }},
      {"diag", [](double a, double b) { return a + b < 0.5; }},
      {"split", [](double a, double) { return a < 0.2 || a > 0.8; }},
      {"xor", [](double a, double b) { return (a < 0.5 && b > 0.5) || (a > 0.5 && b < 0.5); }},
      {"circle",
       [](double a, double b) { return (a - 0.5) * (a - 0.5) + (b - 0.5) * (b - 0.5) > 0.1; }},
  };
  for (const auto& [name, rule] : rules) {
    PointDataset d = make_dataset(name, 200, 3);
    ASSERT_EQ(d.size(), 200) << name;
    int ones = 0;
    for (std::int64_t i = 0; i < d.size(); ++i) {
      auto k = static_cast<std::size_t>(i);
      double a = d.x[2 * k];
      double b = d.x[2 * k + 1];
      ASSERT_TRUE(a >= 0.0 && a < 1.0 && b >= 0.0 && b < 1.0) << name;
      ASSERT_EQ(d.y[k], rule(a, b) ? 1.0 : 0.0) << name << " point " << i;
      ones += d.y[k] > 0.5 ? 1 : 0;
    }
    EXPECT_GT(ones, 0) << name;
    EXPECT_LT(ones, 200) << name;
  }
}

TEST(Datasets, SeedsRepeatAndDiffer) {
  EXPECT_EQ(make_xor(50, 1).x, make_xor(50, 1).x);
  EXPECT_NE(make_xor(50, 1).x, make_xor(50, 2).x);
  EXPECT_THROW(make_dataset("moons", 10, 0), Error);
  EXPECT_THROW(make_dataset("xor", 0, 0), Error);
}

TEST(Datasets, SpiralHasTwoArmsOfHalfEach) {
  PointDataset d = make_spiral(50);
  ASSERT_EQ(d.size(), 50);
  EXPECT_EQ(std::count(d.y.begin(), d.y.end(), 0.0), 25);
  EXPECT_EQ(d.y.front(), 0.0);
  EXPECT_EQ(d.y.back(), 1.0);
  // First point of arm 0: t = 10 * 5 / 25 = 2.
  EXPECT_NEAR(d.x[0], 2.0 * std::cos(2.0) / 20.0 + 0.5, 1e-15);
  EXPECT_NEAR(d.x[1], 2.0 * std::sin(2.0) / 20.0 + 0.5, 1e-15);
  // First point of arm 1: (y(-2) + 0.5, x(-2) + 0.5).
  EXPECT_NEAR(d.x[50], -2.0 * std::sin(-2.0) / 20.0 + 0.5, 1e-15);
  EXPECT_NEAR(d.x[51], -2.0 * std::cos(-2.0) / 20.0 + 0.5, 1e-15);
}

TEST(Datasets, Tensors) {
  PointDataset d = make_simple(7, 0);
  Tensor x = d.x_tensor({.dtype = kFloat64});
  EXPECT_EQ(x.shape(), Shape({7, 2}));
  EXPECT_EQ(x.to_vector(), d.x);
  EXPECT_EQ(d.y_tensor().shape(), Shape({7}));
  EXPECT_EQ(d.y_tensor().dtype(), kFloat32);
}

TEST(Batches, EveryPointOncePerEpochInAFreshOrder) {
  PointDataset d = make_xor(23, 4);
  Batches batches(d, 5, /*seed=*/9, {.dtype = kFloat64});
  EXPECT_EQ(batches.size(), 5);
  std::vector<std::vector<double>> orders;
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<Batch> list = batches.epoch();
    ASSERT_EQ(list.size(), 5u);
    EXPECT_EQ(list.back().x.shape(), Shape({3, 2}));
    std::vector<double> firsts;
    std::vector<std::pair<double, double>> seen;
    for (const Batch& b : list) {
      ASSERT_EQ(b.x.size(0), b.y.size(0));
      std::vector<double> xs = b.x.to_vector();
      std::vector<double> ys = b.y.to_vector();
      for (std::size_t i = 0; i < ys.size(); ++i) {
        seen.emplace_back(xs[2 * i], xs[2 * i + 1]);
        firsts.push_back(xs[2 * i]);
        // The label travels with its point.
        auto row =
            static_cast<std::size_t>(std::find(d.x.begin(), d.x.end(), xs[2 * i]) - d.x.begin()) /
            2;
        EXPECT_EQ(d.y[row], ys[i]);
      }
    }
    std::sort(seen.begin(), seen.end());
    std::vector<std::pair<double, double>> all;
    for (std::size_t i = 0; i < 23; ++i) {
      all.emplace_back(d.x[2 * i], d.x[2 * i + 1]);
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(seen, all) << "epoch " << epoch;
    orders.push_back(firsts);
  }
  EXPECT_NE(orders[0], orders[1]);
  // The same seed gives the same orders.
  Batches again(d, 5, 9, {.dtype = kFloat64});
  std::vector<double> firsts;
  for (const Batch& b : again.epoch()) {
    std::vector<double> xs = b.x.to_vector();
    for (std::size_t i = 0; i < xs.size(); i += 2) {
      firsts.push_back(xs[i]);
    }
  }
  EXPECT_EQ(firsts, orders[0]);
  EXPECT_THROW(Batches(d, 0, 0), Error);
}

}  // namespace
}  // namespace minitorch::data
