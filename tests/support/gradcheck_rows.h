// The gradcheck table: one or more cases for every op in differentiable_ops(), with
// broadcast, transposed and sliced leaves. tests/autograd runs it on the CPU backends and
// tests/cuda runs the same table with the inputs moved to the GPU.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"

namespace minitorch::testing {

using Inputs = std::vector<Tensor>;

struct GradRow {
  std::string op;  // a name from differentiable_ops()
  std::string layout;  // what the case exercises
  std::function<Inputs(Generator&)> inputs;
  std::function<Tensor(const Inputs&)> fn;
  GradcheckOptions options = {};
};

/// Every case (float64 leaves; default tolerances unless a row says otherwise).
std::vector<GradRow> gradcheck_rows();

/// The composites' rows (gradcheck_rows_composites.cpp), part of gradcheck_rows().
std::vector<GradRow> composite_gradcheck_rows();

/// argmax's family and masked_fill (gradcheck_rows_argops.cpp), part of gradcheck_rows().
std::vector<GradRow> argops_gradcheck_rows();

/// Convolution, pooling, pad, unfold, embedding (gradcheck_rows_conv.cpp), part of
/// gradcheck_rows().
std::vector<GradRow> conv_gradcheck_rows();

/// A float64 leaf of uniform values in [lo, hi) kept at least 0.1 away from 0.
Tensor gradcheck_values(const Shape& shape, Generator& gen, double lo = -2.0, double hi = 2.0);

}  // namespace minitorch::testing
