// Optimizer: the base of SGD and Adam. It holds parameter handles and updates them in place
// under NoGradGuard, so modules that share those parameters see each step.
#pragma once

#include <cstdint>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::optim {

class Optimizer {
 public:
  /// Error when a parameter does not require grad or is not a leaf.
  explicit Optimizer(std::vector<Tensor> params);
  template <class P>
  explicit Optimizer(const std::vector<P>& params)
      : Optimizer(std::vector<Tensor>(params.begin(), params.end())) {}
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update from the gradients now held; parameters without a gradient are skipped.
  virtual void step() = 0;
  /// Drops every parameter's gradient (PyTorch's set_to_none).
  void zero_grad();

  const std::vector<Tensor>& params() const { return params_; }
  double lr() const { return lr_; }
  /// Throws ValueError unless lr is finite and >= 0 (a scheduler's mistake fails here, not
  /// as NaN parameters many steps later).
  void set_lr(double lr);
  /// Steps taken so far.
  std::int64_t steps() const { return steps_; }

 protected:
  std::vector<Tensor> params_;
  double lr_ = 0.0;
  std::int64_t steps_ = 0;
};

/// Throws ValueError "<optimizer>: <name> must be ..." unless value is finite and in
/// [lo, hi) (hi_inclusive: [lo, hi]). NaN never passes.
void check_hyperparameter(const char* optimizer, const char* name, double value, double lo,
                          double hi, bool hi_inclusive = false);

}  // namespace minitorch::optim
