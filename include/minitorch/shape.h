// Shape, Strides and Index: small fixed-capacity int64 arrays kept inline, so making a
// view or an output shape never touches the heap. Rank is limited to kMaxDims.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace minitorch {

inline constexpr int kMaxDims = 12;

class Dims {
 public:
  Dims() = default;
  /// Throws ShapeError when the list is longer than kMaxDims.
  Dims(std::initializer_list<std::int64_t> values);
  explicit Dims(std::span<const std::int64_t> values);
  Dims(const std::vector<std::int64_t>& values);  // NOLINT(google-explicit-constructor)
  /// n copies of value.
  static Dims filled(int n, std::int64_t value);

  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::int64_t operator[](int i) const { return values_[static_cast<std::size_t>(i)]; }
  std::int64_t& operator[](int i) { return values_[static_cast<std::size_t>(i)]; }
  std::int64_t back() const { return values_[static_cast<std::size_t>(size_ - 1)]; }
  const std::int64_t* begin() const { return values_.data(); }
  const std::int64_t* end() const { return values_.data() + size_; }
  std::int64_t* begin() { return values_.data(); }
  std::int64_t* end() { return values_.data() + size_; }
  const std::int64_t* data() const { return values_.data(); }

  /// Throws ShapeError past kMaxDims.
  void push_back(std::int64_t value);
  void insert(int pos, std::int64_t value);
  void erase(int pos);
  void resize(int n, std::int64_t value = 0);

  std::vector<std::int64_t> to_vector() const { return {begin(), end()}; }
  bool operator==(const Dims& other) const;

 private:
  std::array<std::int64_t, kMaxDims> values_{};
  int size_ = 0;
};

using Shape = Dims;
using Strides = Dims;
using Index = Dims;

/// "[3, 4]"; "[]" for a scalar.
std::string to_string(const Dims& dims);

/// Product of the sizes; 1 for a scalar shape. Throws ShapeError when the product
/// overflows int64 (a shape no tensor can have).
std::int64_t shape_numel(const Shape& shape);

/// Throws the ShapeError checked_numel promises (out of line: the message is off the hot path).
[[noreturn]] void throw_uncountable_shape(const Shape& shape, std::int64_t element_size,
                                          const char* op);

/// The element count of a tensor of `shape` with elements of `element_size` bytes, after
/// checking that it can exist: every size >= 0, and the product of the non-zero sizes times
/// element_size fits in int64. Throws ShapeError naming op and the shape otherwise (Note
/// [Checked sizes] in shape.cpp). Inline: every view and output runs it.
inline std::int64_t checked_numel(const Shape& shape, std::int64_t element_size, const char* op) {
  std::int64_t n = 1;
  bool empty = false;
  bool bad = false;
  for (std::int64_t size : shape) {
    empty |= size == 0;
    bad |= size < 0 || __builtin_mul_overflow(n, size == 0 ? 1 : size, &n);
  }
  std::int64_t bytes = 0;
  bad |= __builtin_mul_overflow(n, element_size, &bytes);
  if (bad) [[unlikely]] {
    throw_uncountable_shape(shape, element_size, op);
  }
  return empty ? 0 : n;
}

/// Turns a possibly negative dim into 0..ndim-1; throws IndexError naming op and shape.
int wrap_dim(std::int64_t dim, int ndim, const char* op, const Shape& shape);

}  // namespace minitorch
