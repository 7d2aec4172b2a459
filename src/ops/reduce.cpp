// reduce: the output keeps the reduced dim as size 1, as the backend primitive expects.
// int64 and bool reduce through float64 (Note [Integer reductions]).
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "ops/ops.h"
#include "ops/profile.h"

namespace minitorch::ops {
namespace {

// 2^53: float64 holds every integer up to it exactly.
constexpr std::uint64_t kExactInFloat64 = std::uint64_t{1} << 53;

// The largest |x| of an int64 tensor, read on the host.
std::uint64_t max_magnitude(const TensorData& a) {
  TensorData host = contiguous(a.device().is_cpu() ? a : copy_to(a, a.dtype(), Device::cpu()));
  const auto* values = static_cast<const std::int64_t*>(host.data_ptr());
  std::uint64_t largest = 0;
  for (std::int64_t i = 0; i < host.numel(); ++i) {
    std::int64_t v = values[i];
    std::uint64_t magnitude =
        v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    largest = std::max(largest, magnitude);
  }
  return largest;
}

// Note [Integer reductions]: sum and max of int64 and bool run as the float64 reduction of a
// float64 copy, converted back (sum to int64, max to the input's dtype), so every backend
// needs only its floating kernels. That is exact while every partial sum stays within 2^53
// in magnitude, whatever the order of summation: always for bool (counts), and for int64
// when max|x| * n <= 2^53 over a reduced dim of n elements (max: when max|x| <= 2^53). This
// checks the bound on the host first and throws DTypeError where it fails, never rounding
// silently. prod of int64 or bool is refused (a product passes 2^53 too easily to check).
TensorData reduce_integral(ReduceOp op, const TensorData& a, int d, const char* name) {
  if (op == ReduceOp::Prod) {
    throw DTypeError(std::string(name) + ": dtype " + std::string(to_string(a.dtype())) +
                     " is not supported (shape " + to_string(a.shape()) +
                     "); prod needs float32 or float64, convert with to(kFloat64)");
  }
  if (a.dtype() == kInt64) {
    const std::uint64_t n = op == ReduceOp::Sum ? static_cast<std::uint64_t>(a.shape()[d]) : 1;
    const std::uint64_t largest = max_magnitude(a);
    if (n > 0 && largest > kExactInFloat64 / n) {
      throw DTypeError(std::string(name) + ": int64 values up to " + std::to_string(largest) +
                       " in magnitude over " + std::to_string(n) + " elements of dim " +
                       std::to_string(d) + " (shape " + to_string(a.shape()) +
                       ") may pass 2^53, where the float64 reduction behind int64 " +
                       "reductions stops being exact; see Note [Integer reductions]");
    }
  }
  TensorData wide = reduce(op, copy_to(a, kFloat64, a.device()), d);
  return copy_to(wide, op == ReduceOp::Sum ? kInt64 : a.dtype(), a.device());
}

}  // namespace

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
  if (!is_floating_point(a.dtype())) {
    return reduce_integral(op, a, d, name);
  }
  Shape out_shape = a.shape();
  out_shape[d] = 1;
  Backend& backend = backend_for(a.device());
  if (is_reduced_float(a.dtype())) {
    // Note [Reduced floats] (docs/dtypes.md): a float32 reduction, rounded to the input's
    // dtype once, so no partial sum is ever rounded to 16 bits. A backend that folds 16-bit
    // inputs into float32 reads them as they are and rounds its float32 results as it stores
    // them; the others reduce a float32 copy.
    if (!backend.folds_reduced_floats()) {
      TensorData wide = reduce(op, copy_to(a, kFloat32, a.device()), d);
      return copy_to(wide, a.dtype(), a.device());
    }
  }
  TensorData out = TensorData::empty(out_shape, a.dtype(), a.device());
  profile::PrimitiveTimer timer(op, a, d, out);
  backend.reduce(op, a, d, out);
  return out;
}

}  // namespace minitorch::ops
