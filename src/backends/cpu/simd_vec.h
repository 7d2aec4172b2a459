// Thin vector types for the SIMD kernel files: VecF / VecD wrap __m512 / __m512d when the
// file is built for AVX-512 and __m256 / __m256d for AVX2, with masked partial loads so that
// no kernel needs a scalar tail. Include only from *_avx2.cpp / *_avx512.cpp (Note [SIMD
// files]); everything is in an anonymous namespace so no inline code leaks across ISAs.
#pragma once

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the unused merge source, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593). Only SIMD files
// include this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include <cstdint>

namespace minitorch::cpu {
namespace {

#if defined(__AVX512F__)

struct VecF {
  using T = float;
  using Int = std::int32_t;
  using Mask = __mmask16;
  static constexpr std::int64_t kLanes = 16;
  __m512 v;

  static VecF set1(float x) { return {_mm512_set1_ps(x)}; }
  static VecF load(const float* p) { return {_mm512_loadu_ps(p)}; }
  static Mask tail_mask(std::int64_t n) {
    return static_cast<Mask>((1u << static_cast<unsigned>(n)) - 1u);
  }
  static VecF load_partial(const float* p, std::int64_t n) {
    return {_mm512_maskz_loadu_ps(tail_mask(n), p)};
  }
  void store(float* p) const { _mm512_storeu_ps(p, v); }
  /// A non-temporal store (Note [Streaming stores]); p is aligned to sizeof(VecF).
  void stream(float* p) const { _mm512_stream_ps(p, v); }
  void store_partial(float* p, std::int64_t n) const { _mm512_mask_storeu_ps(p, tail_mask(n), v); }
  /// The first n lanes from p, the rest fill.
  static VecF load_partial_or(const float* p, std::int64_t n, float fill) {
    return {_mm512_mask_loadu_ps(_mm512_set1_ps(fill), tail_mask(n), p)};
  }
};
struct VecD {
  using T = double;
  using Int = std::int64_t;
  using Mask = __mmask8;
  static constexpr std::int64_t kLanes = 8;
  __m512d v;

