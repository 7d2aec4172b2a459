// CPU matmul entry point (issue 4): a [B..., m, k] @ b [B..., k, n] -> out [B..., m, n].
// Fused (no (m, k, n) intermediate); any strides, batch dims broadcast by stride 0.
// Results do not depend on the thread count. See docs/matmul.md.
#pragma once

#include "minitorch/tensor_data.h"

namespace minitorch::cpu {

/// a [B..., m, k] @ b [B..., k, n] -> out [B..., m, n]. a and b have out's batch dims
/// (broadcast by stride-0 views), any strides; out is allocated by the caller, float32 or
/// float64 like a and b. Fills primitive_report() (see Note [Primitive report]).
void matmul(const TensorData& a, const TensorData& b, TensorData& out);

}  // namespace minitorch::cpu
