// TensorData: layouts and views. Nothing here copies elements; every check happens before
// a view is built, so a throw leaves the source untouched (it is const anyway).
#include "minitorch/tensor_data.h"

#include <limits>
#include <string>
#include <utility>

#include "minitorch/error.h"
#include "minitorch/layout.h"

namespace minitorch {
namespace {

std::string layout_string(const TensorData& data) {
  return "shape " + to_string(data.shape()) + " with strides " + to_string(data.strides());
}

}  // namespace

SliceRange SliceRange::of(std::int64_t size, std::int64_t start, std::int64_t stop,
                          std::int64_t step) {
  auto clamp = [size](std::int64_t i) {
    if (i < 0) {
      i += size;
    }
    return i < 0 ? 0 : (i > size ? size : i);
  };
  std::int64_t begin = clamp(start);
  std::int64_t end = clamp(stop);
  // (end - begin - 1) / step + 1 rounds up without overflowing for any step.
  return {begin, end > begin ? (end - begin - 1) / step + 1 : 0};
}

TensorData::TensorData(std::shared_ptr<Storage> storage, std::int64_t offset, Shape shape,
                       Strides strides, DType dtype)
    : storage_(std::move(storage)),
      offset_(offset),
      shape_(shape),
      strides_(strides),
      dtype_(dtype) {
  if (storage_ == nullptr || shape_.size() != strides_.size()) {
    throw ShapeError("TensorData: inconsistent layout (" + layout_string(*this) + ")");
  }
  // Each view checks its own arguments first and names itself; this is the backstop.
  if (checked_numel(shape_, element_size(dtype_), "tensor") == 0) {
    // No element is ever addressed, so the strides are free; contiguous ones keep the
    // stride arithmetic of later views and loops inside int64 (Note [Checked sizes]).
    strides_ = strides_from_shape(shape_);
    return;
  }
  // The lowest and highest element reached, in elements from the storage start; any
  // overflow on the way is a layout that reaches outside every storage.
  std::int64_t lowest = offset_;
  std::int64_t highest = offset_;
  std::int64_t end_byte = 0;
  bool overflow = false;
  for (int i = 0; i < shape_.size(); ++i) {
    std::int64_t span = 0;
    overflow = overflow || __builtin_mul_overflow(shape_[i] - 1, strides_[i], &span) ||
        __builtin_add_overflow(span < 0 ? lowest : highest, span, span < 0 ? &lowest : &highest);
  }
  overflow = overflow || highest == std::numeric_limits<std::int64_t>::max() ||
      __builtin_mul_overflow(highest + 1, element_size(dtype_), &end_byte);
  if (overflow || lowest < 0 || end_byte > storage_->nbytes()) {
    throw ShapeError("TensorData: " + layout_string(*this) + " at offset " +
                     std::to_string(offset_) + " reaches outside a storage of " +
                     std::to_string(storage_->nbytes()) + " bytes");
  }
}

TensorData TensorData::empty(const Shape& shape, DType dtype, Device device, const char* op) {
  std::int64_t nbytes = checked_numel(shape, element_size(dtype), op) * element_size(dtype);
  return TensorData(Storage::allocate(nbytes, device), 0, shape, strides_from_shape(shape), dtype);
}

Device TensorData::device() const { return storage_ ? storage_->device() : Device::cpu(); }

void* TensorData::data_ptr() const {
  return static_cast<char*>(storage_->data()) + offset_ * element_size(dtype_);
}

bool TensorData::is_contiguous() const {
  std::int64_t expected = 1;
  for (int i = shape_.size() - 1; i >= 0; --i) {
    if (shape_[i] == 0) {
      return true;
    }
    if (shape_[i] != 1 && strides_[i] != expected) {
      return false;
    }
    expected *= shape_[i];
  }
  return true;
}

TensorData TensorData::permute(const Dims& order) const {
  if (order.size() != ndim()) {
    throw ShapeError("permute: order " + to_string(order) + " has " + std::to_string(order.size()) +
                     " dims but the input shape " + to_string(shape_) + " has " +
                     std::to_string(ndim()));
  }
  Shape shape;
  Strides strides;
  bool seen[kMaxDims] = {};
  for (int i = 0; i < order.size(); ++i) {
    int d = wrap_dim(order[i], ndim(), "permute", shape_);
    if (seen[d]) {
      throw ShapeError("permute: order " + to_string(order) +
                       " is not a permutation of the dims of shape " + to_string(shape_) +
                       " (dim " + std::to_string(d) + " repeats)");
    }
    seen[d] = true;
    shape.push_back(shape_[d]);
    strides.push_back(strides_[d]);
  }
  return TensorData(storage_, offset_, shape, strides, dtype_);
}

TensorData TensorData::transpose(std::int64_t dim0, std::int64_t dim1) const {
  int d0 = wrap_dim(dim0, ndim(), "transpose", shape_);
  int d1 = wrap_dim(dim1, ndim(), "transpose", shape_);
  if (ndim() == 0) {
    return *this;
  }
  Shape shape = shape_;
  Strides strides = strides_;
  std::swap(shape[d0], shape[d1]);
  std::swap(strides[d0], strides[d1]);
  return TensorData(storage_, offset_, shape, strides, dtype_);
}

Shape TensorData::infer_view_shape(const Shape& shape, const char* op) const {
  int infer_at = -1;
  std::int64_t known = 1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && infer_at < 0) {
      infer_at = i;
    } else if (shape[i] < 0) {
      throw ShapeError(std::string(op) + ": invalid size " + std::to_string(shape[i]) + " at dim " +
                       std::to_string(i) + " of shape " + to_string(shape) + " (input shape " +
                       to_string(shape_) + ")");
    } else if (__builtin_mul_overflow(known, shape[i], &known)) {
      throw ShapeError(std::string(op) + ": shape " + to_string(shape) +
                       " has more elements than int64 can count (input shape " + to_string(shape_) +
                       ")");
    }
  }
  Shape out = shape;
  if (infer_at >= 0 && known != 0 && numel() % known == 0) {
    out[infer_at] = numel() / known;
  }
  if (infer_at < 0 || out[infer_at] >= 0) {
    checked_numel(out, element_size(dtype_), op);  // a 0 hides no uncountable sizes
  }
  if (shape_numel(out) != numel() || (infer_at >= 0 && known == 0)) {
    throw ShapeError(std::string(op) + ": shape " + to_string(shape) +
                     " is invalid for an input of shape " + to_string(shape_) + " (" +
                     std::to_string(numel()) + " elements)");
  }
  return out;
}

