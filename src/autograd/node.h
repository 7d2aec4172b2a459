// A node of the autograd graph: the op that made one tensor, with what its backward
// rule needs. Nodes hold their inputs (so the graph stays alive while its output does)
// and saved tensors detached from the graph, so there are no reference cycles.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::autograd {

/// A tensor a backward rule may use: detached from the graph (so saving an output makes no
/// cycle), with its storage's version when saved (Note [Saved versions], node.cpp). `read`
/// says whether the rule reads its elements; one kept only for its shape is never checked.
class SavedTensor {
 public:
  explicit SavedTensor(Tensor t, bool read = true);
  /// The saved tensor; throws AutogradError naming `node` when its elements are read and
  /// were modified in place after it was saved.
  const Tensor& unpack(std::string_view node) const;

 private:
  Tensor tensor_;
  std::uint64_t version_;
  bool read_;
};

class Node {
 public:
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  /// Releases the graph above this node iteratively (Note [Iterative release], node.cpp).
  virtual ~Node();
  virtual std::string_view name() const = 0;
  /// Gradients of the inputs, in order, given the output's gradient. An entry may be
  /// undefined where its input needs no gradient.
  virtual std::vector<Tensor> backward(const Tensor& grad) = 0;

  /// The inputs, in order; null where an input does not require grad.
  std::vector<std::shared_ptr<TensorImpl>> inputs;
};

}  // namespace minitorch::autograd
