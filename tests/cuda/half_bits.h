// Host-side bfloat16 and IEEE float16 conversions on raw bits, for the CUDA half-precision
// matmul tests: float -> 16 bits rounds to nearest, ties to even (overflow gives inf, NaN stays
// NaN); 16 bits -> double is exact. Written out here rather than taken from cuda_fp16.h so that
// the tests check the device's rounding against an independent one.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace minitorch::testing {

/// float -> bfloat16 bits: the upper half of the float32, rounded to nearest even.
inline std::uint16_t bf16_from_float(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  if (std::isnan(value)) {
    return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // keep the sign, stay NaN
  }
  const std::uint32_t lsb = (bits >> 16) & 1u;
  return static_cast<std::uint16_t>((bits + 0x7fffu + lsb) >> 16);
}

inline double bf16_to_double(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

/// float -> float16 bits, rounded to nearest even, subnormals included.
inline std::uint16_t fp16_from_float(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) {
    return static_cast<std::uint16_t>(sign | 0x7e00u);
  }
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  if (exponent > 15) {
    return static_cast<std::uint16_t>(sign | 0x7c00u);  // inf, or too large for float16
  }
  // The value is significand * 2^(exponent - 23) with a 24-bit significand (normal floats;
  // float32 subnormals are far below float16's range and round to 0 below).
  const std::uint32_t significand = (magnitude & 0x7fffffu) | 0x800000u;
  // Float16 keeps 11 significant bits down to 2^-14, then units of 2^-24 (subnormals).
  const int shift = exponent >= -14 ? 13 : -(exponent + 1);
  if (shift > 24) {
    return sign;
  }
  std::uint32_t kept = significand >> shift;
  const std::uint32_t rest = significand & ((1u << shift) - 1u);
  const std::uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (kept & 1u) != 0)) {
    ++kept;  // a carry out of the significand steps the exponent, up to inf: still right
  }
  if (exponent >= -14) {
    // kept holds the implicit bit (1 << 10): adding it to exponent - 1 + 15 gives the field.
    const auto biased = static_cast<std::uint32_t>(exponent + 14) << 10;
    return static_cast<std::uint16_t>(sign | (biased + kept));
  }
  return static_cast<std::uint16_t>(sign | kept);
}

inline double fp16_to_double(std::uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  const double sign = (bits & 0x8000u) != 0 ? -1.0 : 1.0;
  if (exponent == 0x1f) {
    return mantissa != 0 ? std::nan("") : sign * INFINITY;
  }
  if (exponent == 0) {
    return sign * std::ldexp(mantissa, -24);
  }
  return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

}  // namespace minitorch::testing