// Note [View strides]: a new shape can share the old layout when every group of old dims
// that merges into new dims is itself contiguous (each dim's stride is the next one's
// stride times its size). We walk old dims from the right in such chunks and give the
// new dims of each chunk strides that step through it.
std::optional<Strides> TensorData::view_strides(const Shape& shape) const {
  if (numel() == 0) {
    return strides_from_shape(shape);
  }
  Shape old_shape = ndim() == 0 ? Shape{1} : shape_;
  Strides old_strides = ndim() == 0 ? Strides{1} : strides_;
  Strides strides = Strides::filled(shape.size(), 1);
  int view_d = shape.size() - 1;
  std::int64_t chunk_base_stride = old_strides.back();
  std::int64_t tensor_numel = 1;
  std::int64_t view_numel = 1;
  for (int d = old_shape.size() - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    bool chunk_ends =
        d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride);
    if (!chunk_ends) {
      continue;
    }
    while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
      strides[view_d] = view_numel * chunk_base_stride;
      view_numel *= shape[view_d];
      --view_d;
    }
    if (view_numel != tensor_numel) {
      return std::nullopt;
    }
    if (d > 0) {
      chunk_base_stride = old_strides[d - 1];
      tensor_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) {
    return std::nullopt;
  }
  return strides;
}

