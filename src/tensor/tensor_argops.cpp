// Arg reductions (argmax, argmin, max/min_with_indices), one_hot and masked_fill: compositions
// of amax/amin, where, gather and comparisons, so they need no backend code and every backend
// gives the same indices. Not a new primitive: an index costs a few extra passes.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/layout.h"
#include "minitorch/tensor.h"
#include "minitorch/user_function.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch {
namespace {

// Note [Arg reductions]: the index of the extreme along dim d is found in four passes over x,
// deterministic on every backend:
//   m   = amax(x, d) (amin for argmin), NaN if the row holds one (amax propagates NaN);
//   hit = x == m, or x is NaN (so a NaN, the extreme to PyTorch, is found where m is NaN);
//   idx = where(hit, position along d, n);
//   amin(idx, d): the first hit.
// Positions are float64 (exact below 2^53), so the last amin is a floating reduction: an
// int64 one would read idx back to the host for Note [Integer reductions]'s bound. Values
// are then a gather at the index, which routes the whole gradient to that one element. An
// int64 x passes through amax's float64 path (|x| <= 2^53); bool compares as int64.
// Returns int64 indices with d kept as size 1.
Tensor first_extreme(const Tensor& x, int d, bool largest, const char* op) {
  const std::int64_t n = x.shape()[d];
  if (n == 0) {
    throw ShapeError(std::string(op) + ": cannot reduce over dim " + std::to_string(d) +
                     " of size 0 (shape " + to_string(x.shape()) + "); it has no index");
  }
  static const auto is_hit =
      elementwise([](auto v, auto m) { return where(eq(v, v), eq(v, m), 1) > 0; }, "is_hit");
  Tensor v = x.dtype() == kBool ? x.to(kInt64) : x.detach();
  Tensor hit = is_hit(v, largest ? v.amax(d, true) : v.amin(d, true));
  Shape along = Shape::filled(x.ndim(), 1);
  along[d] = n;
  Tensor positions = arange(static_cast<double>(n), {.dtype = kFloat64, .device = x.device()});
  return where(hit, positions.view(along), static_cast<double>(n)).amin(d, true).to(kInt64);
}

// argmax/argmin/max_with_indices over dim: {values, indices}, values only when asked for.
ValuesAndIndices extreme_with_index(const Tensor& x, std::int64_t dim, bool keepdim, bool largest,
                                    bool values, const char* op) {
  int d = wrap_dim(dim, x.ndim(), op, x.shape());
  if (x.ndim() == 0) {  // PyTorch: a scalar is its own extreme, at index 0
    ValuesAndIndices one = extreme_with_index(x.reshape({1}), 0, true, largest, values, op);
    return {values ? one.values.reshape({}) : Tensor(), one.indices.reshape({})};
  }
  Tensor index = first_extreme(x, d, largest, op);
  Tensor value = values ? gather(x, d, index) : Tensor();
  if (keepdim) {
    return {value, index};
  }
  return {values ? value.squeeze(d) : value, index.squeeze(d)};
}

Tensor flat_extreme_index(const Tensor& x, bool largest, const char* op) {
  if (x.numel() == 0) {
    throw ShapeError(std::string(op) + ": cannot reduce a tensor with 0 elements (shape " +
                     to_string(x.shape()) + "); it has no index");
  }
  return extreme_with_index(x.reshape({-1}), 0, false, largest, false, op).indices;
}

void check_mask(const Tensor& mask, const Tensor& self, const char* op) {
  if (mask.dtype() != kBool) {
    throw DTypeError(std::string(op) + ": the mask must be bool, got " +
                     std::string(to_string(mask.dtype())) + " (mask shape " +
                     to_string(mask.shape()) + ", shape " + to_string(self.shape()) + ")");
  }
  if (mask.device() != self.device()) {
    throw DeviceError(std::string(op) + ": the mask is on " + mask.device().to_string() +
                      ", the tensor on " + self.device().to_string());
  }
}

}  // namespace

