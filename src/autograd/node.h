// A node of the autograd graph: the op that made one tensor, with what its backward
// rule needs. Nodes hold their inputs (so the graph stays alive while its output does)
// and saved tensors detached from the graph, so there are no reference cycles.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::autograd {

class Node {
 public:
  virtual ~Node() = default;
  virtual std::string_view name() const = 0;
  /// Gradients of the inputs, in order, given the output's gradient. An entry may be
  /// undefined where its input needs no gradient.
  virtual std::vector<Tensor> backward(const Tensor& grad) = 0;

  /// The inputs, in order; null where an input does not require grad.
  std::vector<std::shared_ptr<TensorImpl>> inputs;
};

}  // namespace minitorch::autograd
