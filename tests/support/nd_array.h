// NdArray: the tests' own model of an n-d array, independent of the library: a shape and
// row-major values, with views computed by plain loops over multi-indices. Expectations
// are computed here, never with the library's layout functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::testing {

using Sizes = std::vector<std::int64_t>;

struct NdArray {
  Sizes shape;
  std::vector<double> values;  // row-major

  static NdArray filled(const Sizes& shape, double value);
  std::int64_t numel() const;
  /// Row-major offset of idx (computed here, not by the library).
  std::int64_t offset_of(const Sizes& idx) const;
  double at(const Sizes& idx) const { return values[static_cast<std::size_t>(offset_of(idx))]; }
  double& at(const Sizes& idx) { return values[static_cast<std::size_t>(offset_of(idx))]; }
};

/// Advances idx through shape in row-major order; false after the last index.
bool next_index(Sizes& idx, const Sizes& shape);
/// Calls fn(idx) for every multi-index of shape, in row-major order.
void for_each_index(const Sizes& shape, const std::function<void(const Sizes&)>& fn);

std::int64_t numel_of(const Sizes& shape);
std::string sizes_string(const Sizes& shape);

/// result dim i = input dim order[i].
NdArray permute(const NdArray& a, const Sizes& order);
/// Python slice start:start+length*step:step along dim.
NdArray slice(const NdArray& a, int dim, std::int64_t start, std::int64_t length,
              std::int64_t step);
/// numpy broadcast of a to shape (leading dims added, size-1 dims repeated).
NdArray broadcast_to(const NdArray& a, const Sizes& shape);
/// numpy broadcast shape, or throws std::invalid_argument.
Sizes broadcast_shape(const Sizes& a, const Sizes& b);

/// Reads a library tensor (any dtype; int64 exact up to 2^53) by its own shape, strides,
/// offset and data pointer.
NdArray read(const Tensor& t);

/// |got - want| <= atol + rtol * |want|, NaN matches NaN, inf matches inf of the same sign.
bool close(double got, double want, double rtol, double atol);

/// Empty when equal within tolerance, else a message naming the first mismatch.
std::string compare(const NdArray& got, const NdArray& want, double rtol, double atol);

}  // namespace minitorch::testing