Tensor Tensor::argmax(std::int64_t dim, bool keepdim) const {
  return extreme_with_index(*this, dim, keepdim, true, false, "argmax").indices;
}

Tensor Tensor::argmax() const { return flat_extreme_index(*this, true, "argmax"); }

Tensor Tensor::argmin(std::int64_t dim, bool keepdim) const {
  return extreme_with_index(*this, dim, keepdim, false, false, "argmin").indices;
}

Tensor Tensor::argmin() const { return flat_extreme_index(*this, false, "argmin"); }

ValuesAndIndices Tensor::max_with_indices(std::int64_t dim, bool keepdim) const {
  return extreme_with_index(*this, dim, keepdim, true, true, "max_with_indices");
}

ValuesAndIndices Tensor::min_with_indices(std::int64_t dim, bool keepdim) const {
  return extreme_with_index(*this, dim, keepdim, false, true, "min_with_indices");
}

Tensor Tensor::masked_fill(const Tensor& mask, double value) const {
  check_mask(mask, *this, "masked_fill");
  shape_broadcast(shape(), mask.shape(), "masked_fill");
  // The value in this dtype, so that the result keeps it (PyTorch); where promotes otherwise.
  return where(mask, full({}, value, {.dtype = dtype(), .device = device()}), *this);
}

Tensor& Tensor::masked_fill_(const Tensor& mask, double value) {
  check_in_place("masked_fill_");
  check_mask(mask, *this, "masked_fill_");
  if (!(shape_broadcast(shape(), mask.shape(), "masked_fill_") == shape())) {
    throw ShapeError("masked_fill_: mask shape " + minitorch::to_string(mask.shape()) +
                     " does not broadcast to the destination's shape " +
                     minitorch::to_string(shape()));
  }
  Tensor fill = full({}, value, {.dtype = dtype(), .device = device()});
  if (dtype() == kBool) {
    // where over bools computes in int64 (Note [Type promotion]): a pass to convert back.
    ops::copy_into(where(mask, fill, *this).data(), impl_->data, "masked_fill_");
  } else {
    const std::array<TensorData, 3> inputs = {mask.data(), fill.data(), data()};
    ops::elementwise_into(op_program(OpCode::Where), inputs, impl_->data, "masked_fill_");
  }
  data().storage()->bump_version();
  return *this;
}

Tensor one_hot(const Tensor& indices, std::int64_t num_classes) {
  auto details = [&] { return " (indices shape " + to_string(indices.shape()) + ")"; };
  if (indices.dtype() != kInt64) {
    throw DTypeError("one_hot: indices must be int64, got " +
                     std::string(to_string(indices.dtype())) + details());
  }
  if (num_classes < -1) {
    throw ValueError("one_hot: num_classes must be -1 or at least 0, got " +
                     std::to_string(num_classes) + details());
  }
  const std::vector<std::int64_t> values = indices.to_vector<std::int64_t>();
  if (num_classes == -1) {
    if (values.empty()) {
      throw ValueError("one_hot: cannot infer num_classes from an empty tensor" + details());
    }
    // INT64_MAX + 1 would overflow; the class count must fit int64 anyway.
    num_classes = std::min(*std::max_element(values.begin(), values.end()),
                           std::numeric_limits<std::int64_t>::max() - 1) +
        1;
  }
  for (std::int64_t v : values) {
    if (v < 0 || v >= num_classes) {
      throw IndexError("one_hot: index " + std::to_string(v) + " is out of range for " +
                       std::to_string(num_classes) + " classes" + details());
    }
  }
  Shape out_shape = indices.shape();
  out_shape.push_back(num_classes);
  checked_numel(out_shape, 8, "one_hot");
  Tensor classes =
      arange(static_cast<double>(num_classes), {.dtype = kInt64, .device = indices.device()});
  return indices.unsqueeze(-1).eq(classes).to(kInt64);
}

}  // namespace minitorch
