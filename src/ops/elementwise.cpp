// map and zip: output allocation and broadcasting, then one backend call.
#include <iterator>
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "minitorch/layout.h"
#include "ops/checks.h"
#include "ops/ops.h"
#include "ops/profile.h"

namespace minitorch::ops {
namespace {

// "zip(add)" etc.: literals, so that naming the op for an error message costs nothing
// until a check fails.
const char* zip_name(BinaryOp op) {
  static constexpr const char* kNames[] = {"zip(add)", "zip(sub)", "zip(mul)", "zip(div)",
                                           "zip(pow)", "zip(lt)",  "zip(gt)",  "zip(le)",
                                           "zip(ge)",  "zip(eq)"};
  static_assert(std::size(kNames) == kBinaryOpCount);
  return kNames[static_cast<std::size_t>(op)];
}

}  // namespace

void check_same_device_and_dtype(const TensorData& a, const TensorData& b, const std::string& op) {
  if (a.device() != b.device()) {
    throw DeviceError(op + ": operands are on different devices (" + a.device().to_string() +
                      " and " + b.device().to_string() + "; shapes " + to_string(a.shape()) +
                      " and " + to_string(b.shape()) + ")");
  }
  if (a.dtype() != b.dtype()) {
    throw DTypeError(op + ": dtypes differ (" + std::string(to_string(a.dtype())) + " and " +
                     std::string(to_string(b.dtype())) + "; shapes " + to_string(a.shape()) +
                     " and " + to_string(b.shape()) + ")");
  }
}

void check_writable(const TensorData& out, const char* op) {
  if (out.numel() == 0) {
    return;
  }
  for (int i = 0; i < out.ndim(); ++i) {
    if (out.strides()[i] == 0 && out.shape()[i] > 1) {
      throw ShapeError(std::string(op) + ": cannot write in place to an expanded tensor (shape " +
                       to_string(out.shape()) + ", strides " + to_string(out.strides()) + ", dim " +
                       std::to_string(i) + " has stride 0)");
    }
  }
}

TensorData map(UnaryOp op, const TensorData& a) {
  TensorData out = TensorData::empty(a.shape(), a.dtype(), a.device());
  profile::PrimitiveTimer timer(op, a, out);
  backend_for(a.device()).map(op, a, out);
  return out;
}

TensorData zip(BinaryOp op, const TensorData& a, const TensorData& b) {
  if (a.device() != b.device() || a.dtype() != b.dtype()) {
    check_same_device_and_dtype(a, b, zip_name(op));
  }
  Shape out_shape =
      a.shape() == b.shape() ? a.shape() : shape_broadcast(a.shape(), b.shape(), zip_name(op));
  TensorData out = TensorData::empty(out_shape, a.dtype(), a.device());
  TensorData a_view = a.shape() == out_shape ? a : a.expand(out_shape);
  TensorData b_view = b.shape() == out_shape ? b : b.expand(out_shape);
  profile::PrimitiveTimer timer(op, a, b, out);
  backend_for(a.device()).zip(op, a_view, b_view, out);
  return out;
}

namespace {

// The checks of an in-place zip: devices, dtypes, out's shape the broadcast of a's and b's,
// out writable. Returns that shape.
Shape check_zip_into(const TensorData& a, const TensorData& b, const TensorData& out,
                     const char* name) {
  check_same_device_and_dtype(a, b, name);
  check_same_device_and_dtype(a, out, name);
  Shape shape = shape_broadcast(a.shape(), b.shape(), name);
  if (!(shape == out.shape())) {
    throw ShapeError(std::string(name) + ": result shape " + to_string(shape) + " of operands " +
                     to_string(a.shape()) + " and " + to_string(b.shape()) +
                     " differs from the in-place output's shape " + to_string(out.shape()));
  }
  check_writable(out, name);
  return shape;
}

}  // namespace

void zip_into(BinaryOp op, const TensorData& a, const TensorData& b, TensorData& out,
              const char* name) {
  Shape shape = check_zip_into(a, b, out, name);
  profile::PrimitiveTimer timer(op, a, b, out);
  backend_for(out.device()).zip(op, a.expand(shape), b.expand(shape), out);
}

void add_scaled_into(const TensorData& a, double alpha, const TensorData& b, TensorData& out,
                     const char* name) {
  Shape shape = check_zip_into(a, b, out, name);
  profile::PrimitiveTimer timer("add_scaled", a, b, out);
  backend_for(out.device()).add_scaled(a.expand(shape), alpha, b.expand(shape), out);
}

}  // namespace minitorch::ops
