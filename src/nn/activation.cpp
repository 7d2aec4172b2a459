// Softmax and LogSoftmax modules: thin wrappers over nn::functional.
#include "minitorch/nn/activation.h"

#include "minitorch/nn/functional.h"

namespace minitorch::nn {

Tensor Softmax::forward(const Tensor& x) { return functional::softmax(x, dim_); }

Tensor LogSoftmax::forward(const Tensor& x) { return functional::log_softmax(x, dim_); }

}  // namespace minitorch::nn