  static VecD set1(double x) { return {_mm512_set1_pd(x)}; }
  static VecD load(const double* p) { return {_mm512_loadu_pd(p)}; }
  static Mask tail_mask(std::int64_t n) {
    return static_cast<Mask>((1u << static_cast<unsigned>(n)) - 1u);
  }
  static VecD load_partial(const double* p, std::int64_t n) {
    return {_mm512_maskz_loadu_pd(tail_mask(n), p)};
  }
  void store(double* p) const { _mm512_storeu_pd(p, v); }
  void stream(double* p) const { _mm512_stream_pd(p, v); }
  void store_partial(double* p, std::int64_t n) const { _mm512_mask_storeu_pd(p, tail_mask(n), v); }
  static VecD load_partial_or(const double* p, std::int64_t n, double fill) {
    return {_mm512_mask_loadu_pd(_mm512_set1_pd(fill), tail_mask(n), p)};
  }
};

inline VecF operator+(VecF a, VecF b) { return {_mm512_add_ps(a.v, b.v)}; }
inline VecF operator-(VecF a, VecF b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline VecF operator*(VecF a, VecF b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline VecF operator/(VecF a, VecF b) { return {_mm512_div_ps(a.v, b.v)}; }
inline VecF fmadd(VecF a, VecF b, VecF c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
inline VecF fnmadd(VecF a, VecF b, VecF c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; }
template <int kPredicate>
inline __mmask16 cmp(VecF a, VecF b) {
  return _mm512_cmp_ps_mask(a.v, b.v, kPredicate);
}
inline VecF select(__mmask16 m, VecF if_true, VecF if_false) {
  return {_mm512_mask_blend_ps(m, if_false.v, if_true.v)};
}
inline __mmask16 mask_and(__mmask16 a, __mmask16 b) { return static_cast<__mmask16>(a & b); }
inline __mmask16 mask_or(__mmask16 a, __mmask16 b) { return static_cast<__mmask16>(a | b); }
inline __mmask16 mask_not(__mmask16 a) { return static_cast<__mmask16>(~a); }
inline VecF vabs(VecF a) { return {_mm512_abs_ps(a.v)}; }
inline VecF vneg(VecF a) { return {_mm512_xor_ps(a.v, _mm512_set1_ps(-0.0f))}; }
inline VecF round_nearest(VecF a) {
  return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)};
}
inline VecF vsqrt(VecF a) { return {_mm512_sqrt_ps(a.v)}; }
inline VecF vfloor(VecF a) {
  return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)};
}
// Bits of a as int32 lanes and back.
inline __m512i bits(VecF a) { return _mm512_castps_si512(a.v); }
inline VecF from_bits(__m512i a) { return {_mm512_castsi512_ps(a)}; }
inline __m512i to_int(VecF a) { return _mm512_cvtps_epi32(a.v); }
inline VecF from_int(__m512i a) { return {_mm512_cvtepi32_ps(a)}; }
inline __m512i iadd(__m512i a, __m512i b) { return _mm512_add_epi32(a, b); }
inline __m512i isub(__m512i a, __m512i b) { return _mm512_sub_epi32(a, b); }
inline __m512i iset1(std::int32_t x) { return _mm512_set1_epi32(x); }
inline __m512i iand(__m512i a, __m512i b) { return _mm512_and_si512(a, b); }
inline __m512i ior(__m512i a, __m512i b) { return _mm512_or_si512(a, b); }
template <int kShift>
inline __m512i ishl(__m512i a) {
  return _mm512_slli_epi32(a, kShift);
}
template <int kShift>
inline __m512i isra(__m512i a) {
  return _mm512_srai_epi32(a, kShift);
}
template <int kShift>
inline __m512i isrl(__m512i a) {
  return _mm512_srli_epi32(a, kShift);
}

inline VecD operator+(VecD a, VecD b) { return {_mm512_add_pd(a.v, b.v)}; }
inline VecD operator-(VecD a, VecD b) { return {_mm512_sub_pd(a.v, b.v)}; }
inline VecD operator*(VecD a, VecD b) { return {_mm512_mul_pd(a.v, b.v)}; }
inline VecD operator/(VecD a, VecD b) { return {_mm512_div_pd(a.v, b.v)}; }
template <int kPredicate>
inline __mmask8 cmp(VecD a, VecD b) {
  return _mm512_cmp_pd_mask(a.v, b.v, kPredicate);
}
inline VecD select(__mmask8 m, VecD if_true, VecD if_false) {
  return {_mm512_mask_blend_pd(m, if_false.v, if_true.v)};
}
inline __mmask8 mask_and(__mmask8 a, __mmask8 b) { return static_cast<__mmask8>(a & b); }
inline __mmask8 mask_or(__mmask8 a, __mmask8 b) { return static_cast<__mmask8>(a | b); }
inline __mmask8 mask_not(__mmask8 a) { return static_cast<__mmask8>(~a); }
inline bool any(__mmask8 a) { return a != 0; }
inline VecD vabs(VecD a) { return {_mm512_abs_pd(a.v)}; }
inline VecD vneg(VecD a) { return {_mm512_xor_pd(a.v, _mm512_set1_pd(-0.0))}; }
inline VecD vsqrt(VecD a) { return {_mm512_sqrt_pd(a.v)}; }
inline VecD vfloor(VecD a) {
  return {_mm512_roundscale_pd(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)};
}
inline VecD fmadd(VecD a, VecD b, VecD c) { return {_mm512_fmadd_pd(a.v, b.v, c.v)}; }
inline VecD fnmadd(VecD a, VecD b, VecD c) { return {_mm512_fnmadd_pd(a.v, b.v, c.v)}; }
inline VecD round_nearest(VecD a) {
  return {_mm512_roundscale_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)};
}
// Bits of a as int64 lanes and back; iand / ior above serve both widths.
inline __m512i bits(VecD a) { return _mm512_castpd_si512(a.v); }
inline VecD from_bits64(__m512i a) { return {_mm512_castsi512_pd(a)}; }
inline __m512i iset1_64(std::int64_t x) { return _mm512_set1_epi64(x); }
template <int kShift>
inline __m512i ishl64(__m512i a) {
  return _mm512_slli_epi64(a, kShift);
}
template <int kShift>
inline __m512i isrl64(__m512i a) {
  return _mm512_srli_epi64(a, kShift);
}

