// SGD's update, in place on each parameter under NoGradGuard.
#include "minitorch/optim/sgd.h"

#include <limits>
#include <string>

#include "minitorch/autograd.h"
#include "minitorch/error.h"

namespace minitorch::optim {

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : Optimizer(std::move(params)), options_(options), momentum_(params_.size()) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  check_hyperparameter("SGD", "lr", options.lr, 0.0, kInf);
  check_hyperparameter("SGD", "momentum", options.momentum, 0.0, kInf);
  check_hyperparameter("SGD", "dampening", options.dampening, 0.0, 1.0, /*hi_inclusive=*/true);
  check_hyperparameter("SGD", "weight_decay", options.weight_decay, 0.0, kInf);
  if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0)) {
    throw ValueError("SGD: nesterov needs momentum > 0 and dampening 0");
  }
  lr_ = options.lr;
}

void SGD::step() {
  NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    Tensor d = p.grad();
    if (!d.defined()) {
      continue;
    }
    if (options_.weight_decay != 0.0) {
      d = d + p * options_.weight_decay;
    }
    if (options_.momentum != 0.0) {
      Tensor& buffer = momentum_[i];
      if (!buffer.defined()) {
        buffer = d.clone();
      } else {
        buffer.mul_(options_.momentum).add_(d, 1.0 - options_.dampening);
      }
      d = options_.nesterov ? d + buffer * options_.momentum : buffer;
    }
    p.add_(d, -lr_);
  }
  ++steps_;
}

}  // namespace minitorch::optim
