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

/// The element count of a tensor of `shape` with elements of `element_size` bytes, after
/// checking that it can exist: every size >= 0, and the element and byte counts fit in
/// int64. Throws ShapeError naming op and the shape otherwise (Note [Checked sizes]).
std::int64_t checked_numel(const Shape& shape, std::int64_t element_size, const char* op);

/// Turns a possibly negative dim into 0..ndim-1; throws IndexError naming op and shape.
int wrap_dim(std::int64_t dim, int ndim, const char* op, const Shape& shape);

}  // namespace minitorch
