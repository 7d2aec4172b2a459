// copy, contiguous, reshape, fill: the ops that move or set elements without math.
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "minitorch/layout.h"
#include "ops/checks.h"
#include "ops/ops.h"
#include "ops/profile.h"

namespace minitorch::ops {

TensorData copy_to(const TensorData& a, DType dtype, Device device) {
  TensorData out = TensorData::empty(a.shape(), dtype, device);
  profile::PrimitiveTimer timer(PrimitiveKind::Copy, &a, nullptr, out);
  // A copy between devices runs on the non-CPU side's backend. See backend.h.
  backend_for(device.is_cpu() ? a.device() : device).copy(a, out);
  return out;
}

TensorData contiguous(const TensorData& a) {
  return a.is_contiguous() ? a : copy_to(a, a.dtype(), a.device());
}

TensorData reshape(const TensorData& a, const Shape& shape) {
  Shape target = a.infer_view_shape(shape, "reshape");
  if (std::optional<Strides> strides = a.view_strides(target)) {
    return TensorData(a.storage(), a.offset(), target, *strides, a.dtype());
  }
  return copy_to(a, a.dtype(), a.device()).view(target);
}

void copy_into(const TensorData& src, TensorData& dst, const char* name) {
  if (src.device() != dst.device()) {
    throw DeviceError(std::string(name) + ": source on " + src.device().to_string() +
                      " and destination on " + dst.device().to_string() + " (shapes " +
                      to_string(src.shape()) + " and " + to_string(dst.shape()) + ")");
  }
  Shape shape = shape_broadcast(dst.shape(), src.shape(), name);
  if (!(shape == dst.shape())) {
    throw ShapeError(std::string(name) + ": source shape " + to_string(src.shape()) +
                     " does not broadcast to destination shape " + to_string(dst.shape()));
  }
  check_writable(dst, name);
  profile::PrimitiveTimer timer(PrimitiveKind::Copy, &src, nullptr, dst);
  backend_for(dst.device()).copy(src.expand(dst.shape()), dst);
}

void fill(TensorData& dst, double value, const char* name) {
  check_writable(dst, name);
  profile::PrimitiveTimer timer(PrimitiveKind::Fill, nullptr, nullptr, dst);
  backend_for(dst.device()).fill(value, dst);
}

TensorData scalar(double value, DType dtype, Device device) {
  TensorData out = TensorData::empty(Shape{}, dtype, device);
  profile::PrimitiveTimer timer(PrimitiveKind::Fill, nullptr, nullptr, out);
  backend_for(device).fill(value, out);
  return out;
}

}  // namespace minitorch::ops
