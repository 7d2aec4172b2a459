// The ops layer: checks operands once, broadcasts them by stride-0 views, allocates the
// output and runs one backend primitive. No autograd here (the Tensor layer adds it), and
// no math either: the backend does the loops. Every check happens before any allocation
// or write, so a throw leaves the operands untouched.
#pragma once

#include "minitorch/scalar_ops.h"
#include "minitorch/tensor_data.h"

namespace minitorch::ops {

/// op(a) elementwise, same shape and dtype as a.
TensorData map(UnaryOp op, const TensorData& a);

/// op(a, b) elementwise over the broadcast shape. Throws DeviceError, DTypeError,
/// ShapeError ("zip(add): shapes [3, 4] and [5] do not broadcast (dim -1: 4 vs 5)").
TensorData zip(BinaryOp op, const TensorData& a, const TensorData& b);

/// out = op(a, b) in place; out's shape must be the broadcast shape and out may alias a
/// or b position-for-position. Throws ShapeError when out has self-overlapping elements.
void zip_into(BinaryOp op, const TensorData& a, const TensorData& b, TensorData& out,
              const char* name);
/// out = a + alpha * b (Backend::add_scaled), in place like zip_into.
void add_scaled_into(const TensorData& a, double alpha, const TensorData& b, TensorData& out,
                     const char* name);

/// Folds dim with op; the result keeps dim as size 1 (the lecture's convention).
/// A scalar reduces to itself. Max over an empty dim throws ShapeError.
TensorData reduce(ReduceOp op, const TensorData& a, std::int64_t dim);

/// a [..., m, k] @ b [..., k, n] -> [..., m, n], batch dims broadcast; both need >= 2 dims.
TensorData matmul(const TensorData& a, const TensorData& b);

/// A new contiguous tensor of dtype on device with a's elements (always a copy).
TensorData copy_to(const TensorData& a, DType dtype, Device device);

/// a itself when contiguous, else a contiguous copy.
TensorData contiguous(const TensorData& a);

/// A view when the layout allows one (see Note [View strides]), else a contiguous copy.
TensorData reshape(const TensorData& a, const Shape& shape);

/// dst[i] = src[i] with src broadcast to dst's shape; dtypes may differ.
void copy_into(const TensorData& src, TensorData& dst, const char* name);

/// Every element of dst = value.
void fill(TensorData& dst, double value, const char* name);

/// A 0-dim tensor holding value.
TensorData scalar(double value, DType dtype, Device device);

}  // namespace minitorch::ops