#elif defined(__AVX2__)

struct VecF {
  using T = float;
  using Int = std::int32_t;
  using Mask = __m256;
  static constexpr std::int64_t kLanes = 8;
  __m256 v;

  static VecF set1(float x) { return {_mm256_set1_ps(x)}; }
  static VecF load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static __m256i tail_mask(std::int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static VecF load_partial(const float* p, std::int64_t n) {
    return {_mm256_maskload_ps(p, tail_mask(n))};
  }
  void store(float* p) const { _mm256_storeu_ps(p, v); }
  /// A non-temporal store (Note [Streaming stores]); p is aligned to sizeof(VecF).
  void stream(float* p) const { _mm256_stream_ps(p, v); }
  void store_partial(float* p, std::int64_t n) const { _mm256_maskstore_ps(p, tail_mask(n), v); }
  static VecF load_partial_or(const float* p, std::int64_t n, float fill) {
    __m256i mask = tail_mask(n);
    return {_mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, mask),
                             _mm256_castsi256_ps(mask))};
  }
};
struct VecD {
  using T = double;
  using Int = std::int64_t;
  using Mask = __m256d;
  static constexpr std::int64_t kLanes = 4;
  __m256d v;

  static VecD set1(double x) { return {_mm256_set1_pd(x)}; }
  static VecD load(const double* p) { return {_mm256_loadu_pd(p)}; }
  static __m256i tail_mask(std::int64_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static VecD load_partial(const double* p, std::int64_t n) {
    return {_mm256_maskload_pd(p, tail_mask(n))};
  }
  void store(double* p) const { _mm256_storeu_pd(p, v); }
  void stream(double* p) const { _mm256_stream_pd(p, v); }
  void store_partial(double* p, std::int64_t n) const { _mm256_maskstore_pd(p, tail_mask(n), v); }
  static VecD load_partial_or(const double* p, std::int64_t n, double fill) {
    __m256i mask = tail_mask(n);
    return {_mm256_blendv_pd(_mm256_set1_pd(fill), _mm256_maskload_pd(p, mask),
                             _mm256_castsi256_pd(mask))};
  }
};

inline VecF operator+(VecF a, VecF b) { return {_mm256_add_ps(a.v, b.v)}; }
inline VecF operator-(VecF a, VecF b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline VecF operator*(VecF a, VecF b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline VecF operator/(VecF a, VecF b) { return {_mm256_div_ps(a.v, b.v)}; }
inline VecF fmadd(VecF a, VecF b, VecF c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
inline VecF fnmadd(VecF a, VecF b, VecF c) { return {_mm256_fnmadd_ps(a.v, b.v, c.v)}; }
template <int kPredicate>
inline __m256 cmp(VecF a, VecF b) {
  return _mm256_cmp_ps(a.v, b.v, kPredicate);
}
inline VecF select(__m256 m, VecF if_true, VecF if_false) {
  return {_mm256_blendv_ps(if_false.v, if_true.v, m)};
}
inline __m256 mask_and(__m256 a, __m256 b) { return _mm256_and_ps(a, b); }
inline __m256 mask_or(__m256 a, __m256 b) { return _mm256_or_ps(a, b); }
inline __m256 mask_not(__m256 a) {
  return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(-1)));
}
inline VecF vabs(VecF a) {
  return {_mm256_and_ps(a.v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)))};
}
inline VecF vneg(VecF a) { return {_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
inline VecF round_nearest(VecF a) {
  return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)};
}
inline VecF vsqrt(VecF a) { return {_mm256_sqrt_ps(a.v)}; }
inline VecF vfloor(VecF a) {
  return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)};
}
inline __m256i bits(VecF a) { return _mm256_castps_si256(a.v); }
inline VecF from_bits(__m256i a) { return {_mm256_castsi256_ps(a)}; }
inline __m256i to_int(VecF a) { return _mm256_cvtps_epi32(a.v); }
inline VecF from_int(__m256i a) { return {_mm256_cvtepi32_ps(a)}; }
inline __m256i iadd(__m256i a, __m256i b) { return _mm256_add_epi32(a, b); }
inline __m256i isub(__m256i a, __m256i b) { return _mm256_sub_epi32(a, b); }
inline __m256i iset1(std::int32_t x) { return _mm256_set1_epi32(x); }
inline __m256i iand(__m256i a, __m256i b) { return _mm256_and_si256(a, b); }
inline __m256i ior(__m256i a, __m256i b) { return _mm256_or_si256(a, b); }
template <int kShift>
inline __m256i ishl(__m256i a) {
  return _mm256_slli_epi32(a, kShift);
}
template <int kShift>
inline __m256i isra(__m256i a) {
  return _mm256_srai_epi32(a, kShift);
}
template <int kShift>
inline __m256i isrl(__m256i a) {
  return _mm256_srli_epi32(a, kShift);
}

