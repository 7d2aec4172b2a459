// Reductions of the CPU backend: reduce-inner (the reduced dim is contiguous: each output is a
// pairwise fold of one row) and reduce-outer (another dim is contiguous: lanes walk columns,
// rows fold pairwise). Order per Note [Reduction order]: it depends on the shape only, so
// results are bitwise identical for every thread count and SIMD level.
#pragma once

#include "minitorch/scalar_ops.h"
#include "minitorch/tensor_data.h"

namespace minitorch::cpu {

/// out = fold of op over in's dim (out has in's shape with dim set to 1). Fills
/// primitive_report() (See Note [Primitive report]).
template <class T>
void reduce_pairwise(ReduceOp op, const TensorData& in, int dim, TensorData& out);

}  // namespace minitorch::cpu
