// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, with
// PyTorch's update rule (the first step seeds the momentum buffer with the gradient).
#pragma once

#include <vector>

#include "minitorch/optim/optimizer.h"

namespace minitorch::optim {

struct SGDOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  /// d = g + weight_decay * p; b = momentum * b + (1 - dampening) * d (b = d at first);
  /// d = nesterov ? d + momentum * b : b (when momentum != 0); p -= lr * d.
  /// Error on a negative lr, momentum or weight decay, or nesterov without momentum.
  SGD(std::vector<Tensor> params, SGDOptions options);
  template <class P>
  SGD(const std::vector<P>& params, SGDOptions options)
      : SGD(std::vector<Tensor>(params.begin(), params.end()), options) {}

  void step() override;
  const SGDOptions& options() const { return options_; }

 private:
  SGDOptions options_;
  std::vector<Tensor> momentum_;
};

}  // namespace minitorch::optim
