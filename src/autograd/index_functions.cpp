// The autograd rules of the index ops (see index_functions.h). Each pair of primitives is the
// other's backward: gather <-> scatter_add, index_select <-> index_add; flip is its own.
// Backward rules are written with the public Tensor functions, so they run on every backend
// and are themselves differentiable.
#include "autograd/index_functions.h"

#include <utility>

#include "autograd/functions.h"
#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/factories.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch::autograd {
namespace {

Tensor zeros_of(const Shape& shape, const Tensor& like) {
  return zeros(shape, {.dtype = like.dtype(), .device = like.device()});
}

class GatherNode final : public Node {
 public:
  GatherNode(const Shape& in_shape, int dim, const Tensor& index)
      : in_shape_(in_shape), dim_(dim), index_(index) {}
  std::string_view name() const override { return "gather"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    return {minitorch::scatter_add(zeros_of(in_shape_, g), dim_, index_.unpack(name()), g)};
  }

 private:
  Shape in_shape_;
  int dim_;
  SavedTensor index_;
};

class ScatterAddNode final : public Node {
 public:
  ScatterAddNode(int dim, const Tensor& index, const Shape& src_shape)
      : dim_(dim), index_(index), src_shape_(src_shape) {}
  std::string_view name() const override { return "scatter_add"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor g_src;
    if (inputs[1]) {
      const Tensor& index = index_.unpack(name());
      g_src = minitorch::gather(g, dim_, index);
      if (!(index.shape() == src_shape_)) {
        // src elements outside index's shape were never added: their gradient is zero.
        Tensor padded = zeros_of(src_shape_, g);
        Tensor(TensorData(padded.data().storage(), padded.storage_offset(), index.shape(),
                          padded.strides(), padded.dtype()))
            .copy_(g_src);
        g_src = padded;
      }
    }
    return {inputs[0] ? g : Tensor(), g_src};
  }

 private:
  int dim_;
  SavedTensor index_;
  Shape src_shape_;
};

class IndexSelectNode final : public Node {
 public:
  IndexSelectNode(const Shape& in_shape, int dim, const Tensor& index)
      : in_shape_(in_shape), dim_(dim), index_(index) {}
  std::string_view name() const override { return "index_select"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    return {minitorch::index_add(zeros_of(in_shape_, g), dim_, index_.unpack(name()), g)};
  }

 private:
  Shape in_shape_;
  int dim_;
  SavedTensor index_;
};

class IndexAddNode final : public Node {
 public:
  IndexAddNode(int dim, const Tensor& index) : dim_(dim), index_(index) {}
  std::string_view name() const override { return "index_add"; }
  std::vector<Tensor> backward(const Tensor& g) override {
    Tensor g_src = inputs[1] ? minitorch::index_select(g, dim_, index_.unpack(name())) : Tensor();
    return {inputs[0] ? g : Tensor(), g_src};
  }

 private:
  int dim_;
  SavedTensor index_;
};

class FlipNode final : public Node {
 public:
  explicit FlipNode(const Dims& dims) : dims_(dims) {}
  std::string_view name() const override { return "flip"; }
  std::vector<Tensor> backward(const Tensor& g) override { return {minitorch::flip(g, dims_)}; }

 private:
  Dims dims_;
};

// dim wrapped for x (0 for a scalar); the forward has already checked it.
int wrapped(std::int64_t dim, const Tensor& x, const char* op) {
  return x.ndim() == 0 ? 0 : wrap_dim(dim, x.ndim(), op, x.shape());
}

}  // namespace

Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index) {
  TensorData out = ops::gather(x.data(), dim, index.data());
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  return record(std::move(out),
                std::make_shared<GatherNode>(x.shape(), wrapped(dim, x, "gather"), index), {&x});
}

Tensor scatter_add(const Tensor& a, std::int64_t dim, const Tensor& index, const Tensor& src) {
  TensorData out = ops::scatter_add(a.data(), dim, index.data(), src.data());
  if (!(needs_grad(a) || needs_grad(src))) {
    return Tensor(std::move(out));
  }
  return record(
      std::move(out),
      std::make_shared<ScatterAddNode>(wrapped(dim, a, "scatter_add"), index, src.shape()),
      {&a, &src});
}

Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index) {
  TensorData out = ops::index_select(x.data(), dim, index.data());
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  return record(
      std::move(out),
      std::make_shared<IndexSelectNode>(x.shape(), wrapped(dim, x, "index_select"), index), {&x});
}

Tensor index_add(const Tensor& a, std::int64_t dim, const Tensor& index, const Tensor& src) {
  TensorData out = ops::index_add(a.data(), dim, index.data(), src.data());
  if (!(needs_grad(a) || needs_grad(src))) {
    return Tensor(std::move(out));
  }
  return record(std::move(out), std::make_shared<IndexAddNode>(wrapped(dim, a, "index_add"), index),
                {&a, &src});
}

Tensor flip(const Tensor& x, const Dims& dims) {
  TensorData out = ops::flip(x.data(), dims);
  if (!needs_grad(x)) {
    return Tensor(std::move(out));
  }
  return record(std::move(out), std::make_shared<FlipNode>(dims), {&x});
}

}  // namespace minitorch::autograd
