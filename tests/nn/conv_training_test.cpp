// Tiny convolutional networks that must learn toy tasks in a few dozen steps: images of a
// horizontal or a vertical bar (Conv2d -> ReLU -> MaxPool2d -> Flatten -> Linear), and token
// sequences that do or do not contain a marker token (Embedding -> Conv1d -> max over time ->
// Linear), the lecture's two models in miniature.
#include <gtest/gtest.h>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

// n images [n, 1, 6, 6], a bar of ones in a random row (label 0) or column (label 1), plus noise.
std::pair<Tensor, Tensor> bars(std::int64_t n, Generator& gen) {
  Tensor images = rand({n, 1, 6, 6}, {}, &gen) * 0.3;
  std::vector<double> labels;
  Tensor where = randint(0, 6, {n}, {.dtype = kInt64}, &gen);
  Tensor kind = randint(0, 2, {n}, {.dtype = kInt64}, &gen);
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t at = where.at({i}) > 0 ? static_cast<std::int64_t>(where.at({i})) : 0;
    bool vertical = kind.at({i}) > 0.5;
    for (std::int64_t k = 0; k < 6; ++k) {
      images.set(vertical ? Index{i, 0, k, at} : Index{i, 0, at, k}, 1.0);
    }
    labels.push_back(vertical ? 1.0 : 0.0);
  }
  return {images, from_vector(labels, {n})};
}

double accuracy(const Tensor& logits, const Tensor& labels) {
  Tensor predicted = logits.argmax(1).to(kFloat32);
  return predicted.eq(labels).to(kFloat32).mean().item();
}

TEST(ConvTraining, ImageNetLearnsBars) {
  Generator gen(0);
  nn::Sequential net(
      {std::make_shared<nn::Conv2d>(1, 4, 3, nn::Conv2dOptions{.padding = 1, .generator = &gen}),
       std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
       std::make_shared<nn::Flatten>(),
       std::make_shared<nn::Linear>(36, 2, nn::LinearOptions{.generator = &gen})});
  optim::AdamW opt(net.parameters(), {.lr = 0.03});
  for (int step = 0; step < 60; ++step) {
    auto [x, y] = bars(16, gen);
    opt.zero_grad();
    nn::cross_entropy(net(x), y).backward();
    nn::clip_grad_norm_(net.parameters(), 5.0);
    opt.step();
  }
  net.eval();
  auto [x, y] = bars(200, gen);
  EXPECT_GE(accuracy(net(x), y), 0.95);
}

class TextNet : public nn::Module {
 public:
  explicit TextNet(Generator& gen) {
    embed = register_module(
        "embed", std::make_shared<nn::Embedding>(8, 4, nn::EmbeddingOptions{.generator = &gen}));
    conv = register_module(
        "conv", std::make_shared<nn::Conv1d>(4, 6, 3, nn::Conv1dOptions{.generator = &gen}));
    fc = register_module("fc",
                         std::make_shared<nn::Linear>(6, 2, nn::LinearOptions{.generator = &gen}));
  }
  // ids [N, L] -> embeddings [N, L, 4] -> [N, 4, L] -> conv [N, 6, L - 2] -> max over time.
  Tensor forward(const Tensor& ids) override {
    Tensor h = conv->forward(embed->forward(ids).transpose(1, 2)).relu();
    return fc->forward(h.amax(-1));
  }
  std::shared_ptr<nn::Embedding> embed;
  std::shared_ptr<nn::Conv1d> conv;
  std::shared_ptr<nn::Linear> fc;
};

// n sequences of 9 tokens in 1..7; label 1 when token 0 (the marker) was planted.
std::pair<Tensor, Tensor> sentences(std::int64_t n, Generator& gen) {
  Tensor ids = randint(1, 8, {n, 9}, {.dtype = kInt64}, &gen);
  Tensor plant = randint(0, 2, {n}, {.dtype = kInt64}, &gen);
  Tensor where = randint(0, 9, {n}, {.dtype = kInt64}, &gen);
  std::vector<double> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    bool planted = plant.at({i}) > 0.5;
    if (planted) {
      ids.set({i, static_cast<std::int64_t>(where.at({i}))}, 0.0);
    }
    labels.push_back(planted ? 1.0 : 0.0);
  }
  return {ids, from_vector(labels, {n})};
}

TEST(ConvTraining, TextNetFindsTheMarker) {
  Generator gen(0);
  TextNet net(gen);
  optim::Adam opt(net.parameters(), {.lr = 0.01});
  optim::StepLR schedule(opt, 150, 0.5);
  for (int step = 0; step < 220; ++step) {
    auto [ids, y] = sentences(16, gen);
    opt.zero_grad();
    nn::cross_entropy(net(ids), y).backward();
    opt.step();
    schedule.step();
  }
  EXPECT_DOUBLE_EQ(opt.lr(), 0.01 * 0.5);
  auto [ids, y] = sentences(200, gen);
  EXPECT_GE(accuracy(net(ids), y), 0.95);
}

}  // namespace
}  // namespace minitorch