inline VecD operator+(VecD a, VecD b) { return {_mm256_add_pd(a.v, b.v)}; }
inline VecD operator-(VecD a, VecD b) { return {_mm256_sub_pd(a.v, b.v)}; }
inline VecD operator*(VecD a, VecD b) { return {_mm256_mul_pd(a.v, b.v)}; }
inline VecD operator/(VecD a, VecD b) { return {_mm256_div_pd(a.v, b.v)}; }
template <int kPredicate>
inline __m256d cmp(VecD a, VecD b) {
  return _mm256_cmp_pd(a.v, b.v, kPredicate);
}
inline VecD select(__m256d m, VecD if_true, VecD if_false) {
  return {_mm256_blendv_pd(if_false.v, if_true.v, m)};
}
inline __m256d mask_and(__m256d a, __m256d b) { return _mm256_and_pd(a, b); }
inline __m256d mask_or(__m256d a, __m256d b) { return _mm256_or_pd(a, b); }
inline __m256d mask_not(__m256d a) {
  return _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
}
inline bool any(__m256d a) { return _mm256_movemask_pd(a) != 0; }
inline VecD vabs(VecD a) {
  return {_mm256_and_pd(a.v, _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffff)))};
}
inline VecD vneg(VecD a) { return {_mm256_xor_pd(a.v, _mm256_set1_pd(-0.0))}; }
inline VecD vsqrt(VecD a) { return {_mm256_sqrt_pd(a.v)}; }
inline VecD vfloor(VecD a) {
  return {_mm256_round_pd(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)};
}
inline VecD fmadd(VecD a, VecD b, VecD c) { return {_mm256_fmadd_pd(a.v, b.v, c.v)}; }
inline VecD fnmadd(VecD a, VecD b, VecD c) { return {_mm256_fnmadd_pd(a.v, b.v, c.v)}; }
inline VecD round_nearest(VecD a) {
  return {_mm256_round_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)};
}
// No 64-bit int <-> double conversions before AVX-512DQ: vec_math_f64.h converts through
// the exponent field and 2^52 instead, which needs only these.
inline __m256i bits(VecD a) { return _mm256_castpd_si256(a.v); }
inline VecD from_bits64(__m256i a) { return {_mm256_castsi256_pd(a)}; }
inline __m256i iset1_64(std::int64_t x) { return _mm256_set1_epi64x(x); }
template <int kShift>
inline __m256i ishl64(__m256i a) {
  return _mm256_slli_epi64(a, kShift);
}
template <int kShift>
inline __m256i isrl64(__m256i a) {
  return _mm256_srli_epi64(a, kShift);
}

#else
#error "simd_vec.h needs -mavx2 or -mavx512f (see Note [SIMD files])"
#endif

}  // namespace
}  // namespace minitorch::cpu
