// The backward pass: topological order by iterative depth-first search over the graph of
// tensors (no recursion, so long chains cannot overflow the stack), then the rules in that
// order, summing gradients that meet at a tensor. Runs in no-grad mode. Bookkeeping lives
// in the tensors themselves (no hash maps), so two passes over graphs that share tensors
// must not run at the same time on different threads.
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "tensor/tensor_impl.h"

namespace minitorch {
namespace {

std::atomic<std::uint64_t> g_last_pass{0};

// Tensors reachable from root through grad_fn inputs, each before every tensor it depends
// on (so a tensor's gradient is complete when its turn comes). A tensor is visited once per
// pass: its backward_pass mark replaces a visited set.
std::vector<TensorImpl*> topological_order(TensorImpl* root, std::uint64_t pass) {
  std::vector<TensorImpl*> order;
  std::vector<std::pair<TensorImpl*, std::size_t>> stack = {{root, 0}};
  root->backward_pass = pass;
  while (!stack.empty()) {
    auto& [impl, next_input] = stack.back();
    const auto* inputs = impl->grad_fn ? &impl->grad_fn->inputs : nullptr;
    if (inputs != nullptr && next_input < inputs->size()) {
      TensorImpl* child = (*inputs)[next_input++].get();
      if (child != nullptr && child->backward_pass != pass) {
        child->backward_pass = pass;
        stack.emplace_back(child, 0);
      }
      continue;
    }
    order.push_back(impl);
    stack.pop_back();
  }
  return {order.rbegin(), order.rend()};
}

// A gradient nobody else can see (one handle, its own storage, no element reachable twice)
// can become a leaf's grad as it is; anything else is copied, so a leaf's grad never shares
// storage and can be updated in place.
bool exclusively_owned(const Tensor& g) {
  if (g.impl().use_count() != 1 || g.data().storage().use_count() != 1) {
    return false;
  }
  for (int i = 0; i < g.ndim(); ++i) {
    if (g.strides()[i] == 0 && g.shape()[i] > 1) {
      return false;
    }
  }
  return true;
}

void run_backward(const Tensor& root, const Tensor& gradient) {
  NoGradGuard no_grad;
  std::uint64_t pass = g_last_pass.fetch_add(1, std::memory_order_relaxed) + 1;
  std::vector<TensorImpl*> order = topological_order(root.impl().get(), pass);
  root.impl()->pending_grad = gradient;
  try {
    for (TensorImpl* impl : order) {
      Tensor g = std::move(impl->pending_grad);
      impl->pending_grad = Tensor();
      if (!g.defined()) {
        continue;
      }
      if (impl->grad_fn == nullptr) {
        impl->grad = impl->grad.defined() ? impl->grad + g : (exclusively_owned(g) ? g : g.clone());
        if (!impl->post_accumulate_hooks.empty()) {
          // The leaf is complete: its turn comes after every tensor that feeds it.
          for (auto& hook : impl->post_accumulate_hooks) {
            hook();
          }
        }
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
                              " gave a gradient of shape " + to_string(input_grads[i].shape()) +
                              " for input " + std::to_string(i) + " of shape " +
                              to_string(inputs[i]->data.shape()));
        }
        if (input_grads[i].dtype() != inputs[i]->data.dtype()) {
          // A tensor's gradient has its dtype, as in PyTorch: where a 16-bit tensor met a
          // float32 one (Note [Reduced floats]), the rule's float32 gradient is rounded back.
          input_grads[i] = input_grads[i].to(inputs[i]->data.dtype());
        }
        Tensor& slot = inputs[i]->pending_grad;
        slot = slot.defined() ? slot + input_grads[i] : std::move(input_grads[i]);
      }
    }
  } catch (...) {
    // Leave no half-gathered gradient behind for the next pass.
    for (TensorImpl* impl : order) {
      impl->pending_grad = Tensor();
    }
    throw;
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
    throw AutogradError("backward: the tensor (shape " + minitorch::to_string(shape()) +
                        ") does not require grad and has no grad_fn");
  }
  if (!(gradient.shape() == shape())) {
    throw ShapeError("backward: gradient shape " + minitorch::to_string(gradient.shape()) +
                     " differs from the tensor's shape " + minitorch::to_string(shape()));
  }
  if (gradient.dtype() != dtype()) {
    throw DTypeError(
        "backward: gradient dtype " + std::string(minitorch::to_string(gradient.dtype())) +
        " differs from the tensor's dtype " + std::string(minitorch::to_string(dtype())) +
        " (shape " + minitorch::to_string(shape()) + ")");
  }
  run_backward(*this, gradient.detach());
}

}  // namespace minitorch
