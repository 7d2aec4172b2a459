// TensorData = storage + offset + shape + strides + dtype: the layout of a tensor's
// elements, with no math and no autograd. Every view here shares the storage and never
// copies; copying (contiguous, reshape of a non-viewable layout) lives in the ops layer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "minitorch/device.h"
#include "minitorch/dtype.h"
#include "minitorch/shape.h"
#include "minitorch/storage.h"

namespace minitorch {

/// The elements a Python slice start:stop:step selects from a dim of size `size`:
/// begin, begin + step, ... (length of them). Negative start/stop wrap; bounds clamp.
struct SliceRange {
  std::int64_t begin;
  std::int64_t length;
  static SliceRange of(std::int64_t size, std::int64_t start, std::int64_t stop, std::int64_t step);
};

class TensorData {
 public:
  TensorData() = default;
  /// A view of storage; throws InternalError if it would reach outside the storage.
  TensorData(std::shared_ptr<Storage> storage, std::int64_t offset, Shape shape, Strides strides,
             DType dtype);

  /// Fresh contiguous, uninitialised storage for shape. Throws ShapeError (naming op) for
  /// a negative size or a count that overflows, OutOfMemoryError when the memory is not there.
  static TensorData empty(const Shape& shape, DType dtype, Device device, const char* op = "empty");

  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  std::int64_t offset() const { return offset_; }
  DType dtype() const { return dtype_; }
  Device device() const;
  int ndim() const { return shape_.size(); }
  std::int64_t numel() const { return shape_numel(shape_); }
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  bool defined() const { return storage_ != nullptr; }

  /// Start of the storage, not counting the offset (the lecture's `storage`).
  template <class T>
  T* storage_data() const {
    return static_cast<T*>(storage_->data());
  }
  /// Address of the first element (storage start + offset).
  void* data_ptr() const;

  /// Row-major contiguous: strides equal strides_from_shape (size-1 dims ignored).
  bool is_contiguous() const;

  // Views. Each throws ShapeError or IndexError naming the op and the shapes.
  /// Reorders dims: result dim i is input dim order[i]. order must be a permutation.
  TensorData permute(const Dims& order) const;
  TensorData transpose(std::int64_t dim0, std::int64_t dim1) const;
  /// Same elements in a new shape (one size may be -1). Throws ShapeError when the
  /// layout cannot be expressed with strides (see can_view).
  TensorData view(const Shape& shape) const;
  /// Strides for shape over this layout when a view exists, else nullopt.
  std::optional<Strides> view_strides(const Shape& shape) const;
  /// shape with a -1 replaced; throws ShapeError when numel differs.
  Shape infer_view_shape(const Shape& shape, const char* op) const;
  /// Broadcasts size-1 dims (stride 0) and prepends new dims; -1 keeps a size.
  TensorData expand(const Shape& shape) const;
  /// Python slice start:stop:step on dim (step > 0; start/stop clamped, negatives wrap).
  TensorData slice(std::int64_t dim, std::int64_t start, std::int64_t stop,
                   std::int64_t step = 1) const;
  /// length elements of dim from start; throws IndexError when out of range.
  TensorData narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;
  /// Windows of size elements, every step along dim (PyTorch's unfold): dim shrinks to the
  /// window count (size - window) / step + 1 and a last dim of size window is appended, both
  /// strided over the same storage (windows overlap when step < size). ValueError unless
  /// size >= 0 and step > 0, ShapeError when size exceeds the dim.
  TensorData unfold(std::int64_t dim, std::int64_t size, std::int64_t step) const;
  /// Drops dim (index may be negative); the result has one dim fewer.
  TensorData select(std::int64_t dim, std::int64_t index) const;
  /// Drops every size-1 dim.
  TensorData squeeze() const;
  /// Drops dim if its size is 1, else returns the same view (as PyTorch does).
  TensorData squeeze(std::int64_t dim) const;
  /// Inserts a size-1 dim at position dim (in -(ndim+1)..ndim).
  TensorData unsqueeze(std::int64_t dim) const;

  /// Storage position of a multi-index (offset included); checks bounds, IndexError.
  std::int64_t position_of(const Index& index, const char* op) const;

 private:
  std::shared_ptr<Storage> storage_;
  std::int64_t offset_ = 0;
  Shape shape_;
  Strides strides_;
  DType dtype_ = DType::Float32;
};

}  // namespace minitorch
