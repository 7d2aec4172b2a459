// Stateless building blocks (torch.nn.functional): softmax, log_softmax, softplus, dropout.
// Exponentials are shifted by a detached maximum, so inputs of +-1000 stay finite and the
// gradient is still exact (the shift cancels in the derivative).
#pragma once

#include <cstdint>

#include "minitorch/generator.h"
#include "minitorch/tensor.h"

namespace minitorch::nn::functional {

/// x [..., n, ...] -> same shape; along dim the values are positive and sum to 1.
/// IndexError when dim is out of range.
Tensor softmax(const Tensor& x, std::int64_t dim);
/// x -> same shape, log(softmax(x, dim)) computed as x - max - log(sum(exp(x - max))).
Tensor log_softmax(const Tensor& x, std::int64_t dim);
/// log(1 + exp(x)) elementwise, without overflow for large x; gradient sigmoid(x).
Tensor softplus(const Tensor& x);
/// log(sigmoid(x)) = -softplus(-x) elementwise.
Tensor log_sigmoid(const Tensor& x);
/// In training, zeroes each element with probability p and scales the rest by 1/(1-p);
/// the identity otherwise or when p == 0. Error unless 0 <= p < 1.
Tensor dropout(const Tensor& x, double p, bool training, Generator* gen = nullptr);

}  // namespace minitorch::nn::functional
