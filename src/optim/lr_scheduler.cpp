// StepLR and CosineAnnealingLR: closed forms of the step count.
#include "minitorch/optim/lr_scheduler.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "minitorch/error.h"

namespace minitorch::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}

void LRScheduler::step() {
  ++epoch_;
  optimizer_.set_lr(lr_at(epoch_));
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size < 1) {
    throw ValueError("StepLR: step_size must be >= 1 (got " + std::to_string(step_size) + ")");
  }
  check_hyperparameter("StepLR", "gamma", gamma, 0.0, std::numeric_limits<double>::infinity());
}

double StepLR::lr_at(std::int64_t epoch) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
  if (t_max < 1) {
    throw ValueError("CosineAnnealingLR: t_max must be >= 1 (got " + std::to_string(t_max) + ")");
  }
  check_hyperparameter("CosineAnnealingLR", "eta_min", eta_min, 0.0,
                       std::numeric_limits<double>::infinity());
}

double CosineAnnealingLR::lr_at(std::int64_t epoch) const {
  double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(t_max_);
  return eta_min_ + (base_lr() - eta_min_) * (1.0 + std::cos(phase)) / 2.0;
}

}  // namespace minitorch::optim
