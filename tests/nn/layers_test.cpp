// The layers of issue 13: Conv1d/Conv2d, MaxPool2d/AvgPool2d, Flatten, Embedding (trained and
// frozen), LayerNorm, BatchNorm1d/2d (running stats, train/eval) and ModuleList; each against
// the functional op or a formula it must equal.
#include <gtest/gtest.h>

#include <cmath>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

using testing::expect_error;

constexpr TensorOptions kF64 = {.dtype = kFloat64};

TEST(Conv2dLayer, ShapesInitAndForward) {
  Generator gen(1);
  nn::Conv2d conv(4, 6, {3, 2},
                  {.stride = 2, .padding = 1, .groups = 2, .dtype = kFloat64, .generator = &gen});
  ASSERT_EQ(conv.weight().shape(), (Shape{6, 2, 3, 2}));
  ASSERT_EQ(conv.bias().shape(), (Shape{6}));
  EXPECT_EQ(conv.named_parameters()[0].first, "weight");
  // PyTorch's bound 1/sqrt(fan_in), fan_in = 2 * 3 * 2.
  double bound = 1.0 / std::sqrt(12.0);
  EXPECT_LE(conv.weight().abs().max().item(), bound);
  Tensor x = randn({2, 4, 7, 6}, kF64, &gen);
  Tensor y = conv(x);
  EXPECT_TRUE(y.all_close(conv2d(x, conv.weight(), conv.bias(), 2, 1, 1, 2)));
  EXPECT_EQ(y.shape(), (Shape{2, 6, 4, 4}));
  EXPECT_NE(conv.to_string().find("Conv2d(4, 6, kernel_size=(3, 2)"), std::string::npos);
  expect_error<ValueError>([] { nn::Conv2d(3, 4, 3, {.groups = 2}); }, {"Conv2d", "groups 2"});
}

TEST(Conv1dLayer, SamePaddingWithoutBias) {
  Generator gen(2);
  nn::Conv1d conv(3, 5, 4, {.padding = "same", .bias = false, .generator = &gen});
  EXPECT_FALSE(conv.bias().defined());
  EXPECT_EQ(conv.parameters().size(), 1u);
  Tensor x = randn({2, 3, 9}, {}, &gen);
  EXPECT_EQ(conv(x).shape(), (Shape{2, 5, 9}));
  expect_error<ShapeError>([&] { conv(randn({2, 4, 9}, {}, &gen)); }, {"conv1d", "channels"});
}

TEST(PoolingLayers, MatchTheOpsAndFlattenMergesDims) {
  Generator gen(3);
  Tensor x = randn({2, 3, 8, 6}, kF64, &gen);
  nn::MaxPool2d max_pool(2);
  nn::AvgPool2d avg_pool({3, 2}, Size2{1, 2}, {1, 0});
  EXPECT_TRUE(max_pool(x).all_close(max_pool2d(x, 2)));
  EXPECT_TRUE(avg_pool(x).all_close(avg_pool2d(x, {3, 2}, Size2{1, 2}, {1, 0})));
  EXPECT_EQ(max_pool(x).shape(), (Shape{2, 3, 4, 3}));
  EXPECT_EQ(nn::Flatten()(x).shape(), (Shape{2, 144}));
  EXPECT_EQ(nn::Flatten(1, 2)(x).shape(), (Shape{2, 24, 6}));
  EXPECT_EQ(nn::Flatten(0)(x).shape(), (Shape{288}));
  expect_error<ValueError>([&] { nn::Flatten(2, 1)(x); }, {"Flatten", "start_dim"});
}

TEST(EmbeddingLayer, TrainedAndFrozen) {
  Generator gen(4);
  nn::Embedding table(10, 3, {.generator = &gen});
  ASSERT_EQ(table.parameters().size(), 1u);
  Tensor ids = from_vector(std::vector<std::int64_t>{1, 9, 1}, {3});
  Tensor out = table(ids);
  ASSERT_EQ(out.shape(), (Shape{3, 3}));
  out.sum().backward();
  EXPECT_EQ(table.weight().grad()[1].to_vector(), (std::vector<double>{2, 2, 2}));
  expect_error<IndexError>([&] { table(from_vector(std::vector<std::int64_t>{10}, {1})); },
                           {"embedding", "index 10"});

  Tensor vectors = arange(0, 8, 1, kF64).reshape({4, 2});
  auto frozen = nn::Embedding::from_pretrained(vectors);
  EXPECT_TRUE(frozen->frozen());
  EXPECT_TRUE(frozen->parameters().empty());
  ASSERT_EQ(frozen->state_dict().size(), 1u);
  EXPECT_EQ(frozen->state_dict()[0].first, "weight");
  Tensor looked = (*frozen)(from_vector(std::vector<std::int64_t>{3, 0}, {2}));
  EXPECT_EQ(looked.to_vector(), (std::vector<double>{6, 7, 0, 1}));
  EXPECT_FALSE(looked.requires_grad());
  auto trainable = nn::Embedding::from_pretrained(vectors, /*freeze=*/false);
  EXPECT_EQ(trainable->parameters().size(), 1u);
  // A copy: training the table leaves the caller's tensor alone.
  trainable->parameters()[0].update(zeros({4, 2}, kF64));
  EXPECT_EQ(vectors.sum().item(), 28.0);
}

