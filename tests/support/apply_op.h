// The public Tensor method behind each elementwise op enum, so that differential tests can
// loop over the enums and still go through the whole public path (ops layer, dispatch).
#pragma once

#include "minitorch/minitorch.h"

namespace minitorch::testing {

/// x.neg(), x.exp(), ... for op.
Tensor apply_op(UnaryOp op, const Tensor& x);
/// a + b, a - b, ..., a.eq(b) for op.
Tensor apply_op(BinaryOp op, const Tensor& a, const Tensor& b);

}  // namespace minitorch::testing
