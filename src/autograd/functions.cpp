// The autograd rules of the non-elementwise ops (reductions, matmul, views, copies); the
// elementwise ones come from the op descriptors (elementwise_function.cpp). A forward runs
// through the ops layer; a backward is written with Tensor ops (so it runs on every backend)
// and executes in no-grad mode.
#include "autograd/functions.h"

#include <string>
#include <utility>

#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch::autograd {
namespace {

// ---- The rules ------------------------------------------------------------------------
// g has y's shape (dim kept as size 1).
Tensor reduce_rule(ReduceOp op, const Tensor& x, const Tensor& y, int dim, const Tensor& g) {
  switch (op) {
    case ReduceOp::Sum:
      return g.expand(x.shape());
    case ReduceOp::Max: {
      // amax: ties share the gradient equally.
      Tensor mask = x.eq(y);
      return g * mask / mask.sum(dim, /*keepdim=*/true);
    }
    case ReduceOp::Prod: {
      // d/dx_i = product of the other elements. g * y / x is wrong where x_i = 0, so count
      // the zeros: none -> p / x_i with p the product of the (non-zero) elements; exactly
      // one -> p_nz (the product of the non-zeros) at the zero and 0 elsewhere; two or
      // more -> 0 everywhere.
      Tensor is_zero = x.eq(0.0);
      Tensor zeros = is_zero.sum(dim, /*keepdim=*/true);
      Tensor x_nz = x + is_zero;
      Tensor p_nz = x_nz.prod(dim, /*keepdim=*/true);
      Tensor others = zeros.eq(0.0) * p_nz / x_nz + zeros.eq(1.0) * is_zero * p_nz;
      return g * others;
    }
  }
  throw InternalError("reduce_rule: unknown op");
}

// Which saved tensors a rule reads (Note [Saved versions] in node.cpp): only those are
// checked for in-place writes. x, y: whether the rule reads them (sum needs only x's shape).
struct ReduceReads {
  bool x;
  bool y;
};
ReduceReads reduce_reads(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum:
      return {false, false};
    case ReduceOp::Max:
      return {true, true};
    case ReduceOp::Prod:
      return {true, false};
  }
  return {true, true};
}

// ---- Nodes ----------------------------------------------------------------------------

class ReduceNode final : public Node {
 public:
  ReduceNode(ReduceOp op, Tensor x, Tensor y, int dim)
      : op_(op),
        x_(std::move(x), reduce_reads(op).x),
        y_(std::move(y), reduce_reads(op).y),
        dim_(dim) {}
  std::string_view name() const override { return to_string(op_); }
  std::vector<Tensor> backward(const Tensor& g) override {
    const Tensor& x = x_.unpack(name());
    if (x.ndim() == 0) {
      return {g};
    }
    return {reduce_rule(op_, x, y_.unpack(name()), dim_, g)};
  }

 private:
  ReduceOp op_;
  SavedTensor x_;
  SavedTensor y_;
  int dim_;
};

// Column-major in its last two dims (a transposed view of a row-major matrix).
bool f_ordered(const Tensor& t) {
  int nd = t.ndim();
  return t.strides()[nd - 2] == 1 && t.shape()[nd - 2] > 1 && t.shape()[nd - 1] > 1;
}

class MatmulNode final : public Node {
 public:
  // a's elements are read for b's gradient and b's for a's.
  MatmulNode(Tensor a, Tensor b, bool need_a, bool need_b)
      : a_(std::move(a), need_b), b_(std::move(b), need_a) {}
  std::string_view name() const override { return "matmul"; }
  // Transposes are views: no copies on the way into the kernel. Each gradient is made in
  // its input's memory order: for an F-ordered input (typically a transposed weight, as in
  // Linear's x @ W^T) the kernel computes the transposed product, so the gradient that flows
  // back through the transpose is contiguous again and needs no copy.
  std::vector<Tensor> backward(const Tensor& g) override {
    const Tensor& a = a_.unpack(name());
    const Tensor& b = b_.unpack(name());
    Tensor ga;
    Tensor gb;
    if (inputs[0]) {
      ga = f_ordered(a) ? b.matmul(g.transpose(-1, -2)).transpose(-1, -2)
                        : g.matmul(b.transpose(-1, -2));
    }
    if (inputs[1]) {
      gb = f_ordered(b) ? g.transpose(-1, -2).matmul(a).transpose(-1, -2)
                        : a.transpose(-1, -2).matmul(g);
    }
    return {inputs[0] ? sum_to(ga, a.shape()) : Tensor(),
            inputs[1] ? sum_to(gb, b.shape()) : Tensor()};
  }

