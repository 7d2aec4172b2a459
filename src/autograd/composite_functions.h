// Differentiable composites that need their own graph node: cat (one node for all of its
// inputs) and cumsum (whose backward is the reversed scan). Their forwards run existing
// primitives (copy, zip); the operands arrive checked from the Tensor layer.
#pragma once

#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::autograd {

/// tensors (one rank, dtype and device; sizes equal except along dim) copied into one new
/// tensor of out_shape, each into its part along dim. The gradient of each input is its part
/// of the output's gradient.
Tensor cat(const std::vector<Tensor>& tensors, int dim, const Shape& out_shape);

/// Running sum of x along dim (a valid dim of x, or 0 for a scalar), Note [Cumsum order].
Tensor cumsum(const Tensor& x, int dim);

}  // namespace minitorch::autograd
