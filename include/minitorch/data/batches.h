// Shuffled mini-batches over a PointDataset: each epoch draws a new order from a seeded
// Generator (Fisher-Yates), so a seed fixes the whole training run.
#pragma once

#include <cstdint>
#include <vector>

#include "minitorch/data/datasets.h"
#include "minitorch/generator.h"
#include "minitorch/tensor.h"

namespace minitorch::data {

struct Batch {
  Tensor x;  ///< [B, features] (DataLoader: [B, ...the example shape])
  Tensor y;  ///< [B]
};

class Batches {
 public:
  /// batch_size >= 1 (Error otherwise); the last batch of an epoch may be smaller.
  /// Tensors are made with options' dtype and device (requires_grad is ignored).
  Batches(const PointDataset& data, std::int64_t batch_size, std::uint64_t seed,
          TensorOptions options = {}, bool shuffle = true);

  /// The next epoch's batches, in a fresh order when shuffling.
  std::vector<Batch> epoch();
  /// Batches per epoch: ceil(N / batch_size).
  std::int64_t size() const;

 private:
  const PointDataset* data_;
  std::int64_t batch_size_;
  Generator generator_;
  TensorOptions options_;
  bool shuffle_;
  std::vector<std::int64_t> order_;
};

}  // namespace minitorch::data
