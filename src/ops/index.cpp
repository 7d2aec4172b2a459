// gather, scatter_add, index_select, index_add and flip: the checks of Note [Index checks]
// (ops.h), then one gather or scatter_add primitive (Note [Index primitives], backend.h).
// index_select and index_add are gather and scatter_add with the 1-D index expanded over the
// other dims (stride 0); flip is index_select by a reversed arange, once per flipped dim.
#include <algorithm>
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "ops/checks.h"
#include "ops/ops.h"

namespace minitorch::ops {
namespace {

std::string shapes_note(const TensorData& a, const TensorData& index) {
  return "input shape " + to_string(a.shape()) + ", index shape " + to_string(index.shape());
}

// index is int64 and on a's device.
void check_index_operand(const TensorData& a, const TensorData& index, const char* op) {
  if (index.dtype() != kInt64) {
    throw DTypeError(std::string(op) + ": index must be int64, got " +
                     std::string(to_string(index.dtype())) + " (" + shapes_note(a, index) + ")");
  }
  if (index.device() != a.device()) {
    throw DeviceError(std::string(op) + ": input on " + a.device().to_string() + " and index on " +
                      index.device().to_string() + " (" + shapes_note(a, index) + ")");
  }
}

// src has a's device and dtype, and the dtype can be added (floating or int64).
void check_addable(const TensorData& a, const TensorData& src, const char* op) {
  check_same_device_and_dtype(a, src, op);
  if (a.dtype() == kBool) {
    throw DTypeError(std::string(op) + ": bool values cannot be added (input shape " +
                     to_string(a.shape()) + ")");
  }
}

void check_same_rank(const TensorData& a, const TensorData& b, const char* a_name,
                     const char* b_name, const char* op) {
  if (a.ndim() != b.ndim()) {
    throw ShapeError(std::string(op) + ": " + b_name + " has " + std::to_string(b.ndim()) +
                     " dims but " + a_name + " has " + std::to_string(a.ndim()) + " (" + a_name +
                     " shape " + to_string(a.shape()) + ", " + b_name + " shape " +
                     to_string(b.shape()) + ")");
  }
}

// small.shape[d] <= big.shape[d] for every d (except skip_dim when it is >= 0).
void check_fits(const TensorData& small, const TensorData& big, int skip_dim,
                const char* small_name, const char* big_name, const char* op) {
  for (int d = 0; d < small.ndim(); ++d) {
    if (d != skip_dim && small.shape()[d] > big.shape()[d]) {
      throw ShapeError(std::string(op) + ": " + small_name + " shape " + to_string(small.shape()) +
                       " is larger than " + big_name + " shape " + to_string(big.shape()) +
                       " at dim " + std::to_string(d) + " (" + std::to_string(small.shape()[d]) +
                       " vs " + std::to_string(big.shape()[d]) + ")");
    }
  }
}

// index's elements, contiguous on the CPU. A strided device index crosses with its whole
// storage and is laid out by the CPU backend, so no device kernel is needed for the check.
TensorData host_index(const TensorData& index) {
  if (index.device().is_cpu()) {
    return contiguous(index);
  }
  if (index.is_contiguous()) {
    return copy_to(index, kInt64, Device::cpu());
  }
  std::int64_t elements = index.storage()->nbytes() / element_size(kInt64);
  TensorData flat(index.storage(), 0, Shape{elements}, Strides{1}, kInt64);
  TensorData host = copy_to(flat, kInt64, Device::cpu());
  return contiguous(
      TensorData(host.storage(), index.offset(), index.shape(), index.strides(), kInt64));
}

// See Note [Index checks]: throws IndexError for the first index outside [0, size).
void check_index_range(const TensorData& index, int dim, std::int64_t size, const TensorData& a,
                       const char* op) {
  if (index.numel() == 0) {
    return;
  }
  TensorData host = host_index(index);
  const auto* values = static_cast<const std::int64_t*>(host.data_ptr());
  const std::int64_t n = host.numel();
  std::int64_t lo = values[0];
  std::int64_t hi = values[0];
  for (std::int64_t i = 1; i < n; ++i) {
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  if (lo >= 0 && hi < size) [[likely]] {
    return;
  }
  const std::int64_t* bad =
      std::find_if(values, values + n, [size](std::int64_t v) { return v < 0 || v >= size; });
  throw IndexError(std::string(op) + ": index " + std::to_string(*bad) +
                   " is out of range for dim " + std::to_string(dim) + " of size " +
                   std::to_string(size) + " (" + shapes_note(a, index) + ")");
}

// a's layout restricted to shape (no larger in any dim): the leading corner of a.
TensorData corner(const TensorData& a, const Shape& shape) {
  return TensorData(a.storage(), a.offset(), shape, a.strides(), a.dtype());
}

// The 1-D index viewed with shape, walking dim (stride 0 in every other dim).
TensorData expand_along(const TensorData& index, const Shape& shape, int dim) {
  Strides strides = Dims::filled(shape.size(), 0);
  strides[dim] = index.ndim() == 0 ? 0 : index.strides()[0];
  return TensorData(index.storage(), index.offset(), shape, strides, kInt64);
}

// index_select and index_add take a 1-D index (a 0-dim one counts as [1]) and an input of
// at least 1 dim.
void check_index_vector(const TensorData& a, const TensorData& index, const char* op) {
  check_index_operand(a, index, op);
  if (index.ndim() > 1) {
    throw ShapeError(std::string(op) + ": index must be 1-D (" + shapes_note(a, index) + ")");
  }
  if (a.ndim() == 0) {
    throw ShapeError(std::string(op) + ": input must have at least 1 dim (" +
                     shapes_note(a, index) + ")");
  }
}

}  // namespace

TensorData gather(const TensorData& a, std::int64_t dim, const TensorData& index) {
  const char* op = "gather";
  check_index_operand(a, index, op);
  check_same_rank(a, index, "input", "index", op);
  int d = wrap_dim(dim, a.ndim(), op, a.shape());
  if (a.ndim() == 0) {
    return gather(a.unsqueeze(0), 0, index.unsqueeze(0)).squeeze(0);
  }
  check_fits(index, a, d, "index", "input", op);
  check_index_range(index, d, a.shape()[d], a, op);
  Shape in_shape = index.shape();
  in_shape[d] = a.shape()[d];
  TensorData out = TensorData::empty(index.shape(), a.dtype(), a.device(), op);
  backend_for(a.device()).gather(corner(a, in_shape), d, index, out);
  return out;
}

namespace {

// t itself when it has dtype, else a converted copy.
TensorData in_dtype(const TensorData& t, DType dtype) {
  return t.dtype() == dtype ? t : copy_to(t, dtype, t.device());
}

}  // namespace

TensorData scatter_add(const TensorData& a, std::int64_t dim, const TensorData& index,
                       const TensorData& src) {
  const char* op = "scatter_add";
  check_index_operand(a, index, op);
  check_addable(a, src, op);
  check_same_rank(a, index, "input", "index", op);
  check_same_rank(a, src, "input", "src", op);
  int d = wrap_dim(dim, a.ndim(), op, a.shape());
  if (a.ndim() == 0) {
    return scatter_add(a.unsqueeze(0), 0, index.unsqueeze(0), src.unsqueeze(0)).squeeze(0);
  }
  check_fits(index, src, -1, "index", "src", op);
  check_fits(index, a, d, "index", "input", op);
  check_index_range(index, d, a.shape()[d], a, op);
  Shape out_shape = index.shape();
  out_shape[d] = a.shape()[d];
  // Note [Reduced floats] (docs/dtypes.md): 16-bit floats add in float32, rounded once.
  const DType sum_dtype = compute_dtype(a.dtype());
  TensorData out = copy_to(a, sum_dtype, a.device());
  TensorData out_corner = corner(out, out_shape);
  backend_for(a.device())
      .scatter_add(corner(in_dtype(src, sum_dtype), index.shape()), d, index, out_corner);
  return sum_dtype == a.dtype() ? out : copy_to(out, a.dtype(), a.device());
}

TensorData index_select(const TensorData& a, std::int64_t dim, const TensorData& index) {
  const char* op = "index_select";
  check_index_vector(a, index, op);
  int d = wrap_dim(dim, a.ndim(), op, a.shape());
  check_index_range(index, d, a.shape()[d], a, op);
  Shape out_shape = a.shape();
  out_shape[d] = index.numel();
  TensorData out = TensorData::empty(out_shape, a.dtype(), a.device(), op);
  backend_for(a.device()).gather(a, d, expand_along(index, out_shape, d), out);
  return out;
}

TensorData index_add(const TensorData& a, std::int64_t dim, const TensorData& index,
                     const TensorData& src) {
  const char* op = "index_add";
  check_index_vector(a, index, op);
  check_addable(a, src, op);
  int d = wrap_dim(dim, a.ndim(), op, a.shape());
  Shape src_shape = a.shape();
  src_shape[d] = index.numel();
  if (!(src.shape() == src_shape)) {
    throw ShapeError(std::string(op) + ": src shape " + to_string(src.shape()) + " should be " +
                     to_string(src_shape) + " (input shape " + to_string(a.shape()) + " with dim " +
                     std::to_string(d) + " of the index's size " + std::to_string(index.numel()) +
                     ")");
  }
  check_index_range(index, d, a.shape()[d], a, op);
  const DType sum_dtype = compute_dtype(a.dtype());  // Note [Reduced floats]
  TensorData out = copy_to(a, sum_dtype, a.device());
  backend_for(a.device())
      .scatter_add(in_dtype(src, sum_dtype), d, expand_along(index, src_shape, d), out);
  return sum_dtype == a.dtype() ? out : copy_to(out, a.dtype(), a.device());
}

TensorData flip(const TensorData& a, const Dims& dims) {
  const char* op = "flip";
  std::vector<bool> seen(static_cast<std::size_t>(std::max(a.ndim(), 1)), false);
  for (std::int64_t dim : dims) {
    auto d = static_cast<std::size_t>(wrap_dim(dim, a.ndim(), op, a.shape()));
    if (seen[d]) {
      throw ShapeError(std::string(op) + ": dim " + std::to_string(d) + " appears twice in dims " +
                       to_string(dims) + " (shape " + to_string(a.shape()) + ")");
    }
    seen[d] = true;
  }
  if (a.ndim() == 0) {
    return copy_to(a, a.dtype(), a.device());
  }
  TensorData out = a;
  for (int d = 0; d < a.ndim(); ++d) {
    if (!seen[static_cast<std::size_t>(d)]) {
      continue;
    }
    std::int64_t n = a.shape()[d];
    TensorData reversed = TensorData::empty(Shape{n}, kInt64, Device::cpu(), op);
    auto* values = static_cast<std::int64_t*>(reversed.data_ptr());
    for (std::int64_t i = 0; i < n; ++i) {
      values[i] = n - 1 - i;
    }
    if (!a.device().is_cpu()) {
      reversed = copy_to(reversed, kInt64, a.device());
    }
    out = index_select(out, d, reversed);
  }
  // flip always returns a new tensor, even with no dims.
  return out.storage() == a.storage() ? copy_to(a, a.dtype(), a.device()) : out;
}

}  // namespace minitorch::ops
