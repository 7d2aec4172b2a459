// Loss scaling for float16 mixed precision (Note [Loss scaling]): PyTorch's GradScaler.
#pragma once

#include <cstdint>

#include "minitorch/optim/optimizer.h"
#include "minitorch/tensor.h"

namespace minitorch::optim {

// Note [Loss scaling]: float16 has no values below 2^-24 (6e-8), where many gradients of an
// autocast model (Note [Autocast]) live; multiplying the loss by a scale S multiplies every
// gradient by S, into float16's range, and dividing the float32 parameter gradients by S
// before the step gives the true ones back. S adapts as in PyTorch: a step whose gradients
// hold an inf or NaN (S too large) is skipped and S multiplied by backoff_factor; after
// growth_interval clean steps in a row S is multiplied by growth_factor. One host sync per step
// (a single sum that is NaN when any gradient element is not finite). bfloat16 has float32's
// range and needs no scaling: GradScaler with enabled = false passes everything through.
struct GradScalerOptions {
  double init_scale = 65536.0;
  double growth_factor = 2.0;
  double backoff_factor = 0.5;
  std::int64_t growth_interval = 2000;
  bool enabled = true;
};

class GradScaler {
 public:
  /// ValueError unless init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1 and
  /// growth_interval >= 1 (all finite).
  explicit GradScaler(GradScalerOptions options = {});

  /// loss * S in float32 (loss itself when disabled), for backward().
  Tensor scale(const Tensor& loss) const;
  /// Divides the gradients of optimizer's parameters by S in place and records whether any is
  /// inf or NaN; at most once between updates (Error on a second call), so gradients may be
  /// clipped in between, as in PyTorch.
  void unscale_(Optimizer& optimizer);
  /// unscale_ (if not yet called), then optimizer.step() unless a gradient was inf or NaN.
  /// True when the step was taken.
  bool step(Optimizer& optimizer);
  /// Adjusts S from the last step's finding; call once per iteration after step().
  void update();

  double scale_value() const { return scale_; }
  bool enabled() const { return options_.enabled; }
  /// Steps skipped so far because a gradient was not finite.
  std::int64_t skipped_steps() const { return skipped_; }

 private:
  GradScalerOptions options_;
  double scale_;
  std::int64_t clean_steps_ = 0;
  std::int64_t skipped_ = 0;
  bool unscaled_ = false;
  bool found_inf_ = false;
};

}  // namespace minitorch::optim
