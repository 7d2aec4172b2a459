// The real-data tasks' models (apps/minitorch/task_models.cpp, compiled in): output shapes,
// parameter counts of the course's architectures, seeded initialisation, and that one SGD
// step on a fixed batch lowers the loss (gradients reach every parameter).
#include "task_models.h"

#include <gtest/gtest.h>

namespace minitorch::cli::train_detail {
namespace {

TEST(TaskModels, ImageCnnIsTheCourseNetwork) {
  ImageCnn model({.seed = 3});
  // conv1 4*9+4, conv2 8*36+8, linear1 392*64+64, linear2 64*10+10.
  EXPECT_EQ(model.num_parameters(), 40 + 296 + 25152 + 650);
  Tensor x = rand({5, 1, 28, 28});
  model.eval();
  Tensor out = model.forward(x);
  EXPECT_EQ(out.shape(), (Shape{5, 10}));
  std::vector<double> row_sums = out.exp().sum(1).to_vector();
  for (double s : row_sums) {
    EXPECT_NEAR(s, 1.0, 1e-5);
  }
  ImageCnn same({.seed = 3});
  same.eval();
  EXPECT_EQ(same.forward(x).to_vector(), out.to_vector());
}

TEST(TaskModels, SentimentCnnTakesIdsAndKeepsEmbeddingsFrozen) {
  Tensor table = rand({20, 6});
  SentimentCnn model(table, {.seed = 1}, /*maps=*/7);
  // Three convs 7*6*w + 7 for w = 3, 4, 5, and Linear(7, 1): the table is not a parameter.
  EXPECT_EQ(model.num_parameters(), 7 * 6 * 12 + 21 + 8);
  Tensor ids =
      from_vector(std::vector<std::int64_t>{2, 3, 4, 5, 0, 0, 7, 1, 19, 2, 0, 0}, Shape{2, 6});
  model.eval();
  Tensor p = model.forward(ids);
  EXPECT_EQ(p.shape(), (Shape{2}));
  for (double v : p.to_vector()) {
    EXPECT_GT(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
}

TEST(TaskModels, KimNonStaticTunesTheTableAndDropsFeatures) {
  Tensor table = rand({20, 6});
  std::vector<double> original = table.to_vector();
  SentimentCnn model(table, {.seed = 1}, /*maps=*/7, {3, 4, 5}, 0.5, /*features_dropout=*/true,
                     /*tune_embeddings=*/true);
  EXPECT_EQ(model.num_parameters(), 20 * 6 + 7 * 6 * 12 + 21 + 8);
  EXPECT_NE(model.describe().find("tuned)"), std::string::npos);
  EXPECT_NE(model.describe().find("dropout(0.50)-Linear(7,1)"), std::string::npos);
  Tensor ids = from_vector(std::vector<std::int64_t>{2, 3, 4, 5, 0, 0}, Shape{1, 6});
  optim::SGD sgd(model.parameters(), {.lr = 1.0});
  model.forward(ids).sum().backward();
  sgd.step();
  // The model trains its own copy: the caller's table is untouched.
  EXPECT_EQ(table.to_vector(), original);
  EXPECT_NE(model.state_dict().front().second.to_vector(), original);
}

TEST(TaskModels, OneStepLowersTheLoss) {
  ImageCnn model({.init = "pytorch", .seed = 0});
  model.eval();  // no dropout: the same function before and after the step
  Tensor x = rand({8, 1, 28, 28});
  Tensor y = from_vector(std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7}, Shape{8});
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  Tensor before = nn::nll_loss(model.forward(x), y);
  before.backward();
  for (const auto& [name, p] : model.named_parameters()) {
    EXPECT_TRUE(p.grad().defined()) << name;
  }
  sgd.step();
  Tensor after = nn::nll_loss(model.forward(x), y);
  EXPECT_LT(after.item(), before.item());
}

}  // namespace
}  // namespace minitorch::cli::train_detail
