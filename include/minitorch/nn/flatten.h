// Flatten: merges a range of dims into one (torch.nn.Flatten), typically between the
// convolutional part of a network and its Linear layers.
#pragma once

#include <cstdint>
#include <string>

#include "minitorch/nn/module.h"

namespace minitorch::nn {

class Flatten : public Module {
 public:
  /// Dims start_dim..end_dim (negative counts from the end) become one; the default keeps the
  /// batch dim: [N, C, H, W] -> [N, C * H * W].
  explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1);
  /// A view when the layout allows, else a copy (reshape). IndexError for a dim outside x's
  /// rank, ValueError when start_dim comes after end_dim.
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

 private:
  std::int64_t start_dim_;
  std::int64_t end_dim_;
};

}  // namespace minitorch::nn
