// Operand checks shared by the ops: devices and dtypes agree, outputs are writable.
// Messages name the op and every shape; they are built only when a check fails.
#pragma once

#include <string>

#include "minitorch/tensor_data.h"

namespace minitorch::ops {

/// Throws DeviceError / DTypeError naming op and both shapes.
void check_same_device_and_dtype(const TensorData& a, const TensorData& b, const std::string& op);

/// Throws ShapeError when some element of out is reachable from two indices (a stride-0
/// dim of size > 1): writing to it in place would lose data.
void check_writable(const TensorData& out, const char* op);

}  // namespace minitorch::ops
