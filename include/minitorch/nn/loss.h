// Loss functions, reduced by mean (default), sum or not at all, as in torch.nn.functional.
// Inputs and targets must have equal shapes (no silent broadcasting of a [N, 1] against [N]).
#pragma once

#include "minitorch/tensor.h"

namespace minitorch::nn {

enum class Reduction { Mean, Sum, None };

/// prob [*], target [*] in {0, 1} (or in [0, 1]) -> scalar (or [*] for None).
/// The course's form -log(prob * target + (prob - 1) * (target - 1)); prob must be in (0, 1)
/// (a saturated sigmoid gives inf: prefer binary_cross_entropy_with_logits). The target is a
/// constant (no gradient flows to it).
/// ShapeError when the shapes differ.
Tensor binary_cross_entropy(const Tensor& prob, const Tensor& target,
                            Reduction reduction = Reduction::Mean);

/// logits [*], target [*] -> scalar (or [*]). softplus(z) - z * target, finite for any z
/// and with the exact gradient sigmoid(z) - target. ShapeError when the shapes differ.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        Reduction reduction = Reduction::Mean);

/// log_probs [N, C], target [N] holding class indices 0..C-1 (in log_probs' dtype) -> scalar
/// (or [N]): -log_probs[i, target[i]]. ShapeError on other shapes.
Tensor nll_loss(const Tensor& log_probs, const Tensor& target,
                Reduction reduction = Reduction::Mean);

/// logits [N, C], target [N] class indices -> nll_loss(log_softmax(logits, 1), target).
Tensor cross_entropy(const Tensor& logits, const Tensor& target,
                     Reduction reduction = Reduction::Mean);

/// input [*], target [*] -> mean (or sum, or elementwise) of (input - target)^2.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);

}  // namespace minitorch::nn