TensorData TensorData::view(const Shape& shape) const {
  Shape target = infer_view_shape(shape, "view");
  std::optional<Strides> strides = view_strides(target);
  if (!strides) {
    throw ShapeError("view: shape " + to_string(shape) + " cannot be a view of " +
                     layout_string(*this) +
                     " (the dims to merge are not contiguous; use reshape, which copies)");
  }
  return TensorData(storage_, offset_, target, *strides, dtype_);
}

TensorData TensorData::expand(const Shape& shape) const {
  if (shape.size() < ndim()) {
    throw ShapeError("expand: shape " + to_string(shape_) + " cannot expand to " +
                     to_string(shape) + " (target has fewer dims)");
  }
  int lead = shape.size() - ndim();
  Shape out_shape = shape;
  Strides out_strides = Strides::filled(shape.size(), 0);
  for (int i = 0; i < shape.size(); ++i) {
    if (i < lead) {
      if (shape[i] < 0) {
        throw ShapeError("expand: size " + std::to_string(shape[i]) + " at new dim " +
                         std::to_string(i) + " of " + to_string(shape) + " (input shape " +
                         to_string(shape_) + ")");
      }
      continue;
    }
    if (shape[i] < -1) {
      throw ShapeError("expand: size " + std::to_string(shape[i]) + " at dim " + std::to_string(i) +
                       " of " + to_string(shape) + " (input shape " + to_string(shape_) + ")");
    }
    std::int64_t size = shape_[i - lead];
    std::int64_t target = shape[i] == -1 ? size : shape[i];
    out_shape[i] = target;
    if (target == size) {
      out_strides[i] = strides_[i - lead];
    } else if (size != 1) {
      throw ShapeError("expand: shape " + to_string(shape_) + " cannot expand to " +
                       to_string(shape) + " (dim " + std::to_string(i) + ": " +
                       std::to_string(size) + " vs " + std::to_string(shape[i]) + ")");
    }
  }
  checked_numel(out_shape, element_size(dtype_), "expand");
  return TensorData(storage_, offset_, out_shape, out_strides, dtype_);
}

TensorData TensorData::slice(std::int64_t dim, std::int64_t start, std::int64_t stop,
                             std::int64_t step) const {
  int d = wrap_dim(dim, ndim(), "slice", shape_);
  if (ndim() == 0) {
    throw IndexError("slice: cannot slice a scalar (shape [])");
  }
  if (step <= 0) {
    throw IndexError("slice: step must be positive, got " + std::to_string(step) + " (dim " +
                     std::to_string(d) + " of shape " + to_string(shape_) + ")");
  }
  SliceRange range = SliceRange::of(shape_[d], start, stop, step);
  Shape shape = shape_;
  Strides strides = strides_;
  shape[d] = range.length;
  // With two or more elements step < size, so the product stays inside the storage's span;
  // with fewer the stride is never used and a huge step must not overflow it.
  strides[d] = range.length > 1 ? strides_[d] * step : strides_[d];
  std::int64_t offset = offset_ + (range.length > 0 ? range.begin * strides_[d] : 0);
  return TensorData(storage_, offset, shape, strides, dtype_);
}

TensorData TensorData::narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const {
  int d = wrap_dim(dim, ndim(), "narrow", shape_);
  std::int64_t size = ndim() == 0 ? 1 : shape_[d];
  std::int64_t begin = start < 0 ? start + size : start;
  if (ndim() == 0 || begin < 0 || begin > size || length < 0 || length > size - begin) {
    throw IndexError("narrow: start " + std::to_string(start) + " and length " +
                     std::to_string(length) + " are out of range for dim " + std::to_string(d) +
                     " of shape " + to_string(shape_));
  }
  return slice(d, begin, begin + length, 1);
}

