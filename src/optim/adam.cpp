// Adam's and AdamW's update, in place on each parameter and its moment buffers under NoGradGuard.
#include "minitorch/optim/adam.h"

#include <cmath>
#include <limits>
#include <string>

#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::optim {

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Adam(std::move(params), options, "Adam", false) {}

Adam::Adam(std::vector<Tensor> params, AdamOptions options, const char* name, bool decoupled)
    : Optimizer(std::move(params)),
      options_(options),
      decoupled_(decoupled),
      m_(params_.size()),
      v_(params_.size()) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  check_hyperparameter(name, "lr", options.lr, 0.0, kInf);
  check_hyperparameter(name, "beta1", options.beta1, 0.0, 1.0);
  check_hyperparameter(name, "beta2", options.beta2, 0.0, 1.0);
  check_hyperparameter(name, "eps", options.eps, 0.0, kInf);
  check_hyperparameter(name, "weight_decay", options.weight_decay, 0.0, kInf);
  lr_ = options.lr;
}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions options)
    : Adam(std::move(params),
           {.lr = options.lr,
            .beta1 = options.beta1,
            .beta2 = options.beta2,
            .eps = options.eps,
            .weight_decay = options.weight_decay},
           "AdamW", true) {}

void Adam::step() {
  NoGradGuard no_grad;
  ++steps_;
  const double t = static_cast<double>(steps_);
  const double correction1 = 1.0 - std::pow(options_.beta1, t);
  const double correction2 = 1.0 - std::pow(options_.beta2, t);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    Tensor g = p.grad();
    if (!g.defined()) {
      continue;
    }
    if (options_.weight_decay != 0.0 && decoupled_) {
      p.mul_(1.0 - lr_ * options_.weight_decay);
    } else if (options_.weight_decay != 0.0) {
      g = g + p * options_.weight_decay;
    }
    if (!m_[i].defined()) {
      m_[i] = zeros_like(p);
      v_[i] = zeros_like(p);
    }
    m_[i].mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
    v_[i].mul_(options_.beta2).add_(g * g, 1.0 - options_.beta2);
    Tensor denom = (v_[i] * (1.0 / correction2)).pow(0.5) + options_.eps;
    p.add_(m_[i] / denom, -lr_ / correction1);
  }
}

}  // namespace minitorch::optim