 private:
  SavedTensor a_;
  SavedTensor b_;
};

class PermuteNode final : public Node {
 public:
  explicit PermuteNode(const Dims& order) {
    inverse_ = Dims::filled(order.size(), 0);
    for (int i = 0; i < order.size(); ++i) {
      inverse_[static_cast<int>(order[i])] = i;
    }
  }
  std::string_view name() const override { return "permute"; }
  std::vector<Tensor> backward(const Tensor& g) override { return {g.permute(inverse_)}; }

 private:
  Dims inverse_;
};

class ReshapeNode final : public Node {
 public:
  explicit ReshapeNode(const Shape& in_shape) : in_shape_(in_shape) {}
  std::string_view name() const override { return "view"; }
  std::vector<Tensor> backward(const Tensor& g) override { return {g.reshape(in_shape_)}; }

 private:
  Shape in_shape_;
};

class ExpandNode final : public Node {
 public:
  explicit ExpandNode(const Shape& in_shape) : in_shape_(in_shape) {}
  std::string_view name() const override { return "expand"; }
  std::vector<Tensor> backward(const Tensor& g) override { return {sum_to(g, in_shape_)}; }

 private:
  Shape in_shape_;
};

class SliceNode final : public Node {
 public:
  SliceNode(const Shape& in_shape, int dim, std::int64_t begin, std::int64_t stop,
            std::int64_t step)
      : in_shape_(in_shape), dim_(dim), begin_(begin), stop_(stop), step_(step) {}
  std::string_view name() const override { return "slice"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor grad = zeros(in_shape_, {.dtype = g.dtype(), .device = g.device()});
    Tensor region(grad.data().slice(dim_, begin_, stop_, step_));
    region.copy_(g);
    return {grad};
  }

 private:
  Shape in_shape_;
  int dim_;
  std::int64_t begin_;
  std::int64_t stop_;
  std::int64_t step_;
};

class CopyNode final : public Node {
 public:
  CopyNode(DType dtype, Device device) : dtype_(dtype), device_(device) {}
  std::string_view name() const override { return "copy"; }
  std::vector<Tensor> backward(const Tensor& g) override { return {g.to(device_).to(dtype_)}; }

 private:
  DType dtype_;
  Device device_;
};

// ---- Recording --------------------------------------------------------------------------

}  // namespace

bool needs_grad(const Tensor& a) { return is_grad_enabled() && a.requires_grad(); }

Tensor record(TensorData out, std::shared_ptr<Node> node, std::span<const Tensor> inputs) {
  Tensor result(std::move(out));
  for (const Tensor& input : inputs) {
    node->inputs.push_back(input.requires_grad() ? input.impl() : nullptr);
  }
  result.impl()->requires_grad = true;
  result.impl()->grad_fn = std::move(node);
  return result;
}

Tensor record(TensorData out, std::shared_ptr<Node> node,
              std::initializer_list<const Tensor*> inputs) {
  Tensor result(std::move(out));
  for (const Tensor* input : inputs) {
    node->inputs.push_back(input->requires_grad() ? input->impl() : nullptr);
  }
  result.impl()->requires_grad = true;
  result.impl()->grad_fn = std::move(node);
  return result;
}

