// Adam (Kingma & Ba) with PyTorch's bias correction and L2 weight decay added to the gradient,
// and AdamW (Loshchilov & Hutter), whose weight decay shrinks the parameter directly.
#pragma once

#include <vector>

#include "minitorch/optim/optimizer.h"

namespace minitorch::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class Adam : public Optimizer {
 public:
  /// At step t: g += weight_decay * p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
  /// p -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps).
  /// Error on lr < 0, betas outside [0, 1) or eps < 0.
  Adam(std::vector<Tensor> params, AdamOptions options);
  template <class P>
  Adam(const std::vector<P>& params, AdamOptions options)
      : Adam(std::vector<Tensor>(params.begin(), params.end()), options) {}

  void step() override;
  const AdamOptions& options() const { return options_; }

 protected:
  /// name is used in messages; decoupled: AdamW's weight decay.
  Adam(std::vector<Tensor> params, AdamOptions options, const char* name, bool decoupled);

 private:
  AdamOptions options_;
  bool decoupled_ = false;
  std::vector<Tensor> m_;
  std::vector<Tensor> v_;
};

/// AdamW's defaults: PyTorch's (weight_decay 0.01).
struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
};

class AdamW : public Adam {
 public:
  /// Adam's step on the raw gradient after p -= lr * weight_decay * p (decoupled weight
  /// decay, as torch.optim.AdamW). Errors as Adam's, naming AdamW.
  AdamW(std::vector<Tensor> params, AdamWOptions options);
  template <class P>
  AdamW(const std::vector<P>& params, AdamWOptions options)
      : AdamW(std::vector<Tensor>(params.begin(), params.end()), options) {}
};

}  // namespace minitorch::optim
