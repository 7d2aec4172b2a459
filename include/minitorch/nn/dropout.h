// Dropout: zeroes elements with probability p in training mode (scaling the rest by
// 1/(1-p)) and is the identity in eval mode. Its own seeded generator keeps runs repeatable.
#pragma once

#include <cstdint>
#include <string>

#include "minitorch/generator.h"
#include "minitorch/nn/module.h"

namespace minitorch::nn {

class Dropout : public Module {
 public:
  /// Error unless 0 <= p < 1.
  explicit Dropout(double p = 0.5, std::uint64_t seed = 0);
  /// x -> same shape.
  Tensor forward(const Tensor& x) override;
  std::string name() const override;
  double p() const { return p_; }

 private:
  double p_;
  Generator generator_;
};

}  // namespace minitorch::nn
