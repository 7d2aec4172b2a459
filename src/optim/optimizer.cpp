// Optimizer base: parameter checks and zero_grad.
#include "minitorch/optim/optimizer.h"

#include <string>

#include "minitorch/error.h"

namespace minitorch::optim {

Optimizer::Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    if (!p.defined() || !p.requires_grad() || !p.is_leaf()) {
      throw Error("optimizer: parameter " + std::to_string(i) +
                  " must be a leaf tensor that requires grad");
    }
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) {
    p.zero_grad();
  }
}

}  // namespace minitorch::optim
