// The backward pass: topological order by iterative depth-first search over the graph of
// tensors (no recursion, so long chains cannot overflow the stack), then the rules in
// reverse order, summing gradients that meet at a tensor. Runs in no-grad mode.
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "tensor/tensor_impl.h"

namespace minitorch {
namespace {

// Tensors reachable from root through grad_fn inputs, each after all tensors it feeds.
std::vector<TensorImpl*> topological_order(TensorImpl* root) {
  std::vector<TensorImpl*> order;
  std::unordered_set<TensorImpl*> visited;
  std::vector<std::pair<TensorImpl*, std::size_t>> stack = {{root, 0}};
  visited.insert(root);
  while (!stack.empty()) {
    auto& [impl, next_input] = stack.back();
    const auto* inputs = impl->grad_fn ? &impl->grad_fn->inputs : nullptr;
    if (inputs != nullptr && next_input < inputs->size()) {
      TensorImpl* child = (*inputs)[next_input++].get();
      if (child != nullptr && visited.insert(child).second) {
        stack.emplace_back(child, 0);
      }
      continue;
    }
    order.push_back(impl);
    stack.pop_back();
  }
  return {order.rbegin(), order.rend()};
}

void run_backward(const Tensor& root, const Tensor& gradient) {
  NoGradGuard no_grad;
  std::unordered_map<TensorImpl*, Tensor> grads;
  grads[root.impl().get()] = gradient;
  for (TensorImpl* impl : topological_order(root.impl().get())) {
    auto found = grads.find(impl);
    if (found == grads.end()) {
      continue;
    }
    Tensor g = std::move(found->second);
    grads.erase(found);
    if (impl->grad_fn == nullptr) {
      // A leaf keeps a gradient of its own (never a view of another tensor's storage).
      impl->grad = impl->grad.defined() ? impl->grad + g : g.clone().contiguous();
      continue;
    }
    std::vector<Tensor> input_grads = impl->grad_fn->backward(g);
    const auto& inputs = impl->grad_fn->inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i] == nullptr || !input_grads[i].defined()) {
        continue;
      }
      if (!(input_grads[i].shape() == inputs[i]->data.shape())) {
        throw InternalError("backward: rule for " + std::string(impl->grad_fn->name()) +
                            " gave a gradient of shape " + minitorch::to_string(input_grads[i].shape()) +
                            " for input " + std::to_string(i) + " of shape " +
                            minitorch::to_string(inputs[i]->data.shape()));
      }
      Tensor& slot = grads[inputs[i].get()];
      slot = slot.defined() ? slot + input_grads[i] : input_grads[i];
    }
  }
}

}  // namespace

void Tensor::backward() const {
  if (numel() != 1) {
    throw ShapeError("backward: the tensor has shape " + minitorch::to_string(shape()) +
                     "; without an explicit gradient it must have one element");
  }
  backward(ones(shape(), {.dtype = dtype(), .device = device()}));
}

void Tensor::backward(const Tensor& gradient) const {
  if (!requires_grad()) {
    throw Error("backward: the tensor (shape " + minitorch::to_string(shape()) +
                ") does not require grad and has no grad_fn");
  }
  if (!(gradient.shape() == shape())) {
    throw ShapeError("backward: gradient shape " + minitorch::to_string(gradient.shape()) +
                     " differs from the tensor's shape " + minitorch::to_string(shape()));
  }
  if (gradient.dtype() != dtype()) {
    throw DTypeError("backward: gradient dtype " + std::string(minitorch::to_string(gradient.dtype())) +
                     " differs from the tensor's dtype " + std::string(minitorch::to_string(dtype())) +
                     " (shape " + minitorch::to_string(shape()) + ")");
  }
  run_backward(*this, gradient.detach());
}

}  // namespace minitorch
