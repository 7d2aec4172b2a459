// The 16-bit floating element types, Half (IEEE binary16, "float16") and BFloat16 (bfloat16:
// float32's top 16 bits), as storage only: values are computed in float32 and rounded to
// nearest even on store (Note [Reduced floats] in docs/dtypes.md). The conversions are bit
// manipulation, the same on the host and in CUDA kernels, so every backend rounds alike.
#pragma once

#include <cstdint>
#if !defined(__CUDACC_RTC__)  // NVRTC compiles this file too (Note [CUDA program compiler])
#include <cstring>
#include <type_traits>
#endif

#if defined(__CUDACC__)
#define MT_HALF_HOST_DEVICE __host__ __device__
#else
#define MT_HALF_HOST_DEVICE
#endif

namespace minitorch {

namespace half_bits {

MT_HALF_HOST_DEVICE inline std::uint32_t of_float(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}

MT_HALF_HOST_DEVICE inline float to_float(std::uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

/// binary16 bits -> float32, exact (every binary16 value is a float32 value).
MT_HALF_HOST_DEVICE inline float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu;
  const std::uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) {
    return to_float(sign | 0x7F800000u | (mantissa << 13));  // inf, NaN (payload kept)
  }
  if (exponent != 0) {
    return to_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
  // Zero or subnormal: mantissa * 2^-24, exact in float32.
  const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
  return sign != 0 ? -magnitude : magnitude;
}

/// float32 -> binary16 bits, rounded to nearest even; beyond 65504 (from the halfway point
/// 65520 up) gives inf, NaN stays a quiet NaN with its sign.
MT_HALF_HOST_DEVICE inline std::uint16_t float_to_half(float f) {
  const std::uint32_t x = of_float(f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  std::uint32_t magnitude = x & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) {
    return static_cast<std::uint16_t>(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));
  }
  if (magnitude >= 0x477FF000u) {  // 65520: ties to even round 65504's odd mantissa up
    return static_cast<std::uint16_t>(sign | 0x7C00u);
  }
  if (magnitude >= 0x38800000u) {  // 2^-14, the smallest normal binary16
    // Rebias the exponent (-112 << 23) and round the 13 dropped bits to nearest even: a carry
    // out of the mantissa moves into the exponent, as it should.
    magnitude += 0xC8000FFFu + ((magnitude >> 13) & 1u);
    return static_cast<std::uint16_t>(sign | (magnitude >> 13));
  }
  // Subnormal or zero: adding 0.5 leaves float32's ulp at 2^-24, binary16's subnormal step,
  // so the float addition itself rounds to nearest even; the mantissa bits are the result.
  const float shifted = to_float(magnitude) + 0.5f;
  return static_cast<std::uint16_t>(sign | (of_float(shifted) - 0x3F000000u));
}

/// bfloat16 bits -> float32, exact.
MT_HALF_HOST_DEVICE inline float bfloat16_to_float(std::uint16_t b) {
  return to_float(static_cast<std::uint32_t>(b) << 16);
}

/// float32 -> bfloat16 bits, rounded to nearest even (overflow gives inf by the same carry);
/// NaN stays a quiet NaN with its sign.
MT_HALF_HOST_DEVICE inline std::uint16_t float_to_bfloat16(float f) {
  const std::uint32_t x = of_float(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) {
    return static_cast<std::uint16_t>((x >> 16) | 0x0040u);
  }
  return static_cast<std::uint16_t>((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

}  // namespace half_bits

/// IEEE binary16: 1 sign, 5 exponent, 10 mantissa bits; largest finite 65504, epsilon 2^-10.
struct Half {
  std::uint16_t bits = 0;

  Half() = default;
  MT_HALF_HOST_DEVICE explicit Half(float value) : bits(half_bits::float_to_half(value)) {}
  MT_HALF_HOST_DEVICE operator float() const { return half_bits::half_to_float(bits); }
  MT_HALF_HOST_DEVICE static Half from_bits(std::uint16_t b) {
    Half h;
    h.bits = b;
    return h;
  }
};

/// bfloat16: float32's sign, 8 exponent bits and top 7 mantissa bits; float32's range,
/// epsilon 2^-7.
struct BFloat16 {
  std::uint16_t bits = 0;

  BFloat16() = default;
  MT_HALF_HOST_DEVICE explicit BFloat16(float value) : bits(half_bits::float_to_bfloat16(value)) {}
  MT_HALF_HOST_DEVICE operator float() const { return half_bits::bfloat16_to_float(bits); }
  MT_HALF_HOST_DEVICE static BFloat16 from_bits(std::uint16_t b) {
    BFloat16 h;
    h.bits = b;
    return h;
  }
};

static_assert(sizeof(Half) == 2 && sizeof(BFloat16) == 2);

#if !defined(__CUDACC_RTC__)
static_assert(std::is_trivially_copyable_v<Half> && std::is_trivially_copyable_v<BFloat16>);

/// Half or BFloat16: stored in 16 bits, computed in float32.
template <class T>
inline constexpr bool is_reduced_float_v = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
#endif

}  // namespace minitorch
