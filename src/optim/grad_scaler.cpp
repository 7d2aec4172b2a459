// GradScaler (Note [Loss scaling] in grad_scaler.h).
#include "minitorch/optim/grad_scaler.h"

#include <cmath>
#include <string>

#include "minitorch/autograd.h"
#include "minitorch/error.h"

namespace minitorch::optim {

GradScaler::GradScaler(GradScalerOptions options) : options_(options), scale_(options.init_scale) {
  const bool valid = std::isfinite(options.init_scale) && options.init_scale > 0 &&
      std::isfinite(options.growth_factor) && options.growth_factor > 1 &&
      options.backoff_factor > 0 && options.backoff_factor < 1 && options.growth_interval >= 1;
  if (!valid) {
    throw ValueError(
        "GradScaler: need init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1 "
        "and growth_interval >= 1 (got " +
        std::to_string(options.init_scale) + ", " + std::to_string(options.growth_factor) + ", " +
        std::to_string(options.backoff_factor) + ", " + std::to_string(options.growth_interval) +
        ")");
  }
}

Tensor GradScaler::scale(const Tensor& loss) const {
  if (!options_.enabled) {
    return loss;
  }
  // In float32, as PyTorch's float32 scale tensor promotes it: 65536 is past float16's range.
  return (is_reduced_float(loss.dtype()) ? loss.to(kFloat32) : loss) * scale_;
}

void GradScaler::unscale_(Optimizer& optimizer) {
  if (!options_.enabled) {
    return;
  }
  if (unscaled_) {
    throw Error("GradScaler::unscale_: already called since the last update()");
  }
  NoGradGuard no_grad;
  Tensor non_finite;  // sum of g * 0 over every gradient: NaN exactly when one is inf or NaN
  for (const Tensor& p : optimizer.params()) {
    Tensor g = p.grad();
    if (!g.defined()) {
      continue;
    }
    g.mul_(1.0 / scale_);
    Tensor probe = (g * 0.0).sum().to(kFloat32);
    non_finite = non_finite.defined() ? non_finite + probe : probe;
  }
  found_inf_ = non_finite.defined() && !std::isfinite(non_finite.item());
  unscaled_ = true;
}

bool GradScaler::step(Optimizer& optimizer) {
  if (!options_.enabled) {
    optimizer.step();
    return true;
  }
  if (!unscaled_) {
    unscale_(optimizer);
  }
  if (found_inf_) {
    ++skipped_;
    return false;
  }
  optimizer.step();
  return true;
}

void GradScaler::update() {
  if (!options_.enabled) {
    return;
  }
  if (found_inf_) {
    scale_ *= options_.backoff_factor;
    clean_steps_ = 0;
  } else if (++clean_steps_ >= options_.growth_interval) {
    scale_ *= options_.growth_factor;
    clean_steps_ = 0;
  }
  unscaled_ = false;
  found_inf_ = false;
}

}  // namespace minitorch::optim
