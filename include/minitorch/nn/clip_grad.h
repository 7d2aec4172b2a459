// Gradient clipping by norm (torch.nn.utils.clip_grad_norm_): rescales the gradients held by a
// set of parameters so that their joint norm is at most max_norm.
#pragma once

#include <limits>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::nn {

/// The norm of all gradients taken together (the norm of their concatenation; parameters
/// without a gradient are skipped), computed in float64: 2 (the default) for the Euclidean norm,
/// any p >= 1, or infinity for the largest magnitude. When it exceeds max_norm every gradient
/// is multiplied in place by max_norm / (norm + 1e-6), as in PyTorch. Returns the norm before
/// clipping (NaN or inf gradients give a NaN or inf norm and are scaled by it, as PyTorch does
/// by default). ValueError unless max_norm >= 0 and norm_type >= 1.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm,
                       double norm_type = 2.0);
template <class P>
double clip_grad_norm_(const std::vector<P>& parameters, double max_norm, double norm_type = 2.0) {
  return clip_grad_norm_(std::vector<Tensor>(parameters.begin(), parameters.end()), max_norm,
                         norm_type);
}

}  // namespace minitorch::nn
