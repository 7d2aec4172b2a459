// Activation modules: elementwise ReLU, Sigmoid, Tanh and the dim-wise Softmax/LogSoftmax.
// No parameters; each forwards to the Tensor op or nn::functional.
#pragma once

#include <cstdint>
#include <string>

#include "minitorch/nn/module.h"

namespace minitorch::nn {

/// x -> max(x, 0), any shape.
class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) override { return x.relu(); }
  std::string name() const override { return "ReLU"; }
};

/// x -> 1 / (1 + exp(-x)), any shape.
class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& x) override { return x.sigmoid(); }
  std::string name() const override { return "Sigmoid"; }
};

/// x -> tanh(x), any shape.
class Tanh : public Module {
 public:
  Tensor forward(const Tensor& x) override { return x.tanh(); }
  std::string name() const override { return "Tanh"; }
};

/// x -> softmax along dim (default the last), same shape; stable for large inputs.
class Softmax : public Module {
 public:
  explicit Softmax(std::int64_t dim = -1) : dim_(dim) {}
  Tensor forward(const Tensor& x) override;
  std::string name() const override { return "Softmax(dim=" + std::to_string(dim_) + ")"; }

 private:
  std::int64_t dim_;
};

/// x -> log_softmax along dim (default the last), same shape; stable for large inputs.
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(std::int64_t dim = -1) : dim_(dim) {}
  Tensor forward(const Tensor& x) override;
  std::string name() const override { return "LogSoftmax(dim=" + std::to_string(dim_) + ")"; }

 private:
  std::int64_t dim_;
};

}  // namespace minitorch::nn
