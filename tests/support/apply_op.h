// The public Tensor method behind each elementwise op enum, so that differential tests can
// loop over the enums and still go through the whole public path (ops layer, dispatch).
#pragma once

#include <vector>

#include "minitorch/minitorch.h"

namespace minitorch::testing {

/// x.neg(), x.exp(), ... for op.
Tensor apply_op(OpCode op, const Tensor& x);
/// a + b, a - b, ..., a.eq(b) for op.
Tensor apply_op(OpCode op, const Tensor& a, const Tensor& b);
/// Every elementwise op of that arity, in OpCode order.
std::vector<OpCode> ops_of_arity(int arity);

}  // namespace minitorch::testing
