// unfold and pad with their backward rules. See window_functions.h.
#include "autograd/window_functions.h"

#include <memory>
#include <string>
#include <utility>

#include "autograd/functions.h"
#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/factories.h"

namespace minitorch::autograd {
namespace {

class UnfoldNode final : public Node {
 public:
  UnfoldNode(const Shape& in_shape, int dim, std::int64_t size, std::int64_t step)
      : in_shape_(in_shape), dim_(dim), size_(size), step_(step) {}
  std::string_view name() const override { return "unfold"; }
  // g [.., windows, .., size]: window offset k of every window lands at k, k + step, ... of
  // dim. One strided add per offset keeps the sum order fixed on every backend.
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor grad = zeros(in_shape_, {.dtype = g.dtype(), .device = g.device()});
    std::int64_t windows = g.shape()[dim_];
    if (windows == 0) {
      return {grad};
    }
    for (std::int64_t k = 0; k < size_; ++k) {
      Tensor positions(grad.data().slice(dim_, k, k + (windows - 1) * step_ + 1, step_));
      positions.add_(g.select(-1, k));
    }
    return {grad};
  }

 private:
  Shape in_shape_;
  int dim_;
  std::int64_t size_;
  std::int64_t step_;
};

class PadNode final : public Node {
 public:
  PadNode(const Shape& in_shape, std::vector<std::int64_t> before)
      : in_shape_(in_shape), before_(std::move(before)) {}
  std::string_view name() const override { return "pad"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor interior = g;
    for (int d = 0; d < in_shape_.size(); ++d) {
      auto i = static_cast<std::size_t>(d);
      interior = interior.narrow(d, before_[i], in_shape_[d]);
    }
    return {interior};
  }

 private:
  Shape in_shape_;
  std::vector<std::int64_t> before_;
};

}  // namespace

Tensor unfold(const Tensor& x, std::int64_t dim, std::int64_t size, std::int64_t step) {
  TensorData out = x.data().unfold(dim, size, step);
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  int d = wrap_dim(dim, x.ndim(), "unfold", x.shape());
  return record(std::move(out), std::make_shared<UnfoldNode>(x.shape(), d, size, step), {&x});
}

Tensor pad(const Tensor& x, const std::vector<std::int64_t>& before,
           const std::vector<std::int64_t>& after, double value) {
  Shape out_shape = x.shape();
  for (int d = 0; d < x.ndim(); ++d) {
    auto i = static_cast<std::size_t>(d);
    out_shape[d] += before[i] + after[i];
  }
  Tensor out = full(out_shape, value, {.dtype = x.dtype(), .device = x.device()});
  {
    NoGradGuard no_grad;
    Tensor interior = out;
    for (int d = 0; d < x.ndim(); ++d) {
      interior = interior.narrow(d, before[static_cast<std::size_t>(d)], x.shape()[d]);
    }
    interior.copy_(x);
  }
  if (!needs_grad(x)) {
    return out;
  }
  return record(out.data(), std::make_shared<PadNode>(x.shape(), before), {&x});
}

}  // namespace minitorch::autograd
