// clip_grad_norm_: one reduction per gradient, read on the host and combined in float64, then an
// in-place scale of each gradient.
#include "minitorch/nn/clip_grad.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "minitorch/autograd.h"
#include "minitorch/error.h"

namespace minitorch::nn {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type) {
  if (!(max_norm >= 0.0) || !(norm_type >= 1.0)) {
    throw ValueError("clip_grad_norm_: max_norm must be >= 0 and norm_type >= 1 (got " +
                     std::to_string(max_norm) + " and " + std::to_string(norm_type) + ")");
  }
  NoGradGuard no_grad;
  bool infinity_norm = std::isinf(norm_type);
  double total = 0.0;
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters) {
    Tensor g = p.grad();
    if (!g.defined() || g.numel() == 0) {
      continue;
    }
    grads.push_back(g);
    Tensor magnitude = g.to(kFloat64).abs();
    if (infinity_norm) {
      total = std::max(total, magnitude.max().item());
    } else if (norm_type == 2.0) {
      total += (magnitude * magnitude).sum().item();
    } else {
      total += magnitude.pow(norm_type).sum().item();
    }
  }
  double norm = infinity_norm ? total : std::pow(total, 1.0 / norm_type);
  double scale = max_norm / (norm + 1e-6);
  if (!(scale >= 1.0)) {  // also when norm is NaN, as PyTorch
    for (Tensor& g : grads) {
      g.mul_(scale);
    }
  }
  return norm;
}

}  // namespace minitorch::nn
