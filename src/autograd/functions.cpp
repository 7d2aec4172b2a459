// Every autograd rule, in one table. A forward runs through the ops layer; a backward is
// written with Tensor ops (so it runs on every backend) and executes in no-grad mode.
// Adding a UnaryOp or BinaryOp without a rule below fails to compile (-Werror=switch).
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
// x: input, y: output, g: gradient of the output. Each returns the gradient of x
// (of a and b for binary ops) before broadcasting is undone.

Tensor unary_rule(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& g) {
  switch (op) {
    case UnaryOp::Neg:
      return -g;
    case UnaryOp::Exp:
      return g * y;
    case UnaryOp::Log:
      return g / x;
    case UnaryOp::Sigmoid:
      return g * y * (1.0 - y);
    case UnaryOp::Relu:
      return g * x.gt(0.0);
    case UnaryOp::Tanh:
      return g * (1.0 - y * y);
    case UnaryOp::Inv:
      return -g * y * y;
    case UnaryOp::Abs:
      return g * (x.gt(0.0) - x.lt(0.0));
  }
  throw InternalError("unary_rule: unknown op");
}

// Which saved tensors each rule reads (Note [Saved versions] in node.cpp): only those are
// checked for in-place writes. Adding an op without an entry fails to compile.
struct UnaryReads {
  bool x;
  bool y;
};
UnaryReads unary_reads(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg:
      return {false, false};
    case UnaryOp::Exp:
    case UnaryOp::Sigmoid:
    case UnaryOp::Tanh:
    case UnaryOp::Inv:
      return {false, true};
    case UnaryOp::Log:
    case UnaryOp::Relu:
    case UnaryOp::Abs:
      return {true, false};
  }
  return {true, true};
}

bool is_differentiable(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Pow:
      return true;
    case BinaryOp::Lt:
    case BinaryOp::Gt:
    case BinaryOp::Le:
    case BinaryOp::Ge:
    case BinaryOp::Eq:
      return false;
  }
  return false;
}

std::pair<Tensor, Tensor> binary_rule(BinaryOp op, const Tensor& a, const Tensor& b,
                                      const Tensor& y, const Tensor& g, bool need_b) {
  switch (op) {
    case BinaryOp::Add:
      return {g, g};
    case BinaryOp::Sub:
      return {g, -g};
    case BinaryOp::Mul:
      return {g * b, g * a};
    case BinaryOp::Div:
      return {g / b, -g * y / b};
    case BinaryOp::Pow:
      return {g * b * a.pow(b - 1.0), need_b ? g * y * a.log() : Tensor()};
    case BinaryOp::Lt:
    case BinaryOp::Gt:
    case BinaryOp::Le:
    case BinaryOp::Ge:
    case BinaryOp::Eq:
      break;
  }
  throw InternalError("binary_rule: op " + std::string(to_string(op)) + " is not differentiable");
}

struct BinaryReads {
  bool a;
  bool b;
  bool y;
};
// need_a / need_b: whether a / b gets a gradient.
BinaryReads binary_reads(BinaryOp op, bool need_a, bool need_b) {
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub:
      return {false, false, false};
    case BinaryOp::Mul:
      return {need_b, need_a, false};
    case BinaryOp::Div:
      return {false, true, need_b};
    case BinaryOp::Pow:
      return {true, need_a, need_b};
    case BinaryOp::Lt:
    case BinaryOp::Gt:
    case BinaryOp::Le:
    case BinaryOp::Ge:
    case BinaryOp::Eq:
      break;
  }
  return {true, true, true};
}

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

// x, y: whether the rule reads them (sum needs only x's shape).
UnaryReads reduce_reads(ReduceOp op) {
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

class UnaryNode final : public Node {
 public:
  UnaryNode(UnaryOp op, Tensor x, Tensor y)
      : op_(op), x_(std::move(x), unary_reads(op).x), y_(std::move(y), unary_reads(op).y) {}
  std::string_view name() const override { return to_string(op_); }
  std::vector<Tensor> backward(const Tensor& g) override {
    return {unary_rule(op_, x_.unpack(name()), y_.unpack(name()), g)};
  }

 private:
  UnaryOp op_;
  SavedTensor x_;
  SavedTensor y_;
};

class BinaryNode final : public Node {
 public:
  BinaryNode(BinaryOp op, Tensor a, Tensor b, Tensor y, BinaryReads reads)
      : op_(op), a_(std::move(a), reads.a), b_(std::move(b), reads.b), y_(std::move(y), reads.y) {}
  std::string_view name() const override { return to_string(op_); }
  std::vector<Tensor> backward(const Tensor& g) override {
    const Tensor& a = a_.unpack(name());
    const Tensor& b = b_.unpack(name());
    auto [ga, gb] = binary_rule(op_, a, b, y_.unpack(name()), g, inputs[1] != nullptr);
    return {inputs[0] ? sum_to(ga, a.shape()) : Tensor(),
            inputs[1] ? sum_to(gb, b.shape()) : Tensor()};
  }

 private:
  BinaryOp op_;
  SavedTensor a_;
  SavedTensor b_;
  SavedTensor y_;
};

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

bool needs_grad(const Tensor& a) { return is_grad_enabled() && a.requires_grad(); }

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

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x) {
  TensorData out = ops::map(op, x.data());
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  Tensor y(out);
  return record(std::move(out), std::make_shared<UnaryNode>(op, x, std::move(y)), {&x});
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  TensorData out = ops::zip(op, a.data(), b.data());
  if (!is_differentiable(op) || !(needs_grad(a) || needs_grad(b))) {
    return Tensor(std::move(out));
  }
  Tensor y(out);
  return record(std::move(out),
                std::make_shared<BinaryNode>(
                    op, a, b, std::move(y), binary_reads(op, a.requires_grad(), b.requires_grad())),
                {&a, &b});
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
  if (!needs_grad(x)) {
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
  for (int i = 0; i < kUnaryOpCount; ++i) {
    names.emplace_back(to_string(static_cast<UnaryOp>(i)));
  }
  for (int i = 0; i < kBinaryOpCount; ++i) {
    auto op = static_cast<BinaryOp>(i);
    if (autograd::is_differentiable(op)) {
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
  for (const char* name : {"cat", "stack", "split", "chunk", "amax", "amin", "min", "var", "std",
                           "logsumexp", "cumsum", "softmax", "log_softmax"}) {
    names.emplace_back(name);
  }
  return names;
}

}  // namespace minitorch
