// Grad mode, gradcheck and the list of differentiable ops. Backward itself is
// Tensor::backward; the rules live in src/autograd/functions.cpp (one table).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch {

/// Whether ops record autograd history on this thread (on by default).
bool is_grad_enabled();
void set_grad_enabled(bool enabled);

/// Turns grad mode off for its scope, restoring the previous mode on exit.
class NoGradGuard {
 public:
  NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  ///< the first mismatch: input, element, analytic vs numeric
  explicit operator bool() const { return ok; }
};

/// Compares the Jacobian autograd computes for fn at inputs with central differences.
/// Inputs must be float64 leaves; those with requires_grad are checked. fn may return any
/// shape. Throws DTypeError for float32 inputs.
GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, const GradcheckOptions& options = {});

/// Names of every differentiable public op, for coverage tests.
std::vector<std::string> differentiable_ops();

}  // namespace minitorch
