// cat and cumsum: forwards and graph nodes. See composite_functions.h.
#include "autograd/composite_functions.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/factories.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch::autograd {
namespace {

// Note [Cumsum order]: cumsum is a Hillis-Steele scan, ceil(log2(n)) steps of one copy and
// one zip(add) each: step s adds the running sums s places back, y'[i] = y[i] + y[i - s] for
// i >= s, with s = 1, 2, 4, ... Every backend evaluates the same adds in the same order, so
// the result is bitwise identical on every backend and for any thread count. The order is a
// tree, not left to right: out[i] is the sum of x[0..i] in blocks of powers of two, so its
// rounding error grows with log2(i) rather than i, but it is not bitwise equal to a sequential
// running sum, nor is out[n - 1] bitwise equal to sum() (a different tree); with non-negative
// inputs the rounded partial sums need not be monotone. The work is n log2(n) adds instead of
// n. reverse = true scans from the end: out[i] = x[i] + ... + x[n - 1] (cumsum's backward).
Tensor scan_add(const Tensor& x, int dim, bool reverse) {
  NoGradGuard no_grad;
  Tensor y = x.detach().clone();
  if (y.ndim() == 0) {
    return y;
  }
  std::int64_t n = y.shape()[dim];
  for (std::int64_t s = 1; s<n; s = s> n / 2 ? n : s * 2) {
    Tensor next = y.clone();
    if (reverse) {
      next.narrow(dim, 0, n - s).add_(y.narrow(dim, s, n - s));
    } else {
      next.narrow(dim, s, n - s).add_(y.narrow(dim, 0, n - s));
    }
    y = std::move(next);
  }
  return y;
}

class CatNode final : public Node {
 public:
  CatNode(int dim, std::vector<std::int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  std::string_view name() const override { return "cat"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    std::vector<Tensor> grads(sizes_.size());
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < sizes_.size(); ++i) {
      if (inputs[i] != nullptr) {
        grads[i] = g.narrow(dim_, offset, sizes_[i]);
      }
      offset += sizes_[i];
    }
    return grads;
  }

 private:
  int dim_;
  std::vector<std::int64_t> sizes_;
};

class CumsumNode final : public Node {
 public:
  explicit CumsumNode(int dim) : dim_(dim) {}
  std::string_view name() const override { return "cumsum"; }
  // out[i] = x[0] + ... + x[i], so dL/dx[j] = g[j] + ... + g[n - 1]: the reversed scan.
  std::vector<Tensor> backward(const Tensor& g) override {
    return {scan_add(g, dim_, /*reverse=*/true)};
  }

 private:
  int dim_;
};

Tensor record(Tensor out, std::shared_ptr<Node> node, const std::vector<const Tensor*>& inputs) {
  for (const Tensor* input : inputs) {
    node->inputs.push_back(input->requires_grad() ? input->impl() : nullptr);
  }
  out.impl()->requires_grad = true;
  out.impl()->grad_fn = std::move(node);
  return out;
}

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int dim, const Shape& out_shape) {
  const Tensor& first = tensors.front();
  TensorData out = TensorData::empty(out_shape, first.dtype(), first.device());
  std::vector<std::int64_t> sizes;
  std::vector<const Tensor*> inputs;
  bool needs_grad = false;
  std::int64_t offset = 0;
  for (const Tensor& t : tensors) {
    std::int64_t size = t.shape()[dim];
    if (t.numel() > 0) {
      TensorData part = out.narrow(dim, offset, size);
      ops::copy_into(t.data(), part, "cat");
    }
    offset += size;
    sizes.push_back(size);
    inputs.push_back(&t);
    needs_grad = needs_grad || t.requires_grad();
  }
  if (!needs_grad || !is_grad_enabled()) {
    return Tensor(std::move(out));
  }
  return record(Tensor(std::move(out)), std::make_shared<CatNode>(dim, std::move(sizes)), inputs);
}

Tensor cumsum(const Tensor& x, int dim) {
  Tensor out = scan_add(x, dim, /*reverse=*/false);
  if (!(x.requires_grad() && is_grad_enabled())) {
    return out;
  }
  return record(std::move(out), std::make_shared<CumsumNode>(dim), {&x});
}

}  // namespace minitorch::autograd
