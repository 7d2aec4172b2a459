// Differentiable ops: each runs its forward through the ops layer and, when grad mode is
// on and an input requires grad, records a Node whose backward is written in Tensor ops.
// The rules themselves are one table in functions.cpp.
#pragma once

#include "minitorch/scalar_ops.h"
#include "minitorch/tensor.h"

namespace minitorch::autograd {

Tensor unary(UnaryOp op, const Tensor& x);
/// Comparisons run here too and are never recorded.
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
/// Keeps dim as size 1.
Tensor reduce(ReduceOp op, const Tensor& x, std::int64_t dim);
/// Both operands have at least 2 dims.
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor permute(const Tensor& x, const Dims& order);
Tensor expand(const Tensor& x, const Shape& shape);
/// Any view that keeps the elements' order (view, reshape, squeeze, unsqueeze): its
/// backward reshapes the gradient back to x's shape.
Tensor reshaped(const Tensor& x, const TensorData& out);
/// The view x[..., begin:begin+length*step:step, ...] along dim.
Tensor slice(const Tensor& x, int dim, std::int64_t begin, std::int64_t stop, std::int64_t step);
/// A copy of x converted to dtype and moved to device.
Tensor copy(const Tensor& x, DType dtype, Device device);

/// g summed down to shape: undoes broadcasting (leading dims and size-1 dims).
Tensor sum_to(const Tensor& g, const Shape& shape);

}  // namespace minitorch::autograd
