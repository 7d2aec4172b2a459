// The course's models for the real-data tasks of `minitorch train --task ...`, each a small
// nn::Module of Conv1d/Conv2d, Linear and Dropout (parameter names as PyTorch's state dicts:
// "conv1.weight", "linear.bias"). They are the only place the architectures live;
// train_task.cpp trains whichever it is given.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"

namespace minitorch::cli::train_detail {

struct TaskModelOptions {
  DType dtype = kFloat32;
  Device device = Device::cpu();
  /// "course": every weight and bias 0.1 * (U[0,1) - 0.5), the course's RParam; "pytorch",
  /// "xavier", "kaiming": uniform with those bounds over fan-in (and fan-out), bias as PyTorch.
  std::string init = "course";
  std::uint64_t seed = 0;
};

/// Kim's CNN as the course builds it: ids [B, L] -> frozen embeddings [B, L, E] -> permute to
/// [B, E, L] -> for each width w in {3, 4, 5}: conv1d(E -> 100 maps, w) -> relu -> max over
/// time [B, 100]; the three summed -> Linear(100, 1) -> dropout(0.25) -> sigmoid -> [B].
/// With features_dropout, dropout acts on the summed features before the Linear instead, as
/// in Kim 2014 (the full-data task uses it with p = 0.5: docs/training.md).
class SentimentCnn : public nn::Module {
 public:
  /// embeddings [V, E] (float, on options.device) stays frozen, not a parameter, unless
  /// tune_embeddings makes it one ("embedding", Kim 2014's non-static variant).
  SentimentCnn(Tensor embeddings, const TaskModelOptions& options, std::int64_t maps = 100,
               std::vector<std::int64_t> widths = {3, 4, 5}, double dropout = 0.25,
               bool features_dropout = false, bool tune_embeddings = false);
  /// ids int64 [B, L] with L >= the widest filter -> P(positive) [B].
  Tensor forward(const Tensor& ids) override;
  std::string name() const override { return "SentimentCnn"; }
  std::string describe() const;

 private:
  Tensor embeddings_;
  std::vector<std::int64_t> widths_;
  std::vector<std::shared_ptr<nn::Conv1d>> convs_;  // "conv1".. : weight [maps, E, w]
  std::shared_ptr<nn::Linear> linear_;
  std::shared_ptr<nn::Dropout> dropout_;
  bool features_dropout_ = false;
};

/// The course's MNIST network: x [B, 1, 28, 28] -> conv 3x3 (1 -> 4, same padding) -> relu
/// -> conv 3x3 (4 -> 8) -> relu -> avg pool 4x4 -> [B, 392] -> Linear(392, 64) -> relu ->
/// dropout(0.25) -> Linear(64, 10) -> log_softmax -> [B, 10].
class ImageCnn : public nn::Module {
 public:
  explicit ImageCnn(const TaskModelOptions& options, std::int64_t classes = 10);
  Tensor forward(const Tensor& x) override;
  std::string name() const override { return "ImageCnn"; }
  std::string describe() const;

 private:
  std::shared_ptr<nn::Conv2d> conv1_;
  std::shared_ptr<nn::Conv2d> conv2_;
  std::shared_ptr<nn::Linear> linear1_;
  std::shared_ptr<nn::Dropout> dropout_;
  std::shared_ptr<nn::Linear> linear2_;
};

}  // namespace minitorch::cli::train_detail
