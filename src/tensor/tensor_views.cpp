// Tensor views: the layout change comes from TensorData, the backward rule from autograd.
#include <string>

#include "autograd/functions.h"
#include "autograd/window_functions.h"
#include "minitorch/error.h"
#include "minitorch/tensor.h"
#include "ops/ops.h"

namespace minitorch {

Tensor Tensor::permute(const Dims& order) const { return autograd::permute(*this, order); }

Tensor Tensor::transpose(std::int64_t dim0, std::int64_t dim1) const {
  int d0 = wrap_dim(dim0, ndim(), "transpose", shape());
  int d1 = wrap_dim(dim1, ndim(), "transpose", shape());
  if (ndim() < 2) {
    return *this;
  }
  Dims order;
  for (int i = 0; i < ndim(); ++i) {
    order.push_back(i == d0 ? d1 : (i == d1 ? d0 : i));
  }
  return permute(order);
}

Tensor Tensor::view(const Shape& shape) const {
  return autograd::reshaped(*this, data().view(shape));
}

Tensor Tensor::reshape(const Shape& shape) const {
  Shape target = data().infer_view_shape(shape, "reshape");
  if (data().view_strides(target)) {
    return view(target);
  }
  return contiguous().view(target);
}

Tensor Tensor::expand(const Shape& shape) const { return autograd::expand(*this, shape); }

Tensor Tensor::slice(std::int64_t dim, std::int64_t start, std::int64_t stop,
                     std::int64_t step) const {
  data().slice(dim, start, stop, step);  // checks dim and step
  int d = wrap_dim(dim, ndim(), "slice", shape());
  SliceRange range = SliceRange::of(shape()[d], start, stop, step);
  // The stop just past the last element taken: begin + length * step can overflow int64
  // for a huge step, this cannot.
  std::int64_t stop_at =
      range.length > 0 ? range.begin + (range.length - 1) * step + 1 : range.begin;
  return autograd::slice(*this, d, range.begin, stop_at, step);
}

Tensor Tensor::narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const {
  data().narrow(dim, start, length);  // checks
  int d = wrap_dim(dim, ndim(), "narrow", shape());
  std::int64_t begin = start < 0 ? start + shape()[d] : start;
  return slice(d, begin, begin + length, 1);
}

Tensor Tensor::select(std::int64_t dim, std::int64_t index) const {
  data().select(dim, index);  // checks
  int d = wrap_dim(dim, ndim(), "select", shape());
  std::int64_t i = index < 0 ? index + shape()[d] : index;
  return slice(d, i, i + 1, 1).squeeze(d);
}

Tensor Tensor::unfold(std::int64_t dim, std::int64_t size, std::int64_t step) const {
  return autograd::unfold(*this, dim, size, step);
}

Tensor Tensor::squeeze() const { return autograd::reshaped(*this, data().squeeze()); }

Tensor Tensor::squeeze(std::int64_t dim) const {
  return autograd::reshaped(*this, data().squeeze(dim));
}

Tensor Tensor::unsqueeze(std::int64_t dim) const {
  return autograd::reshaped(*this, data().unsqueeze(dim));
}

Tensor Tensor::contiguous() const {
  return is_contiguous() ? *this : autograd::copy(*this, dtype(), device());
}

}  // namespace minitorch
