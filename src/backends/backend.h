// The backend interface (the lecture's TensorOps): the elementwise program (map and zip are
// its one-node cases), reduce and matmul, plus fill and copy.
// Contract for every method: the ops layer has already checked dtypes, devices and shapes;
// inputs are broadcast to the output shape by stride-0 dims (same rank as out); out is
// allocated by the caller and may alias an input only position-for-position (in-place ops).
// A backend never allocates an output and never throws for user errors.
#pragma once

#include <span>
#include <string_view>

#include "minitorch/program.h"
#include "minitorch/scalar_ops.h"
#include "minitorch/tensor_data.h"

namespace minitorch {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;

  /// out[i] = program(inputs[0][i], inputs[1][i], ...) (Note [Elementwise programs] in
  /// program.h): every input has out's shape (broadcast by stride-0 dims) and any dtype, each
  /// element converted to compute (cast_value) on load; every node rounds to compute, which is
  /// float32, float64 or int64; the result is converted to out's dtype (compute, bool for a
  /// comparison, or a 16-bit float computed in float32: Note [Reduced floats], docs/dtypes.md)
  /// on store. out may alias an input only position-for-position.
  virtual void elementwise(const Program& program, DType compute,
                           std::span<const TensorData> inputs, TensorData& out) = 0;
  /// out = fold of op over in's dim; out has in's shape with dim set to 1 (the lecture's
  /// convention). An empty dim gives op's identity. in has out's dtype, except on a backend
  /// whose folds_reduced_floats() is true: there a float16/bfloat16 in may also fold into a
  /// float32 out (Note [Reduced floats]).
  virtual void reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out) = 0;
  /// Whether reduce folds float16/bfloat16 inputs in float32, reading 16-bit elements
  /// directly, into an out of float32 or of in's dtype (each result rounded once as it is
  /// stored); else the ops layer reduces a float32 copy.
  virtual bool folds_reduced_floats() const { return false; }
  /// a [B..., m, k] @ b [B..., k, n] -> out [B..., m, n]; the batch dims of a and b equal
  /// out's (broadcast by stride 0). Any strides.
  virtual void matmul(const TensorData& a, const TensorData& b, TensorData& out) = 0;
  /// Every element of out = value (rounded to out's dtype).
  virtual void fill(double value, TensorData& out) = 0;
  /// out[i] = in[i], converting dtype if they differ; in has out's shape. in and out may
  /// be on different devices when one of them is the CPU and the other is this backend's, or
  /// both are this backend's (cuda:0 -> cuda:1).
  virtual void copy(const TensorData& in, TensorData& out) = 0;

  // Note [Index primitives]: gather and scatter_add move elements by an int64 index tensor
  // (PyTorch's gather and scatter_add_); index_select, index_add, indexing and flip are
  // views of the index over them. Every index is in [0, size along dim of the indexed side: in
  // for gather, out for scatter_add) (the ops layer has checked, before anything is written); index
  // has the shape of the side that is walked (out for gather, src for scatter_add) and may be an
  // expanded view (stride 0); every operand has the same rank, at least 1 (the ops layer views a
  // 0-dim operand as [1]). scatter_add is deterministic: each output element receives its
  // contributions in increasing order of their position along dim, on every backend and for any
  // thread count, so work is split over the coordinates off dim (which the scatter preserves),
  // never by atomics. See docs/ops.md.

  /// out[i][j][k] = in[i][index[i][j][k]][k] (dim 1 shown); index has out's shape, in has
  /// out's shape except along dim. Any dtype (in and out equal).
  virtual void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) = 0;
  /// out[i][index[i][j][k]][k] += src[i][j][k] (dim 1 shown), added to out's values; index
  /// has src's shape, out has src's shape except along dim. float32, float64 or int64.
  virtual void scatter_add(const TensorData& src, int dim, const TensorData& index,
                           TensorData& out) = 0;
};

/// Note [Primitive report]: every primitive call fills this thread-local record with how it
/// ran (the loop path taken, the instruction set, the threads used), so that the profiler in
/// the ops layer can record it without knowing which backend ran. Strings are literals.
struct PrimitiveReport {
  std::string_view path = "reference";
  std::string_view isa = "scalar";
  int threads = 1;
};
PrimitiveReport& primitive_report();

/// The backend that runs ops on tensors of device. Throws DeviceError when none is
/// registered for its device type.
Backend& backend_for(Device device);

/// Makes backend available under name for devices of type; the first registered for a
/// type is its default.
void register_backend(std::string_view name, DeviceType type, Backend* backend);

}  // namespace minitorch
