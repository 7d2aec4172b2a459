// Element types: float32/float64 (every op), float16/bfloat16 (16-bit storage computed in
// float32), int64 (indices, counts) and bool (masks), with their traits. A dtype becomes a C++ type
// in one place, dispatch_dtype (every dtype) or dispatch_floating (the floating ones, for math
// kernels). See docs/dtypes.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "minitorch/half.h"

namespace minitorch {

enum class DType : std::uint8_t { Float32, Float64, Int64, Bool, Float16, BFloat16 };
inline constexpr int kDTypeCount = 6;

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kBool = DType::Bool;
inline constexpr DType kFloat16 = DType::Float16;
inline constexpr DType kBFloat16 = DType::BFloat16;

/// Bytes per element.
constexpr std::int64_t element_size(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return 4;
    case DType::Float64:
      return 8;
    case DType::Int64:
      return 8;
    case DType::Bool:
      return 1;
    case DType::Float16:
    case DType::BFloat16:
      return 2;
  }
  return 0;
}

/// float16 or bfloat16: stored in 16 bits, computed in float32 (Note [Reduced floats] in
/// docs/dtypes.md).
constexpr bool is_reduced_float(DType dtype) {
  return dtype == DType::Float16 || dtype == DType::BFloat16;
}

/// float32, float64, float16 or bfloat16.
constexpr bool is_floating_point(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64 || is_reduced_float(dtype);
}

/// The dtype values of dtype are computed in: float32 for the 16-bit floats, else dtype.
constexpr DType compute_dtype(DType dtype) {
  return is_reduced_float(dtype) ? DType::Float32 : dtype;
}

/// int64 or bool: whole values only (PyTorch's isIntegralType with includeBool).
constexpr bool is_integral(DType dtype) { return dtype == DType::Int64 || dtype == DType::Bool; }

/// The largest finite value of a floating dtype (float16: 65504; bfloat16: about 3.39e38).
constexpr double max_finite(DType dtype) {
  switch (dtype) {
    case DType::Float16:
      return 65504.0;
    case DType::BFloat16:
      return 3.3895313892515355e38;  // 0x7F7F: float32's exponent, 7 mantissa bits set
    case DType::Float32:
      return 3.4028234663852886e38;
    default:
      return 1.7976931348623157e308;
  }
}

/// The dtype factories use for floating values when none is named (PyTorch's default).
constexpr DType default_float_dtype() { return DType::Float32; }

/// "float32", "float64", "int64", "bool", "float16" or "bfloat16", as PyTorch spells them.
std::string_view to_string(DType dtype);

/// Note [Type promotion]: the dtype of an op on operands of dtypes a and b, PyTorch's rule:
/// the higher category wins, bool < int64 < floating (bool + int64 -> int64, int64 + float32
/// -> float32, bool + bfloat16 -> bfloat16), equal dtypes give themselves; a 16-bit float
/// with float32 gives float32, float16 with bfloat16 gives float32 (as in PyTorch). float64
/// with any other floating dtype is refused (DTypeError "op: dtypes float32 and float64
/// differ ..."), where PyTorch gives float64: a mixed float pair is almost always a float64
/// constant leaking into a float32 model, and promoting would silently run the rest of it
/// at twice the memory. Convert explicitly with to(). Scalars (`t * 2.0`) take the tensor's
/// dtype and never promote. A pure function: no state, the same answer on every backend.
DType promote_types(DType a, DType b, std::string_view op = "promote_types");

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
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::Int64;
}
template <>
constexpr DType dtype_of<bool>() {
  return DType::Bool;
}
template <>
constexpr DType dtype_of<Half>() {
  return DType::Float16;
}
template <>
constexpr DType dtype_of<BFloat16>() {
  return DType::BFloat16;
}

#if defined(__CUDACC__)
#define MT_DTYPE_HOST_DEVICE __host__ __device__
#else
#define MT_DTYPE_HOST_DEVICE
#endif

/// Note [Value conversion]: the one conversion between element types, used by copy, fill
/// and the programs' loads and stores on every backend. To bool: nonzero (NaN included) is
/// true. Floating to int64: truncation toward zero; NaN gives 0 and out-of-range values
/// saturate (C++ leaves both undefined; numpy and PyTorch give INT64_MIN). 16-bit floats
/// convert through float32: exactly from them, rounded to nearest even into them (from
/// float64 and int64 that rounds twice, as PyTorch's Half(double) does).
template <class To, class From>
MT_DTYPE_HOST_DEVICE constexpr To cast_value(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (is_reduced_float_v<From>) {
    return cast_value<To>(static_cast<float>(v));
  } else if constexpr (is_reduced_float_v<To>) {
    return To(cast_value<float>(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_same_v<To, std::int64_t> && std::is_floating_point_v<From>) {
    if (!(v == v)) {
      return 0;
    }
    if (v >= From(9.2233720368547758e18)) {
      return INT64_MAX;
    }
    if (v <= From(-9.2233720368547758e18)) {
      return INT64_MIN;
    }
    return static_cast<std::int64_t>(v);
  } else {
    return static_cast<To>(v);
  }
}

/// Throws DTypeError: "op: dtype is not supported here" (for dispatch_floating's callers).
[[noreturn]] void throw_unsupported_dtype(DType dtype, const char* where);

/// Calls fn(T{}) with T the C++ type of dtype (float, double, std::int64_t, bool, Half or
/// BFloat16): the one place a dtype becomes a type.
template <class Fn>
decltype(auto) dispatch_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32:
      return fn(float{});
    case DType::Float64:
      return fn(double{});
    case DType::Int64:
      return fn(std::int64_t{});
    case DType::Bool:
      return fn(bool{});
    case DType::Float16:
      return fn(Half{});
    case DType::BFloat16:
      return fn(BFloat16{});
  }
  return fn(double{});
}

/// dispatch_dtype for kernels defined on float32 and float64 only; the ops layer has refused
/// the others or computes the 16-bit floats in float32 (a DTypeError naming where otherwise).
template <class Fn>
decltype(auto) dispatch_floating(DType dtype, Fn&& fn, const char* where = "kernel") {
  switch (dtype) {
    case DType::Float32:
      return fn(float{});
    case DType::Float64:
      return fn(double{});
    default:
      break;
  }
  throw_unsupported_dtype(dtype, where);
}

}  // namespace minitorch
