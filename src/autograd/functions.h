// Differentiable ops: each runs its forward through the ops layer and, when grad mode is
// on and an input requires grad, records a Node whose backward is written in Tensor ops.
// Elementwise ops go through apply_program (elementwise_function.h).
#pragma once

#include <initializer_list>
#include <memory>
#include <span>

#include "minitorch/scalar_ops.h"
#include "minitorch/tensor.h"

namespace minitorch::autograd {

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

class Node;

/// Grad mode is on and a requires grad.
bool needs_grad(const Tensor& a);
/// The result tensor of node over inputs: out, requiring grad, with node as its grad_fn.
Tensor record(TensorData out, std::shared_ptr<Node> node, std::span<const Tensor> inputs);
Tensor record(TensorData out, std::shared_ptr<Node> node,
              std::initializer_list<const Tensor*> inputs);

/// g summed down to shape: undoes broadcasting (leading dims and size-1 dims).
Tensor sum_to(const Tensor& g, const Shape& shape);

}  // namespace minitorch::autograd
