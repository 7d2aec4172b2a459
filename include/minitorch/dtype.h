// Element types. Only floating types: every op is defined on them, comparisons give 0/1.
#pragma once

#include <cstdint>
#include <string_view>

namespace minitorch {

enum class DType : std::uint8_t { Float32, Float64 };

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;

/// Bytes per element.
constexpr std::int64_t element_size(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return 4;
    case DType::Float64:
      return 8;
  }
  return 0;
}

/// "float32" or "float64", as numpy and PyTorch spell them.
std::string_view to_string(DType dtype);

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::Float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::Float64;
}

/// Calls fn(T{}) with T the C++ type of dtype: the one place a dtype becomes a type.
template <class Fn>
decltype(auto) dispatch_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32:
      return fn(float{});
    case DType::Float64:
      return fn(double{});
  }
  return fn(double{});
}

}  // namespace minitorch
