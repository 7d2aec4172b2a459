// reduce: the output keeps the reduced dim as size 1, as the backend primitive expects.
#include <iterator>
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "ops/ops.h"
#include "ops/profile.h"

namespace minitorch::ops {

TensorData reduce(ReduceOp op, const TensorData& a, std::int64_t dim) {
  static constexpr const char* kNames[] = {"reduce(sum)", "reduce(max)", "reduce(prod)"};
  static_assert(std::size(kNames) == kReduceOpCount);
  const char* name = kNames[static_cast<std::size_t>(op)];
  int d = wrap_dim(dim, a.ndim(), name, a.shape());
  if (a.ndim() == 0) {
    return reduce(op, a.unsqueeze(0), 0).squeeze(0);
  }
  if (op == ReduceOp::Max && a.shape()[d] == 0) {
    throw ShapeError(std::string(name) + ": cannot reduce over dim " + std::to_string(d) +
                     " of size 0 (shape " + to_string(a.shape()) + "); max has no identity");
  }
  Shape out_shape = a.shape();
  out_shape[d] = 1;
  TensorData out = TensorData::empty(out_shape, a.dtype(), a.device());
  profile::PrimitiveTimer timer(op, a, d, out);
  backend_for(a.device()).reduce(op, a, d, out);
  return out;
}

}  // namespace minitorch::ops
