// matmul: checks inner sizes, broadcasts batch dims, allocates [..., m, n].
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "minitorch/layout.h"
#include "ops/checks.h"
#include "ops/ops.h"
#include "ops/profile.h"

namespace minitorch::ops {
namespace {

Shape batch_of(const Shape& shape) {
  Shape batch = shape;
  batch.resize(shape.size() - 2);
  return batch;
}

std::string both_shapes(const TensorData& a, const TensorData& b) {
  return "shapes " + to_string(a.shape()) + " and " + to_string(b.shape());
}

// Whether device's backend multiplies float16 and bfloat16 itself (on tensor cores, summing
// in float32); elsewhere matmul runs on float32 copies.
bool reduced_float_matmul_on(Device device) { return device.is_cuda(); }

}  // namespace

TensorData matmul(const TensorData& a, const TensorData& b) {
  check_same_device_and_dtype(a, b, "matmul");
  if (!is_floating_point(a.dtype())) {
    throw DTypeError("matmul: dtype " + std::string(to_string(a.dtype())) + " is not supported (" +
                     both_shapes(a, b) + "); matmul needs float32 or float64, convert with to()");
  }
  if (a.ndim() < 2 || b.ndim() < 2) {
    throw ShapeError("matmul: both operands need at least 2 dims (" + both_shapes(a, b) + ")");
  }
  std::int64_t m = a.shape()[a.ndim() - 2];
  std::int64_t k = a.shape()[a.ndim() - 1];
  std::int64_t n = b.shape()[b.ndim() - 1];
  if (b.shape()[b.ndim() - 2] != k) {
    throw ShapeError("matmul: inner sizes differ for " + both_shapes(a, b) +
                     " (a dim -1: " + std::to_string(k) +
                     " vs b dim -2: " + std::to_string(b.shape()[b.ndim() - 2]) + ")");
  }
  Shape batch;
  try {
    batch = shape_broadcast(batch_of(a.shape()), batch_of(b.shape()), "matmul");
  } catch (const ShapeError& e) {
    throw ShapeError(std::string(e.what()) + " as batch dims of " + both_shapes(a, b));
  }
  Shape a_shape = batch;
  a_shape.push_back(m);
  a_shape.push_back(k);
  Shape b_shape = batch;
  b_shape.push_back(k);
  b_shape.push_back(n);
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  if (is_reduced_float(a.dtype()) && !reduced_float_matmul_on(a.device())) {
    // Note [Reduced floats] (docs/dtypes.md): where no backend kernel takes 16-bit inputs,
    // the float32 product of float32 copies, rounded once.
    TensorData wide = matmul(copy_to(a, kFloat32, a.device()), copy_to(b, kFloat32, b.device()));
    return copy_to(wide, a.dtype(), a.device());
  }
  TensorData out = TensorData::empty(out_shape, a.dtype(), a.device());
  profile::PrimitiveTimer timer(PrimitiveKind::Matmul, &a, &b, out);
  backend_for(a.device()).matmul(a.expand(a_shape), b.expand(b_shape), out);
  return out;
}

}  // namespace minitorch::ops
