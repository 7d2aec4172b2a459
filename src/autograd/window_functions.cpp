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
  // dim. Windows that do not overlap (step >= size, e.g. pooling) take one copy through the
  // same unfold view; overlapping ones one add per offset, in order k = 0..size-1, so the sum
  // order is fixed on every backend. (Moving the offset dim next to dim first, so each add
  // reads dim's inner layout, cost more in its copy than it saved: measured on conv2d's
  // backward, 32x32x16, CPU.)
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor grad = zeros(in_shape_, {.dtype = g.dtype(), .device = g.device()});
    std::int64_t windows = g.shape()[dim_];
    if (windows == 0 || size_ == 0) {
      return {grad};
    }
    if (step_ >= size_) {
      Tensor(grad.data().unfold(dim_, size_, step_)).copy_(g);
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

// kernel offset o (row-major over the kernel dims) -> its index along each spatial dim.
std::vector<std::int64_t> offset_index(std::int64_t o, const std::vector<std::int64_t>& kernel) {
  std::vector<std::int64_t> index(kernel.size());
  for (std::size_t i = kernel.size(); i-- > 0;) {
    index[i] = o % kernel[i];
    o /= kernel[i];
  }
  return index;
}

class Im2colNode final : public Node {
 public:
  Im2colNode(const Shape& in_shape, const Shape& out_sizes, std::vector<std::int64_t> kernel,
             std::vector<std::int64_t> stride, std::vector<std::int64_t> dilation)
      : in_shape_(in_shape),
        out_sizes_(out_sizes),
        kernel_(std::move(kernel)),
        stride_(std::move(stride)),
        dilation_(std::move(dilation)) {}
  std::string_view name() const override { return "im2col"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor grad = zeros(in_shape_, {.dtype = g.dtype(), .device = g.device()});
    auto spatial = static_cast<int>(kernel_.size());
    // g [N, G, C/G * K, L] -> [N, C, K, out...]: a view when g is contiguous.
    Shape columns = {in_shape_[0], in_shape_[1], 1};
    std::int64_t offsets = 1;
    for (std::int64_t k : kernel_) {
      offsets *= k;
    }
    columns[2] = offsets;
    for (std::int64_t size : out_sizes_) {
      columns.push_back(size);
    }
    Tensor per_offset = g.reshape(columns);
    for (std::int64_t o = 0; o < offsets; ++o) {
      std::vector<std::int64_t> at = offset_index(o, kernel_);
      TensorData positions = grad.data();
      for (int i = 0; i < spatial; ++i) {
        auto s = static_cast<std::size_t>(i);
        std::int64_t begin = at[s] * dilation_[s];
        positions =
            positions.slice(2 + i, begin, begin + (out_sizes_[i] - 1) * stride_[s] + 1, stride_[s]);
      }
      Tensor(positions).add_(per_offset.select(2, o));
    }
    return {grad};
  }

 private:
  Shape in_shape_;
  Shape out_sizes_;
  std::vector<std::int64_t> kernel_;
  std::vector<std::int64_t> stride_;
  std::vector<std::int64_t> dilation_;
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

Tensor im2col(const Tensor& x, const std::vector<std::int64_t>& kernel,
              const std::vector<std::int64_t>& stride, const std::vector<std::int64_t>& dilation,
              std::int64_t groups) {
  auto spatial = static_cast<int>(kernel.size());
  TensorData windows = x.data();
  Shape out_sizes;
  std::int64_t window = 1;
  for (int i = 0; i < spatial; ++i) {
    auto s = static_cast<std::size_t>(i);
    std::int64_t span = dilation[s] * (kernel[s] - 1) + 1;
    windows = windows.unfold(2 + i, span, stride[s]);
    if (dilation[s] > 1) {
      windows = windows.slice(-1, 0, span, dilation[s]);
    }
    out_sizes.push_back(windows.shape()[2 + i]);
    window *= kernel[s];
  }
  // [N, C, out..., kernel...] -> [N, C, kernel..., out...] -> [N, G, C/G * K, L].
  Dims order = {0, 1};
  for (int i = 0; i < spatial; ++i) {
    order.push_back(2 + spatial + i);
  }
  for (int i = 0; i < spatial; ++i) {
    order.push_back(2 + i);
  }
  std::int64_t positions = 1;
  for (std::int64_t size : out_sizes) {
    positions *= size;
  }
  Tensor columns;
  {
    NoGradGuard no_grad;
    columns = Tensor(windows.permute(order))
                  .reshape({x.shape()[0], groups, x.shape()[1] / groups * window, positions});
  }
  if (!needs_grad(x)) {
    return columns;
  }
  return record(columns.data(),
                std::make_shared<Im2colNode>(x.shape(), out_sizes, kernel, stride, dilation), {&x});
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
