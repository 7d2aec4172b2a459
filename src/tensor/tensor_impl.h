// What a Tensor handle points to: the layout plus autograd metadata.
#pragma once

#include <cstdint>
#include <memory>

#include "minitorch/tensor.h"

namespace minitorch {
namespace autograd {
class Node;
}

struct TensorImpl {
  explicit TensorImpl(TensorData d) : data(std::move(d)) {}

  TensorData data;
  bool requires_grad = false;
  /// The node that made this tensor; null for a leaf.
  std::shared_ptr<autograd::Node> grad_fn;
  /// Accumulated gradient of a leaf that requires grad.
  Tensor grad;

  // Bookkeeping of the backward pass (see autograd/engine.cpp): the pass that last visited
  // this tensor, and the gradient gathered for it so far in that pass.
  std::uint64_t backward_pass = 0;
  Tensor pending_grad;
};

}  // namespace minitorch
