// Releasing a graph without recursion.
#include "autograd/node.h"

#include <string>
#include <utility>
#include <vector>

#include "minitorch/error.h"
#include "tensor/tensor_impl.h"

namespace minitorch::autograd {

// Note [Saved versions]: a rule that reads a tensor after the forward pass (x for log, y for
// exp, both operands of mul and matmul) gives a wrong gradient if that tensor's elements
// changed in between: an in-place op under NoGradGuard, or one through a detach()ed alias
// (which shares the storage). Every in-place write bumps its storage's version; a saved
// tensor remembers the version it saw and refuses to be read once it moved, as PyTorch does.
// The counter is per storage, so a write to any view of the storage counts (a write to a
// disjoint part of it too: conservative, never silent). Only the tensors a rule reads are
// checked, given which inputs need a gradient (the *_reads tables in functions.cpp): mul's
// backward for `x * w` with only x requiring grad reads w, not x, so writing to x after the
// forward is fine there, as in PyTorch.
// A tensor without history is kept as it is (no new handle); one with history is detached.
SavedTensor::SavedTensor(Tensor t, bool read)
    : tensor_(t.requires_grad() ? t.detach() : std::move(t)),
      version_(tensor_.data().storage()->version()),
      read_(read) {}

const Tensor& SavedTensor::unpack(std::string_view node) const {
  std::uint64_t now = tensor_.data().storage()->version();
  if (read_ && now != version_) {
    throw AutogradError("backward: a tensor of shape " + to_string(tensor_.shape()) + " saved by " +
                        std::string(node) +
                        " for its gradient was modified by an in-place operation (version " +
                        std::to_string(version_) + " when saved, " + std::to_string(now) +
                        " now); clone() it before modifying it, or modify it before the op");
  }
  return tensor_;
}

// Note [Iterative release]: a recorded chain is TensorImpl -> Node -> input TensorImpl ->
// Node -> ...; dropped naively, each shared_ptr's destructor runs the next one's, one stack
// frame pair per op, and a chain of ~130k ops overflowed the stack. Instead a dying node
// moves its inputs onto a heap stack; an input this node owned alone has its own node's
// inputs moved there too before it dies, so every destructor that runs finds nothing left
// to recurse into. Inputs that someone else still holds just lose one reference. Releasing
// a graph of n nodes takes O(n) time and constant stack.
Node::~Node() {
  std::vector<std::shared_ptr<TensorImpl>> pending = std::move(inputs);
  while (!pending.empty()) {
    std::shared_ptr<TensorImpl> impl = std::move(pending.back());
    pending.pop_back();
    if (impl == nullptr || impl.use_count() != 1) {
      continue;
    }
    std::shared_ptr<Node> node = std::move(impl->grad_fn);
    if (node != nullptr && node.use_count() == 1) {
      for (std::shared_ptr<TensorImpl>& input : node->inputs) {
        pending.push_back(std::move(input));
      }
      node->inputs.clear();
    }
    // node, then impl, die here with no inputs left to release.
  }
}

}  // namespace minitorch::autograd