TEST(LayerNormLayer, NormalisesTheTrailingDims) {
  Generator gen(5);
  nn::LayerNorm norm({3, 4}, {.dtype = kFloat64});
  Tensor x = randn({2, 3, 4}, kF64, &gen) * 3.0 + 1.0;
  Tensor y = norm(x);
  Tensor mean = y.mean({1, 2});
  Tensor var = y.var({1, 2}, 0.0);
  for (double m : mean.to_vector()) {
    EXPECT_NEAR(m, 0.0, 1e-12);
  }
  for (double v : var.to_vector()) {
    EXPECT_NEAR(v, 1.0, 1e-4);  // eps 1e-5 in the denominator
  }
  // Gradients reach input, weight and bias (gradcheck in float64).
  Tensor leaf = x.detach().requires_grad_(true);
  GradcheckResult check =
      gradcheck([&](const std::vector<Tensor>& in) { return norm(in[0]) * in[0]; }, {leaf});
  EXPECT_TRUE(check.ok) << check.message;
  expect_error<ShapeError>([&] { norm(randn({2, 4, 3}, kF64, &gen)); }, {"LayerNorm", "[2, 4, 3]"});
}

TEST(BatchNormLayer, RunningStatisticsInTrainingAndEval) {
  Generator gen(6);
  nn::BatchNorm2d bn(3, {.momentum = 0.5, .dtype = kFloat64});
  EXPECT_EQ(bn.named_buffers().size(), 3u);
  Tensor x = randn({4, 3, 5, 5}, kF64, &gen) * 2.0 + 3.0;
  Tensor y = bn(x);  // training
  for (double m : y.mean({0, 2, 3}).to_vector()) {
    EXPECT_NEAR(m, 0.0, 1e-12);
  }
  Tensor batch_mean = x.mean({0, 2, 3});
  Tensor batch_var = x.var({0, 2, 3}, 1.0);
  EXPECT_TRUE(bn.running_mean().all_close(batch_mean * 0.5, 1e-12));
  EXPECT_TRUE(bn.running_var().all_close(batch_var * 0.5 + 0.5, 1e-12));
  EXPECT_EQ(bn.num_batches_tracked().item<std::int64_t>(), 1);
  bn.eval();
  Tensor z = bn(x);
  Tensor want = (x - bn.running_mean().reshape({1, 3, 1, 1})) /
      (bn.running_var().reshape({1, 3, 1, 1}) + 1e-5).sqrt();
  EXPECT_TRUE(z.all_close(want, 1e-12));
  EXPECT_EQ(bn.num_batches_tracked().item<std::int64_t>(), 1);  // eval does not update

  nn::BatchNorm1d bn1(2, {.dtype = kFloat64});
  EXPECT_EQ(bn1(randn({5, 2}, kF64, &gen)).shape(), (Shape{5, 2}));
  EXPECT_EQ(bn1(randn({5, 2, 7}, kF64, &gen)).shape(), (Shape{5, 2, 7}));
  expect_error<ShapeError>([&] { bn1(randn({5, 3}, kF64, &gen)); }, {"BatchNorm1d", "[5, 3]"});
  expect_error<ValueError>([&] { bn1(randn({1, 2}, kF64, &gen)); }, {"BatchNorm1d", "1 value"});
  // Gradients through the batch statistics.
  Tensor leaf = randn({4, 2, 3}, kF64, &gen).requires_grad_(true);
  nn::BatchNorm1d fresh(2, {.dtype = kFloat64});
  GradcheckResult check =
      gradcheck([&](const std::vector<Tensor>& in) { return fresh(in[0]) * in[0]; }, {leaf});
  EXPECT_TRUE(check.ok) << check.message;
}

TEST(ModuleListContainer, RegistersChildrenByPosition) {
  nn::ModuleList list;
  list.push_back(std::make_shared<nn::Linear>(2, 3)).push_back(std::make_shared<nn::ReLU>());
  list.push_back(std::make_shared<nn::Linear>(3, 1));
  EXPECT_EQ(list.size(), 3u);
  auto names = list.named_parameters();
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names[2].first, "2.weight");
  Tensor x = ones({4, 2});
  for (const auto& module : list) {
    x = (*module)(x);
  }
  EXPECT_EQ(x.shape(), (Shape{4, 1}));
  EXPECT_EQ(&list[-1], list.at(2).get());
  EXPECT_THROW(list[3], IndexError);
  EXPECT_THROW(list(x), Error);
}

}  // namespace
}  // namespace minitorch
