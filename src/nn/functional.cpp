// softmax, log_softmax, softplus and dropout composed from Tensor ops, so they run (and
// differentiate) on every backend. Note [Detached shift]: subtracting a constant m before exp
// keeps exp's argument <= 0; m is detached because the result does not depend on it.
#include "minitorch/nn/functional.h"

#include <string>

#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::nn::functional {

// The Tensor methods (src/tensor/tensor_reductions.cpp) use the same shift.
Tensor softmax(const Tensor& x, std::int64_t dim) { return x.softmax(dim); }

Tensor log_softmax(const Tensor& x, std::int64_t dim) { return x.log_softmax(dim); }

Tensor softplus(const Tensor& x) {
  // log(1 + e^x) = m + log(e^-m + e^(x-m)) with m = max(x, 0); see Note [Detached shift].
  Tensor m = x.detach().relu();
  return m + ((-m).exp() + (x - m).exp()).log();
}

Tensor log_sigmoid(const Tensor& x) { return -softplus(-x); }

Tensor dropout(const Tensor& x, double p, bool training, Generator* gen) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw ValueError("dropout: p must be in [0, 1) (got " + std::to_string(p) + ")");
  }
  if (!training || p == 0.0) {
    return x;
  }
  Tensor keep = rand(x.shape(), {.dtype = x.dtype()}, gen).ge(p);
  if (!x.device().is_cpu()) {
    keep = keep.to(x.device());
  }
  return x * (keep.to(x.dtype()) * (1.0 / (1.0 - p)));
}

}  // namespace minitorch::nn::functional
