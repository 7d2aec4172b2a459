// The ops layer: checks operands once, broadcasts them by stride-0 views, allocates the
// output and runs one backend primitive. No autograd here (the Tensor layer adds it), and
// no math either: the backend does the loops. Every check happens before any allocation
// or write, so a throw leaves the operands untouched.
#pragma once

#include <span>
#include <string_view>

#include "minitorch/program.h"
#include "minitorch/scalar_ops.h"
#include "minitorch/tensor_data.h"

namespace minitorch::ops {

/// The compute and result dtypes of a program over operands of these dtypes (docs/dtypes.md):
/// float32 and float64 do not mix (DTypeError naming op); a float with int64/bool operands
/// computes in the float; int64/bool compute in int64, or in float32 when a node is a
/// Floating op; the result is the compute dtype, or bool for a comparison.
struct ProgramDTypes {
  DType compute;
  DType result;
};
ProgramDTypes program_dtypes(const Program& program, std::span<const TensorData> inputs,
                             std::string_view op);

/// program over inputs broadcast together (Note [Elementwise programs]), into a new tensor.
/// Throws DeviceError, DTypeError, ShapeError naming op ("mul: shapes [3, 4] and [5] do not
/// broadcast (dim -1: 4 vs 5)").
TensorData elementwise(const Program& program, std::span<const TensorData> inputs,
                       std::string_view op);

/// program over inputs into out in place: out's shape must be the broadcast shape and its
/// dtype the result dtype; out may alias an input position-for-position. Throws ShapeError
/// when out has self-overlapping elements.
void elementwise_into(const Program& program, std::span<const TensorData> inputs, TensorData& out,
                      std::string_view op);

/// op(a) / op(a, b): the one-op programs.
TensorData map(OpCode op, const TensorData& a);
TensorData zip(OpCode op, const TensorData& a, const TensorData& b);
void zip_into(OpCode op, const TensorData& a, const TensorData& b, TensorData& out,
              std::string_view name);
/// out = a + alpha * b in place: the program add(a, mul(b, alpha)), the product rounded
/// before the sum (the optimisers' update in one pass).
void add_scaled_into(const TensorData& a, double alpha, const TensorData& b, TensorData& out,
                     std::string_view name);

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

// ---- Indexing by int64 tensors (src/ops/index.cpp) ----------------------------------------
// Note [Index checks]: an index must be int64 and on its operand's device, and every index in
// [0, size) of the dim it indexes, as in PyTorch (a negative index is out of range, it does
// not count from the end). All of it is checked before anything is allocated or written; the
// IndexError names the op, the first offending index (row-major), the dim and its size. A
// CUDA index is copied to the host for the check.

/// a [n0, .., nd, ..] gathered along dim by index [m0, .., md, ..] -> index's shape:
/// out[i][j][k] = a[i][index[i][j][k]][k] (dim 1 shown). index is int64 with a's rank and
/// m <= n off dim. Throws DTypeError, DeviceError, ShapeError, IndexError.
TensorData gather(const TensorData& a, std::int64_t dim, const TensorData& index);
/// A copy of a with src scattered into it and added (torch.scatter_add):
/// out[i][index[i][j][k]][k] += src[i][j][k] (dim 1 shown), in increasing j for each output
/// element. index is int64 with a's rank, no larger than src in any dim nor than a off dim;
/// a and src share a dtype (floating or int64). Throws as gather does.
TensorData scatter_add(const TensorData& a, std::int64_t dim, const TensorData& index,
                       const TensorData& src);
/// a [.., n, ..] at the positions index [m] (1-D int64) along dim -> [.., m, ..].
TensorData index_select(const TensorData& a, std::int64_t dim, const TensorData& index);
/// A copy of a [.., n, ..] with src [.., m, ..] added at positions index [m] along dim; src
/// has a's shape off dim and a's dtype (floating or int64). Repeated positions add in order.
TensorData index_add(const TensorData& a, std::int64_t dim, const TensorData& index,
                     const TensorData& src);
/// a with the order of elements reversed along each of dims (no repeats): a copy.
TensorData flip(const TensorData& a, const Dims& dims);

}  // namespace minitorch::ops
