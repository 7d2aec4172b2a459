// Differentiable indexing by int64 tensors: gather, scatter_add, index_select, index_add and
// flip run their forward through the ops layer (src/ops/index.cpp) and record a node whose
// backward is the paired primitive. The index itself never gets a gradient.
#pragma once

#include "minitorch/tensor.h"

namespace minitorch::autograd {

/// Backward: x gets scatter_add of the gradient into zeros of x's shape.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index);
/// Backward: a gets the gradient, src gets gather of it (zeros where index is smaller).
Tensor scatter_add(const Tensor& a, std::int64_t dim, const Tensor& index, const Tensor& src);
/// Backward: x gets index_add of the gradient into zeros of x's shape.
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index);
/// Backward: a gets the gradient, src gets index_select of it.
Tensor index_add(const Tensor& a, std::int64_t dim, const Tensor& index, const Tensor& src);
/// Backward: flip of the gradient over the same dims.
Tensor flip(const Tensor& x, const Dims& dims);

}  // namespace minitorch::autograd
