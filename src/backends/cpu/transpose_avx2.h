// In-register transposes of small square blocks with AVX2 (Note [SIMD files]: include only
// from *_avx2.cpp and *_avx512.cpp files). Shared by the matmul's packing of transposed panels
// (matmul_pack_avx2.cpp) and the copy of transposed layouts (copy_transpose_avx2.cpp). They
// move bits only (unpack, shuffle, permute), so any 4- or 8-byte element type goes through
// the float or double forms unchanged, NaN payloads included.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace minitorch::cpu {
// Internal linkage: each including file keeps its own copy, compiled with its own ISA flags,
// so the linker can never pick one file's instructions for another's.
namespace {  // NOLINT(google-build-namespaces)

// dst[q * w + r] = rows[r][q] for r, q < 8: rows are 8 consecutive k values of 8 panel rows.
inline void transpose8x8(const __m256 (&r)[8], float* dst, std::int64_t w) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]);
  const __m256 t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]);
  const __m256 t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]);
  const __m256 t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]);
  const __m256 t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44);
  const __m256 u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44);
  const __m256 u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44);
  const __m256 u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44);
  const __m256 u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst + 0 * w, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(dst + 1 * w, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(dst + 2 * w, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(dst + 3 * w, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(dst + 4 * w, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(dst + 5 * w, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(dst + 6 * w, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(dst + 7 * w, _mm256_permute2f128_ps(u3, u7, 0x31));
}

// dst[q * w + r] = rows[r][q] for r, q < 4.
inline void transpose4x4(const __m128 (&r)[4], float* dst, std::int64_t w) {
  const __m128 t0 = _mm_unpacklo_ps(r[0], r[1]);
  const __m128 t1 = _mm_unpackhi_ps(r[0], r[1]);
  const __m128 t2 = _mm_unpacklo_ps(r[2], r[3]);
  const __m128 t3 = _mm_unpackhi_ps(r[2], r[3]);
  _mm_storeu_ps(dst + 0 * w, _mm_movelh_ps(t0, t2));
  _mm_storeu_ps(dst + 1 * w, _mm_movehl_ps(t2, t0));
  _mm_storeu_ps(dst + 2 * w, _mm_movelh_ps(t1, t3));
  _mm_storeu_ps(dst + 3 * w, _mm_movehl_ps(t3, t1));
}

inline void transpose4x4(const __m256d (&r)[4], double* dst, std::int64_t w) {
  const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]);  // r0[0] r1[0] r0[2] r1[2]
  const __m256d t1 = _mm256_unpackhi_pd(r[0], r[1]);  // r0[1] r1[1] r0[3] r1[3]
  const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]);
  const __m256d t3 = _mm256_unpackhi_pd(r[2], r[3]);
  _mm256_storeu_pd(dst + 0 * w, _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm256_storeu_pd(dst + 1 * w, _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm256_storeu_pd(dst + 2 * w, _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm256_storeu_pd(dst + 3 * w, _mm256_permute2f128_pd(t1, t3, 0x31));
}

}  // namespace
}  // namespace minitorch::cpu