Tensor reduce(ReduceOp op, const Tensor& x, std::int64_t dim) {
  TensorData out = ops::reduce(op, x.data(), dim);
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  int d = x.ndim() == 0 ? 0 : wrap_dim(dim, x.ndim(), "reduce", x.shape());
  Tensor y(out);
  return record(std::move(out), std::make_shared<ReduceNode>(op, x, std::move(y), d), {&x});
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  TensorData out = ops::matmul(a.data(), b.data());
  if (!(needs_grad(a) || needs_grad(b))) {
    return Tensor(std::move(out));
  }
  return record(std::move(out),
                std::make_shared<MatmulNode>(a, b, a.requires_grad(), b.requires_grad()), {&a, &b});
}

Tensor permute(const Tensor& x, const Dims& order) {
  TensorData out = x.data().permute(order);
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  Dims wrapped;
  for (std::int64_t d : order) {
    wrapped.push_back(d < 0 ? d + x.ndim() : d);
  }
  return record(std::move(out), std::make_shared<PermuteNode>(wrapped), {&x});
}

Tensor expand(const Tensor& x, const Shape& shape) {
  TensorData out = x.data().expand(shape);
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  return record(std::move(out), std::make_shared<ExpandNode>(x.shape()), {&x});
}

Tensor reshaped(const Tensor& x, const TensorData& out) {
  if (!needs_grad(x)) {
    return Tensor(out);
  }
  return record(out, std::make_shared<ReshapeNode>(x.shape()), {&x});
}

Tensor slice(const Tensor& x, int dim, std::int64_t begin, std::int64_t stop, std::int64_t step) {
  TensorData out = x.data().slice(dim, begin, stop, step);
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  return record(std::move(out), std::make_shared<SliceNode>(x.shape(), dim, begin, stop, step),
                {&x});
}

Tensor copy(const Tensor& x, DType dtype, Device device) {
  TensorData out = ops::copy_to(x.data(), dtype, device);
  // int64 and bool values have no gradient: the conversion ends the graph, as in PyTorch.
  if (!needs_grad(x) || !is_floating_point(dtype)) {
    return Tensor(std::move(out));
  }
  return record(std::move(out), std::make_shared<CopyNode>(x.dtype(), x.device()), {&x});
}

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) {
    return g;
  }
  Tensor out = g;
  int lead = g.ndim() - shape.size();
  for (int i = 0; i < lead; ++i) {
    out = out.sum(0);
  }
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1 && out.shape()[i] != 1) {
      out = out.sum(i, /*keepdim=*/true);
    }
  }
  return out;
}

}  // namespace minitorch::autograd

namespace minitorch {

std::vector<std::string> differentiable_ops() {
  std::vector<std::string> names;
  for (int i = 0; i < kOpCount; ++i) {
    auto op = static_cast<OpCode>(i);
    if (dispatch_op(op, [](auto d) { return decltype(d)::differentiable; })) {
      names.emplace_back(to_string(op));
    }
  }
  for (int i = 0; i < kReduceOpCount; ++i) {
    names.emplace_back(to_string(static_cast<ReduceOp>(i)));
  }
  // Composite or view ops of the public API, each with its own gradcheck case.
  for (const char* name :
       {"mean", "matmul", "permute", "transpose", "view", "reshape", "expand", "slice", "narrow",
        "select", "squeeze", "unsqueeze", "flatten", "contiguous", "clone", "to_dtype"}) {
    names.emplace_back(name);
  }
  // Composites of issue 11 (src/tensor/tensor_joins.cpp, tensor_reductions.cpp).
  for (const char* name :
       {"cat", "stack", "split", "chunk", "amax", "amin", "min", "var", "std", "logsumexp",
        "cumsum", "softmax", "log_softmax", "clamp", "leaky_relu", "gelu", "silu"}) {
    names.emplace_back(name);
  }
  // Arg reductions and masks (src/tensor/tensor_argops.cpp); their indices are not
  // differentiable, their values are.
  for (const char* name : {"max_with_indices", "min_with_indices", "masked_fill"}) {
    names.emplace_back(name);
  }
  // Convolution and its building blocks (issue 13, include/minitorch/convolution.h).
  for (const char* name :
       {"unfold", "pad", "conv1d", "conv2d", "avg_pool2d", "max_pool2d", "embedding"}) {
    names.emplace_back(name);
  }
  return names;
}

}  // namespace minitorch
