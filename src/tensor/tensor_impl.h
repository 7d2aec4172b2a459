// What a Tensor handle points to: the layout plus autograd metadata.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

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
  /// Called after backward accumulates into grad (Tensor::register_post_accumulate_grad_hook);
  /// each holds a weak handle to this tensor and calls the user's hook with it.
  std::vector<std::function<void()>> post_accumulate_hooks;

  // Bookkeeping of the backward pass (see autograd/engine.cpp): the pass that last visited
  // this tensor, and the gradient gathered for it so far in that pass.
  std::uint64_t backward_pass = 0;
  Tensor pending_grad;
};

}  // namespace minitorch
