// Dims: inline fixed-capacity arrays; every overflow is a ShapeError, never a truncation.
#include "minitorch/shape.h"

#include <algorithm>

#include "minitorch/error.h"

namespace minitorch {
namespace {

void check_rank(std::size_t n) {
  if (n > static_cast<std::size_t>(kMaxDims)) {
    throw ShapeError("shape: rank " + std::to_string(n) + " exceeds the maximum of " +
                     std::to_string(kMaxDims) + " dims");
  }
}

}  // namespace

Dims::Dims(std::initializer_list<std::int64_t> values)
    : Dims(std::span(values.begin(), values.size())) {}

Dims::Dims(std::span<const std::int64_t> values) {
  check_rank(values.size());
  std::copy(values.begin(), values.end(), values_.begin());
  size_ = static_cast<int>(values.size());
}

Dims::Dims(const std::vector<std::int64_t>& values) : Dims(std::span(values)) {}

Dims Dims::filled(int n, std::int64_t value) {
  Dims dims;
  dims.resize(n, value);
  return dims;
}

void Dims::push_back(std::int64_t value) {
  check_rank(static_cast<std::size_t>(size_) + 1);
  values_[static_cast<std::size_t>(size_++)] = value;
}

void Dims::insert(int pos, std::int64_t value) {
  check_rank(static_cast<std::size_t>(size_) + 1);
  for (int i = size_; i > pos; --i) {
    (*this)[i] = (*this)[i - 1];
  }
  (*this)[pos] = value;
  ++size_;
}

void Dims::erase(int pos) {
  for (int i = pos; i + 1 < size_; ++i) {
    (*this)[i] = (*this)[i + 1];
  }
  --size_;
}

void Dims::resize(int n, std::int64_t value) {
  check_rank(static_cast<std::size_t>(n));
  for (int i = size_; i < n; ++i) {
    (*this)[i] = value;
  }
  size_ = n;
}

bool Dims::operator==(const Dims& other) const {
  return std::equal(begin(), end(), other.begin(), other.end());
}

std::string to_string(const Dims& dims) {
  std::string out = "[";
  for (int i = 0; i < dims.size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += std::to_string(dims[i]);
  }
  return out + "]";
}

std::int64_t shape_numel(const Shape& shape) {
  // One pass on the hot path (every numel()); only an overflow looks again, for a zero size
  // that makes the product 0 whatever came before it.
  std::int64_t n = 1;
  bool overflow = false;
  for (std::int64_t size : shape) {
    overflow |= __builtin_mul_overflow(n, size, &n);
  }
  if (overflow) {
    if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
      return 0;
    }
    throw ShapeError("shape " + to_string(shape) + ": the element count overflows int64");
  }
  return n;
}

// Note [Checked sizes]: every shape a tensor can get passes through checked_numel (the
// factories, expand, the TensorData constructor, the checkpoint reader), so element and byte
// counts never wrap: a wrapped count once made `[2^40, 2^40]` a tensor of 0 bytes that
// reads and writes far outside its storage. The product of the non-zero sizes must fit too,
// also when a size is 0 ([0, 2^40, 2^40] is refused): then every stride computed from a
// shape fits in int64, for empty tensors as well (TensorData gives those contiguous strides).
void throw_uncountable_shape(const Shape& shape, std::int64_t element_size, const char* op) {
  std::int64_t n = 1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      throw ShapeError(std::string(op) + ": negative size " + std::to_string(shape[i]) +
                       " at dim " + std::to_string(i) + " of shape " + to_string(shape));
    }
    if (shape[i] != 0 && __builtin_mul_overflow(n, shape[i], &n)) {
      throw ShapeError(std::string(op) + ": shape " + to_string(shape) +
                       " has more elements than int64 can count");
    }
  }
  throw ShapeError(std::string(op) + ": shape " + to_string(shape) + " has " + std::to_string(n) +
                   " elements of " + std::to_string(element_size) +
                   " bytes, more bytes than int64 can count");
}

int wrap_dim(std::int64_t dim, int ndim, const char* op, const Shape& shape) {
  // A scalar accepts dim 0 and -1, as in PyTorch.
  std::int64_t range = std::max(ndim, 1);
  if (dim < -range || dim >= range) {
    throw IndexError(std::string(op) + ": dim " + std::to_string(dim) +
                     " is out of range for shape " + to_string(shape) + " (expected -" +
                     std::to_string(range) + " to " + std::to_string(range - 1) + ")");
  }
  return static_cast<int>(dim < 0 ? dim + range : dim);
}

}  // namespace minitorch