TensorData TensorData::unfold(std::int64_t dim, std::int64_t size, std::int64_t step) const {
  if (ndim() == 0) {
    throw ShapeError("unfold: cannot unfold a 0-dim tensor (shape [])");
  }
  int d = wrap_dim(dim, ndim(), "unfold", shape_);
  std::int64_t dim_size = shape_[d];
  std::int64_t dim_stride = strides_[d];
  if (size < 0 || step <= 0) {
    throw ValueError("unfold: size must be >= 0 and step > 0, got size " + std::to_string(size) +
                     " and step " + std::to_string(step) + " (dim " + std::to_string(d) +
                     " of shape " + to_string(shape_) + ")");
  }
  if (size > dim_size) {
    throw ShapeError("unfold: window size " + std::to_string(size) + " exceeds the size " +
                     std::to_string(dim_size) + " of dim " + std::to_string(d) + " (shape " +
                     to_string(shape_) + ")");
  }
  if (ndim() + 1 > kMaxDims) {
    throw ShapeError("unfold: the result would have more than " + std::to_string(kMaxDims) +
                     " dims (shape " + to_string(shape_) + ")");
  }
  Shape shape = shape_;
  Strides strides = strides_;
  std::int64_t windows = (dim_size - size) / step + 1;
  shape[d] = windows;
  // As in slice: a stride that is never used must not overflow.
  strides[d] = windows > 1 ? dim_stride * step : dim_stride;
  shape.push_back(size);
  strides.push_back(dim_stride);
  return TensorData(storage_, offset_, shape, strides, dtype_);
}

TensorData TensorData::select(std::int64_t dim, std::int64_t index) const {
  if (ndim() == 0) {
    throw IndexError("select: cannot index a scalar (shape [])");
  }
  int d = wrap_dim(dim, ndim(), "select", shape_);
  std::int64_t i = index < 0 ? index + shape_[d] : index;
  if (i < 0 || i >= shape_[d]) {
    throw IndexError("select: index " + std::to_string(index) + " is out of range for dim " +
                     std::to_string(d) + " of shape " + to_string(shape_));
  }
  Shape shape = shape_;
  Strides strides = strides_;
  shape.erase(d);
  strides.erase(d);
  return TensorData(storage_, offset_ + i * strides_[d], shape, strides, dtype_);
}

TensorData TensorData::squeeze() const {
  Shape shape;
  Strides strides;
  for (int i = 0; i < ndim(); ++i) {
    if (shape_[i] != 1) {
      shape.push_back(shape_[i]);
      strides.push_back(strides_[i]);
    }
  }
  return TensorData(storage_, offset_, shape, strides, dtype_);
}

TensorData TensorData::squeeze(std::int64_t dim) const {
  int d = wrap_dim(dim, ndim(), "squeeze", shape_);
  if (ndim() == 0 || shape_[d] != 1) {
    return *this;
  }
  Shape shape = shape_;
  Strides strides = strides_;
  shape.erase(d);
  strides.erase(d);
  return TensorData(storage_, offset_, shape, strides, dtype_);
}

TensorData TensorData::unsqueeze(std::int64_t dim) const {
  int d = wrap_dim(dim, ndim() + 1, "unsqueeze", shape_);
  Shape shape = shape_;
  Strides strides = strides_;
  // The new dim's stride is irrelevant to addressing; pick the contiguous value.
  std::int64_t stride = d < ndim() ? strides_[d] * shape_[d] : 1;
  shape.insert(d, 1);
  strides.insert(d, stride);
  return TensorData(storage_, offset_, shape, strides, dtype_);
}

std::int64_t TensorData::position_of(const Index& index, const char* op) const {
  if (index.size() != ndim()) {
    throw IndexError(std::string(op) + ": index " + to_string(index) + " has " +
                     std::to_string(index.size()) + " entries but shape " + to_string(shape_) +
                     " has " + std::to_string(ndim()) + " dims");
  }
  std::int64_t position = offset_;
  for (int i = 0; i < ndim(); ++i) {
    std::int64_t k = index[i] < 0 ? index[i] + shape_[i] : index[i];
    if (k < 0 || k >= shape_[i]) {
      throw IndexError(std::string(op) + ": index " + to_string(index) +
                       " is out of range for shape " + to_string(shape_) + " (dim " +
                       std::to_string(i) + ": " + std::to_string(index[i]) + " vs size " +
                       std::to_string(shape_[i]) + ")");
    }
    position += k * strides_[i];
  }
  return position;
}

}  // namespace minitorch
