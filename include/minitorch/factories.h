// Tensor factories. Every factory allocates fresh contiguous storage.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "minitorch/generator.h"
#include "minitorch/tensor.h"

namespace minitorch {

/// Uninitialised elements.
Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
Tensor full(const Shape& shape, double value, TensorOptions options = {});
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
/// A 0-dim tensor.
Tensor scalar_tensor(double value, TensorOptions options = {});
/// start, start + step, ... while < end (> end for a negative step); 1-D.
Tensor arange(double end, TensorOptions options = {});
Tensor arange(double start, double end, double step = 1.0, TensorOptions options = {});
/// [n, m] with ones on the diagonal and zeros elsewhere; m = -1 means m = n. ShapeError on a
/// negative size.
Tensor eye(std::int64_t n, std::int64_t m = -1, TensorOptions options = {});
/// steps values from start to end inclusive, evenly spaced (PyTorch's linspace: the first
/// half counts up from start, the second down from end, so both ends are exact); 1-D.
/// ShapeError when steps < 0 or an end is not finite.
Tensor linspace(double start, double end, std::int64_t steps, TensorOptions options = {});
/// Uniform in [0, 1). gen = nullptr uses default_generator().
Tensor rand(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
/// Standard normal.
Tensor randn(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
/// Uniform integers in [low, high), int64 unless options name another dtype (a braced
/// options list starts from float32: name the dtype there). ValueError unless low < high.
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape,
               TensorOptions options = {.dtype = kInt64}, Generator* gen = nullptr);
/// randint(0, high, shape, ...).
Tensor randint(std::int64_t high, const Shape& shape, TensorOptions options = {.dtype = kInt64},
               Generator* gen = nullptr);
/// values in row-major order, converted to options.dtype by cast_value; ShapeError when
/// their count is not shape's numel.
Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                   TensorOptions options = {});
Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                   TensorOptions options = {});
/// int64 values are int64 unless options name another dtype (a braced options list starts
/// from float32: name the dtype there). Converted by cast_value (Note [Value conversion]).
Tensor from_vector(const std::vector<std::int64_t>& values, const Shape& shape,
                   TensorOptions options = {.dtype = kInt64});

/// A number or a brace list of NestedValues: `tensor({{1, 2}, {3, 4}})`.
class NestedValues {
 public:
  NestedValues(double value);  // NOLINT(google-explicit-constructor)
  NestedValues(std::initializer_list<NestedValues> children);

  bool is_leaf() const { return is_leaf_; }
  double value() const { return value_; }
  const std::vector<NestedValues>& children() const { return children_; }

 private:
  bool is_leaf_;
  double value_ = 0.0;
  std::vector<NestedValues> children_;
};

/// From nested brace lists; ShapeError when the lists are ragged.
Tensor tensor(const NestedValues& values, TensorOptions options = {});

}  // namespace minitorch
