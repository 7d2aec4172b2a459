// Optimizer base: parameter checks and zero_grad.
#include "minitorch/optim/optimizer.h"

#include <cmath>
#include <limits>
#include <string>

#include "minitorch/error.h"

namespace minitorch::optim {

Optimizer::Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    if (!p.defined() || !p.requires_grad() || !p.is_leaf()) {
      throw ValueError("optimizer: parameter " + std::to_string(i) +
                       " must be a leaf tensor that requires grad");
    }
  }
}

void check_hyperparameter(const char* optimizer, const char* name, double value, double lo,
                          double hi, bool hi_inclusive) {
  bool ok = std::isfinite(value) && value >= lo && (hi_inclusive ? value <= hi : value < hi);
  if (!ok) {
    // Built step by step: GCC 12 warns, falsely, about `"literal" + std::string` (-Wrestrict).
    std::string message = optimizer;
    message += ": ";
    message += name;
    message += " must be finite and in [";
    message += std::to_string(lo);
    message += ", ";
    message += std::isinf(hi) ? std::string("inf") : std::to_string(hi);
    message += hi_inclusive ? "]" : ")";
    message += " (got ";
    message += std::to_string(value);
    message += ")";
    throw ValueError(message);
  }
}

void Optimizer::set_lr(double lr) {
  check_hyperparameter("optimizer", "lr", lr, 0.0, std::numeric_limits<double>::infinity());
  lr_ = lr;
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) {
    p.zero_grad();
  }
}

}  // namespace minitorch::optim
