// Learning-rate schedulers (torch.optim.lr_scheduler): each sets its optimizer's lr from the
// number of step() calls so far (usually one per epoch), by a closed form of that count, so a
// schedule is reproducible from the count alone.
#pragma once

#include <cstdint>

#include "minitorch/optim/optimizer.h"

namespace minitorch::optim {

class LRScheduler {
 public:
  /// Remembers optimizer's lr as the base lr. The optimizer must outlive the scheduler.
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances the count by one and sets the optimizer's lr to lr_at(count).
  void step();
  /// The lr the last step set (the base lr before any step).
  double last_lr() const { return optimizer_.lr(); }
  double base_lr() const { return base_lr_; }
  /// step() calls so far.
  std::int64_t last_epoch() const { return epoch_; }
  /// The lr after `epoch` steps.
  virtual double lr_at(std::int64_t epoch) const = 0;

 private:
  Optimizer& optimizer_;
  double base_lr_;
  std::int64_t epoch_ = 0;
};

/// lr = base_lr * gamma ^ floor(epoch / step_size) (StepLR).
class StepLR : public LRScheduler {
 public:
  /// ValueError unless step_size >= 1 and gamma is finite and >= 0.
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);
  double lr_at(std::int64_t epoch) const override;

 private:
  std::int64_t step_size_;
  double gamma_;
};

/// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / t_max)) / 2
/// (CosineAnnealingLR's closed form): base_lr at 0, eta_min at t_max, and back up after it.
class CosineAnnealingLR : public LRScheduler {
 public:
  /// ValueError unless t_max >= 1 and eta_min is finite and >= 0.
  CosineAnnealingLR(Optimizer& optimizer, std::int64_t t_max, double eta_min = 0.0);
  double lr_at(std::int64_t epoch) const override;

 private:
  std::int64_t t_max_;
  double eta_min_;
};

}  // namespace minitorch::optim
